/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session.c: what client and server tests share: allocation with the
 * role's handler table, the control connection (dispatched to the role),
 * the control timeout, the adoption of data streams and the handling of
 * what they report (errors after a grace period, the -n/-k budget), and
 * the one way a test ends, session_conclude(), which reports what was
 * measured, renders the error if any, and defers the owner's
 * notification to the loop so no callback frees itself. The running
 * test's timers are in session_run.c, its numbers in session_stats.c.
 */
#include "compat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "closer.h"
#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "session_int.h"
#include "xev.h"

#define SESSION_GRACE 1.0 /* seconds a stream error waits for control */
#define SESSION_WAKE_BLOCKS 16 /* blocks per stream wake-up, at most */
#define SESSION_MANY 64 /* ... and from this many streams, one */

static const char *const session_state_names[] = {
	[SS_INIT] = "INIT",
	[SS_C_CONNECTING] = "C_CONNECTING",
	[SS_C_WAIT_PARAMREQ] = "C_WAIT_PARAMREQ",
	[SS_C_WAIT_CREATE] = "C_WAIT_CREATE",
	[SS_C_CREATING] = "C_CREATING",
	[SS_C_WAIT_START] = "C_WAIT_START",
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

static const char *
session_state_name(enum sess_state st)
{
	if ((size_t)st >= nitems(session_state_names))
		return "?";
	return session_state_names[st];
}

void
session_set_state(struct session *sess, enum sess_state st)
{
	log_debug("%s: %s -> %s", sess->role->name,
	    session_state_name(sess->state), session_state_name(st));
	sess->state = st;
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
	if (secs <= 0)
		xev_del(sess->ev_timeout);
	else
		xev_add(sess->ev_timeout, secs);
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
    const struct session_out *o, const struct session_role *role, void *rs,
    session_done_cb cb, void *arg)
{
	struct session *sess = xcalloc(1, sizeof(*sess));

	sess->base = base;
	sess->set = s;
	sess->out = *o;
	sess->role = role;
	sess->rs = rs;
	sess->done_cb = cb;
	sess->done_arg = arg;
	sess->env.base = base;
	sess->env.txfd = -1;
	sess->ev_timeout = xev_timer(base, session_timeout_cb, sess);
	sess->ev_grace = xev_timer(base, session_grace_cb, sess);
	sess->ev_free = xev_timer(base, session_free_cb, sess);
	session_new_timers(sess);
	sess->start.client = role->client;
	return sess;
}

static void
session_ctl_read_cb(struct bufferevent *bev, void *arg)
{
	struct session *sess = arg;

	sess->role->read(sess, bufferevent_get_input(bev));
}

static void
session_ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct session *sess = arg;

	if (sess->state != SS_DONE)
		sess->role->event(sess, what);
}

/* Take bev as the control connection; its events go to the role. */
void
session_ctl_open(struct session *sess, struct bufferevent *bev)
{
	sess->ctl = bev;
	if (bufferevent_priority_set(bev, XEV_PRIO_CLOCK) == -1)
		fatalx("%s: bufferevent_priority_set failed", __func__);
	bufferevent_setcb(
	    bev, session_ctl_read_cb, NULL, session_ctl_event_cb, sess);
	if (bufferevent_enable(bev, EV_READ | EV_WRITE) == -1)
		fatalx("%s: bufferevent_enable failed", __func__);
}

/* The control connection closed or failed. */
void
session_ctl_closed(struct session *sess, short what)
{
	if (what & BEV_EVENT_CONNECTED)
		return;
	session_fail(sess, IE_CTRLCLOSE,
	    (what & BEV_EVENT_ERROR) ? EVUTIL_SOCKET_ERROR() : 0);
}

/*
 * -w, -N, -S, --fq-rate, --dont-fragment and this end's --snd-timeout on
 * a data socket: the options both ends set alike. As iperf3, fq pacing
 * goes on every data socket (bits/s to bytes/s) and failing is only a
 * warning; DF only on IPv4 UDP sockets (iperf_init_stream).
 */
