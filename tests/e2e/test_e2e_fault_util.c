/*
 * Helpers of the fault suites: see test_e2e_fault.h.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "e2e.h"
#include "test_e2e_fault.h"

#define FLT_CACHE	16

double
flt_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
flt_sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

const char *
flt_token(const char *user)
{
	static struct {
		char	*user;
		char	*tok;
	}		 cache[FLT_CACHE];
	int		 i;

	for (i = 0; i < FLT_CACHE && cache[i].user != NULL; i++)
		if (strcmp(cache[i].user, user) == 0)
			return cache[i].tok;
	if (i == FLT_CACHE)
		return NULL;
	cache[i].tok = e2e_token(user,
	    "workflow:execute,workflow:read,template:write");
	if (cache[i].tok == NULL)
		return NULL;
	cache[i].user = strdup(user);
	return cache[i].tok;
}

char *
flt_template(const char *token, const char *name, const char *steps)
{
	char	body[8192];

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"steps\":%s}", name,
	    steps);
	return e2e_template(token, body);
}

char *
flt_template_one(const char *token)
{
	return flt_template(token, flt_run("fault-one"),
	    "[{\"id\":\"a\",\"type\":\"transform\","
	    "\"output\":{\"n\":\"{{ input.n }}\"}}]");
}

int
flt_retry_after(const struct resp *r)
{
	const char	*p = r->headers;
	size_t		 n = strlen("Retry-After");
	char		*end;
	long		 v;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, "Retry-After", n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			v = strtol(p, &end, 10);
			if (end == p || v < 0 || v > INT_MAX)
				return -1;
			return (int)v;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

void
flt_exec(const char *token, const char *tid, const char *name,
    const char *input, struct flt_shot *s)
{
	struct resp	 r;
	const char	*id;
	size_t		 len;
	char		*body;
	double		 t0 = flt_now();

	if (input == NULL)
		input = "{}";
	len = strlen(input) + strlen(tid) + strlen(name) + 128;
	if ((body = malloc(len)) == NULL)
		abort();
	snprintf(body, len, "{\"template_id\":\"%s\",\"execution_name\":"
	    "\"%s\",\"input_data\":%s}", tid, name, input);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->at = t0;
	s->status = 0;
	s->retry_after = -1;
	s->id[0] = '\0';
	if (e2e_req("POST", FLT_EXEC_PATH, token, body, NULL, &r) == 0) {
		s->status = r.status;
		s->retry_after = flt_retry_after(&r);
		if ((id = resp_str(&r, "execution_id")) != NULL &&
		    (r.status == 200 || r.status == 202))
			snprintf(s->id, sizeof(s->id), "%s", id);
		resp_free(&r);
	}
	s->secs = flt_now() - t0;
	free(body);
}

long
flt_exec_settled(const char *token, const char *tid, const char *name,
    const char *input, struct flt_shot *s)
{
	double	end = flt_now() + 30;

	for (;;) {
		flt_exec(token, tid, name, input, s);
		if (s->status != 429 || flt_now() >= end)
			return s->status;
		s->n429++;
		flt_sleep_ms(200);
	}
}

char *
flt_status(const char *token, const char *id, long *code)
{
	struct resp	 r;
	char		 path[256];
	const char	*st;
	char		*out = NULL;

	*code = 0;
	snprintf(path, sizeof(path), "%s/%s", FLT_EXECS_PATH, id);
	if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
		return NULL;
	*code = r.status;
	if (r.status == 200 && (st = resp_str(&r, "status")) != NULL)
		out = strdup(st);
	resp_free(&r);
	return out;
}

int
flt_wait_completed(const char *token, const char *id, double deadline)
{
	char	*st;
	long	 code;
	int	 ok;

	for (;;) {
		st = flt_status(token, id, &code);
		ok = st != NULL && strcmp(st, "completed") == 0;
		free(st);
		if (ok)
			return 1;
		if (flt_now() >= deadline)
			return 0;
		flt_sleep_ms(100);
	}
}

int
flt_count_prefix(const char *token, const char *prefix)
{
	struct json_object	*items, *it, *v;
	struct resp		 r;
	char			 path[1024], cursor[256] = "";
	const char		*name;
	size_t			 i, plen = strlen(prefix);
	int			 n = 0, pages;

	for (pages = 0; pages < 1000; pages++) {
		snprintf(path, sizeof(path), "%s?limit=100%s%s", FLT_EXECS_PATH,
		    *cursor != '\0' ? "&cursor=" : "", cursor);
		if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
			return -1;
		if (r.status != 200 || r.json == NULL ||
		    !json_object_object_get_ex(r.json, "items", &items) ||
		    !json_object_is_type(items, json_type_array)) {
			resp_free(&r);
			return -1;
		}
		for (i = 0; i < json_object_array_length(items); i++) {
			it = json_object_array_get_idx(items, i);
			if (json_object_object_get_ex(it, "execution_name",
			    &v) && (name = json_object_get_string(v)) !=
			    NULL && strncmp(name, prefix, plen) == 0 &&
			    name[plen] == '-')
				n++;
		}
		if (!json_object_object_get_ex(r.json, "next_cursor", &v) ||
		    !json_object_is_type(v, json_type_string)) {
			resp_free(&r);
			return n;
		}
		snprintf(cursor, sizeof(cursor), "%s",
		    json_object_get_string(v));
		resp_free(&r);
	}
	return -1;
}

/* ---- load ------------------------------------------------------------- */

