/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_report.c: the reporter suite. Synthetic rpt_* snapshots go through
 * report.c into memory streams; human output is compared with golden files
 * in test/data/ (layouts copied from iperf3 3.12 captures, numbers chosen so
 * every column prints what the capture shows), and -J output is parsed with
 * cJSON to check key order, types and arithmetic.
 */
#include "compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check_suites.h"

#include "memout.h"
#include "report.h"
#include "settings.h"

#define MIB 1048576.0

struct cap {
	struct settings s;
	FILE *out, *err;
	struct memout om, em;
	char *obuf, *ebuf; /* om's and em's bytes, after cap_sync */
	size_t olen, elen;
};

static void
cap_init(struct cap *c, bool json)
{
	memset(c, 0, sizeof(*c));
	c->s.port = 5201;
	c->s.parallel = 1;
	c->s.duration = 10;
	c->s.interval = 1;
	c->s.format = 'a';
	c->s.json = json;
	c->s.host = "127.0.0.1";
	c->out = memout_open(&c->om);
	c->err = memout_open(&c->em);
	ck_assert_ptr_nonnull(c->out);
	ck_assert_ptr_nonnull(c->err);
}

static void
cap_take(struct cap *c)
{
	c->obuf = c->om.buf;
	c->olen = c->om.len;
	c->ebuf = c->em.buf;
	c->elen = c->em.len;
}

/* Read back what was written so far. */
static void
cap_sync(struct cap *c)
{
	memout_sync(&c->om);
	memout_sync(&c->em);
	cap_take(c);
}

static void
cap_done(struct cap *c)
{
	memout_close(&c->om);
	memout_close(&c->em);
	cap_take(c);
}

static void
cap_free(struct cap *c)
{
	memout_free(&c->om);
	memout_free(&c->em);
}

static char *
golden(const char *name)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", EVPERF_TEST_DATA, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Compare with a golden file and name the first line that differs. */
static void
assert_golden(const char *got, const char *name)
{
	char *want = golden(name);
	size_t i, line = 1, bol = 0;

	for (i = 0; got[i] != '\0' && got[i] == want[i]; i++)
		if (got[i] == '\n') {
			line++;
			bol = i + 1;
		}
	ck_assert_msg(got[i] == want[i],
	    "%s: line %lu differs:\n got: %.120s\nwant: %.120s", name,
	    (unsigned long)line, got + bol, want + bol);
	free(want);
}

static struct rpt_start
start_tcp(bool client, int port)
{
	struct rpt_start st;

	memset(&st, 0, sizeof(st));
	st.client = client;
	st.connecting_host = "127.0.0.1";
	st.port = port;
	snprintf(st.accepted_host, sizeof(st.accepted_host), "127.0.0.1");
	snprintf(st.cookie, sizeof(st.cookie), "%s",
	    "fdcgaxkbqfyvdievs7fu4cxtf7u7vl4jp4sk");
	st.ctrl_mss = 32768;
	st.tcp_mss_default = client ? 32768 : 0;
	st.timesecs = 1795574558;
	st.timemillisecs = 1795574558123LL;
	st.sndbuf_actual = 16384;
	st.rcvbuf_actual = 131072;
	st.proto = PROTO_TCP;
	st.num_streams = 1;
	st.blksize = 131072;
	st.duration = 2;
	st.interval = 1;
	return st;
}

static struct rpt_conn
conn(int fd, int lport, int rport)
{
	struct rpt_conn c;

	memset(&c, 0, sizeof(c));
	c.socket = fd;
	snprintf(c.local_host, sizeof(c.local_host), "127.0.0.1");
	snprintf(c.remote_host, sizeof(c.remote_host), "127.0.0.1");
	c.local_port = lport;
	c.remote_port = rport;
	return c;
}

static struct rpt_stream_iv
iv_tcp(int fd, bool sender, double a, double b, double bytes)
{
	struct rpt_stream_iv v;

	memset(&v, 0, sizeof(v));
	v.socket = fd;
	v.sender = sender;
	v.start = a;
	v.end = b;
	v.bytes = (uint64_t)bytes;
	v.has_tcpinfo = true;
	v.pmtu = 65535;
	return v;
}

static struct rpt_stream_end
end_tcp(int fd, bool sender, double snt, double rcv, double ts, double tr)
{
	struct rpt_stream_end e;

	memset(&e, 0, sizeof(e));
	e.socket = fd;
	e.sender = sender;
	e.bytes_sent = (uint64_t)snt;
	e.bytes_received = (uint64_t)rcv;
	e.snd_seconds = ts;
	e.rcv_seconds = tr;
	e.local_seconds = sender ? ts : tr;
	return e;
}

/*
 * The -P 2 client of test/data/human_tcp_client_p2.txt; with sctp, the
 * same test over SCTP (test/data/human_sctp_client_p2.txt).
 */
