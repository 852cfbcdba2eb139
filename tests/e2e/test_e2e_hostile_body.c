/*
 * Hostile request bodies through nginx (api.md "Error model"): broken
 * JSON in every way the strict parser promises to catch, each a 422
 * json_invalid at the exact byte offset; numbers beyond double and
 * beyond 64 bits; duplicate keys (the last one wins and is the one
 * validated); and framing lies (Content-Length shorter or longer than
 * the body, conflicting framing headers) written byte for byte on a
 * socket: each ends in a clean JSON answer or a closed connection, never
 * a 5xx or a hang.
 *
 * The held-open short body needs nginx's client_body_timeout (60 s) to
 * pass, so that request starts in a thread when the suites are
 * registered and is only collected by the last test of this suite: in a
 * whole run the wait hides behind the suites before it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_hostile.h"

#define BODY_USER	"h12-body"
#define BODY_ROLES	"workflow:execute,workflow:read,template:write"
#define JSON		"application/json"
#define NGX_400		"Bad request: the web server refused it " \
			"(malformed, or a header too large)"

static struct hx_mark	body_mark;

/* The slow request: Content-Length 100, 14 bytes sent, never the rest. */
static pthread_t	slow_thr;
static int		slow_started, slow_rc = -1;
static struct hx_wire	slow_w;
static char		slow_req[512];

static void *
slow_run(void *arg)
{
	(void)arg;
	/* No token: nginx holds the body; the app never sees this one. */
	slow_rc = hx_wire_send(slow_req, strlen(slow_req), 0, 65, &slow_w);
	return NULL;
}

static void
slow_start(void)
{
	if (slow_started)
		return;
	/* Built here: hx_target() has a static buffer, the thread none. */
	snprintf(slow_req, sizeof(slow_req), "POST %s HTTP/1.1\r\nHost: "
	    "127.0.0.1\r\nContent-Type: application/json\r\n"
	    "Content-Length: 100\r\n\r\n{\"template_id\"",
	    hx_target(HX_EXEC_PATH));
	if (pthread_create(&slow_thr, NULL, slow_run, NULL) == 0)
		slow_started = 1;
}

static const char *
tok(void)
{
	return hx_tok(BODY_USER, BODY_ROLES);
}

/* A template of BODY_USER (members given), created once per slot. */
static const char *
tmpl(int slot)
{
	static char	*id[2];
	static const char *const def[2] = {
		"{\"name\":\"h12-body\",\"steps\":[{\"id\":\"a\",\"type\":"
		    "\"transform\",\"output\":{\"v\":1}}]}",
		"{\"name\":\"h12-body-schema\",\"input_schema\":{\"type\":"
		    "\"object\",\"required\":[\"n\"],\"properties\":{\"n\":"
		    "{\"type\":\"integer\"}}},\"steps\":[{\"id\":\"a\","
		    "\"type\":\"transform\",\"output\":{\"v\":1}}]}"
	};

	if (id[slot] == NULL)
		id[slot] = e2e_template(tok(), def[slot]);
	return id[slot];
}

/* POST /execute with body[0..len) and a content type, on a socket. */
static int
exec_raw(const char *body, size_t len, const char *ctype, struct resp *r)
{
	return hx_http("POST", hx_target(HX_EXEC_PATH), tok(), ctype, body,
	    len, NULL, r);
}

/* exec_raw of a C string as JSON. */
static int
exec_json(const char *body, struct resp *r)
{
	return exec_raw(body, strlen(body), JSON, r);
}

/* 1 if the body (len bytes) is a 422 json_invalid at offset (why). */
static int
invalid_at(const char *body, size_t len, long offset, const char *why)
{
	struct resp	r;
	int		ok;

	if (exec_raw(body, len, JSON, &r) != 0)
		return 0;
	ok = hx_json_invalid(&r, offset, why) && hx_from_app(&r);
	resp_free(&r);
	return ok;
}

#define INVALID_AT(s, off, why)	invalid_at(s, sizeof(s) - 1, off, why)

static int
body_init(void)
{
	hx_mark_take(&body_mark);
	return 0;
}

