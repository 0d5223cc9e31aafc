/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * ratelimit.c: the arithmetic of --server-bitrate-limit R/N, as iperf3
 * 3.21's iperf_check_total_rate() does it: at every tick (the server's
 * -i) the bytes the test moved in that tick, both directions and all
 * streams, go into a ring of round(N / tick) slots (one if N is not
 * longer than a tick); once the ring is full, its sum over its nominal
 * length (slots x tick, not the measured time) is the average, and the
 * test fails when that is above R. Unlike iperf3, N = 0 means one tick
 * (3.21 divides by zero there) and the ring is sized to the window
 * (3.21's holds 60 slots). Pure: no clock, no socket.
 */
#include "compat.h"

#include <math.h>
#include <stdlib.h>

#include "log.h"
#include "ratelimit.h"

void
ratelimit_init(struct ratelimit *rl, uint64_t limit, double window, double tick)
{
	rl->limit = limit;
	rl->tick = tick > 0 ? tick : 1.0;
	if (window <= rl->tick)
		rl->n = 1;
	else
		rl->n = (int)lround(window / rl->tick);
	rl->moved =
	    limit != 0 ? xcalloc((size_t)rl->n, sizeof(*rl->moved)) : NULL;
	rl->at = 0;
	rl->count = 0;
	rl->last = 0;
}

bool
ratelimit_sample(struct ratelimit *rl, uint64_t total, uint64_t *bps)
{
	uint64_t sum;
	int i;

	*bps = 0;
	if (rl->limit == 0)
		return false;
	rl->moved[rl->at] = total - rl->last;
	rl->last = total;
	rl->at = (rl->at + 1) % rl->n;
	if (++rl->count < (uint64_t)rl->n)
		return false;
	for (sum = 0, i = 0; i < rl->n; i++)
		sum += rl->moved[i];
	*bps = (uint64_t)((double)sum * 8.0 / (rl->tick * rl->n));
	return *bps > rl->limit;
}

void
ratelimit_clear(struct ratelimit *rl)
{
	free(rl->moved);
	rl->moved = NULL;
	rl->limit = 0;
}
