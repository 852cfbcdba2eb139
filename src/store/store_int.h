/* Shared inside src/store only. */
#ifndef WFM_STORE_INT_H
#define WFM_STORE_INT_H

#include "store.h"

/* The statements; their SQL is the table in src/store/store_sql.c. */
enum stmt_id {
	STMT_MIGRATION_VERSION,
	STMT_MIGRATION_RECORD,
	STMT_READY,
	STMT_TIME_LIMIT,
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
	/* One text per row count, 2 to 16 (store_sql.c). */
	STMT_EXEC_INSERT_MANY,
	STMT_EXEC_INSERT_MANY_LAST = STMT_EXEC_INSERT_MANY + 14,
	STMT_EXEC_IDS_PRESENT,
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
	STMT_SUP_CLAIM_SELECT_AFTER,
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
	STMT_EXEC_GET_DOC,
	STMT_WF_ITER_CHILD,
	STMT_TMPL_VERSION_DEF,
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


/*
 * Execute statement id with n params. If res is not NULL the result set
 * is copied into it (caller frees with sres_free, also after errors: it
 * is zeroed first). *affected and *insert_id may be NULL.
 */
int		 store_exec(struct store *, enum stmt_id id,
		    const struct sparam *params, size_t n, struct sres *res,
		    uint64_t *affected, uint64_t *insert_id);

void		 sres_free(struct sres *);
/* The cell at (row, col) or NULL; len may be NULL. */
const char	*sres_get(const struct sres *, size_t row, size_t col,
		    size_t *len);
/* The cell as an integer (0 when NULL or not a number). */
long long	 sres_int(const struct sres *, size_t row, size_t col);
/*
 * Decoding helpers of the typed functions. sres_dup: a copy of the cell
 * (the caller frees it), NULL for SQL NULL. sres_copy: the cell into buf
 * of size bytes, truncated, "" for SQL NULL. sres_ms: the cell as epoch
 * milliseconds, STORE_NO_MS for SQL NULL. sres_json: the cell parsed (the
 * caller owns it), NULL for SQL NULL or text that does not parse.
 */
char		*sres_dup(const struct sres *, size_t row, size_t col);
void		 sres_copy(const struct sres *, size_t row, size_t col,
		    char *buf, size_t size);
long long	 sres_ms(const struct sres *, size_t row, size_t col);
/* A DATETIME cell as epoch ms (util_datetime_ms); STORE_NO_MS for NULL. */
long long	 sres_dt_ms(const struct sres *, size_t row, size_t col);
struct json_object *sres_json(const struct sres *, size_t row, size_t col);


/*
 * The most parameters of one statement (store_exec); the widest is
 * STMT_SUP_STEP_PUT_MANY, 13 per row times SUP_ROWS_MANY.
 */
#define STORE_PARAMS_MAX	128
/* More than STORE_PARAMS_MAX: allocated (map iteration rows, sql/016). */
#define STORE_PARAMS_HEAP	1100

/*
 * The "Duplicates: N" of the last statement's mysql_info() (a
 * multi-row INSERT's). RC_OK, or RC_ERR when it gave none.
 */
int		 store_info_duplicates(const struct store *, uint64_t *n);

/*
 * The definition (JSON text) of version of template tpk into *out, a copy
 * the caller frees: from the connection's cache, or read and kept there
 * (a version's definition never changes: sql/001, no statement updates
 * it). RC_OK; RC_NOTFOUND when there is no such version; else the
 * store's code.
 */
int		 store_def_text(struct store *, long long tpk,
		    long long version, char **out);

/* The SQL text of statement id. */
const char	*store_sql_text(enum stmt_id id);

/* A column holding a DATETIME as epoch milliseconds (session is UTC). */
#define MS(col)	"CAST(UNIX_TIMESTAMP(" col ") * 1000 AS SIGNED)"

/*
 * The user's lowest free quota slot into *slot: RC_OK; RC_DENIED when
 * every one of the slots is held (the quota); else the store's code.
 */
int	 store_slot_free(struct store *, const char *user, int slots,
	    long long *slot);

/*
 * Runs stmt, an UPDATE that makes one execution of user active again (a
 * redrive, a resume; sql/011), with one of user's quota slots as its
 * first parameter, set here (q[0]): a random one, then after each lost
 * race the lowest free one (store_slot_free). Inside the caller's
 * transaction. RC_OK (*n the rows changed), RC_DENIED when every slot is
 * held (the quota), RC_AGAIN after STORE_SLOT_TRIES lost races, else the
 * store's code.
 */
int	 store_slot_update(struct store *, const char *user, int slots,
	    enum stmt_id stmt, struct sparam *q, size_t nq, uint64_t *n);

#endif
