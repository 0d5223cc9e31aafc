/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options_arg.c: the per-option value handlers that options.c's table
 * names. Each checks one option's argument as it is read (as iperf3's
 * iperf_parse_arguments() does, so the first bad option wins) and stores
 * it in struct settings, returning 0, an iperf3 IE code or
 * OPTIONS_EBADARG. Handlers see only their own option: the cross checks
 * that need the whole command line, and every message, live elsewhere
 * (options.c, options_err.c). Nothing here prints or exits.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/util.h>

#include "errors.h"
#include "log.h"
#include "options_int.h"
#include "osdep.h"
#include "probe.h"
#include "proto.h"
#include "units.h"

/* Strict base-10 integer in [min, max]; -1 on garbage or out of range. */
int
options_arg_int(const char *arg, long min, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* The end of a '%'-separated token that starts at p. */
static const char *
options_arg_token_end(const char *p)
{
	return p + strcspn(p, "%");
}

/*
 * -c and -B take HOST%DEV, DEV a shorthand for --bind-dev, unless HOST is
 * an IPv6 link-local literal (whose %DEV is its scope). The split follows
 * iperf3's strtok(): leading '%'s are skipped, text after a second '%' is
 * dropped. It cuts argv's string in place (argv is writable; struct
 * settings keeps pointers into it) and returns where HOST starts.
 */
static const char *
options_arg_hostdev(struct options_ctx *ctx, const char *arg)
{
	char *host = (char *)arg, *host_end, *dev, *dev_end, *copy;
	unsigned char a6[16];
	bool ll;

	host += strspn(host, "%");
	host_end = (char *)options_arg_token_end(host);
	dev = host_end + strspn(host_end, "%");
	if (host == host_end || *dev == '\0')
		return arg;
	copy = xstrdup(host);
	copy[host_end - host] = '\0';
	ll = evutil_inet_pton(AF_INET6, copy, a6) == 1 && a6[0] == 0xfe &&
	    (a6[1] & 0xc0) == 0x80;
	free(copy);
	if (ll)
		return arg;
	dev_end = (char *)options_arg_token_end(dev);
	*host_end = *dev_end = '\0';
	ctx->s->bind_dev = dev;
	return host;
}

/* -c HOST: the client role, unless -s came first (iperf3 IESERVCLIENT). */
int
options_arg_client(struct options_ctx *ctx, const char *arg)
{
	if (ctx->s->role == ROLE_SERVER)
		return IE_SERVCLIENT;
	ctx->s->role = ROLE_CLIENT;
	ctx->s->host = options_arg_hostdev(ctx, arg);
	return 0;
}

/* -s: the server role, unless -c came first. */
int
options_arg_server(struct options_ctx *ctx, const char *arg)
{
	if (ctx->s->role == ROLE_CLIENT)
		return IE_SERVCLIENT;
	ctx->s->role = ROLE_SERVER;
	return 0;
}

/* -n: bytes to send, with binary K/M/G/T suffixes. */
int
options_arg_bytes(struct options_ctx *ctx, const char *arg)
{
	return units_parse_size(arg, &ctx->s->bytes) ? OPTIONS_EBADARG : 0;
}

/* -k: blocks to send, with binary K/M/G/T suffixes. */
int
options_arg_blocks(struct options_ctx *ctx, const char *arg)
{
	return units_parse_size(arg, &ctx->s->blocks) ? OPTIONS_EBADARG : 0;
}

/* -P: above 128 is iperf3's IENUMSTREAMS; below 1 gets its own cause. */
int
options_arg_parallel(struct options_ctx *ctx, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0)
		return OPTIONS_EBADARG;
	if (v > EVPERF_MAX_STREAMS)
		return IE_NUMSTREAMS;
	if (v < 1)
		return OPTIONS_EBADARG;
	ctx->s->parallel = (int)v;
	return 0;
}

/* --json-stream implies -J (iperf3 3.17). */
int
options_arg_json_stream(struct options_ctx *ctx, const char *arg)
{
	ctx->s->json = true;
	ctx->s->json_stream = true;
	return 0;
}

/* -R: the server sends; excludes --bidir (iperf3 IEREVERSEBIDIR). */
int
options_arg_reverse(struct options_ctx *ctx, const char *arg)
{
	if (ctx->s->bidir)
		return IE_REVERSEBIDIR;
	ctx->s->reverse = true;
	return 0;
}

