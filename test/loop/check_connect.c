/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_connect.c: how the real client opens its data connections
 * (session_connect.c). Against a fake server that confirms the role flag
 * but lets no connect through for a while, at most PROTO_CONNECT_WINDOW
 * are in flight, and exactly that many once the rest are held in SYN_SENT;
 * released, all 200 streams run and the -J document lists them in id
 * order. Against a stock server (no flag) one at a time, in creation
 * order. Connects refused while the fake has no listener are retried
 * until it listens again, or fail with "unable to connect stream" once
 * --connect-timeout has passed. UDP goes one at a time even between
 * evperf ends (against the real server: the fake speaks no UDP). The
 * figures come from session_client_connects(); nothing is timed.
 */
#include "compat.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "fake.h"
#include "fixture.h"
#include "osdep.h"
#include "suites.h"

#define CONNECT_NOFILE 1024 /* both ends of -P 200 live in this process */
#define CONNECT_MAX 200 /* streams in the widest case */
#define CONNECT_BACKLOG 256 /* the fake's listen backlog once released */
#define RETRY_MIN 3 /* refused connects before the fake listens again */

static const char start_running[] = { TEST_START, TEST_RUNNING };

/* What the loop's polls of session_client_connects() saw. */
struct watch {
	struct fake *fk;
	int most; /* the most in flight at any poll */
	bool reopen; /* retry case: listen again after RETRY_MIN retries */
	int reopened; /* 0: not yet; 1: listening again; -1: bind failed */
};

static void
watch_poll(struct fixture *fx, struct watch *w, struct session_connects *sc)
{
	session_client_connects(fx->sess, sc);
	if (sc->in_flight > w->most)
		w->most = sc->in_flight;
}

/* The client has ended, and so has the fake's script if all went well. */
static bool
watch_done(struct fixture *fx, void *arg)
{
	struct watch *w = arg;
	struct session_connects sc;

	watch_poll(fx, w, &sc);
	if (w->fk->fail[0] != '\0')
		return true;
	return fx->sess_done &&
	    (session_error(fx->sess) != 0 ||
		(w->fk->done && fake_conns_closed(w->fk)));
}

static void
connect_nofile(void)
{
	long hard = 0;

	ck_assert_msg(osdep_raise_nofile(CONNECT_NOFILE, &hard) == 0,
	    "hard limit of %ld descriptors, need %d", hard, CONNECT_NOFILE);
}

/* The client's one -J document, with no error in it. */
static cJSON *
connect_doc_ok(struct fixture *fx)
{
	cJSON *doc;

	ck_assert_uint_eq(capture_ndocs(&fx->cout), 1);
	ck_assert_ptr_nonnull((doc = capture_doc(&fx->cout, 0)));
	ck_assert_msg(json_at(doc, "error") == NULL, "client error: %s",
	    json_str(doc, "error"));
	return doc;
}

/* The fake's connection from the client's local port, or NULL. */
/* Connects went one at a time (stock server, UDP): none in flight now. */
static void
connect_check_serial(struct fixture *fx, int most_seen)
{
	struct session_connects sc;

	session_client_connects(fx->sess, &sc);
	ck_assert_int_eq(sc.window, 1);
	ck_assert_int_eq(sc.max_in_flight, 1);
	ck_assert_int_eq(sc.in_flight, 0);
	ck_assert_int_eq(sc.retries, 0);
	ck_assert_int_le(most_seen, 1);
}

static const struct fake_conn *
connect_conn_from(const struct fake *fk, int port)
{
	int c;

	for (c = 0; c < fk->nconns; c++)
		if (fk->conns[c].port == port)
			return &fk->conns[c];
	return NULL;
}

/* The local port of the client's socket sock, from start.connected. */
static int
connect_local_port(const cJSON *doc, int sock)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, json_at(doc, "start.connected"))
	{
		if ((int)json_num(o, "socket") == sock)
			return (int)json_num(o, "local_port");
	}
	return -1;
}

