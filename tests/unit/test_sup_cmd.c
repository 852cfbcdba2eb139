/*
 * command runner: runs the scripts in tests/handlers through a small
 * poll loop shaped like the supervisor's. The handlers directory is
 * $WFM_TEST_HANDLERS or tests/handlers relative to the working directory
 * (the repository root). As root the handlers run as "nobody".
 * The suite "sup_step" covers the shared helpers the runners parse
 * handler and server output with.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>
#if defined(__has_include) && __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND	0
#endif

#include "common.h"
#include "sup_step.h"

void	test_sup_cmd_register(void);

static char	 cmd_handlers[PATH_MAX];
static char	 cmd_base[] = "/tmp/wfm-test-cmd-XXXXXX";
static char	 cmd_sentinel[64];
static char	 cmd_keep[128];
static struct sigaction cmd_old_pipe;

static int
cmd_suite_init(void)
{
	struct sigaction	 sa;
	const char		*dir;
	int			 fd;

	dir = getenv("WFM_TEST_HANDLERS");
	if (realpath(dir != NULL ? dir : "tests/handlers",
	    cmd_handlers) == NULL)
		return -1;
	if (mkdtemp(cmd_base) == NULL || chmod(cmd_base, 0711) == -1)
		return -1;
	snprintf(cmd_sentinel, sizeof(cmd_sentinel), "%s/sentinel", cmd_base);
	snprintf(cmd_keep, sizeof(cmd_keep), "%s/keep", cmd_sentinel);
	if (mkdir(cmd_sentinel, 0755) == -1)
		return -1;
	if ((fd = open(cmd_keep, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
		return -1;
	close(fd);
	/* As in the supervisor: a handler may close its stdin early. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, &cmd_old_pipe) == -1)
		return -1;
	/* Orphaned grandchildren come to us, so we can check their end. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		return -1;
	return 0;
}

static int
cmd_suite_fini(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) == -1 ||
	    sigaction(SIGPIPE, &cmd_old_pipe, NULL) == -1)
		return -1;
	if (unlink(cmd_keep) == -1 || rmdir(cmd_sentinel) == -1 ||
	    rmdir(cmd_base) == -1)
		return -1;
	return 0;
}

static void
cmd_spec(struct sup_cmd_spec *sp, const char *handler, const char *in,
    int timeout)
{
	memset(sp, 0, sizeof(*sp));
	sp->handlers_dir = cmd_handlers;
	sp->handler = handler;
	sp->work_base = cmd_base;
	sp->execution_id = "e-1";
	sp->step_id = "s_1";
	sp->attempt = 2;
	sp->stdin_text = in;
	sp->stdin_len = in != NULL ? strlen(in) : 0;
	sp->timeout_seconds = timeout;
	sp->limits.user = geteuid() == 0 ? "nobody" : NULL;
}

static struct sup_cmd *
cmd_start(const struct sup_cmd_spec *sp)
{
	struct sup_cmd	*c = NULL;
	struct errmsg	 err = { "" };

	CU_ASSERT_EQUAL_FATAL(sup_cmd_start(sp, &c, &err), RC_OK);
	CU_ASSERT_STRING_EQUAL(err.text, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT(sup_cmd_pid(c) > 0);
	return c;
}

/*
 * Drive c until it is reaped, at most max_ms. Returns the milliseconds
 * it took, or -1.
 */
static int
cmd_run(struct sup_cmd *c, struct sup_step_result *res, int max_ms)
{
	struct pollfd	pfd[SUP_CMD_NPOLLFD];
	int64_t		start = util_mono_ms();
	size_t		n;
	int		t;

	while (util_mono_ms() - start <= max_ms) {
		n = sup_cmd_pollfds(c, pfd, NITEMS(pfd));
		/* No SIGCHLD handling here: look for the exit every 20 ms. */
		t = sup_cmd_timeout_ms(c, util_mono_ms());
		if (t < 0 || t > 20)
			t = 20;
		if (poll(pfd, n, t) == -1 && errno != EINTR)
			return -1;
		sup_cmd_io(c);
		sup_cmd_tick(c, util_mono_ms());
		if (sup_cmd_reap(c, res))
			return (int)(util_mono_ms() - start);
	}
	return -1;
}