static void
run_client_p2(struct cap *c, bool sctp)
{
	struct rpt_stream_iv iv[2];
	struct rpt_stream_end se[2];
	struct rpt_interval in = { 2, iv, NULL };
	struct rpt_end end;
	struct rpt_start st;
	struct reporter *r;
	struct rpt_conn c5 = conn(5, 57218, 5302), c7 = conn(7, 57234, 5302);

	c->s.parallel = 2;
	c->s.sctp = sctp;
	r = report_new(&c->s, true, c->out, c->err, false);
	st = start_tcp(true, 5302);
	st.num_streams = 2;
	st.sctp = sctp;
	report_on_connect(r, &st);
	report_on_stream(r, &c5);
	report_on_stream(r, &c7);
	report_on_test_start(r, &st);
	iv[0] = iv_tcp(5, true, 0, 1.004, 450 * MIB);
	iv[0].retransmits = 1;
	iv[0].snd_cwnd = (uint64_t)(2.5 * MIB);
	iv[1] = iv_tcp(7, true, 0, 1.004, 420 * MIB);
	iv[1].retransmits = 1;
	iv[1].snd_cwnd = (uint64_t)(3.5 * MIB);
	report_interval(r, &in);
	iv[0] = iv_tcp(5, true, 1.004, 2.004, 407.6 * MIB);
	iv[0].snd_cwnd = (uint64_t)(4.25 * MIB);
	iv[1] = iv_tcp(7, true, 1.004, 2.004, 408.6 * MIB);
	iv[1].snd_cwnd = (uint64_t)(4.25 * MIB);
	report_interval(r, &in);
	se[0] = end_tcp(5, true, 858 * MIB, 856 * MIB, 2.004, 2.012);
	se[1] = end_tcp(7, true, 829 * MIB, 827.6 * MIB, 2.004, 2.012);
	se[0].has_retrans = se[1].has_retrans = true;
	se[0].retransmits = se[1].retransmits = 1;
	memset(&end, 0, sizeof(end));
	end.nstreams = 2;
	end.streams = se;
	end.peer_known = true;
	end.sender_congestion = end.receiver_congestion = "bbr";
	report_summary(r, &end);
	report_finish(r);
	report_free(r);
	cap_done(c);
}

START_TEST(test_human_tcp_client_p2)
{
	struct cap c;

	cap_init(&c, false);
	run_client_p2(&c, false);
	assert_golden(c.obuf, "human_tcp_client_p2.txt");
	ck_assert_uint_eq(c.elen, 0);
	cap_free(&c);
}
END_TEST

/* A server in normal mode: banner, receiver lines only, capture on. */
START_TEST(test_human_tcp_server)
{
	struct rpt_stream_iv iv[1];
	struct rpt_interval in = { 1, iv, NULL };
	struct rpt_stream_end se[1];
	struct rpt_end end;
	struct rpt_start st = start_tcp(false, 0);
	struct rpt_conn c5 = conn(5, 5301, 49260);
	struct reporter *r;
	struct cap c;
	const char *banner_end;

	cap_init(&c, false);
	st.accepted_port = 49248;
	report_server_banner(&c.s, c.out, 5301, 1);
	r = report_new(&c.s, false, c.out, c.err, true);
	report_on_connect(r, &st);
	report_on_stream(r, &c5);
	report_on_test_start(r, &st);
	iv[0] = iv_tcp(5, false, 0, 1.002, 798 * MIB);
	iv[0].has_tcpinfo = false;
	report_interval(r, &in);
	iv[0] = iv_tcp(5, false, 1.002, 2.002, 838 * MIB);
	report_interval(r, &in);
	iv[0] = iv_tcp(5, false, 2.002, 2.01286, 4.75 * MIB);
	report_interval(r, &in);
	se[0] =
	    end_tcp(5, false, 0, (798 + 838 + 4.75) * MIB, 2.01286, 2.01286);
	memset(&end, 0, sizeof(end));
	end.nstreams = 1;
	end.streams = se;
	end.receiver_congestion = "bbr";
	report_summary(r, &end);
	report_finish(r);
	cap_sync(&c);
	assert_golden(c.obuf, "human_tcp_server.txt");
	/* The capture is the text minus the banner (3 lines). */
	banner_end = strstr(c.obuf, "Accepted");
	ck_assert_ptr_nonnull(banner_end);
	ck_assert_str_eq(report_captured_text(r), banner_end);
	report_free(r);
	cap_done(&c);
	cap_free(&c);
}
END_TEST

