/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream_tcp.c: a TCP data stream's I/O: a raw persistent event on its
 * socket (tcpbench style, no bufferevent, no extra copy), one block buffer,
 * byte counters and TCP_INFO sampling. A callback moves a bounded number of blocks so that
 * every stream on the loop gets its turn, whatever its direction.
 * Errors go to the session; a stream never ends the test by itself.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "osdep.h"
#include "session_int.h"

/* Blocks moved per callback before yielding to other events. */
#define STREAM_BURST 16
#define STREAM_LOWAT (512 * 1024) /* receiver wake-up threshold, bytes */

static bool stream_tcp_recv_some(struct stream *sp);

#define STREAM_ERR_RETRIABLE(e)                                                \
	((e) == EAGAIN || (e) == EWOULDBLOCK || (e) == EINTR)

/*
 * A client sends exactly -n bytes, or -k blocks of -l bytes (as iperf3
 * does): the last write is cut to what is left; then nothing more.
 */
static size_t
stream_send_size(const struct stream *sp)
{
	const struct session *sess = sp->sess;
	uint64_t limit = stream_byte_limit(sess), left;

	if (limit == 0)
		return sp->blksize;
	if (sess->sent_bytes >= limit)
		return 0;
	left = limit - sess->sent_bytes;
	return left < sp->blksize ? (size_t)left : sp->blksize;
}

/*
 * -b on TCP: when the pacer says the next block is not due, stop waiting
 * for writability and sleep until it is (iperf3 paces TCP the same way,
 * by the average rate since the stream started).
 */
static bool
stream_tcp_paced(struct stream *sp)
{
	double now, wait;
	struct timeval tv;

	if (sp->ev_pace == NULL)
		return false;
	now = clock_now();
	if (pacer_due(&sp->pacer, now, sp->blksize, 1) > 0)
		return false;
	wait = pacer_wait(&sp->pacer, now, sp->blksize);
	tv.tv_sec = (time_t)wait;
	tv.tv_usec = (suseconds_t)((wait - (double)tv.tv_sec) * 1e6);
	event_del(sp->ev);
	evtimer_add(sp->ev_pace, &tv);
	return true;
}

static void
stream_tcp_pace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;

	if (sp->counting)
		event_add(sp->ev, NULL);
}

/*
 * A receiver is woken only once STREAM_LOWAT bytes are queued, not for
 * every segment: at high rates that halves its CPU (fewer wake-ups and
 * context switches, larger reads). Reports stay exact because the
 * sampler drains every receiver before it counts (stream_tcp_drain).
 * With -w the threshold stays well inside the window.
 */
static void
stream_tcp_set_lowat(struct stream *sp)
{
	int lowat = STREAM_LOWAT, win = sp->sess->p.window;

	if (win != 0 && lowat > win / 4)
		lowat = win / 4;
	if (lowat > (int)sp->blksize)
		(void)setsockopt(
		    sp->fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat));
}

/* Count what a receiver has queued now, below its wake-up threshold. */
void
stream_tcp_drain(struct stream *sp)
{
	if (!sp->sender && sp->counting && !sp->eof)
		(void)stream_tcp_recv_some(sp);
}

/* A TCP sender with -b gets a pacer and its timer. */
void
stream_tcp_init(struct stream *sp)
{
	if (!sp->sender) {
		stream_tcp_set_lowat(sp);
		return;
	}
	if (sp->sess->p.rate == 0)
		return;
	sp->ev_pace = evtimer_new(sp->sess->base, stream_tcp_pace_cb, sp);
	if (sp->ev_pace == NULL)
		fatalx("%s: evtimer_new failed", __func__);
}

void
stream_tcp_start(struct stream *sp)
{
	if (sp->ev_pace != NULL)
		pacer_init(&sp->pacer, sp->sess->p.rate, 0, clock_now());
	event_add(sp->ev, NULL);
}

void
stream_tcp_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;
	struct session *sess = sp->sess;
	size_t len;
	ssize_t n;
	int i;

	for (i = 0; i < STREAM_BURST; i++) {
		if ((len = stream_send_size(sp)) == 0 || stream_tcp_paced(sp))
			break;
		n = send(fd, sp->buf, len, MSG_NOSIGNAL);
		if (n == -1) {
			if (STREAM_ERR_RETRIABLE(errno))
				break;
			stream_stop(sp);
			if (sp->counting)
				session_stream_error(
				    sess, IE_STREAMWRITE, errno);
			return;
		}
		sp->bytes += (uint64_t)n;
		sess->sent_bytes += (uint64_t)n;
		if (sp->ev_pace != NULL)
			pacer_sent(&sp->pacer, (size_t)n);
		if ((size_t)n < len)
			break;
	}
	stream_check_limits(sess);
}

/*
 * Read what is queued (bounded). Returns false once the stream has seen
 * EOF or an error. Never ends the test itself, so the interval sampler
 * may call it too.
 */
static bool
stream_tcp_recv_some(struct stream *sp)
{
	struct session *sess = sp->sess;
	ssize_t n;
	int i;

	for (i = 0; i < STREAM_BURST; i++) {
		n = recv(sp->fd, sp->buf, sp->blksize, 0);
		if (n > 0) {
			if (sp->counting) {
				sp->bytes += (uint64_t)n;
				sess->rcvd_bytes += (uint64_t)n;
			}
			if ((size_t)n < sp->blksize)
				break;
			continue;
		}
		if (n == -1 && STREAM_ERR_RETRIABLE(errno))
			break;
		/* EOF or error: the control channel decides the outcome. */
		sp->eof = true;
		stream_stop(sp);
		if (n == -1 && sp->counting && sess->state == SS_RUNNING)
			session_stream_error(sess, IE_STREAMREAD, errno);
		return false;
	}
	return true;
}

void
stream_tcp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;

	if (!stream_tcp_recv_some(sp))
		return;
	stream_check_limits(sp->sess);
}

void
stream_tcp_sample(struct stream *sp)
{
	struct tcp_sample ts;

	if (!sp->tcpinfo || osdep_tcp_sample(sp->fd, &ts) == -1)
		return;
	sp->ts_last = ts;
	sp->retr_now = ts.total_retrans;
	if (ts.snd_cwnd > sp->max_cwnd)
		sp->max_cwnd = ts.snd_cwnd;
	if (ts.snd_wnd > sp->max_wnd)
		sp->max_wnd = ts.snd_wnd;
	if (ts.rtt > sp->max_rtt)
		sp->max_rtt = ts.rtt;
	if (ts.rtt < sp->min_rtt)
		sp->min_rtt = ts.rtt;
	sp->rtt_sum += ts.rtt;
	sp->rtt_n++;
	sp->reorder = ts.reorder;
}
