/*
 * Replica lag, measured on the replica itself: the supervisors write
 * their host's row of replica_heartbeat on the primary every
 * SUP_BEAT_MS; the row reaches the replica through replication, and its
 * age there is the lag (plus at most one beat interval). A stopped SQL
 * thread, a broken link or no supervisor at all make it grow, and reads
 * go back to the primary. Clocks: beat_at is the primary's UTC clock,
 * compared with the replica's: across machines that needs NTP, as any
 * heartbeat-based lag does.
 */
#include <stdlib.h>

#include "common.h"
#include "store_int.h"

/* Columns of STMT_REPLICA_LAG. */
enum { RL_LAG_MS };

int
store_replica_lag(struct store *st, long long *lag_ms)
{
	struct sres	res;
	int		rc;

	if ((rc = store_exec(st, STMT_REPLICA_LAG, NULL, 0, &res, NULL,
	    NULL)) != RC_OK)
		return rc;
	if (res.nrows == 0 || sres_get(&res, 0, RL_LAG_MS, NULL) == NULL)
		rc = RC_NOTFOUND;
	else {
		*lag_ms = sres_int(&res, 0, RL_LAG_MS);
		if (*lag_ms < 0)	/* clocks a little apart */
			*lag_ms = 0;
	}
	sres_free(&res);
	return rc;
}

int
store_replica_beat(struct store *st, const char *host_id)
{
	struct sparam	p[1];

	p[0] = SP_STR(host_id);
	return store_exec(st, STMT_REPLICA_BEAT, p, 1, NULL, NULL, NULL);
}
