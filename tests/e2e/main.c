/*
 * The end-to-end runner (started by tests/e2e/run.sh with the stack up).
 * Optional argument: one suite name.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>

#include "e2e.h"

#define SUITES_MAX	64

static void	(*suites[SUITES_MAX])(void);
static int	  nsuites;

void
e2e_suite_add(void (*fn)(void))
{
	if (nsuites < SUITES_MAX)
		suites[nsuites++] = fn;
}

int
main(int argc, char *argv[])
{
	unsigned	failed, run;
	int		i;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (i = 0; i < nsuites; i++)
		suites[i]();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		CU_pSuite s = CU_get_suite(argv[1]);

		if (s == NULL) {
			fprintf(stderr, "no suite %s\n", argv[1]);
			return 2;
		}
		CU_basic_run_suite(s);
	} else
		CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	printf("\n%u passed, %u failed\n", run - failed, failed);
	CU_cleanup_registry();
	curl_global_cleanup();
	return failed == 0 && CU_get_number_of_failures() == 0 ? 0 : 1;
}
