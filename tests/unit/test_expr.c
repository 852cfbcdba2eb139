/*
 * Unit tests of the expression language (include/expr.h): parsing,
 * evaluation, "{{ }}" rendering, template checks and limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "common.h"
#include "expr.h"
#include "verr.h"

#define EXPR_PATH_SEGS	32	/* path segments the parser accepts */

void	test_expr_register(void);

static const char ctx_json[] =
    "{\"input\": {\"n\": 3, \"f\": 2.0, \"half\": 2.5, \"s\": \"hi\","
    " \"empty\": \"\", \"zero\": 0, \"items\": [10, 20, 30],"
    " \"matrix\": [[1, 2], [3, 4]], \"obj\": {\"a\": 1, \"b\": [1, 2]},"
    " \"obj2\": {\"b\": [1, 2.0], \"a\": 1.0}, \"obj3\": {\"a\": 1},"
    " \"min\": -9223372036854775808, \"max\": 9223372036854775807,"
    " \"huge\": 18446744073709551615, \"null\": \"kw\", \"nothing\": null,"
    " \"t\": true},"
    " \"steps\": {\"prepare\": {\"output\": {\"cents\": 1250,"
    " \"currency\": \"EUR\"}, \"status\": \"completed\"}},"
    " \"execution\": {\"id\": \"e-1\", \"name\": \"run\", \"user_id\": \"u-9\"},"
    " \"secrets\": {\"TOKEN\": \"s3cr3t\"}}";

static struct json_object *ctx;

static int
suite_init(void)
{
	return (ctx = json_tokener_parse(ctx_json)) == NULL;
}

static int
suite_fini(void)
{
	json_object_put(ctx);
	ctx = NULL;
	return 0;
}

/* Record an assertion at the caller's line, naming the expression. */
static void
ok(int cond, int line, const char *what, const char *src)
{
	char	 msg[512];

	snprintf(msg, sizeof(msg), "%s: %.400s", what, src);
	CU_assertImplementation(cond ? CU_TRUE : CU_FALSE, (unsigned)line, msg,
	    __FILE__, "", CU_FALSE);
}

/* Parse and evaluate src against c. */
static int
run_in(struct json_object *c, const char *src, size_t len,
    struct json_object **out, struct errmsg *err)
{
	struct expr	*e = NULL;
	int		 rc;

	err->text[0] = '\0';
	*out = NULL;
	if ((rc = expr_parse(src, len, &e, err)) != RC_OK)
		return rc;
	rc = expr_eval(e, c, out, err);
	expr_free(e);
	return rc;
}

static struct json_object *
run_ok(int line, const char *src, enum json_type type)
{
	struct json_object	*o = NULL;
	struct errmsg		 err;
	int			 rc;

	rc = run_in(ctx, src, strlen(src), &o, &err);
	ok(rc == RC_OK, line, err.text, src);
	ok(json_object_get_type(o) == type, line, "result type", src);
	return o;
}

static void
expect_int(int line, const char *src, int64_t want)
{
	struct json_object	*o = run_ok(line, src, json_type_int);

	ok(json_object_get_int64(o) == want, line, "integer value", src);
	json_object_put(o);
}

static void
expect_dbl(int line, const char *src, double want)
{
	struct json_object	*o = run_ok(line, src, json_type_double);

	ok(json_object_get_double(o) == want, line, "float value", src);
	json_object_put(o);
}

static void
expect_bool(int line, const char *src, int want)
{
	struct json_object	*o = run_ok(line, src, json_type_boolean);

	ok(json_object_get_boolean(o) == want, line, "boolean value", src);
	json_object_put(o);
}

static void
expect_str(int line, const char *src, const char *want, size_t wlen)
{
	struct json_object	*o = run_ok(line, src, json_type_string);

	ok((size_t)json_object_get_string_len(o) == wlen &&
	    memcmp(json_object_get_string(o), want, wlen) == 0, line,
	    "string value", src);
	json_object_put(o);
}

static void
expect_null(int line, const char *src)
{
	json_object_put(run_ok(line, src, json_type_null));
}

/* src fails (to parse or evaluate) with exactly the message want. */
static void
expect_err(int line, const char *src, size_t len, const char *want)
{
	struct json_object	*o = NULL;
	struct errmsg		 err;
	int			 rc;

	rc = run_in(ctx, src, len, &o, &err);
	ok(rc == RC_INVALID, line, "returns RC_INVALID", src);
	ok(o == NULL, line, "no result", src);
	ok(strcmp(err.text, want) == 0, line, err.text, src);
	json_object_put(o);
}

/* Render the string tmpl against c; it must give the string want. */
static void
expect_render(int line, struct json_object *c, const char *tmpl,
    const char *want)
{
	struct json_object	*v, *o = NULL;
	struct errmsg		 err = { "" };
	int			 rc;

	v = json_object_new_string(tmpl);
	rc = expr_render(v, c, &o, &err);
	ok(rc == RC_OK, line, err.text, tmpl);
	ok(json_object_is_type(o, json_type_string) &&
	    strcmp(json_object_get_string(o), want) == 0, line,
	    json_object_get_string(o), tmpl);
	json_object_put(o);
	json_object_put(v);
}

