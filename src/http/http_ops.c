/*
 * Operations endpoints: /healthz, /readyz, /metrics. No authentication;
 * the web-server recipes restrict /metrics to loopback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "log.h"
#include "metrics.h"
#include "store_system.h"

void
http_h_healthz(struct http_req *r)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string("ok"));
	http_resp_json(r, 200, o);
}

void
http_h_readyz(struct http_req *r)
{
	struct json_object	*o, *checks;
	struct store_ready	 rd;
	const char		*db = "ok", *schema = "ok", *sup = "ok", *rep;
	long long		 lag_ms = 0;
	int			 ok;

	if (store_ready(r->app->st, &rd) != RC_OK) {
		db = "unreachable";
		schema = sup = "unknown";
	} else {
		if (rd.schema_version != WFM_SCHEMA_VERSION)
			schema = rd.schema_version < WFM_SCHEMA_VERSION ?
			    "migration pending" : "newer than this program";
		if (!rd.has_beat)
			sup = "no heartbeat";
		else if (rd.beat_age_us > 3LL * r->app->cfg->sup.lease_seconds *
		    1000000LL)
			sup = "heartbeat stale";
	}
	ok = strcmp(db, "ok") == 0 && strcmp(schema, "ok") == 0 &&
	    strcmp(sup, "ok") == 0;
	o = json_object_new_object();
	checks = json_object_new_object();
	json_object_object_add(checks, "database", json_object_new_string(db));
	json_object_object_add(checks, "schema", json_object_new_string(schema));
	json_object_object_add(checks, "supervisor",
	    json_object_new_string(sup));
	/* Shown, never a reason for 503: reads fall back to the primary. */
	if ((rep = http_replica_state(r->app, &lag_ms)) != NULL) {
		json_object_object_add(checks, "replica",
		    json_object_new_string(rep));
		if (strcmp(rep, "ok") == 0 || strcmp(rep, "lagging") == 0)
			json_object_object_add(checks, "replica_lag_seconds",
			    json_object_new_double((double)lag_ms / 1e3));
	}
	json_object_object_add(o, "status",
	    json_object_new_string(ok ? "ok" : "unavailable"));
	json_object_object_add(o, "checks", checks);
	http_resp_json(r, ok ? 200 : 503, o);
	if (!ok)
		http_resp_header(r, "Retry-After: %d", HTTP_RETRY_NOT_READY);
}

/*
 * The local supervisor writes its own series (claim latency, step
 * durations) to supervisor.prom beside its lock file every few seconds;
 * a scrape passes them on as they are. A missing file adds nothing.
 */
static void
append_supervisor(struct http_req *r, char **buf, size_t *len)
{
	char	*path;
	char	 chunk[4096];
	size_t	 n, total = 0;
	FILE	*f;

	path = config_sup_prom_path(r->app->cfg);
	if ((f = fopen(path, "re")) == NULL) {
		free(path);
		return;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	    total < METRICS_SUP_MAX) {
		*buf = xrealloc(*buf, *len + n + 1);
		memcpy(*buf + *len, chunk, n);
		*len += n;
		(*buf)[*len] = '\0';
		total += n;
	}
	fclose(f);
	free(path);
}

void
http_h_metrics(struct http_req *r)
{
	struct store_status_counts	 c;
	struct store_queue		 q;
	struct store_ready		 rd;
	const char			*rep;
	char				*buf = NULL;
	size_t				 len = 0, i;
	long long			 lag_ms = 0;

	metrics_render(&buf, &len);
	if (store_metrics_exec(r->app->st, &c) == RC_OK) {
		metrics_printf(&buf, &len, "# HELP wfm_executions Executions "
		    "by status.\n# TYPE wfm_executions gauge\n");
		for (i = 0; i < c.n; i++)
			metrics_printf(&buf, &len,
			    "wfm_executions{status=\"%s\"} %lld\n",
			    c.v[i].status, c.v[i].n);
		store_status_counts_free(&c);
	}
	if (store_metrics_queue(r->app->st, &q) == RC_OK) {
		metrics_printf(&buf, &len, "# HELP wfm_queue_depth Pending "
		    "executions; runnable: those whose run_after has come.\n"
		    "# TYPE wfm_queue_depth gauge\n"
		    "wfm_queue_depth{state=\"pending\"} %lld\n"
		    "wfm_queue_depth{state=\"runnable\"} %lld\n",
		    q.pending, q.runnable);
	}
	if (store_ready(r->app->st, &rd) == RC_OK && rd.has_beat)
		metrics_printf(&buf, &len, "# HELP "
		    "wfm_supervisor_heartbeat_age_seconds Age of the freshest "
		    "supervisor heartbeat.\n# TYPE "
		    "wfm_supervisor_heartbeat_age_seconds gauge\n"
		    "wfm_supervisor_heartbeat_age_seconds %.3f\n",
		    (double)rd.beat_age_us / 1e6);
	if ((rep = http_replica_state(r->app, &lag_ms)) != NULL) {
		metrics_printf(&buf, &len, "# HELP wfm_replica_up Whether the "
		    "replica of [database] read_host answers with a heartbeat."
		    "\n# TYPE wfm_replica_up gauge\nwfm_replica_up %d\n"
		    "# HELP wfm_replica_in_use Whether reads go to the replica "
		    "(up and lag at most max_replica_lag_ms).\n"
		    "# TYPE wfm_replica_in_use gauge\nwfm_replica_in_use %d\n",
		    strcmp(rep, "ok") == 0 || strcmp(rep, "lagging") == 0,
		    strcmp(rep, "ok") == 0);
		if (strcmp(rep, "ok") == 0 || strcmp(rep, "lagging") == 0)
			metrics_printf(&buf, &len, "# HELP "
			    "wfm_replica_lag_seconds Age on the replica of the "
			    "freshest supervisor heartbeat.\n# TYPE "
			    "wfm_replica_lag_seconds gauge\n"
			    "wfm_replica_lag_seconds %.3f\n",
			    (double)lag_ms / 1e3);
	}
	append_supervisor(r, &buf, &len);
	http_resp_text(r, 200, buf, len);
}
