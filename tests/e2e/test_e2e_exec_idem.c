/*
 * POST /workflow-management/execute, continued (api.md): idempotency by
 * execution_name (replays, conflicts, racing submits) and the per-user
 * quota of active executions.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_exec_util.h"

#define FAST_STEPS	"\"steps\":[{\"id\":\"a\",\"type\":\"transform\"," \
			"\"output\":{\"n\":\"{{ input.a }}\"}}]"
#define DELAY30_STEPS	"\"steps\":[{\"id\":\"w\",\"type\":\"delay\"," \
			"\"seconds\":30}]"
#define RACERS		20
#define QUOTA_MAX	200

/* The path part of the base URL: "/api/v1". */
static const char *
base_path(void)
{
	const char	*u = e2e_url(), *p = strstr(u, "://");

	p = p != NULL ? strchr(p + 3, '/') : NULL;
	return p != NULL ? p : "";
}

static void
test_e2e_exec_idem_same_parameters_replay_200(void)
{
	const char	*name = x_run("idem-1");
	struct resp	 r1, r2;
	char		*tid, q[128], loc[256], body[512];

	tid = x_template(e2e_tok_alice(), "idem-same", FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(q, sizeof(q), "template_id=%s", tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":1,\"b\":"
	    "{\"x\":[1,2.5],\"y\":\"z\"}}}", tid, name);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r1),
	    0);
	CU_ASSERT_EQUAL(r1.status, 202);
	CU_ASSERT_TRUE_FATAL(x_is_uuid(resp_str(&r1, "execution_id")));
	snprintf(loc, sizeof(loc), "%s/workflow-management/executions/%s",
	    base_path(), resp_str(&r1, "execution_id"));
	/* Other key order, white space, 1.0 for 1, 2.50 for 2.5. */
	snprintf(body, sizeof(body), " { \"input_data\" : { \"b\" : {\"y\":"
	    "\"z\", \"x\":[1.0, 2.50]}, \"a\":1.0 } ,\n\"execution_name\":"
	    "\"%s\", \"template_id\":\"%s\"}", name, tid);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r2),
	    0);
	CU_ASSERT_EQUAL(r2.status, 200);
	X_STREQ(resp_header(&r2, "Location"), loc);
	X_STREQ(resp_str(&r2, "execution_id"), resp_str(&r1, "execution_id"));
	X_STREQ(resp_str(&r2, "execution_name"), name);
	X_STREQ(resp_str(&r2, "created_at"), resp_str(&r1, "created_at"));
	CU_ASSERT_EQUAL(x_int(r2.json, "template_version"), 1);
	CU_ASSERT_EQUAL(x_nkeys(r2.json, ""), 6);
	resp_free(&r2);
	/* The deprecated alias names the same execution. */
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"workflow_name\":\"%s\",\"input_data\":{\"b\":{\"x\":[1,2.5],"
	    "\"y\":\"z\"},\"a\":1}}", tid, name);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r2),
	    0);
	CU_ASSERT_EQUAL(r2.status, 200);
	X_STREQ(resp_str(&r2, "execution_id"), resp_str(&r1, "execution_id"));
	resp_free(&r2);
	/* A replay shows the current status. */
	CU_ASSERT_TRUE(x_wait_status(e2e_tok_alice(),
	    resp_str(&r1, "execution_id"), "completed", 10));
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r2),
	    0);
	CU_ASSERT_EQUAL(r2.status, 200);
	X_STREQ(resp_str(&r2, "status"), "completed");
	resp_free(&r2);
	/* No second row. */
	CU_ASSERT_EQUAL(x_count(e2e_tok_alice(), q, name), 1);
	CU_ASSERT_EQUAL(x_count(e2e_tok_alice(), q, NULL), 1);
	resp_free(&r1);
	free(tid);
}

/* POST body as alice n times; how many answered status with id want. */
static int
replays(const char *body, int n, long status, const char *want)
{
	struct resp	r;
	int		i, ok = 0;

	for (i = 0; i < n; i++) {
		if (x_exec(e2e_tok_alice(), NULL, body, NULL, &r) != 0)
			continue;
		ok += r.status == status && x_eq(resp_str(&r, "execution_id"),
		    want) && x_eq(resp_str(&r, "status"), "completed");
		resp_free(&r);
	}
	return ok;
}

