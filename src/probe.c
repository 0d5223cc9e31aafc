/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * probe.c: a latency probe connection (include/probe.h). Raw events, as
 * the data streams use, so that a request leaves in the callback that
 * timestamps it and a reply is timed in the callback that reads it. Both
 * ends keep a small queue for what the socket did not take at once: the
 * server stops reading while its echo waits, so a client that floods it
 * is held back by TCP, not by the server's memory. UDP probes (in a
 * UDP test, or --latency-udp) are one datagram each way; the client
 * keeps each request's send time in a ring by sequence number, so a
 * reply is timed once, whatever order it comes in, and a request not
 * answered within PROBE_UDP_LOST seconds is counted lost.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "probe.h"
#include "xev.h"

#define PROBE_QUEUE 4096 /* bytes either end holds for the socket, at most */
#define PROBE_RING 4096 /* UDP: requests in flight, at most (> rate x lost) */
#define PROBE_IDLE_RETRY 0.1 /* UDP baseline: seconds before the next */
#define PROBE_BATCH 64 /* UDP: datagrams per callback, at most */
#define PROBE_UDP_LOST_NS ((uint64_t)(PROBE_UDP_LOST * 1e9))
#define PROBE_END_WAIT_MIN 10000000 /* ns: the end's loss wait, at least */

enum probe_phase {
	PH_ECHO, /* server */
	PH_READY, /* client, before the baseline */
	PH_IDLE, /* client: the baseline */
	PH_WAIT, /* client: between the baseline and the test */
	PH_RUN, /* client: requests at the rate */
	PH_HALT, /* client: no more requests */
};

struct probe {
	struct event_base *base;
	evutil_socket_t fd;
	bool client;
	bool udp;
	enum probe_phase phase;
	probe_cb cb;
	void *cb_arg;
	struct event *ev_read, *ev_write, *ev_timer;
	unsigned char out[PROBE_QUEUE]; /* not yet taken by the socket */
	size_t out_len;
	unsigned char in[PROBE_MSG]; /* client: a reply being read */
	size_t in_len;
	uint64_t next_seq; /* client: the next request's number */
	uint64_t expect_seq; /* client: the next reply's */
	uint64_t idle_below; /* client: requests below this are idle ones */
	uint64_t skipped;
	double period, t0; /* client: seconds between requests, first one */
	uint64_t ticks; /* requests due since t0 */
	double idle_until; /* client: the baseline's deadline */
	uint64_t *ring; /* UDP client: send time (ns) by seq; 0 = settled */
	uint64_t settled; /* UDP client: every seq below is settled */
	struct lat_hist idle, iv; /* baseline; since the last cut */
};

static void probe_write_cb(evutil_socket_t fd, short what, void *arg);

void
probe_encode(unsigned char msg[PROBE_MSG], uint64_t seq, uint64_t t_ns)
{
	int i;

	for (i = 0; i < 8; i++) {
		msg[i] = (unsigned char)(seq >> (56 - 8 * i));
		msg[8 + i] = (unsigned char)(t_ns >> (56 - 8 * i));
	}
}

void
probe_decode(const unsigned char msg[PROBE_MSG], uint64_t *seq, uint64_t *t_ns)
{
	int i;

	*seq = *t_ns = 0;
	for (i = 0; i < 8; i++) {
		*seq = *seq << 8 | msg[i];
		*t_ns = *t_ns << 8 | msg[8 + i];
	}
}

static uint64_t
probe_now_ns(void)
{
	return (uint64_t)llround(clock_now() * 1e9);
}

/* Tell the owner once; the probe stops. */
static void
probe_notify(struct probe *pb, enum probe_event ev, int err)
{
	if (ev != PROBE_EV_IDLE_DONE) {
		xev_del(pb->ev_read);
		xev_del(pb->ev_write);
		xev_del(pb->ev_timer);
		pb->phase = pb->client ? PH_HALT : PH_ECHO;
	}
	pb->cb(pb, ev, err, pb->cb_arg);
}

