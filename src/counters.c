/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * counters.c: the -n/-k budget and one stream's counters (see
 * counters.h). Pure: no clocks, no sockets, no allocation. Which side's
 * number goes where follows the protocol reference 6.5 (iperf3's
 * iperf_print_results): jitter and loss are the receiver's, packets the
 * sender's when known.
 */
#include "compat.h"

#include <string.h>

#include "counters.h"

/*
 * A stock iperf3 server checks its -n/-k only between whole blocks
 * (iperf_send_mt), so it sends the budget rounded up to whole blocks,
 * counted over all its streams. Blocks of -k are whole already.
 */
void
budget_init(struct budget *b, uint64_t bytes, uint64_t blocks, size_t blksize,
    bool send_only)
{
	uint64_t blk = blksize > 0 ? blksize : 1, limit, rem;

	memset(b, 0, sizeof(*b));
	b->send_only = send_only;
	if (bytes != 0)
		limit = bytes;
	else if (blocks > UINT64_MAX / blk)
		limit = UINT64_MAX;
	else
		limit = blocks * blk;
	rem = limit % blk;
	if (send_only && rem != 0)
		limit = limit > UINT64_MAX - (blk - rem) ? UINT64_MAX
							 : limit + (blk - rem);
	b->limit = limit;
}

uint64_t
budget_limit(const struct budget *b)
{
	return b->armed ? b->limit : 0;
}

size_t
budget_chunk(const struct budget *b, size_t want)
{
	uint64_t limit = budget_limit(b), left;

	if (limit == 0)
		return want;
	if (b->taken >= limit)
		return 0;
	left = limit - b->taken;
	return left < want ? (size_t)left : want;
}

int
budget_dgrams(const struct budget *b, size_t len, int n)
{
	uint64_t limit = budget_limit(b), left;

	if (limit == 0)
		return n;
	if (b->sent >= limit)
		return 0;
	left = (limit - b->sent + len - 1) / len;
	return left < (uint64_t)n ? (int)left : n;
}

bool
budget_spent(const struct budget *b)
{
	uint64_t limit = budget_limit(b);

	return !b->send_only && limit != 0 &&
	    (b->sent >= limit || b->rcvd >= limit);
}

bool
budget_counts_rx(const struct budget *b)
{
	return !b->send_only && b->limit != 0;
}

static void
counters_reset_extremes(struct counters *c)
{
	c->max_cwnd = c->max_wnd = c->max_rtt = 0;
	c->rtt_sum = c->rtt_n = 0;
	c->min_rtt = UINT64_MAX;
}

void
counters_init(struct counters *c, bool tcpinfo, bool sender, bool udp)
{
	memset(c, 0, sizeof(*c));
	c->tcpinfo = tcpinfo;
	c->sender = sender;
	c->udp = udp;
	counters_reset_extremes(c);
	udpstat_init(&c->us);
}

void
counters_begin(struct counters *c, double now)
{
	c->t_start = c->t_iv = c->t_end = now;
	c->retr_omit = c->retr_iv = c->retr_now;
}

void
counters_unsent(struct counters *c, int64_t unsent)
{
	if (!c->sender || c->udp || unsent < 0) {
		c->sent_view = false;
		return;
	}
	if (!c->sent_view)
		c->unsent_iv = (uint64_t)unsent;
	c->sent_view = true;
	c->unsent_now = (uint64_t)unsent;
}

void
counters_flush(struct counters *c)
{
	c->unsent_now = 0;
}

void
counters_tcp_sample(struct counters *c, const struct tcp_sample *ts)
{
	c->ts_last = *ts;
	c->retr_now = ts->total_retrans;
	if (ts->snd_cwnd > c->max_cwnd)
		c->max_cwnd = ts->snd_cwnd;
	if (ts->snd_wnd > c->max_wnd)
		c->max_wnd = ts->snd_wnd;
	if (ts->rtt > c->max_rtt)
		c->max_rtt = ts->rtt;
	if (ts->rtt < c->min_rtt)
		c->min_rtt = ts->rtt;
	c->rtt_sum += ts->rtt;
	c->rtt_n++;
	c->reorder = ts->reorder;
}

void
counters_omit_end(struct counters *c, double now)
{
	c->bytes_omit = c->bytes_iv = c->bytes;
	c->t_start = c->t_iv = now;
	c->retr_omit = c->retr_iv = c->retr_now;
	c->packets_omit = c->packets_iv = c->packets;
	c->maxseq_omit = c->maxseq_iv = c->us.max_seq;
	c->lost_omit = c->lost_iv = c->us.lost;
	c->ooo_omit = c->ooo_iv = c->us.out_of_order;
	counters_reset_extremes(c);
}

static void
counters_interval_udp(struct counters *c, struct rpt_stream_iv *iv)
{
	if (c->sender) {
		iv->packets = c->packets - c->packets_iv;
		c->packets_iv = c->packets;
		return;
	}
	iv->packets = c->us.max_seq - c->maxseq_iv;
	iv->lost = c->us.lost - c->lost_iv;
	iv->jitter_s = c->us.jitter;
	iv->out_of_order = c->us.out_of_order - c->ooo_iv;
	c->maxseq_iv = c->us.max_seq;
	c->lost_iv = c->us.lost;
	c->ooo_iv = c->us.out_of_order;
}

