/*
 * Callbacks (engine.md "Callbacks from other systems", api.md "POST
 * /callbacks/{token}"): an http or command step with "callback": true
 * waits after its request succeeds until another system reports back
 * with the attempt's token; no JWT; 404 unknown, 409 reused with another
 * body, 410 expired or superseded, 422 a body with both or neither.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_target.h"
#include "e2e_sup.h"
#include "test_e2e_exec_util.h"

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

/* POST /callbacks/<tok> without Authorization; the status. */
static long
callback(const char *tok, const char *body)
{
	struct resp	 r;
	char		 path[256];
	long		 code;

	snprintf(path, sizeof(path), "/callbacks/%s", tok);
	if (e2e_req("POST", path, NULL, body, NULL, &r) != 0)
		return -1;
	code = r.status;
	if (code == 200)
		CU_ASSERT_STRING_EQUAL(x_s(resp_str(&r, "status")),
		    "accepted");
	resp_free(&r);
	return code;
}

/*
 * An http step to the target's /echo?k=<key> whose body carries
 * callback.url and callback.token; retry is the step's retry member or
 * "" (a "," and the member).
 */
static char *
cb_tmpl(const char *key, const char *extra)
{
	return sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"call\",\"type\":\"http\",\"callback\":true%s,"
	    "\"request\":{\"method\":\"POST\",\"url\":\"%s\",\"body\":"
	    "{\"url\":\"{{ callback.url }}\",\"token\":"
	    "\"{{ callback.token }}\"}}},"
	    "{\"id\":\"after\",\"type\":\"transform\",\"depends_on\":"
	    "[\"call\"],\"output\":{\"got\":\"{{ steps.call.output }}\"}}]}",
	    e2e_unique(key), extra, e2e_target_url(key));
}

/*
 * The token of the n-th (0-based) request the target saw on path,
 * waiting up to 10 s for it; url (may be NULL) gets callback.url.
 * Returns a static copy or "".
 */
static const char *
token_of(const char *path, int n, char url[256])
{
	static char		 tok[128];
	struct e2e_tgt_req	*rq;
	struct json_object	*b, *v;
	int64_t			 t0 = sup_now_ms();
	int			 k;

	tok[0] = '\0';
	rq = calloc(8, sizeof(*rq));
	while ((k = e2e_target_find(path, rq, 8)) <= n &&
	    sup_now_ms() - t0 < 10000)
		sup_sleep_ms(50);
	if (k > n && (b = json_tokener_parse(rq[n].body)) != NULL) {
		if (json_object_object_get_ex(b, "token", &v))
			snprintf(tok, sizeof(tok), "%s",
			    json_object_get_string(v));
		if (url != NULL && json_object_object_get_ex(b, "url", &v))
			snprintf(url, 256, "%s", json_object_get_string(v));
		json_object_put(b);
	}
	free(rq);
	return tok;
}

/* Wait until step id of eid is waiting (10 s); 1 when it is. */
static int
wait_step_waiting(const char *eid, const char *id)
{
	struct json_object	*doc;
	const char		*s;
	int64_t			 t0 = sup_now_ms();
	int			 ok = 0;

	while (!ok && sup_now_ms() - t0 < 10000) {
		doc = sup_get(eid, NULL);
		s = sup_str(sup_step(doc, id), "status");
		ok = s != NULL && strcmp(s, "waiting") == 0;
		json_object_put(doc);
		if (!ok)
			sup_sleep_ms(50);
	}
	return ok;
}

/*
 * {"output"} completes the step: the execution waits (no slot) with
 * waiting_for and wait_deadline shown, the callback answers 200, the
 * dependent step sees the output; the same body again is 200 and
 * changes nothing, another body 409; the audit row has no user.
 */