/* --bidir: both ends send; excludes -R. */
int
options_arg_bidir(struct options_ctx *ctx, const char *arg)
{
	if (ctx->s->reverse)
		return IE_REVERSEBIDIR;
	ctx->s->bidir = true;
	return 0;
}

/* -u: UDP instead of TCP (or --sctp's SCTP). */
int
options_arg_udp(struct options_ctx *ctx, const char *arg)
{
	ctx->s->proto = PROTO_UDP;
	ctx->s->sctp = false;
	return 0;
}

/* -b RATE[/BURST]: decimal suffixes; burst 1..1000 (iperf3 IEBURST). */
int
options_arg_rate(struct options_ctx *ctx, const char *arg)
{
	const char *slash;
	char *rate;
	int rc;

	if ((slash = strchr(arg, '/')) != NULL) {
		if (options_arg_int(
			slash + 1, 1, EVPERF_MAX_BURST, &ctx->s->burst) == -1)
			return IE_BURST;
	}
	rate = xstrdup(arg);
	if (slash != NULL)
		rate[slash - arg] = '\0';
	rc = units_parse_rate(rate, &ctx->s->rate) ? OPTIONS_EBADARG : 0;
	free(rate);
	return rc;
}

/*
 * --server-bitrate-limit RATE[/SECS]: decimal suffixes; SECS is 0 or 0.1
 * to 60, the bounds of -i (iperf3 3.21 IETOTALINTERVAL). A bad RATE is
 * 3.21's IEUNITVAL; iperf3's atof() would take "5x" as 5, we refuse it.
 */
int
options_arg_bitrate_limit(struct options_ctx *ctx, const char *arg)
{
	const char *slash;
	char *rate, *end;
	double v;
	int rc;

	if ((slash = strchr(arg, '/')) != NULL) {
		errno = 0;
		v = strtod(slash + 1, &end);
		if (slash[1] == '\0' || *end != '\0' || errno != 0 ||
		    (v != 0 && (v < 0.1 || v > 60)))
			return IE_TOTALINTERVAL;
		ctx->s->bitrate_window = v;
	}
	rate = xstrdup(arg);
	if (slash != NULL)
		rate[slash - arg] = '\0';
	rc = units_parse_rate(rate, &ctx->s->bitrate_limit) ? OPTIONS_EUNIT : 0;
	free(rate);
	return rc;
}

/* -l: block size, at most EVPERF_MAX_BLOCKSIZE (iperf3 IEBLOCKSIZE). */
int
options_arg_length(struct options_ctx *ctx, const char *arg)
{
	uint64_t v;

	if (units_parse_size(arg, &v) == -1)
		return OPTIONS_EBADARG;
	if (v > EVPERF_MAX_BLOCKSIZE)
		return IE_BLOCKSIZE;
	ctx->s->blksize = (int)v;
	return 0;
}

/* -w: socket buffer size, at most EVPERF_MAX_TCP_BUFFER (IEBUFSIZE). */
int
options_arg_window(struct options_ctx *ctx, const char *arg)
{
	uint64_t v;

	if (units_parse_size(arg, &v) == -1)
		return OPTIONS_EBADARG;
	if (v > EVPERF_MAX_TCP_BUFFER)
		return IE_BUFSIZE;
	ctx->s->window = (int)v;
	return 0;
}

/* -i: 0 disables interval reports, otherwise 0.1 to 60 seconds. */
int
options_arg_interval(struct options_ctx *ctx, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || errno != 0)
		return IE_INTERVAL;
	if (v != 0 && (v < 0.1 || v > 60))
		return IE_INTERVAL;
	ctx->s->interval = v;
	return 0;
}

/* -f takes the first letter, as iperf3 does ("-f mbits" is 'm'). */
int
options_arg_format(struct options_ctx *ctx, const char *arg)
{
	if (*arg == '\0' || *arg == 'a' || !units_valid_format(*arg))
		return IE_BADFORMAT;
	ctx->s->format = *arg;
	return 0;
}

/* -4: IPv4 only. */
int
options_arg_inet4(struct options_ctx *ctx, const char *arg)
{
	ctx->s->family = AF_INET;
	return 0;
}

