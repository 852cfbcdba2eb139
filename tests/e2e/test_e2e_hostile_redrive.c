/*
 * Access is checked when work happens, not only when it was accepted
 * (issue 12, item 7): a user whose share of a template was revoked, or
 * whose template was deleted, cannot redrive an old execution and run
 * its command steps again with the owner's secrets; an execution that
 * waits in the queue while its share is revoked fails with `forbidden`
 * when a supervisor claims it, before any step starts. The steps count
 * their runs in a file (tests/handlers/e2e-append-fail, -append-lock).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"

#define TMPL_PATH	"/workflow-management/templates"
#define EXECS_PATH	"/workflow-management/executions"
#define ROLES		"workflow:execute,workflow:read,template:write"

/* The sharee of this run (a fresh user: counts start at zero). */
static const char *
sharee(void)
{
	return e2e_run_name("h4-sharee");
}

static const char *
tok_sharee(void)
{
	static char	*t;

	if (t == NULL)
		t = e2e_token(sharee(), ROLES);
	return t;
}

/*
 * The body of a template named name whose one command step runs handler
 * with input {"file": input.file, "seconds": input.seconds}, shared with
 * the sharee when shared, with extra members (may be "").
 */
static const char *
body(const char *name, const char *handler, int shared, const char *extra)
{
	static char	buf[1024];

	snprintf(buf, sizeof(buf), "{\"name\":\"%s\",%s\"shared_with\":[%s%s%s],"
	    "\"steps\":[{\"id\":\"effect\",\"type\":\"command\",\"handler\":"
	    "\"%s\",\"input\":{\"file\":\"{{ input.file }}\",\"seconds\":"
	    "\"{{ input.seconds }}\"}}]}", name, extra, shared ? "\"" : "",
	    shared ? sharee() : "", shared ? "\"" : "", handler);
	return buf;
}

/* Status of METHOD path as token (body may be NULL); -1: no answer. */
static long
call(const char *method, const char *path, const char *token,
    const char *json, char *detail, size_t dlen)
{
	struct resp	 r;
	const char	*d;
	long		 st;

	if (e2e_req(method, path, token, json, NULL, &r) != 0)
		return -1;
	st = r.status;
	if (detail != NULL) {
		d = resp_str(&r, "detail");
		snprintf(detail, dlen, "%s", d != NULL ? d : "");
	}
	resp_free(&r);
	return st;
}

static long
retry(const char *token, const char *eid, char *detail, size_t dlen)
{
	char	path[256];

	snprintf(path, sizeof(path), EXECS_PATH "/%s/retry", eid);
	return call("POST", path, token, NULL, detail, dlen);
}

static long
put_tmpl(const char *tid, const char *json)
{
	char	path[256];

	snprintf(path, sizeof(path), TMPL_PATH "/%s", tid);
	return call("PUT", path, e2e_tok_alice(), json, NULL, 0);
}

/* Start tid as token with file and seconds; id (owned) or NULL. */
static char *
start(const char *token, const char *tid, const char *file, int seconds)
{
	char	input[700];

	snprintf(input, sizeof(input), "{\"file\":\"%s\",\"seconds\":%d}",
	    file, seconds);
	return e2e_execute(token, tid, input);
}

/* The status of eid now, as token (static buffer). */
static const char *
status_now(const char *token, const char *eid)
{
	static char	 st[32];
	struct resp	 r;
	char		 path[256];
	const char	*v;

	snprintf(path, sizeof(path), EXECS_PATH "/%s", eid);
	if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
		return "(no answer)";
	v = resp_str(&r, "status");
	snprintf(st, sizeof(st), "%s", r.status == 200 && v != NULL ? v :
	    "(none)");
	resp_free(&r);
	return st;
}

