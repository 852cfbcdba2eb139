/*
 * Supervisor faults with real processes: kill -9 mid-step (the master
 * restarts it, the new one takes back the orphan at once), two
 * supervisors against one database (nothing runs twice, a live sibling
 * is not robbed) and SIGTERM (running executions are released and the
 * restarted supervisor completes them).
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "e2e_sup.h"

#define NEXEC	200

/* a (transform) -> b (command: e2e-chain-step) -> c (transform). */
static char *
chain_template(int seconds)
{
	return sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"a\",\"type\":\"transform\",\"output\":{\"v\":1}},"
	    "{\"id\":\"b\",\"type\":\"command\",\"handler\":\"e2e-chain-step\","
	    "\"depends_on\":[\"a\"],\"input\":{\"file\":\"{{ input.file }}\","
	    "\"seconds\":%d}},"
	    "{\"id\":\"c\",\"type\":\"transform\",\"depends_on\":[\"b\"],"
	    "\"output\":{\"b\":\"{{ steps.b.output.ok }}\"}}]}",
	    e2e_unique("chain"), seconds);
}

static char *
chain_start(const char *tid, const char *file)
{
	char	 input[700], *eid, *p;

	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	if ((eid = sup_exec(tid, input)) == NULL)
		return NULL;
	/* b is running once its first line is there. */
	if ((p = sup_wait_file(file, 15000)) == NULL) {
		free(eid);
		return NULL;
	}
	free(p);
	return eid;
}

static const char *
bin(void)
{
	return getenv("WFM_E2E_BIN") != NULL ? getenv("WFM_E2E_BIN") :
	    "build/bin";
}

static void
test_e2e_sup_kill9_mid_step_resumes(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("kill9");
	char			*tid, *eid;
	pid_t			 old, neu;
	int64_t			 t0;
	int			 starts;

	tid = chain_template(3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = chain_start(tid, file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	t0 = sup_now_ms();
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	/* wfm-fcgi restarts it (backoff 1 s). */
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1 && neu != old);
	doc = e2e_wait(e2e_tok_alice(), eid, 40);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	/* Taken back at once, not after the 30 s lease. */
	CU_ASSERT(sup_now_ms() - t0 < 15000);
	/* a was committed before b started: not run again. */
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "a"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "c"), "attempts"), 1);
	SUP_STR_EQ(sup_str(sup_step(doc, "b"), "status"), "completed");
	/* b: at least once, at most twice; only one run finished. */
	starts = sup_count_lines(file, "start ");
	CU_ASSERT(starts >= 1 && starts <= 2);
	CU_ASSERT_EQUAL(sup_count_lines(file, "end "), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "b"), "attempts"), starts);
	SUP_STR_EQ(sup_json(doc, "final_result"),
	    "{\"a\":{\"v\":1},\"b\":{\"ok\":true},\"c\":{\"b\":true}}");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/* Start a second supervisor with its own lock and nudge socket. */
static pid_t
second_supervisor(const char *dir)
{
	char	 conf[700], lock[700], nudge[700], log[700];
	pid_t	 pid;
	int	 fd;

	snprintf(conf, sizeof(conf), "%s/sup2.conf", dir);
	snprintf(lock, sizeof(lock), "%s/supervisor.lock", dir);
	snprintf(nudge, sizeof(nudge), "%s/supervisor.nudge", dir);
	snprintf(log, sizeof(log), "%s/sup2.log", dir);
	if (e2e_sh("cp '%s' '%s'", e2e_conf(), conf) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	setenv("WFM_SUPERVISOR_LOCK_FILE", lock, 1);
	setenv("WFM_SUPERVISOR_NUDGE_SOCKET", nudge, 1);
	setenv("WFM_SUPERVISOR_CONCURRENCY", "4", 1);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) != -1) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	/* Never outlive the test run, whatever happens to it. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	snprintf(log, sizeof(log), "%s/wfm-supervisor", bin());
	execl(log, "wfm-supervisor", "-c", conf, (char *)NULL);
	_exit(127);
}

/*
 * Submit as alice, waiting while the per-user active quota (429) is
 * reached; the execution id (owned) or NULL.
 */
static char *
submit(const char *tid, const char *input)
{
	struct resp	 r;
	char		 body[1024], *id = NULL;
	int64_t		 end = sup_now_ms() + 60000;

	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"input_data\":%s}", tid, input);
	while (id == NULL && sup_now_ms() < end) {
		if (e2e_req("POST", "/workflow-management/execute",
		    e2e_tok_alice(), body, NULL, &r) != 0)
			return NULL;
		if (r.status == 202 && resp_str(&r, "execution_id") != NULL)
			id = strdup(resp_str(&r, "execution_id"));
		else if (r.status != 429) {
			fprintf(stderr, "execute: %ld %s\n", r.status, r.body);
			resp_free(&r);
			return NULL;
		}
		resp_free(&r);
		if (id == NULL)
			sup_sleep_ms(50);
	}
	return id;
}

