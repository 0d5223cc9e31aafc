/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * server.c: the listening socket and what arrives on it. The first
 * connection becomes a test's control connection (a session); while that
 * test waits for data connections, newcomers are read for the cookie (and
 * the role flag, when the client speaks it) without blocking, each with a
 * timeout; anything else gets ACCESS_DENIED. While a test sets up its
 * data connections the listener carries that test's -M, and for UDP a
 * datagram socket on the same port turns each client's first datagram
 * into a connected stream socket (protocol reference 3.3). When a test
 * ends the server frees it and serves the next client, or exits with -1.
 */
#include "compat.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/listener.h>

#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "proto.h"
#include "report.h"
#include "server.h"
#include "xev.h"

#define PENDING_TIMEOUT 10 /* seconds to send a cookie, as iperf3 3.15+ */
#define PENDING_MAX 1024 /* connections without a cookie; more: oldest go */
#define ACCEPT_PAUSE 0.1 /* seconds accepting rests when out of descriptors */

struct pending {
	TAILQ_ENTRY(pending) entry;
	struct server *srv;
	int fd;
	struct event *ev;
	unsigned char buf[COOKIE_SIZE + PROTO_ROLE_MAX_LEN];
	size_t got, want; /* want: the cookie, then its role flag */
};

struct server {
	struct event_base *base;
	const struct settings *set;
	struct session_out out;
	int listen_fd;
	struct evconnlistener *lev;
	struct session *sess;
	int testno;
	int exit_code;
	bool stopping;
	struct event *ev_idle;
	TAILQ_HEAD(, pending) pending; /* accepted, cookie not yet read */
	int npending;
	int udp_fd; /* UDP streams "connect" here; -1 = none */
	struct event *ev_udp;
	bool mss_set; /* the listener carries a test's -M */
	struct event *ev_resume; /* accepting again after a pause */
	bool accept_warned; /* the pause was logged (once per spell) */
	bool backlog_warned; /* somaxconn was found too low (once) */
};

