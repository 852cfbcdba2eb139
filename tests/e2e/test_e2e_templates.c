/*
 * Templates (api.md "Templates", engine.md "Template definition"):
 * POST creates version 1 and answers the stored document; every rule of
 * the definition is checked before anything is stored, and each broken
 * rule comes back as a 422 error located exactly where it is. Reading,
 * changing, deleting, sharing and listing: test_e2e_tmpl_access.c.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"

/* JSON helpers shared by the suites (e2e_util.c). */
#define js	e2e_js
#define member	e2e_member
#define mjs	e2e_mjs

#define TMPL_PATH	"/workflow-management/templates"
#define BUF_MAX		(256 * 1024)
#define SECRETS_MSG	"'Value error, secrets may only be used in an "	\
			"http step\"s request or a command step\"s input'"

/*
 * JSON written with ' for " (and " for ') so that bodies stay readable in
 * C; the result lives in one of a few rotating static buffers.
 */
static const char *
J(const char *s)
{
	static char	 buf[4][BUF_MAX];
	static int	 k;
	char		*b = buf[k++ % 4], *p;

	snprintf(b, BUF_MAX, "%s", s);
	for (p = b; *p != '\0'; p++) {
		if (*p == '\'')
			*p = '"';
		else if (*p == '"')
			*p = '\'';
	}
	return b;
}

static int
matches(const char *s, const char *re)
{
	regex_t	 rx;
	int	 ok;

	if (s == NULL || regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

static int
post(const char *token, const char *body, struct resp *r)
{
	return e2e_req("POST", TMPL_PATH, token, body, NULL, r);
}

/*
 * POST body as alice and expect 422 with exactly the errors of want, in
 * order: a JSON array of [type, loc, msg] or [type, loc, msg, input].
 * A msg starting with "~" only has to end the real message (the prefix
 * of expression messages is not part of this contract).
 */
static void
expect_422(const char *body, const char *want_json)
{
	struct json_object	*want, *w, *d, *e;
	struct resp		 r;
	const char		*msg, *exp;
	size_t			 i, n, lm, le;
	int			 ok = 1;

	want = json_tokener_parse(want_json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), body, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	d = member(r.json, "detail");
	n = json_object_array_length(want);
	if (!json_object_is_type(d, json_type_array) ||
	    json_object_array_length(d) != n)
		ok = 0;
	for (i = 0; ok && i < n; i++) {
		w = json_object_array_get_idx(want, i);
		e = json_object_array_get_idx(d, i);
		msg = json_object_get_string(member(e, "msg"));
		exp = json_object_get_string(json_object_array_get_idx(w, 2));
		if (strcmp(json_object_get_string(json_object_array_get_idx(w,
		    0)), json_object_get_string(member(e, "type"))) != 0 ||
		    !json_object_equal(json_object_array_get_idx(w, 1),
		    member(e, "loc")) || msg == NULL)
			ok = 0;
		else if (exp[0] == '~') {
			lm = strlen(msg);
			le = strlen(exp + 1);
			ok = lm >= le && strcmp(msg + lm - le, exp + 1) == 0;
		} else
			ok = strcmp(msg, exp) == 0;
		if (ok && json_object_array_length(w) > 3)
			ok = json_object_equal(json_object_array_get_idx(w, 3),
			    member(e, "input"));
	}
	CU_ASSERT(ok);
	if (!ok || r.status != 422)
		fprintf(stderr, "\nbody: %.300s\nwant: %s\ngot:  %ld %.2000s\n",
		    body, want_json, r.status, r.body);
	resp_free(&r);
	json_object_put(want);
}

/* POST as token and expect 201; returns the template id (owned). */
static char *
expect_201(const char *token, const char *body)
{
	struct resp	 r;
	char		*id = NULL;

	CU_ASSERT_EQUAL_FATAL(post(token, body, &r), 0);
	CU_ASSERT_EQUAL(r.status, 201);
	if (r.status == 201 && resp_str(&r, "template_id") != NULL)
		id = strdup(resp_str(&r, "template_id"));
	else
		fprintf(stderr, "\nbody: %.300s\ngot: %ld %.1000s\n", body,
		    r.status, r.body);
	resp_free(&r);
	return id;
}

/* ---- creation ------------------------------------------------------ */

static void
test_e2e_tmpl_create_answers_201_location_and_document(void)
{
	static const char *const fields[] = { "name", "description",
	    "input_schema", "global_config", "steps", "output" };
	struct json_object	*sent, *got;
	struct resp		 r, g;
	const char		*body, *id, *loc;
	char			 want[256], path[256];
	size_t			 i;

	body = J("{'name': 'tmpl-create', 'description': 'Double a number',"
	    " 'input_schema': {'type': 'object', 'required': ['n'],"
	    "  'properties': {'n': {'type': 'integer', 'minimum': 0}}},"
	    " 'global_config': {'timeout_seconds': 60, 'max_parallel': 2},"
	    " 'steps': [{'id': 'double', 'type': 'transform',"
	    "  'output': {'n': '{{ input.n * 2 }}'}},"
	    "  {'id': 'wait', 'type': 'delay', 'seconds': 0,"
	    "   'depends_on': ['double'], 'timeout_seconds': 5}],"
	    " 'output': {'r': '{{ steps.double.output.n }}'}}");
	sent = json_tokener_parse(body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sent);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), body, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	got = r.json;
	id = resp_str(&r, "template_id");
	CU_ASSERT_FATAL(matches(id, "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
	    "[0-9a-f]{4}-[0-9a-f]{12}$"));
	snprintf(want, sizeof(want), "/api/v1/workflow-management/templates/"
	    "%s", id);
	loc = resp_header(&r, "Location");
	CU_ASSERT_PTR_NOT_NULL(loc);
	if (loc != NULL)
		CU_ASSERT_STRING_EQUAL(loc, want);
	CU_ASSERT(matches(resp_header(&r, "Content-Type"),
	    "^application/json"));
	CU_ASSERT_STRING_EQUAL(mjs(got, "version"), "1");
	CU_ASSERT_STRING_EQUAL(mjs(got, "owner_id"), "\"alice\"");
	CU_ASSERT_STRING_EQUAL(mjs(got, "is_public"), "false");
	CU_ASSERT_STRING_EQUAL(mjs(got, "shared_with"), "[]");
	CU_ASSERT(matches(resp_str(&r, "created_at"), "^[0-9]{4}-[0-9]{2}-"
	    "[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"));
	CU_ASSERT_STRING_EQUAL(mjs(got, "updated_at"),
	    mjs(got, "created_at"));
	/* The definition comes back as sent, and nothing else is added. */
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		CU_ASSERT(json_object_equal(member(sent, fields[i]),
		    member(got, fields[i])));
	}
	CU_ASSERT_EQUAL(json_object_object_length(got), 13);

	/* GET answers the same document. */
	snprintf(path, sizeof(path), TMPL_PATH "/%s", id);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_alice(), NULL,
	    NULL, &g), 0);
	CU_ASSERT_EQUAL(g.status, 200);
	CU_ASSERT(json_object_equal(g.json, got));
	resp_free(&g);
	resp_free(&r);
	json_object_put(sent);
}