int
session_stream_opts(struct session *sess, evutil_socket_t fd)
{
	const struct test_params *p = &sess->p;
	int rc;

	if (p->window != 0 && (rc = net_set_window(fd, p->window)) != 0)
		return rc == -2 ? IE_SETBUF2 : IE_SETBUF;
	if (p->proto == PROTO_TCP && p->nodelay &&
	    (p->sctp ? osdep_sctp_set(fd, OSDEP_SCTP_NODELAY, 1)
		     : net_set_nodelay(fd)) == -1)
		return IE_SETNODELAY;
	if (p->tos != 0 && net_set_tos(fd, p->tos) == -1)
		return IE_SETTOS;
	if (p->fqrate / 8 > 0) {
		log_debug("Setting fair-queue socket pacing to %llu",
		    (unsigned long long)(p->fqrate / 8));
		if (osdep_set_pacing_rate(fd, p->fqrate / 8) == -1)
			report_warning(
			    session_rpt(sess), "Unable to set socket pacing");
	}
	if (p->proto == PROTO_TCP && !p->sctp &&
	    sess->set->snd_timeout_ms > 0 &&
	    osdep_set_user_timeout(fd, sess->set->snd_timeout_ms) == -1)
		return IE_SETUSERTIMEOUT;
	if (p->proto == PROTO_UDP && p->dont_fragment &&
	    net_sock_family(fd) == AF_INET && osdep_set_dontfrag(fd) == -1)
		return IE_SETDONTFRAGMENT;
	return 0;
}

/*
 * --cntl-ka: SO_KEEPALIVE, then the values given, as iperf3 3.21's
 * iperf_set_control_keepalive(): with IDLE given, the system's INTVL and
 * CNT stand in for those not given, and IDLE must exceed INTVL * CNT.
 */
static int
session_ctl_keepalive(struct session *sess, evutil_socket_t fd)
{
	const struct settings *s = sess->set;
	const int want[3] = { s->cntl_ka_idle, s->cntl_ka_intvl,
		s->cntl_ka_cnt };
	/* 3.21 reports a failed read of TCP_KEEPIDLE as the KEEPINTVL one. */
	static const int get_ie[3] = { IE_SETCNTLKAINTERVAL,
		IE_SETCNTLKAINTERVAL, IE_SETCNTLKACOUNT };
	static const int set_ie[3] = { IE_SETCNTLKAKEEPIDLE,
		IE_SETCNTLKAINTERVAL, IE_SETCNTLKACOUNT };
	int v[3], i;

	if (net_set_keepalive(fd) == -1)
		return IE_SETCNTLKA;
	for (i = 0; i < 3; i++) {
		v[i] = want[i];
		if (v[i] == 0 &&
		    osdep_get_keepalive(fd, (enum osdep_keepalive)i, &v[i]) ==
			-1)
			return get_ie[i];
	}
	if (want[0] != 0 && (long long)want[0] <= (long long)v[1] * v[2]) {
		snprintf(sess->err_buf, sizeof(sess->err_buf),
		    "Keepalive Idle time (%d) should be greater than "
		    "Retries-interval (%d) times Retries-count (%d)",
		    v[0], v[1], v[2]);
		report_warning(session_rpt(sess), sess->err_buf);
		return IE_CNTLKA;
	}
	for (i = 0; i < 3; i++)
		if (want[i] != 0 &&
		    osdep_set_keepalive(fd, (enum osdep_keepalive)i, want[i]) ==
			-1)
			return set_ie[i];
	memcpy(sess->start.ctrl_ka, v, sizeof(v));
	return 0;
}

/* This end's --snd-timeout and --cntl-ka on the control connection. */
int
session_ctl_opts(struct session *sess, evutil_socket_t fd)
{
	int rc;

	if (sess->set->cntl_ka && (rc = session_ctl_keepalive(sess, fd)) != 0)
		return rc;
	if (sess->set->snd_timeout_ms > 0 &&
	    osdep_set_user_timeout(fd, sess->set->snd_timeout_ms) == -1)
		return IE_SETUSERTIMEOUT;
	return 0;
}

void
session_send_state(struct session *sess, signed char st)
{
	if (sess->ctl != NULL)
		proto_put_state(bufferevent_get_output(sess->ctl), st);
}

void
session_put_json(struct session *sess, cJSON *j)
{
	proto_put_json(bufferevent_get_output(sess->ctl), j);
	cJSON_Delete(j);
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
	evutil_socket_t fd;
	int tries;

	if (sess->ctl == NULL)
		return;
	fd = bufferevent_getfd(sess->ctl);
	out = bufferevent_get_output(sess->ctl);
	if (evbuffer_unfreeze(out, 1) == -1)
		return;
	/* Control messages are tiny; a few non-blocking writes suffice. */
	for (tries = 0; tries < 8 && evbuffer_get_length(out) > 0; tries++)
		if (evbuffer_write(out, fd) == -1 &&
		    !osdep_err_retriable(EVUTIL_SOCKET_ERROR()))
			break;
	(void)evbuffer_freeze(out, 1); /* only fails if it was frozen */
}

