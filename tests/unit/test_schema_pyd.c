/*
 * The validator against schemas in the shape Pydantic v2 emits (nested
 * models in $defs, Optional as anyOf with null, enums, constrained
 * strings and lists), the error types of engine.md "JSON Schema details"
 * with exact loc, references refused at compile time, ECMAScript regex
 * semantics, and the cost limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "jsonx.h"
#include "schema.h"

void	test_schema_pyd_register(void);

/* class Address(BaseModel), class Status(Enum), class Order(BaseModel). */
static const char order_schema[] =
    "{`$defs`: {`Address`: {`properties`: {"
    "`street`: {`minLength`: 1, `title`: `Street`, `type`: `string`},"
    "`zip`: {`pattern`: `^\\\\d{5}$`, `title`: `Zip`, `type`: `string`}},"
    "`required`: [`street`, `zip`], `title`: `Address`, `type`: `object`},"
    "`Status`: {`enum`: [`new`, `paid`], `title`: `Status`,"
    " `type`: `string`}},"
    "`additionalProperties`: false,"
    "`properties`: {"
    "`id`: {`exclusiveMinimum`: 0, `title`: `Id`, `type`: `integer`},"
    "`status`: {`$ref`: `#/$defs/Status`},"
    "`address`: {`$ref`: `#/$defs/Address`},"
    "`note`: {`anyOf`: [{`maxLength`: 10, `type`: `string`},"
    " {`type`: `null`}], `default`: null, `title`: `Note`},"
    "`tags`: {`items`: {`type`: `string`}, `maxItems`: 2,"
    " `title`: `Tags`, `type`: `array`, `uniqueItems`: true},"
    "`kind`: {`const`: `order`, `default`: `order`, `title`: `Kind`},"
    "`qty`: {`exclusiveMaximum`: 100, `multipleOf`: 0.5, `title`: `Qty`,"
    " `type`: `number`},"
    "`when`: {`format`: `date-time`, `title`: `When`, `type`: `string`},"
    "`parts`: {`items`: {`$ref`: `#/$defs/Address`}, `minItems`: 1,"
    " `type`: `array`}},"
    "`required`: [`id`, `status`, `address`], `title`: `Order`,"
    " `type`: `object`}";

static char *
bq(const char *s)
{
	char	*t = xstrdup(s), *p;

	for (p = t; *p != '\0'; p++)
		if (*p == '`')
			*p = '"';
	return t;
}

static struct json_object *
jq(const char *s)
{
	struct json_object	*v = NULL;
	const char		*msg = NULL;
	char			*t = bq(s);
	size_t			 pos = 0;

	CU_ASSERT_EQUAL_FATAL(jsonx_parse(t, strlen(t), &v, &pos, &msg),
	    RC_OK);
	free(t);
	return v;
}

/* Validate at ["body", "input_data"]; compare errors with want. */
static void
check(const char *schema, const char *inst, int nerr, const char *want)
{
	struct json_object	*s, *v;
	struct schema		*cs = NULL;
	struct verr		*ve;
	struct jpath		 p;
	char			*c, *w;

	s = jq(schema);
	v = jq(inst);
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_data");
	CU_ASSERT_EQUAL_FATAL(schema_compile(s, &p, ve, &cs), 0);
	CU_ASSERT_EQUAL(schema_validate(cs, v, &p, ve), nerr);
	CU_ASSERT_EQUAL(schema_valid(cs, v), nerr == 0);
	CU_ASSERT_EQUAL(p.n, 2);
	c = jsonx_canon(verr_list(ve));
	w = bq(want);
	CU_ASSERT_STRING_EQUAL(c, w);
	if (strcmp(c, w) != 0)
		printf("\n got: %s\nwant: %s\n", c, w);
	free(c);
	free(w);
	verr_free(ve);
	schema_free(cs);
	json_object_put(s);
	json_object_put(v);
}

