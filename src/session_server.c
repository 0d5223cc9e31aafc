/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_server.c: the server role for one test: cookie, parameters
 * (untrusted, capped and validated), the end of the test on TEST_END and
 * the results exchange; stream acceptance is session_accept.c's. Every wait on
 * the client is bounded by a timeout, so a silent or vanished client
 * never keeps the server busy. What the listening sockets need for a
 * test (-M, the UDP socket) is the listener's (server.c), asked for
 * through struct session_listener.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "auth.h"
#include "clock.h"
#include "errors.h"
#include "log.h"
#include "net.h"
#include "session_int.h"
#include "session_server_int.h"
#include "stream.h"
#include "xev.h"

#define SERVER_HANDSHAKE_TIMEOUT 10.0 /* cookie, parameters: as 3.15+ */
#define SERVER_STREAMS_TIMEOUT 30.0 /* all data connections */
#define SERVER_RESULTS_TIMEOUT 30.0 /* results and IPERF_DONE */
#define SERVER_SAFETY_SLACK 40.0 /* seconds past -t + -O: a stuck test */
#define SERVER_DRAIN_POLL 0.001 /* seconds between looks at the receivers */
#define SERVER_DRAIN_MAX 2.0 /* seconds TEST_END waits for their EOF, at most */

int
server_total_streams(const struct session *sess)
{
	const struct acceptor *a = acceptor_of(sess);

	return a->nrecv_wanted + a->nsend_wanted;
}

void
server_restore_listener(struct session *sess)
{
	struct acceptor *a = acceptor_of(sess);

	if (!a->prepared)
		return;
	a->prepared = false;
	a->ln->restore(sess, a->ln_arg);
}

/*
 * The server's limits, checked as iperf3 3.21's get_parameters() does:
 * --server-max-duration refuses -t + -O above it and tests without a
 * time (-n, -k); --server-bitrate-limit refuses -P x -b (twice that with
 * --bidir) above it. When both apply, the rate is the one reported.
 */
static int
server_check_limits(const struct session *sess)
{
	const struct settings *s = sess->set;
	const struct test_params *p = &sess->p;
	int rc = 0;

	if (s->max_duration > 0 &&
	    (p->duration == 0 ||
		(int64_t)p->duration + p->omit > s->max_duration))
		rc = IE_MAXSERVERTESTDURATIONEXCEEDED;
	if (s->bitrate_limit > 0 &&
	    (double)p->parallel * (double)p->rate * (p->bidir ? 2 : 1) >
		(double)s->bitrate_limit)
		rc = IE_TOTALRATE;
	if (s->bitrate_limit > 0 &&
	    (double)p->parallel * (double)p->fqrate * (p->bidir ? 2 : 1) >
		(double)s->bitrate_limit)
		rc = IE_TOTALRATE;
	return rc;
}

/*
 * A -w the kernel cannot grant fails before CREATE_STREAMS, as iperf3.
 * Then the listener claims a place for the test, or refuses or holds it.
 */
static int
server_check_params(struct session *sess)
{
	const struct test_params *p = &sess->p;
	struct acceptor *a = acceptor_of(sess);
	evutil_socket_t fd;
	int rc;

	if ((rc = server_check_limits(sess)) != 0)
		return rc;
	if (p->window != 0) {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			return IE_SETBUF;
		rc = net_set_window(fd, p->window);
		evutil_closesocket(fd);
		if (rc != 0)
			return rc == -2 ? IE_SETBUF2 : IE_SETBUF;
	}
	rc = a->ln->prepare(sess, a->ln_arg);
	if (rc == SESSION_LISTENER_LATER)
		a->held = true;
	else if (rc == 0)
		a->prepared = true;
	return rc;
}

/*
 * With --rsa-private-key-path, only a client whose token is good (auth.h)
 * gets further: the others, those without one too, get iperf3's
 * IEAUTHTEST, before the server's limits or its listener are consulted.
 * Not having a place yet, the test does not count for -1 (as iperf3).
 */
