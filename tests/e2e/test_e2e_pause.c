/*
 * Pause and resume (engine.md "Pause and resume", api.md): a paused
 * execution starts no step, lets running ones finish and record, holds
 * no slot, survives kill -9 of the supervisor, continues where it
 * stopped on resume, and leaves the active quota while paused.
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

/* POST .../{id}/<what> as token; the status, the answer's status in st. */
static long
control(const char *token, const char *id, const char *what, char st[32])
{
	struct resp	 r;
	char		 path[256];
	long		 code;

	snprintf(path, sizeof(path), "%s/%s/%s", X_EXECS_PATH, id, what);
	if (st != NULL)
		st[0] = '\0';
	if (e2e_req("POST", path, token, NULL, NULL, &r) != 0)
		return -1;
	code = r.status;
	if (st != NULL && resp_str(&r, "status") != NULL)
		snprintf(st, 32, "%s", resp_str(&r, "status"));
	resp_free(&r);
	return code;
}

/* Lines of path (0 when it does not exist yet). */
static int
lines(const char *path)
{
	int	n = sup_count_lines(path, "");

	return n < 0 ? 0 : n;
}

/* GET as alice; the status of step id (static copy) or "(none)". */
static const char *
step_status(struct json_object *doc, const char *id)
{
	const char	*s = sup_str(sup_step(doc, id), "status");

	return s != NULL ? s : "(none)";
}

/*
 * A pending execution (held back by max_concurrent_executions: 1 while
 * a sibling runs) is paused at once, is never claimed while paused,
 * and completes after resume.
 */
static void
test_e2e_pause_pending_never_claimed_until_resumed(void)
{
	struct json_object	*doc;
	char			*tid, *first, *second, st[32];

	tid = sup_tmpl("{\"name\":\"%s\",\"global_config\":"
	    "{\"max_concurrent_executions\":1},\"steps\":["
	    "{\"id\":\"d\",\"type\":\"delay\",\"seconds\":1.5},"
	    "{\"id\":\"t\",\"type\":\"transform\",\"depends_on\":[\"d\"],"
	    "\"output\":{\"ok\":true}}]}", e2e_unique("pause-pending"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	first = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), first, "running", 5));
	second = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(second);
	/* Held back by the template's limit: still pending. */
	doc = sup_get(second, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "pending");
	json_object_put(doc);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), second, "pause", st), 202);
	SUP_STR_EQ(st, "paused");
	/* The sibling ends, freeing the template's one place... */
	doc = e2e_wait(e2e_tok_alice(), first, 10);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	json_object_put(doc);
	/* ...and the paused one is still not run, 2.5 s later. */
	sup_sleep_ms(2500);
	doc = sup_get(second, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	SUP_STR_EQ(step_status(doc, "d"), "pending");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "d"), "attempts"), 0);
	SUP_STR_EQ(sup_json(doc, "started_at"), "null");
	json_object_put(doc);
	/* Resume: pending again, then completed. */
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), second, "resume", st), 202);
	CU_ASSERT(strcmp(st, "pending") == 0 || strcmp(st, "running") == 0 ||
	    strcmp(st, "completed") == 0);
	doc = e2e_wait(e2e_tok_alice(), second, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(doc, "final_result"),
	    "{\"d\":{\"seconds\":1.5},\"t\":{\"ok\":true}}");
	json_object_put(doc);
	free(tid);
	free(first);
	free(second);
}

/*
 * Paused while a delay runs: the step after it does not start, the
 * delay's time is kept with the step, GET shows paused; resume
 * completes (the delay's time passed meanwhile, so at once).
 */