static void
test_e2e_tmpl_create_keeps_is_public_and_shared_with(void)
{
	struct resp	r;

	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), J("{'name': 'tmpl-pub',"
	    " 'is_public': true, 'shared_with': ['zed', 'bob', 'bob'],"
	    " 'steps': [{'id': 'a', 'type': 'transform', 'output': 1}]}"),
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "is_public"), "true");
	/* Stored as a set, shown sorted to the owner. */
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "shared_with"), "[\"bob\",\"zed\"]");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "steps"), "[{\"id\":\"a\","
	    "\"type\":\"transform\",\"output\":1}]");
	resp_free(&r);
}

static void
test_e2e_tmpl_create_accepts_100_steps_rejects_0_and_101(void)
{
	static char	 body[BUF_MAX];
	size_t		 n;
	char		*id;
	int		 i;

	/* A chain s0 <- s1 <- ... <- s99 at the limit is fine. */
	n = (size_t)snprintf(body, sizeof(body), "{\"name\":\"tmpl-100\","
	    "\"steps\":[");
	for (i = 0; i < 100; i++) {
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s{\"id\":"
		    "\"s%d\",\"type\":\"transform\",\"output\":%d",
		    i > 0 ? "," : "", i, i);
		if (i > 0)
			n += (size_t)snprintf(body + n, sizeof(body) - n,
			    ",\"depends_on\":[\"s%d\"]", i - 1);
		n += (size_t)snprintf(body + n, sizeof(body) - n, "}");
	}
	snprintf(body + n, sizeof(body) - n, "]}");
	id = expect_201(e2e_tok_alice(), body);
	CU_ASSERT_PTR_NOT_NULL(id);
	free(id);

	n = (size_t)snprintf(body, sizeof(body), "{\"name\":\"tmpl-101\","
	    "\"steps\":[");
	for (i = 0; i < 101; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s{\"id\":"
		    "\"s%d\",\"type\":\"transform\",\"output\":%d}",
		    i > 0 ? "," : "", i, i);
	snprintf(body + n, sizeof(body) - n, "]}");
	expect_422(body, J("[['too_long', ['body', 'steps'], 'List should "
	    "have at most 100 items after validation, not 101']]"));
	expect_422(J("{'name': 'x', 'steps': []}"), J("[['too_short', "
	    "['body', 'steps'], 'List should have at least 1 item after "
	    "validation, not 0', []]]"));
	expect_422(J("{'name': 'x'}"), J("[['missing', ['body', 'steps'], "
	    "'Field required', {'name': 'x'}]]"));
}

/* ---- structure: ids, types, dependencies --------------------------- */

static void
test_e2e_tmpl_rejects_duplicate_step_id(void)
{
	expect_422(J("{'name': 'x', 'steps': ["
	    "{'id': 'a', 'type': 'transform', 'output': 1},"
	    "{'id': 'b', 'type': 'transform', 'output': 2},"
	    "{'id': 'a', 'type': 'transform', 'output': 3}]}"),
	    J("[['value_error', ['body', 'steps', 2, 'id'], "
	    "'Value error, duplicate step id \"a\"', 'a']]"));
	expect_422(J("{'name': 'x', 'steps': [{'id': 'Bad-Id', 'type': "
	    "'transform', 'output': 1}]}"), J("[['string_pattern_mismatch',"
	    " ['body', 'steps', 0, 'id'], "
	    "'String should match pattern \"^[a-z][a-z0-9_]{0,62}$\"', "
	    "'Bad-Id']]"));
}

static void
test_e2e_tmpl_rejects_unknown_step_type(void)
{
	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': 'shell',"
	    " 'output': 1}]}"), J("[['literal_error', ['body', 'steps', 0, "
	    "'type'], "
	    "'Input should be \"transform\", \"http\", \"command\", "
	    "\"delay\", \"map\", \"workflow\" or \"wait\"', 'shell']]"));
	/* A field of no step type is extra; one of another type too. */
	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': "
	    "'transform', 'output': 1, 'handler': 'echo-json', 'cmd': 'ls'}]}"),
	    J("[['extra_forbidden', ['body', 'steps', 0, 'handler'], "
	    "'Extra inputs are not permitted', 'echo-json'],"
	    "['extra_forbidden', ['body', 'steps', 0, 'cmd'], "
	    "'Extra inputs are not permitted', 'ls']]"));
}

