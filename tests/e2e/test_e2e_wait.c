/*
 * wait steps and signals (engine.md "wait: signals and approvals" and
 * "Signals and approvers", api.md POST .../signals/{name}): a signal
 * completes the step with its payload, early signals are kept and taken
 * in arrival order, signal_id makes delivery idempotent, approvers by
 * role (and exclude_owner) decide who may signal and see, the limits
 * (256 KiB payload, 100 kept signals, unknown names, terminal
 * executions), the wait timeout, kill -9 of the supervisor while a step
 * waits, paused executions take signals, and the approvals list.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "test_e2e_exec_util.h"

/*
 * POST .../{id}/signals/{name} as token with body (NULL: none). The
 * status code; consumed_by of the answer ("null" when null, "" when
 * absent) into by when not NULL.
 */
static long
sig(const char *token, const char *id, const char *name, const char *body,
    char by[80])
{
	struct json_object	*v;
	struct resp		 r;
	char			 path[256];
	long			 code;

	snprintf(path, sizeof(path), "%s/%s/signals/%s", X_EXECS_PATH, id,
	    name);
	if (by != NULL)
		by[0] = '\0';
	if (e2e_req("POST", path, token, body, NULL, &r) != 0)
		return -1;
	code = r.status;
	if (by != NULL && r.json != NULL &&
	    json_object_object_get_ex(r.json, "consumed_by", &v))
		snprintf(by, 80, "%s", v == NULL ? "null" :
		    json_object_get_string(v));
	if (code == 202 || code == 200) {
		/* The answer's other members. */
		CU_ASSERT_STRING_EQUAL(x_s(resp_str(&r, "execution_id")), id);
		CU_ASSERT_STRING_EQUAL(x_s(resp_str(&r, "signal")), name);
	}
	resp_free(&r);
	return code;
}

/*
 * A token with execute, read and template:write for the user
 * x_run(base), cached here (x_tok's cache is shared by every suite of a
 * full run and fills up).
 */
static const char *
wtok(const char *base)
{
	static struct {
		char	*base;
		char	*tok;
	}		 cache[16];
	size_t		 i;

	for (i = 0; i < 16 && cache[i].base != NULL; i++)
		if (strcmp(cache[i].base, base) == 0)
			return cache[i].tok;
	if (i == 16)
		return NULL;
	cache[i].tok = e2e_token(x_run(base),
	    "workflow:execute,workflow:read,template:write");
	if (cache[i].tok != NULL)
		cache[i].base = strdup(base);
	return cache[i].tok;
}

/* Start an execution of tid as token; its id (owned). */
static char *
start(const char *token, const char *tid, const char *input)
{
	return e2e_execute(token, tid, input);
}

/* GET as token: the status code only. */
static long
get_code(const char *token, const char *id)
{
	struct resp	r;
	char		path[256];
	long		code;

	snprintf(path, sizeof(path), "%s/%s", X_EXECS_PATH, id);
	if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
		return -1;
	code = r.status;
	resp_free(&r);
	return code;
}

/* Poll until step id of execution eid has status want; 1 if so. */
static int
step_is(const char *token, const char *eid, const char *id,
    const char *want, double seconds)
{
	struct json_object	*doc;
	double			 end = x_now() + seconds;
	int			 ok;

	do {
		doc = x_get(token, eid);
		ok = doc != NULL && x_eq(sup_str(sup_step(doc, id), "status"),
		    want);
		json_object_put(doc);
		if (ok)
			return 1;
		x_sleep_ms(25);
	} while (x_now() < end);
	return 0;
}

/*
 * Column col of execution eid's row, or of the row of its step step (not
 * NULL), as GET must show it: epoch milliseconds as SQL rounds them
 * (CAST(UNIX_TIMESTAMP(col) * 1000 AS SIGNED)), in RFC 3339. A static
 * buffer (e2e_sql1).
 */
