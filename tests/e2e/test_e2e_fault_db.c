/*
 * Database faults with real processes: MariaDB stopped (SIGTERM by its
 * pid file) and started again while 8 threads submit executes, and a
 * database made slow by a lock held from a root session (a table lock:
 * a metadata lock wait; a row lock on the user's quota counter: an
 * InnoDB lock wait). The service must answer every request with a clear
 * 202 or 503 + Retry-After in bounded time, never a 500 or a hang, and
 * nothing answered 202 may be lost, nothing answered 503 may appear later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_fault.h"

#define RS_THREADS	8
#define RS_MIN		200	/* executes sent in all */
#define RS_BEFORE	50	/* answered before MariaDB is stopped */
#define RS_CAP		2000
#define RS_DOWN_MS	2000	/* submitting while MariaDB is down */
#define RS_ANSWER_S	10.0	/* every answer within */
#define RS_DONE_S	60.0	/* every accepted execution completed within */

#define LK_THREADS	4	/* fewer than the workers: none queues */
#define LK_CAP		400
#define LK_HOLD_S	15

enum { PH_UP, PH_DOWN, PH_RESTARTED };

struct tally {
	int	n, n200, n202, n503, n429, other, transport, no_ra, slow;
	double	max_secs;
};

/* Count the answers of shots[0..n); print the odd ones. */
static void
tally(const char *what, struct flt_shot *s, int n, double limit,
    struct tally *t)
{
	int	i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		t->n++;
		t->n429 += s[i].n429;
		if (s[i].secs > t->max_secs)
			t->max_secs = s[i].secs;
		if (s[i].secs > limit)
			t->slow++;
		switch (s[i].status) {
		case 0:
			t->transport++;
			break;
		case 200:
			t->n200++;
			break;
		case 202:
			t->n202++;
			break;
		case 503:
			t->n503++;
			if (s[i].retry_after < 1)
				t->no_ra++;
			break;
		default:
			t->other++;
			break;
		}
		if (s[i].status != 202 && s[i].status != 503)
			fprintf(stderr, "%s: %s answered %ld after %.3f s\n",
			    what, s[i].name, s[i].status, s[i].secs);
	}
	fprintf(stderr, "%s: %d requests: %d x 202, %d x 503, %d x 200, "
	    "%d other, %d no answer, %d quota retries, slowest %.3f s\n",
	    what, t->n, t->n202, t->n503, t->n200, t->other, t->transport,
	    t->n429, t->max_secs);
}

/* Wait up to seconds for /readyz 200 (the stack whole again). */
static int
ready(int seconds)
{
	struct resp	r;
	double		end = flt_now() + seconds;
	long		st;

	do {
		st = 0;
		if (e2e_req("GET", "/readyz", NULL, NULL, NULL, &r) == 0) {
			st = r.status;
			resp_free(&r);
		}
		if (st == 200)
			return 1;
		flt_sleep_ms(200);
	} while (flt_now() < end);
	return 0;
}

/*
 * Every 202 of s exists (GET 200) and completes by deadline; the
 * number that do not.
 */
static int
accepted_complete(const char *tok, struct flt_shot *s, int n,
    double deadline, int *missing)
{
	char	*st;
	long	 code;
	int	 i, bad = 0;

	*missing = 0;
	for (i = 0; i < n; i++) {
		if ((s[i].status != 202 && s[i].status != 200) ||
		    s[i].id[0] == '\0')
			continue;
		st = flt_status(tok, s[i].id, &code);
		free(st);
		if (code != 200) {
			fprintf(stderr, "%s (%s): GET %ld\n", s[i].name,
			    s[i].id, code);
			(*missing)++;
			continue;
		}
		if (!flt_wait_completed(tok, s[i].id, deadline)) {
			fprintf(stderr, "%s (%s): not completed\n",
			    s[i].name, s[i].id);
			bad++;
		}
	}
	return bad;
}