static void
test_e2e_tmpl_rejects_unknown_dependency_at_its_index(void)
{
	expect_422(J("{'name': 'x', 'steps': ["
	    "{'id': 'a', 'type': 'transform', 'output': 1},"
	    "{'id': 'b', 'type': 'transform', 'output': 2},"
	    "{'id': 'c', 'type': 'transform', 'output': 3,"
	    " 'depends_on': ['nope', 'a']}]}"),
	    J("[['value_error', ['body', 'steps', 2, 'depends_on', 0], "
	    "'Value error, unknown step \"nope\" in depends_on', 'nope']]"));
	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': "
	    "'transform', 'output': 1, 'depends_on': ['a']}]}"),
	    J("[['value_error', ['body', 'steps', 0, 'depends_on', 0], "
	    "'Value error, step \"a\" cannot depend on itself', 'a']]"));
}

static void
test_e2e_tmpl_rejects_cycle_as_one_error_naming_its_steps(void)
{
	struct resp	r;
	const char	*body;

	body = J("{'name': 'x', 'steps': ["
	    "{'id': 'a', 'type': 'transform', 'output': 1, 'depends_on': ['b']},"
	    "{'id': 'b', 'type': 'transform', 'output': 2, 'depends_on': ['c']},"
	    "{'id': 'c', 'type': 'transform', 'output': 3, 'depends_on': ['a']},"
	    "{'id': 'd', 'type': 'transform', 'output': 4}]}");
	expect_422(body, J("[['value_error', ['body', 'steps'], "
	    "'Value error, dependency cycle: a -> b -> c -> a']]"));
	/* The input of the error is the whole steps list. */
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), body, &r), 0);
	CU_ASSERT_EQUAL(json_object_array_length(member(
	    json_object_array_get_idx(member(r.json, "detail"), 0), "input")),
	    4);
	resp_free(&r);
}

/* ---- step fields ---------------------------------------------------- */

static void
test_e2e_tmpl_rejects_bad_handler_name(void)
{
	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': 'command',"
	    " 'handler': '../../bin/sh'}, {'id': 'b', 'type': 'command',"
	    " 'handler': 'Echo'}, {'id': 'c', 'type': 'command'}]}"),
	    J("[['string_pattern_mismatch', ['body', 'steps', 0, 'handler'], "
	    "'String should match pattern \"^[a-z0-9][a-z0-9_-]*$\"', "
	    "'../../bin/sh'], ['string_pattern_mismatch', ['body', 'steps', "
	    "1, 'handler'], "
	    "'String should match pattern \"^[a-z0-9][a-z0-9_-]*$\"', "
	    "'Echo'], ['missing', ['body', "
	    "'steps', 2, 'handler'], 'Field required']]"));
}

