/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_lat.c: what --latency, --rr and --crr add to a report, in both
 * renderers. The human rows ([LAT], [ RR] or [CRR], after an interval's
 * rows and after the summary) and the -J "latency" objects (in each
 * interval and in "end"); everything else in the report stays iperf3's. Times in milliseconds with
 * microsecond digits; an interval without a reply prints dashes (text)
 * or a count of 0 and zeros (JSON).
 */
#include "compat.h"

#include <stdio.h>

#include "report_human_int.h"
#include "report_int.h"
#include "rr.h"

#define LAT_COLS_LEN 96

/* "min/med/p90/p99/max" in ms, or dashes without a round trip. */
static void
rh_lat_cols(char *buf, size_t len, const struct lat_summary *s)
{
	if (s->count == 0)
		snprintf(buf, len, "-/-/-/-/-");
	else
		snprintf(buf, len, "%.3f/%.3f/%.3f/%.3f/%.3f", s->min_ms,
		    s->median_ms, s->p90_ms, s->p99_ms, s->max_ms);
}

/* "N probes", and for UDP probes ", M lost". */
static void
rh_lat_count(char *buf, size_t len, const struct rpt_latency *l)
{
	if (l->udp)
		snprintf(buf, len, rh_fmt[RH_LAT_LOST],
		    (unsigned long long)l->rtt.count,
		    (unsigned long long)l->rtt.lost);
	else
		snprintf(buf, len, rh_fmt[RH_LAT_COUNT],
		    (unsigned long long)l->rtt.count);
}

/* Blank where a --bidir row has its [TX-C] tag, to keep the columns. */
static const char *
rh_lat_pad(const struct reporter *r)
{
	return rh_bidir(r) ? "      " : "";
}

/* Per second over l's span, 0 for an empty one. */
static double
rh_lat_rate(const struct rpt_latency *l)
{
	double secs = l->end - l->start;

	return secs > 0 ? (double)l->rtt.count / secs : 0;
}

/* --rr, --crr: the row's tag and what it counts. */
static const char *
rh_rr_tag(const struct rpt_latency *l)
{
	return l->mode == RR_CRR ? "CRR" : " RR";
}

static const char *
rh_rr_unit(const struct rpt_latency *l)
{
	return l->mode == RR_CRR ? "conns" : "trans";
}

void
rh_lat_interval(struct reporter *r, const struct rpt_latency *l)
{
	char cols[LAT_COLS_LEN], count[LAT_COLS_LEN];

	rh_lat_cols(cols, sizeof(cols), &l->rtt);
	if (l->mode != RR_NONE) {
		report_printf(r, rh_fmt[RH_RR], rh_rr_tag(l), rh_lat_pad(r),
		    l->start, l->end, (unsigned long long)l->rtt.count,
		    rh_rr_unit(l), rh_lat_rate(l), rh_rr_unit(l), cols,
		    l->omitted ? "  (omitted)" : "");
		return;
	}
	rh_lat_count(count, sizeof(count), l);
	report_printf(r, rh_fmt[RH_LAT], rh_lat_pad(r), l->start, l->end, cols,
	    count, l->omitted ? "  (omitted)" : "");
}

void
rh_lat_summary(struct reporter *r, const struct rpt_end *end)
{
	char cols[LAT_COLS_LEN], count[LAT_COLS_LEN];

	if (end->lat == NULL)
		return;
	rh_lat_cols(cols, sizeof(cols), &end->lat->rtt);
	if (end->lat->mode != RR_NONE) {
		report_printf(r, rh_fmt[RH_RR_END], rh_rr_tag(end->lat),
		    rh_lat_pad(r), end->lat->start, end->lat->end,
		    (unsigned long long)end->lat->rtt.count,
		    rh_rr_unit(end->lat), rh_lat_rate(end->lat),
		    rh_rr_unit(end->lat), cols, end->rr_req, end->rr_resp);
		if (end->crr_retries > 0)
			report_printf(r, rh_fmt[RH_CRR_RETRIES], rh_lat_pad(r),
			    (unsigned long long)end->crr_retries);
		return;
	}
	rh_lat_count(count, sizeof(count), end->lat);
	report_printf(r, rh_fmt[RH_LAT_END], rh_lat_pad(r), end->lat->start,
	    end->lat->end, cols, count);
	if (end->lat_idle != NULL) {
		rh_lat_cols(cols, sizeof(cols), &end->lat_idle->rtt);
		rh_lat_count(count, sizeof(count), end->lat_idle);
		report_printf(
		    r, rh_fmt[RH_LAT_IDLE], rh_lat_pad(r), cols, count);
	}
	if (end->lat_skipped > 0)
		report_printf(r, rh_fmt[RH_LAT_SKIPPED], rh_lat_pad(r),
		    (unsigned long long)end->lat_skipped);
}