static struct json_object *
cmd_json(const char *s)
{
	struct json_object	*o;

	o = json_tokener_parse(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	return o;
}

static int
cmd_gone(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == -1 && errno == ENOENT;
}

static int
cmd_ends_with(const char *s, const char *suffix)
{
	size_t	a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void
test_sup_cmd_success_outputs_stdout_json(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;
	struct json_object	*want;
	char			*wd;

	cmd_spec(&sp, "echo-json", "{\"input\": {\"a\": 1}}", 10);
	c = cmd_start(&sp);
	wd = xstrdup(sup_cmd_workdir(c));
	CU_ASSERT(strncmp(wd, cmd_base, strlen(cmd_base)) == 0);
	CU_ASSERT_FALSE(cmd_gone(wd));
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	CU_ASSERT_PTR_NULL(res.err_msg);
	CU_ASSERT_EQUAL(res.retryable, 0);
	want = cmd_json("{\"got\": {\"input\": {\"a\": 1}}}");
	CU_ASSERT(json_object_equal(res.output, want));
	json_object_put(want);
	CU_ASSERT_EQUAL(sup_cmd_pid(c), -1);
	CU_ASSERT_PTR_NULL(sup_cmd_workdir(c));
	CU_ASSERT_TRUE(cmd_gone(wd));
	/* A second reap has nothing more to give. */
	CU_ASSERT_EQUAL(sup_cmd_reap(c, &res), 0);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
	free(wd);
}

static void
test_sup_cmd_writes_large_stdin_without_blocking(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;
	struct json_object	*s;
	char			*in;
	size_t			 n = 300000;

	in = xmalloc(n + 16);
	memcpy(in, "{\"s\":\"", 6);
	memset(in + 6, 'a', n);
	memcpy(in + 6 + n, "\"}", 3);
	cmd_spec(&sp, "echo-json", in, 10);
	c = cmd_start(&sp);
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	CU_ASSERT_TRUE(json_object_object_get_ex(res.output, "got", &s) &&
	    json_object_object_get_ex(s, "s", &s) &&
	    (size_t)json_object_get_string_len(s) == n);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
	free(in);
}

static void
test_sup_cmd_env_is_exactly_the_fixed_set(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;
	struct json_object	*want;
	char			*wd, *js, tree[PATH_MAX];

	cmd_spec(&sp, "print-env", NULL, 10);
	c = cmd_start(&sp);
	wd = xstrdup(sup_cmd_workdir(c));
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	js = xasprintf("[\"HOME=%s\", \"LANG=C.UTF-8\", \"PATH=/usr/bin:/bin\","
	    " \"TMPDIR=%s\", \"WFM_ATTEMPT=2\", \"WFM_EXECUTION_ID=e-1\","
	    " \"WFM_STEP_ID=s_1\"]", wd, wd);
	want = cmd_json(js);
	CU_ASSERT(json_object_equal(res.output, want));
	CU_ASSERT_EQUAL(json_object_array_length(res.output), 7);
	/* The tree the handler left is gone; its link's target is not. */
	snprintf(tree, sizeof(tree), "%s/a/b/f", wd);
	CU_ASSERT_TRUE(cmd_gone(tree));
	CU_ASSERT_TRUE(cmd_gone(wd));
	CU_ASSERT_FALSE(cmd_gone(cmd_keep));
	json_object_put(want);
	free(js);
	free(wd);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_cmd_exit_75_is_retryable(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;

	cmd_spec(&sp, "tempfail", "{}", 10);
	c = cmd_start(&sp);
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_EXIT_STATUS);
	CU_ASSERT_STRING_EQUAL(res.err_msg,
	    "handler exited with status 75; stderr: try later");
	CU_ASSERT_EQUAL(res.retryable, 1);
	CU_ASSERT_PTR_NULL(res.output);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_cmd_exit_3_fails_with_stderr_tail(void)
{
	static const char	 prefix[] = "handler exited with status 3; "
	    "stderr: ";
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;

	cmd_spec(&sp, "fail-stderr", NULL, 10);
	c = cmd_start(&sp);
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_EXIT_STATUS);
	CU_ASSERT_EQUAL(res.retryable, 0);
	CU_ASSERT_PTR_NULL(res.output);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.err_msg);
	CU_ASSERT(strncmp(res.err_msg, prefix, strlen(prefix)) == 0);
	CU_ASSERT_TRUE(cmd_ends_with(res.err_msg,
	    "noise\nboom: disk on fire"));
	/* The last 4096 bytes of stderr less the final newline. */
	CU_ASSERT_EQUAL(strlen(res.err_msg), strlen(prefix) + 4095);
	/* Older stderr was dropped: the run redacts with a cut there. */
	CU_ASSERT_EQUAL(res.err_cut, strlen(prefix));
	CU_ASSERT_EQUAL(res.err_cut_end, 0);	/* it exited by itself */
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_cmd_invalid_json_is_output_invalid(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;

	cmd_spec(&sp, "bad-json", NULL, 10);
	c = cmd_start(&sp);
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_OUTPUT_INVALID);
	CU_ASSERT_STRING_EQUAL(res.err_msg,
	    "handler stdout is not one JSON value");
	CU_ASSERT_EQUAL(res.retryable, 0);
	CU_ASSERT_PTR_NULL(res.output);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_cmd_rejects_stdout_over_1_mib(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;

	cmd_spec(&sp, "big-out", NULL, 10);
	c = cmd_start(&sp);
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_OUTPUT_INVALID);
	CU_ASSERT_STRING_EQUAL(res.err_msg, "handler stdout exceeds 1 MiB");
	CU_ASSERT_EQUAL(res.retryable, 0);
	CU_ASSERT_PTR_NULL(res.output);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_cmd_timeout_kills_child_ignoring_sigterm(void)
{
	static const char	 prefix[] = "handler timed out after 1 s; "
	    "stderr: child=";
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;
	pid_t			 child = -1, p = 0;
	int			 ms, i, st = 0;

	cmd_spec(&sp, "fork-ignore-term", NULL, 1);
	c = cmd_start(&sp);
	ms = cmd_run(c, &res, 5000);
	/* The shell dies of SIGTERM; its reaping kills the group. */
	CU_ASSERT(ms >= 950 && ms < 2000);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_TIMEOUT);
	CU_ASSERT_EQUAL(res.retryable, 1);
	CU_ASSERT_PTR_NULL(res.output);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.err_msg);
	CU_ASSERT_FATAL(strncmp(res.err_msg, prefix, strlen(prefix)) == 0);
	child = (pid_t)strtol(res.err_msg + strlen(prefix), NULL, 10);
	CU_ASSERT_FATAL(child > 1);
	/* We are the subreaper of the orphaned child. */
	for (i = 0; i < 200 && p == 0; i++) {
		if ((p = waitpid(child, &st, WNOHANG)) == 0)
			usleep(10000);
	}
	CU_ASSERT_EQUAL(p, child);
	CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CU_ASSERT_EQUAL(kill(child, 0), -1);
	CU_ASSERT_EQUAL(errno, ESRCH);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_cmd_sigkill_follows_sigterm_after_grace(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;
	int			 ms;

	cmd_spec(&sp, "stubborn", NULL, 1);
	c = cmd_start(&sp);
	ms = cmd_run(c, &res, 8000);
	CU_ASSERT(ms >= 1000 + SUP_CMD_KILL_GRACE_MS - 50 && ms < 4500);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_TIMEOUT);
	CU_ASSERT_STRING_EQUAL(res.err_msg,
	    "handler timed out after 1 s; stderr: started");
	CU_ASSERT_EQUAL(res.retryable, 1);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_cmd_cancel_stops_handler(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;
	int			 ms;

	cmd_spec(&sp, "sleep-forever", NULL, 60);
	c = cmd_start(&sp);
	CU_ASSERT_EQUAL(cmd_run(c, &res, 200), -1);	/* still running */
	sup_cmd_cancel(c);
	ms = cmd_run(c, &res, 3000);
	CU_ASSERT(ms >= 0 && ms < 1000);
	CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_CANCELLED);
	CU_ASSERT_STRING_EQUAL(res.err_msg, "handler cancelled");
	CU_ASSERT_EQUAL(res.retryable, 0);
	sup_cmd_cancel(c);			/* no-op once reaped */
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_cmd_free_kills_running_handler(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_cmd		*c;
	char			*wd;
	pid_t			 pid;

	cmd_spec(&sp, "sleep-forever", NULL, 60);
	c = cmd_start(&sp);
	pid = sup_cmd_pid(c);
	wd = xstrdup(sup_cmd_workdir(c));
	sup_cmd_free(c);
	CU_ASSERT_EQUAL(kill(pid, 0), -1);
	CU_ASSERT_EQUAL(errno, ESRCH);
	CU_ASSERT_TRUE(cmd_gone(wd));
	free(wd);
}

/* Number of entries in the test's work base (the sentinel is one). */
static int
cmd_base_entries(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(cmd_base)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_sup_cmd_rejects_bad_names_without_fork(void)
{
	static const char *const bad[] = {
		"../x", "A", "", "x/y", "-x", "_x", ".x", "a b", "a.sh",
		"echo-json\n", "/bin/sh", ".."
	};
	struct sup_cmd_spec	 sp;
	struct sup_cmd		*c;
	struct errmsg		 err;
	char			 long_name[130];
	size_t			 i;

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	for (i = 0; i <= NITEMS(bad) + 1; i++) {
		cmd_spec(&sp, i < NITEMS(bad) ? bad[i] :
		    i == NITEMS(bad) ? long_name : NULL, NULL, 10);
		c = NULL;
		err.text[0] = '\0';
		CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err),
		    RC_INVALID);
		CU_ASSERT_PTR_NULL(c);
		CU_ASSERT_STRING_EQUAL(err.text,
		    "handler name is not valid (must "
		    "match ^[a-z0-9][a-z0-9_-]*$, at most 128 characters)");
	}
	/* No private directory was made, so nothing was forked either. */
	CU_ASSERT_EQUAL(cmd_base_entries(), 1);
}

