/*
 * Map steps (engine.md "map: one inner step per item", api.md
 * ".../steps/{step_id}/iterations"): the output in item order, the
 * items bounds, tolerated failures, map_failed with the lowest index,
 * the counts of GET, the paged iterations and a redrive that runs again
 * only what failed, max_concurrency of http iterations, and a
 * supervisor killed mid-map that runs no completed iteration again.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "e2e_target.h"
#include "test_e2e_exec_util.h"

/* A JSON array text of n integers 0..n-1 (owned). */
static char *
int_list(int n)
{
	char	*s = malloc((size_t)n * 7 + 3);
	size_t	 k = 0;
	int	 i;

	if (s == NULL)
		return NULL;
	s[k++] = '[';
	for (i = 0; i < n; i++)
		k += (size_t)sprintf(s + k, "%s%d", i > 0 ? "," : "", i);
	s[k++] = ']';
	s[k] = '\0';
	return s;
}

/* {"l": <list>} as input (owned). */
static char *
input_of(const char *list)
{
	size_t	 n = strlen(list) + 16;
	char	*s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "{\"l\":%s}", list);
	return s;
}

/*
 * A template of one map step "m" over input.l with the given map fields
 * (after items) and inner step; its id (owned).
 */
static char *
map_tmpl(const char *name, const char *fields, const char *inner)
{
	return sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"m\","
	    "\"type\":\"map\",\"items\":\"{{ input.l }}\"%s%s,"
	    "\"step\":%s}]}", e2e_unique(name), *fields != '\0' ? "," : "",
	    fields, inner);
}

/* Run tid on input until it ends with want; its document (owned). */
static struct json_object *
run_until(const char *tid, const char *input, const char *want,
    double seconds)
{
	char			*eid;
	struct json_object	*doc;

	eid = sup_exec(tid, input);
	if (eid == NULL)
		return NULL;
	if (!x_wait_status(e2e_tok_alice(), eid, want, seconds)) {
		doc = sup_get(eid, NULL);
		fprintf(stderr, "\n  %s: not %s: %s %s\n", eid, want,
		    sup_json(doc, "status"), sup_json(doc, "error_details"));
		json_object_put(doc);
		free(eid);
		return NULL;
	}
	doc = sup_get(eid, NULL);
	free(eid);
	return doc;
}

/* GET a page of iterations; the answer's JSON (owned) or NULL. */
static struct json_object *
iterations(const char *eid, const char *step, const char *query,
    long *status)
{
	struct json_object	*o = NULL;
	struct resp		 r;
	char			 path[512];

	snprintf(path, sizeof(path), "%s/%s/steps/%s/iterations%s",
	    X_EXECS_PATH, eid, step, query);
	*status = -1;
	if (e2e_req("GET", path, e2e_tok_alice(), NULL, NULL, &r) != 0)
		return NULL;
	*status = r.status;
	if (r.json != NULL)
		o = json_object_get(r.json);
	resp_free(&r);
	return o;
}

