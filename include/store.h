/*
 * The database layer (MariaDB Connector/C). One struct store per process
 * owns the connection and every prepared statement; statements are named
 * by id and prepared on first use, so a reconnect simply re-prepares them.
 * Open the store after fork(): a connection never crosses fork().
 *
 * Return codes of every call that talks to the server:
 *   RC_OK
 *   RC_AGAIN	the server is unreachable or the connection was lost (the
 *		next call reconnects), or a deadlock / lock wait timeout
 *		rolled the transaction back: the caller may retry or answer 503
 *   RC_CONFLICT a unique key was violated (ER_DUP_ENTRY)
 *   RC_DENIED	a trigger refused the row (the active-execution quota)
 *   RC_INVALID	the server refused the values for good (a CHECK such as
 *		JSON_VALID, data too long or out of range, a NULL in a NOT
 *		NULL column, a missing parent row): never retry the same
 *		write; store_errno says which
 *   RC_ERR	any other failure, already logged
 */
#ifndef WFM_STORE_H
#define WFM_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "common.h"
#include "config.h"

/* The statements; their SQL is the table in src/store/store_sql.c. */
enum stmt_id {
	STMT_MIGRATION_VERSION,
	STMT_MIGRATION_RECORD,
	STMT_READY,
	STMT_TEMPLATE_INSERT,
	STMT_TEMPLATE_VERSION_INSERT,
	STMT_TEMPLATE_SHARE_INSERT,
	STMT_TEMPLATE_SHARES_DELETE,
	STMT_TEMPLATE_SHARES_GET,
	STMT_TEMPLATE_GET,
	STMT_TEMPLATE_UPDATE,
	STMT_TEMPLATE_DELETE,
	STMT_TEMPLATE_LIST,
	STMT_TEMPLATE_LIST_ADMIN,
	STMT_TEMPLATE_BY_OWNER_NAME,
	STMT_TEMPLATE_LOCK,
	STMT_EXEC_ACTIVE_COUNT,
	STMT_EXEC_FREE_SLOT,
	STMT_EXEC_INSERT_CHECKED,
	STMT_EXEC_BY_NAME,
	STMT_EXEC_GET,
	STMT_EXEC_STEPS,
	STMT_EXEC_LIST_USER,
	STMT_EXEC_LIST_USER_STATUS,
	STMT_EXEC_LIST_ALL,
	STMT_EXEC_LIST_ALL_STATUS,
	STMT_EXEC_CANCEL,
	STMT_EXEC_REDRIVE,
	STMT_EXEC_REDRIVE_STEPS,
	STMT_EXEC_PAUSE,
	STMT_EXEC_RESUME,
	STMT_AUDIT_INSERT,
	STMT_AUDIT_LIST,
	STMT_SECRET_PUT,
	STMT_SECRETS_OF_OWNER,
	STMT_METRICS_EXEC,
	STMT_METRICS_QUEUE,
	/* GET /workflow-management/system (http_system.c). */
	STMT_SYS_QUEUE,
	STMT_SYS_THROUGHPUT,
	STMT_SYS_CLAIMERS,
	STMT_SYS_SUPERVISORS,
	STMT_SYS_REPLICA_BEATS,
	STMT_REPLICA_BEAT,
	STMT_REPLICA_LAG,
	STMT_SUP_HEARTBEAT,
	STMT_SUP_HEARTBEAT_DELETE,
	STMT_SUP_CLAIM_SELECT,
	STMT_SUP_RECLAIM_SELECT,
	STMT_SUP_TEMPLATE_LIMIT,
	STMT_SUP_TEMPLATE_LIMIT_LOCK,
	STMT_SUP_RUNNING_OF_TEMPLATE,
	STMT_SUP_CLAIM_UPDATE_MANY,
	STMT_SUP_LOAD,
	STMT_SUP_FENCE,
	STMT_SUP_FINISH,
	STMT_SUP_RELEASE,
	STMT_SUP_RENEW_ALL,
	STMT_SUP_CANCEL_POLL,
	STMT_SUP_PRUNE_CUTOFF,
	STMT_SUP_PRUNE_AUDIT,
	STMT_SUP_PRUNE,
	STMT_SUP_ORPHAN_OWNERS,
	STMT_SUP_ORPHANS_OF,
	STMT_SUP_RELEASE_MINE,
	STMT_SUP_MINE_LIST,
	STMT_SUP_STEP_PUT_DUE,
	STMT_SUP_STEPS_LOAD_DUE,
	STMT_SUP_STEP_PUT_MANY,
	STMT_SUP_FINISH_MANY,
	STMT_SUP_PARK,
	STMT_SUP_WAKE_SELECT,
	STMT_SUP_PARK_CHECK,
	/* Schedules (sql/012). */
	STMT_SCHED_INSERT,
	STMT_SCHED_COUNT_OWNER,
	STMT_SCHED_GET,
	STMT_SCHED_LAST_FIRE,
	STMT_SCHED_UPDATE,
	STMT_SCHED_DELETE,
	STMT_SCHED_PAUSE,
	STMT_SCHED_RESUME,
	STMT_SCHED_LIST_OWNER,
	STMT_SCHED_LIST_ALL,
	STMT_SCHED_FIRES,
	STMT_SCHED_FIRE_INSERT,
	STMT_SCHED_SET_LAST,
	STMT_SCHED_PAUSE_TEMPLATE,
	STMT_SCHED_DUE,
	STMT_SCHED_TMPL,
	STMT_SCHED_EXEC_STATUS,
	STMT_SCHED_ADVANCE,
	STMT_SCHED_NEXT_DUE,
	STMT_SCHED_PRUNE,
	STMT_SCHED_CTL_LIST,
	STMT_SCHED_FIRES_TRIM,
	/* Webhooks (sql/010): secrets, deliveries, attempts. */
	STMT_WH_SECRET_GET,
	STMT_WH_SECRET_PUT,
	STMT_WH_OUTBOX_OF_EXEC,
	STMT_WH_ATTEMPTS_OF_EXEC,
	STMT_WH_CLAIM_SELECT,
	STMT_WH_CLAIM_MARK,
	STMT_WH_LOAD,
	STMT_WH_STEPS,
	STMT_WH_SET_PAYLOAD,
	STMT_WH_ATTEMPT_INSERT,
	STMT_WH_DONE,
	STMT_WH_DEPTH,
	STMT_WH_CTL_LIST,
	/* Galera: causal reads for the claim's re-read (store_sync_wait). */
	STMT_WSREP_SYNC_ON,
	STMT_WSREP_SYNC_OFF,
	/* A template's versions (GET .../templates/{id}/versions). */
	STMT_TEMPLATE_VERSIONS,
	STMT_TEMPLATE_VERSION_GET,
	/* Callbacks (sql/015). */
	STMT_CB_INSERT,
	STMT_CB_SUPERSEDE,
	STMT_CB_ARM,
	STMT_CB_RECEIVED,
	STMT_CB_LOOKUP,
	STMT_CB_RECORD,
	STMT_EXEC_WAKE,
	/* The list filters of the second milestone (sql/019). */
	STMT_EXEC_LIST_USER_PREFIX,
	STMT_EXEC_LIST_ALL_PREFIX,
	STMT_EXEC_LIST_SCHEDULE,
	/* Map iterations (sql/016). */
	STMT_SUP_ITER_PUT,
	STMT_SUP_ITER_PUT_MANY,
	STMT_SUP_ITER_LOAD,
	STMT_EXEC_REDRIVE_ITERS,
	STMT_EXEC_ITER_COUNTS,
	STMT_EXEC_ITER_PAGE,
	STMT_SUP_ITER_PUT_TEN,
	/* The schedule limit's owner slots (sql/020). */
	STMT_SCHED_FREE_SLOT,
	STMT_SCHED_NAME_TAKEN,
	/* Sub-workflows (sql/017). */
	STMT_WF_TMPL,
	STMT_WF_CHILD_GET,
	STMT_WF_ROOT_BUMP,
	STMT_EXEC_WAKE_ID,
	STMT_WF_CHILDREN_OPEN,
	STMT_WF_STEP_CHILD,
	STMT_EXEC_LIST_PARENT,
	/* Signals of wait steps (sql/014): the API, then the supervisor. */
	STMT_SIG_EXEC,
	STMT_SIG_LOCK,
	STMT_SIG_BY_ID,
	STMT_SIG_COUNT_KEPT,
	STMT_SIG_WAITING_STEPS,
	STMT_SIG_INSERT,
	STMT_SIG_OF_EXEC,
	STMT_SIG_APPROVALS,
	STMT_SUP_SIG_LIST,
	STMT_SUP_SIG_TAKE,
	STMT_SUP_SIG_PAYLOAD,
	STMT_EXEC_UNFINISHED_COUNT,
	STMT_EXEC_PARKED_COUNT,
	STMT_SUP_WAKE_PAUSED_SELECT,
	STMT_SUP_CLAIM_PAUSED,
	STMT_SUP_RELEASE_PAUSED,
	STMT_COUNT
};

