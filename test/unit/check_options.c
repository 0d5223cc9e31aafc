/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_options.c: options_parse() defaults, every stored value, and every
 * error cause (iperf3's "parameter error - ..." wording and glibc-style
 * getopt messages), driven by tables of command lines.
 */
#include "compat.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "cmdline.h"
#include "memout.h"
#include "options.h"
#include "osdep.h"

START_TEST(test_defaults)
{
	struct settings s;

	memset(&s, 0xa5, sizeof(s));
	options_defaults(&s);
	ck_assert_int_eq(s.role, ROLE_NONE);
	ck_assert_ptr_null(s.host);
	ck_assert_ptr_null(s.bind_host);
	ck_assert_int_eq(s.port, 5201);
	ck_assert_int_eq(s.cport, 0);
	ck_assert_int_eq(s.family, AF_UNSPEC);
	ck_assert_int_eq(s.proto, PROTO_TCP);
	ck_assert_int_eq(s.duration, 10);
	ck_assert_uint_eq(s.bytes, 0);
	ck_assert_uint_eq(s.blocks, 0);
	ck_assert_int_eq(s.parallel, 1);
	ck_assert(!s.reverse && !s.bidir);
	ck_assert_int_eq(s.blksize, 0);
	ck_assert_int_eq(s.window, 0);
	ck_assert_uint_eq(s.rate, 0);
	ck_assert_int_eq(s.burst, 0);
	ck_assert_double_eq(s.interval, 1.0);
	ck_assert_int_eq(s.omit, 0);
	ck_assert_int_eq(s.format, 'a');
	ck_assert(!s.nodelay);
	ck_assert_int_eq(s.mss, 0);
	ck_assert_ptr_null(s.congestion);
	ck_assert_int_eq(s.tos, 0);
	ck_assert_ptr_null(s.title);
	ck_assert_ptr_null(s.extra_data);
	ck_assert(!s.one_off && !s.json && !s.verbose && !s.debug);
	ck_assert(!s.get_server_output && !s.forceflush && !s.daemon);
	ck_assert(!s.udp_counters_64bit && !s.no_role_flag);
	ck_assert_ptr_null(s.pidfile);
	ck_assert_ptr_null(s.logfile);
	ck_assert_ptr_null(s.timestamp_fmt);
	ck_assert_int_eq(s.connect_timeout_ms, -1);
	ck_assert_int_eq(s.rcv_timeout_ms, 120000);
	ck_assert_int_eq(s.idle_timeout, 0);
	ck_assert_int_eq(s.max_duration, 0);
	ck_assert_uint_eq(s.bitrate_limit, 0);
	ck_assert_double_eq(s.bitrate_window, 5.0);
	ck_assert(!s.show_version && !s.show_help);
	ck_assert_ptr_null(s.bind_dev);
	ck_assert(!s.mptcp);
	ck_assert_int_eq(s.flowlabel, 0);
	ck_assert_int_eq(s.affinity, -1);
	ck_assert_int_eq(s.server_affinity, -1);
	ck_assert_ptr_null(s.username);
	ck_assert_ptr_null(s.rsa_public_key_path);
	ck_assert_ptr_null(s.rsa_private_key_path);
	ck_assert_ptr_null(s.authorized_users_path);
	ck_assert_int_eq(s.skew_threshold, 10);
	ck_assert(!s.use_pkcs1_padding);
}
END_TEST

/* -m, -L, -A, --bind-dev and the HOST%DEV forms of -c and -B. */
START_TEST(test_path)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-c h -m -L 0x12345 -A 1,0 --bind-dev eth1");
	ck_assert(s.mptcp);
	ck_assert_int_eq(s.proto, PROTO_TCP);
	ck_assert_int_eq(s.flowlabel, 0x12345);
	ck_assert_int_eq(s.affinity, 1);
	ck_assert_int_eq(s.server_affinity, 0);
	ck_assert_str_eq(s.bind_dev, "eth1");

	/* -m selects TCP, a later -u UDP (the key still travels). */
	cmdline_parse_ok(&s, &cl, "-c h -u -m");
	ck_assert_int_eq(s.proto, PROTO_TCP);
	cmdline_parse_ok(&s, &cl, "--mptcp -c h -u");
	ck_assert(s.mptcp);
	ck_assert_int_eq(s.proto, PROTO_UDP);

	cmdline_parse_ok(&s, &cl, "-c h -L 1048575 --affinity 1024");
	ck_assert_int_eq(s.flowlabel, 0xfffff);
	ck_assert_int_eq(s.affinity, 1024);
	ck_assert_int_eq(s.server_affinity, -1);
	cmdline_parse_ok(&s, &cl, "-s -A 0x1 -m --bind-dev lo");
	ck_assert_int_eq(s.affinity, 1);
	ck_assert(s.mptcp);

	/* HOST%DEV: the device is --bind-dev's; the last one given wins. */
	cmdline_parse_ok(&s, &cl, "-c 10.0.0.1%veth0");
	ck_assert_str_eq(s.host, "10.0.0.1");
	ck_assert_str_eq(s.bind_dev, "veth0");
	cmdline_parse_ok(&s, &cl, "-c h --bind-dev a -B 10.0.0.2%b");
	ck_assert_str_eq(s.bind_host, "10.0.0.2");
	ck_assert_str_eq(s.bind_dev, "b");
	cmdline_parse_ok(&s, &cl, "-s -B ::1%lo --bind-dev c");
	ck_assert_str_eq(s.bind_host, "::1");
	ck_assert_str_eq(s.bind_dev, "c");
	/* strtok's way: leading '%'s skipped, a third part dropped. */
	cmdline_parse_ok(&s, &cl, "-c %%h%d%x");
	ck_assert_str_eq(s.host, "h");
	ck_assert_str_eq(s.bind_dev, "d");
	/* No device part, or a link-local scope: left whole. */
	cmdline_parse_ok(&s, &cl, "-c h%");
	ck_assert_str_eq(s.host, "h%");
	ck_assert_ptr_null(s.bind_dev);
	cmdline_parse_ok(&s, &cl, "-c fe80::1%eth0");
	ck_assert_str_eq(s.host, "fe80::1%eth0");
	ck_assert_ptr_null(s.bind_dev);
}
END_TEST