static void
load_get(struct flt_load *l, struct flt_shot *s)
{
	struct resp	r;
	double		t0 = flt_now();

	s->at = t0;
	s->status = 0;
	s->retry_after = -1;
	if (e2e_req("GET", l->get_path, l->token, NULL, NULL, &r) == 0) {
		s->status = r.status;
		s->retry_after = flt_retry_after(&r);
		resp_free(&r);
	}
	s->secs = flt_now() - t0;
}

static void *
load_main(void *arg)
{
	struct flt_load	*l = arg;
	struct flt_shot	 s;
	char		 name[96];
	int		 i, phase;

	for (;;) {
		pthread_mutex_lock(&l->mu);
		if (l->stop || l->next >= l->cap ||
		    (l->until > 0 && flt_now() >= l->until)) {
			pthread_mutex_unlock(&l->mu);
			break;
		}
		i = l->next++;
		phase = l->phase;
		pthread_mutex_unlock(&l->mu);
		memset(&s, 0, sizeof(s));
		if (l->tid != NULL) {
			snprintf(name, sizeof(name), "%s-%d", l->prefix, i);
			for (;;) {
				flt_exec(l->token, l->tid, name, l->input, &s);
				if (s.status != 429 || !l->retry_429 ||
				    s.n429 >= 150)
					break;
				s.n429++;
				flt_sleep_ms(200);
			}
		} else
			load_get(l, &s);
		s.phase = phase;
		pthread_mutex_lock(&l->mu);
		l->shots[i] = s;
		l->done++;
		pthread_mutex_unlock(&l->mu);
		if (l->pace_ms > 0)
			flt_sleep_ms(l->pace_ms);
	}
	return NULL;
}

int
flt_load_start(struct flt_load *l)
{
	int	i;

	pthread_mutex_init(&l->mu, NULL);
	l->next = l->done = l->stop = l->started = 0;
	if (l->nthreads > FLT_THREADS_MAX)
		l->nthreads = FLT_THREADS_MAX;
	for (i = 0; i < l->nthreads; i++) {
		if (pthread_create(&l->th[i], NULL, load_main, l) != 0)
			break;
		l->started++;
	}
	return l->started == l->nthreads ? 0 : -1;
}

void
flt_load_set_phase(struct flt_load *l, int phase)
{
	pthread_mutex_lock(&l->mu);
	l->phase = phase;
	pthread_mutex_unlock(&l->mu);
}

int
flt_load_done(struct flt_load *l)
{
	int	n;

	pthread_mutex_lock(&l->mu);
	n = l->done;
	pthread_mutex_unlock(&l->mu);
	return n;
}

int
flt_load_stop(struct flt_load *l)
{
	pthread_mutex_lock(&l->mu);
	l->stop = 1;
	pthread_mutex_unlock(&l->mu);
	return flt_load_join(l);
}

int
flt_load_join(struct flt_load *l)
{
	int	i;

	for (i = 0; i < l->started; i++)
		pthread_join(l->th[i], NULL);
	l->started = 0;
	pthread_mutex_destroy(&l->mu);
	return l->done;
}

/* ---- the stack ------------------------------------------------------- */

static const char *
root_dir(void)
{
	const char	*r = getenv("WFM_E2E_ROOT");

	return r != NULL ? r : ".";
}

int
flt_stack(const char *cmd)
{
	return e2e_sh("bash '%s/deploy/local/stack.sh' %s", root_dir(), cmd);
}

int
flt_conf_int(const char *section, const char *key, int def)
{
	char		 env[128], line[1024], cur[64] = "", *p, *q, *e;
	const char	*v;
	FILE		*f;
	long		 n;
	size_t		 i;
	int		 out = def;

	snprintf(env, sizeof(env), "WFM_%s_%s", section, key);
	for (i = 0; env[i] != '\0'; i++)
		env[i] = (char)toupper((unsigned char)env[i]);
	if ((v = getenv(env)) != NULL && *v != '\0') {
		n = strtol(v, &e, 10);
		return *e == '\0' && n > 0 && n < INT_MAX ? (int)n : def;
	}
	if ((f = fopen(e2e_conf(), "r")) == NULL)
		return def;
	while (fgets(line, sizeof(line), f) != NULL) {
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '[') {
			q = strchr(p, ']');
			if (q != NULL) {
				*q = '\0';
				snprintf(cur, sizeof(cur), "%s", p + 1);
			}
			continue;
		}
		if (strcmp(cur, section) != 0 ||
		    strncmp(p, key, strlen(key)) != 0)
			continue;
		p += strlen(key);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '=')
			continue;
		n = strtol(p, &e, 10);
		if (e != p && n > 0 && n < INT_MAX)
			out = (int)n;
	}
	fclose(f);
	return out;
}

