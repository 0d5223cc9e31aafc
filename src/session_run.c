/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_run.c: the running test, for both roles: TEST_START (clocks,
 * the test-start report, the timers), TEST_RUNNING (the streams start),
 * the timers themselves (interval, end of -O, end of -t or the server's
 * safety end, the receive watchdog, the server's bitrate limit), the stop
 * of the streams and the final sample. The timers are created once with
 * the session and only re-armed afterwards.
 */
#include "compat.h"

#include <stdlib.h>
#include <unistd.h>

#include "closer.h"
#include "errors.h"
#include "log.h"
#include "net.h"
#include "session_int.h"
#include "xev.h"

static void
session_interval_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	double now = clock_now();

	/* The end timer reports the last interval of a timed client test. */
	if (sess->role->end_ends_test && sess->p.duration != 0 &&
	    sess->nstreams > 0 && !sess->omitting &&
	    now - sess->started_at >=
		sess->p.duration - 0.1 * sess->set->interval)
		return;
	(void)session_sample_interval(sess, false);
}

static void
session_arm_interval(struct session *sess)
{
	if (sess->set->interval > 0)
		xev_add(sess->ev_interval, sess->set->interval);
}

static void
session_omit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	double now;
	int i;

	now = session_sample_interval(sess, true);
	sess->omitting = false;
	sess->env.budget.armed = true;
	sess->started_at = sess->iv_at = now;
	log_debug("clock: streams restart at %.6f s (monotonic)", now);
	for (i = 0; i < sess->nstreams; i++)
		stream_omit_end(sess->streams[i], now);
	clock_cpu_sample(&sess->cpu0);
	xev_del(sess->ev_interval);
	session_arm_interval(sess);
}

static void
session_end_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;

	sess->role->end(sess);
}

/* Receiving side: no progress for --rcv-timeout ends the test. */
static void
session_rcvwatch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	double now = clock_now();

	session_drain(sess);
	if (sess->env.budget.rcvd != sess->watch_bytes) {
		sess->watch_bytes = sess->env.budget.rcvd;
		sess->watch_t = now;
	} else if ((now - sess->watch_t) * 1000.0 >= sess->set->rcv_timeout_ms)
		session_fail(sess, IE_NOMSG, 0);
}

/*
 * Server with --server-bitrate-limit: every byte the test moved, both
 * directions, averaged over the window (iperf3 3.21 samples the same
 * bytes at each of its stats intervals, iperf_stats_callback()).
 */
static void
session_limit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	uint64_t bps;

	session_drain(sess);
	if (!ratelimit_sample(
		&sess->rl, sess->env.budget.sent + sess->env.budget.rcvd, &bps))
		return;
	log_debug("server: total throughput of %llu bps exceeded %llu bps "
		  "limit",
	    (unsigned long long)bps, (unsigned long long)sess->rl.limit);
	session_fail(sess, IE_TOTALRATE, 0);
}

/*
 * The limit's tick is the server's -i (1 s with -i 0, where iperf3 skips
 * the check altogether for want of a stats timer).
 */
static void
session_arm_limit(struct session *sess)
{
	const struct settings *s = sess->set;
	double tick = s->interval > 0 ? s->interval : 1.0;

	if (s->bitrate_limit == 0)
		return;
	ratelimit_init(&sess->rl, s->bitrate_limit, s->bitrate_window, tick);
	xev_add(sess->ev_limit, tick);
}

void
session_new_timers(struct session *sess)
{
	struct event_base *base = sess->base;

	sess->ev_interval =
	    xev_new(base, -1, EV_PERSIST, session_interval_cb, sess);
	sess->ev_omit = xev_timer(base, session_omit_cb, sess);
	sess->ev_end = xev_timer(base, session_end_cb, sess);
	xev_urgent(sess->ev_interval);
	xev_urgent(sess->ev_omit);
	xev_urgent(sess->ev_end);
	sess->ev_rcvwatch =
	    xev_new(base, -1, EV_PERSIST, session_rcvwatch_cb, sess);
	sess->ev_limit = xev_new(base, -1, EV_PERSIST, session_limit_cb, sess);
	xev_urgent(sess->ev_limit);
}

