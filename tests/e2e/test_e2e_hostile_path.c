/*
 * Hostile request lines through nginx, written byte for byte on a socket
 * so that neither libcurl nor the test normalises them: dot segments
 * raw and percent-encoded, encoded slashes and odd bytes where an id
 * goes, paths of 10,000 and 20,000 characters, methods nobody routes,
 * hostile query strings and request ids. The application routes on the
 * raw REQUEST_URI, so none of these reaches another route than the one
 * written: each is the exact 4xx JSON of api.md (or of nginx's error
 * pages), never a 5xx.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_hostile.h"

#define PATH_USER	"h12-path"
#define PATH_ROLES	"workflow:execute,workflow:read,template:write"
#define NGX_400		"Bad request: the web server refused it " \
			"(malformed, or a header too large)"

static struct hx_mark	path_mark;

static const char *
tok(void)
{
	return hx_tok(PATH_USER, PATH_ROLES);
}

/* A template of PATH_USER and one execution of it, made once. */
static const char *
tmpl(void)
{
	static char	*id;

	if (id == NULL)
		id = e2e_template(tok(), "{\"name\":\"h12-path\",\"steps\":"
		    "[{\"id\":\"a\",\"type\":\"transform\",\"output\":"
		    "{\"v\":1}}]}");
	return id;
}

static const char *
exec_id(void)
{
	static char	*id;

	if (id == NULL && tmpl() != NULL)
		id = e2e_execute(tok(), tmpl(), "{}");
	return id;
}

/* method target (raw) with the token; r filled; 0 or -1. */
static int
req(const char *method, const char *target, struct resp *r)
{
	return hx_http(method, target, tok(), NULL, NULL, 0, NULL, r);
}

/* 1 if method target is answered status {"detail": detail} by who. */
static int
answer(const char *method, const char *target, long status,
    const char *detail, int from_app)
{
	struct resp	r;
	int		ok;

	if (req(method, target, &r) != 0)
		return 0;
	ok = hx_detail(&r, status, detail);
	if (ok && hx_from_app(&r) != from_app) {
		fprintf(stderr, "\n    %s %.100s: answered by %s", method,
		    target, hx_from_app(&r) ? "the app" : "nginx");
		ok = 0;
	}
	resp_free(&r);
	return ok;
}

/* A target under the base path, built from a format (static buffer). */
static const char *
api(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
api(const char *fmt, ...)
{
	static char	buf[65536];
	char		path[60000];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(buf, sizeof(buf), "%s", hx_target(path));
	return buf;
}

/*
 * GET /healthz in HTTP version v: 1 if the answer is a 505 with a JSON
 * {"detail": ...} body.
 */
static int
answer_version(const char *v)
{
	struct hx_wire		 w;
	struct resp		 r;
	struct json_object	*d;
	char			 buf[256];
	size_t			 off = 0;
	int			 ok = 0;

	snprintf(buf, sizeof(buf), "GET %s %s\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n\r\n", hx_target("/healthz"), v);
	if (hx_wire_send(buf, strlen(buf), 0, 20, &w) != 0)
		return 0;
	if (hx_wire_parse(w.buf, w.len, &off, &r) == 0) {
		ok = r.status == 505 && r.json != NULL &&
		    json_object_object_get_ex(r.json, "detail", &d) &&
		    json_object_is_type(d, json_type_string);
		if (!ok)
			fprintf(stderr, "\n    %s: got %ld, Content-Type %s", v,
			    r.status, resp_header(&r, "Content-Type") ?
			    resp_header(&r, "Content-Type") : "none");
		resp_free(&r);
	}
	hx_wire_free(&w);
	return ok;
}

static int
path_init(void)
{
	hx_mark_take(&path_mark);
	return 0;
}

static void
test_path_dot_segments_never_reach_another_route(void)
{
	/* Above the root: nginx refuses the request line. */
	CU_ASSERT(answer("GET", "/api/v1/../../../etc/passwd", 400, NGX_400,
	    0));
	/* Normalised by nginx outside the API: its JSON 404. */
	CU_ASSERT(answer("GET", "/api/v1/../../etc/passwd", 404, "Not Found",
	    0));
	CU_ASSERT(answer("GET", "/api/v1/%2e%2e/%2e%2e/etc/passwd", 404,
	    "Not Found", 0));
	/*
	 * Inside the API the app sees the raw path, which names no route:
	 * not /healthz, not the template list.
	 */
	CU_ASSERT(answer("GET", "/api/v1/workflow-management/../healthz", 404,
	    "Not Found", 1));
	CU_ASSERT(answer("GET", "/api/v1/./healthz", 404, "Not Found", 1));
	CU_ASSERT(answer("GET", "/api/v1/workflow-management/executions/../"
	    "templates", 404, "Not Found", 1));
	CU_ASSERT(answer("GET", "/api/v1/workflow-management/executions/"
	    "%2e%2e/templates", 404, "Not Found", 1));
	CU_ASSERT(answer("GET", "/api/v1/workflow-management\\..\\healthz",
	    404, "Not Found", 1));
	/* "." and ".." are never ids, encoded or not. */
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", ".."), 404,
	    "Not Found", 1));
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", "."), 404,
	    "Not Found", 1));
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", "%2e%2e"), 404,
	    "Not Found", 1));
	CU_ASSERT(answer("DELETE", api(HX_TMPL_PATH "/%s", "..%2F..%2Fx"),
	    404, "Not Found", 1));
	/* The metrics location is reached only by its own spelling. */
	CU_ASSERT(answer("GET", "/api/v1/healthz/../metrics", 404,
	    "Not Found", 1));
	CU_ASSERT(answer("GET", "/api/v1/%6detrics", 404, "Not Found", 1));
}