int
flt_rw_timeout(void)
{
	return flt_conf_int("database", "rw_timeout", 10);
}

/* ppid and state of pid from /proc/pid/stat; 0 or -1. */
static int
proc_stat(pid_t pid, pid_t *ppid, char *state)
{
	char	 path[64], buf[1024], *p;
	FILE	*f;
	size_t	 n;
	int	 pp;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %d", state, &pp) != 2)
		return -1;
	*ppid = (pid_t)pp;
	return 0;
}

/*
 * 1 if pid's name (comm) is program: the executable's, or the one a
 * process took (the group writer, a child of the master running
 * wfm-fcgi, calls itself wfm-group).
 */
static int
runs(pid_t pid, const char *program)
{
	char	 path[64], comm[32];
	FILE	*f;
	int	 ok;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	ok = fgets(comm, sizeof(comm), f) != NULL;
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return ok && strcmp(comm, program) == 0;
}

pid_t
flt_master(void)
{
	char	 path[1024], buf[64];
	FILE	*f;
	long	 pid;
	pid_t	 pp;
	char	 st;

	snprintf(path, sizeof(path), "%s/run/wfm-fcgi.pid", e2e_var());
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	/*
	 * stack.sh writes the pid of the shell that execs wfm-fcgi in a
	 * session of its own: the master's pid and its session id at once.
	 */
	pid = strtol(buf, NULL, 10);
	if (pid <= 1 || proc_stat((pid_t)pid, &pp, &st) != 0 || st == 'Z' ||
	    !runs((pid_t)pid, "wfm-fcgi"))
		return -1;
	return (pid_t)pid;
}

int
flt_children(pid_t master, const char *program, pid_t *out, int max)
{
	DIR		*d;
	struct dirent	*de;
	pid_t		 pid, pp;
	char		 st, *e;
	int		 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		pid = (pid_t)strtol(de->d_name, &e, 10);
		if (*e != '\0' || pid <= 0)
			continue;
		if (proc_stat(pid, &pp, &st) != 0 || pp != master ||
		    st == 'Z' || !runs(pid, program))
			continue;
		if (n < max)
			out[n] = pid;
		n++;
	}
	closedir(d);
	return n;
}

/* ---- MariaDB as root -------------------------------------------------- */

/* argv of the mariadb client over the stack's socket, as stack.sh runs it. */
static void
client_exec(void)
{
	struct passwd	*pw = getpwuid(geteuid());
	char		 sock[1024], user[300];

	snprintf(sock, sizeof(sock), "--socket=%s/mysql/mysqld.sock",
	    e2e_var());
	snprintf(user, sizeof(user), "--user=%s", geteuid() == 0 ? "root" :
	    pw != NULL ? pw->pw_name : "root");
	execlp("mariadb", "mariadb", "--no-defaults", sock, user, "--batch",
	    "--skip-column-names", "--unbuffered", (char *)NULL);
	_exit(127);
}

/* flt_sql_open; the first line of output before the marker into cap. */
static int
sql_open(struct flt_sql *q, const char *stmts, char *cap, size_t caplen)
{
	int	 in[2], out[2];
	char	 line[4096];
	pid_t	 pid;

	memset(q, 0, sizeof(*q));
	q->pid = -1;
	/* A client that died must not kill the runner on our next write. */
	signal(SIGPIPE, SIG_IGN);
	if (pipe(in) == -1)
		return -1;
	if (pipe(out) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		client_exec();
	}
	close(in[0]);
	close(out[1]);
	q->pid = pid;
	q->in = fdopen(in[1], "w");
	q->out = fdopen(out[0], "r");
	if (q->in == NULL || q->out == NULL) {
		flt_sql_close(q);
		return -1;
	}
	/* The marker comes back once every statement before it ran. */
	fprintf(q->in, "%s\nSELECT 'flt-ready';\n", stmts);
	fflush(q->in);
	while (fgets(line, sizeof(line), q->out) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "flt-ready") == 0)
			return 0;
		if (cap != NULL && caplen > 0) {
			snprintf(cap, caplen, "%s", line);
			cap = NULL;
		}
	}
	flt_sql_close(q);
	return -1;
}

int
flt_sql_open(struct flt_sql *q, const char *stmts)
{
	return sql_open(q, stmts, NULL, 0);
}

void
flt_sql_close(struct flt_sql *q)
{
	int	 status, i;

	if (q->in != NULL)
		fclose(q->in);
	q->in = NULL;
	if (q->pid > 0) {
		for (i = 0; i < 100; i++) {
			if (waitpid(q->pid, &status, WNOHANG) != 0)
				break;
			flt_sleep_ms(50);
		}
		if (i == 100) {
			kill(q->pid, SIGKILL);
			waitpid(q->pid, &status, 0);
		}
	}
	q->pid = -1;
	if (q->out != NULL)
		fclose(q->out);
	q->out = NULL;
}

int
flt_sql_line(const char *query, char *out, size_t len)
{
	struct flt_sql	q;

	if (len == 0)
		return -1;
	out[0] = '\0';
	if (sql_open(&q, query, out, len) != 0)
		return -1;
	flt_sql_close(&q);
	return 0;
}
