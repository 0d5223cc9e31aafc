/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * server_setup.c: what the listener lends a test while that test sets up
 * its data connections (struct session_listener): a place among
 * --max-tests once its parameters are valid, -M on the listening socket
 * (copied into accepted sockets), and the UDP socket on the port whose
 * first datagram from a client becomes that client's stream socket
 * (protocol reference 3.3), given to the test whose client has the
 * datagram's address, and the SCTP listener on the port for a client's
 * --sctp. Tests whose setups would clash there (TCP with another -M, UDP
 * from the same address) wait their turn.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "fault.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "sctp.h"
#include "server_int.h"
#include "xev.h"

void
server_udp_close(struct server *srv)
{
	xev_free(srv->ev_udp);
	srv->ev_udp = NULL;
	if (srv->udp_fd != -1)
		evutil_closesocket(srv->udp_fd);
	srv->udp_fd = -1;
}

static void server_udp_cb(evutil_socket_t fd, short what, void *arg);

void
server_sctp_close(struct server *srv)
{
	if (srv->sctp_lev != NULL)
		evconnlistener_free(srv->sctp_lev);
	srv->sctp_lev = NULL;
}

static void
server_sctp_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server *srv = arg;

	if (srv->stopping || net_set_nonblock(fd) == -1) {
		evutil_closesocket(fd);
		return;
	}
	server_add_pending(srv, fd, sa, salen, true);
}

/*
 * accept() failed on the SCTP listener: the tests waiting for SCTP
 * streams end with that error (their clients hear it), and the listener
 * closes; the next SCTP test opens a new one.
 */
static void
server_sctp_error_cb(struct evconnlistener *lev, void *arg)
{
	struct server *srv = arg;
	struct test *t;
	int err = EVUTIL_SOCKET_ERROR();

	log_warnx("accept (SCTP): %s", osdep_strerror(err));
	TAILQ_FOREACH(t, &srv->tests, entry)
		if (t->prepared && session_params(t->sess)->sctp &&
		    session_wants_streams(t->sess))
			session_abort(t->sess, IE_STREAMACCEPT, err);
	if (evconnlistener_disable(lev) == -1)
		fatalx("%s: evconnlistener_disable failed", __func__);
}

/*
 * A client's --sctp: an SCTP listener on the test's port, beside the TCP
 * one (SCTP has its own ports), as iperf3 opens one for the test. It
 * stays while a prepared test wants it. Returns 0 or an IE code with the
 * socket error set.
 */
