/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options.c: argv -> struct settings. One table lists every option with
 * its long name, short letter, argument kind, the role it belongs to and
 * how its value is stored (a flag, a string, a bounded integer, or one of
 * options_arg.c's handlers); the getopt_long arrays are built from that
 * table. This file owns the table, the getopt driver that applies each
 * option as it is read, the cross checks that run once all are read
 * (role, client- or server-only options, UDP block size, end conditions,
 * receive timeout), the defaults, and the pre-scan for -J. Causes are
 * worded by options_err.c. This module never prints and never exits;
 * getopt's own messages are silenced (opterr = 0) and rebuilt there.
 */
#include "compat.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "errors.h"
#include "options_int.h"

#define FN(f) OPTIONS_K_FN, f, 0, 0, 0, 0
#define FLAG(field)                                                            \
	OPTIONS_K_FLAG, NULL, offsetof(struct settings, field), 0, 0, 0
#define STR(field)                                                             \
	OPTIONS_K_STR, NULL, offsetof(struct settings, field), 0, 0, 0
#define INT(field, lo, hi, ie)                                                 \
	OPTIONS_K_INT, NULL, offsetof(struct settings, field), lo, hi, ie

/*
 * Every option, in the order of iperf3's longopts[] so that getopt's
 * "ambiguous" lists read the same; aliases follow their primary name.
 */
const struct options_spec options_table[] = {
	{ "port", required_argument, 'p', OPTIONS_BOTH,
	    INT(port, 1, 65535, IE_BADPORT) },
	{ "format", required_argument, 'f', OPTIONS_BOTH,
	    FN(options_arg_format) },
	{ "interval", required_argument, 'i', OPTIONS_BOTH,
	    FN(options_arg_interval) },
	{ "daemon", no_argument, 'D', OPTIONS_SERVER, FLAG(daemon) },
	{ "one-off", no_argument, '1', OPTIONS_SERVER, FLAG(one_off) },
	{ "verbose", no_argument, 'V', OPTIONS_BOTH, FLAG(verbose) },
	{ "json", no_argument, 'J', OPTIONS_BOTH, FLAG(json) },
	{ "json-stream", no_argument, OPT_JSON_STREAM, OPTIONS_BOTH,
	    FN(options_arg_json_stream) },
	{ "json-stream-full-output", no_argument, OPT_JSON_STREAM_FULL,
	    OPTIONS_BOTH, FLAG(json_stream_full) },
	{ "version", no_argument, 'v', OPTIONS_BOTH, FN(options_arg_version) },
	{ "server", no_argument, 's', OPTIONS_BOTH, FN(options_arg_server) },
	{ "client", required_argument, 'c', OPTIONS_BOTH,
	    FN(options_arg_client) },
	{ "udp", no_argument, 'u', OPTIONS_CLIENT, FN(options_arg_udp) },
	{ "bitrate", required_argument, 'b', OPTIONS_CLIENT,
	    FN(options_arg_rate) },
	{ "bandwidth", required_argument, 'b', OPTIONS_CLIENT,
	    FN(options_arg_rate) },
	{ "server-bitrate-limit", required_argument, OPT_SERVER_BITRATE_LIMIT,
	    OPTIONS_SERVER, FN(options_arg_bitrate_limit) },
	{ "server-max-duration", required_argument, OPT_SERVER_MAX_DURATION,
	    OPTIONS_SERVER,
	    INT(max_duration, 0, EVPERF_MAX_TIME, IE_DURATION) },
	{ "time", required_argument, 't', OPTIONS_CLIENT,
	    INT(duration, 0, EVPERF_MAX_TIME, IE_DURATION) },
	{ "bytes", required_argument, 'n', OPTIONS_CLIENT,
	    FN(options_arg_bytes) },
	{ "blockcount", required_argument, 'k', OPTIONS_CLIENT,
	    FN(options_arg_blocks) },
	{ "length", required_argument, 'l', OPTIONS_CLIENT,
	    FN(options_arg_length) },
	{ "parallel", required_argument, 'P', OPTIONS_CLIENT,
	    FN(options_arg_parallel) },
	{ "reverse", no_argument, 'R', OPTIONS_CLIENT,
	    FN(options_arg_reverse) },
	{ "bidir", no_argument, OPT_BIDIR, OPTIONS_CLIENT,
	    FN(options_arg_bidir) },
	{ "window", required_argument, 'w', OPTIONS_CLIENT,
	    FN(options_arg_window) },
	{ "bind", required_argument, 'B', OPTIONS_BOTH, FN(options_arg_bind) },
	{ "bind-dev", required_argument, OPT_BIND_DEV, OPTIONS_BOTH,
	    STR(bind_dev) },
	{ "cport", required_argument, OPT_CPORT, OPTIONS_BOTH,
	    INT(cport, 1, 65535, IE_BADPORT) },
	{ "set-mss", required_argument, 'M', OPTIONS_CLIENT,
	    INT(mss, 0, EVPERF_MAX_MSS, IE_MSS) },
	{ "no-delay", no_argument, 'N', OPTIONS_CLIENT, FLAG(nodelay) },
	{ "version4", no_argument, '4', OPTIONS_BOTH, FN(options_arg_inet4) },
	{ "version6", no_argument, '6', OPTIONS_BOTH, FN(options_arg_inet6) },
	{ "tos", required_argument, 'S', OPTIONS_CLIENT, FN(options_arg_tos) },
	{ "dscp", required_argument, OPT_DSCP, OPTIONS_CLIENT,
	    FN(options_arg_dscp) },
	{ "extra-data", required_argument, OPT_EXTRA_DATA, OPTIONS_CLIENT,
	    STR(extra_data) },
	{ "flowlabel", required_argument, 'L', OPTIONS_CLIENT,
	    FN(options_arg_flowlabel) },
	{ "zerocopy", no_argument, 'Z', OPTIONS_CLIENT,
	    FN(options_arg_zerocopy) },
	{ "omit", required_argument, 'O', OPTIONS_CLIENT,
	    INT(omit, 0, EVPERF_MAX_OMIT, IE_OMIT) },
	{ "file", required_argument, 'F', OPTIONS_BOTH, STR(file) },
	{ "repeating-payload", no_argument, OPT_REPEATING_PAYLOAD,
	    OPTIONS_CLIENT, FLAG(repeating_payload) },
	{ "timestamps", optional_argument, OPT_TIMESTAMPS, OPTIONS_BOTH,
	    FN(options_arg_timestamps) },
	{ "affinity", required_argument, 'A', OPTIONS_BOTH,
	    FN(options_arg_affinity) },
	{ "title", required_argument, 'T', OPTIONS_CLIENT, STR(title) },
	{ "congestion", required_argument, 'C', OPTIONS_CLIENT,
	    STR(congestion) },
	{ "linux-congestion", required_argument, 'C', OPTIONS_CLIENT,
	    STR(congestion) },
	{ "sctp", no_argument, OPT_SCTP, OPTIONS_CLIENT, FN(options_arg_sctp) },
	{ "nstreams", required_argument, OPT_NSTREAMS, OPTIONS_CLIENT,
	    FN(options_arg_nstreams) },
	{ "xbind", required_argument, 'X', OPTIONS_BOTH,
	    FN(options_arg_xbind) },
	{ "pidfile", required_argument, 'I', OPTIONS_BOTH, STR(pidfile) },
	{ "logfile", required_argument, OPT_LOGFILE, OPTIONS_BOTH,
	    STR(logfile) },
	{ "forceflush", no_argument, OPT_FORCEFLUSH, OPTIONS_BOTH,
	    FLAG(forceflush) },
	{ "sum-only", no_argument, OPT_SUM_ONLY, OPTIONS_BOTH, FLAG(sum_only) },
	{ "get-server-output", no_argument, OPT_GET_SERVER_OUTPUT,
	    OPTIONS_CLIENT, FLAG(get_server_output) },
	{ "udp-counters-64bit", no_argument, OPT_UDP_COUNTERS_64BIT,
	    OPTIONS_BOTH, FLAG(udp_counters_64bit) },
	{ "no-fq-socket-pacing", no_argument, OPT_NO_FQ_PACING, OPTIONS_CLIENT,
	    FN(options_arg_no_fq_pacing) },
	{ "skip-rx-copy", no_argument, OPT_SKIP_RX_COPY, OPTIONS_CLIENT,
	    FLAG(skip_rx_copy) },
	{ "gsro", no_argument, OPT_GSRO, OPTIONS_CLIENT, FLAG(gsro) },
	{ "dont-fragment", no_argument, OPT_DONT_FRAGMENT, OPTIONS_CLIENT,
	    FLAG(dont_fragment) },
	{ "username", required_argument, OPT_USERNAME, OPTIONS_CLIENT,
	    STR(username) },
	{ "rsa-public-key-path", required_argument, OPT_RSA_PUBLIC_KEY,
	    OPTIONS_CLIENT, STR(rsa_public_key_path) },
	{ "rsa-private-key-path", required_argument, OPT_RSA_PRIVATE_KEY,
	    OPTIONS_SERVER, STR(rsa_private_key_path) },
	{ "authorized-users-path", required_argument, OPT_AUTHORIZED_USERS,
	    OPTIONS_SERVER, STR(authorized_users_path) },
	{ "time-skew-threshold", required_argument, OPT_SKEW_THRESHOLD,
	    OPTIONS_SERVER, INT(skew_threshold, 1, INT_MAX, IE_SKEWTHRESHOLD) },
	/* Server-only in iperf3 3.20+; a client needs it for 3.16 and older. */
	{ "use-pkcs1-padding", no_argument, OPT_PKCS1_PADDING, OPTIONS_BOTH,
	    FLAG(use_pkcs1_padding) },
	{ "fq-rate", required_argument, OPT_FQ_RATE, OPTIONS_CLIENT,
	    FN(options_arg_fq_rate) },
	{ "pacing-timer", required_argument, OPT_PACING_TIMER, OPTIONS_CLIENT,
	    FN(options_arg_pacing_timer) },
	{ "connect-timeout", required_argument, OPT_CONNECT_TIMEOUT,
	    OPTIONS_CLIENT,
	    INT(connect_timeout_ms, 0, INT_MAX, OPTIONS_EBADARG) },
	{ "idle-timeout", required_argument, OPT_IDLE_TIMEOUT, OPTIONS_SERVER,
	    INT(idle_timeout, 1, EVPERF_MAX_TIME, IE_IDLETIMEOUT) },
	{ "max-tests", required_argument, OPT_MAX_TESTS, OPTIONS_SERVER,
	    INT(max_tests, 1, EVPERF_MAX_TESTS, OPTIONS_EBADARG) },
	{ "rcv-timeout", required_argument, OPT_RCV_TIMEOUT, OPTIONS_BOTH,
	    INT(rcv_timeout_ms, 100, EVPERF_MAX_TIME * 1000L, IE_RCVTIMEOUT) },
	{ "snd-timeout", required_argument, OPT_SND_TIMEOUT, OPTIONS_BOTH,
	    INT(snd_timeout_ms, 0, EVPERF_MAX_TIME * 1000L, IE_SNDTIMEOUT) },
	{ "cntl-ka", optional_argument, OPT_CNTL_KA, OPTIONS_BOTH,
	    FN(options_arg_cntl_ka) },
	{ "mptcp", no_argument, 'm', OPTIONS_BOTH, FN(options_arg_mptcp) },
	{ "debug", optional_argument, 'd', OPTIONS_BOTH,
	    FN(options_arg_debug) },
	{ "help", no_argument, 'h', OPTIONS_BOTH, FN(options_arg_help) },
	{ "latency", optional_argument, OPT_LATENCY, OPTIONS_CLIENT,
	    FN(options_arg_latency) },
	{ "latency-udp", no_argument, OPT_LATENCY_UDP, OPTIONS_CLIENT,
	    FN(options_arg_latency_udp) },
	{ "rr", optional_argument, OPT_RR, OPTIONS_CLIENT, FN(options_arg_rr) },
	{ "crr", optional_argument, OPT_CRR, OPTIONS_CLIENT,
	    FN(options_arg_crr) },
	{ "no-role-flag", no_argument, OPT_NO_ROLE_FLAG, OPTIONS_BOTH,
	    FLAG(no_role_flag) },
};

#define OPTIONS_N nitems(options_table)
_Static_assert(OPTIONS_N <= 128, "options_ctx.seen has 128 bits");

const size_t options_nopts = OPTIONS_N;

/* The first table entry with this getopt value (the primary name). */
const struct options_spec *
options_find(int val)
{
	size_t i;

	for (i = 0; i < OPTIONS_N; i++) {
		if (options_table[i].val == val)
			return &options_table[i];
	}
	return NULL;
}

/* The seen-bit of an option (that of its primary entry): its index. */
static size_t
options_bit(const struct options_spec *sp)
{
	return (size_t)(options_find(sp->val) - options_table);
}

/* Whether the option with getopt value val was given. */
bool
options_seen(const struct options_ctx *ctx, int val)
{
	size_t i = options_bit(options_find(val));

	return (ctx->seen[i / 64] & (uint64_t)1 << i % 64) != 0;
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
		if (options_arg_int(
			arg, sp->min, sp->max, (int *)(void *)field))
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
	size_t i;
	int rc;

	if ((sp = options_find(c)) == NULL)
		return options_err_letter(cause, c);
	if (sp->scope == OPTIONS_CLIENT)
		ctx->client_only = true;
	else if (sp->scope == OPTIONS_SERVER)
		ctx->server_only = true;
	i = options_bit(sp);
	ctx->seen[i / 64] |= (uint64_t)1 << i % 64;
	if ((rc = options_store(ctx, sp, arg)) != 0)
		return options_err_value(cause, rc, sp, arg);
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
			return options_err_unknown(cause, argv, optind, optopt);
		if (c == ':')
			return options_err_missing(cause, argv, optind, optopt);
		if (options_apply(ctx, c, optarg, cause) == -1)
			return -1;
		if (ctx->stop)
			break;
	}
	return 0;
}

