/*
 * Unit tests of src/common/schema.c: schema documents are checked, and
 * instances validated into Pydantic v2 errors. JSON in this file is
 * written with ` for " and compared in RFC 8785 form, so every error
 * object is asserted whole: ctx, input, loc, msg and type.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "jsonx.h"
#include "schema.h"
#include "verr.h"

void	test_schema_register(void);

/* engine.md: the input_schema of the payment-process template. */
static const char payment_schema[] =
    "{`type`: `object`, `required`: [`amount`, `currency`],"
    " `properties`: {`amount`: {`type`: `number`, `minimum`: 0},"
    " `currency`: {`type`: `string`, `enum`: [`USD`, `EUR`]}}}";

/* Parse s with ` read as ". Fails the test if it is not JSON. */
static struct json_object *
jq(const char *s)
{
	struct json_object	*v = NULL;
	const char		*msg = NULL;
	char			*t, *p;
	size_t			 pos = 0;
	int			 rc;

	t = xstrdup(s);
	for (p = t; *p != '\0'; p++)
		if (*p == '`')
			*p = '"';
	rc = jsonx_parse(t, strlen(t), &v, &pos, &msg);
	free(t);
	CU_ASSERT_EQUAL_FATAL(rc, RC_OK);
	return v;
}

/* The canonical form of v compared with want (` read as "). */
static void
assert_json(struct json_object *v, const char *want)
{
	char	*c, *w, *p;

	w = xstrdup(want);
	for (p = w; *p != '\0'; p++)
		if (*p == '`')
			*p = '"';
	c = jsonx_canon(v);
	CU_ASSERT_STRING_EQUAL(c, w);
	free(c);
	free(w);
}

/*
 * Validate inst against schema at ["body", "input_data"] and compare the
 * error list with want; nerr is the expected count.
 */
static void
assert_validate(const char *schema, const char *inst, int nerr,
    const char *want)
{
	struct json_object	*s, *v;
	struct schema		*cs = NULL;
	struct verr		*ve;
	struct jpath		 p;

	s = jq(schema);
	v = jq(inst);
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_data");
	CU_ASSERT_EQUAL_FATAL(schema_compile(s, &p, ve, &cs), 0);
	CU_ASSERT_EQUAL(schema_validate(cs, v, &p, ve), nerr);
	CU_ASSERT_EQUAL(schema_valid(cs, v), nerr == 0);
	CU_ASSERT_EQUAL(p.n, 2);
	CU_ASSERT_EQUAL(verr_count(ve), (size_t)nerr);
	assert_json(verr_list(ve), want);
	verr_free(ve);
	schema_free(cs);
	json_object_put(s);
	json_object_put(v);
}

/* Check schema at ["body", "input_schema"]; compare as above. */
static void
assert_check(const char *schema, int nerr, const char *want)
{
	struct json_object	*s;
	struct verr		*ve;
	struct jpath		 p;

	s = jq(schema);
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_schema");
	CU_ASSERT_EQUAL(schema_check(s, &p, ve), nerr);
	CU_ASSERT_EQUAL(p.n, 2);
	CU_ASSERT_EQUAL(verr_count(ve), (size_t)nerr);
	if (want != NULL)
		assert_json(verr_list(ve), want);
	verr_free(ve);
	json_object_put(s);
}

static void
test_schema_validate_accepts_payment_example(void)
{
	assert_validate(payment_schema,
	    "{`amount`: 12.5, `currency`: `USD`}", 0, "[]");
	assert_validate(payment_schema,
	    "{`amount`: 0, `currency`: `EUR`, `note`: `extra allowed`}", 0,
	    "[]");
}