static void
test_e2e_callback_output_completes(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *eid, url[256], path[128];
	const char		*tok;

	tid = cb_tmpl("/echo?k=cb-out", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	tok = token_of("/echo?k=cb-out", 0, url);
	CU_ASSERT_EQUAL_FATAL(strlen(tok), 43);
	snprintf(path, sizeof(path), "/api/v1/callbacks/%s", tok);
	CU_ASSERT_STRING_EQUAL(url, path);
	CU_ASSERT_FATAL(wait_step_waiting(eid, "call"));
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "waiting", 10));
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "waiting_for"),
	    "{\"callback\":true}");
	CU_ASSERT_PTR_NOT_NULL(sup_str(sup_step(doc, "call"),
	    "wait_deadline"));
	SUP_STR_EQ(sup_str(sup_step(doc, "after"), "status"), "pending");
	json_object_put(doc);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":{\"n\":1,\"s\":\"x\"}}"),
	    200);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "output"),
	    "{\"n\":1,\"s\":\"x\"}");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "call"), "attempts"), 1);
	SUP_STR_EQ(sup_json(doc, "final_result"), "{\"call\":{\"n\":1,"
	    "\"s\":\"x\"},\"after\":{\"got\":{\"n\":1,\"s\":\"x\"}}}");
	json_object_put(doc);
	/* Same body (other key order): 200; another: 409. */
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":{\"s\":\"x\",\"n\":1.0}}"),
	    200);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":{\"n\":2}}"), 409);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "output"),
	    "{\"n\":1,\"s\":\"x\"}");
	json_object_put(doc);
	/* One audit row, without a user. */
	snprintf(path, sizeof(path), "/workflow-management/audit?action="
	    "execution.callback&limit=100");
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_admin(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(r.body != NULL ? strstr(r.body, eid) : NULL);
	resp_free(&r);
	free(tid);
	free(eid);
}

/* {"error"} fails the step with that type (not in retry.on). */
static void
test_e2e_callback_error_fails(void)
{
	struct json_object	*doc;
	char			*tid, *eid;
	const char		*tok;

	tid = cb_tmpl("/echo?k=cb-err", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	tok = token_of("/echo?k=cb-err", 0, NULL);
	CU_ASSERT_EQUAL_FATAL(strlen(tok), 43);
	CU_ASSERT_FATAL(wait_step_waiting(eid, "call"));
	CU_ASSERT_EQUAL(callback(tok, "{\"error\":{\"type\":\"rejected\","
	    "\"message\":\"the clerk said no\"}}"), 200);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "rejected");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "call");
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "error"),
	    "{\"type\":\"rejected\",\"message\":\"the clerk said no\"}");
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "status"), "failed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "call"), "attempts"), 1);
	json_object_put(doc);
	/* Terminal: the same body is still 200, another one 409. */
	CU_ASSERT_EQUAL(callback(tok, "{\"error\":{\"type\":\"rejected\","
	    "\"message\":\"the clerk said no\"}}"), 200);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":1}"), 409);
	free(tid);
	free(eid);
}

/*
 * An error whose type is in retry.on: a second attempt with a new token;
 * the first attempt's token is 410 from then on.
 */
static void
test_e2e_callback_retry_on_new_token(void)
{
	struct json_object	*doc;
	char			*tid, *eid, old[128];
	const char		*tok;

	tid = cb_tmpl("/echo?k=cb-retry", ",\"retry\":{\"max_attempts\":2,"
	    "\"initial_interval_ms\":100,\"on\":[\"busy\"]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	snprintf(old, sizeof(old), "%s", token_of("/echo?k=cb-retry", 0,
	    NULL));
	CU_ASSERT_EQUAL_FATAL(strlen(old), 43);
	CU_ASSERT_FATAL(wait_step_waiting(eid, "call"));
	CU_ASSERT_EQUAL(callback(old, "{\"error\":{\"type\":\"busy\","
	    "\"message\":\"later\"}}"), 200);
	tok = token_of("/echo?k=cb-retry", 1, NULL);
	CU_ASSERT_EQUAL_FATAL(strlen(tok), 43);
	CU_ASSERT_STRING_NOT_EQUAL(tok, old);
	CU_ASSERT_FATAL(wait_step_waiting(eid, "call"));
	/* The old attempt's token: gone, whatever the body. */
	CU_ASSERT_EQUAL(callback(old, "{\"output\":1}"), 410);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":2}"), 200);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "call"), "attempts"), 2);
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "output"), "2");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * Unknown token: 404 (and without a JWT no 401); a body with both or
 * neither member: 422, and the token still works afterwards.
 */
static void
test_e2e_callback_unknown_and_invalid(void)
{
	struct json_object	*doc;
	char			*tid, *eid;
	const char		*tok;

	CU_ASSERT_EQUAL(callback("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "{\"output\":1}"), 404);
	CU_ASSERT_EQUAL(callback("short", "{\"output\":1}"), 404);
	tid = cb_tmpl("/echo?k=cb-422", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	tok = token_of("/echo?k=cb-422", 0, NULL);
	CU_ASSERT_EQUAL_FATAL(strlen(tok), 43);
	CU_ASSERT_EQUAL(callback(tok, "{}"), 422);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":1,\"error\":{\"type\":"
	    "\"x\",\"message\":\"y\"}}"), 422);
	CU_ASSERT_EQUAL(callback(tok, "{\"error\":{\"type\":\"x\"}}"), 422);
	CU_ASSERT_EQUAL(callback(tok, "{\"error\":{\"type\":\"Bad Type\","
	    "\"message\":\"y\"}}"), 422);
	CU_ASSERT_EQUAL(callback(tok, "[1]"), 422);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":null}"), 200);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "output"), "null");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * callback_timeout_seconds passes: the step fails with callback_timeout
 * (found through wake_at, the execution held no slot meanwhile) and the
 * token is 410.
 */