/* -6: IPv6 only. */
int
options_arg_inet6(struct options_ctx *ctx, const char *arg)
{
	ctx->s->family = AF_INET6;
	return 0;
}

/* -S: decimal, 0x hex or 0 octal, 0..255 (strtol base 0, as iperf3). */
int
options_arg_tos(struct options_ctx *ctx, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 0);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 255)
		return IE_BADTOS;
	ctx->s->tos = (int)v;
	return 0;
}

/*
 * --dscp names, as iperf3's dscp.c accepts them: RFC 2474 class selectors,
 * RFC 2597 assured forwarding, RFC 3246 expedited forwarding and the old
 * RFC 1349 TOS bits. Values are the whole TOS byte.
 */
static const struct {
	const char *name;
	int tos;
} options_arg_dscp_names[] = {
	/* clang-format off */
	{ "af11", 0x28 }, { "af12", 0x30 }, { "af13", 0x38 },
	{ "af21", 0x48 }, { "af22", 0x50 }, { "af23", 0x58 },
	{ "af31", 0x68 }, { "af32", 0x70 }, { "af33", 0x78 },
	{ "af41", 0x88 }, { "af42", 0x90 }, { "af43", 0x98 },
	{ "cs0", 0x00 }, { "cs1", 0x20 }, { "cs2", 0x40 }, { "cs3", 0x60 },
	{ "cs4", 0x80 }, { "cs5", 0xa0 }, { "cs6", 0xc0 }, { "cs7", 0xe0 },
	{ "ef", 0xb8 }, { "lowdelay", 0x10 }, { "throughput", 0x08 },
	{ "reliability", 0x04 },
	/* clang-format on */
};

/* --dscp: a name above, or a number 0..63 shifted into the TOS byte. */
int
options_arg_dscp(struct options_ctx *ctx, const char *arg)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < nitems(options_arg_dscp_names); i++) {
		if (strcasecmp(arg, options_arg_dscp_names[i].name) == 0) {
			ctx->s->tos = options_arg_dscp_names[i].tos;
			return 0;
		}
	}
	errno = 0;
	v = strtol(arg, &end, 0);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 63)
		return IE_BADTOS;
	ctx->s->tos = (int)v << 2;
	return 0;
}

/*
 * -d / --debug[=LEVEL]: iperf3 3.21 takes any level (atoi; 1-4 mean
 * something, the rest is 4 or 0) and never fails; we only log more.
 */
int
options_arg_debug(struct options_ctx *ctx, const char *arg)
{
	ctx->s->debug = true;
	return 0;
}

/* -v: show the version and stop parsing. */
int
options_arg_version(struct options_ctx *ctx, const char *arg)
{
	ctx->s->show_version = true;
	ctx->stop = true;
	return 0;
}

/* -h: show the help and stop parsing. */
int
options_arg_help(struct options_ctx *ctx, const char *arg)
{
	ctx->s->show_help = true;
	ctx->stop = true;
	return 0;
}

/* --timestamps[=FMT]: strftime(3) format, iperf3's default "%c ". */
int
options_arg_timestamps(struct options_ctx *ctx, const char *arg)
{
	ctx->s->timestamp_fmt = arg != NULL ? arg : "%c ";
	return 0;
}

/* -B HOST[%DEV]: the local address, and perhaps --bind-dev. */
int
options_arg_bind(struct options_ctx *ctx, const char *arg)
{
	ctx->s->bind_host = options_arg_hostdev(ctx, arg);
	return 0;
}

/*
 * -L N: the IPv6 flow label, 1 to 0xfffff, decimal, 0x hex or 0 octal
 * (strtol base 0, as iperf3; trailing text, which iperf3 ignores, is
 * refused).
 */
int
options_arg_flowlabel(struct options_ctx *ctx, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 0);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < 1 ||
	    v > EVPERF_MAX_FLOWLABEL)
		return IE_SETFLOW;
	ctx->s->flowlabel = (int)v;
	return 0;
}

/*
 * -A N[,M]: this process's CPU core, and with M (client only) the core
 * the server uses for this test; each 0 to 1024 (iperf3 IEAFFINITY).
 */
