/*
 * Observability: /metrics counts summed over workers, JSON logs without
 * secrets, the audit endpoint, wfmctl tail and executions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "e2e.h"

/* The value of one sample line "name{labels} value" in a scrape, or -1. */
static double
sample(const char *text, const char *series)
{
	const char	*p = text;
	size_t		 n = strlen(series);

	while ((p = strstr(p, series)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

static char *
scrape(void)
{
	struct resp	 r;
	char		*body;

	if (e2e_req("GET", "/metrics", NULL, NULL, NULL, &r) != 0)
		return NULL;
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(resp_header(&r, "Content-Type"),
	    "text/plain; version=0.0.4"));
	body = r.body;
	r.body = NULL;
	resp_free(&r);
	return body;
}

static void
test_e2e_metrics_count_every_request_across_workers(void)
{
	struct resp	 r;
	char		*before, *after;
	double		 a, b;
	int		 i;

	before = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(before);
	for (i = 0; i < 25; i++) {
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/healthz", NULL, NULL,
		    NULL, &r), 0);
		resp_free(&r);
	}
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET",
		    "/workflow-management/executions", NULL, NULL, NULL, &r),
		    0);
		CU_ASSERT_EQUAL(r.status, 401);
		resp_free(&r);
	}
	after = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(after);
	a = sample(before, "wfm_http_requests_total{route=\"/healthz\","
	    "status=\"200\"}");
	b = sample(after, "wfm_http_requests_total{route=\"/healthz\","
	    "status=\"200\"}");
	CU_ASSERT_EQUAL(b - (a < 0 ? 0 : a), 25);
	a = sample(before, "wfm_http_requests_total{route=\""
	    "/workflow-management/executions\",status=\"401\"}");
	b = sample(after, "wfm_http_requests_total{route=\""
	    "/workflow-management/executions\",status=\"401\"}");
	CU_ASSERT_EQUAL(b - (a < 0 ? 0 : a), 3);
	/* The histogram's +Inf bucket equals its count. */
	CU_ASSERT_EQUAL(sample(after, "wfm_http_request_duration_seconds_bucket"
	    "{route=\"/healthz\",le=\"+Inf\"}"), sample(after,
	    "wfm_http_request_duration_seconds_count{route=\"/healthz\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(after, "# TYPE wfm_queue_depth gauge"));
	CU_ASSERT(sample(after, "wfm_queue_depth{state=\"pending\"}") >= 0);
	CU_ASSERT(sample(after, "wfm_supervisor_heartbeat_age_seconds") >= 0);
	free(before);
	free(after);
}

static void
test_e2e_logs_are_json_lines_without_token_or_input(void)
{
	const char	*hdr[] = { "X-Request-Id: obs-log-check-1", NULL };
	char		 body[512], path[512], line[8192];
	const char	*tok = e2e_tok_alice();
	struct resp	 r;
	FILE		*f;
	int		 found = 0, leaks = 0, lines = 0, notjson = 0;
	char		*tid;

	tid = e2e_template(tok, "{\"name\":\"obs-log\",\"steps\":[{\"id\":"
	    "\"a\",\"type\":\"transform\",\"output\":{\"x\":1}}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"input_data\":"
	    "{\"card\":\"secret-card-4111111111111111\"}}", tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/execute",
	    tok, body, hdr, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	snprintf(path, sizeof(path), "%s/log/wfm.log", e2e_var());
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		lines++;
		if (line[0] != '{' || strstr(line, "\"ts\":\"") == NULL ||
		    strstr(line, "\"pid\":") == NULL)
			notjson++;
		if (strstr(line, "4111111111111111") != NULL ||
		    strstr(line, tok) != NULL)
			leaks++;
		if (strstr(line, "\"req\":\"obs-log-check-1\"") != NULL &&
		    strstr(line, "\"route\":\"/workflow-management/execute\"")
		    != NULL && strstr(line, "\"status\":202") != NULL &&
		    strstr(line, "\"user\":\"alice\"") != NULL &&
		    strstr(line, "\"exec\":\"") != NULL)
			found = 1;
	}
	fclose(f);
	CU_ASSERT(lines > 0);
	CU_ASSERT_EQUAL(notjson, 0);
	CU_ASSERT_EQUAL(leaks, 0);
	CU_ASSERT_EQUAL(found, 1);
	free(tid);
}

static void
test_e2e_audit_lists_execute_with_request_id_for_admin_only(void)
{
	const char		*hdr[] = { "X-Request-Id: obs-audit-check-1",
				    NULL };
	struct json_object	*items, *it;
	struct resp		 r;
	char			 body[512], *tid;
	size_t			 i;
	int			 found = 0;

	tid = e2e_template(e2e_tok_bob(), "{\"name\":\"obs-audit\",\"steps\":"
	    "[{\"id\":\"a\",\"type\":\"transform\",\"output\":{}}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\"}", tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/execute",
	    e2e_tok_bob(), body, hdr, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/workflow-management/audit?"
	    "user_id=bob&action=execution.create&since=2020-01-01T00:00:00Z",
	    e2e_tok_admin(), NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_FATAL(json_object_object_get_ex(r.json, "items", &items));
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		CU_ASSERT_STRING_EQUAL(json_object_get_string(
		    json_object_object_get(it, "user_id")), "bob");
		CU_ASSERT_STRING_EQUAL(json_object_get_string(
		    json_object_object_get(it, "action")), "execution.create");
		if (strcmp(json_object_get_string(json_object_object_get(it,
		    "request_id")), "obs-audit-check-1") == 0)
			found = 1;
	}
	CU_ASSERT_EQUAL(found, 1);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/workflow-management/audit",
	    e2e_tok_bob(), NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_STRING_EQUAL(r.body, "{\"detail\":\"Missing role admin\"}");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/workflow-management/audit?"
	    "since=yesterday", e2e_tok_admin(), NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 400);
	resp_free(&r);
	free(tid);
}

