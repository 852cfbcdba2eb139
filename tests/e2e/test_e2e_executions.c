/*
 * GET /workflow-management/executions/{id} and GET .../executions through
 * nginx (api.md): the full document, access, the list with its filters
 * and cursor pages, and the routing answers 401/404/405 of these paths.
 * Cancel and retry are in test_e2e_exec_control.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_exec_util.h"

#define TWO_STEPS							\
	"\"steps\":[{\"id\":\"a\",\"type\":\"transform\",\"output\":"	\
	"{\"n\":\"{{ input.n * 2 }}\"}},{\"id\":\"b\",\"type\":"	\
	"\"transform\",\"depends_on\":[\"a\"],\"output\":{\"m\":"	\
	"\"{{ steps.a.output.n + 1 }}\"}}],\"output\":{\"r\":"		\
	"\"{{ steps.b.output.m }}\"}"
#define FAIL_STEPS							\
	"\"steps\":[{\"id\":\"ok\",\"type\":\"transform\",\"output\":"	\
	"{\"v\":1}},{\"id\":\"bad\",\"type\":\"transform\",\"depends_on\":"\
	"[\"ok\"],\"output\":{\"n\":\"{{ input.a * 2 }}\"}},{\"id\":"	\
	"\"after\",\"type\":\"transform\",\"depends_on\":[\"bad\"],"	\
	"\"output\":{\"x\":1}}]"
#define NOT_FOUND_ID	"00000000-0000-4000-8000-000000000000"
#define LIST_N		5

static const char *const doc_keys[] = { "execution_id", "execution_name",
    "template_id", "template_version", "user_id", "status", "input_data",
    "steps", "final_result", "error_details", "total_duration",
    "created_at", "started_at", "completed_at", "cancelled_by",
    "cancel_reason", "redrive_count", "parent_execution_id",
    "parent_step_id" };
static const char *const step_keys[] = { "step_id", "type", "status",
    "attempts", "started_at", "completed_at", "duration", "output",
    "error", "depends_on", "input", "attempt_history" };

/* Every key is a member of o, and o has no other. */
static void
check_keys(struct json_object *o, const char *const *keys, size_t n)
{
	struct json_object	*v;
	size_t			 i;

	CU_ASSERT_EQUAL(x_nkeys(o, ""), (int)n);
	for (i = 0; i < n; i++)
		if (!json_object_object_get_ex(o, keys[i], &v)) {
			fprintf(stderr, "missing member %s\n", keys[i]);
			CU_FAIL("member missing");
		}
}

/* The number at key of o as JSON text has at most 3 decimals. */
static int
ms_precision(struct json_object *o, const char *key)
{
	struct json_object	*v = x_at(o, key);
	const char		*s, *dot;

	if (v == NULL || !(json_object_is_type(v, json_type_double) ||
	    json_object_is_type(v, json_type_int)))
		return 0;
	s = x_json(v);
	dot = strchr(s, '.');
	return strchr(s, 'e') == NULL && (dot == NULL || strlen(dot + 1) <= 3);
}

static char *
run_to_end(const char *token, const char *tid, const char *input,
    struct json_object **doc)
{
	char	*id = e2e_execute(token, tid, input);

	*doc = id != NULL ? e2e_wait(token, id, 20) : NULL;
	return id;
}

