/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream_tcp.c: a TCP data stream's I/O (stream_tcp_ops): a raw
 * persistent event on its socket (tcpbench style, no bufferevent, no
 * extra copy), the test's shared block buffers, and TCP_INFO sampling. A callback moves
 * a bounded number of blocks so that every stream on the loop gets its
 * turn, whatever its direction. Errors and EOF go to the owner through
 * stream_notify; a stream never ends the test by itself.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "errors.h"
#include "net.h"
#include "osdep.h"
#include "stream_int.h"
#include "xev.h"

#define STREAM_LOWAT (512 * 1024) /* receiver wake-up threshold, bytes */
#define STREAM_PACE_SLICE 0.004 /* seconds of -b per paced TCP write */
#define STREAM_PACE_MIN 1024 /* bytes per paced TCP write, at least */

/*
 * -b on TCP: when the pacer says the next write is not due, stop waiting
 * for writability and sleep until it is (iperf3 paces TCP the same way,
 * by the average rate since the stream started). A write is at most
 * STREAM_PACE_SLICE of the rate (a block goes in pieces below about
 * 260 Mbit/s), so the rate holds within a fraction of a percent in every
 * interval, where whole 128 KiB blocks at 10 Mbit/s made intervals of 9
 * or 10 blocks (-6 % / +5 %). Each connection still carries whole
 * blocks: the pieces of one block go before the next one begins.
 */
static bool
stream_tcp_paced(struct stream *sp, size_t len)
{
	double now;

	if (sp->ev_pace == NULL)
		return false;
	now = clock_now();
	if (pacer_due(&sp->pacer, now, len, 1) > 0)
		return false;
	xev_del(sp->ev);
	stream_pace_sleep(sp, pacer_wait(&sp->pacer, now, len));
	return true;
}

/*
 * The paced write: STREAM_PACE_SLICE of the rate, in whole segments where
 * a segment is smaller. Where one is larger (loopback's 64 KiB), Nagle
 * would hold each piece until the last one is acknowledged, and the
 * receiver delays that ACK by up to 40 ms: such a sender sets
 * TCP_NODELAY.
 */
static size_t
stream_tcp_pace_chunk(struct stream *sp)
{
	double c = (double)sp->env->cfg.rate / 8.0 * STREAM_PACE_SLICE;
	int mss = net_get_mss(sp->fd);

	if (c < STREAM_PACE_MIN)
		c = STREAM_PACE_MIN;
	if (c >= (double)sp->blksize)
		return sp->blksize;
	if (mss > 0 && (double)mss <= c)
		c = ceil(c / mss) * mss;
	else
		(void)net_set_nodelay(sp->fd);
	return c >= (double)sp->blksize ? sp->blksize : (size_t)c;
}

static void
stream_tcp_pace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;

	if (sp->counting)
		stream_arm(sp);
}

/*
 * A receiver is woken only once STREAM_LOWAT bytes are queued, not for
 * every segment: at high rates that halves its CPU (fewer wake-ups and
 * context switches, larger reads). Reports stay exact because the
 * sampler drains every receiver before it counts (stream_drain).
 * With -w the threshold stays well inside the window. Not where received
 * bytes spend a -n/-k budget (a client receiving with -R or --bidir): a
 * server stops sending at the budget, so each stream's last few hundred
 * KiB would never reach the threshold, and the test would never see its
 * budget spent.
 */
static void
stream_tcp_set_lowat(struct stream *sp)
{
	int lowat = STREAM_LOWAT, win = sp->env->cfg.window;

	if (budget_counts_rx(&sp->env->budget))
		return;
	if (win != 0 && lowat > win / 4)
		lowat = win / 4;
	/* One wake-up reads what woke it. */
	if ((size_t)lowat > (size_t)sp->env->cfg.wake_blocks * sp->blksize)
		lowat = sp->env->cfg.wake_blocks * (int)sp->blksize;
	if (lowat > (int)sp->blksize)
		(void)setsockopt(
		    sp->fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat));
}

/* A TCP sender with -b gets a pacer and its timer. */
static void
stream_tcp_init(struct stream *sp)
{
	if (!sp->sender) {
		stream_tcp_set_lowat(sp);
		return;
	}
	if (sp->env->cfg.rate != 0)
		sp->ev_pace = xev_timer(sp->env->base, stream_tcp_pace_cb, sp);
}

static void
stream_tcp_start(struct stream *sp)
{
	if (sp->ev_pace != NULL) {
		pacer_init(&sp->pacer, sp->env->cfg.rate, 0, clock_now());
		sp->pace_chunk = stream_tcp_pace_chunk(sp);
	}
	stream_arm(sp);
}

/*
 * -F: the next len bytes of the file, from where the last send ended
 * (a short send re-reads its rest). With -Z the kernel sends them from
 * the page cache. Returns the count sent, 0 at the file's end, -1 with
 * the socket error, or -2 after a failed read (the stream has failed).
 */
static ssize_t
stream_tcp_send_file(struct stream *sp, size_t len)
{
	ssize_t n;

	if (sp->file_buf == NULL)
		n = osdep_sendfile(sp->fd, sp->file_fd, sp->file_off, len);
	else if ((n = osdep_file_read_at(
		      sp->file_fd, sp->file_buf, len, sp->file_off)) > 0)
		n = osdep_send(sp->fd, sp->file_buf, (size_t)n);
	else if (n == -1) {
		stream_fail(sp, IE_FILE, errno);
		return -2;
	}
	if (n > 0)
		sp->file_off += (uint64_t)n;
	return n;
}

/*
 * One send of what is left of the block begun (len bytes): the file's
 * (-F), the payload file's through sendfile (-Z), or the shared
 * payload's, copied by send(); the payload from where the block's last
 * short send stopped, so that each block is the payload from its start.
 */
