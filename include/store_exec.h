/*
 * Typed queries of the executions API (src/store/store_exec.c): one
 * function per statement, or per operation that is several statements
 * of one transaction. The SQL is in src/store/store_sql.c; the column
 * order of each statement is private to store_exec.c.
 *
 * Rows: strings are owned (char *) and released by the row's or the
 * list's free function, which is safe on a zeroed struct and after any
 * error; every function zeroes its output first. SQL NULL is a NULL
 * pointer for text and STORE_NO_MS for a time in epoch ms. JSON columns
 * are returned as their text (the callers pass them through).
 *
 * The insert of a new execution (store_exec_insert, struct
 * store_exec_new) and the wake of a parked one (store_exec_wake) are
 * still declared in include/store.h, where their callers find them.
 *
 * Return codes are those of include/store.h: RC_OK, RC_NOTFOUND where a
 * function says so, otherwise RC_AGAIN, RC_CONFLICT, RC_DENIED,
 * RC_INVALID or RC_ERR from the store.
 */
#ifndef WFM_STORE_EXEC_H
#define WFM_STORE_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct store;

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
	const char	*notify;	/* the execute body's notify, or NULL */
	long long	 schedule_pk;	/* its schedule (sql/019); 0: none */
	/* A child of a workflow step (sql/017); NULL and 0 otherwise. */
	const char	*parent_id;
	const char	*parent_step;
	const char	*root_id;
	/*
	 * > 0: no row (RC_CHANGED) when the user has at least this many
	 * waiting and paused executions (sql/022); 0: no such guard.
	 */
	long long	 parked_room;
	int		 admin_access;
	int		 slots;		/* max_active_executions_per_user */
	int		 pinned;	/* a child's version: the step's, not
					   the latest */
	int		 depth;		/* a child's */
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
 * (changed or deleted), or x->parked_room was reached; RC_AGAIN (also STORE_SLOT_TRIES slots lost);
 * RC_INVALID the row was refused for good; RC_ERR.
 */
int		 store_exec_insert(struct store *,
		    const struct store_exec_new *x, int (*taken)(void *),
		    void *arg);

/* The most rows of one store_exec_insert_many. */
#define STORE_INSERT_MANY_MAX	16

/*
 * The group insert: x[0..n-1] (1 <= n <= STORE_INSERT_MANY_MAX; exits
 * otherwise) in one autocommit statement, each row as the first try of
 * store_exec_insert (its quota slot from x[i].id, the same template
 * check and parked guard), retried whole on a deadlock. A row whose
 * execution id, name or slot is taken is left out instead of failing
 * the others; the rows left out are tried once more, in one statement,
 * on other slots. done[i] is set for every row:
 * RC_OK: done[i] is 1 when x[i] is committed, 0 when it was left out;
 * RC_AGAIN: the connection was lost, or deadlocks outlasted the
 *   retries: which rows are in is unknown (done[i] may be 0 for a row
 *   that is in);
 * any other code (RC_CHANGED, RC_INVALID, RC_CONFLICT, RC_DENIED,
 *   RC_ERR): the statement failed and no row is in.
 * A row not in is then the caller's to insert with store_exec_insert,
 * which tells why (a replay, the quota, a moved template).
 */
int		 store_exec_insert_many(struct store *,
		    const struct store_exec_new *x, size_t n, int *done);

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

/* One execution with the definition it runs (STMT_EXEC_GET). */
struct store_exec_row {
	long long	 pk;
	char		 id[UTIL_UUID_LEN];
	char		*name;
	char		*template_id;
	long long	 template_version;
	char		*user;
	char		*status;
	char		*input;		/* JSON text */
	char		*result;	/* JSON text or NULL */
	char		*error;		/* JSON text or NULL */
	long long	 created_ms;
	long long	 started_ms;	/* STORE_NO_MS: not started */
	long long	 completed_ms;	/* STORE_NO_MS: not ended */
	char		*cancelled_by;	/* NULL: none */
	char		*cancel_reason;	/* NULL: none */
	long long	 redrive_count;
	char		*definition;	/* JSON text of its template version */
	char		*parent_id;	/* NULL: not a child (sql/017) */
	char		*parent_step;
};

/*
 * Execution id into *e (caller's storage, released with
 * store_exec_row_free). RC_OK; RC_NOTFOUND when there is none; else the
 * store's code. *e is zeroed on every path but RC_OK.
 */
