/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session.c: what client and server tests share: allocation, the test
 * timers (control timeout, end or safety, omit, interval, receive
 * watchdog), the final sample (the numbers themselves are in
 * session_stats.c) and the one way a test ends, session_conclude(),
 * which reports what was measured, renders the error if any, and defers
 * the owner's notification to the loop so no callback frees itself.
 */
#include "compat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "errors.h"
#include "log.h"
#include "session_int.h"

static const char *const session_state_names[] = {
	[SS_INIT] = "INIT",
	[SS_C_CONNECTING] = "C_CONNECTING",
	[SS_C_WAIT_PARAMREQ] = "C_WAIT_PARAMREQ",
	[SS_C_WAIT_CREATE] = "C_WAIT_CREATE",
	[SS_C_CREATING] = "C_CREATING",
	[SS_C_WAIT_START] = "C_WAIT_START",
	[SS_S_WAIT_COOKIE] = "S_WAIT_COOKIE",
	[SS_S_WAIT_PARAMS] = "S_WAIT_PARAMS",
	[SS_S_CREATING] = "S_CREATING",
	[SS_RUNNING] = "RUNNING",
	[SS_C_WAIT_EXCHANGE] = "C_WAIT_EXCHANGE",
	[SS_C_WAIT_RESULTS] = "C_WAIT_RESULTS",
	[SS_C_WAIT_DISPLAY] = "C_WAIT_DISPLAY",
	[SS_S_WAIT_RESULTS] = "S_WAIT_RESULTS",
	[SS_S_WAIT_DONE] = "S_WAIT_DONE",
	[SS_DONE] = "DONE",
};

const char *
session_state_name(enum sess_state st)
{
	if ((size_t)st >= nitems(session_state_names))
		return "?";
	return session_state_names[st];
}

void
session_set_state(struct session *sess, enum sess_state st)
{
	log_debug("%s: %s -> %s", sess->client ? "client" : "server",
	    session_state_name(sess->state), session_state_name(st));
	sess->state = st;
}

static struct timeval
session_tv(double secs)
{
	struct timeval tv;

	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	return tv;
}

static void
session_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;

	session_fail(sess,
	    sess->state == SS_C_CONNECTING ? IE_CONNECTTIMEOUT : IE_CTRLTIMEOUT,
	    0);
}

void
session_arm_timeout(struct session *sess, double secs)
{
	struct timeval tv = session_tv(secs);

	if (secs <= 0)
		evtimer_del(sess->ev_timeout);
	else
		evtimer_add(sess->ev_timeout, &tv);
}

static void
session_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;

	session_fail(sess, sess->stream_err, sess->stream_errno);
}

static void
session_free_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;

	sess->done_cb(sess, sess->done_arg);
}

struct session *
session_alloc(struct event_base *base, const struct settings *s,
    const struct session_out *o, bool client, session_done_cb cb, void *arg)
{
	struct session *sess = xcalloc(1, sizeof(*sess));

	sess->base = base;
	sess->set = s;
	sess->out = *o;
	sess->client = client;
	sess->listen_fd = -1;
	sess->connect_fd = -1;
	sess->udp_fd = -1;
	sess->done_cb = cb;
	sess->done_arg = arg;
	TAILQ_INIT(&sess->streams);
	sess->ev_timeout = evtimer_new(base, session_timeout_cb, sess);
	sess->ev_grace = evtimer_new(base, session_grace_cb, sess);
	sess->ev_free = event_new(base, -1, 0, session_free_cb, sess);
	if (sess->ev_timeout == NULL || sess->ev_grace == NULL ||
	    sess->ev_free == NULL)
		fatalx("%s: event_new failed", __func__);
	sess->start.client = client;
	return sess;
}

struct reporter *
session_rpt(struct session *sess)
{
	if (sess->rpt == NULL)
		sess->rpt = report_new(sess->set, sess->client, sess->out.out,
		    sess->out.err, !sess->client && sess->p.get_server_output);
	return sess->rpt;
}

/* -w, -N and -S on a data socket: the options both ends set alike. */
int
session_stream_opts(struct session *sess, int fd)
{
	const struct test_params *p = &sess->p;
	int rc;

	if (p->window != 0 && (rc = net_set_window(fd, p->window)) != 0)
		return rc == -2 ? IE_SETBUF2 : IE_SETBUF;
	if (p->proto == PROTO_TCP && p->nodelay && net_set_nodelay(fd) == -1)
		return IE_SETNODELAY;
	if (p->tos != 0 && net_set_tos(fd, p->tos) == -1)
		return IE_SETTOS;
	return 0;
}

