/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream.c: the data stream object both protocols share: creation with
 * its protocol's operations (chosen once), its socket names for the
 * report, its payload buffer and its event; start, halt and teardown;
 * the owner notification and the charging of the shared -n/-k budget;
 * and the wrappers through which the session reads the stream's numbers
 * (counters.c does the arithmetic), and the test's shared payload and
 * receive buffers. The per-protocol I/O lives in stream_tcp.c and
 * stream_udp.c. Owns the stream's event(s) and socket; never calls into
 * the session.
 */
#include "compat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/util.h>

#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "stream_int.h"
#include "xev.h"

void
stream_fill_random(char *buf, size_t len)
{
	evutil_secure_rng_get_bytes(buf, len);
}

void
stream_fill_pattern(char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('0' + i % 10);
}

void
stream_notify(struct stream *sp, enum stream_event ev, int code, int err)
{
	sp->cb(sp, ev, code, err, sp->cb_arg);
}

void
stream_fail(struct stream *sp, int code, int err)
{
	xev_del(sp->ev);
	xev_del(sp->ev_pace);
	if (sp->counting)
		stream_notify(sp, STREAM_EV_ERROR, code, err);
}

void
stream_arm(struct stream *sp)
{
	if (event_add(sp->ev, NULL) == -1)
		stream_fail(sp, sp->sender ? IE_STREAMWRITE : IE_STREAMREAD,
		    EVUTIL_SOCKET_ERROR());
}

void
stream_count(struct stream *sp, uint64_t n)
{
	sp->c.bytes += n;
	if (sp->sender)
		sp->env->budget.sent += n;
	else
		sp->env->budget.rcvd += n;
}

void
stream_stop_sending(struct stream *sp)
{
	xev_del(sp->ev);
	xev_del(sp->ev_pace);
}

void
stream_check_budget(struct stream *sp)
{
	if (budget_spent(&sp->env->budget))
		stream_notify(sp, STREAM_EV_BUDGET, 0, 0);
}

void
stream_pace_sleep(struct stream *sp, double secs)
{
	xev_add(sp->ev_pace, secs);
}

void
stream_env_grow_rx(struct stream_env *env, size_t len)
{
	if (env->rxbuf_len >= len)
		return;
	env->rxbuf = xrealloc(env->rxbuf, len);
	env->rxbuf_len = len;
}

void
stream_env_grow_tx(struct stream_env *env, size_t len)
{
	if (env->txbuf_len >= len)
		return;
	env->txbuf = xrealloc(env->txbuf, len);
	if (env->cfg.repeating)
		stream_fill_pattern(env->txbuf, len);
	else
		stream_fill_random(
		    env->txbuf + env->txbuf_len, len - env->txbuf_len);
	env->txbuf_len = len;
}

/*
 * -Z: the payload also as a read-only file that TCP senders sendfile()
 * from. Made once, when the first sender has sized the payload, and
 * never written again, so no send in flight ever sees it change. Where
 * the system has none, senders copy (env->txfd stays -1).
 */
static void
stream_env_payload_fd(struct stream_env *env)
{
	if (!env->cfg.zerocopy || env->cfg.proto != PROTO_TCP ||
	    env->cfg.file != NULL || env->txfd != -1)
		return;
	env->txfd = osdep_payload_fd(env->txbuf, env->txbuf_len);
	if (env->txfd == -1)
		log_debug(
		    "-Z: no payload file (%s); copying", osdep_strerror(errno));
}

/* -F: this stream's file, to read if it sends, else to write. */
static void
stream_open_file(struct stream *sp)
{
	sp->file_fd = -1;
	if (sp->env->cfg.file == NULL || sp->env->cfg.proto != PROTO_TCP ||
	    sp->env->cfg.rr != RR_NONE)
		return;
	sp->file_fd = osdep_file_open(sp->env->cfg.file, !sp->sender);
	if (sp->file_fd == -1)
		sp->file_err = errno != 0 ? errno : EIO;
	else if (sp->sender && !sp->env->cfg.zerocopy)
		sp->file_buf = xmalloc(sp->blksize);
}

void
stream_env_clear(struct stream_env *env)
{
	free(env->rxbuf);
	free(env->txbuf);
	if (env->txfd != -1)
		osdep_file_close(env->txfd);
	env->txfd = -1;
	env->rxbuf = env->txbuf = NULL;
	env->rxbuf_len = env->txbuf_len = 0;
}