/*
 * The loop serves every ready stream once per round, each moving up to
 * wake_blocks blocks. A round must stay well inside an interval, or a
 * stream served late in one round and early in the next misses a whole
 * interval (seen at -P 1000 with 16 blocks of 128 KiB: rounds near 1 s).
 * From SESSION_MANY streams on this end each moves one block per wake-up,
 * which also measured best for throughput here (bench/README.md); fewer
 * streams move up to SESSION_WAKE_BLOCKS.
 */
static int
session_wake_blocks(const struct session *sess)
{
	return sess->nk >= SESSION_MANY ? 1 : SESSION_WAKE_BLOCKS;
}

/*
 * The -n/-k budget. The client's ends the test. The server's stops its
 * TCP senders at whole blocks, as a stock iperf3 server's (which under -b
 * sends on until TEST_END; stopping then too is safe over TCP), and the
 * client still ends the test. Its UDP senders have none: a stock server
 * paced by -b (UDP always is, but for -b 0) sends on until TEST_END, and
 * one lost datagram would leave the client waiting forever for -n.
 */
static void
session_budget_init(struct session *sess)
{
	const struct test_params *p = &sess->p;
	bool server = !sess->role->client;

	if (server && p->proto != PROTO_TCP)
		budget_init(&sess->env.budget, 0, 0, 1, true);
	else
		budget_init(&sess->env.budget, p->bytes, p->blocks,
		    (size_t)p->blksize, server);
}

/* What the data path needs of the parameters, and the -n/-k budget. */
void
session_env_init(struct session *sess)
{
	const struct test_params *p = &sess->p;
	struct stream_cfg *cfg = &sess->env.cfg;

	cfg->proto = p->proto;
	cfg->sctp = p->sctp;
	cfg->blksize = (size_t)p->blksize;
	cfg->window = p->window;
	cfg->rate = p->rate;
	cfg->burst = p->burst;
	cfg->udp64 = p->udp_counters_64bit;
	cfg->gso = p->gso;
	cfg->gro = p->gro;
	cfg->gso_bf_size = p->gso_bf_size;
	cfg->repeating = p->repeating_payload;
	cfg->zerocopy = p->zerocopy && !p->sctp && osdep_has_sendfile();
	/* iperf3's SCTP streams plainly read and write: no -Z, no MSG_TRUNC. */
	cfg->skip_rx_copy = p->skip_rx_copy && !p->sctp;
	cfg->file = sess->set->file;
	cfg->rr = p->rr;
	cfg->rr_req = (size_t)p->rr_req;
	cfg->rr_resp = (size_t)p->rr_resp;
	sess->nk = p->bidir ? 2 * p->parallel : p->parallel;
	cfg->wake_blocks = session_wake_blocks(sess);
	sess->by_k = xcalloc((size_t)sess->nk, sizeof(*sess->by_k));
	sess->maxstreams = sess->nk;
	sess->streams = xcalloc((size_t)sess->nk, sizeof(*sess->streams));
	session_budget_init(sess);
	session_rr_init(sess);
}

/*
 * A data stream failed (reset, broken pipe). That is usually the peer
 * going away, and the control connection is about to say why (the peer's
 * SERVER_TERMINATE, CLIENT_TERMINATE, SERVER_ERROR or EOF): give it a
 * moment to, and fail with the stream's error only if it does not.
 */
static void
session_stream_error(struct session *sess, int code, int err)
{
	if (sess->state == SS_DONE || sess->stream_err != 0)
		return;
	sess->stream_err = code;
	sess->stream_errno = err;
	xev_add(sess->ev_grace, SESSION_GRACE);
}

static void
session_stream_cb(
    struct stream *sp, enum stream_event ev, int code, int err, void *arg)
{
	struct session *sess = arg;

	switch (ev) {
	case STREAM_EV_ERROR:
		session_stream_error(sess, code, err);
		break;
	case STREAM_EV_BUDGET:
		if (sess->state == SS_RUNNING && sess->role->budget != NULL)
			sess->role->budget(sess);
		break;
	case STREAM_EV_EOF:
		/* The control connection says how the test ends. */
		break;
	}
}

/* Stream number k, or NULL while it has not arrived (or k is out of range). */
struct stream *
session_stream_at(const struct session *sess, int k)
{
	if (k < 0 || k >= sess->nk)
		return NULL;
	return sess->by_k[k];
}

