/*
 * The supervisor runs what engine.md promises: parallel branches, the
 * max_parallel limit, "when" and skipped steps, the default final
 * result, command steps (output, EX_TEMPFAIL retries, failures with the
 * stderr tail, timeouts that kill the process group), cancellation and
 * the execution timeout. Also the helpers of every sup_* suite.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
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

/* ---- helpers ---------------------------------------------------------- */

char *
sup_tmpl(const char *fmt, ...)
{
	va_list	 ap;
	char	*json, *id;

	va_start(ap, fmt);
	if (vasprintf(&json, fmt, ap) == -1) {
		va_end(ap);
		return NULL;
	}
	va_end(ap);
	id = e2e_template(e2e_tok_alice(), json);
	free(json);
	return id;
}

char *
sup_exec(const char *tid, const char *input)
{
	return e2e_execute(e2e_tok_alice(), tid, input);
}

struct json_object *
sup_get(const char *eid, char **raw)
{
	struct json_object	*doc = NULL;
	struct resp		 r;
	char			 path[256];

	snprintf(path, sizeof(path), "/workflow-management/executions/%s",
	    eid);
	if (e2e_req("GET", path, e2e_tok_alice(), NULL, NULL, &r) != 0)
		return NULL;
	if (r.status == 200 && r.json != NULL) {
		doc = json_object_get(r.json);
		if (raw != NULL)
			*raw = strdup(r.body);
	}
	resp_free(&r);
	return doc;
}

/* 1 if path exists in o; *out is its value (NULL for JSON null). */
static int
sup_find(struct json_object *o, const char *path, struct json_object **out)
{
	char	 key[128];
	size_t	 n;

	while (*path != '\0') {
		n = strcspn(path, ".");
		if (n >= sizeof(key) || o == NULL ||
		    !json_object_is_type(o, json_type_object))
			return 0;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return 0;
		path += n;
		if (*path == '.')
			path++;
	}
	*out = o;
	return 1;
}

struct json_object *
sup_at(struct json_object *o, const char *path)
{
	struct json_object	*v;

	return sup_find(o, path, &v) ? v : NULL;
}

