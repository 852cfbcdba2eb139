/*
 * Routing: the table of endpoints, authentication and role checks, and
 * the one place where a request is served from start to end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http.h"
#include "http_int.h"
#include "log.h"
#include "metrics.h"

#define R_NOAUTH	0u
#define R_AUTHED	0x100u	/* any valid token; the handler decides */

struct route {
	const char	*method;
	const char	*pattern;	/* under base_path; "{id}" is one segment */
	unsigned	 role;		/* enum auth_role, or R_NOAUTH */
	void		 (*fn)(struct http_req *);
};

static const struct route routes[] = {
	{ "GET", "/healthz", R_NOAUTH, http_h_healthz },
	{ "GET", "/readyz", R_NOAUTH, http_h_readyz },
	{ "GET", "/metrics", R_NOAUTH, http_h_metrics },
	{ "POST", "/workflow-management/execute", ROLE_EXECUTE,
	    http_h_execute },
	{ "GET", "/workflow-management/executions", ROLE_READ,
	    http_h_exec_list },
	/* workflow:read, or an approver of a waiting step (handler). */
	{ "GET", "/workflow-management/executions/{id}", R_AUTHED,
	    http_h_exec_get },
	{ "POST", "/workflow-management/executions/{id}/cancel", ROLE_EXECUTE,
	    http_h_exec_cancel },
	{ "POST", "/workflow-management/executions/{id}/retry", ROLE_EXECUTE,
	    http_h_exec_retry },
	{ "POST", "/workflow-management/executions/{id}/pause", ROLE_EXECUTE,
	    http_h_exec_pause },
	{ "POST", "/workflow-management/executions/{id}/resume", ROLE_EXECUTE,
	    http_h_exec_resume },
	{ "GET", "/workflow-management/executions/{id}/notifications",
	    ROLE_READ, http_h_exec_notifications },
	{ "POST", "/workflow-management/webhook-secret", ROLE_EXECUTE,
	    http_h_whsec_post },
	{ "GET", "/workflow-management/webhook-secret", ROLE_READ,
	    http_h_whsec_get },
	{ "POST", "/workflow-management/templates", ROLE_TWRITE,
	    http_h_tmpl_create },
	{ "GET", "/workflow-management/templates", ROLE_READ,
	    http_h_tmpl_list },
	{ "GET", "/workflow-management/templates/{id}", ROLE_READ,
	    http_h_tmpl_get },
	{ "PUT", "/workflow-management/templates/{id}", ROLE_TWRITE,
	    http_h_tmpl_put },
	{ "DELETE", "/workflow-management/templates/{id}", ROLE_TWRITE,
	    http_h_tmpl_delete },
	{ "GET", "/workflow-management/audit", ROLE_ADMIN,
	    http_h_audit_list },
	{ "POST", "/workflow-management/schedules", ROLE_EXECUTE,
	    http_h_sched_create },
	{ "GET", "/workflow-management/schedules", ROLE_READ,
	    http_h_sched_list },
	{ "GET", "/workflow-management/schedules/{id}", ROLE_READ,
	    http_h_sched_get },
	{ "PUT", "/workflow-management/schedules/{id}", ROLE_EXECUTE,
	    http_h_sched_put },
	{ "DELETE", "/workflow-management/schedules/{id}", ROLE_EXECUTE,
	    http_h_sched_delete },
	{ "POST", "/workflow-management/schedules/{id}/pause", ROLE_EXECUTE,
	    http_h_sched_pause },
	{ "POST", "/workflow-management/schedules/{id}/resume", ROLE_EXECUTE,
	    http_h_sched_resume },
	{ "POST", "/workflow-management/schedules/{id}/trigger", ROLE_EXECUTE,
	    http_h_sched_trigger },
	{ "GET", "/workflow-management/schedules/{id}/fires", ROLE_READ,
	    http_h_sched_fires },
	{ "GET", "/workflow-management/system", ROLE_ADMIN,
	    http_h_system },
	{ "GET", "/workflow-management/templates/{id}/versions", ROLE_READ,
	    http_h_tmpl_versions },
	{ "GET", "/workflow-management/templates/{id}/versions/{sub}",
	    ROLE_READ, http_h_tmpl_version },
	/* No JWT: the token is the capability (http_callback.c). */
	{ "POST", "/callbacks/{id}", R_NOAUTH, http_h_callback },
	{ "GET", "/workflow-management/executions/{id}/steps/{sub}/iterations",
	    ROLE_READ, http_h_exec_iterations },
	{ "POST", "/workflow-management/executions/{id}/signals/{sub}",
	    R_AUTHED, http_h_exec_signal },
	{ "GET", "/workflow-management/approvals", R_AUTHED,
	    http_h_approvals },
};