static void
test_schema_validate_reports_payment_example_errors_together(void)
{
	assert_validate(payment_schema,
	    "{`amount`: -1, `currency`: `GBP`}", 2,
	    "[{`ctx`:{`ge`:0},`input`:-1,"
	    "`loc`:[`body`,`input_data`,`amount`],"
	    "`msg`:`Input should be greater than or equal to 0`,"
	    "`type`:`greater_than_equal`},"
	    "{`ctx`:{`expected`:`'USD' or 'EUR'`},`input`:`GBP`,"
	    "`loc`:[`body`,`input_data`,`currency`],"
	    "`msg`:`Input should be 'USD' or 'EUR'`,`type`:`enum`}]");
	assert_validate(payment_schema, "{`amount`: `5`}", 2,
	    "[{`input`:`5`,`loc`:[`body`,`input_data`,`amount`],"
	    "`msg`:`Input should be a valid number`,`type`:`float_type`},"
	    "{`input`:{`amount`:`5`},`loc`:[`body`,`input_data`,`currency`],"
	    "`msg`:`Field required`,`type`:`missing`}]");
}

static void
test_schema_validate_reports_missing_at_the_field_with_enclosing_input(void)
{
	assert_validate(payment_schema, "{}", 2,
	    "[{`input`:{},`loc`:[`body`,`input_data`,`amount`],"
	    "`msg`:`Field required`,`type`:`missing`},"
	    "{`input`:{},`loc`:[`body`,`input_data`,`currency`],"
	    "`msg`:`Field required`,`type`:`missing`}]");
	/* Required without a property schema. */
	assert_validate("{`required`: [`a`, `b`]}", "{`b`: null}", 1,
	    "[{`input`:{`b`:null},`loc`:[`body`,`input_data`,`a`],"
	    "`msg`:`Field required`,`type`:`missing`}]");
}

static void
test_schema_validate_reports_each_type_error(void)
{
	assert_validate("{`type`: `string`}", "5", 1,
	    "[{`input`:5,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid string`,`type`:`string_type`}]");
	assert_validate("{`type`: `integer`}", "1.5", 1,
	    "[{`input`:1.5,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid integer`,`type`:`int_type`}]");
	assert_validate("{`type`: `integer`}", "`1`", 1,
	    "[{`input`:`1`,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid integer`,`type`:`int_type`}]");
	assert_validate("{`type`: `integer`}", "true", 1,
	    "[{`input`:true,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid integer`,`type`:`int_type`}]");
	assert_validate("{`type`: `number`}", "false", 1,
	    "[{`input`:false,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid number`,`type`:`float_type`}]");
	assert_validate("{`type`: `boolean`}", "1", 1,
	    "[{`input`:1,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid boolean`,`type`:`bool_type`}]");
	assert_validate("{`type`: `object`}", "[]", 1,
	    "[{`input`:[],`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid dictionary`,`type`:`dict_type`}]");
	assert_validate("{`type`: `array`}", "{}", 1,
	    "[{`input`:{},`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid list`,`type`:`list_type`}]");
	assert_validate("{`type`: `null`}", "0", 1,
	    "[{`input`:0,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be None`,`type`:`none_required`}]");
	assert_validate("{`type`: `string`}", "null", 1,
	    "[{`input`:null,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid string`,`type`:`string_type`}]");
}

static void
test_schema_validate_accepts_matching_types(void)
{
	assert_validate("{`type`: `integer`}", "3", 0, "[]");
	assert_validate("{`type`: `integer`}", "3.0", 0, "[]");
	assert_validate("{`type`: `integer`}", "-9223372036854775808", 0,
	    "[]");
	assert_validate("{`type`: `number`}", "3", 0, "[]");
	assert_validate("{`type`: `number`}", "-3.5e-3", 0, "[]");
	assert_validate("{`type`: `boolean`}", "false", 0, "[]");
	assert_validate("{`type`: `null`}", "null", 0, "[]");
	assert_validate("{`type`: `string`}", "``", 0, "[]");
	assert_validate("{}", "{`anything`: [1, `x`]}", 0, "[]");
}

