/*
 * Helpers of the hostile-input suites (see test_e2e_hostile.h).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "test_e2e_hostile.h"

#define HX_TOKENS_MAX	16

static double
mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
hx_port(void)
{
	const char	*u = e2e_url(), *p;

	/* "http://127.0.0.1:18080/api/v1" */
	if ((p = strstr(u, "://")) == NULL || (p = strchr(p + 3, ':')) ==
	    NULL)
		return 80;
	return atoi(p + 1);
}

const char *
hx_target(const char *path)
{
	static char	 buf[65536];
	const char	*u = e2e_url(), *p;

	/* The path part of the base URL: "/api/v1". */
	if ((p = strstr(u, "://")) != NULL && (p = strchr(p + 3, '/')) !=
	    NULL)
		snprintf(buf, sizeof(buf), "%s%s", p, path);
	else
		snprintf(buf, sizeof(buf), "%s", path);
	return buf;
}

int
hx_wire_send(const char *req, size_t len, int half_close, int timeout_s,
    struct hx_wire *w)
{
	struct sockaddr_in	 sin;
	struct pollfd		 pfd;
	double			 t0, left;
	size_t			 off = 0, cap = 8192;
	ssize_t			 n;
	int			 fd;

	memset(w, 0, sizeof(*w));
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)hx_port());
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t0 = mono();
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	while (off < len) {
		if ((n = send(fd, req + off, len - off, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			/* The server may refuse early and close: read that. */
			break;
		}
		off += (size_t)n;
	}
	if (half_close)
		(void)shutdown(fd, SHUT_WR);
	w->buf = malloc(cap);
	if (w->buf == NULL)
		goto fail;
	for (;;) {
		left = timeout_s - (mono() - t0);
		if (left <= 0) {
			w->timed_out = 1;
			break;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) == 0) {
			w->timed_out = 1;
			break;
		}
		if (w->len + 4096 + 1 > cap) {
			char	*q;

			cap *= 2;
			if ((q = realloc(w->buf, cap)) == NULL)
				goto fail;
			w->buf = q;
		}
		n = recv(fd, w->buf + w->len, cap - w->len - 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			w->reset = errno == ECONNRESET;
			w->eof = 1;
			break;
		}
		if (n == 0) {
			w->eof = 1;
			break;
		}
		w->len += (size_t)n;
	}
	w->buf[w->len] = '\0';
	w->seconds = mono() - t0;
	close(fd);
	return 0;
fail:
	free(w->buf);
	w->buf = NULL;
	close(fd);
	return -1;
}

void
hx_wire_free(struct hx_wire *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

int
hx_wire_parse(const char *buf, size_t len, size_t *off, struct resp *r)
{
	struct json_tokener	*tok;
	const char		*s = buf + *off, *end, *cl;
	size_t			 hlen, blen = 0, rest = len - *off;
	long			 status;

	memset(r, 0, sizeof(*r));
	if (rest < 12 || strncmp(s, "HTTP/1.", 7) != 0)
		return -1;
	if ((end = memmem(s, rest, "\r\n\r\n", 4)) == NULL)
		return -1;
	status = strtol(s + 9, NULL, 10);
	hlen = (size_t)(end - s) + 4;
	if ((r->headers = strndup(s, hlen)) == NULL)
		return -1;
	r->status = status;
	/* resp_header() reads the whole block; the status line never matches. */
	if ((cl = resp_header(r, "Content-Length")) != NULL)
		blen = (size_t)strtoul(cl, NULL, 10);
	if (blen > rest - hlen) {
		resp_free(r);
		return -1;
	}
	if ((r->body = malloc(blen + 1)) == NULL) {
		resp_free(r);
		return -1;
	}
	memcpy(r->body, s + hlen, blen);
	r->body[blen] = '\0';
	r->len = blen;
	/* Deeper than json-c's default 32: a 422 echoes deep input back. */
	if ((tok = json_tokener_new_ex(256)) != NULL) {
		r->json = json_tokener_parse_ex(tok, r->body, (int)blen);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(r->json);
			r->json = NULL;
		}
		json_tokener_free(tok);
	}
	*off += hlen + blen;
	return 0;
}

