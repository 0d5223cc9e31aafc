/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_udp.c: the pure UDP modules with synthetic clocks: receiver
 * accounting (loss, out-of-order, duplicates, RFC 1889 jitter) and the
 * pacer's rate and burst arithmetic.
 */
#include "compat.h"

#include "check_suites.h"
#include "pacer.h"
#include "udpstat.h"

START_TEST(test_udpstat_in_order)
{
	struct udpstat us;
	uint64_t i;

	udpstat_init(&us);
	for (i = 1; i <= 100; i++)
		udpstat_datagram(&us, i, i * 0.001, i * 0.001 + 0.0005);
	ck_assert_uint_eq(us.max_seq, 100);
	ck_assert_int_eq(us.lost, 0);
	ck_assert_uint_eq(us.out_of_order, 0);
	ck_assert_double_eq_tol(us.jitter, 0, 1e-12);
}
END_TEST

START_TEST(test_udpstat_loss_reorder_dup)
{
	struct udpstat us;

	udpstat_init(&us);
	udpstat_datagram(&us, 1, 0, 0);
	udpstat_datagram(&us, 4, 0, 0); /* 2 and 3 missing */
	ck_assert_int_eq(us.lost, 2);
	udpstat_datagram(&us, 2, 0, 0); /* late: out of order, one less lost */
	ck_assert_int_eq(us.lost, 1);
	ck_assert_uint_eq(us.out_of_order, 1);
	udpstat_datagram(&us, 4, 0, 0); /* duplicate: same treatment */
	ck_assert_int_eq(us.lost, 0);
	ck_assert_uint_eq(us.out_of_order, 2);
	udpstat_datagram(&us, 3, 0, 0); /* no loss left to cancel */
	ck_assert_int_eq(us.lost, 0);
	ck_assert_uint_eq(us.max_seq, 4);
	ck_assert_uint_eq(us.datagrams, 5);
}
END_TEST

START_TEST(test_udpstat_jitter)
{
	struct udpstat us;

	/* Transit 10 ms, then 12 ms: D = 2 ms, jitter = 2/16 ms. */
	udpstat_init(&us);
	udpstat_datagram(&us, 1, 1.000, 1.010);
	udpstat_datagram(&us, 2, 1.001, 1.013);
	ck_assert_double_eq_tol(us.jitter, 0.002 / 16, 1e-12);
	/* Transit back to 10 ms: D = 2 ms again. */
	udpstat_datagram(&us, 3, 1.002, 1.012);
	ck_assert_double_eq_tol(
	    us.jitter, 0.002 / 16 + (0.002 - 0.002 / 16) / 16, 1e-12);
}
END_TEST

START_TEST(test_pacer_rate)
{
	struct pacer pc;
	double t;
	int n;
	uint64_t total;

	/* 8 Mbit/s = 1 MB/s; 1000-byte datagrams: 1000 per second. */
	pacer_init(&pc, 8000000, 0, 10.0);
	ck_assert_double_eq_tol(pacer_wait(&pc, 10.0, 1000), 0, 1e-12);
	ck_assert_int_eq(pacer_due(&pc, 10.0, 1000, 64), 1);
	pacer_sent(&pc, 1000);
	total = 1;
	ck_assert_int_eq(pacer_due(&pc, 10.0005, 1000, 64), 0);
	ck_assert_double_eq_tol(pacer_wait(&pc, 10.0, 1000), 0.001, 1e-9);
	for (t = 10.0005; t < 11.0; t += 0.0005) {
		n = pacer_due(&pc, t, 1000, 64);
		pacer_sent(&pc, (size_t)n * 1000);
		total += (uint64_t)n;
	}
	/* One second at 1000 datagrams/s, the first one sent at once. */
	ck_assert_uint_ge(total, 1000);
	ck_assert_uint_le(total, 1001);
}
END_TEST

START_TEST(test_pacer_burst_and_unlimited)
{
	struct pacer pc;

	pacer_init(&pc, 8000000, 10, 0.0);
	/* A burst of 10 goes at once; the next when its budget is there. */
	ck_assert_int_eq(pacer_due(&pc, 0.0, 1000, 64), 1);
	ck_assert_double_eq_tol(pacer_wait(&pc, 0.0, 1000), 0.009, 1e-9);
	ck_assert_int_eq(pacer_due(&pc, 0.009, 1000, 64), 10);
	ck_assert_int_eq(pacer_due(&pc, 0.009, 1000, 4), 4);
	pacer_sent(&pc, 10000);
	ck_assert_double_eq_tol(pacer_wait(&pc, 0.009, 1000), 0.010, 1e-9);
	pacer_init(&pc, 0, 0, 0.0);
	ck_assert_int_eq(pacer_due(&pc, 0.0, 1000, 64), 64);
	ck_assert_double_eq_tol(pacer_wait(&pc, 0.0, 1000), 0, 1e-12);
}
END_TEST

Suite *
udp_suite(void)
{
	Suite *s = suite_create("udp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_udpstat_in_order);
	tcase_add_test(tc, test_udpstat_loss_reorder_dup);
	tcase_add_test(tc, test_udpstat_jitter);
	tcase_add_test(tc, test_pacer_rate);
	tcase_add_test(tc, test_pacer_burst_and_unlimited);
	suite_add_tcase(s, tc);
	return s;
}
