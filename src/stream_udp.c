/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream_udp.c: a UDP data stream's I/O. Every datagram is exactly len
 * bytes: BE32 seconds, BE32 microseconds (the sender's monotonic clock),
 * a BE32 or BE64 sequence number starting at 1, then the stream's random
 * payload (protocol reference 4.1). A sender is paced by timers, never by
 * a busy loop, and hands the kernel a batch of datagrams per call (sendmmsg)
 * whenever more than one is due; -b 0 sends batches whenever the socket is
 * writable. A receiver takes batches (recvmmsg) and keeps iperf3's
 * accounting (udpstat.c), in a receive scratch that all receivers of a
 * test share (struct stream_env). ICMP errors on either side are
 * transient (osdep_udp_transient): counted, never fatal. This file's
 * entry point is its operations table, stream_udp_ops.
 */
#include "compat.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <string.h>

#include "clock.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "stream_int.h"
#include "xev.h"

#define UDP_BATCH 64 /* datagrams per sendmmsg/recvmmsg */
#define UDP_MIN_WAIT 0.001 /* seconds: floor of a pacing sleep */
#define UDP_RXBUF_MAX (4 << 20) /* shared receive scratch, bytes */
#define UDP_RECV_ROUNDS 8 /* batches per wake-up at most */
#define UDP_GRO_RCVBUF (8 << 20) /* receive buffer asked for with GRO */
#define UDP_GRO_BUF 65536 /* one coalesced receive, bytes at most */
#define UDP_GRO_BUFS 8 /* coalesced receives per call */
#define UDP_PACE_MAX 256 /* datagrams per pacing wake-up at most */
#define UDP_PACE_TRAIN 32 /* datagrams per wake-up at high rates */
#define UDP_WRITE_TRAINS 4 /* GSO sends per writable wake-up (-b 0) */

static size_t
stream_udp_header_len(const struct stream *sp)
{
	return sp->env->cfg.udp64 ? 16 : 12;
}

static void
stream_udp_put_header(
    const struct stream *sp, unsigned char *h, double now, uint64_t seq)
{
	uint32_t sec = (uint32_t)now, usec, v;

	usec = (uint32_t)((now - (double)(uint64_t)now) * 1e6);
	v = htonl(sec);
	memcpy(h, &v, 4);
	v = htonl(usec);
	memcpy(h + 4, &v, 4);
	if (sp->env->cfg.udp64) {
		v = htonl((uint32_t)(seq >> 32));
		memcpy(h + 8, &v, 4);
		v = htonl((uint32_t)seq);
		memcpy(h + 12, &v, 4);
	} else {
		v = htonl((uint32_t)seq);
		memcpy(h + 8, &v, 4);
	}
}

/*
 * With GSO the datagrams lie back to back in the test's payload buffer,
 * each with its own header written just now, and one send() copies them
 * all to the kernel (so the next stream may write its headers there).
 */
static int
stream_udp_send_gso(struct stream *sp, int n, double now)
{
	int i;

	if (n > sp->gso_segs)
		n = sp->gso_segs;
	for (i = 0; i < n; i++)
		stream_udp_put_header(sp,
		    (unsigned char *)sp->env->txbuf + (size_t)i * sp->blksize,
		    now, sp->seq + 1 + (uint64_t)i);
	if (osdep_send(sp->fd, sp->env->txbuf, (size_t)n * sp->blksize) == -1)
		return -1;
	return n;
}

/* Send up to n datagrams in one call; returns how many went, or -1. */
static int
stream_udp_send_batch(struct stream *sp, int n)
{
	struct iovec iov[UDP_BATCH][2];
	unsigned char hdr[UDP_BATCH][16];
	size_t hlen = stream_udp_header_len(sp);
	double now = clock_now();
	int i, sent;

	if (n > UDP_BATCH)
		n = UDP_BATCH;
	if (sp->gso_segs > 1) {
		sent = stream_udp_send_gso(sp, n, now);
		goto done;
	}
	for (i = 0; i < n; i++) {
		stream_udp_put_header(sp, hdr[i], now, sp->seq + 1 + i);
		iov[i][0].iov_base = hdr[i];
		iov[i][0].iov_len = hlen;
		iov[i][1].iov_base = sp->env->txbuf + hlen;
		iov[i][1].iov_len = sp->blksize - hlen;
	}
	sent = osdep_send_dgrams(sp->fd, iov, n);
done:
	if (sent < 0)
		return -1;
	sp->seq += (uint64_t)sent;
	sp->c.packets += (uint64_t)sent;
	stream_count(sp, (uint64_t)sent * sp->blksize);
	pacer_sent(&sp->pacer, (size_t)sent * sp->blksize);
	return sent;
}

/* The client stops at exactly -n bytes / -k datagrams, as iperf3. */
static int
stream_udp_cap(const struct stream *sp, int n)
{
	return budget_dgrams(&sp->env->budget, sp->blksize, n);
}

/* Returns false if the stream must stop (a hard error ended the test). */
static bool
stream_udp_send_due(struct stream *sp, int due)
{
	int n, err;

	while (due > 0) {
		if ((n = stream_udp_send_batch(sp, due)) == -1) {
			err = EVUTIL_SOCKET_ERROR();
			if (osdep_err_retriable(err))
				return true;
			if (osdep_udp_transient(err)) {
				sp->icmp_errors++;
				return true;
			}
			stream_fail(sp, IE_STREAMWRITE, err);
			return false;
		}
		due -= n;
		if (n == 0)
			break;
	}
	return true;
}

/*
 * How long a paced sender sleeps at least. Each wake-up costs a timer
 * interrupt and a context switch, so sleep about 1 ms (iperf3's pacing
 * timer) and send what fell due meanwhile in one go; but at high rates
 * wake often enough that one train stays short (UDP_PACE_TRAIN datagrams),
 * since a receiver's socket buffer must absorb a whole train on loopback.
 */
static double
stream_udp_min_wait(const struct stream *sp)
{
	double train =
	    UDP_PACE_TRAIN * (double)sp->blksize / sp->pacer.bytes_per_sec;

	return train < UDP_MIN_WAIT ? train : UDP_MIN_WAIT;
}

static void
stream_udp_pace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;
	double now = clock_now(), wait;
	int due;

	due = pacer_due(&sp->pacer, now, sp->blksize, UDP_PACE_MAX);
	due = stream_udp_cap(sp, due);
	if (due > 0 && !stream_udp_send_due(sp, due))
		return;
	stream_check_budget(sp);
	if (!sp->counting)
		return;
	wait = pacer_wait(&sp->pacer, clock_now(), sp->blksize);
	if (wait < stream_udp_min_wait(sp))
		wait = stream_udp_min_wait(sp);
	stream_pace_sleep(sp, wait);
}

