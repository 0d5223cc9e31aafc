/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_client.c: the real client session against a fake server on the
 * same loop. TEST_START and TEST_RUNNING overtaking the data connections,
 * SERVER_ERROR with one int (iperf3 3.12's auth failure) and with two,
 * and a data connection reset during the test: the stream error after the
 * grace period, or the server's SERVER_TERMINATE when it comes within it.
 */
#include "compat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fake.h"
#include "fixture.h"
#include "suites.h"

struct client_case {
	struct fixture *fx;
	struct fake *fk;
};

static void
client_case_start(struct client_case *cc, const struct fake_step *script,
    const char *const *args)
{
	cc->fx = fixture_new();
	cc->fk = fake_server_new(cc->fx->base, script);
	ck_assert_ptr_nonnull(cc->fk);
	fixture_client(cc->fx, cc->fk->port, args);
}

static void
client_case_end(struct client_case *cc)
{
	fake_free(cc->fk);
	fixture_free(cc->fx);
}

static bool
client_and_fake_done(struct fixture *fx, void *arg)
{
	struct fake *fk = arg;

	return fx->sess_done && (fk->done || fk->fail[0] != '\0') &&
	    fake_conns_closed(fk);
}

/* The client's one -J document, and its "error" text. */
static cJSON *
client_doc(struct fixture *fx)
{
	cJSON *doc;

	ck_assert_uint_eq(capture_ndocs(&fx->cout), 1);
	doc = capture_doc(&fx->cout, 0);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static void
client_assert_error(struct fixture *fx, int code, int err)
{
	char want[256];
	const char *got;
	cJSON *doc = client_doc(fx);

	ck_assert_int_eq(session_error(fx->sess), code);
	errors_str(want, sizeof(want), code, err);
	got = json_str(doc, "error");
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	cJSON_Delete(doc);
}

/*
 * 1. CREATE_STREAMS, TEST_START and TEST_RUNNING in one write, and only
 * then are the data connections accepted: the client must connect both
 * streams anyway, then start, send exactly -n and finish normally.
 */
static const char overtake_bytes[] = { CREATE_STREAMS, TEST_START,
	TEST_RUNNING };

static const struct fake_step overtake_script[] = {
	FAKE_DO(FAKE_COOKIE_IN),
	FAKE_SAY(PARAM_EXCHANGE),
	FAKE_DO(FAKE_PARAMS_IN),
	FAKE_BYTES(overtake_bytes),
	FAKE_DO_ARG(FAKE_ACCEPT, 2),
	FAKE_STEPS_EXCHANGE,
};

START_TEST(test_start_overtakes_streams)
{
	static const char *const args[] = { "-P", "2", "-n", "1M", NULL };
	struct client_case cc;
	cJSON *doc;

	client_case_start(&cc, overtake_script, args);
	ck_assert(fixture_run(cc.fx, client_and_fake_done, cc.fk));
	ck_assert_msg(cc.fk->fail[0] == '\0', "%s", cc.fk->fail);
	ck_assert_int_eq(session_error(cc.fx->sess), 0);
	ck_assert_int_eq(cc.fk->nconns, 2);
	ck_assert(cc.fk->conns[0].ready && cc.fk->conns[1].ready);
	ck_assert_uint_eq(cc.fk->conns[0].rx + cc.fk->conns[1].rx, 1048576);
	ck_assert_int_eq(cc.fk->params.parallel, 2);
	ck_assert_uint_eq(cc.fk->params.bytes, 1048576);
	ck_assert_int_eq(
	    cJSON_GetArraySize(json_at(cc.fk->peer, "streams")), 2);
	ck_assert_uint_eq(json_num(cc.fk->peer, "streams.0.bytes") +
		json_num(cc.fk->peer, "streams.1.bytes"),
	    1048576);
	doc = client_doc(cc.fx);
	ck_assert_ptr_null(json_at(doc, "error"));
	ck_assert_uint_eq(json_num(doc, "end.sum_sent.bytes"), 1048576);
	ck_assert_int_eq(
	    cJSON_GetArraySize(json_at(doc, "start.connected")), 2);
	ck_assert_int_eq(json_num(doc, "start.test_start.num_streams"), 2);
	cJSON_Delete(doc);
	client_case_end(&cc);
}
END_TEST

/* 2. SERVER_ERROR after the parameters: one int and EOF, or two ints. */
static const char srverr_one_int[] = { SERVER_ERROR, 0, 0, 0, IE_AUTHTEST };
static const char srverr_two_ints[] = { SERVER_ERROR, 0, 0, 0, IE_SETBUF2, 0, 0,
	0, 0 };
static const char srverr_errno[] = { SERVER_ERROR, 0, 0, 0, IE_STREAMLISTEN, 0,
	0, 0, EADDRINUSE };

static const struct srverr_row {
	const char *name;
	const char *bytes;
	size_t len;
	bool close; /* the server closes after writing */
	int code, err; /* what the client must fail with */
} srverr_rows[] = {
	{ "one int, EOF (3.12 auth)", srverr_one_int, sizeof(srverr_one_int),
	    true, IE_AUTHTEST, 0 },
	{ "two ints, EOF", srverr_two_ints, sizeof(srverr_two_ints), true,
	    IE_SETBUF2, 0 },
	{ "two ints, errno, EOF", srverr_errno, sizeof(srverr_errno), true,
	    IE_STREAMLISTEN, EADDRINUSE },
	{ "two ints, stays open", srverr_two_ints, sizeof(srverr_two_ints),
	    false, IE_SETBUF2, 0 },
};

START_TEST(test_server_error)
{
	const struct srverr_row *row = &srverr_rows[_i];
	const struct fake_step script[] = {
		FAKE_DO(FAKE_COOKIE_IN),
		FAKE_SAY(PARAM_EXCHANGE),
		FAKE_DO(FAKE_PARAMS_IN),
		{ .op = FAKE_SEND, .bytes = row->bytes, .len = row->len },
		FAKE_DO(row->close ? FAKE_CLOSE : FAKE_END),
		FAKE_DO(FAKE_END),
	};
	struct client_case cc;

	client_case_start(&cc, script, NULL);
	ck_assert_msg(
	    fixture_run(cc.fx, client_and_fake_done, cc.fk), "%s", row->name);
	ck_assert_msg(cc.fk->fail[0] == '\0', "%s", cc.fk->fail);
	client_assert_error(cc.fx, row->code, row->err);
	client_case_end(&cc);
}
END_TEST

/*
 * 3. The fake server resets the data connection during the test. Silent
 * on control, the client fails with the stream error once its grace
 * period is over; a SERVER_TERMINATE within the grace wins.
 */
static const char start_running[] = { TEST_START, TEST_RUNNING };

static const struct reset_row {
	const char *name;
	bool reverse; /* -R: the client reads the reset stream */
	bool terminate; /* SERVER_TERMINATE follows the reset */
	int code;
} reset_rows[] = {
	{ "client sends, silent server", false, false, IE_STREAMWRITE },
	{ "client reads (-R), silent server", true, false, IE_STREAMREAD },
	{ "client sends, SERVER_TERMINATE", false, true, IE_SERVERTERM },
	{ "client reads (-R), SERVER_TERMINATE", true, true, IE_SERVERTERM },
};

START_TEST(test_stream_reset)
{
	const struct reset_row *row = &reset_rows[_i];
	static const char *const fwd[] = { "-t", "30", NULL };
	static const char *const rev[] = { "-t", "30", "-R", NULL };
	/*
	 * Sending, wait for the client's first bytes; reading (-R), reset at
	 * once: the client sees the reset when TEST_RUNNING starts its read.
	 */
	const struct fake_step script[] = {
		FAKE_DO(FAKE_COOKIE_IN),
		FAKE_SAY(PARAM_EXCHANGE),
		FAKE_DO(FAKE_PARAMS_IN),
		FAKE_SAY(CREATE_STREAMS),
		FAKE_DO_ARG(FAKE_ACCEPT, 1),
		FAKE_BYTES(start_running),
		FAKE_DO_ARG(FAKE_DATA_WAIT, row->reverse ? 0 : 1),
		FAKE_DO_ARG(FAKE_RESET, 0),
		FAKE_DO_ARG(row->terminate ? FAKE_PAUSE : FAKE_END, 200),
		FAKE_SAY(SERVER_TERMINATE),
		FAKE_DO(FAKE_END),
	};
	struct client_case cc;
	char prefix[128];
	const char *got;
	cJSON *doc;

	client_case_start(&cc, script, row->reverse ? rev : fwd);
	ck_assert_msg(
	    fixture_run(cc.fx, client_and_fake_done, cc.fk), "%s", row->name);
	ck_assert_msg(cc.fk->fail[0] == '\0', "%s", cc.fk->fail);
	ck_assert_msg(session_error(cc.fx->sess) == row->code,
	    "%s: error %d, want %d", row->name, session_error(cc.fx->sess),
	    row->code);
	doc = client_doc(cc.fx);
	errors_str(prefix, sizeof(prefix), row->code, 0);
	ck_assert_ptr_nonnull((got = json_str(doc, "error")));
	ck_assert_msg(strncmp(got, prefix, strlen(prefix)) == 0,
	    "error \"%s\", want \"%s...\"", got, prefix);
	cJSON_Delete(doc);
	client_case_end(&cc);
}
END_TEST

Suite *
loop_client_suite(void)
{
	Suite *s = suite_create("loop_client");

	fixture_tcase(
	    s, "start_overtakes_streams", test_start_overtakes_streams, 1);
	fixture_tcase(
	    s, "server_error", test_server_error, nitems(srverr_rows));
	fixture_tcase(s, "stream_reset", test_stream_reset, nitems(reset_rows));
	return s;
}
