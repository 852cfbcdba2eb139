/*
 * POST /workflow-management/execute through nginx (api.md): the 202
 * answer, generated names, request validation, content type and size,
 * template access, input_schema, dry runs, Prefer: wait and request ids.
 * Idempotency and the quota are in test_e2e_exec_idem.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_exec_util.h"

#define FAST_STEPS	"\"steps\":[{\"id\":\"a\",\"type\":\"transform\"," \
			"\"output\":{\"n\":\"{{ input.a * 2 }}\"}}]"
#define DELAY_STEPS(s)	"\"steps\":[{\"id\":\"w\",\"type\":\"delay\"," \
			"\"seconds\":" #s "}]"
#define SCHEMA_MEMBERS							\
	"\"input_schema\":{\"type\":\"object\",\"required\":"		\
	"[\"amount\",\"currency\"],\"additionalProperties\":false,"	\
	"\"properties\":{\"amount\":{\"type\":\"number\",\"minimum\":0},"\
	"\"currency\":{\"type\":\"string\",\"enum\":[\"USD\",\"EUR\"]},"\
	"\"n\":{\"type\":\"object\",\"properties\":{\"k\":"		\
	"{\"type\":\"integer\"}}}}}," FAST_STEPS

static const char *const json_ct = "application/json; charset=utf-8";

/* A template of alice's with the fast transform, made once. */
static const char *
fast_tid(void)
{
	static char	*tid;

	if (tid == NULL)
		tid = x_template(e2e_tok_alice(), "exec-fast", FAST_STEPS);
	return tid;
}

/* POST body (printf format) as token; the answer in r. */
static int
post(const char *token, const char *query, struct resp *r,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
post(const char *token, const char *query, struct resp *r,
    const char *fmt, ...)
{
	va_list	ap;
	char	body[8192];

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	return x_exec(token, query, body, NULL, r);
}

/* The path part of the base URL: "/api/v1". */
static const char *
base_path(void)
{
	const char	*u = e2e_url(), *p = strstr(u, "://");

	p = p != NULL ? strchr(p + 3, '/') : NULL;
	return p != NULL ? p : "";
}

/* Seconds since the epoch of "2026-11-25T10:00:00.123Z" (UTC). */
static time_t
utc_secs(const char *s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec) != 6)
		return (time_t)-1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static int
is_status(const char *s)
{
	return s != NULL && (strcmp(s, "pending") == 0 ||
	    strcmp(s, "running") == 0 || strcmp(s, "completed") == 0);
}

static void
test_e2e_execute_new_is_202_with_location_and_summary(void)
{
	struct resp	 r, g;
	char		 loc[256], name[128];
	const char	*id;
	time_t		 t0, t1, ct;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fast_tid());
	snprintf(name, sizeof(name), "%s", e2e_unique("basic"));
	t0 = time(NULL);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\",\"execution_name\":\"%s\","
	    "\"input_data\":{\"a\":2}}", fast_tid(), name), 0);
	t1 = time(NULL);
	CU_ASSERT_EQUAL(r.status, 202);
	id = resp_str(&r, "execution_id");
	CU_ASSERT_TRUE_FATAL(x_is_uuid(id));
	snprintf(loc, sizeof(loc), "%s/workflow-management/executions/%s",
	    base_path(), id);
	X_STREQ(resp_header(&r, "Location"), loc);
	X_STREQ(resp_header(&r, "Content-Type"), json_ct);
	CU_ASSERT_EQUAL(x_nkeys(r.json, ""), 6);
	X_STREQ(resp_str(&r, "execution_name"), name);
	X_STREQ(resp_str(&r, "template_id"), fast_tid());
	CU_ASSERT_EQUAL(x_int(r.json, "template_version"), 1);
	CU_ASSERT_TRUE(is_status(resp_str(&r, "status")));
	CU_ASSERT_TRUE(x_is_time(resp_str(&r, "created_at")));
	ct = utc_secs(resp_str(&r, "created_at"));
	CU_ASSERT_TRUE(ct >= t0 - 1 && ct <= t1 + 1);
	/* The Location is where the execution is read. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", loc + strlen(base_path()),
	    e2e_tok_alice(), NULL, NULL, &g), 0);
	CU_ASSERT_EQUAL(g.status, 200);
	X_STREQ(resp_str(&g, "execution_id"), id);
	X_STREQ(resp_str(&g, "created_at"),
	    resp_str(&r, "created_at"));
	resp_free(&g);
	resp_free(&r);
}

static void
test_e2e_execute_template_version_is_the_current_one(void)
{
	struct resp	 r;
	char		*tid, path[256];

	tid = x_template(e2e_tok_alice(), "exec-versioned", FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/workflow-management/templates/%s", tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("PUT", path, e2e_tok_alice(),
	    "{\"name\":\"exec-versioned\"," FAST_STEPS "}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\"}", tid), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_EQUAL(x_int(r.json, "template_version"), 2);
	resp_free(&r);
	free(tid);
}

/*
 * How many of 48 executes of tid as alice answer status, with
 * template_version version when that is not 0.
 */