/* -R -V on the server: the sender side, the peer's lines not available. */
START_TEST(test_human_tcp_server_reverse_verbose)
{
	struct rpt_stream_iv iv[1];
	struct rpt_interval in = { 1, iv, NULL };
	struct rpt_stream_end se[1];
	struct rpt_end end;
	struct rpt_start st = start_tcp(false, 0);
	struct rpt_conn c5 = conn(5, 47315, 57436);
	struct reporter *r;
	struct cap c;

	cap_init(&c, false);
	c.s.verbose = true;
	st.accepted_port = 57422;
	st.reverse = true;
	r = report_new(&c.s, false, c.out, c.err, false);
	report_on_connect(r, &st);
	report_on_stream(r, &c5);
	report_on_test_start(r, &st);
	iv[0] = iv_tcp(5, true, 0, 1.001, 312 * MIB);
	iv[0].retransmits = 9;
	iv[0].snd_cwnd = (uint64_t)(4.37 * MIB);
	report_interval(r, &in);
	se[0] = end_tcp(5, true, 759 * MIB, 0, 2.013, 2.013);
	se[0].has_retrans = true;
	se[0].retransmits = 9;
	memset(&end, 0, sizeof(end));
	end.nstreams = 1;
	end.streams = se;
	end.cpu_host_total = 13.6;
	end.cpu_host_user = 0.5;
	end.cpu_host_system = 13.2;
	end.sender_congestion = "bbr";
	report_summary(r, &end);
	report_finish(r);
	report_free(r);
	cap_done(&c);
	assert_golden(c.obuf, "human_tcp_server_reverse_v.txt");
	cap_free(&c);
}
END_TEST

START_TEST(test_human_tcp_client_bidir)
{
	struct rpt_stream_iv iv[2];
	struct rpt_interval in = { 2, iv, NULL };
	struct rpt_stream_end se[2];
	struct rpt_end end;
	struct rpt_start st = start_tcp(true, 5304);
	struct rpt_conn c5 = conn(5, 40796, 5304), c7 = conn(7, 40798, 5304);
	struct reporter *r;
	struct cap c;

	cap_init(&c, false);
	c.s.port = 5304;
	c.s.bidir = st.bidir = true;
	r = report_new(&c.s, true, c.out, c.err, false);
	report_on_connect(r, &st);
	report_on_stream(r, &c5);
	report_on_stream(r, &c7);
	report_on_test_start(r, &st);
	iv[0] = iv_tcp(5, true, 0, 1.001, 444 * MIB);
	iv[0].retransmits = 3;
	iv[0].snd_cwnd = (uint64_t)(4.25 * MIB);
	iv[1] = iv_tcp(7, false, 0, 1.001, 425.45 * MIB);
	report_interval(r, &in);
	se[0] = end_tcp(5, true, 991 * MIB, 991 * MIB, 2.003, 2.007);
	se[1] = end_tcp(7, false, 966 * MIB, 962.6 * MIB, 2.003, 2.007);
	se[0].has_retrans = se[1].has_retrans = true;
	se[0].retransmits = 3;
	se[1].retransmits = 2;
	memset(&end, 0, sizeof(end));
	end.nstreams = 2;
	end.streams = se;
	end.peer_known = true;
	report_summary(r, &end);
	report_finish(r);
	report_free(r);
	cap_done(&c);
	assert_golden(c.obuf, "human_tcp_client_bidir.txt");
	cap_free(&c);
}
END_TEST

static struct rpt_stream_iv
iv_udp(bool sender, double a, double b, uint64_t pkts, double jit)
{
	struct rpt_stream_iv v = iv_tcp(5, sender, a, b, pkts * 32768.0);

	v.has_tcpinfo = false;
	v.packets = pkts;
	v.jitter_s = jit;
	return v;
}

START_TEST(test_human_udp_client)
{
	struct rpt_stream_iv iv[1];
	struct rpt_interval in = { 1, iv, NULL };
	struct rpt_stream_end se[1];
	struct rpt_end end;
	struct rpt_start st = start_tcp(true, 47331);
	struct rpt_conn c5 = conn(5, 49456, 47331);
	struct reporter *r;
	struct cap c;

	cap_init(&c, false);
	c.s.proto = st.proto = PROTO_UDP;
	st.target_bitrate = 10000000;
	r = report_new(&c.s, true, c.out, c.err, false);
	report_on_connect(r, &st);
	report_on_stream(r, &c5);
	report_on_test_start(r, &st);
	iv[0] = iv_udp(true, 0, 1.0001, 39, 0);
	report_interval(r, &in);
	iv[0] = iv_udp(true, 1.0001, 2.0001, 38, 0);
	report_interval(r, &in);
	se[0] = end_tcp(5, true, 77 * 32768.0, 77 * 32768.0, 2.0001, 2.0002);
	se[0].packets = 77;
	se[0].packets_rcvd = 77;
	se[0].jitter_s = 0.00001336;
	memset(&end, 0, sizeof(end));
	end.nstreams = 1;
	end.streams = se;
	end.peer_known = true;
	report_summary(r, &end);
	report_finish(r);
	report_free(r);
	cap_done(&c);
	assert_golden(c.obuf, "human_udp_client.txt");
	cap_free(&c);
}
END_TEST