int
hx_http(const char *method, const char *target, const char *token,
    const char *ctype, const char *body, size_t len,
    const char *const *extra, struct resp *r)
{
	struct hx_wire	 w;
	char		*req, *p;
	size_t		 cap, off = 0;
	int		 i, rc = -1;

	memset(r, 0, sizeof(*r));
	cap = strlen(method) + strlen(target) + len + 1024 +
	    (token != NULL ? strlen(token) : 0);
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		cap += strlen(extra[i]) + 2;
	if ((req = p = malloc(cap)) == NULL)
		return -1;
	p += sprintf(p, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n", method, target);
	if (token != NULL)
		p += sprintf(p, "Authorization: Bearer %s\r\n", token);
	if (ctype != NULL)
		p += sprintf(p, "Content-Type: %s\r\n", ctype);
	if (body != NULL)
		p += sprintf(p, "Content-Length: %zu\r\n", len);
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		p += sprintf(p, "%s\r\n", extra[i]);
	p += sprintf(p, "\r\n");
	if (body != NULL) {
		memcpy(p, body, len);
		p += len;
	}
	if (hx_wire_send(req, (size_t)(p - req), 0, 65, &w) == 0) {
		if (hx_wire_parse(w.buf, w.len, &off, r) == 0) {
			r->seconds = w.seconds;
			rc = 0;
		} else
			fprintf(stderr, "hx_http %s %.80s: no answer (%zu "
			    "bytes, eof %d, timed out %d)\n", method, target,
			    w.len, w.eof, w.timed_out);
		hx_wire_free(&w);
	}
	free(req);
	return rc;
}

static void
show(const struct resp *r, const char *what)
{
	fprintf(stderr, "\n    %s: got %ld %.400s\n", what, r->status,
	    r->body != NULL ? r->body : "(no body)");
}

int
hx_detail(const struct resp *r, long status, const char *detail)
{
	struct json_object	*v;
	const char		*ct = resp_header(r, "Content-Type");

	if (r->status != status || ct == NULL ||
	    strncasecmp(ct, "application/json", 16) != 0 || r->json == NULL ||
	    !json_object_is_type(r->json, json_type_object) ||
	    json_object_object_length(r->json) != 1 ||
	    !json_object_object_get_ex(r->json, "detail", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), detail) != 0) {
		fprintf(stderr, "\n    want %ld {\"detail\": \"%s\"}", status,
		    detail);
		show(r, "detail");
		return 0;
	}
	return 1;
}

int
hx_from_app(const struct resp *r)
{
	return resp_header(r, "X-Request-Id") != NULL;
}

int
hx_verr_n(const struct resp *r)
{
	struct json_object	*v;

	if (r->status != 422 || r->json == NULL ||
	    !json_object_object_get_ex(r->json, "detail", &v) ||
	    !json_object_is_type(v, json_type_array))
		return -1;
	return (int)json_object_array_length(v);
}

int
hx_verr_has(const struct resp *r, const char *type, const char *loc)
{
	struct json_object	*d, *e, *t, *l;
	size_t			 i;

	if (hx_verr_n(r) > 0) {
		json_object_object_get_ex(r->json, "detail", &d);
		for (i = 0; i < json_object_array_length(d); i++) {
			e = json_object_array_get_idx(d, i);
			if (json_object_object_get_ex(e, "type", &t) &&
			    json_object_object_get_ex(e, "loc", &l) &&
			    strcmp(json_object_get_string(t), type) == 0 &&
			    strcmp(json_object_to_json_string_ext(l,
			    JSON_C_TO_STRING_PLAIN), loc) == 0)
				return 1;
		}
	}
	fprintf(stderr, "\n    want 422 %s at %s", type, loc);
	show(r, "verr");
	return 0;
}

int
hx_json_invalid(const struct resp *r, long offset, const char *why)
{
	struct json_object	*e, *v;
	char			 loc[64];

	snprintf(loc, sizeof(loc), "[\"body\",%ld]", offset);
	if (hx_verr_n(r) != 1 || !hx_verr_has(r, "json_invalid", loc))
		goto bad;
	json_object_object_get_ex(r->json, "detail", &e);
	e = json_object_array_get_idx(e, 0);
	if (why != NULL && (!json_object_object_get_ex(e, "ctx", &v) ||
	    !json_object_object_get_ex(v, "error", &v) ||
	    strcmp(json_object_get_string(v), why) != 0))
		goto bad;
	return 1;
bad:
	fprintf(stderr, "\n    want one json_invalid at %s (%s)", loc,
	    why != NULL ? why : "any");
	show(r, "json_invalid");
	return 0;
}

const char *
hx_tok(const char *sub, const char *roles)
{
	static struct {
		char	*sub, *roles, *tok;
	} cache[HX_TOKENS_MAX];
	int	i;

	for (i = 0; i < HX_TOKENS_MAX && cache[i].sub != NULL; i++)
		if (strcmp(cache[i].sub, sub) == 0 &&
		    strcmp(cache[i].roles, roles) == 0)
			return cache[i].tok;
	if (i == HX_TOKENS_MAX)
		return NULL;
	if ((cache[i].tok = e2e_token(sub, roles)) == NULL)
		return NULL;
	cache[i].sub = strdup(sub);
	cache[i].roles = strdup(roles);
	return cache[i].tok;
}

