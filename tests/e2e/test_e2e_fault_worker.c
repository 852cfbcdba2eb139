/*
 * A wfm-fcgi worker killed with SIGKILL under a stream of requests: the
 * master replaces it within 2 s, the supervisor is not touched, and no
 * request fails except the one the dead worker may have been serving.
 */
#include <sys/types.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_fault.h"

#define WK_KILLS	3
#define WK_CAP		4000
#define WK_MAX		64
#define WK_RESTORE_S	2.0
#define WK_DONE_S	60.0

/* 1 if pid is in list[0..n). */
static int
member(pid_t pid, const pid_t *list, int n)
{
	int	i;

	for (i = 0; i < n && i < WK_MAX; i++)
		if (list[i] == pid)
			return 1;
	return 0;
}

/* Count the answers; 5xx and transport errors are bad, 429 odd. */
static void
count(const char *what, const struct flt_shot *s, int n, int *ok,
    int *bad)
{
	int	i;

	*ok = *bad = 0;
	for (i = 0; i < n; i++) {
		if (s[i].status == 200 || s[i].status == 202) {
			(*ok)++;
			continue;
		}
		fprintf(stderr, "%s: %s answered %ld after %.3f s\n", what,
		    s[i].name[0] != '\0' ? s[i].name : "GET", s[i].status,
		    s[i].secs);
		if (s[i].status == 0 || s[i].status >= 500)
			(*bad)++;
	}
}

static void
test_e2e_fault_worker_kill9_is_replaced_in_2s(void)
{
	struct flt_load	 post, get;
	struct flt_shot	*ps, *gs, one;
	const char	*tok = flt_token("fault-kill");
	const char	*prefix = flt_run("wk");
	pid_t		 master, before[WK_MAX], now[WK_MAX], sup[4], sup2[4];
	pid_t		 victim;
	char		*tid, path[256], name[160];
	double		 t0, took, worst = 0;
	int		 want, nw, k, i, pn, gn, pok, pbad, gok, gbad, nsup;
	int		 restored = 0, accepted = 0, lost = 0, cnt;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	master = flt_master();
	CU_ASSERT_FATAL(master > 1);
	want = flt_conf_int("fcgi", "workers", 16);
	nw = flt_children(master, "wfm-fcgi", before, WK_MAX);
	CU_ASSERT_EQUAL_FATAL(nw, want);
	nsup = flt_children(master, "wfm-supervisor", sup, 4);
	CU_ASSERT_EQUAL(nsup, 1);

	tid = flt_template_one(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(name, sizeof(name), "%s-get", prefix);
	flt_exec(tok, tid, name, "{\"n\":0}", &one);
	CU_ASSERT_EQUAL_FATAL(one.status, 202);
	snprintf(path, sizeof(path), "%s/%s", FLT_EXECS_PATH, one.id);
	ps = calloc(WK_CAP, sizeof(*ps));
	gs = calloc(WK_CAP, sizeof(*gs));
	CU_ASSERT_FATAL(ps != NULL && gs != NULL);

	/* Two threads of executes, two of GETs, all the time. */
	memset(&post, 0, sizeof(post));
	post.token = tok;
	post.tid = tid;
	post.prefix = prefix;
	post.input = "{\"n\":1}";
	post.nthreads = 2;
	post.pace_ms = 40;
	post.retry_429 = 1;
	post.shots = ps;
	post.cap = WK_CAP;
	memset(&get, 0, sizeof(get));
	get.token = tok;
	get.get_path = path;
	get.nthreads = 2;
	get.pace_ms = 5;
	get.shots = gs;
	get.cap = WK_CAP;
	CU_ASSERT_EQUAL(flt_load_start(&post), 0);
	CU_ASSERT_EQUAL(flt_load_start(&get), 0);

	for (k = 0; k < WK_KILLS; k++) {
		flt_sleep_ms(700);
		nw = flt_children(master, "wfm-fcgi", before, WK_MAX);
		if (nw < 1)
			break;
		victim = before[k % (nw < WK_MAX ? nw : WK_MAX)];
		t0 = flt_now();
		if (kill(victim, SIGKILL) != 0)
			continue;
		/* Back to want workers, the victim not among them. */
		do {
			flt_sleep_ms(20);
			nw = flt_children(master, "wfm-fcgi", now, WK_MAX);
		} while ((nw != want || member(victim, now, nw)) &&
		    flt_now() - t0 < 10);
		took = flt_now() - t0;
		if (took > worst)
			worst = took;
		if (nw == want && !member(victim, now, nw) &&
		    took <= WK_RESTORE_S)
			restored++;
		else
			fprintf(stderr, "worker kill %d: %d workers after "
			    "%.3f s\n", k, nw, took);
	}
	flt_sleep_ms(700);
	pn = flt_load_stop(&post);
	gn = flt_load_stop(&get);
	fprintf(stderr, "worker kill: %d POST, %d GET; slowest restore "
	    "%.3f s\n", pn, gn, worst);

	CU_ASSERT_EQUAL(restored, WK_KILLS);
	/* A worker crash does not touch the supervisor. */
	CU_ASSERT_EQUAL(flt_children(master, "wfm-supervisor", sup2, 4), 1);
	CU_ASSERT_EQUAL(sup2[0], sup[0]);
	CU_ASSERT_EQUAL(flt_master(), master);

	count("worker kill POST", ps, pn, &pok, &pbad);
	count("worker kill GET", gs, gn, &gok, &gbad);
	/* At most the request each dead worker was serving. */
	CU_ASSERT(pbad + gbad <= WK_KILLS);
	CU_ASSERT_EQUAL(pok + pbad, pn);
	CU_ASSERT_EQUAL(gok + gbad, gn);
	CU_ASSERT(pn > 20 && gn > 100);

	/* Every 202 exists and completes. */
	for (i = 0; i < pn; i++) {
		if (ps[i].status != 202)
			continue;
		accepted++;
		if (!flt_wait_completed(tok, ps[i].id, flt_now() + WK_DONE_S))
			lost++;
	}
	CU_ASSERT_EQUAL(lost, 0);
	/*
	 * One row per accepted name, plus the GET target; a POST cut off
	 * with its worker may or may not have been written.
	 */
	cnt = flt_count_prefix(tok, prefix);
	CU_ASSERT(cnt >= accepted + 1 && cnt <= accepted + 1 + pbad);
	free(ps);
	free(gs);
	free(tid);
}

E2E_SUITE(test_e2e_fault_worker_register)

void
test_e2e_fault_worker_register(void)
{
	CU_pSuite	s = CU_add_suite("fault_worker", NULL, NULL);

	CU_add_test(s, "kill9_is_replaced_in_2s",
	    test_e2e_fault_worker_kill9_is_replaced_in_2s);
}
