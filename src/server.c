/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * server.c: the listening socket and what arrives on it. Every accepted
 * connection first waits, holding nothing, until its cookie is in (the
 * role flag too, for a data connection that has one). A cookie that
 * belongs to a test waiting for data connections makes a data
 * connection; one of a test that has just ended is dropped; anything
 * else starts a new session, which asks for the parameters and takes a
 * place among the --max-tests tests (one by default, as iperf3) only
 * once they are in and valid; a session that finds no place gets
 * ACCESS_DENIED. What the listener lends a test while it sets up its
 * data connections (-M, the UDP socket on the port, turns between tests
 * whose setups clash) is server_setup.c's. When a test ends the server
 * frees it and serves the next client, or exits with -1.
 */
#include "compat.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/listener.h>

#include "clock.h"
#include "closer.h"
#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "proto.h"
#include "report.h"
#include "server.h"
#include "server_int.h"
#include "xev.h"

#define PENDING_TIMEOUT 10 /* seconds to send a cookie, as iperf3 3.15+ */
#define PENDING_MAX 1024 /* connections without a cookie; more: oldest go */
#define HANDSHAKE_MAX 64 /* sessions before their parameters; oldest go */
#define ACCEPT_PAUSE 0.1 /* seconds accepting rests when out of descriptors */
#define ACCEPT_WARN_EVERY 10.0 /* seconds between two such warnings, at least */

struct pending {
	TAILQ_ENTRY(pending) entry;
	struct server *srv;
	evutil_socket_t fd;
	struct event *ev;
	unsigned char buf[COOKIE_SIZE + PROTO_ROLE_MAX_LEN];
	size_t got, want; /* want: the cookie, then its role flag */
	bool data_only; /* from the SCTP listener: a data connection or none */
	struct sockaddr_storage peer; /* the client's address, port zeroed */
};

static void
server_deny(evutil_socket_t fd)
{
	signed char st = ACCESS_DENIED;

	(void)osdep_send(fd, &st, 1);
	evutil_closesocket(fd);
}

static void
pending_free(struct pending *pc, bool close_fd)
{
	TAILQ_REMOVE(&pc->srv->pending, pc, entry);
	pc->srv->npending--;
	event_free(pc->ev);
	if (close_fd)
		evutil_closesocket(pc->fd);
	free(pc);
}

static void
server_pending_all_free(struct server *srv)
{
	struct pending *pc;

	while ((pc = TAILQ_FIRST(&srv->pending)) != NULL)
		pending_free(pc, true);
}

/* The role flag of len bytes (big endian) at p, or -1 when len is 0. */
int
server_role_flag(const unsigned char *p, size_t len)
{
	int v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++)
		v = v << 8 | p[i];
	return v;
}

static void server_session_done(struct session *sess, void *arg);

/* The live test a cookie belongs to, or NULL. */
static struct test *
server_find_test(struct server *srv, const char *cookie)
{
	struct test *t;

	TAILQ_FOREACH(t, &srv->tests, entry)
		if (!session_is_done(t->sess) &&
		    session_cookie_matches(t->sess, cookie))
			return t;
	return NULL;
}

static bool
server_recent_cookie(const struct server *srv, const char *cookie)
{
	int i, n = srv->nrecent < RECENT_MAX ? srv->nrecent : RECENT_MAX;

	for (i = 0; i < n; i++)
		if (memcmp(srv->recent[i], cookie, COOKIE_SIZE - 1) == 0)
			return true;
	return false;
}

/* Room for one more test: --max-tests, and only one ever with -1. */
bool
server_has_room(const struct server *srv)
{
	if (srv->set->one_off && srv->nclaimed + srv->nended > 0)
		return false;
	return srv->nclaimed < srv->set->max_tests;
}

/* Ended sessions whose deferred clean-up has not run yet: run it now. */
static void
server_reap(struct server *srv)
{
	struct test *t, *next;

	for (t = TAILQ_FIRST(&srv->tests); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (session_is_done(t->sess))
			server_session_done(t->sess, t);
	}
}

/* Drop a session that never got a place, without a word. */
static void
server_test_drop(struct test *t)
{
	struct server *srv = t->srv;

	TAILQ_REMOVE(&srv->tests, t, entry);
	srv->nhandshake--;
	session_free(t->sess);
	free(t);
}