static void
test_schema_validate_type_array_accepts_any_listed(void)
{
	assert_validate("{`type`: [`string`, `null`]}", "null", 0, "[]");
	assert_validate("{`type`: [`string`, `null`]}", "`x`", 0, "[]");
	assert_validate("{`type`: [`null`, `integer`, `string`]}", "2", 0,
	    "[]");
	/* The error names the first type that is not null. */
	assert_validate("{`type`: [`null`, `string`]}", "5", 1,
	    "[{`input`:5,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be a valid string`,`type`:`string_type`}]");
}

static void
test_schema_validate_counts_string_length_in_code_points(void)
{
	/* "é" is two bytes but one character. */
	assert_validate("{`type`: `string`, `minLength`: 2}", "`\xc3\xa9`", 1,
	    "[{`ctx`:{`min_length`:2},`input`:`\xc3\xa9`,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`String should have at least 2 characters`,"
	    "`type`:`string_too_short`}]");
	assert_validate("{`minLength`: 1}", "``", 1,
	    "[{`ctx`:{`min_length`:1},`input`:``,`loc`:[`body`,`input_data`],"
	    "`msg`:`String should have at least 1 character`,"
	    "`type`:`string_too_short`}]");
	assert_validate("{`maxLength`: 3}", "`\xe2\x82\xac\xe2\x82\xac"
	    "\xf0\x9f\x98\x80`", 0, "[]");
	assert_validate("{`maxLength`: 3}", "`\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac`", 1,
	    "[{`ctx`:{`max_length`:3},"
	    "`input`:`\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac`,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`String should have at most 3 characters`,"
	    "`type`:`string_too_long`}]");
	assert_validate("{`maxLength`: 1}", "`ab`", 1,
	    "[{`ctx`:{`max_length`:1},`input`:`ab`,`loc`:[`body`,`input_data`],"
	    "`msg`:`String should have at most 1 character`,"
	    "`type`:`string_too_long`}]");
	/* Length keywords do not apply to other types. */
	assert_validate("{`minLength`: 5}", "12", 0, "[]");
}

static void
test_schema_validate_reports_pattern_mismatch(void)
{
	assert_validate("{`pattern`: `^[A-Z]{3}$`}", "`USD`", 0, "[]");
	assert_validate("{`pattern`: `^[A-Z]{3}$`}", "`usd`", 1,
	    "[{`ctx`:{`pattern`:`^[A-Z]{3}$`},`input`:`usd`,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`String should match pattern '^[A-Z]{3}$'`,"
	    "`type`:`string_pattern_mismatch`}]");
	/* Unanchored patterns search, as in JSON Schema. */
	assert_validate("{`pattern`: `b+`}", "`abba`", 0, "[]");
	/* Length and pattern errors are both reported. */
	assert_validate("{`minLength`: 4, `pattern`: `^x`}", "`ab`", 2,
	    "[{`ctx`:{`min_length`:4},`input`:`ab`,`loc`:[`body`,`input_data`],"
	    "`msg`:`String should have at least 4 characters`,"
	    "`type`:`string_too_short`},"
	    "{`ctx`:{`pattern`:`^x`},`input`:`ab`,`loc`:[`body`,`input_data`],"
	    "`msg`:`String should match pattern '^x'`,"
	    "`type`:`string_pattern_mismatch`}]");
}