static void
test_sup_cmd_rejects_missing_handler(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_cmd		*c = NULL;
	struct errmsg		 err;
	char			 *want;

	cmd_spec(&sp, "no-such-handler", NULL, 10);
	CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err), RC_INVALID);
	CU_ASSERT_PTR_NULL(c);
	want = xasprintf("handler \"no-such-handler\" not found in %s",
	    cmd_handlers);
	CU_ASSERT_STRING_EQUAL(err.text, want);
	free(want);
	CU_ASSERT_EQUAL(cmd_base_entries(), 1);
}

static void
test_sup_cmd_rejects_bad_spec(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_cmd		*c = NULL;
	struct errmsg		 err;

	cmd_spec(&sp, "echo-json", NULL, 10);
	sp.handlers_dir = "tests/handlers";
	CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text,
	    "handlers_dir must be an absolute path");
	cmd_spec(&sp, "echo-json", NULL, 10);
	sp.work_base = "tmp";
	CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "work_base must be an absolute path");
	cmd_spec(&sp, "echo-json", NULL, 0);
	CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "timeout_seconds must be 1..86400");
	cmd_spec(&sp, "echo-json", NULL, 10);
	sp.limits.nofile = -1;
	CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "attempt or limits out of range");
	if (geteuid() == 0) {
		cmd_spec(&sp, "echo-json", NULL, 10);
		sp.limits.user = "wfm-no-such-user";
		CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err),
		    RC_INVALID);
		CU_ASSERT_STRING_EQUAL(err.text,
		    "cmd_user \"wfm-no-such-user\" does not exist");
		sp.limits.user = "root";
		CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err),
		    RC_INVALID);
		CU_ASSERT_STRING_EQUAL(err.text,
		    "cmd_user \"root\" must not be root");
		sp.limits.user = NULL;
		CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err),
		    RC_INVALID);
		CU_ASSERT_STRING_EQUAL(err.text,
		    "running as root needs [supervisor] cmd_user");
	}
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(cmd_base_entries(), 1);
}