void
counters_interval(
    struct counters *c, double now, bool omitted, struct rpt_stream_iv *iv)
{
	memset(iv, 0, sizeof(*iv));
	iv->sender = c->sender;
	iv->omitted = omitted;
	iv->start = c->t_iv - c->t_start;
	iv->end = now - c->t_start;
	iv->bytes = c->bytes - c->bytes_iv;
	if (c->sent_view) {
		/* Written, less what the buffer still held then and now. */
		int64_t d = (int64_t)iv->bytes + (int64_t)c->unsent_iv -
		    (int64_t)c->unsent_now;

		iv->bytes = d > 0 ? (uint64_t)d : 0;
		c->unsent_iv = c->unsent_now;
	}
	iv->has_tcpinfo = c->tcpinfo && c->sender;
	if (c->tcpinfo) {
		iv->retransmits = (int64_t)(c->retr_now - c->retr_iv);
		iv->snd_cwnd = c->ts_last.snd_cwnd;
		iv->snd_wnd = c->ts_last.snd_wnd;
		iv->rtt = c->ts_last.rtt;
		iv->rttvar = c->ts_last.rttvar;
		iv->pmtu = c->ts_last.pmtu;
		iv->reorder = c->ts_last.reorder;
		c->retr_iv = c->retr_now;
	}
	if (c->udp)
		counters_interval_udp(c, iv);
	c->bytes_iv = c->bytes;
	c->t_iv = now;
}

/*
 * Counts add up; what is a reading at the interval's end (the TCP_INFO
 * sample, the running jitter) comes from the tail, the later end.
 */
void
counters_iv_fold(struct rpt_stream_iv *iv, const struct rpt_stream_iv *tail)
{
	iv->end = tail->end;
	iv->bytes += tail->bytes;
	iv->retransmits += tail->retransmits;
	if (tail->has_tcpinfo || tail->snd_cwnd != 0 || tail->rtt != 0) {
		iv->snd_cwnd = tail->snd_cwnd;
		iv->snd_wnd = tail->snd_wnd;
		iv->rtt = tail->rtt;
		iv->rttvar = tail->rttvar;
		iv->pmtu = tail->pmtu;
		iv->reorder = tail->reorder;
	}
	iv->packets += tail->packets;
	iv->lost += tail->lost;
	iv->out_of_order += tail->out_of_order;
	if (!iv->sender)
		iv->jitter_s = tail->jitter_s;
}

void
counters_end(struct counters *c, double now)
{
	c->t_end = now;
}

double
counters_secs(const struct counters *c)
{
	return c->t_end - c->t_start;
}

/* UDP counters travel cumulative, with their values at the end of -O. */
void
counters_result(const struct counters *c, struct result_stream *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->bytes = c->bytes - c->bytes_omit;
	rs->retransmits = c->sender && c->tcpinfo
	    ? (int64_t)(c->retr_now - c->retr_omit)
	    : -1;
	rs->end_time = counters_secs(c);
	if (!c->udp)
		return;
	if (c->sender) {
		rs->packets = (int64_t)c->packets;
		rs->omitted_packets = (int64_t)c->packets_omit;
		return;
	}
	rs->packets = (int64_t)c->us.max_seq;
	rs->omitted_packets = (int64_t)c->maxseq_omit;
	rs->errors = c->us.lost;
	rs->omitted_errors = c->lost_omit;
	rs->jitter = c->us.jitter;
}

static void
counters_summary_udp(const struct counters *c, const struct result_stream *pr,
    struct rpt_stream_end *e)
{
	if (c->sender) {
		e->packets = c->packets - c->packets_omit;
		if (pr != NULL) {
			e->jitter_s = pr->jitter;
			e->lost = pr->errors - pr->omitted_errors;
			e->packets_rcvd =
			    (uint64_t)(pr->packets - pr->omitted_packets);
		}
		return;
	}
	e->jitter_s = c->us.jitter;
	e->packets_rcvd = c->us.max_seq - c->maxseq_omit;
	e->lost = c->us.lost - c->lost_omit;
	e->out_of_order = c->us.out_of_order - c->ooo_omit;
	e->packets = pr != NULL ? (uint64_t)(pr->packets - pr->omitted_packets)
				: c->us.max_seq - c->maxseq_omit;
}

void
counters_summary(const struct counters *c, const struct result_stream *peer,
    bool peer_retrans, struct rpt_stream_end *e)
{
	uint64_t local = c->bytes - c->bytes_omit;
	uint64_t remote = peer != NULL ? peer->bytes : 0;

	memset(e, 0, sizeof(*e));
	e->sender = c->sender;
	e->bytes_sent = c->sender ? local : remote;
	e->bytes_received = c->sender ? remote : local;
	if (c->sender) {
		e->has_retrans = c->tcpinfo;
		e->retransmits = (int64_t)(c->retr_now - c->retr_omit);
	} else {
		e->has_retrans = peer_retrans;
		e->retransmits = peer != NULL ? peer->retransmits : 0;
	}
	if (c->udp)
		counters_summary_udp(c, peer, e);
	if (c->sender && c->rtt_n > 0) {
		e->max_snd_cwnd = c->max_cwnd;
		e->max_snd_wnd = c->max_wnd;
		e->max_rtt = c->max_rtt;
		e->min_rtt = c->min_rtt;
		e->mean_rtt = c->rtt_sum / c->rtt_n;
		e->reorder = c->reorder;
	}
}
