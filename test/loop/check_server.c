/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_server.c: the real server against fake clients on the same loop.
 * A second control connection during a test gets ACCESS_DENIED while the
 * test goes on, and the next client is served; --bidir roles come from
 * accept order for a stock client and from the role flag for a client
 * that offers it, whatever order its connections arrive in, and by
 * accept order still when the loop reports two cookies in the other.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fake.h"
#include "fixture.h"
#include "suites.h"

#define SERVER_MAX_STEPS 24

/* A fake client for the fixture's server, with a client command line. */
static struct fake *
server_fake_client(struct fixture *fx, const struct fake_step *script,
    const char *const *args, bool roles)
{
	struct settings s;
	struct fake *fk;

	fixture_settings(&s, args);
	fk = fake_client_new(fx->base, fx->port, script);
	proto_params_from_settings(&fk->params, &s);
	fk->roles = roles;
	return fk;
}

static bool
server_client_done(struct fixture *fx, void *arg)
{
	struct fake_wait *w = arg;

	return fx->sess_done && capture_ndocs(&fx->sout) >= w->ndocs;
}

/* The server's n-th -J document; it must report no error. */
static cJSON *
server_doc(struct fixture *fx, size_t n)
{
	cJSON *doc = capture_doc(&fx->sout, n);

	ck_assert_ptr_nonnull(doc);
	ck_assert_msg(json_at(doc, "error") == NULL, "server error: %s",
	    json_str(doc, "error"));
	return doc;
}

/* The server's first -J document of a --bidir test: received, sent back. */
static void
server_bidir_check(struct fixture *fx, double received, double sent)
{
	cJSON *doc = server_doc(fx, 0);

	ck_assert_uint_eq(json_num(doc, "end.sum_received.bytes"), received);
	ck_assert_uint_eq(
	    json_num(doc, "end.sum_sent_bidir_reverse.bytes"), sent);
	cJSON_Delete(doc);
}

/* The entry for stream id in a results message. */
static const cJSON *
results_stream(const cJSON *results, int id)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, json_at(results, "streams"))
	{
		if (json_num(o, "id") == id)
			return o;
	}
	ck_abort_msg("no stream id %d in the results", id);
	return NULL;
}

/*
 * 4. A test is running. A second control connection that sends its
 * cookie gets the single byte ACCESS_DENIED and EOF; a real client gets it too
 * and fails with IE_ACCESSDENIED. The first test then completes with its
 * bytes counted, and the server serves the next (real) client.
 */
static const struct fake_step busy_script[] = {
	FAKE_DO(FAKE_COOKIE_OUT),
	FAKE_EXPECT(PARAM_EXCHANGE),
	FAKE_DO(FAKE_PARAMS_OUT),
	FAKE_EXPECT(CREATE_STREAMS),
	FAKE_DO(FAKE_CONNECT),
	FAKE_EXPECT(TEST_START),
	FAKE_EXPECT(TEST_RUNNING),
	FAKE_DO(FAKE_DATA_OUT),
	FAKE_DO(FAKE_INTRUDE),
	FAKE_DO(FAKE_HOLD),
	FAKE_STEPS_CLIENT_END,
};

/* The real client that came while the server was busy. */
static void
busy_check_denied(struct fixture *fx)
{
	char want[128];
	cJSON *doc;

	ck_assert_int_eq(session_error(fx->sess), IE_ACCESSDENIED);
	doc = capture_doc(&fx->cout, 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_str(doc, "error"),
	    errors_str(want, sizeof(want), IE_ACCESSDENIED, 0));
	cJSON_Delete(doc);
	fixture_client_free(fx);
}

static void
busy_check_first(struct fixture *fx, struct fake *fk)
{
	cJSON *doc;

	ck_assert_msg(fk->fail[0] == '\0', "%s", fk->fail);
	ck_assert_uint_eq(fk->intr_len, 1);
	ck_assert_int_eq((signed char)fk->intr_buf[0], ACCESS_DENIED);
	ck_assert_int_eq(fk->intr_err, 0);
	ck_assert_int_eq(cJSON_GetArraySize(json_at(fk->peer, "streams")), 1);
	ck_assert_int_eq(json_num(fk->peer, "streams.0.id"), 1);
	ck_assert_uint_eq(json_num(fk->peer, "streams.0.bytes"), 8192);
	ck_assert_uint_eq(capture_ndocs(&fx->sout), 1);
	doc = server_doc(fx, 0);
	ck_assert_uint_eq(json_num(doc, "end.sum_received.bytes"), 8192);
	cJSON_Delete(doc);
}

static void
busy_check_next(struct fixture *fx)
{
	cJSON *doc;

	ck_assert_int_eq(session_error(fx->sess), 0);
	doc = capture_doc(&fx->cout, 1);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(json_num(doc, "end.sum_sent.bytes"), 102400);
	cJSON_Delete(doc);
	cJSON_Delete(server_doc(fx, 1));
	ck_assert_int_eq(server_exit_code(fx->srv), 0);
}