/*
 * A client's -F with neither -t, -n nor -k sends the file's size (when the
 * file can be read; otherwise the test keeps its default duration).
 */
static void
options_file_bytes(struct options_ctx *ctx)
{
	struct settings *s = ctx->s;
	struct stat st;

	if (s->file != NULL && s->role == ROLE_CLIENT && s->bytes == 0 &&
	    s->blocks == 0 && !options_seen(ctx, 't') &&
	    stat(s->file, &st) == 0)
		s->bytes = (uint64_t)st.st_size;
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
	if (s->file != NULL && s->proto == PROTO_UDP)
		return IE_UDPFILETRANSFER;
	if (s->proto == PROTO_UDP && s->blksize != 0 &&
	    (s->blksize < 16 || s->blksize > EVPERF_MAX_UDP_BLOCKSIZE))
		return IE_UDPBLOCKSIZE;
	/* --nstreams is -b too (options_sctp.c): it also sets the rate. */
	if (s->proto == PROTO_UDP && !options_seen(ctx, 'b') &&
	    !options_seen(ctx, OPT_NSTREAMS))
		s->rate = EVPERF_DEFAULT_UDP_RATE;
	if ((options_seen(ctx, 't') && (s->bytes != 0 || s->blocks != 0)) ||
	    (s->bytes != 0 && s->blocks != 0))
		return IE_ENDCONDITIONS;
	options_file_bytes(ctx);
	if (!options_seen(ctx, 't') && (s->bytes != 0 || s->blocks != 0))
		s->duration = 0;
	if (s->role == ROLE_CLIENT && options_seen(ctx, OPT_RCV_TIMEOUT) &&
	    !s->reverse && !s->bidir)
		return IE_RVRSONLYRCVTIMEOUT;
	/* iperf3: both halves of a side's authentication, or neither. */
	if ((s->username == NULL) != (s->rsa_public_key_path == NULL))
		return IE_SETCLIENTAUTH;
	if ((s->rsa_private_key_path == NULL) !=
	    (s->authorized_users_path == NULL))
		return IE_SETSERVERAUTH;
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
	s->max_tests = 1;
	s->bitrate_window = EVPERF_DEFAULT_LIMIT_WINDOW;
	s->affinity = s->server_affinity = -1;
	s->pacing_timer = EVPERF_DEFAULT_PACING_TIMER;
	s->skew_threshold = EVPERF_DEFAULT_SKEW;
}

/* Fill *s from argv: defaults, options in order, then cross checks. */
int
options_parse(struct settings *s, int argc, char **argv, char **cause)
{
	struct options_ctx ctx;
	int rc;

	*cause = NULL;
	options_defaults(s);
	memset(&ctx, 0, sizeof(ctx));
	ctx.s = s;
	if (options_loop(&ctx, argc, argv, cause) == -1)
		return -1;
	if (ctx.stop)
		return 0;
	if ((rc = options_cross(&ctx)) != 0)
		return options_err_ie(cause, rc);
	return options_rr_cross(&ctx, cause);
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
