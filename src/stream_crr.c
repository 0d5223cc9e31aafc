/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream_crr.c: a loop of --crr (stream_crr_ops; netperf's TCP_CRR). The
 * stream's own data connection, made with the others at setup, stays
 * idle: it names the loop and carries the end of the test as a bulk
 * stream's does. Each transaction has a connection of its own (struct
 * crr_conn). The client opens it through its owner (stream_env.crr_open),
 * sends the cookie and its loop's role flag, then the request, reads the
 * whole response, counts and times the transaction from the connect's
 * start, closes (first, so the TIME_WAIT is the client's) and opens the
 * next. The server is handed each such connection (stream_crr_take):
 * it reads the request, writes the response, reads to the client's end of
 * file and closes. Connections are bounded per stream and each lives at
 * most CRR_TIMEOUT. Never calls into the session.
 */
#include "compat.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "stream_int.h"
#include "xev.h"

#define CRR_TIMEOUT 10.0 /* seconds one transaction's connection may take */
#define CRR_MAX_PER_STREAM 8 /* server: connections of one loop at once */
#define CRR_RETRY_FIRST 0.001 /* client: first pause after a failed connect */
#define CRR_RETRY_MAX 0.1 /* ... doubling up to this */
#define CRR_RETRY_FOR 10.0 /* ... and failing the test after this long */

enum crr_state {
	CRR_CONNECTING, /* client: connect under way */
	CRR_SEND, /* the request (client) or the response (server) */
	CRR_RECV, /* the response (client) or the request (server) */
	CRR_EOF, /* server: read to the client's end of file */
};

struct crr_conn {
	TAILQ_ENTRY(crr_conn) entry;
	struct stream *sp;
	evutil_socket_t fd;
	struct event *ev;
	enum crr_state st;
	size_t left; /* bytes of the message under way */
	double t0; /* client: the connect's start */
};

static void crr_conn_cb(evutil_socket_t fd, short what, void *arg);
static void crr_begin(struct stream *sp);

/* Wait on the connection for what (EV_READ or EV_WRITE), bounded. */
static void
crr_want(struct crr_conn *cc, short what)
{
	struct stream *sp = cc->sp;

	xev_del(cc->ev);
	if (event_assign(cc->ev, sp->env->base, cc->fd, what | EV_PERSIST,
		crr_conn_cb, cc) == -1)
		fatalx("%s: event_assign failed", __func__);
	xev_add(cc->ev, CRR_TIMEOUT);
}

static struct crr_conn *
crr_conn_new(struct stream *sp, evutil_socket_t fd, enum crr_state st)
{
	struct crr_conn *cc = xcalloc(1, sizeof(*cc));

	cc->sp = sp;
	cc->fd = fd;
	cc->st = st;
	cc->ev = xev_new(sp->env->base, fd, EV_READ, crr_conn_cb, cc);
	TAILQ_INSERT_TAIL(&sp->crr, cc, entry);
	sp->ncrr++;
	return cc;
}

/* Free cc; with close_fd its socket closes too (else it was given up). */
static void
crr_conn_free(struct crr_conn *cc, bool close_fd)
{
	struct stream *sp = cc->sp;

	TAILQ_REMOVE(&sp->crr, cc, entry);
	sp->ncrr--;
	xev_free(cc->ev);
	if (close_fd && cc->fd != -1)
		evutil_closesocket(cc->fd);
	free(cc);
}

/* The stream fails with cc's error; cc goes first. */
static void
crr_fail(struct crr_conn *cc, int code, int err)
{
	struct stream *sp = cc->sp;

	crr_conn_free(cc, true);
	stream_fail(sp, code, err);
}

/*
 * Client: a connect failed for want of a port or a listener's room
 * (EADDRNOTAVAIL, ECONNREFUSED, ...): try again after a pause, doubling,
 * until connects have failed for CRR_RETRY_FOR; other errors fail at once.
 */
static void
crr_retry(struct stream *sp, int err)
{
	double now = clock_now();

	if (sp->crr_fail_since == 0) {
		sp->crr_fail_since = now;
		sp->crr_pause = CRR_RETRY_FIRST;
	}
	if (!osdep_err_connect_retry(err) ||
	    now - sp->crr_fail_since >= CRR_RETRY_FOR) {
		stream_fail(sp, IE_STREAMCONNECT, err);
		return;
	}
	log_debug("crr: stream %d: connect: %s, again in %.3f s", sp->id,
	    osdep_strerror(err), sp->crr_pause);
	sp->crr_retries++;
	stream_pace_sleep(sp, sp->crr_pause);
	sp->crr_pause *= 2;
	if (sp->crr_pause > CRR_RETRY_MAX)
		sp->crr_pause = CRR_RETRY_MAX;
}

/* Client: the connection is up: cookie, the loop's role flag, request. */
static void
crr_connected(struct crr_conn *cc)
{
	struct stream *sp = cc->sp;
	unsigned char hello[COOKIE_SIZE + 2];
	int err;

	if (net_connect_result(cc->fd) == -1) {
		err = EVUTIL_SOCKET_ERROR();
		crr_conn_free(cc, true);
		crr_retry(sp, err);
		return;
	}
	memcpy(hello, sp->env->cookie, COOKIE_SIZE);
	proto_role_encode(hello + COOKIE_SIZE, 2, true, proto_stream_k(sp->id));
	/* A fresh socket's buffer always takes these few bytes at once. */
	if (osdep_send(cc->fd, hello, sizeof(hello)) !=
	    (ssize_t)sizeof(hello)) {
		err = EVUTIL_SOCKET_ERROR();
		crr_conn_free(cc, true);
		crr_retry(sp, err);
		return;
	}
	sp->crr_fail_since = 0;
	cc->st = CRR_SEND;
	cc->left = sp->env->cfg.rr_req;
	crr_conn_cb(cc->fd, EV_WRITE, cc);
}

/* Client: the response is whole: count, close first, and go again. */
static void
crr_done(struct crr_conn *cc)
{
	struct stream *sp = cc->sp;

	stream_rr_complete(sp, cc->t0);
	crr_conn_free(cc, true);
	crr_begin(sp);
}

/* The message under way went out: read the next one. */
static void
crr_sent(struct crr_conn *cc)
{
	struct stream *sp = cc->sp;

	if (sp->sender) {
		cc->st = CRR_RECV;
		cc->left = sp->env->cfg.rr_resp;
	} else
		cc->st = CRR_EOF;
	crr_want(cc, EV_READ);
}

/* Server: the request is whole: count it and respond. */
static void
crr_request_in(struct crr_conn *cc)
{
	struct stream *sp = cc->sp;

	if (sp->counting)
		stream_count(sp, sp->env->cfg.rr_req);
	cc->st = CRR_SEND;
	cc->left = sp->env->cfg.rr_resp;
	crr_conn_cb(cc->fd, EV_WRITE, cc);
}

/* Server: anything the client still sends is discarded; EOF closes. */
static void
crr_drain(struct crr_conn *cc)
{
	size_t left = cc->sp->env->rxbuf_len;
	int err;

	if (stream_rr_get(cc->sp, cc->fd, &left, &err) < 0)
		crr_conn_free(cc, true);
}

/*
 * A connection's I/O. Errors on the client's fail the stream; the
 * server's connections just close (the client's end says why).
 */
static void
crr_io(struct crr_conn *cc)
{
	struct stream *sp = cc->sp;
	int rc, err = 0;

	if (cc->st == CRR_SEND) {
		if ((rc = stream_rr_put(sp, cc->fd, &cc->left, &err)) == 1)
			crr_sent(cc);
		else if (rc == 0)
			crr_want(cc, EV_WRITE);
		else if (sp->sender)
			crr_fail(cc, IE_STREAMWRITE, err);
		else
			crr_conn_free(cc, true);
		return;
	}
	rc = stream_rr_get(sp, cc->fd, &cc->left, &err);
	if (rc == 1 && sp->sender)
		crr_done(cc);
	else if (rc == 1)
		crr_request_in(cc);
	else if (rc < 0 && sp->sender)
		crr_fail(cc, IE_STREAMREAD, rc == -2 ? 0 : err);
	else if (rc < 0)
		crr_conn_free(cc, true);
}

static void
crr_conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct crr_conn *cc = arg;

	if (what & EV_TIMEOUT) {
		if (cc->sp->sender)
			crr_fail(cc, IE_STREAMREAD, ETIMEDOUT);
		else
			crr_conn_free(cc, true);
	} else if (cc->st == CRR_CONNECTING)
		crr_connected(cc);
	else if (cc->st == CRR_EOF)
		crr_drain(cc);
	else
		crr_io(cc);
}

