/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_client.c: the client's control-channel state machine. It
 * connects, sends the cookie and parameters, opens the data connections
 * one after another when the server asks, decides when the test ends
 * (timer, -n, -k), exchanges results and reports. One small handler per
 * state byte; every transition goes through session_set_state().
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

#include "errors.h"
#include "log.h"
#include "session_int.h"

#define CLIENT_CTL_TIMEOUT 60.0 /* seconds the server may be silent */
#define CLIENT_ACK_POLL_US 500 /* cookie acknowledgement poll period */
#define CLIENT_ACK_POLLS 10000 /* ... for at most 5 seconds */

static void client_connect_next(struct session *sess);
static void client_adopt_stream(struct session *sess, int fd);

static int
client_total_streams(const struct session *sess)
{
	return sess->p.bidir ? 2 * sess->p.parallel : sess->p.parallel;
}

/* Which way stream k sends: -P senders first, then -P receivers. */
static bool
client_stream_sends(const struct session *sess, int k)
{
	if (sess->p.bidir)
		return k < sess->p.parallel;
	return !sess->p.reverse;
}

/*
 * The cookie, and after the server confirmed the role flag, the flag: the
 * direction of this connection and its index within that direction.
 */
static int
client_send_cookie(struct session *sess, int fd, int k)
{
	char buf[COOKIE_SIZE + 1];
	size_t len = COOKIE_SIZE;
	bool sends = client_stream_sends(sess, k);
	int idx = sess->p.bidir && !sends ? k - sess->p.parallel : k;

	memcpy(buf, sess->cookie, COOKIE_SIZE);
	if (sess->p.roles)
		buf[len++] = (char)((sends ? PROTO_ROLE_CLIENT_SENDS : 0) |
		    (idx & PROTO_ROLE_INDEX_MASK));
	/* A fresh socket's buffer always takes these few bytes at once. */
	if (send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	return 0;
}

/*
 * Towards a stock server (no role flag) a --bidir client must make the
 * server accept its connections in creation order, since roles go by
 * accept order there. Once the server's TCP stack has acknowledged the
 * cookie, that connection sits in the server's FIFO accept queue ahead of
 * any later one; so wait for that before opening the next (bounded).
 */
static void
client_wait_acked(evutil_socket_t unused, short what, void *arg)
{
	struct session *sess = arg;
	struct stream *sp = TAILQ_LAST(&sess->streams, stream_list);
	struct timeval tv = { 0, CLIENT_ACK_POLL_US };

	if (sess->ev_connect != NULL) {
		event_free(sess->ev_connect);
		sess->ev_connect = NULL;
	}
	if (osdep_unacked_bytes(sp->fd) > 0 &&
	    ++sess->ack_polls < CLIENT_ACK_POLLS) {
		sess->ev_connect =
		    evtimer_new(sess->base, client_wait_acked, sess);
		evtimer_add(sess->ev_connect, &tv);
		return;
	}
	client_connect_next(sess);
}

/* The k-th data connection is up: make it a stream, then the next one. */
static void
client_adopt_stream(struct session *sess, int fd)
{
	struct stream *sp;
	int k = sess->nstreams;

	sess->connect_fd = -1;
	sp = stream_new(sess, fd, k, client_stream_sends(sess, k));
	TAILQ_INSERT_TAIL(&sess->streams, sp, entry);
	sess->nstreams++;
	report_on_stream(session_rpt(sess), &sp->conn);
	if (sess->p.proto == PROTO_TCP && sess->p.bidir && !sess->p.roles) {
		sess->ack_polls = 0;
		client_wait_acked(-1, 0, sess);
	} else
		client_connect_next(sess);
}

static void
client_stream_connected_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	int k = sess->nstreams;

	event_free(sess->ev_connect);
	sess->ev_connect = NULL;
	if (what & EV_TIMEOUT) {
		session_fail(sess, IE_STREAMCONNECT, ETIMEDOUT);
		return;
	}
	if (net_connect_result(fd) == -1) {
		session_fail(sess, IE_STREAMCONNECT, errno);
		return;
	}
	if (sess->p.congestion != NULL &&
	    net_set_congestion(fd, sess->p.congestion) == -1) {
		session_fail(sess, IE_SETCONGESTION, errno);
		return;
	}
	if (client_send_cookie(sess, fd, k) == -1) {
		session_fail(sess, IE_SENDCOOKIE, errno);
		return;
	}
	client_adopt_stream(sess, fd);
}