static int
executes_answering(const char *tid, long status, long long version)
{
	struct resp	r;
	int		i, n = 0;

	for (i = 0; i < 48; i++) {
		if (post(e2e_tok_alice(), NULL, &r, "{\"template_id\":\"%s\"}",
		    tid) != 0)
			continue;
		n += r.status == status && (version == 0 ||
		    x_int(r.json, "template_version") == version);
		resp_free(&r);
	}
	return n;
}

/*
 * Workers cache templates: after 48 executes most of them hold version 1.
 * A PUT makes their insert find the template moved on; each refreshes
 * and inserts against version 2. After a DELETE every execute is 404.
 */
static void
test_e2e_execute_stale_worker_caches_follow_put_and_delete(void)
{
	struct resp	 r;
	char		*tid, path[256];

	tid = x_template(e2e_tok_alice(), "exec-stale", FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	CU_ASSERT_EQUAL(executes_answering(tid, 202, 1), 48);
	snprintf(path, sizeof(path), "/workflow-management/templates/%s", tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("PUT", path, e2e_tok_alice(),
	    "{\"name\":\"exec-stale\"," FAST_STEPS "}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	CU_ASSERT_EQUAL(executes_answering(tid, 202, 2), 48);
	CU_ASSERT_EQUAL_FATAL(e2e_req("DELETE", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 204);
	resp_free(&r);
	CU_ASSERT_EQUAL(executes_answering(tid, 404, 0), 48);
	free(tid);
}

/* Checks a generated name: prefix, then "yyyymmdd-HHMMSS-" in [t0, t1]. */
static void
check_generated(const char *name, const char *prefix, time_t t0, time_t t1)
{
	struct tm	 tm;
	const char	*s;
	size_t		 i, n = strlen(prefix);
	time_t		 ts;

	CU_ASSERT_PTR_NOT_NULL_FATAL(name);
	CU_ASSERT_EQUAL_FATAL(strlen(name), n + 24);
	CU_ASSERT_EQUAL(strncmp(name, prefix, n), 0);
	s = name + n;
	memset(&tm, 0, sizeof(tm));
	CU_ASSERT_EQUAL_FATAL(sscanf(s, "%4d%2d%2d-%2d%2d%2d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec), 6);
	CU_ASSERT_EQUAL(s[8], '-');
	CU_ASSERT_EQUAL(s[15], '-');
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	ts = timegm(&tm);
	CU_ASSERT_TRUE(ts >= t0 - 1 && ts <= t1 + 1);
	for (i = 16; i < 24; i++)
		CU_ASSERT_PTR_NOT_NULL(strchr("0123456789abcdef", s[i]));
}

static void
test_e2e_execute_generated_names_replace_invalid_characters(void)
{
	struct resp	 r1, r2;
	char		*tid, n1[256];
	time_t		 t0, t1;

	/* Seven characters outside the pattern, one of them two bytes. */
	tid = x_template(e2e_tok_alice(), "Pay ment/\xc3\xbc.v2:x_y",
	    FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	t0 = time(NULL);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r1,
	    "{\"template_id\":\"%s\"}", tid), 0);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r2,
	    "{\"template_id\":\"%s\"}", tid), 0);
	t1 = time(NULL);
	CU_ASSERT_EQUAL(r1.status, 202);
	CU_ASSERT_EQUAL(r2.status, 202);
	check_generated(resp_str(&r1, "execution_name"), "Pay-ment--.v2:x_y-",
	    t0, t1);
	check_generated(resp_str(&r2, "execution_name"), "Pay-ment--.v2:x_y-",
	    t0, t1);
	/* Two quick executes: different names, so two executions. */
	snprintf(n1, sizeof(n1), "%s", resp_str(&r1, "execution_name"));
	X_STRNE(n1, resp_str(&r2, "execution_name"));
	X_STRNE(resp_str(&r1, "execution_id"),
	    resp_str(&r2, "execution_id"));
	resp_free(&r1);
	resp_free(&r2);
	free(tid);
}

/* 1 if s matches ^[A-Za-z0-9][A-Za-z0-9._:-]*$. */
static int
name_ok(const char *s)
{
	const char	*an = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t		 i;

	if (s == NULL || s[0] == '\0' || strchr(an, s[0]) == NULL)
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (strchr(an, s[i]) == NULL && strchr("._:-", s[i]) == NULL)
			return 0;
	return 1;
}

static void
test_e2e_execute_generated_name_of_long_template_fits_128(void)
{
	struct resp	 r;
	char		 tname[512], prefix[256];
	char		*tid;
	time_t		 t0;
	int		 i;

	/* 120 ASCII characters: cut to 103 so that the whole is 128. */
	memset(tname, 'n', 120);
	tname[120] = '\0';
	tid = x_template(e2e_tok_alice(), tname, FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	t0 = time(NULL);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\"}", tid), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_EQUAL(x_len(resp_str(&r, "execution_name")), 128);
	memset(prefix, 'n', 103);
	strcpy(prefix + 103, "-");
	check_generated(resp_str(&r, "execution_name"), prefix, t0,
	    time(NULL));
	resp_free(&r);
	free(tid);

	/*
	 * 120 two-byte characters: one '-' each (the first one 'x', as a
	 * name starts with a letter or digit), cut at 103 characters.
	 */
	for (i = 0; i < 120; i++)
		memcpy(tname + 2 * i, "\xc3\xa9", 2);
	tname[240] = '\0';
	tid = x_template(e2e_tok_alice(), tname, FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	t0 = time(NULL);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\"}", tid), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_TRUE(name_ok(resp_str(&r, "execution_name")));
	prefix[0] = 'x';
	memset(prefix + 1, '-', 103);
	prefix[104] = '\0';
	check_generated(resp_str(&r, "execution_name"), prefix, t0,
	    time(NULL));
	resp_free(&r);
	free(tid);
}

/* POST body as alice; the answer must be 422 with exactly want. */
static void
expect_422(const char *body, const char *want)
{
	struct resp	r;

	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(r.body, want);
	X_STREQ(resp_header(&r, "Content-Type"), json_ct);
	resp_free(&r);
}

static void
test_e2e_execute_missing_template_id_is_422_missing(void)
{
	expect_422("{\"input_data\":{}}", "{\"detail\":[{\"type\":\"missing\","
	    "\"loc\":[\"body\",\"template_id\"],\"msg\":\"Field required\","
	    "\"input\":{\"input_data\":{}}}]}");
	expect_422("{\"template_id\":5}", "{\"detail\":[{\"type\":"
	    "\"string_type\",\"loc\":[\"body\",\"template_id\"],\"msg\":"
	    "\"Input should be a valid string\",\"input\":5}]}");
	expect_422("{\"template_id\":\"\"}", "{\"detail\":[{\"type\":"
	    "\"string_too_short\",\"loc\":[\"body\",\"template_id\"],\"msg\":"
	    "\"String should have at least 1 character\",\"input\":\"\","
	    "\"ctx\":{\"min_length\":1}}]}");
}

static void
test_e2e_execute_every_validation_error_is_listed(void)
{
	expect_422("{\"template_id\":\"t\",\"x\":1,\"execution_name\":"
	    "\"-bad\",\"workflow_name\":\"\",\"input_data\":[1]}",
	    "{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\","
	    "\"x\"],\"msg\":\"Extra inputs are not permitted\",\"input\":1},"
	    "{\"type\":\"string_pattern_mismatch\",\"loc\":[\"body\","
	    "\"execution_name\"],\"msg\":\"String should match pattern "
	    "'^[A-Za-z0-9][A-Za-z0-9._:-]*$'\",\"input\":\"-bad\",\"ctx\":"
	    "{\"pattern\":\"^[A-Za-z0-9][A-Za-z0-9._:-]*$\"}},{\"type\":"
	    "\"string_too_short\",\"loc\":[\"body\",\"workflow_name\"],"
	    "\"msg\":\"String should have at least 1 character\",\"input\":"
	    "\"\",\"ctx\":{\"min_length\":1}},{\"type\":\"dict_type\",\"loc\":"
	    "[\"body\",\"input_data\"],\"msg\":\"Input should be a valid "
	    "dictionary\",\"input\":[1]}]}");
}

static void
test_e2e_execute_execution_name_pattern_and_length(void)
{
	struct resp	 r;
	char		 name[200], body[512], want[1024];
	size_t		 n;

	/* 128 characters are fine, 129 are too many. */
	snprintf(name, sizeof(name), "%s", e2e_unique("len"));
	n = strlen(name);
	memset(name + n, 'x', 128 - n);
	name[128] = '\0';
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\",\"execution_name\":\"%s\"}", fast_tid(),
	    name), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	X_STREQ(resp_str(&r, "execution_name"), name);
	resp_free(&r);
	strcat(name, "y");
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"execution_name\":\"%s\"}", fast_tid(), name);
	snprintf(want, sizeof(want), "{\"detail\":[{\"type\":"
	    "\"string_too_long\",\"loc\":[\"body\",\"execution_name\"],"
	    "\"msg\":\"String should have at most 128 characters\",\"input\":"
	    "\"%s\",\"ctx\":{\"max_length\":128}}]}", name);
	expect_422(body, want);
	/* Every character of the pattern is accepted. */
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\",\"execution_name\":\"%s:v1.0_b-c\"}",
	    fast_tid(), e2e_unique("Pat")), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	expect_422("{\"template_id\":\"t\",\"execution_name\":\"a b\"}",
	    "{\"detail\":[{\"type\":\"string_pattern_mismatch\",\"loc\":"
	    "[\"body\",\"execution_name\"],\"msg\":\"String should match "
	    "pattern '^[A-Za-z0-9][A-Za-z0-9._:-]*$'\",\"input\":\"a b\","
	    "\"ctx\":{\"pattern\":\"^[A-Za-z0-9][A-Za-z0-9._:-]*$\"}}]}");
	expect_422("{\"template_id\":\"t\",\"execution_name\":\"caf\xc3\xa9\"}",
	    "{\"detail\":[{\"type\":\"string_pattern_mismatch\",\"loc\":"
	    "[\"body\",\"execution_name\"],\"msg\":\"String should match "
	    "pattern '^[A-Za-z0-9][A-Za-z0-9._:-]*$'\",\"input\":"
	    "\"caf\xc3\xa9\",\"ctx\":{\"pattern\":"
	    "\"^[A-Za-z0-9][A-Za-z0-9._:-]*$\"}}]}");
	expect_422("{\"template_id\":\"t\",\"execution_name\":7}",
	    "{\"detail\":[{\"type\":\"string_type\",\"loc\":[\"body\","
	    "\"execution_name\"],\"msg\":\"Input should be a valid string\","
	    "\"input\":7}]}");
}