static void
rj_lat_numbers(cJSON *o, const struct lat_summary *s)
{
	cJSON_AddNumberToObject(o, "count", (double)s->count);
	cJSON_AddNumberToObject(o, "lost", (double)s->lost);
	cJSON_AddNumberToObject(o, "min_ms", s->min_ms);
	cJSON_AddNumberToObject(o, "mean_ms", s->mean_ms);
	cJSON_AddNumberToObject(o, "median_ms", s->median_ms);
	cJSON_AddNumberToObject(o, "p90_ms", s->p90_ms);
	cJSON_AddNumberToObject(o, "p99_ms", s->p99_ms);
	cJSON_AddNumberToObject(o, "max_ms", s->max_ms);
}

/* --rr, --crr: the transactions (and connections) of l and their rate. */
static void
rj_lat_rr(cJSON *o, const struct rpt_latency *l)
{
	if (l->mode == RR_NONE)
		return;
	cJSON_AddNumberToObject(o, "transactions", (double)l->rtt.count);
	cJSON_AddNumberToObject(o, "transactions_per_second", rh_lat_rate(l));
	if (l->mode != RR_CRR)
		return;
	cJSON_AddNumberToObject(o, "connections", (double)l->rtt.count);
	cJSON_AddNumberToObject(o, "connections_per_second", rh_lat_rate(l));
}

cJSON *
report_lat_interval_json(const struct rpt_latency *l)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "start", l->start);
	cJSON_AddNumberToObject(o, "end", l->end);
	cJSON_AddNumberToObject(o, "seconds", l->end - l->start);
	rj_lat_numbers(o, &l->rtt);
	rj_lat_rr(o, l);
	if (l->omitted)
		cJSON_AddTrueToObject(o, "omitted");
	else
		cJSON_AddFalseToObject(o, "omitted");
	return o;
}

cJSON *
report_lat_end_json(const struct rpt_end *end)
{
	cJSON *o = cJSON_CreateObject(), *p;
	enum rr_mode mode = end->lat->mode;

	cJSON_AddStringToObject(
	    o, "mode", mode == RR_NONE ? "probe" : rr_mode_name(mode));
	cJSON_AddStringToObject(o, "protocol", end->lat->udp ? "udp" : "tcp");
	if (mode == RR_NONE) {
		cJSON_AddNumberToObject(o, "rate", end->lat_rate);
		cJSON_AddNumberToObject(o, "message_bytes", 16);
		cJSON_AddNumberToObject(o, "skipped", (double)end->lat_skipped);
	} else {
		cJSON_AddNumberToObject(o, "request_bytes", end->rr_req);
		cJSON_AddNumberToObject(o, "response_bytes", end->rr_resp);
		if (mode == RR_CRR)
			cJSON_AddNumberToObject(
			    o, "connect_retries", (double)end->crr_retries);
	}
	p = cJSON_AddObjectToObject(o, "loaded");
	cJSON_AddNumberToObject(p, "start", end->lat->start);
	cJSON_AddNumberToObject(p, "end", end->lat->end);
	cJSON_AddNumberToObject(p, "seconds", end->lat->end - end->lat->start);
	rj_lat_numbers(p, &end->lat->rtt);
	rj_lat_rr(p, end->lat);
	if (end->lat_idle != NULL)
		rj_lat_numbers(
		    cJSON_AddObjectToObject(o, "idle"), &end->lat_idle->rtt);
	return o;
}