static void
test_schema_validate_reports_minimum_and_maximum(void)
{
	assert_validate("{`minimum`: 1, `maximum`: 10}", "1", 0, "[]");
	assert_validate("{`minimum`: 1, `maximum`: 10}", "10.0", 0, "[]");
	assert_validate("{`minimum`: 1, `maximum`: 10}", "0.5", 1,
	    "[{`ctx`:{`ge`:1},`input`:0.5,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be greater than or equal to 1`,"
	    "`type`:`greater_than_equal`}]");
	assert_validate("{`maximum`: 99.5}", "100", 1,
	    "[{`ctx`:{`le`:99.5},`input`:100,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be less than or equal to 99.5`,"
	    "`type`:`less_than_equal`}]");
	assert_validate("{`minimum`: -2.50}", "-3", 1,
	    "[{`ctx`:{`ge`:-2.5},`input`:-3,`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be greater than or equal to -2.5`,"
	    "`type`:`greater_than_equal`}]");
	/* Large integers compare exactly. */
	assert_validate("{`maximum`: 9007199254740992}", "9007199254740993",
	    1, "[{`ctx`:{`le`:9007199254740992},`input`:9007199254740992,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be less than or equal to 9007199254740992`,"
	    "`type`:`less_than_equal`}]");
	/* Booleans are not numbers: no bound applies. */
	assert_validate("{`minimum`: 5}", "true", 0, "[]");
}

static void
test_schema_validate_reports_enum_alternatives(void)
{
	assert_validate("{`enum`: [`a`, `b`, `c`]}", "`d`", 1,
	    "[{`ctx`:{`expected`:`'a', 'b' or 'c'`},`input`:`d`,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be 'a', 'b' or 'c'`,`type`:`enum`}]");
	assert_validate("{`enum`: [1, `x`, null]}", "2", 1,
	    "[{`ctx`:{`expected`:`1, 'x' or null`},`input`:2,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be 1, 'x' or null`,`type`:`enum`}]");
	assert_validate("{`enum`: [`only`]}", "`other`", 1,
	    "[{`ctx`:{`expected`:`'only'`},`input`:`other`,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be 'only'`,`type`:`enum`}]");
	/* Values compare after canonicalisation. */
	assert_validate("{`enum`: [1, {`a`: [2]}]}", "1.0", 0, "[]");
	assert_validate("{`enum`: [1, {`a`: [2]}]}", "{ `a` : [2.0] }", 0,
	    "[]");
	assert_validate("{`enum`: [1]}", "true", 1,
	    "[{`ctx`:{`expected`:`1`},`input`:true,"
	    "`loc`:[`body`,`input_data`],"
	    "`msg`:`Input should be 1`,`type`:`enum`}]");
}

static void
test_schema_validate_reports_extra_forbidden_at_the_key(void)
{
	assert_validate("{`type`: `object`, `additionalProperties`: false,"
	    " `properties`: {`a`: {}}}", "{`a`: 1, `b`: [2], `c`: null}", 2,
	    "[{`input`:[2],`loc`:[`body`,`input_data`,`b`],"
	    "`msg`:`Extra inputs are not permitted`,"
	    "`type`:`extra_forbidden`},"
	    "{`input`:null,`loc`:[`body`,`input_data`,`c`],"
	    "`msg`:`Extra inputs are not permitted`,"
	    "`type`:`extra_forbidden`}]");
	assert_validate("{`additionalProperties`: false}", "{`x`: 1}", 1,
	    "[{`input`:1,`loc`:[`body`,`input_data`,`x`],"
	    "`msg`:`Extra inputs are not permitted`,"
	    "`type`:`extra_forbidden`}]");
	assert_validate("{`additionalProperties`: true}", "{`x`: 1}", 0,
	    "[]");
}