/* -T and --get-server-output: the title on every print, text at the end. */
START_TEST(test_human_title_server_output)
{
	struct rpt_stream_iv iv[1];
	struct rpt_interval in = { 1, iv, NULL };
	struct rpt_stream_end se[1];
	struct rpt_end end;
	struct rpt_start st = start_tcp(true, 47317);
	struct rpt_conn c5 = conn(5, 60228, 47317);
	struct reporter *r;
	struct cap c;

	cap_init(&c, false);
	c.s.title = "mytitle";
	c.s.get_server_output = true;
	r = report_new(&c.s, true, c.out, c.err, false);
	report_on_connect(r, &st);
	report_on_stream(r, &c5);
	report_on_test_start(r, &st);
	iv[0] = iv_tcp(5, true, 0, 1.006, 329 * MIB);
	iv[0].retransmits = 4;
	iv[0].snd_cwnd = (uint64_t)(3.25 * MIB);
	report_interval(r, &in);
	se[0] = end_tcp(5, true, 329 * MIB, 327 * MIB, 1.006, 1.0268);
	se[0].has_retrans = true;
	se[0].retransmits = 4;
	memset(&end, 0, sizeof(end));
	end.nstreams = 1;
	end.streams = se;
	end.peer_known = true;
	report_set_server_output_text(r,
	    "Accepted connection from 127.0.0.1, "
	    "port 60220\nline two\n");
	report_summary(r, &end);
	report_finish(r);
	report_free(r);
	cap_done(&c);
	assert_golden(c.obuf, "human_tcp_client_title_gso.txt");
	cap_free(&c);
}
END_TEST

START_TEST(test_human_error)
{
	struct reporter *r;
	struct cap c;

	cap_init(&c, false);
	r = report_new(&c.s, true, c.out, c.err, false);
	report_error(r, "unable to connect to server: Connection refused");
	report_finish(r);
	report_free(r);
	cap_done(&c);
	ck_assert_uint_eq(c.olen, 0);
	ck_assert_str_eq(c.ebuf,
	    "iperf3: error - unable to connect to "
	    "server: Connection refused\n");
	cap_free(&c);
}
END_TEST

START_TEST(test_human_timestamps)
{
	struct rpt_start st = start_tcp(true, 5201);
	struct reporter *r;
	struct cap c;

	cap_init(&c, false);
	c.s.timestamp_fmt = "TS ";
	c.s.title = "tt";
	r = report_new(&c.s, true, c.out, c.err, false);
	report_on_connect(r, &st);
	report_finish(r);
	report_free(r);
	cap_done(&c);
	ck_assert_str_eq(c.obuf,
	    "TS tt:  Connecting to host 127.0.0.1, port "
	    "5201\nTS tt:  \nTS tt:  iperf Done.\n");
	cap_free(&c);
}
END_TEST

/* Render a document and parse it back. */
static cJSON *
json_of(struct cap *c)
{
	cJSON *doc;

	ck_assert_ptr_nonnull(c->obuf);
	ck_assert_msg(strstr(c->obuf, ":\tnan") == NULL, "nan in output");
	ck_assert_msg(strstr(c->obuf, "inf,") == NULL, "inf in output");
	ck_assert_msg(strstr(c->obuf, ":\tnull") == NULL, "null in output");
	ck_assert_msg(strstr(c->obuf, ":\t-nan") == NULL, "nan in output");
	ck_assert_int_eq(c->obuf[c->olen - 1], '\n');
	doc = cJSON_Parse(c->obuf);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

/* Assert that object o has exactly the keys in keys, in that order. */
static void
assert_keys(const cJSON *o, const char *const *keys, size_t n)
{
	const cJSON *it;
	size_t i = 0;

	ck_assert_ptr_nonnull(o);
	for (it = o->child; it != NULL; it = it->next, i++) {
		ck_assert_msg(i < n, "extra key %s", it->string);
		ck_assert_str_eq(it->string, keys[i]);
	}
	ck_assert_uint_eq(i, n);
}

static const cJSON *
jget(const cJSON *o, const char *path)
{
	char buf[256], *p, *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf; (tok = strtok_r(p, ".", &save)) != NULL; p = NULL) {
		if (cJSON_IsArray(o))
			o = cJSON_GetArrayItem(o, atoi(tok));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, tok);
		ck_assert_msg(o != NULL, "missing %s at %s", path, tok);
	}
	return o;
}

