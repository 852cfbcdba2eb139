/*
 * Unit tests of src/common/jsonx.c: strict parsing with error offsets and
 * RFC 8785 canonicalisation.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "jsonx.h"

void	test_jsonx_register(void);

/* Parse s (length n); on success return the canonical form, else NULL. */
static char *
canon_of(const char *s, size_t n)
{
	struct json_object	*v = NULL;
	const char		*msg = NULL;
	size_t			 pos = 0;
	char			*c;

	if (jsonx_parse(s, n, &v, &pos, &msg) != RC_OK)
		return NULL;
	c = jsonx_canon(v);
	json_object_put(v);
	return c;
}

static void
assert_canon(const char *in, const char *want)
{
	char	*c;

	c = canon_of(in, strlen(in));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c, want);
	free(c);
}

/* Parsing s (length n) fails at byte offset want with message wmsg. */
static void
assert_reject(const char *s, size_t n, size_t want, const char *wmsg)
{
	struct json_object	*v = NULL;
	const char		*msg = NULL;
	size_t			 pos = (size_t)-1;

	CU_ASSERT_EQUAL(jsonx_parse(s, n, &v, &pos, &msg), RC_INVALID);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(pos, want);
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_STRING_EQUAL(msg, wmsg);
}

#define REJECT(lit, want, wmsg)	assert_reject(lit, sizeof(lit) - 1, want, wmsg)

/* n nested arrays around "1" (n == 0: just "1"); caller frees. */
static char *
nested_arrays(size_t n, size_t *len)
{
	char	*s;

	s = xmalloc(2 * n + 2);
	memset(s, '[', n);
	s[n] = '1';
	memset(s + n + 1, ']', n);
	s[2 * n + 1] = '\0';
	*len = 2 * n + 1;
	return s;
}

static void
test_jsonx_canon_sorts_keys_and_drops_whitespace(void)
{
	assert_canon(" { \"b\" : 1 ,\n\t\"a\" : [ 2 , { \"d\" : true , "
	    "\"c\" : null } ] } \r\n",
	    "{\"a\":[2,{\"c\":null,\"d\":true}],\"b\":1}");
	assert_canon("{\"aa\":1,\"a\":2,\"\":3,\"B\":4}",
	    "{\"\":3,\"B\":4,\"a\":2,\"aa\":1}");
}

static void
test_jsonx_canon_matches_rfc8785_example(void)
{
	/* RFC 8785 section 3.2.2. */
	assert_canon("{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, "
	    "2e-3, 0.000000000000000000000000001],\n  \"string\": "
	    "\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
	    "  \"literals\": [null, true, false]\n}",
	    "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,"
	    "1e+30,4.5,0.002,1e-27],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B"
	    "\\\"\\\\\\\\\\\"/\"}");
}

static void
test_jsonx_canon_sorts_keys_by_utf16_code_units(void)
{
	/* RFC 8785 section 3.2.3: U+1F600 (D83D DE00) sorts before U+FB33. */
	assert_canon("{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage "
	    "Return\", \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", "
	    "\"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", "
	    "\"\\u0080\": \"Control\", \"\\u00f6\": \"Latin Small Letter O "
	    "With Diaeresis\"}",
	    "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":"
	    "\"Control\",\"\xc3\xb6\":\"Latin Small Letter O With "
	    "Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":"
	    "\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet "
	    "With Dagesh\"}");
	/* Bytewise UTF-8 order would put U+FFFF first. */
	assert_canon("{\"\\uffff\":1,\"\\ud83d\\ude00\":2,\"\\u20ac\":3}",
	    "{\"\xe2\x82\xac\":3,\"\xf0\x9f\x98\x80\":2,\"\xef\xbf\xbf\":1}");
}

static void
test_jsonx_canon_escapes_only_what_rfc8785_requires(void)
{
	assert_canon("[\"\\u0001\\u001F\\u007f\\/\\\"\\\\\\b\\f\\n\\r\\t"
	    "\\u00e9\xc3\xa9<>&'\"]",
	    "[\"\\u0001\\u001f\x7f/\\\"\\\\\\b\\f\\n\\r\\t\xc3\xa9\xc3\xa9"
	    "<>&'\"]");
}