/*
 * The client's -J document lists its streams in id order: end.streams[i]
 * is stream k = i, as the fake knows it from the connection its socket
 * came over (that socket's local port in start.connected is the
 * connection's peer port): by the role flag on it, or for a stock server
 * by its place in accept order. The results message the client sent the
 * fake carries the ids themselves: 1, 3, 4, 5, ...
 */
static void
connect_check_order(const cJSON *doc, const struct fake *fk, int total)
{
	const struct fake_conn *fc;
	char path[64];
	int i, port;

	ck_assert_int_eq(
	    cJSON_GetArraySize(json_at(doc, "start.connected")), total);
	ck_assert_int_eq(
	    cJSON_GetArraySize(json_at(doc, "end.streams")), total);
	ck_assert_int_eq(
	    cJSON_GetArraySize(json_at(fk->peer, "streams")), total);
	for (i = 0; i < total; i++) {
		snprintf(path, sizeof(path), "end.streams.%d.sender.socket", i);
		port = connect_local_port(doc, (int)json_num(doc, path));
		fc = connect_conn_from(fk, port);
		ck_assert_msg(fc != NULL, "end.streams.%d: no connection", i);
		ck_assert_msg(fc->k == i,
		    "end.streams.%d came over the connection of stream %d", i,
		    fc->k);
		snprintf(path, sizeof(path), "streams.%d.id", i);
		ck_assert_int_eq(json_num(fk->peer, path), proto_stream_id(i));
	}
}

/*
 * 1. The window. A fake server confirms the wide role flag for -P 200,
 * sends CREATE_STREAMS and holds without accept()ing: once its accept
 * queue is full (backlog 16, so 17 connections), Linux drops further SYNs
 * (tcp_conn_request: LISTENOVERFLOWS), and those connects stay in
 * SYN_SENT until a SYN is retransmitted into a queue with room. The
 * client must then have exactly PROTO_CONNECT_WINDOW connects in flight,
 * every one of them a socket in SYN_SENT, and never have had more. The
 * fake then raises its backlog (listen() again) and accepts: at the SYN
 * retransmission every held connect gets through, and the test runs to
 * its -n budget with all 200 streams, each flag index once.
 */
static const struct fake_step window_script[] = {
	FAKE_DO(FAKE_COOKIE_IN),
	FAKE_SAY(PARAM_EXCHANGE),
	FAKE_DO(FAKE_PARAMS_IN),
	FAKE_SAY(EVPERF_ROLES2_ACK),
	FAKE_SAY(CREATE_STREAMS),
	FAKE_DO(FAKE_HOLD),
	FAKE_DO_ARG(FAKE_ACCEPT, CONNECT_MAX),
	FAKE_BYTES(start_running),
	FAKE_STEPS_EXCHANGE,
};

/* TCP sockets of this process in SYN_SENT: the client's held connects. */
static int
connect_syn_sent(void)
{
	struct tcp_info ti;
	socklen_t len;
	int fd, n = 0;

	for (fd = 0; fd < CONNECT_NOFILE; fd++) {
		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
		    ti.tcpi_state == TCP_SYN_SENT)
			n++;
	}
	return n;
}

static bool
window_full(struct fixture *fx, void *arg)
{
	struct watch *w = arg;
	struct session_connects sc;

	watch_poll(fx, w, &sc);
	if (fx->sess_done || w->fk->fail[0] != '\0' ||
	    sc.in_flight > PROTO_CONNECT_WINDOW)
		return true;
	return w->fk->held && sc.in_flight == PROTO_CONNECT_WINDOW &&
	    connect_syn_sent() == PROTO_CONNECT_WINDOW;
}

/* Each connection carried the cookie and a flag naming a fresh index. */
static void
window_check_flags(const struct fake *fk)
{
	int seen[CONNECT_MAX] = { 0 };
	const struct fake_conn *fc;
	uint64_t sum = 0;
	bool sends;
	int c, idx;

	ck_assert_int_eq(fk->nconns, CONNECT_MAX);
	for (c = 0; c < fk->nconns; c++) {
		fc = &fk->conns[c];
		ck_assert_msg(fc->ready && fc->flag != -1, "connection %d", c);
		idx = proto_role_decode((unsigned int)fc->flag, 2, &sends);
		ck_assert_msg(
		    sends && idx >= 0 && idx < CONNECT_MAX && seen[idx]++ == 0,
		    "connection %d: flag %#x", c, (unsigned int)fc->flag);
		sum += fc->rx;
	}
	ck_assert_uint_eq(sum, 1048576);
}