static void
test_e2e_tmpl_rejects_http_method_and_url_scheme(void)
{
	char	*id;

	/* Every error is listed, not just the first. */
	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': 'http', "
	    "'request': {'method': 'TRACE', 'url': 'ftp://files.example/x'}},"
	    " {'id': 'b', 'type': 'http', 'request': {'method': 'get', "
	    "'url': 'file:///etc/passwd'}}, {'id': 'c', 'type': 'http', "
	    "'request': {'method': 'GET'}}]}"),
	    J("[['literal_error', ['body', 'steps', 0, 'request', 'method'], "
	    "'Input should be \"GET\", \"POST\", \"PUT\", \"PATCH\" or \"DELETE\"', "
	    "'TRACE'], ['value_error', ['body', 'steps', 0, 'request', "
	    "'url'], 'Value error, url must start with http:// or https://', "
	    "'ftp://files.example/x'], ['literal_error', ['body', 'steps', 1,"
	    " 'request', 'method'], "
	    "'Input should be \"GET\", \"POST\", \"PUT\", \"PATCH\" or "
	    "\"DELETE\"', 'get'], ['value_error', ['body', 'steps',"
	    " 1, 'request', 'url'], 'Value error, url must start with "
	    "http:// or https://', 'file:///etc/passwd'], ['missing', "
	    "['body', 'steps', 2, 'request', 'url'], 'Field required']]"));
	/* A URL that is one expression is checked when it runs. */
	id = expect_201(e2e_tok_alice(), J("{'name': 'x', 'steps': [{'id': "
	    "'a', 'type': 'http', 'request': {'method': 'PATCH', "
	    "'url': '{{ input.url }}'}}, {'id': 'b', 'type': 'http', "
	    "'request': {'method': 'DELETE', 'url': 'HTTPS://x.example/'}}]}"));
	CU_ASSERT_PTR_NOT_NULL(id);
	free(id);
}

static void
test_e2e_tmpl_rejects_retry_out_of_range(void)
{
	char	*id;

	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': "
	    "'transform', 'output': 1, 'retry': {'max_attempts': 0, "
	    "'backoff_coefficient': 0.5}}, {'id': 'b', 'type': 'transform', "
	    "'output': 1, 'retry': {'max_attempts': 21, 'jitter': true}}]}"),
	    J("[['greater_than_equal', ['body', 'steps', 0, 'retry', "
	    "'max_attempts'], 'Input should be greater than or equal to 1', 0],"
	    " ['greater_than_equal', ['body', 'steps', 0, 'retry', "
	    "'backoff_coefficient'], 'Input should be greater than or equal "
	    "to 1', 0.5], ['less_than_equal', ['body', 'steps', 1, 'retry', "
	    "'max_attempts'], 'Input should be less than or equal to 20', 21],"
	    " ['extra_forbidden', ['body', 'steps', 1, 'retry', 'jitter'], "
	    "'Extra inputs are not permitted', true]]"));
	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': 'delay', "
	    "'seconds': 1, 'retry': {'max_attempts': '3'}}]}"),
	    J("[['int_type', ['body', 'steps', 0, 'retry', 'max_attempts'], "
	    "'Input should be a valid integer', '3']]"));
	/* Both ends of the range are accepted. */
	id = expect_201(e2e_tok_alice(), J("{'name': 'x', 'steps': [{'id': "
	    "'a', 'type': 'delay', 'seconds': 0, 'retry': {'max_attempts': "
	    "1, 'backoff_coefficient': 1}}, {'id': 'b', 'type': 'delay', "
	    "'seconds': 0, 'retry': {'max_attempts': 20}}]}"));
	CU_ASSERT_PTR_NOT_NULL(id);
	free(id);
}

/* ---- expressions and secrets ---------------------------------------- */

static void
test_e2e_tmpl_rejects_expression_syntax_where_it_is(void)
{
	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': "
	    "'transform', 'output': {'ok': '{{ input.a }}', "
	    "'x': '{{ input.a + }}', 'y': 'n={{ input.a'}}, {'id': 'b', "
	    "'type': 'transform', 'when': '{{ == 1 }}', 'output': 1}], "
	    "'output': {'r': ['fine', '{{ (1 }}']}}"),
	    J("[['value_error', ['body', 'steps', 0, 'output', 'x'], "
	    "'~unexpected end of expression at column 13', '{{ input.a + }}'],"
	    " ['value_error', ['body', 'steps', 0, 'output', 'y'], "
	    "'~unterminated \"{{\" at column 2', 'n={{ input.a'], "
	    "['value_error', ['body', 'steps', 1, 'when'], "
	    "'~unexpected \"==\" at column 3', '{{ == 1 }}'], ['value_error',"
	    " ['body', 'output', 'r', 1], '~expected \")\" at column 6 to "
	    "close \"(\" at column 3', '{{ (1 }}']]"));
	/* A when without any expression is a mistake too. */
	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': "
	    "'transform', 'when': 'true', 'output': 1}]}"),
	    J("[['value_error', ['body', 'steps', 0, 'when'], 'Value error, "
	    "when must contain an expression {{ ... }}', 'true']]"));
}