static void
test_schema_validate_locates_errors_in_nested_arrays_and_objects(void)
{
	static const char	 order[] =
	    "{`type`: `object`, `required`: [`items`], `properties`: {"
	    "`items`: {`type`: `array`, `items`: {`type`: `object`,"
	    " `required`: [`sku`], `properties`: {`sku`: {`type`: `string`,"
	    " `minLength`: 1}, `qty`: {`type`: `integer`, `minimum`: 1}}}}}}";

	assert_validate(order,
	    "{`items`: [{`sku`: `a`, `qty`: 2}, {`sku`: ``, `qty`: 0},"
	    " {`qty`: 1.5}, 7]}", 5,
	    "[{`ctx`:{`min_length`:1},`input`:``,"
	    "`loc`:[`body`,`input_data`,`items`,1,`sku`],"
	    "`msg`:`String should have at least 1 character`,"
	    "`type`:`string_too_short`},"
	    "{`ctx`:{`ge`:1},`input`:0,"
	    "`loc`:[`body`,`input_data`,`items`,1,`qty`],"
	    "`msg`:`Input should be greater than or equal to 1`,"
	    "`type`:`greater_than_equal`},"
	    "{`input`:{`qty`:1.5},`loc`:[`body`,`input_data`,`items`,2,`sku`],"
	    "`msg`:`Field required`,`type`:`missing`},"
	    "{`input`:1.5,`loc`:[`body`,`input_data`,`items`,2,`qty`],"
	    "`msg`:`Input should be a valid integer`,`type`:`int_type`},"
	    "{`input`:7,`loc`:[`body`,`input_data`,`items`,3],"
	    "`msg`:`Input should be a valid dictionary`,`type`:`dict_type`}]");
	assert_validate(order, "{`items`: {}}", 1,
	    "[{`input`:{},`loc`:[`body`,`input_data`,`items`],"
	    "`msg`:`Input should be a valid list`,`type`:`list_type`}]");
}

static void
test_schema_validate_restores_path_and_appends_to_errors(void)
{
	struct json_object	*s, *v;
	struct schema		*cs = NULL;
	struct verr		*ve;
	struct jpath		 p;

	s = jq(payment_schema);
	v = jq("{`amount`: -5}");
	ve = verr_new();
	jpath_init(&p, "body");
	verr_add(ve, "value_error", &p, "Value error, earlier", NULL, NULL);
	jpath_key(&p, "input_data");
	CU_ASSERT_EQUAL_FATAL(schema_compile(s, &p, ve, &cs), 0);
	CU_ASSERT_EQUAL(schema_validate(cs, v, &p, ve), 2);
	CU_ASSERT_EQUAL(p.n, 2);
	CU_ASSERT_EQUAL(verr_count(ve), 3);
	verr_free(ve);
	schema_free(cs);
	json_object_put(s);
	json_object_put(v);
}

static void
test_schema_check_accepts_supported_subset(void)
{
	assert_check(payment_schema, 0, "[]");
	assert_check("{`type`: [`object`, `null`], `additionalProperties`:"
	    " false, `properties`: {`a`: {`type`: `array`, `items`:"
	    " {`type`: `string`, `minLength`: 0, `maxLength`: 8.0,"
	    " `pattern`: `^[a-z]+(-[a-z]+)*$`}}, `b`: {`enum`: [1, null],"
	    " `minimum`: -1.5, `maximum`: 1e3}}, `required`: []}", 0, "[]");
	assert_check("{}", 0, "[]");
	/* Annotations are known keywords that change nothing. */
	assert_check("{`$schema`: `https://json-schema.org/draft/2020-12/"
	    "schema`, `title`: `Order`, `description`: `An order`, "
	    "`$comment`: `x`, `properties`: {`a`: {`type`: `integer`, "
	    "`default`: 1, `examples`: [1, 2]}}}", 0, "[]");
}

static void
test_schema_check_accepts_unknown_keywords_and_formats(void)
{
	/* Unknown keywords are annotations; unknown formats too. */
	assert_check("{`type`: `object`, `properties`: {`amount`:"
	    " {`type`: `number`, `format`: `decimal`, `x-unit`: `EUR`}},"
	    " `discriminator`: {`propertyName`: `kind`}}", 0, "[]");
}