static ssize_t
stream_tcp_send(struct stream *sp, size_t len)
{
	if (sp->file_fd != -1)
		return stream_tcp_send_file(sp, len);
	if (sp->env->txfd != -1)
		return osdep_sendfile(sp->fd, sp->env->txfd, sp->tx_off, len);
	return osdep_send(sp->fd, sp->env->txbuf + sp->tx_off, len);
}

/*
 * The next write: what is left of the block begun, else a new block as
 * the budget allows (0 = spent). A short send does not start the next
 * block early: like a stock iperf3 sender, a stream carries whole
 * blocks, which a threaded iperf3 (3.16 and later) receiver reads whole,
 * so with -n it would wait forever for a block's rest.
 */
static size_t
stream_tcp_next(struct stream *sp)
{
	struct budget *b = &sp->env->budget;

	if (sp->tx_left == 0) {
		sp->tx_off = 0;
		sp->tx_left = budget_chunk(b, sp->blksize);
		b->taken += sp->tx_left;
	}
	return sp->tx_left;
}

/*
 * -F: the whole file went. Like iperf3, the test ends (a client's); a
 * server's sender just stops.
 */
static void
stream_tcp_file_done(struct stream *sp)
{
	sp->file_eof = true;
	xev_del(sp->ev);
	xev_del(sp->ev_pace);
	if (sp->counting)
		stream_notify(sp, STREAM_EV_BUDGET, 0, 0);
}

/*
 * A client sends exactly -n bytes, or -k blocks of -l bytes; a server the
 * same rounded up to whole blocks (see budget_init). The budget cuts the
 * last block to what is left; then the stream stops writing, its event
 * disarmed so that it does not wake the loop again (its socket stays
 * open: the client ends the test).
 */
static void
stream_tcp_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;
	size_t len;
	ssize_t n;
	int i;

	for (i = 0; i < sp->env->cfg.wake_blocks; i++) {
		if ((len = stream_tcp_next(sp)) == 0) {
			stream_stop_sending(sp);
			break;
		}
		if (sp->ev_pace != NULL && len > sp->pace_chunk)
			len = sp->pace_chunk;
		if (stream_tcp_paced(sp, len))
			break;
		if (sp->file_eof ||
		    ((n = stream_tcp_send(sp, len)) == 0 &&
			sp->file_fd != -1)) {
			stream_tcp_file_done(sp);
			return;
		}
		if (n == -2)
			return;
		if (n == -1) {
			if (osdep_err_retriable(EVUTIL_SOCKET_ERROR()))
				break;
			stream_fail(sp, IE_STREAMWRITE, EVUTIL_SOCKET_ERROR());
			return;
		}
		stream_count(sp, (uint64_t)n);
		sp->tx_off += (size_t)n;
		sp->tx_left -= (size_t)n;
		if (sp->ev_pace != NULL)
			pacer_sent(&sp->pacer, (size_t)n);
		if ((size_t)n < len)
			break;
	}
	stream_check_budget(sp);
}

/*
 * Read what is queued (bounded). Returns false once the stream has seen
 * EOF or an error. Never ends the test itself, so the interval sampler
 * may call it too (through stream_drain). A wake-up stops at a short read;
 * the sampler reads on until the socket is empty (drain): a segment that
 * came in while a read held the socket is queued only as that read
 * returns, and a bound must not leave it for the next interval.
 */
static bool
stream_tcp_recv_some(struct stream *sp, bool drain)
{
	ssize_t n;
	int i;

	for (i = 0; i < sp->env->cfg.wake_blocks; i++) {
		if (sp->env->cfg.skip_rx_copy && sp->file_fd == -1)
			n = osdep_recv_discard(
			    sp->fd, sp->env->rxbuf, sp->blksize);
		else
			n = recv(sp->fd, sp->env->rxbuf, sp->blksize, 0);
		/* -F: what arrives goes to the file (write errors ignored,
		 * as iperf3 does). */
		if (n > 0 && sp->file_fd != -1)
			(void)osdep_file_write(
			    sp->file_fd, sp->env->rxbuf, (size_t)n);
		if (n > 0) {
			if (sp->counting)
				stream_count(sp, (uint64_t)n);
			if ((size_t)n < sp->blksize && !drain)
				break;
			continue;
		}
		if (n == -1 && osdep_err_retriable(EVUTIL_SOCKET_ERROR()))
			break;
		/* EOF or error: the control channel decides the outcome. */
		sp->eof = true;
		if (n == -1)
			stream_fail(sp, IE_STREAMREAD, EVUTIL_SOCKET_ERROR());
		else {
			xev_del(sp->ev);
			stream_notify(sp, STREAM_EV_EOF, 0, 0);
		}
		return false;
	}
	return true;
}

static void
stream_tcp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;

	if (stream_tcp_recv_some(sp, false))
		stream_check_budget(sp);
}

static void
stream_tcp_drain(struct stream *sp)
{
	(void)stream_tcp_recv_some(sp, true);
}

static void
stream_tcp_sample(struct stream *sp)
{
	struct tcp_sample ts;

	if ((sp->env->cfg.sctp ? osdep_sctp_sample(sp->fd, &ts)
			       : osdep_tcp_sample(sp->fd, &ts)) == 0)
		counters_tcp_sample(&sp->c, &ts);
	if (sp->sender)
		counters_unsent(&sp->c,
		    sp->env->cfg.sctp ? -1 : osdep_unsent_bytes(sp->fd));
}

const struct stream_ops stream_tcp_ops = {
	.init = stream_tcp_init,
	.start = stream_tcp_start,
	.read_cb = stream_tcp_read_cb,
	.write_cb = stream_tcp_write_cb,
	.drain = stream_tcp_drain,
	.sample = stream_tcp_sample,
};