static int
server_authorize(struct session *sess)
{
	int64_t now, ms;

	if (sess->out.auth == NULL)
		return 0;
	clock_wall(&now, &ms);
	return auth_check(sess->out.auth, sess->p.authtoken, now) == 0
	    ? 0
	    : IE_AUTHTEST;
}

static void
server_params_error(struct session *sess, int rc)
{
	snprintf(sess->err_buf, sizeof(sess->err_buf),
	    "unable to receive parameters from client (%s)",
	    rc == -1 ? "length 0 or over the 8192-byte limit"
		     : "malformed JSON");
	sess->err_msg = sess->err_buf;
	session_fail(sess, IE_RECVPARAMS, 0);
}

/* The listener is ready for this test: ask for the data connections. */
static void
server_create_streams(struct session *sess)
{
	const struct test_params *p = &sess->p;
	struct acceptor *a = acceptor_of(sess);

	a->nrecv_wanted = p->reverse ? 0 : p->parallel;
	a->nsend_wanted = (p->reverse || p->bidir) ? p->parallel : 0;
	session_env_init(sess);
	/* Only a client that offered the role flag ever sees this byte. */
	if (session_role_width(sess) > 0)
		session_send_state(sess,
		    session_role_width(sess) == 2 ? EVPERF_ROLES2_ACK
						  : EVPERF_ROLES_ACK);
	if (session_probe_wanted(sess))
		session_send_state(sess, EVPERF_LATENCY_ACK);
	if (session_rr_wanted(sess))
		session_send_state(sess, EVPERF_RR_ACK);
	session_send_state(sess, CREATE_STREAMS);
	session_set_state(sess, SS_S_CREATING);
	session_arm_timeout(sess, SERVER_STREAMS_TIMEOUT);
	clock_wall(&sess->start.timesecs, &sess->start.timemillisecs);
	session_fill_test_start(sess);
	report_on_connect(session_rpt(sess), &sess->start);
}

/* The system error that goes with a refusal rc, as iperf3 sends errno. */
static int
server_params_errno(int rc)
{
	if (rc == IE_AFFINITY)
		return errno;
	if (rc == IE_STREAMLISTEN || rc == IE_SETSCTPBINDX)
		return EVUTIL_SOCKET_ERROR();
	return 0;
}

static void
server_take_params(struct session *sess, struct evbuffer *in)
{
	struct test_params *p = &sess->p;
	cJSON *j;
	int rc;

	if ((rc = proto_take_json(in, PROTO_PARAMS_MAX, &j)) == 0)
		return;
	if (rc < 0) {
		server_params_error(sess, rc);
		return;
	}
	rc = proto_params_from_json(j, p);
	cJSON_Delete(j);
	if (rc == 0 && p->proto == PROTO_UDP && sess->set->file != NULL)
		rc = IE_UDPFILETRANSFER; /* a server with -F, as iperf3 */
	if (rc == 0)
		rc = server_authorize(sess);
	if (rc == 0)
		rc = server_check_params(sess);
	if (rc == SESSION_LISTENER_BUSY) {
		sess->quiet = true; /* no test ran: nothing to report */
		session_fail(sess, IE_ACCESSDENIED, 0);
	} else if (rc == SESSION_LISTENER_LATER) {
		session_arm_timeout(sess, SERVER_STREAMS_TIMEOUT);
	} else if (rc != 0) {
		/* -A n,m, the listeners: the system's reason travels too. */
		session_fail(sess, rc, server_params_errno(rc));
	} else
		server_create_streams(sess);
}

void
session_listener_ready(struct session *sess)
{
	struct acceptor *a = acceptor_of(sess);

	if (!a->held || sess->state != SS_S_WAIT_PARAMS)
		return;
	a->held = false;
	a->prepared = true;
	server_create_streams(sess);
}

/* The control connection's cookie (read by the listener): ask for params. */
static void
server_take_cookie(struct session *sess, const char *cookie)
{
	memcpy(sess->cookie, cookie, COOKIE_SIZE);
	sess->cookie[COOKIE_SIZE - 1] = '\0';
	memcpy(sess->start.cookie, sess->cookie, COOKIE_SIZE);
	session_send_state(sess, PARAM_EXCHANGE);
	session_set_state(sess, SS_S_WAIT_PARAMS);
	session_arm_timeout(sess, SERVER_HANDSHAKE_TIMEOUT);
}

