/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_budget.c: a real client and a real server on one loop, tests that
 * end on -n or -k. A sending client stops at exactly the budget (TCP
 * bytes, UDP datagrams); with -R the server sends and the client ends the
 * test once it has received the budget. A server's TCP senders stop at
 * the budget rounded up to whole blocks over all streams (as a stock
 * iperf3 server does), with -b too; its UDP senders send on until the
 * client ends the test. Where -n is not a block multiple the client may
 * end the test before the last block has gone: the server sent at most
 * the rounded budget and at least -n.
 */
#include "compat.h"

#include "fixture.h"
#include "suites.h"

enum budget_cmp {
	BUDGET_EQ, /* the number at path equals value */
	BUDGET_GE, /* ... is at least value */
	BUDGET_LE, /* ... is at most value */
};

struct budget_check {
	const char *path;
	enum budget_cmp cmp;
	double value;
};

static const struct budget_row {
	const char *name;
	const char *args[12];
	struct budget_check checks[3];
} budget_rows[] = {
	{ "TCP -n 1M", { "-n", "1M", NULL },
	    { { "end.sum_sent.bytes", BUDGET_EQ, 1048576 } } },
	{ "TCP -n 1M -P 2", { "-n", "1M", "-P", "2", NULL },
	    { { "end.sum_sent.bytes", BUDGET_EQ, 1048576 } } },
	{ "TCP -k 10 -l 1000", { "-k", "10", "-l", "1000", NULL },
	    { { "end.sum_sent.bytes", BUDGET_EQ, 10000 } } },
	{ "UDP -b 10M -k 50 -l 1000",
	    { "-u", "-b", "10M", "-k", "50", "-l", "1000", NULL },
	    { { "end.sum_sent.packets", BUDGET_EQ, 50 },
		{ "end.sum_sent.bytes", BUDGET_EQ, 50000 } } },
	{ "UDP --gsro -b 10M -k 50 -l 1000",
	    { "-u", "--gsro", "-b", "10M", "-k", "50", "-l", "1000", NULL },
	    { { "end.sum_sent.packets", BUDGET_EQ, 50 },
		{ "start.test_start.gso", BUDGET_EQ, 1 },
		{ "start.test_start.gro", BUDGET_EQ, 1 } } },
	{ "TCP -R -n 1M", { "-R", "-n", "1M", NULL },
	    { { "end.sum_sent.bytes", BUDGET_EQ, 1048576 },
		{ "end.sum_received.bytes", BUDGET_EQ, 1048576 } } },
	{ "TCP -R -n 1000000", { "-R", "-n", "1000000", NULL },
	    { { "end.sum_sent.bytes", BUDGET_LE, 8 * 131072 },
		{ "end.sum_sent.bytes", BUDGET_GE, 1000000 },
		{ "end.sum_received.bytes", BUDGET_GE, 1000000 } } },
	{ "TCP -R -P 3 -n 1M", { "-R", "-P", "3", "-n", "1M", NULL },
	    { { "end.sum_sent.bytes", BUDGET_EQ, 1048576 },
		{ "end.sum_received.bytes", BUDGET_EQ, 1048576 } } },
	{ "TCP -R -k 10 -l 1000", { "-R", "-k", "10", "-l", "1000", NULL },
	    { { "end.sum_sent.bytes", BUDGET_EQ, 10000 },
		{ "end.sum_received.bytes", BUDGET_EQ, 10000 } } },
	{ "TCP -R -b 100M -n 1M", { "-R", "-b", "100M", "-n", "1M", NULL },
	    { { "end.sum_sent.bytes", BUDGET_EQ, 1048576 } } },
	{ "TCP --bidir -n 1000000", { "--bidir", "-n", "1000000", NULL },
	    { { "end.sum_sent.bytes", BUDGET_EQ, 1000000 },
		{ "end.sum_sent_bidir_reverse.bytes", BUDGET_LE,
		    8 * 131072 } } },
	{ "UDP -R -b 10M -k 50 -l 1000",
	    { "-u", "-R", "-b", "10M", "-k", "50", "-l", "1000", NULL },
	    { { "end.sum_received.bytes", BUDGET_GE, 50000 } } },
};

static bool
budget_done(struct fixture *fx, void *arg)
{
	return fx->sess_done && capture_ndocs(&fx->sout) >= 1;
}

static void
budget_assert(const cJSON *doc, const struct budget_check *c)
{
	double got = json_num(doc, c->path);
	double want = c->value;

	if (c->cmp == BUDGET_EQ)
		ck_assert_msg(
		    got == want, "%s = %.0f, want %.0f", c->path, got, want);
	else if (c->cmp == BUDGET_LE)
		ck_assert_msg(
		    got <= want, "%s = %.0f, want <= %.0f", c->path, got, want);
	else
		ck_assert_msg(
		    got >= want, "%s = %.0f, want >= %.0f", c->path, got, want);
}

START_TEST(test_budget)
{
	const struct budget_row *row = &budget_rows[_i];
	struct fixture *fx = fixture_new();
	cJSON *doc;
	size_t i;

	fixture_server(fx, NULL);
	fixture_client(fx, fx->port, row->args);
	ck_assert_msg(fixture_run(fx, budget_done, NULL), "%s", row->name);
	ck_assert_msg(session_error(fx->sess) == 0, "%s: client error %d",
	    row->name, session_error(fx->sess));
	doc = capture_doc(&fx->cout, 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(json_at(doc, "error"));
	for (i = 0; i < nitems(row->checks) && row->checks[i].path; i++)
		budget_assert(doc, &row->checks[i]);
	cJSON_Delete(doc);
	doc = capture_doc(&fx->sout, 0);
	ck_assert_msg(json_at(doc, "error") == NULL, "%s: server error %s",
	    row->name, json_str(doc, "error"));
	cJSON_Delete(doc);
	ck_assert_int_eq(server_exit_code(fx->srv), 0);
	fixture_free(fx);
}
END_TEST

Suite *
loop_budget_suite(void)
{
	Suite *s = suite_create("loop_budget");

	fixture_tcase(s, "budget", test_budget, nitems(budget_rows));
	return s;
}
