/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_json.c: the -J renderer (report_json_ops). It owns the document,
 * built with cJSON in iperf3's key order and types (3.21's key set, a
 * superset of 3.12's; docs/json.md lists every key). Integers are added as
 * whole doubles, which cJSON prints without a fraction; every division goes
 * through report_div() so nan and inf never appear. Totals, directions and
 * the UDP group come from report_sum.c, as the text's do. The document is
 * printed once, by report_finish(). With --json-stream each step is also
 * (or instead, see rj_finish) written at once as one compact line
 * {"event":...,"data":...}, iperf3 3.17's format. This file never writes
 * human text; errors reach the document through r->errmsg.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report.h"
#include "report_int.h"
#include "version.h"

enum rj_sum_kind { RJ_SUM, RJ_SUM_SENT, RJ_SUM_RECEIVED };

/* end sum keys: [reverse direction][kind]. */
static const char *const rj_sum_key[2][3] = {
	{ "sum", "sum_sent", "sum_received" },
	{ "sum_bidir_reverse", "sum_sent_bidir_reverse",
	    "sum_received_bidir_reverse" },
};

/* Keys that precede the server's buffer keys but were added before them. */
static const char *const rj_server_tail[] = {
	"timestamp",
	"accepted_connection",
	"cookie",
};

static void
rj_num(cJSON *o, const char *key, double v)
{
	if (v != v || v > 1e300 || v < -1e300)
		v = 0;
	cJSON_AddNumberToObject(o, key, v);
}

static void
rj_bool(cJSON *o, const char *key, bool v)
{
	cJSON_AddBoolToObject(o, key, v);
}

/* Move key (if present) to the end of object o, keeping its value. */
static void
rj_move_last(cJSON *o, const char *key)
{
	cJSON *item;

	item = cJSON_DetachItemFromObjectCaseSensitive(o, key);
	if (item != NULL)
		cJSON_AddItemToObject(o, key, item);
}

/* iperf3's UDP receiver keys, in its order. */
static void
rj_udp(cJSON *o, const struct report_udp *u)
{
	rj_num(o, "jitter_ms", u->jitter_ms);
	rj_num(o, "lost_packets", (double)u->lost);
	rj_num(o, "packets", (double)u->packets);
	rj_num(o, "lost_percent", u->lost_pct);
}

static void
rj_init(struct reporter *r)
{
	char info[VERSION_SYSINFO_LEN];

	version_sysinfo(info, sizeof(info));
	r->jstart = cJSON_CreateObject();
	cJSON_AddItemToObject(r->jstart, "connected", cJSON_CreateArray());
	cJSON_AddStringToObject(r->jstart, "version", version_report());
	cJSON_AddStringToObject(r->jstart, "system_info", info);
	r->jintervals = cJSON_CreateArray();
	r->jend = cJSON_CreateObject();
}

static void
rj_free(struct reporter *r)
{
	cJSON_Delete(r->jstart);
	cJSON_Delete(r->jintervals);
	cJSON_Delete(r->jend);
	r->jstart = r->jintervals = r->jend = NULL;
}

static void
rj_connect(struct reporter *r, const struct rpt_start *st)
{
	char when[REPORT_TIME_LEN];
	cJSON *o;

	report_rfc1123(when, sizeof(when), st->timesecs);
	o = cJSON_AddObjectToObject(r->jstart, "timestamp");
	cJSON_AddStringToObject(o, "time", when);
	rj_num(o, "timesecs", (double)st->timesecs);
	rj_num(o, "timemillisecs", (double)st->timemillisecs);
	if (r->client) {
		o = cJSON_AddObjectToObject(r->jstart, "connecting_to");
		cJSON_AddStringToObject(o, "host",
		    st->connecting_host != NULL ? st->connecting_host
						: r->s->host);
		rj_num(o, "port", st->port);
	} else {
		o = cJSON_AddObjectToObject(r->jstart, "accepted_connection");
		cJSON_AddStringToObject(o, "host", st->accepted_host);
		rj_num(o, "port", st->accepted_port);
	}
	cJSON_AddStringToObject(r->jstart, "cookie", st->cookie);
}

static void
rj_stream(struct reporter *r, const struct rpt_conn *c)
{
	cJSON *o;

	o = cJSON_CreateObject();
	rj_num(o, "socket", c->socket);
	cJSON_AddStringToObject(o, "local_host", c->local_host);
	rj_num(o, "local_port", c->local_port);
	cJSON_AddStringToObject(o, "remote_host", c->remote_host);
	rj_num(o, "remote_port", c->remote_port);
	cJSON_AddItemToArray(cJSON_GetObjectItem(r->jstart, "connected"), o);
}