const char *
hx_secret_file(void)
{
	static char	buf[4096];

	snprintf(buf, sizeof(buf), "%s/jwt_secret", e2e_var());
	return buf;
}

char *
hx_b64url(const void *p, size_t n)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char	*s = p;
	char			*out, *o;
	unsigned		 v;
	size_t			 i;

	if ((out = o = malloc(n / 3 * 4 + 5)) == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
		*o++ = a[(v >> 6) & 63];
		*o++ = a[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)s[i] << 16;
		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
	} else if (n - i == 2) {
		v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
		*o++ = a[(v >> 6) & 63];
	}
	*o = '\0';
	return out;
}

const char *
hx_jwt_file(const char *name)
{
	static char	 buf[4096];
	const char	*root = getenv("WFM_E2E_ROOT");

	snprintf(buf, sizeof(buf), "%s/tests/data/jwt/%s",
	    root != NULL ? root : ".", name);
	return buf;
}

char *
hx_mint(const char *alg, const char *keyfile, const char *header,
    const char *payload)
{
	const char	*root = getenv("WFM_E2E_ROOT");
	char		*cmd, out[65536];
	FILE		*p;
	size_t		 n, cap;

	if ((strcmp(alg, "HS256") != 0 && strcmp(alg, "RS256") != 0 &&
	    strcmp(alg, "ES256") != 0) || strchr(header, '\'') != NULL ||
	    strchr(payload, '\'') != NULL || strchr(keyfile, '\'') != NULL)
		return NULL;
	cap = strlen(header) + strlen(payload) + strlen(keyfile) + 4096;
	if ((cmd = malloc(cap)) == NULL)
		return NULL;
	snprintf(cmd, cap, "bash '%s/tests/data/jwt/mint.sh' %s '%s' '%s' "
	    "'%s'", root != NULL ? root : ".", alg, keyfile, header, payload);
	p = popen(cmd, "r");
	free(cmd);
	if (p == NULL)
		return NULL;
	n = fread(out, 1, sizeof(out) - 1, p);
	if (pclose(p) != 0 || n == 0)
		return NULL;
	out[n] = '\0';
	return strdup(out);
}

long long
hx_now(void)
{
	return (long long)time(NULL);
}

static const char *
log_path(const char *name)
{
	static char	buf[4096];

	snprintf(buf, sizeof(buf), "%s/log/%s", e2e_var(), name);
	return buf;
}

long
hx_log_size(const char *name)
{
	struct stat	sb;

	return stat(log_path(name), &sb) == 0 ? (long)sb.st_size : 0;
}

int
hx_log_count(const char *name, long from, const char *const *needles)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0;
	int	 i, n = 0;

	if ((f = fopen(log_path(name), "r")) == NULL)
		return 0;
	if (fseek(f, from, SEEK_SET) == 0) {
		while (getline(&line, &cap, f) != -1) {
			for (i = 0; needles[i] != NULL; i++)
				if (strstr(line, needles[i]) != NULL)
					break;
			if (needles[i] != NULL) {
				fprintf(stderr, "\n    %s: %.300s", name, line);
				n++;
			}
		}
	}
	free(line);
	fclose(f);
	return n;
}

void
hx_mark_take(struct hx_mark *m)
{
	m->wfm = hx_log_size("wfm.log");
	m->ngx = hx_log_size("nginx-error.log");
}

void
hx_stack_survived(const struct hx_mark *m)
{
	/*
	 * wfm-fcgi at level error (fatal and log_error), a worker that a
	 * signal killed (SIGSEGV, SIGABRT), any 5xx in its access lines.
	 */
	static const char *const wfm[] = {
		"\"level\":\"error\",\"prog\":\"wfm-fcgi\"",
		"killed by signal", "\"status\":5", NULL
	};
	/* nginx: an upstream that died mid-answer or is gone. */
	static const char *const ngx[] = {
		"upstream prematurely closed", "reset by peer) while reading",
		"connect() to unix:", "[crit]", "[alert]", "[emerg]", NULL
	};
	struct resp	r;

	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/healthz", NULL, NULL, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(r.body, "{\"status\":\"ok\"}");
	resp_free(&r);
	CU_ASSERT_EQUAL(hx_log_count("wfm.log", m->wfm, wfm), 0);
	CU_ASSERT_EQUAL(hx_log_count("nginx-error.log", m->ngx, ngx), 0);
}
