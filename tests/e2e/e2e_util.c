/*
 * The e2e harness: libcurl requests, tokens, helpers.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "e2e.h"

#define NITEMS_E2E(a)	(sizeof(a) / sizeof((a)[0]))

struct buf {
	char	*p;
	size_t	 n;
};

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct buf	*b = ud;
	size_t		 n = size * nmemb;
	char		*q;

	if ((q = realloc(b->p, b->n + n + 1)) == NULL)
		return 0;
	b->p = q;
	memcpy(b->p + b->n, ptr, n);
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

const char *
e2e_url(void)
{
	const char	*u = getenv("WFM_E2E_URL");

	return u != NULL ? u : "http://127.0.0.1:18080/api/v1";
}

const char *
e2e_conf(void)
{
	const char	*c = getenv("WFM_E2E_CONF");

	return c != NULL ? c : "var/test/wfm.conf";
}

const char *
e2e_var(void)
{
	const char	*v = getenv("WFM_E2E_VAR");

	return v != NULL ? v : "var/test";
}

int
e2e_req_raw(const char *method, const char *path, const char *token,
    const char *ctype, const char *body, size_t len,
    const char *const *extra, struct resp *r)
{
	CURL			*c;
	struct curl_slist	*h = NULL;
	struct buf		 b = { NULL, 0 }, hb = { NULL, 0 };
	char			 url[4096], line[16384];
	int			 i, rc = -1;

	memset(r, 0, sizeof(*r));
	if ((c = curl_easy_init()) == NULL)
		return -1;
	snprintf(url, sizeof(url), "%s%s", e2e_url(), path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
	if (token != NULL) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s",
		    token);
		h = curl_slist_append(h, line);
	}
	if (ctype != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		h = curl_slist_append(h, line);
	} else
		h = curl_slist_append(h, "Content-Type:");
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	}
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		h = curl_slist_append(h, extra[i]);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r->seconds);
		r->body = b.p != NULL ? b.p : strdup("");
		r->len = b.n;
		r->headers = hb.p != NULL ? hb.p : strdup("");
		r->json = json_tokener_parse(r->body);
		b.p = hb.p = NULL;
		rc = 0;
	}
	free(b.p);
	free(hb.p);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}

int
e2e_req(const char *method, const char *path, const char *token,
    const char *body, const char *const *extra, struct resp *r)
{
	return e2e_req_raw(method, path, token, body != NULL ?
	    "application/json" : NULL, body, body != NULL ? strlen(body) : 0,
	    extra, r);
}

void
resp_free(struct resp *r)
{
	free(r->body);
	free(r->headers);
	json_object_put(r->json);
	memset(r, 0, sizeof(*r));
}

const char *
resp_header(const struct resp *r, const char *name)
{
	static char	 v[4096];
	const char	*p = r->headers;
	size_t		 n = strlen(name), k;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			k = strcspn(p, "\r\n");
			if (k >= sizeof(v))
				k = sizeof(v) - 1;
			memcpy(v, p, k);
			v[k] = '\0';
			return v;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return NULL;
}

const char *
resp_str(const struct resp *r, const char *key)
{
	struct json_object	*v;

	if (r->json == NULL || !json_object_object_get_ex(r->json, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

const char *
e2e_js(struct json_object *v)
{
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

struct json_object *
e2e_member(struct json_object *o, const char *key)
{
	struct json_object	*v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *
e2e_mjs(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return "<absent>";
	return e2e_js(v);
}

char *
e2e_token(const char *sub, const char *roles)
{
	char	 cmd[1024], out[16384];
	FILE	*p;
	size_t	 n;

	snprintf(cmd, sizeof(cmd), "%s/wfmctl -c %s token --sub '%s' "
	    "--roles '%s' --ttl 7200 2>/dev/null", getenv("WFM_E2E_BIN") ?
	    getenv("WFM_E2E_BIN") : "build/bin", e2e_conf(), sub, roles);
	if ((p = popen(cmd, "r")) == NULL)
		return NULL;
	n = fread(out, 1, sizeof(out) - 1, p);
	pclose(p);
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return n > 0 ? strdup(out) : NULL;
}

#define TOKFN(fn, sub, roles)				\
const char *						\
fn(void)						\
{							\
	static char	*t;				\
							\
	if (t == NULL)					\
		t = e2e_token(sub, roles);		\
	return t;					\
}
TOKFN(e2e_tok_alice, "alice",
    "workflow:execute,workflow:read,template:write")
TOKFN(e2e_tok_bob, "bob", "workflow:execute,workflow:read,template:write")
TOKFN(e2e_tok_admin, "root-admin", "admin")
TOKFN(e2e_tok_reader, "alice", "workflow:read")

char *
e2e_template(const char *token, const char *json)
{
	struct resp	 r;
	char		*id = NULL;

	if (e2e_req("POST", "/workflow-management/templates", token, json,
	    NULL, &r) != 0)
		return NULL;
	if (r.status == 201 && resp_str(&r, "template_id") != NULL)
		id = strdup(resp_str(&r, "template_id"));
	else
		fprintf(stderr, "template create: %ld %s\n", r.status, r.body);
	resp_free(&r);
	return id;
}

char *
e2e_execute(const char *token, const char *tid, const char *input)
{
	struct resp	 r;
	char		*body, *id = NULL;
	size_t		 n;

	if (input == NULL)
		input = "{}";
	n = strlen(tid) + strlen(input) + 64;
	if ((body = malloc(n)) == NULL)
		return NULL;
	snprintf(body, n, "{\"template_id\":\"%s\",\"input_data\":%s}", tid,
	    input);
	if (e2e_req("POST", "/workflow-management/execute", token, body,
	    NULL, &r) != 0) {
		free(body);
		return NULL;
	}
	free(body);
	if (r.status == 202 && resp_str(&r, "execution_id") != NULL)
		id = strdup(resp_str(&r, "execution_id"));
	else
		fprintf(stderr, "execute: %ld %s\n", r.status, r.body);
	resp_free(&r);
	return id;
}

static int
terminal(const char *s)
{
	return s != NULL && (strcmp(s, "completed") == 0 ||
	    strcmp(s, "failed") == 0 || strcmp(s, "cancelled") == 0 ||
	    strcmp(s, "timed_out") == 0);
}

struct json_object *
e2e_wait(const char *token, const char *id, int seconds)
{
	struct json_object	*doc = NULL;
	struct resp		 r;
	char			 path[256];
	struct timespec		 ts = { 0, 100 * 1000 * 1000 };
	time_t			 end = time(NULL) + seconds;

	snprintf(path, sizeof(path), "/workflow-management/executions/%s", id);
	do {
		if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
			return NULL;
		if (r.status == 200 && terminal(resp_str(&r, "status"))) {
			doc = json_object_get(r.json);
			resp_free(&r);
			return doc;
		}
		resp_free(&r);
		nanosleep(&ts, NULL);
	} while (time(NULL) < end);
	return NULL;
}

const char *
e2e_run_name(const char *base)
{
	static struct {
		char	*base;
		char	*run;
	}		 cache[64];
	char		 buf[256];
	size_t		 i;

	for (i = 0; i < NITEMS_E2E(cache) && cache[i].base != NULL; i++)
		if (strcmp(cache[i].base, base) == 0)
			return cache[i].run;
	if (i == NITEMS_E2E(cache))
		return base;
	snprintf(buf, sizeof(buf), "%s-%lx%x", base, (long)time(NULL),
	    (unsigned)getpid());
	cache[i].run = strdup(buf);
	cache[i].base = strdup(base);
	return cache[i].run;
}

const char *
e2e_unique(const char *prefix)
{
	static char	buf[128];
	static int	n;

	snprintf(buf, sizeof(buf), "%s-%ld-%d-%d", prefix, (long)time(NULL),
	    (int)getpid(), ++n);
	return buf;
}

int
e2e_sh(const char *fmt, ...)
{
	va_list	ap;
	char	cmd[4096];
	int	st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

/* Run q as root on the stack's database, its output into out. */
static int
sql_run(const char *q, const char *out)
{
	return e2e_sh("mariadb --no-defaults --socket='%s/mysql/mysqld.sock' "
	    "--user=root --batch --skip-column-names wfm -e \"%s\" > '%s'",
	    e2e_var(), q, out);
}