static void
test_e2e_pause_during_delay_then_resume(void)
{
	struct json_object	*doc;
	char			*tid, *eid, st[32];
	int64_t			 t0;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"a\",\"type\":\"transform\",\"output\":1},"
	    "{\"id\":\"d\",\"type\":\"delay\",\"seconds\":2,"
	    "\"depends_on\":[\"a\"]},"
	    "{\"id\":\"b\",\"type\":\"transform\",\"depends_on\":[\"d\"],"
	    "\"output\":2}]}", e2e_unique("pause-delay"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	t0 = sup_now_ms();
	for (;;) {
		doc = sup_get(eid, NULL);
		if (strcmp(step_status(doc, "d"), "running") == 0 ||
		    sup_now_ms() - t0 > 5000)
			break;
		json_object_put(doc);
		sup_sleep_ms(50);
	}
	SUP_STR_EQ(step_status(doc, "d"), "running");
	json_object_put(doc);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", st), 202);
	SUP_STR_EQ(st, "paused");
	/* Well past the delay's end: b has not started. */
	sup_sleep_ms(3500);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	SUP_STR_EQ(step_status(doc, "a"), "completed");
	SUP_STR_EQ(step_status(doc, "d"), "running");
	SUP_STR_EQ(step_status(doc, "b"), "pending");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "b"), "attempts"), 0);
	SUP_STR_EQ(sup_json(doc, "completed_at"), "null");
	json_object_put(doc);
	/* Listed under the new status. */
	CU_ASSERT(x_count(e2e_tok_alice(), "status=paused", NULL) >= 1);
	t0 = sup_now_ms();
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", st), 202);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	/* The delay's time had passed: it ends as soon as it is claimed. */
	CU_ASSERT(sup_now_ms() - t0 < 2000);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "a"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "d"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "b"), "attempts"), 1);
	SUP_STR_EQ(sup_json(doc, "final_result.a"), "1");
	SUP_STR_EQ(sup_json(doc, "final_result.b"), "2");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * Paused while a handler runs: the handler finishes and its result is
 * recorded, the next step does not start; resume runs only the rest.
 */
