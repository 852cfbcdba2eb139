/*
 * `workflow` steps (engine.md "workflow", "Limits against fan-out"):
 * children named from parent, step, redrive and attempt; wait or
 * fire-and-forget; failures, retries, access at store and run time, the
 * depth limit, cancel propagation, the parent_execution_id filter, and
 * kill -9 of the supervisor while a child runs (one child, not two).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "test_e2e_exec_util.h"

static char *
dupstr(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* A child template of alice's: output {"got": input.n}. */
static char *
child_ok(void)
{
	return sup_tmpl("{\"name\":\"%s\",\"input_schema\":{\"type\":"
	    "\"object\",\"required\":[\"n\"],\"properties\":{\"n\":"
	    "{\"type\":\"integer\"}}},\"steps\":[{\"id\":\"t\",\"type\":"
	    "\"transform\",\"output\":{\"got\":\"{{ input.n }}\"}}],"
	    "\"output\":{\"doubled\":\"{{ steps.t.output.got }}\"}}",
	    e2e_unique("wf-child"));
}

/* A parent of alice's calling tid with input {"n": 21}; members extra. */
static char *
parent_of(const char *tid, const char *extra)
{
	return sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"call_it\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\",\"input\":"
	    "{\"n\":21}%s}]}", e2e_unique("wf-parent"), tid, extra);
}

/* Items of GET /executions?parent_execution_id=eid as alice. */
static struct json_object *
children(const char *eid)
{
	struct resp		 r;
	struct json_object	*items = NULL;
	char			 path[256];

	snprintf(path, sizeof(path), "%s?parent_execution_id=%s",
	    X_EXECS_PATH, eid);
	if (e2e_req("GET", path, e2e_tok_alice(), NULL, NULL, &r) != 0)
		return NULL;
	if (r.status == 200 && r.json != NULL &&
	    json_object_object_get_ex(r.json, "items", &items))
		items = json_object_get(items);
	else
		items = NULL;
	resp_free(&r);
	return items;
}

/* POST .../{id}/<what> as alice without a body; the status code. */
static long
post(const char *id, const char *what)
{
	struct resp	 r;
	char		 path[256];
	long		 code;

	snprintf(path, sizeof(path), "%s/%s/%s", X_EXECS_PATH, id, what);
	if (e2e_req("POST", path, e2e_tok_alice(), NULL, NULL, &r) != 0)
		return -1;
	code = r.status;
	resp_free(&r);
	return code;
}

/* The string member key of item i of arr (or NULL). */
static const char *
item_str(struct json_object *arr, size_t i, const char *key)
{
	return sup_str(json_object_array_get_idx(arr, i), key);
}

/* Milliseconds since the epoch of "2026-11-25T10:00:00.123Z", or -1. */
static long long
ms_of(const char *t)
{
	struct tm	tm;
	const char	*p;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || (p = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm)) ==
	    NULL || *p != '.')
		return -1;
	return (long long)timegm(&tm) * 1000 + atoi(p + 1);
}