static int
wait_exit(pid_t pid, int ms, int *status)
{
	int64_t	end = sup_now_ms() + ms;
	pid_t	p;

	do {
		if ((p = waitpid(pid, status, WNOHANG)) == pid)
			return 0;
		if (p == -1 && errno != EINTR)
			return -1;
		sup_sleep_ms(50);
	} while (sup_now_ms() < end);
	return -1;
}

static void
test_e2e_sup_two_supervisors_never_double_run(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("shared"), *chain;
	char			 dir[512], input[700], line[256], id[64];
	char			*eids[NEXEC], *tid, *ctid, *ceid;
	pid_t			 sup2, main_pid;
	FILE			*f;
	int			 i, n, status = -1, done = 0, lines = 0;
	int			 by_main = 0, by_second = 0, other = 0, pid;
	int			 seen[NEXEC];

	memset(eids, 0, sizeof(eids));
	memset(seen, 0, sizeof(seen));
	snprintf(dir, sizeof(dir), "%s/sup2-%ld", e2e_var(), (long)getpid());
	CU_ASSERT_FATAL(mkdir(dir, 0755) == 0 || errno == EEXIST);
	main_pid = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(main_pid > 1);

	/* A sibling starting on this host leaves a live run alone. */
	chain = sup_path("sibling");
	ctid = chain_template(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctid);
	ceid = chain_start(ctid, chain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ceid);
	sup2 = second_supervisor(dir);
	CU_ASSERT_FATAL(sup2 > 0);
	sup_sleep_ms(500);
	CU_ASSERT_FATAL(waitpid(sup2, &status, WNOHANG) == 0);

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"append\","
	    "\"type\":\"command\",\"handler\":\"e2e-append-lock\","
	    "\"input\":{\"file\":\"{{ input.file }}\",\"seconds\":0.2}}]}",
	    e2e_unique("shared"));
	CU_ASSERT_PTR_NOT_NULL(tid);
	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	for (i = 0; tid != NULL && i < NEXEC; i++)
		if ((eids[i] = submit(tid, input)) == NULL)
			break;
	CU_ASSERT_EQUAL(i, NEXEC);
	for (i = 0; i < NEXEC && eids[i] != NULL; i++) {
		doc = e2e_wait(e2e_tok_alice(), eids[i], 60);
		if (doc != NULL && sup_str(doc, "status") != NULL &&
		    strcmp(sup_str(doc, "status"), "completed") == 0)
			done++;
		json_object_put(doc);
	}
	CU_ASSERT_EQUAL(done, NEXEC);

	/* Every execution appears exactly once; both did some. */
	f = fopen(file, "r");
	CU_ASSERT_PTR_NOT_NULL(f);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		lines++;
		if (sscanf(line, "%63s %d", id, &pid) != 2)
			continue;
		for (i = 0; i < NEXEC; i++)
			if (eids[i] != NULL && strcmp(eids[i], id) == 0)
				seen[i]++;
		if (pid == main_pid)
			by_main++;
		else if (pid == sup2)
			by_second++;
		else
			other++;
	}
	if (f != NULL)
		fclose(f);
	CU_ASSERT_EQUAL(lines, NEXEC);
	for (i = 0, n = 0; i < NEXEC; i++)
		n += seen[i] == 1;
	CU_ASSERT_EQUAL(n, NEXEC);
	CU_ASSERT(by_main > 0);
	CU_ASSERT(by_second > 0);
	CU_ASSERT_EQUAL(other, 0);
	fprintf(stderr, "[main %d, second %d] ", by_main, by_second);

	/* The sibling's run finished where it started, once. */
	doc = e2e_wait(e2e_tok_alice(), ceid, 30);
	CU_ASSERT_PTR_NOT_NULL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "b"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_count_lines(chain, "start "), 1);
	CU_ASSERT_EQUAL(sup_count_lines(chain, "end "), 1);
	json_object_put(doc);

	/* SIGTERM stops the extra one cleanly. */
	CU_ASSERT_EQUAL(kill(sup2, SIGTERM), 0);
	CU_ASSERT_EQUAL(wait_exit(sup2, 20000, &status), 0);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (waitpid(sup2, &status, WNOHANG) == 0) {
		kill(sup2, SIGKILL);
		waitpid(sup2, &status, 0);
	}
	for (i = 0; i < NEXEC; i++)
		free(eids[i]);
	free(tid);
	free(ctid);
	free(ceid);
}