static const char *
db_time(const char *eid, const char *step, const char *col)
{
	static char	buf[64];
	char		join[128];

	if (step == NULL)
		snprintf(join, sizeof(join), "JOIN executions x ON x.id = e.id");
	else
		snprintf(join, sizeof(join), "JOIN execution_steps x ON "
		    "x.exec_pk = e.id AND x.step_id = '%s'", step);
	snprintf(buf, sizeof(buf), "%s", e2e_sql1("SET time_zone = '+00:00'; "
	    "SELECT CONCAT(LEFT(DATE_FORMAT(FROM_UNIXTIME(CAST(UNIX_TIMESTAMP("
	    "x.%s) * 1000 AS SIGNED) / 1000), '%%Y-%%m-%%dT%%H:%%i:%%s.%%f'), "
	    "23), 'Z') FROM executions e %s WHERE e.execution_id = '%s'",
	    col, join, eid));
	return buf;
}

/*
 * A signal completes the waiting step: its payload is the output, the
 * sender is signalled_by; the execution was parked as waiting (and
 * showed waiting_for and wait_deadline) and completes.
 */
static void
test_e2e_wait_signal_completes_step(void)
{
	const char		*tok = wtok("wait-basic");
	struct json_object	*doc, *s;
	char			*tid, *eid, by[80];
	struct resp		 r;
	double			 t0, dt;

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-basic"), "\"steps\":["
	    "{\"id\":\"approve\",\"type\":\"wait\",\"signal\":\"approval\","
	    "\"timeout_seconds\":600},"
	    "{\"id\":\"act\",\"type\":\"transform\",\"depends_on\":"
	    "[\"approve\"],\"output\":{\"n\":\"{{ steps.approve.output.n }}\"}}"
	    "]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(tok, eid, "waiting", 10));
	doc = x_get(tok, eid);
	s = sup_step(doc, "approve");
	X_STREQ(sup_str(s, "status"), "waiting");
	X_STREQ(sup_json(s, "waiting_for"),
	    "{\"signal\":\"approval\",\"approvers\":null}");
	CU_ASSERT(x_is_time(sup_str(s, "wait_deadline")));
	/* Times read as DATETIME text (sres_dt_ms), to the millisecond. */
	X_STREQ(sup_str(s, "wait_deadline"),
	    db_time(eid, "approve", "next_attempt_at"));
	X_STREQ(sup_str(s, "started_at"), db_time(eid, "approve",
	    "started_at"));
	X_STREQ(sup_str(doc, "created_at"), db_time(eid, NULL, "created_at"));
	X_STREQ(sup_str(doc, "started_at"), db_time(eid, NULL, "started_at"));
	X_STREQ(sup_json(s, "signalled_by"), "null");
	X_STREQ(sup_str(sup_step(doc, "act"), "status"), "pending");
	json_object_put(doc);
	t0 = x_now();
	CU_ASSERT_EQUAL(sig(tok, eid, "approval",
	    "{\"payload\":{\"ok\":true,\"n\":3}}", by), 202);
	X_STREQ(by, "approve");
	doc = e2e_wait(tok, eid, 10);
	dt = x_now() - t0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "completed");
	s = sup_step(doc, "approve");
	X_STREQ(sup_str(s, "status"), "completed");
	X_STREQ(sup_json(s, "output"), "{\"ok\":true,\"n\":3}");
	X_STREQ(sup_str(s, "signalled_by"), x_run("wait-basic"));
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 1);
	CU_ASSERT_PTR_NULL(e2e_member(s, "waiting_for"));
	X_STREQ(sup_json(doc, "final_result"),
	    "{\"approve\":{\"ok\":true,\"n\":3},\"act\":{\"n\":3}}");
	json_object_put(doc);
	fprintf(stderr, "\n    signal to completed: %.0f ms\n", dt * 1000);
	/* Terminal: no more signals. */
	CU_ASSERT_EQUAL(sig(tok, eid, "approval", "{\"payload\":1}", NULL),
	    409);
	/* Counted. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/metrics", NULL, NULL, NULL,
	    &r), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(x_s(r.body),
	    "wfm_signals_total{result=\"consumed\"} "));
	resp_free(&r);
	free(tid);
	free(eid);
}

/*
 * Signals sent before any step waits are kept (consumed_by null) and
 * taken in arrival order by the steps that wait for that name.
 */