/* Send what is queued; the rest waits for the socket to be writable. */
static int
probe_flush(struct probe *pb)
{
	bool sent = false;
	ssize_t n;

	while (pb->out_len > 0) {
		n = osdep_send(pb->fd, pb->out, pb->out_len);
		if (n < 0 && osdep_err_retriable(EVUTIL_SOCKET_ERROR()))
			break;
		if (n <= 0)
			return -1;
		sent = true;
		memmove(pb->out, pb->out + n, pb->out_len - (size_t)n);
		pb->out_len -= (size_t)n;
	}
	/*
	 * Push it now. Linux "autocorks" a small write while an earlier
	 * segment of the socket is still in a local qdisc: when the queue
	 * delay is longer than the request period the request waited for the
	 * one before it to leave (0 to 1 queue delay more: a 10 ms tbf queue
	 * at 100 probes/s read 15.5 ms median). Setting TCP_NODELAY again
	 * flushes what is pending (tcp(7)).
	 */
	if (sent)
		(void)net_set_nodelay(pb->fd);
	if (pb->out_len > 0)
		xev_add(pb->ev_write, -1);
	else
		xev_del(pb->ev_write);
	/* A server reads again once its echo has room. */
	if (!pb->client && pb->out_len < PROBE_QUEUE)
		xev_add(pb->ev_read, -1);
	return 0;
}

/* The histogram request seq's round trip (or loss) belongs to. */
static struct lat_hist *
probe_hist(struct probe *pb, uint64_t seq)
{
	return seq < pb->idle_below ? &pb->idle : &pb->iv;
}

/* UDP client: requests unanswered for wait_ns are lost. */
static void
probe_expire(struct probe *pb, uint64_t now_ns, uint64_t wait_ns)
{
	uint64_t *slot;

	for (; pb->settled < pb->next_seq; pb->settled++) {
		slot = &pb->ring[pb->settled % PROBE_RING];
		if (*slot != 0 && now_ns - *slot < wait_ns)
			break;
		if (*slot != 0)
			probe_hist(pb, pb->settled)->lost++;
		*slot = 0;
	}
}

/*
 * UDP client: one datagram; a full socket buffer skips it. Any other
 * failure to send (a local firewall's EPERM, an ICMP error left on the
 * socket) loses the request like the network would: it is counted lost
 * when its time is up.
 */
static void
probe_send_udp(struct probe *pb)
{
	unsigned char msg[PROBE_MSG];
	uint64_t now_ns = probe_now_ns();
	ssize_t n;
	int err;

	probe_expire(pb, now_ns, PROBE_UDP_LOST_NS);
	if (pb->next_seq - pb->settled >= PROBE_RING) {
		pb->skipped++;
		return;
	}
	probe_encode(msg, pb->next_seq, now_ns);
	n = osdep_send(pb->fd, msg, sizeof(msg));
	err = EVUTIL_SOCKET_ERROR();
	if (n != (ssize_t)sizeof(msg) && osdep_err_retriable(err)) {
		pb->skipped++;
		return;
	}
	pb->ring[pb->next_seq % PROBE_RING] = now_ns;
	pb->next_seq++;
}

/* Client: one request now, unless the queue is full. */
static void
probe_send(struct probe *pb)
{
	if (pb->udp) {
		probe_send_udp(pb);
		return;
	}
	if (pb->out_len + PROBE_MSG > PROBE_QUEUE) {
		pb->skipped++;
		return;
	}
	probe_encode(pb->out + pb->out_len, pb->next_seq++, probe_now_ns());
	pb->out_len += PROBE_MSG;
	if (probe_flush(pb) == -1)
		probe_notify(pb, PROBE_EV_ERROR, EVUTIL_SOCKET_ERROR());
}

/* Client: the baseline's next request (UDP: and a timer for its loss). */
static void
probe_idle_next(struct probe *pb)
{
	double now = clock_now(), wait = pb->idle_until - now;

	pb->idle_below = pb->next_seq + 1;
	probe_send(pb);
	if (pb->udp && wait > PROBE_IDLE_RETRY)
		wait = PROBE_IDLE_RETRY;
	xev_add(pb->ev_timer, wait > 0 ? wait : 0);
}

/* Client: one whole reply. Returns -1 if it is not the one expected. */
static int
probe_reply(struct probe *pb, uint64_t now_ns)
{
	uint64_t seq, t_ns;

	probe_decode(pb->in, &seq, &t_ns);
	if (pb->udp) {
		/* Late (already lost), a duplicate, or not ours: ignored. */
		if (t_ns > now_ns || seq < pb->settled || seq >= pb->next_seq ||
		    pb->ring[seq % PROBE_RING] != t_ns)
			return 0;
		pb->ring[seq % PROBE_RING] = 0;
	} else if (seq != pb->expect_seq || t_ns > now_ns)
		return -1;
	pb->expect_seq++;
	lat_hist_add(probe_hist(pb, seq), (now_ns - t_ns + 500) / 1000);
	if (pb->phase != PH_IDLE)
		return 0;
	if (pb->idle.count >= PROBE_IDLE_COUNT) {
		pb->phase = PH_WAIT;
		xev_del(pb->ev_timer);
		probe_notify(pb, PROBE_EV_IDLE_DONE, 0);
	} else
		probe_idle_next(pb);
	return 0;
}

