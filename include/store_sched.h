/*
 * Schedules and their fires (sql/012, sql/020): one typed function per
 * statement of src/store/store_sql.c, shared by the API (http_sched.c),
 * the supervisor (sup_sched.c) and wfmctl (ctl_sched.c). Binding and
 * decoding live in src/store/store_sched.c, beside the column order of
 * each statement.
 *
 * Every function returns RC_OK or a store code (include/store.h): RC_AGAIN,
 * RC_CONFLICT, RC_DENIED, RC_INVALID, RC_ERR; the other codes each
 * function may return are named above it. Strings passed in are borrowed
 * for the call. Rows are filled in the caller's struct; their owned
 * strings are released by store_sched_free / store_sched_fire_free (safe
 * on a zeroed struct and after any error), lists by the _list_free
 * functions. A time in epoch milliseconds (_ms) or seconds (_s) is
 * STORE_NO_MS (-1) for SQL NULL, in rows and in inputs (where any
 * negative time is NULL).
 */
#ifndef WFM_STORE_SCHED_H
#define WFM_STORE_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common.h"
#include "store.h"

/* Room for an overlap ('buffer_one') or catchup ('none') value plus NUL. */
#define STORE_SCHED_POLICY_LEN	16
/* Room for an execution status ('timed_out') plus NUL. */
#define STORE_SCHED_STATUS_LEN	16

/*
 * A schedule row. store_sched_get and the lists fill every field but
 * buffered_s; store_sched_due fills every field but created_ms,
 * updated_ms, last_fire_ms and last_status (STORE_NO_MS, NULL there).
 */
struct store_sched {
	long long	 pk;
	char		 id[UTIL_UUID_LEN];	/* schedule_id */
	char		*owner;
	char		*name;
	long long	 template_pk;
	char		 template_id[UTIL_UUID_LEN];
	char		*cron;			/* NULL: an interval */
	long long	 interval;		/* seconds; 0 (NULL) with cron */
	char		*timezone;
	char		*input;			/* input_data as JSON text */
	size_t		 input_len;
	char		 overlap[STORE_SCHED_POLICY_LEN];
	char		 catchup[STORE_SCHED_POLICY_LEN];
	int		 paused;
	int		 admin_access;
	long long	 created_ms;
	long long	 updated_ms;
	long long	 last_fire_ms;
	char		*last_exec;		/* last execution id, or NULL */
	char		*last_status;		/* its status; NULL once pruned */
	long long	 next_fire_s;		/* NULL while paused or never */
	long long	 buffered_s;		/* overlap buffer_one's held fire */
};

struct store_sched_list {
	size_t			 n;
	struct store_sched	*v;
};

void	 store_sched_free(struct store_sched *);
void	 store_sched_list_free(struct store_sched_list *);

/* A fire row (schedule_fires). */
struct store_sched_fire {
	long long	 pk;
	long long	 fire_ms;		/* the time it was due */
	long long	 fired_ms;		/* the time it was recorded */
	int		 manual;		/* a trigger, not the clock */
	char		*execution_id;		/* NULL: none started */
	char		*reason;		/* why not; NULL when started */
};

struct store_sched_fire_list {
	size_t			 n;
	struct store_sched_fire	*v;
};

void	 store_sched_fire_free(struct store_sched_fire *);
void	 store_sched_fire_list_free(struct store_sched_fire_list *);

/* A schedule to insert or the new definition of one; strings borrowed. */
struct store_sched_new {
	const char	*id;			/* insert only: a new UUID */
	const char	*owner;			/* insert only */
	const char	*name;
	long long	 template_pk;
	const char	*template_id;
	const char	*cron;			/* NULL: interval */
	long long	 interval;		/* seconds, used without cron */
	const char	*timezone;
	const char	*input;			/* canonical JSON text */
	const char	*overlap;
	const char	*catchup;
	int		 paused;
	int		 admin_access;
	long long	 next_fire_s;		/* STORE_NO_MS: none */
	long long	 owner_slot;		/* insert only (sql/020) */
};

/*
 * Insert a schedule. RC_CONFLICT: its name or its owner slot is taken
 * (uq_sched_owner_name, uq_sched_owner_slot).
 */
int	 store_sched_insert(struct store *, const struct store_sched_new *);
/*
 * Replace schedule pk's definition (id, owner and owner_slot unused); the
 * held fire is dropped. RC_CONFLICT: the name is taken.
 */
int	 store_sched_update(struct store *, long long pk,
	    const struct store_sched_new *);