static void
test_e2e_wait_early_signals_kept_in_order(void)
{
	const char		*tok = wtok("wait-early");
	struct json_object	*doc;
	char			*tid, *eid, by[80];

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-early"), "\"steps\":["
	    "{\"id\":\"d\",\"type\":\"delay\",\"seconds\":2},"
	    "{\"id\":\"w1\",\"type\":\"wait\",\"signal\":\"go\","
	    "\"depends_on\":[\"d\"]},"
	    "{\"id\":\"w2\",\"type\":\"wait\",\"signal\":\"go\","
	    "\"depends_on\":[\"w1\"]}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_EQUAL(sig(tok, eid, "go", "{\"payload\":\"first\"}", by),
	    202);
	X_STREQ(by, "null");
	CU_ASSERT_EQUAL(sig(tok, eid, "go", "{\"payload\":\"second\"}", by),
	    202);
	X_STREQ(by, "null");
	doc = e2e_wait(tok, eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "completed");
	X_STREQ(sup_json(sup_step(doc, "w1"), "output"), "\"first\"");
	X_STREQ(sup_json(sup_step(doc, "w2"), "output"), "\"second\"");
	X_STREQ(sup_str(sup_step(doc, "w2"), "signalled_by"),
	    x_run("wait-early"));
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * signal_id: a repeat answers 200 with what the first did and delivers
 * nothing (the next step still waits); a new id is a new signal.
 */