int	 store_exec_get(struct store *, const char *id,
	    struct store_exec_row *e);
void	 store_exec_row_free(struct store_exec_row *);

/* One step row of an execution (STMT_EXEC_STEPS). */
struct store_exec_step {
	long long	 idx;
	char		*step_id;
	char		*status;
	long long	 attempts;
	long long	 started_ms;	/* STORE_NO_MS when NULL */
	long long	 completed_ms;	/* STORE_NO_MS when NULL */
	char		*output;	/* JSON text or NULL */
	char		*error;		/* JSON text or NULL */
	long long	 next_attempt_ms; /* STORE_NO_MS when NULL */
	char		*input;		/* JSON text or NULL */
	char		*history;	/* attempt_history: JSON text or NULL */
};
struct store_exec_steps {
	size_t			 n;
	struct store_exec_step	*v;
};

/*
 * The step rows of execution pk in step order into *s (released with
 * store_exec_steps_free). RC_OK (n may be 0) or the store's code.
 */
int	 store_exec_steps(struct store *, long long pk,
	    struct store_exec_steps *s);
void	 store_exec_steps_free(struct store_exec_steps *);

/* The execution a user gave a name (STMT_EXEC_BY_NAME). */
struct store_exec_named {
	char		 id[UTIL_UUID_LEN];
	char		*template_id;
	char		*hash;		/* input_hash */
	char		*status;
	long long	 template_version;
	long long	 created_ms;
	long long	 completed_ms;	/* STORE_NO_MS: not ended */
};

/*
 * User's execution called name into *x (released with
 * store_exec_named_free). RC_OK; RC_NOTFOUND when the name is free;
 * else the store's code.
 */
int	 store_exec_by_name(struct store *, const char *user,
	    const char *name, struct store_exec_named *x);
void	 store_exec_named_free(struct store_exec_named *);

/* The user's active executions: the quota slots held (sql/011). */
int	 store_exec_active_count(struct store *, const char *user,
	    long long *n);
/*
 * The user's unfinished (pending, running, waiting, paused) executions,
 * or only the parked (waiting, paused) ones, counted up to limit: *n is
 * at most limit. RC_OK or the store's code.
 */
int	 store_exec_unfinished_count(struct store *, const char *user,
	    long long limit, long long *n);
int	 store_exec_parked_count(struct store *, const char *user,
	    long long limit, long long *n);

/*
 * The filters of an execution list; every string borrowed, NULL: not
 * filtered. parent excludes prefix and schedule (the caller checks).
 */
struct store_exec_filter {
	const char	*user;
	const char	*status;
	const char	*template_id;
	const char	*prefix;	/* execution_name starts with it */
	const char	*schedule;	/* a schedule's id, or its name */
	const char	*parent;	/* parent_execution_id (sql/017) */
	long long	 before;	/* rows with pk below it */
	long long	 limit;		/* rows at most */
};

/* A list row (EXEC_SUMMARY_COLS). */
struct store_exec_item {
	char		 id[UTIL_UUID_LEN];
	char		*name;
	char		*template_id;
	char		*template_name;	/* NULL: template row gone */
	long long	 template_version;
	char		*status;
	char		*user;
	long long	 pk;		/* the page key */
	long long	 created_ms;
	long long	 started_ms;	/* STORE_NO_MS when NULL */
	long long	 completed_ms;	/* STORE_NO_MS when NULL */
};
struct store_exec_list {
	size_t			 n;
	struct store_exec_item	*v;
};

/*
 * The executions that pass f, newest (highest pk) first, into *l
 * (released with store_exec_list_free). RC_OK or the store's code.
 */
int	 store_exec_list(struct store *, const struct store_exec_filter *f,
	    struct store_exec_list *l);
void	 store_exec_list_free(struct store_exec_list *);

/*
 * Cancel execution pk for by (a user) with reason (may be NULL): a
 * pending row, and a parked one no supervisor holds, at once; else a
 * request its supervisor acts on. RC_OK with *n the rows changed (0:
 * already ended; n may be NULL), else the store's code.
 */
int	 store_exec_cancel(struct store *, long long pk, const char *by,
	    const char *reason, uint64_t *n);

