/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_proto.c: control framing fed byte by byte, oversized and zero
 * lengths, malformed JSON, parameter round trips and validation, results
 * messages including iperf3 3.12's unsigned -1.
 */
#include "compat.h"

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "errors.h"
#include "proto.h"

static struct evbuffer *
frame(const char *text, uint32_t len)
{
	struct evbuffer *b = evbuffer_new();
	uint32_t n = htonl(len);

	evbuffer_add(b, &n, 4);
	evbuffer_add(b, text, strlen(text));
	return b;
}

START_TEST(test_cookie)
{
	char c[COOKIE_SIZE];
	int i;

	proto_make_cookie(c);
	ck_assert_int_eq(c[COOKIE_SIZE - 1], 0);
	ck_assert_uint_eq(strlen(c), 36);
	for (i = 0; i < 36; i++)
		ck_assert_ptr_nonnull(
		    strchr("abcdefghijklmnopqrstuvwxyz234567", c[i]));
}
END_TEST

START_TEST(test_json_partial)
{
	const char *msg = "{\"tcp\":true,\"time\":2}";
	struct evbuffer *full = frame(msg, (uint32_t)strlen(msg));
	struct evbuffer *in = evbuffer_new();
	unsigned char byte;
	cJSON *j = NULL;
	size_t total = evbuffer_get_length(full), i;

	/* Fed one byte at a time: "not yet" until the last byte. */
	for (i = 0; i < total; i++) {
		ck_assert_int_eq(proto_take_json(in, 8192, &j), 0);
		ck_assert_ptr_null(j);
		evbuffer_remove(full, &byte, 1);
		evbuffer_add(in, &byte, 1);
	}
	ck_assert_int_eq(proto_take_json(in, 8192, &j), 1);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "tcp")));
	ck_assert_uint_eq(evbuffer_get_length(in), 0);
	cJSON_Delete(j);
	evbuffer_free(in);
	evbuffer_free(full);
}
END_TEST

START_TEST(test_json_bad_lengths)
{
	struct evbuffer *b;
	cJSON *j;

	b = frame("", 0xffffffffu);
	ck_assert_int_eq(proto_take_json(b, PROTO_PARAMS_MAX, &j), -1);
	evbuffer_free(b);
	b = frame("", 8193);
	ck_assert_int_eq(proto_take_json(b, PROTO_PARAMS_MAX, &j), -1);
	evbuffer_free(b);
	b = frame("", 0);
	ck_assert_int_eq(proto_take_json(b, PROTO_PARAMS_MAX, &j), -1);
	evbuffer_free(b);
	b = frame("{notjson!!", 10);
	ck_assert_int_eq(proto_take_json(b, PROTO_PARAMS_MAX, &j), -2);
	evbuffer_free(b);
	b = frame("[1,2]", 5);
	ck_assert_int_eq(proto_take_json(b, PROTO_PARAMS_MAX, &j), -2);
	evbuffer_free(b);
}
END_TEST

START_TEST(test_state_and_ints)
{
	struct evbuffer *b = evbuffer_new();
	signed char st;
	int32_t v;

	ck_assert_int_eq(proto_take_state(b, &st), 0);
	proto_put_state(b, SERVER_ERROR);
	proto_put_int(b, 141);
	proto_put_int(b, 0);
	ck_assert_int_eq(proto_take_state(b, &st), 1);
	ck_assert_int_eq(st, -2);
	ck_assert_int_eq(proto_take_int(b, &v), 1);
	ck_assert_int_eq(v, 141);
	ck_assert_int_eq(proto_take_int(b, &v), 1);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(proto_take_int(b, &v), 0);
	evbuffer_free(b);
}
END_TEST

START_TEST(test_params_roundtrip)
{
	struct test_params p, q;
	cJSON *j;
	char *text, title[] = "t";

	memset(&p, 0, sizeof(p));
	p.proto = PROTO_TCP;
	p.duration = 2;
	p.parallel = 4;
	p.bidir = true;
	p.blksize = 131072;
	p.window = 65536;
	p.pacing_timer = 1000;
	p.title = title;
	j = proto_params_to_json(&p, true);
	text = cJSON_PrintUnformatted(j);
	/* What a stock 3.21 client sends, in its order, plus our key. */
	ck_assert_str_eq(text,
	    "{\"tcp\":true,\"omit\":0,\"time\":2,\"num\":0,\"blockcount\":0,"
	    "\"parallel\":4,\"bidirectional\":true,\"window\":65536,"
	    "\"len\":131072,\"pacing_timer\":1000,\"title\":\"t\","
	    "\"evperf_roles\":2,\"client_version\":\"3.21\"}");
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert_int_eq(q.parallel, 4);
	ck_assert(q.bidir && !q.reverse);
	ck_assert_int_eq(q.roles, 2);
	ck_assert_int_eq(q.window, 65536);
	ck_assert_str_eq(q.title, "t");
	ck_assert(!q.mptcp && !q.has_server_affinity);
	ck_assert_int_eq(q.flowlabel, 0);
	ck_assert_ptr_null(q.authtoken);
	proto_params_free(&q);
	cJSON_free(text);
	cJSON_Delete(j);
}
END_TEST