static void
test_schema_check_rejects_wrong_keyword_values(void)
{
	assert_check("{`type`: `strin`}", 1,
	    "[{`input`:`strin`,`loc`:[`body`,`input_schema`,`type`],"
	    "`msg`:`Value error, unknown type 'strin'`,"
	    "`type`:`value_error`}]");
	assert_check("{`type`: [`string`, 5]}", 1,
	    "[{`input`:5,`loc`:[`body`,`input_schema`,`type`,1],"
	    "`msg`:`Value error, 'type' must be a type name or a non-empty"
	    " array of them`,`type`:`value_error`}]");
	assert_check("{`type`: []}", 1, NULL);
	assert_check("{`minLength`: -1}", 1,
	    "[{`input`:-1,`loc`:[`body`,`input_schema`,`minLength`],"
	    "`msg`:`Value error, 'minLength' must be a non-negative integer`,"
	    "`type`:`value_error`}]");
	assert_check("{`maxLength`: `3`}", 1,
	    "[{`input`:`3`,`loc`:[`body`,`input_schema`,`maxLength`],"
	    "`msg`:`Value error, 'maxLength' must be a non-negative integer`,"
	    "`type`:`value_error`}]");
	assert_check("{`maxLength`: 2.5}", 1, NULL);
	assert_check("{`enum`: `USD`}", 1,
	    "[{`input`:`USD`,`loc`:[`body`,`input_schema`,`enum`],"
	    "`msg`:`Value error, 'enum' must be an array`,"
	    "`type`:`value_error`}]");
	assert_check("{`enum`: []}", 0, "[]");
	assert_check("{`required`: `a`}", 1,
	    "[{`input`:`a`,`loc`:[`body`,`input_schema`,`required`],"
	    "`msg`:`Value error, 'required' must be an array of unique "
	    "strings`,`type`:`value_error`}]");
	assert_check("{`required`: [`a`, 1]}", 1,
	    "[{`input`:1,`loc`:[`body`,`input_schema`,`required`,1],"
	    "`msg`:`Value error, 'required' must be an array of unique "
	    "strings`,`type`:`value_error`}]");
	assert_check("{`additionalProperties`: {}}", 0, "[]");
	assert_check("{`additionalProperties`: 3}", 1,
	    "[{`input`:3,`loc`:[`body`,`input_schema`,`additionalProperties`],"
	    "`msg`:`Value error, a schema must be an object or a boolean`,"
	    "`type`:`value_error`}]");
	assert_check("{`minimum`: `0`}", 1,
	    "[{`input`:`0`,`loc`:[`body`,`input_schema`,`minimum`],"
	    "`msg`:`Value error, 'minimum' must be a number`,"
	    "`type`:`value_error`}]");
	assert_check("{`maximum`: true}", 1, NULL);
	assert_check("{`properties`: [`a`]}", 1,
	    "[{`input`:[`a`],`loc`:[`body`,`input_schema`,`properties`],"
	    "`msg`:`Value error, 'properties' must be an object`,"
	    "`type`:`value_error`}]");
	assert_check("{`items`: [{}]}", 1,
	    "[{`input`:[{}],`loc`:[`body`,`input_schema`,`items`],"
	    "`msg`:`Value error, a schema must be an object or a boolean`,"
	    "`type`:`value_error`}]");
	assert_check("{`pattern`: 5}", 1,
	    "[{`input`:5,`loc`:[`body`,`input_schema`,`pattern`],"
	    "`msg`:`Value error, 'pattern' must be a string`,"
	    "`type`:`value_error`}]");
	assert_check("[]", 1,
	    "[{`input`:[],`loc`:[`body`,`input_schema`],"
	    "`msg`:`Value error, a schema must be an object or a boolean`,"
	    "`type`:`value_error`}]");
}

