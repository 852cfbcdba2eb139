/* Shared inside src/store only. */
#ifndef WFM_STORE_INT_H
#define WFM_STORE_INT_H

#include "store.h"

/*
 * The most parameters of one statement (store_exec); the widest is
 * STMT_SUP_STEP_PUT_MANY, 13 per row times SUP_ROWS_MANY.
 */
#define STORE_PARAMS_MAX	128
/* More than STORE_PARAMS_MAX: allocated (map iteration rows, sql/016). */
#define STORE_PARAMS_HEAP	1100

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