static double
jnum(const cJSON *o, const char *path)
{
	const cJSON *v = jget(o, path);

	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", path);
	return v->valuedouble;
}

static bool
jbool(const cJSON *o, const char *path)
{
	const cJSON *v = jget(o, path);

	ck_assert_msg(cJSON_IsBool(v), "%s is not a boolean", path);
	return cJSON_IsTrue(v);
}

static const char *const top_keys[] = { "start", "intervals", "end" };
static const char *const client_start_keys[] = { "connected", "version",
	"system_info", "timestamp", "connecting_to", "cookie",
	"tcp_mss_default", "target_bitrate", "fq_rate", "sock_bufsize",
	"sndbuf_actual", "rcvbuf_actual", "test_start" };
static const char *const test_start_keys[] = { "protocol", "num_streams",
	"blksize", "omit", "duration", "bytes", "blocks", "reverse", "tos",
	"target_bitrate", "bidir", "fqrate", "interval", "gso", "gro" };
static const char *const iv_tcp_snd_keys[] = { "socket", "start", "end",
	"seconds", "bytes", "bits_per_second", "retransmits", "snd_cwnd",
	"snd_wnd", "rtt", "rttvar", "pmtu", "reorder", "omitted", "sender" };
static const char *const iv_sum_retr_keys[] = { "start", "end", "seconds",
	"bytes", "bits_per_second", "retransmits", "omitted", "sender" };
static const char *const end_keys[] = { "streams", "sum_sent", "sum_received",
	"cpu_utilization_percent", "sender_tcp_congestion",
	"receiver_tcp_congestion" };
static const char *const end_snd_keys[] = { "socket", "start", "end", "seconds",
	"bytes", "bits_per_second", "retransmits", "reorder", "max_snd_cwnd",
	"max_snd_wnd", "max_rtt", "min_rtt", "mean_rtt", "sender" };
static const char *const end_rcv_keys[] = { "socket", "start", "end", "seconds",
	"bytes", "bits_per_second", "sender" };

START_TEST(test_json_tcp_client_p2)
{
	struct cap c;
	cJSON *doc;
	double b;

	cap_init(&c, true);
	run_client_p2(&c, false);
	ck_assert_uint_eq(c.elen, 0);
	ck_assert_int_eq(c.obuf[0], '{');
	ck_assert_ptr_nonnull(strstr(c.obuf, "\n\t\"start\":\t{\n"));
	doc = json_of(&c);
	assert_keys(doc, top_keys, nitems(top_keys));
	assert_keys(
	    jget(doc, "start"), client_start_keys, nitems(client_start_keys));
	assert_keys(jget(doc, "start.test_start"), test_start_keys,
	    nitems(test_start_keys));
	ck_assert_str_eq(jget(doc, "start.version")->valuestring,
	    "iperf 3.21 (evperf " EVPERF_VERSION ")");
	ck_assert_str_eq(jget(doc, "start.timestamp.time")->valuestring,
	    "Wed, 25 Nov 2026 02:42:38 GMT");
	ck_assert(jnum(doc, "start.test_start.reverse") == 0);
	ck_assert(jnum(doc, "start.test_start.num_streams") == 2);
	ck_assert(jnum(doc, "start.connected.1.socket") == 7);
	ck_assert(jnum(doc, "start.connected.1.local_port") == 57234);
	assert_keys(jget(doc, "intervals.0.streams.0"), iv_tcp_snd_keys,
	    nitems(iv_tcp_snd_keys));
	assert_keys(jget(doc, "intervals.0.sum"), iv_sum_retr_keys,
	    nitems(iv_sum_retr_keys));
	ck_assert(!jbool(doc, "intervals.0.streams.0.omitted"));
	ck_assert(jbool(doc, "intervals.0.streams.0.sender"));
	b = jnum(doc, "intervals.0.sum.bytes");
	ck_assert(b == 870 * MIB);
	ck_assert(fabs(jnum(doc, "intervals.0.sum.bits_per_second") -
		      b * 8 / 1.004) < 1e-3);
	ck_assert(jnum(doc, "intervals.0.sum.retransmits") == 2);
	assert_keys(jget(doc, "end"), end_keys, nitems(end_keys));
	assert_keys(jget(doc, "end.streams.0.sender"), end_snd_keys,
	    nitems(end_snd_keys));
	assert_keys(jget(doc, "end.streams.0.receiver"), end_rcv_keys,
	    nitems(end_rcv_keys));
	ck_assert(jnum(doc, "end.sum_sent.bytes") == (858 + 829) * MIB);
	ck_assert(fabs(jnum(doc, "end.sum_sent.bits_per_second") -
		      (858 + 829) * MIB * 8 / 2.004) < 1e-3);
	ck_assert(jnum(doc, "end.sum_received.seconds") == 2.012);
	ck_assert(jnum(doc, "end.streams.1.receiver.seconds") == 2.004);
	ck_assert(jnum(doc, "end.sum_sent.retransmits") == 2);
	cJSON_Delete(doc);
	cap_free(&c);
}
END_TEST

