/*
 * The read side of the second milestone (api.md "Second milestone:
 * endpoints", engine.md "What GET shows"): list filters name_prefix= and
 * schedule= with their 422s, list items with template_name, started_at,
 * completed_at and total_duration, and the execution document's steps
 * with depends_on, input (secrets as ***) and attempt_history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "e2e_target.h"
#include "test_e2e_exec_util.h"

#define SP	"/workflow-management/schedules"

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

/* GET the list with query q as tok into r; the status. */
static long
list(const char *tok, const char *q, struct resp *r)
{
	char	path[1024];

	snprintf(path, sizeof(path), "%s?%s", X_EXECS_PATH, q);
	if (e2e_req("GET", path, tok, NULL, NULL, r) != 0)
		return -1;
	return r->status;
}

/*
 * Member key of every element of the array at path in o, joined with
 * "," (a static buffer, overwritten by the next call).
 */
static const char *
joined(struct json_object *o, const char *path, const char *key)
{
	static char		 buf[2048];
	struct json_object	*a = sup_at(o, path);
	size_t			 i, n;

	buf[0] = '\0';
	n = a != NULL ? json_object_array_length(a) : 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, x_s(sup_str(json_object_array_get_idx(a, i), key)),
		    sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

/* The execution_name of every item of a list answer, joined with ",". */
static const char *
names(struct resp *r)
{
	return joined(r->json, "items", "execution_name");
}

/* Start tid as tok with execution_name name; its id (owned) or NULL. */
static char *
exec_named(const char *tok, const char *tid, const char *name)
{
	struct resp	 r;
	char		 body[512], *id = NULL;

	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{}}", tid, name);
	if (x_exec(tok, NULL, body, NULL, &r) == 0 && r.status == 202 &&
	    resp_str(&r, "execution_id") != NULL)
		id = strdup(resp_str(&r, "execution_id"));
	resp_free(&r);
	return id;
}

/* "<type>@<loc>" of the first error of a 422, or the status. */
static const char *
first_error(struct resp *r)
{
	static char		 buf[512];
	struct json_object	*d;

	if (r->status != 422) {
		snprintf(buf, sizeof(buf), "status %ld", r->status);
		return buf;
	}
	d = json_object_array_get_idx(sup_at(r->json, "detail"), 0);
	snprintf(buf, sizeof(buf), "%s@%s#%zu", x_s(sup_str(d, "type")),
	    sup_json(d, "loc"), json_object_array_length(sup_at(r->json,
	    "detail")));
	return buf;
}

/*
 * name_prefix= finds exactly the names that start with it (a range, so
 * "ab" does not find "aab" nor stop at "ab-"), combines with status and
 * paging; items carry the new fields with exact values.
 */
