/*
 * POST .../executions/{id}/cancel and .../retry through nginx (api.md):
 * cancelling pending and running executions, the reason, conflicts,
 * access; redrives that keep completed steps and count themselves; and
 * the audit rows both leave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_exec_util.h"

#define DELAY30_STEPS							\
	"\"steps\":[{\"id\":\"w\",\"type\":\"delay\",\"seconds\":30},"	\
	"{\"id\":\"after\",\"type\":\"transform\",\"depends_on\":[\"w\"],"\
	"\"output\":{\"x\":1}}]"
#define FAIL_STEPS							\
	"\"steps\":[{\"id\":\"ok\",\"type\":\"transform\",\"output\":"	\
	"{\"v\":1}},{\"id\":\"bad\",\"type\":\"transform\",\"depends_on\":"\
	"[\"ok\"],\"output\":{\"n\":\"{{ input.a * 2 }}\"}}]"
/* Two attempts of a handler that always asks to be retried, 1.5 s apart. */
#define TEMPFAIL_STEPS							\
	"\"steps\":[{\"id\":\"ok\",\"type\":\"transform\",\"output\":"	\
	"{\"v\":1}},{\"id\":\"t\",\"type\":\"command\",\"handler\":"	\
	"\"tempfail\",\"depends_on\":[\"ok\"],\"retry\":{\"max_attempts\":"\
	"2,\"initial_interval_ms\":1500}}]"
#define FAST_STEPS	"\"steps\":[{\"id\":\"a\",\"type\":\"transform\"," \
			"\"output\":{\"v\":1}}]"
#define NOT_FOUND_ID	"00000000-0000-4000-8000-000000000000"

/* POST .../<id>/<what> with an optional JSON body and extra headers. */
static int
control(const char *token, const char *id, const char *what,
    const char *body, const char *const *extra, struct resp *r)
{
	char	path[256];

	snprintf(path, sizeof(path), "%s/%s/%s", X_EXECS_PATH, id, what);
	return e2e_req("POST", path, token, body, extra, r);
}

/* An execution of tid as token that is running; its id (owned). */
static char *
start_running(const char *token, const char *tid)
{
	char	*id = e2e_execute(token, tid, NULL);

	if (id != NULL && !x_wait_status(token, id, "running", 5)) {
		free(id);
		return NULL;
	}
	return id;
}

/* The audit rows of user for action on object id (admin's view). */
static int
audit_rows(const char *user, const char *action, const char *id,
    struct json_object **last)
{
	struct json_object	*it;
	struct resp		 r;
	char			 path[512];
	int			 i, n = 0;

	snprintf(path, sizeof(path), "/workflow-management/audit?user_id=%s"
	    "&action=%s&limit=100", user, action);
	if (e2e_req("GET", path, e2e_tok_admin(), NULL, NULL, &r) != 0)
		return -1;
	for (i = 0; i < x_alen(r.json, "items"); i++) {
		it = json_object_array_get_idx(x_at(r.json, "items"),
		    (size_t)i);
		if (!x_eq(x_str(it, "object_id"), id))
			continue;
		if (n++ == 0 && last != NULL)
			*last = json_object_get(it);
	}
	if (r.status != 200)
		n = -1;
	resp_free(&r);
	return n;
}