static void
server_test_ended(struct session *sess)
{
	session_final_sample(sess);
	session_stop_streams(sess, true);
	session_stop_timers(sess);
	session_summary(sess, false);
	session_send_state(sess, EXCHANGE_RESULTS);
	session_set_state(sess, SS_S_WAIT_RESULTS);
	session_arm_timeout(sess, SERVER_RESULTS_TIMEOUT);
}

/* Does a receiving stream still wait for its peer's end of file? */
static bool
server_receivers_open(const struct session *sess)
{
	int i;

	for (i = 0; i < sess->nstreams; i++)
		if (!stream_is_sender(sess->streams[i]) &&
		    !stream_saw_eof(sess->streams[i]))
			return true;
	return false;
}

static void
server_drain_cb(evutil_socket_t unused, short what, void *arg)
{
	struct session *sess = arg;
	struct acceptor *a = acceptor_of(sess);

	if (sess->state != SS_RUNNING)
		return;
	if (server_receivers_open(sess) && clock_now() < a->drain_until) {
		xev_add(a->ev_drain, SERVER_DRAIN_POLL);
		return;
	}
	a->draining = false;
	server_test_ended(sess);
}

/*
 * TEST_END. An evperf client (one that confirmed the role flag) has
 * half-closed its senders just before sending it, but what they wrote
 * may still be on its way: with -n the server would stop counting short
 * of it. So the receivers go on counting until each has its end of file
 * (at most SERVER_DRAIN_MAX), then the test ends. A stock client closes
 * its data connections only after the results, so it is not waited for.
 */
static void
server_test_end(struct session *sess)
{
	struct acceptor *a = acceptor_of(sess);

	if (a->draining)
		return;
	if (sess->p.proto == PROTO_TCP && session_role_width(sess) > 0 &&
	    server_receivers_open(sess)) {
		a->draining = true;
		sess->draining = true;
		a->drain_until = clock_now() + SERVER_DRAIN_MAX;
		if (a->ev_drain == NULL)
			a->ev_drain =
			    xev_timer(sess->base, server_drain_cb, sess);
		xev_add(a->ev_drain, SERVER_DRAIN_POLL);
		return;
	}
	server_test_ended(sess);
}

static void
server_send_results(struct session *sess)
{
	struct results r;

	session_local_results(sess, &r);
	if (sess->p.get_server_output) {
		if (sess->set->json)
			r.server_output_json = report_dup_json(sess->rpt);
		else if (report_captured_text(sess->rpt) != NULL)
			r.server_output_text =
			    xstrdup(report_captured_text(sess->rpt));
	}
	session_put_json(sess, proto_results_to_json(&r));
	proto_results_free(&r);
	session_send_state(sess, DISPLAY_RESULTS);
	session_set_state(sess, SS_S_WAIT_DONE);
}

static void
server_take_results(struct session *sess, struct evbuffer *in)
{
	struct results r;
	cJSON *j;
	size_t i;
	int rc;

	if ((rc = proto_take_json(in, PROTO_RESULTS_MAX, &j)) == 0)
		return;
	if (rc < 0) {
		session_fail(sess, IE_RECVRESULTS, 0);
		return;
	}
	rc = proto_results_from_json(j, &r);
	cJSON_Delete(j);
	/* The report is out already (as iperf3's); only check the ids. */
	for (i = 0; rc == 0 && i < r.nstreams; i++)
		if (session_find_stream(sess, r.streams[i].id) == NULL)
			rc = IE_STREAMID;
	proto_results_free(&r);
	if (rc != 0) {
		session_fail(sess, rc, 0);
		return;
	}
	server_send_results(sess);
}

static void
server_handle_state(struct session *sess, signed char st)
{
	if (st == CLIENT_TERMINATE) {
		session_fail(sess, IE_CLIENTTERM, 0);
	} else if (st == TEST_END && sess->state == SS_RUNNING) {
		server_test_end(sess);
	} else if (st == IPERF_DONE && sess->state == SS_S_WAIT_DONE) {
		session_conclude(sess);
	} else if (st == TEST_START) {
		/* iperf3 servers silently ignore it. */
	} else
		session_fail(sess, IE_MESSAGE, 0);
}