static void
rj_bufs(cJSON *o, const struct rpt_start *st)
{
	rj_num(o, "sock_bufsize", st->sock_bufsize);
	rj_num(o, "sndbuf_actual", st->sndbuf_actual);
	rj_num(o, "rcvbuf_actual", st->rcvbuf_actual);
}

static void
rj_test_start_keys(cJSON *start, const struct rpt_start *st)
{
	cJSON *o;

	o = cJSON_AddObjectToObject(start, "test_start");
	cJSON_AddStringToObject(o, "protocol", report_proto_name(st));
	rj_num(o, "num_streams", st->num_streams);
	rj_num(o, "blksize", st->blksize);
	rj_num(o, "omit", st->omit);
	rj_num(o, "duration", st->duration);
	rj_num(o, "bytes", (double)st->bytes);
	rj_num(o, "blocks", (double)st->blocks);
	rj_num(o, "reverse", st->reverse ? 1 : 0);
	rj_num(o, "tos", st->tos);
	rj_num(o, "target_bitrate", (double)st->target_bitrate);
	rj_num(o, "bidir", st->bidir ? 1 : 0);
	rj_num(o, "fqrate", (double)st->fq_rate);
	rj_num(o, "interval", st->interval);
	/* 3.21: the UDP GSO/GRO switches of the test (--gsro). */
	rj_num(o, "gso", st->gso ? 1 : 0);
	rj_num(o, "gro", st->gro ? 1 : 0);
}

/*
 * A server adds its first target_bitrate and (TCP) its buffer keys when it
 * prepares the data listener, before "on connect"; we learn them later, so
 * they are appended now and the on-connect keys moved behind them.
 */
static void
rj_test_start(struct reporter *r, const struct rpt_start *st)
{
	bool tcp = st->proto == PROTO_TCP;
	size_t i;

	if (!r->client) {
		if (st->target_bitrate > 0)
			rj_num(r->jstart, "target_bitrate",
			    (double)st->target_bitrate);
		if (tcp)
			rj_bufs(r->jstart, st);
		for (i = 0; i < nitems(rj_server_tail); i++)
			rj_move_last(r->jstart, rj_server_tail[i]);
	}
	if (tcp && st->tcp_mss > 0)
		rj_num(r->jstart, "tcp_mss", st->tcp_mss);
	else if (tcp)
		rj_num(r->jstart, "tcp_mss_default", st->tcp_mss_default);
	rj_num(r->jstart, "target_bitrate", (double)st->target_bitrate);
	rj_num(r->jstart, "fq_rate", (double)st->fq_rate);
	if (r->client || !tcp)
		rj_bufs(r->jstart, st);
	rj_test_start_keys(r->jstart, st);
	if (r->stream)
		report_jstream_event(r, "start", r->jstart);
}

static cJSON *
rj_iv_stream(const struct reporter *r, const struct rpt_stream_iv *sp)
{
	double secs = sp->end - sp->start;
	struct report_udp u;
	cJSON *o;

	o = cJSON_CreateObject();
	rj_num(o, "socket", sp->socket);
	rj_num(o, "start", sp->start);
	rj_num(o, "end", sp->end);
	rj_num(o, "seconds", secs);
	rj_num(o, "bytes", (double)sp->bytes);
	rj_num(o, "bits_per_second", report_div(sp->bytes * 8.0, secs));
	if (r->st.proto == PROTO_UDP && sp->sender)
		rj_num(o, "packets", (double)sp->packets);
	else if (r->st.proto == PROTO_UDP) {
		u = report_udp(sp->jitter_s, sp->lost, sp->packets);
		rj_udp(o, &u);
	} else if (sp->sender && sp->has_tcpinfo) {
		rj_num(o, "retransmits", (double)sp->retransmits);
		rj_num(o, "snd_cwnd", (double)sp->snd_cwnd);
		rj_num(o, "snd_wnd", (double)sp->snd_wnd);
		rj_num(o, "rtt", (double)sp->rtt);
		rj_num(o, "rttvar", (double)sp->rttvar);
		rj_num(o, "pmtu", (double)sp->pmtu);
		rj_num(o, "reorder", (double)sp->reorder);
	}
	rj_bool(o, "omitted", sp->omitted);
	rj_bool(o, "sender", sp->sender);
	return o;
}

