/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * latency.c: the round-trip histogram (include/latency.h). Values below
 * LAT_EXACT microseconds have a bucket each; above, every power of two
 * is cut into LAT_SUB buckets, so a bucket is at most 1/LAT_SUB of its
 * value wide (HdrHistogram's layout with two significant digits of
 * binary precision fewer).
 */
#include "compat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "latency.h"
#include "log.h"

#define LAT_EXACT 1024u /* values below this have a bucket each */
#define LAT_SUB 512u /* buckets per power of two above it */
#define LAT_OCTAVES 22u /* 2^10 .. 2^32 */
#define LAT_NBUCKETS (LAT_EXACT + LAT_OCTAVES * LAT_SUB)

static unsigned
lat_bucket(uint32_t v)
{
	unsigned e;

	if (v < LAT_EXACT)
		return v;
	e = 0;
	while ((v >> e) >= 2 * LAT_SUB)
		e++;
	/* v >> e is in [LAT_SUB, 2 LAT_SUB), e >= 1 */
	return LAT_EXACT + (e - 1) * LAT_SUB + ((v >> e) - LAT_SUB);
}

/* The smallest value bucket i holds, and its width. */
static uint64_t
lat_bucket_low(unsigned i, uint64_t *width)
{
	unsigned e;

	if (i < LAT_EXACT) {
		*width = 1;
		return i;
	}
	e = (i - LAT_EXACT) / LAT_SUB + 1;
	*width = (uint64_t)1 << e;
	return (uint64_t)(LAT_SUB + (i - LAT_EXACT) % LAT_SUB) << e;
}

void
lat_hist_init(struct lat_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->bucket = xcalloc(LAT_NBUCKETS, sizeof(*h->bucket));
}

void
lat_hist_free(struct lat_hist *h)
{
	free(h->bucket);
	memset(h, 0, sizeof(*h));
}

void
lat_hist_reset(struct lat_hist *h)
{
	uint32_t *b = h->bucket;

	if (h->count > 0)
		memset(b, 0, LAT_NBUCKETS * sizeof(*b));
	memset(h, 0, sizeof(*h));
	h->bucket = b;
}

void
lat_hist_add(struct lat_hist *h, uint64_t us)
{
	uint32_t v = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;

	if (h->count == 0 || v < h->min_us)
		h->min_us = v;
	if (h->count == 0 || v > h->max_us)
		h->max_us = v;
	h->count++;
	h->sum_us += v;
	h->bucket[lat_bucket(v)]++;
}

void
lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src)
{
	unsigned i;

	dst->lost += src->lost;
	if (src->count == 0)
		return;
	if (dst->count == 0 || src->min_us < dst->min_us)
		dst->min_us = src->min_us;
	if (dst->count == 0 || src->max_us > dst->max_us)
		dst->max_us = src->max_us;
	dst->count += src->count;
	dst->sum_us += src->sum_us;
	for (i = 0; i < LAT_NBUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
}

uint32_t
lat_hist_quantile(const struct lat_hist *h, double q)
{
	uint64_t rank, seen = 0, low, width, v;
	unsigned i;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	if (rank >= h->count)
		return h->max_us;
	for (i = 0; i < LAT_NBUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	low = lat_bucket_low(i, &width);
	v = low + (width - 1) / 2; /* the middle of a wide bucket */
	if (v < h->min_us)
		v = h->min_us;
	if (v > h->max_us)
		v = h->max_us;
	return (uint32_t)v;
}

void
lat_summarize(const struct lat_hist *h, struct lat_summary *out)
{
	memset(out, 0, sizeof(*out));
	out->count = h->count;
	out->lost = h->lost;
	if (h->count == 0)
		return;
	out->min_ms = h->min_us / 1e3;
	out->max_ms = h->max_us / 1e3;
	out->mean_ms = (double)h->sum_us / (double)h->count / 1e3;
	out->median_ms = lat_hist_quantile(h, 0.50) / 1e3;
	out->p90_ms = lat_hist_quantile(h, 0.90) / 1e3;
	out->p99_ms = lat_hist_quantile(h, 0.99) / 1e3;
}
