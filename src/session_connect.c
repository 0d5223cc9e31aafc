/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_connect.c: the client's data connections. Between evperf ends
 * (the server confirmed the role flag, so each connection says which
 * stream it is) up to PROTO_CONNECT_WINDOW non-blocking TCP connects are in
 * flight at once, in any order. Towards a stock iperf3 server, and for
 * UDP (whose handshake goes through one server socket at a time), they go
 * one after another, as iperf3's do. A connect that is refused or reset
 * is tried again, with a growing pause, until its connect timeout
 * (--connect-timeout, or 30 s) has passed since its first try.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "fault.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "sctp.h"
#include "session_int.h"
#include "xev.h"

#define CONNECT_TIMEOUT 30.0 /* seconds per data connection by default */
#define CONNECT_RETRY_FIRST 0.005 /* first pause before a retry, seconds */
#define CONNECT_RETRY_MAX 0.25 /* ... doubling up to this */
#define ACK_POLL 0.0005 /* cookie acknowledgement poll, seconds */
#define ACK_POLLS 10000 /* ... for at most 5 seconds */
#define ACK_BLIND 20 /* polls when the system has no count: 10 ms */

/* One connection being made: stream k, its socket and its one event. */
struct slot {
	struct connector *cn;
	int k; /* -1: free */
	evutil_socket_t fd; /* -1 while waiting to retry */
	struct event *ev; /* connect (TCP), reply (UDP), or retry timer */
	double first; /* clock_now() of the first try */
	double pause; /* before the next retry */
};

struct connector {
	struct session *sess;
	struct net_addr peer;
	connector_done_cb done;
	struct slot *slots;
	int window; /* slots in use at most */
	int busy; /* slots in use now */
	int next_k; /* the next stream to start */
	int up; /* streams made */
	double t0; /* clock_now() at the first connect */
	double timeout; /* seconds per connection, retries included */
	struct session_connects stats;
	struct event *ev_ack; /* stock --bidir: the cookie-acked poll */
	struct stream *ack_sp;
	int ack_polls;
};

static void connector_fill(struct connector *cn);
static void slot_try(struct slot *sl);
static void slot_retry_cb(evutil_socket_t unused, short what, void *arg);

static int
connector_total(const struct session *sess)
{
	return sess->p.bidir ? 2 * sess->p.parallel : sess->p.parallel;
}

/* Which way stream k sends: -P senders first, then -P receivers. */
static bool
connector_sends(const struct session *sess, int k)
{
	if (sess->p.bidir)
		return k < sess->p.parallel;
	return !sess->p.reverse;
}

/*
 * The role flag of stream k (its direction and index within it) at out,
 * in the width the server confirmed; returns that width (0: no flag).
 */
static size_t
connector_role_flag(const struct session *sess, int k, unsigned char *out)
{
	bool sends = connector_sends(sess, k);

	if (sess->p.roles == 0)
		return 0;
	proto_role_encode(out, sess->p.roles, sends,
	    sess->p.bidir && !sends ? k - sess->p.parallel : k);
	return (size_t)sess->p.roles;
}

static void
slot_close(struct slot *sl)
{
	xev_free(sl->ev);
	sl->ev = NULL;
	if (sl->fd != -1)
		evutil_closesocket(sl->fd);
	sl->fd = -1;
}

static void
slot_release(struct slot *sl)
{
	xev_free(sl->ev);
	sl->ev = NULL;
	sl->fd = -1;
	sl->k = -1;
	sl->cn->busy--;
}

/* Try again after a pause, or fail the test once time has run out. */
static void
slot_retry(struct slot *sl, int code, int err)
{
	struct connector *cn = sl->cn;
	double left = cn->timeout - (clock_now() - sl->first);

	slot_close(sl);
	if (!osdep_err_connect_retry(err) || left <= 0) {
		session_fail(cn->sess, code, err);
		return;
	}
	cn->stats.retries++;
	log_debug("client: stream %d: %s, retrying in %.3f s", sl->k,
	    osdep_strerror(err), sl->pause);
	sl->ev = xev_timer(cn->sess->base, slot_retry_cb, sl);
	xev_add(sl->ev, sl->pause < left ? sl->pause : left);
	sl->pause *= 2;
	if (sl->pause > CONNECT_RETRY_MAX)
		sl->pause = CONNECT_RETRY_MAX;
}