static void
test_e2e_pause_lets_running_step_finish(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("pause-run");
	char			 input[700], *tid, *eid, st[32];
	int64_t			 t0;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"c1\",\"type\":\"command\",\"handler\":"
	    "\"e2e-append-lock\",\"input\":{\"file\":\"{{ input.file }}\","
	    "\"seconds\":2}},"
	    "{\"id\":\"c2\",\"type\":\"command\",\"handler\":"
	    "\"e2e-append-lock\",\"depends_on\":[\"c1\"],\"input\":"
	    "{\"file\":\"{{ input.file }}\",\"seconds\":0}}]}",
	    e2e_unique("pause-run"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	t0 = sup_now_ms();
	for (;;) {
		doc = sup_get(eid, NULL);
		if (strcmp(step_status(doc, "c1"), "running") == 0 ||
		    sup_now_ms() - t0 > 5000)
			break;
		json_object_put(doc);
		sup_sleep_ms(50);
	}
	SUP_STR_EQ(step_status(doc, "c1"), "running");
	json_object_put(doc);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", st), 202);
	SUP_STR_EQ(st, "paused");
	/* c1 (2 s) ends and is recorded; c2 never starts. */
	sup_sleep_ms(3500);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	SUP_STR_EQ(step_status(doc, "c1"), "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "c1"), "attempts"), 1);
	SUP_STR_EQ(step_status(doc, "c2"), "pending");
	json_object_put(doc);
	CU_ASSERT_EQUAL(lines(file), 1);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", st), 202);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "c1"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "c2"), "attempts"), 1);
	json_object_put(doc);
	/* Each handler ran exactly once. */
	CU_ASSERT_EQUAL(lines(file), 2);
	free(tid);
	free(eid);
}

/* States that do not allow it, other users, unknown ids; the audit. */
static void
test_e2e_pause_conflicts_and_access(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *eid, st[32], q[256];

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"t\","
	    "\"type\":\"transform\",\"output\":1}]}",
	    e2e_unique("pause-409"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 10);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	json_object_put(doc);
	/* Completed: neither pause nor resume. */
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", NULL), 409);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", NULL), 409);
	/* Another user: 403 as for cancel; a reader lacks the role. */
	CU_ASSERT_EQUAL(control(e2e_tok_bob(), eid, "pause", NULL), 403);
	CU_ASSERT_EQUAL(control(e2e_tok_bob(), eid, "resume", NULL), 403);
	CU_ASSERT_EQUAL(control(e2e_tok_reader(), eid, "pause", NULL), 403);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(),
	    "00000000-0000-4000-8000-000000000000", "pause", NULL), 404);
	CU_ASSERT_EQUAL(control(NULL, eid, "pause", NULL), 401);
	free(eid);
	/* A running one: resume is 409; pause twice is 409 the second time. */
	free(tid);
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"d\","
	    "\"type\":\"delay\",\"seconds\":30}]}", e2e_unique("pause-twice"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT(x_wait_status(e2e_tok_alice(), eid, "running", 5));
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", NULL), 409);
	/* An admin may pause anyone's. */
	CU_ASSERT_EQUAL(control(e2e_tok_admin(), eid, "pause", st), 202);
	SUP_STR_EQ(st, "paused");
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", NULL), 409);
	/* Both are audited. */
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", st), 202);
	snprintf(q, sizeof(q), "/workflow-management/audit?action="
	    "execution.pause&limit=100");
	CU_ASSERT_EQUAL(e2e_req("GET", q, e2e_tok_admin(), NULL, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT(r.body != NULL && strstr(r.body, eid) != NULL);
	resp_free(&r);
	snprintf(q, sizeof(q), "/workflow-management/audit?action="
	    "execution.resume&limit=100");
	CU_ASSERT_EQUAL(e2e_req("GET", q, e2e_tok_admin(), NULL, NULL, &r),
	    0);
	CU_ASSERT(r.body != NULL && strstr(r.body, eid) != NULL);
	resp_free(&r);
	/* Cancel of a paused execution ends it. */
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", NULL), 202);
	CU_ASSERT_EQUAL(x_cancel(e2e_tok_alice(), eid), 202);
	CU_ASSERT(x_wait_status(e2e_tok_alice(), eid, "cancelled", 5));
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(step_status(doc, "d"), "cancelled");
	json_object_put(doc);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", NULL), 409);
	free(tid);
	free(eid);
}

/*
 * kill -9 of the supervisor while an execution is paused: it stays
 * paused under the new supervisor (durable), and resume completes it
 * without running a finished step again.
 */
static void
test_e2e_pause_survives_kill9(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("pause-kill");
	char			 input[700], *tid, *eid, *p, st[32];
	pid_t			 old, neu;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"a\",\"type\":\"command\",\"handler\":"
	    "\"e2e-append-lock\",\"input\":{\"file\":\"{{ input.file }}\","
	    "\"seconds\":0}},"
	    "{\"id\":\"d\",\"type\":\"delay\",\"seconds\":3,"
	    "\"depends_on\":[\"a\"]},"
	    "{\"id\":\"b\",\"type\":\"command\",\"handler\":"
	    "\"e2e-append-lock\",\"depends_on\":[\"d\"],\"input\":"
	    "{\"file\":\"{{ input.file }}\",\"seconds\":0}}]}",
	    e2e_unique("pause-kill"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	p = sup_wait_file(file, 10000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	free(p);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", st), 202);
	SUP_STR_EQ(st, "paused");
	sup_sleep_ms(1000);
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1 && neu != old);
	/* The new supervisor is up; the delay's 3 s are long past. */
	sup_sleep_ms(3000);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	SUP_STR_EQ(step_status(doc, "a"), "completed");
	SUP_STR_EQ(step_status(doc, "b"), "pending");
	json_object_put(doc);
	CU_ASSERT_EQUAL(lines(file), 1);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", st), 202);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "a"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "d"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "b"), "attempts"), 1);
	json_object_put(doc);
	/* a once, b once: nothing finished ran again. */
	CU_ASSERT_EQUAL(lines(file), 2);
	free(tid);
	free(eid);
}

/*
 * 1 when execution eid's row matches the SQL condition cond (read as
 * the database admin over the unix socket).
 */
static int
row_is(const char *eid, const char *cond)
{
	return strcmp(e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "execution_id = '%s' AND %s", eid, cond), "1") == 0;
}

/*
 * A step that appends to file, then the command c (4 s) after it, in
 * alice's template of the extra steps `more` (JSON, each with a leading
 * comma); its id (owned).
 */
static char *
held_tmpl(const char *name, const char *more)
{
	return sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"a\",\"type\":\"command\",\"handler\":"
	    "\"e2e-append-lock\",\"input\":{\"file\":\"{{ input.file }}\","
	    "\"seconds\":0}},"
	    "{\"id\":\"c\",\"type\":\"command\",\"handler\":"
	    "\"e2e-append-lock\",\"depends_on\":[\"a\"],\"input\":"
	    "{\"file\":\"{{ input.file }}\",\"seconds\":4}}%s]}",
	    e2e_unique(name), more);
}

/*
 * An execution of tid (held_tmpl) paused while c runs, so that its
 * supervisor holds it (held: the SQL condition it must meet then), then
 * that supervisor killed (-9) and the execution's lease expired at once
 * (lease_seconds is 30 s); a new supervisor runs. The execution's id
 * (owned).
 */
static char *
held_then_orphaned(const char *tid, const char *file, const char *held)
{
	char	 input[700], stmt[512], st[32], cond[256];
	char	*eid, *p;
	pid_t	 old, neu;

	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	/* a is done, c runs (4 s): paused, its supervisor holds it. */
	p = sup_wait_file(file, 10000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	free(p);
	sup_sleep_ms(800);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", st), 202);
	SUP_STR_EQ(st, "paused");
	snprintf(cond, sizeof(cond), "status = 'paused' AND claimed_by IS NOT "
	    "NULL AND %s", held);
	CU_ASSERT(row_is(eid, cond));
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1 && neu != old);
	snprintf(stmt, sizeof(stmt), "UPDATE executions SET lease_until = "
	    "UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE execution_id = '%s' "
	    "AND status = 'paused' AND lease_until IS NOT NULL", eid);
	CU_ASSERT_EQUAL_FATAL(e2e_sql("%s", stmt), 0);
	return eid;
}

/*
 * Issue #15: kill -9 of the supervisor while it holds a paused
 * execution (a step in flight): once the lease expires the row is
 * released (still paused, held by nobody), resume makes it pending, it
 * completes, and no finished step runs again.
 */
static void
test_e2e_pause_held_by_dead_supervisor_released(void)
{
	struct json_object	*doc;
	char			 st[32], *tid, *eid;

	tid = held_tmpl("pause-dead", ",{\"id\":\"b\",\"type\":\"command\","
	    "\"handler\":\"e2e-append-lock\",\"depends_on\":[\"c\"],"
	    "\"input\":{\"file\":\"{{ input.file }}\",\"seconds\":0}}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = held_then_orphaned(tid, sup_path("pause-dead"),
	    "lease_until IS NOT NULL");
	/* The next reclaim round (once a second) releases it. */
	sup_sleep_ms(3000);
	CU_ASSERT(row_is(eid, "status = 'paused' AND claimed_by IS NULL AND "
	    "lease_until IS NULL"));
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	SUP_STR_EQ(step_status(doc, "a"), "completed");
	SUP_STR_EQ(step_status(doc, "b"), "pending");
	json_object_put(doc);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", st), 202);
	SUP_STR_EQ(st, "pending");
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	/* a finished before the kill: it did not run again. */
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "a"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "b"), "attempts"), 1);
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * Held paused by a supervisor that dies, then released: a wait step's
 * timeout still runs while the execution is paused (engine.md "Pause and
 * resume"). The dead supervisor never parked the row with the time of
 * that timeout; the release makes it due, the claim of paused rows with
 * a timeout due parks it with one, and the step fails wait_timeout at
 * its deadline while the execution stays paused.
 */
static void
test_e2e_pause_released_row_keeps_step_timeouts(void)
{
	struct json_object	*doc;
	char			 st[32], *tid, *eid;

	/* w waits 8 s beside a and c: no time to wake at while held. */
	tid = held_tmpl("pause-dead-wait", ",{\"id\":\"w\",\"type\":"
	    "\"wait\",\"signal\":\"go\",\"timeout_seconds\":8}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = held_then_orphaned(tid, sup_path("pause-dead-wait"),
	    "wake_at IS NULL");
	/* Released, then parked with w's deadline (8 s after it began). */
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "paused", 5));
	sup_sleep_ms(9000);
	doc = sup_get(eid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	SUP_STR_EQ(step_status(doc, "w"), "failed");
	SUP_STR_EQ(sup_str(sup_step(doc, "w"), "error.type"), "wait_timeout");
	json_object_put(doc);
	CU_ASSERT(row_is(eid, "status = 'paused' AND claimed_by IS NULL"));
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", st), 202);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "w");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * Resumed while its supervisor still waits for a running handler: the
 * supervisor goes on with it (the answer says running), nothing runs
 * twice.
 */
static void
test_e2e_pause_resume_while_step_runs(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("pause-held");
	char			 input[700], *tid, *eid, *p, st[32];

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"c1\",\"type\":\"command\",\"handler\":"
	    "\"e2e-append-lock\",\"input\":{\"file\":\"{{ input.file }}\","
	    "\"seconds\":3}},"
	    "{\"id\":\"c2\",\"type\":\"command\",\"handler\":"
	    "\"e2e-append-lock\",\"depends_on\":[\"c1\"],\"input\":"
	    "{\"file\":\"{{ input.file }}\",\"seconds\":0}}]}",
	    e2e_unique("pause-held"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT(x_wait_status(e2e_tok_alice(), eid, "running", 5));
	sup_sleep_ms(500);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", st), 202);
	SUP_STR_EQ(st, "paused");
	sup_sleep_ms(700);
	/* c1 still runs (3 s): its supervisor holds the execution. */
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", st), 202);
	SUP_STR_EQ(st, "running");
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "c1"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "c2"), "attempts"), 1);
	json_object_put(doc);
	p = sup_read(file);
	CU_ASSERT_EQUAL(lines(file), 2);
	free(p);
	free(tid);
	free(eid);
}

