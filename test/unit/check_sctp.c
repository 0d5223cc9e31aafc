/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_sctp.c: the SCTP options (--sctp, --nstreams, -X) and 3.21's
 * deprecated --no-fq-socket-pacing as options_parse() takes them, with
 * iperf3's causes; the "sctp" parameter key both ways; the SCTP default
 * block size; and the packing of -X addresses for sctp_bindx(). Where the
 * system has no SCTP (Windows) the SCTP options must be iperf3's IEUNIMP.
 */
#include "compat.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "cmdline.h"
#include "errors.h"
#include "options.h"
#include "osdep.h"
#include "proto.h"
#include "sctp.h"

#define PE "parameter error - "

static void
parse_bad(const char *line, const char *want)
{
	struct settings s;
	struct cmdline cl;
	char *cause;

	ck_assert_msg(
	    cmdline_parse(&s, &cl, line, &cause) == -1, "'%s' passed", line);
	ck_assert_msg(
	    strcmp(cause, want) == 0, "'%s': got \"%s\"", line, cause);
	free(cause);
}

static bool
have_sctp(void)
{
	return osdep_sctp_protocol() != -1;
}

/* Without SCTP every SCTP option is "not implemented yet" (IEUNIMP). */
START_TEST(test_unimp)
{
	if (have_sctp())
		return;
	parse_bad("-c h --sctp",
	    PE "an option you are trying to set is not "
	       "implemented yet");
	parse_bad("-c h --nstreams 2",
	    PE "an option you are trying to set "
	       "is not implemented yet");
	parse_bad("-s -X 127.0.0.1",
	    PE "an option you are trying to set is "
	       "not implemented yet");
}
END_TEST

START_TEST(test_sctp)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-c h");
	ck_assert(!s.sctp);
	ck_assert_int_eq(s.nstreams, 0);
	ck_assert_int_eq(s.nxbind, 0);
	if (!have_sctp())
		return;
	cmdline_parse_ok(&s, &cl, "-c h --sctp");
	ck_assert(s.sctp);
	ck_assert_int_eq(s.proto, PROTO_TCP);
	/* The last of --sctp, -u, -m wins, as iperf3's set_protocol(). */
	cmdline_parse_ok(&s, &cl, "-c h --sctp -u");
	ck_assert(!s.sctp);
	ck_assert_int_eq(s.proto, PROTO_UDP);
	cmdline_parse_ok(&s, &cl, "-c h -u --sctp");
	ck_assert(s.sctp);
	ck_assert_int_eq(s.proto, PROTO_TCP);
	cmdline_parse_ok(&s, &cl, "-c h --sctp -m");
	ck_assert(!s.sctp && s.mptcp);
	cmdline_parse_ok(&s, &cl, "-c h -m --sctp");
	ck_assert(s.sctp);
	parse_bad(
	    "-s --sctp", PE "some option you are trying to set is client only");
	parse_bad("-c h --sctp=1", "option '--sctp' doesn't allow an argument");
}
END_TEST

/* --nstreams: unit_atoi, then (iperf3's missing break) -b's rate too. */
START_TEST(test_nstreams)
{
	struct settings s;
	struct cmdline cl;

	if (!have_sctp())
		return;
	cmdline_parse_ok(&s, &cl, "-c h --sctp --nstreams 4");
	ck_assert_int_eq(s.nstreams, 4);
	ck_assert_uint_eq(s.rate, 4);
	cmdline_parse_ok(&s, &cl, "-c h --sctp --nstreams 2k");
	ck_assert_int_eq(s.nstreams, 2048);
	ck_assert_uint_eq(s.rate, 2000);
	/* The later of -b and --nstreams sets the rate. */
	cmdline_parse_ok(&s, &cl, "-c h --nstreams 4 -b 10M");
	ck_assert_uint_eq(s.rate, 10000000);
	cmdline_parse_ok(&s, &cl, "-c h -b 10M --nstreams 4");
	ck_assert_uint_eq(s.rate, 4);
	/* It is -b for UDP's default rate too. */
	cmdline_parse_ok(&s, &cl, "-c h -u --nstreams 3");
	ck_assert_uint_eq(s.rate, 3);
	cmdline_parse_ok(&s, &cl, "-c h --nstreams 0");
	ck_assert_int_eq(s.nstreams, 0);
	parse_bad("-s --nstreams 2",
	    PE "some option you are trying to set is client only");
	parse_bad(
	    "-c h --nstreams 4x", PE "invalid unit value or suffix: '4x'");
	parse_bad(
	    "-c h --nstreams 4/2", PE "invalid unit value or suffix: '4/2'");
	parse_bad("-c h --nstreams 70000",
	    PE "invalid argument '70000' for option '--nstreams'");
	parse_bad(
	    "-c h --nstreams", "option '--nstreams' requires an argument");
}
END_TEST