static int
ends_with(const char *s, const char *tail)
{
	size_t	n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/*
 * wait: true: the step's output is the child's final_result; GET shows
 * the links both ways; the child is named <parent>.call-it.0.1.
 */
static void
test_e2e_subwf_wait_output(void)
{
	struct json_object	*doc, *kids, *cdoc;
	char			*ctid, *ptid, *eid, name[128];
	const char		*cid;
	long long		 lag;

	ctid = child_ok();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = parent_of(ctid, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "call_it"), "output"),
	    "{\"doubled\":21}");
	SUP_STR_EQ(sup_json(doc, "parent_execution_id"), "null");
	cid = sup_str(sup_step(doc, "call_it"), "child_execution_id");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cid);
	cdoc = sup_get(cid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cdoc);
	SUP_STR_EQ(sup_str(cdoc, "parent_execution_id"), eid);
	SUP_STR_EQ(sup_str(cdoc, "parent_step_id"), "call_it");
	snprintf(name, sizeof(name), "%s.call-it.0.1", eid);
	SUP_STR_EQ(sup_str(cdoc, "execution_name"), name);
	SUP_STR_EQ(sup_str(cdoc, "status"), "completed");
	/* From the child's end to the parent's: a wake, a claim, a write. */
	lag = ms_of(sup_str(doc, "completed_at")) -
	    ms_of(sup_str(cdoc, "completed_at"));
	fprintf(stderr, "\n    child end -> parent end: %lld ms ", lag);
	CU_ASSERT(lag >= 0 && lag < 3000);
	json_object_put(cdoc);
	/* The step's time is in the supervisor's step histogram. */
	CU_ASSERT_EQUAL(e2e_sh("sleep 2.5; curl -sf '%s/metrics' | grep -q "
	    "'^wfm_step_duration_seconds_count{type=\"workflow\"} [1-9]'",
	    e2e_url()), 0);
	/* The list filter: exactly this one child. */
	kids = children(eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kids);
	CU_ASSERT_EQUAL(json_object_array_length(kids), 1);
	SUP_STR_EQ(item_str(kids, 0, "execution_id"), cid);
	json_object_put(kids);
	/* A childless parent lists none. */
	kids = children(ctid);
	CU_ASSERT_PTR_NOT_NULL(kids);
	CU_ASSERT_EQUAL(json_object_array_length(kids), 0);
	json_object_put(kids);
	json_object_put(doc);
	/*
	 * The woken parent was claimed with its epoch (STMT_SUP_WAKE_SELECT
	 * reads claim_epoch): never refused as "not by us" and given back.
	 */
	CU_ASSERT_NOT_EQUAL(e2e_sh("grep -q '%s: claimed by .* not by us' "
	    "'%s/log/wfm.log'", eid, e2e_var()), 0);
	free(ctid);
	free(ptid);
	free(eid);
}

/* wait: false: {"execution_id": ...} at once; the child runs anyway. */
static void
test_e2e_subwf_no_wait(void)
{
	struct json_object	*doc, *cdoc;
	char			*ctid, *ptid, *eid;
	const char		*cid;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"d\",\"type\":"
	    "\"delay\",\"seconds\":2}]}", e2e_unique("wf-slow"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"go\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\",\"wait\":false}]}",
	    e2e_unique("wf-nowait"), ctid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	cid = sup_str(sup_step(doc, "go"), "child_execution_id");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cid);
	SUP_STR_EQ(sup_str(sup_step(doc, "go"), "output.execution_id"), cid);
	/* The parent did not wait for the 2 s delay. */
	cdoc = sup_get(cid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cdoc);
	CU_ASSERT(strcmp(sup_str(cdoc, "status"), "completed") != 0);
	json_object_put(cdoc);
	cdoc = e2e_wait(e2e_tok_alice(), cid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cdoc);
	SUP_STR_EQ(sup_str(cdoc, "status"), "completed");
	json_object_put(cdoc);
	json_object_put(doc);
	free(ctid);
	free(ptid);
	free(eid);
}

/*
 * A failed child fails the step; with retry each attempt starts a new
 * child (.0.1, then .0.2), and a child input the schema refuses fails
 * the step with input_invalid without making a child.
 */