static void
test_e2e_tmpl_secrets_only_in_http_request_and_command_input(void)
{
	char	*id;

	expect_422(J("{'name': 'x', 'steps': [{'id': 'a', 'type': "
	    "'transform', 'output': {'t': 'Bearer {{ secrets.TOKEN }}'}}, "
	    "{'id': 'b', 'type': 'delay', 'seconds': 0, "
	    "'when': '{{ secrets.TOKEN == 1 }}'}], "
	    "'output': ['{{ secrets.TOKEN }}']}"),
	    J("[['value_error', ['body', 'steps', 0, 'output', 't'], "
	    SECRETS_MSG ", 'Bearer {{ secrets.TOKEN }}'], ['value_error', "
	    "['body', 'steps', 1, 'when'], " SECRETS_MSG "], ['value_error', "
	    "['body', 'output', 0], " SECRETS_MSG "]]"));
	id = expect_201(e2e_tok_alice(), J("{'name': 'x', 'steps': [{'id': "
	    "'a', 'type': 'http', 'request': {'method': 'POST', 'url': "
	    "'https://pay.example/charges', 'headers': {'Authorization': "
	    "'Bearer {{ secrets.PAY_TOKEN }}'}, 'body': {'k': "
	    "'{{ secrets.PAY_KEY }}'}}}, {'id': 'b', 'type': 'command', "
	    "'handler': 'echo-json', 'input': {'key': '{{ secrets.KEY }}'}}]}"));
	CU_ASSERT_PTR_NOT_NULL(id);
	free(id);
}

/* ---- input_schema and the top level ------------------------------------ */

static void
test_e2e_tmpl_rejects_unknown_input_schema_keyword(void)
{
	/* 2020-12: unknown keywords are annotations; bad values are not. */
	expect_422(J("{'name': 'x', 'input_schema': {'type': 'object', "
	    "'x-note': 1, 'properties': {'mail': {'type': 'string', "
	    "'format': 5}}}, "
	    "'steps': [{'id': 'a', 'type': 'transform', 'output': 1}]}"),
	    J("[['value_error', ['body', 'input_schema', 'properties', 'mail',"
	    " 'format'], 'Value error, \"format\" must be a string', 5]]"));
	expect_422(J("{'name': 'x', 'input_schema': ['type', 'object'], "
	    "'steps': [{'id': 'a', 'type': 'transform', 'output': 1}]}"),
	    J("[['dict_type', ['body', 'input_schema'], 'Input should be a "
	    "valid dictionary', ['type', 'object']]]"));
}

static void
test_e2e_tmpl_rejects_extra_and_mistyped_top_level_fields(void)
{
	struct resp	r;

	expect_422(J("{'name': 'x', 'owner_id': 'mallory', 'version': 7, "
	    "'steps': [{'id': 'a', 'type': 'transform', 'output': 1}]}"),
	    J("[['extra_forbidden', ['body', 'owner_id'], 'Extra inputs are "
	    "not permitted', 'mallory'], ['extra_forbidden', ['body', "
	    "'version'], 'Extra inputs are not permitted', 7]]"));
	expect_422(J("{'name': '', 'is_public': 'yes', 'shared_with': 'bob',"
	    " 'global_config': {'max_parallel': 0, 'workers': 3}, "
	    "'steps': [{'id': 'a', 'type': 'transform', 'output': 1}]}"),
	    J("[['string_too_short', ['body', 'name'], 'String should have at"
	    " least 1 character', ''], ['greater_than_equal', ['body', "
	    "'global_config', 'max_parallel'], 'Input should be greater than "
	    "or equal to 1', 0], ['extra_forbidden', ['body', "
	    "'global_config', 'workers'], 'Extra inputs are not permitted', "
	    "3], ['bool_type', ['body', 'is_public'], 'Input should be a "
	    "valid boolean', 'yes'], ['list_type', ['body', 'shared_with'], "
	    "'Input should be a valid list', 'bob']]"));
	/* Not JSON, not an object, not JSON at all by its type. */
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), "{\"name\": ", &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_STRING_EQUAL(js(member(json_object_array_get_idx(member(
	    r.json, "detail"), 0), "type")), "\"json_invalid\"");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), "[1]", &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_STRING_EQUAL(js(member(json_object_array_get_idx(member(
	    r.json, "detail"), 0), "loc")), "[\"body\"]");
	CU_ASSERT_STRING_EQUAL(js(member(json_object_array_get_idx(member(
	    r.json, "detail"), 0), "type")), "\"model_type\"");
	resp_free(&r);
}

/*
 * JSON null for an optional field means "not given" (as in Pydantic with
 * Optional fields): no shares, not public, no concurrency limit. Once a
 * null shared_with crashed the worker and a null limit stored 0, which
 * kept every execution of the template pending for ever.
 */