static int
cmd_write_file(const char *dir, const char *name, const char *text,
    mode_t mode)
{
	char	path[PATH_MAX];
	int	fd;
	ssize_t	n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void
test_sup_cmd_rejects_non_executable_and_directories(void)
{
	char			 dir[] = "/tmp/wfm-test-h-XXXXXX", path[PATH_MAX];
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c = NULL;
	struct errmsg		 err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	CU_ASSERT_EQUAL_FATAL(chmod(dir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(cmd_write_file(dir, "plain",
	    "#!/bin/sh\necho 1\n", 0644), 0);
	CU_ASSERT_EQUAL_FATAL(cmd_write_file(dir, "badinterp",
	    "#!/nonexistent/interpreter\n", 0755), 0);
	snprintf(path, sizeof(path), "%s/adir", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);

	cmd_spec(&sp, "plain", NULL, 10);
	sp.handlers_dir = dir;
	CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "handler \"plain\" is not executable");
	sp.handler = "adir";
	CU_ASSERT_EQUAL(sup_cmd_start(&sp, &c, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text,
	    "handler \"adir\" is not a regular file");
	CU_ASSERT_PTR_NULL(c);

	/*
	 * A setup failure in the child names the failing call. (Valgrind
	 * cannot survive a failed execve, so not under it.)
	 */
	if (!RUNNING_ON_VALGRIND) {
		sp.handler = "badinterp";
		c = cmd_start(&sp);
		CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
		CU_ASSERT_STRING_EQUAL(res.err_type, SUP_ERR_EXIT_STATUS);
		CU_ASSERT_STRING_EQUAL(res.err_msg, "handler exited with "
		    "status 127; stderr: wfm: cannot start handler: execve: "
		    "ENOENT");
		CU_ASSERT_EQUAL(res.retryable, 0);
		sup_step_result_fini(&res);
		sup_cmd_free(c);
	}

	CU_ASSERT_EQUAL(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/plain", dir);
	CU_ASSERT_EQUAL(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/badinterp", dir);
	CU_ASSERT_EQUAL(unlink(path), 0);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/*
 * A tail that starts inside a character starts at the next one instead
 * (no U+FFFD shifts what a cut secret could match), and err_cut says
 * where it starts.
 */
static void
test_sup_cmd_stderr_tail_cut_at_a_character(void)
{
	static const char	 prefix[] = "handler exited with status 3; "
	    "stderr: ";
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;
	char			 want[4200];

	cmd_spec(&sp, "stderr-utf8-cut", NULL, 10);
	c = cmd_start(&sp);
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.err_msg);
	memcpy(want, prefix, strlen(prefix));
	memset(want + strlen(prefix), 'a', 4095);
	want[strlen(prefix) + 4095] = '\0';
	CU_ASSERT_STRING_EQUAL(res.err_msg, want);
	CU_ASSERT_EQUAL(res.err_cut, strlen(prefix));
	CU_ASSERT_EQUAL(res.err_cut_end, 0);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

/*
 * In a child that became user "daemon" keeping CAP_SETUID, CAP_SETGID
 * and CAP_KILL (ambient too, as the systemd unit gives them): run
 * print-caps as "nobody" with work_base base and write its output (or
 * the error) to fd. Returns the exit status for the parent to check.
 */
static int
cmd_caps_child(const char *base, uid_t duid, gid_t dgid, uid_t nuid, int fd)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 cd[2];
	static const int		 caps[] = { CAP_SETUID, CAP_SETGID,
					    CAP_KILL };
	struct sup_cmd_spec		 sp;
	struct sup_step_result		 res;
	struct sup_cmd			*c = NULL;
	const char			*text;
	struct errmsg			 err = { "" };
	unsigned			 i, bits = 0;
	uid_t				 uid = 0;
	gid_t				 gid = 0;
	int				 sw = 0;

	for (i = 0; i < NITEMS(caps); i++)
		bits |= 1U << caps[i];
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1 ||
	    setgroups(0, NULL) == -1 || setresgid(dgid, dgid, dgid) == -1 ||
	    setresuid(duid, duid, duid) == -1)
		return 2;
	memset(&h, 0, sizeof(h));
	memset(cd, 0, sizeof(cd));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	cd[0].effective = cd[0].permitted = cd[0].inheritable = bits;
	if (syscall(SYS_capset, &h, cd) == -1)
		return 3;
	for (i = 0; i < NITEMS(caps); i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, caps[i], 0,
		    0) == -1)
			return 4;
	if (sup_cmd_user_check("nobody", 0, &sw, &uid, &gid,
	    &err) != RC_OK || !sw || uid != nuid)
		return 5;
	cmd_spec(&sp, "print-caps", NULL, 10);
	sp.work_base = base;
	sp.limits.user = "nobody";
	if (sup_cmd_start(&sp, &c, &err) != RC_OK) {
		(void)!write(fd, err.text, strlen(err.text));
		return 6;
	}
	if (cmd_run(c, &res, 5000) < 0)
		return 7;
	text = res.err_type == NULL ? json_object_to_json_string(res.output) :
	    res.err_msg;
	(void)!write(fd, text, strlen(text));
	sup_cmd_free(c);
	return res.err_type == NULL ? 0 : 8;
}

/*
 * The systemd unit's case: a supervisor that is not root, with only
 * CAP_SETUID, CAP_SETGID and CAP_KILL, runs its handler as another user
 * with no capability left (none effective, permitted, inheritable or
 * ambient), and removes the 0700 tree the handler left.
 */
static void
test_sup_cmd_switches_user_with_capabilities(void)
{
	struct json_object	*out;
	struct passwd		*pw;
	char			 base[] = "/tmp/wfm-test-caps-XXXXXX";
	char			 buf[4096];
	uid_t			 duid, nuid;
	gid_t			 dgid;
	ssize_t			 n;
	size_t			 len = 0;
	pid_t			 pid;
	int			 p[2], st = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "(needs root: not checked) ");
		return;
	}
	pw = getpwnam("daemon");
	CU_ASSERT_PTR_NOT_NULL_FATAL(pw);
	duid = pw->pw_uid;
	dgid = pw->pw_gid;
	pw = getpwnam("nobody");
	CU_ASSERT_PTR_NOT_NULL_FATAL(pw);
	nuid = pw->pw_uid;
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(base));
	CU_ASSERT_FATAL(chown(base, duid, dgid) == 0 && chmod(base, 0711) ==
	    0);
	CU_ASSERT_FATAL(pipe(p) == 0);
	CU_ASSERT_FATAL((pid = fork()) != -1);
	if (pid == 0) {
		close(p[0]);
		_exit(cmd_caps_child(base, duid, dgid, nuid, p[1]));
	}
	close(p[1]);
	while (len < sizeof(buf) - 1 &&
	    (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(p[0]);
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(stderr, "\nexit %d: %s\n", WEXITSTATUS(st), buf);
	out = json_tokener_parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	snprintf(buf, sizeof(buf), "%u %u %u %u", (unsigned)nuid,
	    (unsigned)nuid, (unsigned)nuid, (unsigned)nuid);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_object_get(out, "uid")), buf);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_object_get(out, "inh")), "0000000000000000");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_object_get(out, "prm")), "0000000000000000");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_object_get(out, "eff")), "0000000000000000");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_object_get(out, "amb")), "0000000000000000");
	json_object_put(out);
	/* The private directory and the handler's tree are gone. */
	CU_ASSERT_EQUAL(rmdir(base), 0);
}

