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

#define STREAM_ERR_RETRIABLE(e)                                                \
	((e) == EAGAIN || (e) == EWOULDBLOCK || (e) == EINTR)

/*
 * A client sends exactly -n bytes (as iperf3 does): the last block is cut
 * to what is left; past the limit it sends nothing more.
 */
static size_t
stream_send_size(const struct stream *sp)
{
	const struct session *sess = sp->sess;
	uint64_t left;

	if (!sess->client || sess->p.bytes == 0 || sess->omitting)
		return sp->blksize;
	if (sess->sent_bytes >= sess->p.bytes)
		return 0;
	left = sess->p.bytes - sess->sent_bytes;
	return left < sp->blksize ? (size_t)left : sp->blksize;
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
		if ((len = stream_send_size(sp)) == 0)
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
		sess->sent_blocks++;
		if ((size_t)n < len)
			break;
	}
	stream_check_limits(sess);
}

void
stream_tcp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;
	struct session *sess = sp->sess;
	ssize_t n;
	int i;

	for (i = 0; i < STREAM_BURST; i++) {
		n = recv(fd, sp->buf, sp->rcvlen, 0);
		if (n > 0) {
			if (sp->counting) {
				sp->bytes += (uint64_t)n;
				sess->rcvd_bytes += (uint64_t)n;
			}
			if ((size_t)n < sp->rcvlen)
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
		return;
	}
	stream_check_limits(sess);
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