/*
 * SCTP as iperf3 3.21 reports it: a sender's rows keep Retr and Cwnd, the
 * headers and [SUM] rows do not; test_start.protocol is "SCTP".
 */
START_TEST(test_human_sctp_client_p2)
{
	struct cap c;

	cap_init(&c, false);
	run_client_p2(&c, true);
	assert_golden(c.obuf, "human_sctp_client_p2.txt");
	ck_assert_uint_eq(c.elen, 0);
	cap_free(&c);
}
END_TEST

static const char *const iv_sum_keys[] = { "start", "end", "seconds", "bytes",
	"bits_per_second", "omitted", "sender" };
static const char *const end_sum_keys[] = { "start", "end", "seconds", "bytes",
	"bits_per_second", "sender" };

START_TEST(test_json_sctp_client_p2)
{
	struct cap c;
	cJSON *doc;

	cap_init(&c, true);
	run_client_p2(&c, true);
	ck_assert_uint_eq(c.elen, 0);
	doc = json_of(&c);
	ck_assert_str_eq(
	    jget(doc, "start.test_start.protocol")->valuestring, "SCTP");
	assert_keys(jget(doc, "intervals.0.streams.0"), iv_tcp_snd_keys,
	    nitems(iv_tcp_snd_keys));
	assert_keys(
	    jget(doc, "intervals.0.sum"), iv_sum_keys, nitems(iv_sum_keys));
	assert_keys(jget(doc, "end.streams.0.sender"), end_snd_keys,
	    nitems(end_snd_keys));
	assert_keys(
	    jget(doc, "end.sum_sent"), end_sum_keys, nitems(end_sum_keys));
	cJSON_Delete(doc);
	cap_free(&c);
}
END_TEST

static const char *const server_udp_start_keys[] = {
	"connected",
	"version",
	"system_info",
	"target_bitrate",
	"timestamp",
	"accepted_connection",
	"cookie",
	"target_bitrate",
	"fq_rate",
	"sock_bufsize",
	"sndbuf_actual",
	"rcvbuf_actual",
	"test_start",
};
static const char *const iv_udp_rcv_keys[] = { "socket", "start", "end",
	"seconds", "bytes", "bits_per_second", "jitter_ms", "lost_packets",
	"packets", "lost_percent", "omitted", "sender" };
static const char *const end_udp_keys[] = { "streams", "sum", "sum_sent",
	"sum_received", "cpu_utilization_percent" };
static const char *const end_udp_stream_keys[] = { "socket", "start", "end",
	"seconds", "bytes", "bits_per_second", "jitter_ms", "lost_packets",
	"packets", "lost_percent", "out_of_order", "sender" };

/* A UDP server: start key positions, receiver shapes, unknown peer. */
START_TEST(test_json_udp_server)
{
	struct rpt_stream_iv iv[1];
	struct rpt_interval in = { 1, iv, NULL };
	struct rpt_stream_end se[1];
	struct rpt_end end;
	struct rpt_start st = start_tcp(false, 0);
	struct rpt_conn c5 = conn(5, 5201, 40000);
	struct reporter *r;
	struct cap c;
	cJSON *doc;

	cap_init(&c, true);
	st.proto = PROTO_UDP;
	st.target_bitrate = 10000000;
	r = report_new(&c.s, false, c.out, c.err, false);
	report_on_connect(r, &st);
	report_on_stream(r, &c5);
	report_on_test_start(r, &st);
	iv[0] = iv_udp(false, 0, 1.0, 40, 0.00002);
	iv[0].lost = 2;
	report_interval(r, &in);
	iv[0] = iv_udp(false, 1.0, 1.0, 0, 0.00002);
	report_interval(r, &in);
	se[0] = end_tcp(5, false, 0, 38 * 32768.0, 1.0, 1.0);
	se[0].packets = 40;
	se[0].packets_rcvd = 40;
	se[0].lost = 2;
	se[0].jitter_s = 0.00002;
	memset(&end, 0, sizeof(end));
	end.nstreams = 1;
	end.streams = se;
	report_summary(r, &end);
	report_finish(r);
	report_free(r);
	cap_done(&c);
	doc = json_of(&c);
	assert_keys(jget(doc, "start"), server_udp_start_keys,
	    nitems(server_udp_start_keys));
	assert_keys(jget(doc, "intervals.0.streams.0"), iv_udp_rcv_keys,
	    nitems(iv_udp_rcv_keys));
	ck_assert(jnum(doc, "intervals.0.sum.lost_percent") == 5);
	ck_assert(jnum(doc, "intervals.1.sum.bits_per_second") == 0);
	ck_assert(fabs(jnum(doc, "intervals.0.sum.jitter_ms") - 0.02) < 1e-9);
	assert_keys(jget(doc, "end"), end_udp_keys, nitems(end_udp_keys));
	assert_keys(jget(doc, "end.streams.0.udp"), end_udp_stream_keys,
	    nitems(end_udp_stream_keys));
	ck_assert(jnum(doc, "end.sum_sent.packets") == 0);
	ck_assert(jbool(doc, "end.sum_sent.sender"));
	ck_assert(!jbool(doc, "end.sum_received.sender"));
	ck_assert(jnum(doc, "end.sum_received.packets") == 40);
	ck_assert(jnum(doc, "end.sum_received.lost_percent") == 5);
	ck_assert(!jbool(doc, "end.sum.sender"));
	cJSON_Delete(doc);
	cap_free(&c);
}
END_TEST