/* An interval sum: times from the test's first stream (iperf3 does so). */
static cJSON *
rj_iv_sum(const struct reporter *r, const struct rpt_interval *iv,
    const struct report_dir *d)
{
	const struct rpt_stream_iv *first = &iv->streams[0];
	double secs = first->end - first->start;
	bool sender =
	    d->to > d->from ? iv->streams[d->from].sender : first->sender;
	struct report_total t;
	struct report_udp u;
	cJSON *o;

	report_total_ivs(&iv->streams[d->from], d->to - d->from, &t);
	t.has_retrans = t.has_retrans && !report_sctp(r);
	o = cJSON_CreateObject();
	rj_num(o, "start", first->start);
	rj_num(o, "end", first->end);
	rj_num(o, "seconds", secs);
	rj_num(o, "bytes", (double)t.sent);
	rj_num(o, "bits_per_second", report_div(t.sent * 8.0, secs));
	if (r->st.proto == PROTO_UDP && sender)
		rj_num(o, "packets", (double)t.packets);
	else if (r->st.proto == PROTO_UDP) {
		u = report_total_udp(&t, t.packets);
		rj_udp(o, &u);
	} else if (t.has_retrans)
		rj_num(o, "retransmits", (double)t.retrans);
	rj_bool(o, "omitted", first->omitted);
	rj_bool(o, "sender", sender);
	return o;
}

/* "sum" is always client->server, on both sides; see report_iv_dirs. */
static void
rj_interval(struct reporter *r, const struct rpt_interval *iv)
{
	struct report_dir dir[2];
	cJSON *o, *streams;
	size_t i, k;

	if (iv->nstreams == 0)
		return;
	o = cJSON_CreateObject();
	streams = cJSON_AddArrayToObject(o, "streams");
	for (i = 0; i < iv->nstreams; i++)
		cJSON_AddItemToArray(streams, rj_iv_stream(r, &iv->streams[i]));
	report_iv_dirs(r, iv, r->st.bidir, dir);
	k = dir[0].forward ? 0 : 1;
	cJSON_AddItemToObject(o, "sum", rj_iv_sum(r, iv, &dir[k]));
	if (r->st.bidir)
		cJSON_AddItemToObject(
		    o, "sum_bidir_reverse", rj_iv_sum(r, iv, &dir[1 - k]));
	if (iv->lat != NULL)
		cJSON_AddItemToObject(
		    o, "latency", report_lat_interval_json(iv->lat));
	if (r->stream)
		report_jstream_event(r, "interval", o);
	if (r->keep_intervals)
		cJSON_AddItemToArray(r->jintervals, o);
	else
		cJSON_Delete(o);
}

static cJSON *
rj_end_part(const struct rpt_stream_end *sp, double end, double secs,
    uint64_t bytes, double bps_secs)
{
	cJSON *o;

	o = cJSON_CreateObject();
	rj_num(o, "socket", sp->socket);
	rj_num(o, "start", 0);
	rj_num(o, "end", end);
	rj_num(o, "seconds", secs);
	rj_num(o, "bytes", (double)bytes);
	rj_num(o, "bits_per_second", report_div(bytes * 8.0, bps_secs));
	return o;
}

/* -F: iperf3's "diskfile" entry of a stream's summary. */
static cJSON *
rj_diskfile(const struct rpt_stream_end *sp)
{
	double size = (double)sp->file_size;
	cJSON *o = cJSON_CreateObject();

	rj_num(o, "sent", (double)sp->bytes_sent);
	rj_num(o, "received", (double)sp->bytes_received);
	rj_num(o, "size", size);
	rj_num(o, "percent_sent",
	    size > 0 ? (int)((double)sp->bytes_sent / size * 100.0) : 100);
	rj_num(o, "percent_received",
	    size > 0 ? (int)((double)sp->bytes_received / size * 100.0) : 100);
	cJSON_AddStringToObject(o, "filename", sp->file);
	return o;
}