START_TEST(test_client_basic)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-c 10.0.0.1");
	ck_assert_int_eq(s.role, ROLE_CLIENT);
	ck_assert_str_eq(s.host, "10.0.0.1");
	ck_assert_ptr_eq(s.host, cl.argv[2]);
	ck_assert_int_eq(s.duration, 10);
	ck_assert_uint_eq(s.rate, 0);

	cmdline_parse_ok(
	    &s, &cl, "--client host -p 7000 -t 5 -P 4 -R -N -4 -J -V -d");
	ck_assert_str_eq(s.host, "host");
	ck_assert_int_eq(s.port, 7000);
	ck_assert_int_eq(s.duration, 5);
	ck_assert_int_eq(s.parallel, 4);
	ck_assert(s.reverse && s.nodelay && s.json && s.verbose && s.debug);
	ck_assert_int_eq(s.family, AF_INET);

	cmdline_parse_ok(
	    &s, &cl, "-c h --bidir -6 -w 1M -l 1K -M 1400 -C bbr -O 3");
	ck_assert(s.bidir);
	ck_assert_int_eq(s.family, AF_INET6);
	ck_assert_int_eq(s.window, 1048576);
	ck_assert_int_eq(s.blksize, 1024);
	ck_assert_int_eq(s.mss, 1400);
	ck_assert_str_eq(s.congestion, "bbr");
	ck_assert_int_eq(s.omit, 3);
}
END_TEST

START_TEST(test_client_more)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl,
	    "-c h -T title --extra-data xd --get-server-output "
	    "--udp-counters-64bit --cport 6000 -B 127.0.0.1 "
	    "--connect-timeout 3000 -f M -i 0.5 --no-role-flag");
	ck_assert_str_eq(s.title, "title");
	ck_assert_str_eq(s.extra_data, "xd");
	ck_assert(s.get_server_output && s.udp_counters_64bit);
	ck_assert(s.no_role_flag);
	ck_assert_int_eq(s.cport, 6000);
	ck_assert_str_eq(s.bind_host, "127.0.0.1");
	ck_assert_int_eq(s.connect_timeout_ms, 3000);
	ck_assert_int_eq(s.format, 'M');
	ck_assert_double_eq(s.interval, 0.5);

	cmdline_parse_ok(&s, &cl,
	    "-c h -i 0 -f mbits --logfile /tmp/x --forceflush "
	    "-I /tmp/p -R --rcv-timeout 100");
	ck_assert_double_eq(s.interval, 0);
	ck_assert_int_eq(s.format, 'm');
	ck_assert_str_eq(s.logfile, "/tmp/x");
	ck_assert_str_eq(s.pidfile, "/tmp/p");
	ck_assert(s.forceflush);
	ck_assert_int_eq(s.rcv_timeout_ms, 100);

	/* Options are permuted past operands, as with iperf3. */
	cmdline_parse_ok(&s, &cl, "-c h extra -P 2");
	ck_assert_int_eq(s.parallel, 2);
}
END_TEST

/* -Z, -F, --skip-rx-copy, --repeating-payload (iperf3 3.21's rules). */
START_TEST(test_copy_options)
{
	static const char name[] = "check_options_F.tmp";
	struct settings s;
	struct cmdline cl;
	char line[128], *cause = NULL;
	FILE *fp;

	cmdline_parse_ok(&s, &cl, "-c h --skip-rx-copy --repeating-payload");
	ck_assert(s.skip_rx_copy && s.repeating_payload && !s.zerocopy);
	ck_assert_ptr_null(s.file);
	/* -Z where the system has sendfile (test_zerocopy_server: else). */
	if (osdep_has_sendfile()) {
		cmdline_parse_ok(&s, &cl, "-c h -Z --skip-rx-copy");
		ck_assert(s.zerocopy && s.skip_rx_copy);
		cmdline_parse_ok(&s, &cl, "-c h --zerocopy -u");
		ck_assert(s.zerocopy); /* accepted with UDP, which ignores it */
	} else
		ck_assert_int_eq(cmdline_parse(&s, &cl, "-c h -Z", &cause), -1);
	free(cause);
	cmdline_parse_ok(&s, &cl, "-s -F out.bin");
	ck_assert_str_eq(s.file, "out.bin");

	/* A file that cannot be read: the default duration stays. */
	cmdline_parse_ok(&s, &cl, "-c h --file /nonexistent/evperf/f");
	ck_assert_int_eq(s.duration, 10);
	ck_assert_uint_eq(s.bytes, 0);

	/* Otherwise a client without -t/-n/-k sends the file's size. */
	fp = fopen(name, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite("0123456789", 1, 10, fp), 10);
	ck_assert_int_eq(fclose(fp), 0);
	snprintf(line, sizeof(line), "-c h -F %s", name);
	cmdline_parse_ok(&s, &cl, line);
	ck_assert_uint_eq(s.bytes, 10);
	ck_assert_int_eq(s.duration, 0);
	snprintf(line, sizeof(line), "-c h -R -F %s", name);
	cmdline_parse_ok(&s, &cl, line);
	ck_assert_uint_eq(s.bytes, 10);
	snprintf(line, sizeof(line), "-c h -t 3 -F %s", name);
	cmdline_parse_ok(&s, &cl, line);
	ck_assert_uint_eq(s.bytes, 0);
	ck_assert_int_eq(s.duration, 3);
	snprintf(line, sizeof(line), "-c h -k 4 -F %s", name);
	cmdline_parse_ok(&s, &cl, line);
	ck_assert_uint_eq(s.bytes, 0);
	ck_assert_uint_eq(s.blocks, 4);
	ck_assert_int_eq(remove(name), 0);
}
END_TEST