/*
 * Workers answer the replay of a completed execution from memory for 23
 * hours after completed_at (http_seen.c): retention deletes it a day
 * after at the earliest. A row completed 25 hours ago is read from the
 * database on every replay: once retention deleted it, the name is free
 * and the next submit creates a new execution.
 */
static void
test_e2e_exec_idem_completed_replays_until_pruned(void)
{
	const char	*name = x_run("idem-pruned");
	struct resp	 r;
	char		*tid, body[512], id1[64], id2[64];

	tid = x_template(e2e_tok_alice(), "idem-pruned", FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":1}}", tid, name);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r),
	    0);
	CU_ASSERT_EQUAL_FATAL(r.status, 202);
	snprintf(id1, sizeof(id1), "%s", x_s(resp_str(&r, "execution_id")));
	resp_free(&r);
	CU_ASSERT_TRUE_FATAL(x_wait_status(e2e_tok_alice(), id1, "completed",
	    10));
	/*
	 * Completed 25 hours ago, before any replay: past what a worker may
	 * trust, so 32 replays (every worker) each read the row.
	 */
	CU_ASSERT_EQUAL_FATAL(e2e_sql("UPDATE executions SET completed_at = "
	    "UTC_TIMESTAMP(3) - INTERVAL 25 HOUR WHERE execution_id = '%s'",
	    id1), 0);
	CU_ASSERT_EQUAL(replays(body, 32, 200, id1), 32);
	/* Retention deletes it (STMT_SUP_PRUNE): the name is free again. */
	CU_ASSERT_EQUAL_FATAL(e2e_sql("DELETE FROM executions WHERE "
	    "execution_id = '%s'", id1), 0);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 202);
	snprintf(id2, sizeof(id2), "%s", x_s(resp_str(&r, "execution_id")));
	resp_free(&r);
	CU_ASSERT_TRUE(x_is_uuid(id2));
	CU_ASSERT_STRING_NOT_EQUAL(id2, id1);
	CU_ASSERT_TRUE_FATAL(x_wait_status(e2e_tok_alice(), id2, "completed",
	    10));
	/* Just completed: kept by the workers, the same answer each time. */
	CU_ASSERT_EQUAL(replays(body, 48, 200, id2), 48);
	free(tid);
}

static void
test_e2e_exec_idem_different_parameters_are_409(void)
{
	const char	*name = x_run("idem-2");
	struct resp	 r1, r2;
	char		*tid, *tid2, q[128], body[512], want[512];

	tid = x_template(e2e_tok_alice(), "idem-diff", FAST_STEPS);
	tid2 = x_template(e2e_tok_alice(), "idem-diff-2", FAST_STEPS);
	CU_ASSERT_FATAL(tid != NULL && tid2 != NULL);
	snprintf(q, sizeof(q), "template_id=%s", tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":1}}", tid, name);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r1),
	    0);
	CU_ASSERT_EQUAL_FATAL(r1.status, 202);
	snprintf(want, sizeof(want), "{\"detail\":\"execution_name already "
	    "used with different parameters\",\"execution_id\":\"%s\"}",
	    resp_str(&r1, "execution_id"));
	/* Other input. */
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":2}}", tid, name);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r2),
	    0);
	CU_ASSERT_EQUAL(r2.status, 409);
	X_STREQ(r2.body, want);
	resp_free(&r2);
	/* An extra key is other input, too; so is no input at all. */
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":1,\"c\":null}}",
	    tid, name);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r2),
	    0);
	CU_ASSERT_EQUAL(r2.status, 409);
	resp_free(&r2);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\"}", tid, name);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r2),
	    0);
	CU_ASSERT_EQUAL(r2.status, 409);
	resp_free(&r2);
	/* Other template, same input. */
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":1}}", tid2, name);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r2),
	    0);
	CU_ASSERT_EQUAL(r2.status, 409);
	X_STREQ(r2.body, want);
	resp_free(&r2);
	CU_ASSERT_EQUAL(x_count(e2e_tok_alice(), q, name), 1);
	resp_free(&r1);
	free(tid);
	free(tid2);
}

