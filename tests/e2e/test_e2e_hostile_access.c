/*
 * Broken access control through nginx (OWASP API1, API3, API5):
 * - BOLA: bob's valid token on every endpoint that takes an id of
 *   alice's objects is 403 {"detail": "Access denied"} (404 for ids that
 *   do not exist), as api.md says, never 200; and nothing changed.
 * - BFLA: a token without the role on every endpoint that needs it is
 *   403 "Missing role <role>", checked before the body is read; nothing
 *   changed.
 * - Mass assignment: fields the server owns (owner_id, user_id, status,
 *   version, template_id, ...) in a body are 422 extra_forbidden, each
 *   one listed, and nothing is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_hostile.h"

#define ALL_ROLES	"workflow:execute,workflow:read,template:write"
#define ALICE		"h12-alice"
#define BOB		"h12-bob"
#define MASS		"h12-mass"
#define DENIED		"Access denied"
#define NEED_EXEC	"Missing role workflow:execute"
#define NEED_READ	"Missing role workflow:read"
#define NEED_WRITE	"Missing role template:write"
#define FAST_DEF	"{\"name\":\"h12-access\",\"steps\":[{\"id\":\"a\"," \
			"\"type\":\"transform\",\"output\":{\"v\":1}}]}"
#define SLOW_DEF	"{\"name\":\"h12-access-slow\",\"steps\":[{\"id\":" \
			"\"s\",\"type\":\"command\",\"handler\":"	    \
			"\"sleep-forever\",\"timeout_seconds\":60}]}"

static struct hx_mark	acc_mark;

#define ALICE_TOK	hx_tok(ALICE, ALL_ROLES)
#define BOB_TOK		hx_tok(BOB, ALL_ROLES)
#define READER_TOK	hx_tok(ALICE, "workflow:read")
#define EXECONLY_TOK	hx_tok(ALICE, "workflow:execute")
#define WRITEONLY_TOK	hx_tok(ALICE, "template:write")
#define NOROLE_TOK	hx_tok(ALICE, "")
#define MASS_TOK	hx_tok(MASS, ALL_ROLES)
#define ADMIN_TOK	hx_tok("h12-admin", "admin")

/* alice's objects, made once: a template, a finished execution. */
static struct {
	char	*tid;		/* FAST_DEF, private */
	char	*slow;		/* SLOW_DEF, private */
	char	*done;		/* completed execution of tid */
} fx;

static const char *
status_of(const char *eid)
{
	static char	 st[32];
	struct resp	 r;
	char		 path[256];

	snprintf(path, sizeof(path), HX_EXECS_PATH "/%s", eid);
	st[0] = '\0';
	if (e2e_req("GET", path, ALICE_TOK, NULL, NULL, &r) == 0) {
		if (r.status == 200 && resp_str(&r, "status") != NULL)
			snprintf(st, sizeof(st), "%s", resp_str(&r, "status"));
		resp_free(&r);
	}
	return st;
}

/* Poll until the execution has status want (10 s at most); 1 if so. */
static int
reaches(const char *eid, const char *want)
{
	struct timespec	ts = { 0, 100 * 1000 * 1000 };
	int		i;

	for (i = 0; i < 100; i++) {
		if (strcmp(status_of(eid), want) == 0)
			return 1;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "\n    %s: %s, not %s", eid, status_of(eid), want);
	return 0;
}

static int
fixture(void)
{
	if (fx.tid == NULL)
		fx.tid = e2e_template(ALICE_TOK, FAST_DEF);
	if (fx.slow == NULL)
		fx.slow = e2e_template(ALICE_TOK, SLOW_DEF);
	if (fx.done == NULL && fx.tid != NULL &&
	    (fx.done = e2e_execute(ALICE_TOK, fx.tid, NULL)) != NULL &&
	    !reaches(fx.done, "completed")) {
		free(fx.done);
		fx.done = NULL;
	}
	return fx.tid != NULL && fx.slow != NULL && fx.done != NULL;
}