static void
test_e2e_fault_db_restart_under_load_loses_nothing(void)
{
	struct flt_load	 l;
	struct flt_shot	*s, *re;
	struct tally	 t;
	const char	*tok = flt_token("fault-user");
	const char	*prefix = flt_run("rs");
	char		*tid;
	double		 t0, deadline;
	int		 i, n, rc_stop, rc_start, before, after = 0, missing;
	int		 re_n = 0, re_202 = 0, re_200 = 0, re_bad = 0, count;
	int		 late503;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	tid = flt_template_one(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	s = calloc(RS_CAP, sizeof(*s));
	re = calloc(RS_CAP, sizeof(*re));
	CU_ASSERT_FATAL(s != NULL && re != NULL);

	memset(&l, 0, sizeof(l));
	l.token = tok;
	l.tid = tid;
	l.prefix = prefix;
	l.input = "{\"n\":1}";
	l.nthreads = RS_THREADS;
	l.pace_ms = 100;
	l.retry_429 = 1;
	l.shots = s;
	l.cap = RS_CAP;
	l.phase = PH_UP;
	CU_ASSERT_EQUAL_FATAL(flt_load_start(&l), 0);

	t0 = flt_now();
	while (flt_load_done(&l) < RS_BEFORE && flt_now() < t0 + 30)
		flt_sleep_ms(20);
	before = flt_load_done(&l);
	/* In the middle of the load: SIGTERM, wait for the exit. */
	flt_load_set_phase(&l, PH_DOWN);
	rc_stop = flt_stack("db-stop");
	flt_sleep_ms(RS_DOWN_MS);
	rc_start = flt_stack("db-start");
	if (rc_start != 0)
		rc_start = flt_stack("db-start");
	flt_load_set_phase(&l, PH_RESTARTED);
	t0 = flt_now();
	while ((flt_load_done(&l) < RS_MIN || flt_now() < t0 + 2 ||
	    after < 2 * RS_THREADS) && flt_now() < t0 + 60) {
		flt_sleep_ms(50);
		after = 0;
		pthread_mutex_lock(&l.mu);
		for (i = 0; i < l.next; i++)
			after += s[i].phase == PH_RESTARTED && s[i].status != 0;
		pthread_mutex_unlock(&l.mu);
	}
	n = flt_load_stop(&l);
	CU_ASSERT_EQUAL(rc_stop, 0);
	CU_ASSERT_EQUAL_FATAL(rc_start, 0);
	CU_ASSERT(before >= RS_BEFORE);
	CU_ASSERT(n >= RS_MIN);

	tally("db restart", s, n, RS_ANSWER_S, &t);
	/* Every request answered, within 10 s, 202 or 503 + Retry-After. */
	CU_ASSERT_EQUAL(t.transport, 0);
	CU_ASSERT_EQUAL(t.slow, 0);
	CU_ASSERT_EQUAL(t.other + t.n200, 0);
	CU_ASSERT_EQUAL(t.no_ra, 0);
	/* The outage was seen, and the service came back with MariaDB. */
	CU_ASSERT(t.n503 > 0);
	/*
	 * Back to normal at once: a process retries a failed connect after
	 * 1 s (STORE_RETRY_MS), so nothing sent later than 1.5 s after
	 * MariaDB answers again gets a 503.
	 */
	after = late503 = 0;
	for (i = 0; i < n; i++) {
		after += s[i].phase == PH_RESTARTED && s[i].status == 202;
		if (s[i].at >= t0 + 1.5 && s[i].status == 503) {
			fprintf(stderr, "db restart: %s answered 503 %.3f s "
			    "after the restart\n", s[i].name, s[i].at - t0);
			late503++;
		}
	}
	CU_ASSERT(after > 0);
	CU_ASSERT_EQUAL(late503, 0);

	/* Every 202 exists and completes: the supervisor reconnected too. */
	deadline = flt_now() + RS_DONE_S;
	CU_ASSERT_EQUAL(accepted_complete(tok, s, n, deadline, &missing), 0);
	CU_ASSERT_EQUAL(missing, 0);

	/*
	 * A 503'd name can be used again: 202, or 200 for an INSERT that
	 * committed while its answer was lost to the shutdown (the same
	 * parameters: the idempotent replay). Never a 409 or 5xx.
	 */
	for (i = 0; i < n; i++) {
		if (s[i].status != 503)
			continue;
		flt_exec_settled(tok, tid, s[i].name, "{\"n\":1}", &re[re_n]);
		if (re[re_n].status == 202)
			re_202++;
		else if (re[re_n].status == 200)
			re_200++;
		else {
			fprintf(stderr, "retry of %s: %ld\n", s[i].name,
			    re[re_n].status);
			re_bad++;
		}
		re_n++;
	}
	fprintf(stderr, "db restart: retried %d: %d x 202, %d x 200 "
	    "(committed although answered 503), %d bad\n", re_n, re_202,
	    re_200, re_bad);
	CU_ASSERT_EQUAL(re_bad, 0);
	CU_ASSERT_EQUAL(re_202 + re_200, t.n503);
	deadline = flt_now() + RS_DONE_S;
	CU_ASSERT_EQUAL(accepted_complete(tok, re, re_n, deadline, &missing),
	    0);
	CU_ASSERT_EQUAL(missing, 0);

	/* Exactly one row per name sent: nothing doubled, nothing lost. */
	count = flt_count_prefix(tok, prefix);
	CU_ASSERT_EQUAL(count, n);
	CU_ASSERT(ready(30));
	free(s);
	free(re);
	free(tid);
}

/*
 * MariaDB restarted while nothing is sent: each worker's connection is
 * dead but it does not know yet. The first requests after the restart
 * must still succeed (the database is up again), not answer 503 once per
 * worker, and /readyz must not fail a load balancer's check for it.
 */
static void
test_e2e_fault_db_idle_restart_first_requests_succeed(void)
{
	struct flt_shot	 one;
	struct resp	 r;
	const char	*tok = flt_token("fault-idle");
	const char	*prefix = flt_run("idle");
	char		*tid, name[160];
	int		 i, n, workers = flt_conf_int("fcgi", "workers", 16);
	int		 ok = 0, ready_ok = 0, accepted = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	tid = flt_template_one(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	/* Every worker holds a connection (nginx spreads the requests). */
	n = 4 * workers;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s-warm-%d", prefix, i);
		flt_exec(tok, tid, name, "{\"n\":1}", &one);
		accepted += one.status == 202;
	}
	CU_ASSERT_EQUAL(accepted, n);
	CU_ASSERT_EQUAL_FATAL(flt_stack("db-stop"), 0);
	CU_ASSERT_EQUAL_FATAL(flt_stack("db-start"), 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s-%d", prefix, i);
		flt_exec(tok, tid, name, "{\"n\":1}", &one);
		if (one.status == 202) {
			ok++;
			accepted++;
		} else
			fprintf(stderr, "after an idle restart: %s answered "
			    "%ld\n", name, one.status);
		if (e2e_req("GET", "/readyz", NULL, NULL, NULL, &r) == 0) {
			ready_ok += r.status == 200;
			if (r.status != 200)
				fprintf(stderr, "after an idle restart: "
				    "readyz %ld %s\n", r.status, r.body);
			resp_free(&r);
		}
	}
	CU_ASSERT_EQUAL(ok, n);
	CU_ASSERT_EQUAL(ready_ok, n);
	/* A 503 retried by a client: one row per name all the same. */
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s-%d", prefix, i);
		flt_exec_settled(tok, tid, name, "{\"n\":1}", &one);
		if (one.status != 200 && one.status != 202)
			fprintf(stderr, "retry of %s: %ld\n", name,
			    one.status);
	}
	CU_ASSERT_EQUAL(flt_count_prefix(tok, prefix), 2 * n);
	free(tid);
}