/*
 * -b 0: a writable socket takes a batch of UDP_BATCH datagrams, or with GSO
 * UDP_WRITE_TRAINS whole trains of gso_segs, before the loop polls again.
 * A GSO sender that took UDP_BATCH datagrams per wake-up cut its trains in
 * two (45 and 19 segments at -l 1448) and polled every other send.
 */
static void
stream_udp_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;
	int due =
	    sp->gso_segs > 1 ? UDP_WRITE_TRAINS * sp->gso_segs : UDP_BATCH;

	due = stream_udp_cap(sp, due);

	if (due > 0 && !stream_udp_send_due(sp, due))
		return;
	stream_check_budget(sp);
}

static void
stream_udp_account(
    struct stream *sp, const unsigned char *d, size_t len, double now)
{
	bool wide = sp->env->cfg.udp64;
	uint32_t v[4];
	uint64_t seq;

	stream_count(sp, len);
	if (len < stream_udp_header_len(sp))
		return;
	memcpy(v, d, sizeof(uint32_t) * (wide ? 4 : 3));
	if (wide)
		seq = (uint64_t)ntohl(v[2]) << 32 | ntohl(v[3]);
	else
		seq = ntohl(v[2]);
	udpstat_datagram(&sp->c.us, seq,
	    (double)ntohl(v[0]) + (double)ntohl(v[1]) / 1e6, now);
}

/* A receive failed: transient, drained, or the end of the test (-1). */
static int
stream_udp_recv_error(struct stream *sp)
{
	int err = EVUTIL_SOCKET_ERROR();

	if (osdep_udp_transient(err)) {
		sp->icmp_errors++;
		return 0;
	}
	if (osdep_err_retriable(err) || !sp->counting)
		return 0;
	stream_fail(sp, IE_STREAMREAD, err);
	return -1;
}

/*
 * GRO: each buffer holds many datagrams of the size the kernel reports;
 * one call takes up to UDP_GRO_BUFS of them. Returns the number of
 * datagrams, 0 when drained, -1 to stop.
 */
static int
stream_udp_recv_gro(struct stream *sp, evutil_socket_t fd)
{
	struct stream_env *env = sp->env;
	struct iovec iov[UDP_GRO_BUFS];
	size_t len[UDP_GRO_BUFS], off, one;
	int seg[UDP_GRO_BUFS], nb, i, b, count = 0;
	double now;

	nb = (int)(env->rxbuf_len / UDP_GRO_BUF);
	if (nb > UDP_GRO_BUFS)
		nb = UDP_GRO_BUFS;
	for (i = 0; i < nb; i++) {
		iov[i].iov_base = env->rxbuf + (size_t)i * UDP_GRO_BUF;
		iov[i].iov_len = UDP_GRO_BUF;
	}
	if ((b = osdep_recv_gro(fd, iov, len, seg, nb)) == -1)
		return stream_udp_recv_error(sp);
	now = clock_now();
	for (i = 0; i < b; i++) {
		if (seg[i] <= 0)
			seg[i] = (int)len[i];
		for (off = 0; off < len[i]; off += one, count++) {
			one = len[i] - off < (size_t)seg[i] ? len[i] - off
							    : (size_t)seg[i];
			if (sp->counting)
				stream_udp_account(sp,
				    (unsigned char *)iov[i].iov_base + off, one,
				    now);
		}
	}
	return count;
}

