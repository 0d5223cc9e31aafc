/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_rr.c: a real client and a real server on one loop in request/
 * response mode (--rr, --crr) and with latency probes (--latency, TCP and
 * UDP; also CI's AddressSanitizer run): the client's document has the
 * mode, transactions (with --crr as many connections) whose count is
 * exactly its bytes over the request size, or probes timed and an idle
 * baseline of 10, ordered percentiles, and no error on either side;
 * after each test the server runs a bulk test for the next client.
 */
#include "compat.h"

#include "fixture.h"
#include "suites.h"

static const struct rr_row {
	const char *name;
	const char *args[10];
	const char *mode;
	double req;
} rr_rows[] = {
	{ "--rr -P 3", { "--rr=10/100", "-P", "3", "-t", "1", NULL }, "rr",
	    10 },
	{ "--rr 1M/1", { "--rr=1M/1", "-t", "1", NULL }, "rr", 1048576 },
	{ "--crr -P 2", { "--crr=20/300", "-P", "2", "-t", "1", NULL }, "crr",
	    20 },
	{ "--crr 1M/1M", { "--crr=1M/1M", "-t", "1", NULL }, "crr", 1048576 },
	{ "--latency", { "--latency=50", "-t", "1", NULL }, "probe", 0 },
	{ "--latency-udp -R", { "--latency-udp", "-R", "-t", "1", NULL },
	    "probe", 0 },
	{ "-u --latency",
	    { "-u", "-b", "10M", "--latency=100", "-t", "1", NULL }, "probe",
	    0 },
};

/* until: the client is done and the server has printed n documents. */
static bool
rr_done(struct fixture *fx, void *arg)
{
	return fx->sess_done && capture_ndocs(&fx->sout) >= *(size_t *)arg;
}

static void
rr_check_lat(const cJSON *doc, const struct rr_row *row)
{
	const cJSON *l = json_at(doc, "end.latency.loaded");
	double n;

	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(json_str(doc, "end.latency.mode"), row->mode);
	if (row->req == 0) { /* probes */
		ck_assert_msg(
		    json_num(l, "count") > 0, "%s: no probe", row->name);
		ck_assert(json_num(doc, "end.latency.idle.count") == 10);
		ck_assert(json_num(l, "lost") == 0);
	} else {
		n = json_num(l, "transactions");
		ck_assert_msg(n > 0, "%s: no transaction", row->name);
		ck_assert_msg(
		    json_num(doc, "end.sum_sent.bytes") == n * row->req,
		    "%s: %.0f bytes for %.0f transactions", row->name,
		    json_num(doc, "end.sum_sent.bytes"), n);
	}
	ck_assert(json_num(l, "min_ms") <= json_num(l, "median_ms"));
	ck_assert(json_num(l, "median_ms") <= json_num(l, "p90_ms"));
	ck_assert(json_num(l, "p90_ms") <= json_num(l, "p99_ms"));
	ck_assert(json_num(l, "p99_ms") <= json_num(l, "max_ms"));
	if (row->req != 0)
		ck_assert_ptr_null(json_at(doc, "end.latency.idle"));
	if (row->mode[0] == 'c')
		ck_assert(json_num(l, "connections") == n);
}

/* The server's n-th document: no error. */
static void
rr_check_server(struct fixture *fx, size_t n, const char *name)
{
	cJSON *doc = capture_doc(&fx->sout, n);

	ck_assert_ptr_nonnull(doc);
	ck_assert_msg(json_at(doc, "error") == NULL, "%s: server error %s",
	    name, json_str(doc, "error"));
	cJSON_Delete(doc);
}

START_TEST(test_rr)
{
	static const char *const bulk[] = { "-t", "1", NULL };
	const struct rr_row *row = &rr_rows[_i];
	struct fixture *fx = fixture_new();
	size_t ndocs = 1;
	cJSON *doc;

	fixture_server(fx, NULL);
	fixture_client(fx, fx->port, row->args);
	ck_assert_msg(fixture_run(fx, rr_done, &ndocs), "%s", row->name);
	ck_assert_msg(session_error(fx->sess) == 0, "%s: client error %d",
	    row->name, session_error(fx->sess));
	doc = capture_doc(&fx->cout, 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(json_at(doc, "error"));
	rr_check_lat(doc, row);
	cJSON_Delete(doc);
	rr_check_server(fx, 0, row->name);
	/* The next client: a bulk test. */
	fixture_client_free(fx);
	fixture_client(fx, fx->port, bulk);
	ndocs = 2;
	ck_assert_msg(fixture_run(fx, rr_done, &ndocs), "%s: next", row->name);
	ck_assert_int_eq(session_error(fx->sess), 0);
	rr_check_server(fx, 1, row->name);
	ck_assert_int_eq(server_exit_code(fx->srv), 0);
	fixture_free(fx);
}
END_TEST

Suite *
loop_rr_suite(void)
{
	Suite *s = suite_create("loop_rr");

	fixture_tcase(s, "rr", test_rr, nitems(rr_rows));
	return s;
}