static void
test_schema_check_rejects_invalid_regex(void)
{
	struct json_object	*s, *e, *m;
	struct verr		*ve;
	struct jpath		 p;
	const char		*want = "Value error, 'pattern' is not a valid "
				    "ECMA-262 regular expression: ";

	s = jq("{`properties`: {`a`: {`pattern`: `([a-z`}}}");
	ve = verr_new();
	jpath_init(&p, "body");
	jpath_key(&p, "input_schema");
	CU_ASSERT_EQUAL(schema_check(s, &p, ve), 1);
	CU_ASSERT_EQUAL(p.n, 2);
	CU_ASSERT_EQUAL_FATAL(verr_count(ve), 1);
	e = json_object_array_get_idx(verr_list(ve), 0);
	CU_ASSERT_FATAL(json_object_object_get_ex(e, "msg", &m));
	CU_ASSERT_NSTRING_EQUAL(json_object_get_string(m), want, strlen(want));
	CU_ASSERT(strlen(json_object_get_string(m)) > strlen(want));
	CU_ASSERT_FATAL(json_object_object_get_ex(e, "loc", &m));
	assert_json(m, "[`body`,`input_schema`,`properties`,`a`,`pattern`]");
	CU_ASSERT_FATAL(json_object_object_get_ex(e, "type", &m));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(m), "value_error");
	verr_free(ve);
	json_object_put(s);
	assert_check("{`pattern`: `a{2,1}`}", 1, NULL);
}

static void
test_schema_check_limits_pattern_length(void)
{
	char	 buf[1200];
	size_t	 i;

	/* Longer than 1024 bytes: "a*a*...". */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "{`pattern`: `", 13);
	for (i = 0; i < 1025; i++)
		buf[13 + i] = i % 2 == 0 ? 'a' : '*';
	memcpy(buf + 13 + 1025, "`}", 3);
	assert_check(buf, 1, NULL);
	buf[13 + 1024] = '`';
	buf[13 + 1025] = '}';
	buf[13 + 1026] = '\0';
	assert_check(buf, 0, "[]");
	/* PCRE2 bounds the compiled size itself. */
	assert_check("{`pattern`: `((a{1,200}){1,200}){1,200}`}", 1,
	    "[{`input`:`((a{1,200}){1,200}){1,200}`,"
	    "`loc`:[`body`,`input_schema`,`pattern`],"
	    "`msg`:`Value error, 'pattern' is not a valid ECMA-262 regular "
	    "expression: regular expression is too large`,"
	    "`type`:`value_error`}]");
	assert_check("{`pattern`: `^(a*)+$`}", 0, "[]");
}

static void
test_schema_check_reports_every_error(void)
{
	assert_check("{`type`: `text`, `minLength`: -2, `properties`: {`a`:"
	    " {`format`: 5}, `b`: {`enum`: 3}}}", 4,
	    "[{`input`:`text`,`loc`:[`body`,`input_schema`,`type`],"
	    "`msg`:`Value error, unknown type 'text'`,`type`:`value_error`},"
	    "{`input`:-2,`loc`:[`body`,`input_schema`,`minLength`],"
	    "`msg`:`Value error, 'minLength' must be a non-negative integer`,"
	    "`type`:`value_error`},"
	    "{`input`:5,"
	    "`loc`:[`body`,`input_schema`,`properties`,`a`,`format`],"
	    "`msg`:`Value error, 'format' must be a string`,"
	    "`type`:`value_error`},"
	    "{`input`:3,`loc`:[`body`,`input_schema`,`properties`,`b`,`enum`],"
	    "`msg`:`Value error, 'enum' must be an array`,"
	    "`type`:`value_error`}]");
}

/* n schemas nested through "items", innermost {}; caller frees. */
static struct json_object *
nested_items(int n)
{
	struct json_object	*s, *outer;
	int			 i;

	s = json_object_new_object();
	for (i = 1; i < n; i++) {
		outer = json_object_new_object();
		json_object_object_add(outer, "items", s);
		s = outer;
	}
	return s;
}