static int
server_sctp_listen(struct server *srv)
{
	evutil_socket_t fd;
	int ie;

	if (srv->sctp_lev != NULL)
		return 0;
	if ((fd = sctp_listen(srv->set, &ie)) == -1)
		return ie;
	srv->sctp_lev = evconnlistener_new(srv->base, server_sctp_accept_cb,
	    srv, LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (srv->sctp_lev == NULL)
		fatalx("%s: evconnlistener_new failed", __func__);
	evconnlistener_set_error_cb(srv->sctp_lev, server_sctp_error_cb);
	return 0;
}

static int
server_udp_listen(struct server *srv)
{
	const struct settings *s = srv->set;
	struct net_path np = { 0, s->bind_dev };

	if (srv->udp_fd != -1)
		return 0;

	srv->udp_fd =
	    net_listen_path(s->bind_host, s->port, s->family, SOCK_DGRAM, &np);
	if (srv->udp_fd == -1)
		return -1;
	srv->ev_udp = xev_new(
	    srv->base, srv->udp_fd, EV_READ | EV_PERSIST, server_udp_cb, srv);
	xev_add(srv->ev_udp, -1);
	return 0;
}

static bool
test_wants_udp(const struct test *t)
{
	return t->prepared && session_uses_udp(t->sess) &&
	    session_wants_streams(t->sess);
}

/*
 * The test a UDP stream's first datagram is for: the one whose client
 * has that address (tests that would share one wait, see server_clash),
 * or else the only UDP test waiting for streams (a client behind a
 * translator whose datagrams come from elsewhere).
 */
static struct test *
server_udp_owner(struct server *srv, const struct sockaddr *from)
{
	struct test *t, *only = NULL;
	char host[RPT_HOST_LEN];
	int port, n = 0;

	net_addr_text(from, host, sizeof(host), &port);
	TAILQ_FOREACH(t, &srv->tests, entry) {
		if (!test_wants_udp(t))
			continue;
		if (strcmp(t->peer, host) == 0)
			return t;
		only = t;
		n++;
	}
	return n == 1 ? only : NULL;
}

/* Another UDP stream is to come for some test: keep a socket bound. */
static bool
server_udp_more(struct server *srv, const struct test *taking)
{
	const struct test *t;
	int missing = 0;

	TAILQ_FOREACH(t, &srv->tests, entry)
		if (test_wants_udp(t))
			missing += session_udp_missing(t->sess);
	return missing > (taking != NULL ? 1 : 0);
}

/*
 * A client's first datagram on the port: connect the socket to it (so it
 * becomes that stream's socket), bind a fresh one if more streams are to
 * come, answer 6789 and hand the socket to the test. The content is not
 * checked (as iperf3); the role flag follows "9876" when in use.
 */
static void
server_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	unsigned char buf[8];
	struct test *t;
	ssize_t n;
	int role, width, err;

	n = fault_udp_recv() ? -1
			     : recvfrom(fd, buf, sizeof(buf), 0,
				   (struct sockaddr *)&from, &flen);
	if (n < 0 ||
	    (t = server_udp_owner(srv, (struct sockaddr *)&from)) == NULL)
		return; /* EAGAIN, a stray ICMP error, a stranger or too late */
	width = session_role_width(t->sess);
	role = n >= 4 + width ? server_role_flag(buf + 4, (size_t)width) : -1;
	if (connect(fd, (struct sockaddr *)&from, flen) == -1) {
		session_abort(t->sess, IE_STREAMACCEPT, EVUTIL_SOCKET_ERROR());
		return;
	}
	xev_free(srv->ev_udp);
	srv->ev_udp = NULL;
	srv->udp_fd = -1;
	if (server_udp_more(srv, t) && server_udp_listen(srv) == -1) {
		err = EVUTIL_SOCKET_ERROR(); /* net.c's */
		evutil_closesocket(fd);
		session_abort(t->sess, IE_STREAMLISTEN, err);
		return;
	}
	if (osdep_send(fd, "6789", 4) != 4) {
		err = EVUTIL_SOCKET_ERROR();
		evutil_closesocket(fd);
		session_abort(t->sess, IE_STREAMWRITE, err);
		return;
	}
	session_add_stream(t->sess, fd, role);
}

/*
 * The listener asked for the largest backlog (listen(INT_MAX)), which
 * Linux cuts to net.core.somaxconn. An evperf client with the role flag
 * has up to PROTO_CONNECT_WINDOW connects in flight; a queue shorter than
 * that drops or refuses some (the client retries them). Say so once.
 */
static void
server_check_backlog(struct server *srv, const struct session *sess)
{
	const struct test_params *p = session_params(sess);
	int max = osdep_somaxconn(), need;

	need = p->bidir ? 2 * p->parallel : p->parallel;
	if (session_role_width(sess) == 0)
		need = 1;
	else if (need > PROTO_CONNECT_WINDOW)
		need = PROTO_CONNECT_WINDOW;
	if (srv->backlog_warned || max < 0 || max >= need)
		return;
	srv->backlog_warned = true;
	log_warnx("net.core.somaxconn is %d, below the %d data connections "
		  "a client opens at once: some will be retried (sysctl -w "
		  "net.core.somaxconn=%d)",
	    max, need, need);
}

/*
 * Would t's data connections clash with a test setting up its own? The
 * listener carries one -M for every TCP test, and a UDP stream's first
 * datagram goes to the test of the client with that address: tests from
 * one client address must not both be waiting for UDP streams.
 */
static bool
server_clash(const struct server *srv, const struct test *t)
{
	const struct test_params *p = session_params(t->sess), *q;
	const struct test *o;

	TAILQ_FOREACH(o, &srv->tests, entry) {
		if (o == t || !o->prepared)
			continue;
		q = session_params(o->sess);
		if (session_uses_udp(t->sess) && session_uses_udp(o->sess) &&
		    strcmp(t->peer, o->peer) == 0)
			return true;
		if (p->proto != q->proto || p->sctp || q->sctp)
			continue;
		if (p->proto == PROTO_TCP &&
		    (p->mss != q->mss || p->mptcp != q->mptcp))
			return true;
	}
	return false;
}