static void
test_body_truncated_json_is_422_at_its_end(void)
{
	static const char *const cut[] = {
		"{\"template_id\": \"x\", \"input_data\": {\"a\": ",
		"{\"template_id\": \"x\"", "{\"template_id\": \"x\",",
		"{\"template_id", "{", "[", "\"abc", "-", "1e", "[1.",
	};
	size_t	i, n;

	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		n = strlen(cut[i]);
		CU_ASSERT(invalid_at(cut[i], n, (long)n, NULL));
	}
	CU_ASSERT(INVALID_AT("{\"template_id\": \"x\"", 19,
	    "unexpected end of input"));
	/* A literal cut short is refused where it starts. */
	CU_ASSERT(INVALID_AT("tru", 0, "invalid literal"));
	/* Nothing at all, and white space only. */
	CU_ASSERT(invalid_at("", 0, 0, "empty input"));
	CU_ASSERT(INVALID_AT(" \r\n", 3, "unexpected end of input"));
}

static void
test_body_bare_number_with_trailing_dot_is_422(void)
{
	/*
	 * "1." is no JSON number (RFC 8259 6: a digit must follow '.'), at
	 * the end of the body as anywhere else. Accepted, it would come back
	 * as "input": 1. in the 422, which no JSON parser reads.
	 */
	CU_ASSERT(INVALID_AT("1.", 2, "invalid number"));
	CU_ASSERT(INVALID_AT("12.", 3, "invalid number"));
	CU_ASSERT(INVALID_AT("[1.]", 3, "invalid number"));
}

static void
test_body_nul_bytes_are_422_where_they_are(void)
{
	/* A raw NUL in a string, in a key, after the value; and \u0000. */
	CU_ASSERT(INVALID_AT("{\"template_id\": \"a\0b\"}", 18,
	    "NUL in string"));
	CU_ASSERT(INVALID_AT("{\"a\0\":1}", 3, "NUL in string"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"x\"}\0", 20,
	    "unexpected data after the value"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"a\\u0000b\"}", 18,
	    "NUL in string"));
	CU_ASSERT(INVALID_AT("\0{}", 0, NULL));
}

static void
test_body_invalid_utf8_is_422_at_the_bad_byte(void)
{
	/* Impossible byte, overlong '/', truncated sequence. */
	CU_ASSERT(INVALID_AT("{\"template_id\": \"\xff\"}", 17,
	    "invalid UTF-8"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"\xc0\xaf\"}", 17,
	    "invalid UTF-8"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"\xe2\x82\"}", 19,
	    "invalid UTF-8"));
	/* An encoded surrogate and a code point above U+10FFFF. */
	CU_ASSERT(INVALID_AT("{\"template_id\": \"\xed\xa0\x80\"}", 18,
	    "invalid UTF-8"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"\xf4\x90\x80\x80\"}", 18,
	    "invalid UTF-8"));
	/* In a key, and outside any string. */
	CU_ASSERT(INVALID_AT("{\"\xfe\": 1}", 2, "invalid UTF-8"));
	/* Escaped lone surrogates, and a pair in the wrong order. */
	CU_ASSERT(INVALID_AT("{\"template_id\": \"\\ud800\"}", 17,
	    "unpaired surrogate in string"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"\\udc00\\ud800\"}", 17,
	    "unpaired surrogate in string"));
	/* A byte order mark is not JSON text. */
	CU_ASSERT(INVALID_AT("\xef\xbb\xbf{\"template_id\": \"x\"}", 0,
	    "unexpected character"));
}

static void
test_body_deep_nesting_stops_at_depth_33(void)
{
	struct resp	 r;
	char		*b;
	size_t		 i, n;

	/* 10,000 arrays: refused where the 33rd opens (offset 32). */
	b = malloc(20001);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	memset(b, '[', 10000);
	memset(b + 10000, ']', 10000);
	CU_ASSERT(invalid_at(b, 20000, 32, "nesting too deep"));
	/* 32 deep is allowed: valid JSON, only not an object. */
	memcpy(b, b + 10000 - 32, 32);
	memset(b + 32, ']', 32);
	CU_ASSERT_EQUAL(exec_raw(b, 64, JSON, &r), 0);
	CU_ASSERT_EQUAL(hx_verr_n(&r), 1);
	CU_ASSERT(hx_verr_has(&r, "model_type", "[\"body\"]"));
	resp_free(&r);
	free(b);
	/* 10,000 objects inside input_data: 32 + 31 * 5 bytes in. */
	n = 32 + 10000 * 5 + 1 + 10000 + 1;
	b = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	memcpy(b, "{\"template_id\":\"x\",\"input_data\":", 32);
	for (i = 0; i < 10000; i++)
		memcpy(b + 32 + i * 5, "{\"a\":", 5);
	b[32 + 50000] = '1';
	memset(b + 32 + 50000 + 1, '}', 10001);
	CU_ASSERT(invalid_at(b, n, 187, "nesting too deep"));
	free(b);
}

