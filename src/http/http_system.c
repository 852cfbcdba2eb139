/*
 * GET /workflow-management/system: what an admin's console shows of the
 * whole service (console.md, System): queue depth, executions by status,
 * throughput over the last hour in 5-minute buckets, supervisors with
 * their heartbeats and the replica heartbeats. Everything is read from
 * the primary, through bounded index ranges (store_system.h).
 * /metrics stays on loopback; this is the same picture behind a token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "store_system.h"

#define SYS_BUCKET_S	300	/* as store_sys_throughput buckets */
#define SYS_BUCKETS	12	/* the current one and the 11 before: an hour */

static const char *const sys_statuses[] = { "pending", "running",
    "waiting", "paused", "completed", "failed", "cancelled", "timed_out" };
static const char *const sys_done[] = { "completed", "failed", "cancelled",
    "timed_out" };

static struct json_object *
sys_time(long long ms)
{
	char	ts[UTIL_TIME_LEN];

	util_time_fmt(ms, ts);
	return json_object_new_string(ts);
}

static struct json_object *
sys_str(const char *v)
{
	return v == NULL ? NULL : json_object_new_string(v);
}

/* Add n to member key of o (an int64 member, created at 0). */
static void
sys_add(struct json_object *o, const char *key, long long n)
{
	struct json_object	*v;

	if (json_object_object_get_ex(o, key, &v))
		json_object_set_int64(v, json_object_get_int64(v) + n);
	else
		json_object_object_add(o, key, json_object_new_int64(n));
}

/* queue and the database clock, *now_ms. */
static int
sys_queue(struct http_req *r, struct json_object *o, long long *now_ms)
{
	struct json_object	*q;
	struct store_queue	 sq;
	int			 rc;

	if ((rc = store_sys_queue(r->app->st, &sq)) != RC_OK)
		return rc;
	*now_ms = sq.now_ms;
	q = json_object_new_object();
	json_object_object_add(q, "pending", json_object_new_int64(sq.pending));
	json_object_object_add(q, "runnable",
	    json_object_new_int64(sq.runnable));
	json_object_object_add(q, "delayed",
	    json_object_new_int64(sq.pending - sq.runnable));
	json_object_object_add(o, "queue", q);
	json_object_object_add(o, "now", sys_time(*now_ms));
	return RC_OK;
}

static int
sys_executions(struct http_req *r, struct json_object *o)
{
	struct store_status_counts	 c;
	struct json_object		*e;
	long long			 total = 0;
	size_t				 i;
	int				 rc;

	if ((rc = store_metrics_exec(r->app->st, &c)) != RC_OK)
		return rc;
	e = json_object_new_object();
	for (i = 0; i < NITEMS(sys_statuses); i++)
		sys_add(e, sys_statuses[i], 0);
	for (i = 0; i < c.n; i++) {
		if (c.v[i].status == NULL)
			continue;
		sys_add(e, c.v[i].status, c.v[i].n);
		total += c.v[i].n;
	}
	store_status_counts_free(&c);
	json_object_object_add(e, "total", json_object_new_int64(total));
	json_object_object_add(o, "executions", e);
	return RC_OK;
}

static int
sys_throughput(struct http_req *r, struct json_object *o, long long now_ms)
{
	struct json_object	*t, *arr, *b[SYS_BUCKETS], *totals;
	struct store_sys_buckets res;
	const char		*st;
	long long		 first, idx, n;
	size_t			 i, j;
	int			 rc;

	/* Bucket numbers are epoch seconds / SYS_BUCKET_S, as in the SQL. */
	first = now_ms / 1000 / SYS_BUCKET_S - (SYS_BUCKETS - 1);
	if ((rc = store_sys_throughput(r->app->st, first * SYS_BUCKET_S * 1000,
	    &res)) != RC_OK)
		return rc;
	t = json_object_new_object();
	arr = json_object_new_array();
	totals = json_object_new_object();
	for (j = 0; j < NITEMS(sys_done); j++)
		sys_add(totals, sys_done[j], 0);
	for (i = 0; i < SYS_BUCKETS; i++) {
		b[i] = json_object_new_object();
		json_object_object_add(b[i], "start",
		    sys_time((first + (long long)i) * SYS_BUCKET_S * 1000));
		for (j = 0; j < NITEMS(sys_done); j++)
			sys_add(b[i], sys_done[j], 0);
		json_object_array_add(arr, b[i]);
	}
	for (i = 0; i < res.n; i++) {
		idx = res.v[i].bucket - first;
		st = res.v[i].status;
		n = res.v[i].n;
		/* A completed_at ahead of the clock lands in the last one. */
		if (idx < 0 || st == NULL)
			continue;
		if (idx >= SYS_BUCKETS)
			idx = SYS_BUCKETS - 1;
		sys_add(b[idx], st, n);
		sys_add(totals, st, n);
	}
	store_sys_buckets_free(&res);
	json_object_object_add(t, "bucket_seconds",
	    json_object_new_int(SYS_BUCKET_S));
	json_object_object_add(t, "since",
	    sys_time(first * SYS_BUCKET_S * 1000));
	json_object_object_add(t, "buckets", arr);
	json_object_object_add(t, "totals", totals);
	json_object_object_add(o, "throughput", t);
	return RC_OK;
}