/* A new client: a session that asks for its parameters. */
static void
server_test_new(struct server *srv, evutil_socket_t fd, const char *cookie)
{
	struct session_out o = srv->out;
	struct test *t, *old;
	int lport;
	char lhost[RPT_HOST_LEN];

	if (srv->nhandshake >= HANDSHAKE_MAX) {
		TAILQ_FOREACH(old, &srv->tests, entry)
			if (!old->claimed)
				break;
		if (old != NULL)
			server_test_drop(old);
	}
	t = xcalloc(1, sizeof(*t));
	t->srv = srv;
	memcpy(t->cookie, cookie, COOKIE_SIZE);
	srv->nconn++;
	if (srv->set->max_tests > 1) {
		snprintf(t->tag, sizeof(t->tag), "test %d", srv->nconn);
		o.tag = t->tag;
	}
	net_sock_names(
	    fd, lhost, sizeof(lhost), &lport, t->peer, sizeof(t->peer), &lport);
	TAILQ_INSERT_TAIL(&srv->tests, t, entry);
	srv->nhandshake++;
	t->sess = session_server_new(srv->base, srv->set, &o, fd, cookie,
	    &server_listener, server_session_done, t);
}

static void pending_cookie(struct pending *);

/*
 * Read what pc's peer has sent so far. Returns 1 if pc is gone (closed,
 * or its cookie complete and handed on), 0 if it still waits.
 */
static int
pending_read(struct pending *pc)
{
	ssize_t n;

	n = recv(pc->fd, pc->buf + pc->got, pc->want - pc->got, 0);
	if (n == -1 && osdep_err_retriable(EVUTIL_SOCKET_ERROR()))
		return 0;
	if (n <= 0) {
		pending_free(pc, true);
		return 1;
	}
	if ((pc->got += (size_t)n) < pc->want)
		return 0;
	pending_cookie(pc);
	return 1;
}

/*
 * A stock client's data connections carry no role: the server gives
 * roles in accept order, and the client sends each cookie before it
 * opens the next connection. The loop reports ready connections in no
 * set order (libevent's select and poll backends, Windows' among them,
 * start each scan at a random place), so before a flagless connection
 * takes its stream, those accepted earlier from the same host read
 * what they already have: one whose cookie is in goes first. Nothing
 * waits for a connection that has sent nothing, so no client can hold
 * another up this way.
 */
static void
pending_read_earlier(struct pending *pc)
{
	struct pending *q;

again:
	for (q = TAILQ_FIRST(&pc->srv->pending); q != pc;
	     q = TAILQ_NEXT(q, entry)) {
		if (q->got >= COOKIE_SIZE ||
		    memcmp(&q->peer, &pc->peer, sizeof(q->peer)) != 0)
			continue;
		if (pending_read(q) == 1)
			goto again; /* the list changed */
	}
}

/*
 * A whole cookie has arrived on an accepted connection. It is a data
 * connection of a test that waits for them (its role flag follows, if
 * any), a straggler of a test that has ended (dropped), or a new client:
 * refused at once when every place is taken, else a new session.
 */
static void
pending_cookie(struct pending *pc)
{
	struct server *srv = pc->srv;
	struct test *t;
	char cookie[COOKIE_SIZE];
	size_t width;
	evutil_socket_t fd = pc->fd;
	bool earlier_read = false;
	int role;

again:
	server_reap(srv);
	if (srv->stopping) {
		pending_free(pc, true);
		return;
	}
	memcpy(cookie, pc->buf, COOKIE_SIZE);
	t = server_find_test(srv, cookie);
	if (t != NULL && session_wants_streams(t->sess)) {
		width = (size_t)session_role_width(t->sess);
		if (pc->got < COOKIE_SIZE + width) {
			pc->want = COOKIE_SIZE + width;
			return;
		}
		role = server_role_flag(pc->buf + COOKIE_SIZE, width);
		if (role == -1 && !earlier_read) {
			/* Others may take streams or end tests: look again. */
			earlier_read = true;
			pending_read_earlier(pc);
			goto again;
		}
		pending_free(pc, false);
		session_add_stream(t->sess, fd, role);
	} else if (t == NULL && server_recent_cookie(srv, cookie)) {
		pending_free(pc, true);
	} else if (t == NULL && !pc->data_only && server_has_room(srv)) {
		pending_free(pc, false);
		server_test_new(srv, fd, cookie);
	} else {
		server_deny(fd);
		pending_free(pc, false);
	}
}

static void
pending_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pending *pc = arg;

	if (what & EV_TIMEOUT)
		pending_free(pc, true);
	else
		(void)pending_read(pc);
}

