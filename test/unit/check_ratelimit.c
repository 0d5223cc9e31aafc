/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_ratelimit.c: --server-bitrate-limit arithmetic with made-up byte
 * counts: the window in ticks, nothing decided before it is full, the
 * average over its nominal length, and the strict "above the limit".
 */
#include "compat.h"

#include "check_suites.h"
#include "ratelimit.h"

#define MB (1000 * 1000 / 8) /* bytes per Mbit */

START_TEST(test_ratelimit_window)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 100000000, 5.0, 1.0);
	ck_assert_int_eq(rl.n, 5);
	ratelimit_clear(&rl);
	ratelimit_init(&rl, 100000000, 5.0, 0.5);
	ck_assert_int_eq(rl.n, 10);
	ratelimit_clear(&rl);
	/* Not longer than a tick, or 0: one tick. */
	ratelimit_init(&rl, 100000000, 0.5, 1.0);
	ck_assert_int_eq(rl.n, 1);
	ratelimit_clear(&rl);
	ratelimit_init(&rl, 100000000, 0, 1.0);
	ck_assert_int_eq(rl.n, 1);
	ratelimit_clear(&rl);
	/* round(), as iperf3: 2.4 s of 1 s ticks is 2, 2.5 s is 3. */
	ratelimit_init(&rl, 100000000, 2.4, 1.0);
	ck_assert_int_eq(rl.n, 2);
	ratelimit_clear(&rl);
	ratelimit_init(&rl, 100000000, 2.5, 1.0);
	ck_assert_int_eq(rl.n, 3);
	ratelimit_clear(&rl);
	ratelimit_init(&rl, 100000000, 60, 0.1);
	ck_assert_int_eq(rl.n, 600);
	ratelimit_clear(&rl);
}
END_TEST

START_TEST(test_ratelimit_average)
{
	struct ratelimit rl;
	uint64_t total = 0, bps;
	int i;

	/* 100 Mbit/s limit over 3 ticks of 1 s. */
	ratelimit_init(&rl, 100000000, 3.0, 1.0);
	/* A burst of 250 Mbit in the first second decides nothing yet. */
	total += 250 * MB;
	ck_assert(!ratelimit_sample(&rl, total, &bps));
	ck_assert_uint_eq(bps, 0);
	total += 20 * MB;
	ck_assert(!ratelimit_sample(&rl, total, &bps));
	/* Full: (250 + 20 + 30) / 3 = 100, not above. */
	total += 30 * MB;
	ck_assert(!ratelimit_sample(&rl, total, &bps));
	ck_assert_uint_eq(bps, 100000000);
	/* The burst leaves the window: (20 + 30 + 40) / 3 = 30. */
	total += 40 * MB;
	ck_assert(!ratelimit_sample(&rl, total, &bps));
	ck_assert_uint_eq(bps, 30000000);
	/* Three ticks of 101 Mbit: above from the third on. */
	for (i = 0; i < 2; i++) {
		total += 101 * MB;
		ck_assert(!ratelimit_sample(&rl, total, &bps));
	}
	total += 101 * MB;
	ck_assert(ratelimit_sample(&rl, total, &bps));
	ck_assert_uint_eq(bps, 101000000);
	ratelimit_clear(&rl);
}
END_TEST

START_TEST(test_ratelimit_tick)
{
	struct ratelimit rl;
	uint64_t bps;

	/* Half-second ticks, 1 s window: 2 slots over 1 s (nominal). */
	ratelimit_init(&rl, 8000, 1.0, 0.5);
	ck_assert(!ratelimit_sample(&rl, 600, &bps));
	ck_assert(ratelimit_sample(&rl, 1001, &bps));
	ck_assert_uint_eq(bps, 8008);
	ratelimit_clear(&rl);
	/* No limit: never above, nothing kept. */
	ratelimit_init(&rl, 0, 5.0, 1.0);
	ck_assert_ptr_null(rl.moved);
	ck_assert(!ratelimit_sample(&rl, UINT64_MAX, &bps));
	ratelimit_clear(&rl);
}
END_TEST

/* The ratelimit suite. */
Suite *
ratelimit_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("ratelimit");
	tc = tcase_create("arithmetic");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_ratelimit_window);
	tcase_add_test(tc, test_ratelimit_average);
	tcase_add_test(tc, test_ratelimit_tick);
	suite_add_tcase(s, tc);
	return s;
}
