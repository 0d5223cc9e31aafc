/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_stats.c: a test's numbers, gathered from its streams (whose
 * counters do the arithmetic, counters.c). The reporter (created on
 * first use) and the test-start facts it is given; interval snapshots in
 * report order (client->server streams first); the results message this
 * end sends and the peer's it applies; and the summary, with iperf3's
 * rules for which side's bytes and which stream's duration go where
 * (protocol reference 6.5). Reads streams; never changes the test's state.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "session_int.h"

struct reporter *
session_rpt(struct session *sess)
{
	if (sess->rpt == NULL)
		sess->rpt = report_new(sess->set, sess->role->client,
		    sess->out.out, sess->out.err,
		    !sess->role->client && sess->p.get_server_output);
	if (sess->out.tag != NULL)
		report_set_tag(sess->rpt, sess->out.tag);
	return sess->rpt;
}

void
session_fill_test_start(struct session *sess)
{
	const struct test_params *p = &sess->p;
	struct rpt_start *st = &sess->start;

	st->sock_bufsize = p->window;
	if (sess->nstreams > 0)
		net_get_bufs(stream_fd(sess->streams[0]), &st->sndbuf_actual,
		    &st->rcvbuf_actual);
	st->proto = p->proto;
	st->sctp = p->sctp;
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
	st->fq_rate = p->fqrate;
	st->interval = sess->set->interval;
	st->title = p->title;
	st->extra_data = p->extra_data;
	st->tcp_mss = p->mss;
	st->gso = p->gso;
	st->gro = p->gro;
}

/* Stream order for reports: client->server streams first. */
static size_t
session_report_order(struct session *sess, struct stream **order)
{
	size_t n = 0;
	int pass, i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < sess->nstreams; i++) {
			struct stream *sp = sess->streams[i];
			bool c2s = stream_is_sender(sp) == sess->role->client;

			if (c2s == (pass == 0))
				order[n++] = sp;
		}
	return n;
}

/* TCP receivers may hold bytes below their wake-up threshold: count them. */
void
session_drain(struct session *sess)
{
	int i;

	for (i = 0; i < sess->nstreams; i++)
		stream_drain(sess->streams[i]);
}

/* The -n/-k budget in bytes (0: none), and the most either direction moved. */
static uint64_t
session_budget(const struct session *sess, uint64_t *done)
{
	const struct test_params *p = &sess->p;
	const struct budget *b = &sess->env.budget;

	*done = b->sent > b->rcvd ? b->sent : b->rcvd;
	return p->bytes != 0 ? p->bytes : p->blocks * (uint64_t)p->blksize;
}

/*
 * Is the test expected to end within half an interval of now? Then the
 * interval ending now is held, so that the drain after the sender stops
 * (a few milliseconds) joins it instead of being printed as an interval
 * of its own with a rate that means nothing (issue 14). The guess only
 * decides what can be folded: a held interval is printed at the next
 * tick if the test goes on.
 */
static bool
session_end_near(
    const struct session *sess, double now, uint64_t moved, double since)
{
	double half = 0.5 * sess->set->interval;
	uint64_t limit, done;

	if (sess->omitting)
		return false;
	if (sess->p.duration > 0)
		return now - sess->started_at >= sess->p.duration - half;
	limit = session_budget(sess, &done);
	if (limit == 0 || since <= 0)
		return false;
	return done >= limit ||
	    (double)(limit - done) < (double)moved / since * half;
}

/*
 * Past the test's end (-t elapsed, or the -n/-k budget moved), what still
 * moves is the senders' buffers emptying: their drain, even before this
 * side hears of it.
 */
static bool
session_past_end(const struct session *sess, double now)
{
	uint64_t limit, done;

	if (sess->omitting)
		return false;
	if (sess->p.duration > 0)
		return now - sess->started_at >= sess->p.duration;
	limit = session_budget(sess, &done);
	return limit != 0 && done >= limit;
}

/* Report ivs, with the round trips in h (cur or held) when probing. */
static void
session_emit(struct session *sess, const struct rpt_stream_iv *ivs, size_t n,
    struct lat_hist *h)
{
	struct rpt_interval iv;

	iv.nstreams = n;
	iv.streams = ivs;
	iv.lat =
	    n > 0 && sess->lat != NULL ? session_lat_take(sess, h, ivs) : NULL;
	report_interval(session_rpt(sess), &iv);
}

/* The round trips since the last report join the held interval's. */
static void
session_lat_fold(struct session *sess)
{
	if (sess->lat == NULL)
		return;
	lat_hist_merge(&sess->lat->held, &sess->lat->cur);
	lat_hist_reset(&sess->lat->cur);
}

