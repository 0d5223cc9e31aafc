/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_rr.c: request/response mode's pure parts: the "REQ[/RESP]" sizes
 * of --rr and --crr, the options they refuse (each by name), the
 * "evperf_rr" parameter both ways, checked as untrusted input, and the
 * rows and -J keys the reporter renders for them.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "cmdline.h"
#include "errors.h"
#include "latency.h"
#include "memout.h"
#include "proto.h"
#include "report.h"
#include "rr.h"

START_TEST(test_rr_sizes)
{
	static const struct {
		const char *arg;
		int rc, req, resp;
	} t[] = {
		{ NULL, 0, 1, 1 },
		{ "1", 0, 1, 1 },
		{ "64", 0, 64, 64 },
		{ "100/2K", 0, 100, 2048 },
		{ "1M/1", 0, 1048576, 1 },
		{ "1/1M", 0, 1, 1048576 },
		{ "0", -1, 0, 0 },
		{ "1M1", -1, 0, 0 },
		{ "2M", -1, 0, 0 },
		{ "1/0", -1, 0, 0 },
		{ "1/", -1, 0, 0 },
		{ "/1", -1, 0, 0 },
		{ "1/2/3", -1, 0, 0 },
		{ "x", -1, 0, 0 },
		{ "", -1, 0, 0 },
		{ "-1", -1, 0, 0 },
		{ "1025K", -1, 0, 0 },
	};
	size_t i;
	int req, resp, rc;

	for (i = 0; i < nitems(t); i++) {
		rc = rr_parse_sizes(t[i].arg, &req, &resp);
		ck_assert_msg(rc == t[i].rc, "'%s': rc %d", t[i].arg, rc);
		if (rc == 0)
			ck_assert_msg(req == t[i].req && resp == t[i].resp,
			    "'%s': %d/%d", t[i].arg, req, resp);
	}
	ck_assert_str_eq(rr_mode_name(RR_RR), "rr");
	ck_assert_str_eq(rr_mode_name(RR_CRR), "crr");
	ck_assert_ptr_null(rr_mode_name(RR_NONE));
	ck_assert_int_eq(rr_mode_of("crr"), RR_CRR);
	ck_assert_int_eq(rr_mode_of("RR"), RR_NONE);
	ck_assert_int_eq(rr_mode_of(NULL), RR_NONE);
}
END_TEST

START_TEST(test_rr_options)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-c h --rr");
	ck_assert(s.rr == RR_RR && s.rr_req == 1 && s.rr_resp == 1);
	cmdline_parse_ok(&s, &cl, "-c h --crr=200/1K -P 4 -t 3 -O 1");
	ck_assert(s.rr == RR_CRR && s.rr_req == 200 && s.rr_resp == 1024);
	ck_assert_int_eq(s.parallel, 4);
	cmdline_parse_ok(&s, &cl, "-c h --rr=10 -N -w 1M -i 0.5");
	ck_assert(s.rr == RR_RR && s.rr_req == 10 && s.rr_resp == 10);
}
END_TEST

/* Each refused combination names the option. */
START_TEST(test_rr_refused)
{
	static const struct {
		const char *line, *cause;
	} t[] = {
		{ "-c h --rr -u",
		    "parameter error - --rr cannot be used with -u" },
		{ "-c h -R --crr",
		    "parameter error - --crr cannot be used with -R" },
		{ "-c h --rr --bidir",
		    "parameter error - --rr cannot be used with --bidir" },
		{ "-c h --rr --latency",
		    "parameter error - --rr cannot be used with --latency" },
		{ "-c h --rr -n 1M",
		    "parameter error - --rr cannot be used with -n" },
		{ "-c h --rr -k 10",
		    "parameter error - --rr cannot be used with -k" },
		{ "-c h --rr -l 10",
		    "parameter error - --rr cannot be used with -l" },
		{ "-c h --rr -b 1M",
		    "parameter error - --rr cannot be used with -b" },
		{ "-c h --crr --cport 5000 -B 127.0.0.1",
		    "parameter error - --crr cannot be used with --cport" },
		{ "-c h --rr --crr",
		    "parameter error - --rr and --crr cannot be combined" },
		{ "-c h --rr=0",
		    "parameter error - invalid argument '0' for option '--rr' "
		    "(REQ[/RESP]: 1 byte to 1M each)" },
		{ "-c h --crr=1/2M",
		    "parameter error - invalid argument '1/2M' for option "
		    "'--crr' (REQ[/RESP]: 1 byte to 1M each)" },
	};
	struct settings s;
	struct cmdline cl;
	char *cause;
	size_t i;

	for (i = 0; i < nitems(t); i++) {
		cause = NULL;
		ck_assert_msg(cmdline_parse(&s, &cl, t[i].line, &cause) == -1,
		    "'%s' parsed", t[i].line);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strcmp(cause, t[i].cause) == 0,
		    "'%s': got \"%s\"", t[i].line, cause);
		free(cause);
	}
}
END_TEST

