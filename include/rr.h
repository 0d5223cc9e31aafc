/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * rr.h: request/response mode (--rr, --crr): the message sizes and their
 * parsing. Pure: the option's "REQ[/RESP]" text and the modes' names;
 * the data path is stream_rr.c's, the negotiation session_rr.c's.
 */
#ifndef EVPERF_RR_H
#define EVPERF_RR_H

#include "compat.h"

#define RR_DEFAULT_MSG 1 /* bytes per request and response (netperf's) */
#define RR_MAX_MSG (1024 * 1024) /* at most, each */

/*
 * "REQ[/RESP]", each a size with an optional binary suffix (1..1 MiB);
 * RESP defaults to REQ, NULL to the defaults. 0, or -1 on a bad value.
 */
int rr_parse_sizes(const char *arg, int *req, int *resp);

/* "rr" or "crr" for a mode (RR_RR, RR_CRR), or NULL. */
const char *rr_mode_name(int mode);

/* The mode a name stands for, or RR_NONE. */
int rr_mode_of(const char *name);

#endif /* EVPERF_RR_H */