static void
test_jsonx_canon_escapes_nul_in_built_strings(void)
{
	struct json_object	*v;
	char			*c;

	v = json_object_new_string_len("a\0\x1f\x7f", 4);
	c = jsonx_canon(v);
	CU_ASSERT_STRING_EQUAL(c, "\"a\\u0000\\u001f\x7f\"");
	free(c);
	json_object_put(v);
}

static double
bits(uint64_t u)
{
	double	 d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static void
test_jsonx_canon_formats_rfc8785_number_vectors(void)
{
	/* RFC 8785 appendix B. */
	static const struct {
		uint64_t	 bits;
		const char	*want;
	} vec[] = {
		{ 0x0000000000000000ULL, "0" },
		{ 0x8000000000000000ULL, "0" },
		{ 0x0000000000000001ULL, "5e-324" },
		{ 0x8000000000000001ULL, "-5e-324" },
		{ 0x7fefffffffffffffULL, "1.7976931348623157e+308" },
		{ 0xffefffffffffffffULL, "-1.7976931348623157e+308" },
		{ 0x4340000000000000ULL, "9007199254740992" },
		{ 0xc340000000000000ULL, "-9007199254740992" },
		{ 0x4430000000000000ULL, "295147905179352830000" },
		{ 0x44b52d02c7e14af5ULL, "9.999999999999997e+22" },
		{ 0x44b52d02c7e14af6ULL, "1e+23" },
		{ 0x44b52d02c7e14af7ULL, "1.0000000000000001e+23" },
		{ 0x444b1ae4d6e2ef4eULL, "999999999999999700000" },
		{ 0x444b1ae4d6e2ef4fULL, "999999999999999900000" },
		{ 0x444b1ae4d6e2ef50ULL, "1e+21" },
		{ 0x3eb0c6f7a0b5ed8cULL, "9.999999999999997e-7" },
		{ 0x3eb0c6f7a0b5ed8dULL, "0.000001" },
		{ 0x41b3de4355555553ULL, "333333333.3333332" },
		{ 0x41b3de4355555554ULL, "333333333.33333325" },
		{ 0x41b3de4355555555ULL, "333333333.3333333" },
		{ 0x41b3de4355555556ULL, "333333333.3333334" },
		{ 0x41b3de4355555557ULL, "333333333.33333343" },
		{ 0xbecbf647612f3696ULL, "-0.0000033333333333333333" },
		{ 0x43143ff3c1cb0959ULL, "1424953923781206.2" },
	};
	struct json_object	*v;
	char			*c;
	size_t			 i;

	for (i = 0; i < NITEMS(vec); i++) {
		v = json_object_new_double(bits(vec[i].bits));
		c = jsonx_canon(v);
		CU_ASSERT_STRING_EQUAL(c, vec[i].want);
		free(c);
		json_object_put(v);
	}
	/* No JSON form: written as null rather than an invalid token. */
	v = json_object_new_double(bits(0x7ff0000000000000ULL));
	c = jsonx_canon(v);
	CU_ASSERT_STRING_EQUAL(c, "null");
	free(c);
	json_object_put(v);
}

static void
test_jsonx_canon_formats_parsed_numbers_as_ecmascript(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} vec[] = {
		{ "1e30", "1e+30" },
		{ "4.50", "4.5" },
		{ "0.000001", "0.000001" },
		{ "1e-7", "1e-7" },
		{ "333333333.33333329", "333333333.3333333" },
		{ "-0", "0" },
		{ "-0.0", "0" },
		{ "1.0", "1" },
		{ "2e-3", "0.002" },
		{ "1E21", "1e+21" },
		{ "1e20", "100000000000000000000" },
		{ "0.1", "0.1" },
		{ "-1.5e-9", "-1.5e-9" },
		{ "123456789", "123456789" },
		{ "-42", "-42" },
		{ "9007199254740992", "9007199254740992" },
		{ "9007199254740993", "9007199254740992" },
		{ "9223372036854775807", "9223372036854776000" },
		{ "-9223372036854775808", "-9223372036854776000" },
		{ "18446744073709551615", "18446744073709552000" },
		{ "100000000000000000000000", "1e+23" },
		{ "-9223372036854775809", "-9223372036854776000" },
		{ "1e-400", "0" },
	};
	size_t	 i;

	for (i = 0; i < NITEMS(vec); i++)
		assert_canon(vec[i].in, vec[i].want);
}