/* UDP "connect": 9876 on the wire, then the role flag when confirmed. */
static int
client_udp_hello(struct session *sess, int fd, int k)
{
	char buf[5] = { '9', '8', '7', '6', 0 };
	size_t len = 4;
	bool sends = client_stream_sends(sess, k);
	int idx = sess->p.bidir && !sends ? k - sess->p.parallel : k;

	if (sess->p.roles)
		buf[len++] = (char)((sends ? PROTO_ROLE_CLIENT_SENDS : 0) |
		    (idx & PROTO_ROLE_INDEX_MASK));
	return send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* The server's reply: 6789, or 3.11's 987654321 as a little-endian int. */
static bool
client_udp_is_reply(const unsigned char *b, ssize_t n)
{
	static const unsigned char legacy[4] = { 0xb1, 0x68, 0xde, 0x3a };

	return n == 4 &&
	    (memcmp(b, "6789", 4) == 0 || memcmp(b, legacy, 4) == 0);
}

static void
client_udp_reply_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	unsigned char buf[8];
	ssize_t n;

	if (what & EV_TIMEOUT) {
		session_fail(sess, IE_STREAMREAD, ETIMEDOUT);
		return;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n == -1) {
		/* EAGAIN, or an ICMP error from a port not yet open. */
		if (errno == EAGAIN || osdep_udp_transient(errno))
			return;
		session_fail(sess, IE_STREAMREAD, errno);
		return;
	}
	/* With -R, early data may precede the reply (as iperf3 allows). */
	if (!client_udp_is_reply(buf, n))
		return;
	event_free(sess->ev_connect);
	sess->ev_connect = NULL;
	client_adopt_stream(sess, fd);
}

/* Data connections go strictly one after another, as iperf3's do. */
static void
client_connect_next(struct session *sess)
{
	const struct settings *s = sess->set;
	bool udp = sess->p.proto == PROTO_UDP;
	struct timeval tv;
	int k = sess->nstreams, fd, rc;

	if (k == client_total_streams(sess)) {
		session_set_state(sess, SS_C_WAIT_START);
		/* TEST_START may be waiting in the control buffer. */
		session_client_read_cb(sess->ctl, sess);
		return;
	}
	fd = net_socket_bound(sess->peer_addr.ss.ss_family, s->bind_host,
	    s->cport ? s->cport + k : 0, udp ? SOCK_DGRAM : SOCK_STREAM);
	if (fd == -1) {
		session_fail(sess, IE_STREAMCONNECT, errno);
		return;
	}
	sess->connect_fd = fd;
	if ((rc = session_stream_opts(sess, fd)) != 0) {
		session_fail(sess, rc, errno);
		return;
	}
	/* The server sets -M on its listener; the client on each socket. */
	if (!udp && sess->p.mss != 0 && net_set_mss(fd, sess->p.mss) == -1) {
		session_fail(sess, IE_SETMSS, errno);
		return;
	}
	if (net_connect_fd(fd, &sess->peer_addr) == -1) {
		session_fail(sess, IE_STREAMCONNECT, errno);
		return;
	}
	if (udp && client_udp_hello(sess, fd, k) == -1) {
		session_fail(sess, IE_STREAMWRITE, errno);
		return;
	}
	sess->ev_connect =
	    event_new(sess->base, fd, udp ? EV_READ | EV_PERSIST : EV_WRITE,
		udp ? client_udp_reply_cb : client_stream_connected_cb, sess);
	tv.tv_sec =
	    s->connect_timeout_ms > 0 ? s->connect_timeout_ms / 1000 : 30;
	tv.tv_usec = s->connect_timeout_ms > 0
	    ? (s->connect_timeout_ms % 1000) * 1000
	    : 0;
	event_add(sess->ev_connect, &tv);
}

static void
client_send_params(struct session *sess)
{
	struct rpt_start *st = &sess->start;
	cJSON *j;

	/* iperf3's UDP default datagram: the control connection's MSS. */
	if (sess->p.blksize == 0)
		sess->p.blksize = st->ctrl_mss > 0 ? st->ctrl_mss : 1460;
	j = proto_params_to_json(&sess->p, !sess->set->no_role_flag);
	proto_put_json(bufferevent_get_output(sess->ctl), j);
	cJSON_Delete(j);
	clock_wall(&st->timesecs, &st->timemillisecs);
	session_fill_test_start(sess);
	report_on_connect(session_rpt(sess), st);
	session_set_state(sess, SS_C_WAIT_CREATE);
}

void
session_client_end_test(struct session *sess)
{
	if (sess->state != SS_RUNNING)
		return;
	session_final_sample(sess);
	session_stop_streams(sess, false);
	session_send_state(sess, TEST_END);
	session_set_state(sess, SS_C_WAIT_EXCHANGE);
	session_arm_timeout(sess, CLIENT_CTL_TIMEOUT);
}

static void
client_send_results(struct session *sess)
{
	struct results r;
	cJSON *j;

	session_local_results(sess, &r);
	j = proto_results_to_json(&r);
	proto_put_json(bufferevent_get_output(sess->ctl), j);
	cJSON_Delete(j);
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
	int32_t v;

	if (!sess->srv_err_have_code) {
		if (!proto_take_int(in, &v))
			return 0;
		sess->srv_err_code = v;
		sess->srv_err_have_code = true;
	}
	if (!proto_take_int(in, &v))
		return 0;
	session_fail(sess, sess->srv_err_code, v);
	return -1;
}