static void
test_e2e_exec_control_cancel_running_stops_within_2s(void)
{
	static const char *const rid[] = { "X-Request-Id: cancel-req-1", NULL };
	struct json_object	*doc, *audit = NULL;
	struct resp		 r;
	const char		*tok = x_tok("ctl-user");
	char			*tid, *id;
	double			 t0;

	tid = x_template(tok, "ctl-delay", DELAY30_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = start_running(tok, tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	t0 = x_now();
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "cancel",
	    "{\"reason\":\"no longer needed\"}", rid, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_EQUAL(x_nkeys(r.json, ""), 7);
	X_STREQ(resp_str(&r, "execution_id"), id);
	CU_ASSERT_TRUE(x_eq(resp_str(&r, "status"), "running") ||
	    x_eq(resp_str(&r, "status"), "cancelled"));
	resp_free(&r);
	/* Seen within 1 s, stopped within 2 s (plus a little HTTP). */
	CU_ASSERT_TRUE(x_wait_status(tok, id, "cancelled", 2.5));
	CU_ASSERT_TRUE(x_now() - t0 < 2.5);
	doc = x_get(tok, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(x_str(doc, "cancelled_by"), x_run("ctl-user"));
	X_STREQ(x_str(doc, "cancel_reason"), "no longer needed");
	CU_ASSERT_TRUE(x_is_time(x_str(doc, "completed_at")));
	X_STREQ(x_str(doc, "steps.0.status"), "cancelled");
	X_STREQ(x_str(doc, "steps.1.status"), "cancelled");
	CU_ASSERT_EQUAL(x_int(doc, "steps.1.attempts"), 0);
	CU_ASSERT_TRUE(x_null(doc, "steps.1.started_at"));
	json_object_put(doc);
	/* The audit log keeps who, why and the request id. */
	CU_ASSERT_EQUAL(audit_rows(x_run("ctl-user"), "execution.cancel", id,
	    &audit),
	    1);
	X_STREQ(x_str(audit, "detail.reason"), "no longer needed");
	X_STREQ(x_str(audit, "request_id"), "cancel-req-1");
	json_object_put(audit);
	/* Cancelling again: 409 with the status it has. */
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "cancel", NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 409);
	X_STREQ(r.body, "{\"detail\":\"Execution already cancelled\"}");
	resp_free(&r);
	free(id);
	free(tid);
}

static void
test_e2e_exec_control_cancel_pending_is_immediate(void)
{
	struct resp	 r;
	const char	*tok = x_tok("ctl-user");
	char		*tid, *first, *second;

	/* One at a time: the second execution waits as pending. */
	tid = x_template(tok, "ctl-one-at-a-time", "\"global_config\":"
	    "{\"max_concurrent_executions\":1}," DELAY30_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	first = start_running(tok, tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	second = e2e_execute(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(second);
	x_sleep_ms(600);
	CU_ASSERT_TRUE_FATAL(x_wait_status(tok, second, "pending", 1));
	CU_ASSERT_EQUAL_FATAL(control(tok, second, "cancel", NULL, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 202);
	X_STREQ(resp_str(&r, "status"), "cancelled");
	CU_ASSERT_TRUE(x_is_time(resp_str(&r, "completed_at")));
	resp_free(&r);
	CU_ASSERT_EQUAL(x_cancel(tok, first), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, first, "cancelled", 2.5));
	free(first);
	free(second);
	free(tid);
}

static void
test_e2e_exec_control_cancel_terminal_is_409(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *tf, *id;

	tid = x_template(e2e_tok_alice(), "ctl-fast", FAST_STEPS);
	tf = x_template(e2e_tok_alice(), "ctl-fail", FAIL_STEPS);
	CU_ASSERT_FATAL(tid != NULL && tf != NULL);
	id = e2e_execute(e2e_tok_alice(), tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	json_object_put(e2e_wait(e2e_tok_alice(), id, 10));
	CU_ASSERT_EQUAL_FATAL(control(e2e_tok_alice(), id, "cancel", NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 409);
	X_STREQ(r.body, "{\"detail\":\"Execution already completed\"}");
	resp_free(&r);
	free(id);
	id = e2e_execute(e2e_tok_alice(), tf, "{\"a\":\"x\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	doc = e2e_wait(e2e_tok_alice(), id, 10);
	X_STREQ(x_str(doc, "status"), "failed");
	json_object_put(doc);
	CU_ASSERT_EQUAL_FATAL(control(e2e_tok_alice(), id, "cancel", NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 409);
	X_STREQ(r.body, "{\"detail\":\"Execution already failed\"}");
	resp_free(&r);
	free(id);
	free(tid);
	free(tf);
}

static void
test_e2e_exec_control_cancel_body_is_validated(void)
{
	struct resp	 r;
	const char	*tok = x_tok("ctl-user");
	char		*tid, *id, body[512], want[1024], reason[300];

	tid = x_template(tok, "ctl-reason", DELAY30_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = e2e_execute(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	memset(reason, 'r', 257);
	reason[257] = '\0';
	snprintf(body, sizeof(body), "{\"reason\":\"%s\"}", reason);
	snprintf(want, sizeof(want), "{\"detail\":[{\"type\":"
	    "\"string_too_long\",\"loc\":[\"body\",\"reason\"],\"msg\":"
	    "\"String should have at most 256 characters\",\"input\":\"%s\","
	    "\"ctx\":{\"max_length\":256}}]}", reason);
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "cancel", body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(r.body, want);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "cancel", "{\"reason\":5,"
	    "\"why\":1}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(r.body, "{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":"
	    "[\"body\",\"why\"],\"msg\":\"Extra inputs are not permitted\","
	    "\"input\":1},{\"type\":\"string_type\",\"loc\":[\"body\","
	    "\"reason\"],\"msg\":\"Input should be a valid string\",\"input\":"
	    "5}]}");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "cancel", "[]", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(x_str(r.json, "detail.0.type"), "model_type");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "cancel", "{", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(x_str(r.json, "detail.0.type"), "json_invalid");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(x_raw("POST", "/workflow-management/executions/"
	    NOT_FOUND_ID "/cancel", tok, "text/plain", "{}", 2, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 415);
	resp_free(&r);
	/* None of those cancelled it; 256 characters are fine. */
	CU_ASSERT_FALSE(x_wait_status(tok, id, "cancelled", 0));
	reason[256] = '\0';
	snprintf(body, sizeof(body), "{\"reason\":\"%s\"}", reason);
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "cancel", body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	CU_ASSERT_TRUE(x_wait_status(tok, id, "cancelled", 2.5));
	free(id);
	free(tid);
}

static void
test_e2e_exec_control_cancel_access(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *id;

	CU_ASSERT_EQUAL_FATAL(control(e2e_tok_alice(), NOT_FOUND_ID, "cancel",
	    NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 404);
	X_STREQ(r.body, "{\"detail\":\"Execution not found\"}");
	resp_free(&r);
	tid = x_template(e2e_tok_alice(), "ctl-access", DELAY30_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = e2e_execute(e2e_tok_alice(), tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_EQUAL_FATAL(control(e2e_tok_bob(), id, "cancel", NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, "{\"detail\":\"Access denied\"}");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(control(e2e_tok_bob(), id, "retry", NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, "{\"detail\":\"Access denied\"}");
	resp_free(&r);
	/* An admin may cancel anyone's; the document says who did. */
	CU_ASSERT_EQUAL(x_cancel(e2e_tok_admin(), id), 202);
	CU_ASSERT_TRUE(x_wait_status(e2e_tok_alice(), id, "cancelled", 2.5));
	doc = x_get(e2e_tok_alice(), id);
	X_STREQ(x_str(doc, "cancelled_by"), "root-admin");
	CU_ASSERT_TRUE(x_null(doc, "cancel_reason"));
	json_object_put(doc);
	free(id);
	free(tid);
}

static void
test_e2e_exec_control_retry_keeps_completed_steps(void)
{
	struct json_object	*before, *after;
	struct resp		 r;
	const char		*tok = x_tok("ctl-user");
	char			*tid, *id, ok_done[32], bad_start[32];

	tid = x_template(tok, "ctl-redrive", FAIL_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = e2e_execute(tok, tid, "{\"a\":\"x\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	before = e2e_wait(tok, id, 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(before);
	X_STREQ(x_str(before, "status"), "failed");
	snprintf(ok_done, sizeof(ok_done), "%s",
	    x_s(x_str(before, "steps.0.completed_at")));
	snprintf(bad_start, sizeof(bad_start), "%s",
	    x_s(x_str(before, "steps.1.started_at")));
	/* Times have milliseconds: make the rerun's start differ. */
	x_sleep_ms(20);
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "retry", NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_EQUAL(x_nkeys(r.json, ""), 7);
	X_STREQ(resp_str(&r, "execution_id"), id);
	resp_free(&r);
	/* The input cannot change, so the rerun fails the same way. */
	CU_ASSERT_TRUE(x_wait_status(tok, id, "failed", 10));
	after = x_get(tok, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(after);
	CU_ASSERT_EQUAL(x_int(after, "redrive_count"), 1);
	X_STREQ(x_str(after, "steps.0.status"), "completed");
	CU_ASSERT_EQUAL(x_int(after, "steps.0.attempts"), 1);
	X_STREQ(x_str(after, "steps.0.completed_at"), ok_done);
	X_STREQ(x_json(x_at(after, "steps.0.output")), "{\"v\":1}");
	CU_ASSERT_EQUAL(x_int(after, "steps.1.attempts"), 1);
	X_STRNE(x_str(after, "steps.1.started_at"), bad_start);
	X_STREQ(x_str(after, "error_details.step_id"), "bad");
	json_object_put(before);
	json_object_put(after);
	/* Each redrive is counted and audited. */
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "retry", NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	CU_ASSERT_TRUE(x_wait_status(tok, id, "failed", 10));
	after = x_get(tok, id);
	CU_ASSERT_EQUAL(x_int(after, "redrive_count"), 2);
	json_object_put(after);
	CU_ASSERT_EQUAL(audit_rows(x_run("ctl-user"), "execution.retry", id,
	    NULL), 2);
	free(id);
	free(tid);
}

static void
test_e2e_exec_control_retry_goes_back_to_pending(void)
{
	struct json_object	*doc;
	struct resp		 r;
	const char		*tok = x_tok("ctl-user");
	char			*tid, *id;

	tid = x_template(tok, "ctl-tempfail", TEMPFAIL_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = e2e_execute(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	doc = e2e_wait(tok, id, 15);
	X_STREQ(x_str(doc, "status"), "failed");
	CU_ASSERT_EQUAL(x_int(doc, "steps.1.attempts"), 2);
	json_object_put(doc);
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "retry", NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_TRUE(x_eq(resp_str(&r, "status"), "pending") ||
	    x_eq(resp_str(&r, "status"), "running"));
	CU_ASSERT_TRUE(x_null(r.json, "completed_at"));
	resp_free(&r);
	/* Running again, with a fresh attempt count; retry now is 409. */
	doc = x_get(tok, id);
	CU_ASSERT_TRUE(x_eq(x_str(doc, "status"), "pending") ||
	    x_eq(x_str(doc, "status"), "running"));
	CU_ASSERT_TRUE(x_int(doc, "steps.1.attempts") <= 1);
	CU_ASSERT_TRUE(x_null(doc, "error_details"));
	json_object_put(doc);
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "retry", NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_PTR_NOT_NULL(x_str(r.json, "detail"));
	resp_free(&r);
	doc = e2e_wait(tok, id, 15);
	X_STREQ(x_str(doc, "status"), "failed");
	CU_ASSERT_EQUAL(x_int(doc, "steps.1.attempts"), 2);
	CU_ASSERT_EQUAL(x_int(doc, "steps.0.attempts"), 1);
	CU_ASSERT_EQUAL(x_int(doc, "redrive_count"), 1);
	json_object_put(doc);
	free(id);
	free(tid);
}

static void
test_e2e_exec_control_retry_cancelled_and_conflicts(void)
{
	struct resp	 r;
	const char	*tok = x_tok("ctl-user");
	char		*tid, *tfast, *id;

	tid = x_template(tok, "ctl-retry-cancelled", DELAY30_STEPS);
	tfast = x_template(tok, "ctl-retry-fast", FAST_STEPS);
	CU_ASSERT_FATAL(tid != NULL && tfast != NULL);
	id = start_running(tok, tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	/* Running: 409. */
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "retry", NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 409);
	X_STREQ(x_str(r.json, "detail"), "Execution is running; only failed, "
	    "cancelled or timed_out executions can be retried");
	resp_free(&r);
	CU_ASSERT_EQUAL(x_cancel(tok, id), 202);
	CU_ASSERT_TRUE_FATAL(x_wait_status(tok, id, "cancelled", 2.5));
	/* Cancelled: redriven, the delay starts over. */
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "retry", NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_TRUE(x_eq(resp_str(&r, "status"), "pending") ||
	    x_eq(resp_str(&r, "status"), "running"));
	resp_free(&r);
	CU_ASSERT_TRUE(x_wait_status(tok, id, "running", 5));
	CU_ASSERT_EQUAL(x_cancel(tok, id), 202);
	free(id);
	/* Completed: 409. */
	id = e2e_execute(tok, tfast, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_TRUE(x_wait_status(tok, id, "completed", 10));
	CU_ASSERT_EQUAL_FATAL(control(tok, id, "retry", NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 409);
	X_STREQ(x_str(r.json, "detail"), "Execution is completed; only "
	    "failed, cancelled or timed_out executions can be retried");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(control(tok, NOT_FOUND_ID, "retry", NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 404);
	X_STREQ(r.body, "{\"detail\":\"Execution not found\"}");
	resp_free(&r);
	free(id);
	free(tid);
	free(tfast);
}

E2E_SUITE(test_e2e_exec_control_register)

/*
 * The audit list merges the execution.create records that are execution
 * rows (sql/010) with the audit_log rows, newest first, and a cursor walks
 * them one by one in that order without a gap or a repeat.
 */
static void
test_e2e_exec_control_audit_merges_execution_rows_by_time(void)
{
	static const char *const rid1[] = { "X-Request-Id: audit-order-1",
	    NULL };
	static const char *const rid2[] = { "X-Request-Id: audit-order-2",
	    NULL };
	static const char *const want[] = { "execution.cancel",
	    "execution.create", "execution.create", "template.create" };
	struct json_object	*it, *items[8];
	struct resp		 r;
	const char		*tok = x_tok("audit-order"), *cur;
	char			 path[1024], body[256], *tid, *e1, *e2;
	char			 next[256] = "";
	int			 n = 0, i;

	tid = x_template(tok, x_run("audit-order-t"), "\"steps\":[{\"id\":"
	    "\"d\",\"type\":\"delay\",\"seconds\":30}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"first\"}", tid);
	CU_ASSERT_EQUAL_FATAL(x_exec(tok, "", body, rid1, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	e1 = strdup(resp_str(&r, "execution_id"));
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"second\"}", tid);
	CU_ASSERT_EQUAL_FATAL(x_exec(tok, "", body, rid2, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	e2 = strdup(resp_str(&r, "execution_id"));
	resp_free(&r);
	CU_ASSERT_EQUAL(x_cancel(tok, e2), 202);

	/* One record a page, following the cursor. */
	do {
		snprintf(path, sizeof(path), "/workflow-management/audit?"
		    "user_id=%s&limit=1%s%s", x_run("audit-order"),
		    next[0] != '\0' ? "&cursor=" : "", next);
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_admin(),
		    NULL, NULL, &r), 0);
		CU_ASSERT_EQUAL_FATAL(r.status, 200);
		CU_ASSERT_EQUAL(x_alen(r.json, "items"), 1);
		if (x_alen(r.json, "items") == 1 && n < 8)
			items[n++] = json_object_get(json_object_array_get_idx(
			    x_at(r.json, "items"), 0));
		cur = x_str(r.json, "next_cursor");
		snprintf(next, sizeof(next), "%s", cur != NULL ? cur : "");
		resp_free(&r);
	} while (next[0] != '\0' && n < 8);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	for (i = 0; i < 4; i++)
		CU_ASSERT_STRING_EQUAL(x_str(items[i], "action"), want[i]);
	CU_ASSERT_STRING_EQUAL(x_str(items[0], "object_id"), e2);
	CU_ASSERT_STRING_EQUAL(x_str(items[1], "object_id"), e2);
	CU_ASSERT_STRING_EQUAL(x_str(items[2], "object_id"), e1);
	CU_ASSERT_STRING_EQUAL(x_str(items[3], "object_id"), tid);
	/* The record read from the execution row says all the old one did. */
	it = items[2];
	CU_ASSERT_STRING_EQUAL(x_str(it, "user_id"), x_run("audit-order"));
	CU_ASSERT_STRING_EQUAL(x_str(it, "object_type"), "execution");
	CU_ASSERT_STRING_EQUAL(x_str(it, "request_id"), "audit-order-1");
	CU_ASSERT_STRING_EQUAL(x_str(it, "client_addr"), "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(x_str(it, "detail.execution_name"), "first");
	CU_ASSERT_STRING_EQUAL(x_str(it, "detail.template_id"), tid);
	CU_ASSERT_PTR_NOT_NULL(x_str(it, "at"));
	/* The action filter sees both sources. */
	CU_ASSERT_EQUAL(audit_rows(x_run("audit-order"), "execution.create",
	    e1, NULL), 1);
	CU_ASSERT_EQUAL(audit_rows(x_run("audit-order"), "execution.create",
	    e2, NULL), 1);
	CU_ASSERT_EQUAL(audit_rows(x_run("audit-order"), "template.create",
	    e1, NULL), 0);
	CU_ASSERT_EQUAL(x_cancel(tok, e1), 202);
	for (i = 0; i < n; i++)
		json_object_put(items[i]);
	free(e1);
	free(e2);
	free(tid);
}

void
test_e2e_exec_control_register(void)
{
	CU_pSuite	s = CU_add_suite("exec_control", NULL, NULL);

#define T(name)	CU_add_test(s, #name, test_e2e_exec_control_##name)
	T(cancel_running_stops_within_2s);
	T(cancel_pending_is_immediate);
	T(cancel_terminal_is_409);
	T(cancel_body_is_validated);
	T(cancel_access);
	T(retry_keeps_completed_steps);
	T(retry_goes_back_to_pending);
	T(retry_cancelled_and_conflicts);
	T(audit_merges_execution_rows_by_time);
#undef T
}