static void
test_body_numbers_beyond_double_are_422(void)
{
	CU_ASSERT(INVALID_AT("{\"template_id\":\"x\",\"input_data\":"
	    "{\"n\":1e400}}", 37, "number out of range"));
	CU_ASSERT(INVALID_AT("{\"template_id\":\"x\",\"input_data\":"
	    "{\"n\":-1e400}}", 37, "number out of range"));
	CU_ASSERT(INVALID_AT("{\"template_id\": 1e400}", 16,
	    "number out of range"));
	CU_ASSERT(INVALID_AT("{\"template_id\":\"x\",\"input_data\":"
	    "{\"n\":NaN}}", 37, "NaN and Infinity are not allowed"));
	CU_ASSERT(INVALID_AT("{\"template_id\":\"x\",\"input_data\":"
	    "{\"n\":-Infinity}}", 37, "NaN and Infinity are not allowed"));
	CU_ASSERT(INVALID_AT("{\"template_id\":\"x\",\"input_data\":"
	    "{\"n\":01}}", 38, "leading zero in number"));
}

/* Execute template 0 with input_data in; the stored input_data.n. */
static struct json_object *
stored_n(const char *in, struct json_object **doc)
{
	struct resp		 r;
	struct json_object	*v = NULL;
	char			 body[512], path[256];

	*doc = NULL;
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"input_data\":%s}", tmpl(0), in);
	if (exec_json(body, &r) != 0)
		return NULL;
	CU_ASSERT_EQUAL(r.status, 202);
	if (r.status == 202 && resp_str(&r, "execution_id") != NULL) {
		snprintf(path, sizeof(path), HX_EXECS_PATH "/%s",
		    resp_str(&r, "execution_id"));
		resp_free(&r);
		if (e2e_req("GET", path, tok(), NULL, NULL, &r) != 0)
			return NULL;
		CU_ASSERT_EQUAL(r.status, 200);
		if (json_object_object_get_ex(r.json, "input_data", &v) &&
		    json_object_object_get_ex(v, "n", &v))
			*doc = json_object_get(r.json);
		else
			v = NULL;
	}
	resp_free(&r);
	return v;
}

static void
test_body_big_and_tiny_numbers_are_kept_as_doubles(void)
{
	struct json_object	*doc, *n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tmpl(0));
	/* Beyond 64 bits: kept through double (JCS), not clamped. */
	n = stored_n("{\"n\":100000000000000000000000}", &doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT(json_object_is_type(n, json_type_double));
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(n), 1e23, 1e8);
	json_object_put(doc);
	n = stored_n("{\"n\":-100000000000000000000000}", &doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(n), -1e23, 1e8);
	json_object_put(doc);
	/* The edges of int64 stay integers. */
	n = stored_n("{\"n\":-9223372036854775808}", &doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT(json_object_is_type(n, json_type_int));
	CU_ASSERT_EQUAL(json_object_get_int64(n), INT64_MIN);
	json_object_put(doc);
	/* Underflow is 0, as in Python's json (FastAPI). */
	n = stored_n("{\"n\":1e-400}", &doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(n), 0.0, 0.0);
	json_object_put(doc);
}