START_TEST(test_udp_rate)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-c h -u");
	ck_assert_int_eq(s.proto, PROTO_UDP);
	ck_assert_uint_eq(s.rate, 1048576);
	ck_assert_int_eq(s.blksize, 0);

	cmdline_parse_ok(&s, &cl, "-c h -u -b 0");
	ck_assert_uint_eq(s.rate, 0);

	cmdline_parse_ok(&s, &cl, "-c h -b 10M/5 -u -l 1460");
	ck_assert_uint_eq(s.rate, 10000000);
	ck_assert_int_eq(s.burst, 5);
	ck_assert_int_eq(s.blksize, 1460);

	cmdline_parse_ok(&s, &cl, "-c h --bitrate 1.5G");
	ck_assert_int_eq(s.proto, PROTO_TCP);
	ck_assert_uint_eq(s.rate, 1500000000);
	ck_assert_int_eq(s.burst, 0);

	cmdline_parse_ok(&s, &cl, "-c h --bandwidth 100k -u -l 16");
	ck_assert_uint_eq(s.rate, 100000);
	ck_assert_int_eq(s.blksize, 16);

	cmdline_parse_ok(&s, &cl, "-c h -u -l 65507");
	ck_assert_int_eq(s.blksize, 65507);
	cmdline_parse_ok(&s, &cl, "-c h -l 1M");
	ck_assert_int_eq(s.blksize, 1048576);
}
END_TEST

START_TEST(test_end_conditions)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-c h -n 1M");
	ck_assert_uint_eq(s.bytes, 1048576);
	ck_assert_int_eq(s.duration, 0);

	cmdline_parse_ok(&s, &cl, "-c h -k 1.5K");
	ck_assert_uint_eq(s.blocks, 1536);
	ck_assert_int_eq(s.duration, 0);

	cmdline_parse_ok(&s, &cl, "-c h -t 0");
	ck_assert_int_eq(s.duration, 0);

	cmdline_parse_ok(&s, &cl, "-c h -t 5 -n 0");
	ck_assert_int_eq(s.duration, 5);
	ck_assert_uint_eq(s.bytes, 0);

	cmdline_parse_ok(&s, &cl, "-c h -t 86400");
	ck_assert_int_eq(s.duration, 86400);
}
END_TEST

START_TEST(test_tos)
{
	static const struct {
		const char *line;
		int tos;
	} cases[] = {
		{ "-c h -S 52", 52 },
		{ "-c h -S 064", 52 },
		{ "-c h -S 0x34", 52 },
		{ "-c h --tos 255", 255 },
		{ "-c h --dscp 63", 252 },
		{ "-c h --dscp 0x10", 64 },
		{ "-c h --dscp 010", 32 },
		{ "-c h --dscp ef", 184 },
		{ "-c h --dscp AF11", 40 },
		{ "-c h --dscp cs7", 224 },
	};
	struct settings s;
	struct cmdline cl;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		cmdline_parse_ok(&s, &cl, cases[i].line);
		ck_assert_msg(
		    s.tos == cases[i].tos, "%s -> %d", cases[i].line, s.tos);
	}
}
END_TEST

START_TEST(test_server)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-s");
	ck_assert_int_eq(s.role, ROLE_SERVER);
	ck_assert_ptr_null(s.host);

	cmdline_parse_ok(&s, &cl,
	    "--server -1 -D --idle-timeout 30 -p 6000 "
	    "--rcv-timeout 5000 --timestamps -B ::1");
	ck_assert(s.one_off && s.daemon);
	ck_assert_int_eq(s.idle_timeout, 30);
	ck_assert_int_eq(s.port, 6000);
	ck_assert_int_eq(s.rcv_timeout_ms, 5000);
	ck_assert_str_eq(s.timestamp_fmt, "%c ");

	/* Authentication: the files are only named here (auth.c reads). */
	cmdline_parse_ok(&s, &cl,
	    "-s --rsa-private-key-path k.pem --authorized-users-path u.csv "
	    "--time-skew-threshold 30 --use-pkcs1-padding");
	ck_assert_str_eq(s.rsa_private_key_path, "k.pem");
	ck_assert_str_eq(s.authorized_users_path, "u.csv");
	ck_assert_int_eq(s.skew_threshold, 30);
	ck_assert(s.use_pkcs1_padding);
	cmdline_parse_ok(
	    &s, &cl, "-s --time-skew-threshold 5 --use-pkcs1-padding");
	cmdline_parse_ok(&s, &cl,
	    "-c h --username bob --rsa-public-key-path p.pem "
	    "--use-pkcs1-padding");
	ck_assert_str_eq(s.username, "bob");
	ck_assert_str_eq(s.rsa_public_key_path, "p.pem");
	ck_assert(s.use_pkcs1_padding);

	cmdline_parse_ok(
	    &s, &cl, "-s --server-max-duration 30 --server-bitrate-limit 100M");
	ck_assert_int_eq(s.max_duration, 30);
	ck_assert_uint_eq(s.bitrate_limit, 100000000);
	ck_assert_double_eq(s.bitrate_window, 5.0);
	cmdline_parse_ok(&s, &cl, "-s --server-bitrate-limit 1.5g/2.5");
	ck_assert_uint_eq(s.bitrate_limit, 1500000000);
	ck_assert_double_eq(s.bitrate_window, 2.5);
	cmdline_parse_ok(&s, &cl, "-s --server-bitrate-limit 64k/0");
	ck_assert_uint_eq(s.bitrate_limit, 64000);
	ck_assert_double_eq(s.bitrate_window, 0);
	cmdline_parse_ok(
	    &s, &cl, "-s --server-bitrate-limit 0 --server-max-duration 0");
	ck_assert_uint_eq(s.bitrate_limit, 0);
	ck_assert_int_eq(s.max_duration, 0);
	cmdline_parse_ok(&s, &cl, "-s --server-max-duration 86400");
	ck_assert_int_eq(s.max_duration, 86400);

	cmdline_parse_ok(&s, &cl, "-s --timestamps=%T --debug=2");
	ck_assert_str_eq(s.timestamp_fmt, "%T");
	ck_assert(s.debug);
}
END_TEST