static void
test_e2e_executions_document_has_every_field(void)
{
	struct json_object	*doc, *s;
	char			*tid, *id;
	size_t			 i;

	tid = x_template(e2e_tok_alice(), "doc-two", TWO_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = run_to_end(e2e_tok_alice(), tid, "{\"n\": 20, \"s\": [true]}",
	    &doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	check_keys(doc, doc_keys, sizeof(doc_keys) / sizeof(doc_keys[0]));
	X_STREQ(x_str(doc, "execution_id"), id);
	X_STREQ(x_str(doc, "template_id"), tid);
	CU_ASSERT_EQUAL(x_int(doc, "template_version"), 1);
	X_STREQ(x_str(doc, "user_id"), "alice");
	X_STREQ(x_str(doc, "status"), "completed");
	X_STREQ(x_json(x_at(doc, "input_data")), "{\"n\":20,\"s\":[true]}");
	X_STREQ(x_json(x_at(doc, "final_result")), "{\"r\":41}");
	CU_ASSERT_TRUE(x_null(doc, "error_details"));
	CU_ASSERT_TRUE(x_null(doc, "cancelled_by"));
	CU_ASSERT_TRUE(x_null(doc, "cancel_reason"));
	CU_ASSERT_EQUAL(x_int(doc, "redrive_count"), 0);
	CU_ASSERT_TRUE(x_is_time(x_str(doc, "created_at")));
	CU_ASSERT_TRUE(x_is_time(x_str(doc, "started_at")));
	CU_ASSERT_TRUE(x_is_time(x_str(doc, "completed_at")));
	/* Same format, so text order is time order. */
	CU_ASSERT_TRUE(strcmp(x_s(x_str(doc, "created_at")),
	    x_s(x_str(doc, "started_at"))) <= 0);
	CU_ASSERT_TRUE(strcmp(x_s(x_str(doc, "started_at")),
	    x_s(x_str(doc, "completed_at"))) <= 0);
	CU_ASSERT_TRUE(ms_precision(doc, "total_duration"));
	CU_ASSERT_TRUE(json_object_get_double(x_at(doc, "total_duration")) >=
	    0);
	CU_ASSERT_EQUAL_FATAL(x_alen(doc, "steps"), 2);
	for (i = 0; i < 2; i++) {
		s = json_object_array_get_idx(x_at(doc, "steps"), i);
		check_keys(s, step_keys, sizeof(step_keys) /
		    sizeof(step_keys[0]));
		X_STREQ(x_str(s, "step_id"), i == 0 ? "a" : "b");
		X_STREQ(x_str(s, "type"), "transform");
		X_STREQ(x_str(s, "status"), "completed");
		CU_ASSERT_EQUAL(x_int(s, "attempts"), 1);
		CU_ASSERT_TRUE(x_is_time(x_str(s, "started_at")));
		CU_ASSERT_TRUE(x_is_time(x_str(s, "completed_at")));
		CU_ASSERT_TRUE(ms_precision(s, "duration"));
		CU_ASSERT_TRUE(x_null(s, "error"));
	}
	X_STREQ(x_json(x_at(doc, "steps.0.output")), "{\"n\":40}");
	X_STREQ(x_json(x_at(doc, "steps.1.output")), "{\"m\":41}");
	json_object_put(doc);
	free(id);
	free(tid);
}

static void
test_e2e_executions_failed_document_names_the_step(void)
{
	struct json_object	*doc;
	char			*tid, *id;

	tid = x_template(e2e_tok_alice(), "doc-fail", FAIL_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = run_to_end(e2e_tok_alice(), tid, "{\"a\": \"x\"}", &doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	X_STREQ(x_str(doc, "status"), "failed");
	CU_ASSERT_TRUE(x_null(doc, "final_result"));
	CU_ASSERT_EQUAL(x_nkeys(doc, "error_details"), 3);
	X_STREQ(x_str(doc, "error_details.type"), "expression");
	X_STREQ(x_str(doc, "error_details.step_id"), "bad");
	CU_ASSERT_TRUE(x_len(x_str(doc, "error_details.error")) > 0);
	X_STREQ(x_str(doc, "steps.0.status"), "completed");
	X_STREQ(x_str(doc, "steps.1.status"), "failed");
	CU_ASSERT_EQUAL(x_nkeys(doc, "steps.1.error"), 2);
	X_STREQ(x_str(doc, "steps.1.error.type"), "expression");
	X_STREQ(x_str(doc, "steps.1.error.message"),
	    x_str(doc, "error_details.error"));
	CU_ASSERT_TRUE(x_null(doc, "steps.1.output"));
	/* A step that never started shows cancelled once it has ended. */
	X_STREQ(x_str(doc, "steps.2.status"), "cancelled");
	CU_ASSERT_EQUAL(x_int(doc, "steps.2.attempts"), 0);
	CU_ASSERT_TRUE(x_null(doc, "steps.2.started_at"));
	CU_ASSERT_TRUE(x_null(doc, "steps.2.duration"));
	json_object_put(doc);
	free(id);
	free(tid);
}

static void
test_e2e_executions_get_access_and_404(void)
{
	struct resp	 r;
	char		*tid, *id, path[256];

	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", X_EXECS_PATH "/" NOT_FOUND_ID,
	    e2e_tok_alice(), NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 404);
	X_STREQ(r.body, "{\"detail\":\"Execution not found\"}");
	resp_free(&r);
	tid = x_template(e2e_tok_alice(), "doc-access", TWO_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = e2e_execute(e2e_tok_alice(), tid, "{\"n\":1}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	snprintf(path, sizeof(path), "%s/%s", X_EXECS_PATH, id);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_bob(), NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, "{\"detail\":\"Access denied\"}");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_admin(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	X_STREQ(resp_str(&r, "user_id"), "alice");
	resp_free(&r);
	/* workflow:read is enough to read. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_reader(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	X_STREQ(resp_str(&r, "execution_id"), id);
	resp_free(&r);
	free(id);
	free(tid);
}

static void
test_e2e_executions_reader_cannot_execute_cancel_or_retry(void)
{
	static const char	want[] =
	    "{\"detail\":\"Missing role workflow:execute\"}";
	struct resp		 r;
	char			 path[256];

	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_reader(), NULL,
	    "{\"template_id\":\"x\"}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, want);
	resp_free(&r);
	snprintf(path, sizeof(path), "%s/%s/cancel", X_EXECS_PATH,
	    NOT_FOUND_ID);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_reader(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, want);
	resp_free(&r);
	snprintf(path, sizeof(path), "%s/%s/retry", X_EXECS_PATH,
	    NOT_FOUND_ID);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_reader(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, want);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", X_EXECS_PATH, e2e_tok_reader(),
	    NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
}

static void
test_e2e_executions_get_prefer_wait_long_polls(void)
{
	static const char *const prefer[] = { "Prefer: wait=10", NULL };
	struct resp	 r;
	char		*tid, *id, path[256];

	tid = x_template(e2e_tok_alice(), "doc-delay1",
	    "\"steps\":[{\"id\":\"w\",\"type\":\"delay\",\"seconds\":1}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = e2e_execute(e2e_tok_alice(), tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	snprintf(path, sizeof(path), "%s/%s", X_EXECS_PATH, id);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_alice(), NULL,
	    prefer, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	X_STREQ(resp_str(&r, "status"), "completed");
	resp_free(&r);
	free(id);
	free(tid);
}

/*
 * The lister users' executions, made once: LIST_N fast ones of
 * lister-a on template ta (public), one of lister-b on ta, and one
 * failed one of lister-a on template tf. ids[] newest first.
 */
static char	*ta, *tf, *ids[LIST_N], *bid, *fid;

static int
listers(void)
{
	struct json_object	*doc;
	int			 i;

	if (ta != NULL)
		return 1;
	ta = x_template(x_tok("lister-a"), "list-a", "\"is_public\":true,"
	    TWO_STEPS);
	tf = x_template(x_tok("lister-a"), "list-f", FAIL_STEPS);
	if (ta == NULL || tf == NULL)
		return 0;
	for (i = LIST_N - 1; i >= 0; i--) {
		ids[i] = e2e_execute(x_tok("lister-a"), ta, "{\"n\":1}");
		if (ids[i] == NULL)
			return 0;
	}
	if ((bid = e2e_execute(x_tok("lister-b"), ta, "{\"n\":2}")) == NULL)
		return 0;
	fid = run_to_end(x_tok("lister-a"), tf, "{\"a\":\"x\"}", &doc);
	json_object_put(doc);
	for (i = 0; i < LIST_N; i++) {
		doc = e2e_wait(x_tok("lister-a"), ids[i], 20);
		json_object_put(doc);
	}
	return fid != NULL;
}

/* GET /executions?query as token; r must be 200. */
static int
list(const char *token, const char *query, struct resp *r)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s?%s", X_EXECS_PATH, query);
	if (e2e_req("GET", path, token, NULL, NULL, r) != 0)
		return -1;
	return r->status == 200 ? 0 : -1;
}

static void
test_e2e_executions_list_is_own_newest_first(void)
{
	struct json_object	*it;
	struct resp		 r;
	int			 i;

	CU_ASSERT_TRUE_FATAL(listers());
	CU_ASSERT_EQUAL_FATAL(list(x_tok("lister-a"), "", &r), 0);
	/* The failed one is the newest, then the fast ones. */
	CU_ASSERT_EQUAL_FATAL(x_alen(r.json, "items"), LIST_N + 1);
	X_STREQ(x_str(r.json, "items.0.execution_id"), fid);
	for (i = 0; i < LIST_N; i++) {
		it = json_object_array_get_idx(x_at(r.json, "items"),
		    (size_t)i + 1);
		X_STREQ(x_str(it, "execution_id"), ids[i]);
		/*
		 * A summary: the 202 body plus completed_at, and since the
		 * second milestone template_name, started_at and
		 * total_duration.
		 */
		CU_ASSERT_EQUAL(x_nkeys(it, ""), 10);
		X_STREQ(x_str(it, "template_id"), ta);
		X_STREQ(x_str(it, "status"), "completed");
		CU_ASSERT_TRUE(x_is_time(x_str(it, "completed_at")));
		CU_ASSERT_TRUE(strcmp(x_s(x_str(it, "created_at")),
		    x_s(x_str(r.json, "items.0.created_at"))) <= 0);
	}
	CU_ASSERT_TRUE(x_null(r.json, "next_cursor"));
	resp_free(&r);
	/* lister-b sees only its own, on the same template. */
	CU_ASSERT_EQUAL_FATAL(list(x_tok("lister-b"), "", &r), 0);
	CU_ASSERT_EQUAL(x_alen(r.json, "items"), 1);
	X_STREQ(x_str(r.json, "items.0.execution_id"), bid);
	resp_free(&r);
}

static void
test_e2e_executions_list_filters_status_and_template(void)
{
	struct resp	r;
	char		q[128];

	CU_ASSERT_TRUE_FATAL(listers());
	CU_ASSERT_EQUAL_FATAL(list(x_tok("lister-a"), "status=failed", &r), 0);
	CU_ASSERT_EQUAL(x_alen(r.json, "items"), 1);
	X_STREQ(x_str(r.json, "items.0.execution_id"), fid);
	resp_free(&r);
	CU_ASSERT_EQUAL(x_count(x_tok("lister-a"), "status=completed", NULL),
	    LIST_N);
	CU_ASSERT_EQUAL(x_count(x_tok("lister-a"), "status=running", NULL), 0);
	snprintf(q, sizeof(q), "template_id=%s", tf);
	CU_ASSERT_EQUAL(x_count(x_tok("lister-a"), q, NULL), 1);
	snprintf(q, sizeof(q), "template_id=%s", ta);
	CU_ASSERT_EQUAL(x_count(x_tok("lister-a"), q, NULL), LIST_N);
	snprintf(q, sizeof(q), "template_id=%s&status=failed", ta);
	CU_ASSERT_EQUAL(x_count(x_tok("lister-a"), q, NULL), 0);
	CU_ASSERT_EQUAL(x_count(x_tok("lister-a"), "template_id=nope", NULL),
	    0);
}

static void
test_e2e_executions_list_bad_query_is_400(void)
{
	static const char *const bad_limit[] = { "limit=0", "limit=101",
	    "limit=abc", "limit=-1", "limit=1.5", "limit=", "limit=%zz" };
	static const char *const bad_cursor[] = { "cursor=c5.12345678",
	    "cursor=abc", "cursor=", "cursor=c0.00000000" };
	struct resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(bad_limit) / sizeof(bad_limit[0]); i++) {
		CU_ASSERT_EQUAL(list(e2e_tok_alice(), bad_limit[i], &r), -1);
		CU_ASSERT_EQUAL(r.status, 400);
		X_STREQ(r.body, "{\"detail\":\"limit must be an integer from 1 "
		    "to 100\"}");
		resp_free(&r);
	}
	for (i = 0; i < sizeof(bad_cursor) / sizeof(bad_cursor[0]); i++) {
		CU_ASSERT_EQUAL(list(e2e_tok_alice(), bad_cursor[i], &r), -1);
		CU_ASSERT_EQUAL(r.status, 400);
		X_STREQ(r.body, "{\"detail\":\"Invalid cursor\"}");
		resp_free(&r);
	}
	CU_ASSERT_EQUAL(list(e2e_tok_alice(), "status=bogus", &r), -1);
	CU_ASSERT_EQUAL(r.status, 400);
	X_STREQ(r.body, "{\"detail\":\"Invalid query parameter\"}");
	resp_free(&r);
	CU_ASSERT_EQUAL(list(e2e_tok_alice(), "limit=100", &r), 0);
	resp_free(&r);
	CU_ASSERT_EQUAL(list(e2e_tok_alice(), "limit=1", &r), 0);
	CU_ASSERT_TRUE(x_alen(r.json, "items") <= 1);
	resp_free(&r);
}

static void
test_e2e_executions_list_pages_2_2_1_then_null(void)
{
	struct resp	 r;
	char		 q[256], cur[128] = "", seen[LIST_N][64];
	const char	*next;
	int		 page, n = 0, sizes[3] = { 2, 2, 1 }, i;

	CU_ASSERT_TRUE_FATAL(listers());
	for (page = 0; page < 3; page++) {
		snprintf(q, sizeof(q), "template_id=%s&limit=2%s%s", ta,
		    page > 0 ? "&cursor=" : "", cur);
		CU_ASSERT_EQUAL_FATAL(list(x_tok("lister-a"), q, &r), 0);
		CU_ASSERT_EQUAL(x_alen(r.json, "items"), sizes[page]);
		for (i = 0; i < x_alen(r.json, "items") && n < LIST_N; i++) {
			snprintf(seen[n], sizeof(seen[n]), "%s",
			    x_s(x_str(json_object_array_get_idx(x_at(r.json,
			    "items"), (size_t)i), "execution_id")));
			X_STREQ(seen[n], ids[n]);
			n++;
		}
		next = x_str(r.json, "next_cursor");
		if (page < 2) {
			CU_ASSERT_PTR_NOT_NULL_FATAL(next);
			snprintf(cur, sizeof(cur), "%s", next);
		} else
			CU_ASSERT_TRUE(x_null(r.json, "next_cursor"));
		resp_free(&r);
	}
	CU_ASSERT_EQUAL(n, LIST_N);
	/* A cursor with one digit of its checksum changed is refused. */
	i = (int)strlen(cur) - 1;
	cur[i] = cur[i] == '0' ? '1' : '0';
	snprintf(q, sizeof(q), "limit=2&cursor=%s", cur);
	CU_ASSERT_EQUAL(list(x_tok("lister-a"), q, &r), -1);
	CU_ASSERT_EQUAL(r.status, 400);
	X_STREQ(r.body, "{\"detail\":\"Invalid cursor\"}");
	resp_free(&r);
}

static void
test_e2e_executions_admin_sees_everyone_and_filters_user(void)
{
	struct json_object	*it;
	struct resp		 r;
	char			 q[256];
	int			 i, na = 0, nb = 0;

	CU_ASSERT_TRUE_FATAL(listers());
	snprintf(q, sizeof(q), "template_id=%s&limit=100", ta);
	CU_ASSERT_EQUAL_FATAL(list(e2e_tok_admin(), q, &r), 0);
	CU_ASSERT_EQUAL(x_alen(r.json, "items"), LIST_N + 1);
	for (i = 0; i < x_alen(r.json, "items"); i++) {
		it = json_object_array_get_idx(x_at(r.json, "items"),
		    (size_t)i);
		na += x_eq(x_str(it, "user_id"), x_run("lister-a"));
		nb += x_eq(x_str(it, "user_id"), x_run("lister-b"));
	}
	CU_ASSERT_EQUAL(na, LIST_N);
	CU_ASSERT_EQUAL(nb, 1);
	X_STREQ(x_str(r.json, "items.0.execution_id"), bid);
	resp_free(&r);
	snprintf(q, sizeof(q), "user_id=%s", x_run("lister-a"));
	CU_ASSERT_EQUAL(x_count(e2e_tok_admin(), q, NULL), LIST_N + 1);
	snprintf(q, sizeof(q), "user_id=%s", x_run("lister-b"));
	CU_ASSERT_EQUAL(x_count(e2e_tok_admin(), q, NULL), 1);
	/* A non-admin may name only itself. */
	snprintf(q, sizeof(q), "user_id=%s", x_run("lister-a"));
	CU_ASSERT_EQUAL(list(x_tok("lister-b"), q, &r), -1);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, "{\"detail\":\"Access denied\"}");
	resp_free(&r);
	snprintf(q, sizeof(q), "user_id=%s", x_run("lister-b"));
	CU_ASSERT_EQUAL(x_count(x_tok("lister-b"), q, NULL), 1);
}

static void
test_e2e_executions_wrong_method_is_405_with_allow(void)
{
	static const struct {
		const char	*method, *path, *allow;
	} cases[] = {
		{ "GET", X_EXEC_PATH, "POST" },
		{ "PUT", X_EXECS_PATH, "GET" },
		{ "DELETE", X_EXECS_PATH "/" NOT_FOUND_ID, "GET" },
		{ "GET", X_EXECS_PATH "/" NOT_FOUND_ID "/cancel", "POST" },
		{ "PATCH", X_EXECS_PATH "/" NOT_FOUND_ID "/retry", "POST" },
	};
	struct resp	r;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(e2e_req(cases[i].method, cases[i].path,
		    e2e_tok_alice(), NULL, NULL, &r), 0);
		CU_ASSERT_EQUAL(r.status, 405);
		X_STREQ(resp_header(&r, "Allow"), cases[i].allow);
		X_STREQ(r.body, "{\"detail\":\"Method Not Allowed\"}");
		resp_free(&r);
	}
}

static void
test_e2e_executions_unknown_routes_are_404(void)
{
	static const char *const paths[] = { "/workflow-management/nope",
	    X_EXECS_PATH "/" NOT_FOUND_ID "/suspend",
	    X_EXECS_PATH "/" NOT_FOUND_ID "/cancel/x",
	    X_EXEC_PATH "/x", "/workflow-management/executions/a%20b" };
	struct resp	r;
	size_t		i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(e2e_req("POST", paths[i],
		    e2e_tok_alice(), NULL, NULL, &r), 0);
		CU_ASSERT_EQUAL(r.status, 404);
		X_STREQ(r.body, "{\"detail\":\"Not Found\"}");
		resp_free(&r);
	}
}

static void
test_e2e_executions_no_token_is_401_with_challenge(void)
{
	static const char *const paths[] = { X_EXEC_PATH, X_EXECS_PATH,
	    X_EXECS_PATH "/" NOT_FOUND_ID,
	    X_EXECS_PATH "/" NOT_FOUND_ID "/cancel",
	    X_EXECS_PATH "/" NOT_FOUND_ID "/retry" };
	static const char *const methods[] = { "POST", "GET", "GET", "POST",
	    "POST" };
	struct resp	r;
	size_t		i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(e2e_req(methods[i], paths[i], NULL, NULL,
		    NULL, &r), 0);
		CU_ASSERT_EQUAL(r.status, 401);
		X_STREQ(resp_header(&r, "WWW-Authenticate"),
		    "Bearer realm=\"wfm\"");
		X_STREQ(r.body, "{\"detail\":\"Not authenticated\"}");
		resp_free(&r);
	}
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", X_EXECS_PATH, "not.a.jwt", NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 401);
	X_STREQ(resp_header(&r, "WWW-Authenticate"),
	    "Bearer realm=\"wfm\", error=\"invalid_token\"");
	CU_ASSERT_PTR_NOT_NULL(x_str(r.json, "detail"));
	CU_ASSERT_PTR_NULL(strstr(r.body, "not.a.jwt"));
	resp_free(&r);
}

E2E_SUITE(test_e2e_executions_register)

/*
 * With no row for step 0 but one for step 1 (removed here by hand), the
 * document is still whole: every step is shown, step 0 as pending.
 */
static void
test_e2e_executions_get_without_step0_row(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			 path[256], stmt[512], *tid, *id;

	tid = x_template(e2e_tok_alice(), "doc-no-step0", TWO_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	id = run_to_end(e2e_tok_alice(), tid, "{\"n\": 4, \"s\": []}", &doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	json_object_put(doc);
	snprintf(stmt, sizeof(stmt), "DELETE s FROM execution_steps s JOIN "
	    "executions e ON e.id = s.exec_pk WHERE e.execution_id = '%s' "
	    "AND s.step_idx = 0", id);
	CU_ASSERT_EQUAL_FATAL(e2e_sql("%s", stmt), 0);
	snprintf(path, sizeof(path), "/workflow-management/executions/%s", id);
	CU_ASSERT_EQUAL(e2e_req("GET", path, e2e_tok_alice(), NULL, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	X_STREQ(x_json(x_at(r.json, "input_data")), "{\"n\":4,\"s\":[]}");
	X_STREQ(x_json(x_at(r.json, "final_result")), "{\"r\":9}");
	CU_ASSERT_EQUAL_FATAL(x_alen(r.json, "steps"), 2);
	X_STREQ(x_str(r.json, "steps.0.step_id"), "a");
	X_STREQ(x_str(r.json, "steps.0.status"), "cancelled");
	X_STREQ(x_str(r.json, "steps.1.step_id"), "b");
	X_STREQ(x_str(r.json, "steps.1.status"), "completed");
	X_STREQ(x_json(x_at(r.json, "steps.1.output")), "{\"m\":9}");
	resp_free(&r);
	free(id);
	free(tid);
}

void
test_e2e_executions_register(void)
{
	CU_pSuite	s = CU_add_suite("executions", NULL, NULL);

#define T(name)	CU_add_test(s, #name, test_e2e_executions_##name)
	T(document_has_every_field);
	T(failed_document_names_the_step);
	T(get_access_and_404);
	T(reader_cannot_execute_cancel_or_retry);
	T(get_prefer_wait_long_polls);
	T(list_is_own_newest_first);
	T(list_filters_status_and_template);
	T(list_bad_query_is_400);
	T(list_pages_2_2_1_then_null);
	T(admin_sees_everyone_and_filters_user);
	T(wrong_method_is_405_with_allow);
	T(unknown_routes_are_404);
	T(no_token_is_401_with_challenge);
	T(get_without_step0_row);
#undef T
}