/* "authtoken" goes where iperf3 puts it; only a string is taken. */
START_TEST(test_params_authtoken)
{
	struct test_params p, q;
	char token[] = "QUJD";
	cJSON *j;
	char *text;

	memset(&p, 0, sizeof(p));
	p.proto = PROTO_TCP;
	p.parallel = 1;
	p.blksize = 131072;
	p.get_server_output = true;
	p.authtoken = token;
	j = proto_params_to_json(&p, false);
	text = cJSON_PrintUnformatted(j);
	ck_assert_ptr_nonnull(strstr(text,
	    "\"get_server_output\":1,\"authtoken\":\"QUJD\","
	    "\"client_version\":"));
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert_str_eq(q.authtoken, "QUJD");
	proto_params_free(&q);
	ck_assert_ptr_null(q.authtoken);
	cJSON_free(text);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"tcp\":true,\"authtoken\":42}");
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert_ptr_null(q.authtoken);
	proto_params_free(&q);
	cJSON_Delete(j);
}
END_TEST

static int params_rc(const char *text);

/* -m, -L and -A n,m: 3.21's keys, types and places. */
START_TEST(test_params_path)
{
	struct test_params p, q;
	cJSON *j;
	char *text;

	memset(&p, 0, sizeof(p));
	p.proto = PROTO_TCP;
	p.duration = 1;
	p.parallel = 1;
	p.mptcp = true;
	p.blksize = 131072;
	p.flowlabel = 0x12345;
	p.pacing_timer = 1000;
	p.has_server_affinity = true;
	p.server_affinity = 0;
	j = proto_params_to_json(&p, false);
	text = cJSON_PrintUnformatted(j);
	ck_assert_str_eq(text,
	    "{\"tcp\":true,\"omit\":0,\"server_affinity\":0,\"time\":1,"
	    "\"num\":0,\"blockcount\":0,\"parallel\":1,\"mptcp\":true,"
	    "\"len\":131072,\"pacing_timer\":1000,\"flowlabel\":74565,"
	    "\"client_version\":\"3.21\"}");
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert(q.mptcp && q.has_server_affinity);
	ck_assert_int_eq(q.server_affinity, 0);
	ck_assert_int_eq(q.flowlabel, 0x12345);
	proto_params_free(&q);
	cJSON_free(text);
	cJSON_Delete(j);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"server_affinity\":1025}"), IE_AFFINITY);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"flowlabel\":1048576}"), IE_SETFLOW);
}
END_TEST

/* --fq-rate, --pacing-timer and --dont-fragment as 3.21 sends them. */
START_TEST(test_params_sockopts)
{
	struct test_params p, q;
	cJSON *j;
	char *text;

	memset(&p, 0, sizeof(p));
	p.proto = PROTO_UDP;
	p.duration = 10;
	p.parallel = 1;
	p.blksize = 1400;
	p.rate = 1048576;
	p.fqrate = 10000000000ULL;
	p.pacing_timer = 500;
	p.dont_fragment = true;
	p.gso_bf_size = p.gro_bf_size = 65507;
	j = proto_params_to_json(&p, false);
	text = cJSON_PrintUnformatted(j);
	ck_assert_str_eq(text,
	    "{\"udp\":true,\"omit\":0,\"time\":10,\"num\":0,"
	    "\"blockcount\":0,\"parallel\":1,\"len\":1400,"
	    "\"bandwidth\":1048576,\"fqrate\":10000000000,"
	    "\"pacing_timer\":500,\"gso\":0,\"gso_dg_size\":0,"
	    "\"gso_bf_size\":65507,\"gro\":0,\"gro_bf_size\":65507,"
	    "\"dont_fragment\":1,\"client_version\":\"3.21\"}");
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert_uint_eq(q.fqrate, 10000000000ULL);
	ck_assert(q.dont_fragment);
	proto_params_free(&q);
	cJSON_free(text);
	cJSON_Delete(j);

	/* Off: no key at all (--pacing-timer 0 drops pacing_timer too). */
	p.proto = PROTO_TCP;
	p.fqrate = 0;
	p.pacing_timer = 0;
	p.dont_fragment = false;
	j = proto_params_to_json(&p, false);
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "fqrate"));
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "pacing_timer"));
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "dont_fragment"));
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert_uint_eq(q.fqrate, 0);
	ck_assert(!q.dont_fragment);
	proto_params_free(&q);
	cJSON_Delete(j);
}
END_TEST