static void
test_body_duplicate_keys_last_wins_and_is_validated(void)
{
	struct resp	r;
	char		body[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(tmpl(0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmpl(1));
	/* An unknown id first, the real one last: runs the real one. */
	snprintf(body, sizeof(body), "{\"template_id\":\"nope\","
	    "\"template_id\":\"%s\"}", tmpl(0));
	CU_ASSERT_EQUAL_FATAL(exec_json(body, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_STRING_EQUAL(resp_str(&r, "template_id") ?
	    resp_str(&r, "template_id") : "", tmpl(0));
	resp_free(&r);
	/* A good value first, a bad one last: the bad one is judged. */
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"template_id\":5}", tmpl(0));
	CU_ASSERT_EQUAL_FATAL(exec_json(body, &r), 0);
	CU_ASSERT_EQUAL(hx_verr_n(&r), 1);
	CU_ASSERT(hx_verr_has(&r, "string_type", "[\"body\",\"template_id\"]"));
	resp_free(&r);
	/* Inside input_data, against the template's input_schema. */
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"input_data\":"
	    "{\"n\":1,\"n\":\"x\"}}", tmpl(1));
	CU_ASSERT_EQUAL_FATAL(exec_json(body, &r), 0);
	CU_ASSERT_EQUAL(hx_verr_n(&r), 1);
	CU_ASSERT(hx_verr_has(&r, "int_type",
	    "[\"body\",\"input_data\",\"n\"]"));
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"input_data\":"
	    "{\"n\":\"x\",\"n\":7}}", tmpl(1));
	CU_ASSERT_EQUAL_FATAL(exec_json(body, &r), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
}

static void
test_body_not_json_at_all(void)
{
	struct resp	r;

	CU_ASSERT(INVALID_AT("{'template_id': 'x'}", 1,
	    "unexpected character"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"x\"} /* c */", 21,
	    "unexpected data after the value"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"x\"}{}", 20,
	    "unexpected data after the value"));
	CU_ASSERT(INVALID_AT("{\"template_id\": \"x\",}", 20, NULL));
	CU_ASSERT(INVALID_AT("<?xml version=\"1.0\"?><a/>", 0, NULL));
	/* JSON, but not an object: model_type at ["body"]. */
	CU_ASSERT_EQUAL_FATAL(exec_json("null", &r), 0);
	CU_ASSERT_EQUAL(hx_verr_n(&r), 1);
	CU_ASSERT(hx_verr_has(&r, "model_type", "[\"body\"]"));
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(exec_json("\"{}\"", &r), 0);
	CU_ASSERT(hx_verr_has(&r, "model_type", "[\"body\"]"));
	resp_free(&r);
}

static void
test_body_content_types(void)
{
	static const char	b[] = "{\"template_id\": \"nope-h12\"}";
	struct resp		r;

	/* Not JSON: 415 before the body is looked at. */
	CU_ASSERT_EQUAL_FATAL(exec_raw(b, sizeof(b) - 1, "text/plain", &r), 0);
	CU_ASSERT(hx_detail(&r, 415, "Content-Type must be application/json"));
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(exec_raw(b, sizeof(b) - 1, "application/jsonx",
	    &r), 0);
	CU_ASSERT(hx_detail(&r, 415, "Content-Type must be application/json"));
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(exec_raw(b, sizeof(b) - 1, NULL, &r), 0);
	CU_ASSERT(hx_detail(&r, 415, "Content-Type must be application/json"));
	resp_free(&r);
	/* JSON with parameters, and a +json type: parsed (then 404). */
	CU_ASSERT_EQUAL_FATAL(exec_raw(b, sizeof(b) - 1,
	    "Application/JSON; charset=latin1", &r), 0);
	CU_ASSERT(hx_detail(&r, 404, "Template not found"));
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(exec_raw(b, sizeof(b) - 1,
	    "application/vnd.api+json", &r), 0);
	CU_ASSERT(hx_detail(&r, 404, "Template not found"));
	resp_free(&r);
}

/* Write req on a socket; the responses, in order, into r[0..n). */
static int
pipelined(const char *req, struct resp *r, int n)
{
	struct hx_wire	 w;
	size_t		 off = 0;
	int		 i, got = 0;

	if (hx_wire_send(req, strlen(req), 0, 20, &w) != 0)
		return -1;
	CU_ASSERT(w.eof);
	for (i = 0; i < n; i++)
		if (hx_wire_parse(w.buf, w.len, &off, &r[i]) == 0)
			got++;
	/* Nothing after the last response. */
	CU_ASSERT_EQUAL(off, w.len);
	hx_wire_free(&w);
	return got;
}

#define POST_EXEC	"POST /api/v1/workflow-management/execute HTTP/1.1\r\n" \
			"Host: 127.0.0.1\r\nContent-Type: application/json\r\n"

static void
test_body_longer_than_content_length_is_the_next_request(void)
{
	struct resp	 r[2];
	char		*req;

	/* The app reads exactly 2 bytes; the rest is nginx's next request. */
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&req, POST_EXEC "Authorization: "
	    "Bearer %s\r\nContent-Length: 2\r\n\r\n{}{\"template_id\":\"x\"}"
	    "\r\n\r\n", tok()), -1);
	CU_ASSERT_EQUAL_FATAL(pipelined(req, r, 2), 2);
	CU_ASSERT_EQUAL(hx_verr_n(&r[0]), 1);
	CU_ASSERT(hx_verr_has(&r[0], "missing", "[\"body\",\"template_id\"]"));
	CU_ASSERT(hx_detail(&r[1], 400, NGX_400));
	CU_ASSERT_FALSE(hx_from_app(&r[1]));
	resp_free(&r[0]);
	resp_free(&r[1]);
	free(req);
	/* A whole request smuggled after the body is just the next one. */
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&req, POST_EXEC "Authorization: "
	    "Bearer %s\r\nContent-Length: 2\r\n\r\n{}GET /api/v1/healthz "
	    "HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
	    tok()), -1);
	CU_ASSERT_EQUAL_FATAL(pipelined(req, r, 2), 2);
	CU_ASSERT(hx_verr_has(&r[0], "missing", "[\"body\",\"template_id\"]"));
	CU_ASSERT_EQUAL(r[1].status, 200);
	CU_ASSERT_STRING_EQUAL(r[1].body, "{\"status\":\"ok\"}");
	resp_free(&r[0]);
	resp_free(&r[1]);
	free(req);
}