static void
test_e2e_wfmctl_tail_follows_to_the_end(void)
{
	struct json_object	*doc;
	char			 cmd[1024], out[4096], *tid, *eid;
	FILE			*p;
	size_t			 n;

	tid = e2e_template(e2e_tok_alice(), "{\"name\":\"obs-tail\",\"steps\":"
	    "[{\"id\":\"first\",\"type\":\"transform\",\"output\":{}},{\"id\":"
	    "\"second\",\"type\":\"delay\",\"seconds\":1,\"depends_on\":"
	    "[\"first\"]}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = e2e_execute(e2e_tok_alice(), tid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	snprintf(cmd, sizeof(cmd), "timeout 20 %s/wfmctl -c %s tail %s",
	    getenv("WFM_E2E_BIN") ? getenv("WFM_E2E_BIN") : "build/bin",
	    e2e_conf(), eid);
	p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	CU_ASSERT_EQUAL(pclose(p), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "first"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "second"));
	snprintf(cmd, sizeof(cmd), "execution %s completed", eid);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, cmd));
	doc = e2e_wait(e2e_tok_alice(), eid, 5);
	CU_ASSERT_PTR_NOT_NULL(doc);
	json_object_put(doc);
	snprintf(cmd, sizeof(cmd), "%s/wfmctl -c %s tail "
	    "00000000-0000-0000-0000-000000000000 >/dev/null 2>&1",
	    getenv("WFM_E2E_BIN") ? getenv("WFM_E2E_BIN") : "build/bin",
	    e2e_conf());
	CU_ASSERT_EQUAL(e2e_sh("%s", cmd), 1);
	free(tid);
	free(eid);
}

static void
test_e2e_metrics_include_supervisor_series(void)
{
	struct json_object	*doc;
	char			*tid, *eid, *text;
	struct timespec		 ts = { 2, 500 * 1000 * 1000 };

	tid = e2e_template(e2e_tok_alice(), "{\"name\":\"obs-sup\",\"steps\":"
	    "[{\"id\":\"a\",\"type\":\"transform\",\"output\":{}}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = e2e_execute(e2e_tok_alice(), tid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL(doc);
	json_object_put(doc);
	nanosleep(&ts, NULL);		/* supervisor.prom is rewritten every 2 s */
	text = scrape();
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT(sample(text, "wfm_claim_latency_seconds_count") >= 1);
	CU_ASSERT(sample(text, "wfm_step_duration_seconds_count"
	    "{type=\"transform\"}") >= 1);
	CU_ASSERT(sample(text, "wfm_supervisor_finished_total"
	    "{status=\"completed\"}") >= 1);
	CU_ASSERT_EQUAL(sample(text, "wfm_claim_latency_seconds_bucket"
	    "{le=\"+Inf\"}"), sample(text, "wfm_claim_latency_seconds_count"));
	free(text);
	free(tid);
	free(eid);
}

E2E_SUITE(test_e2e_obs_register)

void
test_e2e_obs_register(void)
{
	CU_pSuite	s = CU_add_suite("obs", NULL, NULL);

	CU_add_test(s, "metrics_count_every_request_across_workers",
	    test_e2e_metrics_count_every_request_across_workers);
	CU_add_test(s, "logs_are_json_lines_without_token_or_input",
	    test_e2e_logs_are_json_lines_without_token_or_input);
	CU_add_test(s, "audit_lists_execute_with_request_id_for_admin_only",
	    test_e2e_audit_lists_execute_with_request_id_for_admin_only);
	CU_add_test(s, "wfmctl_tail_follows_to_the_end",
	    test_e2e_wfmctl_tail_follows_to_the_end);
	CU_add_test(s, "metrics_include_supervisor_series",
	    test_e2e_metrics_include_supervisor_series);
}
