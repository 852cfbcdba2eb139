/*
 * Leases and the supervisor's own health, with faults injected through
 * the database: a lease taken over while a step runs stops that step and
 * the execution is reclaimed once the new lease expires; a stored
 * definition that cannot be loaded fails the execution instead of
 * leaving it running forever; the supervisor does not spin while every
 * slot is busy or while a stubborn handler is being killed;
 * max_concurrent_executions bounds how many run at once, and the rows
 * it passes over do not hold up other templates' rows behind them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "test_e2e_exec_util.h"

/* CPU time (user + system, ms) used so far by pid, or -1. */
static long
cpu_ms(pid_t pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut, st;
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu "
	    "%lu", &ut, &st) != 2)
		return -1;
	return (long)((ut + st) * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
}

static char *
pid_sleep_template(int seconds, const char *gc)
{
	return sup_tmpl("{\"name\":\"%s\",%s\"steps\":[{\"id\":\"sleepy\","
	    "\"type\":\"command\",\"handler\":\"e2e-pid-sleep\","
	    "\"timeout_seconds\":120,\"input\":{\"file\":\"{{ input.file }}\","
	    "\"seconds\":%d}}]}", e2e_unique("sleepy"), gc, seconds);
}

static char *
start_with_file(const char *tid, const char *file)
{
	char	input[700];

	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	return sup_exec(tid, input);
}

static void
cancel(const char *eid)
{
	struct resp	r;
	char		path[256];

	snprintf(path, sizeof(path),
	    "/workflow-management/executions/%s/cancel", eid);
	if (e2e_req("POST", path, e2e_tok_alice(), NULL, NULL, &r) == 0)
		resp_free(&r);
}

static void
test_e2e_sup_lease_taken_over_stops_step_then_reclaimed(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("lease");
	char			 stmt[512], *tid, *eid, *p;
	pid_t			 first, second = -1;
	int64_t			 t0;

	tid = pid_sleep_template(60, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = start_with_file(tid, file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	p = sup_wait_file(file, 10000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	first = (pid_t)atoi(p);
	free(p);
	CU_ASSERT_FATAL(first > 1);
	unlink(file);
	/*
	 * Another host's supervisor takes it over with a 12 s lease,
	 * longer than our renewal period (lease/3 = 10 s).
	 */
	snprintf(stmt, sizeof(stmt), "UPDATE executions SET claimed_by = "
	    "'elsewhere:1:feed', claim_epoch = claim_epoch + 1, lease_until "
	    "= UTC_TIMESTAMP(6) + INTERVAL 12 SECOND WHERE execution_id = "
	    "'%s' AND status = 'running'", eid);
	CU_ASSERT_EQUAL_FATAL(e2e_sql("%s", stmt), 0);
	t0 = sup_now_ms();
	/* Our renewal notices the loss and stops the step at once. */
	CU_ASSERT(sup_pid_gone(first, 11500));
	CU_ASSERT(sup_now_ms() - t0 < 11500);
	/* The stolen lease expires unrenewed: reclaimed, run again. */
	p = sup_wait_file(file, 25000);
	CU_ASSERT_PTR_NOT_NULL(p);
	if (p != NULL)
		second = (pid_t)atoi(p);
	free(p);
	CU_ASSERT(second > 1 && second != first);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "running");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "sleepy"), "attempts"), 2);
	json_object_put(doc);
	cancel(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 10);
	SUP_STR_EQ(sup_str(doc, "status"), "cancelled");
	json_object_put(doc);
	if (second > 1)
		CU_ASSERT(sup_pid_gone(second, 10000));
	free(tid);
	free(eid);
}

/*
 * Three executions end together and their outcomes are written in one
 * round; the lease of one of them was taken over meanwhile. The other two
 * complete; nothing is written for the third (its step is not shown
 * completed) until its stolen lease expires and it runs again.
 */