static void
expect_render_err(int line, const char *tmpl, const char *want)
{
	struct json_object	*v, *o = NULL;
	struct errmsg		 err = { "" };
	int			 rc;

	v = json_object_new_string(tmpl);
	rc = expr_render(v, ctx, &o, &err);
	ok(rc == RC_INVALID, line, "returns RC_INVALID", tmpl);
	ok(o == NULL, line, "leaves *out alone", tmpl);
	ok(strcmp(err.text, want) == 0, line, err.text, tmpl);
	json_object_put(v);
}

#define INT(s, w)	expect_int(__LINE__, (s), (w))
#define DBL(s, w)	expect_dbl(__LINE__, (s), (w))
#define BOOL(s, w)	expect_bool(__LINE__, (s), (w))
#define STR(s, w)	expect_str(__LINE__, (s), (w), sizeof(w) - 1)
#define NUL(s)		expect_null(__LINE__, (s))
#define ERR(s, w)	expect_err(__LINE__, (s), strlen(s), (w))
#define RENDER(c, t, w)	expect_render(__LINE__, (c), (t), (w))
#define RERR(t, w)	expect_render_err(__LINE__, (t), (w))

static void
test_expr_multiplication_binds_tighter_than_addition(void)
{
	INT("1 + 2 * 3", 7);
	BOOL("1 + 2 * 3 == 7", 1);
	INT("10 - 4 / 2", 8);
	INT("2 * 3 % 4", 2);
	INT("1 + 7 % 4", 4);
}

static void
test_expr_parentheses_override_precedence(void)
{
	INT("(1+2)*3", 9);
	INT("((1 + 2)) * (3 - 1)", 6);
	INT("2 * (3 % 2)", 2);
}

static void
test_expr_subtraction_is_left_associative(void)
{
	INT("10 - 3 - 2", 5);
	INT("100 / 10 / 5", 2);
	INT("17 % 10 % 4", 3);
}

static void
test_expr_and_binds_tighter_than_or(void)
{
	BOOL("true || false && false", 1);
	BOOL("(true || false) && false", 0);
	BOOL("1 < 2 == true", 1);
	BOOL("1 + 1 == 2 && 'a' != 'b'", 1);
	BOOL("!false == true", 1);
}

static void
test_expr_inexact_division_gives_float(void)
{
	DBL("7/2", 3.5);
	BOOL("7/2 == 3.5", 1);
	DBL("1 / 4", 0.25);
	DBL("-7 / 2", -3.5);
}

static void
test_expr_exact_division_gives_integer(void)
{
	INT("6/3", 2);
	INT("-9 / 3", -3);
	INT("input.n / 3", 1);
	DBL("6.0 / 3", 2.0);
	DBL("input.f / 2", 1.0);
}

static void
test_expr_integers_stay_integers(void)
{
	INT("input.n + 1", 4);
	INT("input.n * input.n - 2", 7);
	INT("input.max - 1", 9223372036854775806LL);
	DBL("input.n + 0.5", 3.5);
	DBL("input.f * 1", 2.0);
	DBL("1.5e2 + 1", 151.0);
	DBL("2E-1", 0.2);
}

static void
test_expr_modulo_truncates_like_c(void)
{
	INT("7 % 3", 1);
	INT("-7 % 3", -1);
	INT("7 % -3", 1);
	INT("input.min % -1", 0);
	DBL("7.5 % 2", 1.5);
}

static void
test_expr_unary_operators(void)
{
	INT("-3 + 1", -2);
	INT("--3", 3);
	INT("-input.n", -3);
	DBL("-input.half", -2.5);
	BOOL("!true", 0);
	BOOL("!0", 1);
	BOOL("!''", 1);
	BOOL("!'a'", 0);
	BOOL("!null", 1);
	BOOL("!!input.items", 1);
	BOOL("!input.nothing", 1);
}

static void
test_expr_string_literals_and_concat(void)
{
	STR("'a' + 'b'", "ab");
	STR("input.s + ', ' + execution.name", "hi, run");
	STR("'it\\'s \\\\ \\n\\t'", "it's \\ \n\t");
	STR("''", "");
	STR("'{{ }}'", "{{ }}");
}

static void
test_expr_literals_and_keywords(void)
{
	BOOL("true", 1);
	BOOL("false", 0);
	NUL("null");
	INT("0", 0);
	INT("9223372036854775807", 9223372036854775807LL);
	STR("input.null", "kw");
	BOOL("input.t", 1);
}

static void
test_expr_compares_numbers_numerically(void)
{
	BOOL("1 == 1.0", 1);
	BOOL("input.f == 2", 1);
	BOOL("2 < 2.5", 1);
	BOOL("3 >= input.n", 1);
	BOOL("input.n > 3", 0);
	BOOL("input.n <= 2.99", 0);
	BOOL("9007199254740993 > 9007199254740992.0", 1);
	BOOL("9007199254740993 == 9007199254740992.0", 0);
	BOOL("input.huge > input.max", 1);
	BOOL("input.min < -9223372036854775807", 1);
}

