/*
 * Signals of wait steps (sql/014) as the API sends and lists them
 * (src/store/store_signal.c; the supervisor's side is store_sigsup.h).
 * Strings are borrowed for the call; rows and lists are the caller's,
 * freed by their _free function (safe on a zeroed struct and after any
 * error). Return codes: those of include/store.h.
 */
#ifndef WFM_STORE_SIGNAL_H
#define WFM_STORE_SIGNAL_H

#include <stddef.h>

#include "common.h"
#include "store.h"

/* An execution status with its NUL ("timed_out" is the longest). */
#define STORE_SIG_STATUS_LEN	16

/* The execution a signal is for, with its definition (STMT_SIG_EXEC). */
struct store_sig_exec {
	long long	 pk;
	char		*user;
	char		 status[STORE_SIG_STATUS_LEN];
	char		*def;	/* JSON text: the caller loads it; may be NULL */
};
void	 store_sig_exec_free(struct store_sig_exec *);
/*
 * Execution eid (execution_id) into *e. RC_OK; RC_NOTFOUND when there is
 * none; else a store code.
 */
int	 store_sig_exec(struct store *, const char *eid,
	    struct store_sig_exec *e);

/*
 * Lock execution pk's row (the delivery's transaction starts here: it
 * orders the delivery with the supervisor's fenced writes) and read its
 * status. Inside the caller's transaction. RC_OK; RC_NOTFOUND when the
 * row is gone; else a store code.
 */
int	 store_sig_lock(struct store *, long long pk,
	    char status[STORE_SIG_STATUS_LEN]);

/* A signal already given (STMT_SIG_BY_ID). */
struct store_sig_given {
	char	*name;
	char	*consumed_by;	/* the step that took it; NULL: kept */
};
void	 store_sig_given_free(struct store_sig_given *);
/*
 * The signal of execution pk with signal_id sid into *g. RC_OK;
 * RC_NOTFOUND when there is none; else a store code.
 */
int	 store_sig_by_id(struct store *, long long pk, const char *sid,
	    struct store_sig_given *g);

/* A waiting step (STMT_SIG_WAITING_STEPS). */
struct store_sig_waiting {
	int		 idx;
	char		*step_id;
	long long	 given;	/* signals already given to it */
};
struct store_sig_waiting_list {
	size_t				 n;
	struct store_sig_waiting	*v;
};
void	 store_sig_waiting_list_free(struct store_sig_waiting_list *);
/*
 * The waiting steps of execution pk, earliest first (ties: template
 * order), into *l. RC_OK or a store code.
 */
int	 store_sig_waiting_steps(struct store *, long long pk,
	    struct store_sig_waiting_list *l);

/* The signals of execution pk no step took, into *n. RC_OK or a code. */
int	 store_sig_count_kept(struct store *, long long pk, long long *n);

/* A new signal (STMT_SIG_INSERT); every string borrowed. */
struct store_sig_new {
	long long	 pk;		/* the execution */
	const char	*name;
	const char	*payload;	/* JSON text, plen bytes */
	size_t		 plen;
	const char	*signal_id;	/* may be NULL */
	const char	*signalled_by;
	const char	*consumed_by;	/* the step taking it; NULL: kept */
};
/*
 * Insert s. RC_OK; RC_CONFLICT when its signal_id was given meanwhile
 * (a concurrent repeat); else a store code.
 */
int	 store_sig_insert(struct store *, const struct store_sig_new *s);

/*
 * A waiting step of an unfinished execution (STMT_SIG_APPROVALS), with
 * what the caller needs to decide whether it may signal it.
 */
struct store_sig_approval {
	long long	 key;		/* its place in the list: a cursor */
	char		*eid;		/* execution_id */
	char		*user;
	char		 status[STORE_SIG_STATUS_LEN];
	int		 idx;		/* step index */
	char		*step_id;
	long long	 since_ms;	/* started_at; STORE_NO_MS */
	long long	 deadline_ms;	/* next_attempt_at; STORE_NO_MS */
	char		*def;		/* JSON text, as store_sig_exec */
	char		*tid;		/* template_id */
};
struct store_sig_approval_list {
	size_t				 n;
	struct store_sig_approval	*v;
};
void	 store_sig_approval_list_free(struct store_sig_approval_list *);
/*
 * Up to limit waiting steps of unfinished executions whose key is below
 * before (LLONG_MAX: from the start), newest execution first, its steps
 * in template order (decreasing key), into *l. RC_OK or a store code.
 */
int	 store_sig_approvals(struct store *, long long before,
	    long long limit, struct store_sig_approval_list *l);

#endif