static void
test_e2e_map_transform_output_in_order(void)
{
	struct json_object	*doc, *m;
	char			*tid;

	tid = map_tmpl("map-order", "", "{\"type\":\"transform\","
	    "\"when\":\"{{ index != 1 }}\","
	    "\"output\":{\"v\":\"{{ item * 10 }}\",\"i\":\"{{ index }}\"}}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	doc = run_until(tid, "{\"l\":[3,1,2,7]}", "completed", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	m = sup_step(doc, "m");
	SUP_STR_EQ(sup_str(m, "status"), "completed");
	SUP_STR_EQ(sup_json(m, "output"), "[{\"v\":30,\"i\":0},null,"
	    "{\"v\":20,\"i\":2},{\"v\":70,\"i\":3}]");
	CU_ASSERT_EQUAL(sup_int(m, "items_total"), 4);
	SUP_STR_EQ(sup_json(m, "iteration_counts"), "{\"pending\":0,"
	    "\"running\":0,\"completed\":3,\"failed\":0,\"skipped\":1,"
	    "\"cancelled\":0}");
	SUP_STR_EQ(sup_json(doc, "final_result"), "{\"m\":[{\"v\":30,"
	    "\"i\":0},null,{\"v\":20,\"i\":2},{\"v\":70,\"i\":3}]}");
	json_object_put(doc);
	/* No items: [] at once, no iteration. */
	doc = run_until(tid, "{\"l\":[]}", "completed", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	m = sup_step(doc, "m");
	SUP_STR_EQ(sup_json(m, "output"), "[]");
	SUP_STR_EQ(sup_json(m, "items_total"), "null");
	json_object_put(doc);
	free(tid);
}

/* wfm_map_iterations_total{status="<status>"} of /metrics, or -1. */
static long long
iter_metric(const char *status)
{
	char	series[96];

	snprintf(series, sizeof(series), "wfm_map_iterations_total"
	    "{status=\"%s\"}", status);
	return e2e_metric(series);
}

static void
test_e2e_map_items_bounds(void)
{
	struct json_object	*doc, *m;
	char			*tid, *list, *in;
	double			 t0;
	long long		 before;
	int			 k;

	if ((before = iter_metric("completed")) < 0)
		before = 0;	/* no series written yet */
	tid = map_tmpl("map-bounds", "", "{\"type\":\"transform\","
	    "\"output\":\"{{ item + index }}\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	list = int_list(10000);
	in = input_of(list);
	t0 = x_now();
	doc = run_until(tid, in, "completed", 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	fprintf(stderr, "\n  10,000 transform iterations: %.2f s end to "
	    "end\n", x_now() - t0);
	m = sup_step(doc, "m");
	CU_ASSERT_EQUAL(sup_int(m, "items_total"), 10000);
	CU_ASSERT_EQUAL(sup_int(m, "iteration_counts.completed"), 10000);
	CU_ASSERT_EQUAL(json_object_array_length(sup_at(m, "output")),
	    10000);
	CU_ASSERT_EQUAL(json_object_get_int(json_object_array_get_idx(
	    sup_at(m, "output"), 9999)), 19998);
	json_object_put(doc);
	free(in);
	free(list);
	/* Counted (the supervisor writes its series every few seconds). */
	for (k = 0; k < 100 && iter_metric("completed") < before + 10000;
	    k++)
		x_sleep_ms(100);
	CU_ASSERT(iter_metric("completed") >= before + 10000);
	/* One more: map_items_invalid, no iteration. */
	list = int_list(10001);
	in = input_of(list);
	doc = run_until(tid, in, "failed", 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "map_items_invalid");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "m");
	SUP_STR_EQ(sup_str(doc, "error_details.error"), "items must be an "
	    "array of at most 10000 elements, got an array of 10001 "
	    "elements");
	m = sup_step(doc, "m");
	SUP_STR_EQ(sup_str(m, "error.type"), "map_items_invalid");
	SUP_STR_EQ(sup_json(m, "items_total"), "null");
	json_object_put(doc);
	free(in);
	free(list);
	/* Not an array. */
	doc = run_until(tid, "{\"l\":{\"a\":1}}", "failed", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "map_items_invalid");
	SUP_STR_EQ(sup_str(doc, "error_details.error"), "items must be an "
	    "array of at most 10000 elements, got an object");
	json_object_put(doc);
	doc = run_until(tid, "{}", "failed", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "error_details.error"), "items must be an "
	    "array of at most 10000 elements, got null");
	json_object_put(doc);
	free(tid);
}

/* item * 2 fails for the strings: type errors of the expression. */
#define FAILING_INNER	"{\"type\":\"transform\",\"output\":\"{{ item * 2 }}\"}"
#define FAILING_INPUT	"{\"l\":[1,\"x\",3,\"y\",5]}"

static void
test_e2e_map_tolerated_failures(void)
{
	struct json_object	*doc, *m;
	char			*tid;

	tid = map_tmpl("map-tolerated", "\"tolerated_failures\":2",
	    FAILING_INNER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	doc = run_until(tid, FAILING_INPUT, "completed", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	m = sup_step(doc, "m");
	SUP_STR_EQ(sup_json(m, "output"), "[2,null,6,null,10]");
	CU_ASSERT_EQUAL(sup_int(m, "iteration_counts.failed"), 2);
	CU_ASSERT_EQUAL(sup_int(m, "iteration_counts.completed"), 3);
	json_object_put(doc);
	free(tid);
	/* 40 % of 5 items is 2: within; 20 % is not. */
	tid = map_tmpl("map-percent", "\"tolerated_failures\":10,"
	    "\"tolerated_failure_percent\":40", FAILING_INNER);
	doc = run_until(tid, FAILING_INPUT, "completed", 20);
	CU_ASSERT_PTR_NOT_NULL(doc);
	json_object_put(doc);
	free(tid);
	tid = map_tmpl("map-percent2", "\"tolerated_failures\":10,"
	    "\"tolerated_failure_percent\":20", FAILING_INNER);
	doc = run_until(tid, FAILING_INPUT, "failed", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "map_failed");
	json_object_put(doc);
	free(tid);
}

static void
test_e2e_map_failed_names_lowest_index(void)
{
	struct json_object	*doc, *m, *page, *it;
	char			*tid;
	const char		*msg;
	long			 st;

	tid = map_tmpl("map-failed", "\"tolerated_failures\":1",
	    FAILING_INNER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	doc = run_until(tid, FAILING_INPUT, "failed", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "map_failed");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "m");
	msg = sup_str(doc, "error_details.error");
	CU_ASSERT(msg != NULL && strncmp(msg, "iteration 1 failed: ", 20) ==
	    0);
	m = sup_step(doc, "m");
	SUP_STR_EQ(sup_str(m, "status"), "failed");
	SUP_STR_EQ(sup_str(m, "error.type"), "map_failed");
	/*
	 * Failures end the map as soon as they pass the bound: the second
	 * failure (index 3) ends it, index 4 never runs.
	 */
	SUP_STR_EQ(sup_json(m, "iteration_counts"), "{\"pending\":0,"
	    "\"running\":0,\"completed\":2,\"failed\":2,\"skipped\":0,"
	    "\"cancelled\":1}");
	page = iterations(sup_str(doc, "execution_id"), "m", "", &st);
	CU_ASSERT_EQUAL(st, 200);
	CU_ASSERT_EQUAL(json_object_array_length(sup_at(page, "items")), 5);
	it = json_object_array_get_idx(sup_at(page, "items"), 4);
	SUP_STR_EQ(sup_str(it, "status"), "cancelled");
	CU_ASSERT_EQUAL(sup_int(it, "attempts"), 0);
	it = json_object_array_get_idx(sup_at(page, "items"), 1);
	SUP_STR_EQ(sup_str(it, "status"), "failed");
	SUP_STR_EQ(sup_str(it, "error.type"), "expression");
	CU_ASSERT_EQUAL(sup_int(it, "attempts"), 1);
	json_object_put(page);
	json_object_put(doc);
	free(tid);
}

static void
test_e2e_map_iterations_paging(void)
{
	struct json_object	*doc, *page, *items;
	char			*tid, *list, *in, q[512], cur[256];
	const char		*eid, *c;
	long			 st;
	int			 seen = 0, pages = 0, k;
	size_t			 n;

	tid = map_tmpl("map-paging", "", "{\"type\":\"transform\","
	    "\"when\":\"{{ index % 5 != 4 }}\",\"output\":\"{{ item }}\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	list = int_list(25);
	in = input_of(list);
	doc = run_until(tid, in, "completed", 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	eid = sup_str(doc, "execution_id");
	cur[0] = '\0';
	do {
		snprintf(q, sizeof(q), "?limit=10%s%s", cur[0] != '\0' ?
		    "&cursor=" : "", cur);
		page = iterations(eid, "m", q, &st);
		CU_ASSERT_EQUAL_FATAL(st, 200);
		items = sup_at(page, "items");
		n = json_object_array_length(items);
		for (k = 0; k < (int)n; k++, seen++) {
			CU_ASSERT_EQUAL(sup_int(json_object_array_get_idx(
			    items, (size_t)k), "index"), seen);
			SUP_STR_EQ(sup_str(json_object_array_get_idx(items,
			    (size_t)k), "status"), seen % 5 == 4 ?
			    "skipped" : "completed");
		}
		c = sup_str(page, "next_cursor");
		snprintf(cur, sizeof(cur), "%s", c != NULL ? c : "");
		json_object_put(page);
		pages++;
	} while (cur[0] != '\0' && pages < 10);
	CU_ASSERT_EQUAL(seen, 25);
	CU_ASSERT_EQUAL(pages, 3);
	/* The status filter. */
	page = iterations(eid, "m", "?status=skipped&limit=100", &st);
	CU_ASSERT_EQUAL(st, 200);
	items = sup_at(page, "items");
	CU_ASSERT_EQUAL(json_object_array_length(items), 5);
	CU_ASSERT_EQUAL(sup_int(json_object_array_get_idx(items, 0),
	    "index"), 4);
	SUP_STR_EQ(sup_json(json_object_array_get_idx(items, 0), "output"),
	    "null");
	SUP_STR_EQ(sup_json(page, "next_cursor"), "null");
	json_object_put(page);
	/* Bad filter, bad cursor, unknown or non-map step, other user. */
	page = iterations(eid, "m", "?status=done", &st);
	CU_ASSERT_EQUAL(st, 400);
	json_object_put(page);
	page = iterations(eid, "m", "?cursor=abc", &st);
	CU_ASSERT_EQUAL(st, 400);
	json_object_put(page);
	page = iterations(eid, "nope", "", &st);
	CU_ASSERT_EQUAL(st, 404);
	json_object_put(page);
	{
		struct resp	r;
		char		path[512];

		snprintf(path, sizeof(path), "%s/%s/steps/m/iterations",
		    X_EXECS_PATH, eid);
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_bob(),
		    NULL, NULL, &r), 0);
		CU_ASSERT(r.status == 404 || r.status == 403);
		resp_free(&r);
	}
	json_object_put(doc);
	free(in);
	free(list);
	free(tid);
}

/*
 * A redrive runs again only what failed: a completed iteration keeps
 * its times, a failed one starts anew.
 */
static void
test_e2e_map_redrive_reruns_only_failed(void)
{
	struct json_object	*doc, *page, *items;
	char			*tid, *eid, before0[64], before1[64], path[256];
	struct resp		 r;
	long			 st;

	tid = map_tmpl("map-redrive", "", FAILING_INNER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, "{\"l\":[1,\"x\"]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "failed", 20));
	page = iterations(eid, "m", "", &st);
	items = sup_at(page, "items");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(items), 2);
	snprintf(before0, sizeof(before0), "%s", x_s(sup_str(
	    json_object_array_get_idx(items, 0), "started_at")));
	snprintf(before1, sizeof(before1), "%s", x_s(sup_str(
	    json_object_array_get_idx(items, 1), "started_at")));
	json_object_put(page);
	x_sleep_ms(20);
	snprintf(path, sizeof(path), "%s/%s/retry", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	x_sleep_ms(200);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "failed", 20));
	doc = sup_get(eid, NULL);
	CU_ASSERT_EQUAL(sup_int(doc, "redrive_count"), 1);
	json_object_put(doc);
	page = iterations(eid, "m", "", &st);
	items = sup_at(page, "items");
	SUP_STR_EQ(sup_str(json_object_array_get_idx(items, 0), "status"),
	    "completed");
	SUP_STR_EQ(sup_str(json_object_array_get_idx(items, 0),
	    "started_at"), before0);
	CU_ASSERT_EQUAL(sup_int(json_object_array_get_idx(items, 0),
	    "attempts"), 1);
	SUP_STR_EQ(sup_str(json_object_array_get_idx(items, 1), "status"),
	    "failed");
	CU_ASSERT(strcmp(x_s(sup_str(json_object_array_get_idx(items, 1),
	    "started_at")), before1) > 0);
	json_object_put(page);
	free(eid);
	free(tid);
}

/*
 * http iterations against the target's /slow: never more than
 * max_concurrency at once (arrival windows that overlap), and that many
 * are used.
 */
static void
test_e2e_map_http_max_concurrency(void)
{
	struct e2e_tgt_req	*reqs;
	struct json_object	*doc, *m;
	char			*tid, path[128], inner[512];
	int			 n, a, b, peak = 0, cur;
	long long		 ms = 400;

	CU_ASSERT_FATAL(e2e_target_start() > 0);
	snprintf(path, sizeof(path), "/slow?ms=%lld&k=%s", ms,
	    e2e_unique("mapconc"));
	snprintf(inner, sizeof(inner), "{\"type\":\"http\",\"request\":"
	    "{\"method\":\"GET\",\"url\":\"%s\"}}", e2e_target_url(path));
	tid = map_tmpl("map-conc", "\"max_concurrency\":3", inner);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	doc = run_until(tid, "{\"l\":[0,1,2,3,4,5,6,7,8]}", "completed", 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	m = sup_step(doc, "m");
	CU_ASSERT_EQUAL(sup_int(m, "iteration_counts.completed"), 9);
	SUP_STR_EQ(sup_json(json_object_array_get_idx(sup_at(m, "output"),
	    8), "body"), "{\"ok\":true}");
	json_object_put(doc);
	reqs = calloc(64, sizeof(*reqs));
	CU_ASSERT_PTR_NOT_NULL_FATAL(reqs);
	n = e2e_target_find(path, reqs, 64);
	CU_ASSERT_EQUAL(n, 9);
	/* In flight when b arrived: those that arrived less than ms ago. */
	for (b = 0; b < n; b++) {
		for (a = 0, cur = 0; a < n; a++)
			cur += reqs[a].at_ms <= reqs[b].at_ms &&
			    reqs[a].at_ms > reqs[b].at_ms - ms + 50;
		if (cur > peak)
			peak = cur;
	}
	CU_ASSERT_EQUAL(peak, 3);
	/* Three waves at least: the last came ms after the first twice. */
	CU_ASSERT(reqs[n - 1].at_ms - reqs[0].at_ms >= 2 * ms - 50);
	free(reqs);
	free(tid);
}

/* Lines of path equal to the decimal n. */
static int
count_index(const char *text, int n)
{
	const char	*p = text;
	char		 want[16];
	size_t		 len;
	int		 k = 0;

	len = (size_t)snprintf(want, sizeof(want), "%d", n);
	while (p != NULL && *p != '\0') {
		if (strncmp(p, want, len) == 0 && (p[len] == '\n' ||
		    p[len] == '\0'))
			k++;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return k;
}

#define HANDLER_INNER(seconds)						\
	"{\"type\":\"command\",\"handler\":\"e2e-map-item\","		\
	"\"input\":{\"file\":\"{{ input.file }}\",\"index\":\"{{ index }}\","\
	"\"seconds\":" seconds "}}"

/* {"file": F, "l": [0..n-1]} (owned). */
static char *
file_input(const char *file, int n)
{
	char	*list = int_list(n), *s;
	size_t	 len = strlen(list) + strlen(file) + 32;

	s = malloc(len);
	if (s != NULL)
		snprintf(s, len, "{\"file\":\"%s\",\"l\":%s}", file, list);
	free(list);
	return s;
}

/*
 * kill -9 of the supervisor in the middle of a 1,000-item command map:
 * the iterations the database shows completed before the kill ran
 * once; the map completes with every output in order.
 */
static void
test_e2e_map_kill9_runs_no_completed_iteration_again(void)
{
	const char		*file = sup_path("map-kill");
	struct json_object	*doc, *page, *items, *m;
	char			*tid, *eid, *in, *text, q[256], cur[256];
	const char		*c;
	unsigned char		*done;
	pid_t			 old, neu;
	long			 st;
	int			 k, n, ndone = 0, again = 0, pages = 0;
	size_t			 j;

	tid = map_tmpl("map-kill", "\"max_concurrency\":8",
	    HANDLER_INNER("0.02"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	in = file_input(file, 1000);
	eid = sup_exec(tid, in);
	free(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	for (k = 0; k < 600 && sup_count_lines(file, "") < 200; k++)
		sup_sleep_ms(50);
	CU_ASSERT_FATAL(sup_count_lines(file, "") >= 200);
	/* What the database says is completed, read while it runs. */
	done = calloc(1000, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(done);
	cur[0] = '\0';
	do {
		snprintf(q, sizeof(q), "?status=completed&limit=100%s%s",
		    cur[0] != '\0' ? "&cursor=" : "", cur);
		page = iterations(eid, "m", q, &st);
		CU_ASSERT_EQUAL_FATAL(st, 200);
		items = sup_at(page, "items");
		for (j = 0; j < json_object_array_length(items); j++) {
			k = (int)sup_int(json_object_array_get_idx(items, j),
			    "index");
			if (k >= 0 && k < 1000 && !done[k]) {
				done[k] = 1;
				ndone++;
			}
		}
		c = sup_str(page, "next_cursor");
		snprintf(cur, sizeof(cur), "%s", c != NULL ? c : "");
		json_object_put(page);
	} while (cur[0] != '\0' && ++pages < 20);
	/* Every item has its row from the start. */
	doc = sup_get(eid, NULL);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "m"), "items_total"), 1000);
	json_object_put(doc);
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	CU_ASSERT(ndone >= 100);
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1 && neu != old);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "completed",
	    120));
	doc = sup_get(eid, NULL);
	m = sup_step(doc, "m");
	CU_ASSERT_EQUAL(sup_int(m, "iteration_counts.completed"), 1000);
	CU_ASSERT_EQUAL(json_object_array_length(sup_at(m, "output")), 1000);
	CU_ASSERT_EQUAL(sup_int(json_object_array_get_idx(sup_at(m,
	    "output"), 999), "index"), 999);
	json_object_put(doc);
	text = sup_read(file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (k = 0; k < 1000; k++) {
		n = count_index(text, k);
		CU_ASSERT(n >= 1);
		if (done[k] && n != 1) {
			fprintf(stderr, "\n  iteration %d completed before "
			    "the kill ran %d times\n", k, n);
			CU_FAIL("a completed iteration ran again");
		}
		again += n > 1;
	}
	/* At most what was in flight, or known but not yet written. */
	fprintf(stderr, "\n  %d completed before the kill, %d ran again\n",
	    ndone, again);
	CU_ASSERT(again <= 16);
	free(text);
	free(done);
	free(eid);
	free(tid);
}

/*
 * A redrive of a map that failed runs only the failed and unfinished
 * iterations: counted by the handler's runs.
 */
static void
test_e2e_map_redrive_command_counts(void)
{
	const char		*file = sup_path("map-redrive");
	struct json_object	*doc, *page, *items;
	struct resp		 r;
	char			*tid, *eid, *in, *text, failpath[512], path[256];
	FILE			*f;
	long			 st;
	int			 k;

	snprintf(failpath, sizeof(failpath), "%s.fail", file);
	f = fopen(failpath, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	tid = map_tmpl("map-redrive-cmd", "\"max_concurrency\":1",
	    HANDLER_INNER("0"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	in = file_input(file, 6);
	eid = sup_exec(tid, in);
	free(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "failed", 30));
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "map_failed");
	SUP_STR_EQ(sup_json(sup_step(doc, "m"), "iteration_counts"),
	    "{\"pending\":0,\"running\":0,\"completed\":1,\"failed\":1,"
	    "\"skipped\":0,\"cancelled\":4}");
	json_object_put(doc);
	text = sup_read(file);
	X_STREQ(text, "0\n1\n");
	free(text);
	CU_ASSERT_EQUAL(unlink(failpath), 0);
	snprintf(path, sizeof(path), "%s/%s/retry", X_EXECS_PATH, eid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	x_sleep_ms(200);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "completed",
	    30));
	text = sup_read(file);
	/* 0 once; 1 again; 2..5 for the first time. */
	X_STREQ(text, "0\n1\n1\n2\n3\n4\n5\n");
	free(text);
	page = iterations(eid, "m", "", &st);
	items = sup_at(page, "items");
	for (k = 0; k < 6; k++) {
		SUP_STR_EQ(sup_str(json_object_array_get_idx(items,
		    (size_t)k), "status"), "completed");
		CU_ASSERT_EQUAL(sup_int(json_object_array_get_idx(items,
		    (size_t)k), "attempts"), 1);
	}
	json_object_put(page);
	free(eid);
	free(tid);
}

/* An output over 8 MiB fails the map with output_too_large. */
static void
test_e2e_map_output_too_large(void)
{
	struct json_object	*doc;
	char			*tid, *list, *in, pad[1001];
	size_t			 n;

	memset(pad, 'x', 1000);
	pad[1000] = '\0';
	tid = map_tmpl("map-large", "", "{\"type\":\"transform\","
	    "\"output\":\"{{ input.pad }}\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	list = int_list(9000);
	n = strlen(list) + 1100;
	in = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	snprintf(in, n, "{\"pad\":\"%s\",\"l\":%s}", pad, list);
	doc = run_until(tid, in, "failed", 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "output_too_large");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "m");
	/* The iterations themselves completed. */
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "m"),
	    "iteration_counts.completed"), 9000);
	json_object_put(doc);
	free(in);
	free(list);
	free(tid);
}

/*
 * A cancel stops the running handlers of a map and cancels every
 * unfinished iteration.
 */
static void
test_e2e_map_cancel_stops_iterations(void)
{
	const char		*file = sup_path("map-cancel");
	struct json_object	*doc;
	char			*tid, *eid, *in, *text;
	int			 k, running = 0;

	tid = map_tmpl("map-cancel", "\"max_concurrency\":3",
	    HANDLER_INNER("30"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	in = file_input(file, 10);
	eid = sup_exec(tid, in);
	free(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	for (k = 0; k < 100 && running != 3; k++) {
		doc = sup_get(eid, NULL);
		running = (int)sup_int(sup_step(doc, "m"),
		    "iteration_counts.running");
		json_object_put(doc);
		if (running != 3)
			sup_sleep_ms(100);
	}
	CU_ASSERT_EQUAL_FATAL(running, 3);
	CU_ASSERT_EQUAL(x_cancel(e2e_tok_alice(), eid), 202);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "cancelled", 10));
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(sup_step(doc, "m"), "status"), "cancelled");
	SUP_STR_EQ(sup_json(sup_step(doc, "m"), "iteration_counts"),
	    "{\"pending\":0,\"running\":0,\"completed\":0,\"failed\":0,"
	    "\"skipped\":0,\"cancelled\":10}");
	json_object_put(doc);
	/* The handlers were killed in their sleep: nothing appended. */
	sup_sleep_ms(500);
	text = sup_read(file);
	CU_ASSERT(text == NULL || *text == '\0');
	free(text);
	free(eid);
	free(tid);
}

/* POST .../{id}/<what>; the status code. */
static long
control(const char *eid, const char *what)
{
	struct resp	 r;
	char		 path[256];
	long		 code;

	snprintf(path, sizeof(path), "%s/%s/%s", X_EXECS_PATH, eid, what);
	if (e2e_req("POST", path, e2e_tok_alice(), NULL, NULL, &r) != 0)
		return -1;
	code = r.status;
	resp_free(&r);
	return code;
}

/*
 * Pause lets the running iterations finish and starts no other; resume
 * goes on with the rest, running none twice.
 */
static void
test_e2e_map_pause_and_resume(void)
{
	const char		*file = sup_path("map-pause");
	struct json_object	*doc;
	char			*tid, *eid, *in, *text;
	int			 k, running = 0;

	tid = map_tmpl("map-pause", "\"max_concurrency\":2",
	    HANDLER_INNER("1"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	in = file_input(file, 6);
	eid = sup_exec(tid, in);
	free(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	for (k = 0; k < 100 && running != 2; k++) {
		doc = sup_get(eid, NULL);
		running = (int)sup_int(sup_step(doc, "m"),
		    "iteration_counts.running");
		json_object_put(doc);
		if (running != 2)
			sup_sleep_ms(50);
	}
	CU_ASSERT_EQUAL_FATAL(running, 2);
	CU_ASSERT_EQUAL(control(eid, "pause"), 202);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "paused", 10));
	/* Parked once the two running ones are recorded. */
	for (k = 0; k < 100; k++) {
		doc = sup_get(eid, NULL);
		running = (int)sup_int(sup_step(doc, "m"),
		    "iteration_counts.running");
		json_object_put(doc);
		if (running == 0)
			break;
		sup_sleep_ms(100);
	}
	sup_sleep_ms(1500);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "paused");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "m"),
	    "iteration_counts.completed"), 2);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "m"),
	    "iteration_counts.pending"), 4);
	json_object_put(doc);
	CU_ASSERT_EQUAL(sup_count_lines(file, ""), 2);
	CU_ASSERT_EQUAL(control(eid, "resume"), 202);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), eid, "completed",
	    30));
	text = sup_read(file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (k = 0; k < 6; k++)
		CU_ASSERT_EQUAL(count_index(text, k), 1);
	free(text);
	free(eid);
	free(tid);
}