/* -X: repeatable, either role, kept in order; no role of its own. */
START_TEST(test_xbind)
{
	struct settings s;
	struct cmdline cl;
	char line[512];
	size_t n;
	int i;

	if (!have_sctp())
		return;
	cmdline_parse_ok(
	    &s, &cl, "-c h --sctp -X 127.0.0.1 --xbind ::1 -X host");
	ck_assert_int_eq(s.nxbind, 3);
	ck_assert_str_eq(s.xbind[0], "127.0.0.1");
	ck_assert_str_eq(s.xbind[1], "::1");
	ck_assert_str_eq(s.xbind[2], "host");
	cmdline_parse_ok(&s, &cl, "-s -X 10.0.0.1");
	ck_assert_int_eq(s.nxbind, 1);
	cmdline_parse_ok(
	    &s, &cl, "-c h -X a"); /* ignored unless --sctp, as iperf3 */
	ck_assert_int_eq(s.nxbind, 1);
	parse_bad("-c h -X", "option requires an argument -- 'X'");
	/* Past EVPERF_MAX_XBIND names: iperf3's code for -X trouble. */
	n = (size_t)snprintf(line, sizeof(line), "-s");
	for (i = 0; i <= EVPERF_MAX_XBIND && i < CMDLINE_MAXARGS - 2; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " -Xa");
	if (i > EVPERF_MAX_XBIND)
		parse_bad(line, PE "int_errno=139");
}
END_TEST

/* --no-fq-socket-pacing: client-only, --fq-rate off, a warning flag. */
START_TEST(test_no_fq_pacing)
{
	struct settings s;
	struct cmdline cl;
	char *cause;

	cmdline_parse_ok(&s, &cl, "-c h --fq-rate 10M --no-fq-socket-pacing");
	ck_assert(s.no_fq_pacing);
	ck_assert_uint_eq(s.fqrate, 0);
	cmdline_parse_ok(&s, &cl, "-c h --no-fq-socket-pacing --fq-rate 10M");
	ck_assert_uint_eq(s.fqrate, 10000000);
	cmdline_parse_ok(&s, &cl, "-c h");
	ck_assert(!s.no_fq_pacing);
	/* The warning comes before the refusal: the flag is set then too. */
	ck_assert_int_eq(
	    cmdline_parse(&s, &cl, "-s --no-fq-socket-pacing", &cause), -1);
	ck_assert_str_eq(
	    cause, PE "some option you are trying to set is client only");
	ck_assert(s.no_fq_pacing);
	free(cause);
}
END_TEST

/* "sctp": true where "tcp" would be; the server reads it back. */
START_TEST(test_params_sctp)
{
	struct settings s;
	struct cmdline cl;
	struct test_params p, q;
	cJSON *j;
	char *text;

	if (!have_sctp())
		return;
	cmdline_parse_ok(
	    &s, &cl, "-c h --sctp -t 1 -N -M 1000 --nstreams 4 -X a");
	proto_params_from_settings(&p, &s);
	ck_assert(p.sctp);
	ck_assert_int_eq(proto_default_blksize(&p), 65536);
	p.blksize = proto_default_blksize(&p);
	j = proto_params_to_json(&p, false);
	text = cJSON_PrintUnformatted(j);
	/* Debian's 3.12 for the same line, but for the version. */
	ck_assert_str_eq(text,
	    "{\"sctp\":true,\"omit\":0,\"time\":1,\"num\":0,\"blockcount\":0,"
	    "\"MSS\":1000,\"nodelay\":true,\"parallel\":1,\"len\":65536,"
	    "\"bandwidth\":4,\"pacing_timer\":1000,\"client_version\":\"3."
	    "21\"}");
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert(q.sctp);
	ck_assert_int_eq(q.proto, PROTO_TCP);
	ck_assert_int_eq(q.blksize, 65536);
	proto_params_free(&q);
	cJSON_free(text);
	cJSON_Delete(j);
	proto_params_free(&p);
}
END_TEST