const char *
sup_str(struct json_object *o, const char *path)
{
	struct json_object	*v = sup_at(o, path);

	return v != NULL && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

int64_t
sup_int(struct json_object *o, const char *path)
{
	struct json_object	*v = sup_at(o, path);

	return v != NULL && json_object_is_type(v, json_type_int) ?
	    json_object_get_int64(v) : -1;
}

const char *
sup_json(struct json_object *o, const char *path)
{
	static char		 buf[4][8192];
	static int		 k;
	struct json_object	*v;
	char			*b = buf[k++ % 4];

	if (o == NULL || !sup_find(o, path, &v))
		return "(missing)";
	snprintf(b, sizeof(buf[0]), "%s", json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	return b;
}

struct json_object *
sup_step(struct json_object *doc, const char *id)
{
	struct json_object	*steps = sup_at(doc, "steps"), *s;
	size_t			 i;

	if (steps == NULL || !json_object_is_type(steps, json_type_array))
		return NULL;
	for (i = 0; i < json_object_array_length(steps); i++) {
		s = json_object_array_get_idx(steps, i);
		if (sup_str(s, "step_id") != NULL &&
		    strcmp(sup_str(s, "step_id"), id) == 0)
			return s;
	}
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *
sup_keys(struct json_object *o, const char *path)
{
	static char		 buf[1024];
	struct json_object	*v = sup_at(o, path);
	const char		*k[64];
	size_t			 n = 0, i;

	buf[0] = '\0';
	if (v == NULL || !json_object_is_type(v, json_type_object))
		return "(not an object)";
	json_object_object_foreach(v, key, val) {
		(void)val;
		if (n < 64)
			k[n++] = key;
	}
	qsort(k, n, sizeof(k[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, k[i], sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

const char *
sup_dir(void)
{
	static char	dir[512];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "%s/sup-scratch-%ld", e2e_var(),
		    (long)getpid());
		if (mkdir(dir, 0777) == -1 && errno != EEXIST)
			return "/nonexistent";
		chmod(dir, 0777);	/* handlers run as nobody under root */
	}
	return dir;
}

const char *
sup_path(const char *prefix)
{
	static char	buf[8][600];
	static int	k, n;
	char		*b = buf[k++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s-%d", sup_dir(), prefix, ++n);
	return b;
}

char *
sup_read(const char *path)
{
	FILE	*f;
	char	*p;
	long	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0 || (p = calloc(1, (size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = (long)fread(p, 1, (size_t)n, f);
	p[n] = '\0';
	fclose(f);
	return p;
}

char *
sup_wait_file(const char *path, int ms)
{
	int64_t	 end = sup_now_ms() + ms;
	char	*p;

	do {
		if ((p = sup_read(path)) != NULL && p[0] != '\0')
			return p;
		free(p);
		sup_sleep_ms(20);
	} while (sup_now_ms() < end);
	return NULL;
}

int
sup_count_lines(const char *path, const char *prefix)
{
	char	*p, *q;
	int	 n = 0;

	if ((p = sup_read(path)) == NULL)
		return -1;
	for (q = p; *q != '\0';) {
		if (strncmp(q, prefix, strlen(prefix)) == 0)
			n++;
		if ((q = strchr(q, '\n')) == NULL)
			break;
		q++;
	}
	free(p);
	return n;
}

int64_t
sup_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
sup_sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
sup_pid_dead(pid_t pid)
{
	char	 path[64], buf[512], *rp;
	FILE	*f;
	size_t	 n;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (rp = strrchr(buf, ')')) != NULL && (rp[2] == 'Z' ||
	    rp[2] == 'X');
}

int
sup_pid_gone(pid_t pid, int ms)
{
	int64_t	end = sup_now_ms() + ms;

	do {
		if (kill(pid, 0) == -1 && errno == ESRCH)
			return 1;
		sup_sleep_ms(50);
	} while (sup_now_ms() < end);
	return 0;
}

pid_t
sup_main_pid(pid_t not, int ms)
{
	char	 cmd[1024], out[256];
	FILE	*p;
	pid_t	 pid = -1, v;
	int64_t	 end = sup_now_ms() + ms;

	snprintf(cmd, sizeof(cmd), "pgrep -f '^wfm-supervisor -c %s( -p [0-9]+)?$'",
	    e2e_conf());
	do {
		if ((p = popen(cmd, "r")) == NULL)
			return -1;
		while (fgets(out, sizeof(out), p) != NULL)
			if ((v = (pid_t)atoi(out)) > 0 && v != not &&
			    !sup_pid_dead(v))
				pid = v;
		pclose(p);
		if (pid > 0)
			return pid;
		sup_sleep_ms(100);
	} while (sup_now_ms() < end);
	return -1;
}

/* ---- tests ------------------------------------------------------------ */

/* Start and end times (ns) written by the e2e-interval handler. */
static int
interval(const char *tag, long long *start, long long *end)
{
	char	 path[700], *p;

	snprintf(path, sizeof(path), "%s/%s.start", sup_dir(), tag);
	if ((p = sup_read(path)) == NULL)
		return -1;
	*start = atoll(p);
	free(p);
	snprintf(path, sizeof(path), "%s/%s.end", sup_dir(), tag);
	if ((p = sup_read(path)) == NULL)
		return -1;
	*end = atoll(p);
	free(p);
	return *start > 0 && *end > 0 ? 0 : -1;
}

/* Two one-second command steps; max_parallel as given (0: default). */
static struct json_object *
run_pair(int max_parallel, char *lt, char *rt, size_t tl)
{
	struct json_object	*doc;
	char			*tid, *eid, gc[64] = "";

	snprintf(lt, tl, "left-%ld-%d", (long)getpid(), max_parallel);
	snprintf(rt, tl, "right-%ld-%d", (long)getpid(), max_parallel);
	if (max_parallel > 0)
		snprintf(gc, sizeof(gc), "\"global_config\":{\"max_parallel\":"
		    "%d},", max_parallel);
	tid = sup_tmpl("{\"name\":\"%s\",%s\"steps\":["
	    "{\"id\":\"left\",\"type\":\"command\",\"handler\":\"e2e-interval\","
	    "\"input\":{\"dir\":\"%s\",\"tag\":\"%s\",\"seconds\":1}},"
	    "{\"id\":\"right\",\"type\":\"command\",\"handler\":\"e2e-interval\","
	    "\"input\":{\"dir\":\"%s\",\"tag\":\"%s\",\"seconds\":1}}]}",
	    e2e_unique("pair"), gc, sup_dir(), lt, sup_dir(), rt);
	if (tid == NULL)
		return NULL;
	eid = sup_exec(tid, NULL);
	free(tid);
	if (eid == NULL)
		return NULL;
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	free(eid);
	return doc;
}

static void
test_e2e_sup_parallel_branches_overlap(void)
{
	struct json_object	*doc;
	char			 lt[64], rt[64], want[256];
	long long		 ls, le, rs, re, first, last;

	doc = run_pair(0, lt, rt, sizeof(lt));
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL_FATAL(interval(lt, &ls, &le), 0);
	CU_ASSERT_EQUAL_FATAL(interval(rt, &rs, &re), 0);
	/* Each ran for its second, and the two intervals overlap. */
	CU_ASSERT(le - ls >= 1000000000LL);
	CU_ASSERT(re - rs >= 1000000000LL);
	CU_ASSERT(ls < re && rs < le);
	first = ls < rs ? ls : rs;
	last = le > re ? le : re;
	CU_ASSERT(last - first < 1800000000LL);
	/* No "output": final_result is every step's output by step id. */
	snprintf(want, sizeof(want), "{\"left\":{\"tag\":\"%s\"},"
	    "\"right\":{\"tag\":\"%s\"}}", lt, rt);
	SUP_STR_EQ(sup_json(doc, "final_result"), want);
	json_object_put(doc);
}

static void
test_e2e_sup_max_parallel_1_serialises(void)
{
	struct json_object	*doc;
	char			 lt[64], rt[64];
	long long		 ls, le, rs, re;

	doc = run_pair(1, lt, rt, sizeof(lt));
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	CU_ASSERT_EQUAL_FATAL(interval(lt, &ls, &le), 0);
	CU_ASSERT_EQUAL_FATAL(interval(rt, &rs, &re), 0);
	/* Template order: left first, right only after left ended. */
	CU_ASSERT(rs >= le);
	CU_ASSERT(re - ls >= 2000000000LL);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "left"), "attempts"), 1);
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "right"), "attempts"), 1);
	json_object_put(doc);
}

static void
test_e2e_sup_when_falsy_skips_and_dependents_run(void)
{
	struct json_object	*doc, *s;
	char			*tid, *eid;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":["
	    "{\"id\":\"a\",\"type\":\"transform\",\"output\":"
	    "{\"v\":\"{{ input.n }}\"}},"
	    "{\"id\":\"b\",\"type\":\"transform\",\"depends_on\":[\"a\"],"
	    "\"when\":\"{{ input.flag }}\",\"output\":{\"x\":1}},"
	    "{\"id\":\"c\",\"type\":\"transform\",\"depends_on\":[\"b\"],"
	    "\"output\":{\"b_was\":\"{{ steps.b.status }}\","
	    "\"b_out\":\"{{ steps.b.output.x }}\"}},"
	    "{\"id\":\"d\",\"type\":\"transform\",\"depends_on\":[\"a\"],"
	    "\"when\":\"{{ steps.a.output.v == 5 }}\",\"output\":{\"y\":2}},"
	    "{\"id\":\"e\",\"type\":\"transform\","
	    "\"when\":\"{{ input.no_such_field }}\",\"output\":{\"z\":3}}]}",
	    e2e_unique("when"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, "{\"n\":5,\"flag\":false}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	s = sup_step(doc, "b");
	SUP_STR_EQ(sup_str(s, "status"), "skipped");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 0);
	SUP_STR_EQ(sup_json(s, "output"), "null");
	SUP_STR_EQ(sup_str(sup_step(doc, "e"), "status"),
	    "skipped");
	SUP_STR_EQ(sup_str(sup_step(doc, "c"), "status"),
	    "completed");
	CU_ASSERT_EQUAL(sup_int(sup_step(doc, "c"), "attempts"), 1);
	/* Only completed steps, keyed by id; skipped ones are absent. */
	SUP_STR_EQ(sup_json(doc, "final_result"),
	    "{\"a\":{\"v\":5},\"c\":{\"b_was\":\"skipped\",\"b_out\":null},"
	    "\"d\":{\"y\":2}}");
	SUP_STR_EQ(sup_json(doc, "error_details"), "null");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/* Run a one-step command template; returns the final document. */
static struct json_object *
run_command(const char *handler, const char *extra, const char *input,
    char **eidp)
{
	struct json_object	*doc;
	char			*tid, *eid;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"cmd\","
	    "\"type\":\"command\",\"handler\":\"%s\"%s%s}]}",
	    e2e_unique(handler), handler, extra[0] != '\0' ? "," : "", extra);
	if (tid == NULL)
		return NULL;
	eid = sup_exec(tid, input);
	free(tid);
	if (eid == NULL)
		return NULL;
	doc = e2e_wait(e2e_tok_alice(), eid, 40);
	if (eidp != NULL)
		*eidp = eid;
	else
		free(eid);
	return doc;
}

static void
test_e2e_sup_command_stdout_json_is_the_output(void)
{
	struct json_object	*doc, *s;
	char			*eid = NULL;

	doc = run_command("echo-json", "\"input\":{\"x\":\"{{ input.x }}\","
	    "\"n\":3,\"s\":\"pre-{{ input.x }}\"}", "{\"x\":\"hello\"}", &eid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	s = sup_step(doc, "cmd");
	SUP_STR_EQ(sup_str(s, "status"), "completed");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 1);
	SUP_STR_EQ(sup_json(s, "output.got.input"),
	    "{\"x\":\"hello\",\"n\":3,\"s\":\"pre-hello\"}");
	SUP_STR_EQ(sup_json(s, "output.got.step"),
	    "{\"id\":\"cmd\",\"attempt\":1}");
	SUP_STR_EQ(sup_str(s, "output.got.execution.id"), eid);
	SUP_STR_EQ(sup_json(s, "error"), "null");
	json_object_put(doc);
	free(eid);
}

static void
test_e2e_sup_command_exit_75_is_retried(void)
{
	struct json_object	*doc, *s;
	const char		*m;

	/* Fails once with EX_TEMPFAIL, then succeeds. */
	doc = run_command("e2e-tempfail-once", "\"retry\":{\"max_attempts\":3,"
	    "\"initial_interval_ms\":100}", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "completed");
	s = sup_step(doc, "cmd");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 2);
	SUP_STR_EQ(sup_json(s, "output"), "{\"attempt\":2}");
	SUP_STR_EQ(sup_json(s, "error"), "null");
	json_object_put(doc);

	/* Always 75: every attempt is used, then the step fails. */
	doc = run_command("tempfail", "\"retry\":{\"max_attempts\":3,"
	    "\"initial_interval_ms\":100}", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	s = sup_step(doc, "cmd");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 3);
	SUP_STR_EQ(sup_str(s, "error.type"), "exit_status");
	m = sup_str(s, "error.message");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "75"));
	CU_ASSERT(strlen(m) >= 9 &&
	    strcmp(m + strlen(m) - 9, "try later") == 0);
	json_object_put(doc);
}

