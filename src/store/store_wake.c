/*
 * Waking a parked execution (engine.md "Execution and step states
 * (extended)"): the news it waited for is recorded (a signal, a
 * callback, a child's end); the one statement is EXEC_WAKE_SET in
 * store_sql.c.
 */
#include <stdint.h>

#include "common.h"
#include "store_exec.h"
#include "store_int.h"

int
store_exec_wake(struct store *st, long long pk, int *woken)
{
	struct sparam	p[1];
	uint64_t	n = 0;
	int		rc;

	p[0] = SP_INT(pk);
	rc = store_exec(st, STMT_EXEC_WAKE, p, 1, NULL, &n, NULL);
	if (woken != NULL)
		*woken = rc == RC_OK && n == 1;
	return rc;
}

int
store_exec_wake_id(struct store *st, const char *eid)
{
	struct sparam	p[1];

	p[0] = SP_STR(eid);
	return store_exec(st, STMT_EXEC_WAKE_ID, p, 1, NULL, NULL, NULL);
}