static void
test_expr_compares_strings_bytewise(void)
{
	BOOL("'abc' < 'abd'", 1);
	BOOL("'ab' < 'abc'", 1);
	BOOL("'B' < 'a'", 1);
	BOOL("'b' >= 'b'", 1);
	BOOL("input.s > 'hj'", 0);
}

static void
test_expr_equality_is_deep_and_by_value(void)
{
	BOOL("input.obj == input.obj2", 1);
	BOOL("input.obj != input.obj3", 1);
	BOOL("input.obj == input.obj3", 0);
	BOOL("input.matrix[1] == input.matrix[1]", 1);
	BOOL("input.matrix[0] == input.matrix[1]", 0);
	BOOL("input.items == input.obj", 0);
	BOOL("null == null", 1);
	BOOL("1 == '1'", 0);
	BOOL("true != 1", 1);
	BOOL("input.nope == null", 1);
	BOOL("input.nothing == null", 1);
	BOOL("steps.prepare.output.currency == 'EUR'", 1);
}

static void
test_expr_logic_short_circuits(void)
{
	BOOL("false && 'a' * 2", 0);
	BOOL("true || 1 / 0", 1);
	BOOL("input.nope && input.nope.x * 2", 0);
	ERR("true && 'a' * 2",
	    "operator '*' cannot apply to string and integer");
	ERR("false || 1 % 0", "modulo by zero");
}

static void
test_expr_logic_returns_booleans(void)
{
	BOOL("1 && 'x'", 1);
	BOOL("0 || ''", 0);
	BOOL("input.items || false", 1);
	BOOL("input.zero || input.empty", 0);
	BOOL("null || 0.5", 1);
}

static void
test_expr_missing_path_is_null(void)
{
	NUL("input.nope");
	NUL("input.nope.deeper.still");
	NUL("input.s.x");
	NUL("steps.missing.output.y");
	NUL("steps.prepare.output.cents.x");
	NUL("input.nothing");
}

static void
test_expr_array_index(void)
{
	INT("input.items[0]", 10);
	INT("input.items[2] + input.items[1]", 50);
	INT("input.matrix[1][0]", 3);
	INT("input.obj.b[1]", 2);
	NUL("input.items[3]");
	NUL("input.items[9223372036854775807]");
	NUL("input.obj[0]");
	NUL("input.n[0]");
}

static void
test_expr_paths_reach_every_root(void)
{
	struct json_object	*o;

	INT("steps.prepare.output.cents", 1250);
	STR("steps.prepare.status", "completed");
	STR("execution.id", "e-1");
	STR("execution.user_id", "u-9");
	STR("secrets.TOKEN", "s3cr3t");
	o = run_ok(__LINE__, "input.obj", json_type_object);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN), "{\"a\":1,\"b\":[1,2]}");
	json_object_put(o);
}