/*
 * The execution's own timeout does not run while it is paused: paused
 * longer than its timeout_seconds, it still completes after resume.
 */
static void
test_e2e_pause_stops_execution_timeout(void)
{
	struct json_object	*doc;
	char			*tid, *eid, st[32];

	tid = sup_tmpl("{\"name\":\"%s\",\"global_config\":"
	    "{\"timeout_seconds\":4},\"steps\":["
	    "{\"id\":\"d\",\"type\":\"delay\",\"seconds\":2},"
	    "{\"id\":\"t\",\"type\":\"transform\",\"depends_on\":[\"d\"],"
	    "\"output\":1}]}", e2e_unique("pause-timeout"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT(x_wait_status(e2e_tok_alice(), eid, "running", 5));
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "pause", st), 202);
	SUP_STR_EQ(st, "paused");
	/* Paused for longer than the whole timeout. */
	sup_sleep_ms(5000);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	json_object_put(doc);
	CU_ASSERT_EQUAL(control(e2e_tok_alice(), eid, "resume", st), 202);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(doc, "final_result.t"), "1");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/* The configured active quota (run.sh exports it); 0 when unusable. */
static int
quota(void)
{
	const char	*v = getenv("WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER");
	int		 n = v != NULL ? atoi(v) : 0;

	return n >= 1 && n <= 200 ? n : 0;
}