/* Compile at ["body", "input_schema"]; compare errors with want. */
static void
check_refused(const char *schema, const char *want)
{
	struct json_object	*s;
	struct schema		*cs = NULL;
	struct verr		*ve;
	struct jpath		 p;
	char			*c, *w;

	s = jq(schema);
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_schema");
	CU_ASSERT_EQUAL(schema_compile(s, &p, ve, &cs), 1);
	CU_ASSERT_PTR_NULL(cs);
	CU_ASSERT_EQUAL(p.n, 2);
	c = jsonx_canon(verr_list(ve));
	w = bq(want);
	CU_ASSERT_STRING_EQUAL(c, w);
	if (strcmp(c, w) != 0)
		printf("\n got: %s\nwant: %s\n", c, w);
	free(c);
	free(w);
	verr_free(ve);
	json_object_put(s);
}

static void
test_schema_pyd_order_valid(void)
{
	check(order_schema, "{`id`: 1, `status`: `new`, `address`:"
	    " {`street`: `x`, `zip`: `12345`}}", 0, "[]");
	check(order_schema, "{`id`: 1, `status`: `paid`, `address`:"
	    " {`street`: `x`, `zip`: `12345`}, `note`: null, `tags`: [`a`,"
	    " `b`], `kind`: `order`, `qty`: 99.5, `when`:"
	    " `2024-02-29T23:59:60Z`, `parts`: [{`street`: `y`, `zip`:"
	    " `00000`}]}", 0, "[]");
}

