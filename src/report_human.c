/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_human.c: the human renderer (report_human_ops), iperf3's text
 * layout (3.12 as shipped in Debian, with the 3.18+ sender summary line).
 * Every format string lives in the one table below; the layouts were
 * checked column by column against captures of iperf3 on loopback (see
 * docs and test/data). Every data row shares one shape, [ID][role] times,
 * Transfer, Bitrate, then its own columns, with "SUM" as the ID of a sum.
 * The end-of-test summary is report_human_end.c's; the two share the
 * table and the row helpers through report_human_int.h. This file only
 * formats: totals and directions come from report_sum.c, prefixes, sinks
 * and capture are report.c's business, and it never touches the -J
 * document.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report.h"
#include "report_human_int.h"
#include "report_int.h"
#include "units.h"
#include "version.h"

/*
 * iperf3's layouts (src/iperf_locale.c) re-typed for evperf: the Transfer
 * and Bitrate strings from units.c already carry "Bytes" and "bits/sec".
 * Every data row is RH_ROW followed by one of the formats after it; its
 * [%3s] is the socket number or "SUM", as iperf3's [%3d] and [SUM].
 * RH_BW_RETR_END is the 3.18+ per-stream sender summary (12 spaces); a
 * [SUM] row with Retr has 13 (RH_SUM_BW_RETR).
 */
const char *const rh_fmt[] = {
	[RH_LINE] = "%s\n",
	[RH_EMPTY] = "%s",
	[RH_NEWLINE] = "\n",
	[RH_ERROR] = "iperf3: error - %s\n",
	[RH_CTRL_MSS] = "Control connection MSS %d\n",
	[RH_CTRL_KA] = "Control connection TCP Keepalive TCP_KEEPIDLE/"
		       "TCP_KEEPINTVL/TCP_KEEPCNT are set to %d/%d/%d\n",
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
	[RH_ROW] = "[%3s]%s %6.2f-%-6.2f sec  %s  %s",
	[RH_BW] = "%s                  %s\n",
	[RH_BW_RETR_CWND] = "%s  %3lld   %s       %s\n",
	[RH_BW_RETR_END] = "%s  %3lld            %s\n",
	[RH_SUM_BW_RETR] = "%s  %3lld             %s\n",
	[RH_UDP] = "%s  %5.3f ms  %lld/%llu (%.2g%%)  %s\n",
	[RH_UDP_SND] = "%s %s %llu  %s\n",
	[RH_OUTOFORDER] = "[SUM]%s %4.1f-%4.1f sec  %lld datagrams received "
			  "out-of-order\n",
	[RH_SEPARATOR] = "- - - - - - - - - - - - - - - - - - - - - - - - -\n",
	[RH_SUMMARY] = "Test Complete. Summary Results:\n",
	[RH_CPU] = "CPU Utilization: %s/%s %.1f%% (%.1f%%u/%.1f%%s), "
		   "%s/%s %.1f%% (%.1f%%u/%.1f%%s)\n",
	[RH_SND_CONG] = "snd_tcp_congestion %s\n",
	[RH_RCV_CONG] = "rcv_tcp_congestion %s\n",
	[RH_SND_NA] = "[%3s] (sender statistics not available)\n",
	[RH_RCV_NA] = "[%3s] (receiver statistics not available)\n",
	[RH_DONE] = "iperf Done.\n",
	[RH_SERVER_TEXT] = "\nServer output:\n%s\n",
	[RH_SERVER_JSON] = "\nServer JSON output:\n%s\n",
	[RH_DASHES] = "-----------------------------------------------------"
		      "------\n",
	[RH_LISTENING] = "Server listening on %d (test #%d)\n",
	[RH_DISKFILE] = "        Sent %s / %s (%d%%) of %s\n",
	/* evperf's --latency rows: round trips in ms, microsecond digits. */
	[RH_LAT] = "[LAT]%s %6.2f-%-6.2f sec  rtt min/med/p90/p99/max %s ms  "
		   "%s%s\n",
	[RH_LAT_END] = "[LAT]%s %6.2f-%-6.2f sec  rtt min/med/p90/p99/max %s "
		       "ms  %s  under load\n",
	[RH_LAT_IDLE] = "[LAT]%s   idle baseline    rtt min/med/p90/p99/max "
			"%s ms  %s  idle\n",
	[RH_LAT_COUNT] = "%llu probes",
	[RH_LAT_LOST] = "%llu probes, %llu lost",
	[RH_LAT_SKIPPED] = "[LAT]%s %llu probes not sent (the probe "
			   "connection's buffer full, or the loop late)\n",
	/* --rr, --crr: " RR" or "CRR", transactions (or connections). */
	[RH_RR] = "[%s]%s %6.2f-%-6.2f sec  %llu %s  %.1f %s/s  "
		  "rtt min/med/p90/p99/max %s ms%s\n",
	[RH_RR_END] = "[%s]%s %6.2f-%-6.2f sec  %llu %s  %.1f %s/s  "
		      "rtt min/med/p90/p99/max %s ms  %d/%d bytes\n",
	[RH_CRR_RETRIES] = "[CRR]%s %llu connects failed and were tried "
			   "again (no local port free, or the server's "
			   "backlog full)\n",
};