/* --fq-rate, --pacing-timer, --snd-timeout, --cntl-ka, --dont-fragment. */
START_TEST(test_sockopts)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-c h");
	ck_assert_uint_eq(s.fqrate, 0);
	ck_assert_int_eq(s.pacing_timer, 1000);
	ck_assert_int_eq(s.snd_timeout_ms, 0);
	ck_assert(!s.cntl_ka && !s.dont_fragment);

	cmdline_parse_ok(&s, &cl,
	    "-c h --fq-rate 100M --pacing-timer 1k -u "
	    "--dont-fragment --snd-timeout 3000");
	ck_assert_uint_eq(s.fqrate, 100000000);
	ck_assert_int_eq(s.pacing_timer, 1024);
	ck_assert(s.dont_fragment);
	ck_assert_int_eq(s.snd_timeout_ms, 3000);
	cmdline_parse_ok(&s, &cl, "-c h --fq-rate 1.5G --pacing-timer 0");
	ck_assert_uint_eq(s.fqrate, 1500000000);
	ck_assert_int_eq(s.pacing_timer, 0);
	cmdline_parse_ok(&s, &cl, "-s --snd-timeout 86400000");
	ck_assert_int_eq(s.snd_timeout_ms, 86400000);
	cmdline_parse_ok(&s, &cl, "-s --snd-timeout 0");
	ck_assert_int_eq(s.snd_timeout_ms, 0);

	cmdline_parse_ok(&s, &cl, "-c h --cntl-ka");
	ck_assert(s.cntl_ka);
	ck_assert_int_eq(s.cntl_ka_idle, 0);
	ck_assert_int_eq(s.cntl_ka_intvl, 0);
	ck_assert_int_eq(s.cntl_ka_cnt, 0);
	cmdline_parse_ok(&s, &cl, "-s --cntl-ka=11/5/2");
	ck_assert_int_eq(s.cntl_ka_idle, 11);
	ck_assert_int_eq(s.cntl_ka_intvl, 5);
	ck_assert_int_eq(s.cntl_ka_cnt, 2);
	cmdline_parse_ok(&s, &cl, "-c h --cntl-ka=/5/2");
	ck_assert_int_eq(s.cntl_ka_idle, 0);
	ck_assert_int_eq(s.cntl_ka_intvl, 5);
	ck_assert_int_eq(s.cntl_ka_cnt, 2);
	cmdline_parse_ok(&s, &cl, "-c h --cntl-ka=600");
	ck_assert_int_eq(s.cntl_ka_idle, 600);
	ck_assert_int_eq(s.cntl_ka_intvl, 0);
	cmdline_parse_ok(&s, &cl, "-c h --cntl-ka=//7");
	ck_assert_int_eq(s.cntl_ka_cnt, 7);

	/* 3.21 takes any --debug level (atoi) and never fails on it. */
	cmdline_parse_ok(&s, &cl, "-c h --debug=9");
	ck_assert(s.debug);
	cmdline_parse_ok(&s, &cl, "-c h --debug=x");
	ck_assert(s.debug);
	cmdline_parse_ok(&s, &cl, "-s -d");
	ck_assert(s.debug);
}
END_TEST

START_TEST(test_help_version)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-h");
	ck_assert(s.show_help);
	cmdline_parse_ok(&s, &cl, "--version");
	ck_assert(s.show_version);
	ck_assert(!s.show_help);
	/* -v stops parsing, as iperf3 exits there: later errors are moot. */
	cmdline_parse_ok(&s, &cl, "-v -P 500");
	ck_assert(s.show_version);
	cmdline_parse_ok(&s, &cl, "-s -u --help");
	ck_assert(s.show_help);
}
END_TEST

struct bad_case {
	const char *line;
	const char *cause;
};

#define PE "parameter error - "

