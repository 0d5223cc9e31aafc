/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_human.c: iperf3's human-readable layout (3.12 as shipped in
 * Debian, with the 3.18+ sender summary line). Every format string lives in
 * the one table below; the layouts were checked column by column against
 * captures of iperf3 on loopback (see docs and test/data). This file only
 * formats: prefixes, sinks and capture are report.c's business, and it
 * never touches the -J document.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "report.h"
#include "report_int.h"
#include "units.h"

enum rh_id {
	RH_LINE,
	RH_EMPTY,
	RH_NEWLINE,
	RH_CTRL_MSS,
	RH_TIME,
	RH_CONNECTING,
	RH_REVERSE,
	RH_ACCEPTED,
	RH_COOKIE,
	RH_MSS_DEFAULT,
	RH_MSS,
	RH_RATE,
	RH_STREAM,
	RH_START_TIME,
	RH_START_BYTES,
	RH_START_BLOCKS,
	RH_HDR_BW,
	RH_HDR_RETR,
	RH_HDR_RETR_CWND,
	RH_HDR_UDP,
	RH_HDR_UDP_SND,
	RH_BW,
	RH_BW_RETR_CWND,
	RH_BW_RETR_END,
	RH_UDP,
	RH_UDP_SND,
	RH_SUM_BW,
	RH_SUM_BW_RETR,
	RH_SUM_UDP,
	RH_SUM_UDP_SND,
	RH_OUTOFORDER,
	RH_SEPARATOR,
	RH_SUMMARY,
	RH_CPU,
	RH_SND_CONG,
	RH_RCV_CONG,
	RH_SND_NA,
	RH_RCV_NA,
	RH_SUM_SND_NA,
	RH_SUM_RCV_NA,
	RH_DONE,
	RH_SERVER_TEXT,
	RH_SERVER_JSON,
	RH_DASHES,
	RH_LISTENING,
};

/*
 * iperf3's layouts (src/iperf_locale.c) re-typed for evperf: the Transfer
 * and Bitrate strings from units.c already carry "Bytes" and "bits/sec".
 * RH_BW_RETR_END is the 3.18+ per-stream sender summary (12 spaces).
 */