START_TEST(test_window)
{
	static const char *const args[] = { "-P", "200", "-n", "1M", "-l", "4K",
		NULL };
	struct session_connects sc;
	struct fixture *fx;
	struct watch w = { NULL };
	cJSON *doc;

	connect_nofile();
	fx = fixture_new();
	ck_assert_ptr_nonnull(
	    (w.fk = fake_server_new(fx->base, window_script)));
	fixture_client(fx, w.fk->port, args);
	ck_assert_msg(fixture_run(fx, window_full, &w), "window never full");
	ck_assert_msg(w.fk->fail[0] == '\0', "%s", w.fk->fail);
	ck_assert_int_le(w.most, PROTO_CONNECT_WINDOW);
	ck_assert_msg(
	    !fx->sess_done, "client ended: %d", session_error(fx->sess));
	session_client_connects(fx->sess, &sc);
	ck_assert_int_eq(sc.window, PROTO_CONNECT_WINDOW);
	ck_assert_int_eq(sc.in_flight, PROTO_CONNECT_WINDOW);
	ck_assert_int_eq(sc.max_in_flight, PROTO_CONNECT_WINDOW);
	ck_assert_int_eq(sc.retries, 0);

	ck_assert_int_eq(
	    listen(evconnlistener_get_fd(w.fk->lev), CONNECT_BACKLOG), 0);
	fake_release(w.fk);
	ck_assert(fixture_run(fx, watch_done, &w));
	ck_assert_msg(w.fk->fail[0] == '\0', "%s", w.fk->fail);
	ck_assert_int_eq(session_error(fx->sess), 0);
	ck_assert_int_eq(w.most, PROTO_CONNECT_WINDOW);
	session_client_connects(fx->sess, &sc);
	ck_assert_int_eq(sc.window, PROTO_CONNECT_WINDOW);
	ck_assert_int_eq(sc.max_in_flight, PROTO_CONNECT_WINDOW);
	ck_assert_int_eq(sc.in_flight, 0);
	/* Dropped SYNs are retransmitted by the kernel: nothing refused. */
	ck_assert_int_eq(sc.retries, 0);
	ck_assert_int_eq(w.fk->role_width, 2);
	window_check_flags(w.fk);
	doc = connect_doc_ok(fx);
	ck_assert_int_eq(
	    json_num(doc, "start.test_start.num_streams"), CONNECT_MAX);
	ck_assert_uint_eq(json_num(doc, "end.sum_sent.bytes"), 1048576);
	connect_check_order(doc, w.fk, CONNECT_MAX);
	cJSON_Delete(doc);
	fake_free(w.fk);
	fixture_free(fx);
}
END_TEST

/*
 * 2. A stock server: it never confirms the role flag, so it tells streams
 * apart by accept order. The client must connect one at a time (window
 * 1, at most 1 in flight), and in creation order: stream i is the i-th
 * connection the fake accepted. With --bidir that order decides which
 * way each stream goes, and the client waits for each cookie to be acked
 * before the next connect.
 */
static const struct stock_row {
	const char *name;
	const char *args[10];
	int total;
} stock_rows[] = {
	{ "-P 8", { "-P", "8", "-n", "1M", "-l", "4K", NULL }, 8 },
	{ "--bidir -P 4",
	    { "--bidir", "-P", "4", "-n", "1M", "-l", "4K", NULL }, 8 },
};

