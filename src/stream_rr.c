/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream_rr.c: a data connection in request/response mode (--rr,
 * stream_rr_ops; netperf's TCP_RR). The client's stream (a "sender")
 * writes a request of rr_req bytes, reads the whole rr_resp-byte response,
 * times the round trip into the test's histogram (stream_env.rr_lat) and
 * begins the next request at once; the server's (a "receiver") reads
 * each whole request and writes the response. Both count a request's
 * bytes once it is whole (the client when its response is in), so the
 * iperf3 document's byte counts are requests: the client's are exactly
 * transactions x rr_req. One event per stream, turned between reading
 * and writing; with small messages it stays on reading, since a send
 * into an idle connection goes at once. Errors and EOF go to the owner
 * through stream_notify, as for a bulk stream.
 */
#include "compat.h"

#include <sys/socket.h>

#include "clock.h"
#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "stream_int.h"
#include "xev.h"

static void stream_rr_cb(evutil_socket_t fd, short what, void *arg);

/* Point the stream's one event at writing (out) or reading. */
static void
stream_rr_want(struct stream *sp, bool out)
{
	if (sp->rr_out == out &&
	    event_pending(sp->ev, EV_READ | EV_WRITE, NULL))
		return;
	xev_del(sp->ev);
	if (event_assign(sp->ev, sp->env->base, sp->fd,
		(out ? EV_WRITE : EV_READ) | EV_PERSIST, stream_rr_cb,
		sp) == -1)
		fatalx("%s: event_assign failed", __func__);
	sp->rr_out = out;
	stream_arm(sp);
}

/*
 * Write what is left (*left bytes) of a message on fd. 1: all of it went,
 * 0: the socket is full, -1: an error (*err).
 */
int
stream_rr_put(struct stream *sp, evutil_socket_t fd, size_t *left, int *err)
{
	ssize_t n;

	while (*left > 0) {
		n = osdep_send(fd, sp->env->txbuf, *left);
		if (n >= 0) {
			*left -= (size_t)n;
			continue;
		}
		if (osdep_err_retriable((*err = EVUTIL_SOCKET_ERROR())))
			return 0;
		return -1;
	}
	return 1;
}

/*
 * Read what is left (*left bytes) of a message on fd, in a bounded number
 * of reads. 1: it is whole, 0: not yet, -1: an error (*err), -2: end of
 * file.
 */
int
stream_rr_get(struct stream *sp, evutil_socket_t fd, size_t *left, int *err)
{
	size_t want;
	ssize_t n;
	int i;

	for (i = 0; i<sp->env->cfg.wake_blocks && * left> 0; i++) {
		want = *left < sp->env->rxbuf_len ? *left : sp->env->rxbuf_len;
		n = recv(fd, sp->env->rxbuf, want, 0);
		if (n > 0) {
			*left -= (size_t)n;
			continue;
		}
		if (n == 0)
			return -2;
		if (osdep_err_retriable((*err = EVUTIL_SOCKET_ERROR())))
			return 0;
		return -1;
	}
	return *left == 0 ? 1 : 0;
}

/* Write the message under way; 1, 0 as above, -1: the stream failed. */
static int
stream_rr_write(struct stream *sp)
{
	int err, rc = stream_rr_put(sp, sp->fd, &sp->rr_left, &err);

	if (rc == -1) {
		sp->eof = true;
		stream_fail(sp, IE_STREAMWRITE, err);
	}
	return rc;
}

/* Read the message under way; 1, 0 as above, -1: end of file or failed. */
static int
stream_rr_read(struct stream *sp)
{
	int err, rc = stream_rr_get(sp, sp->fd, &sp->rr_left, &err);

	if (rc >= 0)
		return rc;
	sp->eof = true;
	if (rc == -1)
		stream_fail(sp, IE_STREAMREAD, err);
	else {
		xev_del(sp->ev);
		stream_notify(sp, STREAM_EV_EOF, 0, 0);
	}
	return -1;
}

/*
 * Send the message set up in rr_left; once it is out, read the next one:
 * the response (client) or the next request (server).
 */
static void
stream_rr_send(struct stream *sp)
{
	int rc = stream_rr_write(sp);

	if (rc == -1)
		return;
	if (rc == 0) {
		stream_rr_want(sp, true);
		return;
	}
	sp->rr_left = sp->sender ? sp->env->cfg.rr_resp : sp->env->cfg.rr_req;
	stream_rr_want(sp, false);
}

/* Client: a transaction begins with its request. */
static void
stream_rr_request(struct stream *sp)
{
	sp->rr_t0 = clock_now();
	sp->rr_left = sp->env->cfg.rr_req;
	stream_rr_send(sp);
}

/* Client: a transaction begun at t0 is complete: count and time it. */
void
stream_rr_complete(struct stream *sp, double t0)
{
	double rtt = clock_now() - t0;

	stream_count(sp, sp->env->cfg.rr_req);
	if (sp->env->rr_lat != NULL)
		lat_hist_add(sp->env->rr_lat, (uint64_t)(rtt * 1e6 + 0.5));
}

/* Client: the response is whole: count, time, and go again. */
static void
stream_rr_done(struct stream *sp)
{
	if (!sp->counting) {
		xev_del(sp->ev);
		return;
	}
	stream_rr_complete(sp, sp->rr_t0);
	stream_rr_request(sp);
}

/* Server: the request is whole: count it and respond. */
static void
stream_rr_respond(struct stream *sp)
{
	if (sp->counting)
		stream_count(sp, sp->env->cfg.rr_req);
	sp->rr_left = sp->env->cfg.rr_resp;
	stream_rr_send(sp);
}

static void
stream_rr_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;

	if (sp->rr_out)
		stream_rr_send(sp);
	else if (stream_rr_read(sp) == 1) {
		if (sp->sender)
			stream_rr_done(sp);
		else
			stream_rr_respond(sp);
	}
}

/*
 * Buffers for the larger message (shared by the test), and TCP_NODELAY:
 * a message of several segments must not have its last one wait for the
 * peer's delayed ACK (the Nagle stall netperf's TCP_RR avoids with -D).
 */
void
stream_rr_bufs(struct stream *sp)
{
	const struct stream_cfg *cfg = &sp->env->cfg;
	size_t len = cfg->rr_req > cfg->rr_resp ? cfg->rr_req : cfg->rr_resp;

	stream_env_grow_tx(sp->env, len);
	stream_env_grow_rx(sp->env, len);
}

static void
stream_rr_init(struct stream *sp)
{
	stream_rr_bufs(sp);
	(void)net_set_nodelay(sp->fd);
}

/* TEST_RUNNING: the client's first request; the server waits for it. */
static void
stream_rr_start(struct stream *sp)
{
	if (sp->sender) {
		stream_rr_request(sp);
		return;
	}
	sp->rr_left = sp->env->cfg.rr_req;
	stream_rr_want(sp, false);
}

static void
stream_rr_sample(struct stream *sp)
{
	struct tcp_sample ts;

	if (osdep_tcp_sample(sp->fd, &ts) == 0)
		counters_tcp_sample(&sp->c, &ts);
}

const struct stream_ops stream_rr_ops = {
	.init = stream_rr_init,
	.start = stream_rr_start,
	.read_cb = stream_rr_cb,
	.write_cb = stream_rr_cb,
	.drain = NULL,
	.sample = stream_rr_sample,
};
