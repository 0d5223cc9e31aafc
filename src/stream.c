/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream.c: the data stream object both protocols share: creation with
 * its socket names for the report, its payload buffer and its event, the
 * start and stop of its I/O, the client's -n/-k end check, and its one
 * teardown path. The per-protocol I/O lives in stream_tcp.c and
 * stream_udp.c.
 */
#include "compat.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "session_int.h"

void
stream_fill_random(char *buf, size_t len)
{
	ssize_t n;
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

/*
 * The client's -n or -k limit in bytes (-k blocks are -l bytes each), or
 * 0 when the test is timed.
 */
uint64_t
stream_byte_limit(const struct session *sess)
{
	const struct test_params *p = &sess->p;

	if (!sess->client || sess->omitting)
		return 0;
	if (p->bytes != 0)
		return p->bytes;
	return p->blocks * (uint64_t)p->blksize;
}

/* The client's -n/-k end condition, counted as sent or received. */
void
stream_check_limits(struct session *sess)
{
	uint64_t limit = stream_byte_limit(sess);

	if (limit != 0 && sess->state == SS_RUNNING &&
	    (sess->sent_bytes >= limit || sess->rcvd_bytes >= limit))
		session_client_end_test(sess);
}

static event_callback_fn
stream_io_cb(const struct stream *sp)
{
	if (sp->sess->p.proto == PROTO_UDP)
		return sp->sender ? stream_udp_write_cb : stream_udp_read_cb;
	return sp->sender ? stream_tcp_write_cb : stream_tcp_read_cb;
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
	if (sender) {
		sp->buf = xmalloc(sp->blksize);
		stream_fill_random(sp->buf, sp->blksize);
	} else if (sess->p.proto == PROTO_TCP)
		sp->buf = xmalloc(sp->blksize);
	sp->tcpinfo = sess->p.proto == PROTO_TCP && osdep_has_retrans();
	sp->min_rtt = UINT64_MAX;
	sp->ev = event_new(sess->base, fd,
	    (sender ? EV_WRITE : EV_READ) | EV_PERSIST, stream_io_cb(sp), sp);
	if (sp->ev == NULL)
		fatalx("%s: event_new failed", __func__);
	if (sess->p.proto == PROTO_UDP)
		stream_udp_init(sp);
	else
		stream_tcp_init(sp);
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
	if (sp->eof)
		return;
	if (sp->sess->p.proto == PROTO_UDP)
		stream_udp_start(sp);
	else
		stream_tcp_start(sp);
}

void
stream_stop(struct stream *sp)
{
	event_del(sp->ev);
	if (sp->ev_pace != NULL)
		event_del(sp->ev_pace);
}

void
stream_free(struct stream *sp)
{
	if (sp == NULL)
		return;
	event_free(sp->ev);
	if (sp->ev_pace != NULL)
		event_free(sp->ev_pace);
	if (sp->fd != -1)
		close(sp->fd);
	free(sp->buf);
	free(sp);
}