START_TEST(test_stock)
{
	const struct stock_row *row = &stock_rows[_i];
	const struct fake_step script[] = {
		FAKE_DO(FAKE_COOKIE_IN),
		FAKE_SAY(PARAM_EXCHANGE),
		FAKE_DO(FAKE_PARAMS_IN),
		FAKE_SAY(CREATE_STREAMS),
		FAKE_DO_ARG(FAKE_ACCEPT, row->total),
		FAKE_BYTES(start_running),
		FAKE_STEPS_EXCHANGE,
	};
	struct fixture *fx;
	struct watch w = { NULL };
	cJSON *doc;

	fx = fixture_new();
	ck_assert_ptr_nonnull((w.fk = fake_server_new(fx->base, script)));
	fixture_client(fx, w.fk->port, row->args);
	ck_assert_msg(fixture_run(fx, watch_done, &w), "%s", row->name);
	ck_assert_msg(w.fk->fail[0] == '\0', "%s: %s", row->name, w.fk->fail);
	ck_assert_msg(session_error(fx->sess) == 0, "%s: client error %d",
	    row->name, session_error(fx->sess));
	ck_assert_int_eq(w.fk->role_width, 0);
	ck_assert_int_eq(w.fk->nconns, row->total);
	connect_check_serial(fx, w.most);
	doc = connect_doc_ok(fx);
	connect_check_order(doc, w.fk, row->total);
	cJSON_Delete(doc);
	fake_free(w.fk);
	fixture_free(fx);
}
END_TEST

/*
 * 3. Refused connects. The fake accepts the control connection, confirms
 * the role flag, closes its listening socket and only then sends
 * CREATE_STREAMS, so every data connect is refused (RST). Once the client
 * reports RETRY_MIN retries, the fake listens on the same port again: the
 * retries get through and the test completes with all streams. Never
 * listening again, the client gives up after --connect-timeout with
 * "unable to connect stream" and the refusal's errno.
 */
static const struct fake_step retry_script[] = {
	FAKE_DO(FAKE_COOKIE_IN),
	FAKE_SAY(PARAM_EXCHANGE),
	FAKE_DO(FAKE_PARAMS_IN),
	FAKE_SAY(EVPERF_ROLES_ACK),
	FAKE_DO(FAKE_HOLD),
	FAKE_SAY(CREATE_STREAMS),
	FAKE_DO_ARG(FAKE_ACCEPT, 4),
	FAKE_BYTES(start_running),
	FAKE_STEPS_EXCHANGE,
};

static const struct retry_row {
	const char *name;
	const char *args[10];
	bool reopen;
} retry_rows[] = {
	{ "listens again", { "-P", "4", "-n", "1M", "-l", "4K", NULL }, true },
	{ "never listens",
	    { "-P", "4", "-n", "1M", "--connect-timeout", "300", NULL },
	    false },
};

static bool
retry_held(struct fixture *fx, void *arg)
{
	struct fake *fk = arg;

	return fk->held || fk->fail[0] != '\0' || fx->sess_done;
}

static bool
retry_until(struct fixture *fx, void *arg)
{
	struct watch *w = arg;
	struct session_connects sc;

	watch_poll(fx, w, &sc);
	if (w->reopen && w->reopened == 0 && sc.retries >= RETRY_MIN)
		w->reopened = fake_relisten(w->fk) == 0 ? 1 : -1;
	return w->reopened == -1 || watch_done(fx, w);
}

/* The client failed with code and errno err, in its -J "error" too. */
static void
retry_check_error(struct fixture *fx, int code, int err)
{
	char want[256];
	cJSON *doc;

	ck_assert_int_eq(session_error(fx->sess), code);
	ck_assert_uint_eq(capture_ndocs(&fx->cout), 1);
	ck_assert_ptr_nonnull((doc = capture_doc(&fx->cout, 0)));
	errors_str(want, sizeof(want), code, err);
	ck_assert_ptr_nonnull(json_str(doc, "error"));
	ck_assert_str_eq(json_str(doc, "error"), want);
	cJSON_Delete(doc);
}