static void
test_e2e_subwf_failed_child_and_retry(void)
{
	struct json_object	*doc, *kids;
	char			*ctid, *ptid, *eid, *ctid2, *ptid2, *eid2;
	const char		*a, *b;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"boom\","
	    "\"type\":\"command\",\"handler\":\"fail-stderr\"}]}",
	    e2e_unique("wf-fail"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"call\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\",\"retry\":"
	    "{\"max_attempts\":2,\"initial_interval_ms\":100}}]}",
	    e2e_unique("wf-retry"), ctid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "status"), "failed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "call"), "attempts"), 2);
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "error.type"),
	    "child_failed");
	json_object_put(doc);
	kids = children(eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kids);
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(kids), 2);
	/* Newest first. */
	a = item_str(kids, 0, "execution_name");
	b = item_str(kids, 1, "execution_name");
	CU_ASSERT(a != NULL && ends_with(a, ".call.0.2"));
	CU_ASSERT(b != NULL && ends_with(b, ".call.0.1"));
	SUP_STR_EQ(item_str(kids, 0, "status"), "failed");
	SUP_STR_EQ(item_str(kids, 1, "status"), "failed");
	json_object_put(kids);
	/* A redrive starts new children: redrive count 1 in their names. */
	CU_ASSERT_EQUAL_FATAL(post(eid, "retry"), 202);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "failed", 30));
	kids = children(eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kids);
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(kids), 4);
	a = item_str(kids, 0, "execution_name");
	b = item_str(kids, 1, "execution_name");
	CU_ASSERT(a != NULL && ends_with(a, ".call.1.2"));
	CU_ASSERT(b != NULL && ends_with(b, ".call.1.1"));
	json_object_put(kids);
	/* Child input refused by its input_schema: no child at all. */
	ctid2 = child_ok();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid2);
	ptid2 = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"call\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\",\"input\":"
	    "{\"n\":\"not a number\"}}]}", e2e_unique("wf-badin"), ctid2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid2);
	eid2 = sup_exec(ptid2, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid2);
	doc = e2e_wait(e2e_tok_alice(), eid2, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "error.type"),
	    "input_invalid");
	CU_ASSERT_PTR_NOT_NULL(strstr(sup_str(sup_step(doc, "call"),
	    "error.message") != NULL ? sup_str(sup_step(doc, "call"),
	    "error.message") : "", "at [\"input\",\"n\"]"));
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "child_execution_id"),
	    "null");
	json_object_put(doc);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "parent_execution_id = '%s'", eid2), "0");
	free(ctid);
	free(ptid);
	free(eid);
	free(ctid2);
	free(ptid2);
	free(eid2);
}

/* PUT bob's template tid with shared_with list (JSON text). */
static long
bob_share(const char *tid, const char *name, const char *list)
{
	struct resp	 r;
	char		 path[128], *body;
	long		 code;

	snprintf(path, sizeof(path), "/workflow-management/templates/%s",
	    tid);
	if (asprintf(&body, "{\"name\":\"%s\",\"shared_with\":%s,\"steps\":"
	    "[{\"id\":\"t\",\"type\":\"transform\",\"output\":1}]}", name,
	    list) < 0)
		return -1;
	if (e2e_req("PUT", path, e2e_tok_bob(), body, NULL, &r) != 0) {
		free(body);
		return -1;
	}
	free(body);
	code = r.status;
	resp_free(&r);
	return code;
}

/*
 * Access: a parent naming a template its owner may not execute is 422
 * at store time, with the step's loc; one whose share is revoked after
 * the parent was stored fails at run time with forbidden. An unknown
 * template is 422 too.
 */