static const char *const rh_fmt[] = {
	[RH_LINE] = "%s\n",
	[RH_EMPTY] = "%s",
	[RH_NEWLINE] = "\n",
	[RH_CTRL_MSS] = "Control connection MSS %d\n",
	[RH_TIME] = "Time: %s\n",
	[RH_CONNECTING] = "Connecting to host %s, port %d\n",
	[RH_REVERSE] = "Reverse mode, remote host %s is sending\n",
	[RH_ACCEPTED] = "Accepted connection from %s, port %d\n",
	[RH_COOKIE] = "      Cookie: %s\n",
	[RH_MSS_DEFAULT] = "      TCP MSS: %d (default)\n",
	[RH_MSS] = "      TCP MSS: %d\n",
	[RH_RATE] = "      Target Bitrate: %llu\n",
	[RH_STREAM] = "[%3d] local %s port %d connected to %s port %d\n",
	[RH_START_TIME] = "Starting Test: protocol: %s, %d streams, "
			  "%d byte blocks, omitting %d seconds, "
			  "%d second test, tos %d\n",
	[RH_START_BYTES] = "Starting Test: protocol: %s, %d streams, "
			   "%d byte blocks, omitting %d seconds, "
			   "%llu bytes to send, tos %d\n",
	[RH_START_BLOCKS] = "Starting Test: protocol: %s, %d streams, "
			    "%d byte blocks, omitting %d seconds, "
			    "%llu blocks to send, tos %d\n",
	[RH_HDR_BW] = "[ ID]%s Interval           Transfer     Bitrate\n",
	[RH_HDR_RETR] = "[ ID]%s Interval           Transfer     Bitrate"
			"         Retr\n",
	[RH_HDR_RETR_CWND] = "[ ID]%s Interval           Transfer     Bitrate"
			     "         Retr  Cwnd\n",
	[RH_HDR_UDP] = "[ ID]%s Interval           Transfer     Bitrate"
		       "         Jitter    Lost/Total Datagrams\n",
	[RH_HDR_UDP_SND] = "[ ID]%s Interval           Transfer     Bitrate"
			   "         Total Datagrams\n",
	[RH_BW] = "[%3d]%s %6.2f-%-6.2f sec  %s  %s                  %s\n",
	[RH_BW_RETR_CWND] = "[%3d]%s %6.2f-%-6.2f sec  %s  %s  %3lld   %s"
			    "       %s\n",
	[RH_BW_RETR_END] = "[%3d]%s %6.2f-%-6.2f sec  %s  %s  %3lld"
			   "            %s\n",
	[RH_UDP] = "[%3d]%s %6.2f-%-6.2f sec  %s  %s  %5.3f ms  "
		   "%lld/%llu (%.2g%%)  %s\n",
	[RH_UDP_SND] = "[%3d]%s %6.2f-%-6.2f sec  %s  %s %s %llu  %s\n",
	[RH_SUM_BW] = "[SUM]%s %6.2f-%-6.2f sec  %s  %s                  %s\n",
	[RH_SUM_BW_RETR] = "[SUM]%s %6.2f-%-6.2f sec  %s  %s  %3lld"
			   "             %s\n",
	[RH_SUM_UDP] = "[SUM]%s %6.2f-%-6.2f sec  %s  %s  %5.3f ms  "
		       "%lld/%llu (%.2g%%)  %s\n",
	[RH_SUM_UDP_SND] = "[SUM]%s %6.2f-%-6.2f sec  %s  %s %s %llu  %s\n",
	[RH_OUTOFORDER] = "[SUM]%s %4.1f-%4.1f sec  %lld datagrams received "
			  "out-of-order\n",
	[RH_SEPARATOR] = "- - - - - - - - - - - - - - - - - - - - - - - - -\n",
	[RH_SUMMARY] = "Test Complete. Summary Results:\n",
	[RH_CPU] = "CPU Utilization: %s/%s %.1f%% (%.1f%%u/%.1f%%s), "
		   "%s/%s %.1f%% (%.1f%%u/%.1f%%s)\n",
	[RH_SND_CONG] = "snd_tcp_congestion %s\n",
	[RH_RCV_CONG] = "rcv_tcp_congestion %s\n",
	[RH_SND_NA] = "[%3d] (sender statistics not available)\n",
	[RH_RCV_NA] = "[%3d] (receiver statistics not available)\n",
	[RH_SUM_SND_NA] = "[%3s] (sender statistics not available)\n",
	[RH_SUM_RCV_NA] = "[%3s] (receiver statistics not available)\n",
	[RH_DONE] = "iperf Done.\n",
	[RH_SERVER_TEXT] = "\nServer output:\n%s\n",
	[RH_SERVER_JSON] = "\nServer JSON output:\n%s\n",
	[RH_DASHES] = "-----------------------------------------------------"
		      "------\n",
	[RH_LISTENING] = "Server listening on %d (test #%d)\n",
};

/* Words that fill %s slots; kept here with the formats they complete. */
static const char *const rh_tag[2][2] = {
	{ "[RX-S]", "[TX-S]" }, /* server: [sender] */
	{ "[RX-C]", "[TX-C]" }, /* client: [sender] */
};
static const char rh_role[] = "[Role]";
static const char rh_omitted[] = "(omitted)";
static const char rh_sender[] = "sender";
static const char rh_receiver[] = "receiver";
static const char rh_local[] = "local";
static const char rh_remote[] = "remote";
static const char rh_sum[] = "SUM";
static const char rh_udp_pad[] = "          ";
static const char *const rh_proto[] = { "TCP", "UDP" };

#define RH_UNIT_LEN 32

static bool
rh_bidir(const struct reporter *r)
{
	return r->have_start ? r->st.bidir : r->s->bidir;
}

static bool
rh_udp(const struct reporter *r)
{
	return (r->have_start ? r->st.proto : r->s->proto) == PROTO_UDP;
}

static const char *
rh_tagof(const struct reporter *r, bool sender)
{
	return rh_bidir(r) ? rh_tag[r->client][sender] : "";
}

static const char *
rh_roleof(const struct reporter *r)
{
	return rh_bidir(r) ? rh_role : "";
}

/* Transfer and Bitrate columns for bytes moved in seconds. */
static void
rh_units(const struct reporter *r, double bytes, double seconds, char *xfer,
    char *rate)
{
	units_fmt_bytes(xfer, RH_UNIT_LEN, bytes);
	units_fmt_rate(
	    rate, RH_UNIT_LEN, report_div(bytes, seconds), r->s->format);
}

