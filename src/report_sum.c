/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_sum.c: the numbers both renderers derive from the session's
 * snapshots, computed once here so that the text and the -J document
 * always agree: the split of the report order into its two directions
 * (--bidir) and which of them is client->server, the per-direction totals
 * of an interval or a summary, and iperf3's UDP receiver group (jitter,
 * lost, total, lost percent). Pure arithmetic on plain data: it formats
 * nothing, prints nothing and reads no clock.
 */
#include "compat.h"

#include <stdio.h>

#include "report.h"
#include "report_int.h"

double
report_div(double x, double y)
{
	double q;

	if (!(y > 0))
		return 0;
	q = x / y;
	if (q != q || q > 1e300 || q < -1e300)
		return 0;
	return q;
}

bool
report_dir_forward(const struct reporter *r, bool sender)
{
	return r->client ? sender : !sender;
}

/* Both groups from the count n1 of leading streams that share role first. */
static void
report_dirs(const struct reporter *r, size_t n1, size_t n, bool bidir,
    bool first, struct report_dir dir[2])
{
	dir[0] = (struct report_dir){ .from = 0, .to = n1, .forward = true };
	dir[1] = (struct report_dir){ .from = n1, .to = n, .forward = false };
	if (bidir && n > 0 && !report_dir_forward(r, first)) {
		dir[0].forward = false;
		dir[1].forward = true;
	}
}

void
report_iv_dirs(const struct reporter *r, const struct rpt_interval *iv,
    bool bidir, struct report_dir dir[2])
{
	size_t n1 = iv->nstreams;

	if (bidir && iv->nstreams > 0)
		for (n1 = 1; n1 < iv->nstreams; n1++)
			if (iv->streams[n1].sender != iv->streams[0].sender)
				break;
	report_dirs(r, n1, iv->nstreams, bidir,
	    iv->nstreams > 0 && iv->streams[0].sender, dir);
}

void
report_end_dirs(const struct reporter *r, const struct rpt_end *end, bool bidir,
    struct report_dir dir[2])
{
	size_t n1 = end->nstreams;

	if (bidir && end->nstreams > 0)
		for (n1 = 1; n1 < end->nstreams; n1++)
			if (end->streams[n1].sender != end->streams[0].sender)
				break;
	report_dirs(r, n1, end->nstreams, bidir,
	    end->nstreams > 0 && end->streams[0].sender, dir);
}

void
report_total_ivs(
    const struct rpt_stream_iv *sp, size_t n, struct report_total *t)
{
	size_t i;

	*t = (struct report_total){ .n = n };
	for (i = 0; i < n; i++) {
		t->sent += sp[i].bytes;
		t->packets += sp[i].packets;
		t->lost += sp[i].lost;
		t->retrans += sp[i].retransmits;
		t->jitter += sp[i].jitter_s;
		t->has_retrans |= sp[i].sender && sp[i].has_tcpinfo;
	}
}

void
report_total_ends(
    const struct rpt_stream_end *sp, size_t n, struct report_total *t)
{
	size_t i;

	*t = (struct report_total){ .n = n };
	for (i = 0; i < n; i++) {
		t->sent += sp[i].bytes_sent;
		t->received += sp[i].bytes_received;
		t->packets += sp[i].packets;
		t->packets_rcvd += sp[i].packets_rcvd;
		t->lost += sp[i].lost;
		t->retrans += sp[i].retransmits;
		t->jitter += sp[i].jitter_s;
		t->has_retrans |= sp[i].has_retrans;
	}
}

struct report_udp
report_udp(double jitter_s, int64_t lost, uint64_t packets)
{
	struct report_udp u;

	u.jitter_ms = jitter_s * 1000.0;
	u.lost = lost;
	u.packets = packets;
	u.lost_pct = report_div(100.0 * (double)lost, (double)packets);
	return u;
}

struct report_udp
report_total_udp(const struct report_total *t, uint64_t packets)
{
	struct report_udp u;

	u = report_udp(0, t->lost, packets);
	u.jitter_ms = report_div(t->jitter * 1000.0, (double)t->n);
	return u;
}

bool
report_sums_only(const struct reporter *r)
{
	return r->s->sum_only && report_num_streams(r) > 1;
}
