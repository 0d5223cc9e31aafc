/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_suites.h: declares <name>_suite() for every suite in suites.txt
 * (through the generated suites.h); each check_<module>.c includes it.
 */
#ifndef EVPERF_CHECK_SUITES_H
#define EVPERF_CHECK_SUITES_H

#include <check.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE

#endif /* EVPERF_CHECK_SUITES_H */