/* METHOD path (a format with one %s) as token with body; the answer. */
static int
call(const char *method, const char *fmt, const char *id, const char *token,
    const char *body, struct resp *r)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s%s%s", fmt, id != NULL ? "/" : "",
	    id != NULL ? id : "");
	return e2e_req(method, path, token, body, NULL, r);
}

/* 1 if the call is answered status {"detail": detail}. */
static int
is(const char *method, const char *fmt, const char *id, const char *token,
    const char *body, long status, const char *detail)
{
	struct resp	r;
	int		ok;

	if (call(method, fmt, id, token, body, &r) != 0)
		return 0;
	ok = hx_detail(&r, status, detail);
	if (!ok)
		fprintf(stderr, "\n    (%s %s/%s)", method, fmt, id ? id : "");
	resp_free(&r);
	return ok;
}

/* "<exec id>/cancel" (static buffer). */
static const char *
sub(const char *id, const char *what)
{
	static char	buf[2][256];
	static int	n;

	n = !n;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", id, what);
	return buf[n];
}

/* 1 if the list at path as token holds an item with key == id. */
static int
listed(const char *path, const char *token, const char *key, const char *id)
{
	struct json_object	*items, *v;
	struct resp		 r;
	size_t			 i;
	int			 found = 0;

	if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
		return -1;
	if (r.status == 200 && json_object_object_get_ex(r.json, "items",
	    &items))
		for (i = 0; i < json_object_array_length(items); i++)
			if (json_object_object_get_ex(json_object_array_get_idx(
			    items, i), key, &v) &&
			    strcmp(json_object_get_string(v), id) == 0)
				found = 1;
	resp_free(&r);
	return found;
}

/* Number of items of GET path?limit=100 as token, -1 on error. */
static int
nitems(const char *path, const char *token)
{
	struct json_object	*items;
	struct resp		 r;
	char			 p[256];
	int			 n = -1;

	snprintf(p, sizeof(p), "%s?limit=100", path);
	if (e2e_req("GET", p, token, NULL, NULL, &r) != 0)
		return -1;
	if (r.status == 200 && json_object_object_get_ex(r.json, "items",
	    &items))
		n = (int)json_object_array_length(items);
	resp_free(&r);
	return n;
}

/*
 * Items of the list at path named name: the template list also shows
 * other suites' public templates, so only the name tells ours apart.
 */
static int
nitems_named(const char *path, const char *token, const char *name)
{
	struct json_object	*items, *it, *v;
	struct resp		 r;
	char			 p[256];
	size_t			 i;
	int			 n = -1;

	snprintf(p, sizeof(p), "%s?limit=100", path);
	if (e2e_req("GET", p, token, NULL, NULL, &r) != 0)
		return -1;
	if (r.status == 200 && json_object_object_get_ex(r.json, "items",
	    &items)) {
		n = 0;
		for (i = 0; i < json_object_array_length(items); i++) {
			it = json_object_array_get_idx(items, i);
			if (json_object_object_get_ex(it, "name", &v) &&
			    strcmp(json_object_get_string(v), name) == 0)
				n++;
		}
	}
	resp_free(&r);
	return n;
}

/* alice's view of her template: 1 if it still has version and owner. */
static int
template_intact(const char *tid, long long version)
{
	struct json_object	*v;
	struct resp		 r;
	int			 ok;

	if (call("GET", HX_TMPL_PATH, tid, ALICE_TOK, NULL, &r) != 0)
		return 0;
	ok = r.status == 200 && json_object_object_get_ex(r.json, "version",
	    &v) && json_object_get_int64(v) == version &&
	    resp_str(&r, "owner_id") != NULL &&
	    strcmp(resp_str(&r, "owner_id"), ALICE) == 0 &&
	    resp_str(&r, "name") != NULL &&
	    strcmp(resp_str(&r, "name"), "h12-access") == 0;
	if (!ok)
		fprintf(stderr, "\n    template %s: %ld %.200s", tid, r.status,
		    r.body);
	resp_free(&r);
	return ok;
}