/* 1 if a wire answer is nothing at all or one clean JSON 400 of nginx. */
static int
closed_or_400(const struct hx_wire *w)
{
	struct resp	r;
	size_t		off = 0;
	int		ok;

	if (w->len == 0)
		return 1;
	if (hx_wire_parse(w->buf, w->len, &off, &r) != 0) {
		fprintf(stderr, "\n    unparsable answer: %.200s", w->buf);
		return 0;
	}
	ok = hx_detail(&r, 400, NGX_400);
	resp_free(&r);
	return ok;
}

static void
test_body_shorter_than_content_length_then_eof(void)
{
	struct hx_wire	 w;
	char		*req;

	/* 14 of 100 bytes, then the client shuts its side. */
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&req, POST_EXEC "Authorization: "
	    "Bearer %s\r\nContent-Length: 100\r\n\r\n{\"template_id\"",
	    tok()), -1);
	CU_ASSERT_EQUAL_FATAL(hx_wire_send(req, strlen(req), 1, 65, &w), 0);
	CU_ASSERT(w.eof);
	CU_ASSERT_FALSE(w.timed_out);
	CU_ASSERT(w.seconds < 65);
	CU_ASSERT(closed_or_400(&w));
	hx_wire_free(&w);
	free(req);
}

static void
test_body_framing_lies_are_refused_by_nginx(void)
{
	static const struct {
		const char	*head;
		long		 status;
		const char	*detail;
	} lie[] = {
		{ "Content-Length: -1\r\n", 400, NGX_400 },
		{ "Content-Length: 1x\r\n", 400, NGX_400 },
		{ "Content-Length: 99999999999999999999999\r\n", 400, NGX_400 },
		{ "Content-Length: 2\r\nContent-Length: 3\r\n", 400, NGX_400 },
		{ "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", 400,
		    NGX_400 },
		{ "Transfer-Encoding: gzip, chunked\r\n", 501,
		    "Not implemented by the web server" },
		{ "Content-Length: 2000000\r\n", 413, "Request body too large" },
	};
	struct resp	 r;
	char		*req;
	size_t		 i;

	for (i = 0; i < sizeof(lie) / sizeof(lie[0]); i++) {
		CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&req, POST_EXEC
		    "Connection: close\r\n%s\r\n{}", lie[i].head), -1);
		CU_ASSERT_EQUAL(pipelined(req, &r, 1), 1);
		CU_ASSERT(hx_detail(&r, lie[i].status, lie[i].detail));
		CU_ASSERT_FALSE(hx_from_app(&r));
		resp_free(&r);
		free(req);
	}
	/* Chunked: a bad size is nginx's 400, a good body reaches the app. */
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&req, POST_EXEC "Connection: close"
	    "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), -1);
	CU_ASSERT_EQUAL(pipelined(req, &r, 1), 1);
	CU_ASSERT(hx_detail(&r, 400, NGX_400));
	resp_free(&r);
	free(req);
	CU_ASSERT_NOT_EQUAL_FATAL(asprintf(&req, POST_EXEC "Connection: close"
	    "\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "1\r\n{\r\n1\r\n}\r\n0\r\n\r\n", tok()), -1);
	CU_ASSERT_EQUAL(pipelined(req, &r, 1), 1);
	CU_ASSERT(hx_verr_has(&r, "missing", "[\"body\",\"template_id\"]"));
	resp_free(&r);
	free(req);
}

static void
test_body_over_one_mib_is_413_from_nginx(void)
{
	struct resp	 r;
	char		*b;
	size_t		 n = 1048576 + 1;

	b = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	memset(b, ' ', n);
	b[0] = '{';
	b[n - 1] = '}';
	CU_ASSERT_EQUAL_FATAL(exec_raw(b, n, JSON, &r), 0);
	CU_ASSERT(hx_detail(&r, 413, "Request body too large"));
	resp_free(&r);
	/* Exactly 1 MiB passes nginx and the app: an empty object, 422. */
	b[1] = '{';
	CU_ASSERT_EQUAL_FATAL(exec_raw(b + 1, n - 1, JSON, &r), 0);
	CU_ASSERT(hx_verr_has(&r, "missing", "[\"body\",\"template_id\"]"));
	resp_free(&r);
	free(b);
}

static void
test_body_held_open_short_body_is_closed_within_65_s(void)
{
	slow_start();
	CU_ASSERT_FATAL(slow_started);
	pthread_join(slow_thr, NULL);
	slow_started = 0;
	CU_ASSERT_EQUAL_FATAL(slow_rc, 0);
	/* nginx gives up after client_body_timeout (60 s) and closes. */
	CU_ASSERT(slow_w.eof);
	CU_ASSERT_FALSE(slow_w.timed_out);
	CU_ASSERT(closed_or_400(&slow_w));
	hx_wire_free(&slow_w);
}

static void
test_body_stack_survived(void)
{
	hx_stack_survived(&body_mark);
}

E2E_SUITE(test_e2e_hostile_body_register)

void
test_e2e_hostile_body_register(void)
{
	CU_pSuite	s = CU_add_suite("hostile_body", body_init, NULL);

	slow_start();
	CU_add_test(s, "truncated_json_is_422_at_its_end",
	    test_body_truncated_json_is_422_at_its_end);
	CU_add_test(s, "bare_number_with_trailing_dot_is_422",
	    test_body_bare_number_with_trailing_dot_is_422);
	CU_add_test(s, "nul_bytes_are_422_where_they_are",
	    test_body_nul_bytes_are_422_where_they_are);
	CU_add_test(s, "invalid_utf8_is_422_at_the_bad_byte",
	    test_body_invalid_utf8_is_422_at_the_bad_byte);
	CU_add_test(s, "deep_nesting_stops_at_depth_33",
	    test_body_deep_nesting_stops_at_depth_33);
	CU_add_test(s, "numbers_beyond_double_are_422",
	    test_body_numbers_beyond_double_are_422);
	CU_add_test(s, "big_and_tiny_numbers_are_kept_as_doubles",
	    test_body_big_and_tiny_numbers_are_kept_as_doubles);
	CU_add_test(s, "duplicate_keys_last_wins_and_is_validated",
	    test_body_duplicate_keys_last_wins_and_is_validated);
	CU_add_test(s, "not_json_at_all", test_body_not_json_at_all);
	CU_add_test(s, "content_types", test_body_content_types);
	CU_add_test(s, "longer_than_content_length_is_the_next_request",
	    test_body_longer_than_content_length_is_the_next_request);
	CU_add_test(s, "shorter_than_content_length_then_eof",
	    test_body_shorter_than_content_length_then_eof);
	CU_add_test(s, "framing_lies_are_refused_by_nginx",
	    test_body_framing_lies_are_refused_by_nginx);
	CU_add_test(s, "over_one_mib_is_413_from_nginx",
	    test_body_over_one_mib_is_413_from_nginx);
	CU_add_test(s, "held_open_short_body_is_closed_within_65_s",
	    test_body_held_open_short_body_is_closed_within_65_s);
	CU_add_test(s, "stack_survived", test_body_stack_survived);
}
