/*
 * Where a read goes ([database] read_host): to the replica while it
 * answers and its lag (store_replica_lag) is at most max_replica_lag_ms,
 * otherwise to the primary. The lag is looked up at most every
 * READ_CHECK_MS per worker, and a replica that failed is left alone for
 * READ_RETRY_MS, so that a dead one costs a request no connect timeout
 * more often than that. Callers decide which reads may be stale: GET of
 * an execution (only when terminal on the replica) and the lists.
 */
#include <stdio.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "log.h"
#include "store.h"

#define READ_CHECK_MS	250
#define READ_RETRY_MS	2000

static struct {
	int64_t		 next_check;	/* monotonic ms */
	int		 rc;		/* of the last lag lookup */
	long long	 lag_ms;
	int		 usable;
	int		 warned;	/* the last state was logged */
} rd;

static void
check(struct http_app *app, int64_t now)
{
	const struct config	*c = app->cfg;
	int			 was = rd.usable;

	rd.rc = store_replica_lag(app->rd, &rd.lag_ms);
	rd.usable = rd.rc == RC_OK && rd.lag_ms <= c->db.max_replica_lag_ms;
	rd.next_check = now + (rd.rc == RC_OK || rd.rc == RC_NOTFOUND ?
	    READ_CHECK_MS : READ_RETRY_MS);
	if (was != rd.usable || !rd.warned) {
		rd.warned = 1;
		if (rd.usable)
			log_info("replica in use (lag %lld ms)", rd.lag_ms);
		else if (rd.rc == RC_OK)
			log_warnx("replica lags %lld ms (max %d): reads go to "
			    "the primary", rd.lag_ms, c->db.max_replica_lag_ms);
		else
			log_warnx("replica %s: reads go to the primary",
			    rd.rc == RC_NOTFOUND ? "has no heartbeat" :
			    "unreachable");
	}
}

struct store *
http_read_store(struct http_app *app)
{
	int64_t	now;

	if (app->rd == NULL)
		return app->st;
	now = util_mono_ms();
	if (now >= rd.next_check)
		check(app, now);
	return rd.usable ? app->rd : app->st;
}

const char *
http_replica_state(struct http_app *app, long long *lag_ms)
{
	if (app->rd == NULL)
		return NULL;
	check(app, util_mono_ms());
	*lag_ms = rd.lag_ms;
	if (rd.rc == RC_NOTFOUND)
		return "no heartbeat";
	if (rd.rc != RC_OK)
		return "unreachable";
	return rd.usable ? "ok" : "lagging";
}
