/*
 * GET /workflow-management/system (the console's System page): 401
 * without a token, 403 with the usual error shape for a caller without
 * admin, and for an admin exact figures. Exactness: the stack's one
 * supervisor is stopped (SIGSTOP) while the figures are read, so that
 * nothing but this test changes the executions table; the counts are
 * then compared with the database's own (a root session) and with the
 * executions this test created.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"
#include "test_e2e_fault.h"

#define SYS_PATH	"/workflow-management/system"
#define SYS_OK		3	/* completed executions the test makes */
#define SYS_BAD		2	/* failed ones */
#define SYS_PENDING	4	/* pending ones, made while stopped */

static long long
num(struct json_object *o, const char *a, const char *b)
{
	struct json_object	*v = e2e_member(o, a);

	if (b != NULL)
		v = e2e_member(v, b);
	return v == NULL ? -1 : (long long)json_object_get_int64(v);
}

/* The admin's document (owned) or NULL. */
static struct json_object *
sys_get(void)
{
	struct json_object	*o = NULL;
	struct resp		 r;

	if (e2e_req("GET", SYS_PATH, e2e_tok_admin(), NULL, NULL, &r) != 0)
		return NULL;
	CU_ASSERT_EQUAL(r.status, 200);
	if (r.status == 200 && r.json != NULL)
		o = json_object_get(r.json);
	resp_free(&r);
	return o;
}

static void
test_e2e_system_needs_admin(void)
{
	const char		*detail;
	struct json_object	*o;
	struct resp		 r;

	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", SYS_PATH, NULL, NULL, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 401);
	SUP_STR_EQ(resp_str(&r, "detail"), "Not authenticated");
	CU_ASSERT_PTR_NOT_NULL(strstr(resp_header(&r, "WWW-Authenticate"),
	    "Bearer"));
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", SYS_PATH, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	SUP_STR_EQ(resp_str(&r, "detail"), "Missing role admin");
	/* The usual shape: {"detail": "..."} and nothing of the system. */
	CU_ASSERT_EQUAL(json_object_object_length(r.json), 1);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", SYS_PATH, e2e_tok_reader(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", SYS_PATH, e2e_tok_admin(), "{}",
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 405);
	resp_free(&r);
	o = sys_get();
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	detail = e2e_mjs(o, "queue");
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "\"runnable\":"));
	CU_ASSERT_EQUAL(json_object_array_length(e2e_member(e2e_member(o,
	    "throughput"), "buckets")), 12);
	CU_ASSERT_EQUAL(num(o, "throughput", "bucket_seconds"), 300);
	CU_ASSERT(json_object_is_type(e2e_member(o, "supervisors"),
	    json_type_array));
	CU_ASSERT(json_object_is_type(e2e_member(o, "replica_heartbeats"),
	    json_type_array));
	json_object_put(o);
}

/* Index of the bucket of buckets holding time ts, or -1. */
static int
bucket_of(struct json_object *buckets, const char *ts)
{
	const char	*s, *next;
	size_t		 i, n = json_object_array_length(buckets);

	for (i = 0; i < n; i++) {
		s = e2e_mjs(json_object_array_get_idx(buckets, i), "start");
		next = i + 1 < n ? e2e_mjs(json_object_array_get_idx(buckets,
		    i + 1), "start") : NULL;
		/* "\"2026-...Z\"": compare past the quote, same format. */
		if (strcmp(ts, s + 1) >= 0 &&
		    (next == NULL || strcmp(ts, next + 1) < 0))
			return (int)i;
	}
	return -1;
}

