/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_client.c: the client role. It connects, sends the cookie and
 * parameters, has the data connections made (session_connect.c) when the
 * server asks, decides when the test ends (timer, -n, -k), exchanges
 * results and reports. One small handler per state byte; every
 * transition goes through session_set_state(). Its own state (the data
 * connections being made, a SERVER_ERROR being read) is struct client.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "auth.h"
#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "session_int.h"
#include "xev.h"

#define CLIENT_CTL_TIMEOUT 60.0 /* seconds the server may be silent */
#define CLIENT_UNSENT_POLL 0.001 /* seconds between looks at the senders */
#define CLIENT_UNSENT_MAX                                                      \
	2.0 /* seconds the end waits for them to send, at most */

struct client {
	struct net_addr peer_addr; /* where data connections go */
	struct connector *cn; /* the data connections being made */
	struct event *ev_unsent; /* the end: polls the senders' send buffers */
	double unsent_until;
	bool await_err_ints; /* SERVER_ERROR body pending */
	bool srv_err_have_code;
	int32_t srv_err_code;
};

static void client_read(struct session *sess, struct evbuffer *in);

static struct client *
client_of(const struct session *sess)
{
	return sess->rs;
}

/* With --username, a token made now goes with the parameters (auth.h). */
static int
client_authtoken(struct session *sess)
{
	char *cause = NULL;
	int64_t now, ms;

	clock_wall(&now, &ms);
	free(sess->p.authtoken);
	sess->p.authtoken = auth_token_new(sess->out.auth, now, &cause);
	if (sess->p.authtoken != NULL)
		return 0;
	snprintf(sess->err_buf, sizeof(sess->err_buf),
	    "unable to send parameters to server: %s", cause);
	sess->err_msg = sess->err_buf;
	free(cause);
	session_fail(sess, IE_SENDPARAMS, 0);
	return -1;
}

static void
client_send_params(struct session *sess)
{
	struct rpt_start *st = &sess->start;

	/* iperf3's UDP default datagram: the control connection's MSS. */
	if (sess->p.blksize == 0)
		sess->p.blksize = st->ctrl_mss > 0 ? st->ctrl_mss : 1460;
	if (sess->out.auth != NULL && client_authtoken(sess) == -1)
		return;
	session_put_json(
	    sess, proto_params_to_json(&sess->p, !sess->set->no_role_flag));
	clock_wall(&st->timesecs, &st->timemillisecs);
	session_fill_test_start(sess);
	report_on_connect(session_rpt(sess), st);
	session_set_state(sess, SS_C_WAIT_CREATE);
}

/*
 * The test's end (timer, -n, -k): TEST_END, then await the exchange. TCP
 * streams go to the closer now: senders half-close, so the server's
 * receivers read to end of file, and receivers read on until the server's
 * senders half-close in turn. UDP receivers keep reading until the
 * results are in, so that the server's last datagrams find a socket.
 */
static void
client_end_now(struct session *sess)
{
	session_final_sample(sess);
	session_stop_streams(sess, sess->p.proto == PROTO_TCP);
	session_send_state(sess, TEST_END);
	session_set_state(sess, SS_C_WAIT_EXCHANGE);
	session_arm_timeout(sess, CLIENT_CTL_TIMEOUT);
}

/* Bytes a local TCP sender wrote that TCP has not sent yet. */
static bool
client_unsent(const struct session *sess)
{
	struct stream *sp;
	int i;

	for (i = 0; i < sess->nstreams; i++) {
		sp = sess->streams[i];
		if (stream_is_sender(sp) && stream_fd(sp) != -1 &&
		    osdep_unsent_bytes(stream_fd(sp)) > 0)
			return true;
	}
	return false;
}

static void
client_unsent_cb(evutil_socket_t unused, short what, void *arg)
{
	struct session *sess = arg;
	struct client *c = client_of(sess);

	if (sess->state != SS_RUNNING)
		return;
	if (client_unsent(sess) && clock_now() < c->unsent_until) {
		xev_add(c->ev_unsent, CLIENT_UNSENT_POLL);
		return;
	}
	client_end_now(sess);
}