static void
test_e2e_execute_workflow_name_is_an_alias(void)
{
	struct resp	 r;
	char		 name[128];

	snprintf(name, sizeof(name), "%s", e2e_unique("alias"));
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\",\"workflow_name\":\"%s\"}", fast_tid(),
	    name), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	X_STREQ(resp_str(&r, "execution_name"), name);
	resp_free(&r);
	/* Both given and equal: accepted. */
	snprintf(name, sizeof(name), "%s", e2e_unique("both"));
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\",\"workflow_name\":\"%s\","
	    "\"execution_name\":\"%s\"}", fast_tid(), name, name), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	X_STREQ(resp_str(&r, "execution_name"), name);
	resp_free(&r);
	/* Both given and different: value_error at workflow_name. */
	expect_422("{\"template_id\":\"t\",\"execution_name\":\"aa\","
	    "\"workflow_name\":\"bb\"}", "{\"detail\":[{\"type\":"
	    "\"value_error\",\"loc\":[\"body\",\"workflow_name\"],\"msg\":"
	    "\"Value error, execution_name and workflow_name differ\","
	    "\"input\":\"bb\"}]}");
}

static void
test_e2e_execute_input_data_must_be_an_object(void)
{
	static const char *const bad[] = { "[1]", "\"s\"", "null", "3" };
	char		body[256], want[512];
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"template_id\":\"t\","
		    "\"input_data\":%s}", bad[i]);
		snprintf(want, sizeof(want), "{\"detail\":[{\"type\":"
		    "\"dict_type\",\"loc\":[\"body\",\"input_data\"],\"msg\":"
		    "\"Input should be a valid dictionary\",\"input\":%s}]}",
		    bad[i]);
		expect_422(body, want);
	}
}