static int
rr_params(const char *text, struct test_params *q)
{
	cJSON *j = cJSON_Parse(text);
	int rc;

	ck_assert_ptr_nonnull(j);
	rc = proto_params_from_json(j, q);
	proto_params_free(q);
	cJSON_Delete(j);
	return rc;
}

/* The client's key, read back by a server; bad values are IE_RECVPARAMS. */
START_TEST(test_rr_params)
{
	static const char *const bad[] = {
		"{\"tcp\":true,\"evperf_rr\":1}",
		"{\"tcp\":true,\"evperf_rr\":{}}",
		"{\"tcp\":true,\"evperf_rr\":{\"mode\":\"xx\",\"req\":1,"
		"\"resp\":1}}",
		"{\"tcp\":true,\"evperf_rr\":{\"mode\":\"rr\",\"req\":0,"
		"\"resp\":1}}",
		"{\"tcp\":true,\"evperf_rr\":{\"mode\":\"rr\",\"req\":1,"
		"\"resp\":1048577}}",
		"{\"tcp\":true,\"evperf_rr\":{\"mode\":\"rr\",\"req\":\"1\","
		"\"resp\":1}}",
		"{\"tcp\":true,\"evperf_rr\":{\"mode\":\"rr\",\"req\":1}}",
		"{\"udp\":true,\"evperf_rr\":{\"mode\":\"rr\",\"req\":1,"
		"\"resp\":1}}",
		"{\"tcp\":true,\"reverse\":true,\"evperf_rr\":{\"mode\":\"rr\","
		"\"req\":1,\"resp\":1}}",
		"{\"tcp\":true,\"evperf_latency\":10,\"evperf_rr\":{\"mode\":"
		"\"crr\",\"req\":1,\"resp\":1}}",
	};
	struct test_params p, q;
	struct settings s;
	struct cmdline cl;
	cJSON *j;
	size_t i;

	cmdline_parse_ok(&s, &cl, "-c h --crr=7/9");
	proto_params_from_settings(&p, &s);
	ck_assert_int_eq(proto_default_blksize(&p), 7);
	p.blksize = 7;
	j = proto_params_to_json(&p, true);
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert(q.rr == RR_CRR && q.rr_req == 7 && q.rr_resp == 9);
	proto_params_free(&q);
	cJSON_Delete(j);
	/* Not without the evperf offer (--no-role-flag): a stock server. */
	j = proto_params_to_json(&p, false);
	ck_assert_ptr_null(cJSON_GetObjectItem(j, PROTO_RR_KEY));
	cJSON_Delete(j);
	proto_params_free(&p);
	ck_assert_int_eq(rr_params("{\"tcp\":true}", &q), 0);
	ck_assert_int_eq(q.rr, RR_NONE);
	for (i = 0; i < nitems(bad); i++)
		ck_assert_msg(rr_params(bad[i], &q) == IE_RECVPARAMS,
		    "accepted %s", bad[i]);
}
END_TEST

/*
 * One interval and the summary of a one-stream client test in mode,
 * round trips 10, 20, ... 1000 us (100 of them a second), rendered as text
 * or -J into m.
 */
static void
rr_render(struct memout *m, bool json, enum rr_mode mode)
{
	struct settings s;
	struct rpt_start st;
	struct rpt_stream_iv iv;
	struct rpt_interval in = { 1, &iv, NULL };
	struct rpt_stream_end se;
	struct rpt_end end;
	struct rpt_latency l;
	struct lat_hist h;
	struct reporter *r;
	FILE *err = tmpfile();
	uint64_t us;

	memset(&s, 0, sizeof(s));
	s.role = ROLE_CLIENT;
	s.host = "127.0.0.1";
	s.port = 5201;
	s.parallel = 1;
	s.duration = 1;
	s.interval = 1;
	s.format = 'a';
	s.json = json;
	ck_assert_ptr_nonnull(memout_open(m));
	r = report_new(&s, true, m->fp, err, false);
	memset(&st, 0, sizeof(st));
	st.client = true;
	st.connecting_host = "127.0.0.1";
	st.port = 5201;
	st.proto = PROTO_TCP;
	st.num_streams = 1;
	st.blksize = 10;
	st.duration = 1;
	st.interval = 1;
	report_on_connect(r, &st);
	report_on_test_start(r, &st);
	lat_hist_init(&h);
	for (us = 10; us <= 1000; us += 10)
		lat_hist_add(&h, us);
	memset(&l, 0, sizeof(l));
	l.end = 1.0;
	l.mode = mode;
	lat_summarize(&h, &l.rtt);
	lat_hist_free(&h);
	memset(&iv, 0, sizeof(iv));
	iv.sender = true;
	iv.end = 1.0;
	iv.bytes = 1000;
	in.lat = &l;
	report_interval(r, &in);
	memset(&se, 0, sizeof(se));
	se.sender = true;
	se.bytes_sent = se.bytes_received = 1000;
	se.snd_seconds = se.rcv_seconds = se.local_seconds = 1.0;
	memset(&end, 0, sizeof(end));
	end.nstreams = 1;
	end.streams = &se;
	end.peer_known = true;
	end.lat = &l;
	end.rr_req = 10;
	end.rr_resp = 2048;
	end.crr_retries = mode == RR_CRR ? 3 : 0;
	report_summary(r, &end);
	report_finish(r);
	report_free(r);
	memout_close(m);
	fclose(err);
}