static void
test_sup_cmd_applies_limits_and_user(void)
{
	struct sup_cmd_spec	 sp;
	struct sup_step_result	 res;
	struct sup_cmd		*c;
	struct json_object	*want;
	char			*wd, *js;

	cmd_spec(&sp, "limits", NULL, 10);
	sp.limits.cpu_seconds = 5;
	sp.limits.memory_mb = 512;
	sp.limits.fsize_mb = 10;
	/* Valgrind refuses to lower the hard RLIMIT_NOFILE. */
	sp.limits.nofile = RUNNING_ON_VALGRIND ? 0 : 64;
	sp.limits.nproc = 200;
	c = cmd_start(&sp);
	wd = xstrdup(sup_cmd_workdir(c));
	CU_ASSERT(cmd_run(c, &res, 5000) >= 0);
	CU_ASSERT_PTR_NULL(res.err_type);
	if (RUNNING_ON_VALGRIND && res.output != NULL)
		json_object_object_add(res.output, "nofile",
		    json_object_new_string("64"));
	js = xasprintf("{\"uid\": %d, \"gid\": %d, \"cwd\": \"%s\", "
	    "\"cpu\": \"5\", \"vmem_kb\": \"524288\", \"nofile\": \"64\", "
	    "\"nproc\": \"200\", \"fsize\": \"20480\", \"core\": \"0\", "
	    "\"umask\": \"0077\"}",
	    geteuid() == 0 ? 65534 : (int)getuid(),
	    geteuid() == 0 ? 65534 : (int)getgid(), wd);
	want = cmd_json(js);
	CU_ASSERT(json_object_equal(res.output, want));
	if (!json_object_equal(res.output, want))
		fprintf(stderr, "\ngot %s (%s)\n",
		    json_object_to_json_string(res.output),
		    res.err_msg != NULL ? res.err_msg : "");
	json_object_put(want);
	free(js);
	free(wd);
	sup_step_result_fini(&res);
	sup_cmd_free(c);
}