static void
test_jsonx_equal_ignores_key_order_whitespace_and_1_vs_1_0(void)
{
	struct json_object	*a = NULL, *b = NULL, *c = NULL, *d = NULL;
	const char		*sa = "{\"x\":1,\"y\":[1.0,2,{\"z\":0.5}]}";
	const char		*sb = " { \"y\" : [ 1 , 2.00 , { \"z\" : 5e-1 } ]"
				    " , \"x\" : 1.0 } ";
	const char		*sc = "{\"x\":1,\"y\":[1,2,{\"z\":0.5},3]}";
	const char		*sd = "{\"x\":\"1\",\"y\":[1,2,{\"z\":0.5}]}";
	const char		*msg;
	size_t			 pos;

	CU_ASSERT_EQUAL_FATAL(jsonx_parse(sa, strlen(sa), &a, &pos, &msg),
	    RC_OK);
	CU_ASSERT_EQUAL_FATAL(jsonx_parse(sb, strlen(sb), &b, &pos, &msg),
	    RC_OK);
	CU_ASSERT_EQUAL_FATAL(jsonx_parse(sc, strlen(sc), &c, &pos, &msg),
	    RC_OK);
	CU_ASSERT_EQUAL_FATAL(jsonx_parse(sd, strlen(sd), &d, &pos, &msg),
	    RC_OK);
	CU_ASSERT_EQUAL(jsonx_equal(a, b), 1);
	CU_ASSERT_EQUAL(jsonx_equal(b, a), 1);
	CU_ASSERT_EQUAL(jsonx_equal(a, c), 0);
	CU_ASSERT_EQUAL(jsonx_equal(a, d), 0);
	CU_ASSERT_EQUAL(jsonx_equal(NULL, NULL), 1);
	CU_ASSERT_EQUAL(jsonx_equal(a, NULL), 0);
	json_object_put(a);
	json_object_put(b);
	json_object_put(c);
	json_object_put(d);
}

static void
test_jsonx_canon_hash_is_sha256_of_canonical_form(void)
{
	struct json_object	*a = NULL, *b = NULL;
	const char		*msg;
	size_t			 pos;
	char			 ha[65], hb[65];

	CU_ASSERT_EQUAL_FATAL(jsonx_parse("{\"b\":1,\"a\":2}", 13, &a, &pos,
	    &msg), RC_OK);
	CU_ASSERT_EQUAL_FATAL(jsonx_parse("{ \"a\": 2.0, \"b\": 1 }", 20, &b,
	    &pos, &msg), RC_OK);
	jsonx_canon_hash(a, ha);
	jsonx_canon_hash(b, hb);
	/* printf '{"a":2,"b":1}' | sha256sum */
	CU_ASSERT_STRING_EQUAL(ha,
	    "d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772");
	CU_ASSERT_STRING_EQUAL(hb, ha);
	jsonx_canon_hash(NULL, ha);
	CU_ASSERT_STRING_EQUAL(ha,
	    "74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b");
	json_object_put(a);
	json_object_put(b);
}