static void
test_e2e_exec_read_name_prefix_and_items(void)
{
	const char		*tok = x_tok("read-prefix");
	const char		*tname = e2e_unique("read-tmpl");
	struct json_object	*it, *doc;
	struct resp		 r;
	char			*tid, *ids[4], q[512], cursor[256];
	static const char *const nm[4] = { "pa-1", "pa-2", "pb-1", "xpa-1" };
	int			 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	tid = x_template(tok, tname, "\"steps\":[{\"id\":\"t\",\"type\":"
	    "\"transform\",\"output\":{\"v\":1}}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	for (i = 0; i < 4; i++) {
		ids[i] = exec_named(tok, tid, nm[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ids[i]);
		CU_ASSERT_EQUAL(x_wait_status(tok, ids[i], "completed", 20), 1);
	}
	CU_ASSERT_EQUAL(list(tok, "name_prefix=pa-", &r), 200);
	SUP_STR_EQ(names(&r), "pa-2,pa-1");
	SUP_STR_EQ(sup_json(r.json, "next_cursor"), "null");
	it = json_object_array_get_idx(sup_at(r.json, "items"), 0);
	SUP_STR_EQ(sup_keys(it, ""), "completed_at,created_at,execution_id,"
	    "execution_name,started_at,status,template_id,template_name,"
	    "template_version,total_duration");
	SUP_STR_EQ(sup_str(it, "template_name"), tname);
	SUP_STR_EQ(sup_str(it, "execution_id"), ids[1]);
	SUP_STR_EQ(sup_str(it, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(it, "template_version"), 1);
	CU_ASSERT(x_is_time(sup_str(it, "started_at")));
	CU_ASSERT(x_is_time(sup_str(it, "completed_at")));
	CU_ASSERT(json_object_is_type(sup_at(it, "total_duration"),
	    json_type_double));
	/* The same times and duration as the document. */
	doc = x_get(tok, ids[1]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(it, "started_at"), sup_str(doc, "started_at"));
	SUP_STR_EQ(sup_str(it, "completed_at"), sup_str(doc, "completed_at"));
	SUP_STR_EQ(sup_json(it, "total_duration"), sup_json(doc,
	    "total_duration"));
	json_object_put(doc);
	resp_free(&r);

	/* "p" finds the three that start with it, not "xpa-1". */
	CU_ASSERT_EQUAL(list(tok, "name_prefix=p", &r), 200);
	SUP_STR_EQ(names(&r), "pb-1,pa-2,pa-1");
	resp_free(&r);
	/* The whole name is a prefix of itself; a longer one finds none. */
	CU_ASSERT_EQUAL(list(tok, "name_prefix=pa-1", &r), 200);
	SUP_STR_EQ(names(&r), "pa-1");
	resp_free(&r);
	CU_ASSERT_EQUAL(list(tok, "name_prefix=pa-10", &r), 200);
	SUP_STR_EQ(names(&r), "");
	resp_free(&r);
	/* With status and template_id. */
	CU_ASSERT_EQUAL(list(tok, "name_prefix=pa-&status=completed", &r),
	    200);
	SUP_STR_EQ(names(&r), "pa-2,pa-1");
	resp_free(&r);
	CU_ASSERT_EQUAL(list(tok, "name_prefix=pa-&status=failed", &r), 200);
	SUP_STR_EQ(names(&r), "");
	resp_free(&r);
	snprintf(q, sizeof(q), "name_prefix=pa-&template_id=%s", tid);
	CU_ASSERT_EQUAL(list(tok, q, &r), 200);
	SUP_STR_EQ(names(&r), "pa-2,pa-1");
	resp_free(&r);
	/* Paged: one by one. */
	CU_ASSERT_EQUAL(list(tok, "name_prefix=pa-&limit=1", &r), 200);
	SUP_STR_EQ(names(&r), "pa-2");
	CU_ASSERT_FATAL(sup_str(r.json, "next_cursor") != NULL);
	snprintf(cursor, sizeof(cursor), "%s", sup_str(r.json,
	    "next_cursor"));
	resp_free(&r);
	snprintf(q, sizeof(q), "name_prefix=pa-&limit=1&cursor=%s", cursor);
	CU_ASSERT_EQUAL(list(tok, q, &r), 200);
	SUP_STR_EQ(names(&r), "pa-1");
	resp_free(&r);
	/* Another user's names are not listed to bob. */
	CU_ASSERT_EQUAL(list(e2e_tok_bob(), "name_prefix=pa-", &r), 200);
	SUP_STR_EQ(names(&r), "");
	resp_free(&r);
	/* An admin sees them, across users (ix_exec_name), with user_id. */
	snprintf(q, sizeof(q), "name_prefix=pa-&template_id=%s", tid);
	CU_ASSERT_EQUAL(list(e2e_tok_admin(), q, &r), 200);
	SUP_STR_EQ(names(&r), "pa-2,pa-1");
	SUP_STR_EQ(sup_str(json_object_array_get_idx(sup_at(r.json, "items"),
	    0), "user_id"), x_run("read-prefix"));
	resp_free(&r);
	for (i = 0; i < 4; i++)
		free(ids[i]);
	free(tid);
}

/* Bad values of the new filters: 422 with the exact type and loc. */
static void
test_e2e_exec_read_filter_422(void)
{
	static const struct {
		const char	*q;
		const char	*want;
	} c[] = {
		{ "name_prefix=", "string_too_short@[\"query\",\"name_prefix\"]"
		    "#1" },
		{ "name_prefix=a%20b", "string_pattern_mismatch@[\"query\","
		    "\"name_prefix\"]#1" },
		{ "name_prefix=-a", "string_pattern_mismatch@[\"query\","
		    "\"name_prefix\"]#1" },
		{ "name_prefix=a%25", "string_pattern_mismatch@[\"query\","
		    "\"name_prefix\"]#1" },
		{ "schedule=", "string_too_short@[\"query\",\"schedule\"]#1" },
		{ "schedule=a_b", "string_pattern_mismatch@[\"query\","
		    "\"schedule\"]#1" },
		{ "schedule=.a", "string_pattern_mismatch@[\"query\","
		    "\"schedule\"]#1" },
		{ "name_prefix=a%20b&schedule=a_b", "string_pattern_mismatch@"
		    "[\"query\",\"name_prefix\"]#2" },
	};
	struct resp	r;
	char		q[512], big[200];
	size_t		i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CU_ASSERT_EQUAL(list(e2e_tok_alice(), c[i].q, &r), 422);
		SUP_STR_EQ(first_error(&r), c[i].want);
		resp_free(&r);
	}
	memset(big, 'a', 129);
	big[129] = '\0';
	snprintf(q, sizeof(q), "name_prefix=%s", big);
	CU_ASSERT_EQUAL(list(e2e_tok_alice(), q, &r), 422);
	SUP_STR_EQ(first_error(&r), "string_too_long@[\"query\","
	    "\"name_prefix\"]#1");
	SUP_STR_EQ(sup_json(json_object_array_get_idx(sup_at(r.json,
	    "detail"), 0), "ctx"), "{\"max_length\":128}");
	SUP_STR_EQ(sup_str(json_object_array_get_idx(sup_at(r.json,
	    "detail"), 0), "msg"), "String should have at most 128 characters");
	resp_free(&r);
	big[128] = '\0';	/* 128: the longest name, accepted */
	snprintf(q, sizeof(q), "name_prefix=%s", big);
	CU_ASSERT_EQUAL(list(e2e_tok_alice(), q, &r), 200);
	resp_free(&r);
	big[65] = '\0';
	snprintf(q, sizeof(q), "schedule=%s", big);
	CU_ASSERT_EQUAL(list(e2e_tok_alice(), q, &r), 422);
	SUP_STR_EQ(first_error(&r), "string_too_long@[\"query\","
	    "\"schedule\"]#1");
	resp_free(&r);
	/* The old filters keep their 400. */
	CU_ASSERT_EQUAL(list(e2e_tok_alice(), "status=bogus", &r), 400);
	resp_free(&r);
}

/*
 * schedule= lists the executions a schedule started (by name or id),
 * not one merely named like them, and only the caller's.
 */
static void
test_e2e_exec_read_schedule_filter(void)
{
	const char	*tok = x_tok("read-sched");
	struct resp	 r;
	char		*tid, *fake, *eid, body[512], q[512], sid[64], tr[64];
	char		 sname[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	tid = x_template(tok, e2e_unique("read-st"), "\"steps\":[{\"id\":"
	    "\"t\",\"type\":\"transform\",\"output\":{\"v\":1}}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(sname, sizeof(sname), "nightly.%d", (int)getpid() % 1000);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"template_id\":"
	    "\"%s\",\"interval_seconds\":86400}", sname, tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", SP, tok, body, NULL, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	snprintf(sid, sizeof(sid), "%s", x_s(resp_str(&r, "schedule_id")));
	resp_free(&r);
	snprintf(q, sizeof(q), SP "/%s/trigger", sid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", q, tok, NULL, NULL, &r), 0);
	CU_ASSERT(r.status == 202 || r.status == 201 || r.status == 200);
	snprintf(tr, sizeof(tr), "%s", x_s(resp_str(&r, "execution_id")));
	resp_free(&r);
	/*
	 * Named like a fire of the schedule, started by hand: refused, the
	 * "sched." prefix is reserved (engine.md "workflow"); the filter
	 * goes by schedule_pk, never by name, either way.
	 */
	snprintf(body, sizeof(body), "sched.%s.manual.20200101T000000Z",
	    sname);
	fake = exec_named(tok, tid, body);
	CU_ASSERT_PTR_NULL(fake);
	/* A plain one. */
	eid = exec_named(tok, tid, "plain-1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);

	snprintf(q, sizeof(q), "schedule=%s", sname);
	CU_ASSERT_EQUAL(list(tok, q, &r), 200);
	CU_ASSERT_EQUAL(json_object_array_length(sup_at(r.json, "items")), 1);
	SUP_STR_EQ(sup_str(json_object_array_get_idx(sup_at(r.json, "items"),
	    0), "execution_id"), tr);
	CU_ASSERT(strncmp(names(&r), "sched.", 6) == 0 &&
	    strstr(names(&r), ".manual.") != NULL);
	resp_free(&r);
	snprintf(q, sizeof(q), "schedule=%s", sid);
	CU_ASSERT_EQUAL(list(tok, q, &r), 200);
	CU_ASSERT_EQUAL(json_object_array_length(sup_at(r.json, "items")), 1);
	SUP_STR_EQ(sup_str(json_object_array_get_idx(sup_at(r.json, "items"),
	    0), "execution_id"), tr);
	resp_free(&r);
	/* With name_prefix: both must hold. */
	snprintf(q, sizeof(q), "schedule=%s&name_prefix=sched.", sid);
	CU_ASSERT_EQUAL(list(tok, q, &r), 200);
	CU_ASSERT_EQUAL(json_object_array_length(sup_at(r.json, "items")), 1);
	resp_free(&r);
	snprintf(q, sizeof(q), "schedule=%s&name_prefix=plain", sid);
	CU_ASSERT_EQUAL(list(tok, q, &r), 200);
	SUP_STR_EQ(names(&r), "");
	resp_free(&r);
	/* Unknown: an empty list. Another user: none of the owner's. */
	CU_ASSERT_EQUAL(list(tok, "schedule=no-such-schedule", &r), 200);
	SUP_STR_EQ(names(&r), "");
	resp_free(&r);
	snprintf(q, sizeof(q), "schedule=%s", sid);
	CU_ASSERT_EQUAL(list(e2e_tok_bob(), q, &r), 200);
	SUP_STR_EQ(names(&r), "");
	resp_free(&r);
	/* The admin finds it by id across users. */
	CU_ASSERT_EQUAL(list(e2e_tok_admin(), q, &r), 200);
	CU_ASSERT_EQUAL(json_object_array_length(sup_at(r.json, "items")), 1);
	resp_free(&r);
	snprintf(q, sizeof(q), SP "/%s", sid);
	(void)e2e_req("DELETE", q, tok, NULL, NULL, &r);
	resp_free(&r);
	free(fake);
	free(eid);
	free(tid);
}

/*
 * A fire of the supervisor (not only a trigger) is found by schedule=:
 * an interval of 10 s fires within 10 s.
 */
static void
test_e2e_exec_read_schedule_filter_finds_fires(void)
{
	const char	*tok = x_tok("read-fire");
	struct resp	 r;
	char		*tid, body[512], q[512], sid[64], want[128];
	const char	*n;
	int64_t		 end = sup_now_ms() + 15000;
	int		 found = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	tid = x_template(tok, e2e_unique("read-fire"), "\"steps\":[{\"id\":"
	    "\"t\",\"type\":\"transform\",\"output\":{\"v\":1}}]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"name\":\"every10\",\"template_id\":"
	    "\"%s\",\"interval_seconds\":10}", tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", SP, tok, body, NULL, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	snprintf(sid, sizeof(sid), "%s", x_s(resp_str(&r, "schedule_id")));
	resp_free(&r);
	while (!found && sup_now_ms() < end) {
		CU_ASSERT_EQUAL(list(tok, "schedule=every10", &r), 200);
		found = x_alen(r.json, "items") > 0;
		if (found) {
			n = names(&r);
			/* sched.every10.yyyymmddTHHMMSSZ */
			snprintf(want, sizeof(want), "sched.every10.");
			CU_ASSERT(strncmp(n, want, strlen(want)) == 0);
			CU_ASSERT_EQUAL(strlen(n), strlen(want) + 16);
			CU_ASSERT_PTR_NULL(strstr(n, ".manual."));
		}
		resp_free(&r);
		if (!found)
			sup_sleep_ms(250);
	}
	CU_ASSERT(found);
	snprintf(q, sizeof(q), SP "/%s", sid);
	(void)e2e_req("DELETE", q, tok, NULL, NULL, &r);
	resp_free(&r);
	free(tid);
}

/* Set secret name of alice to value through wfmctl; 0 on success. */
static int
set_secret(const char *name, const char *value)
{
	const char	*bin = getenv("WFM_E2E_BIN");

	return e2e_sh("printf %%s '%s' | %s/wfmctl -c %s secret set alice %s "
	    ">/dev/null 2>&1", value, bin != NULL ? bin : "build/bin",
	    e2e_conf(), name);
}

/*
 * A step that fails twice then succeeds: attempt_history holds three
 * attempts, the errors of the first two; input is the request as sent
 * with the secret as ***; depends_on as in the template.
 */
static void
test_e2e_exec_read_document_steps(void)
{
	struct json_object	*doc, *s, *h, *want;
	char			 path[128], secret[64], *tid, *eid, *text;
	char			 wantin[1024];
	int			 i;

	/*
	 * Starts and ends with characters no other suite's stderr does: a
	 * cut message masks a prefix or suffix of any of alice's secrets at
	 * its edges (hostile_leak expects "... after" intact).
	 */
	snprintf(secret, sizeof(secret), "Q7rd-%d-Q7", (int)getpid());
	CU_ASSERT_EQUAL_FATAL(set_secret("READ_TOK", secret), 0);
	snprintf(path, sizeof(path), "/flaky?n=2&k=%s", e2e_unique("rd"));
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"call\",\"type\":\"http\",\"request\":{\"method\":"
	    "\"POST\",\"url\":\"%s\",\"headers\":{\"Authorization\":"
	    "\"Bearer {{ secrets.READ_TOK }}\"},\"body\":{\"amount\":"
	    "\"{{ input.amount }}\"}},\"retry\":{\"max_attempts\":5,"
	    "\"initial_interval_ms\":100,\"max_interval_ms\":200}},"
	    "{\"id\":\"after\",\"type\":\"transform\",\"depends_on\":"
	    "[\"call\"],\"output\":{\"hits\":\"{{ steps.call.output.body."
	    "hits }}\"}}]}", e2e_unique("read-doc"), e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, "{\"amount\":42}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 40);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");

	s = sup_step(doc, "call");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	SUP_STR_EQ(sup_json(s, "depends_on"), "[]");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 3);
	h = sup_at(s, "attempt_history");
	CU_ASSERT_FATAL(h != NULL && json_object_is_type(h,
	    json_type_array));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(h), 3);
	for (i = 0; i < 3; i++) {
		struct json_object *a = json_object_array_get_idx(h, (size_t)i);

		SUP_STR_EQ(sup_keys(a, ""), "attempt,completed_at,error,"
		    "started_at");
		CU_ASSERT_EQUAL(sup_int(a, "attempt"), i + 1);
		CU_ASSERT(x_is_time(sup_str(a, "started_at")));
		CU_ASSERT(x_is_time(sup_str(a, "completed_at")));
		CU_ASSERT(strcmp(x_s(sup_str(a, "started_at")),
		    x_s(sup_str(a, "completed_at"))) <= 0);
		if (i < 2) {
			SUP_STR_EQ(sup_str(a, "error.type"), "http_status");
			CU_ASSERT(sup_str(a, "error.message") != NULL);
		} else
			SUP_STR_EQ(sup_json(a, "error"), "null");
	}
	/* Attempts follow each other: the next starts after the last ends. */
	CU_ASSERT(strcmp(x_s(sup_str(json_object_array_get_idx(h, 0),
	    "completed_at")), x_s(sup_str(json_object_array_get_idx(h, 1),
	    "started_at"))) <= 0);
	SUP_STR_EQ(sup_str(json_object_array_get_idx(h, 0), "started_at"),
	    sup_str(s, "started_at"));
	/* The request as rendered, the secret masked. */
	snprintf(wantin, sizeof(wantin), "{\"method\":\"POST\",\"url\":\"%s\","
	    "\"headers\":{\"Authorization\":\"Bearer ***\"},\"body\":"
	    "{\"amount\":42}}", e2e_target_url(path));
	want = json_tokener_parse(wantin);
	CU_ASSERT(json_object_equal(want, sup_at(s, "input")));
	if (!json_object_equal(want, sup_at(s, "input")))
		fprintf(stderr, "\ninput %s\n", sup_json(s, "input"));
	json_object_put(want);

	s = sup_step(doc, "after");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	SUP_STR_EQ(sup_json(s, "depends_on"), "[\"call\"]");
	SUP_STR_EQ(sup_json(s, "input"), "null");
	h = sup_at(s, "attempt_history");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(h), 1);
	CU_ASSERT_EQUAL(sup_int(json_object_array_get_idx(h, 0), "attempt"),
	    1);
	SUP_STR_EQ(sup_json(json_object_array_get_idx(h, 0), "error"),
	    "null");
	/* The secret's value is nowhere in the document. */
	text = strdup(sup_json(doc, "steps"));
	CU_ASSERT_PTR_NULL(strstr(text, secret));
	free(text);
	json_object_put(doc);
	free(eid);
	free(tid);
}

/*
 * A redrive starts the failed step's attempts over: its history too
 * (two attempts, not four); steps that never ran show an empty one.
 */
static void
test_e2e_exec_read_history_after_redrive(void)
{
	struct json_object	*doc, *s, *h;
	struct resp		 r;
	char			 path[128], p2[256], *tid, *eid;

	snprintf(path, sizeof(path), "/flaky?n=50&k=%s", e2e_unique("rr"));
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"call\",\"type\":\"http\",\"request\":{\"method\":"
	    "\"GET\",\"url\":\"%s\"},"
	    "\"retry\":{\"max_attempts\":2,\"initial_interval_ms\":100,"
	    "\"max_interval_ms\":100}},{\"id\":\"next\",\"type\":"
	    "\"transform\",\"depends_on\":[\"call\"],\"output\":{}}]}",
	    e2e_unique("read-rr"), e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 40);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	h = sup_at(sup_step(doc, "call"), "attempt_history");
	CU_ASSERT_EQUAL(json_object_array_length(h), 2);
	s = sup_step(doc, "next");
	SUP_STR_EQ(sup_json(s, "attempt_history"), "[]");
	SUP_STR_EQ(sup_json(s, "input"), "null");
	SUP_STR_EQ(sup_json(s, "depends_on"), "[\"call\"]");
	json_object_put(doc);
	snprintf(p2, sizeof(p2), "%s/%s/retry", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", p2, e2e_tok_alice(), NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	sup_sleep_ms(300);
	doc = e2e_wait(e2e_tok_alice(), eid, 40);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	CU_ASSERT_EQUAL(sup_int(doc, "redrive_count"), 1);
	h = sup_at(sup_step(doc, "call"), "attempt_history");
	CU_ASSERT_EQUAL(json_object_array_length(h), 2);
	CU_ASSERT_EQUAL(sup_int(json_object_array_get_idx(h, 0), "attempt"),
	    1);
	CU_ASSERT_EQUAL(sup_int(json_object_array_get_idx(h, 1), "attempt"),
	    2);
	json_object_put(doc);
	free(eid);
	free(tid);
}

/* A delay's one attempt spans the step: the same start and end. */
static void
test_e2e_exec_read_delay_attempt_is_the_step(void)
{
	struct json_object	*doc, *s, *a;
	char			*tid, *eid;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"d\","
	    "\"type\":\"delay\",\"seconds\":1}]}", e2e_unique("read-d"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	s = sup_step(doc, "d");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(sup_at(s,
	    "attempt_history")), 1);
	a = json_object_array_get_idx(sup_at(s, "attempt_history"), 0);
	SUP_STR_EQ(sup_str(a, "started_at"), sup_str(s, "started_at"));
	SUP_STR_EQ(sup_str(a, "completed_at"), sup_str(s, "completed_at"));
	SUP_STR_EQ(sup_json(a, "error"), "null");
	SUP_STR_EQ(sup_json(s, "input"), "null");
	json_object_put(doc);
	free(eid);
	free(tid);
}

/* The step_ids of a document, joined with ",". */
static const char *
step_ids(struct json_object *doc)
{
	return joined(doc, "steps", "step_id");
}

/*
 * Every worker keeps the definitions of the template versions it showed
 * (store_def_text): an execution still shows the steps of its own
 * version after a PUT, read 24 times each in turn (every worker serves
 * some), and after the template is deleted.
 */
static void
test_e2e_exec_read_documents_show_their_own_version(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*tid, *e1, *e2, path[256], buf_put[512];
	char			 name[64];
	int			 i, ok1 = 0, ok2 = 0;

	snprintf(name, sizeof(name), "%s", e2e_unique("read-ver"));
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"a\","
	    "\"type\":\"transform\",\"output\":{\"v\":1}}]}", name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	e1 = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e1);
	doc = e2e_wait(e2e_tok_alice(), e1, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(step_ids(doc), "a");
	json_object_put(doc);
	snprintf(path, sizeof(path), "/workflow-management/templates/%s", tid);
	snprintf(buf_put, sizeof(buf_put), "{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"b\",\"type\":\"transform\",\"output\":{\"v\":2}},"
	    "{\"id\":\"c\",\"type\":\"transform\",\"depends_on\":[\"b\"],"
	    "\"output\":{\"v\":3}}]}", name);
	CU_ASSERT_EQUAL_FATAL(e2e_req("PUT", path, e2e_tok_alice(), buf_put,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	e2 = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e2);
	doc = e2e_wait(e2e_tok_alice(), e2, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	json_object_put(doc);
	for (i = 0; i < 24; i++) {
		doc = sup_get(e1, NULL);
		ok1 += doc != NULL && sup_int(doc, "template_version") == 1 &&
		    strcmp(step_ids(doc), "a") == 0;
		json_object_put(doc);
		doc = sup_get(e2, NULL);
		if (doc != NULL && sup_int(doc, "template_version") == 2 &&
		    strcmp(step_ids(doc), "b,c") == 0 &&
		    x_eq(sup_json(doc, "final_result"),
		    "{\"b\":{\"v\":2},\"c\":{\"v\":3}}"))
			ok2++;
		else if (i == 0)
			fprintf(stderr, "\n    e2: %s", doc != NULL ?
			    json_object_to_json_string(doc) : "(none)");
		json_object_put(doc);
	}
	CU_ASSERT_EQUAL(ok1, 24);
	CU_ASSERT_EQUAL(ok2, 24);
	CU_ASSERT_EQUAL_FATAL(e2e_req("DELETE", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 204);
	resp_free(&r);
	doc = sup_get(e1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(step_ids(doc), "a");
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	json_object_put(doc);
	free(e1);
	free(e2);
	free(tid);
}

E2E_SUITE(test_e2e_exec_read_register)

void
test_e2e_exec_read_register(void)
{
	CU_pSuite	s = CU_add_suite("exec_read", suite_init, suite_fini);

#define T(name)	CU_add_test(s, #name, test_e2e_exec_read_##name)
	T(name_prefix_and_items);
	T(filter_422);
	T(schedule_filter);
	T(schedule_filter_finds_fires);
	T(document_steps);
	T(history_after_redrive);
	T(delay_attempt_is_the_step);
	T(documents_show_their_own_version);
#undef T
}