int
options_arg_affinity(struct options_ctx *ctx, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 0);
	if (end == arg || (*end != '\0' && *end != ',') || errno != 0 ||
	    v < 0 || v > EVPERF_MAX_CORE)
		return IE_AFFINITY;
	ctx->s->affinity = (int)v;
	if (*end == ',') {
		if (options_arg_int(end + 1, 0, EVPERF_MAX_CORE,
			&ctx->s->server_affinity) == -1)
			return IE_AFFINITY;
		ctx->client_only = true;
	}
	return 0;
}

/* -m: MPTCP; like iperf3, it selects TCP (a later -u or --sctp wins). */
int
options_arg_mptcp(struct options_ctx *ctx, const char *arg)
{
	ctx->s->proto = PROTO_TCP;
	ctx->s->sctp = false;
	ctx->s->mptcp = true;
	return 0;
}

/* --fq-rate: bits/s with decimal suffixes; a bad one is 3.21's IEUNITVAL. */
int
options_arg_fq_rate(struct options_ctx *ctx, const char *arg)
{
	return units_parse_rate(arg, &ctx->s->fqrate) ? OPTIONS_EUNIT : 0;
}

/*
 * --pacing-timer: microseconds with binary suffixes (iperf3's unit_atoi).
 * iperf3 3.21 only sends it to the server, which no longer uses it.
 */
int
options_arg_pacing_timer(struct options_ctx *ctx, const char *arg)
{
	uint64_t v;

	if (units_parse_size(arg, &v) == -1 || v > INT_MAX)
		return OPTIONS_EUNIT;
	ctx->s->pacing_timer = (int)v;
	return 0;
}

/* One field of --cntl-ka: empty (0, the system's value) or an integer. */
static int
options_arg_ka_field(const char *p, size_t len, long *out)
{
	char buf[16], *end;

	*out = 0;
	if (len == 0)
		return 0;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtol(buf, &end, 10);
	return *end != '\0' || errno != 0 || *out < INT_MIN || *out > INT_MAX
	    ? -1
	    : 0;
}

/*
 * --cntl-ka[=IDLE[/INTVL[/CNT]]]: keepalive on the control connection,
 * each value optional (0 = the system's). As iperf3 3.21, a given IDLE
 * must exceed INTVL * CNT as given (IECNTLKA); unlike its atoi(), a field
 * that is not a number, or a negative INTVL or CNT, is refused here.
 */
int
options_arg_cntl_ka(struct options_ctx *ctx, const char *arg)
{
	struct settings *s = ctx->s;
	long v[3] = { 0, 0, 0 };
	const char *p = arg;
	size_t len;
	int i;

	for (i = 0; p != NULL && i < 3; i++) {
		len = i < 2 ? strcspn(p, "/") : strlen(p);
		if (options_arg_ka_field(p, len, &v[i]) == -1)
			return OPTIONS_EBADARG;
		p = p[len] == '/' ? p + len + 1 : NULL;
	}
	if (v[0] != 0 && (long long)v[0] <= (long long)v[1] * v[2])
		return IE_CNTLKA;
	if (v[1] < 0 || v[2] < 0)
		return OPTIONS_EBADARG;
	s->cntl_ka = true;
	s->cntl_ka_idle = (int)v[0];
	s->cntl_ka_intvl = (int)v[1];
	s->cntl_ka_cnt = (int)v[2];
	return 0;
}

/* -Z: iperf3 refuses it at once where the system has no sendfile. */
int
options_arg_zerocopy(struct options_ctx *ctx, const char *arg)
{
	if (!osdep_has_sendfile())
		return IE_NOSENDFILE;
	ctx->s->zerocopy = true;
	return 0;
}

/* --latency[=N]: N probes per second (1..1000), 10 without a value. */
int
options_arg_latency(struct options_ctx *ctx, const char *arg)
{
	int v = PROBE_DEFAULT_RATE;

	if (arg != NULL && options_arg_int(arg, 1, PROTO_LATENCY_MAX, &v) == -1)
		return OPTIONS_EBADARG;
	ctx->s->latency = v;
	return 0;
}

/* --latency-udp: UDP probes (a UDP test's are already); --latency implied. */
int
options_arg_latency_udp(struct options_ctx *ctx, const char *arg)
{
	(void)arg;
	ctx->s->latency_udp = true;
	if (ctx->s->latency == 0)
		ctx->s->latency = PROBE_DEFAULT_RATE;
	return 0;
}