static void
test_schema_pyd_order_every_error_at_its_field(void)
{
	check(order_schema, "{`id`: 0, `status`: `old`, `address`:"
	    " {`street`: ``, `zip`: `1234`}, `note`: `far too long a note`,"
	    " `tags`: [`a`, `a`, `b`], `kind`: `x`, `qty`: 1.2, `extra`: 1}",
	    10,
	    "[{`ctx`:{`gt`:0},`input`:0,`loc`:[`body`,`input_data`,`id`],"
	    "`msg`:`Input should be greater than 0`,`type`:`greater_than`},"
	    "{`ctx`:{`expected`:`'new' or 'paid'`},`input`:`old`,"
	    "`loc`:[`body`,`input_data`,`status`],"
	    "`msg`:`Input should be 'new' or 'paid'`,`type`:`enum`},"
	    "{`ctx`:{`min_length`:1},`input`:``,"
	    "`loc`:[`body`,`input_data`,`address`,`street`],"
	    "`msg`:`String should have at least 1 character`,"
	    "`type`:`string_too_short`},"
	    "{`ctx`:{`pattern`:`^\\\\d{5}$`},`input`:`1234`,"
	    "`loc`:[`body`,`input_data`,`address`,`zip`],"
	    "`msg`:`String should match pattern '^\\\\d{5}$'`,"
	    "`type`:`string_pattern_mismatch`},"
	    "{`ctx`:{`max_length`:10},`input`:`far too long a note`,"
	    "`loc`:[`body`,`input_data`,`note`],"
	    "`msg`:`String should have at most 10 characters`,"
	    "`type`:`string_too_long`},"
	    "{`ctx`:{`actual_length`:3,`field_type`:`List`,`max_length`:2},"
	    "`input`:[`a`,`a`,`b`],`loc`:[`body`,`input_data`,`tags`],"
	    "`msg`:`List should have at most 2 items after validation, not 3`,"
	    "`type`:`too_long`},"
	    "{`input`:[`a`,`a`,`b`],`loc`:[`body`,`input_data`,`tags`],"
	    "`msg`:`Value error, List should have unique items (items 0 and 1"
	    " are equal)`,`type`:`value_error`},"
	    "{`ctx`:{`expected`:`'order'`},`input`:`x`,"
	    "`loc`:[`body`,`input_data`,`kind`],"
	    "`msg`:`Input should be 'order'`,`type`:`literal_error`},"
	    "{`ctx`:{`multiple_of`:0.5},`input`:1.2,"
	    "`loc`:[`body`,`input_data`,`qty`],"
	    "`msg`:`Input should be a multiple of 0.5`,`type`:`multiple_of`},"
	    "{`input`:1,`loc`:[`body`,`input_data`,`extra`],"
	    "`msg`:`Extra inputs are not permitted`,"
	    "`type`:`extra_forbidden`}]");
	check(order_schema, "{`address`: {}, `qty`: 100, `note`: 5, `when`:"
	    " `2024-02-30T00:00:00Z`, `parts`: [{`street`: `a`}]}", 8,
	    "[{`input`:{`address`:{},`note`:5,`parts`:[{`street`:`a`}],"
	    "`qty`:100,`when`:`2024-02-30T00:00:00Z`},"
	    "`loc`:[`body`,`input_data`,`id`],"
	    "`msg`:`Field required`,`type`:`missing`},"
	    "{`input`:{`address`:{},`note`:5,`parts`:[{`street`:`a`}],"
	    "`qty`:100,`when`:`2024-02-30T00:00:00Z`},"
	    "`loc`:[`body`,`input_data`,`status`],"
	    "`msg`:`Field required`,`type`:`missing`},"
	    "{`input`:{},`loc`:[`body`,`input_data`,`address`,`street`],"
	    "`msg`:`Field required`,`type`:`missing`},"
	    "{`input`:{},`loc`:[`body`,`input_data`,`address`,`zip`],"
	    "`msg`:`Field required`,`type`:`missing`},"
	    "{`input`:5,`loc`:[`body`,`input_data`,`note`],"
	    "`msg`:`Input should be a valid string`,`type`:`string_type`},"
	    "{`ctx`:{`lt`:100},`input`:100,`loc`:[`body`,`input_data`,`qty`],"
	    "`msg`:`Input should be less than 100`,`type`:`less_than`},"
	    "{`input`:`2024-02-30T00:00:00Z`,"
	    "`loc`:[`body`,`input_data`,`when`],"
	    "`msg`:`Value error, Input should be a valid date-time`,"
	    "`type`:`value_error`},"
	    "{`input`:{`street`:`a`},"
	    "`loc`:[`body`,`input_data`,`parts`,0,`zip`],"
	    "`msg`:`Field required`,`type`:`missing`}]");
	check(order_schema, "{`id`: 1, `status`: `new`, `address`:"
	    " {`street`: `x`, `zip`: `12345`}, `parts`: []}", 1,
	    "[{`ctx`:{`actual_length`:0,`field_type`:`List`,`min_length`:1},"
	    "`input`:[],`loc`:[`body`,`input_data`,`parts`],"
	    "`msg`:`List should have at least 1 item after validation, not 0`,"
	    "`type`:`too_short`}]");
}

static void
test_schema_pyd_bounds_and_counts(void)
{
	check("{`minimum`: 1, `maximum`: 3}", "0", 1,
	    "[{`ctx`:{`ge`:1},`input`:0,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be greater than or equal to 1`,"
	    "`type`:`greater_than_equal`}]");
	check("{`minimum`: 1, `maximum`: 3}", "3.5", 1,
	    "[{`ctx`:{`le`:3},`input`:3.5,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be less than or equal to 3`,"
	    "`type`:`less_than_equal`}]");
	check("{`type`: `object`, `minProperties`: 2}", "{`a`: 1}", 1,
	    "[{`ctx`:{`actual_length`:1,`field_type`:`Dictionary`,"
	    "`min_length`:2},`input`:{`a`:1},`loc`:[`body`,`input_data`],"
	    "`msg`:`Dictionary should have at least 2 items after validation,"
	    " not 1`,`type`:`too_short`}]");
	check("{`contains`: {`const`: 1}, `maxContains`: 1}", "[1, 1]", 1,
	    "[{`ctx`:{`max_length`:1},`input`:[1,1],"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`List should have at most 1 item matching 'contains', "
	    "not 2`,`type`:`too_long`}]");
	check("{`dependentRequired`: {`a`: [`b`]}}", "{`a`: 1}", 1,
	    "[{`input`:{`a`:1},`loc`:[`body`,`input_data`,`b`],"
	    "`msg`:`Field required`,`type`:`missing`}]");
	check("{`const`: 1}", "1.0", 0, "[]");
	/* Long arrays are compared sorted: the first pair by later index. */
	check("{`uniqueItems`: true}", "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,"
	    "15,16,{`a`:[1]},17,3.0,{`a`:[1.0]}]", 1,
	    "[{`input`:[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,{`a`:[1]},17,"
	    "3,{`a`:[1]}],`loc`:[`body`,`input_data`],"
	    "`msg`:`Value error, List should have unique items (items 3 and 19"
	    " are equal)`,`type`:`value_error`}]");
	check("{`uniqueItems`: true}", "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,"
	    "15,16,17,[1],{`a`:1},`1`,true,null,1.5]", 0, "[]");
	check("{`enum`: [[1], {`a`: null}]}", "{`a`: null}", 0, "[]");
}