void
session_send_state(struct session *sess, signed char st)
{
	if (sess->ctl != NULL)
		proto_put_state(bufferevent_get_output(sess->ctl), st);
}

/*
 * Push what is still queued on the control connection before it closes.
 * A bufferevent freezes the front of its output buffer so that only it
 * drains it; the bufferevent is about to be freed, so thaw and write.
 */
void
session_ctl_flush(struct session *sess)
{
	struct evbuffer *out;
	int fd, tries;

	if (sess->ctl == NULL)
		return;
	fd = bufferevent_getfd(sess->ctl);
	out = bufferevent_get_output(sess->ctl);
	evbuffer_unfreeze(out, 1);
	/* Control messages are tiny; a few non-blocking writes suffice. */
	for (tries = 0; tries < 8 && evbuffer_get_length(out) > 0; tries++)
		if (evbuffer_write(out, fd) == -1 && errno != EAGAIN &&
		    errno != EINTR)
			break;
	evbuffer_freeze(out, 1);
}

static void
session_interval_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	struct stream *sp = TAILQ_FIRST(&sess->streams);
	double now = clock_now();

	/* The end timer reports the last interval of a timed client test. */
	if (sess->client && sess->p.duration != 0 && sp != NULL &&
	    !sess->omitting &&
	    now - sp->t_start >= sess->p.duration - 0.1 * sess->set->interval)
		return;
	session_sample_interval(sess, now, false);
}

static void
session_arm_interval(struct session *sess)
{
	struct timeval tv = session_tv(sess->set->interval);

	if (sess->set->interval > 0)
		event_add(sess->ev_interval, &tv);
}

static void
session_omit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	struct stream *sp;
	double now = clock_now();

	session_sample_interval(sess, now, true);
	sess->omitting = false;
	TAILQ_FOREACH(sp, &sess->streams, entry)
	{
		stream_tcp_sample(sp);
		sp->bytes_omit = sp->bytes_iv = sp->bytes;
		sp->t_start = sp->t_iv = now;
		sp->retr_omit = sp->retr_iv = sp->retr_now;
		sp->packets_omit = sp->packets_iv = sp->packets;
		sp->maxseq_omit = sp->maxseq_iv = sp->us.max_seq;
		sp->lost_omit = sp->lost_iv = sp->us.lost;
		sp->ooo_omit = sp->ooo_iv = sp->us.out_of_order;
		sp->max_cwnd = sp->max_wnd = sp->max_rtt = 0;
		sp->rtt_sum = sp->rtt_n = 0;
		sp->min_rtt = UINT64_MAX;
	}
	clock_cpu_sample(&sess->cpu0);
	event_del(sess->ev_interval);
	session_arm_interval(sess);
}

static void
session_end_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;

	if (sess->client)
		session_client_end_test(sess);
	else
		session_fail(sess, IE_SERVERTESTDURATIONEXPIRED, 0);
}

/* Receiving side: no progress for --rcv-timeout ends the test. */
static void
session_rcvwatch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	double now = clock_now();

	session_drain(sess);
	if (sess->rcvd_bytes != sess->watch_bytes) {
		sess->watch_bytes = sess->rcvd_bytes;
		sess->watch_t = now;
	} else if ((now - sess->watch_t) * 1000.0 >= sess->set->rcv_timeout_ms)
		session_fail(sess, IE_NOMSG, 0);
}

static bool
session_receives(const struct session *sess)
{
	struct stream *sp;

	TAILQ_FOREACH(sp, &sess->streams, entry)
	if (!sp->sender)
		return true;
	return false;
}

static void
session_arm_timers(struct session *sess, double now)
{
	const struct test_params *p = &sess->p;
	struct timeval tv;
	double end = 0;

	sess->ev_interval =
	    event_new(sess->base, -1, EV_PERSIST, session_interval_cb, sess);
	sess->ev_omit = evtimer_new(sess->base, session_omit_cb, sess);
	sess->ev_end = evtimer_new(sess->base, session_end_cb, sess);
	sess->ev_rcvwatch =
	    event_new(sess->base, -1, EV_PERSIST, session_rcvwatch_cb, sess);
	/* Timers count from now, not from the loop's cached time. */
	event_base_update_cache_time(sess->base);
	session_arm_interval(sess);
	if (p->omit > 0) {
		tv = session_tv(p->omit);
		evtimer_add(sess->ev_omit, &tv);
	}
	if (p->duration > 0)
		end = p->duration + p->omit + (sess->client ? 0 : 40);
	if (end > 0) {
		tv = session_tv(end);
		evtimer_add(sess->ev_end, &tv);
	}
	if (session_receives(sess)) {
		sess->watch_t = now;
		tv = session_tv(sess->set->rcv_timeout_ms / 4000.0);
		event_add(sess->ev_rcvwatch, &tv);
	}
}

