/*
 * What the service reports about itself (src/store/store_system.c): the
 * readiness probe, the /metrics gauges and the admin's system page
 * (GET /workflow-management/system). Return codes as in store.h; every
 * output is zeroed first, so its free function is safe after any return.
 */
#ifndef WFM_STORE_SYSTEM_H
#define WFM_STORE_SYSTEM_H

#include <stddef.h>

#include "store.h"

/* STMT_READY: the schema and the freshest supervisor heartbeat. */
struct store_ready {
	long long	schema_version;	/* 0 before the first migration */
	int		has_beat;	/* 0: no supervisor heartbeat row */
	long long	beat_age_us;	/* age of the freshest one */
};
/* Into *out. RC_OK or a store code. */
int	 store_ready(struct store *, struct store_ready *out);

/* Executions counted by status (STMT_METRICS_EXEC); owned strings. */
struct store_status_count {
	char		*status;
	long long	 n;
};
struct store_status_counts {
	size_t				 n;
	struct store_status_count	*v;
};
void	 store_status_counts_free(struct store_status_counts *);
/* Every status present into *out. RC_OK or a store code. */
int	 store_metrics_exec(struct store *, struct store_status_counts *out);

/* Pending executions (STMT_METRICS_QUEUE, STMT_SYS_QUEUE). */
struct store_queue {
	long long	pending;
	long long	runnable;	/* whose run_after has come */
	long long	now_ms;		/* the database's clock; sys only */
};
/* The counts into *out (now_ms 0). RC_OK or a store code. */
int	 store_metrics_queue(struct store *, struct store_queue *out);
/* The counts and the database's clock into *out. RC_OK or a store code. */
int	 store_sys_queue(struct store *, struct store_queue *out);

/* Finished executions of one 5-minute bucket and status. */
struct store_sys_bucket {
	long long	 bucket;	/* epoch seconds / 300 */
	char		*status;	/* NULL: none (never in practice) */
	long long	 n;
};
struct store_sys_buckets {
	size_t			 n;
	struct store_sys_bucket	*v;
};
void	 store_sys_buckets_free(struct store_sys_buckets *);
/*
 * The executions finished since since_ms by bucket and status, oldest
 * bucket first (STMT_SYS_THROUGHPUT). RC_OK or a store code.
 */
int	 store_sys_throughput(struct store *, long long since_ms,
	    struct store_sys_buckets *out);

/* A claimer of running executions (STMT_SYS_CLAIMERS). */
struct store_sys_claimer {
	char		*claimer;	/* claimed_by; may be NULL */
	long long	 running;
	long long	 lease_until_ms;	/* the latest; STORE_NO_MS */
	long long	 leases_expired;
};
struct store_sys_claimers {
	size_t				 n;
	struct store_sys_claimer	*v;
};
void	 store_sys_claimers_free(struct store_sys_claimers *);
/* Up to 100 claimers, by id. RC_OK or a store code. */
int	 store_sys_claimers(struct store *, struct store_sys_claimers *out);

/* A supervisor's heartbeat row (STMT_SYS_SUPERVISORS). */
struct store_sys_supervisor {
	char		*id;
	char		*host;		/* may be NULL */
	long long	 pid;
	long long	 started_ms;
	long long	 beat_ms;
	long long	 age_us;	/* of the beat, on the database's clock */
};
struct store_sys_supervisors {
	size_t				 n;
	struct store_sys_supervisor	*v;
};
void	 store_sys_supervisors_free(struct store_sys_supervisors *);
/* Up to 100 heartbeat rows, by id. RC_OK or a store code. */
int	 store_sys_supervisors(struct store *,
	    struct store_sys_supervisors *out);

/* A host's replica heartbeat row (STMT_SYS_REPLICA_BEATS). */
struct store_sys_beat {
	char		*host_id;	/* may be NULL */
	long long	 beat_ms;
	long long	 age_us;
};
struct store_sys_beats {
	size_t			 n;
	struct store_sys_beat	*v;
};
void	 store_sys_beats_free(struct store_sys_beats *);
/* Up to 100 rows, by host. RC_OK or a store code. */
int	 store_sys_replica_beats(struct store *, struct store_sys_beats *out);

#endif