static void
test_e2e_sup_command_exit_3_fails_with_stderr_tail(void)
{
	struct json_object	*doc, *s;
	const char		*m, *tail = "boom: disk on fire";

	doc = run_command("fail-stderr", "\"retry\":{\"max_attempts\":3,"
	    "\"initial_interval_ms\":100}", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	s = sup_step(doc, "cmd");
	SUP_STR_EQ(sup_str(s, "status"), "failed");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 1);	/* not retryable */
	SUP_STR_EQ(sup_str(s, "error.type"), "exit_status");
	m = sup_str(s, "error.message");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "status 3"));
	CU_ASSERT(strlen(m) > strlen(tail) &&
	    strcmp(m + strlen(m) - strlen(tail), tail) == 0);
	/* The tail is at most 4 KiB of stderr (6 KiB were written). */
	CU_ASSERT(strlen(m) <= 4096 + 200);
	SUP_STR_EQ(sup_keys(doc, "error_details"),
	    "error,step_id,type");
	SUP_STR_EQ(sup_str(doc, "error_details.type"),
	    "exit_status");
	SUP_STR_EQ(sup_str(doc, "error_details.step_id"), "cmd");
	SUP_STR_EQ(sup_str(doc, "error_details.error"), m);
	json_object_put(doc);
}