static void
test_jsonx_parse_keeps_last_duplicate_key(void)
{
	struct json_object	*v = NULL, *x;
	const char		*msg;
	size_t			 pos;
	const char		*s = "{\"a\":1,\"b\":{\"c\":1},\"a\":\"two\","
				    "\"b\":{\"d\":2}}";

	CU_ASSERT_EQUAL_FATAL(jsonx_parse(s, strlen(s), &v, &pos, &msg),
	    RC_OK);
	CU_ASSERT_EQUAL(json_object_object_length(v), 2);
	CU_ASSERT_FATAL(json_object_object_get_ex(v, "a", &x));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(x), "two");
	assert_canon(s, "{\"a\":\"two\",\"b\":{\"d\":2}}");
	json_object_put(v);
}

static void
test_jsonx_parse_accepts_scalars_and_surrounding_whitespace(void)
{
	struct json_object	*v = NULL;
	const char		*msg;
	size_t			 pos;

	CU_ASSERT_EQUAL_FATAL(jsonx_parse(" \t\r\n123 \n", 9, &v, &pos,
	    &msg), RC_OK);
	CU_ASSERT(json_object_is_type(v, json_type_int));
	CU_ASSERT_EQUAL(json_object_get_int64(v), 123);
	json_object_put(v);
	v = (struct json_object *)&pos;	/* must be overwritten */
	CU_ASSERT_EQUAL(jsonx_parse("null", 4, &v, &pos, &msg), RC_OK);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL_FATAL(jsonx_parse("\"\\ud83d\\ude00\"", 14, &v, &pos,
	    &msg), RC_OK);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "\xf0\x9f\x98\x80");
	json_object_put(v);
	CU_ASSERT_EQUAL_FATAL(jsonx_parse("-0.5e+2", 7, &v, &pos, &msg),
	    RC_OK);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(v), -50.0, 0.0);
	json_object_put(v);
}

static void
test_jsonx_parse_converts_integers_beyond_64_bits_to_double(void)
{
	struct json_object	*v = NULL, *e;
	const char		*msg;
	size_t			 pos;
	const char		*s = "[100000000000000000000, "
				    "-9223372036854775809,18446744073709551615]";

	CU_ASSERT_EQUAL_FATAL(jsonx_parse(s, strlen(s), &v, &pos, &msg),
	    RC_OK);
	e = json_object_array_get_idx(v, 0);
	CU_ASSERT(json_object_is_type(e, json_type_double));
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(e), 1e20, 0.0);
	e = json_object_array_get_idx(v, 1);
	CU_ASSERT(json_object_is_type(e, json_type_double));
	e = json_object_array_get_idx(v, 2);
	CU_ASSERT(json_object_is_type(e, json_type_int));
	CU_ASSERT(json_object_get_uint64(e) == UINT64_MAX);
	json_object_put(v);
	assert_canon(s, "[100000000000000000000,-9223372036854776000,"
	    "18446744073709552000]");
}

static void
test_jsonx_parse_rejects_truncated_object(void)
{
	REJECT("{\"a\":1", 6, "unexpected end of input");
	REJECT("{\"a\":", 5, "unexpected end of input");
	REJECT("{\"a", 3, "unexpected end of input");
	REJECT("[1,2", 4, "unexpected end of input");
	REJECT("{", 1, "unexpected end of input");
}

static void
test_jsonx_parse_rejects_trailing_garbage(void)
{
	REJECT("{} x", 3, "unexpected data after the value");
	REJECT("[1]]", 3, "unexpected data after the value");
	REJECT("123x", 3, "unexpected data after the value");
	REJECT("{}{}", 2, "unexpected data after the value");
	REJECT("true \n false", 7, "unexpected data after the value");
	REJECT("[1]\0", 3, "unexpected data after the value");
	REJECT("{}\f", 2, "unexpected data after the value");
	REJECT("\f{}", 0, "unexpected character");
}

static void
test_jsonx_parse_rejects_invalid_utf8_in_string(void)
{
	REJECT("[\"a\xff\"]", 3, "invalid UTF-8");
	REJECT("[\"\xc0\x80\"]", 2, "invalid UTF-8");
	REJECT("[\"\xed\xa0\x80\"]", 3, "invalid UTF-8");
	REJECT("[\"\xf4\x90\x80\x80\"]", 3, "invalid UTF-8");
	REJECT("[\"ab\xc3\"]", 5, "invalid UTF-8");
	REJECT("{\"k\xe2\x82\":1}", 5, "invalid UTF-8");
}