static double
rh_pct(int64_t lost, uint64_t packets)
{
	return report_div(100.0 * (double)lost, (double)packets);
}

void
report_human_preamble(struct reporter *r)
{
	char info[REPORT_SYSINFO_LEN];

	if (!r->s->verbose)
		return;
	report_sysinfo(info, sizeof(info));
	report_printf(r, rh_fmt[RH_LINE], report_version());
	/* iperf3 prints an empty string first, so prefixes appear twice. */
	report_printf(r, rh_fmt[RH_EMPTY], "");
	report_printf(r, rh_fmt[RH_LINE], info);
}

void
report_human_banner(struct reporter *r, int port, int testno)
{
	char info[REPORT_SYSINFO_LEN];

	if (r->s->verbose) {
		report_sysinfo(info, sizeof(info));
		report_printf(r, rh_fmt[RH_LINE], report_version());
		report_printf(r, rh_fmt[RH_EMPTY], "");
		report_printf(r, rh_fmt[RH_LINE], info);
	}
	report_printf(r, rh_fmt[RH_DASHES]);
	report_printf(r, rh_fmt[RH_LISTENING], port, testno);
	report_printf(r, rh_fmt[RH_DASHES]);
}

static void
rh_connect_verbose(struct reporter *r, const struct rpt_start *st)
{
	report_printf(r, rh_fmt[RH_COOKIE], st->cookie);
	if (st->proto == PROTO_TCP) {
		if (st->tcp_mss > 0)
			report_printf(r, rh_fmt[RH_MSS], st->tcp_mss);
		else
			report_printf(
			    r, rh_fmt[RH_MSS_DEFAULT], st->tcp_mss_default);
	}
	if (st->target_bitrate > 0)
		report_printf(
		    r, rh_fmt[RH_RATE], (unsigned long long)st->target_bitrate);
}

void
report_human_connect(struct reporter *r, const struct rpt_start *st)
{
	char when[REPORT_TIME_LEN];
	const char *host;

	if (r->client && r->s->verbose)
		report_printf_raw(r, rh_fmt[RH_CTRL_MSS], st->ctrl_mss);
	if (r->s->verbose) {
		report_rfc1123(when, sizeof(when), st->timesecs);
		report_printf(r, rh_fmt[RH_TIME], when);
	}
	if (r->client) {
		host = st->connecting_host != NULL ? st->connecting_host
						   : r->s->host;
		report_printf(r, rh_fmt[RH_CONNECTING], host, st->port);
		if (st->reverse)
			report_printf(r, rh_fmt[RH_REVERSE], host);
	} else
		report_printf(r, rh_fmt[RH_ACCEPTED], st->accepted_host,
		    st->accepted_port);
	if (r->s->verbose)
		rh_connect_verbose(r, st);
}

void
report_human_stream(struct reporter *r, const struct rpt_conn *c)
{
	report_printf(r, rh_fmt[RH_STREAM], c->socket, c->local_host,
	    c->local_port, c->remote_host, c->remote_port);
}

void
report_human_test_start(struct reporter *r, const struct rpt_start *st)
{
	const char *proto = rh_proto[st->proto == PROTO_UDP];

	if (!r->s->verbose)
		return;
	if (st->bytes > 0)
		report_printf(r, rh_fmt[RH_START_BYTES], proto, st->num_streams,
		    st->blksize, st->omit, (unsigned long long)st->bytes,
		    st->tos);
	else if (st->blocks > 0)
		report_printf(r, rh_fmt[RH_START_BLOCKS], proto,
		    st->num_streams, st->blksize, st->omit,
		    (unsigned long long)st->blocks, st->tos);
	else
		report_printf(r, rh_fmt[RH_START_TIME], proto, st->num_streams,
		    st->blksize, st->omit, st->duration, st->tos);
}

static void
rh_interval_header(struct reporter *r, const struct rpt_interval *iv)
{
	enum rh_id h = RH_HDR_BW;
	size_t i;

	if (rh_udp(r))
		h = (rh_bidir(r) || !iv->streams[0].sender) ? RH_HDR_UDP
							    : RH_HDR_UDP_SND;
	else
		for (i = 0; i < iv->nstreams; i++)
			if (iv->streams[i].sender && iv->streams[i].has_tcpinfo)
				h = RH_HDR_RETR_CWND;
	report_printf(r, rh_fmt[h], rh_roleof(r));
}