/* Client: replies in whatever pieces TCP delivers them. */
static int
probe_read_replies(struct probe *pb)
{
	unsigned char buf[PROBE_QUEUE];
	uint64_t now_ns;
	ssize_t n;
	size_t i, take;

	n = recv(pb->fd, (void *)buf, sizeof(buf), 0);
	if (n <= 0)
		return (int)n;
	now_ns = probe_now_ns();
	for (i = 0; i < (size_t)n; i += take) {
		take = PROBE_MSG - pb->in_len;
		if (take > (size_t)n - i)
			take = (size_t)n - i;
		memcpy(pb->in + pb->in_len, buf + i, take);
		pb->in_len += take;
		if (pb->in_len < PROBE_MSG)
			break;
		pb->in_len = 0;
		if (probe_reply(pb, now_ns) == -1)
			return -2;
	}
	return 1;
}

/* UDP client: whole datagrams of PROBE_MSG bytes; others are ignored. */
static int
probe_read_udp(struct probe *pb)
{
	ssize_t n;
	int i, err;

	for (i = 0; i < PROBE_BATCH; i++) {
		n = recv(pb->fd, (void *)pb->in, sizeof(pb->in), 0);
		if (n < 0) {
			err = EVUTIL_SOCKET_ERROR();
			if (osdep_err_retriable(err) ||
			    osdep_udp_transient(err))
				return 1;
			return -1;
		}
		if (n == PROBE_MSG)
			(void)probe_reply(pb, probe_now_ns());
	}
	return 1;
}

/* UDP server: each datagram of PROBE_MSG bytes goes back as it came. */
static int
probe_echo_udp(struct probe *pb)
{
	unsigned char msg[PROBE_MSG + 1];
	ssize_t n;
	int i;

	for (i = 0; i < PROBE_BATCH; i++) {
		n = recv(pb->fd, (void *)msg, sizeof(msg), 0);
		if (n < 0)
			return 1; /* nothing more, or a client gone: no matter */
		if (n == PROBE_MSG)
			(void)osdep_send(pb->fd, msg, PROBE_MSG);
	}
	return 1;
}

/* Server: echo what arrives, as far as the queue has room. */
static int
probe_echo(struct probe *pb)
{
	ssize_t n;

	n = recv(pb->fd, (void *)(pb->out + pb->out_len),
	    PROBE_QUEUE - pb->out_len, 0);
	if (n <= 0)
		return (int)n;
	pb->out_len += (size_t)n;
	if (pb->out_len == PROBE_QUEUE)
		xev_del(pb->ev_read);
	return probe_flush(pb) == -1 ? -1 : 1;
}

static void
probe_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *pb = arg;
	int rc, err;

	(void)fd;
	(void)what;
	if (pb->udp)
		rc = pb->client ? probe_read_udp(pb) : probe_echo_udp(pb);
	else
		rc = pb->client ? probe_read_replies(pb) : probe_echo(pb);
	if (rc > 0)
		return;
	err = EVUTIL_SOCKET_ERROR();
	if (rc == 0)
		probe_notify(pb, PROBE_EV_EOF, 0);
	else if (rc == -2)
		probe_notify(pb, PROBE_EV_ERROR, 0);
	else if (!osdep_err_retriable(err))
		probe_notify(pb, PROBE_EV_ERROR, err);
}

static void
probe_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *pb = arg;

	(void)fd;
	(void)what;
	if (probe_flush(pb) == -1)
		probe_notify(pb, PROBE_EV_ERROR, EVUTIL_SOCKET_ERROR());
}

/* Client: the next request at t0 + k * period; late ticks are skipped. */
static void
probe_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *pb = arg;
	double now = clock_now(), next;
	uint64_t due;

	(void)fd;
	(void)what;
	if (pb->phase == PH_IDLE && pb->udp && now < pb->idle_until) {
		/* UDP: the request had no answer in time; the next one. */
		pb->ring[(pb->next_seq - 1) % PROBE_RING] = 0;
		pb->idle.lost++;
		probe_idle_next(pb);
		return;
	}
	if (pb->phase == PH_IDLE) { /* the baseline took too long */
		pb->phase = PH_WAIT;
		probe_notify(pb, PROBE_EV_IDLE_DONE, 0);
		return;
	}
	if (pb->phase != PH_RUN)
		return;
	probe_send(pb);
	pb->ticks++;
	due = (uint64_t)floor((now - pb->t0) / pb->period) + 1;
	if (due >
	    pb->ticks) { /* the loop was late: those requests are not sent */
		pb->skipped += due - pb->ticks;
		pb->ticks = due;
	}
	next = pb->t0 + (double)pb->ticks * pb->period;
	xev_add(pb->ev_timer, next > now ? next - now : 0);
}

