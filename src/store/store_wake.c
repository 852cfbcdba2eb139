/*
 * Waking a parked execution: a child ended (engine.md "workflow"), and
 * the parent that waits for it must be looked at again.
 */
#include "common.h"
#include "store_int.h"

int
store_exec_wake(struct store *st, const char *eid)
{
	struct sparam	p[1];

	p[0] = SP_STR(eid);
	return store_exec(st, STMT_EXEC_WAKE, p, 1, NULL, NULL, NULL);
}
