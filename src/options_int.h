/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options_int.h: the option parser's private declarations, shared by
 * options.c (the table, the getopt driver and the cross checks),
 * options_arg.c and options_sctp.c (the per-option value handlers) and
 * options_err.c (the causes in iperf3's and getopt's wording). Nothing
 * outside these four files may include it; everyone else sees only
 * include/options.h.
 */
#ifndef EVPERF_OPTIONS_INT_H
#define EVPERF_OPTIONS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

/* Handler result other than 0 (ok) and an IE code: "invalid argument". */
#define OPTIONS_EBADARG (-1)
/* ... and iperf3 3.21's IEUNITVAL: "invalid unit value or suffix". */
#define OPTIONS_EUNIT (-2)

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
	OPT_SUM_ONLY,
	OPT_MAX_TESTS,
	OPT_SERVER_BITRATE_LIMIT,
	OPT_SERVER_MAX_DURATION,
	OPT_BIND_DEV,
	OPT_DONT_FRAGMENT,
	OPT_FQ_RATE,
	OPT_PACING_TIMER,
	OPT_SND_TIMEOUT,
	OPT_CNTL_KA,
	OPT_REPEATING_PAYLOAD,
	OPT_SKIP_RX_COPY,
	OPT_USERNAME,
	OPT_RSA_PUBLIC_KEY,
	OPT_RSA_PRIVATE_KEY,
	OPT_AUTHORIZED_USERS,
	OPT_SKEW_THRESHOLD,
	OPT_PKCS1_PADDING,
	OPT_SCTP,
	OPT_NSTREAMS,
	OPT_NO_FQ_PACING,
	OPT_LATENCY,
	OPT_LATENCY_UDP,
	OPT_RR,
	OPT_CRR,
};

/* Parse state beyond struct settings, for the cross checks. */
struct options_ctx {
	struct settings *s;
	uint64_t seen[2]; /* bit i: options_table[i] (or its alias) given */
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

/* options.c */

/* Every option, in the order of iperf3's longopts[]; options_nopts long. */
extern const struct options_spec options_table[];
extern const size_t options_nopts;

/* The first table entry with getopt value val (the primary name). */
const struct options_spec *options_find(int val);

/* Whether the option with getopt value val was given. */
bool options_seen(const struct options_ctx *ctx, int val);

/* options_arg.c: each returns 0, an IE code or OPTIONS_EBADARG. */

/* Strict base-10 integer in [min, max]; -1 on garbage or out of range. */
int options_arg_int(const char *arg, long min, long max, int *out);

/* The handlers the table names for its OPTIONS_K_FN entries. */
int options_arg_client(struct options_ctx *, const char *);
int options_arg_server(struct options_ctx *, const char *);
int options_arg_bytes(struct options_ctx *, const char *);
int options_arg_blocks(struct options_ctx *, const char *);
int options_arg_parallel(struct options_ctx *, const char *);
int options_arg_json_stream(struct options_ctx *, const char *);
int options_arg_reverse(struct options_ctx *, const char *);
int options_arg_bidir(struct options_ctx *, const char *);
int options_arg_udp(struct options_ctx *, const char *);
int options_arg_rate(struct options_ctx *, const char *);
int options_arg_bitrate_limit(struct options_ctx *, const char *);
int options_arg_length(struct options_ctx *, const char *);
int options_arg_window(struct options_ctx *, const char *);
int options_arg_interval(struct options_ctx *, const char *);
int options_arg_format(struct options_ctx *, const char *);
int options_arg_inet4(struct options_ctx *, const char *);
int options_arg_inet6(struct options_ctx *, const char *);
int options_arg_tos(struct options_ctx *, const char *);
int options_arg_dscp(struct options_ctx *, const char *);
int options_arg_debug(struct options_ctx *, const char *);
int options_arg_version(struct options_ctx *, const char *);
int options_arg_help(struct options_ctx *, const char *);
int options_arg_timestamps(struct options_ctx *, const char *);
int options_arg_bind(struct options_ctx *, const char *);
int options_arg_flowlabel(struct options_ctx *, const char *);
int options_arg_affinity(struct options_ctx *, const char *);
int options_arg_mptcp(struct options_ctx *, const char *);
int options_arg_fq_rate(struct options_ctx *, const char *);
int options_arg_pacing_timer(struct options_ctx *, const char *);
int options_arg_cntl_ka(struct options_ctx *, const char *);
int options_arg_zerocopy(struct options_ctx *, const char *);
int options_arg_latency(struct options_ctx *, const char *);
int options_arg_latency_udp(struct options_ctx *, const char *);

/* options_rr.c: --rr, --crr and their cross check. */
int options_arg_rr(struct options_ctx *, const char *);
int options_arg_crr(struct options_ctx *, const char *);
int options_rr_cross(struct options_ctx *ctx, char **cause);

/* options_sctp.c: --sctp, --nstreams, -X and --no-fq-socket-pacing. */
int options_arg_sctp(struct options_ctx *, const char *);
int options_arg_nstreams(struct options_ctx *, const char *);
int options_arg_xbind(struct options_ctx *, const char *);
int options_arg_no_fq_pacing(struct options_ctx *, const char *);

/* options_err.c: each sets *cause and returns -1. */

/* "parameter error - " and the text of iperf3 error code ie. */
int options_err_ie(char **cause, int ie);

/* getopt's "invalid option" shape, for a letter the table lacks. */
int options_err_letter(char **cause, int opt_char);

/* The cause for handler result rc (not 0) of option sp with argument arg. */
int options_err_value(
    char **cause, int rc, const struct options_spec *sp, const char *arg);

/* getopt's '?': unknown option, ambiguous prefix, or an unwanted argument. */
int options_err_unknown(
    char **cause, char **argv, int optind_after, int opt_char);

/* getopt's ':': a missing argument, in glibc's short and long shapes. */
int options_err_missing(
    char **cause, char **argv, int optind_after, int opt_char);

#endif /* EVPERF_OPTIONS_INT_H */
