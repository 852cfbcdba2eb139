/*
 * Values the database would refuse, and renders that would multiply
 * memory (issue 12, items 1 and 2). A step output nested deeper than
 * MariaDB's JSON_VALID accepts (31 levels), from an http target or a
 * transform embedding a deep input, fails the step with output_invalid;
 * any other write the database refuses for good (a CHECK, here one the
 * test adds) fails the execution with store_refused. Neither is retried:
 * the execution ends within seconds, its slot is freed (more such
 * executions than the supervisor has slots all end) and a normal
 * execution still completes. A render that passes the 1 MiB step output
 * limit stops while it runs (output_too_large). A template nested deeper
 * than the database stores is a 422, not a 500.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "e2e_target.h"

#define SLOTS		16	/* [supervisor] concurrency of the e2e stack */
#define END_SECONDS	20	/* a refused run must end within this */

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

/* JSON text of n nested arrays around 1 (owned). */
static char *
nested(int n)
{
	char	*s = malloc((size_t)n * 2 + 2), *p = s;
	int	 i;

	if (s == NULL)
		abort();
	for (i = 0; i < n; i++)
		*p++ = '[';
	*p++ = '1';
	for (i = 0; i < n; i++)
		*p++ = ']';
	*p = '\0';
	return s;
}

/*
 * Poll GET execution eid until it ends or seconds pass; the document
 * (owned) or NULL. Parsed here with room for depth: the document holds
 * input and outputs a few levels down, deeper than json-c's default.
 */
static struct json_object *
wait_doc(const char *eid, int seconds)
{
	struct json_tokener	*tok;
	struct json_object	*doc;
	struct resp		 r;
	const char		*st;
	char			 path[256];
	int64_t			 end = sup_now_ms() + seconds * 1000;

	snprintf(path, sizeof(path), "/workflow-management/executions/%s",
	    eid);
	do {
		if (e2e_req("GET", path, e2e_tok_alice(), NULL, NULL, &r) != 0)
			return NULL;
		if ((tok = json_tokener_new_ex(128)) == NULL)
			abort();
		doc = json_tokener_parse_ex(tok, r.body, (int)r.len);
		json_tokener_free(tok);
		resp_free(&r);
		st = sup_str(doc, "status");
		if (st != NULL && strcmp(st, "pending") != 0 &&
		    strcmp(st, "running") != 0)
			return doc;
		json_object_put(doc);
		sup_sleep_ms(100);
	} while (sup_now_ms() < end);
	return NULL;
}

/* Start tid with input and wait for its end; the document or NULL. */
static struct json_object *
run(const char *tid, const char *input, int64_t *ms)
{
	struct json_object	*doc;
	int64_t			 t0 = sup_now_ms();
	char			*eid;

	if ((eid = sup_exec(tid, input)) == NULL)
		return NULL;
	doc = wait_doc(eid, 40);
	if (ms != NULL)
		*ms = sup_now_ms() - t0;
	free(eid);
	return doc;
}

/* A one-step transform template whose output is the JSON text out. */
static char *
transform(const char *out)
{
	return sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"t\","
	    "\"type\":\"transform\",\"output\":%s}]}", e2e_unique("store"),
	    out);
}

/* A normal execution still runs to completion. */
static void
assert_normal_completes(void)
{
	struct json_object	*doc;
	char			*tid;

	tid = transform("{\"v\":\"{{ input.v }}\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	doc = run(tid, "{\"v\":7}", NULL);
	free(tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(doc, "final_result.t.v"), 7);
	json_object_put(doc);
}

/* The execution failed at step (NULL: none) with type in time. */
static void
assert_failed(struct json_object *doc, int64_t ms, const char *type,
    const char *step)
{
	struct json_object	*s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), type);
	CU_ASSERT(ms < END_SECONDS * 1000);
	if (step == NULL) {
		SUP_STR_EQ(sup_json(doc, "error_details.step_id"), "null");
		return;
	}
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), step);
	s = sup_step(doc, step);
	SUP_STR_EQ(sup_str(s, "status"), "failed");
	SUP_STR_EQ(sup_str(s, "error.type"), type);
	SUP_STR_EQ(sup_json(s, "output"), "null");
}

/*
 * An http target answering 40 levels of JSON: more such executions than
 * the supervisor has slots each fail with output_invalid in seconds, and
 * a normal execution runs after them.
 */
static void
test_e2e_store_http_deep_answer_fails_every_slot_freed(void)
{
	struct json_object	*doc;
	char			*tid, *eid[SLOTS + 2], path[64];
	int64_t			 t0;
	int			 i, n = SLOTS + 2;

	snprintf(path, sizeof(path), "/deep?d=40&k=%s", e2e_unique("d"));
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"call\","
	    "\"type\":\"http\",\"request\":{\"method\":\"GET\",\"url\":"
	    "\"%s\"}}]}", e2e_unique("deep"), e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	t0 = sup_now_ms();
	for (i = 0; i < n; i++) {
		eid[i] = sup_exec(tid, "{}");
		CU_ASSERT_PTR_NOT_NULL_FATAL(eid[i]);
	}
	for (i = 0; i < n; i++) {
		doc = wait_doc(eid[i], 40);
		assert_failed(doc, sup_now_ms() - t0, "output_invalid",
		    "call");
		CU_ASSERT(strstr(sup_str(sup_step(doc, "call"),
		    "error.message"), "deeper than 31 levels") != NULL);
		json_object_put(doc);
		free(eid[i]);
	}
	free(tid);
	assert_normal_completes();
}