/*
 * Paused executions leave the active quota: with it filled by paused
 * ones a new execute is accepted; a resume that would pass it is 429.
 */
static void
test_e2e_pause_leaves_active_quota(void)
{
	const char	*tok = x_tok("pause-quota");
	char		 (*ids)[64], body[512], st[32], *tid;
	struct resp	 r;
	int		 lim = quota(), i, paused = 0, made = 0;

	if (lim == 0) {
		CU_FAIL("WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER (1..200) must "
		    "be exported by tests/e2e/run.sh");
		return;
	}
	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, "pause-quota", "\"steps\":[{\"id\":\"d\","
	    "\"type\":\"delay\",\"seconds\":60}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	ids = calloc((size_t)lim * 2 + 1, sizeof(*ids));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
	for (i = 0; i < lim * 2 + 1; i++) {
		snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
		    "\"input_data\":{\"i\":%d}}", tid, i);
		CU_ASSERT_EQUAL_FATAL(x_exec(tok, NULL, body, NULL, &r), 0);
		if (i < lim * 2) {
			CU_ASSERT_EQUAL(r.status, 202);
		} else
			CU_ASSERT_EQUAL(r.status, 429);
		if (r.status == 202) {
			snprintf(ids[i], 64, "%s",
			    x_s(resp_str(&r, "execution_id")));
			made++;
		}
		resp_free(&r);
		/* The first lim are paused at once: they leave the count. */
		if (i < lim && control(tok, ids[i], "pause", st) == 202 &&
		    strcmp(st, "paused") == 0)
			paused++;
	}
	CU_ASSERT_EQUAL(paused, lim);
	CU_ASSERT_EQUAL(made, lim * 2);
	/* lim paused plus lim active: a resume would pass the quota. */
	CU_ASSERT_EQUAL(control(tok, ids[0], "resume", NULL), 429);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[0], "paused", 1));
	/* One active one cancelled: the resume fits again. */
	CU_ASSERT_EQUAL(x_cancel(tok, ids[lim]), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[lim], "cancelled", 10));
	CU_ASSERT_EQUAL(control(tok, ids[0], "resume", NULL), 202);
	for (i = 0; i < lim * 2; i++)
		if (i != lim)
			CU_ASSERT_EQUAL(x_cancel(tok, ids[i]), 202);
	free(ids);
	free(tid);
}