static void
test_sup_step_json_parse_accepts_one_value(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} ok[] = {
		{ "{} \n", "{}" }, { " 1 ", "1" }, { "[1.5e3, -2]", "[1500.0, -2]" },
		{ "\"\\u00e9\"", "\"\u00e9\"" }, { "null", "null" },
		{ "\"\xe2\x82\xac\"", "\"\u20ac\"" }, { "[-0, 1e2]", "[0, 100.0]" }
	};
	struct json_object	*v, *w;
	size_t			 i;

	for (i = 0; i < NITEMS(ok); i++) {
		v = NULL;
		CU_ASSERT_EQUAL(sup_step_json_parse(ok[i].in, strlen(ok[i].in),
		    &v), RC_OK);
		w = json_tokener_parse(ok[i].want);
		CU_ASSERT_TRUE(json_object_equal(v, w));
		json_object_put(v);
		json_object_put(w);
	}
}

static void
test_sup_step_json_parse_rejects_non_json(void)
{
	static const struct {
		const char	*in;
		size_t		 len;
	} bad[] = {
		{ "", 0 }, { "   ", 3 }, { "{}x", 3 }, { "{} {}", 5 },
		{ "1\0", 2 }, { "[1]\0 ", 5 }, { "NaN", 3 }, { "[Infinity]", 10 },
		{ "-Infinity", 9 }, { "-", 1 }, { "{'a': 1}", 8 }, { "[1,]", 4 },
		{ "\"\xff\"", 3 }, { "\"a", 2 }, { "not json {", 10 },
		{ "[1.]", 4 }, { "{'a': 1}", 8 }, { "\"tab\there\"", 10 },
		{ "[01]", 4 }, { "/* c */ 1", 9 }, { "1e999", 5 }, { "{\"a\":1}}", 8 }
	};
	struct json_object	*v, *w;
	char			*deep;
	size_t			 i;

	for (i = 0; i < NITEMS(bad); i++) {
		v = NULL;
		CU_ASSERT_EQUAL(sup_step_json_parse(bad[i].in, bad[i].len, &v),
		    RC_INVALID);
		CU_ASSERT_PTR_NULL(v);
	}
	/* Nesting deeper than 64 levels. */
	deep = xmalloc(2 * 65 + 1);
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = '\0';
	v = NULL;
	CU_ASSERT_EQUAL(sup_step_json_parse(deep, 130, &v), RC_INVALID);
	CU_ASSERT_PTR_NULL(v);
	deep[129] = '\0';
	CU_ASSERT_EQUAL(sup_step_json_parse(deep + 1, 128, &v), RC_OK);
	CU_ASSERT_PTR_NOT_NULL(v);
	json_object_put(v);
	free(deep);
	/* The JSON value null is a success with a NULL object. */
	v = json_object_new_object();
	w = v;
	CU_ASSERT_EQUAL(sup_step_json_parse(" null ", 6, &v), RC_OK);
	CU_ASSERT_PTR_NULL(v);
	json_object_put(w);
}

