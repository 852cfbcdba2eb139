/*
 * Reading requests: the body under its size limit and strict JSON rules,
 * query parameters, and the Prefer header.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "http.h"
#include "jsonx.h"
#include "log.h"

/* 1 if the content type is JSON: application/json or application/...+json */
static int
is_json_type(const char *ct)
{
	size_t	n = strcspn(ct, ";");

	while (n > 0 && ct[n - 1] == ' ')
		n--;
	if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return 1;
	return n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
	    strncasecmp(ct + n - 5, "+json", 5) == 0;
}

int
http_req_body(struct http_req *r, int allow_empty)
{
	const char	*cl = r->io->param(r->io->ctx, "CONTENT_LENGTH");
	const char	*ct = r->io->param(r->io->ctx, "CONTENT_TYPE");
	const char	*why, *msg;
	struct verr	*ve;
	struct jpath	 p;
	long long	 want = -1;
	size_t		 max = (size_t)r->app->cfg->http.max_body_bytes;
	size_t		 cap, errpos;
	ssize_t		 n;

	if (cl != NULL && *cl != '\0') {
		if (util_number(cl, 0, HTTP_CONTENT_LENGTH_MAX, &want, &why) !=
		    RC_OK) {
			http_resp_detail(r, 400, "Invalid Content-Length");
			return RC_INVALID;
		}
		if ((size_t)want > max) {
			http_resp_detail(r, 413, "Request body too large");
			return RC_INVALID;
		}
	}
	if (want > 0 && (ct == NULL || !is_json_type(ct))) {
		http_resp_detail(r, 415, "Content-Type must be "
		    "application/json");
		return RC_INVALID;
	}
	/* Read exactly Content-Length bytes, or to the end without one. */
	cap = want >= 0 ? (size_t)want : max + 1;
	r->raw = xmalloc(cap + 1);
	while (r->rawlen < cap) {
		n = r->io->read(r->io->ctx, r->raw + r->rawlen,
		    cap - r->rawlen);
		if (n < 0) {
			http_resp_detail(r, 400, "Error reading request body");
			return RC_INVALID;
		}
		if (n == 0)
			break;
		r->rawlen += (size_t)n;
	}
	if (want >= 0 && r->rawlen < (size_t)want) {
		http_resp_detail(r, 400, "Request body shorter than "
		    "Content-Length");
		return RC_INVALID;
	}
	if (want < 0 && r->rawlen > max) {
		http_resp_detail(r, 413, "Request body too large");
		return RC_INVALID;
	}
	r->raw[r->rawlen] = '\0';
	if (r->rawlen == 0 && allow_empty)
		return RC_OK;
	if (r->rawlen > 0 && want < 0 && (ct == NULL || !is_json_type(ct))) {
		http_resp_detail(r, 415, "Content-Type must be "
		    "application/json");
		return RC_INVALID;
	}
	if (jsonx_parse(r->raw, r->rawlen, &r->body, &errpos, &msg) !=
	    RC_OK) {
		ve = verr_new();
		jpath_init(&p, "body");
		jpath_idx(&p, (int)errpos);
		{
			struct json_object	*ctx = json_object_new_object();
			struct json_object	*in = json_object_new_object();

			/* FastAPI: {"error": "..."} and input {}. */
			json_object_object_add(ctx, "error",
			    json_object_new_string(msg));
			verr_add(ve, "json_invalid", &p, "JSON decode error", in,
			    ctx);
			json_object_put(in);
		}
		http_resp_verr(r, ve);
		verr_free(ve);
		return RC_INVALID;
	}
	return RC_OK;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode s[0..n) into a new string; NULL if malformed or NUL. */
static char *
urldecode(const char *s, size_t n)
{
	char	*out = xmalloc(n + 1), *o = out;
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= n)
				goto bad;
			if ((hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				goto bad;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

char *
http_query_get(const struct http_req *r, const char *name, int *bad)
{
	const char	*q = r->query, *amp, *eq;
	size_t		 nlen = strlen(name), seg;
	char		*v = NULL, *d;

	while (*q != '\0') {
		amp = strchr(q, '&');
		seg = amp != NULL ? (size_t)(amp - q) : strlen(q);
		eq = memchr(q, '=', seg);
		if (eq != NULL && (size_t)(eq - q) == nlen &&
		    strncmp(q, name, nlen) == 0) {
			d = urldecode(eq + 1, seg - nlen - 1);
			if (d == NULL) {
				*bad = 1;
				free(v);
				return NULL;
			}
			free(v);
			v = d;		/* the last one wins */
		}
		if (amp == NULL)
			break;
		q = amp + 1;
	}
	return v;
}

int
http_req_wait(const struct http_req *r)
{
	const char	*p = r->io->param(r->io->ctx, "HTTP_PREFER");
	const char	*w;
	long		 n;
	char		*end;

	if (p == NULL || (w = strstr(p, "wait=")) == NULL)
		return 0;
	errno = 0;
	n = strtol(w + 5, &end, 10);
	if (end == w + 5 || errno != 0 || n <= 0)
		return 0;
	return n > 30 ? 30 : (int)n;
}