static void
test_e2e_wait_signal_id_idempotent(void)
{
	const char		*tok = wtok("wait-idem");
	struct json_object	*doc;
	char			*tid, *eid, by[80];

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-idem"), "\"steps\":["
	    "{\"id\":\"w1\",\"type\":\"wait\",\"signal\":\"go\"},"
	    "{\"id\":\"w2\",\"type\":\"wait\",\"signal\":\"go\","
	    "\"depends_on\":[\"w1\"]}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(tok, eid, "waiting", 10));
	CU_ASSERT_EQUAL(sig(tok, eid, "go",
	    "{\"payload\":1,\"signal_id\":\"abc-1\"}", by), 202);
	X_STREQ(by, "w1");
	CU_ASSERT_FATAL(step_is(tok, eid, "w2", "waiting", 10));
	/* The repeat: 200, the first answer, nothing delivered to w2. */
	CU_ASSERT_EQUAL(sig(tok, eid, "go",
	    "{\"payload\":99,\"signal_id\":\"abc-1\"}", by), 200);
	X_STREQ(by, "w1");
	x_sleep_ms(700);
	doc = x_get(tok, eid);
	X_STREQ(sup_str(sup_step(doc, "w2"), "status"), "waiting");
	X_STREQ(sup_json(sup_step(doc, "w1"), "output"), "1");
	json_object_put(doc);
	/* A bad signal_id is a 422 at its loc. */
	CU_ASSERT_EQUAL(sig(tok, eid, "go",
	    "{\"payload\":1,\"signal_id\":\"a b\"}", NULL), 422);
	CU_ASSERT_EQUAL(sig(tok, eid, "go",
	    "{\"payload\":1,\"signalid\":\"x\"}", NULL), 422);
	CU_ASSERT_EQUAL(sig(tok, eid, "go",
	    "{\"payload\":2,\"signal_id\":\"abc-2\"}", by), 202);
	X_STREQ(by, "w2");
	doc = e2e_wait(tok, eid, 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "completed");
	X_STREQ(sup_json(doc, "final_result"), "{\"w1\":1,\"w2\":2}");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * approvers.roles with exclude_owner: the owner (even holding the role)
 * and a user without the role get 403; the approver, who has no
 * workflow:read, may GET the execution while the step waits and finds
 * it in GET /approvals; its signal completes the step, recorded as
 * signalled_by.
 */
static void
test_e2e_wait_approver_role_required(void)
{
	const char		*tok = wtok("wait-appr");
	const char		*other = wtok("wait-other");
	struct json_object	*doc, *it;
	struct resp		 r;
	char			*tid, *eid, *owner_fin, *fin, by[80], q[256];
	size_t			 i, n;
	int			 found;

	CU_ASSERT_FATAL(tok != NULL && other != NULL);
	owner_fin = e2e_token(x_run("wait-appr"), "workflow:execute,"
	    "workflow:read,template:write,fin:approve");
	fin = e2e_token(x_run("wait-fin"), "fin:approve");
	CU_ASSERT_FATAL(owner_fin != NULL && fin != NULL);
	tid = x_template(tok, x_run("wait-appr"), "\"steps\":["
	    "{\"id\":\"ap\",\"type\":\"wait\",\"signal\":\"approval\","
	    "\"approvers\":{\"roles\":[\"fin:approve\"],"
	    "\"exclude_owner\":true}}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(tok, eid, "waiting", 10));
	CU_ASSERT_EQUAL(sig(tok, eid, "approval", "{\"payload\":1}", NULL),
	    403);
	CU_ASSERT_EQUAL(sig(owner_fin, eid, "approval", "{\"payload\":1}",
	    NULL), 403);
	CU_ASSERT_EQUAL(sig(other, eid, "approval", "{\"payload\":1}", NULL),
	    403);
	/* Others see nothing; the approver sees what it approves. */
	CU_ASSERT_EQUAL(get_code(other, eid), 403);
	CU_ASSERT_EQUAL(get_code(fin, eid), 200);
	doc = x_get(fin, eid);
	X_STREQ(sup_json(sup_step(doc, "ap"), "waiting_for"),
	    "{\"signal\":\"approval\",\"approvers\":{\"roles\":"
	    "[\"fin:approve\"],\"exclude_owner\":true}}");
	json_object_put(doc);
	/* The approvals list: the approver's has it, the owner's not. */
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET",
		    "/workflow-management/approvals?limit=100", i == 0 ? fin :
		    owner_fin, NULL, NULL, &r), 0);
		CU_ASSERT_EQUAL(r.status, 200);
		found = 0;
		n = (size_t)x_alen(r.json, "items");
		for (it = NULL, found = 0; r.json != NULL && n > 0; n--) {
			it = json_object_array_get_idx(x_at(r.json, "items"),
			    n - 1);
			if (x_eq(x_str(it, "execution_id"), eid)) {
				found = 1;
				X_STREQ(x_str(it, "step_id"), "ap");
				X_STREQ(x_str(it, "template_id"), tid);
				X_STREQ(x_str(it, "user_id"),
				    x_run("wait-appr"));
				X_STREQ(x_str(it, "waiting_for.signal"),
				    "approval");
				CU_ASSERT(x_is_time(x_str(it,
				    "wait_deadline")));
			}
		}
		CU_ASSERT_EQUAL(found, i == 0);
		resp_free(&r);
	}
	CU_ASSERT_EQUAL(sig(fin, eid, "approval",
	    "{\"payload\":{\"approved\":true}}", by), 202);
	X_STREQ(by, "ap");
	doc = e2e_wait(tok, eid, 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "completed");
	X_STREQ(sup_str(sup_step(doc, "ap"), "signalled_by"),
	    x_run("wait-fin"));
	X_STREQ(sup_json(sup_step(doc, "ap"), "output"),
	    "{\"approved\":true}");
	json_object_put(doc);
	/* Nothing waits any more: the approver no longer sees it. */
	CU_ASSERT_EQUAL(get_code(fin, eid), 403);
	/* Audited with the sender. */
	snprintf(q, sizeof(q), "/workflow-management/audit?limit=100");
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", q, e2e_tok_admin(), NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(x_s(r.body), "execution.signal"));
	resp_free(&r);
	free(owner_fin);
	free(fin);
	free(tid);
	free(eid);
}

/*
 * Limits: a payload of 256 KiB serialized passes, one byte more is 413;
 * a name no wait step uses is 404; the 101st kept signal is 409; a
 * terminal execution is 409.
 */