static void
rh_iv_stream(struct reporter *r, const struct rpt_stream_iv *sp)
{
	char xfer[RH_UNIT_LEN], rate[RH_UNIT_LEN], cwnd[RH_UNIT_LEN];
	const char *tag = rh_tagof(r, sp->sender);
	const char *om = sp->omitted ? rh_omitted : "";

	rh_units(r, (double)sp->bytes, sp->end - sp->start, xfer, rate);
	if (rh_udp(r) && sp->sender)
		report_printf(r, rh_fmt[RH_UDP_SND], sp->socket, tag, sp->start,
		    sp->end, xfer, rate, rh_bidir(r) ? rh_udp_pad : "",
		    (unsigned long long)sp->packets, om);
	else if (rh_udp(r))
		report_printf(r, rh_fmt[RH_UDP], sp->socket, tag, sp->start,
		    sp->end, xfer, rate, sp->jitter_s * 1000.0,
		    (long long)sp->lost, (unsigned long long)sp->packets,
		    rh_pct(sp->lost, sp->packets), om);
	else if (sp->sender && sp->has_tcpinfo) {
		units_fmt_bytes(cwnd, sizeof(cwnd), (double)sp->snd_cwnd);
		report_printf(r, rh_fmt[RH_BW_RETR_CWND], sp->socket, tag,
		    sp->start, sp->end, xfer, rate, (long long)sp->retransmits,
		    cwnd, om);
	} else
		report_printf(r, rh_fmt[RH_BW], sp->socket, tag, sp->start,
		    sp->end, xfer, rate, om);
}

static void
rh_iv_sum(struct reporter *r, const struct rpt_stream_iv *sp, size_t n,
    const struct rpt_stream_iv *first)
{
	char xfer[RH_UNIT_LEN], rate[RH_UNIT_LEN];
	struct report_total t = { 0 };
	const char *tag = rh_tagof(r, sp[0].sender);
	const char *om = first->omitted ? rh_omitted : "";
	size_t i;

	for (i = 0; i < n; i++) {
		t.sent += sp[i].bytes;
		t.packets += sp[i].packets;
		t.lost += sp[i].lost;
		t.retrans += sp[i].retransmits;
		t.jitter += sp[i].jitter_s;
		t.has_retrans |= sp[i].sender && sp[i].has_tcpinfo;
	}
	rh_units(r, (double)t.sent, first->end - first->start, xfer, rate);
	if (rh_udp(r) && sp[0].sender)
		report_printf(r, rh_fmt[RH_SUM_UDP_SND], tag, first->start,
		    first->end, xfer, rate, rh_bidir(r) ? rh_udp_pad : "",
		    (unsigned long long)t.packets, om);
	else if (rh_udp(r))
		report_printf(r, rh_fmt[RH_SUM_UDP], tag, first->start,
		    first->end, xfer, rate, t.jitter * 1000.0 / (double)n,
		    (long long)t.lost, (unsigned long long)t.packets,
		    rh_pct(t.lost, t.packets), om);
	else if (t.has_retrans)
		report_printf(r, rh_fmt[RH_SUM_BW_RETR], tag, first->start,
		    first->end, xfer, rate, (long long)t.retrans, om);
	else
		report_printf(r, rh_fmt[RH_SUM_BW], tag, first->start,
		    first->end, xfer, rate, om);
}

static void
rh_iv_group(
    struct reporter *r, const struct rpt_interval *iv, size_t from, size_t to)
{
	size_t i;

	if (from >= to)
		return;
	for (i = from; i < to; i++)
		rh_iv_stream(r, &iv->streams[i]);
	if (report_num_streams(r) > 1)
		rh_iv_sum(r, &iv->streams[from], to - from, &iv->streams[0]);
}

void
report_human_interval(struct reporter *r, const struct rpt_interval *iv)
{
	size_t n1;

	if (iv->nstreams == 0)
		return;
	if (r->nblocks == 0)
		rh_interval_header(r, iv);
	else if (report_num_streams(r) > 1)
		report_printf(r, rh_fmt[RH_SEPARATOR]);
	r->nblocks++;
	n1 = rh_bidir(r) ? report_iv_split(iv) : iv->nstreams;
	rh_iv_group(r, iv, 0, n1);
	rh_iv_group(r, iv, n1, iv->nstreams);
}

