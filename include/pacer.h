/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * pacer.h: -b rate and burst arithmetic for a sender. Pure: the caller
 * passes the time. The pacer keeps the average rate since the stream
 * started at the target, as iperf3 does, and says how many datagrams are
 * due now and how long until the next one is.
 */
#ifndef EVPERF_PACER_H
#define EVPERF_PACER_H

#include "compat.h"

struct pacer {
	double bytes_per_sec; /* 0 = unlimited */
	int burst; /* datagrams sent together; at least 1 */
	double t0; /* start of pacing */
	uint64_t sent; /* bytes sent since t0 */
};

/* Pace at rate bits/s (0 = unlimited) in bursts of burst (0 = 1). */
void pacer_init(struct pacer *pc, uint64_t rate, int burst, double now);

/* How many datagrams of len bytes may go at now, at most max. */
int pacer_due(const struct pacer *pc, double now, size_t len, int max);

/* Record bytes sent. */
void pacer_sent(struct pacer *pc, size_t bytes);

/* Seconds from now until a burst of datagrams of len bytes is due. */
double pacer_wait(const struct pacer *pc, double now, size_t len);

#endif /* EVPERF_PACER_H */