/*
 * Towards a stock server (no role flag) a --bidir client must make the
 * server accept its connections in creation order, since roles go by
 * accept order there. Once the server's TCP stack has acknowledged the
 * cookie, that connection sits in the server's FIFO accept queue ahead of
 * any later one; so wait for that before opening the next (bounded).
 */
static void
connector_ack_cb(evutil_socket_t unused, short what, void *arg)
{
	struct connector *cn = arg;
	int unacked = osdep_unacked_bytes(stream_fd(cn->ack_sp));

	/* Where the system cannot say (wine), wait a little, blind. */
	if ((unacked > 0 || (unacked == -1 && cn->ack_polls < ACK_BLIND)) &&
	    ++cn->ack_polls < ACK_POLLS) {
		xev_add(cn->ev_ack, ACK_POLL);
		return;
	}
	cn->ack_sp = NULL;
	connector_fill(cn);
}

/* Stream k's connection is up (and has said who it is): adopt it. */
static void
slot_adopt(struct slot *sl)
{
	struct connector *cn = sl->cn;
	struct session *sess = cn->sess;
	int k = sl->k;
	evutil_socket_t fd = sl->fd;
	struct stream *sp;

	slot_release(sl);
	cn->up++;
	sp = session_stream_new(sess, fd, k, connector_sends(sess, k));
	if (sess->p.proto == PROTO_TCP && sess->p.bidir && !sess->p.roles) {
		cn->ack_sp = sp;
		cn->ack_polls = 0;
		connector_ack_cb(-1, 0, cn);
	} else
		connector_fill(cn);
}

/* The cookie, and after the server confirmed the role flag, the flag. */
static int
slot_send_cookie(struct slot *sl)
{
	const struct session *sess = sl->cn->sess;
	unsigned char buf[COOKIE_SIZE + PROTO_ROLE_MAX_LEN];
	size_t len = COOKIE_SIZE;

	memcpy(buf, sess->cookie, COOKIE_SIZE);
	len += connector_role_flag(sess, sl->k, buf + len);
	/* A fresh socket's buffer always takes these few bytes at once. */
	if (osdep_send(sl->fd, buf, len) != (ssize_t)len)
		return -1;
	return 0;
}

static void
slot_connected_cb(evutil_socket_t fd, short what, void *arg)
{
	struct slot *sl = arg;
	struct session *sess = sl->cn->sess;

	/*
	 * A timeout counts only while the connect is still under way. The
	 * last try gets what is left of the connect timeout; when that ends
	 * in the loop pass that sees the refusal, libevent reports EV_TIMEOUT
	 * alone (the timeout deletes the fd's activation), and "timed out"
	 * would hide the real ECONNREFUSED (or a connection just made).
	 */
	if ((what & EV_TIMEOUT) && net_connect_pending(fd)) {
		session_fail(sess, IE_STREAMCONNECT, ETIMEDOUT);
		return;
	}
	if (net_connect_result(fd) == -1) {
		slot_retry(sl, IE_STREAMCONNECT, EVUTIL_SOCKET_ERROR());
		return;
	}
	if (sess->p.congestion != NULL && !sess->p.sctp &&
	    net_set_congestion(fd, sess->p.congestion) == -1) {
		session_fail(sess, IE_SETCONGESTION, EVUTIL_SOCKET_ERROR());
		return;
	}
	if (slot_send_cookie(sl) == -1) {
		slot_retry(sl, IE_SENDCOOKIE, EVUTIL_SOCKET_ERROR());
		return;
	}
	slot_adopt(sl);
}

/* UDP "connect": 9876 on the wire, then the role flag when confirmed. */
static int
slot_udp_hello(struct slot *sl)
{
	unsigned char buf[4 + PROTO_ROLE_MAX_LEN] = { '9', '8', '7', '6' };
	size_t len = 4;

	len += connector_role_flag(sl->cn->sess, sl->k, buf + len);
	return osdep_send(sl->fd, buf, len) == (ssize_t)len ? 0 : -1;
}

