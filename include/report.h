/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report.h: the reporter. One reporter per test (the session owns it).
 * The session hands it plain-data snapshots (struct rpt_*) at each step of
 * the test; the reporter renders them either as iperf3's human-readable
 * text (report_human.c) or as iperf3's -J document (report_json.c).
 * The reporter never reads clocks, sockets or session internals.
 *
 * Call order for one test:
 *   report_new
 *   report_on_connect        client: after sending parameters
 *                            server: after sending CREATE_STREAMS
 *   report_on_stream         once per data connection, in stream order
 *   report_on_test_start     at TEST_START
 *   report_interval          every -i seconds (and a final short one)
 *   report_summary           at the end (client: after the results exchange)
 *   report_error             any time, at most once (the test failed)
 *   report_finish            last: prints the JSON document (-J), or
 *                            "\niperf Done." (human, client, no error)
 *   report_free
 */
#ifndef EVPERF_REPORT_H
#define EVPERF_REPORT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "latency.h"
#include "settings.h"

#define RPT_HOST_LEN 64

/* Test-wide facts, filled in step by step by the session. */
struct rpt_start {
	bool client;
	/* "on connect": */
	const char *connecting_host; /* client: -c argument as given */
	int port; /* client: server port */
	char accepted_host[RPT_HOST_LEN]; /* server: control peer address */
	int accepted_port;
	char cookie[37]; /* 36 characters + NUL */
	int ctrl_mss; /* client: control socket MSS (-V line) */
	int ctrl_ka[3]; /* --cntl-ka idle/intvl/cnt in force (-V); 0 = off */
	int tcp_mss; /* -M value, 0 if not set */
	int tcp_mss_default; /* client: control MSS; server: 0 */
	int64_t timesecs; /* Unix time at "on connect" */
	int64_t timemillisecs;
	/* TEST_START: */
	int sock_bufsize; /* -w (0 = OS default) */
	int sndbuf_actual, rcvbuf_actual; /* getsockopt on first stream */
	enum proto_kind proto;
	bool sctp; /* PROTO_TCP streams that are SCTP (--sctp) */
	int num_streams; /* -P */
	int blksize;
	int omit;
	int duration;
	uint64_t bytes, blocks;
	bool reverse, bidir;
	int tos;
	uint64_t target_bitrate; /* bits/s, 0 = unlimited */
	uint64_t fq_rate;
	bool gso, gro; /* UDP offloads in use (3.21 test_start keys) */
	double interval;
	const char *title, *extra_data; /* NULL = absent */
};

/* One data connection (start.connected[], "[  5] local ... connected"). */
struct rpt_conn {
	int socket; /* local fd */
	char local_host[RPT_HOST_LEN]; /* ::ffff: prefix already stripped */
	int local_port;
	char remote_host[RPT_HOST_LEN];
	int remote_port;
};

/* One stream's numbers over one reporting interval. */
struct rpt_stream_iv {
	int socket;
	bool sender; /* the local stream sends */
	bool omitted; /* interval lies in the -O period */
	double start, end; /* seconds since stream start (restart after -O) */
	uint64_t bytes; /* moved by this side in the interval */
	bool has_tcpinfo; /* local sender with TCP_INFO: print Retr/Cwnd */
	int64_t retransmits; /* in this interval */
	uint64_t snd_cwnd; /* bytes */
	uint64_t snd_wnd; /* bytes */
	uint64_t rtt, rttvar; /* microseconds */
	uint64_t pmtu, reorder;
	/* UDP only: */
	uint64_t packets; /* sent, or increase of highest sequence */
	int64_t lost; /* increase of lost count */
	double jitter_s; /* running jitter at interval end, seconds */
	uint64_t out_of_order;
};

/*
 * Round trips timed over an interval or the test: --latency's probes
 * (mode RR_NONE), or the transactions of --rr or --crr (rtt.count of them).
 */
struct rpt_latency {
	double start, end; /* seconds, as the interval's (or the test's) */
	bool omitted;
	bool udp; /* UDP probes: losses counted */
	enum rr_mode mode;
	struct lat_summary rtt;
};

struct rpt_interval {
	size_t nstreams;
	const struct rpt_stream_iv *streams; /* report order, see below */
	const struct rpt_latency *lat; /* NULL: no probes */
};

/*
 * Stream order, in intervals and in the summary: without --bidir, creation
 * order. With --bidir: client lists its sending streams first, then its
 * receiving ones; server lists its receiving streams first, then sending.
 * In --bidir "sum" is the client->server direction and "sum_bidir_reverse"
 * the server->client direction, on both sides: a stream is client->server
 * iff (client && sender) || (!client && !sender).
 */

