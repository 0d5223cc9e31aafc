/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_counters.c: the -n/-k budget and a stream's counters driven with
 * made-up numbers and times: the budget's limit for each role, its cuts
 * for TCP writes and UDP trains,
 * interval snapshots and their baselines, the end of -O, TCP_INFO
 * extremes, the results entry and the summary line with and without the
 * peer's numbers; and the role flag's encoding.
 */
#include "compat.h"

#include "check_suites.h"
#include "counters.h"
#include "proto.h"

START_TEST(test_budget_tcp)
{
	struct budget b = { .limit = 1000, .armed = true };

	ck_assert_uint_eq(budget_chunk(&b, 300), 300);
	b.taken = 900; /* writes begun count, sent or not */
	b.sent = 700;
	ck_assert_uint_eq(budget_chunk(&b, 300), 100);
	ck_assert(!budget_spent(&b));
	b.taken = 1000;
	ck_assert_uint_eq(budget_chunk(&b, 300), 0);
	ck_assert(!budget_spent(&b)); /* until they are sent */
	b.sent = 1000;
	ck_assert(budget_spent(&b));
	/* While -O runs nothing is capped. */
	b.armed = false;
	ck_assert_uint_eq(budget_limit(&b), 0);
	ck_assert_uint_eq(budget_chunk(&b, 300), 300);
	ck_assert(!budget_spent(&b));
	/* A timed test has no budget at all. */
	b = (struct budget){ .armed = true, .sent = 5 };
	ck_assert_uint_eq(budget_chunk(&b, 7), 7);
	ck_assert(!budget_spent(&b));
}
END_TEST

START_TEST(test_budget_udp_and_receiver)
{
	struct budget b = { .limit = 10 * 1000, .armed = true };

	ck_assert_int_eq(budget_dgrams(&b, 1000, 64), 10);
	b.sent = 9500; /* a partial datagram left rounds up */
	ck_assert_int_eq(budget_dgrams(&b, 1000, 64), 1);
	b.sent = 10000;
	ck_assert_int_eq(budget_dgrams(&b, 1000, 64), 0);
	/* -R: the client receives; the budget is spent by what arrived. */
	b = (struct budget){ .limit = 4096, .armed = true, .rcvd = 4095 };
	ck_assert(!budget_spent(&b));
	b.rcvd = 4096;
	ck_assert(budget_spent(&b));
}
END_TEST

/*
 * budget_init: -n before -k; a client's exact, a server's rounded up to
 * whole blocks (as a stock iperf3 server sends); and parameters from
 * the network that would overflow saturate instead.
 */
START_TEST(test_budget_init)
{
	struct budget b;

	budget_init(&b, 10000000, 0, 131072, false);
	ck_assert_uint_eq(b.limit, 10000000);
	ck_assert(!b.send_only && budget_counts_rx(&b));
	budget_init(&b, 10000000, 0, 131072, true);
	ck_assert_uint_eq(b.limit, 77 * 131072ULL);
	ck_assert(b.send_only && !budget_counts_rx(&b));
	budget_init(&b, 10485760, 0, 131072, true);
	ck_assert_uint_eq(b.limit, 10485760);
	budget_init(&b, 0, 100, 1000, true);
	ck_assert_uint_eq(b.limit, 100000);
	budget_init(&b, 5, 100, 1000, false); /* -n wins, as in iperf3 */
	ck_assert_uint_eq(b.limit, 5);
	budget_init(&b, 0, 0, 1000, true);
	ck_assert_uint_eq(b.limit, 0);
	ck_assert(!budget_counts_rx(&b));
	budget_init(&b, 0, INT64_MAX, 131072, true);
	ck_assert_uint_eq(b.limit, UINT64_MAX);
	budget_init(&b, UINT64_MAX - 5, 0, 1000, true);
	ck_assert_uint_eq(b.limit, UINT64_MAX);
	budget_init(&b, INT64_MAX, 0, 131072, true);
	ck_assert_uint_eq(b.limit % 131072, 0);
	ck_assert_uint_ge(b.limit, INT64_MAX);
}
END_TEST