static void
test_e2e_exec_idem_names_are_per_user(void)
{
	struct resp	 r1, r2;
	char		*tid, body[512];

	tid = x_template(e2e_tok_alice(), "idem-public",
	    "\"is_public\":true," FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":1}}", tid,
	    x_run("idem-3"));
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r1),
	    0);
	CU_ASSERT_EQUAL(r1.status, 202);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_bob(), NULL, body, NULL, &r2),
	    0);
	CU_ASSERT_EQUAL(r2.status, 202);
	CU_ASSERT_TRUE(x_is_uuid(resp_str(&r2, "execution_id")));
	X_STRNE(resp_str(&r2, "execution_id"), resp_str(&r1, "execution_id"));
	resp_free(&r1);
	resp_free(&r2);
	free(tid);
}

struct racer {
	pthread_barrier_t	*go;
	const char		*token;
	const char		*body;
	long			 status;
	char			 id[64];
	char			 loc[256];
};

static pthread_mutex_t	hdr_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
race(void *arg)
{
	struct racer	*rc = arg;
	struct resp	 r;
	const char	*v;

	pthread_barrier_wait(rc->go);
	if (x_exec(rc->token, NULL, rc->body, NULL, &r) != 0)
		return NULL;
	rc->status = r.status;
	if ((v = resp_str(&r, "execution_id")) != NULL)
		snprintf(rc->id, sizeof(rc->id), "%s", v);
	/* resp_header answers in a static buffer. */
	pthread_mutex_lock(&hdr_lock);
	if ((v = resp_header(&r, "Location")) != NULL)
		snprintf(rc->loc, sizeof(rc->loc), "%s", v);
	pthread_mutex_unlock(&hdr_lock);
	resp_free(&r);
	return NULL;
}

