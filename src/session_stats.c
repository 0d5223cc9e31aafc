/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_stats.c: a test's numbers. Interval snapshots for the reporter
 * (report order: client->server streams first), the results message this
 * end sends and the peer's it applies, and the summary: per-stream totals
 * with iperf3's rules for which side's bytes and which stream's duration
 * go where (protocol reference 6.5). Reads counters and TCP_INFO; never
 * changes the test's state.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "session_int.h"

/* Stream order for reports: client->server streams first. */
static size_t
session_report_order(struct session *sess, struct stream **order)
{
	struct stream *sp;
	size_t n = 0;
	int pass;

	for (pass = 0; pass < 2; pass++)
		TAILQ_FOREACH(sp, &sess->streams, entry)
		{
			bool c2s = sess->client ? sp->sender : !sp->sender;

			if (c2s == (pass == 0))
				order[n++] = sp;
		}
	return n;
}

static void
session_fill_iv_udp(struct stream *sp, struct rpt_stream_iv *iv)
{
	if (sp->sender) {
		iv->packets = sp->packets - sp->packets_iv;
		sp->packets_iv = sp->packets;
		return;
	}
	iv->packets = sp->us.max_seq - sp->maxseq_iv;
	iv->lost = sp->us.lost - sp->lost_iv;
	iv->jitter_s = sp->us.jitter;
	iv->out_of_order = sp->us.out_of_order - sp->ooo_iv;
	sp->maxseq_iv = sp->us.max_seq;
	sp->lost_iv = sp->us.lost;
	sp->ooo_iv = sp->us.out_of_order;
}

static void
session_fill_iv(
    struct stream *sp, struct rpt_stream_iv *iv, double now, bool omitted)
{
	memset(iv, 0, sizeof(*iv));
	iv->socket = sp->conn.socket;
	iv->sender = sp->sender;
	iv->omitted = omitted;
	iv->start = sp->t_iv - sp->t_start;
	iv->end = now - sp->t_start;
	iv->bytes = sp->bytes - sp->bytes_iv;
	iv->has_tcpinfo = sp->tcpinfo && sp->sender;
	if (sp->tcpinfo) {
		stream_tcp_sample(sp);
		iv->retransmits = (int64_t)(sp->retr_now - sp->retr_iv);
		iv->snd_cwnd = sp->ts_last.snd_cwnd;
		iv->snd_wnd = sp->ts_last.snd_wnd;
		iv->rtt = sp->ts_last.rtt;
		iv->rttvar = sp->ts_last.rttvar;
		iv->pmtu = sp->ts_last.pmtu;
		iv->reorder = sp->ts_last.reorder;
		sp->retr_iv = sp->retr_now;
	}
	if (sp->sess->p.proto == PROTO_UDP)
		session_fill_iv_udp(sp, iv);
	sp->bytes_iv = sp->bytes;
	sp->t_iv = now;
}

/* TCP receivers may hold bytes below their wake-up threshold: count them. */
void
session_drain(struct session *sess)
{
	struct stream *sp;

	if (sess->p.proto != PROTO_TCP)
		return;
	TAILQ_FOREACH(sp, &sess->streams, entry)
	stream_tcp_drain(sp);
}

/*
 * Report one interval ending now. A final interval shorter than 10 % of
 * -i in which nothing moved is dropped, as iperf3 drops it.
 */
void
session_sample_interval(struct session *sess, double now, bool final)
{
	struct stream **order;
	struct rpt_stream_iv *ivs;
	struct rpt_interval iv;
	size_t i, n;
	uint64_t moved = 0;
	struct stream *sp;

	if (sess->nstreams == 0)
		return;
	session_drain(sess);
	TAILQ_FOREACH(sp, &sess->streams, entry)
	moved += sp->bytes - sp->bytes_iv;
	sp = TAILQ_FIRST(&sess->streams);
	if (final && moved == 0 && now - sp->t_iv < 0.1 * sess->set->interval)
		return;
	order = xcalloc((size_t)sess->nstreams, sizeof(*order));
	ivs = xcalloc((size_t)sess->nstreams, sizeof(*ivs));
	n = session_report_order(sess, order);
	for (i = 0; i < n; i++)
		session_fill_iv(order[i], &ivs[i], now, sess->omitting);
	iv.nstreams = n;
	iv.streams = ivs;
	if (sess->set->interval > 0)
		report_interval(session_rpt(sess), &iv);
	free(ivs);
	free(order);
}

static double
session_stream_secs(const struct stream *sp)
{
	return sp->t_end - sp->t_start;
}

/* UDP counters travel cumulative, with their values at the end of -O. */
static void
session_udp_result(const struct stream *sp, struct result_stream *rs)
{
	if (sp->sender) {
		rs->packets = (int64_t)sp->packets;
		rs->omitted_packets = (int64_t)sp->packets_omit;
		return;
	}
	rs->packets = (int64_t)sp->us.max_seq;
	rs->omitted_packets = (int64_t)sp->maxseq_omit;
	rs->errors = sp->us.lost;
	rs->omitted_errors = sp->lost_omit;
	rs->jitter = sp->us.jitter;
}