/*
 * Every accepted connection waits here, holding nothing (no test, no
 * place), until its cookie is in; a silent or slow one only costs its
 * record until PENDING_TIMEOUT. Past PENDING_MAX the oldest is dropped.
 */
void
server_add_pending(struct server *srv, evutil_socket_t fd,
    const struct sockaddr *sa, int salen, bool data_only)
{
	struct pending *pc = xcalloc(1, sizeof(*pc));

	if (srv->npending >= PENDING_MAX)
		pending_free(TAILQ_FIRST(&srv->pending), true);
	pc->srv = srv;
	pc->fd = fd;
	pc->data_only = data_only;
	if (salen > 0 && (size_t)salen <= sizeof(pc->peer))
		memcpy(&pc->peer, sa, (size_t)salen);
	if (pc->peer.ss_family == AF_INET)
		((struct sockaddr_in *)&pc->peer)->sin_port = 0;
	else if (pc->peer.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&pc->peer)->sin6_port = 0;
	pc->want = COOKIE_SIZE;
	pc->ev =
	    xev_new(srv->base, fd, EV_READ | EV_PERSIST, pending_read_cb, pc);
	TAILQ_INSERT_TAIL(&srv->pending, pc, entry);
	srv->npending++;
	xev_add(pc->ev, PENDING_TIMEOUT);
}

static void
server_banner(struct server *srv)
{
	srv->testno++;
	report_server_banner(
	    srv->set, srv->out.out, srv->set->port, srv->testno);
}

static void
server_arm_idle(struct server *srv)
{
	if (srv->set->idle_timeout > 0)
		xev_add(srv->ev_idle, srv->set->idle_timeout);
}

/* Data connections of an ended test may still arrive: know them. */
static void
server_remember_cookie(struct server *srv, const struct test *t)
{
	memcpy(srv->recent[srv->nrecent % RECENT_MAX], t->cookie, COOKIE_SIZE);
	srv->nrecent++;
}

static void
server_session_done(struct session *sess, void *arg)
{
	struct test *t = arg;
	struct server *srv = t->srv;
	bool claimed = t->claimed;

	if (t->prepared)
		server_setup_release(t);
	server_unpin(srv, t);
	TAILQ_REMOVE(&srv->tests, t, entry);
	if (claimed) {
		srv->nclaimed--;
		srv->nended++;
		srv->exit_code = session_error(sess) != 0;
		server_remember_cookie(srv, t);
	} else
		srv->nhandshake--;
	session_free(sess);
	free(t);
	server_wake_held(srv);
	if (srv->stopping || (claimed && srv->set->one_off)) {
		if (srv->stopping && !TAILQ_EMPTY(&srv->tests))
			return; /* the others are ending too */
		xev_loopexit(srv->base);
		return;
	}
	if (!claimed)
		return;
	if (srv->set->max_tests == 1)
		server_banner(srv);
	if (srv->nclaimed == 0)
		server_arm_idle(srv);
}

static void
server_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server *srv = arg;

	if (srv->stopping) {
		evutil_closesocket(fd);
		return;
	}
	if (net_set_nonblock(fd) == -1) {
		evutil_closesocket(fd);
		return;
	}
	server_add_pending(srv, fd, sa, salen, false);
}

static void
server_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	if (evconnlistener_enable(srv->lev) == -1)
		fatalx("%s: evconnlistener_enable failed", __func__);
}

/*
 * accept() failed, EMFILE and friends: the connection stays queued, so
 * the listener would wake again at once. Pause accepting for a moment
 * (tcpbench does the same), say so (at most every ACCEPT_WARN_EVERY:
 * a shortage comes in spells of failed accepts), end the tests that are
 * waiting for their data connections with that error rather than a
 * timeout (their clients hear why, and the server goes on to the next),
 * and close at once the sockets the closer still holds.
 */
static void
server_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct server *srv = arg;
	struct test *t;
	int err = EVUTIL_SOCKET_ERROR();

	if (srv->accept_warned == 0 ||
	    clock_now() - srv->accept_warned >= ACCEPT_WARN_EVERY) {
		log_warnx(
		    "accept: %s; pausing new connections", osdep_strerror(err));
		srv->accept_warned = clock_now();
	}
	TAILQ_FOREACH(t, &srv->tests, entry)
		if (session_params(t->sess)->proto == PROTO_TCP &&
		    session_wants_streams(t->sess))
			session_abort(t->sess, IE_STREAMACCEPT, err);
	/* Descriptors now matter more than closing gracefully. */
	closer_flush(srv->out.closer);
	if (evconnlistener_disable(lev) == -1)
		fatalx("%s: evconnlistener_disable failed", __func__);
	xev_add(srv->ev_resume, ACCEPT_PAUSE);
}

