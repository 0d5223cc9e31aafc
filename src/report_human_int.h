/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_human_int.h: what the human renderer's two files share: the
 * format table and its words (report_human.c) and the helpers that build
 * a data row; report_human_end.c prints the end-of-test summary with them.
 */
#ifndef EVPERF_REPORT_HUMAN_INT_H
#define EVPERF_REPORT_HUMAN_INT_H

#include "report.h"
#include "report_int.h"

enum rh_id {
	RH_LINE,
	RH_EMPTY,
	RH_NEWLINE,
	RH_ERROR,
	RH_CTRL_MSS,
	RH_CTRL_KA,
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
	RH_ROW,
	RH_BW,
	RH_BW_RETR_CWND,
	RH_BW_RETR_END,
	RH_SUM_BW_RETR,
	RH_UDP,
	RH_UDP_SND,
	RH_OUTOFORDER,
	RH_SEPARATOR,
	RH_SUMMARY,
	RH_CPU,
	RH_SND_CONG,
	RH_RCV_CONG,
	RH_SND_NA,
	RH_RCV_NA,
	RH_DONE,
	RH_SERVER_TEXT,
	RH_SERVER_JSON,
	RH_DASHES,
	RH_LISTENING,
	RH_DISKFILE,
	RH_LAT,
	RH_LAT_END,
	RH_LAT_IDLE,
	RH_LAT_SKIPPED,
	RH_LAT_COUNT,
	RH_LAT_LOST,
	RH_RR,
	RH_RR_END,
	RH_CRR_RETRIES,
};

extern const char *const rh_fmt[];
extern const char *const rh_tag[2][2];
extern const char rh_role[], rh_omitted[], rh_sender[], rh_receiver[];
extern const char rh_local[], rh_remote[], rh_sum[], rh_udp_pad[];

#define RH_UNIT_LEN 32
#define RH_ID_LEN 16
#define RH_HEAD_LEN 128
#define RH_SUM_ROW (-1) /* the socket argument of a [SUM] row */

bool rh_bidir(const struct reporter *r);
bool rh_udp(const struct reporter *r);
const char *rh_tagof(const struct reporter *r, bool sender);
const char *rh_roleof(const struct reporter *r);

/* Transfer and Bitrate columns for bytes moved in seconds. */
void rh_units(const struct reporter *r, double bytes, double seconds,
    char *xfer, char *rate);

/* The [ID] column: the socket number, or SUM for RH_SUM_ROW. */
const char *rh_id(char *buf, int socket);

/* The columns every data row starts with (RH_ROW), into head. */
void rh_head(const struct reporter *r, char *head, int socket, bool sender,
    double start, double end, uint64_t bytes);

void rh_print_udp(struct reporter *r, const char *head,
    const struct report_udp *u, const char *tail);

/* report_lat.c: the latency rows of an interval and of the summary. */
void rh_lat_interval(struct reporter *r, const struct rpt_latency *l);
void rh_lat_summary(struct reporter *r, const struct rpt_end *end);

/* The end-of-test summary (report_human_end.c). */
void rh_summary(struct reporter *r, const struct rpt_end *end);

#endif /* EVPERF_REPORT_HUMAN_INT_H */
