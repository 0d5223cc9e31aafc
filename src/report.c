/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report.c: the reporter object. It owns the per-test reporting state,
 * picks the renderer once (report_human_ops or report_json_ops, see
 * report_int.h) and dispatches each step of the test through it, and owns
 * the output sinks: the out and err FILEs chosen by the caller
 * (stdout/stderr or the --logfile), iperf3's line prefixes (--timestamps,
 * -T title on the client), --forceflush, the capture of human text for
 * --get-server-output, and warnings (the same in both modes). It never
 * reads sockets or session state; the only clock it reads is the wall
 * clock for --timestamps, through clock.c.
 */
#include "compat.h"

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
	RF_WARNING,
	RF_TITLE,
	RF_RFC1123,
};

/* Every format string of this file (iperf3's warning and prefix shapes). */
static const char *const report_fmt[] = {
	[RF_WARNING] = "warning: %s\n",
	[RF_TITLE] = "%s:  ",
	[RF_RFC1123] = "%a, %d %b %Y %H:%M:%S GMT",
};

#define REPORT_PREFIX_LEN 256
#define REPORT_LINE_LEN 512

/* The one place that looks at -J to choose a renderer. */
static const struct report_ops *
report_ops_for(const struct settings *s)
{
	return s->json ? &report_json_ops : &report_human_ops;
}

struct reporter *
report_new(
    const struct settings *s, bool client, FILE *out, FILE *err, bool capture)
{
	struct reporter *r;

	r = xcalloc(1, sizeof(*r));
	r->ops = report_ops_for(s);
	r->s = s;
	r->client = client;
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
	r->ops->init(r);
	return r;
}

void
report_free(struct reporter *r)
{
	if (r == NULL)
		return;
	r->ops->free(r);
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
report_set_tag(struct reporter *r, const char *tag)
{
	r->tag = tag;
}

bool
report_sctp(const struct reporter *r)
{
	return r->have_start ? r->st.sctp
			     : r->s->sctp && r->s->proto == PROTO_TCP;
}

const char *
report_proto_name(const struct rpt_start *st)
{
	if (st->proto == PROTO_UDP)
		return "UDP";
	return st->sctp ? "SCTP" : "TCP";
}

void
report_on_connect(struct reporter *r, const struct rpt_start *st)
{
	report_keep_strings(r, st);
	r->ops->connect(r, st);
}

void
report_on_stream(struct reporter *r, const struct rpt_conn *c)
{
	r->ops->stream(r, c);
}

void
report_on_test_start(struct reporter *r, const struct rpt_start *st)
{
	report_keep_strings(r, st);
	r->have_start = true;
	r->ops->test_start(r, st);
}

void
report_interval(struct reporter *r, const struct rpt_interval *iv)
{
	r->ops->interval(r, iv);
	if (r->s->forceflush)
		fflush(r->out);
}

void
report_summary(struct reporter *r, const struct rpt_end *end)
{
	if (r->summary_done)
		return;
	r->summary_done = true;
	r->ops->summary(r, end);
	if (r->s->forceflush)
		fflush(r->out);
}

void
report_error(struct reporter *r, const char *msg)
{
	if (r->errmsg != NULL)
		return;
	r->errmsg = xstrdup(msg);
	r->ops->error(r, msg);
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
	return r->ops->document(r);
}

const char *
report_captured_text(const struct reporter *r)
{
	return r->cap != NULL ? r->cap : "";
}

void
report_finish(struct reporter *r)
{
	r->ops->finish(r);
	fflush(r->out);
}

void
report_server_banner(const struct settings *s, FILE *out, int port, int testno)
{
	struct reporter r;

	memset(&r, 0, sizeof(r));
	r.ops = report_ops_for(s);
	r.s = s;
	r.out = out;
	r.err = out;
	r.ops->banner(&r, port, testno);
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

void
report_put_tag(const struct reporter *r, FILE *fp)
{
	if (r->tag != NULL)
		fprintf(fp, report_fmt[RF_TITLE], r->tag);
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
	if (prefixed)
		report_put_tag(r, r->out);
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

int
report_num_streams(const struct reporter *r)
{
	if (r->have_start)
		return r->st.num_streams;
	return r->s->parallel;
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
