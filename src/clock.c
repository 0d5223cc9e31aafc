/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * clock.c: monotonic and wall time, and CPU usage samples. Everything
 * else receives time as an argument, which keeps pure code testable.
 */
#include "compat.h"

#include <time.h>

#include "clock.h"
#include "osdep.h"

static double
clock_ts(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
clock_now(void)
{
	return clock_ts(CLOCK_MONOTONIC);
}

void
clock_wall(int64_t *secs, int64_t *millis)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*secs = (int64_t)ts.tv_sec;
	*millis = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
clock_cpu_sample(struct cpu_sample *cs)
{
	cs->wall = clock_now();
	(void)osdep_cpu_times(&cs->proc, &cs->user, &cs->sys);
}

void
clock_cpu_util(
    const struct cpu_sample *a, const struct cpu_sample *b, double out[3])
{
	double wall = b->wall - a->wall;

	if (wall <= 0) {
		out[0] = out[1] = out[2] = 0;
		return;
	}
	out[0] = (b->proc - a->proc) / wall * 100.0;
	out[1] = (b->user - a->user) / wall * 100.0;
	out[2] = (b->sys - a->sys) / wall * 100.0;
}