/* body must be json_invalid at offset. */
static void
expect_json_invalid(const char *body, int offset)
{
	struct json_object	*e;
	struct resp		 r;

	CU_ASSERT_EQUAL_FATAL(x_raw("POST", X_EXEC_PATH, e2e_tok_alice(),
	    "application/json", body, strlen(body), NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_EQUAL(x_alen(r.json, "detail"), 1);
	e = x_at(r.json, "detail.0");
	X_STREQ(x_str(e, "type"), "json_invalid");
	X_STREQ(x_str(e, "msg"), "JSON decode error");
	CU_ASSERT_EQUAL(x_alen(e, "loc"), 2);
	X_STREQ(x_str(e, "loc.0"), "body");
	CU_ASSERT_EQUAL(x_int(e, "loc.1"), offset);
	/* Pydantic v2: ctx is an object, {"error": "<why>"}. */
	CU_ASSERT_PTR_NOT_NULL(x_str(e, "ctx.error"));
	resp_free(&r);
}

static void
test_e2e_execute_body_not_json_is_json_invalid_at_offset(void)
{
	char	deep[80];

	expect_json_invalid("{\"template_id\": }", 16);
	expect_json_invalid("{} x", 3);
	expect_json_invalid("{\"a\": NaN}", 6);
	expect_json_invalid("{\"template_id\": \"a\\u0000b\"}", 18);
	expect_json_invalid("", 0);
	/* Invalid UTF-8 and nesting deeper than 32 are refused too. */
	expect_json_invalid("{\"template_id\": \"\xff\"}", 17);
	memset(deep, '[', 33);
	memset(deep + 33, ']', 33);
	deep[66] = '\0';
	expect_json_invalid(deep, 32);
	/* 32 levels parse: the body is then merely not an object. */
	deep[65] = '\0';
	expect_422(deep + 1, "{\"detail\":[{\"type\":\"model_type\","
	    "\"loc\":[\"body\"],\"msg\":\"Input should be a valid "
	    "dictionary or object to extract fields from\",\"input\":"
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]}");
}

static void
test_e2e_execute_non_object_body_is_model_type(void)
{
	expect_422("[1,2]", "{\"detail\":[{\"type\":\"model_type\",\"loc\":"
	    "[\"body\"],\"msg\":\"Input should be a valid dictionary or "
	    "object to extract fields from\",\"input\":[1,2]}]}");
	expect_422("\"s\"", "{\"detail\":[{\"type\":\"model_type\",\"loc\":"
	    "[\"body\"],\"msg\":\"Input should be a valid dictionary or "
	    "object to extract fields from\",\"input\":\"s\"}]}");
}

static void
test_e2e_execute_duplicate_keys_last_one_wins(void)
{
	struct resp	r;

	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":5,\"template_id\":\"%s\"}", fast_tid()), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	expect_422("{\"template_id\":\"x\",\"template_id\":5}",
	    "{\"detail\":[{\"type\":\"string_type\",\"loc\":[\"body\","
	    "\"template_id\"],\"msg\":\"Input should be a valid string\","
	    "\"input\":5}]}");
}

