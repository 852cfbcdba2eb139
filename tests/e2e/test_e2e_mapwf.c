/*
 * A `workflow` step as the inner step of a `map` (issue 15): one child
 * per iteration attempt, named <parent>.<step>.<index>.<redrive>.<attempt>;
 * outputs in item order; failures within tolerated_failures;
 * max_concurrency bounds the children in flight; the parent waits
 * without a slot; cancel reaches the children; kill -9 of the supervisor
 * while children run makes no second child for any index.
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

/* Children of eid, as a number. */
static int
nchildren(const char *eid)
{
	return atoi(e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "parent_execution_id = '%s'", eid));
}

/*
 * A parent of alice's mapping input.l over child template ctid with
 * input {"n": item}; members extra of the map step.
 */
static char *
map_parent(const char *ctid, const char *extra)
{
	return sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"each_one\","
	    "\"type\":\"map\",\"items\":\"{{ input.l }}\"%s,\"step\":"
	    "{\"type\":\"workflow\",\"template_id\":\"%s\",\"input\":"
	    "{\"n\":\"{{ item }}\"}}}]}", e2e_unique("mapwf-parent"), extra,
	    ctid);
}

/*
 * 5 items over a child template: completed, the outputs in item order,
 * 5 children linked to the parent and named by index; max_concurrency
 * 2 never has more than 2 children unfinished at once.
 */
static void
test_e2e_mapwf_outputs_in_order(void)
{
	struct json_object	*doc, *m, *items, *it;
	struct resp		 r;
	char			*ctid, *ptid, *eid, name[160];
	const char		*s;
	int			 k, most;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"d\",\"type\":"
	    "\"delay\",\"seconds\":0.6},{\"id\":\"t\",\"type\":\"transform\","
	    "\"depends_on\":[\"d\"],\"output\":{\"got\":\"{{ input.n }}\"}}],"
	    "\"output\":{\"n\":\"{{ steps.t.output.got }}\"}}",
	    e2e_unique("mapwf-child"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = map_parent(ctid, ",\"max_concurrency\":2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, "{\"l\":[10,20,30,40,50]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	m = sup_step(doc, "each_one");
	SUP_STR_EQ(sup_json(m, "output"), "[{\"n\":10},{\"n\":20},{\"n\":30},"
	    "{\"n\":40},{\"n\":50}]");
	CU_ASSERT_EQUAL(sup_int(m, "iteration_counts.completed"), 5);
	json_object_put(doc);
	CU_ASSERT_EQUAL(nchildren(eid), 5);
	for (k = 0; k < 5; k++) {
		snprintf(name, sizeof(name), "%s.each-one.%d.0.1", eid, k);
		s = e2e_sql1("SELECT CONCAT(parent_step_id, ' ', status, ' ', "
		    "JSON_EXTRACT(input, '$.n')) FROM executions WHERE "
		    "execution_name = '%s'", name);
		snprintf(name, sizeof(name), "each_one completed %d",
		    (k + 1) * 10);
		CU_ASSERT_STRING_EQUAL(s, name);
	}
	/* GET .../iterations shows each iteration's child. */
	snprintf(name, sizeof(name), "%s/%s/steps/each_one/iterations",
	    X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", name, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_FATAL(r.json != NULL &&
	    json_object_object_get_ex(r.json, "items", &items) &&
	    json_object_array_length(items) == 5);
	for (k = 0; k < 5; k++) {
		it = json_object_array_get_idx(items, (size_t)k);
		CU_ASSERT_EQUAL(sup_int(it, "index"), k);
		s = sup_str(it, "child_execution_id");
		CU_ASSERT_PTR_NOT_NULL(s);
		snprintf(name, sizeof(name), "%s.each-one.%d.0.1", eid, k);
		if (s != NULL)
			CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT execution_name FROM "
			    "executions WHERE execution_id = '%s'", s), name);
	}
	resp_free(&r);
	/*
	 * Children in flight at once: for each child's creation, how many
	 * were created before it and not yet completed (including it).
	 */
	most = atoi(e2e_sql1("SELECT MAX((SELECT COUNT(*) FROM executions b "
	    "WHERE b.parent_execution_id = a.parent_execution_id AND "
	    "b.created_at <= a.created_at AND (b.completed_at IS NULL OR "
	    "b.completed_at > a.created_at))) FROM executions a WHERE "
	    "a.parent_execution_id = '%s'", eid));
	fprintf(stderr, "\n    children in flight at most: %d ", most);
	CU_ASSERT(most >= 1 && most <= 2);
	free(ctid);
	free(ptid);
	free(eid);
}

/*
 * A child that fails fails its iteration: within tolerated_failures the
 * map completes with null there; beyond, it fails with map_failed
 * naming the lowest failed index.
 */
static void
test_e2e_mapwf_failed_child(void)
{
	struct json_object	*doc, *m;
	char			*ctid, *ptid, *eid;
	const char		*msg;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"boom\","
	    "\"type\":\"command\",\"handler\":\"fail-stderr\",\"when\":"
	    "\"{{ input.n == 3 }}\"}],\"output\":{\"n\":\"{{ input.n }}\"}}",
	    e2e_unique("mapwf-fail"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = map_parent(ctid, ",\"tolerated_failures\":1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, "{\"l\":[1,2,3,4]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	m = sup_step(doc, "each_one");
	SUP_STR_EQ(sup_json(m, "output"),
	    "[{\"n\":1},{\"n\":2},null,{\"n\":4}]");
	CU_ASSERT_EQUAL(sup_int(m, "iteration_counts.failed"), 1);
	CU_ASSERT_EQUAL(sup_int(m, "iteration_counts.completed"), 3);
	json_object_put(doc);
	CU_ASSERT_EQUAL(nchildren(eid), 4);
	free(ptid);
	free(eid);
	/* No failure tolerated: the map fails at index 2. */
	ptid = map_parent(ctid, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, "{\"l\":[1,2,3]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	m = sup_step(doc, "each_one");
	SUP_STR_EQ(sup_str(m, "error.type"), "map_failed");
	msg = sup_str(m, "error.message");
	CU_ASSERT(msg != NULL && strncmp(msg, "iteration 2 failed: child "
	    "execution ", 26) == 0);
	json_object_put(doc);
	free(ctid);
	free(ptid);
	free(eid);
}

/*
 * The parent waits without a slot while its children run (the map step
 * is waiting); cancelling it cancels every open child.
 */
static void
test_e2e_mapwf_cancel(void)
{
	struct json_object	*doc;
	char			*ctid, *ptid, *eid;
	int			 i;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"d\",\"type\":"
	    "\"delay\",\"seconds\":60}]}", e2e_unique("mapwf-long"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = map_parent(ctid, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, "{\"l\":[1,2,3]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "waiting", 20));
	doc = sup_get(eid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(sup_step(doc, "each_one"), "status"), "waiting");
	/* The iterations whose child runs count as running. */
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "each_one"),
	    "iteration_counts.running"), 3);
	json_object_put(doc);
	CU_ASSERT_EQUAL(nchildren(eid), 3);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM iterations i JOIN "
	    "executions e ON e.id = i.exec_pk WHERE e.execution_id = '%s' "
	    "AND i.status = 'running'", eid), "3");
	CU_ASSERT_EQUAL(x_cancel(e2e_tok_alice(), eid), 202);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "cancelled");
	json_object_put(doc);
	for (i = 0; i < 100 && strcmp(e2e_sql1("SELECT COUNT(*) FROM executions "
	    "WHERE parent_execution_id = '%s' AND status = 'cancelled'", eid),
	    "3") != 0; i++)
		sup_sleep_ms(100);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "parent_execution_id = '%s' AND status = 'cancelled'", eid), "3");
	free(ctid);
	free(ptid);
	free(eid);
}