/*
 * 1 when the parked counter of eid's user (sql/022 user_parked) is n and
 * equal to the user's waiting and paused executions counted.
 */
static int
parked_is(const char *eid, int n)
{
	char	want[32];

	snprintf(want, sizeof(want), "%d\t%d", n, n);
	return strcmp(e2e_sql1("SELECT p.n, (SELECT COUNT(*) FROM executions "
	    "x WHERE x.user_id = p.user_id AND x.status IN ('waiting', "
	    "'paused')) FROM user_parked p JOIN executions e ON e.user_id = "
	    "p.user_id WHERE e.execution_id = '%s'", eid), want) == 0;
}

/*
 * The parked counter that POST /execute reads (sql/022) follows every
 * way in and out of paused: pause of a pending one, resume, cancel of a
 * paused one, cancel of an active one (no change).
 */
static void
test_e2e_pause_parked_counter_exact(void)
{
	const char	*tok = x_tok("pause-parked");
	char		 ids[3][64], body[512], st[32], *tid;
	struct resp	 r;
	int		 i;

	CU_ASSERT_FATAL(tok != NULL);
	tid = x_template(tok, "pause-parked", "\"steps\":[{\"id\":\"d\","
	    "\"type\":\"delay\",\"seconds\":60}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	for (i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
		    "\"input_data\":{\"i\":%d}}", tid, i);
		CU_ASSERT_EQUAL_FATAL(x_exec(tok, NULL, body, NULL, &r), 0);
		CU_ASSERT_EQUAL_FATAL(r.status, 202);
		snprintf(ids[i], sizeof(ids[i]), "%s",
		    x_s(resp_str(&r, "execution_id")));
		resp_free(&r);
		CU_ASSERT_EQUAL(control(tok, ids[i], "pause", st), 202);
		CU_ASSERT_STRING_EQUAL(st, "paused");
	}
	CU_ASSERT_TRUE(parked_is(ids[0], 3));
	CU_ASSERT_EQUAL(control(tok, ids[0], "resume", NULL), 202);
	CU_ASSERT_TRUE(parked_is(ids[0], 2));
	CU_ASSERT_EQUAL(x_cancel(tok, ids[1]), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[1], "cancelled", 10));
	CU_ASSERT_TRUE(parked_is(ids[0], 1));
	CU_ASSERT_EQUAL(x_cancel(tok, ids[0]), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[0], "cancelled", 10));
	CU_ASSERT_TRUE(parked_is(ids[0], 1));
	CU_ASSERT_EQUAL(x_cancel(tok, ids[2]), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[2], "cancelled", 10));
	CU_ASSERT_TRUE(parked_is(ids[0], 0));
	free(tid);
}