void
session_fill_test_start(struct session *sess)
{
	const struct test_params *p = &sess->p;
	struct rpt_start *st = &sess->start;
	struct stream *sp = TAILQ_FIRST(&sess->streams);

	st->sock_bufsize = p->window;
	if (sp != NULL)
		net_get_bufs(sp->fd, &st->sndbuf_actual, &st->rcvbuf_actual);
	st->proto = p->proto;
	st->num_streams = p->parallel;
	st->blksize = p->blksize;
	st->omit = p->omit;
	st->duration = p->duration;
	st->bytes = p->bytes;
	st->blocks = p->blocks;
	st->reverse = p->reverse;
	st->bidir = p->bidir;
	st->tos = p->tos;
	st->target_bitrate = p->rate;
	st->interval = sess->set->interval;
	st->title = p->title;
	st->extra_data = p->extra_data;
	st->tcp_mss = p->mss;
}

void
session_test_start(struct session *sess)
{
	struct stream *sp;
	double now = clock_now();

	sess->started = true;
	sess->omitting = sess->p.omit > 0;
	clock_cpu_sample(&sess->cpu0);
	TAILQ_FOREACH(sp, &sess->streams, entry)
	{
		sp->t_start = sp->t_iv = sp->t_end = now;
		stream_tcp_sample(sp);
		sp->retr_omit = sp->retr_iv = sp->retr_now;
	}
	session_fill_test_start(sess);
	/* Streams close before the results exchange: note the algorithm now. */
	sp = TAILQ_FIRST(&sess->streams);
	if (sess->p.proto == PROTO_TCP && sp != NULL)
		net_get_congestion(
		    sp->fd, sess->congestion, sizeof(sess->congestion));
	report_on_test_start(session_rpt(sess), &sess->start);
	session_arm_timers(sess, now);
	session_set_state(sess, SS_RUNNING);
}

void
session_test_running(struct session *sess)
{
	struct stream *sp;

	TAILQ_FOREACH(sp, &sess->streams, entry)
	stream_start(sp);
}

void
session_stop_streams(struct session *sess, bool close_fds)
{
	struct stream *sp;

	TAILQ_FOREACH(sp, &sess->streams, entry)
	{
		sp->counting = false;
		/* A receiver keeps draining until the peer closes (-R). */
		if (sp->sender || close_fds || sp->eof)
			stream_stop(sp);
		if (close_fds && sp->fd != -1) {
			close(sp->fd);
			sp->fd = -1;
		}
	}
}

void
session_final_sample(struct session *sess)
{
	struct stream *sp;
	double now = clock_now();

	if (sess->sampled || !sess->started)
		return;
	sess->sampled = true;
	session_sample_interval(sess, now, true);
	TAILQ_FOREACH(sp, &sess->streams, entry)
	{
		stream_tcp_sample(sp);
		sp->t_end = now;
	}
	clock_cpu_sample(&sess->cpu1);
	if (sess->ev_interval != NULL)
		event_del(sess->ev_interval);
	if (sess->ev_end != NULL)
		event_del(sess->ev_end);
}

/* Codes a stock peer knows; evperf's own (timeouts) become the nearest. */
static int
session_wire_code(const struct session *sess, int code)
{
	if (code < 900)
		return code;
	return sess->state <= SS_S_CREATING ? IE_RECVPARAMS : IE_RECVRESULTS;
}

/*
 * A data stream failed (reset, broken pipe). That is usually the peer
 * going away, and the control connection is about to say why (the peer's
 * SERVER_TERMINATE, CLIENT_TERMINATE, SERVER_ERROR or EOF): give it a
 * moment to, and fail with the stream's error only if it does not.
 */
void
session_stream_error(struct session *sess, int code, int err)
{
	struct timeval tv = { 1, 0 };

	if (sess->state == SS_DONE || sess->stream_err != 0)
		return;
	sess->stream_err = code;
	sess->stream_errno = err;
	evtimer_add(sess->ev_grace, &tv);
}