START_TEST(test_busy)
{
	static const char *const a_args[] = { "-c", "127.0.0.1", "-t", "10",
		"-l", "8K", NULL };
	static const char *const c_args[] = { "-n", "100K", NULL };
	struct fixture *fx = fixture_new();
	struct fake_wait w = { NULL, 1 };

	fixture_server(fx, NULL);
	w.fk = server_fake_client(fx, busy_script, a_args, false);
	w.fk->payload[0] = 8192;
	fake_start(w.fk);
	ck_assert_msg(fixture_run(fx, fake_held, w.fk), "not held");
	ck_assert_msg(w.fk->fail[0] == '\0', "%s", w.fk->fail);

	fixture_client(fx, fx->port, c_args);
	ck_assert(fixture_run(fx, fixture_client_done, NULL));
	busy_check_denied(fx);

	fake_release(w.fk);
	ck_assert_msg(fixture_run(fx, fake_client_done, &w), "first test: %s",
	    w.fk->fail);
	busy_check_first(fx, w.fk);

	w.ndocs = 2;
	fixture_client(fx, fx->port, c_args);
	ck_assert(fixture_run(fx, server_client_done, &w));
	busy_check_next(fx);
	fake_free(w.fk);
	fixture_free(fx);
}
END_TEST

/*
 * 5. --bidir -P 2. The client writes 4096 and 8192 bytes on its two
 * sending connections and reads on the other two. A stock client (no
 * role flag) connects in creation order and the server must take the
 * first two it accepts as its receivers; a client with the role flag
 * connects in reverse and its flags must give the same roles and ids.
 */
static const struct roles_row {
	const char *name;
	bool roles;
	int order[4]; /* connection c opened k-th */
} roles_rows[] = {
	{ "stock client, accept order", false, { 0, 1, 2, 3 } },
	{ "role flag, reverse order", true, { 3, 2, 1, 0 } },
};

static size_t
roles_script(struct fake_step *st, bool roles)
{
	static const struct fake_step head[] = {
		FAKE_DO(FAKE_COOKIE_OUT),
		FAKE_EXPECT(PARAM_EXCHANGE),
		FAKE_DO(FAKE_PARAMS_OUT),
	};
	static const struct fake_step tail[] = {
		FAKE_EXPECT(CREATE_STREAMS),
		FAKE_DO(FAKE_CONNECT),
		FAKE_EXPECT(TEST_START),
		FAKE_EXPECT(TEST_RUNNING),
		FAKE_DO(FAKE_DATA_OUT),
		FAKE_DO_ARG(FAKE_DATA_WAIT, 1),
		FAKE_STEPS_CLIENT_END,
	};
	size_t n = 0;

	memcpy(st, head, sizeof(head));
	n += nitems(head);
	/* Only a client that offered the flag may see the confirmation. */
	if (roles)
		st[n++] = (struct fake_step)FAKE_EXPECT(EVPERF_ROLES_ACK);
	memcpy(st + n, tail, sizeof(tail));
	return n + nitems(tail);
}

static void
roles_check(struct fixture *fx, const struct fake *fk)
{
	const cJSON *r = fk->peer;
	double sent;

	ck_assert_int_eq(cJSON_GetArraySize(json_at(r, "streams")), 4);
	/* Server receivers: ids 1 and 3, the bytes we wrote, no retransmits. */
	ck_assert_uint_eq(json_num(results_stream(r, 1), "bytes"), 4096);
	ck_assert_uint_eq(json_num(results_stream(r, 3), "bytes"), 8192);
	ck_assert_int_eq(json_num(results_stream(r, 1), "retransmits"), -1);
	ck_assert_int_eq(json_num(results_stream(r, 3), "retransmits"), -1);
	/* Server senders: ids 4 and 5, on our receiving connections only. */
	ck_assert_uint_eq(fk->conns[0].rx, 0);
	ck_assert_uint_eq(fk->conns[1].rx, 0);
	ck_assert_uint_gt(fk->conns[2].rx, 0);
	ck_assert_uint_gt(fk->conns[3].rx, 0);
	ck_assert_uint_ge(
	    json_num(results_stream(r, 4), "bytes"), fk->conns[2].rx);
	ck_assert_uint_ge(
	    json_num(results_stream(r, 5), "bytes"), fk->conns[3].rx);
	sent = json_num(results_stream(r, 4), "bytes") +
	    json_num(results_stream(r, 5), "bytes");
	server_bidir_check(fx, 12288, sent);
}