/* Words that fill %s slots; kept here with the formats they complete. */
const char *const rh_tag[2][2] = {
	{ "[RX-S]", "[TX-S]" }, /* server: [sender] */
	{ "[RX-C]", "[TX-C]" }, /* client: [sender] */
};
const char rh_role[] = "[Role]";
const char rh_omitted[] = "(omitted)";
const char rh_sender[] = "sender";
const char rh_receiver[] = "receiver";
const char rh_local[] = "local";
const char rh_remote[] = "remote";
const char rh_sum[] = "SUM";
const char rh_udp_pad[] = "          ";

bool
rh_bidir(const struct reporter *r)
{
	return r->have_start ? r->st.bidir : r->s->bidir;
}

bool
rh_udp(const struct reporter *r)
{
	return (r->have_start ? r->st.proto : r->s->proto) == PROTO_UDP;
}

const char *
rh_tagof(const struct reporter *r, bool sender)
{
	return rh_bidir(r) ? rh_tag[r->client][sender] : "";
}

const char *
rh_roleof(const struct reporter *r)
{
	return rh_bidir(r) ? rh_role : "";
}

/* Transfer and Bitrate columns for bytes moved in seconds. */
void
rh_units(const struct reporter *r, double bytes, double seconds, char *xfer,
    char *rate)
{
	units_fmt_bytes(xfer, RH_UNIT_LEN, bytes);
	units_fmt_rate(
	    rate, RH_UNIT_LEN, report_div(bytes, seconds), r->s->format);
}

/* The [ID] column: the socket number, or SUM for RH_SUM_ROW. */
const char *
rh_id(char *buf, int socket)
{
	if (socket == RH_SUM_ROW)
		return rh_sum;
	snprintf(buf, RH_ID_LEN, "%d", socket);
	return buf;
}

/* The columns every data row starts with (RH_ROW), into head. */
void
rh_head(const struct reporter *r, char *head, int socket, bool sender,
    double start, double end, uint64_t bytes)
{
	char id[RH_ID_LEN], xfer[RH_UNIT_LEN], rate[RH_UNIT_LEN];

	rh_units(r, (double)bytes, end - start, xfer, rate);
	snprintf(head, RH_HEAD_LEN, rh_fmt[RH_ROW], rh_id(id, socket),
	    rh_tagof(r, sender), start, end, xfer, rate);
}

void
rh_print_udp(struct reporter *r, const char *head, const struct report_udp *u,
    const char *tail)
{
	report_printf(r, rh_fmt[RH_UDP], head, u->jitter_ms, (long long)u->lost,
	    (unsigned long long)u->packets, u->lost_pct, tail);
}

/* -V: the version and uname lines, as iperf3 prints them. */
static void
rh_version(struct reporter *r)
{
	char info[VERSION_SYSINFO_LEN];

	if (!r->s->verbose)
		return;
	version_sysinfo(info, sizeof(info));
	report_printf(r, rh_fmt[RH_LINE], version_report());
	/* iperf3 prints an empty string first, so prefixes appear twice. */
	report_printf(r, rh_fmt[RH_EMPTY], "");
	report_printf(r, rh_fmt[RH_LINE], info);
}

static void
rh_init(struct reporter *r)
{
	if (r->client)
		rh_version(r);
}

static void
rh_free(struct reporter *r)
{
	/* Nothing beyond report.c's state: lines go straight to the sinks. */
}

static void
rh_banner(struct reporter *r, int port, int testno)
{
	rh_version(r);
	report_printf(r, rh_fmt[RH_DASHES]);
	report_printf(r, rh_fmt[RH_LISTENING], port, testno);
	report_printf(r, rh_fmt[RH_DASHES]);
	fflush(r->out);
}

static void
rh_error(struct reporter *r, const char *msg)
{
	report_put_tag(r, r->err);
	fprintf(r->err, rh_fmt[RH_ERROR], msg);
	fflush(r->err);
}