/*
 * Redrive a failed, cancelled or timed-out execution pk of user: pending
 * again on one of user's quota slots (sql/011: a random one, then after
 * each lost race the lowest free one), its unfinished steps and map
 * iterations reset. Inside the caller's transaction. RC_OK with *n 1 (0: its state changed, nothing done);
 * RC_DENIED every slot is held (the quota); RC_AGAIN also after
 * STORE_SLOT_TRIES lost races; else the store's code.
 */
int	 store_exec_redrive(struct store *, const char *user, int slots,
	    long long pk, int admin_access, uint64_t *n);

/*
 * Pause execution pk (pending, running or waiting). RC_OK with *n the
 * rows changed (0: its state changed), else the store's code.
 */
int	 store_exec_pause(struct store *, long long pk, uint64_t *n);
/*
 * Resume paused execution pk of user on one of user's quota slots, like
 * a redrive. Inside the caller's transaction. Codes of
 * store_exec_redrive.
 */
int	 store_exec_resume(struct store *, const char *user, int slots,
	    long long pk, uint64_t *n);

/* One execution's map iterations counted by step and status. */
struct store_iter_count {
	long long	 step_idx;
	char		*status;
	long long	 n;
};
struct store_iter_counts {
	size_t			 n;
	struct store_iter_count	*v;
};

/* The counts of execution pk into *c. RC_OK or the store's code. */
int	 store_exec_iter_counts(struct store *, long long pk,
	    struct store_iter_counts *c);
void	 store_iter_counts_free(struct store_iter_counts *);

/* One map iteration (STMT_EXEC_ITER_PAGE). */
struct store_iter_row {
	long long	 idx;
	char		*status;
	long long	 attempts;
	long long	 started_ms;	/* STORE_NO_MS when NULL */
	long long	 completed_ms;	/* STORE_NO_MS when NULL */
	char		*output;	/* JSON text or NULL */
	char		*error;		/* JSON text or NULL */
	long long	 next;		/* the page key: idx + 1 */
};
struct store_iter_page {
	size_t			 n;
	struct store_iter_row	*v;
};

/*
 * Up to limit iterations of map step step of execution pk from index
 * first on, in index order, with status (NULL: any), into *l. RC_OK or
 * the store's code.
 */
int	 store_exec_iter_page(struct store *, long long pk, int step,
	    long long first, const char *status, long long limit,
	    struct store_iter_page *l);
void	 store_iter_page_free(struct store_iter_page *);

/* Who sent the signal a wait step took (STMT_SIG_OF_EXEC). */
struct store_exec_signal {
	char	*step_id;
	char	*by;		/* signalled_by; NULL when unknown */
};
struct store_exec_signals {
	size_t				 n;
	struct store_exec_signal	*v;
};

/* The taken signals of execution pk, oldest first. RC_OK or the store's. */
int	 store_exec_signals(struct store *, long long pk,
	    struct store_exec_signals *s);
void	 store_exec_signals_free(struct store_exec_signals *);

/* An execution and its step rows, as the GET of it reads them. */
struct store_exec_doc {
	struct store_exec_row		e;
	struct store_exec_steps		steps;	/* in no promised order */
};

/*
 * Execution id and its step rows into *d (released with
 * store_exec_doc_free), in one statement (STMT_EXEC_GET_DOC); with two
 * (store_exec_get, store_exec_steps) when step 0 has no row while others
 * have. Not the signals its steps took (store_exec_signals). RC_OK;
 * RC_NOTFOUND when there is none; else the store's code. *d is zeroed on
 * every path but RC_OK.
 */
int	 store_exec_get_doc(struct store *, const char *id,
	    struct store_exec_doc *d);
void	 store_exec_doc_free(struct store_exec_doc *);

/*
 * The newest child execution that step step_id of execution eid started
 * (sql/017) into child. RC_OK; RC_NOTFOUND when none; else the store's.
 */
int	 store_exec_step_child(struct store *, const char *eid,
	    const char *step_id, char child[UTIL_UUID_LEN]);

/* A child that has not ended (STMT_WF_CHILDREN_OPEN). */
struct store_exec_child {
	long long	 pk;
	char		 id[UTIL_UUID_LEN];
};
struct store_exec_children {
	size_t			 n;
	struct store_exec_child	*v;
};

/*
 * The children of execution eid that have not ended into *c (released
 * with store_exec_children_free). RC_OK or the store's code.
 */
int	 store_exec_children_open(struct store *, const char *eid,
	    struct store_exec_children *c);
void	 store_exec_children_free(struct store_exec_children *);

#endif