static void
test_expr_eval_without_context_gives_null(void)
{
	struct expr		*e = NULL;
	struct json_object	*o = NULL, *arr;
	struct errmsg		 err;

	CU_ASSERT_EQUAL_FATAL(expr_parse("input.a", 7, &e, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(expr_eval(e, NULL, &o, &err), RC_OK);
	CU_ASSERT_PTR_NULL(o);
	arr = json_object_new_array();
	CU_ASSERT_EQUAL(expr_eval(e, arr, &o, &err), RC_OK);
	CU_ASSERT_PTR_NULL(o);
	json_object_put(arr);
	expr_free(e);
	expr_free(NULL);
}

static void
test_expr_truthy_follows_spec(void)
{
	const char	*falsy[] = { "false", "null", "0", "0.0", "\"\"" };
	const char	*truthy[] = { "true", "1", "-0.5", "\"0\"", "[]", "{}",
	    "\"false\"" };
	struct json_object *v;
	size_t		 i;

	for (i = 0; i < NITEMS(falsy); i++) {
		v = json_tokener_parse(falsy[i]);
		ok(expr_truthy(v) == 0, __LINE__, "falsy", falsy[i]);
		json_object_put(v);
	}
	for (i = 0; i < NITEMS(truthy); i++) {
		v = json_tokener_parse(truthy[i]);
		ok(expr_truthy(v) == 1, __LINE__, "truthy", truthy[i]);
		json_object_put(v);
	}
}

static void
test_expr_rejects_type_errors(void)
{
	ERR("'a' * 2", "operator '*' cannot apply to string and integer");
	ERR("input.s - 1", "operator '-' cannot apply to string and integer");
	ERR("1 + 'a'", "operator '+' cannot apply to integer and string");
	ERR("input.half / true",
	    "operator '/' cannot apply to float and boolean");
	ERR("input.obj % 2", "operator '%' cannot apply to object and integer");
	ERR("input.nope + 1", "operator '+' cannot apply to null and integer");
	ERR("input.items + input.items",
	    "operator '+' cannot apply to array and array");
	ERR("-'a'", "operator '-' cannot apply to string");
	ERR("-true", "operator '-' cannot apply to boolean");
}

static void
test_expr_rejects_ordering_mixed_types(void)
{
	ERR("1 < 'a'", "operator '<' cannot apply to integer and string");
	ERR("null <= 1", "operator '<=' cannot apply to null and integer");
	ERR("true > false", "operator '>' cannot apply to boolean and boolean");
	ERR("input.items >= input.items",
	    "operator '>=' cannot apply to array and array");
}

static void
test_expr_rejects_division_by_zero(void)
{
	ERR("1 / 0", "division by zero");
	ERR("1.5 / 0", "division by zero");
	ERR("input.n / input.zero", "division by zero");
	ERR("1 % 0", "modulo by zero");
	ERR("1 % 0.0", "modulo by zero");
}

static void
test_expr_rejects_integer_overflow(void)
{
	ERR("9223372036854775807 + 1", "integer overflow in operator '+'");
	ERR("input.max * 2", "integer overflow in operator '*'");
	ERR("input.min - 1", "integer overflow in operator '-'");
	ERR("-input.min", "integer overflow in operator '-'");
	ERR("input.min / -1", "integer overflow in operator '/'");
	ERR("1e308 * 10", "number out of range in operator '*'");
}

static void
test_expr_rejects_unterminated_string(void)
{
	ERR("'abc", "unterminated string at column 0");
	ERR("1 + 'x\\'", "unterminated string at column 4");
	ERR("'x\\", "unterminated string at column 0");
}

static void
test_expr_rejects_unknown_root(void)
{
	ERR("foo.bar", "unknown root 'foo' at column 0 "
	    "(expected input, steps, execution, secrets, item or index)");
	ERR("1 + env.HOME", "unknown root 'env' at column 4 "
	    "(expected input, steps, execution, secrets, item or index)");
	ERR("True", "unknown root 'True' at column 0 "
	    "(expected input, steps, execution, secrets, item or index)");
}

static void
test_expr_rejects_dangling_operator(void)
{
	ERR("1 +", "unexpected end of expression at column 3");
	ERR("* 2", "unexpected '*' at column 0");
	ERR("1 + * 2", "unexpected '*' at column 4");
	ERR("!", "unexpected end of expression at column 1");
	ERR("input.a ==", "unexpected end of expression at column 10");
}

static void
test_expr_rejects_unbalanced_parentheses(void)
{
	ERR("(1 + 2", "expected ')' at column 6 to close '(' at column 0");
	ERR("1 + 2)", "unbalanced ')' at column 5");
	ERR("()", "unexpected ')' at column 1");
	ERR("((1)", "expected ')' at column 4 to close '(' at column 0");
}

static void
test_expr_rejects_bad_tokens(void)
{
	ERR("1 = 1", "unexpected '=' at column 2 (comparison is '==')");
	ERR("true & false",
	    "unexpected '&' at column 5 (did you mean '&&'?)");
	ERR("true | false",
	    "unexpected '|' at column 5 (did you mean '||'?)");
	ERR("1 # 2", "unexpected character '#' at column 2");
	ERR("\"a\"", "unexpected character '\"' at column 0");
	ERR("'\\q'", "unknown escape in string at column 1 "
	    "(use \\' \\\\ \\n \\t)");
	ERR("1.", "expected a digit after '.' at column 2");
	ERR("1.x", "expected a digit after '.' at column 2");
	ERR("1e+", "expected a digit in the exponent at column 3");
	ERR("12ab", "invalid number at column 0");
	ERR("1 2", "unexpected '2' at column 2");
	ERR("input.a 'b'", "unexpected string at column 8");
	ERR("1e999", "number out of range at column 0");
	ERR("9223372036854775808", "integer literal out of range at column 0");
	expect_err(__LINE__, "1 +\0 2", 6, "unexpected byte 0x00 at column 3");
	expect_err(__LINE__, "'a\0b'", 5, "NUL byte in string at column 2");
	ERR("\x01", "unexpected byte 0x01 at column 0");
}

static void
test_expr_rejects_bad_paths(void)
{
	ERR("input.", "unexpected end of expression at column 6 "
	    "(expected a name after '.')");
	ERR("input.[0]", "unexpected '[' at column 6 "
	    "(expected a name after '.')");
	ERR("input.items[-1]", "unexpected '-' at column 12 "
	    "(expected a non-negative integer index)");
	ERR("input.items['a']", "unexpected string at column 12 "
	    "(expected a non-negative integer index)");
	ERR("input.items[1", "unexpected end of expression at column 13 "
	    "(expected ']')");
	ERR("input.1", "unexpected '1' at column 6 "
	    "(expected a name after '.')");
	ERR("true.x", "unexpected '.' at column 4");
}

static void
test_expr_rejects_empty_expression(void)
{
	ERR("", "empty expression at column 0");
	ERR("  \t", "empty expression at column 3");
}

/* A buffer of n copies of a, then b (n copies of c after it). */
static char *
repeat(const char *a, size_t n, const char *b, const char *c)
{
	size_t	 la = strlen(a), lb = strlen(b), lc = strlen(c), i;
	char	*s = xmalloc(n * (la + lc) + lb + 1), *p = s;

	for (i = 0; i < n; i++, p += la)
		memcpy(p, a, la);
	memcpy(p, b, lb);
	p += lb;
	for (i = 0; i < n; i++, p += lc)
		memcpy(p, c, lc);
	*p = '\0';
	return s;
}

static void
test_expr_rejects_expression_over_length_limit(void)
{
	char	*s;

	s = repeat(" ", EXPR_LEN_MAX - 1, "1", "");
	INT(s, 1);
	free(s);
	s = repeat(" ", EXPR_LEN_MAX, "1", "");
	CU_ASSERT_EQUAL(strlen(s), 4097);
	ERR(s, "expression too long at column 4096 (4097 bytes, max 4096)");
	free(s);
}

static void
test_expr_rejects_deep_nesting(void)
{
	char	*s;

	s = repeat("(", EXPR_DEPTH_MAX, "1", ")");
	INT(s, 1);
	free(s);
	s = repeat("(", EXPR_DEPTH_MAX + 1, "1", ")");
	ERR(s, "expression nested too deeply at column 32 (max 32)");
	free(s);
	s = repeat("(", 1000, "1", ")");
	ERR(s, "expression nested too deeply at column 32 (max 32)");
	free(s);
	s = repeat("!", 1000, "true", "");
	ERR(s, "expression nested too deeply at column 32 (max 32)");
	free(s);
	s = repeat("-", 31, "1", "");
	INT(s, -1);
	free(s);
}

static void
test_expr_rejects_long_operator_chain(void)
{
	char	*s;

	s = repeat("1 + ", 31, "1", "");
	INT(s, 32);
	free(s);
	s = repeat("1 + ", 32, "1", "");
	ERR(s, "expression nested too deeply at column 126 (max 32)");
	free(s);
	s = repeat("1 + ", 1000, "1", "");
	ERR(s, "expression nested too deeply at column 126 (max 32)");
	free(s);
}

static void
test_expr_rejects_overlong_path(void)
{
	char	*s, *t;

	s = repeat(".a", EXPR_PATH_SEGS, "", "");
	t = xasprintf("input%s", s);
	NUL(t);
	free(t);
	t = xasprintf("input%s[0]", s);
	ERR(t, "path longer than 32 segments at column 69");
	free(t);
	free(s);
}

static void
test_expr_render_interpolates_numbers(void)
{
	struct json_object	*c;

	c = json_tokener_parse("{\"input\": {\"n\": 3}}");
	RENDER(c, "n={{ input.n }}", "n=3");
	json_object_put(c);
	c = json_tokener_parse("{\"input\": {\"n\": 2.5}}");
	RENDER(c, "n={{ input.n }}", "n=2.5");
	json_object_put(c);
	c = json_tokener_parse("{\"input\": {\"n\": 0.1}}");
	RENDER(c, "n={{ input.n + 0.2 }}", "n=0.30000000000000004");
	RENDER(c, "n={{ input.n }}", "n=0.1");
	json_object_put(c);
	RENDER(ctx, "{{ 7 / 2 }} {{ 6 / 3 }} {{ 2.0 }}", "3.5 2 2");
	RENDER(ctx, "{{ 1e21 }}|{{ -0.5 }}|{{ 1/3 }}",
	    "1e+21|-0.5|0.3333333333333333");
	RENDER(ctx, "max={{ input.max }}", "max=9223372036854775807");
}

static void
test_expr_render_interpolates_other_types(void)
{
	RENDER(ctx, "[{{ true }}|{{ false }}|{{ null }}|{{ input.nope }}]",
	    "[true|false||]");
	RENDER(ctx, "Bearer {{ secrets.TOKEN }}", "Bearer s3cr3t");
	RENDER(ctx, "o={{ input.obj }} a={{ input.items }}",
	    "o={\"a\":1,\"b\":[1,2]} a=[10,20,30]");
	RENDER(ctx, "{{input.s}}{{input.s}}", "hihi");
	RENDER(ctx, " {{ input.n }}", " 3");
	RENDER(ctx, "no braces { } }} here", "no braces { } }} here");
	RENDER(ctx, "", "");
}

static void
test_expr_render_skips_braces_in_quotes(void)
{
	RENDER(ctx, "{{ '}}' + 'x' }}!", "}}x!");
	RENDER(ctx, "a {{ 'it\\'s }}' }} b", "a it's }} b");
	RENDER(ctx, "{{ '{{' }}{{ 1 }}", "{{1");
}

static void
test_expr_render_whole_string_keeps_type(void)
{
	struct json_object	*v, *o, *orig;
	struct errmsg		 err;

	v = json_tokener_parse("{\"o\": \"{{ input.obj }}\", \"n\": \"{{ input.n"
	    " * 2 }}\", \"b\": \"{{input.n > 1}}\", \"z\": \"{{ null }}\","
	    " \"d\": \"{{  7/2\\n }}\", \"s\": \"{{ input.s }}\"}");
	CU_ASSERT_EQUAL_FATAL(expr_render(v, ctx, &o, &err), RC_OK);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN), "{\"o\":{\"a\":1,\"b\":[1,2]},\"n\":6,"
	    "\"b\":true,\"z\":null,\"d\":3.5,\"s\":\"hi\"}");
	CU_ASSERT_TRUE(json_object_is_type(json_object_object_get(o, "n"),
	    json_type_int));
	CU_ASSERT_TRUE(json_object_is_type(json_object_object_get(o, "d"),
	    json_type_double));
	/* The object is a copy, not the context's own. */
	CU_ASSERT_TRUE(json_object_object_get_ex(json_object_object_get(ctx,
	    "input"), "obj", &orig));
	CU_ASSERT_PTR_NOT_EQUAL(json_object_object_get(o, "o"), orig);
	json_object_put(o);
	json_object_put(v);
}