static cJSON *
rh_document(const struct reporter *r)
{
	return NULL;
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

static void
rh_connect(struct reporter *r, const struct rpt_start *st)
{
	char when[REPORT_TIME_LEN];
	const char *host;

	if (r->s->verbose && st->ctrl_ka[0] > 0)
		report_printf_raw(r, rh_fmt[RH_CTRL_KA], st->ctrl_ka[0],
		    st->ctrl_ka[1], st->ctrl_ka[2]);
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

static void
rh_stream(struct reporter *r, const struct rpt_conn *c)
{
	report_printf(r, rh_fmt[RH_STREAM], c->socket, c->local_host,
	    c->local_port, c->remote_host, c->remote_port);
}

static void
rh_test_start(struct reporter *r, const struct rpt_start *st)
{
	const char *proto = report_proto_name(st);

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
			if (iv->streams[i].sender &&
			    iv->streams[i].has_tcpinfo && !report_sctp(r))
				h = RH_HDR_RETR_CWND;
	report_printf(r, rh_fmt[h], rh_roleof(r));
}

/*
 * One interval row of a stream or (RH_SUM_ROW) of a direction's sum, with
 * the times and omitted flag of when; cwnd is printed for a stream with
 * TCP_INFO (iperf3's sums have Retr but no Cwnd).
 */
static void
rh_iv_row(struct reporter *r, int socket, bool sender,
    const struct rpt_stream_iv *when, const struct report_total *t,
    const char *cwnd)
{
	const char *om = when->omitted ? rh_omitted : "";
	char head[RH_HEAD_LEN];
	struct report_udp u;

	rh_head(r, head, socket, sender, when->start, when->end, t->sent);
	if (rh_udp(r) && sender)
		report_printf(r, rh_fmt[RH_UDP_SND], head,
		    rh_bidir(r) ? rh_udp_pad : "",
		    (unsigned long long)t->packets, om);
	else if (rh_udp(r)) {
		u = report_total_udp(t, t->packets);
		rh_print_udp(r, head, &u, om);
	} else if (t->has_retrans && socket != RH_SUM_ROW)
		report_printf(r, rh_fmt[RH_BW_RETR_CWND], head,
		    (long long)t->retrans, cwnd, om);
	else if (t->has_retrans && !report_sctp(r))
		report_printf(
		    r, rh_fmt[RH_SUM_BW_RETR], head, (long long)t->retrans, om);
	else
		report_printf(r, rh_fmt[RH_BW], head, om);
}

/* A direction's rows, then its [SUM] (times from the test's first stream). */
static void
rh_iv_group(struct reporter *r, const struct rpt_interval *iv,
    const struct report_dir *d)
{
	const struct rpt_stream_iv *sp;
	char cwnd[RH_UNIT_LEN];
	struct report_total t;
	size_t i;

	if (d->from >= d->to)
		return;
	for (i = d->from; i < d->to && !report_sums_only(r); i++) {
		sp = &iv->streams[i];
		report_total_ivs(sp, 1, &t);
		units_fmt_bytes(cwnd, sizeof(cwnd), (double)sp->snd_cwnd);
		rh_iv_row(r, sp->socket, sp->sender, sp, &t, cwnd);
	}
	sp = &iv->streams[d->from];
	if (report_num_streams(r) > 1) {
		report_total_ivs(sp, d->to - d->from, &t);
		rh_iv_row(r, RH_SUM_ROW, sp->sender, &iv->streams[0], &t, NULL);
	}
}

static void
rh_interval(struct reporter *r, const struct rpt_interval *iv)
{
	struct report_dir dir[2];

	if (iv->nstreams == 0)
		return;
	if (r->nblocks == 0)
		rh_interval_header(r, iv);
	else if (report_num_streams(r) > 1)
		report_printf(r, rh_fmt[RH_SEPARATOR]);
	r->nblocks++;
	report_iv_dirs(r, iv, rh_bidir(r), dir);
	rh_iv_group(r, iv, &dir[0]);
	rh_iv_group(r, iv, &dir[1]);
	if (iv->lat != NULL)
		rh_lat_interval(r, iv->lat);
}

static void
rh_finish(struct reporter *r)
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

const struct report_ops report_human_ops = {
	.init = rh_init,
	.free = rh_free,
	.connect = rh_connect,
	.stream = rh_stream,
	.test_start = rh_test_start,
	.interval = rh_interval,
	.summary = rh_summary,
	.error = rh_error,
	.document = rh_document,
	.finish = rh_finish,
	.banner = rh_banner,
};