static void
test_schema_check_rejects_nesting_deeper_than_32(void)
{
	struct json_object	*s, *e, *loc;
	struct verr		*ve;
	struct jpath		 p;

	s = nested_items(SCHEMA_DEPTH_MAX);
	ve = verr_new();
	jpath_init(&p, "body");
	CU_ASSERT_EQUAL(schema_check(s, &p, ve), 0);
	json_object_put(s);

	s = nested_items(SCHEMA_DEPTH_MAX + 1);
	CU_ASSERT_EQUAL(schema_check(s, &p, ve), 1);
	CU_ASSERT_EQUAL(p.n, 1);
	CU_ASSERT_EQUAL_FATAL(verr_count(ve), 1);
	e = json_object_array_get_idx(verr_list(ve), 0);
	CU_ASSERT_FATAL(json_object_object_get_ex(e, "loc", &loc));
	CU_ASSERT_EQUAL(json_object_array_length(loc), 1 + SCHEMA_DEPTH_MAX);
	assert_json(json_object_array_get_idx(loc, SCHEMA_DEPTH_MAX),
	    "`items`");
	CU_ASSERT_FATAL(json_object_object_get_ex(e, "msg", &loc));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(loc),
	    "Value error, schema nested deeper than 32 levels");
	verr_free(ve);
	json_object_put(s);
}

void
test_schema_register(void)
{
	CU_pSuite	 s;

	s = CU_add_suite("schema", NULL, NULL);
	CU_add_test(s, "test_schema_validate_accepts_payment_example",
	    test_schema_validate_accepts_payment_example);
	CU_add_test(s,
	    "test_schema_validate_reports_payment_example_errors_together",
	    test_schema_validate_reports_payment_example_errors_together);
	CU_add_test(s,
	    "test_schema_validate_reports_missing_at_the_field_with_enclosing_input",
	    test_schema_validate_reports_missing_at_the_field_with_enclosing_input);
	CU_add_test(s, "test_schema_validate_reports_each_type_error",
	    test_schema_validate_reports_each_type_error);
	CU_add_test(s, "test_schema_validate_accepts_matching_types",
	    test_schema_validate_accepts_matching_types);
	CU_add_test(s, "test_schema_validate_type_array_accepts_any_listed",
	    test_schema_validate_type_array_accepts_any_listed);
	CU_add_test(s,
	    "test_schema_validate_counts_string_length_in_code_points",
	    test_schema_validate_counts_string_length_in_code_points);
	CU_add_test(s, "test_schema_validate_reports_pattern_mismatch",
	    test_schema_validate_reports_pattern_mismatch);
	CU_add_test(s, "test_schema_validate_reports_minimum_and_maximum",
	    test_schema_validate_reports_minimum_and_maximum);
	CU_add_test(s, "test_schema_validate_reports_enum_alternatives",
	    test_schema_validate_reports_enum_alternatives);
	CU_add_test(s,
	    "test_schema_validate_reports_extra_forbidden_at_the_key",
	    test_schema_validate_reports_extra_forbidden_at_the_key);
	CU_add_test(s,
	    "test_schema_validate_locates_errors_in_nested_arrays_and_objects",
	    test_schema_validate_locates_errors_in_nested_arrays_and_objects);
	CU_add_test(s,
	    "test_schema_validate_restores_path_and_appends_to_errors",
	    test_schema_validate_restores_path_and_appends_to_errors);
	CU_add_test(s, "test_schema_check_accepts_supported_subset",
	    test_schema_check_accepts_supported_subset);
	CU_add_test(s, "test_schema_check_accepts_unknown_keywords_and_formats",
	    test_schema_check_accepts_unknown_keywords_and_formats);
	CU_add_test(s, "test_schema_check_rejects_wrong_keyword_values",
	    test_schema_check_rejects_wrong_keyword_values);
	CU_add_test(s, "test_schema_check_rejects_invalid_regex",
	    test_schema_check_rejects_invalid_regex);
	CU_add_test(s, "test_schema_check_limits_pattern_length",
	    test_schema_check_limits_pattern_length);
	CU_add_test(s, "test_schema_check_reports_every_error",
	    test_schema_check_reports_every_error);
	CU_add_test(s, "test_schema_check_rejects_nesting_deeper_than_32",
	    test_schema_check_rejects_nesting_deeper_than_32);
}
