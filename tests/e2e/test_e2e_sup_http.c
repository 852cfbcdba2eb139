/*
 * http steps against a local target (e2e_target.c): retries on 503 with
 * the same Idempotency-Key on every attempt, no retry on 400, timeouts
 * retried, SSRF blocking of loopback addresses outside the allowlist,
 * and secrets: sent to the target, never stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "e2e_target.h"

#define REQS_MAX	16

static int
suite_init(void)
{
	return e2e_target_start() > 0 ? 0 : -1;
}

static int
suite_fini(void)
{
	e2e_target_stop();
	return 0;
}

/* A one-step http template; request is the JSON of "request". */
static struct json_object *
run_http(const char *request, const char *extra, const char *input,
    char **eidp)
{
	struct json_object	*doc;
	char			*tid, *eid;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"call\","
	    "\"type\":\"http\",\"request\":%s%s%s}]}", e2e_unique("http"),
	    request, extra[0] != '\0' ? "," : "", extra);
	if (tid == NULL)
		return NULL;
	eid = sup_exec(tid, input);
	free(tid);
	if (eid == NULL)
		return NULL;
	doc = e2e_wait(e2e_tok_alice(), eid, 40);
	if (eidp != NULL)
		*eidp = eid;
	else
		free(eid);
	return doc;
}

static void
test_e2e_sup_http_503_retried_then_succeeds(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*doc, *s;
	char			 path[128], req[512], key[128], *eid = NULL;
	int			 n, i;

	snprintf(path, sizeof(path), "/flaky?n=2&k=%s", e2e_unique("f"));
	snprintf(req, sizeof(req), "{\"method\":\"POST\",\"url\":\"%s\","
	    "\"body\":{\"amount\":\"{{ input.amount }}\"}}",
	    e2e_target_url(path));
	doc = run_http(req, "\"retry\":{\"max_attempts\":5,"
	    "\"initial_interval_ms\":100,\"max_interval_ms\":200}",
	    "{\"amount\":42}", &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	s = sup_step(doc, "call");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 3);	/* 2 failures + 1 */
	CU_ASSERT_EQUAL(sup_int(s, "output.status"), 200);
	SUP_STR_EQ(sup_json(s, "output.body"), "{\"ok\":true,\"hits\":3}");
	SUP_STR_EQ(sup_json(s, "error"), "null");
	/* The target saw three attempts, each with the same key. */
	n = e2e_target_find(path, q, REQS_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	snprintf(key, sizeof(key), "%s:call", eid);
	for (i = 0; i < n; i++) {
		SUP_STR_EQ(q[i].method, "POST");
		SUP_STR_EQ(q[i].idem, key);
		SUP_STR_EQ(q[i].body, "{\"amount\":42}");
		CU_ASSERT_EQUAL(strncmp(q[i].ctype, "application/json", 16),
		    0);
		CU_ASSERT_EQUAL(q[i].status, i < 2 ? 503 : 200);
	}
	json_object_put(doc);
	free(eid);
}

static void
test_e2e_sup_http_400_fails_without_retry(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*doc, *s;
	char			 path[128], req[512], key[128], *eid = NULL;

	snprintf(path, sizeof(path), "/bad?k=%s", e2e_unique("b"));
	snprintf(req, sizeof(req), "{\"method\":\"GET\",\"url\":\"%s\"}",
	    e2e_target_url(path));
	doc = run_http(req, "\"retry\":{\"max_attempts\":5,"
	    "\"initial_interval_ms\":100}", NULL, &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	s = sup_step(doc, "call");
	SUP_STR_EQ(sup_str(s, "status"), "failed");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 1);
	SUP_STR_EQ(sup_str(s, "error.type"), "http_status");
	CU_ASSERT_EQUAL(sup_int(s, "output.status"), 400);
	SUP_STR_EQ(sup_json(s, "output.body"), "{\"error\":\"bad request\"}");
	SUP_STR_EQ(sup_keys(doc, "error_details"), "error,step_id,type");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "http_status");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "call");
	SUP_STR_EQ(sup_str(doc, "error_details.error"),
	    sup_str(s, "error.message"));
	CU_ASSERT_EQUAL(e2e_target_find(path, q, REQS_MAX), 1);
	snprintf(key, sizeof(key), "%s:call", eid);
	SUP_STR_EQ(q[0].idem, key);
	json_object_put(doc);
	free(eid);
}

