/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options.c: argv -> struct settings. One table lists every option with
 * its long name, short letter, argument kind, the role it belongs to and
 * the small handler that checks and stores its value; the getopt_long
 * arrays are built from that table. Values are checked as they are read
 * (as iperf3's iperf_parse_arguments() does, so the first bad option
 * wins), then the cross checks run: role, client- or server-only options,
 * UDP block size, end conditions, receive timeout. Errors come back as a
 * one-line cause in iperf3's wording. This module never prints and never
 * exits; getopt's own messages are silenced (opterr = 0) and rebuilt here.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "log.h"
#include "options.h"
#include "units.h"

/* Handler result other than 0 (ok) and an IE code: "invalid argument". */
#define OPTIONS_EBADARG (-1)

/* Where an option may be used. */
#define OPTIONS_BOTH 0
#define OPTIONS_CLIENT 1
#define OPTIONS_SERVER 2

/* Values for options that have no short letter. */
enum options_long {
	OPT_BIDIR = 256,
	OPT_CPORT,
	OPT_DSCP,
	OPT_EXTRA_DATA,
	OPT_CONNECT_TIMEOUT,
	OPT_RCV_TIMEOUT,
	OPT_IDLE_TIMEOUT,
	OPT_GET_SERVER_OUTPUT,
	OPT_LOGFILE,
	OPT_FORCEFLUSH,
	OPT_TIMESTAMPS,
	OPT_UDP_COUNTERS_64BIT,
	OPT_GSRO,
	OPT_NO_ROLE_FLAG,
	OPT_JSON_STREAM,
	OPT_JSON_STREAM_FULL,
};

/* Parse state beyond struct settings, for the cross checks. */
struct options_ctx {
	struct settings *s;
	uint64_t seen; /* bit i: options_table[i] (or its alias) given */
	bool client_only; /* a client-only option was given */
	bool server_only; /* a server-only option was given */
	bool stop; /* -h or -v: stop parsing */
};

typedef int (*options_fn)(struct options_ctx *, const char *);

/* What applying an option does. */
enum options_kind {
	OPTIONS_K_FN, /* call fn */
	OPTIONS_K_FLAG, /* set the bool at off */
	OPTIONS_K_STR, /* keep the argv pointer at off (not a copy) */
	OPTIONS_K_INT, /* base-10 int in [min, max] at off, else error ie */
};

struct options_spec {
	const char *name;
	int has_arg;
	int val;
	int scope;
	enum options_kind kind;
	options_fn fn;
	size_t off;
	long min, max;
	int ie;
};

#define FN(f) OPTIONS_K_FN, f, 0, 0, 0, 0
#define FLAG(field)                                                            \
	OPTIONS_K_FLAG, NULL, offsetof(struct settings, field), 0, 0, 0
#define STR(field)                                                             \
	OPTIONS_K_STR, NULL, offsetof(struct settings, field), 0, 0, 0
#define INT(field, lo, hi, ie)                                                 \
	OPTIONS_K_INT, NULL, offsetof(struct settings, field), lo, hi, ie

/* Strict base-10 integer in [min, max]; -1 on garbage or out of range. */
static int
options_int(const char *arg, long min, long max, int *out)
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

static int
options_client(struct options_ctx *ctx, const char *arg)
{
	if (ctx->s->role == ROLE_SERVER)
		return IE_SERVCLIENT;
	ctx->s->role = ROLE_CLIENT;
	ctx->s->host = arg;
	return 0;
}

static int
options_server(struct options_ctx *ctx, const char *arg)
{
	if (ctx->s->role == ROLE_CLIENT)
		return IE_SERVCLIENT;
	ctx->s->role = ROLE_SERVER;
	return 0;
}

static int
options_bytes(struct options_ctx *ctx, const char *arg)
{
	return units_parse_size(arg, &ctx->s->bytes) ? OPTIONS_EBADARG : 0;
}

static int
options_blocks(struct options_ctx *ctx, const char *arg)
{
	return units_parse_size(arg, &ctx->s->blocks) ? OPTIONS_EBADARG : 0;
}

/* -P: above 128 is iperf3's IENUMSTREAMS; below 1 gets its own cause. */
static int
options_parallel(struct options_ctx *ctx, const char *arg)
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
static int
options_json_stream(struct options_ctx *ctx, const char *arg)
{
	ctx->s->json = true;
	ctx->s->json_stream = true;
	return 0;
}