/*
 * One entry per supervisor that has a heartbeat row or holds running
 * executions: "alive" while its beat is younger than 3 leases (the rule
 * of /readyz), "stale" after, "no heartbeat" for a claimer without a row
 * (it died, or its row was deleted at its exit while a lease runs on).
 */
static int
sys_supervisors(struct http_req *r, struct json_object *o)
{
	struct store_sys_supervisors	 hb;
	struct store_sys_claimers	 cl;
	const struct store_sys_supervisor *h;
	const struct store_sys_claimer	*c;
	struct json_object		*arr, *s, *v;
	const char			*id;
	long long			 age_us, stale_us;
	size_t				 i, j;
	int				 rc, *used;

	if ((rc = store_sys_supervisors(r->app->st, &hb)) != RC_OK)
		return rc;
	if ((rc = store_sys_claimers(r->app->st, &cl)) != RC_OK) {
		store_sys_supervisors_free(&hb);
		return rc;
	}
	stale_us = 3LL * r->app->cfg->sup.lease_seconds * 1000000LL;
	used = xcalloc(cl.n + 1, sizeof(*used));
	arr = json_object_new_array();
	for (i = 0; i < hb.n + cl.n; i++) {
		s = json_object_new_object();
		if (i < hb.n) {
			h = &hb.v[i];
			id = h->id;
			age_us = h->age_us;
			json_object_object_add(s, "supervisor_id",
			    sys_str(h->id));
			json_object_object_add(s, "host", sys_str(h->host));
			json_object_object_add(s, "pid",
			    json_object_new_int64(h->pid));
			json_object_object_add(s, "started_at",
			    sys_time(h->started_ms));
			json_object_object_add(s, "heartbeat_at",
			    sys_time(h->beat_ms));
			json_object_object_add(s, "heartbeat_age_seconds",
			    json_object_new_double((double)(age_us < 0 ? 0 :
			    age_us) / 1e6));
			json_object_object_add(s, "state",
			    json_object_new_string(age_us > stale_us ?
			    "stale" : "alive"));
			for (j = 0; j < cl.n; j++)
				if (!used[j] && id != NULL &&
				    cl.v[j].claimer != NULL &&
				    strcmp(cl.v[j].claimer, id) == 0)
					break;
		} else {
			j = i - hb.n;
			if (used[j]) {
				json_object_put(s);
				continue;
			}
			json_object_object_add(s, "supervisor_id",
			    sys_str(cl.v[j].claimer));
			json_object_object_add(s, "host", NULL);
			json_object_object_add(s, "pid", NULL);
			json_object_object_add(s, "started_at", NULL);
			json_object_object_add(s, "heartbeat_at", NULL);
			json_object_object_add(s, "heartbeat_age_seconds",
			    NULL);
			json_object_object_add(s, "state",
			    json_object_new_string("no heartbeat"));
		}
		if (j < cl.n) {
			c = &cl.v[j];
			used[j] = 1;
			v = c->lease_until_ms == STORE_NO_MS ? NULL :
			    sys_time(c->lease_until_ms);
			json_object_object_add(s, "running",
			    json_object_new_int64(c->running));
			json_object_object_add(s, "lease_until", v);
			json_object_object_add(s, "leases_expired",
			    json_object_new_int64(c->leases_expired));
		} else {
			json_object_object_add(s, "running",
			    json_object_new_int64(0));
			json_object_object_add(s, "lease_until", NULL);
			json_object_object_add(s, "leases_expired",
			    json_object_new_int64(0));
		}
		json_object_array_add(arr, s);
	}
	free(used);
	store_sys_supervisors_free(&hb);
	store_sys_claimers_free(&cl);
	json_object_object_add(o, "supervisors", arr);
	return RC_OK;
}

static int
sys_replicas(struct http_req *r, struct json_object *o)
{
	struct store_sys_beats	 res;
	struct json_object	*arr, *s;
	long long		 age_us;
	size_t			 i;
	int			 rc;

	if ((rc = store_sys_replica_beats(r->app->st, &res)) != RC_OK)
		return rc;
	arr = json_object_new_array();
	for (i = 0; i < res.n; i++) {
		s = json_object_new_object();
		age_us = res.v[i].age_us;
		json_object_object_add(s, "host_id", sys_str(res.v[i].host_id));
		json_object_object_add(s, "beat_at",
		    sys_time(res.v[i].beat_ms));
		json_object_object_add(s, "age_seconds",
		    json_object_new_double((double)(age_us < 0 ? 0 : age_us) /
		    1e6));
		json_object_array_add(arr, s);
	}
	store_sys_beats_free(&res);
	json_object_object_add(o, "replica_heartbeats", arr);
	return RC_OK;
}

void
http_h_system(struct http_req *r)
{
	struct json_object	*o = json_object_new_object();
	long long		 now_ms = 0;
	int			 rc;

	if ((rc = sys_queue(r, o, &now_ms)) != RC_OK ||
	    (rc = sys_executions(r, o)) != RC_OK ||
	    (rc = sys_throughput(r, o, now_ms)) != RC_OK ||
	    (rc = sys_supervisors(r, o)) != RC_OK ||
	    (rc = sys_replicas(r, o)) != RC_OK) {
		json_object_put(o);
		http_resp_rc(r, rc, NULL);
		return;
	}
	http_resp_json(r, 200, o);
}