static void
test_e2e_execute_non_json_content_type_is_415(void)
{
	static const char	body[] = "{\"template_id\":\"x\"}";
	struct resp		r;

	CU_ASSERT_EQUAL_FATAL(x_raw("POST", X_EXEC_PATH, e2e_tok_alice(),
	    "text/plain", body, strlen(body), NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 415);
	X_STREQ(r.body, "{\"detail\":\"Content-Type must be "
	    "application/json\"}");
	resp_free(&r);
	/* No Content-Type at all with a body: 415 as well. */
	CU_ASSERT_EQUAL_FATAL(x_raw("POST", X_EXEC_PATH, e2e_tok_alice(),
	    NULL, body, strlen(body), NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 415);
	resp_free(&r);
	/* A charset parameter is fine: the body is read (unknown id). */
	CU_ASSERT_EQUAL_FATAL(x_raw("POST", X_EXEC_PATH, e2e_tok_alice(),
	    "application/json; charset=utf-8", body, strlen(body), NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 404);
	X_STREQ(r.body, "{\"detail\":\"Template not found\"}");
	resp_free(&r);
}

static void
test_e2e_execute_body_over_1_mib_is_413_json(void)
{
	struct resp	 r;
	size_t		 n = 1048577;
	char		*big = malloc(n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	CU_ASSERT_EQUAL_FATAL(x_raw("POST", X_EXEC_PATH, e2e_tok_alice(),
	    "application/json", big, n, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 413);
	CU_ASSERT_PTR_NOT_NULL(r.json);
	CU_ASSERT_PTR_NOT_NULL(x_str(r.json, "detail"));
	resp_free(&r);
	/* Exactly 1 MiB passes the size check (an empty object: 422). */
	CU_ASSERT_EQUAL_FATAL(x_raw("POST", X_EXEC_PATH, e2e_tok_alice(),
	    "application/json", big, n - 1, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(x_str(r.json, "detail.0.type"), "json_invalid");
	resp_free(&r);
	free(big);
}

static void
test_e2e_execute_unknown_or_deleted_template_is_404(void)
{
	struct resp	 r;
	char		*tid, path[256];

	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"no-such-template\",\"input_data\":[]}"), 0);
	/* Body problems come first. */
	CU_ASSERT_EQUAL(r.status, 422);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"no-such-template\"}"), 0);
	CU_ASSERT_EQUAL(r.status, 404);
	X_STREQ(r.body, "{\"detail\":\"Template not found\"}");
	resp_free(&r);
	tid = x_template(e2e_tok_alice(), "exec-deleted", FAST_STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(path, sizeof(path), "/workflow-management/templates/%s", tid);
	CU_ASSERT_EQUAL_FATAL(e2e_req("DELETE", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 204);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\"}", tid), 0);
	CU_ASSERT_EQUAL(r.status, 404);
	X_STREQ(r.body, "{\"detail\":\"Template not found\"}");
	resp_free(&r);
	free(tid);
}

static void
test_e2e_execute_access_owner_public_shared_or_admin(void)
{
	struct resp	 r;
	char		*priv, *pub, *shared;

	priv = x_template(e2e_tok_alice(), "exec-private", SCHEMA_MEMBERS);
	pub = x_template(e2e_tok_alice(), "exec-public",
	    "\"is_public\":true," FAST_STEPS);
	shared = x_template(e2e_tok_alice(), "exec-shared",
	    "\"shared_with\":[\"bob\"]," FAST_STEPS);
	CU_ASSERT_FATAL(priv != NULL && pub != NULL && shared != NULL);
	/* Another user's private template: 403, before input checks. */
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_bob(), NULL, &r,
	    "{\"template_id\":\"%s\",\"input_data\":{\"amount\":-1}}", priv),
	    0);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, "{\"detail\":\"Access denied\"}");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_bob(), NULL, &r,
	    "{\"template_id\":\"%s\",\"input_data\":{\"a\":1}}", pub), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_bob(), NULL, &r,
	    "{\"template_id\":\"%s\",\"input_data\":{\"a\":1}}", shared), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	/* Shared with bob is not shared with carol. */
	CU_ASSERT_EQUAL_FATAL(post(x_tok("carol"), NULL, &r,
	    "{\"template_id\":\"%s\"}", shared), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	X_STREQ(r.body, "{\"detail\":\"Access denied\"}");
	resp_free(&r);
	/* Admin may run anyone's template; the execution is the admin's. */
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_admin(), "?dry_run=false", &r,
	    "{\"template_id\":\"%s\",\"input_data\":{\"amount\":1,"
	    "\"currency\":\"EUR\"}}", priv), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	free(priv);
	free(pub);
	free(shared);
}

