/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * clock.h: the only code that reads clocks. Monotonic time in seconds as
 * a double, wall time for report timestamps, and CPU usage samples for
 * iperf3's cpu_utilization_percent.
 */
#ifndef EVPERF_CLOCK_H
#define EVPERF_CLOCK_H

#include "compat.h"

struct cpu_sample {
	double wall; /* monotonic seconds */
	double proc; /* process CPU seconds */
	double user; /* user CPU seconds (getrusage) */
	double sys; /* system CPU seconds (getrusage) */
};

/* Monotonic seconds since an arbitrary origin. */
double clock_now(void);

/* Wall-clock time: Unix seconds and milliseconds. */
void clock_wall(int64_t *secs, int64_t *millis);

/* Take a CPU usage sample of this process. */
void clock_cpu_sample(struct cpu_sample *cs);

/*
 * CPU utilisation between two samples as iperf3 computes it: percent of
 * wall time, total from the process CPU clock, user and system from
 * getrusage. out[0] total, out[1] user, out[2] system; 0 if no time passed.
 */
void clock_cpu_util(
    const struct cpu_sample *a, const struct cpu_sample *b, double out[3]);

#endif /* EVPERF_CLOCK_H */