static void
test_e2e_subwf_forbidden(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*btid, *ptid, *eid, *body, name[64];

	snprintf(name, sizeof(name), "%s", e2e_unique("wf-bob"));
	btid = e2e_template(e2e_tok_bob(), "{\"name\":\"wf-bob-private\","
	    "\"steps\":[{\"id\":\"t\",\"type\":\"transform\",\"output\":1}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(btid);
	CU_ASSERT_FATAL(asprintf(&body, "{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"x\",\"type\":\"transform\",\"output\":1},"
	    "{\"id\":\"call\",\"type\":\"workflow\",\"template_id\":\"%s\"}]}",
	    e2e_unique("wf-denied"), btid) > 0);
	CU_ASSERT_EQUAL(e2e_req("POST", "/workflow-management/templates",
	    e2e_tok_alice(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body,
	    "\"loc\":[\"body\",\"steps\",1,\"template_id\"]"));
	resp_free(&r);
	free(body);
	/* Unknown template: 422 at the same loc. */
	CU_ASSERT_FATAL(asprintf(&body, "{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"call\",\"type\":\"workflow\",\"template_id\":"
	    "\"00000000-0000-4000-8000-000000000000\"}]}",
	    e2e_unique("wf-unknown")) > 0);
	CU_ASSERT_EQUAL(e2e_req("POST", "/workflow-management/templates",
	    e2e_tok_alice(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body,
	    "\"loc\":[\"body\",\"steps\",0,\"template_id\"]"));
	resp_free(&r);
	free(body);
	/* Shared with alice: stored; then the share is revoked. */
	CU_ASSERT_EQUAL_FATAL(bob_share(btid, name, "[\"alice\"]"), 200);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"call\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\"}]}",
	    e2e_unique("wf-shared"), btid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	CU_ASSERT_EQUAL_FATAL(bob_share(btid, name, "[]"), 200);
	eid = sup_exec(ptid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "error.type"), "forbidden");
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "child_execution_id"),
	    "null");
	json_object_put(doc);
	free(btid);
	free(ptid);
	free(eid);
}

/*
 * A template that calls itself: 8 levels below the root are created,
 * the ninth is refused with depth_exceeded, and the whole tree fails.
 */
static void
test_e2e_subwf_depth_limit(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *eid, *body, path[128], name[64];

	snprintf(name, sizeof(name), "%s", e2e_unique("wf-self"));
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"t\",\"type\":"
	    "\"transform\",\"output\":1}]}", name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_FATAL(asprintf(&body, "{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"again\",\"type\":\"workflow\",\"template_id\":\"%s\"}"
	    "]}", name, tid) > 0);
	snprintf(path, sizeof(path), "/workflow-management/templates/%s",
	    tid);
	CU_ASSERT_EQUAL(e2e_req("PUT", path, e2e_tok_alice(), body, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	resp_free(&r);
	free(body);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "depth_exceeded");
	json_object_put(doc);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "root_execution_id = '%s'", eid), "8");
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT MAX(depth) FROM executions WHERE "
	    "root_execution_id = '%s'", eid), "8");
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT descendants FROM executions WHERE "
	    "execution_id = '%s'", eid), "8");
	/* The deepest one failed itself: its step was refused. */
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT JSON_VALUE(error, '$.type') FROM "
	    "execution_steps s JOIN executions e ON e.id = s.exec_pk WHERE "
	    "e.root_execution_id = '%s' AND e.depth = 8", eid),
	    "depth_exceeded");
	free(tid);
	free(eid);
}

/* Cancelling a parent cancels its running child (and the child's). */
static void
test_e2e_subwf_cancel_propagates(void)
{
	struct json_object	*doc, *kids;
	char			*ctid, *mtid, *ptid, *eid, *mid, *cid;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"d\",\"type\":"
	    "\"delay\",\"seconds\":60}]}", e2e_unique("wf-long"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	mtid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"inner\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\"}]}",
	    e2e_unique("wf-mid"), ctid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mtid);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"outer\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\"}]}",
	    e2e_unique("wf-top"), mtid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	/* The parent parks as waiting once its child runs. */
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "waiting", 15));
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(sup_step(doc, "outer"), "status"), "waiting");
	mid = dupstr(sup_str(sup_step(doc, "outer"),
	    "child_execution_id"));
	SUP_STR_EQ(sup_str(sup_step(doc, "outer"),
	    "waiting_for.child_execution_id"), mid);
	json_object_put(doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mid);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), mid, "waiting", 15));
	kids = children(mid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kids);
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(kids), 1);
	cid = dupstr(item_str(kids, 0, "execution_id"));
	json_object_put(kids);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), cid, "running", 15));
	CU_ASSERT_EQUAL(x_cancel(e2e_tok_alice(), eid), 202);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	SUP_STR_EQ(sup_str(doc, "status"), "cancelled");
	json_object_put(doc);
	doc = e2e_wait(e2e_tok_alice(), mid, 15);
	SUP_STR_EQ(sup_str(doc, "status"), "cancelled");
	json_object_put(doc);
	doc = e2e_wait(e2e_tok_alice(), cid, 15);
	SUP_STR_EQ(sup_str(doc, "status"), "cancelled");
	json_object_put(doc);
	free(ctid);
	free(mtid);
	free(ptid);
	free(eid);
	free(mid);
	free(cid);
}