/* Ready the listener for t's data connections: -M, the UDP socket. */
static int
server_prepare(struct server *srv, struct test *t)
{
	const struct test_params *p = session_params(t->sess);
	int rc;

	if (session_uses_udp(t->sess) && server_udp_listen(srv) == -1)
		return IE_STREAMLISTEN;
	if (p->sctp) {
		if ((rc = server_sctp_listen(srv)) != 0)
			return rc;
		t->prepared = true;
		return 0;
	}
	if (p->proto == PROTO_TCP)
		server_check_backlog(srv, t->sess);
	if (p->proto == PROTO_TCP && server_relisten(srv, p->mptcp) == -1)
		return IE_STREAMLISTEN;
	if (p->proto == PROTO_TCP && p->mss != srv->mss) {
		if (net_set_mss(srv->listen_fd, p->mss) == -1)
			return IE_SETMSS;
		srv->mss = p->mss;
	}
	t->prepared = true;
	return 0;
}

/* Held tests whose turn has come prepare the listener and go on. */
void
server_wake_held(struct server *srv)
{
	struct test *t;
	int rc;

again:
	TAILQ_FOREACH(t, &srv->tests, entry) {
		if (!t->held || session_is_done(t->sess) ||
		    server_clash(srv, t))
			continue;
		t->held = false;
		if ((rc = server_prepare(srv, t)) != 0)
			session_abort(t->sess, rc, EVUTIL_SOCKET_ERROR());
		else
			session_listener_ready(t->sess);
		goto again; /* either call may have changed the list's flags */
	}
}

/*
 * The client's -A n,m: the process moves to core m for the test, and
 * back to the CPU set it had once no test wants a core (iperf3 widens it
 * to every CPU instead, which also undoes the server's own -A).
 */
static int
server_pin(struct server *srv, struct test *t)
{
	const struct test_params *p = session_params(t->sess);
	int core = p->server_affinity;

	if (!p->has_server_affinity || t->pinned)
		return 0;
	if (srv->npinned == 0)
		srv->cpus = osdep_affinity_get();
	if (osdep_affinity_set(core) == -1) {
		if (srv->npinned == 0)
			(void)osdep_affinity_put(srv->cpus);
		if (srv->npinned == 0)
			srv->cpus = NULL;
		return IE_AFFINITY;
	}
	t->pinned = true;
	srv->npinned++;
	return 0;
}

void
server_unpin(struct server *srv, struct test *t)
{
	if (!t->pinned)
		return;
	t->pinned = false;
	if (--srv->npinned == 0) {
		if (osdep_affinity_put(srv->cpus) == -1)
			log_warnx("unable to restore CPU affinity");
		srv->cpus = NULL;
	}
}

/*
 * A test's parameters are in and valid: it takes a place if one is free
 * (else the client hears the server is busy), then readies the listener,
 * or waits while another test's setup would clash with its own.
 */
static int
server_listener_prepare(struct session *sess, void *arg)
{
	struct test *t = arg;
	struct server *srv = t->srv;
	int rc;

	if (!t->claimed) {
		if (srv->stopping || !server_has_room(srv))
			return SESSION_LISTENER_BUSY;
		t->claimed = true;
		srv->nclaimed++;
		srv->nhandshake--;
		xev_del(srv->ev_idle);
	}
	if ((rc = server_pin(srv, t)) != 0)
		return rc;
	if (server_clash(srv, t)) {
		t->held = true;
		return SESSION_LISTENER_LATER;
	}
	return server_prepare(srv, t);
}

void
server_setup_release(struct test *t)
{
	struct server *srv = t->srv;
	struct test *o;
	bool tcp = false, udp = false, sctp = false;

	if (!t->prepared)
		return;
	t->prepared = false;
	TAILQ_FOREACH(o, &srv->tests, entry) {
		if (!o->prepared)
			continue;
		if (session_params(o->sess)->sctp)
			sctp = true;
		else if (session_params(o->sess)->proto == PROTO_TCP)
			tcp = true;
		else
			udp = true;
	}
	if (!tcp && srv->mss != 0) {
		(void)net_set_mss(srv->listen_fd, 0);
		srv->mss = 0;
	}
	if (!tcp && srv->mptcp)
		(void)server_relisten(srv, false);
	if (!udp)
		server_udp_close(srv);
	if (!sctp)
		server_sctp_close(srv);
	server_wake_held(srv);
}

/* The last data connection is in, or the test ended. */
static void
server_listener_restore(struct session *sess, void *arg)
{
	server_setup_release(arg);
}

const struct session_listener server_listener = {
	.prepare = server_listener_prepare,
	.restore = server_listener_restore,
};
