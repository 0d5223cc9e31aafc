/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_int.h: the reporter's private state, shared by report.c (object,
 * dispatch and output sinks), report_human.c (iperf3's text layout) and
 * report_json.c (the -J document). Nothing outside these three files may
 * include it; everyone else sees only the opaque struct in report.h.
 */
#ifndef EVPERF_REPORT_INT_H
#define EVPERF_REPORT_INT_H

#include <stdarg.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "report.h"

#define REPORT_TIME_LEN 64
#define REPORT_SYSINFO_LEN 512

struct reporter {
	const struct settings *s;
	bool client;
	bool json;
	bool stream; /* --json-stream: one line per event */
	bool stream_full; /* --json-stream-full-output: and the document */
	bool keep_intervals; /* the document (or the peer) needs intervals */
	FILE *out, *err;

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

/* The version string evperf reports ("iperf 3.21 (evperf X.Y.Z)"). */
const char *report_version(void);
/* uname fields joined by single spaces, as iperf3's system_info. */
void report_sysinfo(char *buf, size_t len);
/* RFC 1123 date in GMT ("Wed, 25 Nov 2026 01:06:39 GMT"). */
void report_rfc1123(char *buf, size_t len, int64_t secs);
/* Streams at the front of the report order that share streams[0]'s role. */
size_t report_iv_split(const struct rpt_interval *iv);
size_t report_end_split(const struct rpt_end *end);
/* True if a direction whose local streams have role sender is c->s. */
bool report_dir_forward(const struct reporter *r, bool sender);
/* -P as known so far (test parameters, else the command line). */
int report_num_streams(const struct reporter *r);
/* x / y, or 0 when y is not positive (never nan or inf in output). */
double report_div(double x, double y);

void report_human_preamble(struct reporter *r);
void report_human_connect(struct reporter *r, const struct rpt_start *st);
void report_human_stream(struct reporter *r, const struct rpt_conn *c);
void report_human_test_start(struct reporter *r, const struct rpt_start *st);
void report_human_interval(struct reporter *r, const struct rpt_interval *iv);
void report_human_summary(struct reporter *r, const struct rpt_end *end);
void report_human_finish(struct reporter *r);
void report_human_banner(struct reporter *r, int port, int testno);

void report_json_init(struct reporter *r);
void report_json_free(struct reporter *r);
void report_json_connect(struct reporter *r, const struct rpt_start *st);
void report_json_stream(struct reporter *r, const struct rpt_conn *c);
void report_json_test_start(struct reporter *r, const struct rpt_start *st);
void report_json_interval(struct reporter *r, const struct rpt_interval *iv);
void report_json_summary(struct reporter *r, const struct rpt_end *end);
cJSON *report_json_document(const struct reporter *r, bool peer_output);
void report_json_finish(struct reporter *r);

/* One direction of a summary (or an interval), summed over its streams. */
struct report_total {
	uint64_t sent, received, packets, packets_rcvd;
	int64_t retrans, lost;
	double jitter;
	bool has_retrans;
	size_t n;
};

/* Sum n stream ends into *t. */
void report_total_ends(
    const struct rpt_stream_end *sp, size_t n, struct report_total *t);

#endif /* EVPERF_REPORT_INT_H */