/* The server's reply: 6789, or 3.11's 987654321 as a little-endian int. */
static bool
connector_udp_is_reply(const unsigned char *b, ssize_t n)
{
	static const unsigned char legacy[4] = { 0xb1, 0x68, 0xde, 0x3a };

	return n == 4 &&
	    (memcmp(b, "6789", 4) == 0 || memcmp(b, legacy, 4) == 0);
}

static void
slot_udp_reply_cb(evutil_socket_t fd, short what, void *arg)
{
	struct slot *sl = arg;
	unsigned char buf[8];
	ssize_t n;
	int err;

	if (what & EV_TIMEOUT) {
		session_fail(sl->cn->sess, IE_STREAMREAD, ETIMEDOUT);
		return;
	}
	n = fault_udp_recv() ? -1 : recv(fd, buf, sizeof(buf), 0);
	if (n == -1) {
		/* EAGAIN, or an ICMP error from a port not yet open. */
		err = EVUTIL_SOCKET_ERROR();
		if (osdep_err_retriable(err) || osdep_udp_transient(err))
			return;
		session_fail(sl->cn->sess, IE_STREAMREAD, err);
		return;
	}
	/* With -R, early data may precede the reply (as iperf3 allows). */
	if (connector_udp_is_reply(buf, n))
		slot_adopt(sl);
}

/*
 * -L on a TCP stream: the label, taken for fd, goes in the address its
 * connect() uses (iperf3: IPv6 only, IESETFLOW otherwise).
 */
static int
slot_flowlabel(struct slot *sl, struct net_addr *dst)
{
	*dst = sl->cn->peer;
	if (sl->cn->sess->p.flowlabel == 0 ||
	    sl->cn->sess->p.proto == PROTO_UDP || sl->cn->sess->p.sctp)
		return 0;
	if (dst->ss.ss_family != AF_INET6 ||
	    osdep_flowlabel(sl->fd, (struct sockaddr_in6 *)&dst->ss,
		sl->cn->sess->p.flowlabel) == -1)
		return IE_SETFLOW;
	return 0;
}

/*
 * The slot's socket: UDP, TCP, MPTCP (-m) or SCTP (--sctp; with -X it
 * binds to those names instead of -B), bound to -B and --cport + k.
 */
static int
slot_socket(struct slot *sl)
{
	struct session *sess = sl->cn->sess;
	const struct settings *s = sess->set;
	bool udp = sess->p.proto == PROTO_UDP;
	struct net_path np = { 0, s->bind_dev };
	const char *bind_host = s->bind_host;
	int port = s->cport ? s->cport + sl->k : 0;

	/* The control connection stays TCP in both cases. */
	if (!udp && sess->p.sctp) {
		if ((np.protocol = osdep_sctp_protocol()) == -1)
			return IE_STREAMCONNECT;
		if (s->nxbind > 0) {
			bind_host = NULL;
			port = 0;
		}
	} else if (!udp && sess->p.mptcp &&
	    (np.protocol = osdep_mptcp_protocol()) == -1)
		return IE_STREAMCONNECT;
	sl->fd = net_socket_path(sl->cn->peer.ss.ss_family, &np, bind_host,
	    port, udp ? SOCK_DGRAM : SOCK_STREAM);
	return sl->fd == -1 ? IE_STREAMCONNECT : 0;
}

/* A socket for the slot's stream, with the options set, connecting. */
static int
slot_open(struct slot *sl)
{
	struct session *sess = sl->cn->sess;
	const struct settings *s = sess->set;
	bool udp = sess->p.proto == PROTO_UDP;
	struct net_addr dst;
	int rc;

	if ((rc = slot_socket(sl)) != 0)
		return rc;
	if ((rc = session_stream_opts(sess, sl->fd)) != 0)
		return rc;
	/* The server sets -M on its listener; the client on each socket. */
	if (!udp && !sess->p.sctp && sess->p.mss != 0 &&
	    net_set_mss(sl->fd, sess->p.mss) == -1)
		return IE_SETMSS;
	if (sess->p.sctp &&
	    (rc = sctp_client_opts(sl->fd, sl->cn->peer.ss.ss_family,
		 s->cport ? s->cport + sl->k : 0, &sess->p, s)) != 0)
		return rc;
	if ((rc = slot_flowlabel(sl, &dst)) != 0)
		return rc;
	if (net_connect_fd(sl->fd, &dst) == -1)
		return IE_STREAMCONNECT;
	if (udp && slot_udp_hello(sl) == -1)
		return IE_STREAMWRITE;
	return 0;
}

