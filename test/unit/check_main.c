/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_main.c: the one Check runner. Every suite named in suites.txt is
 * added; CTest picks one per run through CK_RUN_SUITE.
 */
#include "compat.h"

#include <stdlib.h>

#include "check_suites.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(sr, name##_suite());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