/* Whether the peer's half of a stream's summary may be printed. */
static bool
rh_known(const struct rpt_end *end, bool sender, bool local_sender)
{
	return end->peer_known || sender == local_sender;
}

static void
rh_end_tcp(struct reporter *r, const struct rpt_end *end,
    const struct rpt_stream_end *sp, const char *tag)
{
	char xfer[RH_UNIT_LEN], rate[RH_UNIT_LEN];
	double ts = end->streams[0].snd_seconds;
	double tr = end->streams[0].rcv_seconds;

	rh_units(r, (double)sp->bytes_sent, ts, xfer, rate);
	if (!rh_known(end, true, sp->sender)) {
		if (r->s->verbose)
			report_printf(r, rh_fmt[RH_SND_NA], sp->socket);
	} else if (sp->has_retrans)
		report_printf(r, rh_fmt[RH_BW_RETR_END], sp->socket, tag, 0.0,
		    ts, xfer, rate, (long long)sp->retransmits, rh_sender);
	else
		report_printf(r, rh_fmt[RH_BW], sp->socket, tag, 0.0, ts, xfer,
		    rate, rh_sender);
	rh_units(r, (double)sp->bytes_received, tr, xfer, rate);
	if (!rh_known(end, false, sp->sender)) {
		if (r->s->verbose)
			report_printf(r, rh_fmt[RH_RCV_NA], sp->socket);
	} else
		report_printf(r, rh_fmt[RH_BW], sp->socket, tag, 0.0, tr, xfer,
		    rate, rh_receiver);
}

static void
rh_end_udp(struct reporter *r, const struct rpt_end *end,
    const struct rpt_stream_end *sp, const char *tag)
{
	char xfer[RH_UNIT_LEN], rate[RH_UNIT_LEN];
	double ts = end->streams[0].snd_seconds;
	double tr = end->streams[0].rcv_seconds;

	rh_units(r, (double)sp->bytes_sent, ts, xfer, rate);
	if (!rh_known(end, true, sp->sender)) {
		if (r->s->verbose)
			report_printf(r, rh_fmt[RH_SND_NA], sp->socket);
	} else
		report_printf(r, rh_fmt[RH_UDP], sp->socket, tag, 0.0, ts, xfer,
		    rate, 0.0, 0LL, (unsigned long long)sp->packets, 0.0,
		    rh_sender);
	if (sp->out_of_order > 0)
		report_printf(r, rh_fmt[RH_OUTOFORDER], tag, 0.0, ts,
		    (long long)sp->out_of_order);
	rh_units(r, (double)sp->bytes_received, tr, xfer, rate);
	if (!rh_known(end, false, sp->sender)) {
		if (r->s->verbose)
			report_printf(r, rh_fmt[RH_RCV_NA], sp->socket);
	} else
		report_printf(r, rh_fmt[RH_UDP], sp->socket, tag, 0.0, tr, xfer,
		    rate, sp->jitter_s * 1000.0, (long long)sp->lost,
		    (unsigned long long)sp->packets_rcvd,
		    rh_pct(sp->lost, sp->packets_rcvd), rh_receiver);
}

static void
rh_sum_sender(struct reporter *r, const struct report_total *t, double ts,
    const char *tag)
{
	char xfer[RH_UNIT_LEN], rate[RH_UNIT_LEN];

	rh_units(r, (double)t->sent, ts, xfer, rate);
	if (rh_udp(r))
		report_printf(r, rh_fmt[RH_SUM_UDP], tag, 0.0, ts, xfer, rate,
		    0.0, 0LL, (unsigned long long)t->packets, 0.0, rh_sender);
	else if (t->has_retrans)
		report_printf(r, rh_fmt[RH_SUM_BW_RETR], tag, 0.0, ts, xfer,
		    rate, (long long)t->retrans, rh_sender);
	else
		report_printf(
		    r, rh_fmt[RH_SUM_BW], tag, 0.0, ts, xfer, rate, rh_sender);
}

