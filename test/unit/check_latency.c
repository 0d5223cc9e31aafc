/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_latency.c: the round-trip histogram: exact percentiles below
 * 1024 us, within 0.2 % above, exact minimum, maximum and mean, ordered
 * summaries, merging, and an empty histogram's zeros.
 */
#include "compat.h"

#include "check_suites.h"
#include "latency.h"

START_TEST(test_latency_exact)
{
	struct lat_hist h;
	struct lat_summary s;
	uint64_t v;

	lat_hist_init(&h);
	for (v = 1; v <= 1000; v++)
		lat_hist_add(&h, v);
	ck_assert_uint_eq(lat_hist_quantile(&h, 0.5), 500);
	ck_assert_uint_eq(lat_hist_quantile(&h, 0.9), 900);
	ck_assert_uint_eq(lat_hist_quantile(&h, 0.99), 990);
	ck_assert_uint_eq(lat_hist_quantile(&h, 1.0), 1000);
	ck_assert_uint_eq(lat_hist_quantile(&h, 0.0001), 1);
	lat_summarize(&h, &s);
	ck_assert_uint_eq(s.count, 1000);
	ck_assert_double_eq_tol(s.min_ms, 0.001, 1e-12);
	ck_assert_double_eq_tol(s.max_ms, 1.0, 1e-12);
	ck_assert_double_eq_tol(s.mean_ms, 0.5005, 1e-12);
	ck_assert_double_eq_tol(s.median_ms, 0.5, 1e-12);
	lat_hist_free(&h);
}
END_TEST

START_TEST(test_latency_wide)
{
	struct lat_hist h;
	uint64_t v, q;

	lat_hist_init(&h);
	/* 10 ms .. 10 s in steps of 1 ms: buckets are 2^e wide. */
	for (v = 10000; v <= 10000000; v += 1000)
		lat_hist_add(&h, v);
	q = lat_hist_quantile(&h, 0.5);
	ck_assert_uint_ge(q, 5005000 - 5005000 / 512);
	ck_assert_uint_le(q, 5005000 + 5005000 / 512);
	q = lat_hist_quantile(&h, 0.99);
	ck_assert_uint_ge(q, 9900100 - 9900100 / 512);
	ck_assert_uint_le(q, 9900100 + 9900100 / 512);
	/* min and max stay exact; the top bucket is clamped to max */
	ck_assert_uint_eq(h.min_us, 10000);
	ck_assert_uint_eq(lat_hist_quantile(&h, 1.0), 10000000);
	/* beyond 2^32 us: counted as the largest value */
	lat_hist_add(&h, UINT64_MAX);
	ck_assert_uint_eq(h.max_us, UINT32_MAX);
	ck_assert_uint_eq(lat_hist_quantile(&h, 1.0), UINT32_MAX);
	lat_hist_free(&h);
}
END_TEST

START_TEST(test_latency_ordered)
{
	struct lat_hist h;
	struct lat_summary s;
	uint64_t x = 88172645463325252ULL;
	int i;

	lat_hist_init(&h);
	for (i = 0; i < 5000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		lat_hist_add(&h, x % 3000000);
	}
	lat_summarize(&h, &s);
	ck_assert(s.min_ms <= s.median_ms);
	ck_assert(s.median_ms <= s.p90_ms);
	ck_assert(s.p90_ms <= s.p99_ms);
	ck_assert(s.p99_ms <= s.max_ms);
	ck_assert(s.min_ms <= s.mean_ms && s.mean_ms <= s.max_ms);
	lat_hist_free(&h);
}
END_TEST

START_TEST(test_latency_merge_reset)
{
	struct lat_hist a, b;
	struct lat_summary s;

	lat_hist_init(&a);
	lat_hist_init(&b);
	lat_summarize(&a, &s);
	ck_assert_uint_eq(s.count, 0);
	ck_assert_double_eq(s.max_ms, 0);
	ck_assert_uint_eq(lat_hist_quantile(&a, 0.5), 0);
	lat_hist_add(&a, 100);
	lat_hist_add(&a, 300);
	a.lost = 2;
	lat_hist_add(&b, 50);
	lat_hist_add(&b, 5000);
	b.lost = 1;
	lat_hist_merge(&b, &a);
	ck_assert_uint_eq(b.count, 4);
	ck_assert_uint_eq(b.lost, 3);
	ck_assert_uint_eq(b.min_us, 50);
	ck_assert_uint_eq(b.max_us, 5000);
	ck_assert_uint_eq(lat_hist_quantile(&b, 0.5), 100);
	ck_assert_uint_eq(lat_hist_quantile(&b, 0.75), 300);
	lat_hist_reset(&b);
	ck_assert_uint_eq(b.count, 0);
	ck_assert_uint_eq(lat_hist_quantile(&b, 1.0), 0);
	lat_hist_add(&b, 7);
	ck_assert_uint_eq(lat_hist_quantile(&b, 1.0), 7);
	lat_hist_free(&a);
	lat_hist_free(&b);
}
END_TEST

Suite *
latency_suite(void)
{
	Suite *s = suite_create("latency");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_latency_exact);
	tcase_add_test(tc, test_latency_wide);
	tcase_add_test(tc, test_latency_ordered);
	tcase_add_test(tc, test_latency_merge_reset);
	suite_add_tcase(s, tc);
	return s;
}