static void
test_expr_render_copies_deeply_and_never_evaluates_keys(void)
{
	struct json_object	*v, *o;
	struct errmsg		 err;

	v = json_tokener_parse("{\"{{ input.n }}\": \"{{ input.n }}\","
	    " \"arr\": [\"{{1+1}}\", 5, null, {\"x\": \"a{{'b'}}c\"}, 1.50],"
	    " \"t\": true}");
	CU_ASSERT_EQUAL_FATAL(expr_render(v, ctx, &o, &err), RC_OK);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN), "{\"{{ input.n }}\":3,\"arr\":[2,5,null,"
	    "{\"x\":\"abc\"},1.50],\"t\":true}");
	CU_ASSERT_PTR_NOT_EQUAL(json_object_object_get(o, "t"),
	    json_object_object_get(v, "t"));
	json_object_put(o);
	json_object_put(v);
	o = NULL;
	CU_ASSERT_EQUAL(expr_render(NULL, ctx, &o, &err), RC_OK);
	CU_ASSERT_PTR_NULL(o);
}

static void
test_expr_render_rejects_unterminated_braces(void)
{
	RERR("abc {{ input.n", "unterminated '{{' at column 4");
	RERR("{{ 1 }} {{", "unterminated '{{' at column 8");
	RERR("{{ 'abc }}", "unterminated string at column 3");
	RERR("{{ input.n }", "unterminated '{{' at column 0");
}

