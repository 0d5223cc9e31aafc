/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report.c: the reporter object. It owns the per-test reporting state,
 * dispatches each step of the test to the human renderer (report_human.c)
 * or the -J renderer (report_json.c), and owns the output sinks: the out
 * and err FILEs chosen by the caller (stdout/stderr or the --logfile),
 * iperf3's line prefixes (--timestamps, -T title on the client),
 * --forceflush, and the capture of human text for --get-server-output.
 * It never reads sockets or session state; the only clock it reads is the
 * wall clock for --timestamps, through clock.c.
 */
#include "compat.h"

#include <sys/utsname.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "report.h"
#include "report_int.h"

enum report_fmt_id {
	RF_ERROR,
	RF_WARNING,
	RF_TITLE,
	RF_SYSINFO,
	RF_RFC1123,
};

/* Every format string of this file (iperf3's iperf_err/warning shapes). */
static const char *const report_fmt[] = {
	[RF_ERROR] = "iperf3: error - %s\n",
	[RF_WARNING] = "warning: %s\n",
	[RF_TITLE] = "%s:  ",
	[RF_SYSINFO] = "%s %s %s %s %s",
	[RF_RFC1123] = "%a, %d %b %Y %H:%M:%S GMT",
};

#define REPORT_VERSION "iperf 3.21 (evperf " EVPERF_VERSION ")"
#define REPORT_PREFIX_LEN 256
#define REPORT_LINE_LEN 512

struct reporter *
report_new(
    const struct settings *s, bool client, FILE *out, FILE *err, bool capture)
{
	struct reporter *r;

	r = xcalloc(1, sizeof(*r));
	r->s = s;
	r->client = client;
	r->json = s->json;
	r->out = out;
	r->err = err;
	r->capture = capture && !s->json;
	r->stream = s->json && s->json_stream;
	r->stream_full = r->stream && s->json_stream_full;
	/* iperf3 drops streamed intervals unless a document will need them. */
	r->keep_intervals = !r->stream || r->stream_full || capture;
	if (client && s->title != NULL)
		r->title = xstrdup(s->title);
	if (client && s->extra_data != NULL)
		r->extra_data = xstrdup(s->extra_data);
	if (r->json)
		report_json_init(r);
	else if (client)
		report_human_preamble(r);
	return r;
}

void
report_free(struct reporter *r)
{
	if (r == NULL)
		return;
	report_json_free(r);
	cJSON_Delete(r->server_json);
	free(r->server_text);
	free(r->errmsg);
	free(r->title);
	free(r->extra_data);
	free(r->cap);
	free(r);
}

static void
report_keep_strings(struct reporter *r, const struct rpt_start *st)
{
	if (st->title != NULL && r->title == NULL)
		r->title = xstrdup(st->title);
	if (st->extra_data != NULL && r->extra_data == NULL)
		r->extra_data = xstrdup(st->extra_data);
	r->st = *st;
	r->st.title = r->title;
	r->st.extra_data = r->extra_data;
}

void
report_on_connect(struct reporter *r, const struct rpt_start *st)
{
	report_keep_strings(r, st);
	if (r->json)
		report_json_connect(r, st);
	else
		report_human_connect(r, st);
}

void
report_on_stream(struct reporter *r, const struct rpt_conn *c)
{
	if (r->json)
		report_json_stream(r, c);
	else
		report_human_stream(r, c);
}

void
report_on_test_start(struct reporter *r, const struct rpt_start *st)
{
	report_keep_strings(r, st);
	r->have_start = true;
	if (r->json)
		report_json_test_start(r, st);
	else
		report_human_test_start(r, st);
}

void
report_interval(struct reporter *r, const struct rpt_interval *iv)
{
	if (r->json)
		report_json_interval(r, iv);
	else
		report_human_interval(r, iv);
	if (r->s->forceflush)
		fflush(r->out);
}

void
report_summary(struct reporter *r, const struct rpt_end *end)
{
	if (r->summary_done)
		return;
	r->summary_done = true;
	if (r->json)
		report_json_summary(r, end);
	else
		report_human_summary(r, end);
	if (r->s->forceflush)
		fflush(r->out);
}

void
report_error(struct reporter *r, const char *msg)
{
	if (r->errmsg != NULL)
		return;
	r->errmsg = xstrdup(msg);
	if (r->json)
		return;
	fprintf(r->err, report_fmt[RF_ERROR], msg);
	fflush(r->err);
}

void
report_warning(struct reporter *r, const char *msg)
{
	fprintf(r->err, report_fmt[RF_WARNING], msg);
	fflush(r->err);
}

void
report_set_server_output_json(struct reporter *r, cJSON *json)
{
	cJSON_Delete(r->server_json);
	r->server_json = json;
}