static cJSON *
rj_end_stream(const struct reporter *r, const struct rpt_end *end,
    const struct rpt_stream_end *sp)
{
	double ts = end->streams[0].snd_seconds;
	double tr = end->streams[0].rcv_seconds;
	struct report_udp u;
	cJSON *o, *p;

	o = cJSON_CreateObject();
	if (r->st.proto == PROTO_UDP) {
		p = rj_end_part(sp, ts, ts, sp->bytes_sent, ts);
		u = report_udp(sp->jitter_s, sp->lost, sp->packets);
		rj_udp(p, &u);
		rj_num(p, "out_of_order", (double)sp->out_of_order);
		rj_bool(p, "sender", sp->sender);
		cJSON_AddItemToObject(o, "udp", p);
		return o;
	}
	p = rj_end_part(sp, ts, ts, sp->bytes_sent, ts);
	if (sp->has_retrans) {
		rj_num(p, "retransmits", (double)sp->retransmits);
		rj_num(p, "reorder", (double)sp->reorder);
		rj_num(p, "max_snd_cwnd", (double)sp->max_snd_cwnd);
		rj_num(p, "max_snd_wnd", (double)sp->max_snd_wnd);
		rj_num(p, "max_rtt", (double)sp->max_rtt);
		rj_num(p, "min_rtt", (double)sp->min_rtt);
		rj_num(p, "mean_rtt", (double)sp->mean_rtt);
	}
	rj_bool(p, "sender", sp->sender);
	cJSON_AddItemToObject(o, "sender", p);
	if (sp->file != NULL)
		cJSON_AddItemToObject(o, "diskfile", rj_diskfile(sp));
	p = rj_end_part(sp, tr, sp->local_seconds, sp->bytes_received, tr);
	rj_bool(p, "sender", sp->sender);
	cJSON_AddItemToObject(o, "receiver", p);
	return o;
}

static cJSON *
rj_sum(double end, uint64_t bytes, double bps_secs)
{
	cJSON *o;

	o = cJSON_CreateObject();
	rj_num(o, "start", 0);
	rj_num(o, "end", end);
	rj_num(o, "seconds", end);
	rj_num(o, "bytes", (double)bytes);
	rj_num(o, "bits_per_second", report_div(bytes * 8.0, bps_secs));
	return o;
}

static void
rj_end_sums_tcp(cJSON *jend, bool rev, const struct report_total *t, double ts,
    double tr, bool sender)
{
	cJSON *o;

	o = rj_sum(ts, t->sent, ts);
	if (t->has_retrans)
		rj_num(o, "retransmits", (double)t->retrans);
	rj_bool(o, "sender", sender);
	cJSON_AddItemToObject(jend, rj_sum_key[rev][RJ_SUM_SENT], o);
	o = rj_sum(tr, t->received, tr);
	rj_bool(o, "sender", sender);
	cJSON_AddItemToObject(jend, rj_sum_key[rev][RJ_SUM_RECEIVED], o);
}

/*
 * UDP sums. "sum" mixes T_rcv times with the sender's bytes and rate, as
 * iperf3 does. Packet counts the peer has not told us yet are 0 there.
 */
static void
rj_end_sums_udp(cJSON *jend, bool rev, const struct report_total *t,
    const struct rpt_end *end, bool sender)
{
	double ts = end->streams[0].snd_seconds;
	double tr = end->streams[0].rcv_seconds;
	uint64_t spk = (sender || end->peer_known) ? t->packets : 0;
	struct report_udp u;
	cJSON *o;

	o = rj_sum(tr, t->sent, ts);
	u = report_total_udp(t, t->packets);
	rj_udp(o, &u);
	rj_bool(o, "sender", sender);
	cJSON_AddItemToObject(jend, rj_sum_key[rev][RJ_SUM], o);
	o = rj_sum(ts, t->sent, ts);
	u = report_udp(0, 0, spk);
	rj_udp(o, &u);
	rj_bool(o, "sender", true);
	cJSON_AddItemToObject(jend, rj_sum_key[rev][RJ_SUM_SENT], o);
	o = rj_sum(tr, t->received, tr);
	u = report_total_udp(t, t->packets_rcvd);
	rj_udp(o, &u);
	rj_bool(o, "sender", false);
	cJSON_AddItemToObject(jend, rj_sum_key[rev][RJ_SUM_RECEIVED], o);
}

static void
rj_end_dir(struct reporter *r, const struct rpt_end *end,
    const struct report_dir *d, bool rev)
{
	struct report_total t;
	bool sender;

	if (d->from >= d->to)
		return;
	sender = end->streams[d->from].sender;
	report_total_ends(&end->streams[d->from], d->to - d->from, &t);
	t.has_retrans = t.has_retrans && !report_sctp(r);
	if (r->st.proto == PROTO_UDP)
		rj_end_sums_udp(r->jend, rev, &t, end, sender);
	else
		rj_end_sums_tcp(r->jend, rev, &t, end->streams[0].snd_seconds,
		    end->streams[0].rcv_seconds, sender);
}