/* One try at the slot's connection (the first, or a retry). */
static void
slot_try(struct slot *sl)
{
	struct connector *cn = sl->cn;
	bool udp = cn->sess->p.proto == PROTO_UDP;
	double left = cn->timeout - (clock_now() - sl->first);
	int rc;

	xev_free(sl->ev);
	sl->ev = NULL;
	if ((rc = slot_open(sl)) != 0) {
		slot_retry(sl, rc, EVUTIL_SOCKET_ERROR());
		return;
	}
	sl->ev = xev_new(cn->sess->base, sl->fd,
	    udp ? EV_READ | EV_PERSIST : EV_WRITE,
	    udp ? slot_udp_reply_cb : slot_connected_cb, sl);
	xev_add(sl->ev, left > 0 ? left : 0.001);
	if (cn->busy > cn->stats.max_in_flight)
		cn->stats.max_in_flight = cn->busy;
}

static void
slot_retry_cb(evutil_socket_t unused, short what, void *arg)
{
	slot_try(arg);
}

static struct slot *
connector_free_slot(struct connector *cn)
{
	int i;

	for (i = 0; i < cn->window; i++)
		if (cn->slots[i].k == -1)
			return &cn->slots[i];
	return NULL;
}

/* Start streams until the window is full; tell the client when done. */
static void
connector_fill(struct connector *cn)
{
	struct session *sess = cn->sess;
	int total = connector_total(sess);
	struct slot *sl;

	while (sess->state == SS_C_CREATING && cn->next_k < total &&
	    cn->ack_sp == NULL && (sl = connector_free_slot(cn)) != NULL) {
		sl->k = cn->next_k++;
		sl->pause = CONNECT_RETRY_FIRST;
		sl->first = clock_now();
		cn->busy++;
		slot_try(sl);
	}
	if (sess->state == SS_C_CREATING && cn->up == total) {
		log_debug("client: %d data connections up in %.3f s (window "
			  "%d, at most %d at once, %d retries)",
		    total, clock_now() - cn->t0, cn->window,
		    cn->stats.max_in_flight, cn->stats.retries);
		cn->done(sess);
	}
}

struct connector *
connector_new(
    struct session *sess, const struct net_addr *peer, connector_done_cb done)
{
	struct connector *cn = xcalloc(1, sizeof(*cn));
	const struct settings *s = sess->set;
	int i;

	cn->sess = sess;
	cn->peer = *peer;
	cn->done = done;
	cn->timeout = s->connect_timeout_ms > 0 ? s->connect_timeout_ms / 1000.0
						: CONNECT_TIMEOUT;
	/* Identity by role flag lets TCP connections finish in any order. */
	cn->window = sess->p.proto == PROTO_TCP && sess->p.roles != 0
	    ? PROTO_CONNECT_WINDOW
	    : 1;
	cn->slots = xcalloc((size_t)cn->window, sizeof(*cn->slots));
	for (i = 0; i < cn->window; i++) {
		cn->slots[i].cn = cn;
		cn->slots[i].k = -1;
		cn->slots[i].fd = -1;
	}
	cn->ev_ack = xev_timer(sess->base, connector_ack_cb, cn);
	return cn;
}

void
connector_start(struct connector *cn)
{
	cn->t0 = clock_now();
	connector_fill(cn);
}

void
connector_halt(struct connector *cn)
{
	int i;

	if (cn == NULL)
		return;
	xev_del(cn->ev_ack);
	for (i = 0; i < cn->window; i++)
		xev_del(cn->slots[i].ev);
}

void
connector_free(struct connector *cn)
{
	int i;

	if (cn == NULL)
		return;
	for (i = 0; i < cn->window; i++)
		slot_close(&cn->slots[i]);
	xev_free(cn->ev_ack);
	free(cn->slots);
	free(cn);
}

void
connector_stats(const struct connector *cn, struct session_connects *out)
{
	if (cn == NULL) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = cn->stats;
	out->window = cn->window;
	out->in_flight = cn->busy;
}