/* One batch; returns the number of datagrams, 0 when drained, -1 to stop. */
static int
stream_udp_recv_batch(struct stream *sp, evutil_socket_t fd)
{
	struct stream_env *env = sp->env;
	struct iovec iov[UDP_BATCH];
	size_t len[UDP_BATCH], slot = sp->blksize, nslots, i;
	double now;
	int n;

	nslots = env->rxbuf_len / slot;
	if (nslots > UDP_BATCH)
		nslots = UDP_BATCH;
	for (i = 0; i < nslots; i++) {
		iov[i].iov_base = env->rxbuf + i * slot;
		iov[i].iov_len = slot;
	}
	if (fault_udp_recv())
		return stream_udp_recv_error(sp);
	if (sp->gro)
		return stream_udp_recv_gro(sp, fd);
	if ((n = osdep_recv_dgrams(fd, iov, len, (int)nslots)) == -1)
		return stream_udp_recv_error(sp);
	if (!sp->counting)
		return n;
	now = clock_now();
	for (i = 0; i < (size_t)n; i++)
		stream_udp_account(sp, iov[i].iov_base, len[i], now);
	return n;
}

static void
stream_udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;
	int i, n;

	/* Drain what is queued (bounded): fewer wake-ups, fewer drops. */
	for (i = 0; i < UDP_RECV_ROUNDS; i++)
		if ((n = stream_udp_recv_batch(sp, fd)) < UDP_BATCH / 2)
			break;
	if (n >= 0)
		stream_check_budget(sp);
}

/*
 * Before a sample: what the socket holds is counted, so an interval (and
 * the final count) has every datagram the kernel delivered in it, also
 * when the control connection's TEST_END is served before the stream's
 * last wake-up. Bounded, as a wake-up is.
 */
static void
stream_udp_drain(struct stream *sp)
{
	int i;

	if (sp->fd == -1)
		return;
	for (i = 0; i < UDP_RECV_ROUNDS; i++)
		if (stream_udp_recv_batch(sp, sp->fd) <= 0)
			break;
}

/*
 * GSO where the peer agreed and the kernel has it: the test's payload
 * grows to hold a whole segment train (the kernel takes at most 64 segments).
 * Without it, sends fall back to batches of single datagrams.
 */
static void
stream_udp_init_gso(struct stream *sp)
{
	const struct stream_cfg *p = &sp->env->cfg;
	int segs = p->gso_bf_size > 0 ? p->gso_bf_size / (int)sp->blksize : 0;

	if (segs > UDP_BATCH)
		segs = UDP_BATCH;
	if (!p->gso || segs < 2 ||
	    osdep_udp_gso(sp->fd, (int)sp->blksize) == -1)
		return;
	sp->gso_segs = segs;
	stream_env_grow_tx(sp->env, (size_t)segs * sp->blksize);
}

static void
stream_udp_init(struct stream *sp)
{
	struct stream_env *env = sp->env;
	size_t want;

	if (sp->sender) {
		sp->ev_pace = xev_timer(env->base, stream_udp_pace_cb, sp);
		stream_udp_init_gso(sp);
		return;
	}
	sp->gro = env->cfg.gro && osdep_udp_gro(sp->fd) == 0;
	/*
	 * A coalesced receive holds up to 64 KiB, so the default receive
	 * buffer queues only a few of them; without -w, ask for more (the
	 * kernel caps it at net.core.rmem_max).
	 */
	if (sp->gro && env->cfg.window == 0)
		net_set_rcvbuf(sp->fd, UDP_GRO_RCVBUF);
	want = sp->blksize * UDP_BATCH;
	if (want > UDP_RXBUF_MAX)
		want =
		    UDP_RXBUF_MAX < sp->blksize ? sp->blksize : UDP_RXBUF_MAX;
	if (sp->gro && want < UDP_GRO_BUF * UDP_GRO_BUFS)
		want = UDP_GRO_BUF * UDP_GRO_BUFS;
	stream_env_grow_rx(env, want);
}

static void
stream_udp_start(struct stream *sp)
{
	if (!sp->sender || sp->env->cfg.rate == 0) {
		stream_arm(sp);
		return;
	}
	pacer_init(
	    &sp->pacer, sp->env->cfg.rate, sp->env->cfg.burst, clock_now());
	stream_udp_pace_cb(-1, 0, sp);
}

const struct stream_ops stream_udp_ops = {
	.init = stream_udp_init,
	.start = stream_udp_start,
	.read_cb = stream_udp_read_cb,
	.write_cb = stream_udp_write_cb,
	.drain = stream_udp_drain,
};