static void
rj_end_tail(struct reporter *r, const struct rpt_end *end)
{
	cJSON *o;

	o = cJSON_AddObjectToObject(r->jend, "cpu_utilization_percent");
	rj_num(o, "host_total", end->cpu_host_total);
	rj_num(o, "host_user", end->cpu_host_user);
	rj_num(o, "host_system", end->cpu_host_system);
	rj_num(o, "remote_total", end->cpu_remote_total);
	rj_num(o, "remote_user", end->cpu_remote_user);
	rj_num(o, "remote_system", end->cpu_remote_system);
	if (r->st.proto == PROTO_UDP)
		return;
	if (end->sender_congestion != NULL)
		cJSON_AddStringToObject(
		    r->jend, "sender_tcp_congestion", end->sender_congestion);
	if (end->receiver_congestion != NULL)
		cJSON_AddStringToObject(r->jend, "receiver_tcp_congestion",
		    end->receiver_congestion);
}

static void
rj_summary(struct reporter *r, const struct rpt_end *end)
{
	struct report_dir dir[2];
	cJSON *streams;
	size_t i, k;

	streams = cJSON_AddArrayToObject(r->jend, "streams");
	for (i = 0; i < end->nstreams; i++)
		cJSON_AddItemToArray(
		    streams, rj_end_stream(r, end, &end->streams[i]));
	report_end_dirs(r, end, r->st.bidir, dir);
	k = dir[0].forward ? 0 : 1;
	rj_end_dir(r, end, &dir[k], false);
	rj_end_dir(r, end, &dir[1 - k], true);
	rj_end_tail(r, end);
	if (end->lat != NULL)
		cJSON_AddItemToObject(
		    r->jend, "latency", report_lat_end_json(end));
}

/* The whole document; peer_output adds what the server sent us. */
static cJSON *
rj_document_full(const struct reporter *r, bool peer_output)
{
	cJSON *doc;

	doc = cJSON_CreateObject();
	cJSON_AddItemToObject(doc, "start", cJSON_Duplicate(r->jstart, true));
	cJSON_AddItemToObject(
	    doc, "intervals", cJSON_Duplicate(r->jintervals, true));
	cJSON_AddItemToObject(doc, "end", cJSON_Duplicate(r->jend, true));
	if (r->errmsg != NULL)
		cJSON_AddStringToObject(doc, "error", r->errmsg);
	if (r->title != NULL)
		cJSON_AddStringToObject(doc, "title", r->title);
	if (r->extra_data != NULL)
		cJSON_AddStringToObject(doc, "extra_data", r->extra_data);
	if (peer_output && r->server_json != NULL)
		cJSON_AddItemToObject(doc, "server_output_json",
		    cJSON_Duplicate(r->server_json, true));
	if (peer_output && r->server_text != NULL)
		cJSON_AddStringToObject(
		    doc, "server_output_text", r->server_text);
	return doc;
}

/* report_dup_json: the server's document for --get-server-output. */
static cJSON *
rj_document(const struct reporter *r)
{
	return rj_document_full(r, false);
}

static void
rj_finish(struct reporter *r)
{
	cJSON *doc;
	char *txt;

	if (r->stream) {
		report_jstream_finish(r);
		if (!r->stream_full)
			return;
	}
	doc = rj_document_full(r, true);
	txt = cJSON_Print(doc);
	if (txt != NULL) {
		fputs(txt, r->out);
		fputc('\n', r->out);
	}
	cJSON_free(txt);
	cJSON_Delete(doc);
}

/* The message is kept in r->errmsg by report.c; the document carries it. */
static void
rj_error(struct reporter *r, const char *msg)
{
}

/* A -J server prints no banner. */
static void
rj_banner(struct reporter *r, int port, int testno)
{
}

const struct report_ops report_json_ops = {
	.init = rj_init,
	.free = rj_free,
	.connect = rj_connect,
	.stream = rj_stream,
	.test_start = rj_test_start,
	.interval = rj_interval,
	.summary = rj_summary,
	.error = rj_error,
	.document = rj_document,
	.finish = rj_finish,
	.banner = rj_banner,
};