struct stream *
stream_new(struct stream_env *env, evutil_socket_t fd, int k, bool sender,
    stream_event_cb cb, void *arg)
{
	struct stream *sp = xcalloc(1, sizeof(*sp));
	bool udp = env->cfg.proto == PROTO_UDP;

	sp->env = env;
	if (udp)
		sp->ops = &stream_udp_ops;
	else if (env->cfg.rr == RR_CRR)
		sp->ops = &stream_crr_ops;
	else
		sp->ops =
		    env->cfg.rr == RR_RR ? &stream_rr_ops : &stream_tcp_ops;
	TAILQ_INIT(&sp->crr);
	sp->cb = cb;
	sp->cb_arg = arg;
	sp->fd = fd;
	sp->id = proto_stream_id(k);
	sp->sender = sender;
	sp->blksize = env->cfg.blksize;
	if (sender) {
		stream_env_grow_tx(env, sp->blksize);
		stream_env_payload_fd(env);
	} else if (!udp)
		stream_env_grow_rx(env, sp->blksize);
	stream_open_file(sp);
	/*
	 * SCTP senders sample SCTP_STATUS where TCP ones read TCP_INFO; a
	 * --crr loop's connections come and go, so it samples none.
	 */
	counters_init(&sp->c,
	    !udp && env->cfg.rr != RR_CRR &&
		(env->cfg.sctp || osdep_has_retrans()),
	    sender, udp);
	sp->ev =
	    xev_new(env->base, fd, (sender ? EV_WRITE : EV_READ) | EV_PERSIST,
		sender ? sp->ops->write_cb : sp->ops->read_cb, sp);
	sp->ops->init(sp);
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
		sp->ops->start(sp);
}

void
stream_halt(struct stream *sp)
{
	sp->counting = false;
	if (sp->ops->halt != NULL)
		sp->ops->halt(sp);
	/* A receiver keeps draining until the peer closes (-R). */
	if (sp->sender || sp->eof) {
		xev_del(sp->ev);
		xev_del(sp->ev_pace);
	}
}

evutil_socket_t
stream_release_extra(struct stream *sp)
{
	if (sp->ops->release_extra == NULL)
		return -1;
	return sp->ops->release_extra(sp);
}

int
stream_release(struct stream *sp)
{
	evutil_socket_t fd = sp->fd;

	sp->counting = false;
	xev_del(sp->ev);
	xev_del(sp->ev_pace);
	sp->fd = -1;
	return fd;
}

void
stream_drain(struct stream *sp)
{
	if (sp->ops->drain != NULL && !sp->sender && sp->counting && !sp->eof)
		sp->ops->drain(sp);
}

static void
stream_sample(struct stream *sp)
{
	if (sp->ops->sample != NULL && sp->c.tcpinfo && sp->fd != -1)
		sp->ops->sample(sp);
}

void
stream_begin(struct stream *sp, double now)
{
	stream_sample(sp);
	counters_begin(&sp->c, now);
}

void
stream_omit_end(struct stream *sp, double now)
{
	stream_sample(sp);
	counters_omit_end(&sp->c, now);
}

void
stream_interval(struct stream *sp, double now, bool omitted, bool flush,
    struct rpt_stream_iv *iv)
{
	stream_sample(sp);
	if (flush)
		counters_flush(&sp->c);
	counters_interval(&sp->c, now, omitted, iv);
	iv->socket = sp->conn.socket;
}

void
stream_end(struct stream *sp, double now)
{
	stream_sample(sp);
	counters_end(&sp->c, now);
}

void
stream_result(const struct stream *sp, struct result_stream *rs)
{
	counters_result(&sp->c, rs);
	rs->id = sp->id;
}

void
stream_summary(const struct stream *sp, const struct result_stream *peer,
    bool peer_retrans, struct rpt_stream_end *e)
{
	int64_t size;

	counters_summary(&sp->c, peer, peer_retrans, e);
	e->socket = sp->conn.socket;
	e->file = NULL;
	if (sp->file_fd != -1 && (size = osdep_file_size(sp->file_fd)) >= 0) {
		e->file = sp->env->cfg.file;
		e->file_size = (uint64_t)size;
	}
}

int
stream_id(const struct stream *sp)
{
	return sp->id;
}

int
stream_file_error(const struct stream *sp)
{
	return sp->file_err;
}

bool
stream_saw_eof(const struct stream *sp)
{
	return sp->eof;
}

bool
stream_writes_file(const struct stream *sp)
{
	return !sp->sender && sp->file_fd != -1;
}

evutil_socket_t
stream_fd(const struct stream *sp)
{
	return sp->fd;
}

bool
stream_is_sender(const struct stream *sp)
{
	return sp->sender;
}

double
stream_secs(const struct stream *sp)
{
	return counters_secs(&sp->c);
}

const struct rpt_conn *
stream_conn(const struct stream *sp)
{
	return &sp->conn;
}

uint64_t
stream_crr_retries(const struct stream *sp)
{
	return sp->crr_retries;
}

void
stream_free(struct stream *sp)
{
	if (sp == NULL)
		return;
	if (sp->ops->free_extra != NULL)
		sp->ops->free_extra(sp);
	xev_free(sp->ev);
	xev_free(sp->ev_pace);
	if (sp->fd != -1)
		evutil_closesocket(sp->fd);
	if (sp->file_fd != -1)
		osdep_file_close(sp->file_fd);
	free(sp->file_buf);
	free(sp);
}
