/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_main.c: the loop tests' runner (evperf_loop). Every suite is
 * added; CTest runs one per test through CK_RUN_SUITE.
 */
#include "compat.h"

#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(loop_client_suite());
	srunner_add_suite(sr, loop_server_suite());
	srunner_add_suite(sr, loop_budget_suite());
	srunner_add_suite(sr, loop_scale_suite());
	srunner_add_suite(sr, loop_connect_suite());
	srunner_add_suite(sr, loop_closer_suite());
	srunner_add_suite(sr, loop_rr_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
