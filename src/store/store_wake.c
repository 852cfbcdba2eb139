/*
 * Waking a waiting execution (engine.md "Execution and step states
 * (extended)"): the news it waited for (a callback) is recorded, so its
 * wake_at becomes now and the claim round's ix_exec_wake range finds it.
 */
#include <stdint.h>

#include "common.h"
#include "store.h"

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