/* Where a stream with that id goes: the streams stay sorted by id. */
static int
session_stream_pos(const struct session *sess, int id)
{
	int lo = 0, hi = sess->nstreams, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (stream_id(sess->streams[mid]) > id)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * A stream on fd, number k (new, below nk: the callers check), placed in
 * id order (both ends list streams by id, whatever order they came in).
 * Its "connected" report waits until every stream below it is up, so
 * reports, like the -J start.connected list, come in id order too.
 */
struct stream *
session_stream_new(struct session *sess, evutil_socket_t fd, int k, bool sender)
{
	struct stream *sp;
	int pos;

	if (k < 0 || k >= sess->nk || sess->by_k[k] != NULL ||
	    sess->nstreams == sess->maxstreams)
		fatalx("%s: stream %d of %d taken or out of range", __func__, k,
		    sess->nk);
	pos = session_stream_pos(sess, proto_stream_id(k));
	sp = stream_new(&sess->env, fd, k, sender, session_stream_cb, sess);
	sess->by_k[k] = sp;
	memmove(&sess->streams[pos + 1], &sess->streams[pos],
	    (size_t)(sess->nstreams - pos) * sizeof(*sess->streams));
	sess->streams[pos] = sp;
	sess->nstreams++;
	if (stream_file_error(sp) != 0) { /* as iperf3, before "connected" */
		session_fail(sess, IE_FILE, stream_file_error(sp));
		return sp;
	}
	while (sess->nk_reported < sess->nk &&
	    sess->by_k[sess->nk_reported] != NULL)
		report_on_stream(session_rpt(sess),
		    stream_conn(sess->by_k[sess->nk_reported++]));
	return sp;
}

void
session_fail(struct session *sess, int code, int err)
{
	if (sess->state == SS_DONE)
		return;
	sess->err = code;
	sess->err_errno = err;
	log_debug("%s: fail %d (errno %d) in %s", sess->role->name, code, err,
	    session_state_name(sess->state));
	if (sess->role->failing != NULL)
		sess->role->failing(sess, code, err);
	session_conclude(sess);
}

void
session_abort(struct session *sess, int code, int err)
{
	session_fail(sess, code, err);
}

/*
 * The control connection is done: its socket goes to the closer, which
 * half-closes it after what session_ctl_flush wrote and reads to the
 * peer's end of file, so neither end closes with the other's bytes
 * unread (as iperf3 3.21's iperf_sync_close_socket, without blocking).
 */
static void
session_ctl_release(struct session *sess)
{
	evutil_socket_t fd;

	if (sess->ctl == NULL)
		return;
	if (bufferevent_disable(sess->ctl, EV_READ | EV_WRITE) == -1)
		fatalx("%s: bufferevent_disable failed", __func__);
	if ((fd = bufferevent_getfd(sess->ctl)) == -1)
		return;
	if (bufferevent_setfd(sess->ctl, -1) == -1)
		fatalx("%s: bufferevent_setfd failed", __func__);
	closer_add(sess->out.closer, fd);
}

void
session_conclude(struct session *sess)
{
	char buf[256];

	if (sess->state == SS_DONE)
		return;
	xev_del(sess->ev_timeout);
	xev_del(sess->ev_grace);
	if (sess->role->halt != NULL)
		sess->role->halt(sess);
	session_final_sample(sess);
	session_summary(sess, sess->have_peer);
	session_stop_streams(sess, true);
	session_stop_timers(sess);
	if (sess->err != 0 && !sess->quiet) {
		report_error(session_rpt(sess),
		    sess->err_msg ? sess->err_msg
				  : errors_str(buf, sizeof(buf), sess->err,
					sess->err_errno));
	}
	if (!sess->quiet)
		report_finish(session_rpt(sess));
	session_ctl_flush(sess);
	session_ctl_release(sess);
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

const struct test_params *
session_params(const struct session *sess)
{
	return &sess->p;
}

void
session_interrupt(struct session *sess)
{
	if (sess->state == SS_DONE)
		return;
	session_send_state(sess, sess->role->terminate);
	sess->err_msg = sess->role->term_msg;
	sess->err = sess->role->term_code;
	session_conclude(sess);
}

void
session_free(struct session *sess)
{
	int i;

	if (sess == NULL)
		return;
	for (i = 0; i < sess->nstreams; i++)
		stream_free(sess->streams[i]);
	session_probe_free(sess);
	free(sess->held);
	free(sess->streams);
	free(sess->by_k);
	free(sess->peer_at);
	sess->role->free(sess);
	if (sess->ctl != NULL)
		bufferevent_free(sess->ctl);
	session_free_timers(sess);
	xev_free(sess->ev_timeout);
	xev_free(sess->ev_grace);
	xev_free(sess->ev_free);
	stream_env_clear(&sess->env);
	report_free(sess->rpt);
	proto_results_free(&sess->peer);
	proto_params_free(&sess->p);
	free(sess);
}
