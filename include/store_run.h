/*
 * The supervisor's run of one execution in the database (store_run.c):
 * load a claimed execution and its step rows, fence every write by the
 * claim, write step rows, finish, park and release. Strings of inputs
 * are borrowed for the call; rows are the caller's, freed by their
 * _free function (safe on a zeroed struct and after any error).
 * Return codes: those of include/store.h.
 */
#ifndef WFM_STORE_RUN_H
#define WFM_STORE_RUN_H

#include <stddef.h>

#include <json-c/json.h>

#include "common.h"
#include "store.h"

/* Executions per store_run_load (the SQL's IN list). */
#define STORE_RUN_LOAD_MAX	32
/* Rows per batched statement (STMT_SUP_STEP_PUT_MANY, FINISH_MANY). */
#define STORE_RUN_ROWS_MANY	8

/* A claimed execution as the supervisor loads it (STMT_SUP_LOAD). */
struct store_run_row {
	long long		 pk;
	char			 id[UTIL_UUID_LEN];
	char			*name;
	char			*user;
	char			*owner;		/* the template's owner */
	struct json_object	*input;		/* parsed, owned by the row */
	struct json_object	*def;		/* parsed definition of its
						   version, owned; NULL when
						   it does not parse */
	long long		 epoch;		/* claim_epoch */
	long long		 run_us;	/* since started_at, less the
						   time paused; 0: not started */
	int			 cancel;	/* cancel requested */
	long long		 queue_us;	/* since created_at */
	long long		 redrive;	/* redrive_count */
	int			 access;	/* the user may still use the
						   template */
	char			*claimed_by;	/* NULL: nobody */
	char			*status;
	char			*parent_id;	/* NULL: a root */
	int			 depth;
	char			*root_id;	/* NULL: a root */
	long long		 paused_us;	/* paused since, 0: not paused */
	int			 notify;	/* the execution has its own
						   notify */
};

struct store_run_rows {
	size_t			 n;
	struct store_run_row	*v;
};

/*
 * The executions pks[0..n) (n <= STORE_RUN_LOAD_MAX) into *out, in no
 * particular order; a pk that does not exist is not there. RC_OK, else
 * a store code and *out empty.
 */
int	 store_run_load(struct store *, const long long *pks, size_t n,
	    struct store_run_rows *out);
void	 store_run_rows_free(struct store_run_rows *);

/* A stored step row (STMT_SUP_STEPS_LOAD_DUE). */
struct store_run_step {
	int			 idx;
	char			*status;	/* as stored, NULL: none */
	int			 attempts;
	struct json_object	*output;	/* parsed, owned; NULL */
	long long		 started_ms;	/* STORE_NO_MS: none */
	int			 has_timer;	/* next_attempt_at is set */
	long long		 timer_us;	/* microseconds until it (may
						   be negative: past) */
	struct json_object	*history;	/* parsed, owned; NULL */
	struct json_object	*input;		/* parsed, owned; NULL */
};

struct store_run_steps {
	size_t			 n;
	struct store_run_step	*v;
};

/* The step rows of execution pk into *out. RC_OK or a store code. */
int	 store_run_steps_load(struct store *, long long pk,
	    struct store_run_steps *out);
void	 store_run_steps_free(struct store_run_steps *);

/* Who holds a claim: the fence of every write. */
struct store_run_claim {
	long long	 pk;
	const char	*claimer;	/* the supervisor's id */
	long long	 epoch;
};

/*
 * Why a park matched nothing (STMT_SUP_PARK_CHECK) into *out: RC_OK,
 * RC_NOTFOUND when the row is gone, or a store code.
 */
struct store_run_park_state {
	char		 status[16];	/* "" when NULL */
	int		 cancel;	/* cancel requested */
	int		 ours;		/* still claimed by c */
};
int	 store_run_park_check(struct store *, const struct store_run_claim *c,
	    struct store_run_park_state *out);

/*
 * Give the claim back: pending again (a paused row stays paused unless
 * a cancel waits). RC_OK (also when the claim was not ours) or a store
 * code.
 */
int	 store_run_release(struct store *, const struct store_run_claim *c);

/*
 * The fence: renew the lease for lease_seconds while the claim is ours
 * (running or paused), locking the row until the caller's transaction
 * ends. RC_OK with *held 1, or 0 when the claim is not ours any more;
 * else a store code.
 */
int	 store_run_fence(struct store *, const struct store_run_claim *c,
	    int lease_seconds, int *held);

/* An outcome (STMT_SUP_FINISH); strings borrowed. */
struct store_run_outcome {
	struct store_run_claim	 claim;
	const char		*status;
	const char		*result;	/* JSON text or NULL */
	const char		*error;		/* JSON text or NULL */
	int			 no_notify;	/* tmpl_notify = 0 (sql/018) */
};

/*
 * End the execution with o, fenced by its claim. RC_OK with *held 1, or
 * 0 when the claim is not ours any more; else a store code (RC_INVALID:
 * the database refused the values for good).
 */
int	 store_run_finish(struct store *, const struct store_run_outcome *o,
	    int *held);
/*
 * The outcomes o[0..n) (2 <= n <= STORE_RUN_ROWS_MANY, one claimer) in
 * one statement. RC_OK; RC_CONFLICT when fewer rows matched than sent
 * (a claim was lost: the caller finds which); else a store code.
 */
int	 store_run_finish_many(struct store *,
	    const struct store_run_outcome *o, size_t n);

/*
 * Park: status to (its name) without a claim, only from status from and
 * with no cancel waiting, waking in wake_in_us (-1: no timer; a wake
 * already due is kept). RC_OK with *parked 1 when the row matched, else
 * 0; or a store code.
 */
int	 store_run_park(struct store *, const struct store_run_claim *c,
	    const char *to, const char *from, long long wake_in_us,
	    int *parked);

/* A step row to write (STMT_SUP_STEP_PUT_DUE); strings borrowed. */
struct store_run_step_put {
	long long	 pk;
	int		 idx;
	const char	*step_id;
	const char	*status;
	int		 attempts;
	long long	 started_ms;	/* STORE_NO_MS: NULL */
	long long	 completed_ms;	/* STORE_NO_MS: NULL */
	const char	*output;	/* JSON texts, NULL: SQL NULL */
	const char	*error;
	long long	 timer_us;	/* next attempt in; -1: none */
	const char	*input;
	const char	*history;
};

/*
 * Insert or replace the step rows v[0..n), inside the caller's
 * transaction: STORE_RUN_ROWS_MANY per statement, the rest one by one.
 * RC_OK or the store code of the first that failed.
 */
int	 store_run_steps_put(struct store *,
	    const struct store_run_step_put *v, size_t n);

#endif