START_TEST(test_bidir_roles)
{
	static const char *const args[] = { "-c", "127.0.0.1", "--bidir", "-P",
		"2", "-t", "10", "-l", "8K", NULL };
	const struct roles_row *row = &roles_rows[_i];
	struct fake_step script[SERVER_MAX_STEPS];
	struct fixture *fx = fixture_new();
	struct fake_wait w = { NULL, 1 };

	roles_script(script, row->roles);
	fixture_server(fx, NULL);
	w.fk = server_fake_client(fx, script, args, row->roles);
	memcpy(w.fk->order, row->order, sizeof(row->order));
	w.fk->payload[0] = 4096;
	w.fk->payload[1] = 8192;
	fake_start(w.fk);
	ck_assert_msg(fixture_run(fx, fake_client_done, &w), "%s", row->name);
	ck_assert_msg(w.fk->fail[0] == '\0', "%s: %s", row->name, w.fk->fail);
	ck_assert_int_eq(w.fk->role_width, row->roles ? 1 : 0);
	roles_check(fx, w.fk);
	ck_assert_int_eq(server_exit_code(fx->srv), 0);
	fake_free(w.fk);
	fixture_free(fx);
}
END_TEST

/*
 * 6. --bidir -P 1 from a stock client (no role flag) on a loop with
 * libevent's poll backend. The client opens both data connections and
 * writes both cookies inside one callback, so the server accepts them
 * together and finds both cookies readable in the same poll pass; poll
 * (as select) starts each scan at a random descriptor, so the later
 * connection may be read first. Roles must still go by accept order: the
 * server receives on the first connection (the 4096 bytes we write on
 * it) and sends on the second only. ORDER_RUNS runs, each on a new loop:
 * a server that took the cookies in the order the loop reported them
 * swapped the roles in about one run in seven (poll watches seven
 * descriptors then), so it would pass all the runs about once in 10^6.
 */
#define ORDER_RUNS 100

static const struct fake_step order_script[] = {
	FAKE_DO(FAKE_COOKIE_OUT),
	FAKE_EXPECT(PARAM_EXCHANGE),
	FAKE_DO(FAKE_PARAMS_OUT),
	FAKE_EXPECT(CREATE_STREAMS),
	FAKE_DO(FAKE_CONNECT),
	FAKE_EXPECT(TEST_START),
	FAKE_EXPECT(TEST_RUNNING),
	FAKE_DO(FAKE_DATA_OUT),
	FAKE_DO_ARG(FAKE_DATA_ANY, 1),
	FAKE_STEPS_CLIENT_END,
};

static void
order_check(struct fixture *fx, const struct fake *fk, int run)
{
	const cJSON *r = fk->peer;
	double got, sent;

	ck_assert_msg(fk->conns[0].rx == 0 && fk->conns[1].rx > 0,
	    "run %d: the server sent %ju bytes on the first connection, %ju "
	    "on the second: roles not in accept order",
	    run, (uintmax_t)fk->conns[0].rx, (uintmax_t)fk->conns[1].rx);
	ck_assert_int_eq(cJSON_GetArraySize(json_at(r, "streams")), 2);
	got = json_num(results_stream(r, 1), "bytes");
	ck_assert_msg(
	    got == 4096, "run %d: the server received %.0f bytes", run, got);
	ck_assert_int_eq(json_num(results_stream(r, 1), "retransmits"), -1);
	sent = json_num(results_stream(r, 3), "bytes");
	ck_assert_uint_ge(sent, fk->conns[1].rx);
	server_bidir_check(fx, 4096, sent);
}

START_TEST(test_bidir_accept_order)
{
	static const char *const args[] = { "-c", "127.0.0.1", "--bidir", "-t",
		"10", "-l", "8K", NULL };
	struct fixture *fx;
	struct fake_wait w = { NULL, 1 };
	int run;

	for (run = 0; run < ORDER_RUNS; run++) {
		fx = fixture_new_backend("poll");
		fixture_server(fx, NULL);
		w.fk = server_fake_client(fx, order_script, args, false);
		w.fk->burst = true;
		w.fk->payload[0] = 4096;
		fake_start(w.fk);
		ck_assert_msg(fixture_run(fx, fake_client_done, &w),
		    "run %d: not done", run);
		ck_assert_msg(
		    w.fk->fail[0] == '\0', "run %d: %s", run, w.fk->fail);
		ck_assert_int_eq(w.fk->role_width, 0);
		order_check(fx, w.fk, run);
		ck_assert_int_eq(server_exit_code(fx->srv), 0);
		fake_free(w.fk);
		fixture_free(fx);
	}
}
END_TEST

Suite *
loop_server_suite(void)
{
	Suite *s = suite_create("loop_server");

	fixture_tcase(s, "busy", test_busy, 1);
	fixture_tcase(s, "bidir_roles", test_bidir_roles, nitems(roles_rows));
	fixture_tcase(s, "bidir_accept_order", test_bidir_accept_order, 1);
	return s;
}