/*
 * kill -9 of the supervisor while the children's handlers run: every
 * child is resumed, the parent completes, and each index has exactly
 * one child.
 */
static void
test_e2e_mapwf_kill9_one_child_per_index(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("mapwf-kill");
	char			*ctid, *ptid, *eid, input[700];
	pid_t			 old, neu;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"slow\","
	    "\"type\":\"command\",\"handler\":\"e2e-append-lock\",\"input\":"
	    "{\"file\":\"{{ input.file }}\",\"seconds\":3}}],\"output\":"
	    "{\"n\":\"{{ input.n }}\"}}", e2e_unique("mapwf-kchild"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"each\","
	    "\"type\":\"map\",\"items\":\"{{ input.l }}\",\"max_concurrency\":"
	    "3,\"step\":{\"type\":\"workflow\",\"template_id\":\"%s\","
	    "\"input\":{\"n\":\"{{ item }}\",\"file\":\"{{ input.file }}\"}}}]}",
	    e2e_unique("mapwf-kparent"), ctid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	snprintf(input, sizeof(input), "{\"file\":\"%s\",\"l\":[0,1,2,3,4]}",
	    file);
	eid = sup_exec(ptid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "waiting", 20));
	sup_sleep_ms(500);
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1 && neu != old);
	doc = e2e_wait(e2e_tok_alice(), eid, 90);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "each"), "output"), "[{\"n\":0},"
	    "{\"n\":1},{\"n\":2},{\"n\":3},{\"n\":4}]");
	json_object_put(doc);
	CU_ASSERT_EQUAL(nchildren(eid), 5);
	/* One child per index: 5 distinct names of attempt 1. */
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(DISTINCT execution_name) "
	    "FROM executions WHERE parent_execution_id = '%s' AND "
	    "execution_name LIKE '%%.0.1'", eid), "5");
	free(ctid);
	free(ptid);
	free(eid);
}