static void
test_schema_pyd_unevaluated_and_pattern_properties(void)
{
	/* Pydantic's extra="forbid" with a model built by allOf. */
	check("{`allOf`: [{`properties`: {`a`: {`type`: `integer`}}}],"
	    " `properties`: {`b`: true}, `patternProperties`: {`^x_`:"
	    " {`type`: `integer`}}, `unevaluatedProperties`: false}",
	    "{`a`: 1, `b`: 2, `x_1`: `s`, `zz`: true}", 2,
	    "[{`input`:`s`,`loc`:[`body`,`input_data`,`x_1`],"
	    "`msg`:`Input should be a valid integer`,`type`:`int_type`},"
	    "{`input`:true,`loc`:[`body`,`input_data`,`zz`],"
	    "`msg`:`Extra inputs are not permitted`,"
	    "`type`:`extra_forbidden`}]");
	check("{`prefixItems`: [{`type`: `string`}], `unevaluatedItems`:"
	    " false}", "[`a`, 2]", 1,
	    "[{`input`:2,`loc`:[`body`,`input_data`,1],"
	    "`msg`:`Extra items are not permitted`,"
	    "`type`:`extra_forbidden`}]");
}

static void
test_schema_pyd_unions_are_one_value_error(void)
{
	check("{`oneOf`: [{`type`: `integer`}, {`minimum`: 2}], `not`:"
	    " {`const`: 7}}", "7", 2,
	    "[{`input`:7,`loc`:[`body`,`input_data`],"
	    "`msg`:`Value error, Input should match exactly one schema of "
	    "'oneOf', not several`,`type`:`value_error`},"
	    "{`input`:7,`loc`:[`body`,`input_data`],"
	    "`msg`:`Value error, Input should not match the schema of 'not'`,"
	    "`type`:`value_error`}]");
	check("{`anyOf`: [{`type`: `integer`}, {`type`: `string`,"
	    " `maxLength`: 1}]}", "`ab`", 1,
	    "[{`input`:`ab`,`loc`:[`body`,`input_data`],"
	    "`msg`:`Value error, Input should match at least one schema of "
	    "'anyOf'`,`type`:`value_error`}]");
	check("{`anyOf`: [{`type`: `integer`}, {`type`: `null`}]}", "null", 0,
	    "[]");
}