/* Print the held interval, with the tail folded in if it is given. */
static void
session_release_held(
    struct session *sess, const struct rpt_stream_iv *tail, size_t n)
{
	size_t i;

	if (sess->held_n == 0)
		return;
	if (tail != NULL && n == sess->held_n)
		for (i = 0; i < n; i++)
			counters_iv_fold(&sess->held[i], &tail[i]);
	session_emit(sess, sess->held, sess->held_n,
	    sess->lat != NULL ? &sess->lat->held : NULL);
	free(sess->held);
	sess->held = NULL;
	sess->held_n = 0;
}

/*
 * Report one interval ending now, and return that instant. The receivers
 * are drained before the clock is read, so an interval holds only what
 * reached its sockets before it ended: read after the clock, the drain
 * took in what arrived while it ran (on a 1 Gbit/s link, a whole 64 KiB
 * frame at one bound in five, issue 14). At the end (final), a tail
 * shorter than half of -i, or one that is only the drain after the
 * senders stopped, joins the held interval before it; with none held, a
 * tail shorter than 10 % of -i in which nothing moved is dropped, as
 * iperf3 drops it. A tick during the drain (or past the test's end) folds
 * into the held interval too.
 */
double
session_sample_interval(struct session *sess, bool final)
{
	struct stream **order;
	struct rpt_stream_iv *ivs;
	uint64_t moved = 0;
	size_t i, n;
	double now, since, ivl = sess->set->interval;

	session_drain(sess);
	now = clock_now();
	since = now - sess->iv_at;
	session_lat_cut(sess, final);
	if (sess->nstreams == 0)
		return now;
	order = xcalloc((size_t)sess->nstreams, sizeof(*order));
	ivs = xcalloc((size_t)sess->nstreams, sizeof(*ivs));
	n = session_report_order(sess, order);
	for (i = 0; i < n; i++) {
		stream_interval(order[i], now, sess->omitting,
		    final && !sess->omitting, &ivs[i]);
		moved += ivs[i].bytes;
	}
	free(order);
	sess->iv_at = now;
	if (ivl <= 0) {
		free(ivs);
		return now;
	}
	if (sess->held_n > 0 && n == sess->held_n &&
	    (sess->draining || session_past_end(sess, now))) {
		for (i = 0; i < n; i++)
			counters_iv_fold(&sess->held[i], &ivs[i]);
		session_lat_fold(sess);
		if (final)
			session_release_held(sess, NULL, 0);
	} else if (final && sess->held_n > 0 && since < 0.5 * ivl) {
		session_lat_fold(sess);
		session_release_held(sess, moved > 0 ? ivs : NULL, n);
	} else if (final && moved == 0 && since < 0.1 * ivl) {
		session_lat_fold(sess);
		session_release_held(sess, NULL, 0);
	} else if (!final && session_end_near(sess, now, moved, since)) {
		session_release_held(sess, NULL, 0);
		session_lat_fold(sess);
		sess->held = ivs;
		sess->held_n = n;
		return now;
	} else {
		session_release_held(sess, NULL, 0);
		session_emit(
		    sess, ivs, n, sess->lat != NULL ? &sess->lat->cur : NULL);
	}
	free(ivs);
	return now;
}

struct stream *
session_find_stream(const struct session *sess, int id)
{
	return session_stream_at(sess, proto_stream_k(id));
}

void
session_local_results(struct session *sess, struct results *r)
{
	bool any_sender = false;
	double cpu[3];
	int i;

	memset(r, 0, sizeof(*r));
	clock_cpu_util(&sess->cpu0, &sess->cpu1, cpu);
	r->cpu_total = cpu[0];
	r->cpu_user = cpu[1];
	r->cpu_system = cpu[2];
	r->streams = xcalloc(
	    (size_t)(sess->nstreams ? sess->nstreams : 1), sizeof(*r->streams));
	for (i = 0; i < sess->nstreams; i++) {
		any_sender |= stream_is_sender(sess->streams[i]);
		stream_result(sess->streams[i], &r->streams[i]);
	}
	r->nstreams = (size_t)sess->nstreams;
	if (!any_sender)
		r->sender_has_retransmits = -1;
	else
		r->sender_has_retransmits = sess->p.proto == PROTO_TCP &&
		    !sess->p.sctp && osdep_has_retrans();
	memcpy(r->congestion, sess->congestion, sizeof(r->congestion));
}