/*
 * Hold the lock of stmts from a root session for LK_HOLD_S while
 * LK_THREADS threads submit executes of user: each must be 503 with
 * Retry-After within rw_timeout, no abandoned statement may still wait
 * in the server past rw_timeout, nothing may be committed after the
 * release, and executes succeed again at once after it.
 */
static void
slow_db(const char *what, const char *user, const char *stmts)
{
	struct flt_load	 l;
	struct flt_shot	*s, one;
	struct flt_sql	 q;
	struct tally	 t;
	const char	*tok = flt_token(user);
	const char	*prefix = flt_run(user);
	char		*tid, name[160], line[4096], query[1024];
	double		 t0, hold, limit;
	int		 i, n, rw = flt_rw_timeout(), after_ok = 0, re_202 = 0;
	int		 opened, piled = -1, count, accepted = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	tid = flt_template_one(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	s = calloc(LK_CAP, sizeof(*s));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* One execution first: the user's quota row exists, all settled. */
	snprintf(name, sizeof(name), "%s-pre", prefix);
	flt_exec(tok, tid, name, "{\"n\":0}", &one);
	CU_ASSERT_EQUAL_FATAL(one.status, 202);
	CU_ASSERT_FATAL(flt_wait_completed(tok, one.id, flt_now() + 30));
	accepted++;

	hold = rw <= LK_HOLD_S - 6 ? LK_HOLD_S : rw + 6;
	/* Answer within rw_timeout (plus the request's own time). */
	limit = rw + 1.5;
	opened = flt_sql_open(&q, stmts) == 0;
	CU_ASSERT_FATAL(opened);
	t0 = flt_now();
	memset(&l, 0, sizeof(l));
	l.token = tok;
	l.tid = tid;
	l.prefix = prefix;
	l.input = "{\"n\":1}";
	l.nthreads = LK_THREADS;
	l.shots = s;
	l.cap = LK_CAP;
	/* No request may still run when the lock goes. */
	l.until = t0 + hold - rw - 3;
	if (flt_load_start(&l) != 0)
		CU_FAIL("threads");
	n = flt_load_join(&l);
	while (flt_now() < t0 + hold - 1)
		flt_sleep_ms(100);

	/*
	 * Just before the release: a statement still running for longer
	 * than rw_timeout is one the service gave up on (its client got
	 * 503) that goes on waiting, and may commit, in the server.
	 */
	snprintf(query, sizeof(query), "SELECT COUNT(*), "
	    "COALESCE(GROUP_CONCAT(CONCAT(USER, ' ', TIME, ' s: ', "
	    "LEFT(INFO, 60)) SEPARATOR ' | '), '') "
	    "FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() "
	    "AND COMMAND NOT IN ('Sleep', 'Daemon') AND TIME > %d;", rw + 1);
	if (flt_sql_line(query, line, sizeof(line)) == 0)
		piled = atoi(line);
	if (piled != 0)
		fprintf(stderr, "%s: still in the server: %s\n", what, line);
	flt_sql_close(&q);

	tally(what, s, n, limit, &t);
	fprintf(stderr, "%s: rw_timeout %d s, lock held %.1f s\n", what, rw,
	    flt_now() - t0);
	CU_ASSERT(n >= LK_THREADS);
	CU_ASSERT_EQUAL(t.n503, n);
	CU_ASSERT_EQUAL(t.no_ra, 0);
	CU_ASSERT_EQUAL(t.slow, 0);
	CU_ASSERT_EQUAL(piled, 0);

	/* Released: executes succeed again at once. */
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "%s-after-%d", prefix, i);
		flt_exec(tok, tid, name, "{\"n\":2}", &one);
		if (one.status == 202 && one.secs < 2)
			after_ok++;
		else
			fprintf(stderr, "%s: after the release %s: %ld in "
			    "%.3f s\n", what, name, one.status, one.secs);
	}
	CU_ASSERT_EQUAL(after_ok, 10);
	accepted += after_ok;
	/* A 503'd name was never written: 202 now, not a 200 replay. */
	for (i = 0; i < n; i++) {
		if (s[i].status != 503)
			continue;
		flt_exec_settled(tok, tid, s[i].name, "{\"n\":1}", &one);
		if (one.status == 202)
			re_202++;
		else
			fprintf(stderr, "%s: retry of %s: %ld\n", what,
			    s[i].name, one.status);
		if (one.status == 202 || one.status == 200)
			accepted++;
	}
	CU_ASSERT_EQUAL(re_202, t.n503);
	count = flt_count_prefix(tok, prefix);
	CU_ASSERT_EQUAL(count, accepted);
	free(s);
	free(tid);
}

