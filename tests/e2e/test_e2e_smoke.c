/*
 * Smoke: the stack answers through nginx, and a whole execution runs.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "e2e.h"

static void
test_e2e_healthz_is_200_through_nginx(void)
{
	struct resp	r;

	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/healthz", NULL, NULL, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(r.body, "{\"status\":\"ok\"}");
	CU_ASSERT_PTR_NOT_NULL(resp_header(&r, "X-Request-Id"));
	resp_free(&r);
}

static void
test_e2e_readyz_is_200_with_every_check_ok(void)
{
	struct resp	r;

	CU_ASSERT_EQUAL_FATAL(e2e_req("GET", "/readyz", NULL, NULL, NULL, &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(r.body, "{\"status\":\"ok\",\"checks\":"
	    "{\"database\":\"ok\",\"schema\":\"ok\",\"supervisor\":\"ok\"}}");
	resp_free(&r);
}

static void
test_e2e_seed_request_for_unknown_template_is_404(void)
{
	struct resp	r;

	CU_ASSERT_EQUAL_FATAL(e2e_req("POST", "/workflow-management/execute",
	    e2e_tok_alice(), "{\"template_id\": \"test_template\", "
	    "\"input_data\": {\"test\": \"data\"}}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_STRING_EQUAL(r.body, "{\"detail\":\"Template not found\"}");
	resp_free(&r);
}

static void
test_e2e_two_step_transform_completes(void)
{
	struct json_object	*doc, *v, *steps;
	char			*tid, *eid;

	tid = e2e_template(e2e_tok_alice(), "{\"name\":\"smoke\",\"steps\":["
	    "{\"id\":\"a\",\"type\":\"transform\",\"output\":{\"n\":"
	    "\"{{ input.n * 2 }}\"}},{\"id\":\"b\",\"type\":\"transform\","
	    "\"depends_on\":[\"a\"],\"output\":{\"m\":"
	    "\"{{ steps.a.output.n + 1 }}\"}}],\"output\":{\"r\":"
	    "\"{{ steps.b.output.m }}\"}}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tid);
	eid = e2e_execute(e2e_tok_alice(), tid, "{\"n\": 20}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(eid);
	doc = e2e_wait(e2e_tok_alice(), eid, 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	json_object_object_get_ex(doc, "status", &v);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "completed");
	json_object_object_get_ex(doc, "final_result", &v);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN), "{\"r\":41}");
	json_object_object_get_ex(doc, "steps", &steps);
	CU_ASSERT_EQUAL(json_object_array_length(steps), 2);
	v = json_object_array_get_idx(steps, 1);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_object_get(v, "status")), "completed");
	CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(v,
	    "attempts")), 1);
	json_object_put(doc);
	free(tid);
	free(eid);
}

E2E_SUITE(test_e2e_smoke_register)

void
test_e2e_smoke_register(void)
{
	CU_pSuite	s = CU_add_suite("smoke", NULL, NULL);

	CU_add_test(s, "healthz_is_200_through_nginx",
	    test_e2e_healthz_is_200_through_nginx);
	CU_add_test(s, "readyz_is_200_with_every_check_ok",
	    test_e2e_readyz_is_200_with_every_check_ok);
	CU_add_test(s, "seed_request_for_unknown_template_is_404",
	    test_e2e_seed_request_for_unknown_template_is_404);
	CU_add_test(s, "two_step_transform_completes",
	    test_e2e_two_step_transform_completes);
}