static void
test_e2e_tmpl_null_optional_fields_mean_absent(void)
{
	struct json_object	*doc;
	struct resp		 r;
	char			 path[256], *id, *eid;
	const char		*body;

	body = J("{'name': 'tmpl-nulls', 'description': null, 'is_public': "
	    "null, 'shared_with': null, 'input_schema': null, "
	    "'global_config': {'max_concurrent_executions': null, "
	    "'max_parallel': null, 'timeout_seconds': null}, "
	    "'steps': [{'id': 'a', 'type': 'transform', 'output': 7, "
	    "'retry': null, 'depends_on': null, 'when': null}]}");
	CU_ASSERT_EQUAL_FATAL(post(e2e_tok_alice(), body, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "is_public"), "false");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "shared_with"), "[]");
	id = strdup(resp_str(&r, "template_id"));
	resp_free(&r);
	eid = e2e_execute(e2e_tok_alice(), id, "{}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL(doc);
	CU_ASSERT_STRING_EQUAL(mjs(doc, "status"), "\"completed\"");
	CU_ASSERT_STRING_EQUAL(mjs(doc, "final_result"), "{\"a\":7}");
	json_object_put(doc);
	/* The same for a new version. */
	snprintf(path, sizeof(path), TMPL_PATH "/%s", id);
	CU_ASSERT_EQUAL_FATAL(e2e_req("PUT", path, e2e_tok_alice(), body, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "version"), "2");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "shared_with"), "[]");
	resp_free(&r);
	free(eid);
	free(id);
}

static void
test_e2e_tmpl_rejected_template_is_not_stored(void)
{
	struct json_object	*items, *it;
	struct resp		 r;
	const char		*name = e2e_unique("tmpl-never");
	char			 body[512], *tok;
	size_t			 i;

	tok = e2e_token("h8-lonely", "workflow:read,template:write");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"steps\":[{\"id\":"
	    "\"a\",\"type\":\"nope\"}]}", name);
	CU_ASSERT_EQUAL_FATAL(post(tok, body, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", TMPL_PATH "?limit=100", tok, NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	items = member(r.json, "items");
	CU_ASSERT_PTR_NOT_NULL(items);
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		CU_ASSERT_STRING_NOT_EQUAL(mjs(it, "owner_id"),
		    "\"h8-lonely\"");
	}
	resp_free(&r);
	free(tok);
}

E2E_SUITE(test_e2e_templates_register)

/* ---- versions ------------------------------------------------------ */

/* method path as token: "<status> <body>" in a static buffer. */
static const char *
vanswer(const char *path, const char *token)
{
	static char	 buf[4096];
	struct resp	 r;

	if (e2e_req("GET", path, token, NULL, NULL, &r) != 0)
		return "transport error";
	snprintf(buf, sizeof(buf), "%ld %s", r.status, r.body);
	resp_free(&r);
	return buf;
}

/* The version numbers of a page, "[3,2]", and its next_cursor (owned). */
static const char *
vpage(const char *path, char **cursor)
{
	static char		 buf[256];
	struct json_object	*items, *it;
	struct resp		 r;
	size_t			 i, n = 0;
	int			 keys_ok = 1;

	*cursor = NULL;
	if (e2e_req("GET", path, e2e_tok_alice(), NULL, NULL, &r) != 0)
		return "transport error";
	CU_ASSERT_EQUAL(r.status, 200);
	items = member(r.json, "items");
	n = snprintf(buf, sizeof(buf), "[");
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		/* version, created_at, name, description: nothing else. */
		if (json_object_object_length(it) != 4 ||
		    !matches(json_object_get_string(member(it, "created_at")),
		    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z$"))
			keys_ok = 0;
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "," : "",
		    mjs(it, "version"));
	}
	snprintf(buf + n, sizeof(buf) - n, "]");
	CU_ASSERT(keys_ok);
	CU_ASSERT_EQUAL(json_object_object_length(r.json), 2);
	if (resp_str(&r, "next_cursor") != NULL)
		*cursor = strdup(resp_str(&r, "next_cursor"));
	else
		CU_ASSERT_STRING_EQUAL(mjs(r.json, "next_cursor"), "null");
	resp_free(&r);
	return buf;
}