/* A server's budget stops its senders but never ends the test. */
START_TEST(test_budget_server)
{
	struct budget b;

	budget_init(&b, 1500, 0, 1000, true);
	b.armed = true;
	ck_assert_uint_eq(budget_chunk(&b, 1000), 1000);
	b.taken = 1000;
	ck_assert_uint_eq(budget_chunk(&b, 1000), 1000);
	b.taken = 2000;
	ck_assert_uint_eq(budget_chunk(&b, 1000), 0);
	b.sent = 2000;
	ck_assert(!budget_spent(&b));
	b.rcvd = 5000; /* --bidir: what it receives spends nothing */
	ck_assert(!budget_spent(&b));
}
END_TEST

START_TEST(test_counters_intervals_and_omit)
{
	struct counters c;
	struct rpt_stream_iv iv;
	struct result_stream rs;

	counters_init(&c, false, true, false);
	counters_begin(&c, 100.0);
	c.bytes = 5000;
	counters_interval(&c, 101.0, true, &iv);
	ck_assert_uint_eq(iv.bytes, 5000);
	ck_assert(iv.omitted && iv.sender && !iv.has_tcpinfo);
	ck_assert_double_eq_tol(iv.start, 0, 1e-9);
	ck_assert_double_eq_tol(iv.end, 1.0, 1e-9);
	c.bytes = 6000;
	counters_omit_end(&c, 101.5); /* -O ends: 6000 are omitted */
	c.bytes = 9000;
	counters_interval(&c, 102.5, false, &iv);
	ck_assert_uint_eq(iv.bytes, 3000);
	ck_assert_double_eq_tol(iv.start, 0, 1e-9);
	ck_assert_double_eq_tol(iv.end, 1.0, 1e-9);
	c.bytes = 9500;
	counters_end(&c, 103.0);
	ck_assert_double_eq_tol(counters_secs(&c), 1.5, 1e-9);
	counters_result(&c, &rs);
	ck_assert_uint_eq(rs.bytes, 3500);
	ck_assert_int_eq(rs.retransmits, -1);
	ck_assert_double_eq_tol(rs.end_time, 1.5, 1e-9);
}
END_TEST

START_TEST(test_counters_tcpinfo)
{
	struct counters c;
	struct tcp_sample ts = {
		.total_retrans = 3, .snd_cwnd = 1000, .rtt = 50
	};
	struct rpt_stream_iv iv;
	struct rpt_stream_end e;

	counters_init(&c, true, true, false);
	counters_tcp_sample(&c, &ts); /* before TEST_START: a baseline */
	counters_begin(&c, 0);
	ts.total_retrans = 7;
	ts.snd_cwnd = 4000;
	ts.rtt = 10;
	counters_tcp_sample(&c, &ts);
	counters_interval(&c, 1, false, &iv);
	ck_assert(iv.has_tcpinfo);
	ck_assert_int_eq(iv.retransmits, 4);
	ck_assert_uint_eq(iv.snd_cwnd, 4000);
	counters_summary(&c, NULL, false, &e);
	ck_assert(e.has_retrans);
	ck_assert_int_eq(e.retransmits, 4);
	ck_assert_uint_eq(e.max_snd_cwnd, 4000);
	ck_assert_uint_eq(e.max_rtt, 50);
	ck_assert_uint_eq(e.min_rtt, 10);
	ck_assert_uint_eq(e.mean_rtt, 30);
}
END_TEST

START_TEST(test_counters_udp_receiver)
{
	struct counters c;
	struct rpt_stream_iv iv;
	struct rpt_stream_end e;
	struct result_stream rs, peer = { .packets = 12, .omitted_packets = 2 };

	counters_init(&c, false, false, true);
	counters_begin(&c, 0);
	udpstat_datagram(&c.us, 1, 0, 0);
	udpstat_datagram(&c.us, 4, 0, 0); /* 2 and 3 lost */
	counters_interval(&c, 1, false, &iv);
	ck_assert_uint_eq(iv.packets, 4);
	ck_assert_int_eq(iv.lost, 2);
	counters_omit_end(&c, 1); /* as if all that was -O */
	udpstat_datagram(&c.us, 5, 0, 0);
	counters_result(&c, &rs);
	ck_assert_int_eq(rs.packets, 5);
	ck_assert_int_eq(rs.omitted_packets, 4);
	ck_assert_int_eq(rs.errors, 2);
	ck_assert_int_eq(rs.omitted_errors, 2);
	counters_summary(&c, NULL, false, &e);
	ck_assert_uint_eq(e.packets_rcvd, 1);
	ck_assert_uint_eq(e.packets, 1); /* the sender's count unknown yet */
	ck_assert_int_eq(e.lost, 0);
	counters_summary(&c, &peer, false, &e);
	ck_assert_uint_eq(e.packets, 10); /* the sender's, after -O */
	ck_assert(!e.sender && e.bytes_sent == 0);
}
END_TEST