static void
test_expr_render_names_failing_expression(void)
{
	RERR("x{{ 'a' * 2 }}",
	    "{{ 'a' * 2 }}: operator '*' cannot apply to string and integer");
	RERR("{{ 1 / input.zero }}", "{{ 1 / input.zero }}: division by zero");
	RERR("a {{ 1 + }}", "{{ 1 + }}: unexpected end of expression at "
	    "column 9");
	RERR("{{}}", "{{  }}: empty expression at column 2");
}

static void
test_expr_render_rejects_oversized_string(void)
{
	struct json_object	*c, *in, *v, *o = NULL;
	struct errmsg		 err;
	char			*big;

	big = repeat("x", EXPR_STRING_MAX / 2 + 1, "", "");
	c = json_object_new_object();
	in = json_object_new_object();
	json_object_object_add(in, "big", json_object_new_string(big));
	json_object_object_add(c, "input", in);
	free(big);
	v = json_object_new_string("{{ input.big + input.big }}");
	CU_ASSERT_EQUAL(expr_render(v, c, &o, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "{{ input.big + input.big }}: string "
	    "longer than 1048576 bytes from operator '+'");
	json_object_put(v);
	v = json_object_new_string("{{ input.big }}{{ input.big }}");
	CU_ASSERT_EQUAL(expr_render(v, c, &o, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text,
	    "{{ input.big }}: string longer than 1048576 bytes");
	CU_ASSERT_PTR_NULL(o);
	json_object_put(v);
	v = json_object_new_string("{{ input.big }}");
	CU_ASSERT_EQUAL(expr_render(v, c, &o, &err), RC_OK);
	CU_ASSERT_EQUAL(json_object_get_string_len(o), EXPR_STRING_MAX / 2 + 1);
	json_object_put(o);
	json_object_put(v);
	json_object_put(c);
}

/*
 * The render budget is kept while rendering: 50,000 copies of a 64 KiB
 * input (3 GiB) stop at the budget, and the exact size of what is built
 * is the bound (["{{ input.s }}"] with s = "0123456789" is 15 bytes).
 */
static void
test_expr_render_budget_stops_while_rendering(void)
{
	struct json_object	*c, *in, *big, *v, *o = NULL;
	struct errmsg		 err;
	char			*s;
	int			 over = -1, i;

	c = json_object_new_object();
	in = json_object_new_object();
	json_object_object_add(in, "s", json_object_new_string("0123456789"));
	big = json_object_new_array();
	s = repeat("y", 1024, "", "");
	for (i = 0; i < 64; i++)
		json_object_array_add(big, json_object_new_string(s));
	free(s);
	json_object_object_add(in, "big", big);
	json_object_object_add(in, "n", json_object_new_int(7));
	json_object_object_add(c, "input", in);

	v = json_tokener_parse("[\"{{ input.s }}\"]");
	CU_ASSERT_EQUAL(expr_render_max(v, c, 15, &over, &o, &err), RC_OK);
	CU_ASSERT_EQUAL(over, 0);
	json_object_put(o);
	o = NULL;
	CU_ASSERT_EQUAL(expr_render_max(v, c, 14, &over, &o, &err), RC_INVALID);
	CU_ASSERT_EQUAL(over, 1);
	CU_ASSERT_STRING_EQUAL(err.text, "rendered value over 14 bytes");
	CU_ASSERT_PTR_NULL(o);
	json_object_put(v);

	/* A whole-string expression is charged before it is copied. */
	v = json_object_new_string("{{ input.big }}");
	CU_ASSERT_EQUAL(expr_render_max(v, c, 64 * 1024, &over, &o, &err),
	    RC_INVALID);
	CU_ASSERT_EQUAL(over, 1);
	CU_ASSERT_EQUAL(expr_render_max(v, c, 70 * 1024, &over, &o, &err),
	    RC_OK);
	CU_ASSERT_EQUAL(over, 0);
	CU_ASSERT_EQUAL(json_object_array_length(o), 64);
	json_object_put(o);
	o = NULL;
	json_object_put(v);

	/* Interpolated objects are sized before they are printed. */
	v = json_object_new_string("x{{ input.big }}");
	CU_ASSERT_EQUAL(expr_render_max(v, c, 64 * 1024, &over, &o, &err),
	    RC_INVALID);
	CU_ASSERT_EQUAL(over, 1);
	json_object_put(v);

	/* The multiplication: 50,000 copies stop at 1 MiB. */
	s = repeat("\"{{ input.big }}\",", 50000, "1", "");
	{
		char	*doc = xasprintf("[%s]", s);

		v = json_tokener_parse(doc);
		free(doc);
	}
	free(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(expr_render_max(v, c, 1 << 20, &over, &o, &err),
	    RC_INVALID);
	CU_ASSERT_EQUAL(over, 1);
	CU_ASSERT_STRING_EQUAL(err.text, "rendered value over 1048576 bytes");
	CU_ASSERT_PTR_NULL(o);
	/* expr_render has a budget too (EXPR_RENDER_MAX). */
	CU_ASSERT_EQUAL(expr_render(v, c, &o, &err), RC_INVALID);
	CU_ASSERT_STRING_EQUAL(err.text, "rendered value over 8388608 bytes");
	json_object_put(v);

	/* An expression error is not the budget. */
	v = json_object_new_string("{{ 1 / 0 }}");
	CU_ASSERT_EQUAL(expr_render_max(v, c, 1 << 20, &over, &o, &err),
	    RC_INVALID);
	CU_ASSERT_EQUAL(over, 0);
	json_object_put(v);
	json_object_put(c);
}

static void
test_expr_check_value_locates_errors(void)
{
	struct json_object	*v, *e, *want;
	struct verr		*ve = verr_new();
	struct jpath		 p;

	v = json_tokener_parse("{\"steps\": [{\"output\": \"{{ input.a }}\"},"
	    " {\"when\": \"{{ true }}\"}, {\"output\": {\"y\": \"ok {{ 1 }}\","
	    " \"x\": \"{{ foo.bar }}\", \"{{ bad key\": 1}}]}");
	jpath_init(&p, "body");
	CU_ASSERT_EQUAL(expr_check_value(v, &p, ve), 1);
	CU_ASSERT_EQUAL(p.n, 1);
	CU_ASSERT_EQUAL_FATAL(verr_count(ve), 1);
	e = json_object_array_get_idx(verr_list(ve), 0);
	want = json_tokener_parse("[\"body\",\"steps\",2,\"output\",\"x\"]");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(
	    json_object_object_get(e, "loc"), JSON_C_TO_STRING_PLAIN),
	    json_object_to_json_string_ext(want, JSON_C_TO_STRING_PLAIN));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(e,
	    "type")), "value_error");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(e,
	    "msg")), "Value error, "
	    "unknown root 'foo' at column 3 "
	    "(expected input, steps, execution, secrets, item or index)");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(e,
	    "input")), "{{ foo.bar }}");
	json_object_put(want);
	json_object_put(v);
	verr_free(ve);
}