static void
test_e2e_execute_input_schema_errors_are_all_listed(void)
{
	struct resp	 r;
	char		*tid, body[512];

	tid = x_template(e2e_tok_alice(), "exec-schema", SCHEMA_MEMBERS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"input_data\":"
	    "{\"amount\":-1,\"zz\":1,\"n\":{\"k\":\"s\"}}}", tid);
	expect_422(body, "{\"detail\":[{\"type\":\"greater_than_equal\","
	    "\"loc\":[\"body\",\"input_data\",\"amount\"],\"msg\":\"Input "
	    "should be greater than or equal to 0\",\"input\":-1,\"ctx\":"
	    "{\"ge\":0}},{\"type\":\"missing\",\"loc\":[\"body\","
	    "\"input_data\",\"currency\"],\"msg\":\"Field required\","
	    "\"input\":{\"amount\":-1,\"zz\":1,\"n\":{\"k\":\"s\"}}},"
	    "{\"type\":\"int_type\",\"loc\":[\"body\",\"input_data\",\"n\","
	    "\"k\"],\"msg\":\"Input should be a valid integer\",\"input\":"
	    "\"s\"},{\"type\":\"extra_forbidden\",\"loc\":[\"body\","
	    "\"input_data\",\"zz\"],\"msg\":\"Extra inputs are not "
	    "permitted\",\"input\":1}]}");
	/* No input_data is {}: both required fields are missing. */
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\"}", tid);
	expect_422(body, "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\","
	    "\"input_data\",\"amount\"],\"msg\":\"Field required\",\"input\":"
	    "{}},{\"type\":\"missing\",\"loc\":[\"body\",\"input_data\","
	    "\"currency\"],\"msg\":\"Field required\",\"input\":{}}]}");
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), NULL, &r,
	    "{\"template_id\":\"%s\",\"input_data\":{\"amount\":2.5,"
	    "\"currency\":\"USD\",\"n\":{\"k\":3}}}", tid), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	free(tid);
}