void
session_local_results(struct session *sess, struct results *r)
{
	struct stream *sp;
	size_t i = 0;
	bool any_sender = false;
	double cpu[3];

	memset(r, 0, sizeof(*r));
	clock_cpu_util(&sess->cpu0, &sess->cpu1, cpu);
	r->cpu_total = cpu[0];
	r->cpu_user = cpu[1];
	r->cpu_system = cpu[2];
	r->streams = xcalloc(
	    (size_t)(sess->nstreams ? sess->nstreams : 1), sizeof(*r->streams));
	TAILQ_FOREACH(sp, &sess->streams, entry)
	{
		struct result_stream *rs = &r->streams[i++];

		any_sender |= sp->sender;
		rs->id = sp->id;
		rs->bytes = sp->bytes - sp->bytes_omit;
		rs->retransmits = sp->sender && sp->tcpinfo
		    ? (int64_t)(sp->retr_now - sp->retr_omit)
		    : -1;
		rs->end_time = session_stream_secs(sp);
		if (sess->p.proto == PROTO_UDP)
			session_udp_result(sp, rs);
	}
	r->nstreams = i;
	if (!any_sender)
		r->sender_has_retransmits = -1;
	else
		r->sender_has_retransmits =
		    sess->p.proto == PROTO_TCP && osdep_has_retrans();
	memcpy(r->congestion, sess->congestion, sizeof(r->congestion));
}

int
session_apply_peer(struct session *sess, struct results *r)
{
	struct stream *sp;
	size_t i;

	for (i = 0; i < r->nstreams; i++) {
		TAILQ_FOREACH(sp, &sess->streams, entry)
		if (sp->id == r->streams[i].id)
			break;
		if (sp == NULL)
			return IE_STREAMID;
		sp->peer = r->streams[i];
		sp->has_peer = true;
	}
	proto_results_free(&sess->peer);
	sess->peer = *r;
	memset(r, 0, sizeof(*r));
	sess->have_peer = true;
	return 0;
}

/* T_snd and T_rcv come from the first stream only (reference 6.5). */
static void
session_end_times(struct session *sess, double *t_snd, double *t_rcv)
{
	struct stream *sp = TAILQ_FIRST(&sess->streams);
	double local = session_stream_secs(sp), peer = 0;

	if (sp->has_peer)
		peer = sp->peer.end_time - sp->peer.start_time;
	if (peer <= 0)
		peer = local;
	*t_snd = sp->sender ? local : peer;
	*t_rcv = sp->sender ? peer : local;
}

/* Jitter and loss are the receiver's; packets the sender's if known. */
static void
session_fill_end_udp(const struct stream *sp, struct rpt_stream_end *e)
{
	const struct result_stream *pr = &sp->peer;

	if (sp->sender) {
		e->packets = sp->packets - sp->packets_omit;
		if (sp->has_peer) {
			e->jitter_s = pr->jitter;
			e->lost = pr->errors - pr->omitted_errors;
			e->packets_rcvd =
			    (uint64_t)(pr->packets - pr->omitted_packets);
		}
		return;
	}
	e->jitter_s = sp->us.jitter;
	e->packets_rcvd = sp->us.max_seq - sp->maxseq_omit;
	e->lost = sp->us.lost - sp->lost_omit;
	e->out_of_order = sp->us.out_of_order - sp->ooo_omit;
	e->packets = sp->has_peer
	    ? (uint64_t)(pr->packets - pr->omitted_packets)
	    : sp->us.max_seq - sp->maxseq_omit;
}

static void
session_fill_end(
    struct session *sess, struct stream *sp, struct rpt_stream_end *e)
{
	uint64_t local = sp->bytes - sp->bytes_omit;
	uint64_t peer = sp->has_peer ? sp->peer.bytes : 0;

	e->socket = sp->conn.socket;
	e->sender = sp->sender;
	e->bytes_sent = sp->sender ? local : peer;
	e->bytes_received = sp->sender ? peer : local;
	if (sp->sender) {
		e->has_retrans = sp->tcpinfo;
		e->retransmits = (int64_t)(sp->retr_now - sp->retr_omit);
	} else {
		e->has_retrans =
		    sess->have_peer && sess->peer.sender_has_retransmits == 1;
		e->retransmits = sp->has_peer ? sp->peer.retransmits : 0;
	}
	if (sess->p.proto == PROTO_UDP)
		session_fill_end_udp(sp, e);
	if (sp->sender && sp->rtt_n > 0) {
		e->max_snd_cwnd = sp->max_cwnd;
		e->max_snd_wnd = sp->max_wnd;
		e->max_rtt = sp->max_rtt;
		e->min_rtt = sp->min_rtt;
		e->mean_rtt = sp->rtt_sum / sp->rtt_n;
		e->reorder = sp->reorder;
	}
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
	local_sends =
	    sess->client ? !(p->reverse || p->bidir) : (p->reverse || p->bidir);
	end->sender_congestion = local_sends ? local : remote;
	end->receiver_congestion = local_sends ? remote : local;
}

void
session_summary(struct session *sess, bool peer_known)
{
	struct stream **order;
	struct rpt_stream_end *ends;
	struct rpt_end end;
	struct results lr;
	double t_snd, t_rcv, cpu[3];
	size_t i, n;

	if (sess->summarized || !sess->started || sess->nstreams == 0)
		return;
	sess->summarized = true;
	order = xcalloc((size_t)sess->nstreams, sizeof(*order));
	ends = xcalloc((size_t)sess->nstreams, sizeof(*ends));
	n = session_report_order(sess, order);
	session_end_times(sess, &t_snd, &t_rcv);
	for (i = 0; i < n; i++) {
		session_fill_end(sess, order[i], &ends[i]);
		ends[i].snd_seconds = t_snd;
		ends[i].rcv_seconds = t_rcv;
		ends[i].local_seconds =
		    session_stream_secs(TAILQ_FIRST(&sess->streams));
	}
	memset(&end, 0, sizeof(end));
	end.nstreams = n;
	end.streams = ends;
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
	report_summary(session_rpt(sess), &end);
	proto_results_free(&lr);
	free(ends);
	free(order);
}
