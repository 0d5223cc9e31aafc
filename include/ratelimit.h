/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * ratelimit.h: the server's --server-bitrate-limit check on a running
 * test. Pure: the caller samples the test's byte count (both directions,
 * every stream) once per tick and is told when the average over the
 * window is above the limit.
 */
#ifndef EVPERF_RATELIMIT_H
#define EVPERF_RATELIMIT_H

#include "compat.h"

struct ratelimit {
	uint64_t limit; /* bits/s; 0 = no check */
	double tick; /* seconds between samples */
	int n; /* samples in the window */
	uint64_t *moved; /* ring: bytes moved in each of the last n ticks */
	int at; /* the slot the next sample goes to */
	uint64_t count; /* samples taken */
	uint64_t last; /* the byte count at the previous sample */
};

/* Check limit bits/s (0 = none), averaged over window s, sampled per tick. */
void ratelimit_init(
    struct ratelimit *rl, uint64_t limit, double window, double tick);

/*
 * One tick: total is every byte the test has moved so far. Once the
 * window is full, *bps is its average; true if that is above the limit.
 */
bool ratelimit_sample(struct ratelimit *rl, uint64_t total, uint64_t *bps);

/* Free the ring. */
void ratelimit_clear(struct ratelimit *rl);

#endif /* EVPERF_RATELIMIT_H */