/* Client: the next transaction, from its connect. */
static void
crr_begin(struct stream *sp)
{
	struct crr_conn *cc;
	evutil_socket_t fd;
	double t0 = clock_now();
	int err = 0;

	if (!sp->counting)
		return;
	if ((fd = sp->env->crr_open(sp->env->crr_arg, &err)) == -1) {
		crr_retry(sp, err);
		return;
	}
	cc = crr_conn_new(sp, fd, CRR_CONNECTING);
	cc->t0 = t0;
	crr_want(cc, EV_WRITE);
}

static void
crr_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	crr_begin(arg);
}

int
stream_crr_take(struct stream *sp, evutil_socket_t fd)
{
	struct crr_conn *cc;

	if (sp->ops != &stream_crr_ops || sp->sender ||
	    sp->ncrr >= CRR_MAX_PER_STREAM) {
		evutil_closesocket(fd);
		return -1;
	}
	(void)net_set_nodelay(fd); /* a response's last segment goes at once */
	cc = crr_conn_new(sp, fd, CRR_RECV);
	cc->left = sp->env->cfg.rr_req;
	crr_want(cc, EV_READ);
	return 0;
}

/*
 * Buffers for the larger message; the client's pause between connect
 * retries rides on the pacing timer (deleted with the stream's events).
 */
