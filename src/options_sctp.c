/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options_sctp.c: the handlers of the SCTP options (--sctp, --nstreams,
 * -X) and of 3.21's deprecated --no-fq-socket-pacing, in iperf3 3.21's
 * terms (iperf_parse_arguments()). Where the system has no SCTP (Windows)
 * the SCTP options are iperf3's IEUNIMP. Nothing here prints or exits.
 */
#include "compat.h"

#include <limits.h>

#include "errors.h"
#include "options_int.h"
#include "osdep.h"
#include "units.h"

/* --sctp: SCTP data streams, driven as TCP ones; a later -u or -m wins. */
int
options_arg_sctp(struct options_ctx *ctx, const char *arg)
{
	if (osdep_sctp_protocol() == -1)
		return IE_UNIMP;
	ctx->s->proto = PROTO_TCP;
	ctx->s->sctp = true;
	return 0;
}

/*
 * --nstreams N: SCTP outbound streams, iperf3's unit_atoi() (binary
 * suffixes). In iperf3 (3.12 to 3.21 at least) this case has no break and
 * runs on into -b's with the same argument: N is also the bitrate (decimal
 * suffixes), and a stock client sends it as "bandwidth". The wire must read
 * the same, so evperf does that too (see evperf(1), BUGS). Above what
 * sinit_num_ostreams holds is refused here; iperf3 would truncate it.
 */
int
options_arg_nstreams(struct options_ctx *ctx, const char *arg)
{
	uint64_t v;

	if (osdep_sctp_protocol() == -1)
		return IE_UNIMP;
	if (units_parse_size(arg, &v) == -1)
		return OPTIONS_EUNIT;
	if (v > EVPERF_MAX_SCTP_OSTREAMS)
		return OPTIONS_EBADARG;
	ctx->s->nstreams = (int)v;
	return options_arg_rate(ctx, arg);
}

/*
 * -X NAME, repeatable, either role: the local addresses of the SCTP
 * association, resolved when the socket is made (iperf3 keeps the names
 * too). A TCP or UDP test ignores them, as iperf3 does.
 */
int
options_arg_xbind(struct options_ctx *ctx, const char *arg)
{
	struct settings *s = ctx->s;

	if (osdep_sctp_protocol() == -1)
		return IE_UNIMP;
	if (s->nxbind >= EVPERF_MAX_XBIND)
		return IE_SETSCTPBINDX;
	s->xbind[s->nxbind++] = arg;
	return 0;
}

/*
 * --no-fq-socket-pacing: deprecated in iperf3, which warns (main prints
 * the warning, this module does not print) and turns --fq-rate off.
 */
int
options_arg_no_fq_pacing(struct options_ctx *ctx, const char *arg)
{
	ctx->s->no_fq_pacing = true;
	ctx->s->fqrate = 0;
	return 0;
}
