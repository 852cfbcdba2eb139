/*
 * Waking a waiting execution (store.h store_exec_wake): the one place
 * that turns a parked 'waiting' row back into a claimable one.
 */
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "store.h"

int
store_exec_wake(struct store *st, long long pk, int *woken)
{
	struct sparam	p[1];
	uint64_t	n = 0;
	int		rc;

	if (woken != NULL)
		*woken = 0;
	p[0] = SP_INT(pk);
	if ((rc = store_exec(st, STMT_EXEC_WAKE, p, 1, NULL, &n, NULL)) !=
	    RC_OK)
		return rc;
	if (woken != NULL)
		*woken = n == 1;
	return RC_OK;
}
