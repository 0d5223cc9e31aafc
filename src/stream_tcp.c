/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream_tcp.c: one TCP data stream: a raw persistent event on its socket
 * (tcpbench style, no bufferevent, no copy), a block buffer, counters and
 * TCP_INFO sampling. A callback moves a bounded number of blocks so that
 * every stream on the loop gets its turn, whatever its direction.
 * Errors go to the session; a stream never ends the test by itself.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
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

static void
stream_fill_random(char *buf, size_t len)
{
	ssize_t n = -1;
	size_t got = 0;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		while (got < len && (n = read(fd, buf + got, len - got)) > 0)
			got += (size_t)n;
		close(fd);
	}
	for (; got < len; got++)
		buf[got] = (char)random();
}

/* The client's -n/-k end condition, counted as sent or received. */
static void
stream_check_limits(struct session *sess)
{
	const struct test_params *p = &sess->p;
	uint64_t blocks_rcvd;

	if (!sess->client || sess->state != SS_RUNNING || sess->omitting)
		return;
	blocks_rcvd = sess->rcvd_bytes / (uint64_t)p->blksize;
	if ((p->bytes != 0 &&
		(sess->sent_bytes >= p->bytes ||
		    sess->rcvd_bytes >= p->bytes)) ||
	    (p->blocks != 0 &&
		(sess->sent_blocks >= p->blocks || blocks_rcvd >= p->blocks)))
		session_client_end_test(sess);
}

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

static void
stream_write_cb(evutil_socket_t fd, short what, void *arg)
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
				session_fail(sess, IE_STREAMWRITE, errno);
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

static void
stream_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *sp = arg;
	struct session *sess = sp->sess;
	ssize_t n;
	int i;

	for (i = 0; i < STREAM_BURST; i++) {
		n = recv(fd, sp->buf, sp->blksize, 0);
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
			session_fail(sess, IE_STREAMREAD, errno);
		return;
	}
	stream_check_limits(sess);
}

struct stream *
stream_new(struct session *sess, int fd, int k, bool sender)
{
	struct stream *sp = xcalloc(1, sizeof(*sp));

	sp->sess = sess;
	sp->fd = fd;
	sp->k = k;
	sp->id = proto_stream_id(k);
	sp->sender = sender;
	sp->blksize = (size_t)sess->p.blksize;
	sp->buf = xmalloc(sp->blksize);
	if (sender)
		stream_fill_random(sp->buf, sp->blksize);
	sp->tcpinfo = sess->p.proto == PROTO_TCP && osdep_has_retrans();
	sp->min_rtt = UINT64_MAX;
	sp->ev = event_new(sess->base, fd,
	    (sender ? EV_WRITE : EV_READ) | EV_PERSIST,
	    sender ? stream_write_cb : stream_read_cb, sp);
	if (sp->ev == NULL)
		fatalx("%s: event_new failed", __func__);
	net_sock_names(fd, sp->conn.local_host, sizeof(sp->conn.local_host),
	    &sp->conn.local_port, sp->conn.remote_host,
	    sizeof(sp->conn.remote_host), &sp->conn.remote_port);
	sp->conn.socket = fd;
	return sp;
}

void
stream_start(struct stream *sp)
{
	sp->counting = true;
	if (!sp->eof)
		event_add(sp->ev, NULL);
}

void
stream_stop(struct stream *sp)
{
	event_del(sp->ev);
}

void
stream_free(struct stream *sp)
{
	if (sp == NULL)
		return;
	event_free(sp->ev);
	if (sp->fd != -1)
		close(sp->fd);
	free(sp->buf);
	free(sp);
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
