/*
 * JSON Schema 2020-12 through the stack (engine.md "Input schemas"): a
 * Pydantic-shaped input_schema checked at execute with exact loc and
 * type, a remote $ref refused when the template is stored, and
 * output_schema failing a run whose final_result does not match it
 * (output_invalid).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"
#include "test_e2e_exec_util.h"

#define PYD_SCHEMA							\
	"\"input_schema\":{\"$defs\":{\"Item\":{\"properties\":{"	\
	"\"sku\":{\"pattern\":\"^\\\\d{3}-[A-Z]{2}$\",\"title\":\"Sku\","\
	"\"type\":\"string\"},\"qty\":{\"exclusiveMinimum\":0,"		\
	"\"title\":\"Qty\",\"type\":\"integer\"}},\"required\":[\"sku\","\
	"\"qty\"],\"title\":\"Item\",\"type\":\"object\"}},"		\
	"\"properties\":{\"items\":{\"items\":{\"$ref\":"		\
	"\"#/$defs/Item\"},\"maxItems\":2,\"minItems\":1,\"title\":"	\
	"\"Items\",\"type\":\"array\"},\"note\":{\"anyOf\":[{\"maxLength\":"\
	"3,\"type\":\"string\"},{\"type\":\"null\"}],\"default\":null}},"\
	"\"required\":[\"items\"],\"title\":\"Order\",\"type\":\"object\"},"
#define STEPS	"\"steps\":[{\"id\":\"a\",\"type\":\"transform\"," \
		"\"output\":{\"n\":\"{{ input.a * 2 }}\"}}]"

static void
test_e2e_schema_pydantic_input_errors_have_exact_loc(void)
{
	struct resp	 r;
	char		*tid, body[1024];

	tid = x_template(e2e_tok_alice(), "schema-pyd", PYD_SCHEMA STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"input_data\":"
	    "{\"items\":[{\"sku\":\"\xd9\xa1\xd9\xa2\xd9\xa3-AB\",\"qty\":0},"
	    "{\"qty\":1}],\"note\":\"long\"}}", tid);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(r.body, "{\"detail\":[{\"type\":\"string_pattern_mismatch\","
	    "\"loc\":[\"body\",\"input_data\",\"items\",0,\"sku\"],\"msg\":"
	    "\"String should match pattern '^\\\\d{3}-[A-Z]{2}$'\",\"input\":"
	    "\"\xd9\xa1\xd9\xa2\xd9\xa3-AB\",\"ctx\":{\"pattern\":"
	    "\"^\\\\d{3}-[A-Z]{2}$\"}},{\"type\":\"greater_than\",\"loc\":"
	    "[\"body\",\"input_data\",\"items\",0,\"qty\"],\"msg\":\"Input "
	    "should be greater than 0\",\"input\":0,\"ctx\":{\"gt\":0}},"
	    "{\"type\":\"missing\",\"loc\":[\"body\",\"input_data\",\"items\","
	    "1,\"sku\"],\"msg\":\"Field required\",\"input\":{\"qty\":1}},"
	    "{\"type\":\"string_too_long\",\"loc\":[\"body\",\"input_data\","
	    "\"note\"],\"msg\":\"String should have at most 3 characters\","
	    "\"input\":\"long\",\"ctx\":{\"max_length\":3}}]}");
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\",\"input_data\":"
	    "{\"items\":[{\"sku\":\"123-AB\",\"qty\":2}],\"note\":null}}", tid);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 202);
	resp_free(&r);
	free(tid);
}

static void
test_e2e_schema_remote_ref_is_refused_when_stored(void)
{
	struct resp	 r;

	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/templates",
	    e2e_tok_alice(), "{\"name\":\"schema-remote\",\"input_schema\":"
	    "{\"properties\":{\"a\":{\"$ref\":\"https://example.com/a.json\"}}},"
	    "\"output_schema\":{\"type\":\"strin\"}," STEPS "}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 422);
	X_STREQ(r.body, "{\"detail\":[{\"type\":\"value_error\",\"loc\":"
	    "[\"body\",\"input_schema\",\"properties\",\"a\",\"$ref\"],"
	    "\"msg\":\"Value error, remote reference "
	    "'https://example.com/a.json' is not supported: only references "
	    "inside the schema are\",\"input\":\"https://example.com/a.json\"},"
	    "{\"type\":\"value_error\",\"loc\":[\"body\",\"output_schema\","
	    "\"type\"],\"msg\":\"Value error, unknown type 'strin'\","
	    "\"input\":\"strin\"}]}");
	resp_free(&r);
}

static void
test_e2e_schema_output_schema_mismatch_is_output_invalid(void)
{
	static const char *const prefer[] = { "Prefer: wait=10", NULL };
	struct resp	 r;
	char		*tid, body[256];

	tid = x_template(e2e_tok_alice(), "schema-out", "\"output_schema\":"
	    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\","
	    "\"properties\":{\"n\":{\"type\":\"integer\",\"maximum\":40}}}}},"
	    STEPS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"input_data\":{\"a\":20}}", tid);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, prefer, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	X_STREQ(resp_str(&r, "status"), "completed");
	X_STREQ(x_json(x_at(r.json, "final_result")), "{\"a\":{\"n\":40}}");
	resp_free(&r);

	snprintf(body, sizeof(body), "{\"template_id\":\"%s\","
	    "\"input_data\":{\"a\":21}}", tid);
	CU_ASSERT_EQUAL_FATAL(x_exec(e2e_tok_alice(), NULL, body, prefer, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	X_STREQ(resp_str(&r, "status"), "failed");
	CU_ASSERT_TRUE(x_null(r.json, "final_result"));
	X_STREQ(x_str(r.json, "error_details.type"), "output_invalid");
	X_STREQ(x_str(r.json, "error_details.error"), "final_result does not "
	    "match output_schema: [{\"type\":\"less_than_equal\",\"loc\":"
	    "[\"final_result\",\"a\",\"n\"],\"msg\":\"Input should be less "
	    "than or equal to 40\",\"input\":42,\"ctx\":{\"le\":40}}]");
	resp_free(&r);
	free(tid);
}

static void
test_e2e_schema_register(void)
{
	CU_pSuite	s = CU_add_suite("schema", NULL, NULL);

	CU_add_test(s, "pydantic_input_errors_have_exact_loc",
	    test_e2e_schema_pydantic_input_errors_have_exact_loc);
	CU_add_test(s, "remote_ref_is_refused_when_stored",
	    test_e2e_schema_remote_ref_is_refused_when_stored);
	CU_add_test(s, "output_schema_mismatch_is_output_invalid",
	    test_e2e_schema_output_schema_mismatch_is_output_invalid);
}

E2E_SUITE(test_e2e_schema_register)