static void
test_e2e_wait_limits(void)
{
	const char	*tok = wtok("wait-limits");
	char		*tid, *eid, *body, by[80];
	size_t		 n = 256 * 1024 - 2;	/* the quotes make 256 KiB */
	int		 i, ok = 1;

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-limits"), "\"steps\":["
	    "{\"id\":\"d\",\"type\":\"delay\",\"seconds\":60},"
	    "{\"id\":\"w\",\"type\":\"wait\",\"signal\":\"later\","
	    "\"depends_on\":[\"d\"]}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	body = malloc(n + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	memcpy(body, "{\"payload\":\"", 12);
	memset(body + 12, 'a', n + 1);
	memcpy(body + 12 + n + 1, "\"}", 3);
	CU_ASSERT_EQUAL(sig(tok, eid, "later", body, NULL), 413);
	memcpy(body + 12 + n, "\"}", 3);
	CU_ASSERT_EQUAL(sig(tok, eid, "later", body, by), 202);
	X_STREQ(by, "null");
	free(body);
	CU_ASSERT_EQUAL(sig(tok, eid, "nobody-waits", "{\"payload\":1}",
	    NULL), 404);
	CU_ASSERT_EQUAL(sig(tok, eid, "bad%20name", "{\"payload\":1}", NULL),
	    404);
	/* 99 more kept: 100 in all; the 101st is refused. */
	for (i = 0; i < 99; i++)
		ok &= sig(tok, eid, "later", "{\"payload\":1}", NULL) == 202;
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(sig(tok, eid, "later", "{\"payload\":1}", NULL), 409);
	CU_ASSERT_EQUAL(x_cancel(tok, eid), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, eid, "cancelled", 10));
	CU_ASSERT_EQUAL(sig(tok, eid, "later", "{\"payload\":1}", NULL), 409);
	free(tid);
	free(eid);
}

/* No signal within timeout_seconds: the step fails with wait_timeout. */
static void
test_e2e_wait_timeout(void)
{
	const char		*tok = wtok("wait-timeout");
	struct json_object	*doc;
	char			*tid, *eid;
	double			 t0;

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-timeout"), "\"steps\":["
	    "{\"id\":\"w\",\"type\":\"wait\",\"signal\":\"go\","
	    "\"timeout_seconds\":2}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	t0 = x_now();
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(tok, eid, "waiting", 10));
	doc = e2e_wait(tok, eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "failed");
	X_STREQ(sup_str(doc, "error_details.type"), "wait_timeout");
	X_STREQ(sup_str(doc, "error_details.step_id"), "w");
	X_STREQ(sup_str(sup_step(doc, "w"), "status"), "failed");
	X_STREQ(sup_str(sup_step(doc, "w"), "error.type"), "wait_timeout");
	CU_ASSERT(x_now() - t0 >= 2.0);
	CU_ASSERT(x_now() - t0 < 8.0);
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * kill -9 of the supervisor while a step waits (held, a delay running
 * beside it): the new supervisor resumes, the wait survives and a later
 * signal completes it; nothing finished runs again.
 */
static void
test_e2e_wait_survives_kill9(void)
{
	const char		*tok = wtok("wait-kill");
	struct json_object	*doc;
	char			*tid, *eid, by[80];
	pid_t			 old, neu;

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-kill"), "\"steps\":["
	    "{\"id\":\"w\",\"type\":\"wait\",\"signal\":\"go\"},"
	    "{\"id\":\"d\",\"type\":\"delay\",\"seconds\":3},"
	    "{\"id\":\"t\",\"type\":\"transform\",\"depends_on\":[\"w\","
	    "\"d\"],\"output\":\"{{ steps.w.output }}\"}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(step_is(tok, eid, "w", "waiting", 10));
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	/*
	 * The master restarts it with a backoff that doubles after each
	 * short-lived supervisor (up to 60 s): in a full run the suites
	 * before this one have killed several.
	 */
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1 && neu != old);
	/* Resumed: the delay ends, the wait goes on and parks. */
	CU_ASSERT_FATAL(x_wait_status(tok, eid, "waiting", 20));
	doc = x_get(tok, eid);
	X_STREQ(sup_str(sup_step(doc, "w"), "status"), "waiting");
	X_STREQ(sup_str(sup_step(doc, "d"), "status"), "completed");
	json_object_put(doc);
	CU_ASSERT_EQUAL(sig(tok, eid, "go", "{\"payload\":\"late\"}", by),
	    202);
	X_STREQ(by, "w");
	doc = e2e_wait(tok, eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "completed");
	X_STREQ(sup_json(sup_step(doc, "t"), "output"), "\"late\"");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "w"), "attempts"), 1);
	json_object_put(doc);
	free(tid);
	free(eid);
}