static void
test_e2e_sup_command_timeout_kills_process_group(void)
{
	struct json_object	*doc, *s;
	const char		*file = sup_path("pids");
	char			 input[700], *p;
	int			 leader = 0, child = 0;

	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	doc = run_command("e2e-fork-pids", "\"timeout_seconds\":1,"
	    "\"input\":{\"file\":\"{{ input.file }}\"}", input, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	s = sup_step(doc, "cmd");
	SUP_STR_EQ(sup_str(s, "error.type"), "timeout");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "timeout");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 1);
	p = sup_read(file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(sscanf(p, "%d %d", &leader, &child), 2);
	free(p);
	CU_ASSERT_FATAL(leader > 1 && child > 1 && leader != child);
	/* Dead as the step failed; gone once init has reaped them. */
	CU_ASSERT(sup_pid_dead(leader));
	CU_ASSERT(sup_pid_dead(child));
	CU_ASSERT(sup_pid_gone(leader, 10000));
	CU_ASSERT(sup_pid_gone(child, 10000));
	json_object_put(doc);
}

static void
test_e2e_sup_cancel_stops_running_command_within_2s(void)
{
	struct json_object	*doc = NULL;
	struct resp		 r;
	const char		*file = sup_path("cancel-pid"), *st = NULL;
	char			 input[700], path[256], *eid = NULL, *tid, *p;
	int64_t			 t0;
	pid_t			 pid;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"sleepy\","
	    "\"type\":\"command\",\"handler\":\"e2e-pid-sleep\","
	    "\"timeout_seconds\":120,\"input\":{\"file\":\"{{ input.file }}\","
	    "\"seconds\":30}},{\"id\":\"later\",\"type\":\"transform\","
	    "\"depends_on\":[\"sleepy\"],\"output\":{}}]}",
	    e2e_unique("cancel"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(input, sizeof(input), "{\"file\":\"%s\"}", file);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	p = sup_wait_file(file, 10000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	pid = (pid_t)atoi(p);
	free(p);
	CU_ASSERT_FATAL(pid > 1 && !sup_pid_dead(pid));

	snprintf(path, sizeof(path),
	    "/workflow-management/executions/%s/cancel", eid);
	t0 = sup_now_ms();
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_alice(),
	    "{\"reason\":\"test\"}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	while (sup_now_ms() - t0 < 5000) {
		json_object_put(doc);
		doc = sup_get(eid, NULL);
		st = sup_str(doc, "status");
		if (st != NULL && strcmp(st, "cancelled") == 0)
			break;
		sup_sleep_ms(50);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	SUP_STR_EQ(st, "cancelled");
	CU_ASSERT(sup_now_ms() - t0 <= 2000);
	/* The handler is dead by the time the execution says cancelled. */
	CU_ASSERT(sup_pid_dead(pid));
	CU_ASSERT(sup_pid_gone(pid, 10000));
	SUP_STR_EQ(sup_str(sup_step(doc, "sleepy"), "status"),
	    "cancelled");
	SUP_STR_EQ(sup_str(sup_step(doc, "later"), "status"),
	    "cancelled");
	SUP_STR_EQ(sup_str(doc, "error_details.type"),
	    "cancelled");
	SUP_STR_EQ(sup_str(doc, "cancel_reason"), "test");
	/* Cancelling again: already terminal. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 409);
	SUP_STR_EQ(r.body,
	    "{\"detail\":\"Execution already cancelled\"}");
	resp_free(&r);
	json_object_put(doc);
	free(tid);
	free(eid);
}

static void
test_e2e_sup_execution_timeout_gives_timed_out(void)
{
	struct json_object	*doc;
	char			*tid, *eid;
	int64_t			 t0;

	tid = sup_tmpl("{\"name\":\"%s\",\"global_config\":"
	    "{\"timeout_seconds\":2},\"steps\":[{\"id\":\"wait\","
	    "\"type\":\"delay\",\"seconds\":10},{\"id\":\"after\","
	    "\"type\":\"transform\",\"depends_on\":[\"wait\"],\"output\":{}}]}",
	    e2e_unique("timeout"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	t0 = sup_now_ms();
	eid = sup_exec(tid, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "timed_out");
	/* At the 2 s deadline, not at the end of the 10 s delay. */
	CU_ASSERT(sup_now_ms() - t0 >= 2000 && sup_now_ms() - t0 < 6000);
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "timeout");
	SUP_STR_EQ(sup_str(sup_step(doc, "wait"), "status"),
	    "cancelled");
	SUP_STR_EQ(sup_str(sup_step(doc, "after"), "status"),
	    "cancelled");
	SUP_STR_EQ(sup_json(doc, "final_result"), "null");
	json_object_put(doc);
	free(tid);
	free(eid);
}

/*
 * 17 command outputs of 1 MB: the final result (every output, 17 MB) is
 * over the 8 MiB limit, so the execution fails (before, its final write
 * passed max_allowed_packet and was retried forever); every step stays
 * completed with its whole output, and the 17 MB document is served.
 */
static void
test_e2e_sup_get_with_17_mb_of_outputs(void)
{
	struct json_object	*doc, *steps, *s;
	char			 def[4096];
	char			*tid, *eid;
	size_t			 i, n = 0;
	int			 k;

	n = (size_t)snprintf(def, sizeof(def), "{\"name\":\"%s\",\"steps\":[",
	    e2e_unique("mb-out"));
	for (k = 0; k < 17; k++)
		n += (size_t)snprintf(def + n, sizeof(def) - n,
		    "%s{\"id\":\"s%02d\",\"type\":\"command\","
		    "\"handler\":\"mb-out\"}", k > 0 ? "," : "", k);
	snprintf(def + n, sizeof(def) - n, "]}");
	tid = sup_tmpl("%s", def);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = sup_exec(tid, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	SUP_STR_EQ(sup_str(doc, "error_details.type"), "result_too_large");
	SUP_STR_EQ(sup_str(doc, "error_details.error"), "final_result is "
	    "17000154 bytes, over the limit of 8388608");
	SUP_STR_EQ(sup_json(doc, "final_result"), "null");
	steps = sup_at(doc, "steps");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(steps), 17);
	for (i = 0; i < 17; i++) {
		s = json_object_array_get_idx(steps, i);
		SUP_STR_EQ(sup_str(s, "status"), "completed");
		CU_ASSERT_EQUAL(sup_int(s, "attempts"), 1);
		CU_ASSERT_EQUAL(json_object_get_string_len(sup_at(s,
		    "output")), 1000000);
		CU_ASSERT_PTR_NOT_NULL(sup_str(s, "started_at"));
		CU_ASSERT_PTR_NOT_NULL(sup_str(s, "completed_at"));
		CU_ASSERT(json_object_is_type(sup_at(s, "duration"),
		    json_type_double));
	}
	json_object_put(doc);
	free(tid);
	free(eid);
}

/* A transform whose output passes 1 MiB fails; nothing is retried. */
static void
test_e2e_sup_transform_output_over_1_mib_fails(void)
{
	struct json_object	*doc, *s;
	char			*tid, *eid, *input;

	tid = sup_tmpl("{\"name\":\"%s\",\"steps\":[{\"id\":\"t\","
	    "\"type\":\"transform\",\"output\":{\"a\":\"{{ input.s }}\","
	    "\"b\":\"{{ input.s }}\"}}]}", e2e_unique("big-transform"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	input = malloc(600000 + 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(input);
	memcpy(input, "{\"s\":\"", 6);
	memset(input + 6, 'c', 600000);
	memcpy(input + 6 + 600000, "\"}", 3);
	eid = sup_exec(tid, input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	SUP_STR_EQ(sup_str(doc, "status"), "failed");
	s = sup_step(doc, "t");
	SUP_STR_EQ(sup_str(s, "status"), "failed");
	CU_ASSERT_EQUAL(sup_int(s, "attempts"), 1);
	SUP_STR_EQ(sup_str(s, "error.type"), "output_too_large");
	/* Stopped while rendering, not after (issue 12). */
	SUP_STR_EQ(sup_str(s, "error.message"),
	    "rendering passed the limit of 1048576 bytes");
	SUP_STR_EQ(sup_json(s, "output"), "null");
	json_object_put(doc);
	free(input);
	free(tid);
	free(eid);
}

E2E_SUITE(test_e2e_sup_register)

void
test_e2e_sup_register(void)
{
	CU_pSuite	s = CU_add_suite("sup", NULL, NULL);

	CU_add_test(s, "parallel_branches_overlap",
	    test_e2e_sup_parallel_branches_overlap);
	CU_add_test(s, "max_parallel_1_serialises",
	    test_e2e_sup_max_parallel_1_serialises);
	CU_add_test(s, "when_falsy_skips_and_dependents_run",
	    test_e2e_sup_when_falsy_skips_and_dependents_run);
	CU_add_test(s, "command_stdout_json_is_the_output",
	    test_e2e_sup_command_stdout_json_is_the_output);
	CU_add_test(s, "command_exit_75_is_retried",
	    test_e2e_sup_command_exit_75_is_retried);
	CU_add_test(s, "command_exit_3_fails_with_stderr_tail",
	    test_e2e_sup_command_exit_3_fails_with_stderr_tail);
	CU_add_test(s, "command_timeout_kills_process_group",
	    test_e2e_sup_command_timeout_kills_process_group);
	CU_add_test(s, "cancel_stops_running_command_within_2s",
	    test_e2e_sup_cancel_stops_running_command_within_2s);
	CU_add_test(s, "execution_timeout_gives_timed_out",
	    test_e2e_sup_execution_timeout_gives_timed_out);
	CU_add_test(s, "get_with_17_mb_of_outputs",
	    test_e2e_sup_get_with_17_mb_of_outputs);
	CU_add_test(s, "transform_output_over_1_mib_fails",
	    test_e2e_sup_transform_output_over_1_mib_fails);
}