static const struct bad_case bad_cases[] = {
	{ "", PE "must either be a client (-c) or server (-s)" },
	{ "-P 2", PE "must either be a client (-c) or server (-s)" },
	{ "-c h -s", PE "cannot be both server and client" },
	{ "-s -c h", PE "cannot be both server and client" },
	{ "-s -P 2", PE "some option you are trying to set is client only" },
	{ "-s --username u",
	    PE "some option you are trying to set is client only" },
	{ "-s --rsa-public-key-path p",
	    PE "some option you are trying to set is client only" },
	{ "-c h --rsa-private-key-path k",
	    PE "some option you are trying to set is server only" },
	{ "-c h --authorized-users-path u",
	    PE "some option you are trying to set is server only" },
	{ "-c h --time-skew-threshold 5",
	    PE "some option you are trying to set is server only" },
	{ "-c h --username u",
	    PE "you must specify a username, password, and path to a valid "
	       "RSA public key" },
	{ "-c h --rsa-public-key-path p",
	    PE "you must specify a username, password, and path to a valid "
	       "RSA public key" },
	{ "-s --rsa-private-key-path k",
	    PE "you must specify a path to a valid RSA private key and a "
	       "user credential file" },
	{ "-s --authorized-users-path u",
	    PE "you must specify a path to a valid RSA private key and a "
	       "user credential file" },
	{ "-s --time-skew-threshold 0",
	    PE "skew threshold must be a positive number" },
	{ "-s --time-skew-threshold -3",
	    PE "skew threshold must be a positive number" },
	{ "-s --time-skew-threshold 5x",
	    PE "skew threshold must be a positive number" },
	{ "-s -u", PE "some option you are trying to set is client only" },
	{ "-s -b 1M", PE "some option you are trying to set is client only" },
	{ "-s -t 5", PE "some option you are trying to set is client only" },
	{ "-s -n 1K", PE "some option you are trying to set is client only" },
	{ "-s -k 1", PE "some option you are trying to set is client only" },
	{ "-s -l 1K", PE "some option you are trying to set is client only" },
	{ "-s -R", PE "some option you are trying to set is client only" },
	{ "-s --bidir", PE "some option you are trying to set is client only" },
	{ "-s -w 1M", PE "some option you are trying to set is client only" },
	{ "-s -M 1000", PE "some option you are trying to set is client only" },
	{ "-s -N", PE "some option you are trying to set is client only" },
	{ "-s -C cubic",
	    PE "some option you are trying to set is client only" },
	{ "-s -S 8", PE "some option you are trying to set is client only" },
	{ "-s --dscp 8",
	    PE "some option you are trying to set is client only" },
	{ "-s -T x", PE "some option you are trying to set is client only" },
	{ "-s --extra-data x",
	    PE "some option you are trying to set is client only" },
	{ "-s -O 1", PE "some option you are trying to set is client only" },
	{ "-s --get-server-output",
	    PE "some option you are trying to set is client only" },
	{ "-s --connect-timeout 5",
	    PE "some option you are trying to set is client only" },
	{ "-c h -1", PE "some option you are trying to set is server only" },
	{ "-c h -D", PE "some option you are trying to set is server only" },
	{ "-c h --idle-timeout 5",
	    PE "some option you are trying to set is server only" },
	{ "-c h --server-max-duration 5",
	    PE "some option you are trying to set is server only" },
	{ "-c h --server-bitrate-limit 5M",
	    PE "some option you are trying to set is server only" },
	{ "--server-bitrate-limit 5M -c h",
	    PE "some option you are trying to set is server only" },
	{ "-s --server-max-duration -1",
	    PE "test duration valid values are 0 to 86400 seconds" },
	{ "-s --server-max-duration 86401",
	    PE "test duration valid values are 0 to 86400 seconds" },
	{ "-s --server-max-duration ten",
	    PE "test duration valid values are 0 to 86400 seconds" },
	{ "-s --server-bitrate-limit 10X",
	    PE "invalid unit value or suffix: '10X'" },
	{ "-s --server-bitrate-limit fast/2",
	    PE "invalid unit value or suffix: 'fast'" },
	{ "-s --server-bitrate-limit -5M",
	    PE "invalid unit value or suffix: '-5M'" },
	{ "-s --server-bitrate-limit 10M/61",
	    PE "invalid time interval for calculating average data rate" },
	{ "-s --server-bitrate-limit 10M/0.05",
	    PE "invalid time interval for calculating average data rate" },
	{ "-s --server-bitrate-limit 10M/",
	    PE "invalid time interval for calculating average data rate" },
	{ "-s --server-bitrate-limit 10X/61",
	    PE "invalid time interval for calculating average data rate" },
	{ "-s --server-bitrate-limit",
	    "option '--server-bitrate-limit' requires an argument" },
	{ "-s --server-max",
	    "option '--server-max-duration' requires an argument" },
	{ "-c h -R --bidir", PE "cannot be both reverse and bidirectional" },
	{ "-c h --bidir -R", PE "cannot be both reverse and bidirectional" },
	{ "-s -R --bidir", PE "cannot be both reverse and bidirectional" },
	{ "-c h -P 10001",
	    PE "number of parallel streams too large (maximum = "
	       "10000)" },
	{ "-c h -P 0",
	    PE "invalid number of parallel streams (min = 1, max = "
	       "10000)" },
	{ "-c h -P -3",
	    PE "invalid number of parallel streams (min = 1, max = "
	       "10000)" },
	{ "-c h -P abc",
	    PE "invalid number of parallel streams (min = 1, "
	       "max = 10000)" },
	{ "-c h -t 86401",
	    PE "test duration valid values are 0 to 86400 "
	       "seconds" },
	{ "-c h -t -1",
	    PE "test duration valid values are 0 to 86400 "
	       "seconds" },
	{ "-c h -t 5s",
	    PE "test duration valid values are 0 to 86400 "
	       "seconds" },
	{ "-c h -l 2M", PE "block size too large (maximum = 1048576 bytes)" },
	{ "-c h -u -l 2M",
	    PE "block size too large (maximum = 1048576 "
	       "bytes)" },
	{ "-c h -u -l 8",
	    PE "block size invalid (minimum = 16 bytes, "
	       "maximum = 65507 bytes)" },
	{ "-c h -l 65508 -u",
	    PE "block size invalid (minimum = 16 bytes, "
	       "maximum = 65507 bytes)" },
	{ "-c h -w 513M",
	    PE "socket buffer size too large (maximum = "
	       "536870912 bytes)" },
	{ "-c h -M 9217", PE "TCP MSS too large (maximum = 9216 bytes)" },
	{ "-c h -O 601", PE "bogus value for --omit (maximum = 600 seconds)" },
	{ "-c h -O -1", PE "bogus value for --omit (maximum = 600 seconds)" },
	{ "-c h -i 0.05",
	    PE "invalid report interval (min = 0.1, max = 60 "
	       "seconds)" },
	{ "-c h -i 61",
	    PE "invalid report interval (min = 0.1, max = 60 "
	       "seconds)" },
	{ "-c h -i x",
	    PE "invalid report interval (min = 0.1, max = 60 "
	       "seconds)" },
	{ "-c h -S 256",
	    PE "bad TOS value (must be between 0 and 255 "
	       "inclusive)" },
	{ "-c h -S -1",
	    PE "bad TOS value (must be between 0 and 255 "
	       "inclusive)" },
	{ "-c h -S 12abc",
	    PE "bad TOS value (must be between 0 and 255 "
	       "inclusive)" },
	{ "-c h --dscp 64",
	    PE "bad TOS value (must be between 0 and 255 "
	       "inclusive)" },
	{ "-c h --dscp foo",
	    PE "bad TOS value (must be between 0 and 255 "
	       "inclusive)" },
	{ "-c h -f q",
	    PE "bad format specifier (valid formats are in the "
	       "set [kmgtKMGT])" },
	{ "-c h -f a",
	    PE "bad format specifier (valid formats are in the "
	       "set [kmgtKMGT])" },
	{ "-c h -p 0",
	    PE "port number must be between 1 and 65535 "
	       "inclusive" },
	{ "-c h -p 65536",
	    PE "port number must be between 1 and 65535 "
	       "inclusive" },
	{ "-s -p http",
	    PE "port number must be between 1 and 65535 "
	       "inclusive" },
	{ "-c h --cport 0",
	    PE "port number must be between 1 and 65535 "
	       "inclusive" },
	{ "-c h -n 1M -t 5",
	    PE "only one test end condition (-t, -n, -k) "
	       "may be specified" },
	{ "-c h -t 5 -k 10",
	    PE "only one test end condition (-t, -n, -k) "
	       "may be specified" },
	{ "-c h -n 1M -k 5",
	    PE "only one test end condition (-t, -n, -k) "
	       "may be specified" },
	{ "-c h -b 1M/1001", PE "invalid burst count (maximum = 1000)" },
	{ "-c h -b 1M/0", PE "invalid burst count (maximum = 1000)" },
	{ "-c h -b 1M/", PE "invalid burst count (maximum = 1000)" },
	{ "-c h -b fast", PE "invalid argument 'fast' for option '-b'" },
	{ "-c h -n lots", PE "invalid argument 'lots' for option '-n'" },
	{ "-c h -k 99999999999999999999999",
	    PE "invalid argument '99999999999999999999999' for option '-k'" },
	{ "-c h -w 1X", PE "invalid argument '1X' for option '-w'" },
	{ "-c h -l -1", PE "invalid argument '-1' for option '-l'" },
	{ "-c h --connect-timeout soon",
	    PE "invalid argument 'soon' for option '--connect-timeout'" },
	{ "-s --fq-rate 1M",
	    PE "some option you are trying to set is client only" },
	{ "-s --pacing-timer 500",
	    PE "some option you are trying to set is client only" },
	{ "-s --dont-fragment",
	    PE "some option you are trying to set is client only" },
	{ "-c h --fq-rate abc", PE "invalid unit value or suffix: 'abc'" },
	{ "-c h --fq-rate 10X", PE "invalid unit value or suffix: '10X'" },
	{ "-c h --pacing-timer abc", PE "invalid unit value or suffix: 'abc'" },
	{ "-c h --fq-rate", "option '--fq-rate' requires an argument" },
	{ "-c h --pacing-timer",
	    "option '--pacing-timer' requires an argument" },
	{ "-c h --dont-fragment=1",
	    "option '--dont-fragment' doesn't allow an argument" },
	{ "-c h --snd-timeout -1",
	    PE "send timeout value is incorrect or not in range" },
	{ "-s --snd-timeout 86400001",
	    PE "send timeout value is incorrect or not in range" },
	{ "-c h --snd-timeout 5x",
	    PE "send timeout value is incorrect or not in range" },
	{ "-c h --snd-timeout", "option '--snd-timeout' requires an argument" },
	{ "-c h --cntl-ka=10/5/2",
	    PE "control connection Keepalive period should be larger than "
	       "the full retry period (interval * count)" },
	{ "-s --cntl-ka=-5/1/1",
	    PE "control connection Keepalive period should be larger than "
	       "the full retry period (interval * count)" },
	{ "-c h --cntl-ka=abc",
	    PE "invalid argument 'abc' for option "
	       "'--cntl-ka'" },
	{ "-c h --cntl-ka=30/x",
	    PE "invalid argument '30/x' for option "
	       "'--cntl-ka'" },
	{ "-c h --cntl-ka=30/5/2/1",
	    PE "invalid argument '30/5/2/1' for "
	       "option '--cntl-ka'" },
	{ "-c h --cntl-ka=30/-1/2",
	    PE "invalid argument '30/-1/2' for "
	       "option '--cntl-ka'" },
	{ "-c h -d0", "invalid option -- '0'" },
	{ "-c h --rcv-timeout 99",
	    PE "receive timeout value is incorrect or "
	       "not in range" },
	{ "-c h -R --rcv-timeout 86400001",
	    PE "receive timeout value is incorrect or not in range" },
	{ "-c h --rcv-timeout 1000",
	    PE "client receive timeout is valid only "
	       "in receiving mode" },
	{ "-s --idle-timeout 0",
	    PE "idle timeout parameter is not positive "
	       "or larger than allowed limit" },
	{ "-c h --idle-timeout 86401",
	    PE "idle timeout parameter is not "
	       "positive or larger than allowed "
	       "limit" },
	{ "-c h --foo", "unrecognized option '--foo'" },
	{ "-c h --foo=bar", "unrecognized option '--foo=bar'" },
	{ "-x", "invalid option -- 'x'" },
	{ "-c h -Rx", "invalid option -- 'x'" },
	{ "-c h -L 0", PE "unable to set IPv6 flow label" },
	{ "-c h -L 0x100000", PE "unable to set IPv6 flow label" },
	{ "-c h -L abc", PE "unable to set IPv6 flow label" },
	{ "-c h -L -1", PE "unable to set IPv6 flow label" },
	{ "-s -L 5", PE "some option you are trying to set is client only" },
	{ "-c h -A 1025", PE "unable to set CPU affinity: " },
	{ "-c h -A abc", PE "unable to set CPU affinity: " },
	{ "-c h -A -1", PE "unable to set CPU affinity: " },
	{ "-c h -A 1,2000", PE "unable to set CPU affinity: " },
	{ "-c h -A 1,-1", PE "unable to set CPU affinity: " },
	{ "-s -A 0,1", PE "some option you are trying to set is client only" },
	{ "-c h --bind-dev", "option '--bind-dev' requires an argument" },
	{ "-c h -xR", "invalid option -- 'x'" },
	{ "--bidir -xR", "invalid option -- 'x'" },
	{ "-c h -p", "option requires an argument -- 'p'" },
	{ "-c", "option requires an argument -- 'c'" },
	{ "-c h --port", "option '--port' requires an argument" },
	{ "-c h --bitrate", "option '--bitrate' requires an argument" },
	{ "-c h --bandwidth", "option '--bandwidth' requires an argument" },
	{ "-c h --por", "option '--port' requires an argument" },
	{ "-c h --forcef=2",
	    "option '--forceflush' doesn't allow an "
	    "argument" },
	{ "-c h --bidir=3", "option '--bidir' doesn't allow an argument" },
	{ "-c h --reverse=1", "option '--reverse' doesn't allow an argument" },
	{ "-c h --tim 3",
	    "option '--tim' is ambiguous; possibilities: "
	    "'--time' '--timestamps' '--time-skew-threshold'" },
	{ "-c h --ve",
	    "option '--ve' is ambiguous; possibilities: "
	    "'--verbose' '--version' '--version4' '--version6'" },
	{ "-c h -u -F f", PE "cannot transfer file using UDP" },
	{ "-c h -F", "option requires an argument -- 'F'" },
	{ "-c h --fi", "option '--file' requires an argument" },
	{ "-s --skip-rx-copy",
	    PE "some option you are trying to set is client only" },
	{ "-s --repeating-payload",
	    PE "some option you are trying to set is client only" },
	{ "-c h --zerocopy=1",
	    "option '--zerocopy' doesn't allow an argument" },
	{ "-c h --skip-rx=1",
	    "option '--skip-rx-copy' doesn't allow an argument" },
	{ "-c h --rep=1",
	    "option '--repeating-payload' doesn't allow an argument" },
	{ "-c h --re",
	    "option '--re' is ambiguous; possibilities: "
	    "'--reverse' '--repeating-payload'" },
	{ "-c h --con=3",
	    "option '--con' is ambiguous; possibilities: "
	    "'--congestion' '--connect-timeout'" },
};