static void
test_path_encoded_slashes_and_odd_bytes_in_ids(void)
{
	struct resp	 r;
	char		 t[256];
	const char	*tid = tmpl(), *eid = exec_id();

	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	/* An encoded slash is part of the segment: no cancel route. */
	snprintf(t, sizeof(t), "%s%%2Fcancel", eid);
	CU_ASSERT(answer("POST", api(HX_EXECS_PATH "/%s", t), 404,
	    "Not Found", 1));
	snprintf(t, sizeof(t), "%s%%2fretry", eid);
	CU_ASSERT(answer("POST", api(HX_EXECS_PATH "/%s", t), 404,
	    "Not Found", 1));
	snprintf(t, sizeof(t), "%s%%2F", tid);
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", t), 404,
	    "Not Found", 1));
	/* A trailing slash, a parameter, a space, a quote, a NUL. */
	snprintf(t, sizeof(t), "%s/", tid);
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", t), 404,
	    "Not Found", 1));
	snprintf(t, sizeof(t), "%s;v=1", tid);
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", t), 404,
	    "Not Found", 1));
	snprintf(t, sizeof(t), "%s%%20", tid);
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", t), 404,
	    "Not Found", 1));
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", "x'%20OR%20'1'%3D'1"),
	    404, "Not Found", 1));
	snprintf(t, sizeof(t), "%s%%00", tid);
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", t), 400, NGX_400, 0));
	/* No second decoding: %54 is not the letter it encodes. */
	snprintf(t, sizeof(t), "%%%02X%s", (unsigned char)tid[0], tid + 1);
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", t), 404,
	    "Not Found", 1));
	/* Well-formed ids that name nothing: the route's own 404. */
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", "1-OR-1"), 404,
	    "Template not found", 1));
	CU_ASSERT(answer("GET", api(HX_EXECS_PATH "/%s", "1-OR-1"), 404,
	    "Execution not found", 1));
	/* The id ends at '?': the query does not change what is read. */
	snprintf(t, sizeof(t), "%s?x=%%00&id=other", tid);
	CU_ASSERT_EQUAL_FATAL(req("GET", api(HX_TMPL_PATH "/%s", t), &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(resp_str(&r, "template_id") ?
	    resp_str(&r, "template_id") : "", tid);
	resp_free(&r);
}

static void
test_path_long_paths_are_404_or_414(void)
{
	char	*p;

	p = malloc(20001);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	/* 10,000 characters under the base path: the app's 404. */
	memset(p, 'a', 20000);
	p[10000] = '\0';
	CU_ASSERT(answer("GET", api("/%s", p), 404, "Not Found", 1));
	/* As an id: longer than any id, so no route matches. */
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", p), 404, "Not Found",
	    1));
	CU_ASSERT(answer("DELETE", api(HX_TMPL_PATH "/%s", p), 404,
	    "Not Found", 1));
	/* 64 characters is an id (unknown); 65 is none. */
	p[64] = '\0';
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", p), 404,
	    "Template not found", 1));
	p[64] = 'a';
	p[65] = '\0';
	CU_ASSERT(answer("GET", api(HX_TMPL_PATH "/%s", p), 404, "Not Found",
	    1));
	/* 20,000: longer than nginx's 16k line buffers, its JSON 414. */
	p[65] = 'a';
	p[10000] = 'a';
	p[20000] = '\0';
	CU_ASSERT(answer("GET", api("/%s", p), 414, "Request URI too long",
	    0));
	free(p);
}