/* A parameter: build with the SP_* macros. Strings are borrowed. */
enum sparam_type { SP_T_NULL, SP_T_STR, SP_T_INT, SP_T_DBL, SP_T_BLOB };
struct sparam {
	enum sparam_type	 type;
	const void		*p;
	size_t			 len;
	long long		 i;
	double			 d;
};
static inline struct sparam
sp_make(enum sparam_type t, const void *p, size_t len, long long i, double d)
{
	struct sparam	sp = { t, p, len, i, d };

	return sp;
}

static inline struct sparam
sp_str(const char *s)
{
	return sp_make(s != NULL ? SP_T_STR : SP_T_NULL, s,
	    s != NULL ? strlen(s) : 0, 0, 0);
}

#define SP_NULL()	sp_make(SP_T_NULL, NULL, 0, 0, 0)
#define SP_STR(s)	sp_str(s)
#define SP_STRN(s, n)	sp_make(SP_T_STR, (s), (n), 0, 0)
#define SP_INT(v)	sp_make(SP_T_INT, NULL, 0, (v), 0)
#define SP_DBL(v)	sp_make(SP_T_DBL, NULL, 0, 0, (v))
#define SP_BLOB(b, n)	sp_make(SP_T_BLOB, (b), (n), 0, 0)

/* A result set copied out of the server: every cell as text or NULL. */
struct sres {
	size_t	  nrows, ncols;
	char	**cell;		/* nrows * ncols, NULL for SQL NULL */
	size_t	 *len;
};