static void
test_e2e_sup_sigterm_releases_and_restart_completes(void)
{
	struct json_object	*doc = NULL;
	const char		*file = sup_path("drain"), *st;
	char			*tid, *eid;
	pid_t			 old, neu;
	int64_t			 t0;
	int			 saw_pending = 0;

	tid = chain_template(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = chain_start(tid, file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	old = sup_main_pid(-1, 5000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGTERM), 0);
	t0 = sup_now_ms();
	while (sup_now_ms() - t0 < 40000) {
		json_object_put(doc);
		doc = sup_get(eid, NULL);
		st = sup_str(doc, "status");
		if (st != NULL && strcmp(st, "pending") == 0)
			saw_pending = 1;
		if (st != NULL && strcmp(st, "running") != 0 &&
		    strcmp(st, "pending") != 0)
			break;
		sup_sleep_ms(50);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	/* Released to pending, then resumed by the restarted one. */
	CU_ASSERT(saw_pending);
	CU_ASSERT(sup_pid_gone(old, 10000));
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT(neu > 1 && neu != old);
	CU_ASSERT_EQUAL(e2e_sh("grep -q 'execution %s released' "
	    "'%s/log/wfm.log'", eid, e2e_var()), 0);
	/* b finished inside the grace period: its result was kept. */
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "b"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_count_lines(file, "start "), 1);
	CU_ASSERT_EQUAL(sup_count_lines(file, "end "), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "a"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "c"), "attempts"), 1);
	SUP_STR_EQ(sup_json(doc, "final_result"),
	    "{\"a\":{\"v\":1},\"b\":{\"ok\":true},\"c\":{\"b\":true}}");
	json_object_put(doc);
	free(tid);
	free(eid);
}

static void
test_e2e_sup_delay_resumes_with_time_left(void)
{
	struct json_object	*doc;
	char			*tid, *eid;
	pid_t			 old, neu;
	int64_t			 t0, restarted, took;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"wait\","
	    "\"type\":\"delay\",\"seconds\":8}]}", e2e_unique("delay"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	old = sup_main_pid(-1, 10000);
	CU_ASSERT_FATAL(old > 1);
	t0 = sup_now_ms();
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	sup_sleep_ms(1500);
	doc = sup_get(eid, NULL);
	SUP_STR_EQ(sup_str(sup_step(doc, "wait"), "status"), "running");
	json_object_put(doc);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	restarted = sup_now_ms() - t0;
	CU_ASSERT_FATAL(neu > 1);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	took = sup_now_ms() - t0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	/*
	 * The orphan's delay goes on for what was left of its 8 s (or
	 * ends at once if they passed during the restart backoff); it
	 * does not start over.
	 */
	fprintf(stderr, "[restart at %lld ms, done at %lld ms] ",
	    (long long)restarted, (long long)took);
	CU_ASSERT(took >= 8000);
	CU_ASSERT(took < (restarted > 8000 ? restarted : 8000) + 1500);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "wait"), "attempts"), 1);
	json_object_put(doc);
	free(tid);
	free(eid);
}

static void
test_e2e_sup_kill9_leaves_no_handler_tree(void)
{
	struct json_object	*doc;
	const char		*file = sup_path("tree");
	char			 input[700], path[256], *tid, *eid, *p;
	pid_t			 old, neu;
	int			 leader = 0, child = 0;
	struct resp		 r;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"tree\","
	    "\"type\":\"command\",\"handler\":\"e2e-fork-pids\","
	    "\"timeout_seconds\":120,\"input\":{\"file\":"
	    "\"{{ input.file }}\"}}]}", e2e_unique("tree"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	p = sup_wait_file(file, 10000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(sscanf(p, "%d %d", &leader, &child), 2);
	free(p);
	CU_ASSERT_FATAL(leader > 1 && child > 1);
	unlink(file);
	old = sup_main_pid(-1, 10000);
	CU_ASSERT_FATAL(old > 1);
	CU_ASSERT_EQUAL_FATAL(kill(old, SIGKILL), 0);
	/* The leader dies with the supervisor (PR_SET_PDEATHSIG)... */
	CU_ASSERT(sup_pid_gone(leader, 5000));
	/* ...and the child ignoring SIGTERM once the next one starts. */
	neu = sup_main_pid(old, SUP_RESTART_WAIT_MS);
	CU_ASSERT_FATAL(neu > 1);
	CU_ASSERT(sup_pid_gone(child, 5000));
	/* The orphan was taken back and runs again: cancel it. */
	p = sup_wait_file(file, 10000);
	CU_ASSERT_PTR_NOT_NULL(p);
	free(p);
	snprintf(path, sizeof(path),
	    "/workflow-management/executions/%s/cancel", eid);
	CU_ASSERT_EQUAL(e2e_req("POST", path, e2e_tok_alice(), NULL, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	SUP_STR_EQ(sup_str(doc, "status"), "cancelled");
	json_object_put(doc);
	free(tid);
	free(eid);
}

E2E_SUITE(test_e2e_sup_fault_register)

void
test_e2e_sup_fault_register(void)
{
	CU_pSuite	s = CU_add_suite("sup_faults", NULL, NULL);

	CU_add_test(s, "kill9_mid_step_resumes",
	    test_e2e_sup_kill9_mid_step_resumes);
	CU_add_test(s, "two_supervisors_never_double_run",
	    test_e2e_sup_two_supervisors_never_double_run);
	CU_add_test(s, "sigterm_releases_and_restart_completes",
	    test_e2e_sup_sigterm_releases_and_restart_completes);
	CU_add_test(s, "delay_resumes_with_time_left",
	    test_e2e_sup_delay_resumes_with_time_left);
	CU_add_test(s, "kill9_leaves_no_handler_tree",
	    test_e2e_sup_kill9_leaves_no_handler_tree);
}