/* Received keys: "sctp" wins over "tcp" and "udp" (iperf3 reads it last). */
START_TEST(test_params_sctp_recv)
{
	static const char *const in[] = {
		"{\"sctp\":true}",
		"{\"tcp\":true,\"sctp\":true}",
		"{\"udp\":true,\"sctp\":true,\"len\":1460}",
	};
	struct test_params q;
	struct settings s;
	struct cmdline cl;
	cJSON *j;
	size_t i;

	for (i = 0; i < nitems(in); i++) {
		j = cJSON_Parse(in[i]);
		ck_assert_int_eq(proto_params_from_json(j, &q), 0);
		ck_assert_msg(q.sctp && q.proto == PROTO_TCP, "%s", in[i]);
		proto_params_free(&q);
		cJSON_Delete(j);
	}
	j = cJSON_Parse("{\"tcp\":true,\"sctp\":false}");
	ck_assert_int_eq(proto_params_from_json(j, &q), 0);
	ck_assert(!q.sctp);
	proto_params_free(&q);
	cJSON_Delete(j);
	/* TCP and UDP defaults are unchanged. */
	cmdline_parse_ok(&s, &cl, "-c h");
	proto_params_from_settings(&q, &s);
	ck_assert_int_eq(proto_default_blksize(&q), 131072);
	proto_params_free(&q);
	cmdline_parse_ok(&s, &cl, "-c h -u");
	proto_params_from_settings(&q, &s);
	ck_assert_int_eq(proto_default_blksize(&q), 0);
	proto_params_free(&q);
}
END_TEST

/* sctp_bindx()'s layout: sockaddrs back to back, each its own size. */
START_TEST(test_pack)
{
	struct net_addr a[3];
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	unsigned char buf[3 * sizeof(struct sockaddr_in6)];
	size_t len;

	memset(a, 0, sizeof(a));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	memcpy(&a[0].ss, &sin, sizeof(sin));
	a[0].len = sizeof(sin);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr.s6_addr[15] = 1;
	memcpy(&a[1].ss, &sin6, sizeof(sin6));
	a[1].len = sizeof(sin6);
	a[2] = a[0];

	len = sctp_pack_addrs(a, 3, 5201, buf, sizeof(buf));
	ck_assert_uint_eq(len, 2 * sizeof(sin) + sizeof(sin6));
	memcpy(&sin, buf, sizeof(sin));
	ck_assert_int_eq(sin.sin_family, AF_INET);
	ck_assert_int_eq(ntohs(sin.sin_port), 5201);
	ck_assert_uint_eq(ntohl(sin.sin_addr.s_addr), 0x7f000001);
	memcpy(&sin6, buf + sizeof(sin), sizeof(sin6));
	ck_assert_int_eq(sin6.sin6_family, AF_INET6);
	ck_assert_int_eq(ntohs(sin6.sin6_port), 5201);
	ck_assert_int_eq(sin6.sin6_addr.s6_addr[15], 1);
	memcpy(&sin, buf + sizeof(sin) + sizeof(sin6), sizeof(sin));
	ck_assert_int_eq(sin.sin_family, AF_INET);
	/* Too small a buffer, or an unknown family: nothing. */
	ck_assert_uint_eq(sctp_pack_addrs(a, 2, 0, buf, sizeof(sin6)), 0);
	a[1].ss.ss_family = AF_UNSPEC;
	ck_assert_uint_eq(sctp_pack_addrs(a, 2, 0, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(sctp_pack_addrs(a, 0, 0, buf, sizeof(buf)), 0);
}
END_TEST

Suite *
sctp_suite(void)
{
	Suite *s = suite_create("sctp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_unimp);
	tcase_add_test(tc, test_sctp);
	tcase_add_test(tc, test_nstreams);
	tcase_add_test(tc, test_xbind);
	tcase_add_test(tc, test_no_fq_pacing);
	tcase_add_test(tc, test_params_sctp);
	tcase_add_test(tc, test_params_sctp_recv);
	tcase_add_test(tc, test_pack);
	suite_add_tcase(s, tc);
	return s;
}