START_TEST(test_rr_rows)
{
	struct memout m;

	rr_render(&m, false, RR_RR);
	ck_assert_ptr_nonnull(strstr(m.buf,
	    "\n[ RR]   0.00-1.00   sec  100 trans  100.0 trans/s  rtt "
	    "min/med/p90/p99/max 0.010/0.500/0.900/0.990/1.000 ms\n"));
	ck_assert_ptr_nonnull(strstr(m.buf,
	    "\n[ RR]   0.00-1.00   sec  100 trans  100.0 trans/s  rtt "
	    "min/med/p90/p99/max 0.010/0.500/0.900/0.990/1.000 ms  10/2048 "
	    "bytes\n"));
	ck_assert_ptr_null(strstr(m.buf, "[LAT]"));
	memout_free(&m);
	rr_render(&m, false, RR_CRR);
	ck_assert_ptr_nonnull(strstr(m.buf,
	    "\n[CRR]   0.00-1.00   sec  100 conns  100.0 conns/s  rtt "
	    "min/med/p90/p99/max 0.010/0.500/0.900/0.990/1.000 ms\n"));
	ck_assert_ptr_nonnull(strstr(m.buf,
	    "\n[CRR] 3 connects failed and were tried again (no local "
	    "port free, or the server's backlog full)\n"));
	memout_free(&m);
}
END_TEST

/* The -J keys of both modes, in the interval and in "end". */
START_TEST(test_rr_json)
{
	struct memout m;
	const cJSON *l, *e;
	cJSON *doc;
	int mode;

	for (mode = RR_RR; mode <= RR_CRR; mode++) {
		rr_render(&m, true, (enum rr_mode)mode);
		ck_assert_ptr_nonnull((doc = cJSON_Parse(m.buf)));
		l = cJSON_GetObjectItem(
		    cJSON_GetArrayItem(
			cJSON_GetObjectItem(doc, "intervals"), 0),
		    "latency");
		ck_assert_ptr_nonnull(l);
		ck_assert_int_eq(
		    cJSON_GetObjectItem(l, "transactions")->valueint, 100);
		ck_assert_double_eq_tol(
		    cJSON_GetObjectItem(l, "transactions_per_second")
			->valuedouble,
		    100, 1e-9);
		ck_assert_int_eq(cJSON_GetObjectItem(l, "connections") != NULL,
		    mode == RR_CRR);
		e = cJSON_GetObjectItem(
		    cJSON_GetObjectItem(doc, "end"), "latency");
		ck_assert_str_eq(cJSON_GetObjectItem(e, "mode")->valuestring,
		    rr_mode_name(mode));
		ck_assert_int_eq(
		    cJSON_GetObjectItem(e, "request_bytes")->valueint, 10);
		ck_assert_int_eq(
		    cJSON_GetObjectItem(e, "response_bytes")->valueint, 2048);
		ck_assert_ptr_null(cJSON_GetObjectItem(e, "idle"));
		ck_assert_ptr_null(cJSON_GetObjectItem(e, "rate"));
		ck_assert_int_eq(
		    cJSON_GetObjectItem(e, "connect_retries") != NULL,
		    mode == RR_CRR);
		ck_assert_int_eq(
		    cJSON_GetObjectItem(
			cJSON_GetObjectItem(e, "loaded"), "transactions")
			->valueint,
		    100);
		cJSON_Delete(doc);
		memout_free(&m);
	}
}
END_TEST

Suite *
rr_suite(void)
{
	Suite *s = suite_create("rr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rr_sizes);
	tcase_add_test(tc, test_rr_options);
	tcase_add_test(tc, test_rr_refused);
	tcase_add_test(tc, test_rr_params);
	tcase_add_test(tc, test_rr_rows);
	tcase_add_test(tc, test_rr_json);
	suite_add_tcase(s, tc);
	return s;
}
