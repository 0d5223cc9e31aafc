/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * latency.h: round-trip times in microseconds gathered into a histogram
 * whose percentiles are exact below 1024 us and within 1/512 (0.2 %)
 * above, up to 2^32 us (71 minutes); the minimum, the maximum and the
 * mean are exact. Pure: the caller measures, this only counts. A test
 * keeps one histogram per interval and one for the whole test, so memory
 * does not grow with the test's length or its probe rate.
 */
#ifndef EVPERF_LATENCY_H
#define EVPERF_LATENCY_H

#include "compat.h"

struct lat_hist {
	uint64_t count; /* round trips measured */
	uint64_t lost; /* requests never answered (UDP probes) */
	uint64_t sum_us;
	uint32_t min_us, max_us;
	uint32_t *bucket; /* LAT_NBUCKETS counts */
};

/* What the reports print: milliseconds, 0 everywhere when count is 0. */
struct lat_summary {
	uint64_t count, lost;
	double min_ms, mean_ms, median_ms, p90_ms, p99_ms, max_ms;
};

void lat_hist_init(struct lat_hist *h);
void lat_hist_free(struct lat_hist *h);
void lat_hist_reset(struct lat_hist *h);

/* One round trip of us microseconds (above 2^32 - 1 counts as that). */
void lat_hist_add(struct lat_hist *h, uint64_t us);

/* Add every count of src to dst. */
void lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src);

/*
 * The q-quantile (0 < q <= 1) by nearest rank, in microseconds: the
 * smallest value that at least ceil(q * count) round trips did not
 * exceed, clamped to [min, max]. 0 when the histogram is empty.
 */
uint32_t lat_hist_quantile(const struct lat_hist *h, double q);

void lat_summarize(const struct lat_hist *h, struct lat_summary *out);

#endif /* EVPERF_LATENCY_H */