static int
acc_init(void)
{
	hx_mark_take(&acc_mark);
	return 0;
}

static void
test_acc_bola_bob_on_alices_executions(void)
{
	const char	*wait[] = { "Prefer: wait=5", NULL };
	struct resp	 r;
	char		*run, body[128];

	CU_ASSERT_FATAL(fixture());
	run = e2e_execute(ALICE_TOK, fx.slow, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	CU_ASSERT_FATAL(reaches(run, "running"));

	CU_ASSERT(is("GET", HX_EXECS_PATH, fx.done, BOB_TOK, NULL, 403,
	    DENIED));
	CU_ASSERT(is("GET", HX_EXECS_PATH, run, BOB_TOK, NULL, 403, DENIED));
	/* Refused at once, not after holding the request (Prefer: wait). */
	snprintf(body, sizeof(body), HX_EXECS_PATH "/%s", run);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", body, BOB_TOK, NULL, wait, &r), 0);
	CU_ASSERT(hx_detail(&r, 403, DENIED));
	CU_ASSERT(r.seconds < 4.0);
	resp_free(&r);
	CU_ASSERT(is("POST", HX_EXECS_PATH, sub(run, "cancel"), BOB_TOK, NULL,
	    403, DENIED));
	CU_ASSERT(is("POST", HX_EXECS_PATH, sub(run, "cancel"), BOB_TOK,
	    "{\"reason\":\"mine now\"}", 403, DENIED));
	CU_ASSERT(is("POST", HX_EXECS_PATH, sub(fx.done, "retry"), BOB_TOK,
	    NULL, 403, DENIED));
	/* Not in bob's lists, and no filter reaches alice's rows. */
	CU_ASSERT_EQUAL(listed(HX_EXECS_PATH "?limit=100", BOB_TOK,
	    "execution_id", fx.done), 0);
	CU_ASSERT(is("GET", HX_EXECS_PATH "?user_id=" ALICE, NULL, BOB_TOK,
	    NULL, 403, DENIED));
	snprintf(body, sizeof(body), HX_EXECS_PATH "?template_id=%s", fx.tid);
	CU_ASSERT_EQUAL(nitems(body, BOB_TOK), 0);
	/* Ids that do not exist stay 404 for bob too. */
	CU_ASSERT(is("GET", HX_EXECS_PATH, "00000000-0000-4000-8000-"
	    "000000000000", BOB_TOK, NULL, 404, "Execution not found"));
	CU_ASSERT(is("POST", HX_EXECS_PATH, sub("00000000-0000-4000-8000-"
	    "000000000000", "cancel"), BOB_TOK, NULL, 404,
	    "Execution not found"));

	/* Nothing happened: still running, and alice may stop it herself. */
	CU_ASSERT_STRING_EQUAL(status_of(run), "running");
	CU_ASSERT_STRING_EQUAL(status_of(fx.done), "completed");
	CU_ASSERT_EQUAL_FATAL(call("POST", HX_EXECS_PATH, sub(run, "cancel"),
	    ALICE_TOK, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	CU_ASSERT(reaches(run, "cancelled"));
	/* A cancelled one can be retried, but not by bob. */
	CU_ASSERT(is("POST", HX_EXECS_PATH, sub(run, "retry"), BOB_TOK, NULL,
	    403, DENIED));
	CU_ASSERT_STRING_EQUAL(status_of(run), "cancelled");
	/* An admin may read it: the 403s were about ownership. */
	CU_ASSERT_EQUAL_FATAL(call("GET", HX_EXECS_PATH, run, ADMIN_TOK, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	free(run);
}

static void
test_acc_bola_bob_on_alices_template(void)
{
	char	body[256];

	CU_ASSERT_FATAL(fixture());
	CU_ASSERT(is("GET", HX_TMPL_PATH, fx.tid, BOB_TOK, NULL, 403,
	    DENIED));
	CU_ASSERT(is("PUT", HX_TMPL_PATH, fx.tid, BOB_TOK, "{\"name\":"
	    "\"bob-was-here\",\"is_public\":true,\"steps\":[{\"id\":\"a\","
	    "\"type\":\"transform\",\"output\":{\"v\":2}}]}", 403, DENIED));
	CU_ASSERT(is("DELETE", HX_TMPL_PATH, fx.tid, BOB_TOK, NULL, 403,
	    DENIED));
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\"}", fx.tid);
	CU_ASSERT(is("POST", HX_EXEC_PATH, NULL, BOB_TOK, body, 403, DENIED));
	CU_ASSERT(is("POST", HX_EXEC_PATH "?dry_run=true", NULL, BOB_TOK,
	    body, 403, DENIED));
	CU_ASSERT_EQUAL(listed(HX_TMPL_PATH "?limit=100", BOB_TOK,
	    "template_id", fx.tid), 0);
	CU_ASSERT(is("GET", HX_TMPL_PATH, "00000000-0000-4000-8000-"
	    "000000000000", BOB_TOK, NULL, 404, "Template not found"));
	/* Unchanged, not deleted, still private. */
	CU_ASSERT(template_intact(fx.tid, 1));
	CU_ASSERT(is("GET", HX_TMPL_PATH, fx.tid, BOB_TOK, NULL, 403,
	    DENIED));
}

static void
test_acc_bfla_read_only_token_on_every_writing_endpoint(void)
{
	char	body[256];
	int	before;

	CU_ASSERT_FATAL(fixture());
	before = nitems(HX_EXECS_PATH, ALICE_TOK);
	CU_ASSERT_FATAL(before >= 1);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\"}", fx.tid);
	/* alice herself, but with workflow:read only. */
	CU_ASSERT(is("POST", HX_EXEC_PATH, NULL, READER_TOK, body, 403,
	    NEED_EXEC));
	CU_ASSERT(is("POST", HX_EXEC_PATH "?dry_run=true", NULL, READER_TOK,
	    body, 403, NEED_EXEC));
	/* The role is checked before the body is even parsed. */
	CU_ASSERT(is("POST", HX_EXEC_PATH, NULL, READER_TOK, "{", 403,
	    NEED_EXEC));
	CU_ASSERT(is("POST", HX_EXECS_PATH, sub(fx.done, "cancel"),
	    READER_TOK, NULL, 403, NEED_EXEC));
	CU_ASSERT(is("POST", HX_EXECS_PATH, sub(fx.done, "retry"), READER_TOK,
	    NULL, 403, NEED_EXEC));
	CU_ASSERT(is("POST", HX_TMPL_PATH, NULL, READER_TOK, FAST_DEF, 403,
	    NEED_WRITE));
	CU_ASSERT(is("PUT", HX_TMPL_PATH, fx.tid, READER_TOK, FAST_DEF, 403,
	    NEED_WRITE));
	CU_ASSERT(is("DELETE", HX_TMPL_PATH, fx.tid, READER_TOK, NULL, 403,
	    NEED_WRITE));
	CU_ASSERT(is("GET", "/workflow-management/audit", NULL, READER_TOK,
	    NULL, 403, "Missing role admin"));
	/* What it may do still works; nothing was written. */
	CU_ASSERT(template_intact(fx.tid, 1));
	CU_ASSERT_EQUAL(nitems(HX_EXECS_PATH, READER_TOK), before);
	CU_ASSERT_STRING_EQUAL(status_of(fx.done), "completed");
}

static void
test_acc_bfla_tokens_missing_other_roles(void)
{
	char	body[256];

	CU_ASSERT_FATAL(fixture());
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\"}", fx.tid);
	/* workflow:execute only: may not read, not even its own objects. */
	CU_ASSERT(is("GET", HX_EXECS_PATH, NULL, EXECONLY_TOK, NULL, 403,
	    NEED_READ));
	CU_ASSERT(is("GET", HX_EXECS_PATH, fx.done, EXECONLY_TOK, NULL, 403,
	    NEED_READ));
	CU_ASSERT(is("GET", HX_TMPL_PATH, NULL, EXECONLY_TOK, NULL, 403,
	    NEED_READ));
	CU_ASSERT(is("GET", HX_TMPL_PATH, fx.tid, EXECONLY_TOK, NULL, 403,
	    NEED_READ));
	CU_ASSERT(is("POST", HX_TMPL_PATH, NULL, EXECONLY_TOK, FAST_DEF, 403,
	    NEED_WRITE));
	/* template:write only: may not run or read executions. */
	CU_ASSERT(is("POST", HX_EXEC_PATH, NULL, WRITEONLY_TOK, body, 403,
	    NEED_EXEC));
	CU_ASSERT(is("GET", HX_EXECS_PATH, fx.done, WRITEONLY_TOK, NULL, 403,
	    NEED_READ));
	/* No roles at all. */
	CU_ASSERT(is("GET", HX_EXECS_PATH, NULL, NOROLE_TOK, NULL, 403,
	    NEED_READ));
	CU_ASSERT(is("POST", HX_EXEC_PATH, NULL, NOROLE_TOK, body, 403,
	    NEED_EXEC));
	CU_ASSERT(is("DELETE", HX_TMPL_PATH, fx.tid, NOROLE_TOK, NULL, 403,
	    NEED_WRITE));
	CU_ASSERT(template_intact(fx.tid, 1));
}

/* 1 if r lists exactly the extra_forbidden entries of keys[0..n) at prefix. */
static int
only_extras(const struct resp *r, const char *prefix,
    const char *const *keys, int n)
{
	char	loc[256];
	int	i, ok = hx_verr_n(r) == n;

	if (!ok)
		fprintf(stderr, "\n    want %d errors: %.300s", n, r->body);
	for (i = 0; i < n; i++) {
		snprintf(loc, sizeof(loc), "[%s\"%s\"]", prefix, keys[i]);
		ok &= hx_verr_has(r, "extra_forbidden", loc);
	}
	return ok;
}

static const char *const tmpl_extras[] = {
	"owner_id", "status", "user_id", "version", "template_id",
	"created_at", "updated_at", "deleted_at"
};
#define TMPL_EXTRAS						\
	"\"owner_id\":\"" BOB "\",\"status\":\"active\","	\
	"\"user_id\":\"" BOB "\",\"version\":99,"		\
	"\"template_id\":\"h12-chosen\",\"created_at\":"	\
	"\"2000-01-01T00:00:00.000Z\",\"updated_at\":"		\
	"\"2000-01-01T00:00:00.000Z\",\"deleted_at\":null"

static void
test_acc_mass_assignment_on_template_create(void)
{
	static const char *const step_extra[] = { "owner_id" };
	struct resp	r;

	CU_ASSERT_EQUAL_FATAL(call("POST", HX_TMPL_PATH, NULL, MASS_TOK,
	    "{\"name\":\"h12-mass\",\"steps\":[{\"id\":\"a\",\"type\":"
	    "\"transform\",\"output\":{}}]," TMPL_EXTRAS "}", &r), 0);
	CU_ASSERT(only_extras(&r, "\"body\",", tmpl_extras, 8));
	resp_free(&r);
	/* Inside a step as well. */
	CU_ASSERT_EQUAL_FATAL(call("POST", HX_TMPL_PATH, NULL, MASS_TOK,
	    "{\"name\":\"h12-mass\",\"steps\":[{\"id\":\"a\",\"type\":"
	    "\"transform\",\"output\":{},\"owner_id\":\"" BOB "\"}]}", &r), 0);
	CU_ASSERT(only_extras(&r, "\"body\",\"steps\",0,", step_extra, 1));
	resp_free(&r);
	/* Nothing was stored for the user. */
	CU_ASSERT_EQUAL(nitems_named(HX_TMPL_PATH, MASS_TOK, "h12-mass"), 0);
}

static void
test_acc_mass_assignment_on_template_put(void)
{
	struct resp	r;

	CU_ASSERT_FATAL(fixture());
	CU_ASSERT_EQUAL_FATAL(call("PUT", HX_TMPL_PATH, fx.tid, ALICE_TOK,
	    "{\"name\":\"h12-access\",\"steps\":[{\"id\":\"a\",\"type\":"
	    "\"transform\",\"output\":{\"v\":1}}]," TMPL_EXTRAS "}", &r), 0);
	CU_ASSERT(only_extras(&r, "\"body\",", tmpl_extras, 8));
	resp_free(&r);
	/* Still alice's, version 1; bob gained nothing. */
	CU_ASSERT(template_intact(fx.tid, 1));
	CU_ASSERT(is("GET", HX_TMPL_PATH, fx.tid, BOB_TOK, NULL, 403,
	    DENIED));
}

static void
test_acc_mass_assignment_on_execute_and_cancel(void)
{
	static const char *const exec_extras[] = {
		"owner_id", "user_id", "status", "version",
		"template_version", "execution_id", "created_at"
	};
	static const char *const cancel_extras[] = { "cancelled_by",
	    "status" };
	struct resp	 r;
	char		 body[1024];
	int		 before;

	CU_ASSERT_FATAL(fixture());
	before = nitems(HX_EXECS_PATH, ALICE_TOK);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"owner_id\":"
	    "\"" BOB "\",\"user_id\":\"" BOB "\",\"status\":\"completed\","
	    "\"version\":1,\"template_version\":1,\"execution_id\":"
	    "\"00000000-0000-4000-8000-000000000001\",\"created_at\":"
	    "\"2000-01-01T00:00:00.000Z\"}", fx.tid);
	CU_ASSERT_EQUAL_FATAL(call("POST", HX_EXEC_PATH, NULL, ALICE_TOK, body,
	    &r), 0);
	CU_ASSERT(only_extras(&r, "\"body\",", exec_extras, 7));
	resp_free(&r);
	CU_ASSERT_EQUAL(nitems(HX_EXECS_PATH, ALICE_TOK), before);
	CU_ASSERT(is("GET", HX_EXECS_PATH, "00000000-0000-4000-8000-"
	    "000000000001", ADMIN_TOK, NULL, 404, "Execution not found"));
	/* A cancel that also tries to say who and what. */
	CU_ASSERT_EQUAL_FATAL(call("POST", HX_EXECS_PATH, sub(fx.done,
	    "cancel"), ALICE_TOK, "{\"reason\":\"x\",\"cancelled_by\":\""
	    BOB "\",\"status\":\"completed\"}", &r), 0);
	CU_ASSERT(only_extras(&r, "\"body\",", cancel_extras, 2));
	resp_free(&r);
	CU_ASSERT_STRING_EQUAL(status_of(fx.done), "completed");
}

static void
test_acc_stack_survived(void)
{
	hx_stack_survived(&acc_mark);
}

E2E_SUITE(test_e2e_hostile_access_register)

void
test_e2e_hostile_access_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_access", acc_init, NULL);

	CU_add_test(s, "bola_bob_on_alices_executions",
	    test_acc_bola_bob_on_alices_executions);
	CU_add_test(s, "bola_bob_on_alices_template",
	    test_acc_bola_bob_on_alices_template);
	CU_add_test(s, "bfla_read_only_token_on_every_writing_endpoint",
	    test_acc_bfla_read_only_token_on_every_writing_endpoint);
	CU_add_test(s, "bfla_tokens_missing_other_roles",
	    test_acc_bfla_tokens_missing_other_roles);
	CU_add_test(s, "mass_assignment_on_template_create",
	    test_acc_mass_assignment_on_template_create);
	CU_add_test(s, "mass_assignment_on_template_put",
	    test_acc_mass_assignment_on_template_put);
	CU_add_test(s, "mass_assignment_on_execute_and_cancel",
	    test_acc_mass_assignment_on_execute_and_cancel);
	CU_add_test(s, "stack_survived", test_acc_stack_survived);
}
