/*
 * The supervisor's side of wait-step signals (sql/014),
 * src/store/store_sigsup.c: the signals of an execution, taking one for
 * a step, and its payload. (The API's side is include/store_signal.h.)
 * Every call returns RC_OK or a store code (include/store.h) unless it
 * says otherwise; strings passed in are borrowed for the call.
 */
#ifndef WFM_STORE_SIGSUP_H
#define WFM_STORE_SIGSUP_H

#include <stddef.h>

#include "store.h"

/* One signal of an execution. */
struct store_sigsup_sig {
	long long	 id;
	char		*name;		/* owned */
	/* The step that took it (owned), or NULL: kept for one to come. */
	char		*consumed_by;
};
struct store_sigsup_list {
	size_t			 n;
	struct store_sigsup_sig	*v;
};

/*
 * The first 1000 signals of execution exec_pk, oldest first, into *out;
 * the caller frees with store_sigsup_list_free (safe on a zeroed list
 * and after an error).
 */
int	store_sigsup_list(struct store *, long long exec_pk,
	    struct store_sigsup_list *out);
void	store_sigsup_list_free(struct store_sigsup_list *);

/*
 * Step step takes kept signal id (one taker). RC_OK; RC_CONFLICT when it
 * was taken meanwhile (or is gone); else a store code.
 */
int	store_sigsup_take(struct store *, const char *step, long long id);

/* A signal's payload and sender. */
struct store_sigsup_payload {
	int		 has_payload;	/* 0: the column is SQL NULL */
	struct json_object *payload;	/* parsed (owned by the struct);
					   NULL for JSON null */
	char		*signalled_by;	/* owned, or NULL */
};

/*
 * Signal id's payload into *out; the caller frees with
 * store_sigsup_payload_free (safe on a zeroed struct and after any
 * error). RC_NOTFOUND when there is no such signal.
 */
int	store_sigsup_payload(struct store *, long long id,
	    struct store_sigsup_payload *out);
void	store_sigsup_payload_free(struct store_sigsup_payload *);

#endif