/*
 * kill -9 of the supervisor while the child's handler runs: the child
 * is resumed, the parent is woken when it ends, and there is exactly
 * one child with the step's name prefix.
 */
static void
test_e2e_subwf_kill9_one_child(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("wf-kill");
	char			*ctid, *ptid, *eid, *p, input[700];
	pid_t			 old, neu;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"slow\","
	    "\"type\":\"command\",\"handler\":\"e2e-append-lock\",\"input\":"
	    "{\"file\":\"{{ input.file }}\",\"seconds\":3}}]}",
	    e2e_unique("wf-kchild"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"call_it\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\",\"input\":"
	    "{\"file\":\"{{ input.file }}\"}}]}", e2e_unique("wf-kparent"),
	    ctid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	eid = sup_exec(ptid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	/* The child is running its 3 s handler. */
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "waiting", 15));
	sup_sleep_ms(500);
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1 && neu != old);
	doc = e2e_wait(e2e_tok_alice(), eid, 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "call_it"), "attempts"), 1);
	json_object_put(doc);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "execution_name LIKE '%s.call-it.%%'", eid), "1");
	p = sup_read(file);
	CU_ASSERT_PTR_NOT_NULL(p);
	free(p);
	free(ctid);
	free(ptid);
	free(eid);
}

/* A client may not take a child's or a schedule's name. */
static void
test_e2e_subwf_reserved_names(void)
{
	struct resp	 r;
	char		*tid, body[512];

	tid = child_ok();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11.a.0.1\","
	    "\"input_data\":{\"n\":1}}", tid);
	CU_ASSERT_EQUAL(e2e_req("POST", "/workflow-management/execute",
	    e2e_tok_alice(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body,
	    "\"loc\":[\"body\",\"execution_name\"]"));
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"sched.x.1\",\"input_data\":{\"n\":1}}", tid);
	CU_ASSERT_EQUAL(e2e_req("POST", "/workflow-management/execute",
	    e2e_tok_alice(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"n\":1}}", tid,
	    e2e_unique("plain.name"));
	CU_ASSERT_EQUAL(e2e_req("POST", "/workflow-management/execute",
	    e2e_tok_alice(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	free(tid);
}

/*
 * [supervisor] max_descendants (default 10,000) counts every execution
 * the root's tree creates: with the root's count set just below it, one
 * more child is made and the next step fails with descendants_exceeded.
 */
static void
test_e2e_subwf_descendants_limit(void)
{
	struct json_object	*doc;
	char			*ctid, *ptid, *eid;

	ctid = child_ok();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"hold\","
	    "\"type\":\"delay\",\"seconds\":2},{\"id\":\"one\",\"type\":"
	    "\"workflow\",\"template_id\":\"%s\",\"input\":{\"n\":1},"
	    "\"wait\":false,\"depends_on\":[\"hold\"]},{\"id\":\"two\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\",\"input\":"
	    "{\"n\":2},\"wait\":false,\"depends_on\":[\"one\"]}]}",
	    e2e_unique("wf-fan"), ctid, ctid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("UPDATE executions SET descendants = 9999 "
	    "WHERE execution_id = '%s'; SELECT ROW_COUNT()", eid), "1");
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(sup_step(doc, "one"), "status"), "completed");
	SUP_STR_EQ(sup_str(sup_step(doc, "two"), "error.type"),
	    "descendants_exceeded");
	SUP_STR_EQ(sup_str(doc, "error_details.type"),
	    "descendants_exceeded");
	json_object_put(doc);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*), MAX(descendants) FROM "
	    "executions WHERE root_execution_id = '%s' OR execution_id = '%s'",
	    eid, eid), "2\t10000");
	free(ctid);
	free(ptid);
	free(eid);
}