void
session_fail(struct session *sess, int code, int err)
{
	if (sess->state == SS_DONE)
		return;
	sess->err = code;
	sess->err_errno = err;
	log_debug("%s: fail %d (errno %d) in %s",
	    sess->client ? "client" : "server", code, err,
	    session_state_name(sess->state));
	if (!sess->client && sess->ctl != NULL && code != IE_CTRLCLOSE &&
	    code != IE_CLIENTTERM && sess->state != SS_S_WAIT_COOKIE) {
		session_send_state(sess, SERVER_ERROR);
		proto_put_int(bufferevent_get_output(sess->ctl),
		    session_wire_code(sess, code));
		proto_put_int(bufferevent_get_output(sess->ctl), err);
	}
	session_conclude(sess);
}

void
session_conclude(struct session *sess)
{
	char buf[256];

	if (sess->state == SS_DONE)
		return;
	evtimer_del(sess->ev_timeout);
	evtimer_del(sess->ev_grace);
	if (sess->ev_connect != NULL)
		event_del(sess->ev_connect);
	session_final_sample(sess);
	session_summary(sess, sess->have_peer);
	session_stop_streams(sess, true);
	if (sess->ev_rcvwatch != NULL)
		event_del(sess->ev_rcvwatch);
	if (sess->ev_omit != NULL)
		event_del(sess->ev_omit);
	if (sess->err != 0) {
		report_error(session_rpt(sess),
		    sess->err_msg ? sess->err_msg
				  : errors_str(buf, sizeof(buf), sess->err,
					sess->err_errno));
	}
	report_finish(session_rpt(sess));
	session_ctl_flush(sess);
	if (sess->ctl != NULL)
		bufferevent_disable(sess->ctl, EV_READ | EV_WRITE);
	session_set_state(sess, SS_DONE);
	event_active(sess->ev_free, 0, 0);
}

bool
session_is_done(const struct session *sess)
{
	return sess->state == SS_DONE;
}

int
session_error(const struct session *sess)
{
	return sess->err;
}

void
session_interrupt(struct session *sess)
{
	if (sess->state == SS_DONE)
		return;
	if (sess->client) {
		session_send_state(sess, CLIENT_TERMINATE);
		sess->err_msg = "interrupt - the client has terminated";
		sess->err = IE_CLIENTTERM;
	} else {
		session_send_state(sess, SERVER_TERMINATE);
		sess->err_msg = "interrupt - the server has terminated";
		sess->err = IE_SERVERTERM;
	}
	session_conclude(sess);
}

void
session_ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct session *sess = arg;

	if (sess->state == SS_DONE)
		return;
	if (what & BEV_EVENT_CONNECTED)
		return;
	if (!sess->client && sess->state == SS_S_WAIT_DONE) {
		session_conclude(sess); /* EOF after DISPLAY_RESULTS is fine */
		return;
	}
	if (!sess->client && !(what & BEV_EVENT_ERROR))
		sess->err_msg = "the client has unexpectedly closed the "
				"connection";
	session_fail(sess, IE_CTRLCLOSE,
	    (what & BEV_EVENT_ERROR) ? EVUTIL_SOCKET_ERROR() : 0);
}

void
session_free(struct session *sess)
{
	struct stream *sp;

	if (sess == NULL)
		return;
	while ((sp = TAILQ_FIRST(&sess->streams)) != NULL) {
		TAILQ_REMOVE(&sess->streams, sp, entry);
		stream_free(sp);
	}
	if (sess->ev_connect != NULL)
		event_free(sess->ev_connect);
	if (sess->connect_fd != -1)
		close(sess->connect_fd);
	if (sess->ctl != NULL)
		bufferevent_free(sess->ctl);
	if (sess->ev_interval != NULL) {
		event_free(sess->ev_interval);
		event_free(sess->ev_omit);
		event_free(sess->ev_end);
		event_free(sess->ev_rcvwatch);
	}
	if (sess->ev_udp != NULL)
		event_free(sess->ev_udp);
	if (sess->udp_fd != -1)
		close(sess->udp_fd);
	free(sess->rxbuf);
	event_free(sess->ev_timeout);
	event_free(sess->ev_grace);
	event_free(sess->ev_free);
	report_free(sess->rpt);
	proto_results_free(&sess->peer);
	proto_params_free(&sess->p);
	free(sess);
}