struct store;

/*
 * A store for the configuration (borrowed: must outlive the store). It
 * connects at once, but also returns the store when the server is down;
 * every later call retries the connection (at most once a second).
 * Never fails; the caller owns the result.
 */
struct store	*store_open(const struct config *);
void		 store_close(struct store *);
/*
 * A store on the replica of [database] read_host (or read_socket), for
 * reads only; NULL when none is configured. Like store_open otherwise.
 */
struct store	*store_open_read(const struct config *);
/*
 * The replica's lag in ms: the age, on the replica, of the freshest row
 * of the heartbeat table (written to the primary by the supervisors,
 * store_replica_beat). RC_OK; RC_NOTFOUND when it holds no beat yet;
 * otherwise a store code (the replica is down or refused).
 */
int		 store_replica_lag(struct store *, long long *lag_ms);
/* Write this host's heartbeat (primary store); a store code. */
int		 store_replica_beat(struct store *, const char *host_id);
/* 1 if a connection is up right now. */
int		 store_connected(const struct store *);

/*
 * Execute statement id with n params. If res is not NULL the result set
 * is copied into it (caller frees with sres_free, also after errors: it
 * is zeroed first). *affected and *insert_id may be NULL.
 */
int		 store_exec(struct store *, enum stmt_id id,
		    const struct sparam *params, size_t n, struct sres *res,
		    uint64_t *affected, uint64_t *insert_id);

/* Run one trusted SQL text (migrations only), without parameters. */
int		 store_exec_sql(struct store *, const char *sql);
/*
 * The highest migration applied (0 when none, or before the first made
 * schema_migrations: then the store's code is returned and *v is 0).
 */
int		 store_migration_version(struct store *, long long *v);
/* Record migration version v, file name, as applied. A store code. */
int		 store_migration_record(struct store *, long long v,
		    const char *name);

/*
 * Transactions: autocommit is on outside them. After a statement of the
 * transaction failed with a deadlock or lock wait timeout (a Galera
 * certification failure is a deadlock), store_commit rolls back and
 * returns RC_AGAIN even if the server would answer OK.
 */
int		 store_begin(struct store *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);

/*
 * The one way to commit: store_tx runs body(st, arg) between
 * store_begin and store_commit (rolled back when body does not return
 * RC_OK) and, when the transaction failed on a deadlock or lock wait
 * timeout (1213, 1205: also a Galera certification failure, at any
 * statement or at COMMIT) while the connection stayed up, runs it again,
 * STORE_TX_TRIES times in all, after 1-5, 1-10, 1-20, 1-40 ms. body may
 * thus run several times: it must start from its inputs each time.
 * STORE_TX_AUTOCOMMIT: no transaction around body (a single statement),
 * retried the same way. Returns body's code, or the store's.
 */
#define STORE_TX_TRIES		5
#define STORE_TX_AUTOCOMMIT	0x1
typedef int	 store_tx_fn(struct store *, void *arg);
int		 store_tx(struct store *, int flags, store_tx_fn *body,
		    void *arg);

/* 1 if the current connection is to a Galera node (wsrep_on). */
int		 store_galera(const struct store *);
/*
 * SET SESSION wsrep_sync_wait = 1 (on) or 0: the following reads wait
 * until the node applied every write committed anywhere before them.
 * Does nothing (RC_OK) unless connected to a Galera node.
 */