/* -Z, --repeating-payload, --skip-rx-copy: 3.21's keys, types, order. */
START_TEST(test_params_copy_keys)
{
	static const char in[] =
	    "{\"tcp\":true,\"repeating_payload\":0,\"zerocopy\":1,"
	    "\"skip_rx_copy\":1}";
	struct test_params p, q;
	cJSON *j;
	char *text;

	memset(&p, 0, sizeof(p));
	p.proto = PROTO_TCP;
	p.parallel = 1;
	p.repeating_payload = p.zerocopy = p.skip_rx_copy = true;
	p.pacing_timer = 1000;
	j = proto_params_to_json(&p, false);
	text = cJSON_PrintUnformatted(j);
	ck_assert_str_eq(text,
	    "{\"tcp\":true,\"omit\":0,\"time\":0,\"num\":0,\"blockcount\":0,"
	    "\"parallel\":1,\"len\":0,\"pacing_timer\":1000,"
	    "\"repeating_payload\":1,\"zerocopy\":1,\"skip_rx_copy\":1,"
	    "\"client_version\":\"3.21\"}");
	cJSON_free(text);
	cJSON_Delete(j);
	p.repeating_payload = p.zerocopy = p.skip_rx_copy = false;
	j = proto_params_to_json(&p, false);
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "zerocopy"));
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "skip_rx_copy"));
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "repeating_payload"));
	cJSON_Delete(j);

	/* A server: repeating_payload by presence, as iperf3 reads it. */
	j = cJSON_Parse(in);
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert(q.repeating_payload && q.zerocopy && q.skip_rx_copy);
	proto_params_free(&q);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"tcp\":true}");
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert(!q.repeating_payload && !q.zerocopy && !q.skip_rx_copy);
	proto_params_free(&q);
	cJSON_Delete(j);
}
END_TEST

static int
params_rc(const char *text)
{
	struct test_params q;
	cJSON *j = cJSON_Parse(text);
	int rc;

	ck_assert_ptr_nonnull(j);
	rc = proto_params_from_json(j, &q);
	proto_params_free(&q);
	cJSON_Delete(j);
	return rc;
}

/* The role-flag offer of an old (1) and a current (2) evperf client. */
static int
params_roles(const char *text)
{
	struct test_params q;
	cJSON *j = cJSON_Parse(text);
	int roles;

	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	roles = q.roles;
	proto_params_free(&q);
	cJSON_Delete(j);
	return roles;
}

START_TEST(test_params_roles_offer)
{
	ck_assert_int_eq(params_roles("{\"tcp\":true}"), 0);
	ck_assert_int_eq(params_roles("{\"tcp\":true,\"evperf_roles\":1}"), 1);
	ck_assert_int_eq(
	    params_roles("{\"tcp\":true,\"evperf_roles\":true}"), 1);
	ck_assert_int_eq(params_roles("{\"tcp\":true,\"evperf_roles\":2}"), 2);
	ck_assert_int_eq(params_roles("{\"tcp\":true,\"evperf_roles\":7}"), 2);
}
END_TEST

START_TEST(test_params_validation)
{
	ck_assert_int_eq(params_rc("{\"tcp\":true,\"parallel\":1}"), 0);
	ck_assert_int_eq(params_rc("{\"tcp\":true,\"parallel\":10000}"), 0);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"parallel\":10001}"), IE_NUMSTREAMS);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"parallel\":0}"), IE_NUMSTREAMS);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"parallel\":\"x\"}"), IE_NUMSTREAMS);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"len\":2000000}"), IE_BLOCKSIZE);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"time\":86401}"), IE_DURATION);
	ck_assert_int_eq(params_rc("{\"tcp\":true,\"omit\":-1}"), IE_OMIT);
	ck_assert_int_eq(params_rc("{\"tcp\":true,\"TOS\":256}"), IE_BADTOS);
	ck_assert_int_eq(params_rc("{\"omit\":0}"), IE_PROTOCOL);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"reverse\":true,\"bidirectional\":1}"),
	    IE_REVERSEBIDIR);
	/* -n/-k from a stock client's unsigned count: up to 2^64, held at
	 * INT64_MAX; a negative one or a string is refused. */
	{
		struct test_params q;
		cJSON *j = cJSON_Parse("{\"tcp\":true,"
				       "\"num\":9223372036854775807,"
				       "\"blockcount\":18446744073709551615}");

		ck_assert_int_eq(proto_params_from_json(j, &q), 0);
		ck_assert_uint_eq(q.bytes, (uint64_t)INT64_MAX);
		ck_assert_uint_eq(q.blocks, (uint64_t)INT64_MAX);
		proto_params_free(&q);
		cJSON_Delete(j);
	}
	ck_assert_int_eq(params_rc("{\"tcp\":true,\"num\":1000}"), 0);
	ck_assert_int_eq(params_rc("{\"tcp\":true,\"num\":-1}"), IE_RECVPARAMS);
	ck_assert_int_eq(
	    params_rc("{\"tcp\":true,\"blockcount\":\"9\"}"), IE_RECVPARAMS);
	/* 3.12-style: unknown keys are ignored, "false" flags are off. */
	ck_assert_int_eq(params_rc("{\"TCP\":true,\"whatever\":[1],"
				   "\"reverse\":false}"),
	    0);
}
END_TEST