static void
test_e2e_execute_dry_run_validates_without_creating(void)
{
	struct resp	 r;
	char		*tid, q[128];

	tid = x_template(e2e_tok_alice(), "exec-dry", SCHEMA_MEMBERS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(q, sizeof(q), "template_id=%s", tid);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), "?dry_run=true", &r,
	    "{\"template_id\":\"%s\",\"execution_name\":\"%s\","
	    "\"input_data\":{\"amount\":1,\"currency\":\"USD\"}}", tid,
	    x_run("dry-1")), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	X_STREQ(r.body, "{\"valid\":true,\"template_version\":1}");
	CU_ASSERT_PTR_NULL(resp_header(&r, "Location"));
	resp_free(&r);
	CU_ASSERT_EQUAL(x_count(e2e_tok_alice(), q, NULL), 0);
	/* Every check runs: the input schema ... */
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), "?dry_run=1", &r,
	    "{\"template_id\":\"%s\",\"input_data\":{\"amount\":1}}", tid), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(x_str(r.json, "detail.0.type"), "missing");
	resp_free(&r);
	/* ... access and the template's existence. */
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_bob(), "?dry_run=true", &r,
	    "{\"template_id\":\"%s\"}", tid), 0);
	CU_ASSERT_EQUAL(r.status, 403);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), "?dry_run=true", &r,
	    "{\"template_id\":\"nope\"}"), 0);
	CU_ASSERT_EQUAL(r.status, 404);
	resp_free(&r);
	CU_ASSERT_EQUAL(x_count(e2e_tok_alice(), q, NULL), 0);
	/* The name was not reserved by the dry run. */
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), "?dry_run=false", &r,
	    "{\"template_id\":\"%s\",\"execution_name\":\"%s\","
	    "\"input_data\":{\"amount\":2,\"currency\":\"EUR\"}}", tid,
	    x_run("dry-1")), 0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	CU_ASSERT_EQUAL(x_count(e2e_tok_alice(), q, NULL), 1);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), "?dry_run=maybe", &r,
	    "{\"template_id\":\"%s\"}", tid), 0);
	CU_ASSERT_EQUAL(r.status, 400);
	X_STREQ(r.body,
	    "{\"detail\":\"dry_run must be true or false\"}");
	resp_free(&r);
	CU_ASSERT_EQUAL(x_count(e2e_tok_alice(), q, NULL), 1);
	free(tid);
}