static void
test_e2e_callback_expired(void)
{
	struct json_object	*doc;
	char			*tid, *eid;
	const char		*tok;

	tid = cb_tmpl("/echo?k=cb-exp", ",\"callback_timeout_seconds\":2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	tok = token_of("/echo?k=cb-exp", 0, NULL);
	CU_ASSERT_EQUAL_FATAL(strlen(tok), 43);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "waiting", 10));
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "callback_timeout");
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "error.type"),
	    "callback_timeout");
	json_object_put(doc);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":1}"), 410);
	free(tid);
	free(eid);
}

/*
 * A command step whose handler posts the callback before it exits: the
 * callback is kept and applied once the handler's result is recorded.
 */
static void
test_e2e_callback_before_answer(void)
{
	struct json_object	*doc;
	char			*tid, *eid, input[512], base[256], *q;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"cmd\",\"type\":\"command\",\"callback\":true,"
	    "\"handler\":\"e2e-callback\",\"input\":{\"url\":"
	    "\"{{ input.base }}{{ callback.url }}\",\"seconds\":1}}]}",
	    e2e_unique("cb-early"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	/* http://127.0.0.1:port without the base path. */
	snprintf(base, sizeof(base), "%s", e2e_url());
	if ((q = strstr(base, "/api/v1")) != NULL)
		*q = '\0';
	snprintf(input, sizeof(input), "{\"base\":\"%s\"}", base);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "cmd"), "output"),
	    "{\"early\":true}");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "cmd"), "attempts"), 1);
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * kill -9 of the supervisor while the execution waits: nothing is lost;
 * a later callback wakes it under the new supervisor and completes it,
 * and the request was sent once.
 */
static void
test_e2e_callback_survives_kill9(void)
{
	struct e2e_tgt_req	*rq;
	struct json_object	*doc;
	char			*tid, *eid, tok[128];
	pid_t			 old, neu;

	tid = cb_tmpl("/echo?k=cb-kill", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	snprintf(tok, sizeof(tok), "%s", token_of("/echo?k=cb-kill", 0,
	    NULL));
	CU_ASSERT_EQUAL_FATAL(strlen(tok), 43);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "waiting", 10));
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1 && neu != old);
	sup_sleep_ms(1000);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "waiting");
	json_object_put(doc);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":\"late\"}"), 200);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "output"), "\"late\"");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "call"), "attempts"), 1);
	json_object_put(doc);
	rq = calloc(4, sizeof(*rq));
	CU_ASSERT_EQUAL(e2e_target_find("/echo?k=cb-kill", rq, 4), 1);
	free(rq);
	free(tid);
	free(eid);
}

/*
 * A redrive counts attempts from 1 again: the failed run's attempt-1
 * token (with its recorded error) is 410, and is not applied to the new
 * attempt 1, which waits for its own token.
 */
static void
test_e2e_callback_redrive_new_token(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *eid, old[128], path[256];
	const char		*tok;

	tid = cb_tmpl("/echo?k=cb-redrive", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	snprintf(old, sizeof(old), "%s", token_of("/echo?k=cb-redrive", 0,
	    NULL));
	CU_ASSERT_EQUAL_FATAL(strlen(old), 43);
	CU_ASSERT_FATAL(wait_step_waiting(eid, "call"));
	CU_ASSERT_EQUAL(callback(old, "{\"error\":{\"type\":\"rejected\","
	    "\"message\":\"no\"}}"), 200);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "failed", 10));
	snprintf(path, sizeof(path), "%s/%s/retry", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	tok = token_of("/echo?k=cb-redrive", 1, NULL);
	CU_ASSERT_EQUAL_FATAL(strlen(tok), 43);
	CU_ASSERT_STRING_NOT_EQUAL(tok, old);
	CU_ASSERT_FATAL(wait_step_waiting(eid, "call"));
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "waiting");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "call"), "attempts"), 1);
	json_object_put(doc);
	CU_ASSERT_EQUAL(callback(old, "{\"error\":{\"type\":\"rejected\","
	    "\"message\":\"no\"}}"), 410);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":\"yes\"}"), 200);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "output"), "\"yes\"");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * retry.on also widens the built-in rule: a 400 (http_status, not
 * retried by default) is retried when listed, up to max_attempts.
 */