void
report_set_server_output_text(struct reporter *r, const char *text)
{
	free(r->server_text);
	r->server_text = text != NULL ? xstrdup(text) : NULL;
}

cJSON *
report_dup_json(const struct reporter *r)
{
	if (!r->json)
		return NULL;
	return report_json_document(r, false);
}

const char *
report_captured_text(const struct reporter *r)
{
	return r->cap != NULL ? r->cap : "";
}

void
report_finish(struct reporter *r)
{
	if (r->json)
		report_json_finish(r);
	else
		report_human_finish(r);
	fflush(r->out);
}

void
report_server_banner(const struct settings *s, FILE *out, int port, int testno)
{
	struct reporter r;

	if (s->json)
		return;
	memset(&r, 0, sizeof(r));
	r.s = s;
	r.out = out;
	r.err = out;
	report_human_banner(&r, port, testno);
	fflush(out);
}

static void
report_capture(struct reporter *r, const char *a, const char *b)
{
	size_t need;

	need = r->caplen + strlen(a) + strlen(b) + 1;
	if (need > r->capsize) {
		r->capsize = need * 2;
		r->cap = xrealloc(r->cap, r->capsize);
	}
	memcpy(r->cap + r->caplen, a, strlen(a));
	r->caplen += strlen(a);
	memcpy(r->cap + r->caplen, b, strlen(b));
	r->caplen += strlen(b);
	r->cap[r->caplen] = '\0';
}

/* The --timestamps and (client) -T prefixes, as iperf_printf builds them. */
static void
report_prefix(const struct reporter *r, char *buf, size_t len)
{
	int64_t secs, millis;
	struct tm tm;
	time_t t;
	size_t n = 0;

	buf[0] = '\0';
	if (r->s->timestamp_fmt != NULL) {
		clock_wall(&secs, &millis);
		t = (time_t)secs;
		if (localtime_r(&t, &tm) != NULL)
			n = strftime(buf, len, r->s->timestamp_fmt, &tm);
		buf[n] = '\0';
	}
	if (r->client && r->s->title != NULL)
		snprintf(buf + n, len - n, report_fmt[RF_TITLE], r->s->title);
}

static void
report_vemit(struct reporter *r, bool prefixed, const char *fmt, va_list ap)
{
	char prefix[REPORT_PREFIX_LEN], small[REPORT_LINE_LEN], *line = small;
	va_list ap2;
	int len;

	va_copy(ap2, ap);
	len = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(small)) {
		line = xmalloc((size_t)len + 1);
		vsnprintf(line, (size_t)len + 1, fmt, ap);
	}
	prefix[0] = '\0';
	if (prefixed)
		report_prefix(r, prefix, sizeof(prefix));
	fputs(prefix, r->out);
	fputs(line, r->out);
	if (r->capture)
		report_capture(r, prefix, line);
	if (line != small)
		free(line);
}

void
report_printf(struct reporter *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vemit(r, true, fmt, ap);
	va_end(ap);
}

void
report_printf_raw(struct reporter *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vemit(r, false, fmt, ap);
	va_end(ap);
}

const char *
report_version(void)
{
	return REPORT_VERSION;
}

void
report_sysinfo(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u) != 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	snprintf(buf, len, report_fmt[RF_SYSINFO], u.sysname, u.nodename,
	    u.release, u.version, u.machine);
}

void
report_rfc1123(char *buf, size_t len, int64_t secs)
{
	struct tm tm;
	time_t t = (time_t)secs;

	buf[0] = '\0';
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, report_fmt[RF_RFC1123], &tm) == 0)
		buf[0] = '\0';
}

size_t
report_iv_split(const struct rpt_interval *iv)
{
	size_t i;

	for (i = 1; i < iv->nstreams; i++)
		if (iv->streams[i].sender != iv->streams[0].sender)
			break;
	return iv->nstreams == 0 ? 0 : i;
}

size_t
report_end_split(const struct rpt_end *end)
{
	size_t i;

	for (i = 1; i < end->nstreams; i++)
		if (end->streams[i].sender != end->streams[0].sender)
			break;
	return end->nstreams == 0 ? 0 : i;
}

bool
report_dir_forward(const struct reporter *r, bool sender)
{
	return r->client ? sender : !sender;
}

int
report_num_streams(const struct reporter *r)
{
	if (r->have_start)
		return r->st.num_streams;
	return r->s->parallel;
}

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

void
report_startup_error(
    const struct settings *s, FILE *out, FILE *errf, const char *msg)
{
	struct reporter *r;

	r = report_new(s, true, out, errf, false);
	report_error(r, msg);
	report_finish(r);
	report_free(r);
	fflush(out);
}