static void
test_e2e_system_exact_figures(void)
{
	char			*tok, *ok, *bad, *ids[SYS_OK + SYS_BAD];
	char			*pend[SYS_PENDING], done[SYS_OK + SYS_BAD][32];
	char			 q[512], line[512], since[32], path[128];
	struct json_object	*a = NULL, *b = NULL, *doc, *bk, *sups, *s;
	struct resp		 r;
	long long		 db[7], thr[2], sum[2];
	int			 i, k, mine[12][2], found;
	pid_t			 sup;

	memset(mine, 0, sizeof(mine));
	memset(pend, 0, sizeof(pend));
	tok = e2e_token(e2e_run_name("sys-user"),
	    "workflow:execute,workflow:read,template:write");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	ok = e2e_template(tok, "{\"name\":\"sys-ok\",\"steps\":[{\"id\":"
	    "\"a\",\"type\":\"transform\",\"output\":{\"x\":1}}]}");
	bad = e2e_template(tok, "{\"name\":\"sys-bad\",\"steps\":[{\"id\":"
	    "\"f\",\"type\":\"command\",\"handler\":\"fail-stderr\"}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	for (i = 0; i < SYS_OK + SYS_BAD; i++) {
		ids[i] = e2e_execute(tok, i < SYS_OK ? ok : bad, "{}");
		CU_ASSERT_PTR_NOT_NULL_FATAL(ids[i]);
	}
	for (i = 0; i < SYS_OK + SYS_BAD; i++) {
		doc = e2e_wait(tok, ids[i], 30);
		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		SUP_STR_EQ(sup_str(doc, "status"), i < SYS_OK ? "completed" :
		    "failed");
		snprintf(done[i], sizeof(done[i]), "%s",
		    sup_str(doc, "completed_at") != NULL ?
		    sup_str(doc, "completed_at") : "");
		json_object_put(doc);
	}
	sup = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(sup > 0);

	/* From here to SIGCONT: no FATAL assertion. */
	CU_ASSERT_EQUAL(kill(sup, SIGSTOP), 0);
	sup_sleep_ms(200);
	a = sys_get();
	for (i = 0; i < SYS_PENDING; i++)
		pend[i] = e2e_execute(tok, ok, "{}");
	if (pend[SYS_PENDING - 1] != NULL) {
		snprintf(q, sizeof(q), "UPDATE wfm.executions SET run_after = "
		    "UTC_TIMESTAMP(6) + INTERVAL 1 HOUR WHERE execution_id = "
		    "'%s'; SELECT ROW_COUNT();", pend[SYS_PENDING - 1]);
		CU_ASSERT_EQUAL(flt_sql_line(q, line, sizeof(line)), 0);
		CU_ASSERT_STRING_EQUAL(line, "1");
	}
	b = sys_get();
	CU_ASSERT_EQUAL(flt_sql_line("SELECT COALESCE(SUM(status = 'pending'),"
	    " 0), COALESCE(SUM(status = 'running'), 0), COALESCE(SUM(status "
	    "= 'completed'), 0), COALESCE(SUM(status = 'failed'), 0), "
	    "COALESCE(SUM(status = 'cancelled'), 0), COALESCE(SUM(status = "
	    "'timed_out'), 0), COALESCE(SUM(status = 'pending' AND run_after "
	    "<= UTC_TIMESTAMP(6)), 0) FROM wfm.executions;", line, sizeof(line)),
	    0);
	CU_ASSERT_EQUAL(sscanf(line, "%lld %lld %lld %lld %lld %lld %lld",
	    &db[0], &db[1], &db[2], &db[3], &db[4], &db[5], &db[6]), 7);
	since[0] = '\0';
	if (b != NULL) {
		/* "2026-01-02T03:05:00.000Z" as a DATETIME literal. */
		snprintf(since, sizeof(since), "%s", e2e_mjs(e2e_member(b,
		    "throughput"), "since") + 1);
		if (strlen(since) >= 24) {
			since[10] = ' ';
			since[23] = '\0';
		}
	}
	snprintf(q, sizeof(q), "SELECT COALESCE(SUM(status = 'completed'), "
	    "0), COALESCE(SUM(status = 'failed'), 0) FROM wfm.executions WHERE "
	    "completed_at >= '%s';", since);
	CU_ASSERT_EQUAL(flt_sql_line(q, line, sizeof(line)), 0);
	CU_ASSERT_EQUAL(sscanf(line, "%lld %lld", &thr[0], &thr[1]), 2);
	sups = b != NULL ? e2e_member(b, "supervisors") : NULL;
	found = 0;
	for (k = 0; sups != NULL && k < (int)json_object_array_length(sups);
	    k++) {
		s = json_object_array_get_idx(sups, k);
		if (num(s, "pid", NULL) != (long long)sup)
			continue;
		found++;
		SUP_STR_EQ(sup_str(s, "state"), "alive");
		CU_ASSERT(json_object_get_double(e2e_member(s,
		    "heartbeat_age_seconds")) >= 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(sup_str(s, "supervisor_id"),
		    ":"));
	}
	CU_ASSERT_EQUAL(kill(sup, SIGCONT), 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(found, 1);
	/* What this test added while nothing else moved. */
	CU_ASSERT_EQUAL(num(b, "queue", "pending") - num(a, "queue",
	    "pending"), SYS_PENDING);
	CU_ASSERT_EQUAL(num(b, "queue", "runnable") - num(a, "queue",
	    "runnable"), SYS_PENDING - 1);
	CU_ASSERT_EQUAL(num(b, "queue", "delayed") - num(a, "queue",
	    "delayed"), 1);
	CU_ASSERT_EQUAL(num(b, "executions", "pending") - num(a,
	    "executions", "pending"), SYS_PENDING);
	CU_ASSERT_EQUAL(num(b, "executions", "completed"), num(a,
	    "executions", "completed"));
	CU_ASSERT_EQUAL(num(b, "executions", "failed"), num(a, "executions",
	    "failed"));
	/* Exactly the database's counts. */
	CU_ASSERT_EQUAL(num(b, "executions", "pending"), db[0]);
	CU_ASSERT_EQUAL(num(b, "executions", "running"), db[1]);
	CU_ASSERT_EQUAL(num(b, "executions", "completed"), db[2]);
	CU_ASSERT_EQUAL(num(b, "executions", "failed"), db[3]);
	CU_ASSERT_EQUAL(num(b, "executions", "cancelled"), db[4]);
	CU_ASSERT_EQUAL(num(b, "executions", "timed_out"), db[5]);
	CU_ASSERT_EQUAL(num(b, "executions", "total"),
	    db[0] + db[1] + db[2] + db[3] + db[4] + db[5]);
	CU_ASSERT_EQUAL(num(b, "queue", "pending"), db[0]);
	CU_ASSERT_EQUAL(num(b, "queue", "runnable"), db[6]);
	CU_ASSERT_EQUAL(num(b, "queue", "delayed"), db[0] - db[6]);
	/* Throughput: the database's count since the window start... */
	CU_ASSERT_EQUAL(num(e2e_member(b, "throughput"), "totals",
	    "completed"), thr[0]);
	CU_ASSERT_EQUAL(num(e2e_member(b, "throughput"), "totals",
	    "failed"), thr[1]);
	CU_ASSERT(thr[0] >= SYS_OK);
	CU_ASSERT(thr[1] >= SYS_BAD);
	/* ...the sum of the buckets, and ours in the bucket of their time. */
	bk = e2e_member(e2e_member(b, "throughput"), "buckets");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(bk), 12);
	sum[0] = sum[1] = 0;
	for (k = 0; k < 12; k++) {
		sum[0] += num(json_object_array_get_idx(bk, k), "completed",
		    NULL);
		sum[1] += num(json_object_array_get_idx(bk, k), "failed",
		    NULL);
	}
	CU_ASSERT_EQUAL(sum[0], thr[0]);
	CU_ASSERT_EQUAL(sum[1], thr[1]);
	for (i = 0; i < SYS_OK + SYS_BAD; i++) {
		k = bucket_of(bk, done[i]);
		CU_ASSERT(k >= 0);
		if (k >= 0)
			mine[k][i < SYS_OK ? 0 : 1]++;
	}
	for (k = 0; k < 12; k++) {
		CU_ASSERT(num(json_object_array_get_idx(bk, k), "completed",
		    NULL) >= mine[k][0]);
		CU_ASSERT(num(json_object_array_get_idx(bk, k), "failed",
		    NULL) >= mine[k][1]);
	}
	/* Leave nothing pending for an hour behind. */
	for (i = 0; i < SYS_PENDING; i++) {
		if (pend[i] == NULL)
			continue;
		snprintf(path, sizeof(path), "/workflow-management/executions/"
		    "%s/cancel", pend[i]);
		if (e2e_req("POST", path, tok, "{}", NULL, &r) == 0)
			resp_free(&r);
		free(pend[i]);
	}
	for (i = 0; i < SYS_OK + SYS_BAD; i++)
		free(ids[i]);
	json_object_put(a);
	json_object_put(b);
	free(ok);
	free(bad);
	free(tok);
}

E2E_SUITE(test_e2e_system_register)

void
test_e2e_system_register(void)
{
	CU_pSuite	s = CU_add_suite("system", NULL, NULL);

	CU_add_test(s, "401 without a token, 403 without admin",
	    test_e2e_system_needs_admin);
	CU_add_test(s, "exact figures while the supervisor is stopped",
	    test_e2e_system_exact_figures);
}