/* A listener on the server's port: MPTCP or not, tied to --bind-dev. */
static int
server_listen_one(struct server *srv, bool mptcp)
{
	const struct settings *s = srv->set;
	struct net_path np = { 0, s->bind_dev };

	if (mptcp && (np.protocol = osdep_mptcp_protocol()) == -1)
		return -1;
	srv->listen_fd =
	    net_listen_path(s->bind_host, s->port, s->family, SOCK_STREAM, &np);
	if (srv->listen_fd == -1)
		return -1;
	srv->lev = evconnlistener_new(srv->base, server_accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE, 0, srv->listen_fd);
	if (srv->lev == NULL)
		fatalx("%s: evconnlistener_new failed", __func__);
	evconnlistener_set_error_cb(srv->lev, server_accept_error_cb);
	srv->mptcp = mptcp;
	srv->mss = 0;
	return 0;
}

/*
 * The listener for the next data connections: a client's -m makes it
 * MPTCP, as iperf3 re-creates its own, and it turns plain TCP again
 * after. The port is closed in between (connections queued on it are
 * lost, as with iperf3); should the new kind fail, the old comes back.
 */
int
server_relisten(struct server *srv, bool mptcp)
{
	int err;

	if (srv->lev != NULL && srv->mptcp == mptcp)
		return 0;
	if (srv->lev != NULL)
		evconnlistener_free(srv->lev);
	srv->lev = NULL;
	if (server_listen_one(srv, mptcp) == 0)
		return 0;
	err = EVUTIL_SOCKET_ERROR();
	if (server_listen_one(srv, !mptcp) == -1)
		log_warnx("listen: %s", osdep_strerror(EVUTIL_SOCKET_ERROR()));
	EVUTIL_SET_SOCKET_ERROR(err);
	return -1;
}

static void
server_idle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	if (srv->set->one_off) {
		xev_loopexit(srv->base);
		return;
	}
	server_arm_idle(srv);
}

struct server *
server_new(struct event_base *base, const struct settings *s,
    const struct session_out *o, int *err)
{
	struct server *srv = xcalloc(1, sizeof(*srv));

	srv->base = base;
	srv->set = s;
	srv->out = *o;
	TAILQ_INIT(&srv->pending);
	TAILQ_INIT(&srv->tests);
	if (server_listen_one(srv, false) == -1) {
		*err = EVUTIL_SOCKET_ERROR();
		free(srv);
		return NULL;
	}
	srv->udp_fd = -1;
	srv->ev_idle = xev_timer(base, server_idle_cb, srv);
	srv->ev_resume = xev_timer(base, server_resume_cb, srv);
	server_banner(srv);
	server_arm_idle(srv);
	return srv;
}

void
server_interrupt(struct server *srv)
{
	struct test *t, *next;
	struct reporter *r;

	srv->stopping = true;
	for (t = TAILQ_FIRST(&srv->tests); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (!t->claimed)
			server_test_drop(t);
	}
	if (srv->nclaimed > 0) {
		TAILQ_FOREACH(t, &srv->tests, entry)
			session_interrupt(t->sess);
		return;
	}
	/* No test: report the interrupt the way iperf3 does, then stop. */
	r = report_new(srv->set, false, srv->out.out, srv->out.err, false);
	report_error(r, "interrupt - the server has terminated");
	report_finish(r);
	report_free(r);
	srv->exit_code = 1;
	xev_loopexit(srv->base);
}

int
server_exit_code(const struct server *srv)
{
	return srv->exit_code;
}

void
server_free(struct server *srv)
{
	struct test *t;

	if (srv == NULL)
		return;
	server_pending_all_free(srv);
	while ((t = TAILQ_FIRST(&srv->tests)) != NULL) {
		TAILQ_REMOVE(&srv->tests, t, entry);
		session_free(t->sess);
		free(t);
	}
	server_udp_close(srv);
	server_sctp_close(srv);
	if (srv->lev != NULL)
		evconnlistener_free(srv->lev);
	xev_free(srv->ev_idle);
	xev_free(srv->ev_resume);
	free(srv);
}