static void
test_path_long_and_hostile_query_strings(void)
{
	struct resp	 r;
	char		*q;

	CU_ASSERT_PTR_NOT_NULL_FATAL(exec_id());
	q = malloc(10100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	/* An unknown parameter of 10,000 characters is ignored. */
	memcpy(q, "?limit=1&x=", 11);
	memset(q + 11, 'a', 10000);
	q[10011] = '\0';
	CU_ASSERT_EQUAL_FATAL(req("GET", api(HX_EXECS_PATH "%s", q), &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(
	    r.json, "items")), 1);
	resp_free(&r);
	/* A cursor of 10,000 characters was not issued by us. */
	memcpy(q, "?cursor=", 8);
	memset(q + 8, 'c', 10000);
	q[10008] = '\0';
	CU_ASSERT(answer("GET", api(HX_EXECS_PATH "%s", q), 400,
	    "Invalid cursor", 1));
	free(q);
	CU_ASSERT(answer("GET", api(HX_EXECS_PATH "%s", "?limit=1e2"), 400,
	    "limit must be an integer from 1 to 100", 1));
	CU_ASSERT(answer("GET", api(HX_EXECS_PATH "%s", "?limit=1%00"), 400,
	    "limit must be an integer from 1 to 100", 1));
	CU_ASSERT(answer("GET", api(HX_EXECS_PATH "%s",
	    "?limit=99999999999999999999"), 400,
	    "limit must be an integer from 1 to 100", 1));
	CU_ASSERT(answer("GET", api(HX_EXECS_PATH "%s", "?limit=%zz"), 400,
	    "limit must be an integer from 1 to 100", 1));
	CU_ASSERT(answer("GET", api(HX_EXECS_PATH "%s",
	    "?status=completed'%20OR%20'1'%3D'1"), 400,
	    "Invalid query parameter", 1));
	/* SQL in a filter is a value like any other: no rows, not an error. */
	CU_ASSERT_EQUAL_FATAL(req("GET", api(HX_EXECS_PATH "%s",
	    "?template_id=x'%20OR%20'1'%3D'1%20--%20"), &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(
	    r.json, "items")), 0);
	resp_free(&r);
	/* Another user's rows by filter: only for admins (decisions.md). */
	CU_ASSERT(answer("GET", api(HX_EXECS_PATH "%s",
	    "?user_id=x'%20OR%20'1'%3D'1"), 403, "Access denied", 1));
	CU_ASSERT(answer("POST", api(HX_EXEC_PATH "%s", "?dry_run=yes"), 400,
	    "dry_run must be true or false", 1));
}

static void
test_path_nginx_own_answers_are_json(void)
{
	/* The error pages themselves are internal: no way in from outside. */
	CU_ASSERT(answer("GET", "/_wfm_errors/400.json", 404, "Not Found", 0));
	CU_ASSERT(answer("GET", "/api/v1", 404, "Not Found", 0));
	CU_ASSERT(answer("GET", "/", 404, "Not Found", 0));
	CU_ASSERT(answer("GET", "*", 400, NGX_400, 0));
	/*
	 * An HTTP version nginx does not speak: 505 in the API's JSON shape
	 * like every other answer nginx makes itself (api.md "Error model";
	 * deploy/nginx/wfm.conf has an error_page for each of them).
	 */
	CU_ASSERT_EQUAL(answer_version("HTTP/9.9"), 1);
	CU_ASSERT_EQUAL(answer_version("HTTP/2.0"), 1);
}

static void
test_path_odd_methods(void)
{
	struct resp	 r;
	char		 m[201];
	const char	*tid = tmpl(), *eid = exec_id();

	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	/* nginx refuses TRACE itself; lower case is no method to it. */
	CU_ASSERT(answer("TRACE", api("%s", "/healthz"), 405,
	    "Method Not Allowed", 0));
	CU_ASSERT(answer("get", api("%s", "/healthz"), 400, NGX_400, 0));
	CU_ASSERT(answer("GET\x01", api("%s", "/healthz"), 400, NGX_400, 0));
	/* Everything else reaches the app: 405 with the methods it has. */
	CU_ASSERT_EQUAL_FATAL(req("PROPFIND", api("%s", "/healthz"), &r), 0);
	CU_ASSERT(hx_detail(&r, 405, "Method Not Allowed"));
	CU_ASSERT_STRING_EQUAL(resp_header(&r, "Allow") ?
	    resp_header(&r, "Allow") : "", "GET");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(req("PATCH", api(HX_TMPL_PATH "/%s", tid), &r),
	    0);
	CU_ASSERT(hx_detail(&r, 405, "Method Not Allowed"));
	CU_ASSERT_STRING_EQUAL(resp_header(&r, "Allow") ?
	    resp_header(&r, "Allow") : "", "GET, PUT, DELETE");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(req("GET", api(HX_EXECS_PATH "/%s/cancel", eid),
	    &r), 0);
	CU_ASSERT(hx_detail(&r, 405, "Method Not Allowed"));
	CU_ASSERT_STRING_EQUAL(resp_header(&r, "Allow") ?
	    resp_header(&r, "Allow") : "", "POST");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(req("OPTIONS", api("%s", HX_EXEC_PATH), &r), 0);
	CU_ASSERT(hx_detail(&r, 405, "Method Not Allowed"));
	CU_ASSERT_STRING_EQUAL(resp_header(&r, "Allow") ?
	    resp_header(&r, "Allow") : "", "POST");
	resp_free(&r);
	/* Methods are case-sensitive (RFC 9110 9.1): nginx wants upper case. */
	CU_ASSERT(answer("Get", api("%s", "/healthz"), 400, NGX_400, 0));
	/* A 200-letter method. */
	memset(m, 'A', 200);
	m[200] = '\0';
	CU_ASSERT(answer(m, api("%s", "/healthz"), 405, "Method Not Allowed",
	    1));
}

/* 54 safe characters. */
#define RID54	"012345678901234567890123456789012345678901234567890123"

static void
test_path_request_ids_are_never_echoed_unsafe(void)
{
	static const char *const bad[] = {
		"X-Request-Id: <script>alert(1)</script>",
		"X-Request-Id: a b",
		"X-Request-Id: \"quoted\"",
		"X-Request-Id: a:b.c-d_e0" RID54 "a",
	};
	const char	*extra[2] = { NULL, NULL }, *v;
	struct resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		extra[0] = bad[i];
		CU_ASSERT_EQUAL_FATAL(hx_http("GET", api("%s", "/healthz"),
		    NULL, NULL, NULL, 0, extra, &r), 0);
		CU_ASSERT_EQUAL(r.status, 200);
		/* Replaced by a new UUID (36 characters). */
		v = resp_header(&r, "X-Request-Id");
		CU_ASSERT(v != NULL && strlen(v) == 36 && v[8] == '-');
		resp_free(&r);
	}
	/* 64 safe characters are kept as they are; 65 are not (above). */
	extra[0] = "X-Request-Id: a:b.c-d_e0" RID54;
	CU_ASSERT_EQUAL(strlen(extra[0] + 14), 64);
	CU_ASSERT_EQUAL_FATAL(hx_http("GET", api("%s", "/healthz"), NULL, NULL,
	    NULL, 0, extra, &r), 0);
	CU_ASSERT_STRING_EQUAL(resp_header(&r, "X-Request-Id") ?
	    resp_header(&r, "X-Request-Id") : "", extra[0] + 14);
	resp_free(&r);
	/* A bare CR in a header value is a broken request to nginx. */
	extra[0] = "X-Request-Id: a\rSet-Cookie: x=1";
	CU_ASSERT_EQUAL_FATAL(hx_http("GET", api("%s", "/healthz"), NULL, NULL,
	    NULL, 0, extra, &r), 0);
	CU_ASSERT(hx_detail(&r, 400, NGX_400));
	CU_ASSERT_PTR_NULL(resp_header(&r, "Set-Cookie"));
	resp_free(&r);
}

static void
test_path_stack_survived(void)
{
	hx_stack_survived(&path_mark);
}

E2E_SUITE(test_e2e_hostile_path_register)

void
test_e2e_hostile_path_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_path", path_init, NULL);

	CU_add_test(s, "dot_segments_never_reach_another_route",
	    test_path_dot_segments_never_reach_another_route);
	CU_add_test(s, "encoded_slashes_and_odd_bytes_in_ids",
	    test_path_encoded_slashes_and_odd_bytes_in_ids);
	CU_add_test(s, "long_paths_are_404_or_414",
	    test_path_long_paths_are_404_or_414);
	CU_add_test(s, "long_and_hostile_query_strings",
	    test_path_long_and_hostile_query_strings);
	CU_add_test(s, "nginx_own_answers_are_json",
	    test_path_nginx_own_answers_are_json);
	CU_add_test(s, "odd_methods", test_path_odd_methods);
	CU_add_test(s, "request_ids_are_never_echoed_unsafe",
	    test_path_request_ids_are_never_echoed_unsafe);
	CU_add_test(s, "stack_survived", test_path_stack_survived);
}