/* One state byte from the server. */
static void
client_handle_state(struct session *sess, signed char st)
{
	enum sess_state ss = sess->state;

	if (st == PARAM_EXCHANGE && ss == SS_C_WAIT_PARAMREQ)
		client_send_params(sess);
	else if (st == EVPERF_ROLES_ACK && ss == SS_C_WAIT_CREATE &&
	    !sess->set->no_role_flag)
		sess->p.roles = true;
	else if (st == CREATE_STREAMS && ss == SS_C_WAIT_CREATE) {
		session_set_state(sess, SS_C_CREATING);
		client_connect_next(sess);
	} else if (st == TEST_START && ss == SS_C_WAIT_START) {
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
		sess->await_err_ints = true;
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

	if (sess->state != SS_C_CREATING || sess->await_err_ints)
		return false;
	if (evbuffer_copyout(in, &st, 1) != 1)
		return false;
	return st == TEST_START || st == TEST_RUNNING;
}

void
session_client_read_cb(struct bufferevent *bev, void *arg)
{
	struct session *sess = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	signed char st;

	while (sess->state != SS_DONE && evbuffer_get_length(in) > 0) {
		if (client_must_wait(sess, in))
			return;
		if (sess->await_err_ints) {
			if (client_take_server_error(sess, in) == 0)
				return;
		} else if (sess->state == SS_C_WAIT_RESULTS) {
			if (client_take_results(sess, in) <= 0)
				return;
		} else if (proto_take_state(in, &st))
			client_handle_state(sess, st);
	}
}

static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct session *sess = arg;
	int fd = bufferevent_getfd(bev);

	if (sess->state == SS_C_CONNECTING) {
		if (!(what & BEV_EVENT_CONNECTED)) {
			session_fail(sess, IE_CONNECT, EVUTIL_SOCKET_ERROR());
			return;
		}
		session_arm_timeout(sess, 0);
		net_set_nodelay(fd);
		sess->start.ctrl_mss = net_get_mss(fd);
		sess->start.tcp_mss_default = sess->start.ctrl_mss;
		bufferevent_write(bev, sess->cookie, COOKIE_SIZE);
		session_set_state(sess, SS_C_WAIT_PARAMREQ);
		return;
	}
	/* SERVER_ERROR from a 3.12 auth failure carries only one int. */
	if (sess->await_err_ints && sess->srv_err_have_code) {
		session_fail(sess, sess->srv_err_code, 0);
		return;
	}
	session_ctl_event_cb(bev, what, arg);
}

static int
client_connect_ctl(struct session *sess)
{
	const struct settings *s = sess->set;
	int fd, gai;

	if (net_resolve(s->host, s->port, s->family, SOCK_STREAM, false,
		&sess->peer_addr, &gai) == -1) {
		snprintf(sess->err_buf, sizeof(sess->err_buf),
		    "unable to resolve host %s: %s", s->host,
		    gai_strerror(gai));
		sess->err_msg = sess->err_buf;
		return IE_CONNECT;
	}
	fd = net_socket_bound(
	    sess->peer_addr.ss.ss_family, s->bind_host, 0, SOCK_STREAM);
	if (fd == -1)
		return IE_CONNECT;
	sess->ctl =
	    bufferevent_socket_new(sess->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (sess->ctl == NULL) {
		close(fd);
		return IE_CONNECT;
	}
	bufferevent_setcb(
	    sess->ctl, session_client_read_cb, NULL, client_event_cb, sess);
	bufferevent_enable(sess->ctl, EV_READ | EV_WRITE);
	session_set_state(sess, SS_C_CONNECTING);
	if (bufferevent_socket_connect(sess->ctl,
		(struct sockaddr *)&sess->peer_addr.ss,
		(int)sess->peer_addr.len) == -1)
		return IE_CONNECT;
	if (s->connect_timeout_ms > 0)
		session_arm_timeout(sess, s->connect_timeout_ms / 1000.0);
	return 0;
}

struct session *
session_client_new(struct event_base *base, const struct settings *s,
    const struct session_out *o, session_done_cb cb, void *arg)
{
	struct session *sess = session_alloc(base, s, o, true, cb, arg);
	int rc;

	proto_params_from_settings(&sess->p, s);
	if (sess->p.blksize == 0 && s->proto == PROTO_TCP)
		sess->p.blksize = EVPERF_DEFAULT_TCP_BLKSIZE;
	proto_make_cookie(sess->cookie);
	memcpy(sess->start.cookie, sess->cookie, COOKIE_SIZE);
	sess->start.connecting_host = s->host;
	sess->start.port = s->port;
	sess->start.tcp_mss = s->mss;
	session_rpt(sess);
	if ((rc = client_connect_ctl(sess)) != 0)
		session_fail(sess, rc, errno);
	return sess;
}