/* Delete schedule pk and its fires; *deleted 1 if it was there. */
int	 store_sched_delete(struct store *, long long pk, int *deleted);
/* Pause schedule pk: no next fire, no held fire. */
int	 store_sched_pause(struct store *, long long pk);
/* Resume schedule pk with its next fire (STORE_NO_MS: none). */
int	 store_sched_resume(struct store *, long long pk, long long next_s);
/*
 * Pause every active schedule of template tpk (the template is deleted);
 * inside the caller's transaction.
 */
int	 store_sched_pause_template(struct store *, long long tpk);

/* The number of owner's schedules into *n. */
int	 store_sched_count_owner(struct store *, const char *owner,
	    long long *n);
/* The lowest owner slot no schedule of owner holds (sql/020) into *slot. */
int	 store_sched_free_slot(struct store *, const char *owner,
	    long long *slot);
/* *taken 1 if owner has a schedule named name. */
int	 store_sched_name_taken(struct store *, const char *owner,
	    const char *name, int *taken);

/* Schedule "id" (its schedule_id) into *s. RC_NOTFOUND: none. */
int	 store_sched_get(struct store *, const char *id, struct store_sched *s);
/*
 * Up to limit schedules of owner (NULL: of every owner) with pk below
 * before, newest first.
 */
int	 store_sched_list(struct store *, const char *owner, long long before,
	    long long limit, struct store_sched_list *out);
/* Up to limit schedules with pk above after, oldest first (wfmctl). */
int	 store_sched_list_after(struct store *, long long after,
	    long long limit, struct store_sched_list *out);

/* A fire to record; strings borrowed. */
struct store_sched_fire_new {
	long long	 schedule_pk;
	long long	 fire_ms;
	int		 manual;
	const char	*execution_id;		/* NULL: none started */
	const char	*reason;		/* NULL when one started */
};

/*
 * Record a fire; *pk (may be NULL) is the new fire's. RC_CONFLICT: it is
 * recorded already (uq_fire: schedule, time, manual).
 */
int	 store_sched_fire_insert(struct store *,
	    const struct store_sched_fire_new *, long long *pk);
/* Set schedule pk's last fire and last execution (a trigger). */
int	 store_sched_set_last(struct store *, long long pk, long long fire_ms,
	    const char *eid);
/* The newest fire of schedule pk into *f. RC_NOTFOUND: none. */
int	 store_sched_last_fire(struct store *, long long pk,
	    struct store_sched_fire *f);
/* Up to limit fires of schedule pk with pk below before, newest first. */
int	 store_sched_fires(struct store *, long long pk, long long before,
	    long long limit, struct store_sched_fire_list *out);
/* Keep the newest 1,000 fires of schedule pk (engine.md, Retention). */
int	 store_sched_fires_trim(struct store *, long long pk);
/* Delete fires older than days (a batch of at most 500); *n deleted. */
int	 store_sched_prune(struct store *, long long days, uint64_t *n);

/*
 * Up to limit due schedules, locked FOR UPDATE SKIP LOCKED: inside the
 * caller's transaction. *now_s is the database's clock (epoch seconds),
 * STORE_NO_MS when none is due.
 */
int	 store_sched_due(struct store *, long long limit,
	    struct store_sched_list *out, long long *now_s);

/* The template of a fire (store_sched_tmpl). */
struct store_sched_tmpl {
	char			 template_id[UTIL_UUID_LEN];
	long long		 version;
	int			 deleted;
	int			 may_use;	/* owner, public or shared */
	struct json_object	*definition;	/* owned; NULL if not JSON */
};

void	 store_sched_tmpl_free(struct store_sched_tmpl *);
/*
 * Template tpk at its current version into *t, and whether owner may use
 * it (not counting the schedule's admin_access). RC_NOTFOUND: no such
 * template (then *t is zeroed); a deleted one is RC_OK with t->deleted.
 */
int	 store_sched_tmpl(struct store *, const char *owner, long long tpk,
	    struct store_sched_tmpl *t);
/* The status of execution eid into status. RC_NOTFOUND: no such row. */
int	 store_sched_exec_status(struct store *, const char *eid,
	    char status[STORE_SCHED_STATUS_LEN]);

/* What a schedule's fires changed (store_sched_advance); borrowed. */
struct store_sched_advance {
	long long	 next_fire_s;		/* STORE_NO_MS: none */
	long long	 buffered_s;		/* STORE_NO_MS: none held */
	long long	 last_fire_ms;		/* STORE_NO_MS: unchanged */
	const char	*last_exec;		/* NULL: unchanged */
	int		 pause;			/* 1: the template is gone */
};

/* Move schedule pk on after its fires. */
int	 store_sched_advance(struct store *, long long pk,
	    const struct store_sched_advance *);
/*
 * Microseconds from now to the nearest next fire of any schedule into
 * *us (<= 0: overdue). RC_NOTFOUND: no schedule has a next fire.
 */
int	 store_sched_next_due(struct store *, long long *us);

#endif