/*
 * A parent that keeps its slot (a delay runs beside the map) does not
 * wait to park before it sees its children end: the supervisor that
 * ends a child pokes the parent it holds, so 3 children one after
 * another finish well before the 5 s delay.
 */
static void
test_e2e_mapwf_parent_held_sees_children(void)
{
	struct json_object	*doc;
	char			*ctid, *ptid, *eid;
	const char		*a, *b;

	ctid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"t\",\"type\":"
	    "\"transform\",\"output\":{\"got\":\"{{ input.n }}\"}}],"
	    "\"output\":{\"n\":\"{{ steps.t.output.got }}\"}}",
	    e2e_unique("mapwf-fast"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ptid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"slow\","
	    "\"type\":\"delay\",\"seconds\":5},{\"id\":\"each_one\",\"type\":"
	    "\"map\",\"items\":\"{{ input.l }}\",\"max_concurrency\":1,"
	    "\"step\":{\"type\":\"workflow\",\"template_id\":\"%s\","
	    "\"input\":{\"n\":\"{{ item }}\"}}}]}", e2e_unique("mapwf-held"),
	    ctid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, "{\"l\":[1,2,3]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(sup_step(doc, "each_one"), "output"),
	    "[{\"n\":1},{\"n\":2},{\"n\":3}]");
	a = sup_str(sup_step(doc, "each_one"), "completed_at");
	b = sup_str(sup_step(doc, "slow"), "completed_at");
	CU_ASSERT_FATAL(a != NULL && b != NULL);
	fprintf(stderr, "\n    map done %s, delay done %s ", a, b);
	CU_ASSERT(strcmp(a, b) < 0);
	json_object_put(doc);
	CU_ASSERT_EQUAL(nchildren(eid), 3);
	free(ctid);
	free(ptid);
	free(eid);
}

/* Store time: the inner step's template must exist (exact loc). */
static void
test_e2e_mapwf_unknown_template(void)
{
	struct resp	 r;
	char		 body[1024];

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"steps\":[{\"id\":"
	    "\"m\",\"type\":\"map\",\"items\":\"{{ input.l }}\",\"step\":"
	    "{\"type\":\"workflow\",\"template_id\":"
	    "\"0b7f3a52-5c8e-4f55-9d1c-2b1e6f0c9a11\"}}]}",
	    e2e_unique("mapwf-unknown"));
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/"
	    "templates", e2e_tok_alice(), body, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_PTR_NOT_NULL(r.body != NULL ? strstr(r.body, "[\"body\","
	    "\"steps\",0,\"step\",\"template_id\"]") : NULL);
	resp_free(&r);
}

/* deploy/examples/subworkflows/ship-each-order.json runs as documented. */
static void
test_e2e_mapwf_example(void)
{
	struct json_object	*doc;
	char			*child, *parent, *ctid, *ptid, *eid, *p, *q;
	const char		*ph = "SHIP_ORDER_TEMPLATE_ID";

	child = e2e_example("subworkflows/ship-order.json");
	parent = e2e_example("subworkflows/ship-each-order.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(child);
	CU_ASSERT_PTR_NOT_NULL_FATAL(parent);
	ctid = e2e_template(e2e_tok_alice(), child);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	while ((p = strstr(parent, ph)) != NULL) {
		*p = '\0';
		CU_ASSERT_FATAL(asprintf(&q, "%s%s%s", parent, ctid,
		    p + strlen(ph)) > 0);
		free(parent);
		parent = q;
	}
	ptid = e2e_template(e2e_tok_alice(), parent);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ptid);
	eid = sup_exec(ptid, "{\"orders\":[{\"id\":\"A-1\",\"weight_kg\":3},"
	    "{\"id\":\"A-2\",\"weight_kg\":1}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(doc, "final_result"), "{\"shipments\":[{\"tracking\":"
	    "\"TRK-A-1\",\"price_cents\":375},{\"tracking\":\"TRK-A-2\","
	    "\"price_cents\":125}]}");
	json_object_put(doc);
	CU_ASSERT_EQUAL(nchildren(eid), 2);
	free(child);
	free(parent);
	free(ctid);
	free(ptid);
	free(eid);
}

E2E_SUITE(test_e2e_mapwf_register)

void
test_e2e_mapwf_register(void)
{
	CU_pSuite	s = CU_add_suite("mapwf", NULL, NULL);

	CU_add_test(s, "outputs_in_order", test_e2e_mapwf_outputs_in_order);
	CU_add_test(s, "failed_child", test_e2e_mapwf_failed_child);
	CU_add_test(s, "cancel", test_e2e_mapwf_cancel);
	CU_add_test(s, "kill9_one_child_per_index",
	    test_e2e_mapwf_kill9_one_child_per_index);
	CU_add_test(s, "unknown_template", test_e2e_mapwf_unknown_template);
	CU_add_test(s, "example", test_e2e_mapwf_example);
	CU_add_test(s, "parent_held_sees_children",
	    test_e2e_mapwf_parent_held_sees_children);
}