static void
test_e2e_tmpl_versions_list_newest_first_and_paged(void)
{
	struct resp	 r;
	char		 base[256], path[512], *id, *cur, *cur2;
	const char	*v2 = J("{'name': 'tv-2', 'steps': [{'id': 'b',"
	    " 'type': 'transform', 'output': 2}]}");

	id = expect_201(e2e_tok_alice(), J("{'name': 'tv-1', 'description':"
	    " 'first', 'steps': [{'id': 'a', 'type': 'transform',"
	    " 'output': 1}]}"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	snprintf(base, sizeof(base), TMPL_PATH "/%s", id);
	CU_ASSERT_EQUAL_FATAL(e2e_req("PUT", base, e2e_tok_alice(), v2, NULL,
	    &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(e2e_req("PUT", base, e2e_tok_alice(),
	    J("{'name': 'tv-3', 'description': 'third', 'steps': [{'id': 'c',"
	    " 'type': 'transform', 'output': 3}]}"), NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);

	/* Everything in one page, newest first, with exact fields. */
	snprintf(path, sizeof(path), "%s/versions", base);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "next_cursor"), "null");
	CU_ASSERT_EQUAL(json_object_array_length(member(r.json, "items")), 3);
	CU_ASSERT(strncmp(e2e_js(json_object_array_get_idx(member(r.json,
	    "items"), 0)), "{\"version\":3,\"created_at\":\"", 27) == 0);
	CU_ASSERT_STRING_EQUAL(e2e_js(json_object_array_get_idx(member(r.json,
	    "items"), 0)) + strlen("{\"version\":3,\"created_at\":\"2026-01-01T"
	    "00:00:00.000Z\""), ",\"name\":\"tv-3\",\"description\":\"third\"}");
	CU_ASSERT_STRING_EQUAL(mjs(json_object_array_get_idx(member(r.json,
	    "items"), 1), "description"), "null");
	CU_ASSERT_STRING_EQUAL(mjs(json_object_array_get_idx(member(r.json,
	    "items"), 1), "name"), "\"tv-2\"");
	CU_ASSERT_STRING_EQUAL(mjs(json_object_array_get_idx(member(r.json,
	    "items"), 2), "description"), "\"first\"");
	resp_free(&r);
	CU_ASSERT_STRING_EQUAL(vpage(path, &cur), "[3,2,1]");
	CU_ASSERT_PTR_NULL(cur);

	/* Pages of two: [3,2] then [1], the cursor carried along. */
	snprintf(path, sizeof(path), "%s/versions?limit=2", base);
	CU_ASSERT_STRING_EQUAL(vpage(path, &cur), "[3,2]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cur);
	snprintf(path, sizeof(path), "%s/versions?limit=2&cursor=%s", base,
	    cur);
	CU_ASSERT_STRING_EQUAL(vpage(path, &cur2), "[1]");
	CU_ASSERT_PTR_NULL(cur2);
	/* A cursor is signed: one changed character is refused. */
	cur[0] = cur[0] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof(path), "%s/versions?limit=2&cursor=%s", base,
	    cur);
	CU_ASSERT_STRING_EQUAL(vanswer(path, e2e_tok_alice()),
	    "400 {\"detail\":\"Invalid cursor\"}");
	snprintf(path, sizeof(path), "%s/versions?limit=0", base);
	CU_ASSERT_STRING_EQUAL(vanswer(path, e2e_tok_alice()),
	    "400 {\"detail\":\"limit must be an integer from 1 to 100\"}");
	free(cur);
	free(id);
}

static void
test_e2e_tmpl_version_is_the_definition_as_it_was(void)
{
	static const char *const bad[] = { "4", "0", "-1", "01x", "abc",
	    "4294967296", "99999999999999999999" };
	struct json_object	*sent;
	struct resp		 r;
	char			 base[256], path[512], *id;
	const char		*v1;
	size_t			 i;

	v1 = J("{'name': 'tvd-1', 'description': 'as it was',"
	    " 'input_schema': {'type': 'object'},"
	    " 'steps': [{'id': 'a', 'type': 'transform', 'output': 1}],"
	    " 'output': {'r': '{{ steps.a.output }}'}}");
	sent = json_tokener_parse(v1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sent);
	id = expect_201(e2e_tok_alice(), v1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	snprintf(base, sizeof(base), TMPL_PATH "/%s", id);
	CU_ASSERT_EQUAL_FATAL(e2e_req("PUT", base, e2e_tok_alice(),
	    J("{'name': 'tvd-2', 'steps': [{'id': 'z', 'type': 'transform',"
	    " 'output': 9}]}"), NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);

	/* Version 1 after the PUT: exactly what was sent, plus three keys. */
	snprintf(path, sizeof(path), "%s/versions/1", base);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(resp_str(&r, "template_id"), id);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "version"), "1");
	CU_ASSERT(matches(resp_str(&r, "created_at"), "^[0-9]{4}-[0-9]{2}-"
	    "[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"));
	json_object_object_foreach(sent, key, val)
		CU_ASSERT(json_object_equal(val, member(r.json, key)));
	CU_ASSERT_EQUAL(json_object_object_length(r.json),
	    json_object_object_length(sent) + 3);
	resp_free(&r);
	snprintf(path, sizeof(path), "%s/versions/2", base);
	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", path, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "name"), "\"tvd-2\"");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "description"), "<absent>");
	CU_ASSERT_STRING_EQUAL(mjs(r.json, "steps"), "[{\"id\":\"z\","
	    "\"type\":\"transform\",\"output\":9}]");
	CU_ASSERT_EQUAL(json_object_object_length(r.json), 5);
	resp_free(&r);

	/* No such version, or not a version number at all: 404. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "%s/versions/%s", base, bad[i]);
		CU_ASSERT_STRING_EQUAL(vanswer(path, e2e_tok_alice()),
		    "404 {\"detail\":\"Version not found\"}");
	}
	json_object_put(sent);
	free(id);
}

static void
test_e2e_tmpl_versions_follow_read_access(void)
{
	static const char *const sfx[] = { "/versions", "/versions/1" };
	struct resp	 r;
	char		 base[256], path[512], *id;
	size_t		 i;

	id = expect_201(e2e_tok_alice(), J("{'name': 'tva', 'steps':"
	    " [{'id': 'a', 'type': 'transform', 'output': 1}]}"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	snprintf(base, sizeof(base), TMPL_PATH "/%s", id);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s%s", base, sfx[i]);
		/* bob has no access; a reader, the admin and alice have. */
		CU_ASSERT_STRING_EQUAL(vanswer(path, e2e_tok_bob()),
		    "403 {\"detail\":\"Access denied\"}");
		CU_ASSERT_EQUAL(atoi(vanswer(path, e2e_tok_reader())), 200);
		CU_ASSERT_EQUAL(atoi(vanswer(path, e2e_tok_admin())), 200);
		CU_ASSERT_EQUAL(atoi(vanswer(path, NULL)), 401);
		/* An unknown template: 404 whoever asks. */
		snprintf(path, sizeof(path), TMPL_PATH "/00000000-0000-4000-"
		    "8000-000000000000%s", sfx[i]);
		CU_ASSERT_STRING_EQUAL(vanswer(path, e2e_tok_bob()),
		    "404 {\"detail\":\"Template not found\"}");
	}
	/* Shared with bob in version 2: bob reads version 1 too. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("PUT", base, e2e_tok_alice(),
	    J("{'name': 'tva', 'shared_with': ['bob'], 'steps':"
	    " [{'id': 'a', 'type': 'transform', 'output': 2}]}"), NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	snprintf(path, sizeof(path), "%s/versions/1", base);
	CU_ASSERT_EQUAL(atoi(vanswer(path, e2e_tok_bob())), 200);
	/* Deleted: every version is gone with it. */
	CU_ASSERT_EQUAL_FATAL(e2e_req("DELETE", base, e2e_tok_alice(), NULL,
	    NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 204);
	resp_free(&r);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s%s", base, sfx[i]);
		CU_ASSERT_STRING_EQUAL(vanswer(path, e2e_tok_alice()),
		    "404 {\"detail\":\"Template not found\"}");
	}
	free(id);
}

