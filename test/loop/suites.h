/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * suites.h: the loop suites; check_main.c runs them all and CTest picks
 * one per run through CK_RUN_SUITE.
 */
#ifndef EVPERF_LOOP_SUITES_H
#define EVPERF_LOOP_SUITES_H

#include <check.h>

Suite *loop_client_suite(void);
Suite *loop_server_suite(void);
Suite *loop_budget_suite(void);
Suite *loop_scale_suite(void);
Suite *loop_connect_suite(void);
Suite *loop_closer_suite(void);
Suite *loop_rr_suite(void);

#endif /* EVPERF_LOOP_SUITES_H */
