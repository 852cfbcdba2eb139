/*
 * A map step's iterations (sql/016), src/store/store_iter.c. Every call
 * returns RC_OK or a store code (include/store.h); strings passed in are
 * borrowed for the call.
 */
#ifndef WFM_STORE_ITER_H
#define WFM_STORE_ITER_H

#include <stddef.h>

#include "store.h"

/* Rows per statement of the largest store_iter_put batch. */
#define STORE_ITER_PUT_MANY	100

/* One iteration row to write (insert or update). */
struct store_iter_put {
	long long	 exec_pk;
	int		 step;		/* the map step's index */
	int		 idx;		/* the iteration's index */
	const char	*status;	/* the API name of its state */
	int		 attempts;
	long long	 started_ms;	/* STORE_NO_MS: NULL */
	long long	 completed_ms;	/* STORE_NO_MS: NULL */
	const char	*output;	/* JSON text or NULL */
	const char	*error;		/* JSON text or NULL */
	/* A delay or retry wait goes on: it ends wait_us after now. */
	int		 has_wait;
	long long	 wait_us;
};

/*
 * Write the n rows: STORE_ITER_PUT_MANY, then 10, then 1 per statement
 * (so n of 100 or 10 is one statement). Inside the run's fenced write
 * (the caller's transaction).
 */
int	store_iter_put(struct store *, const struct store_iter_put *rows,
	    size_t n);

/* One stored iteration. */
struct store_iter {
	int		 idx;
	char		 status[16];	/* the API name of its state */
	int		 attempts;
	struct json_object *output;	/* parsed (owned by the row); NULL
					   for SQL NULL or JSON null */
	long long	 started_ms;	/* STORE_NO_MS when NULL */
	long long	 completed_ms;	/* STORE_NO_MS when NULL */
	/* next_attempt_at is set: wait_us until it (may be < 0). */
	int		 has_wait;
	long long	 wait_us;
};
struct store_iter_list {
	size_t			 n;
	struct store_iter	*v;
};

/*
 * The iterations of step step of execution exec_pk in index order into
 * *out; the caller frees with store_iter_list_free (safe on a zeroed
 * list and after an error).
 */
int	store_iter_load(struct store *, long long exec_pk, int step,
	    struct store_iter_list *out);
void	store_iter_list_free(struct store_iter_list *);

#endif