static void
test_jsonx_parse_rejects_nul_in_string(void)
{
	REJECT("[\"a\\u0000\"]", 3, "NUL in string");
	REJECT("{\"a\\u0000b\":1}", 3, "NUL in string");
	REJECT("\"a\0b\"", 2, "NUL in string");
}

static void
test_jsonx_parse_rejects_nan_and_infinity(void)
{
	REJECT("NaN", 0, "NaN and Infinity are not allowed");
	REJECT("[NaN]", 1, "NaN and Infinity are not allowed");
	REJECT("Infinity", 0, "NaN and Infinity are not allowed");
	REJECT("[-Infinity]", 1, "NaN and Infinity are not allowed");
	REJECT("{\"a\":Infinity}", 5, "NaN and Infinity are not allowed");
	REJECT("[1e400]", 1, "number out of range");
	REJECT("[-1e309]", 1, "number out of range");
}

static void
test_jsonx_parse_rejects_nesting_deeper_than_32(void)
{
	struct json_object	*v = NULL;
	const char		*msg = NULL;
	char			*s, obj[32 * 5 + 1 + 32 + 1];
	size_t			 len, pos, i, n = 0;

	s = nested_arrays(JSONX_DEPTH_MAX, &len);
	CU_ASSERT_EQUAL(jsonx_parse(s, len, &v, &pos, &msg), RC_OK);
	json_object_put(v);
	v = NULL;
	free(s);
	s = nested_arrays(JSONX_DEPTH_MAX + 1, &len);
	assert_reject(s, len, 32, "nesting too deep");
	free(s);

	for (i = 0; i < JSONX_DEPTH_MAX; i++) {
		memcpy(obj + n, "{\"a\":", 5);
		n += 5;
	}
	obj[n++] = '1';
	memset(obj + n, '}', JSONX_DEPTH_MAX);
	n += JSONX_DEPTH_MAX;
	CU_ASSERT_EQUAL(jsonx_parse(obj, n, &v, &pos, &msg), RC_OK);
	json_object_put(v);
	v = NULL;
	/* Replace the innermost 1 by an empty object: 33 levels. */
	memcpy(obj + 5 * JSONX_DEPTH_MAX, "{}", 2);
	memset(obj + 5 * JSONX_DEPTH_MAX + 2, '}', JSONX_DEPTH_MAX);
	assert_reject(obj, n + 1, 5 * JSONX_DEPTH_MAX, "nesting too deep");
}

/*
 * What MariaDB's JSON_VALID accepts (checked on 10.11): 31 nested arrays
 * or objects, not 32.
 */
static void
test_jsonx_deeper_bounds_stored_nesting(void)
{
	struct json_object	*v = NULL, *o;
	const char		*msg = NULL;
	char			*s;
	size_t			 len, pos;
	int			 i;

	CU_ASSERT_EQUAL(JSONX_STORE_DEPTH_MAX, 31);
	CU_ASSERT_EQUAL(jsonx_deeper(NULL, 0), 0);
	v = json_object_new_int(1);
	CU_ASSERT_EQUAL(jsonx_deeper(v, 0), 0);
	json_object_put(v);
	s = nested_arrays(JSONX_STORE_DEPTH_MAX, &len);
	CU_ASSERT_EQUAL_FATAL(jsonx_parse(s, len, &v, &pos, &msg), RC_OK);
	CU_ASSERT_EQUAL(jsonx_deeper(v, JSONX_STORE_DEPTH_MAX), 0);
	CU_ASSERT_EQUAL(jsonx_deeper(v, JSONX_STORE_DEPTH_MAX - 1), 1);
	json_object_put(v);
	free(s);
	s = nested_arrays(JSONX_STORE_DEPTH_MAX + 1, &len);
	CU_ASSERT_EQUAL_FATAL(jsonx_parse(s, len, &v, &pos, &msg), RC_OK);
	CU_ASSERT_EQUAL(jsonx_deeper(v, JSONX_STORE_DEPTH_MAX), 1);
	json_object_put(v);
	free(s);
	/* Objects count alike, and a deep branch after a shallow one. */
	v = json_object_new_object();
	json_object_object_add(v, "flat", json_object_new_int(1));
	o = v;
	for (i = 1; i < JSONX_STORE_DEPTH_MAX + 1; i++) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(o, "a", c);
		o = c;
	}
	CU_ASSERT_EQUAL(jsonx_deeper(v, JSONX_STORE_DEPTH_MAX), 1);
	CU_ASSERT_EQUAL(jsonx_deeper(v, JSONX_STORE_DEPTH_MAX + 1), 0);
	json_object_put(v);
}