/* 30 levels of body in the http output's own object: 31, which fits. */
static void
test_e2e_store_http_answer_at_the_limit_completes(void)
{
	struct json_object	*doc;
	char			*tid, path[64];

	snprintf(path, sizeof(path), "/deep?d=30&k=%s", e2e_unique("d"));
	tid = sup_tmpl("{\"name\":\"%s\",\"output\":{\"n\":1},\"steps\":[{"
	    "\"id\":\"call\",\"type\":\"http\",\"request\":{\"method\":"
	    "\"GET\",\"url\":\"%s\"}}]}", e2e_unique("deep"),
	    e2e_target_url(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	doc = run(tid, "{}", NULL);
	free(tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_str(sup_step(doc, "call"), "status"), "completed");
	json_object_put(doc);
}

/*
 * A transform that wraps a 31-level input once more; and one that
 * passes it on as it is, which fits a step row but not final_result
 * (one level more): output_invalid for the execution, no step.
 */
static void
test_e2e_store_transform_embedding_deep_input_fails(void)
{
	struct json_object	*doc;
	char			*tid, *deep, *input;
	int64_t			 ms = 0;

	deep = nested(30);			/* with input_data: 31 */
	if (asprintf(&input, "{\"x\":%s}", deep) < 0)
		abort();
	free(deep);
	tid = transform("{\"wrap\":\"{{ input }}\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	doc = run(tid, input, &ms);
	free(tid);
	assert_failed(doc, ms, "output_invalid", "t");
	json_object_put(doc);

	tid = transform("\"{{ input }}\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	doc = run(tid, input, &ms);
	free(tid);
	assert_failed(doc, ms, "output_invalid", NULL);
	SUP_STR_EQ(sup_str(sup_step(doc, "t"), "status"), "completed");
	json_object_put(doc);
	free(input);
	assert_normal_completes();
}

/*
 * Any write the database refuses for good ends the execution: a CHECK
 * added for the test refuses a step output, then a final_result; and
 * an execute whose row is refused is a 422, not a 500.
 */
static void
test_e2e_store_refused_write_fails_execution(void)
{
	struct json_object	*doc, *s;
	struct resp		 r;
	char			*tid, *body;
	int64_t			 ms = 0;

	CU_ASSERT_EQUAL_FATAL(e2e_sql("ALTER TABLE execution_steps ADD "
	    "CONSTRAINT ck_e2e_poison CHECK (output IS NULL OR "
	    "JSON_EXTRACT(output, '\\$.poison') IS NULL)"), 0);
	CU_ASSERT_EQUAL_FATAL(e2e_sql("ALTER TABLE executions ADD "
	    "CONSTRAINT ck_e2e_poison2 CHECK (final_result IS NULL OR "
	    "JSON_EXTRACT(final_result, '\\$.poison2') IS NULL)"), 0);

	/*
	 * A step row, refused when it is written before the command that
	 * depends on it starts: that command never starts.
	 */
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"a\","
	    "\"type\":\"transform\",\"output\":{\"poison\":1}},{\"id\":\"b\","
	    "\"type\":\"command\",\"handler\":\"echo-json\","
	    "\"depends_on\":[\"a\"]}]}", e2e_unique("poison"));
	CU_ASSERT_PTR_NOT_NULL(tid);
	doc = tid != NULL ? run(tid, "{}", &ms) : NULL;
	free(tid);
	assert_failed(doc, ms, "store_refused", "a");
	s = sup_step(doc, "a");
	CU_ASSERT(strstr(sup_str(s, "error.message"), "error 4025") != NULL);
	SUP_STR_EQ(sup_str(sup_step(doc, "b"), "status"), "cancelled");
	json_object_put(doc);

	/* The outcome. */
	tid = sup_tmpl("{\"name\":\"%s\",\"output\":{\"poison2\":"
	    "\"{{ steps.a.output }}\"},\"steps\":[{\"id\":\"a\","
	    "\"type\":\"transform\",\"output\":1}]}", e2e_unique("poison"));
	CU_ASSERT_PTR_NOT_NULL(tid);
	doc = tid != NULL ? run(tid, "{}", &ms) : NULL;
	free(tid);
	assert_failed(doc, ms, "store_refused", NULL);
	SUP_STR_EQ(sup_json(doc, "final_result"), "null");
	SUP_STR_EQ(sup_str(sup_step(doc, "a"), "status"), "completed");
	json_object_put(doc);

	/* An execute row the database refuses is a 422 at input_data. */
	CU_ASSERT_EQUAL_FATAL(e2e_sql("ALTER TABLE executions ADD "
	    "CONSTRAINT ck_e2e_poison3 CHECK ("
	    "JSON_EXTRACT(input, '\\$.poison3') IS NULL)"), 0);
	tid = transform("1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	if (asprintf(&body, "{\"template_id\":\"%s\",\"input_data\":"
	    "{\"poison3\":1}}", tid) < 0)
		abort();
	CU_ASSERT_EQUAL(e2e_req("POST", "/workflow-management/execute",
	    e2e_tok_alice(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT(strstr(r.body, "[\"body\",\"input_data\"]") != NULL);
	CU_ASSERT(strstr(r.body, "input_data cannot be stored") != NULL);
	resp_free(&r);
	free(body);
	free(tid);
	CU_ASSERT_EQUAL(e2e_sql("ALTER TABLE executions DROP CONSTRAINT "
	    "ck_e2e_poison3"), 0);

	CU_ASSERT_EQUAL(e2e_sql("ALTER TABLE execution_steps DROP CONSTRAINT "
	    "ck_e2e_poison"), 0);
	CU_ASSERT_EQUAL(e2e_sql("ALTER TABLE executions DROP CONSTRAINT "
	    "ck_e2e_poison2"), 0);
	assert_normal_completes();
}

/* A template the database could not store is a 422, not a 500. */
static void
test_e2e_store_deep_template_is_422(void)
{
	struct resp	 r;
	char		*deep, *body;
	int		 d;

	/* body, steps, a step and the output: 3 levels plus the output. */
	for (d = 28; d <= 29; d++) {
		deep = nested(d);
		if (asprintf(&body, "{\"name\":\"%s\",\"steps\":[{\"id\":"
		    "\"t\",\"type\":\"transform\",\"output\":%s}]}",
		    e2e_unique("deep"), deep) < 0)
			abort();
		free(deep);
		CU_ASSERT_EQUAL_FATAL(e2e_req("POST",
		    "/workflow-management/templates", e2e_tok_alice(), body,
		    NULL, &r), 0);
		CU_ASSERT_EQUAL(r.status, d == 28 ? 201 : 422);
		if (d == 29) {
			CU_ASSERT(strstr(r.body, "\"value_error\"") != NULL);
			CU_ASSERT(strstr(r.body, "deeper than 31 levels") !=
			    NULL);
		}
		resp_free(&r);
		free(body);
	}
}

/*
 * "{{ input.s }}" 20,000 times with a 1,000-byte s would be 20 MB: the
 * render stops at the 1 MiB step output limit while it runs, for a
 * transform, a command's stdin and an http request.
 */
static void
test_e2e_store_render_multiplication_stops(void)
{
	struct json_object	*doc;
	char			*arr, *p, *tid, s[1001], input[1100];
	const char		*item = "\"{{ input.s }}\",";
	size_t			 il = strlen(item);
	int64_t			 ms = 0;
	int			 i, k;

	memset(s, 'x', 1000);
	s[1000] = '\0';
	snprintf(input, sizeof(input), "{\"s\":\"%s\"}", s);
	arr = malloc(20000 * il + 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(arr);
	p = arr;
	*p++ = '[';
	for (i = 0; i < 20000; i++, p += il)
		memcpy(p, item, il);
	p[-1] = ']';
	*p = '\0';
	for (k = 0; k < 3; k++) {
		if (k == 0)
			tid = transform(arr);
		else if (k == 1)
			tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":"
			    "\"t\",\"type\":\"command\",\"handler\":"
			    "\"echo-json\",\"input\":%s}]}",
			    e2e_unique("big"), arr);
		else
			tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":"
			    "\"t\",\"type\":\"http\",\"request\":{\"method\":"
			    "\"POST\",\"url\":\"%s\",\"body\":%s}}]}",
			    e2e_unique("big"), e2e_target_url("/ok"), arr);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
		doc = run(tid, input, &ms);
		free(tid);
		assert_failed(doc, ms, "output_too_large", "t");
		SUP_STR_EQ(sup_str(sup_step(doc, "t"), "error.message"),
		    "rendering passed the limit of 1048576 bytes");
		CU_ASSERT_EQUAL(sup_int(sup_step(doc, "t"), "attempts"), 1);
		json_object_put(doc);
	}
	free(arr);
	assert_normal_completes();
}

E2E_SUITE(test_e2e_hostile_store_register)
void
test_e2e_hostile_store_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_store", suite_init,
			    suite_fini);

	CU_add_test(s, "deep_template_is_422",
	    test_e2e_store_deep_template_is_422);
	CU_add_test(s, "http_deep_answer_fails_every_slot_freed",
	    test_e2e_store_http_deep_answer_fails_every_slot_freed);
	CU_add_test(s, "http_answer_at_the_limit_completes",
	    test_e2e_store_http_answer_at_the_limit_completes);
	CU_add_test(s, "transform_embedding_deep_input_fails",
	    test_e2e_store_transform_embedding_deep_input_fails);
	CU_add_test(s, "refused_write_fails_execution",
	    test_e2e_store_refused_write_fails_execution);
	CU_add_test(s, "render_multiplication_stops",
	    test_e2e_store_render_multiplication_stops);
}
