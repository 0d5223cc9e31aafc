/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * memout.h: a FILE whose bytes a test reads back, on every system the
 * unit suites run on (open_memstream() is POSIX only; this is a
 * tmpfile(), read back on demand).
 */
#ifndef EVPERF_TEST_MEMOUT_H
#define EVPERF_TEST_MEMOUT_H

#include <stdio.h>

struct memout {
	FILE *fp;
	char *buf; /* what was written so far, NUL-terminated, or NULL */
	size_t len;
};

/* Open m->fp; NULL on failure. */
FILE *memout_open(struct memout *m);

/* Flush and read everything written so far into m->buf and m->len. */
void memout_sync(struct memout *m);

/* memout_sync, then close m->fp (m->buf stays until memout_free). */
void memout_close(struct memout *m);

void memout_free(struct memout *m);

#endif /* EVPERF_TEST_MEMOUT_H */