static void
test_jsonx_parse_rejects_10000_deep_nesting(void)
{
	char	*s;
	size_t	 len;

	s = nested_arrays(10000, &len);
	assert_reject(s, len, 32, "nesting too deep");
	assert_reject(s, 10000, 32, "nesting too deep");
	free(s);
}

static void
test_jsonx_parse_rejects_empty_input(void)
{
	struct json_object	*v = NULL;
	const char		*msg = NULL;
	size_t			 pos = 99;

	CU_ASSERT_EQUAL(jsonx_parse(NULL, 0, &v, &pos, &msg), RC_INVALID);
	CU_ASSERT_EQUAL(pos, 0);
	CU_ASSERT_STRING_EQUAL(msg, "empty input");
	REJECT("", 0, "empty input");
	REJECT(" \n\t ", 4, "unexpected end of input");
}

static void
test_jsonx_parse_rejects_non_json_numbers(void)
{
	REJECT("[1.]", 3, "invalid number");
	REJECT("[1.e5]", 3, "invalid number");
	REJECT("[01]", 2, "leading zero in number");
	REJECT("[-01]", 3, "leading zero in number");
	REJECT("[-]", 2, "invalid number");
	REJECT("[1e]", 3, "invalid number");
	REJECT("[1e+]", 4, "invalid number");
	REJECT("[.5]", 1, "unexpected character");
	REJECT("[+1]", 1, "unexpected character");
	REJECT("[0x10]", 2, "invalid number");
	REJECT("[1.2.3]", 4, "invalid number");
}

static void
test_jsonx_parse_rejects_control_characters_and_bad_escapes(void)
{
	REJECT("[\"\x01\"]", 2, "control character in string");
	REJECT("[\"a\nb\"]", 3, "control character in string");
	REJECT("[\"\\x\"]", 2, "invalid escape in string");
	REJECT("[\"\\u12G4\"]", 2, "invalid escape in string");
	REJECT("[\"\\ud800\"]", 2, "unpaired surrogate in string");
	REJECT("[\"\\udc00\"]", 2, "unpaired surrogate in string");
	REJECT("[\"\\ud800\\u0041\"]", 2, "unpaired surrogate in string");
	REJECT("[\"a\\", 4, "unexpected end of input");
}

static void
test_jsonx_parse_rejects_bad_structure_and_literals(void)
{
	REJECT("[1,]", 3, "unexpected character");
	REJECT("{\"a\":1,}", 7, "unexpected character");
	REJECT("{\"a\" 1}", 5, "expected ':'");
	REJECT("[1 2]", 3, "expected ',' or ']'");
	REJECT("{\"a\":1 \"b\":2}", 7, "expected ',' or '}'");
	REJECT("{a:1}", 1, "expected a quoted object key");
	REJECT("'a'", 0, "unexpected character");
	REJECT("[tru]", 1, "invalid literal");
	REJECT("[True]", 1, "invalid literal");
	REJECT("[nul", 1, "invalid literal");
	REJECT("\xef\xbb\xbf{}", 0, "unexpected character");
	REJECT("/* c */ {}", 0, "unexpected character");
}