static void
rh_sum_receiver(struct reporter *r, const struct report_total *t, double tr,
    const char *tag)
{
	char xfer[RH_UNIT_LEN], rate[RH_UNIT_LEN];

	rh_units(r, (double)t->received, tr, xfer, rate);
	if (rh_udp(r))
		report_printf(r, rh_fmt[RH_SUM_UDP], tag, 0.0, tr, xfer, rate,
		    report_div(t->jitter * 1000.0, (double)t->n),
		    (long long)t->lost, (unsigned long long)t->packets_rcvd,
		    rh_pct(t->lost, t->packets_rcvd), rh_receiver);
	else
		report_printf(r, rh_fmt[RH_SUM_BW], tag, 0.0, tr, xfer, rate,
		    rh_receiver);
}

static void
rh_end_sum(struct reporter *r, const struct rpt_end *end,
    const struct rpt_stream_end *sp, size_t n)
{
	const char *tag = rh_tagof(r, sp[0].sender);
	struct report_total t;

	report_total_ends(sp, n, &t);
	if (!rh_known(end, true, sp[0].sender)) {
		if (r->s->verbose)
			report_printf(r, rh_fmt[RH_SUM_SND_NA], rh_sum);
	} else
		rh_sum_sender(r, &t, end->streams[0].snd_seconds, tag);
	if (!rh_known(end, false, sp[0].sender)) {
		if (r->s->verbose)
			report_printf(r, rh_fmt[RH_SUM_RCV_NA], rh_sum);
	} else
		rh_sum_receiver(r, &t, end->streams[0].rcv_seconds, tag);
}

/* -V lines after a direction: CPU (when it sends) and congestion. */
static void
rh_end_verbose(struct reporter *r, const struct rpt_end *end, bool sender)
{
	bool last_sender = end->streams[end->nstreams - 1].sender;
	const char *local, *remote;

	if (sender) {
		report_printf(r, rh_fmt[RH_CPU], rh_local, rh_sender,
		    end->cpu_host_total, end->cpu_host_user,
		    end->cpu_host_system, rh_remote, rh_receiver,
		    end->cpu_remote_total, end->cpu_remote_user,
		    end->cpu_remote_system);
		if (rh_bidir(r))
			report_printf(r, rh_fmt[RH_CPU], rh_local, rh_receiver,
			    end->cpu_host_total, end->cpu_host_user,
			    end->cpu_host_system, rh_remote, rh_sender,
			    end->cpu_remote_total, end->cpu_remote_user,
			    end->cpu_remote_system);
	}
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
    struct reporter *r, const struct rpt_end *end, size_t from, size_t to)
{
	const struct rpt_stream_end *sp;
	size_t i;

	if (from >= to)
		return;
	for (i = from; i < to; i++) {
		sp = &end->streams[i];
		if (rh_udp(r))
			rh_end_udp(r, end, sp, rh_tagof(r, sp->sender));
		else
			rh_end_tcp(r, end, sp, rh_tagof(r, sp->sender));
	}
	if (report_num_streams(r) > 1)
		rh_end_sum(r, end, &end->streams[from], to - from);
	if (r->s->verbose)
		rh_end_verbose(r, end, end->streams[from].sender);
}

void
report_human_summary(struct reporter *r, const struct rpt_end *end)
{
	enum rh_id h = RH_HDR_BW;
	size_t i, n1;

	report_printf(r, rh_fmt[RH_SEPARATOR]);
	if (r->s->verbose)
		report_printf(r, rh_fmt[RH_SUMMARY]);
	for (i = 0; i < end->nstreams; i++)
		if (end->streams[i].has_retrans)
			h = RH_HDR_RETR;
	report_printf(r, rh_fmt[rh_udp(r) ? RH_HDR_UDP : h], rh_roleof(r));
	if (end->nstreams == 0)
		return;
	n1 = rh_bidir(r) ? report_end_split(end) : end->nstreams;
	rh_end_group(r, end, 0, n1);
	rh_end_group(r, end, n1, end->nstreams);
}

void
report_human_finish(struct reporter *r)
{
	char *txt;

	if (!r->client)
		return;
	if (r->summary_done && r->server_json != NULL) {
		txt = cJSON_Print(r->server_json);
		if (txt != NULL)
			report_printf(r, rh_fmt[RH_SERVER_JSON], txt);
		cJSON_free(txt);
	}
	if (r->summary_done && r->server_text != NULL)
		report_printf(r, rh_fmt[RH_SERVER_TEXT], r->server_text);
	if (r->errmsg != NULL)
		return;
	report_printf(r, rh_fmt[RH_NEWLINE]);
	report_printf(r, rh_fmt[RH_DONE]);
}