static void
server_deny(int fd)
{
	signed char st = ACCESS_DENIED;

	(void)send(fd, &st, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void
pending_free(struct pending *pc, bool close_fd)
{
	TAILQ_REMOVE(&pc->srv->pending, pc, entry);
	pc->srv->npending--;
	event_free(pc->ev);
	if (close_fd)
		close(pc->fd);
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
static int
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
static const struct session_listener server_listener;

/*
 * A whole cookie has arrived on an accepted connection. It is a data
 * connection of the running test (its role flag follows, if any), a new
 * test's control connection if no test runs, or else refused as busy.
 */
static void
pending_cookie(struct pending *pc)
{
	struct server *srv = pc->srv;
	struct session *sess;
	char cookie[COOKIE_SIZE];
	size_t width;
	int fd = pc->fd, role;

	/* The last test ended but its deferred clean-up has not run yet. */
	if (srv->sess != NULL && session_is_done(srv->sess)) {
		server_session_done(srv->sess, srv);
		if (srv->stopping || srv->set->one_off) {
			pending_free(pc, true);
			return;
		}
	}
	sess = srv->sess;
	if (sess != NULL && session_wants_streams(sess) &&
	    session_cookie_matches(sess, (const char *)pc->buf)) {
		width = (size_t)session_role_width(sess);
		if (pc->got < COOKIE_SIZE + width) {
			pc->want = COOKIE_SIZE + width;
			return;
		}
		role = server_role_flag(pc->buf + COOKIE_SIZE, width);
		pending_free(pc, false);
		session_add_stream(sess, fd, role);
	} else if (sess == NULL && !srv->stopping) {
		xev_del(srv->ev_idle);
		memcpy(cookie, pc->buf, COOKIE_SIZE);
		pending_free(pc, false);
		srv->sess = session_server_new(srv->base, srv->set, &srv->out,
		    fd, cookie, &server_listener, server_session_done, srv);
	} else {
		server_deny(fd);
		pending_free(pc, false);
	}
}

static void
pending_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pending *pc = arg;
	ssize_t n;

	if (what & EV_TIMEOUT) {
		pending_free(pc, true);
		return;
	}
	n = recv(fd, pc->buf + pc->got, pc->want - pc->got, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		pending_free(pc, true);
		return;
	}
	if ((pc->got += (size_t)n) == pc->want)
		pending_cookie(pc);
}

/*
 * Every accepted connection waits here, holding nothing (no test, no
 * slot), until its cookie is in; a silent or slow one only costs its
 * record until PENDING_TIMEOUT. Past PENDING_MAX the oldest is dropped.
 */
static void
server_add_pending(struct server *srv, int fd)
{
	struct pending *pc = xcalloc(1, sizeof(*pc));

	if (srv->npending >= PENDING_MAX)
		pending_free(TAILQ_FIRST(&srv->pending), true);
	pc->srv = srv;
	pc->fd = fd;
	pc->want = COOKIE_SIZE;
	pc->ev =
	    xev_new(srv->base, fd, EV_READ | EV_PERSIST, pending_read_cb, pc);
	TAILQ_INSERT_TAIL(&srv->pending, pc, entry);
	srv->npending++;
	xev_add(pc->ev, PENDING_TIMEOUT);
}

static void
server_udp_close(struct server *srv)
{
	xev_free(srv->ev_udp);
	srv->ev_udp = NULL;
	if (srv->udp_fd != -1)
		close(srv->udp_fd);
	srv->udp_fd = -1;
}

static void server_udp_cb(evutil_socket_t fd, short what, void *arg);

static int
server_udp_listen(struct server *srv)
{
	const struct settings *s = srv->set;

	srv->udp_fd = net_listen(s->bind_host, s->port, s->family, SOCK_DGRAM);
	if (srv->udp_fd == -1)
		return -1;
	srv->ev_udp = xev_new(
	    srv->base, srv->udp_fd, EV_READ | EV_PERSIST, server_udp_cb, srv);
	xev_add(srv->ev_udp, -1);
	return 0;
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
	struct session *sess = srv->sess;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	unsigned char buf[8];
	ssize_t n;
	int role, width;

	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n < 0 || sess == NULL || !session_wants_streams(sess))
		return; /* EAGAIN, a stray ICMP error, or too late */
	width = session_role_width(sess);
	role = n >= 4 + width ? server_role_flag(buf + 4, (size_t)width) : -1;
	if (connect(fd, (struct sockaddr *)&from, flen) == -1) {
		session_abort(sess, IE_STREAMACCEPT, errno);
		return;
	}
	xev_free(srv->ev_udp);
	srv->ev_udp = NULL;
	srv->udp_fd = -1;
	if (session_streams_missing(sess) > 1 && server_udp_listen(srv) == -1) {
		close(fd);
		session_abort(sess, IE_STREAMLISTEN, errno);
		return;
	}
	if (send(fd, "6789", 4, MSG_NOSIGNAL) != 4) {
		close(fd);
		session_abort(sess, IE_STREAMWRITE, errno);
		return;
	}
	session_add_stream(sess, fd, role);
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

/* A test's parameters are in: -M on the listener, the UDP socket. */
static int
server_listener_prepare(struct session *sess, void *arg)
{
	struct server *srv = arg;
	const struct test_params *p = session_params(sess);

	if (p->proto == PROTO_TCP)
		server_check_backlog(srv, sess);
	if (p->proto == PROTO_TCP && p->mss != 0) {
		if (net_set_mss(srv->listen_fd, p->mss) == -1)
			return IE_SETMSS;
		srv->mss_set = true;
	}
	if (p->proto == PROTO_UDP && server_udp_listen(srv) == -1)
		return IE_STREAMLISTEN;
	return 0;
}

/* All data connections are in, or the test ended: undo the above. */
static void
server_listener_restore(struct session *sess, void *arg)
{
	struct server *srv = arg;

	if (srv->mss_set)
		(void)net_set_mss(srv->listen_fd, 0);
	srv->mss_set = false;
	server_udp_close(srv);
}

static const struct session_listener server_listener = {
	.prepare = server_listener_prepare,
	.restore = server_listener_restore,
};

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

static void
server_session_done(struct session *sess, void *arg)
{
	struct server *srv = arg;

	srv->exit_code = session_error(sess) != 0;
	session_free(sess);
	srv->sess = NULL;
	if (srv->stopping || srv->set->one_off) {
		xev_loopexit(srv->base);
		return;
	}
	server_banner(srv);
	server_arm_idle(srv);
}

static void
server_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server *srv = arg;

	srv->accept_warned = false;
	if (srv->stopping) {
		close(fd);
		return;
	}
	if (net_set_nonblock(fd) == -1) {
		close(fd);
		return;
	}
	server_add_pending(srv, fd);
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
 * (tcpbench does the same), say so once, and end a test that is waiting
 * for its data connections with that error rather than a timeout: its
 * client hears why, and the server goes on to the next one.
 */
static void
server_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct server *srv = arg;
	int err = errno;

	if (!srv->accept_warned)
		log_warnx("accept: %s; pausing new connections", strerror(err));
	srv->accept_warned = true;
	if (srv->sess != NULL && session_wants_streams(srv->sess))
		session_abort(srv->sess, IE_STREAMACCEPT, err);
	if (evconnlistener_disable(lev) == -1)
		fatalx("%s: evconnlistener_disable failed", __func__);
	xev_add(srv->ev_resume, ACCEPT_PAUSE);
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
	srv->listen_fd =
	    net_listen(s->bind_host, s->port, s->family, SOCK_STREAM);
	if (srv->listen_fd == -1) {
		*err = errno;
		free(srv);
		return NULL;
	}
	srv->udp_fd = -1;
	srv->lev = evconnlistener_new(base, server_accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE, 0, srv->listen_fd);
	if (srv->lev == NULL)
		fatalx("%s: evconnlistener_new failed", __func__);
	srv->ev_idle = xev_timer(base, server_idle_cb, srv);
	srv->ev_resume = xev_timer(base, server_resume_cb, srv);
	evconnlistener_set_error_cb(srv->lev, server_accept_error_cb);
	server_banner(srv);
	server_arm_idle(srv);
	return srv;
}

void
server_interrupt(struct server *srv)
{
	struct reporter *r;

	srv->stopping = true;
	if (srv->sess != NULL) {
		session_interrupt(srv->sess);
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
	if (srv == NULL)
		return;
	server_pending_all_free(srv);
	session_free(srv->sess);
	server_udp_close(srv);
	evconnlistener_free(srv->lev);
	xev_free(srv->ev_idle);
	xev_free(srv->ev_resume);
	free(srv);
}