/*
 * A child refused by the user's quota (max_active_executions_per_user,
 * 50 in the e2e stack) is tried again later, not failed: the step waits
 * until a slot frees and then starts its child with attempt 1.
 */
static void
test_e2e_subwf_quota_retried(void)
{
	struct json_object	*doc;
	const char		*tok = x_tok("wf-quota");
	char			*held[49], *dtid, *ctid, *ptid, *eid, *body;
	size_t			 i, n = 0;

	dtid = e2e_template(tok, "{\"name\":\"wf-quota-hold\","
	    "\"global_config\":{\"max_concurrent_executions\":1},"
	    "\"steps\":[{\"id\":\"d\",\"type\":\"delay\",\"seconds\":120}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dtid);
	ctid = e2e_template(tok, "{\"name\":\"wf-quota-child\",\"steps\":"
	    "[{\"id\":\"t\",\"type\":\"transform\",\"output\":7}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	CU_ASSERT_FATAL(asprintf(&body, "{\"name\":\"wf-quota-parent\","
	    "\"steps\":[{\"id\":\"call\",\"type\":\"workflow\","
	    "\"template_id\":\"%s\"}]}", ctid) > 0);
	ptid = e2e_template(tok, body);
	free(body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	/* 49 of the 50 slots held; the parent takes the last one. */
	for (i = 0; i < 49; i++)
		if ((held[n] = e2e_execute(tok, dtid, NULL)) != NULL)
			n++;
	CU_ASSERT_EQUAL_FATAL(n, 49);
	eid = e2e_execute(tok, ptid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	sup_sleep_ms(3000);
	doc = x_get(tok, eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "running");
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "child_execution_id"),
	    "null");
	json_object_put(doc);
	/* One slot frees: the child starts at a later try. */
	CU_ASSERT_EQUAL(x_cancel(tok, held[n - 1]), 202);
	doc = e2e_wait(tok, eid, 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "call"), "output"), "{\"t\":7}");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "call"), "attempts"), 1);
	json_object_put(doc);
	for (i = 0; i < n; i++) {
		(void)x_cancel(tok, held[i]);
		free(held[i]);
	}
	free(dtid);
	free(ctid);
	free(ptid);
	free(eid);
}

/*
 * The idempotent start: a child already recorded under the name of the
 * step's attempt (as after a supervisor killed between the child's
 * insert and the step's write) is the one the step uses; no second one
 * is made. The row is put there by hand while a delay holds the step.
 */