static void
test_expr_check_value_reports_each_bad_expression(void)
{
	struct json_object	*v, *e;
	struct verr		*ve = verr_new();
	struct jpath		 p;

	v = json_tokener_parse("[\"{{ 1 + }} and {{ ) }} {{ 2 }}\", 7,"
	    " \"{{ 'x }}\", \"fine\"]");
	jpath_init(&p, NULL);
	CU_ASSERT_EQUAL(expr_check_value(v, &p, ve), 3);
	CU_ASSERT_EQUAL(p.n, 0);
	CU_ASSERT_EQUAL_FATAL(verr_count(ve), 3);
	e = json_object_array_get_idx(verr_list(ve), 0);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(e,
	    "msg")), "Value error, "
	    "unexpected end of expression at column 7");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(
	    json_object_object_get(e, "loc"), JSON_C_TO_STRING_PLAIN), "[0]");
	e = json_object_array_get_idx(verr_list(ve), 1);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(e,
	    "msg")), "Value error, "
	    "unexpected ')' at column 17");
	e = json_object_array_get_idx(verr_list(ve), 2);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(e,
	    "msg")), "Value error, unterminated string at column 3");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(
	    json_object_object_get(e, "loc"), JSON_C_TO_STRING_PLAIN), "[2]");
	json_object_put(v);
	verr_free(ve);
}