static void
test_schema_pyd_ecmascript_classes_are_ascii(void)
{
	/* Arabic-Indic digits are Unicode \d but not ECMAScript \d. */
	check("{`pattern`: `^\\\\d+$`}", "`\xd9\xa1\xd9\xa2`", 1,
	    "[{`ctx`:{`pattern`:`^\\\\d+$`},`input`:`\xd9\xa1\xd9\xa2`,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`String should match pattern '^\\\\d+$'`,"
	    "`type`:`string_pattern_mismatch`}]");
	check("{`pattern`: `^\\\\w+$`}", "`\xc3\xa9`", 1, "[{`ctx`:{`pattern`:"
	    "`^\\\\w+$`},`input`:`\xc3\xa9`,`loc`:[`body`,`input_data`],"
	    "`msg`:`String should match pattern '^\\\\w+$'`,"
	    "`type`:`string_pattern_mismatch`}]");
	check("{`pattern`: `^[\\\\W]$`}", "`\xc3\xa9`", 0, "[]");
	check("{`pattern`: `^[^\\\\D]$`}", "`7`", 0, "[]");
	check("{`pattern`: `\\\\bx`}", "`\xc3\xa9x`", 0, "[]");
	check("{`pattern`: `^\\\\p{Letter}+$`}", "`\xc3\xa9t\xc3\xa9`", 0,
	    "[]");
	/* Not anchored: a match anywhere counts; $ is the end only. */
	check("{`pattern`: `b`}", "`abc`", 0, "[]");
	check("{`pattern`: `^a$`}", "`a\\n`", 1, "[{`ctx`:{`pattern`:`^a$`},"
	    "`input`:`a\\n`,`loc`:[`body`,`input_data`],"
	    "`msg`:`String should match pattern '^a$'`,"
	    "`type`:`string_pattern_mismatch`}]");
}

static void
test_schema_pyd_refs_refused_at_their_keyword(void)
{
	check_refused("{`properties`: {`a`: {`$ref`: `other.json#/x`}}}",
	    "[{`input`:`other.json#/x`,"
	    "`loc`:[`body`,`input_schema`,`properties`,`a`,`$ref`],"
	    "`msg`:`Value error, remote reference 'other.json#/x' is not "
	    "supported: only references inside the schema are`,"
	    "`type`:`value_error`}]");
	check_refused("{`$id`: `https://example.com/s`, `items`: {`$ref`:"
	    " `https://example.com/t`}}",
	    "[{`input`:`https://example.com/t`,"
	    "`loc`:[`body`,`input_schema`,`items`,`$ref`],"
	    "`msg`:`Value error, remote reference 'https://example.com/t' is "
	    "not supported: only references inside the schema are`,"
	    "`type`:`value_error`}]");
	check_refused("{`$defs`: {`a~b`: {}}, `items`: {`$ref`:"
	    " `#/$defs/a~0c`}}",
	    "[{`input`:`#/$defs/a~0c`,"
	    "`loc`:[`body`,`input_schema`,`items`,`$ref`],"
	    "`msg`:`Value error, reference '#/$defs/a~0c' points to nothing "
	    "in the schema`,`type`:`value_error`}]");
	/* Escaped and percent-encoded pointers resolve. */
	check("{`$defs`: {`a~b`: {`type`: `integer`}, `c%d`: {`type`:"
	    " `string`}}, `prefixItems`: [{`$ref`: `#/$defs/a~0b`},"
	    " {`$ref`: `#/$defs/c%25d`}]}", "[1, 2]", 1,
	    "[{`input`:2,`loc`:[`body`,`input_data`,1],"
	    "`msg`:`Input should be a valid string`,`type`:`string_type`}]");
	/* $anchor and $dynamicRef inside the document. */
	check("{`$defs`: {`n`: {`$anchor`: `num`, `type`: `number`}},"
	    " `items`: {`$ref`: `#num`}}", "[1, `x`]", 1,
	    "[{`input`:`x`,`loc`:[`body`,`input_data`,1],"
	    "`msg`:`Input should be a valid number`,`type`:`float_type`}]");
}