E2E_SUITE(test_e2e_map_register)

void
test_e2e_map_register(void)
{
	CU_pSuite	s = CU_add_suite("map", NULL, NULL);

	CU_add_test(s, "transform_output_in_order",
	    test_e2e_map_transform_output_in_order);
	CU_add_test(s, "items_bounds", test_e2e_map_items_bounds);
	CU_add_test(s, "tolerated_failures",
	    test_e2e_map_tolerated_failures);
	CU_add_test(s, "failed_names_lowest_index",
	    test_e2e_map_failed_names_lowest_index);
	CU_add_test(s, "iterations_paging", test_e2e_map_iterations_paging);
	CU_add_test(s, "redrive_reruns_only_failed",
	    test_e2e_map_redrive_reruns_only_failed);
	CU_add_test(s, "http_max_concurrency",
	    test_e2e_map_http_max_concurrency);
	CU_add_test(s, "kill9_runs_no_completed_iteration_again",
	    test_e2e_map_kill9_runs_no_completed_iteration_again);
	CU_add_test(s, "redrive_command_counts",
	    test_e2e_map_redrive_command_counts);
	CU_add_test(s, "output_too_large", test_e2e_map_output_too_large);
	CU_add_test(s, "cancel_stops_iterations",
	    test_e2e_map_cancel_stops_iterations);
	CU_add_test(s, "pause_and_resume", test_e2e_map_pause_and_resume);
}