/* A paused execution takes a signal; resume completes it. */
static void
test_e2e_wait_paused_accepts_signal(void)
{
	const char		*tok = wtok("wait-pause");
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *eid, by[80], path[256];

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-pause"), "\"steps\":["
	    "{\"id\":\"w\",\"type\":\"wait\",\"signal\":\"go\"}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(tok, eid, "waiting", 10));
	snprintf(path, sizeof(path), "%s/%s/pause", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	CU_ASSERT_EQUAL(sig(tok, eid, "go", "{\"payload\":7}", by), 202);
	X_STREQ(by, "w");
	x_sleep_ms(1500);
	doc = x_get(tok, eid);
	X_STREQ(sup_str(doc, "status"), "paused");
	json_object_put(doc);
	snprintf(path, sizeof(path), "%s/%s/resume", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	doc = e2e_wait(tok, eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "completed");
	X_STREQ(sup_json(doc, "final_result"), "{\"w\":7}");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/* Store-time validation through the API: exact loc. */
static void
test_e2e_wait_validation(void)
{
	const char	*tok = wtok("wait-valid");
	struct resp	 r;
	char		 body[512];

	CU_ASSERT_FATAL(tok != NULL);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"steps\":[{\"id\":"
	    "\"w\",\"type\":\"wait\",\"signal\":\"go\",\"timeout_seconds\":"
	    "7200}]}", x_run("wait-valid"));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/templates",
	    tok, body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_PTR_NOT_NULL(strstr(x_s(r.body),
	    "\"loc\":[\"body\",\"steps\",0,\"timeout_seconds\"]"));
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"steps\":[{\"id\":"
	    "\"w\",\"type\":\"wait\"}]}", x_run("wait-valid"));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/templates",
	    tok, body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_PTR_NOT_NULL(strstr(x_s(r.body),
	    "\"loc\":[\"body\",\"steps\",0,\"signal\"]"));
	resp_free(&r);
}

/*
 * deploy/examples/agent-approval.json: the stand-in model drafts, the
 * owner may not approve its own run, an agent:approve holder does, and
 * a map step acts on each item of the plan.
 */
static void
test_e2e_wait_agent_example(void)
{
	const char		*tok = wtok("wait-agent");
	const char		*root = getenv("WFM_E2E_ROOT");
	struct json_object	*def, *doc;
	char			 path[1024], *tid, *eid, *appr, by[80];

	CU_ASSERT_FATAL(tok != NULL);
	snprintf(path, sizeof(path), "%s/deploy/examples/agent-approval.json",
	    root != NULL ? root : ".");
	def = json_object_from_file(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(def);
	tid = e2e_template(tok, json_object_to_json_string(def));
	json_object_put(def);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	appr = e2e_token(x_run("wait-agent-approver"), "agent:approve");
	CU_ASSERT_PTR_NOT_NULL_FATAL(appr);
	eid = start(tok, tid, "{\"topic\":\"spring cleanup\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	if (!x_wait_status(tok, eid, "waiting", 15)) {
		doc = x_get(tok, eid);
		fprintf(stderr, "\n%s\n", x_json(doc));
		json_object_put(doc);
		CU_FAIL_FATAL("not waiting");
	}
	CU_ASSERT_EQUAL(sig(tok, eid, "approval", "{\"payload\":"
	    "{\"approved\":true}}", NULL), 403);
	CU_ASSERT_EQUAL(sig(appr, eid, "approval", "{\"payload\":"
	    "{\"approved\":true,\"note\":\"ok, go\"}}", by), 202);
	X_STREQ(by, "approve");
	doc = e2e_wait(tok, eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "completed");
	X_STREQ(sup_str(doc, "final_result.proposal"), "Review spring "
	    "cleanup: check the inventory, notify the owners, archive the "
	    "old entries.");
	/* The map acted on each item, in item order. */
	X_STREQ(sup_json(doc, "final_result.result"), "[{\"item\":"
	    "\"check inventory for spring cleanup\",\"position\":0,"
	    "\"note\":\"ok, go\"},{\"item\":\"notify owners of spring "
	    "cleanup\",\"position\":1,\"note\":\"ok, go\"},{\"item\":"
	    "\"archive old spring cleanup entries\",\"position\":2,"
	    "\"note\":\"ok, go\"}]");
	X_STREQ(sup_str(sup_step(doc, "approve"), "signalled_by"),
	    x_run("wait-agent-approver"));
	json_object_put(doc);
	free(appr);
	free(tid);
	free(eid);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Signal-to-resume latency of parked executions (the nudge path): from
 * the POST to the execution seen completed, polled every 5 ms. Printed;
 * asserted only loosely (other helpers load the machine).
 */
static void
test_e2e_wait_signal_latency(void)
{
	const char		*tok = wtok("wait-latency");
	struct json_object	*doc;
	double			 ms[20], t0;
	char			*tid, *eid;
	int			 i, n = 0, done;

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-latency"), "\"steps\":["
	    "{\"id\":\"w\",\"type\":\"wait\",\"signal\":\"go\"}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	for (i = 0; i < 20; i++) {
		eid = start(tok, tid, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
		CU_ASSERT_FATAL(x_wait_status(tok, eid, "waiting", 10));
		t0 = x_now();
		CU_ASSERT_EQUAL(sig(tok, eid, "go", "{\"payload\":1}", NULL),
		    202);
		for (done = 0; !done && x_now() - t0 < 10; ) {
			doc = x_get(tok, eid);
			done = x_eq(sup_str(doc, "status"), "completed");
			json_object_put(doc);
			if (!done)
				x_sleep_ms(5);
		}
		CU_ASSERT_TRUE(done);
		if (done)
			ms[n++] = (x_now() - t0) * 1000;
		free(eid);
	}
	CU_ASSERT_EQUAL_FATAL(n, 20);
	qsort(ms, (size_t)n, sizeof(ms[0]), cmp_double);
	fprintf(stderr, "\n    signal to completed (20 parked executions): "
	    "p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", ms[9], ms[18],
	    ms[19]);
	CU_ASSERT(ms[9] < 1000);
	free(tid);
}

/*
 * [http] max_unfinished_executions_per_user (run.sh exports a small
 * one): waiting executions hold no active slot but count here. At the
 * limit POST /execute (and its dry run) answers exactly 429 with
 * Retry-After; a replay is still answered; one finished frees room.
 */
static void
test_e2e_wait_unfinished_limit(void)
{
	const char	*tok = wtok("wait-unfinished"), *v;
	struct resp	 r;
	char		*tid, **ids, body[512], by[80];
	int		 lim, i, j, made = 0;

	CU_ASSERT_FATAL(tok != NULL);
	v = getenv("WFM_HTTP_MAX_UNFINISHED_EXECUTIONS_PER_USER");
	lim = v != NULL ? atoi(v) : 0;
	if (lim < 1 || lim > 400) {
		CU_FAIL("WFM_HTTP_MAX_UNFINISHED_EXECUTIONS_PER_USER (1..400) "
		    "must be exported (tests/e2e/run.sh)");
		return;
	}
	tid = x_template(tok, x_run("wait-unfinished"), "\"steps\":["
	    "{\"id\":\"w\",\"type\":\"wait\",\"signal\":\"go\"}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	ids = calloc((size_t)lim + 1, sizeof(*ids));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
	/* In batches below the active quota (50): each one parks. */
	for (i = 0; i < lim; i = j) {
		for (j = i; j < lim && j < i + 25; j++)
			if ((ids[j] = start(tok, tid, NULL)) != NULL)
				made++;
		for (j = i; j < lim && j < i + 25; j++)
			CU_ASSERT_FATAL(ids[j] != NULL &&
			    x_wait_status(tok, ids[j], "waiting", 20));
	}
	CU_ASSERT_EQUAL_FATAL(made, lim);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\"}", tid, x_run("unfinished-over"));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/execute",
	    tok, body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 429);
	X_STREQ(r.body, "{\"detail\":\"Too many unfinished executions\"}");
	X_STREQ(resp_header(&r, "Retry-After"), "10");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST",
	    "/workflow-management/execute?dry_run=true", tok, body, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 429);
	X_STREQ(r.body, "{\"detail\":\"Too many unfinished executions\"}");
	resp_free(&r);
	/* One finishes: room for exactly one more. */
	CU_ASSERT_EQUAL(sig(tok, ids[0], "go", "{\"payload\":1}", by), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[0], "completed", 10));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/execute",
	    tok, body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	/* A replay of it at the limit is still answered 200. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/execute",
	    tok, body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	ids[lim] = start(tok, tid, NULL);
	CU_ASSERT_PTR_NULL(ids[lim]);
	for (i = 1; i < lim; i++)
		CU_ASSERT_EQUAL(x_cancel(tok, ids[i]), 202);
	for (i = 0; i <= lim; i++)
		free(ids[i]);
	free(ids);
	free(tid);
}

/*
 * A step's timeouts run while the execution is paused (engine.md "Pause
 * and resume"): the parked paused row wakes for the wait step's
 * deadline, the step fails wait_timeout and the row stays paused; the
 * resume then ends it as failed.
 */
static void
test_e2e_wait_timeout_while_paused(void)
{
	const char		*tok = wtok("wait-pause-timeout");
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *eid, path[256];

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, x_run("wait-pause-timeout"), "\"steps\":["
	    "{\"id\":\"w\",\"type\":\"wait\",\"signal\":\"go\","
	    "\"timeout_seconds\":3},"
	    "{\"id\":\"after\",\"type\":\"transform\",\"depends_on\":[\"w\"],"
	    "\"output\":1}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok, tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(tok, eid, "waiting", 10));
	snprintf(path, sizeof(path), "%s/%s/pause", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	x_sleep_ms(5000);
	doc = x_get(tok, eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "paused");
	X_STREQ(sup_str(sup_step(doc, "w"), "status"), "failed");
	X_STREQ(sup_str(sup_step(doc, "w"), "error.type"), "wait_timeout");
	X_STREQ(sup_str(sup_step(doc, "after"), "status"), "pending");
	json_object_put(doc);
	/* Still paused a moment later: not woken again in a loop. */
	x_sleep_ms(1500);
	doc = x_get(tok, eid);
	X_STREQ(sup_str(doc, "status"), "paused");
	json_object_put(doc);
	snprintf(path, sizeof(path), "%s/%s/resume", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	doc = e2e_wait(tok, eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(sup_str(doc, "status"), "failed");
	X_STREQ(sup_str(doc, "error_details.type"), "wait_timeout");
	X_STREQ(sup_str(doc, "error_details.step_id"), "w");
	X_STREQ(sup_str(sup_step(doc, "w"), "status"), "failed");
	json_object_put(doc);
	free(tid);
	free(eid);
}

E2E_SUITE(test_e2e_wait_register)

void
test_e2e_wait_register(void)
{
	CU_pSuite	s = CU_add_suite("wait", NULL, NULL);

	CU_add_test(s, "signal_completes_step",
	    test_e2e_wait_signal_completes_step);
	CU_add_test(s, "early_signals_kept_in_order",
	    test_e2e_wait_early_signals_kept_in_order);
	CU_add_test(s, "signal_id_idempotent",
	    test_e2e_wait_signal_id_idempotent);
	CU_add_test(s, "approver_role_required",
	    test_e2e_wait_approver_role_required);
	CU_add_test(s, "limits", test_e2e_wait_limits);
	CU_add_test(s, "timeout", test_e2e_wait_timeout);
	CU_add_test(s, "survives_kill9", test_e2e_wait_survives_kill9);
	CU_add_test(s, "paused_accepts_signal",
	    test_e2e_wait_paused_accepts_signal);
	CU_add_test(s, "validation", test_e2e_wait_validation);
	CU_add_test(s, "agent_example", test_e2e_wait_agent_example);
	CU_add_test(s, "signal_latency", test_e2e_wait_signal_latency);
	CU_add_test(s, "unfinished_limit", test_e2e_wait_unfinished_limit);
	CU_add_test(s, "timeout_while_paused",
	    test_e2e_wait_timeout_while_paused);
}