static void
test_e2e_exec_idem_racing_submits_make_one_execution(void)
{
	struct racer		 rc[RACERS];
	pthread_t		 th[RACERS];
	pthread_barrier_t	 go;
	char			*tid, q[128], body[512];
	int			 i, n202 = 0, n200 = 0, started = 0;

	tid = x_template(e2e_tok_alice(), "idem-race", FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(q, sizeof(q), "template_id=%s", tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":7}}", tid,
	    x_run("race-1"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e2e_tok_alice());
	pthread_barrier_init(&go, NULL, RACERS);
	memset(rc, 0, sizeof(rc));
	for (i = 0; i < RACERS; i++) {
		rc[i].go = &go;
		rc[i].token = e2e_tok_alice();
		rc[i].body = body;
		if (pthread_create(&th[i], NULL, race, &rc[i]) != 0)
			break;
		started++;
	}
	CU_ASSERT_EQUAL_FATAL(started, RACERS);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (i = 0; i < RACERS; i++) {
		if (rc[i].status == 202)
			n202++;
		else if (rc[i].status == 200)
			n200++;
		else
			fprintf(stderr, "racer %d: %ld\n", i, rc[i].status);
		CU_ASSERT_TRUE(x_is_uuid(rc[i].id));
		X_STREQ(rc[i].id, rc[0].id);
		X_STREQ(rc[i].loc, rc[0].loc);
	}
	CU_ASSERT_EQUAL(n202, 1);
	CU_ASSERT_EQUAL(n200, RACERS - 1);
	CU_ASSERT_EQUAL(x_count(e2e_tok_alice(), q, NULL), 1);
	free(tid);
}

/* The configured quota, which run.sh exports; 0 when unusable. */
static int
quota_limit(void)
{
	const char	*v;
	char		*end;
	long		 n;

	v = getenv("WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER");
	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	return *end == '\0' && n >= 1 && n <= QUOTA_MAX ? (int)n : 0;
}

static long
execute_named(const char *token, const char *tid, const char *name,
    int a, const char *query, char id[64])
{
	struct resp	 r;
	char		 body[512];
	long		 st;

	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\",\"input_data\":{\"a\":%d}}", tid, name,
	    a);
	if (x_exec(token, query, body, NULL, &r) != 0)
		return -1;
	st = r.status;
	if (id != NULL)
		snprintf(id, 64, "%s", x_s(resp_str(&r, "execution_id")));
	if (st == 429) {
		X_STREQ(r.body, "{\"detail\":\"Too many active executions\"}");
		CU_ASSERT_TRUE(resp_header(&r, "Retry-After") != NULL &&
		    atoi(resp_header(&r, "Retry-After")) > 0);
	}
	resp_free(&r);
	return st;
}

/* POST .../retry of id; the status code, or -1. */
static long
retry_status(const char *tok, const char *id)
{
	struct resp	r;
	char		path[256];
	long		st;

	snprintf(path, sizeof(path), "/workflow-management/executions/%s/"
	    "retry", id);
	if (e2e_req("POST", path, tok, NULL, NULL, &r) != 0)
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

static void
test_e2e_exec_idem_quota_of_active_executions_is_429(void)
{
	const char	*tok = x_tok("quota-user");
	const char	*other = x_tok("quota-other"), *over;
	char		(*ids)[64], *tid, *tid2, name[128], id[64], q0[128];
	int		 lim = quota_limit(), i, made = 0;

	if (lim == 0) {
		CU_FAIL("WFM_HTTP_MAX_ACTIVE_EXECUTIONS_PER_USER (1..200) must "
		    "be exported by tests/e2e/run.sh");
		return;
	}
	CU_ASSERT_FATAL(tok != NULL && other != NULL);
	tid = x_template(tok, "quota-delay", DELAY30_STEPS);
	tid2 = x_template(other, "quota-delay", DELAY30_STEPS);
	CU_ASSERT_FATAL(tid != NULL && tid2 != NULL);
	ids = calloc((size_t)lim + 1, sizeof(*ids));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
	for (i = 0; i < lim; i++) {
		snprintf(name, sizeof(name), "%s-%d", x_run("q"), i);
		if (execute_named(tok, tid, name, i, NULL, ids[i]) != 202)
			break;
		made++;
	}
	CU_ASSERT_EQUAL_FATAL(made, lim);
	snprintf(q0, sizeof(q0), "%s-0", x_run("q"));
	/* One more is refused, also as a dry run. */
	over = x_run("q-over");
	CU_ASSERT_EQUAL(execute_named(tok, tid, over, 0, NULL, NULL), 429);
	CU_ASSERT_EQUAL(execute_named(tok, tid, over, 0, "?dry_run=true", NULL),
	    429);
	/* A replay creates nothing: still answered (200, or 409). */
	CU_ASSERT_EQUAL(execute_named(tok, tid, q0, 0, NULL, id), 200);
	X_STREQ(id, ids[0]);
	CU_ASSERT_EQUAL(execute_named(tok, tid, q0, 1, NULL, NULL), 409);
	/* The quota is per user. */
	CU_ASSERT_EQUAL(execute_named(other, tid2, x_run("q-other"), 0, NULL,
	    id), 202);
	CU_ASSERT_EQUAL(x_cancel(other, id), 202);
	/* A cancelled execution is no longer active: its slot is free. */
	CU_ASSERT_EQUAL(x_cancel(tok, ids[0]), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[0], "cancelled", 5));
	CU_ASSERT_EQUAL(execute_named(tok, tid, x_run("q-again"), 0, NULL,
	    ids[lim]), 202);
	CU_ASSERT_EQUAL(execute_named(tok, tid, x_run("q-again-2"), 0, NULL,
	    NULL),
	    429);
	/* A retry makes an execution active again: it needs a free slot. */
	CU_ASSERT_EQUAL(retry_status(tok, ids[0]), 429);
	CU_ASSERT_EQUAL(x_cancel(tok, ids[1]), 202);
	CU_ASSERT_TRUE(x_wait_status(tok, ids[1], "cancelled", 5));
	CU_ASSERT_EQUAL(retry_status(tok, ids[0]), 202);
	CU_ASSERT_EQUAL(retry_status(tok, ids[1]), 429);
	CU_ASSERT_EQUAL(execute_named(tok, tid, x_run("q-again-3"), 0, NULL,
	    NULL), 429);
	CU_ASSERT_EQUAL(x_cancel(tok, ids[0]), 202);
	for (i = 2; i <= lim; i++)
		CU_ASSERT_EQUAL(x_cancel(tok, ids[i]), 202);
	free(ids);
	free(tid);
	free(tid2);
}

E2E_SUITE(test_e2e_exec_idem_register)

void
test_e2e_exec_idem_register(void)
{
	CU_pSuite	s = CU_add_suite("execute_idem", NULL, NULL);

#define T(name)	CU_add_test(s, #name, test_e2e_exec_idem_##name)
	T(same_parameters_replay_200);
	T(completed_replays_until_pruned);
	T(different_parameters_are_409);
	T(names_are_per_user);
	T(racing_submits_make_one_execution);
	T(quota_of_active_executions_is_429);
#undef T
}