/* Wait for eid to be terminal; its status and redrive_count. */
static const char *
finish(const char *token, const char *eid, int64_t *redrives)
{
	static char		 st[32];
	struct json_object	*doc;

	doc = e2e_wait(token, eid, 30);
	snprintf(st, sizeof(st), "%s", doc != NULL && sup_str(doc, "status") !=
	    NULL ? sup_str(doc, "status") : "(none)");
	if (redrives != NULL)
		*redrives = doc != NULL ? sup_int(doc, "redrive_count") : -1;
	json_object_put(doc);
	return st;
}

/*
 * A redrive that is refused runs nothing: wait well past a supervisor
 * poll (200 ms in the test stack) and a handler's run.
 */
static void
settle(void)
{
	sup_sleep_ms(1500);
}

/* ---- redrive ---------------------------------------------------------- */

static void
test_redrive_after_share_revoked_is_403_and_runs_nothing(void)
{
	const char	*file = sup_path("revoked");
	char		*tid, *eid, name[80], detail[128];
	int64_t		 redrives = -1;

	snprintf(name, sizeof(name), "%s", e2e_unique("h4-revoke"));
	tid = e2e_template(e2e_tok_alice(), body(name, "e2e-append-fail", 1,
	    ""));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok_sharee(), tid, file, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	SUP_STR_EQ(finish(tok_sharee(), eid, NULL), "failed");
	CU_ASSERT_EQUAL(sup_count_lines(file, eid), 1);

	/* While shared, a redrive runs the step again: the control case. */
	CU_ASSERT_EQUAL(retry(tok_sharee(), eid, NULL, 0), 202);
	SUP_STR_EQ(finish(tok_sharee(), eid, &redrives), "failed");
	CU_ASSERT_EQUAL(redrives, 1);
	CU_ASSERT_EQUAL(sup_count_lines(file, eid), 2);

	/* The owner revokes the share: the sharee's redrive is refused. */
	CU_ASSERT_EQUAL(put_tmpl(tid, body(name, "e2e-append-fail", 0, "")),
	    200);
	CU_ASSERT_EQUAL(retry(tok_sharee(), eid, detail, sizeof(detail)),
	    403);
	SUP_STR_EQ(detail, "Access denied");
	settle();
	SUP_STR_EQ(finish(tok_sharee(), eid, &redrives), "failed");
	CU_ASSERT_EQUAL(redrives, 1);
	CU_ASSERT_EQUAL(sup_count_lines(file, eid), 2);

	/*
	 * An admin may still redrive it (admin may use any template), and
	 * the supervisor honours that: the step runs, no `forbidden`.
	 */
	CU_ASSERT_EQUAL(retry(e2e_tok_admin(), eid, NULL, 0), 202);
	SUP_STR_EQ(finish(tok_sharee(), eid, &redrives), "failed");
	CU_ASSERT_EQUAL(redrives, 2);
	CU_ASSERT_EQUAL(sup_count_lines(file, eid), 3);

	/* Made public, the template is the sharee's to use again. */
	CU_ASSERT_EQUAL(put_tmpl(tid, body(name, "e2e-append-fail", 0,
	    "\"is_public\":true,")), 200);
	CU_ASSERT_EQUAL(retry(tok_sharee(), eid, NULL, 0), 202);
	SUP_STR_EQ(finish(tok_sharee(), eid, &redrives), "failed");
	CU_ASSERT_EQUAL(redrives, 3);
	CU_ASSERT_EQUAL(sup_count_lines(file, eid), 4);
	free(eid);
	free(tid);
}