struct probe *
probe_new(struct event_base *base, evutil_socket_t fd, bool client, bool udp,
    probe_cb cb, void *arg)
{
	struct probe *pb = xcalloc(1, sizeof(*pb));

	pb->base = base;
	pb->fd = fd;
	pb->client = client;
	pb->udp = udp;
	if (udp && client)
		pb->ring = xcalloc(PROBE_RING, sizeof(*pb->ring));
	pb->phase = client ? PH_READY : PH_ECHO;
	pb->cb = cb;
	pb->cb_arg = arg;
	if (!udp)
		(void)net_set_nodelay(fd);
	pb->ev_read =
	    xev_new(base, fd, EV_READ | EV_PERSIST, probe_read_cb, pb);
	pb->ev_write =
	    xev_new(base, fd, EV_WRITE | EV_PERSIST, probe_write_cb, pb);
	pb->ev_timer = xev_timer(base, probe_timer_cb, pb);
	xev_urgent(pb->ev_read);
	xev_urgent(pb->ev_write);
	xev_urgent(pb->ev_timer);
	lat_hist_init(&pb->idle);
	lat_hist_init(&pb->iv);
	xev_add(pb->ev_read, -1);
	return pb;
}

void
probe_idle(struct probe *pb)
{
	if (pb->phase != PH_READY)
		return;
	pb->phase = PH_IDLE;
	pb->idle_until = clock_now() + PROBE_IDLE_MAX;
	probe_idle_next(pb);
}

void
probe_run(struct probe *pb, int rate)
{
	if (!pb->client || pb->phase == PH_HALT || rate <= 0)
		return;
	pb->phase = PH_RUN;
	pb->period = 1.0 / rate;
	pb->t0 = clock_now();
	pb->ticks = 0;
	xev_del(pb->ev_timer);
	probe_timer_cb(-1, 0, pb);
}

void
probe_halt(struct probe *pb)
{
	if (pb == NULL || !pb->client)
		return;
	pb->phase = PH_HALT;
	xev_del(pb->ev_timer);
}

void
probe_cut(struct probe *pb, struct lat_hist *into, bool final)
{
	uint64_t wait = PROBE_UDP_LOST_NS, top;

	/*
	 * At the end a request has had twice the longest round trip yet
	 * (10 ms at least) to come back; one sent later is neither timed nor
	 * lost.
	 */
	top = pb->iv.max_us > pb->idle.max_us ? pb->iv.max_us : pb->idle.max_us;
	if (final && 2000 * top < wait)
		wait = 2000 * top;
	if (final && wait < PROBE_END_WAIT_MIN)
		wait = PROBE_END_WAIT_MIN;
	if (pb->udp && pb->client)
		probe_expire(pb, probe_now_ns(), wait);
	lat_hist_merge(into, &pb->iv);
	lat_hist_reset(&pb->iv);
}

const struct lat_hist *
probe_idle_hist(const struct probe *pb)
{
	return &pb->idle;
}

uint64_t
probe_skipped(const struct probe *pb)
{
	return pb->skipped;
}

evutil_socket_t
probe_release(struct probe *pb)
{
	evutil_socket_t fd;

	if (pb == NULL || pb->fd == -1)
		return -1;
	xev_del(pb->ev_read);
	xev_del(pb->ev_write);
	xev_del(pb->ev_timer);
	if (pb->client)
		pb->phase = PH_HALT;
	fd = pb->fd;
	pb->fd = -1;
	return fd;
}

void
probe_free(struct probe *pb)
{
	evutil_socket_t fd;

	if (pb == NULL)
		return;
	xev_free(pb->ev_read);
	xev_free(pb->ev_write);
	xev_free(pb->ev_timer);
	fd = pb->fd;
	if (fd != -1)
		evutil_closesocket(fd);
	lat_hist_free(&pb->idle);
	lat_hist_free(&pb->iv);
	free(pb->ring);
	free(pb);
}