static const char *const iv_bidir_keys[] = { "streams", "sum",
	"sum_bidir_reverse" };
static const char *const end_bidir_keys[] = { "streams", "sum_sent",
	"sum_received", "sum_sent_bidir_reverse", "sum_received_bidir_reverse",
	"cpu_utilization_percent", "sender_tcp_congestion" };
static const char *const server_tcp_start_keys[] = { "connected", "version",
	"system_info", "sock_bufsize", "sndbuf_actual", "rcvbuf_actual",
	"timestamp", "accepted_connection", "cookie", "tcp_mss_default",
	"target_bitrate", "fq_rate", "test_start" };

/* A --bidir server lists receivers first; "sum" is still client->server. */
START_TEST(test_json_tcp_server_bidir)
{
	struct rpt_stream_iv iv[2];
	struct rpt_interval in = { 2, iv, NULL };
	struct rpt_stream_end se[2];
	struct rpt_end end;
	struct rpt_start st = start_tcp(false, 0);
	struct rpt_conn c5 = conn(5, 5201, 40000), c8 = conn(8, 5201, 40001);
	struct reporter *r;
	struct cap c;
	cJSON *doc;

	cap_init(&c, true);
	st.bidir = true;
	st.title = "t1";
	r = report_new(&c.s, false, c.out, c.err, false);
	report_on_connect(r, &st);
	report_on_stream(r, &c5);
	report_on_stream(r, &c8);
	report_on_test_start(r, &st);
	iv[0] = iv_tcp(5, false, 0, 1.0, 1000);
	iv[1] = iv_tcp(8, true, 0, 1.0, 3000);
	iv[1].retransmits = 7;
	report_interval(r, &in);
	se[0] = end_tcp(5, false, 0, 1000, 2.0, 2.0);
	se[1] = end_tcp(8, true, 3000, 0, 2.0, 2.0);
	se[1].has_retrans = true;
	se[1].retransmits = 7;
	memset(&end, 0, sizeof(end));
	end.nstreams = 2;
	end.streams = se;
	end.sender_congestion = "cubic";
	report_summary(r, &end);
	report_error(r, "the client has terminated");
	report_finish(r);
	report_free(r);
	cap_done(&c);
	ck_assert_uint_eq(c.elen, 0);
	doc = json_of(&c);
	ck_assert_str_eq(
	    jget(doc, "error")->valuestring, "the client has terminated");
	ck_assert_str_eq(jget(doc, "title")->valuestring, "t1");
	ck_assert_str_eq(doc->child->next->next->next->string, "error");
	assert_keys(jget(doc, "start"), server_tcp_start_keys,
	    nitems(server_tcp_start_keys));
	ck_assert(jnum(doc, "start.test_start.bidir") == 1);
	assert_keys(
	    jget(doc, "intervals.0"), iv_bidir_keys, nitems(iv_bidir_keys));
	ck_assert(jnum(doc, "intervals.0.sum.bytes") == 1000);
	ck_assert(!jbool(doc, "intervals.0.sum.sender"));
	ck_assert(jnum(doc, "intervals.0.sum_bidir_reverse.bytes") == 3000);
	ck_assert(jnum(doc, "intervals.0.sum_bidir_reverse.retransmits") == 7);
	ck_assert(cJSON_GetObjectItem(jget(doc, "intervals.0.streams.0"),
		      "retransmits") == NULL);
	assert_keys(jget(doc, "end"), end_bidir_keys, nitems(end_bidir_keys));
	ck_assert(jnum(doc, "end.sum_sent.bytes") == 0);
	ck_assert(jnum(doc, "end.sum_received.bytes") == 1000);
	ck_assert(jnum(doc, "end.sum_sent_bidir_reverse.bytes") == 3000);
	ck_assert(jbool(doc, "end.sum_sent_bidir_reverse.sender"));
	cJSON_Delete(doc);
	cap_free(&c);
}
END_TEST

