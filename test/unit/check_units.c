/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_units.c: size and rate parsing (suffixes, fractions, garbage,
 * overflow) and the Transfer/Bitrate formatting against golden strings
 * taken from iperf3's unit_snprintf() behaviour, including the rounding
 * edges at 9.995 and 99.95 and the fixed -f letters.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "units.h"

struct parse_case {
	const char *in;
	int rc;
	uint64_t want;
};

static const struct parse_case size_cases[] = {
	{ "0", 0, 0 },
	{ "1", 0, 1 },
	{ "10M", 0, 10485760 },
	{ "10m", 0, 10485760 },
	{ "1.5K", 0, 1536 },
	{ "1k", 0, 1024 },
	{ "2G", 0, 2147483648ULL },
	{ "16T", 0, 17592186044416ULL },
	{ "128K", 0, 131072 },
	{ "0.5", 0, 0 },
	{ "18446744073709549568", 0, 18446744073709549568ULL },
	{ "", -1, 0 },
	{ "abc", -1, 0 },
	{ "M", -1, 0 },
	{ "10Q", -1, 0 },
	{ "10MB", -1, 0 },
	{ "10 M", -1, 0 },
	{ " 10", -1, 0 },
	{ "-1", -1, 0 },
	{ "+1", -1, 0 },
	{ "nan", -1, 0 },
	{ "inf", -1, 0 },
	{ "1e30", -1, 0 },
	{ "18446744073709551616", -1, 0 },
	{ "17000000T", -1, 0 },
};

static const struct parse_case rate_cases[] = {
	{ "0", 0, 0 },
	{ "10M", 0, 10000000 },
	{ "100m", 0, 100000000 },
	{ "1.5K", 0, 1500 },
	{ "1G", 0, 1000000000 },
	{ "2t", 0, 2000000000000ULL },
	{ "1048576", 0, 1048576 },
	{ "", -1, 0 },
	{ "fast", -1, 0 },
	{ "10x", -1, 0 },
	{ "-5M", -1, 0 },
	{ "20000000T", -1, 0 },
};

START_TEST(test_parse_size)
{
	const struct parse_case *pc = &size_cases[_i];
	uint64_t v = 12345;

	ck_assert_msg(
	    units_parse_size(pc->in, &v) == pc->rc, "rc for '%s'", pc->in);
	if (pc->rc == 0)
		ck_assert_msg(v == pc->want, "'%s' -> %llu", pc->in,
		    (unsigned long long)v);
	else
		ck_assert_msg(v == 12345, "'%s' stored on error", pc->in);
}
END_TEST

START_TEST(test_parse_rate)
{
	const struct parse_case *pc = &rate_cases[_i];
	uint64_t v = 12345;

	ck_assert_msg(
	    units_parse_rate(pc->in, &v) == pc->rc, "rc for '%s'", pc->in);
	if (pc->rc == 0)
		ck_assert_msg(v == pc->want, "'%s' -> %llu", pc->in,
		    (unsigned long long)v);
}
END_TEST

START_TEST(test_parse_null)
{
	uint64_t v;

	ck_assert_int_eq(units_parse_size(NULL, &v), -1);
	ck_assert_int_eq(units_parse_rate(NULL, &v), -1);
}
END_TEST

struct fmt_case {
	double in;
	char fmt; /* 0 = units_fmt_bytes */
	const char *want;
};

static const struct fmt_case fmt_cases[] = {
	{ 1181116006, 0, "1.10 GBytes" },
	{ 131072, 0, " 128 KBytes" },
	{ 0, 0, "0.00 Bytes" },
	{ 1, 0, "1.00 Bytes" },
	{ 1023, 0, "1023 Bytes" },
	{ 1024, 0, "1.00 KBytes" },
	{ 10234, 0, "9.99 KBytes" },
	{ 10235, 0, "10.0 KBytes" },
	{ 102348, 0, "99.9 KBytes" },
	{ 102349, 0, " 100 KBytes" },
	{ 1048575, 0, "1024 KBytes" },
	{ 14260633.6, 0, "13.6 MBytes" },
	{ 5497558138880.0, 0, "5.00 TBytes" },
	{ 1125899906842624.0, 0, "1024 TBytes" },
	{ 118000000, 'a', " 944 Mbits/sec" },
	{ 0, 'a', "0.00 bits/sec" },
	{ 100, 'a', " 800 bits/sec" },
	{ 125, 'a', "1.00 Kbits/sec" },
	{ 1177500, 'a', "9.42 Mbits/sec" },
	{ 1700000, 'a', "13.6 Mbits/sec" },
	{ 4321000000.0, 'a', "34.6 Gbits/sec" },
	{ 125000000000.0, 'a', "1.00 Tbits/sec" },
	{ 125000000000000000.0, 'a', "1000000 Tbits/sec" },
	{ 125000, 'k', "1000 Kbits/sec" },
	{ 118000000, 'm', " 944 Mbits/sec" },
	{ 118000000, 'g', "0.94 Gbits/sec" },
	{ 118000000, 't', "0.00 Tbits/sec" },
	{ 1, 'g', "0.00 Gbits/sec" },
	{ 118000000, 'K', "115234 KBytes/sec" },
	{ 118000000, 'M', " 113 MBytes/sec" },
	{ 1048576, 'M', "1.00 MBytes/sec" },
	{ 118000000, 'G', "0.11 GBytes/sec" },
	{ 118000000, 'T', "0.00 TBytes/sec" },
	{ 118000000, 'A', " 113 MBytes/sec" },
};

START_TEST(test_fmt)
{
	const struct fmt_case *fc = &fmt_cases[_i];
	char buf[64];

	if (fc->fmt == 0)
		units_fmt_bytes(buf, sizeof(buf), fc->in);
	else
		units_fmt_rate(buf, sizeof(buf), fc->in, fc->fmt);
	ck_assert_str_eq(buf, fc->want);
}
END_TEST

START_TEST(test_fmt_truncates)
{
	char buf[6];

	units_fmt_bytes(buf, sizeof(buf), 1181116006);
	ck_assert_str_eq(buf, "1.10 ");
	units_fmt_rate(buf, 1, 118000000, 'a');
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_valid_format)
{
	const char *ok = "kmgtKMGTa", *bad = "bBxqA0 \n";

	for (; *ok != '\0'; ok++)
		ck_assert_msg(units_valid_format(*ok), "'%c'", *ok);
	for (; *bad != '\0'; bad++)
		ck_assert_msg(!units_valid_format(*bad), "'%c'", *bad);
	ck_assert(!units_valid_format('\0'));
}
END_TEST

/* The units suite: parsing and iperf3-exact formatting. */
Suite *
units_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("units");
	tc = tcase_create("parse");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_parse_size, 0, (int)nitems(size_cases));
	tcase_add_loop_test(tc, test_parse_rate, 0, (int)nitems(rate_cases));
	tcase_add_test(tc, test_parse_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_fmt, 0, (int)nitems(fmt_cases));
	tcase_add_test(tc, test_fmt_truncates);
	tcase_add_test(tc, test_valid_format);
	suite_add_tcase(s, tc);
	return s;
}