static void
server_read(struct session *sess, struct evbuffer *in)
{
	signed char st;
	size_t before;

	if (acceptor_of(sess)->held)
		return; /* the client has nothing to say until CREATE_STREAMS */
	while (sess->state != SS_DONE && evbuffer_get_length(in) > 0) {
		before = evbuffer_get_length(in);
		if (sess->state == SS_S_WAIT_PARAMS)
			server_take_params(sess, in);
		else if (sess->state == SS_S_WAIT_RESULTS)
			server_take_results(sess, in);
		else if (proto_take_state(in, &st))
			server_handle_state(sess, st);
		if (evbuffer_get_length(in) == before)
			return; /* a message is still incomplete */
	}
}

/* Codes a stock peer knows; evperf's own (timeouts) become the nearest. */
static int
server_wire_code(const struct session *sess, int code)
{
	if (code < 900)
		return code;
	return sess->state <= SS_S_CREATING ? IE_RECVPARAMS : IE_RECVRESULTS;
}

/* The test fails: tell the client why, where the protocol allows. */
static void
server_failing(struct session *sess, int code, int err)
{
	struct evbuffer *out;

	if (sess->ctl == NULL || code == IE_CTRLCLOSE || code == IE_CLIENTTERM)
		return;
	if (code == IE_ACCESSDENIED) {
		session_send_state(sess, ACCESS_DENIED);
		return;
	}
	out = bufferevent_get_output(sess->ctl);
	session_send_state(sess, SERVER_ERROR);
	proto_put_int(out, server_wire_code(sess, code));
	proto_put_int(out, err);
}

static void
server_event(struct session *sess, short what)
{
	if (sess->state == SS_S_WAIT_DONE) {
		session_conclude(sess); /* EOF after DISPLAY_RESULTS is fine */
		return;
	}
	if (!(what & BEV_EVENT_ERROR))
		sess->err_msg = "the client has unexpectedly closed the "
				"connection";
	session_ctl_closed(sess, what);
}

static void
server_end(struct session *sess)
{
	session_fail(sess, IE_SERVERTESTDURATIONEXPIRED, 0);
}

static void
server_free(struct session *sess)
{
	struct acceptor *a = acceptor_of(sess);

	xev_free(a->ev_drain);
	free(a);
}

static const struct session_role server_role = {
	.name = "server",
	.client = false,
	.end_ends_test = false,
	.end_slack = SERVER_SAFETY_SLACK,
	.terminate = SERVER_TERMINATE,
	.term_code = IE_SERVERTERM,
	.term_msg = "interrupt - the server has terminated",
	.read = server_read,
	.event = server_event,
	.end = server_end,
	.failing = server_failing,
	.halt = server_restore_listener,
	.free = server_free,
};

struct session *
session_server_new(struct event_base *base, const struct settings *s,
    const struct session_out *o, evutil_socket_t ctl_fd, const char *cookie,
    const struct session_listener *ln, session_done_cb cb, void *arg)
{
	struct acceptor *a = xcalloc(1, sizeof(*a));
	struct session *sess;
	struct bufferevent *bev;
	char lhost[RPT_HOST_LEN];
	int lport, rc;

	a->ln = ln;
	a->ln_arg = arg;
	sess = session_alloc(base, s, o, &server_role, a, cb, arg);
	net_set_nonblock(ctl_fd);
	net_set_nodelay(ctl_fd);
	net_sock_names(ctl_fd, lhost, sizeof(lhost), &lport,
	    sess->start.accepted_host, sizeof(sess->start.accepted_host),
	    &sess->start.accepted_port);
	bev = bufferevent_socket_new(base, ctl_fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("%s: bufferevent_socket_new failed", __func__);
	session_ctl_open(sess, bev);
	server_take_cookie(sess, cookie);
	if ((rc = session_ctl_opts(sess, ctl_fd)) != 0)
		session_fail(sess, rc, EVUTIL_SOCKET_ERROR());
	return sess;
}