START_TEST(test_bad)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct settings s;
	struct cmdline cl;
	char *cause = NULL;

	ck_assert_msg(cmdline_parse(&s, &cl, bc->line, &cause) == -1,
	    "'%s' passed", bc->line);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(
	    strcmp(cause, bc->cause) == 0, "'%s': got \"%s\"", bc->line, cause);
	ck_assert_ptr_null(strchr(cause, '\n'));
	free(cause);
}
END_TEST

/*
 * -Z on a server: "client only" where the system has sendfile; where it
 * has none (Windows) iperf3 refuses -Z itself first, whatever the role.
 */
START_TEST(test_zerocopy_server)
{
	struct settings s;
	struct cmdline cl;
	char *cause = NULL;

	ck_assert_int_eq(cmdline_parse(&s, &cl, "-s -Z", &cause), -1);
	ck_assert_str_eq(cause,
	    osdep_has_sendfile() ? PE
		"some option you are trying to set is client only"
				 : PE "this OS does not support sendfile");
	free(cause);
}
END_TEST

/* Abbreviations that are unique, and aliases of one option, still work. */
START_TEST(test_json_stream)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(&s, &cl, "-c h --json-stream");
	ck_assert(s.json && s.json_stream && !s.json_stream_full);
	cmdline_parse_ok(
	    &s, &cl, "-c h --json-stream --json-stream-full-output");
	ck_assert(s.json && s.json_stream && s.json_stream_full);
	/* Alone, --json-stream-full-output does nothing (iperf3 3.20). */
	cmdline_parse_ok(&s, &cl, "-s --json-stream-full-output");
	ck_assert(!s.json && !s.json_stream);
	cmdline_parse_ok(&s, &cl, "-c h --json");
	ck_assert(s.json && !s.json_stream);
}
END_TEST