static void
test_e2e_sup_lease_lost_in_a_shared_round_writes_only_the_others(void)
{
	struct json_object	*doc;
	const char		*files[3];
	char			 stmt[512], *tid, *eid[3], *p;
	int			 k;

	tid = pid_sleep_template(3, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	for (k = 0; k < 3; k++) {
		files[k] = sup_path("round");
		eid[k] = start_with_file(tid, files[k]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(eid[k]);
	}
	for (k = 0; k < 3; k++) {
		p = sup_wait_file(files[k], 10000);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		free(p);
		unlink(files[k]);
	}
	snprintf(stmt, sizeof(stmt), "UPDATE executions SET claimed_by = "
	    "'elsewhere:1:feed', claim_epoch = claim_epoch + 1, lease_until "
	    "= UTC_TIMESTAMP(6) + INTERVAL 8 SECOND WHERE execution_id = "
	    "'%s' AND status = 'running'", eid[1]);
	CU_ASSERT_EQUAL_FATAL(e2e_sql("%s", stmt), 0);
	for (k = 0; k < 3; k += 2) {
		doc = e2e_wait(e2e_tok_alice(), eid[k], 15);
		SUP_STR_EQ(sup_str(doc, "status"), "completed");
		SUP_STR_EQ(sup_json(doc, "final_result"),
		    "{\"sleepy\":{\"slept\":3}}");
		json_object_put(doc);
	}
	doc = sup_get(eid[1], NULL);
	SUP_STR_EQ(sup_str(doc, "status"), "running");
	CU_ASSERT(strcmp(sup_str(sup_step(doc, "sleepy"), "status"),
	    "completed") != 0);
	json_object_put(doc);
	/* The stolen lease expires unrenewed: ours again, run again. */
	p = sup_wait_file(files[1], 25000);
	CU_ASSERT_PTR_NOT_NULL(p);
	free(p);
	doc = e2e_wait(e2e_tok_alice(), eid[1], 15);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "sleepy"), "attempts"), 2);
	json_object_put(doc);
	for (k = 0; k < 3; k++)
		free(eid[k]);
	free(tid);
}

static void
test_e2e_sup_unloadable_definition_fails_execution(void)
{
	struct json_object	*doc;
	char			 stmt[1024], *tid, *eid;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"a\","
	    "\"type\":\"delay\",\"seconds\":0}]}", e2e_unique("broken"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	/* A stored definition the loader refuses: a dependency cycle. */
	snprintf(stmt, sizeof(stmt), "UPDATE template_versions v JOIN "
	    "templates t ON t.id = v.template_pk SET v.definition = "
	    "'{\\\"name\\\":\\\"broken\\\",\\\"steps\\\":[{\\\"id\\\":"
	    "\\\"a\\\",\\\"type\\\":\\\"transform\\\",\\\"depends_on\\\":"
	    "[\\\"a\\\"],\\\"output\\\":{}}]}' WHERE t.template_id = '%s'",
	    tid);
	CU_ASSERT_EQUAL_FATAL(e2e_sql("%s", stmt), 0);
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "internal");
	SUP_STR_EQ(sup_str(doc, "error_details.error"),
	    "stored definition unusable");
	json_object_put(doc);
	free(tid);
	free(eid);
}

#define BUSY	16	/* the stack's supervisor.concurrency */