int		 store_sync_wait(struct store *, int on);

/* Counters of one store, for metrics and tests. */
struct store_stats {
	int		node;		/* index into [database] host */
	unsigned long	failovers;	/* moves to another node */
	unsigned long	tx_retries;	/* store_tx bodies run again */
};
void		 store_stats(const struct store *, struct store_stats *);

void		 sres_free(struct sres *);
/* The cell at (row, col) or NULL; len may be NULL. */
const char	*sres_get(const struct sres *, size_t row, size_t col,
		    size_t *len);
/* The cell as an integer (0 when NULL or not a number). */
long long	 sres_int(const struct sres *, size_t row, size_t col);

/* A DATETIME column that is NULL, as epoch milliseconds in a typed row. */
#define STORE_NO_MS	(-1LL)

/* Who acts, for the audit log: user, client address, request id. */
struct store_actor {
	const char	*user;
	const char	*client;	/* may be NULL */
	const char	*reqid;		/* may be NULL */
};

/* Write an audit row (detail may be NULL; borrowed). */
int		 store_audit(struct store *, const struct store_actor *,
		    const char *action, const char *otype, const char *oid,
		    struct json_object *detail);

/* Templates: include/store_tmpl.h. */

/* A new execution for store_exec_insert; every string borrowed. */
struct store_exec_new {
	const char	*id;		/* UUID v4: its first bits pick a slot */
	const char	*user;
	const char	*name;		/* execution_name */
	const char	*template_id;
	long long	 version;	/* the version the input was checked at */
	const char	*input;		/* canonical JSON text */
	const char	*hash;		/* jsonx_canon_hash of the input */
	const char	*reqid;		/* may be NULL */
	const char	*client;	/* may be NULL */
	long long	 created_ms;
	int		 admin_access;
	const char	*notify;	/* the execute body's notify, or NULL */
	int		 slots;		/* max_active_executions_per_user */
	long long	 schedule_pk;	/* its schedule (sql/019); 0: none */
	/* A child of a workflow step (sql/017); NULL and 0 otherwise. */
	int		 pinned;	/* version: the step's, not the latest */
	const char	*parent_id;
	const char	*parent_step;
	const char	*root_id;
	int		 depth;
};

/* Quota slots lost to other inserts before RC_AGAIN (sql/011). */
#define STORE_SLOT_TRIES	8

/*
 * A quota slot in [0, slots) (sql/011) from 32 random bits: those of
 * uuid (UUID v4, its first 8 hex digits) when given, else fresh ones.
 */
long long	 store_slot_random(int slots, const char *uuid);

/*
 * Insert one pending execution through STMT_EXEC_INSERT_CHECKED (the
 * template version check is its trigger's), holding a quota slot: one
 * from x->id, on a duplicate key another random one, then the lowest
 * free one, at most STORE_SLOT_TRIES times. A duplicate key may be the
 * name: taken(arg) is asked then (NULL: the store looks the name up),
 * and returns RC_NOTFOUND when the name is free; anything else ends the
 * insert (RC_OK as RC_CONFLICT). Outside a transaction it runs as one
 * store_tx(STORE_TX_AUTOCOMMIT), so a deadlock, lock timeout or Galera
 * certification failure is retried there (taken may then be asked again);
 * inside one, the caller's store_tx retries.
 * RC_OK; RC_CONFLICT the name is taken; RC_DENIED every slot is held
 * (the quota); RC_CHANGED the template is no longer at that version
 * (changed or deleted); RC_AGAIN (also STORE_SLOT_TRIES slots lost);
 * RC_INVALID the row was refused for good; RC_ERR.
 */
int		 store_exec_insert(struct store *,
		    const struct store_exec_new *x, int (*taken)(void *),
		    void *arg);

/*
 * Wake a parked execution (store_wake.c): a waiting one becomes pending,
 * claimable at once (nudge the supervisor after the commit); a running
 * one gets wake_at now, which its park keeps (STMT_SUP_PARK), so news
 * that came while it ran (a signal, a callback, a child's end) is not
 * missed; a paused one sees it on resume. RC_OK with *woken 1 when a row
 * changed (woken may be NULL), else the store's code.
 */
int		 store_exec_wake(struct store *, long long pk, int *woken);
/* The same for execution eid (a child's parent). RC_OK or the store's. */
int		 store_exec_wake_id(struct store *, const char *eid);

/* The server error number of the last failure (0 if none). */
unsigned	 store_errno(const struct store *);

#endif