/* options_wants_json() sees -J even where the command line is bad. */
START_TEST(test_wants_json)
{
	static const struct {
		const char *line;
		bool json, stream;
	} t[] = {
		{ "-c h -J --foo", true, false },
		{ "--foo --json", true, false },
		{ "-sJ -P 3", true, false },
		{ "-1sVJ", true, false },
		{ "-c h --json-stream -P x", true, true },
		{ "-c h --foo", false, false },
		{ "-T J -c h", false, false },
		{ "-PJ", false, false },
		{ "-c h -- -J", false, false },
	};
	struct cmdline cl;
	size_t i;
	bool stream;

	for (i = 0; i < nitems(t); i++) {
		cmdline_split(&cl, t[i].line);
		ck_assert_msg(
		    options_wants_json(cl.argc, cl.argv, &stream) == t[i].json,
		    "%s", t[i].line);
		ck_assert_msg(stream == t[i].stream, "%s", t[i].line);
	}
}
END_TEST

START_TEST(test_abbrev)
{
	struct settings s;
	struct cmdline cl;

	cmdline_parse_ok(
	    &s, &cl, "--cl h --par 3 --linux-congestion reno --rev");
	ck_assert_int_eq(s.parallel, 3);
	ck_assert_str_eq(s.congestion, "reno");
	ck_assert(s.reverse);
	cmdline_parse_ok(&s, &cl, "-c h --band 5M");
	ck_assert_uint_eq(s.rate, 5000000);
}
END_TEST