static void
test_e2e_sup_http_timeout_is_retried(void)
{
	struct json_object	*doc, *s;
	char			 path[128], req[512];

	snprintf(path, sizeof(path), "/slow?ms=3000&k=%s", e2e_unique("s"));
	snprintf(req, sizeof(req), "{\"method\":\"GET\",\"url\":\"%s\"}",
	    e2e_target_url(path));
	doc = run_http(req, "\"timeout_seconds\":1,\"retry\":{\"max_attempts\""
	    ":2,\"initial_interval_ms\":100}", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	s = sup_step(doc, "call");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 2);
	SUP_STR_EQ(sup_str(s, "error.type"), "timeout");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "timeout");
	CU_ASSERT_EQUAL(e2e_target_find(path, NULL, 0), 2);
	json_object_put(doc);
}

/* A loopback address outside the allowlist (127.0.0.1/32) is refused. */
static void
check_ssrf(const char *host)
{
	struct json_object	*doc, *s;
	char			 path[128], req[512];

	snprintf(path, sizeof(path), "/ok?k=%s", e2e_unique("ssrf"));
	snprintf(req, sizeof(req), "{\"method\":\"GET\",\"url\":"
	    "\"http://%s:%d%s\"}", host, e2e_target_start(), path);
	doc = run_http(req, "\"retry\":{\"max_attempts\":3,"
	    "\"initial_interval_ms\":100}", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	s = sup_step(doc, "call");
	SUP_STR_EQ(sup_str(s, "error.type"), "ssrf_blocked");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 1);	/* not retryable */
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "ssrf_blocked");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "call");
	CU_ASSERT_EQUAL(e2e_target_find(path, NULL, 0), 0);
	json_object_put(doc);
}

static void
test_e2e_sup_http_ssrf_blocks_127_0_0_2(void)
{
	check_ssrf("127.0.0.2");
	check_ssrf("2130706434");	/* 127.0.0.2 as one number */
}

static void
test_e2e_sup_secret_sent_but_never_stored(void)
{
	struct e2e_tgt_req	 q[REQS_MAX];
	struct json_object	*doc, *s;
	char			 secret[64], want[128], path[128], *raw = NULL;
	char			*tid, *eid;
	int			 rc;

	snprintf(secret, sizeof(secret), "s3cr3t-%ld-%d", (long)getpid(),
	    rand() % 100000);
	rc = e2e_sh("printf '%%s\\n' '%s' | %s/wfmctl -c %s secret set alice "
	    "PAY_TOKEN >/dev/null", secret, getenv("WFM_E2E_BIN") != NULL ?
	    getenv("WFM_E2E_BIN") : "build/bin", e2e_conf());
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	snprintf(path, sizeof(path), "/echo?k=%s", e2e_unique("sec"));
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"call\","
	    "\"type\":\"http\",\"request\":{\"method\":\"POST\",\"url\":\"%s\","
	    "\"headers\":{\"Authorization\":\"Bearer {{ secrets.PAY_TOKEN }}\"},"
	    "\"body\":{\"note\":\"plain\"}}},{\"id\":\"cmd\",\"type\":"
	    "\"command\",\"handler\":\"echo-json\",\"input\":{\"token\":"
	    "\"{{ secrets.PAY_TOKEN }}\"}}]}", e2e_unique("secret"),
	    e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	/* The target got the real value. */
	CU_ASSERT_EQUAL_FATAL(e2e_target_find(path, q, REQS_MAX), 1);
	snprintf(want, sizeof(want), "Bearer %s", secret);
	SUP_STR_EQ(q[0].auth, want);
	/* The stored outputs show *** where the value was. */
	s = sup_step(doc, "call");
	SUP_STR_EQ(sup_str(s, "output.body.authorization"), "Bearer ***");
	SUP_STR_EQ(sup_str(sup_step(doc, "cmd"), "output.got.input.token"),
	    "***");
	SUP_STR_EQ(sup_str(doc, "final_result.call.body.authorization"),
	    "Bearer ***");
	json_object_put(doc);
	/* And the value is nowhere in the document. */
	doc = sup_get(eid, &raw);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_PTR_NULL(strstr(raw, secret));
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "Bearer ***"));
	free(raw);
	json_object_put(doc);
	free(tid);
	free(eid);
}

E2E_SUITE(test_e2e_sup_http_register)

void
test_e2e_sup_http_register(void)
{
	CU_pSuite	s = CU_add_suite("sup_http", suite_init, suite_fini);

	CU_add_test(s, "http_503_retried_then_succeeds",
	    test_e2e_sup_http_503_retried_then_succeeds);
	CU_add_test(s, "http_400_fails_without_retry",
	    test_e2e_sup_http_400_fails_without_retry);
	CU_add_test(s, "http_timeout_is_retried",
	    test_e2e_sup_http_timeout_is_retried);
	CU_add_test(s, "http_ssrf_blocks_127_0_0_2",
	    test_e2e_sup_http_ssrf_blocks_127_0_0_2);
	CU_add_test(s, "secret_sent_but_never_stored",
	    test_e2e_sup_secret_sent_but_never_stored);
}