/* Listening again, the fake served every stream to the end. */
static void
retry_check_served(struct fixture *fx, const struct watch *w,
    const struct session_connects *sc)
{
	cJSON *doc;

	ck_assert_int_eq(w->reopened, 1);
	ck_assert_msg(session_error(fx->sess) == 0, "client error %d",
	    session_error(fx->sess));
	ck_assert_int_eq(sc->in_flight, 0);
	ck_assert_int_eq(w->fk->role_width, 1);
	ck_assert_int_eq(w->fk->nconns, 4);
	doc = connect_doc_ok(fx);
	ck_assert_uint_eq(json_num(doc, "end.sum_sent.bytes"), 1048576);
	connect_check_order(doc, w->fk, 4);
	cJSON_Delete(doc);
}

START_TEST(test_retry)
{
	const struct retry_row *row = &retry_rows[_i];
	struct session_connects sc;
	struct fixture *fx;
	struct watch w = { NULL };

	fx = fixture_new();
	ck_assert_ptr_nonnull((w.fk = fake_server_new(fx->base, retry_script)));
	w.reopen = row->reopen;
	fixture_client(fx, w.fk->port, row->args);
	ck_assert(fixture_run(fx, retry_held, w.fk));
	ck_assert_msg(w.fk->held, "%s: not held: %s", row->name, w.fk->fail);
	fake_unlisten(w.fk);
	fake_release(w.fk);
	ck_assert_msg(fixture_run(fx, retry_until, &w), "%s", row->name);
	ck_assert_msg(w.reopened != -1, "%s: port %d not bound again",
	    row->name, w.fk->port);
	ck_assert_msg(w.fk->fail[0] == '\0', "%s: %s", row->name, w.fk->fail);
	session_client_connects(fx->sess, &sc);
	ck_assert_int_eq(sc.window, PROTO_CONNECT_WINDOW);
	ck_assert_int_eq(sc.max_in_flight, 4);
	ck_assert_int_ge(sc.retries, RETRY_MIN);
	if (row->reopen)
		retry_check_served(fx, &w, &sc);
	else {
		retry_check_error(fx, IE_STREAMCONNECT, ECONNREFUSED);
		ck_assert_int_eq(w.fk->nconns, 0);
	}
	fake_free(w.fk);
	fixture_free(fx);
}
END_TEST

/*
 * 4. UDP, -u -P 4, against the real server (the fake speaks no UDP). The
 * server confirms the role flag, but UDP connects still go one at a time:
 * the server answers the hellos through one socket on its port.
 */
static bool
udp_done(struct fixture *fx, void *arg)
{
	struct watch *w = arg;
	struct session_connects sc;

	watch_poll(fx, w, &sc);
	return fx->sess_done && capture_ndocs(&fx->sout) >= 1;
}

START_TEST(test_udp)
{
	static const char *const args[] = { "-u", "-P", "4", "-b", "100M", "-n",
		"200K", NULL };
	struct fixture *fx = fixture_new();
	struct watch w = { NULL };
	cJSON *doc;

	fixture_server(fx, NULL);
	fixture_client(fx, fx->port, args);
	ck_assert(fixture_run(fx, udp_done, &w));
	ck_assert_msg(session_error(fx->sess) == 0, "client error %d",
	    session_error(fx->sess));
	ck_assert_int_eq(session_params(fx->sess)->roles, 1);
	connect_check_serial(fx, w.most);
	doc = connect_doc_ok(fx);
	ck_assert_int_eq(json_num(doc, "start.test_start.num_streams"), 4);
	ck_assert_int_eq(cJSON_GetArraySize(json_at(doc, "end.streams")), 4);
	cJSON_Delete(doc);
	doc = capture_doc(&fx->sout, 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_msg(json_at(doc, "error") == NULL, "server error: %s",
	    json_str(doc, "error"));
	cJSON_Delete(doc);
	fixture_free(fx);
}
END_TEST

Suite *
loop_connect_suite(void)
{
	Suite *s = suite_create("loop_connect");

	fixture_tcase(s, "window", test_window, 1);
	fixture_tcase(s, "stock", test_stock, nitems(stock_rows));
	fixture_tcase(s, "retry", test_retry, nitems(retry_rows));
	fixture_tcase(s, "udp", test_udp, 1);
	return s;
}