/* A held interval absorbs the tail after it: counts add, readings move. */
START_TEST(test_counters_iv_fold)
{
	struct rpt_stream_iv iv = { .start = 2,
		.end = 3,
		.bytes = 1000,
		.has_tcpinfo = true,
		.retransmits = 2,
		.snd_cwnd = 10,
		.rtt = 5,
		.packets = 7,
		.lost = 1,
		.jitter_s = 0.5,
		.out_of_order = 1 };
	struct rpt_stream_iv tail = { .start = 3,
		.end = 3.25,
		.bytes = 24,
		.has_tcpinfo = true,
		.retransmits = 1,
		.snd_cwnd = 20,
		.rtt = 6,
		.packets = 3,
		.lost = 2,
		.jitter_s = 0.25,
		.out_of_order = 4 };

	counters_iv_fold(&iv, &tail);
	ck_assert(iv.start == 2 && iv.end == 3.25);
	ck_assert_uint_eq(iv.bytes, 1024);
	ck_assert_int_eq(iv.retransmits, 3);
	ck_assert_uint_eq(iv.snd_cwnd, 20);
	ck_assert_uint_eq(iv.rtt, 6);
	ck_assert_uint_eq(iv.packets, 10);
	ck_assert_int_eq(iv.lost, 3);
	ck_assert_uint_eq(iv.out_of_order, 5);
	ck_assert(iv.jitter_s == 0.25);
}
END_TEST

START_TEST(test_counters_peer_bytes)
{
	struct counters c;
	struct rpt_stream_end e;
	struct result_stream peer = { .bytes = 700, .retransmits = 9 };

	counters_init(&c, false, false, false);
	c.bytes = 800;
	counters_summary(&c, &peer, true, &e);
	ck_assert_uint_eq(e.bytes_sent, 700);
	ck_assert_uint_eq(e.bytes_received, 800);
	ck_assert(e.has_retrans);
	ck_assert_int_eq(e.retransmits, 9);
	counters_summary(&c, NULL, false, &e);
	ck_assert_uint_eq(e.bytes_sent, 0);
	ck_assert(!e.has_retrans);
}
END_TEST

START_TEST(test_role_flag)
{
	unsigned char b[2];
	bool sends;

	proto_role_encode(b, 1, true, 5);
	ck_assert_uint_eq(b[0], 0x85);
	proto_role_encode(b, 1, false, 127);
	ck_assert_uint_eq(b[0], 0x7f);
	ck_assert_int_eq(proto_role_decode(0x85, 1, &sends), 5);
	ck_assert(sends);
	ck_assert_int_eq(proto_role_decode(0x03, 1, &sends), 3);
	ck_assert(!sends);
	/* The wide form: big endian, bit 15 the direction. */
	proto_role_encode(b, 2, true, 9999);
	ck_assert_uint_eq(b[0], 0x80 | (9999 >> 8));
	ck_assert_uint_eq(b[1], 9999 & 0xff);
	ck_assert_int_eq(
	    proto_role_decode((unsigned)b[0] << 8 | b[1], 2, &sends), 9999);
	ck_assert(sends);
	proto_role_encode(b, 2, false, 300);
	ck_assert_int_eq(
	    proto_role_decode((unsigned)b[0] << 8 | b[1], 2, &sends), 300);
	ck_assert(!sends);
}
END_TEST

Suite *
counters_suite(void)
{
	Suite *s = suite_create("counters");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_budget_tcp);
	tcase_add_test(tc, test_budget_udp_and_receiver);
	tcase_add_test(tc, test_budget_init);
	tcase_add_test(tc, test_budget_server);
	tcase_add_test(tc, test_counters_intervals_and_omit);
	tcase_add_test(tc, test_counters_tcpinfo);
	tcase_add_test(tc, test_counters_udp_receiver);
	tcase_add_test(tc, test_counters_iv_fold);
	tcase_add_test(tc, test_counters_peer_bytes);
	tcase_add_test(tc, test_role_flag);
	suite_add_tcase(s, tc);
	return s;
}