START_TEST(test_usage)
{
	struct memout m;
	char *buf;
	FILE *fp;

	fp = memout_open(&m);
	ck_assert_ptr_nonnull(fp);
	options_usage_hint(fp);
	memout_close(&m);
	buf = m.buf;
	ck_assert_str_eq(buf,
	    "Usage: evperf [-s|-c host] [options]\n"
	    "Try `evperf --help' for more information.\n");
	memout_free(&m);

	fp = memout_open(&m);
	ck_assert_ptr_nonnull(fp);
	options_usage(fp);
	memout_close(&m);
	buf = m.buf;
	ck_assert(
	    strncmp(buf, "Usage: evperf [-s|-c host] [options]\n", 37) == 0);
	ck_assert_ptr_nonnull(strstr(buf, "  -P, --parallel  #"));
	ck_assert_ptr_nonnull(strstr(buf, "  --bidir "));
	ck_assert_ptr_nonnull(strstr(buf, "  --dscp "));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  -A, --affinity n[,m]      set CPU affinity core number to n "
	    "(the core the process will use)\n"
	    "                             (optional Client only m - the "
	    "Server's core number for this test)\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  --bind-dev <dev>          bind to the network interface with "
	    "SO_BINDTODEVICE\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  -m, --mptcp               use MPTCP rather than plain TCP\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  -c, --client <host>[%<dev>] run in client mode, connecting to "
	    "<host>\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  -L, --flowlabel N         set the IPv6 flow label (only "
	    "supported on Linux)\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  --server-bitrate-limit #[KMG][/#]   server's total bit rate "
	    "limit (default 0 = no limit)\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  --server-max-duration #   max time, in seconds, that an iperf "
	    "test can run against the server\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  --fq-rate #[KMG]          enable fair-queuing based socket "
	    "pacing in\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  --cntl-ka[=#/#/#]         use control connection TCP "
	    "keepalive - KEEPIDLE/KEEPINTV/KEEPCNT\n"));
	ck_assert_ptr_nonnull(
	    strstr(buf, "  -d, --debug[=#]           emit debugging output\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  --rsa-private-key-path    path to the RSA private key used to "
	    "decrypt\n"
	    "                            authentication credentials\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "  --use-pkcs1-padding       use pkcs1 padding at your own "
	    "risk\n"));
	ck_assert_ptr_nonnull(strstr(
	    buf, "  --username                username for authentication\n"));
	ck_assert_ptr_null(strstr(buf, "iperf3 [-s"));
	ck_assert_ptr_null(strstr(buf, "no-role-flag"));
	memout_free(&m);
}
END_TEST

/* The options suite: defaults, values, and every cross-check cause. */
Suite *
options_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("options");
	tc = tcase_create("values");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_client_basic);
	tcase_add_test(tc, test_client_more);
	tcase_add_test(tc, test_copy_options);
	tcase_add_test(tc, test_zerocopy_server);
	tcase_add_test(tc, test_path);
	tcase_add_test(tc, test_udp_rate);
	tcase_add_test(tc, test_end_conditions);
	tcase_add_test(tc, test_tos);
	tcase_add_test(tc, test_server);
	tcase_add_test(tc, test_sockopts);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_json_stream);
	tcase_add_test(tc, test_wants_json);
	tcase_add_test(tc, test_abbrev);
	tcase_add_test(tc, test_usage);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_bad, 0, (int)nitems(bad_cases));
	suite_add_tcase(s, tc);
	return s;
}
