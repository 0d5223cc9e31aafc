/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_int.h: the reporter's private state and its renderer interface,
 * shared by report.c (the object, dispatch through struct report_ops, and
 * the output sinks), report_sum.c (directions, totals and the UDP group),
 * report_human.c (iperf3's text layout) and report_json.c (the -J
 * document). Nothing outside these files may include it; everyone else
 * sees only the opaque struct in report.h.
 */
#ifndef EVPERF_REPORT_INT_H
#define EVPERF_REPORT_INT_H

#include <stdarg.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "report.h"

#define REPORT_TIME_LEN 64

/*
 * One renderer: iperf3's text (report_human_ops) or the -J document
 * (report_json_ops). report_new picks one for the whole test; every slot
 * is set, so report.c calls them without checks.
 */
struct report_ops {
	/* Once, at report_new: human -V preamble, or the document skeleton. */
	void (*init)(struct reporter *r);
	/* Release what init and the other steps built (not r itself). */
	void (*free)(struct reporter *r);
	void (*connect)(struct reporter *r, const struct rpt_start *st);
	void (*stream)(struct reporter *r, const struct rpt_conn *c);
	void (*test_start)(struct reporter *r, const struct rpt_start *st);
	void (*interval)(struct reporter *r, const struct rpt_interval *iv);
	void (*summary)(struct reporter *r, const struct rpt_end *end);
	/* The first report_error: human prints it, -J keeps r->errmsg. */
	void (*error)(struct reporter *r, const char *msg);
	/* report_dup_json: the document so far, or NULL (human). */
	cJSON *(*document)(const struct reporter *r);
	/* The closing output: the -J document, or "iperf Done.". */
	void (*finish)(struct reporter *r);
	/* The server's "Server listening" banner (nothing with -J). */
	void (*banner)(struct reporter *r, int port, int testno);
};

extern const struct report_ops report_human_ops;
extern const struct report_ops report_json_ops;

/* A concurrent server test's "test N:  " before a line, if it has one. */
void report_put_tag(const struct reporter *r, FILE *fp);

/* --sum-only with a [SUM] row to show: no per-stream rows. */
bool report_sums_only(const struct reporter *r);

/*
 * SCTP streams (--sctp): as in iperf3 3.21, a sender's own rows keep the
 * Retr and Cwnd columns (retransmits 0, cwnd from SCTP_STATUS), but the
 * headers and [SUM] rows go without (its sender_has_retransmits is 0).
 */
bool report_sctp(const struct reporter *r);

/* One --json-stream line: {"event":name,"data":data}; data is not taken. */
void report_jstream_event(struct reporter *r, const char *name, cJSON *data);
/* The closing --json-stream events (error, server output, end). */
void report_jstream_finish(struct reporter *r);

struct reporter {
	const struct report_ops *ops; /* chosen once by report_new */
	const struct settings *s;
	bool client;
	bool stream; /* --json-stream: one line per event */
	bool stream_full; /* --json-stream-full-output: and the document */
	bool keep_intervals; /* the document (or the peer) needs intervals */
	FILE *out, *err;
	const char *tag; /* server test's line prefix, or NULL (not owned) */

	bool capture; /* keep every human line (--get-server-output) */
	char *cap; /* captured text, NUL-terminated */
	size_t caplen, capsize;

	struct rpt_start st; /* last snapshot (strings not owned) */
	bool have_start; /* on_test_start seen: st.num_streams valid */
	int nblocks; /* interval blocks printed so far */
	bool summary_done;
	char *title, *extra_data;

	char *errmsg; /* first report_error() message */
	char *server_text; /* client: peer's server_output_text */
	cJSON *server_json; /* client: peer's server_output_json */

	cJSON *jstart, *jintervals, *jend; /* -J document parts */
};

/* Print one human "line" (iperf3's iperf_printf): prefixes, sink, capture. */
void report_printf(struct reporter *r, const char *fmt, ...);
/* As report_printf, but without the timestamp and title prefixes. */
void report_printf_raw(struct reporter *r, const char *fmt, ...);

/* RFC 1123 date in GMT ("Wed, 25 Nov 2026 01:06:39 GMT"). */
void report_rfc1123(char *buf, size_t len, int64_t secs);
/* -P as known so far (test parameters, else the command line). */
int report_num_streams(const struct reporter *r);

/* report_lat.c: the -J "latency" objects of an interval and of "end". */
cJSON *report_lat_interval_json(const struct rpt_latency *l);
cJSON *report_lat_end_json(const struct rpt_end *end);

/* report_sum.c */

/* x / y, or 0 when y is not positive (never nan or inf in output). */
double report_div(double x, double y);
/* True if a direction whose local streams have role sender is c->s. */
bool report_dir_forward(const struct reporter *r, bool sender);

/* A direction's streams, [from, to) in report order. */
struct report_dir {
	size_t from, to;
	bool forward; /* iperf3's "sum" (c->s, or all streams without bidir) */
};

/*
 * The report order split by direction: dir[0] is the leading run of
 * streams sharing streams[0]'s role, dir[1] the rest. Without bidir,
 * dir[0] holds every stream and dir[1] is empty.
 */
void report_iv_dirs(const struct reporter *r, const struct rpt_interval *iv,
    bool bidir, struct report_dir dir[2]);
void report_end_dirs(const struct reporter *r, const struct rpt_end *end,
    bool bidir, struct report_dir dir[2]);

/* One direction of a summary (or an interval), summed over its streams. */
struct report_total {
	uint64_t sent, received, packets, packets_rcvd;
	int64_t retrans, lost;
	double jitter;
	bool has_retrans;
	size_t n;
};

/* Sum n interval streams into *t (sent = bytes moved in the interval). */
void report_total_ivs(
    const struct rpt_stream_iv *sp, size_t n, struct report_total *t);
/* Sum n stream ends into *t. */
void report_total_ends(
    const struct rpt_stream_end *sp, size_t n, struct report_total *t);

/* iperf3's UDP receiver group, as both the text and the -J print it. */
struct report_udp {
	double jitter_ms;
	int64_t lost;
	uint64_t packets;
	double lost_pct; /* 100 * lost / packets, 0 without packets */
};

/* The group of one stream: jitter in seconds, lost of packets. */
struct report_udp report_udp(double jitter_s, int64_t lost, uint64_t packets);
/* The group of a total: the mean jitter of its streams, lost of packets. */
struct report_udp report_total_udp(
    const struct report_total *t, uint64_t packets);

#endif /* EVPERF_REPORT_INT_H */