int
e2e_sql(const char *fmt, ...)
{
	char	q[4096];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	return sql_run(q, "/dev/null");
}

const char *
e2e_sql1(const char *fmt, ...)
{
	static char	 line[256];
	char		 q[4096], out[1024];
	va_list		 ap;
	FILE		*f;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	snprintf(out, sizeof(out), "%s/sql1.out", e2e_var());
	line[0] = '\0';
	if (sql_run(q, out) != 0)
		return line;
	if ((f = fopen(out, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		line[strcspn(line, "\n")] = '\0';
		fclose(f);
	}
	return line;
}

long long
e2e_metric(const char *series)
{
	struct resp	 r;
	char		 want[256];
	const char	*p;
	long long	 v = -1;

	snprintf(want, sizeof(want), "\n%s ", series);
	if (e2e_req("GET", "/metrics", NULL, NULL, NULL, &r) != 0)
		return -1;
	if (r.status == 200 && r.body != NULL &&
	    (p = strstr(r.body, want)) != NULL)
		v = strtoll(p + strlen(want), NULL, 10);
	resp_free(&r);
	return v;
}

char *
e2e_example(const char *rel)
{
	const char	*root = getenv("WFM_E2E_ROOT");
	char		 path[1024], *buf = NULL;
	FILE		*f;
	long		 n;

	snprintf(path, sizeof(path), "%s/deploy/examples/%s",
	    root != NULL ? root : ".", rel);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = calloc(1, (size_t)n + 1)) !=
	    NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}