/*
 * An admin resuming another user's paused execution takes a quota slot
 * of the owner (the unique key is per owner), not of the admin: at the
 * owner's quota it is 429 (not 503 after lost races on the admin's
 * free slots), and it fits once one of the owner's is cancelled.
 */
static void
test_e2e_pause_admin_resume_owner_slot(void)
{
	const char	*tok = x_tok("pause-adm"), *adm = e2e_tok_admin();
	char		 (*ids)[64], body[512], st[32], *tid;
	struct resp	 r;
	int		 lim = quota(), i, made = 0;

	CU_ASSERT_FATAL(lim > 0);
	CU_ASSERT_FATAL(tok != NULL && adm != NULL);
	tid = x_template(tok, "pause-adm", "\"steps\":[{\"id\":\"d\","
	    "\"type\":\"delay\",\"seconds\":60}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	ids = calloc((size_t)lim + 1, sizeof(*ids));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
	/* ids[0] paused (no slot), then lim active: the owner is full. */
	for (i = 0; i < lim + 1; i++) {
		snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
		    "\"input_data\":{\"i\":%d}}", tid, i);
		CU_ASSERT_EQUAL_FATAL(x_exec(tok, NULL, body, NULL, &r), 0);
		CU_ASSERT_EQUAL(r.status, 202);
		if (r.status == 202) {
			snprintf(ids[i], 64, "%s",
			    x_s(resp_str(&r, "execution_id")));
			made++;
		}
		resp_free(&r);
		if (i == 0) {
			CU_ASSERT_EQUAL(control(tok, ids[0], "pause", st),
			    202);
			X_STREQ(st, "paused");
		}
	}
	CU_ASSERT_EQUAL_FATAL(made, lim + 1);
	CU_ASSERT_EQUAL(control(adm, ids[0], "resume", NULL), 429);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[0], "paused", 1));
	CU_ASSERT_EQUAL(x_cancel(tok, ids[lim]), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[lim], "cancelled", 10));
	CU_ASSERT_EQUAL(control(adm, ids[0], "resume", st), 202);
	CU_ASSERT_TRUE(strcmp(st, "pending") == 0 ||
	    strcmp(st, "running") == 0);
	for (i = 0; i < lim; i++)
		CU_ASSERT_EQUAL(x_cancel(tok, ids[i]), 202);
	free(ids);
	free(tid);
}

/* The notification events enqueued for eid, comma-separated (static). */
static const char *
events_of(const char *token, const char *eid)
{
	static char		 buf[256];
	struct json_object	*items, *ev, *it;
	struct resp		 r;
	char			 path[256];
	size_t			 i;

	snprintf(path, sizeof(path), "%s/%s/notifications", X_EXECS_PATH,
	    eid);
	snprintf(buf, sizeof(buf), "(error)");
	if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
		return buf;
	CU_ASSERT_EQUAL(r.status, 200);
	if (r.json != NULL && json_object_object_get_ex(r.json, "items",
	    &items)) {
		buf[0] = '\0';
		for (i = 0; i < json_object_array_length(items); i++) {
			it = json_object_array_get_idx(items, i);
			if (!json_object_object_get_ex(it, "event", &ev))
				continue;
			if (i > 0)
				strncat(buf, ",", sizeof(buf) - strlen(buf) -
				    1);
			strncat(buf, json_object_get_string(ev),
			    sizeof(buf) - strlen(buf) - 1);
		}
	}
	resp_free(&r);
	return buf;
}