static void
test_e2e_execute_prefer_wait_answers_200_with_the_document(void)
{
	static const char *const prefer[] = { "Prefer: wait=5", NULL };
	struct resp	 r;
	char		 body[256];

	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"input_data\":{\"a\":21}}", fast_tid());
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, prefer, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	X_STREQ(resp_str(&r, "status"), "completed");
	X_STREQ(resp_str(&r, "user_id"), "alice");
	X_STREQ(x_json(x_at(r.json, "final_result")),
	    "{\"a\":{\"n\":42}}");
	X_STREQ(x_str(r.json, "steps.0.status"), "completed");
	CU_ASSERT_TRUE(x_null(r.json, "error_details"));
	CU_ASSERT_TRUE(x_is_time(resp_str(&r, "completed_at")));
	CU_ASSERT_PTR_NOT_NULL(resp_header(&r, "Location"));
	resp_free(&r);
}

static void
test_e2e_execute_prefer_wait_times_out_into_202(void)
{
	static const char *const prefer[] = { "Prefer: wait=1", NULL };
	struct resp	 r;
	char		*tid, body[256];

	tid = x_template(e2e_tok_alice(), "exec-delay3", DELAY_STEPS(3));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\"}", tid);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, prefer, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_EQUAL(x_nkeys(r.json, ""), 6);
	CU_ASSERT_TRUE(x_eq(resp_str(&r, "status"), "pending") ||
	    x_eq(resp_str(&r, "status"), "running"));
	/* The request was held for the second asked for. */
	CU_ASSERT_TRUE(r.seconds >= 0.9);
	if (resp_str(&r, "execution_id") != NULL)
		CU_ASSERT_EQUAL(x_cancel(e2e_tok_alice(),
		    resp_str(&r, "execution_id")), 202);
	resp_free(&r);
	free(tid);
}

static void
test_e2e_execute_request_id_is_echoed_when_safe(void)
{
	const char	*h1[] = { "X-Request-Id: abc-123:x.Y_z", NULL };
	const char	*h2[] = { "X-Request-Id: abc 123", NULL };
	char		 long_id[80], line[128];
	const char	*h3[] = { line, NULL };
	struct resp	 r;

	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, "[]", h1, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(resp_header(&r, "X-Request-Id"),
	    "abc-123:x.Y_z");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, "[]", h2, &r), 0);
	CU_ASSERT_TRUE(x_is_uuid(resp_header(&r, "X-Request-Id")));
	resp_free(&r);
	/* 64 characters are kept, 65 replaced. */
	memset(long_id, 'r', 64);
	long_id[64] = '\0';
	snprintf(line, sizeof(line), "X-Request-Id: %s", long_id);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, "[]", h3, &r), 0);
	X_STREQ(resp_header(&r, "X-Request-Id"), long_id);
	resp_free(&r);
	snprintf(line, sizeof(line), "X-Request-Id: %sr", long_id);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, "[]", h3, &r), 0);
	CU_ASSERT_TRUE(x_is_uuid(resp_header(&r, "X-Request-Id")));
	resp_free(&r);
}

E2E_SUITE(test_e2e_execute_register)

void
test_e2e_execute_register(void)
{
	CU_pSuite	s = CU_add_suite("execute", NULL, NULL);

#define T(name)	CU_add_test(s, #name, test_e2e_execute_##name)
	T(new_is_202_with_location_and_summary);
	T(template_version_is_the_current_one);
	T(stale_worker_caches_follow_put_and_delete);
	T(generated_names_replace_invalid_characters);
	T(generated_name_of_long_template_fits_128);
	T(missing_template_id_is_422_missing);
	T(every_validation_error_is_listed);
	T(execution_name_pattern_and_length);
	T(workflow_name_is_an_alias);
	T(input_data_must_be_an_object);
	T(body_not_json_is_json_invalid_at_offset);
	T(non_object_body_is_model_type);
	T(duplicate_keys_last_one_wins);
	T(non_json_content_type_is_415);
	T(body_over_1_mib_is_413_json);
	T(unknown_or_deleted_template_is_404);
	T(access_owner_public_shared_or_admin);
	T(input_schema_errors_are_all_listed);
	T(dry_run_validates_without_creating);
	T(prefer_wait_answers_200_with_the_document);
	T(prefer_wait_times_out_into_202);
	T(request_id_is_echoed_when_safe);
#undef T
}
