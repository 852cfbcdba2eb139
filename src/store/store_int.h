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

#endif