/* A failed client: the document still has start/intervals/end. */
START_TEST(test_json_error_only)
{
	struct reporter *r;
	struct cap c;

	cap_init(&c, true);
	r = report_new(&c.s, true, c.out, c.err, false);
	report_error(r, "unable to connect to server: Connection refused");
	report_finish(r);
	report_free(r);
	cap_done(&c);
	ck_assert_uint_eq(c.elen, 0);
	ck_assert_ptr_nonnull(strstr(c.obuf, "\t\"intervals\":\t[],\n"));
	ck_assert_ptr_nonnull(strstr(c.obuf, "\t\"connected\":\t[],\n"));
	ck_assert_ptr_nonnull(strstr(c.obuf, "\"error\":\t\"unable to"));
	cJSON_Delete(json_of(&c));
	cap_free(&c);
}
END_TEST

/* Check one --json-stream line: compact, {"event": name, "data": ...}. */
static const char *
stream_line(char **p, const char *name)
{
	char *line = *p, *nl = strchr(line, '\n');
	cJSON *o;

	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	*p = nl + 1;
	ck_assert_msg(strchr(line, '\t') == NULL, "not compact: %s", line);
	o = cJSON_Parse(line);
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_eq(o->child, cJSON_GetObjectItem(o, "event"));
	ck_assert_str_eq(cJSON_GetObjectItem(o, "event")->valuestring, name);
	ck_assert_ptr_eq(o->child->next, cJSON_GetObjectItem(o, "data"));
	cJSON_Delete(o);
	return line;
}

/* --json-stream: start, one line per interval, end; no document. */
START_TEST(test_json_stream)
{
	struct cap c;
	char *p;

	cap_init(&c, true);
	c.s.json_stream = true;
	run_client_p2(&c, false);
	ck_assert_uint_eq(c.elen, 0);
	p = c.obuf;
	ck_assert_ptr_nonnull(
	    strstr(stream_line(&p, "start"), "\"test_start\""));
	ck_assert_ptr_nonnull(strstr(stream_line(&p, "interval"), "\"sum\":"));
	stream_line(&p, "interval");
	ck_assert_ptr_nonnull(strstr(stream_line(&p, "end"), "\"sum_sent\":"));
	ck_assert_str_eq(p, "");
	cap_free(&c);
}
END_TEST

/* --json-stream-full-output: the lines, then the whole document. */
START_TEST(test_json_stream_full)
{
	struct cap c;
	cJSON *doc;
	char *p;

	cap_init(&c, true);
	c.s.json_stream = c.s.json_stream_full = true;
	run_client_p2(&c, false);
	p = c.obuf;
	stream_line(&p, "start");
	stream_line(&p, "interval");
	stream_line(&p, "interval");
	stream_line(&p, "end");
	doc = cJSON_Parse(p);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(cJSON_GetArraySize(jget(doc, "intervals")), 2);
	cJSON_Delete(doc);
	cap_free(&c);
}
END_TEST

/* A failed --json-stream test: the error event, then end with {}. */
START_TEST(test_json_stream_error)
{
	struct reporter *r;
	struct cap c;

	cap_init(&c, true);
	c.s.json_stream = true;
	r = report_new(&c.s, true, c.out, c.err, false);
	report_error(r, "the server is busy running a test. try again later");
	report_finish(r);
	report_free(r);
	cap_done(&c);
	ck_assert_str_eq(c.obuf,
	    "{\"event\":\"error\",\"data\":\"the server is busy running a "
	    "test. try again later\"}\n{\"event\":\"end\",\"data\":{}}\n");
	cap_free(&c);
}
END_TEST

Suite *
report_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("report");
	tc = tcase_create("human");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_human_tcp_client_p2);
	tcase_add_test(tc, test_human_tcp_server);
	tcase_add_test(tc, test_human_tcp_server_reverse_verbose);
	tcase_add_test(tc, test_human_tcp_client_bidir);
	tcase_add_test(tc, test_human_udp_client);
	tcase_add_test(tc, test_human_title_server_output);
	tcase_add_test(tc, test_human_error);
	tcase_add_test(tc, test_human_timestamps);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_json_tcp_client_p2);
	tcase_add_test(tc, test_human_sctp_client_p2);
	tcase_add_test(tc, test_json_sctp_client_p2);
	tcase_add_test(tc, test_json_udp_server);
	tcase_add_test(tc, test_json_tcp_server_bidir);
	tcase_add_test(tc, test_json_error_only);
	tcase_add_test(tc, test_json_stream);
	tcase_add_test(tc, test_json_stream_full);
	tcase_add_test(tc, test_json_stream_error);
	suite_add_tcase(s, tc);
	return s;
}