/*
 * The end of a TCP test that sends. What the senders wrote last is still
 * in their send buffers (up to seconds of it on a slow link): they stop
 * writing, and the test ends once TCP has sent it all (at most
 * CLIENT_UNSENT_MAX), so that the sender's last interval and totals count
 * bytes that left for the link, and the receiver has nearly all of them
 * when TEST_END arrives (an evperf server reads on to the end of file).
 * Not until they are acknowledged: a delayed ACK would add up to 40 ms.
 * Receivers (--bidir) count on meanwhile.
 */
static void
client_end_test(struct session *sess)
{
	struct client *c = client_of(sess);
	int i;

	if (sess->state != SS_RUNNING || sess->draining)
		return;
	/* --rr, --crr count transactions when done: nothing left to send. */
	if (sess->p.proto != PROTO_TCP || sess->env.cfg.sctp ||
	    sess->p.rr != RR_NONE || !client_unsent(sess)) {
		client_end_now(sess);
		return;
	}
	sess->draining = true;
	for (i = 0; i < sess->nstreams; i++)
		if (stream_is_sender(sess->streams[i]))
			stream_halt(sess->streams[i]);
	c->unsent_until = clock_now() + CLIENT_UNSENT_MAX;
	if (c->ev_unsent == NULL)
		c->ev_unsent = xev_timer(sess->base, client_unsent_cb, sess);
	xev_add(c->ev_unsent, CLIENT_UNSENT_POLL);
}

static void
client_send_results(struct session *sess)
{
	struct results r;

	session_local_results(sess, &r);
	session_put_json(sess, proto_results_to_json(&r));
	proto_results_free(&r);
	session_set_state(sess, SS_C_WAIT_RESULTS);
}

static int
client_take_results(struct session *sess, struct evbuffer *in)
{
	struct results r;
	cJSON *j;
	int rc;

	rc = proto_take_json(in, PROTO_RESULTS_MAX, &j);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		session_fail(sess, IE_RECVRESULTS, 0);
		return -1;
	}
	rc = proto_results_from_json(j, &r);
	cJSON_Delete(j);
	if (rc == 0 && (rc = session_apply_peer(sess, &r)) != 0)
		proto_results_free(&r);
	if (rc != 0) {
		session_fail(sess, rc, 0);
		return -1;
	}
	session_set_state(sess, SS_C_WAIT_DISPLAY);
	return 1;
}

static void
client_display(struct session *sess)
{
	struct reporter *r = session_rpt(sess);

	session_stop_streams(sess, true);
	session_summary(sess, true);
	if (sess->peer.server_output_json != NULL) {
		report_set_server_output_json(r, sess->peer.server_output_json);
		sess->peer.server_output_json = NULL;
	} else if (sess->peer.server_output_text != NULL)
		report_set_server_output_text(r, sess->peer.server_output_text);
	session_send_state(sess, IPERF_DONE);
	session_conclude(sess);
}

static int
client_take_server_error(struct session *sess, struct evbuffer *in)
{
	struct client *c = client_of(sess);
	int32_t v;

	if (!c->srv_err_have_code) {
		if (!proto_take_int(in, &v))
			return 0;
		c->srv_err_code = v;
		c->srv_err_have_code = true;
	}
	if (!proto_take_int(in, &v))
		return 0;
	session_fail(sess, c->srv_err_code, v);
	return -1;
}

/*
 * Stock iperf3 servers take at most 128 streams per direction (3.12 to
 * 3.21 accept more but watch their sockets with select(), which fails
 * past 1024 descriptors; newer ones refuse): without the wide role flag
 * an evperf server would have confirmed, refuse before connecting.
 */
static bool
client_too_many(struct session *sess)
{
	if (sess->p.parallel <= PROTO_ROLE_NARROW_MAX || sess->p.roles == 2)
		return false;
	snprintf(sess->err_buf, sizeof(sess->err_buf),
	    "parameter error - number of parallel streams too large for this "
	    "server (maximum = %d; more need an evperf server)",
	    PROTO_ROLE_NARROW_MAX);
	sess->err_msg = sess->err_buf;
	session_fail(sess, IE_NUMSTREAMS, 0);
	return true;
}

/* Every data connection is up: TEST_START may be waiting already. */
static void
client_streams_up(struct session *sess)
{
	session_set_state(sess, SS_C_WAIT_START);
	client_read(sess, bufferevent_get_input(sess->ctl));
}

