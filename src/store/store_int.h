/* Shared inside src/store only. */
#ifndef WFM_STORE_INT_H
#define WFM_STORE_INT_H

#include "store.h"

/* The SQL text of statement id. */
const char	*store_sql_text(enum stmt_id id);

/* A column holding a DATETIME as epoch milliseconds (session is UTC). */
#define MS(col)	"CAST(UNIX_TIMESTAMP(" col ") * 1000 AS SIGNED)"

#endif