/* One stream's totals for the summary (see protocol reference 6.5). */
struct rpt_stream_end {
	int socket;
	bool sender; /* the local stream sends */
	uint64_t bytes_sent; /* B_snd after omit (local or from the peer) */
	uint64_t bytes_received; /* B_rcv after omit (local or from the peer) */
	double snd_seconds; /* T_snd (first stream of the test) */
	double rcv_seconds; /* T_rcv (first stream of the test) */
	double local_seconds; /* local first-stream duration */
	bool has_retrans; /* the sending end has retransmit counts */
	int64_t retransmits; /* total after omit, sending end */
	uint64_t max_snd_cwnd, max_snd_wnd; /* local TCP_INFO samples */
	uint64_t max_rtt, min_rtt, mean_rtt;
	uint64_t reorder;
	/* UDP only: */
	double jitter_s; /* receiver's jitter, seconds */
	int64_t lost; /* after omit */
	uint64_t packets; /* sender count if known, else receiver's */
	uint64_t packets_rcvd; /* receiver's count (highest sequence seen
				   after omit); 0 while unknown */
	uint64_t out_of_order;
	const char *file; /* -F: the stream's file, or NULL */
	uint64_t file_size; /* its size at the end */
};

struct rpt_end {
	size_t nstreams;
	const struct rpt_stream_end *streams; /* same order as intervals */
	bool peer_known; /* false on the server: print only local lines */
	double cpu_host_total, cpu_host_user, cpu_host_system;
	double cpu_remote_total, cpu_remote_user, cpu_remote_system;
	const char *sender_congestion; /* NULL = key absent */
	const char *receiver_congestion; /* NULL = key absent */
	/* --latency: under load (after -O) and the idle baseline; NULL = none */
	const struct rpt_latency *lat, *lat_idle;
	int lat_rate; /* probes per second */
	uint64_t lat_skipped; /* probes the socket could not take */
	int rr_req, rr_resp; /* --rr, --crr: request and response bytes */
	uint64_t crr_retries; /* --crr: connects that failed, tried again */
};

struct reporter;

/*
 * A reporter for one test. out receives the report (stdout or the
 * --logfile); err receives errors and warnings (stderr or the --logfile).
 * With capture set, every human line is also kept for --get-server-output.
 */
struct reporter *report_new(
    const struct settings *s, bool client, FILE *out, FILE *err, bool capture);
void report_free(struct reporter *r);

/*
 * Prefix every human line of this test with "tag:  " (the -T layout), on
 * the output only (not in the text --get-server-output captures). tag is
 * not copied: it must outlive r. For a server running concurrent tests.
 */
void report_set_tag(struct reporter *r, const char *tag);

/* The protocol as iperf3 names it in test_start: "TCP", "UDP", "SCTP". */
const char *report_proto_name(const struct rpt_start *st);

void report_on_connect(struct reporter *r, const struct rpt_start *st);
void report_on_stream(struct reporter *r, const struct rpt_conn *c);
void report_on_test_start(struct reporter *r, const struct rpt_start *st);
void report_interval(struct reporter *r, const struct rpt_interval *iv);
void report_summary(struct reporter *r, const struct rpt_end *end);

/* The test failed with msg (no "iperf3: error - " prefix). */
void report_error(struct reporter *r, const char *msg);

/* A warning: "warning: msg" on err (both modes). */
void report_warning(struct reporter *r, const char *msg);

/* Client: what the server sent with --get-server-output (json is taken). */
void report_set_server_output_json(struct reporter *r, cJSON *json);
void report_set_server_output_text(struct reporter *r, const char *text);

/* Server with --get-server-output: its document so far, or its text. */
cJSON *report_dup_json(const struct reporter *r); /* caller frees */
const char *report_captured_text(const struct reporter *r);

/* Print the final JSON document (-J), or the closing human lines. */
void report_finish(struct reporter *r);

/*
 * A failure before any test exists (bad option, log or pid file, listener):
 * "iperf3: error - msg" on errf, or with -J one document with "error".
 */
void report_startup_error(
    const struct settings *s, FILE *out, FILE *errf, const char *msg);

/* Server banner (human mode only; nothing with -J). */
void report_server_banner(
    const struct settings *s, FILE *out, int port, int testno);

#endif /* EVPERF_REPORT_H */