/* The data connections (after the probe's idle baseline, if any). */
static void
client_connect_streams(struct session *sess)
{
	struct client *c = client_of(sess);

	c->cn = connector_new(sess, &c->peer_addr, client_streams_up);
	connector_start(c->cn);
}

static void
client_create_streams(struct session *sess)
{
	struct client *c = client_of(sess);

	if (client_too_many(sess) || session_probe_refused(sess) ||
	    session_rr_refused(sess))
		return;
	session_env_init(sess);
	session_crr_client(sess, &c->peer_addr);
	session_set_state(sess, SS_C_CREATING);
	if (sess->p.latency > 0)
		session_probe_open(sess, &c->peer_addr, client_connect_streams);
	else
		client_connect_streams(sess);
}

/* One state byte from the server. */
static void
client_handle_state(struct session *sess, signed char st)
{
	enum sess_state ss = sess->state;

	if (st == PARAM_EXCHANGE && ss == SS_C_WAIT_PARAMREQ)
		client_send_params(sess);
	else if ((st == EVPERF_ROLES_ACK || st == EVPERF_ROLES2_ACK) &&
	    ss == SS_C_WAIT_CREATE && !sess->set->no_role_flag)
		sess->p.roles = st == EVPERF_ROLES2_ACK ? 2 : 1;
	else if (st == EVPERF_LATENCY_ACK && ss == SS_C_WAIT_CREATE &&
	    sess->p.latency > 0)
		sess->probe_ack = true;
	else if (st == EVPERF_RR_ACK && ss == SS_C_WAIT_CREATE &&
	    sess->p.rr != RR_NONE)
		sess->rr_ack = true;
	else if (st == CREATE_STREAMS && ss == SS_C_WAIT_CREATE)
		client_create_streams(sess);
	else if (st == TEST_START && ss == SS_C_WAIT_START) {
		session_arm_timeout(sess, 0);
		session_test_start(sess);
	} else if (st == TEST_RUNNING && ss == SS_RUNNING)
		session_test_running(sess);
	else if (st == EXCHANGE_RESULTS && ss == SS_C_WAIT_EXCHANGE)
		client_send_results(sess);
	else if (st == DISPLAY_RESULTS && ss == SS_C_WAIT_DISPLAY)
		client_display(sess);
	else if (st == ACCESS_DENIED)
		session_fail(sess, IE_ACCESSDENIED, 0);
	else if (st == SERVER_TERMINATE)
		session_fail(sess, IE_SERVERTERM, 0);
	else if (st == SERVER_ERROR)
		client_of(sess)->await_err_ints = true;
	else
		session_fail(sess, IE_MESSAGE, 0);
}

/*
 * While the data connections are still being set up, TEST_START (and the
 * TEST_RUNNING behind it) may already be here: a UDP reply or a cookie
 * acknowledgement can be overtaken by the control connection. Leave them
 * in the buffer until the last stream is up; errors go through at once.
 */
static bool
client_must_wait(const struct session *sess, struct evbuffer *in)
{
	signed char st;

	if (sess->state != SS_C_CREATING || client_of(sess)->await_err_ints)
		return false;
	if (evbuffer_copyout(in, &st, 1) != 1)
		return false;
	return st == TEST_START || st == TEST_RUNNING;
}

static void
client_read(struct session *sess, struct evbuffer *in)
{
	signed char st;

	while (sess->state != SS_DONE && evbuffer_get_length(in) > 0) {
		if (client_must_wait(sess, in))
			return;
		if (client_of(sess)->await_err_ints) {
			if (client_take_server_error(sess, in) == 0)
				return;
		} else if (sess->state == SS_C_WAIT_RESULTS) {
			if (client_take_results(sess, in) <= 0)
				return;
		} else if (proto_take_state(in, &st))
			client_handle_state(sess, st);
	}
}