static void
test_expr_value_refs_finds_roots(void)
{
	struct json_object	*v;

	v = json_tokener_parse("{\"method\": \"POST\", \"headers\":"
	    " {\"Authorization\": \"Bearer {{ secrets.PAY_TOKEN }}\"},"
	    " \"body\": [\"{{ 1 + }}\", {\"a\": \"{{ steps.x.output }}\"}],"
	    " \"{{ execution.id }}\": 1}");
	CU_ASSERT_EQUAL(expr_value_refs(v, "secrets"), 1);
	CU_ASSERT_EQUAL(expr_value_refs(v, "steps"), 1);
	CU_ASSERT_EQUAL(expr_value_refs(v, "execution"), 0);
	CU_ASSERT_EQUAL(expr_value_refs(v, "input"), 0);
	CU_ASSERT_EQUAL(expr_value_refs(v, "foo"), 0);
	json_object_put(v);
	v = json_object_new_string("{{ input.a == 1 && !(2 < secrets.N) }}");
	CU_ASSERT_EQUAL(expr_value_refs(v, "secrets"), 1);
	json_object_put(v);
	v = json_object_new_string("'{{ secrets.X' }}");
	CU_ASSERT_EQUAL(expr_value_refs(v, "secrets"), 0);
	json_object_put(v);
	CU_ASSERT_EQUAL(expr_value_refs(NULL, "secrets"), 0);
}

void
test_expr_register(void)
{
	static const struct {
		const char	*name;
		void		(*fn)(void);
	} tests[] = {
#define T(f)	{ #f, f }
		T(test_expr_multiplication_binds_tighter_than_addition),
		T(test_expr_parentheses_override_precedence),
		T(test_expr_subtraction_is_left_associative),
		T(test_expr_and_binds_tighter_than_or),
		T(test_expr_inexact_division_gives_float),
		T(test_expr_exact_division_gives_integer),
		T(test_expr_integers_stay_integers),
		T(test_expr_modulo_truncates_like_c),
		T(test_expr_unary_operators),
		T(test_expr_string_literals_and_concat),
		T(test_expr_literals_and_keywords),
		T(test_expr_compares_numbers_numerically),
		T(test_expr_compares_strings_bytewise),
		T(test_expr_equality_is_deep_and_by_value),
		T(test_expr_logic_short_circuits),
		T(test_expr_logic_returns_booleans),
		T(test_expr_missing_path_is_null),
		T(test_expr_array_index),
		T(test_expr_paths_reach_every_root),
		T(test_expr_eval_without_context_gives_null),
		T(test_expr_truthy_follows_spec),
		T(test_expr_rejects_type_errors),
		T(test_expr_rejects_ordering_mixed_types),
		T(test_expr_rejects_division_by_zero),
		T(test_expr_rejects_integer_overflow),
		T(test_expr_rejects_unterminated_string),
		T(test_expr_rejects_unknown_root),
		T(test_expr_rejects_dangling_operator),
		T(test_expr_rejects_unbalanced_parentheses),
		T(test_expr_rejects_bad_tokens),
		T(test_expr_rejects_bad_paths),
		T(test_expr_rejects_empty_expression),
		T(test_expr_rejects_expression_over_length_limit),
		T(test_expr_rejects_deep_nesting),
		T(test_expr_rejects_long_operator_chain),
		T(test_expr_rejects_overlong_path),
		T(test_expr_render_interpolates_numbers),
		T(test_expr_render_interpolates_other_types),
		T(test_expr_render_skips_braces_in_quotes),
		T(test_expr_render_whole_string_keeps_type),
		T(test_expr_render_copies_deeply_and_never_evaluates_keys),
		T(test_expr_render_rejects_unterminated_braces),
		T(test_expr_render_names_failing_expression),
		T(test_expr_render_rejects_oversized_string),
		T(test_expr_render_budget_stops_while_rendering),
		T(test_expr_check_value_locates_errors),
		T(test_expr_check_value_reports_each_bad_expression),
		T(test_expr_value_refs_finds_roots),
#undef T
	};
	CU_pSuite	 s;
	size_t		 i;

	if ((s = CU_add_suite("expr", suite_init, suite_fini)) == NULL)
		return;
	for (i = 0; i < NITEMS(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