static void
test_e2e_subwf_finds_existing_child(void)
{
	struct json_object	*doc;
	char			*ctid, *ptid, *eid, *seed;

	ctid = child_ok();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	/* A finished execution of the child template to copy from. */
	seed = sup_exec(ctid, "{\"n\":5}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(seed);
	doc = e2e_wait(e2e_tok_alice(), seed, 20);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	json_object_put(doc);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"hold\","
	    "\"type\":\"delay\",\"seconds\":2},{\"id\":\"call_it\","
	    "\"type\":\"workflow\",\"template_id\":\"%s\",\"input\":"
	    "{\"n\":21},\"depends_on\":[\"hold\"]}]}",
	    e2e_unique("wf-found"), ctid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("INSERT INTO executions (execution_id, "
	    "user_id, execution_name, template_pk, template_id, "
	    "template_version, input, input_hash, status, run_after, "
	    "created_at, parent_execution_id, parent_step_id, "
	    "root_execution_id, depth) SELECT UUID(), user_id, "
	    "CONCAT('%s', '.call-it.0.1'), template_pk, template_id, "
	    "template_version, input, input_hash, 'pending', "
	    "UTC_TIMESTAMP(6), UTC_TIMESTAMP(3), '%s', 'call_it', '%s', 1 "
	    "FROM executions WHERE execution_id = '%s'; SELECT ROW_COUNT()",
	    eid, eid, eid, seed), "1");
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	/* The hand-made child's input (5), not the step's (21). */
	SUP_STR_EQ(sup_json(sup_step(doc, "call_it"), "output"),
	    "{\"doubled\":5}");
	json_object_put(doc);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "parent_execution_id = '%s'", eid), "1");
	free(ctid);
	free(ptid);
	free(eid);
	free(seed);
}

/* The example pair of deploy/examples/subworkflows runs as documented. */
static void
test_e2e_subwf_example(void)
{
	struct json_object	*doc, *kids;
	char			*child, *parent, *ctid, *ptid, *eid, *p, *q;
	const char		*ph = "SHIP_ORDER_TEMPLATE_ID";

	child = e2e_example("subworkflows/ship-order.json");
	parent = e2e_example("subworkflows/order-with-shipping.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(child);
	CU_ASSERT_PTR_NOT_NULL_FATAL(parent);
	ctid = e2e_template(e2e_tok_alice(), child);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	/* Every placeholder replaced by the child's id (same length or not). */
	while ((p = strstr(parent, ph)) != NULL) {
		*p = '\0';
		CU_ASSERT_FATAL(asprintf(&q, "%s%s%s", parent, ctid,
		    p + strlen(ph)) > 0);
		free(parent);
		parent = q;
	}
	ptid = e2e_template(e2e_tok_alice(), parent);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, "{\"order_id\":\"A-1\",\"weight_kg\":3}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "ship"), "output"),
	    "{\"tracking\":\"TRK-A-1\",\"price_cents\":375}");
	SUP_STR_EQ(sup_str(doc, "final_result.tracking"), "TRK-A-1");
	SUP_STR_EQ(sup_str(doc, "final_result.warehouse_run"),
	    sup_str(sup_step(doc, "notify_warehouse"), "child_execution_id"));
	json_object_put(doc);
	kids = children(eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kids);
	CU_ASSERT_EQUAL(json_object_array_length(kids), 2);
	json_object_put(kids);
	free(child);
	free(parent);
	free(ctid);
	free(ptid);
	free(eid);
}

E2E_SUITE(test_e2e_subwf_register)

void
test_e2e_subwf_register(void)
{
	CU_pSuite	s = CU_add_suite("workflow", NULL, NULL);

	CU_add_test(s, "wait_output", test_e2e_subwf_wait_output);
	CU_add_test(s, "no_wait", test_e2e_subwf_no_wait);
	CU_add_test(s, "failed_child_and_retry",
	    test_e2e_subwf_failed_child_and_retry);
	CU_add_test(s, "forbidden", test_e2e_subwf_forbidden);
	CU_add_test(s, "depth_limit", test_e2e_subwf_depth_limit);
	CU_add_test(s, "cancel_propagates",
	    test_e2e_subwf_cancel_propagates);
	CU_add_test(s, "kill9_one_child", test_e2e_subwf_kill9_one_child);
	CU_add_test(s, "reserved_names", test_e2e_subwf_reserved_names);
	CU_add_test(s, "example", test_e2e_subwf_example);
	CU_add_test(s, "descendants_limit", test_e2e_subwf_descendants_limit);
	CU_add_test(s, "quota_retried", test_e2e_subwf_quota_retried);
	CU_add_test(s, "finds_existing_child",
	    test_e2e_subwf_finds_existing_child);
}