static int
id_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/*
 * Match path (already without base_path) against pattern; on a match the
 * {id} segment is copied to id and the {sub} segment to sub. Returns 1 on
 * a match.
 */
static int
match(const char *pattern, const char *path, char id[HTTP_ID_MAX + 1],
    char sub[HTTP_ID_MAX + 1])
{
	const char	*p = pattern, *s = path;
	char		*out;
	size_t		 n, plen;

	while (*p != '\0') {
		if (strncmp(p, "{id}", 4) == 0) {
			out = id;
			plen = 4;
		} else if (strncmp(p, "{sub}", 5) == 0) {
			out = sub;
			plen = 5;
		} else
			out = NULL;
		if (out != NULL) {
			for (n = 0; s[n] != '\0' && s[n] != '/'; n++)
				if (!id_char((unsigned char)s[n]))
					return 0;
			if (n == 0 || n > HTTP_ID_MAX)
				return 0;
			/* "." and ".." are never ids. */
			if (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.')))
				return 0;
			memcpy(out, s, n);
			out[n] = '\0';
			s += n;
			p += plen;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *s == '\0';
}

/* Request id: X-Request-Id when 1..64 safe characters, else a UUID. */
static void
set_reqid(struct http_req *r)
{
	const char	*in = r->io->param(r->io->ctx, "HTTP_X_REQUEST_ID");
	size_t		 n;

	if (in != NULL) {
		/* The bound first: in[n] is read only while n is in range. */
		for (n = 0; n <= HTTP_REQID_MAX && in[n] != '\0'; n++)
			if (!id_char((unsigned char)in[n]) && in[n] != ':')
				break;
		if (n >= 1 && n <= HTTP_REQID_MAX && in[n] == '\0') {
			memcpy(r->reqid, in, n + 1);
			return;
		}
	}
	util_uuid_fast(r->reqid);
}

/* The path of the request URI, without the query; 0 if unusable. */
static int
set_path(struct http_req *r)
{
	const char	*uri = r->io->param(r->io->ctx, "REQUEST_URI");
	const char	*base = r->app->cfg->http.base_path;
	size_t		 n, blen = strlen(base);

	if (uri == NULL) {
		/* Plain CGI servers may only give SCRIPT_NAME + PATH_INFO. */
		uri = r->io->param(r->io->ctx, "PATH_INFO");
		if (uri == NULL)
			return 0;
	}
	n = strcspn(uri, "?");
	if (n > HTTP_PATH_MAX)
		return 0;
	memcpy(r->path, uri, n);
	r->path[n] = '\0';
	if (strncmp(r->path, base, blen) != 0 || r->path[blen] != '/')
		return 0;
	memmove(r->path, r->path + blen, n - blen + 1);
	return 1;
}

static void
authenticate(struct http_req *r, const struct route *rt)
{
	struct errmsg	 why;
	const char	*h = r->io->param(r->io->ctx, "HTTP_AUTHORIZATION");
	char		 buf[80];
	int		 rc;

	why.text[0] = '\0';	/* not the whole buffer: this is every request */
	rc = auth_verify(r->app->auth, h, &r->who, &why);
	if (rc == RC_NOTFOUND) {
		http_resp_detail(r, 401, "Not authenticated");
		http_resp_header(r, "WWW-Authenticate: Bearer realm=\"wfm\"");
		return;
	}
	if (rc != RC_OK) {
		http_resp_detail(r, 401, why.text[0] != '\0' ? why.text :
		    "Invalid token");
		http_resp_header(r, "WWW-Authenticate: Bearer realm=\"wfm\", "
		    "error=\"invalid_token\"");
		return;
	}
	r->authed = 1;
	if (rt->role != R_AUTHED && !auth_has_role(&r->who, rt->role)) {
		snprintf(buf, sizeof(buf), "Missing role %s",
		    auth_role_name(rt->role));
		http_resp_detail(r, 403, buf);
	}
}

/*
 * A Content-Length over max_body_bytes is answered 413 before anything
 * else, and the body is never read (docs/decisions.md).
 */
static int
body_too_large(struct http_req *r)
{
	const char	*cl = r->io->param(r->io->ctx, "CONTENT_LENGTH");
	const char	*why;
	long long	 n;

	if (cl == NULL || *cl == '\0' ||
	    util_number(cl, 0, HTTP_CONTENT_LENGTH_MAX, &n, &why) != RC_OK ||
	    n <= r->app->cfg->http.max_body_bytes)
		return 0;	/* a malformed value is the body reader's 400 */
	http_resp_detail(r, 413, "Request body too large");
	return 1;
}

static void
dispatch(struct http_req *r)
{
	const struct route	*rt, *hit = NULL;
	char			 allow[128] = "";
	size_t			 i, n;

	r->method = r->io->param(r->io->ctx, "REQUEST_METHOD");
	if (r->method == NULL)
		r->method = "GET";
	r->query = r->io->param(r->io->ctx, "QUERY_STRING");
	if (r->query == NULL)
		r->query = "";
	r->remote_addr = r->io->param(r->io->ctx, "REMOTE_ADDR");
	r->route = "unmatched";
	if (!set_path(r)) {
		http_resp_detail(r, 404, "Not Found");
		return;
	}
	for (i = 0; i < NITEMS(routes); i++) {
		rt = &routes[i];
		if (!match(rt->pattern, r->path, r->id, r->sub))
			continue;
		if (strcmp(rt->method, r->method) == 0) {
			hit = rt;
			break;
		}
		n = strlen(allow);
		snprintf(allow + n, sizeof(allow) - n, "%s%s",
		    n > 0 ? ", " : "", rt->method);
	}
	if (hit == NULL) {
		if (allow[0] == '\0') {
			http_resp_detail(r, 404, "Not Found");
			return;
		}
		r->route = "method_not_allowed";
		http_resp_detail(r, 405, "Method Not Allowed");
		http_resp_header(r, "Allow: %s", allow);
		return;
	}
	r->route = hit->pattern;
	if (body_too_large(r))
		return;
	if (hit->role != R_NOAUTH) {
		authenticate(r, hit);
		if (r->status != 0)
			return;
	}
	hit->fn(r);
}

/* Write status line, headers and body through the I/O interface. */
static void
respond(struct http_req *r)
{
	static const struct { int code; const char *text; } reasons[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 409, "Conflict" }, { 413, "Content Too Large" },
		{ 415, "Unsupported Media Type" },
		{ 422, "Unprocessable Content" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" },
		{ 503, "Service Unavailable" },
	};
	const char	*reason = "Unknown", *body = NULL, *ctype = NULL;
	size_t		 i, blen = 0, hlen = 0;
	char		*head, *p;

	for (i = 0; i < NITEMS(reasons); i++)
		if (reasons[i].code == r->status)
			reason = reasons[i].text;
	if (r->reply != NULL) {
		body = json_object_to_json_string_length(r->reply,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &blen);
		ctype = "application/json; charset=utf-8";
	} else if (r->text != NULL) {
		body = r->text;
		blen = r->textlen;
		ctype = "text/plain; version=0.0.4; charset=utf-8";
	}
	for (i = 0; i < (size_t)r->nhdr; i++)
		hlen += strlen(r->hdr[i]) + 2;
	head = p = xmalloc(hlen + 256 + HTTP_REQID_MAX);
	p += sprintf(p, "Status: %d %s\r\nX-Request-Id: %s\r\n", r->status,
	    reason, r->reqid);
	if (body != NULL)
		p += sprintf(p, "Content-Type: %s\r\nContent-Length: %zu\r\n",
		    ctype, blen);
	for (i = 0; i < (size_t)r->nhdr; i++)
		p += sprintf(p, "%s\r\n", r->hdr[i]);
	p += sprintf(p, "\r\n");
	if (r->io->write(r->io->ctx, head, (size_t)(p - head)) == RC_OK &&
	    body != NULL)
		(void)r->io->write(r->io->ctx, body, blen);
	free(head);
}

void
http_serve(struct http_app *app, const struct http_io *io)
{
	struct http_req	 r;
	int64_t		 t0 = util_mono_us();
	int		 i;

	memset(&r, 0, sizeof(r));
	r.app = app;
	r.io = io;
	set_reqid(&r);
	log_set_req(r.reqid);
	dispatch(&r);
	http_wait_leave();	/* a waiter slot never outlives its request */
	if (r.status == 0)
		http_resp_detail(&r, 500, "Internal Server Error");
	respond(&r);
	log_access(r.method, r.route, r.status,
	    (double)(util_mono_us() - t0) / 1000.0,
	    r.authed ? r.who.sub : NULL);
	log_set_req(NULL);
	log_set_exec(NULL);
	metrics_observe(r.route, r.status,
	    (double)(util_mono_us() - t0) / 1e6);
	json_object_put(r.reply);
	free(r.text);
	json_object_put(r.body);
	free(r.raw);
	for (i = 0; i < r.nhdr; i++)
		free(r.hdr[i]);
}