static bool
session_receives(const struct session *sess)
{
	int i;

	for (i = 0; i < sess->nstreams; i++)
		if (!stream_is_sender(sess->streams[i]))
			return true;
	return false;
}

static void
session_arm_timers(struct session *sess, double now)
{
	const struct test_params *p = &sess->p;

	/* Timers count from now, not from the loop's cached time. */
	event_base_update_cache_time(sess->base);
	session_arm_interval(sess);
	if (p->omit > 0)
		xev_add(sess->ev_omit, p->omit);
	if (p->duration > 0)
		xev_add(sess->ev_end,
		    p->duration + p->omit + sess->role->end_slack);
	session_arm_limit(sess);
	if (session_receives(sess)) {
		sess->watch_t = now;
		xev_add(sess->ev_rcvwatch, sess->set->rcv_timeout_ms / 4000.0);
	}
}

void
session_test_start(struct session *sess)
{
	double now = clock_now();
	int i;

	sess->started = true;
	sess->started_at = sess->iv_at = now;
	/* Interval bounds count from here (bench/truth.sh reads it). */
	log_debug("clock: streams start at %.6f s (monotonic)", now);
	sess->omitting = sess->p.omit > 0;
	sess->env.budget.armed = !sess->omitting;
	clock_cpu_sample(&sess->cpu0);
	for (i = 0; i < sess->nstreams; i++)
		stream_begin(sess->streams[i], now);
	session_fill_test_start(sess);
	/*
	 * Streams close before the results exchange: note the algorithm now
	 * (TCP's: iperf3 reports none for SCTP).
	 */
	if (sess->p.proto == PROTO_TCP && !sess->p.sctp && sess->nstreams > 0)
		net_get_congestion(stream_fd(sess->streams[0]),
		    sess->congestion, sizeof(sess->congestion));
	report_on_test_start(session_rpt(sess), &sess->start);
	session_arm_timers(sess, now);
	session_set_state(sess, SS_RUNNING);
}

void
session_test_running(struct session *sess)
{
	int i;

	for (i = 0; i < sess->nstreams; i++)
		stream_start(sess->streams[i]);
	session_probe_run(sess);
}

/*
 * The streams stop counting. With release, each gives up its socket: a
 * TCP one goes to the closer (half-close, read to the peer's end of file,
 * close: no RST for a peer still reading), a UDP one is closed. Their
 * bytes are all counted now, so a reset one of them met at the very end
 * (still in its grace period) no longer fails the test (seed 003).
 */
void
session_stop_streams(struct session *sess, bool release)
{
	bool tcp = sess->p.proto == PROTO_TCP;
	evutil_socket_t fd;
	int i;

	xev_del(sess->ev_grace);
	sess->stream_err = 0;
	session_probe_stop(sess, release);
	for (i = 0; i < sess->nstreams; i++) {
		stream_halt(sess->streams[i]);
		/* -F: the rest of the file is still on its way. */
		if (stream_writes_file(sess->streams[i]))
			continue;
		if (!release || (fd = stream_release(sess->streams[i])) == -1)
			continue;
		if (tcp)
			closer_add(sess->out.closer, fd);
		else
			evutil_closesocket(fd);
		/* --crr: a transaction's connection, still open. */
		while ((fd = stream_release_extra(sess->streams[i])) != -1)
			closer_add(sess->out.closer, fd);
	}
}

void
session_final_sample(struct session *sess)
{
	double now;
	int i;

	if (sess->sampled || !sess->started)
		return;
	sess->sampled = true;
	now = session_sample_interval(sess, true);
	for (i = 0; i < sess->nstreams; i++)
		stream_end(sess->streams[i], now);
	clock_cpu_sample(&sess->cpu1);
	xev_del(sess->ev_interval);
	xev_del(sess->ev_end);
}

void
session_stop_timers(struct session *sess)
{
	xev_del(sess->ev_rcvwatch);
	xev_del(sess->ev_limit);
	xev_del(sess->ev_omit);
	xev_del(sess->ev_interval);
	xev_del(sess->ev_end);
}

void
session_free_timers(struct session *sess)
{
	xev_free(sess->ev_interval);
	xev_free(sess->ev_omit);
	xev_free(sess->ev_end);
	xev_free(sess->ev_rcvwatch);
	xev_free(sess->ev_limit);
	ratelimit_clear(&sess->rl);
}