/* Take the peer's results (r is emptied); IE_STREAMID if an id is new. */
int
session_apply_peer(struct session *sess, struct results *r)
{
	size_t i;

	for (i = 0; i < r->nstreams; i++)
		if (session_find_stream(sess, r->streams[i].id) == NULL)
			return IE_STREAMID;
	proto_results_free(&sess->peer);
	sess->peer = *r;
	memset(r, 0, sizeof(*r));
	sess->have_peer = true;
	free(sess->peer_at);
	sess->peer_at = xcalloc((size_t)sess->nk, sizeof(*sess->peer_at));
	for (i = 0; i < (size_t)sess->nk; i++)
		sess->peer_at[i] = -1;
	/* A repeated id: the last entry counts. */
	for (i = 0; i < sess->peer.nstreams; i++)
		sess->peer_at[proto_stream_k(sess->peer.streams[i].id)] =
		    (int)i;
	return 0;
}

/* The peer's entry for stream id, or NULL. */
static const struct result_stream *
session_peer_entry(const struct session *sess, int id)
{
	int k = proto_stream_k(id);

	if (!sess->have_peer || k < 0 || k >= sess->nk || sess->peer_at[k] < 0)
		return NULL;
	return &sess->peer.streams[sess->peer_at[k]];
}

/* T_snd and T_rcv come from the first stream only (reference 6.5). */
static void
session_end_times(struct session *sess, double *t_snd, double *t_rcv)
{
	struct stream *sp = sess->streams[0];
	const struct result_stream *pr =
	    session_peer_entry(sess, stream_id(sp));
	double local = stream_secs(sp), peer = 0;

	if (pr != NULL)
		peer = pr->end_time - pr->start_time;
	if (peer <= 0)
		peer = local;
	*t_snd = stream_is_sender(sp) ? local : peer;
	*t_rcv = stream_is_sender(sp) ? peer : local;
}

/* Which congestion key is local (reference 6.5 point 4). */
static void
session_congestion(struct session *sess, struct rpt_end *end, const char *local)
{
	const struct test_params *p = &sess->p;
	const char *remote = NULL;
	bool local_sends;

	if (p->proto != PROTO_TCP)
		return;
	if (sess->have_peer && sess->peer.congestion[0] != '\0')
		remote = sess->peer.congestion;
	local_sends = (p->reverse || p->bidir) != sess->role->client;
	end->sender_congestion = local_sends ? local : remote;
	end->receiver_congestion = local_sends ? remote : local;
}

static void
session_fill_ends(struct session *sess, struct rpt_end *end,
    struct rpt_stream_end *ends, struct stream **order, size_t n)
{
	bool peer_retrans =
	    sess->have_peer && sess->peer.sender_has_retransmits == 1;
	double t_snd, t_rcv;
	size_t i;

	session_end_times(sess, &t_snd, &t_rcv);
	for (i = 0; i < n; i++) {
		stream_summary(order[i],
		    session_peer_entry(sess, stream_id(order[i])), peer_retrans,
		    &ends[i]);
		ends[i].snd_seconds = t_snd;
		ends[i].rcv_seconds = t_rcv;
		ends[i].local_seconds = stream_secs(sess->streams[0]);
	}
	memset(end, 0, sizeof(*end));
	end->nstreams = n;
	end->streams = ends;
}

void
session_summary(struct session *sess, bool peer_known)
{
	struct stream **order;
	struct rpt_stream_end *ends;
	struct rpt_end end;
	struct rpt_latency lat[2];
	struct results lr;
	double cpu[3];
	size_t n;

	if (sess->summarized || !sess->started || sess->nstreams == 0)
		return;
	sess->summarized = true;
	order = xcalloc((size_t)sess->nstreams, sizeof(*order));
	ends = xcalloc((size_t)sess->nstreams, sizeof(*ends));
	n = session_report_order(sess, order);
	session_fill_ends(sess, &end, ends, order, n);
	end.peer_known = peer_known;
	clock_cpu_util(&sess->cpu0, &sess->cpu1, cpu);
	end.cpu_host_total = cpu[0];
	end.cpu_host_user = cpu[1];
	end.cpu_host_system = cpu[2];
	if (sess->have_peer) {
		end.cpu_remote_total = sess->peer.cpu_total;
		end.cpu_remote_user = sess->peer.cpu_user;
		end.cpu_remote_system = sess->peer.cpu_system;
	}
	session_local_results(sess, &lr);
	session_congestion(sess, &end, lr.congestion[0] ? lr.congestion : NULL);
	session_lat_end(sess, &end, lat);
	report_summary(session_rpt(sess), &end);
	proto_results_free(&lr);
	free(ends);
	free(order);
}