void
test_e2e_templates_register(void)
{
	CU_pSuite	s = CU_add_suite("templates", NULL, NULL);

	CU_add_test(s, "create_answers_201_location_and_document",
	    test_e2e_tmpl_create_answers_201_location_and_document);
	CU_add_test(s, "create_keeps_is_public_and_shared_with",
	    test_e2e_tmpl_create_keeps_is_public_and_shared_with);
	CU_add_test(s, "create_accepts_100_steps_rejects_0_and_101",
	    test_e2e_tmpl_create_accepts_100_steps_rejects_0_and_101);
	CU_add_test(s, "rejects_duplicate_step_id",
	    test_e2e_tmpl_rejects_duplicate_step_id);
	CU_add_test(s, "rejects_unknown_step_type",
	    test_e2e_tmpl_rejects_unknown_step_type);
	CU_add_test(s, "rejects_unknown_dependency_at_its_index",
	    test_e2e_tmpl_rejects_unknown_dependency_at_its_index);
	CU_add_test(s, "rejects_cycle_as_one_error_naming_its_steps",
	    test_e2e_tmpl_rejects_cycle_as_one_error_naming_its_steps);
	CU_add_test(s, "rejects_bad_handler_name",
	    test_e2e_tmpl_rejects_bad_handler_name);
	CU_add_test(s, "rejects_http_method_and_url_scheme",
	    test_e2e_tmpl_rejects_http_method_and_url_scheme);
	CU_add_test(s, "rejects_retry_out_of_range",
	    test_e2e_tmpl_rejects_retry_out_of_range);
	CU_add_test(s, "rejects_expression_syntax_where_it_is",
	    test_e2e_tmpl_rejects_expression_syntax_where_it_is);
	CU_add_test(s, "secrets_only_in_http_request_and_command_input",
	    test_e2e_tmpl_secrets_only_in_http_request_and_command_input);
	CU_add_test(s, "rejects_unknown_input_schema_keyword",
	    test_e2e_tmpl_rejects_unknown_input_schema_keyword);
	CU_add_test(s, "rejects_extra_and_mistyped_top_level_fields",
	    test_e2e_tmpl_rejects_extra_and_mistyped_top_level_fields);
	CU_add_test(s, "null_optional_fields_mean_absent",
	    test_e2e_tmpl_null_optional_fields_mean_absent);
	CU_add_test(s, "rejected_template_is_not_stored",
	    test_e2e_tmpl_rejected_template_is_not_stored);
	CU_add_test(s, "versions_list_newest_first_and_paged",
	    test_e2e_tmpl_versions_list_newest_first_and_paged);
	CU_add_test(s, "version_is_the_definition_as_it_was",
	    test_e2e_tmpl_version_is_the_definition_as_it_was);
	CU_add_test(s, "versions_follow_read_access",
	    test_e2e_tmpl_versions_follow_read_access);
}