/*
 * Pause and resume enqueue no notification (the webhook trigger of
 * sql/009 fires on completed, failed, cancelled, waiting only); the
 * cancel of a paused execution enqueues exactly the cancelled event.
 */
static void
test_e2e_pause_no_notification(void)
{
	const char	*tok = x_tok("pause-notify");
	char		 body[1024], st[32], *tid, *eid;
	struct resp	 r;

	CU_ASSERT_FATAL(tok != NULL);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST",
	    "/workflow-management/webhook-secret", tok, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 201);
	resp_free(&r);
	tid = x_template(tok, "pause-notify", "\"steps\":[{\"id\":\"d\","
	    "\"type\":\"delay\",\"seconds\":60}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"input_data\":"
	    "{},\"notify\":{\"url\":\"%s\",\"events\":[\"completed\","
	    "\"failed\",\"cancelled\",\"waiting\"]}}", tid,
	    e2e_target_url("/ok?k=pause-notify"));
	CU_ASSERT_EQUAL_FATAL(x_exec(tok, NULL, body, NULL, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 202);
	eid = strdup(x_s(resp_str(&r, "execution_id")));
	resp_free(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	/* Running (its delay claimed), paused, resumed, paused again. */
	CU_ASSERT_TRUE(x_wait_status(tok, eid, "running", 10));
	CU_ASSERT_EQUAL(control(tok, eid, "pause", st), 202);
	X_STREQ(st, "paused");
	CU_ASSERT_TRUE(x_wait_status(tok, eid, "paused", 10));
	x_sleep_ms(300);
	CU_ASSERT_EQUAL(control(tok, eid, "resume", NULL), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, eid, "running", 10));
	CU_ASSERT_EQUAL(control(tok, eid, "pause", NULL), 202);
	x_sleep_ms(300);
	X_STREQ(events_of(tok, eid), "");
	CU_ASSERT_EQUAL(x_cancel(tok, eid), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, eid, "cancelled", 10));
	X_STREQ(events_of(tok, eid), "cancelled");
	free(eid);
	free(tid);
}

E2E_SUITE(test_e2e_pause_register)

void
test_e2e_pause_register(void)
{
	CU_pSuite	s = CU_add_suite("pause", NULL, NULL);

	CU_add_test(s, "pending_never_claimed_until_resumed",
	    test_e2e_pause_pending_never_claimed_until_resumed);
	CU_add_test(s, "during_delay_then_resume",
	    test_e2e_pause_during_delay_then_resume);
	CU_add_test(s, "lets_running_step_finish",
	    test_e2e_pause_lets_running_step_finish);
	CU_add_test(s, "conflicts_and_access",
	    test_e2e_pause_conflicts_and_access);
	CU_add_test(s, "survives_kill9", test_e2e_pause_survives_kill9);
	CU_add_test(s, "released_row_keeps_step_timeouts",
	    test_e2e_pause_released_row_keeps_step_timeouts);
	CU_add_test(s, "held_by_dead_supervisor_released",
	    test_e2e_pause_held_by_dead_supervisor_released);
	CU_add_test(s, "resume_while_step_runs",
	    test_e2e_pause_resume_while_step_runs);
	CU_add_test(s, "stops_execution_timeout",
	    test_e2e_pause_stops_execution_timeout);
	CU_add_test(s, "leaves_active_quota",
	    test_e2e_pause_leaves_active_quota);
	CU_add_test(s, "admin_resume_owner_slot",
	    test_e2e_pause_admin_resume_owner_slot);
	CU_add_test(s, "no_notification", test_e2e_pause_no_notification);
	CU_add_test(s, "parked_counter_exact",
	    test_e2e_pause_parked_counter_exact);
}