static void
test_redrive_after_template_deleted_is_404_and_runs_nothing(void)
{
	const char	*file = sup_path("deleted");
	char		*tid, *eid, name[80], path[256], detail[128];
	int64_t		 redrives = -1;

	snprintf(name, sizeof(name), "%s", e2e_unique("h4-deleted"));
	tid = e2e_template(e2e_tok_alice(), body(name, "e2e-append-fail", 1,
	    ""));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start(tok_sharee(), tid, file, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	SUP_STR_EQ(finish(tok_sharee(), eid, NULL), "failed");
	CU_ASSERT_EQUAL(sup_count_lines(file, eid), 1);

	snprintf(path, sizeof(path), TMPL_PATH "/%s", tid);
	CU_ASSERT_EQUAL(call("DELETE", path, e2e_tok_alice(), NULL, NULL, 0),
	    204);
	/* Neither the sharee nor an admin can start work from it again. */
	CU_ASSERT_EQUAL(retry(tok_sharee(), eid, detail, sizeof(detail)),
	    404);
	SUP_STR_EQ(detail, "Template not found");
	CU_ASSERT_EQUAL(retry(e2e_tok_admin(), eid, detail, sizeof(detail)),
	    404);
	SUP_STR_EQ(detail, "Template not found");
	/* The execution itself stays readable, unchanged. */
	settle();
	SUP_STR_EQ(finish(tok_sharee(), eid, &redrives), "failed");
	CU_ASSERT_EQUAL(redrives, 0);
	CU_ASSERT_EQUAL(sup_count_lines(file, eid), 1);
	free(eid);
	free(tid);
}

/* ---- claim ------------------------------------------------------------ */

static void
test_queued_execution_whose_share_is_revoked_fails_forbidden(void)
{
	struct json_object	*doc, *step;
	const char		*file = sup_path("queued");
	char			*tid, *blocker, *queued, name[80], path[256];
	struct stat		 sb;
	int			 i;

	/* One at a time: the second execution waits in the queue. */
	snprintf(name, sizeof(name), "%s", e2e_unique("h4-queued"));
	tid = e2e_template(e2e_tok_alice(), body(name, "e2e-append-lock", 1,
	    "\"global_config\":{\"max_concurrent_executions\":1},"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	blocker = start(tok_sharee(), tid, file, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(blocker);
	for (i = 0; i < 50; i++) {
		if (strcmp(status_now(tok_sharee(), blocker), "running") == 0)
			break;
		sup_sleep_ms(100);
	}
	SUP_STR_EQ(status_now(tok_sharee(), blocker), "running");
	queued = start(tok_sharee(), tid, file, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(queued);
	sup_sleep_ms(600);
	SUP_STR_EQ(status_now(tok_sharee(), queued), "pending");

	/* Revoked while it waits; the blocker is cancelled to free the slot. */
	CU_ASSERT_EQUAL(put_tmpl(tid, body(name, "e2e-append-lock", 0,
	    "\"global_config\":{\"max_concurrent_executions\":1},")), 200);
	snprintf(path, sizeof(path), EXECS_PATH "/%s/cancel", blocker);
	CU_ASSERT_EQUAL(call("POST", path, tok_sharee(), NULL, NULL, 0), 202);
	SUP_STR_EQ(finish(tok_sharee(), blocker, NULL), "cancelled");

	doc = e2e_wait(tok_sharee(), queued, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_json(doc, "error_details"), "{\"error\":\"Access to the "
	    "template was revoked\",\"type\":\"forbidden\",\"step_id\":null}");
	step = sup_step(doc, "effect");
	SUP_STR_EQ(sup_str(step, "status"), "cancelled");
	CU_ASSERT_EQUAL(sup_int(step, "attempts"), 0);
	json_object_put(doc);
	/* Neither the cancelled blocker nor the refused run wrote a line. */
	settle();
	CU_ASSERT(stat(file, &sb) == -1 || sb.st_size == 0);
	free(queued);
	free(blocker);
	free(tid);
}

void
test_e2e_hostile_redrive_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_redrive", NULL, NULL);

	CU_add_test(s, "redrive_after_share_revoked_is_403_and_runs_nothing",
	    test_redrive_after_share_revoked_is_403_and_runs_nothing);
	CU_add_test(s, "redrive_after_template_deleted_is_404_and_runs_nothing",
	    test_redrive_after_template_deleted_is_404_and_runs_nothing);
	CU_add_test(s, "queued_execution_whose_share_is_revoked_fails_forbidden",
	    test_queued_execution_whose_share_is_revoked_fails_forbidden);
}

E2E_SUITE(test_e2e_hostile_redrive_register)