static void
test_e2e_fault_db_table_lock_answers_503_in_time(void)
{
	/* A metadata lock wait (lock_wait_timeout is a day by default). */
	slow_db("table lock", "fault-lock",
	    "USE wfm; LOCK TABLES executions WRITE;");
}

static void
test_e2e_fault_db_row_lock_answers_503_commits_nothing(void)
{
	/*
	 * An InnoDB row lock wait (innodb_lock_wait_timeout 50 s): an
	 * uncommitted transaction holds every quota slot of the user (50,
	 * the quota of tests/e2e/run.sh; sql/011), so each insert waits on
	 * the unique key (user_id, quota_slot) for its outcome.
	 */
	slow_db("row lock", "fault-row",
	    "USE wfm; BEGIN; INSERT INTO executions (execution_id, user_id, "
	    "execution_name, template_pk, template_id, template_version, "
	    "input, input_hash, run_after, created_at, quota_slot) "
	    "SELECT UUID(), 'fault-row', CONCAT('slot-holder-', seq), "
	    "(SELECT MIN(id) FROM templates), 'slot-holder', 1, '{}', 'x', "
	    "UTC_TIMESTAMP(6), UTC_TIMESTAMP(3), seq FROM seq_0_to_49;");
}

/* Whatever failed, MariaDB runs again for the suites that follow. */
static int
clean(void)
{
	return flt_stack("db-start") == 0 ? 0 : 1;
}

E2E_SUITE(test_e2e_fault_db_register)

void
test_e2e_fault_db_register(void)
{
	CU_pSuite	s = CU_add_suite("fault_db", NULL, clean);

	CU_add_test(s, "restart_under_load_loses_nothing",
	    test_e2e_fault_db_restart_under_load_loses_nothing);
	CU_add_test(s, "idle_restart_first_requests_succeed",
	    test_e2e_fault_db_idle_restart_first_requests_succeed);
	CU_add_test(s, "table_lock_answers_503_in_time",
	    test_e2e_fault_db_table_lock_answers_503_in_time);
	CU_add_test(s, "row_lock_answers_503_commits_nothing",
	    test_e2e_fault_db_row_lock_answers_503_commits_nothing);
}
