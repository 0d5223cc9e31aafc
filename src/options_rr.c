/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options_rr.c: --rr[=REQ[/RESP]] and --crr[=REQ[/RESP]] (request/response
 * mode, rr.h) and their cross check: the options that make no sense
 * without bulk data, or that the mode does not carry (UDP, -R, --bidir,
 * --latency, ...), are refused by name rather than silently ignored.
 * Nothing here prints or exits.
 */
#include "compat.h"

#include <stdio.h>

#include "log.h"
#include "options_int.h"
#include "rr.h"

/*
 * What request/response mode refuses, by getopt value and by name; with
 * crr_only, only --crr (--cport: every connection would need the port).
 */
static const struct {
	int val;
	const char *name;
	bool crr_only;
} options_rr_refused[] = {
	{ 'u', "-u", false },
	{ 'R', "-R", false },
	{ OPT_BIDIR, "--bidir", false },
	{ OPT_LATENCY, "--latency", false },
	{ 'n', "-n", false },
	{ 'k', "-k", false },
	{ 'l', "-l", false },
	{ 'b', "-b", false },
	{ 'F', "-F", false },
	{ 'Z', "-Z", false },
	{ OPT_SCTP, "--sctp", false },
	{ OPT_NSTREAMS, "--nstreams", false },
	{ OPT_SKIP_RX_COPY, "--skip-rx-copy", false },
	{ OPT_CPORT, "--cport", true },
};

static int
options_rr_store(struct options_ctx *ctx, const char *arg, enum rr_mode mode)
{
	if (rr_parse_sizes(arg, &ctx->s->rr_req, &ctx->s->rr_resp) == -1)
		return OPTIONS_EBADARG;
	ctx->s->rr = mode;
	return 0;
}

/* --rr[=REQ[/RESP]]: transactions back to back on each data connection. */
int
options_arg_rr(struct options_ctx *ctx, const char *arg)
{
	return options_rr_store(ctx, arg, RR_RR);
}

/* --crr[=REQ[/RESP]]: a connection per transaction. */
int
options_arg_crr(struct options_ctx *ctx, const char *arg)
{
	return options_rr_store(ctx, arg, RR_CRR);
}

/* The mode's cross check: 0, or -1 with a cause naming the clash. */
int
options_rr_cross(struct options_ctx *ctx, char **cause)
{
	const char *mode = ctx->s->rr == RR_CRR ? "--crr" : "--rr";
	size_t i;

	if (ctx->s->rr == RR_NONE || ctx->s->role != ROLE_CLIENT)
		return 0;
	if (options_seen(ctx, OPT_RR) && options_seen(ctx, OPT_CRR)) {
		xasprintf(cause,
		    "parameter error - --rr and --crr cannot be combined");
		return -1;
	}
	for (i = 0; i < nitems(options_rr_refused); i++) {
		if (!options_seen(ctx, options_rr_refused[i].val) ||
		    (options_rr_refused[i].crr_only && ctx->s->rr != RR_CRR))
			continue;
		xasprintf(cause, "parameter error - %s cannot be used with %s",
		    mode, options_rr_refused[i].name);
		return -1;
	}
	return 0;
}