static int
options_reverse(struct options_ctx *ctx, const char *arg)
{
	if (ctx->s->bidir)
		return IE_REVERSEBIDIR;
	ctx->s->reverse = true;
	return 0;
}

static int
options_bidir(struct options_ctx *ctx, const char *arg)
{
	if (ctx->s->reverse)
		return IE_REVERSEBIDIR;
	ctx->s->bidir = true;
	return 0;
}

static int
options_udp(struct options_ctx *ctx, const char *arg)
{
	ctx->s->proto = PROTO_UDP;
	return 0;
}

/* -b RATE[/BURST]: decimal suffixes; burst 1..1000 (iperf3 IEBURST). */
static int
options_rate(struct options_ctx *ctx, const char *arg)
{
	const char *slash;
	char *rate;
	int rc;

	if ((slash = strchr(arg, '/')) != NULL) {
		if (options_int(
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

static int
options_length(struct options_ctx *ctx, const char *arg)
{
	uint64_t v;

	if (units_parse_size(arg, &v) == -1)
		return OPTIONS_EBADARG;
	if (v > EVPERF_MAX_BLOCKSIZE)
		return IE_BLOCKSIZE;
	ctx->s->blksize = (int)v;
	return 0;
}

static int
options_window(struct options_ctx *ctx, const char *arg)
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
static int
options_interval(struct options_ctx *ctx, const char *arg)
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
static int
options_format(struct options_ctx *ctx, const char *arg)
{
	if (*arg == '\0' || *arg == 'a' || !units_valid_format(*arg))
		return IE_BADFORMAT;
	ctx->s->format = *arg;
	return 0;
}

static int
options_inet4(struct options_ctx *ctx, const char *arg)
{
	ctx->s->family = AF_INET;
	return 0;
}

static int
options_inet6(struct options_ctx *ctx, const char *arg)
{
	ctx->s->family = AF_INET6;
	return 0;
}

/* -S: decimal, 0x hex or 0 octal, 0..255 (strtol base 0, as iperf3). */
static int
options_tos(struct options_ctx *ctx, const char *arg)
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
} options_dscp_names[] = {
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
static int
options_dscp(struct options_ctx *ctx, const char *arg)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < nitems(options_dscp_names); i++) {
		if (strcasecmp(arg, options_dscp_names[i].name) == 0) {
			ctx->s->tos = options_dscp_names[i].tos;
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

/* -d / --debug[=LEVEL]: iperf3 3.12 takes a level 1-4; we only log more. */
static int
options_debug(struct options_ctx *ctx, const char *arg)
{
	int level;

	if (arg != NULL && options_int(arg, 1, 4, &level) == -1)
		return OPTIONS_EBADARG;
	ctx->s->debug = true;
	return 0;
}

static int
options_version(struct options_ctx *ctx, const char *arg)
{
	ctx->s->show_version = true;
	ctx->stop = true;
	return 0;
}

static int
options_help(struct options_ctx *ctx, const char *arg)
{
	ctx->s->show_help = true;
	ctx->stop = true;
	return 0;
}

/* --timestamps[=FMT]: strftime(3) format, iperf3's default "%c ". */
static int
options_timestamps(struct options_ctx *ctx, const char *arg)
{
	ctx->s->timestamp_fmt = arg != NULL ? arg : "%c ";
	return 0;
}

/*
 * Every option, in the order of iperf3's longopts[] so that getopt's
 * "ambiguous" lists read the same; aliases follow their primary name.
 */
static const struct options_spec options_table[] = {
	{ "port", required_argument, 'p', OPTIONS_BOTH,
	    INT(port, 1, 65535, IE_BADPORT) },
	{ "format", required_argument, 'f', OPTIONS_BOTH, FN(options_format) },
	{ "interval", required_argument, 'i', OPTIONS_BOTH,
	    FN(options_interval) },
	{ "daemon", no_argument, 'D', OPTIONS_SERVER, FLAG(daemon) },
	{ "one-off", no_argument, '1', OPTIONS_SERVER, FLAG(one_off) },
	{ "verbose", no_argument, 'V', OPTIONS_BOTH, FLAG(verbose) },
	{ "json", no_argument, 'J', OPTIONS_BOTH, FLAG(json) },
	{ "json-stream", no_argument, OPT_JSON_STREAM, OPTIONS_BOTH,
	    FN(options_json_stream) },
	{ "json-stream-full-output", no_argument, OPT_JSON_STREAM_FULL,
	    OPTIONS_BOTH, FLAG(json_stream_full) },
	{ "version", no_argument, 'v', OPTIONS_BOTH, FN(options_version) },
	{ "server", no_argument, 's', OPTIONS_BOTH, FN(options_server) },
	{ "client", required_argument, 'c', OPTIONS_BOTH, FN(options_client) },
	{ "udp", no_argument, 'u', OPTIONS_CLIENT, FN(options_udp) },
	{ "bitrate", required_argument, 'b', OPTIONS_CLIENT, FN(options_rate) },
	{ "bandwidth", required_argument, 'b', OPTIONS_CLIENT,
	    FN(options_rate) },
	{ "time", required_argument, 't', OPTIONS_CLIENT,
	    INT(duration, 0, EVPERF_MAX_TIME, IE_DURATION) },
	{ "bytes", required_argument, 'n', OPTIONS_CLIENT, FN(options_bytes) },
	{ "blockcount", required_argument, 'k', OPTIONS_CLIENT,
	    FN(options_blocks) },
	{ "length", required_argument, 'l', OPTIONS_CLIENT,
	    FN(options_length) },
	{ "parallel", required_argument, 'P', OPTIONS_CLIENT,
	    FN(options_parallel) },
	{ "reverse", no_argument, 'R', OPTIONS_CLIENT, FN(options_reverse) },
	{ "bidir", no_argument, OPT_BIDIR, OPTIONS_CLIENT, FN(options_bidir) },
	{ "window", required_argument, 'w', OPTIONS_CLIENT,
	    FN(options_window) },
	{ "bind", required_argument, 'B', OPTIONS_BOTH, STR(bind_host) },
	{ "cport", required_argument, OPT_CPORT, OPTIONS_BOTH,
	    INT(cport, 1, 65535, IE_BADPORT) },
	{ "set-mss", required_argument, 'M', OPTIONS_CLIENT,
	    INT(mss, 0, EVPERF_MAX_MSS, IE_MSS) },
	{ "no-delay", no_argument, 'N', OPTIONS_CLIENT, FLAG(nodelay) },
	{ "version4", no_argument, '4', OPTIONS_BOTH, FN(options_inet4) },
	{ "version6", no_argument, '6', OPTIONS_BOTH, FN(options_inet6) },
	{ "tos", required_argument, 'S', OPTIONS_CLIENT, FN(options_tos) },
	{ "dscp", required_argument, OPT_DSCP, OPTIONS_CLIENT,
	    FN(options_dscp) },
	{ "extra-data", required_argument, OPT_EXTRA_DATA, OPTIONS_CLIENT,
	    STR(extra_data) },
	{ "omit", required_argument, 'O', OPTIONS_CLIENT,
	    INT(omit, 0, EVPERF_MAX_OMIT, IE_OMIT) },
	{ "timestamps", optional_argument, OPT_TIMESTAMPS, OPTIONS_BOTH,
	    FN(options_timestamps) },
	{ "title", required_argument, 'T', OPTIONS_CLIENT, STR(title) },
	{ "congestion", required_argument, 'C', OPTIONS_CLIENT,
	    STR(congestion) },
	{ "linux-congestion", required_argument, 'C', OPTIONS_CLIENT,
	    STR(congestion) },
	{ "pidfile", required_argument, 'I', OPTIONS_BOTH, STR(pidfile) },
	{ "logfile", required_argument, OPT_LOGFILE, OPTIONS_BOTH,
	    STR(logfile) },
	{ "forceflush", no_argument, OPT_FORCEFLUSH, OPTIONS_BOTH,
	    FLAG(forceflush) },
	{ "get-server-output", no_argument, OPT_GET_SERVER_OUTPUT,
	    OPTIONS_CLIENT, FLAG(get_server_output) },
	{ "udp-counters-64bit", no_argument, OPT_UDP_COUNTERS_64BIT,
	    OPTIONS_BOTH, FLAG(udp_counters_64bit) },
	{ "gsro", no_argument, OPT_GSRO, OPTIONS_CLIENT, FLAG(gsro) },
	{ "connect-timeout", required_argument, OPT_CONNECT_TIMEOUT,
	    OPTIONS_CLIENT,
	    INT(connect_timeout_ms, 0, INT_MAX, OPTIONS_EBADARG) },
	{ "idle-timeout", required_argument, OPT_IDLE_TIMEOUT, OPTIONS_SERVER,
	    INT(idle_timeout, 1, EVPERF_MAX_TIME, IE_IDLETIMEOUT) },
	{ "rcv-timeout", required_argument, OPT_RCV_TIMEOUT, OPTIONS_BOTH,
	    INT(rcv_timeout_ms, 100, EVPERF_MAX_TIME * 1000L, IE_RCVTIMEOUT) },
	{ "debug", optional_argument, 'd', OPTIONS_BOTH, FN(options_debug) },
	{ "help", no_argument, 'h', OPTIONS_BOTH, FN(options_help) },
	{ "no-role-flag", no_argument, OPT_NO_ROLE_FLAG, OPTIONS_BOTH,
	    FLAG(no_role_flag) },
};

#define OPTIONS_N nitems(options_table)
_Static_assert(OPTIONS_N <= 64, "options_ctx.seen has 64 bits");

/* The first table entry with this getopt value (the primary name). */
static const struct options_spec *
options_find(int val)
{
	size_t i;

	for (i = 0; i < OPTIONS_N; i++) {
		if (options_table[i].val == val)
			return &options_table[i];
	}
	return NULL;
}

/* The seen-bit of an option: that of its primary entry. */
static uint64_t
options_bit(const struct options_spec *sp)
{
	return (uint64_t)1 << (options_find(sp->val) - options_table);
}

/* Whether the option with getopt value val was given. */
static bool
options_seen(const struct options_ctx *ctx, int val)
{
	return (ctx->seen & options_bit(options_find(val))) != 0;
}

/*
 * Build getopt_long's arrays from the table. The short string starts
 * with ':' so that a missing argument returns ':' rather than '?'.
 * Optional arguments exist only in long form (-d alone takes none).
 */
static void
options_build(struct option *lo, char *so)
{
	size_t i, n;

	n = 0;
	so[n++] = ':';
	so[n] = '\0';
	for (i = 0; i < OPTIONS_N; i++) {
		lo[i].name = options_table[i].name;
		lo[i].has_arg = options_table[i].has_arg;
		lo[i].flag = NULL;
		lo[i].val = options_table[i].val;
		if (options_table[i].val > 255 ||
		    strchr(so, options_table[i].val) != NULL)
			continue;
		so[n++] = (char)options_table[i].val;
		if (options_table[i].has_arg == required_argument)
			so[n++] = ':';
		so[n] = '\0';
	}
	memset(&lo[OPTIONS_N], 0, sizeof(lo[OPTIONS_N]));
	so[n] = '\0';
}

/* How the user would name an option in a message: "-n" or "--cport". */
static void
options_name(char *buf, size_t len, const struct options_spec *sp)
{
	if (sp->val < 256)
		snprintf(buf, len, "-%c", sp->val);
	else
		snprintf(buf, len, "--%s", sp->name);
}

/* Turn a handler's result into the cause string for option sp. */
static int
options_fail(
    char **cause, int rc, const struct options_spec *sp, const char *arg)
{
	char msg[256], name[64];

	if (rc == OPTIONS_EBADARG && sp->val == 'P') {
		xasprintf(cause,
		    "parameter error - invalid number of parallel "
		    "streams (min = 1, max = %d)",
		    EVPERF_MAX_STREAMS);
	} else if (rc == OPTIONS_EBADARG) {
		options_name(name, sizeof(name), sp);
		xasprintf(cause,
		    "parameter error - invalid argument '%s' for "
		    "option '%s'",
		    arg != NULL ? arg : "", name);
	} else {
		errors_str(msg, sizeof(msg), rc, 0);
		xasprintf(cause, "parameter error - %s", msg);
	}
	return -1;
}

/* Append "possibilities" for an ambiguous prefix; return their count. */
static int
options_prefix_matches(const char *word, char *buf, size_t len)
{
	size_t i, wlen, used;
	int n, lastval;

	wlen = strcspn(word, "=");
	n = 0;
	lastval = -1;
	used = strlen(buf);
	for (i = 0; i < OPTIONS_N; i++) {
		if (strncmp(options_table[i].name, word, wlen) != 0)
			continue;
		if (options_table[i].val != lastval)
			n++;
		lastval = options_table[i].val;
		if (used < len)
			used += snprintf(buf + used, len - used, " '--%s'",
			    options_table[i].name);
	}
	return n;
}

/*
 * The entry a "--word[=arg]" names, so that messages use the name as
 * matched (an alias, or the full name of an abbreviation); dflt if none.
 */
static const struct options_spec *
options_match_long(const char *word, const struct options_spec *dflt)
{
	const struct options_spec *prefix = NULL;
	size_t i, len;

	word += 2;
	len = strcspn(word, "=");
	for (i = 0; i < OPTIONS_N; i++) {
		if (strncmp(options_table[i].name, word, len) != 0)
			continue;
		if (options_table[i].name[len] == '\0')
			return &options_table[i];
		if (prefix == NULL)
			prefix = &options_table[i];
	}
	return prefix != NULL ? prefix : dflt;
}

/* Cause for getopt's '?': unknown option, ambiguous prefix, or an
 * argument given to a long option that takes none. */
static int
options_fail_unknown(char **cause, char **argv, int optind_after, int opt_char)
{
	const struct options_spec *sp;
	const char *word;
	char poss[512];

	word = argv[optind_after - 1];
	if (strncmp(word, "--", 2) != 0 ||
	    (opt_char != 0 && (sp = options_find(opt_char)) == NULL)) {
		xasprintf(cause, "invalid option -- '%c'", opt_char);
		return -1;
	}
	if (opt_char != 0) {
		sp = options_match_long(word, sp);
		xasprintf(
		    cause, "option '--%s' doesn't allow an argument", sp->name);
		return -1;
	}
	poss[0] = '\0';
	if (options_prefix_matches(word + 2, poss, sizeof(poss)) > 1) {
		xasprintf(cause, "option '%.*s' is ambiguous; possibilities:%s",
		    (int)strcspn(word, "="), word, poss);
	} else
		xasprintf(cause, "unrecognized option '%s'", word);
	return -1;
}

/* Cause for getopt's ':' (missing argument), in glibc's two shapes. */
static int
options_fail_missing(char **cause, char **argv, int optind_after, int opt_char)
{
	const struct options_spec *sp;
	const char *word;

	word = argv[optind_after - 1];
	sp = options_find(opt_char);
	if (sp != NULL && strncmp(word, "--", 2) == 0) {
		sp = options_match_long(word, sp);
		xasprintf(
		    cause, "option '--%s' requires an argument", sp->name);
	} else
		xasprintf(
		    cause, "option requires an argument -- '%c'", opt_char);
	return -1;
}

/* Apply one option by its kind; 0, an IE code or OPTIONS_EBADARG. */
static int
options_store(
    struct options_ctx *ctx, const struct options_spec *sp, const char *arg)
{
	char *field = (char *)ctx->s + sp->off;

	switch (sp->kind) {
	case OPTIONS_K_FN:
		return sp->fn(ctx, arg);
	case OPTIONS_K_FLAG:
		*(bool *)(void *)field = true;
		return 0;
	case OPTIONS_K_STR:
		*(const char **)(void *)field = arg;
		return 0;
	case OPTIONS_K_INT:
		if (options_int(arg, sp->min, sp->max, (int *)(void *)field))
			return sp->ie;
		return 0;
	}
	return OPTIONS_EBADARG;
}

/* Run one table handler for getopt value c; record the role it needs. */
static int
options_apply(struct options_ctx *ctx, int c, const char *arg, char **cause)
{
	const struct options_spec *sp;
	int rc;

	if ((sp = options_find(c)) == NULL) {
		xasprintf(cause, "invalid option -- '%c'", c);
		return -1;
	}
	if (sp->scope == OPTIONS_CLIENT)
		ctx->client_only = true;
	else if (sp->scope == OPTIONS_SERVER)
		ctx->server_only = true;
	ctx->seen |= options_bit(sp);
	if ((rc = options_store(ctx, sp, arg)) != 0)
		return options_fail(cause, rc, sp, arg);
	return 0;
}

/* The getopt_long loop: each option is checked as it is read. */
static int
options_loop(struct options_ctx *ctx, int argc, char **argv, char **cause)
{
	struct option lo[OPTIONS_N + 1];
	char so[2 * OPTIONS_N + 2];
	int c;

	options_build(lo, so);
	opterr = 0;
	optind = 0; /* glibc: 0 re-initialises getopt for a fresh argv */
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == '?')
			return options_fail_unknown(
			    cause, argv, optind, optopt);
		if (c == ':')
			return options_fail_missing(
			    cause, argv, optind, optopt);
		if (options_apply(ctx, c, optarg, cause) == -1)
			return -1;
		if (ctx->stop)
			break;
	}
	return 0;
}

/* The cross checks iperf3 makes once every option has been read. */
static int
options_cross(struct options_ctx *ctx)
{
	struct settings *s = ctx->s;

	if (s->role == ROLE_NONE)
		return IE_NOROLE;
	if (s->role == ROLE_SERVER && ctx->client_only)
		return IE_CLIENTONLY;
	if (s->role == ROLE_CLIENT && ctx->server_only)
		return IE_SERVERONLY;
	if (s->proto == PROTO_UDP && s->blksize != 0 &&
	    (s->blksize < 16 || s->blksize > EVPERF_MAX_UDP_BLOCKSIZE))
		return IE_UDPBLOCKSIZE;
	if (s->proto == PROTO_UDP && !options_seen(ctx, 'b'))
		s->rate = EVPERF_DEFAULT_UDP_RATE;
	if ((options_seen(ctx, 't') && (s->bytes != 0 || s->blocks != 0)) ||
	    (s->bytes != 0 && s->blocks != 0))
		return IE_ENDCONDITIONS;
	if (!options_seen(ctx, 't') && (s->bytes != 0 || s->blocks != 0))
		s->duration = 0;
	if (s->role == ROLE_CLIENT && options_seen(ctx, OPT_RCV_TIMEOUT) &&
	    !s->reverse && !s->bidir)
		return IE_RVRSONLYRCVTIMEOUT;
	return 0;
}

/* Set every field of *s to iperf3's default. */
void
options_defaults(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->role = ROLE_NONE;
	s->port = EVPERF_DEFAULT_PORT;
	s->family = AF_UNSPEC;
	s->proto = PROTO_TCP;
	s->duration = 10;
	s->parallel = 1;
	s->interval = 1.0;
	s->format = 'a';
	s->connect_timeout_ms = -1;
	s->rcv_timeout_ms = EVPERF_DEFAULT_RCV_TIMEOUT_MS;
}

/* Fill *s from argv: defaults, options in order, then cross checks. */
int
options_parse(struct settings *s, int argc, char **argv, char **cause)
{
	struct options_ctx ctx;
	char msg[256];
	int rc;

	*cause = NULL;
	options_defaults(s);
	memset(&ctx, 0, sizeof(ctx));
	ctx.s = s;
	if (options_loop(&ctx, argc, argv, cause) == -1)
		return -1;
	if (ctx.stop)
		return 0;
	if ((rc = options_cross(&ctx)) != 0) {
		errors_str(msg, sizeof(msg), rc, 0);
		xasprintf(cause, "parameter error - %s", msg);
		return -1;
	}
	return 0;
}

/* A short-option cluster whose letters before 'J' all take no argument. */
static bool
options_cluster_has_j(const char *word)
{
	const char *p;
	size_t i;

	if (word[0] != '-' || word[1] == '-' || word[1] == '\0')
		return false;
	for (p = word + 1; *p != '\0'; p++) {
		if (*p == 'J')
			return true;
		for (i = 0; i < OPTIONS_N; i++)
			if (options_table[i].val == *p &&
			    options_table[i].has_arg == no_argument)
				break;
		if (i == OPTIONS_N)
			return false;
	}
	return false;
}

/*
 * True if argv asks for JSON output (-J, --json, --json-stream, or J in a
 * cluster of argument-less short options such as -sJ), whether or not the
 * rest of argv parses; *stream is set for --json-stream. main uses it to
 * report a bad command line as a JSON document.
 */
bool
options_wants_json(int argc, char **argv, bool *stream)
{
	bool json = false;
	int i;

	*stream = false;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--json-stream") == 0)
			*stream = json = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (options_cluster_has_j(argv[i]))
			json = true;
	}
	return json;
}