/* The control connection is up: cookie first, then wait to be asked. */
static void
client_ctl_connected(struct session *sess)
{
	evutil_socket_t fd = bufferevent_getfd(sess->ctl);
	int rc;

	session_arm_timeout(sess, 0);
	net_set_nodelay(fd);
	if ((rc = session_ctl_opts(sess, fd)) != 0) {
		session_fail(sess, rc, EVUTIL_SOCKET_ERROR());
		return;
	}
	sess->start.ctrl_mss = net_get_mss(fd);
	sess->start.tcp_mss_default = sess->start.ctrl_mss;
	if (bufferevent_write(sess->ctl, sess->cookie, COOKIE_SIZE) == -1) {
		session_fail(sess, IE_SENDCOOKIE, errno);
		return;
	}
	session_set_state(sess, SS_C_WAIT_PARAMREQ);
}

static void
client_event(struct session *sess, short what)
{
	struct client *c = client_of(sess);

	if (sess->state == SS_C_CONNECTING) {
		if (!(what & BEV_EVENT_CONNECTED))
			session_fail(sess, IE_CONNECT, EVUTIL_SOCKET_ERROR());
		else
			client_ctl_connected(sess);
		return;
	}
	/* SERVER_ERROR from a 3.12 auth failure carries only one int. */
	if (c->await_err_ints && c->srv_err_have_code) {
		session_fail(sess, c->srv_err_code, 0);
		return;
	}
	session_ctl_closed(sess, what);
}

static void
client_halt(struct session *sess)
{
	struct client *c = client_of(sess);

	connector_halt(c->cn);
	xev_del(c->ev_unsent);
}

static void
client_free(struct session *sess)
{
	struct client *c = client_of(sess);

	connector_free(c->cn);
	xev_free(c->ev_unsent);
	free(c);
}

static const struct session_role client_role = {
	.name = "client",
	.client = true,
	.end_ends_test = true,
	.end_slack = 0,
	.terminate = CLIENT_TERMINATE,
	.term_code = IE_CLIENTTERM,
	.term_msg = "interrupt - the client has terminated",
	.read = client_read,
	.event = client_event,
	.end = client_end_test,
	.budget = client_end_test,
	.halt = client_halt,
	.free = client_free,
};

static int
client_connect_ctl(struct session *sess)
{
	const struct settings *s = sess->set;
	struct client *c = client_of(sess);
	struct net_path np = { 0, NULL };
	struct bufferevent *bev;
	evutil_socket_t fd;
	int gai;

	if (net_resolve(s->host, s->port, s->family, SOCK_STREAM, false,
		&c->peer_addr, &gai) == -1) {
		snprintf(sess->err_buf, sizeof(sess->err_buf),
		    "unable to resolve host %s: %s", s->host,
		    gai_strerror(gai));
		sess->err_msg = sess->err_buf;
		return IE_CONNECT;
	}
	np.dev = s->bind_dev;
	fd = net_socket_path(
	    c->peer_addr.ss.ss_family, &np, s->bind_host, 0, SOCK_STREAM);
	if (fd == -1)
		return IE_CONNECT;
	bev = bufferevent_socket_new(sess->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		evutil_closesocket(fd);
		return IE_CONNECT;
	}
	session_ctl_open(sess, bev);
	session_set_state(sess, SS_C_CONNECTING);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&c->peer_addr.ss,
		(int)c->peer_addr.len) == -1)
		return IE_CONNECT;
	if (s->connect_timeout_ms > 0)
		session_arm_timeout(sess, s->connect_timeout_ms / 1000.0);
	return 0;
}

void
session_client_connects(
    const struct session *sess, struct session_connects *out)
{
	connector_stats(sess->role->client ? client_of(sess)->cn : NULL, out);
}

struct session *
session_client_new(struct event_base *base, const struct settings *s,
    const struct session_out *o, session_done_cb cb, void *arg)
{
	struct client *c = xcalloc(1, sizeof(*c));
	struct session *sess;
	int rc;

	sess = session_alloc(base, s, o, &client_role, c, cb, arg);
	proto_params_from_settings(&sess->p, s);
	if (sess->p.blksize == 0)
		sess->p.blksize = proto_default_blksize(&sess->p);
	proto_make_cookie(sess->cookie);
	memcpy(sess->start.cookie, sess->cookie, COOKIE_SIZE);
	sess->start.connecting_host = s->host;
	sess->start.port = s->port;
	sess->start.tcp_mss = s->mss;
	session_rpt(sess);
	if ((rc = client_connect_ctl(sess)) != 0)
		session_fail(sess, rc, EVUTIL_SOCKET_ERROR());
	return sess;
}