static void
test_e2e_sup_full_slots_do_not_spin(void)
{
	struct json_object	*doc;
	char			*tid, *eids[BUSY + 1], *p, *files[BUSY + 1];
	pid_t			 sup;
	long			 c0, c1;
	int			 i, done = 0;

	memset(eids, 0, sizeof(eids));
	tid = pid_sleep_template(4, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	sup = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(sup > 1);
	for (i = 0; i <= BUSY; i++) {
		files[i] = strdup(sup_path("busy"));
		eids[i] = start_with_file(tid, files[i]);
		CU_ASSERT_PTR_NOT_NULL(eids[i]);
	}
	/* Every slot busy (one execution waits): measure for 2 s. */
	for (i = 0; i < BUSY; i++)
		if ((p = sup_wait_file(files[i], 10000)) != NULL)
			free(p);
	c0 = cpu_ms(sup);
	sup_sleep_ms(2000);
	c1 = cpu_ms(sup);
	CU_ASSERT(c0 >= 0 && c1 >= 0);
	fprintf(stderr, "[cpu %ld ms in 2000 ms] ", c1 - c0);
	CU_ASSERT(c1 - c0 < 500);
	for (i = 0; i <= BUSY; i++) {
		if (eids[i] == NULL)
			continue;
		doc = e2e_wait(e2e_tok_alice(), eids[i], 30);
		if (doc != NULL && strcmp(sup_str(doc, "status") != NULL ?
		    sup_str(doc, "status") : "", "completed") == 0)
			done++;
		json_object_put(doc);
		free(eids[i]);
		free(files[i]);
	}
	CU_ASSERT_EQUAL(done, BUSY + 1);
	free(tid);
}

static void
test_e2e_sup_timed_out_stubborn_handler_killed_after_grace(void)
{
	struct json_object	*doc;
	char			*tid, *eid;
	pid_t			 sup;
	int64_t			 t0, took;
	long			 c0, c1;

	/* stubborn ignores SIGTERM: SIGKILL comes 2 s after it. */
	tid = sup_tmpl("{\"name\":\"%s\",\"global_config\":"
	    "{\"timeout_seconds\":1},\"steps\":[{\"id\":\"stub\","
	    "\"type\":\"command\",\"handler\":\"stubborn\"}]}",
	    e2e_unique("stubborn"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	sup = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(sup > 1);
	c0 = cpu_ms(sup);
	t0 = sup_now_ms();
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	took = sup_now_ms() - t0;
	c1 = cpu_ms(sup);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "timed_out");
	SUP_STR_EQ(sup_str(sup_step(doc, "stub"), "status"), "cancelled");
	/* 1 s deadline + 2 s from SIGTERM to SIGKILL. */
	CU_ASSERT(took >= 2900 && took < 6000);
	fprintf(stderr, "[cpu %ld ms in %lld ms] ", c1 - c0, (long long)took);
	CU_ASSERT(c1 - c0 < took / 4);
	json_object_put(doc);
	free(tid);
	free(eid);
}

/* Start and end (ns) written by e2e-interval for tag. */
static int
interval(const char *tag, long long *s, long long *e)
{
	char	 path[700], *p;

	snprintf(path, sizeof(path), "%s/%s.start", sup_dir(), tag);
	if ((p = sup_read(path)) == NULL)
		return -1;
	*s = atoll(p);
	free(p);
	snprintf(path, sizeof(path), "%s/%s.end", sup_dir(), tag);
	if ((p = sup_read(path)) == NULL)
		return -1;
	*e = atoll(p);
	free(p);
	return 0;
}

#define LIMITED	5

static void
test_e2e_sup_max_concurrent_executions_bounds_overlap(void)
{
	struct json_object	*doc;
	char			*tid, *eids[LIMITED], tags[LIMITED][64];
	char			 input[800];
	long long		 s[LIMITED], e[LIMITED];
	int			 i, j, k, most = 0, ok = 1;

	tid = sup_tmpl("{\"name\":\"%s\",\"global_config\":"
	    "{\"max_concurrent_executions\":2},\"steps\":[{\"id\":\"work\","
	    "\"type\":\"command\",\"handler\":\"e2e-interval\",\"input\":"
	    "{\"dir\":\"{{ input.dir }}\",\"tag\":\"{{ input.tag }}\","
	    "\"seconds\":1}}]}", e2e_unique("limited"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	for (i = 0; i < LIMITED; i++) {
		snprintf(tags[i], sizeof(tags[i]), "lim-%ld-%d",
		    (long)getpid(), i);
		snprintf(input, sizeof(input), "{\"dir\":\"%s\",\"tag\":"
		    "\"%s\"}", sup_dir(), tags[i]);
		eids[i] = sup_exec(tid, input);
		CU_ASSERT_PTR_NOT_NULL_FATAL(eids[i]);
	}
	for (i = 0; i < LIMITED; i++) {
		doc = e2e_wait(e2e_tok_alice(), eids[i], 30);
		SUP_STR_EQ(sup_str(doc, "status"), "completed");
		json_object_put(doc);
		if (interval(tags[i], &s[i], &e[i]) != 0)
			ok = 0;
	}
	CU_ASSERT_FATAL(ok);
	/* At each start, how many intervals are open (itself included). */
	for (i = 0; i < LIMITED; i++) {
		for (j = 0, k = 0; j < LIMITED; j++)
			k += s[j] <= s[i] && s[i] < e[j];
		if (k > most)
			most = k;
	}
	CU_ASSERT_EQUAL(most, 2);
	for (i = 0; i < LIMITED; i++)
		free(eids[i]);
	free(tid);
}

/*
 * A template's limit passes its queued rows over without holding up the
 * rows of other templates behind them: more rows of a limited template
 * (max 1) than a claim takes at once (concurrency 16), then one of an
 * unlimited template, which completes while the limited ones still wait
 * (the claim reads further once a limit passed rows over: sup_claim.c).
 */
#define BEHIND	24

static void
test_e2e_sup_limited_rows_do_not_hold_up_others(void)
{
	struct json_object	*doc;
	char			*tid, *free_tid, *eids[BEHIND], *eid;
	char			 input[800];
	const char		*waiting;
	int			 i;

	tid = sup_tmpl("{\"name\":\"%s\",\"global_config\":"
	    "{\"max_concurrent_executions\":1},\"steps\":[{\"id\":\"work\","
	    "\"type\":\"command\",\"handler\":\"e2e-interval\",\"input\":"
	    "{\"dir\":\"{{ input.dir }}\",\"tag\":\"{{ input.tag }}\","
	    "\"seconds\":5}}]}", e2e_unique("limited-one"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	free_tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"t\","
	    "\"type\":\"transform\",\"output\":{\"ok\":true}}]}",
	    e2e_unique("unlimited"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(free_tid);
	for (i = 0; i < BEHIND; i++) {
		snprintf(input, sizeof(input), "{\"dir\":\"%s\",\"tag\":"
		    "\"behind-%ld-%d\"}", sup_dir(), (long)getpid(), i);
		eids[i] = sup_exec(tid, input);
		CU_ASSERT_PTR_NOT_NULL_FATAL(eids[i]);
	}
	eid = sup_exec(free_tid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 10);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	json_object_put(doc);
	/* The first limited one runs (5 s); the others are still queued. */
	waiting = e2e_sql1("SELECT COUNT(*) FROM executions WHERE "
	    "template_id = '%s' AND status = 'pending'", tid);
	CU_ASSERT_TRUE(atoi(waiting) >= BEHIND - 2);
	for (i = 0; i < BEHIND; i++) {
		CU_ASSERT_EQUAL(x_cancel(e2e_tok_alice(), eids[i]), 202);
		free(eids[i]);
	}
	free(eid);
	free(free_tid);
	free(tid);
}

/*
 * A claim reads the ids past the largest one claims read before; a row
 * behind that mark that becomes pending again (here a waiting execution
 * woken by its signal after later ones were claimed) is still claimed,
 * by the claim from the queue's start that follows a window with none.
 */
static void
test_e2e_sup_rows_behind_the_claim_mark_are_claimed(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			*wtid, *tid, *wid, *eid = NULL, path[256];
	int			 i;

	wtid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"w\","
	    "\"type\":\"wait\",\"signal\":\"go\",\"timeout_seconds\":600},"
	    "{\"id\":\"t\",\"type\":\"transform\",\"depends_on\":[\"w\"],"
	    "\"output\":{\"ok\":true}}]}", e2e_unique("behind-wait"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(wtid);
	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"t\","
	    "\"type\":\"transform\",\"output\":{\"n\":1}}]}",
	    e2e_unique("behind"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	wid = sup_exec(wtid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(wid);
	CU_ASSERT_FATAL(x_wait_status(e2e_tok_alice(), wid, "waiting", 10));
	/* Claimed after it: the mark moves past its id. */
	for (i = 0; i < 3; i++) {
		free(eid);
		eid = sup_exec(tid, "{}");
		CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
		doc = e2e_wait(e2e_tok_alice(), eid, 10);
		SUP_STR_EQ(sup_str(doc, "status"), "completed");
		json_object_put(doc);
	}
	SUP_STR_EQ(e2e_sql1("SELECT a.id < b.id FROM executions a, "
	    "executions b WHERE a.execution_id = '%s' AND b.execution_id = "
	    "'%s'", wid, eid), "1");
	snprintf(path, sizeof(path), "%s/%s/signals/go", X_EXECS_PATH, wid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_alice(),
	    "{\"payload\":{\"ok\":true}}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	doc = e2e_wait(e2e_tok_alice(), wid, 10);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	SUP_STR_EQ(sup_json(doc, "final_result"),
	    "{\"w\":{\"ok\":true},\"t\":{\"ok\":true}}");
	json_object_put(doc);
	free(eid);
	free(wid);
	free(tid);
	free(wtid);
}

/*
 * The outcomes of decided runs go to the supervisor's second connection
 * (sup_flight.c): every one of a burst is written there, once, with its
 * step row, and none comes back to the loop.
 */
#define BURST	40
static void
test_e2e_sup_outcomes_fly_on_the_second_connection(void)
{
	struct json_object	*doc;
	char			*tid, *eids[BURST];
	long long		 w0, r0, w = -1;
	int			 i;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"t\","
	    "\"type\":\"transform\",\"output\":{\"n\":\"{{ input.n }}\"}}]}",
	    e2e_unique("burst"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	w0 = e2e_metric("wfm_supervisor_outcomes_flown_total"
	    "{result=\"written\"}");
	r0 = e2e_metric("wfm_supervisor_outcomes_flown_total"
	    "{result=\"returned\"}");
	CU_ASSERT_FATAL(w0 >= 0 && r0 >= 0);
	for (i = 0; i < BURST; i++) {
		eids[i] = sup_exec(tid, "{\"n\":2}");
		CU_ASSERT_PTR_NOT_NULL_FATAL(eids[i]);
	}
	for (i = 0; i < BURST; i++) {
		doc = e2e_wait(e2e_tok_alice(), eids[i], 20);
		SUP_STR_EQ(sup_str(doc, "status"), "completed");
		SUP_STR_EQ(sup_json(doc, "final_result"), "{\"t\":{\"n\":2}}");
		json_object_put(doc);
	}
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*), COUNT(DISTINCT "
	    "s.exec_pk), SUM(s.status = 'completed') FROM execution_steps s "
	    "JOIN executions e ON e.id = s.exec_pk WHERE e.template_id = "
	    "'%s'", tid), "40\t40\t40");
	/* supervisor.prom is rewritten every few seconds. */
	for (i = 0; i < 100 && (w = e2e_metric("wfm_supervisor_outcomes_"
	    "flown_total{result=\"written\"}")) < w0 + BURST; i++)
		usleep(100 * 1000);
	CU_ASSERT(w >= w0 + BURST);
	CU_ASSERT_EQUAL(e2e_metric("wfm_supervisor_outcomes_flown_total"
	    "{result=\"returned\"}"), r0);
	for (i = 0; i < BURST; i++)
		free(eids[i]);
	free(tid);
}

/*
 * The execution.create record of alice's execution eid, as the admin's
 * audit list shows it (newest 100 of hers): its "at" into at (owned), the
 * number of records found.
 */
static int
create_records(const char *eid, char **at)
{
	struct json_object	*items, *it;
	struct resp		 r;
	size_t			 i;
	int			 n = 0;

	*at = NULL;
	if (e2e_req("GET", "/workflow-management/audit?user_id=alice&"
	    "action=execution.create&limit=100", e2e_tok_admin(), NULL, NULL,
	    &r) != 0)
		return -1;
	if (r.status == 200 && json_object_object_get_ex(r.json, "items",
	    &items))
		for (i = 0; i < json_object_array_length(items); i++) {
			it = json_object_array_get_idx(items, i);
			if (sup_str(it, "object_id") == NULL ||
			    strcmp(sup_str(it, "object_id"), eid) != 0 ||
			    sup_str(it, "at") == NULL)
				continue;
			if (n++ == 0)
				*at = strdup(sup_str(it, "at"));
		}
	else
		n = -1;
	resp_free(&r);
	return n;
}

/*
 * Retention deletes a finished execution and moves its execution.create
 * record (the row itself since sql/010) to audit_log: the audit list
 * shows it once before and once after, at the same time.
 */
static void
test_e2e_sup_retention_keeps_the_audit_record(void)
{
	struct json_object	*doc = NULL;
	struct resp		 r;
	char			 stmt[256], path[256], *tid, *eid, *at0, *at1;
	pid_t			 old;
	int64_t			 t0;
	long			 code = 0;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"a\",\"type\":"
	    "\"transform\",\"output\":{}}]}", e2e_unique("retention"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	for (t0 = sup_now_ms(); sup_now_ms() - t0 < 15000; sup_sleep_ms(50)) {
		json_object_put(doc);
		doc = sup_get(eid, NULL);
		if (doc != NULL && sup_str(doc, "status") != NULL &&
		    strcmp(sup_str(doc, "status"), "completed") == 0)
			break;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	json_object_put(doc);
	CU_ASSERT_EQUAL(create_records(eid, &at0), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(at0);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM audit_log "
	    "WHERE object_id = '%s'", eid), "0");

	/* Finished 100 days ago; a new supervisor prunes at its start. */
	snprintf(stmt, sizeof(stmt), "UPDATE executions SET completed_at = "
	    "completed_at - INTERVAL 100 DAY WHERE execution_id = '%s'", eid);
	CU_ASSERT_EQUAL_FATAL(e2e_sql("%s", stmt), 0);
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGTERM), 0);
	/*
	 * The master starts the next one, after a backoff when it has
	 * restarted others in the suites before.
	 */
	snprintf(path, sizeof(path), "/workflow-management/executions/%s",
	    eid);
	for (t0 = sup_now_ms(); sup_now_ms() - t0 < 40000; sup_sleep_ms(100)) {
		CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_alice(),
		    NULL, NULL, &r), 0);
		code = r.status;
		resp_free(&r);
		if (code == 404)
			break;
	}
	CU_ASSERT_EQUAL_FATAL(code, 404);
	CU_ASSERT_EQUAL(create_records(eid, &at1), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(at1);
	CU_ASSERT_STRING_EQUAL(at1, at0);
	CU_ASSERT_STRING_EQUAL(e2e_sql1("SELECT COUNT(*) FROM audit_log "
	    "WHERE object_id = '%s' AND request_id IS NOT NULL AND "
	    "client_addr = '127.0.0.1'", eid), "1");
	free(at0);
	free(at1);
	free(eid);
	free(tid);
}

E2E_SUITE(test_e2e_sup_lease_register)

void
test_e2e_sup_lease_register(void)
{
	CU_pSuite	s = CU_add_suite("sup_lease", NULL, NULL);

	CU_add_test(s, "lease_taken_over_stops_step_then_reclaimed",
	    test_e2e_sup_lease_taken_over_stops_step_then_reclaimed);
	CU_add_test(s, "lease_lost_in_a_shared_round_writes_only_the_others",
	    test_e2e_sup_lease_lost_in_a_shared_round_writes_only_the_others);
	CU_add_test(s, "unloadable_definition_fails_execution",
	    test_e2e_sup_unloadable_definition_fails_execution);
	CU_add_test(s, "full_slots_do_not_spin",
	    test_e2e_sup_full_slots_do_not_spin);
	CU_add_test(s, "timed_out_stubborn_handler_killed_after_grace",
	    test_e2e_sup_timed_out_stubborn_handler_killed_after_grace);
	CU_add_test(s, "max_concurrent_executions_bounds_overlap",
	    test_e2e_sup_max_concurrent_executions_bounds_overlap);
	CU_add_test(s, "limited_rows_do_not_hold_up_others",
	    test_e2e_sup_limited_rows_do_not_hold_up_others);
	CU_add_test(s, "rows_behind_the_claim_mark_are_claimed",
	    test_e2e_sup_rows_behind_the_claim_mark_are_claimed);
	CU_add_test(s, "outcomes_fly_on_the_second_connection",
	    test_e2e_sup_outcomes_fly_on_the_second_connection);
	CU_add_test(s, "retention_keeps_the_audit_record",
	    test_e2e_sup_retention_keeps_the_audit_record);
}