static void
crr_init(struct stream *sp)
{
	stream_rr_bufs(sp);
	if (sp->sender)
		sp->ev_pace = xev_timer(sp->env->base, crr_retry_cb, sp);
}

/* The client's loop begins; the server watches its idle connection. */
static void
crr_start(struct stream *sp)
{
	if (sp->sender)
		crr_begin(sp);
	else
		stream_arm(sp);
}

/* The stream's own connection: nothing to read but its end of file. */
static void
crr_own_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;
	size_t left = sp->env->rxbuf_len;
	int err, rc = stream_rr_get(sp, sp->fd, &left, &err);

	if (rc >= 0)
		return;
	sp->eof = true;
	if (rc == -1)
		stream_fail(sp, IE_STREAMREAD, err);
	else {
		xev_del(sp->ev);
		stream_notify(sp, STREAM_EV_EOF, 0, 0);
	}
}

/* Client: the loop stops; its connection waits to be given up. */
static void
crr_halt(struct stream *sp)
{
	struct crr_conn *cc;

	if (!sp->sender)
		return;
	TAILQ_FOREACH(cc, &sp->crr, entry)
		xev_del(cc->ev);
}

static evutil_socket_t
crr_release_extra(struct stream *sp)
{
	struct crr_conn *cc = TAILQ_FIRST(&sp->crr);
	evutil_socket_t fd;

	if (cc == NULL)
		return -1;
	fd = cc->fd;
	crr_conn_free(cc, false);
	return fd;
}

static void
crr_free_extra(struct stream *sp)
{
	struct crr_conn *cc;

	while ((cc = TAILQ_FIRST(&sp->crr)) != NULL)
		crr_conn_free(cc, true);
}

const struct stream_ops stream_crr_ops = {
	.init = crr_init,
	.start = crr_start,
	.read_cb = crr_own_cb,
	.write_cb = crr_own_cb,
	.drain = NULL,
	.sample = NULL,
	.halt = crr_halt,
	.release_extra = crr_release_extra,
	.free_extra = crr_free_extra,
};
