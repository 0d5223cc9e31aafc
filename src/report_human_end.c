/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_human_end.c: the human renderer's end-of-test summary: per
 * direction the sender and receiver rows of every stream and of the sum,
 * -F's file line, and -V's CPU and congestion lines, in iperf3's layout
 * (the formats are report_human.c's table, report_human_int.h).
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "report_human_int.h"
#include "units.h"

/*
 * Whether one half (the sender's or the receiver's) of a summary row is
 * known: the server does not learn the client's half. If not, -V says so.
 */
static bool
rh_known(struct reporter *r, const struct rpt_end *end, bool half, bool sender,
    int socket)
{
	char id[RH_ID_LEN];

	if (end->peer_known || half == sender)
		return true;
	if (r->s->verbose)
		report_printf(
		    r, rh_fmt[half ? RH_SND_NA : RH_RCV_NA], rh_id(id, socket));
	return false;
}

/*
 * -F: iperf3's line after a stream's sender row: what this end sent or
 * received of the file, in iperf3's 'A' units ("MByte", no plural).
 */
static void
rh_diskfile(struct reporter *r, const struct rpt_stream_end *sp)
{
	char done[RH_UNIT_LEN], size[RH_UNIT_LEN];
	uint64_t bytes = sp->sender ? sp->bytes_sent : sp->bytes_received;
	int pct = 100;
	size_t n;

	if (sp->file_size > 0)
		pct = (int)((double)bytes / (double)sp->file_size * 100.0);
	units_fmt_bytes(done, sizeof(done), (double)bytes);
	units_fmt_bytes(size, sizeof(size), (double)sp->file_size);
	if ((n = strlen(done)) > 0 && done[n - 1] == 's')
		done[n - 1] = '\0';
	if ((n = strlen(size)) > 0 && size[n - 1] == 's')
		size[n - 1] = '\0';
	report_printf(r, rh_fmt[RH_DISKFILE], done, size, pct, sp->file);
}

/*
 * The sender and receiver rows of one stream or (RH_SUM_ROW) of a
 * direction's sum; ooo > 0 adds iperf3's UDP out-of-order line; fs, a
 * stream with a -F file (or NULL), adds its line.
 */
static void
rh_end_rows(struct reporter *r, const struct rpt_end *end, int socket,
    bool sender, const struct report_total *t, uint64_t ooo,
    const struct rpt_stream_end *fs)
{
	enum rh_id retr =
	    socket == RH_SUM_ROW ? RH_SUM_BW_RETR : RH_BW_RETR_END;
	double ts = end->streams[0].snd_seconds;
	double tr = end->streams[0].rcv_seconds;
	char head[RH_HEAD_LEN];
	struct report_udp u;
	bool known;

	rh_head(r, head, socket, sender, 0.0, ts, t->sent);
	u = report_udp(0, 0, t->packets);
	known = rh_known(r, end, true, sender, socket);
	if (known && rh_udp(r))
		rh_print_udp(r, head, &u, rh_sender);
	else if (known && t->has_retrans &&
	    (socket != RH_SUM_ROW || !report_sctp(r)))
		report_printf(
		    r, rh_fmt[retr], head, (long long)t->retrans, rh_sender);
	else if (known)
		report_printf(r, rh_fmt[RH_BW], head, rh_sender);
	if (ooo > 0)
		report_printf(r, rh_fmt[RH_OUTOFORDER], rh_tagof(r, sender),
		    0.0, ts, (long long)ooo);
	if (fs != NULL && fs->file != NULL)
		rh_diskfile(r, fs);
	rh_head(r, head, socket, sender, 0.0, tr, t->received);
	u = report_total_udp(t, t->packets_rcvd);
	known = rh_known(r, end, false, sender, socket);
	if (known && rh_udp(r))
		rh_print_udp(r, head, &u, rh_receiver);
	else if (known)
		report_printf(r, rh_fmt[RH_BW], head, rh_receiver);
}

/* -V: iperf3's CPU line; local plays role local, the peer role remote. */
static void
rh_cpu(struct reporter *r, const struct rpt_end *end, const char *local,
    const char *remote)
{
	report_printf(r, rh_fmt[RH_CPU], rh_local, local, end->cpu_host_total,
	    end->cpu_host_user, end->cpu_host_system, rh_remote, remote,
	    end->cpu_remote_total, end->cpu_remote_user,
	    end->cpu_remote_system);
}

/* -V lines after a direction: CPU (when it sends) and congestion. */
static void
rh_end_verbose(struct reporter *r, const struct rpt_end *end, bool sender)
{
	bool last_sender = end->streams[end->nstreams - 1].sender;
	const char *local, *remote;

	if (sender)
		rh_cpu(r, end, rh_sender, rh_receiver);
	if (sender && rh_bidir(r))
		rh_cpu(r, end, rh_receiver, rh_sender);
	if (rh_udp(r))
		return;
	/* The end keys describe the last direction; swap for the other. */
	local = last_sender ? end->sender_congestion : end->receiver_congestion;
	remote =
	    last_sender ? end->receiver_congestion : end->sender_congestion;
	if ((sender ? local : remote) != NULL)
		report_printf(r, rh_fmt[RH_SND_CONG], sender ? local : remote);
	if ((sender ? remote : local) != NULL)
		report_printf(r, rh_fmt[RH_RCV_CONG], sender ? remote : local);
}

static void
rh_end_group(
    struct reporter *r, const struct rpt_end *end, const struct report_dir *d)
{
	const struct rpt_stream_end *sp;
	struct report_total t;
	size_t i;

	if (d->from >= d->to)
		return;
	for (i = d->from; i < d->to && !report_sums_only(r); i++) {
		sp = &end->streams[i];
		report_total_ends(sp, 1, &t);
		rh_end_rows(r, end, sp->socket, sp->sender, &t,
		    rh_udp(r) ? sp->out_of_order : 0, sp);
	}
	sp = &end->streams[d->from];
	if (report_num_streams(r) > 1) {
		report_total_ends(sp, d->to - d->from, &t);
		rh_end_rows(r, end, RH_SUM_ROW, sp->sender, &t, 0, NULL);
	}
	if (r->s->verbose)
		rh_end_verbose(r, end, sp->sender);
}

void
rh_summary(struct reporter *r, const struct rpt_end *end)
{
	struct report_dir dir[2];
	enum rh_id h = RH_HDR_BW;
	size_t i;

	report_printf(r, rh_fmt[RH_SEPARATOR]);
	if (r->s->verbose)
		report_printf(r, rh_fmt[RH_SUMMARY]);
	for (i = 0; i < end->nstreams; i++)
		if (end->streams[i].has_retrans && !report_sctp(r))
			h = RH_HDR_RETR;
	report_printf(r, rh_fmt[rh_udp(r) ? RH_HDR_UDP : h], rh_roleof(r));
	if (end->nstreams == 0)
		return;
	report_end_dirs(r, end, rh_bidir(r), dir);
	rh_end_group(r, end, &dir[0]);
	rh_end_group(r, end, &dir[1]);
	rh_lat_summary(r, end);
}