static void
test_sup_step_utf8_dup_replaces_invalid_bytes(void)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ "plain", 5, "plain" },
		{ "a\xff" "b", 3, "a\xef\xbf\xbd" "b" },
		{ "\xe2\x82\xac \xf0\x9f\x98\x80", 8,
		    "\xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },	/* overlong */
		{ "\xed\xa0\x80", 3,					/* surrogate */
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\xef\xbf\xbd" },			/* > U+10FFFF */
		{ "x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd" },	/* cut */
		{ "a\0b", 3, "a\xef\xbf\xbd" "b" },
		{ "", 0, "" }
	};
	char	*s;
	size_t	 i;

	for (i = 0; i < NITEMS(cases); i++) {
		s = sup_step_utf8_dup(cases[i].in, cases[i].len);
		CU_ASSERT_STRING_EQUAL(s, cases[i].want);
		free(s);
	}
}

void
test_sup_cmd_register(void)
{
	CU_pSuite	s;

	s = CU_add_suite("sup_step", NULL, NULL);
	CU_add_test(s, "test_sup_step_json_parse_accepts_one_value",
	    test_sup_step_json_parse_accepts_one_value);
	CU_add_test(s, "test_sup_step_json_parse_rejects_non_json",
	    test_sup_step_json_parse_rejects_non_json);
	CU_add_test(s, "test_sup_step_utf8_dup_replaces_invalid_bytes",
	    test_sup_step_utf8_dup_replaces_invalid_bytes);

	s = CU_add_suite("sup_cmd", cmd_suite_init, cmd_suite_fini);
	CU_add_test(s, "test_sup_cmd_success_outputs_stdout_json",
	    test_sup_cmd_success_outputs_stdout_json);
	CU_add_test(s, "test_sup_cmd_writes_large_stdin_without_blocking",
	    test_sup_cmd_writes_large_stdin_without_blocking);
	CU_add_test(s, "test_sup_cmd_env_is_exactly_the_fixed_set",
	    test_sup_cmd_env_is_exactly_the_fixed_set);
	CU_add_test(s, "test_sup_cmd_exit_75_is_retryable",
	    test_sup_cmd_exit_75_is_retryable);
	CU_add_test(s, "test_sup_cmd_exit_3_fails_with_stderr_tail",
	    test_sup_cmd_exit_3_fails_with_stderr_tail);
	CU_add_test(s, "test_sup_cmd_invalid_json_is_output_invalid",
	    test_sup_cmd_invalid_json_is_output_invalid);
	CU_add_test(s, "test_sup_cmd_rejects_stdout_over_1_mib",
	    test_sup_cmd_rejects_stdout_over_1_mib);
	CU_add_test(s, "test_sup_cmd_timeout_kills_child_ignoring_sigterm",
	    test_sup_cmd_timeout_kills_child_ignoring_sigterm);
	CU_add_test(s, "test_sup_cmd_sigkill_follows_sigterm_after_grace",
	    test_sup_cmd_sigkill_follows_sigterm_after_grace);
	CU_add_test(s, "test_sup_cmd_cancel_stops_handler",
	    test_sup_cmd_cancel_stops_handler);
	CU_add_test(s, "test_sup_cmd_free_kills_running_handler",
	    test_sup_cmd_free_kills_running_handler);
	CU_add_test(s, "test_sup_cmd_rejects_bad_names_without_fork",
	    test_sup_cmd_rejects_bad_names_without_fork);
	CU_add_test(s, "test_sup_cmd_rejects_missing_handler",
	    test_sup_cmd_rejects_missing_handler);
	CU_add_test(s, "test_sup_cmd_rejects_bad_spec",
	    test_sup_cmd_rejects_bad_spec);
	CU_add_test(s, "test_sup_cmd_rejects_non_executable_and_directories",
	    test_sup_cmd_rejects_non_executable_and_directories);
	CU_add_test(s, "test_sup_cmd_applies_limits_and_user",
	    test_sup_cmd_applies_limits_and_user);
	CU_add_test(s, "test_sup_cmd_stderr_tail_cut_at_a_character",
	    test_sup_cmd_stderr_tail_cut_at_a_character);
	CU_add_test(s, "test_sup_cmd_switches_user_with_capabilities",
	    test_sup_cmd_switches_user_with_capabilities);
}
