/*
 * The unit-test runner: one CUnit registry, one suite per module. Run
 * from the repository root (tests read tests/data and tests/handlers).
 * Exits non-zero when any test fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "log.h"

void	test_auth_register(void);
void	test_config_register(void);
void	test_engine_register(void);
void	test_expr_register(void);
void	test_http_register(void);
void	test_jsonx_register(void);
void	test_openapi_register(void);
void	test_schema_register(void);
void	test_secret_register(void);
void	test_sched_register(void);
void	test_schema_suite_register(void);
void	test_schema_pyd_register(void);
void	test_sup_cmd_register(void);
void	test_sup_http_register(void);
void	test_sup_net_register(void);
void	test_tmpl_register(void);
void	test_util_register(void);
void	test_whsig_register(void);

int
main(int argc, char *argv[])
{
	unsigned	failed;

	/* Tests provoke warnings on purpose; keep the output readable. */
	log_init("unit-tests", LOG_LVL_ERROR + 1, "stderr");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	test_auth_register();
	test_config_register();
	test_engine_register();
	test_expr_register();
	test_http_register();
	test_jsonx_register();
	test_openapi_register();
	test_schema_register();
	test_secret_register();
	test_sched_register();
	test_schema_suite_register();
	test_schema_pyd_register();
	test_sup_cmd_register();
	test_sup_http_register();
	test_sup_net_register();
	test_tmpl_register();
	test_util_register();
	test_whsig_register();
	if (argc > 1) {
		/* Run one suite by name. */
		CU_pSuite s = CU_get_suite(argv[1]);

		if (s == NULL) {
			fprintf(stderr, "no suite %s\n", argv[1]);
			return 2;
		}
		CU_basic_set_mode(CU_BRM_VERBOSE);
		CU_basic_run_suite(s);
	} else {
		CU_basic_set_mode(CU_BRM_NORMAL);
		CU_basic_run_tests();
	}
	failed = CU_get_number_of_tests_failed() +
	    CU_get_number_of_failures();
	printf("\n%u passed, %u failed\n", CU_get_number_of_tests_run() -
	    CU_get_number_of_tests_failed(), CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