START_TEST(test_results_312)
{
	/* Captured from a 3.12 server: -1 printed as 2^64-1. */
	const char *text =
	    "{\"cpu_util_total\":19.22,\"cpu_util_user\":0.42,"
	    "\"cpu_util_system\":18.80,\"sender_has_retransmits\":"
	    "18446744073709551615,\"congestion_used\":\"bbr\",\"streams\":"
	    "[{\"id\":1,\"bytes\":891158528,\"retransmits\":"
	    "18446744073709551615,\"jitter\":0,\"errors\":0,\"packets\":0,"
	    "\"start_time\":0,\"end_time\":1.036334}]}";
	cJSON *j = cJSON_Parse(text);
	struct results r;

	ck_assert_int_eq(proto_results_from_json(j, &r), 0);
	ck_assert_int_eq(r.sender_has_retransmits, -1);
	ck_assert_str_eq(r.congestion, "bbr");
	ck_assert_uint_eq(r.nstreams, 1);
	ck_assert_int_eq(r.streams[0].id, 1);
	ck_assert_uint_eq(r.streams[0].bytes, 891158528);
	ck_assert_int_eq(r.streams[0].retransmits, -1);
	ck_assert_double_eq_tol(r.streams[0].end_time, 1.036334, 1e-9);
	proto_results_free(&r);
	cJSON_Delete(j);
}
END_TEST

START_TEST(test_results_roundtrip_and_bad)
{
	struct result_stream rs = {
		.id = 3, .bytes = 42, .retransmits = -1, .end_time = 2.5
	};
	struct results r = { .cpu_total = 1,
		.sender_has_retransmits = 1,
		.nstreams = 1,
		.streams = &rs };
	struct results back;
	cJSON *j = proto_results_to_json(&r), *bad;

	ck_assert_int_eq(proto_results_from_json(j, &back), 0);
	ck_assert_int_eq(back.streams[0].id, 3);
	ck_assert_int_eq(back.streams[0].retransmits, -1);
	proto_results_free(&back);
	cJSON_Delete(j);
	bad = cJSON_Parse("{\"cpu_util_total\":1,\"cpu_util_user\":1,"
			  "\"cpu_util_system\":1,\"sender_has_retransmits\":1,"
			  "\"streams\":[{\"id\":\"one\"}]}");
	ck_assert_int_eq(proto_results_from_json(bad, &back), IE_RECVRESULTS);
	proto_results_free(&back);
	cJSON_Delete(bad);
	bad = cJSON_Parse("{\"streams\":[]}");
	ck_assert_int_eq(proto_results_from_json(bad, &back), IE_RECVRESULTS);
	proto_results_free(&back);
	cJSON_Delete(bad);
}
END_TEST

START_TEST(test_stream_ids)
{
	ck_assert_int_eq(proto_stream_id(0), 1);
	ck_assert_int_eq(proto_stream_id(1), 3);
	ck_assert_int_eq(proto_stream_id(2), 4);
	ck_assert_int_eq(proto_stream_id(127), 129);
}
END_TEST

Suite *
proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_cookie);
	tcase_add_test(tc, test_json_partial);
	tcase_add_test(tc, test_json_bad_lengths);
	tcase_add_test(tc, test_state_and_ints);
	tcase_add_test(tc, test_params_roundtrip);
	tcase_add_test(tc, test_params_authtoken);
	tcase_add_test(tc, test_params_copy_keys);
	tcase_add_test(tc, test_params_path);
	tcase_add_test(tc, test_params_sockopts);
	tcase_add_test(tc, test_params_validation);
	tcase_add_test(tc, test_params_roles_offer);
	tcase_add_test(tc, test_results_312);
	tcase_add_test(tc, test_results_roundtrip_and_bad);
	tcase_add_test(tc, test_stream_ids);
	suite_add_tcase(s, tc);
	return s;
}