void
test_jsonx_register(void)
{
	CU_pSuite	 s;

	s = CU_add_suite("jsonx", NULL, NULL);
	CU_add_test(s, "test_jsonx_canon_sorts_keys_and_drops_whitespace",
	    test_jsonx_canon_sorts_keys_and_drops_whitespace);
	CU_add_test(s, "test_jsonx_canon_matches_rfc8785_example",
	    test_jsonx_canon_matches_rfc8785_example);
	CU_add_test(s, "test_jsonx_canon_sorts_keys_by_utf16_code_units",
	    test_jsonx_canon_sorts_keys_by_utf16_code_units);
	CU_add_test(s, "test_jsonx_canon_escapes_only_what_rfc8785_requires",
	    test_jsonx_canon_escapes_only_what_rfc8785_requires);
	CU_add_test(s, "test_jsonx_canon_escapes_nul_in_built_strings",
	    test_jsonx_canon_escapes_nul_in_built_strings);
	CU_add_test(s, "test_jsonx_canon_formats_rfc8785_number_vectors",
	    test_jsonx_canon_formats_rfc8785_number_vectors);
	CU_add_test(s, "test_jsonx_canon_formats_parsed_numbers_as_ecmascript",
	    test_jsonx_canon_formats_parsed_numbers_as_ecmascript);
	CU_add_test(s,
	    "test_jsonx_equal_ignores_key_order_whitespace_and_1_vs_1_0",
	    test_jsonx_equal_ignores_key_order_whitespace_and_1_vs_1_0);
	CU_add_test(s, "test_jsonx_canon_hash_is_sha256_of_canonical_form",
	    test_jsonx_canon_hash_is_sha256_of_canonical_form);
	CU_add_test(s, "test_jsonx_parse_keeps_last_duplicate_key",
	    test_jsonx_parse_keeps_last_duplicate_key);
	CU_add_test(s,
	    "test_jsonx_parse_accepts_scalars_and_surrounding_whitespace",
	    test_jsonx_parse_accepts_scalars_and_surrounding_whitespace);
	CU_add_test(s,
	    "test_jsonx_parse_converts_integers_beyond_64_bits_to_double",
	    test_jsonx_parse_converts_integers_beyond_64_bits_to_double);
	CU_add_test(s, "test_jsonx_parse_rejects_truncated_object",
	    test_jsonx_parse_rejects_truncated_object);
	CU_add_test(s, "test_jsonx_parse_rejects_trailing_garbage",
	    test_jsonx_parse_rejects_trailing_garbage);
	CU_add_test(s, "test_jsonx_parse_rejects_invalid_utf8_in_string",
	    test_jsonx_parse_rejects_invalid_utf8_in_string);
	CU_add_test(s, "test_jsonx_parse_rejects_nul_in_string",
	    test_jsonx_parse_rejects_nul_in_string);
	CU_add_test(s, "test_jsonx_parse_rejects_nan_and_infinity",
	    test_jsonx_parse_rejects_nan_and_infinity);
	CU_add_test(s, "test_jsonx_parse_rejects_nesting_deeper_than_32",
	    test_jsonx_parse_rejects_nesting_deeper_than_32);
	CU_add_test(s, "test_jsonx_deeper_bounds_stored_nesting",
	    test_jsonx_deeper_bounds_stored_nesting);
	CU_add_test(s, "test_jsonx_parse_rejects_10000_deep_nesting",
	    test_jsonx_parse_rejects_10000_deep_nesting);
	CU_add_test(s, "test_jsonx_parse_rejects_empty_input",
	    test_jsonx_parse_rejects_empty_input);
	CU_add_test(s, "test_jsonx_parse_rejects_non_json_numbers",
	    test_jsonx_parse_rejects_non_json_numbers);
	CU_add_test(s,
	    "test_jsonx_parse_rejects_control_characters_and_bad_escapes",
	    test_jsonx_parse_rejects_control_characters_and_bad_escapes);
	CU_add_test(s, "test_jsonx_parse_rejects_bad_structure_and_literals",
	    test_jsonx_parse_rejects_bad_structure_and_literals);
}