static void
test_e2e_callback_retry_on_builtin_type(void)
{
	struct json_object	*doc;
	struct e2e_tgt_req	*rq;
	char			*tid, *eid;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"h\",\"type\":"
	    "\"http\",\"retry\":{\"max_attempts\":3,\"initial_interval_ms\":"
	    "50,\"on\":[\"http_status\"]},\"request\":{\"method\":\"GET\","
	    "\"url\":\"%s\"}}]}", e2e_unique("cb-builtin"),
	    e2e_target_url("/bad?k=cb-builtin"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(sup_step(doc, "h"), "error.type"), "http_status");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "h"), "attempts"), 3);
	json_object_put(doc);
	rq = calloc(8, sizeof(*rq));
	CU_ASSERT_EQUAL(e2e_target_find("/bad?k=cb-builtin", rq, 8), 3);
	free(rq);
	free(tid);
	free(eid);
}

/* Store-time checks: callback_timeout_seconds above the execution's. */
static void
test_e2e_callback_template_checks(void)
{
	struct resp	r;
	char		body[1024];

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"global_config\":"
	    "{\"timeout_seconds\":60},\"steps\":[{\"id\":\"c\",\"type\":"
	    "\"http\",\"callback\":true,\"callback_timeout_seconds\":61,"
	    "\"request\":{\"method\":\"GET\",\"url\":"
	    "\"http://example.org/\"}}]}",
	    e2e_unique("cb-bad"));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/templates",
	    e2e_tok_alice(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	/* Exactly one error, at the step's key. */
	CU_ASSERT_EQUAL(json_object_array_length(e2e_member(r.json,
	    "detail")), 1);
	CU_ASSERT_PTR_NOT_NULL(r.body != NULL ? strstr(r.body,
	    "[\"body\",\"steps\",0,\"callback_timeout_seconds\"]") : NULL);
	resp_free(&r);
}

/*
 * callback_timeout_seconds runs while the execution is paused (engine.md
 * "Pause and resume"): the step fails callback_timeout, the execution
 * stays paused, the token is 410; the resume ends it as failed.
 */
static void
test_e2e_callback_expired_while_paused(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *eid, path[256];
	const char		*tok;

	tid = cb_tmpl("/echo?k=cb-exp-paused",
	    ",\"callback_timeout_seconds\":3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	tok = token_of("/echo?k=cb-exp-paused", 0, NULL);
	CU_ASSERT_EQUAL_FATAL(strlen(tok), 43);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "waiting", 10));
	snprintf(path, sizeof(path), "%s/%s/pause", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	sup_sleep_ms(5000);
	doc = sup_get(eid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "status"), "failed");
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "error.type"),
	    "callback_timeout");
	json_object_put(doc);
	CU_ASSERT_EQUAL(callback(tok, "{\"output\":1}"), 410);
	snprintf(path, sizeof(path), "%s/%s/resume", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "callback_timeout");
	json_object_put(doc);
	free(tid);
	free(eid);
}

E2E_SUITE(test_e2e_callback_register)

void
test_e2e_callback_register(void)
{
	CU_pSuite	s = CU_add_suite("callback", suite_init, suite_fini);

	CU_add_test(s, "output_completes", test_e2e_callback_output_completes);
	CU_add_test(s, "error_fails", test_e2e_callback_error_fails);
	CU_add_test(s, "retry_on_new_token",
	    test_e2e_callback_retry_on_new_token);
	CU_add_test(s, "unknown_and_invalid",
	    test_e2e_callback_unknown_and_invalid);
	CU_add_test(s, "expired", test_e2e_callback_expired);
	CU_add_test(s, "before_answer", test_e2e_callback_before_answer);
	CU_add_test(s, "survives_kill9", test_e2e_callback_survives_kill9);
	CU_add_test(s, "template_checks", test_e2e_callback_template_checks);
	CU_add_test(s, "redrive_new_token",
	    test_e2e_callback_redrive_new_token);
	CU_add_test(s, "retry_on_builtin_type",
	    test_e2e_callback_retry_on_builtin_type);
	CU_add_test(s, "expired_while_paused",
	    test_e2e_callback_expired_while_paused);
}