static void
test_schema_pyd_limits(void)
{
	struct json_object	*s, *props, *v;
	struct schema		*cs = NULL;
	struct verr		*ve;
	struct jpath		 p;
	char			*big, name[16];
	int			 i;

	/* A reference loop that consumes nothing: one value_error. */
	check("{`$ref`: `#`}", "1", 1,
	    "[{`input`:1,`loc`:[`body`,`input_data`],"
	    "`msg`:`Value error, validating the input against the schema "
	    "needs too much work (more than 1000000 steps or 256 nested "
	    "subschemas)`,`type`:`value_error`}]");
	/* Past the step limit, only the limit is reported. */
	big = xmalloc(600000 * 2 + 64);
	strcpy(big, "{`items`: {`anyOf`: [{`type`: `string`}, {`type`: "
	    "`integer`}]}}");
	s = jq(big);
	memcpy(big, "[", 1);
	for (i = 0; i < 600000; i++)
		memcpy(big + 1 + 2 * i, i + 1 < 600000 ? "1," : "1]", 2);
	big[1 + 2 * 600000] = '\0';
	v = jq(big);
	ve = verr_new();
	jpath_init(&p, "body");
	CU_ASSERT_EQUAL_FATAL(schema_compile(s, &p, ve, &cs), 0);
	CU_ASSERT_EQUAL(schema_validate(cs, v, &p, ve), 1);
	CU_ASSERT_EQUAL(verr_count(ve), 1);
	CU_ASSERT_EQUAL(schema_valid(cs, v), 0);
	verr_free(ve);
	schema_free(cs);
	cs = NULL;
	json_object_put(s);
	json_object_put(v);
	free(big);

	/* More subschemas than SCHEMA_NODES_MAX: one error. */
	s = json_object_new_object();
	props = json_object_new_object();
	for (i = 0; i < SCHEMA_NODES_MAX + 10; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		json_object_object_add(props, name, json_object_new_object());
	}
	json_object_object_add(s, "properties", props);
	ve = verr_new();
	jpath_init(&p, "body");
	CU_ASSERT_EQUAL(schema_compile(s, &p, ve, &cs), 1);
	CU_ASSERT_PTR_NULL(cs);
	verr_free(ve);
	json_object_put(s);

	/*
	 * The pathological pattern on a long string stops at PCRE2's match
	 * limit with one error (its time: make bench-schema).
	 */
	s = jq("{`pattern`: `^(a+)+$`}");
	big = xmalloc(30002);
	memset(big, 'a', 30000);
	big[30000] = '!';
	big[30001] = '\0';
	v = json_object_new_string(big);
	ve = verr_new();
	jpath_init(&p, "body");
	CU_ASSERT_EQUAL_FATAL(schema_compile(s, &p, ve, &cs), 0);
	CU_ASSERT_EQUAL(schema_validate(cs, v, &p, ve), 1);
	CU_ASSERT_EQUAL_FATAL(verr_count(ve), 1);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(
	    json_object_array_get_idx(verr_list(ve), 0), "msg")),
	    "Value error, matching pattern '^(a+)+$' against this string "
	    "costs too much");
	verr_free(ve);
	schema_free(cs);
	json_object_put(s);
	json_object_put(v);
	free(big);
}

void
test_schema_pyd_register(void)
{
	CU_pSuite	 s;

	s = CU_add_suite("schema_pyd", NULL, NULL);
	CU_add_test(s, "test_schema_pyd_order_valid",
	    test_schema_pyd_order_valid);
	CU_add_test(s, "test_schema_pyd_order_every_error_at_its_field",
	    test_schema_pyd_order_every_error_at_its_field);
	CU_add_test(s, "test_schema_pyd_bounds_and_counts",
	    test_schema_pyd_bounds_and_counts);
	CU_add_test(s, "test_schema_pyd_unevaluated_and_pattern_properties",
	    test_schema_pyd_unevaluated_and_pattern_properties);
	CU_add_test(s, "test_schema_pyd_unions_are_one_value_error",
	    test_schema_pyd_unions_are_one_value_error);
	CU_add_test(s, "test_schema_pyd_ecmascript_classes_are_ascii",
	    test_schema_pyd_ecmascript_classes_are_ascii);
	CU_add_test(s, "test_schema_pyd_refs_refused_at_their_keyword",
	    test_schema_pyd_refs_refused_at_their_keyword);
	CU_add_test(s, "test_schema_pyd_limits", test_schema_pyd_limits);
}
