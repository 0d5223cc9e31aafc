/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat.h: included first by every file. Holds the few portability shims
 * evperf needs; OS features live behind osdep.h instead.
 */
#ifndef EVPERF_COMPAT_H
#define EVPERF_COMPAT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __unused
#define __unused __attribute__((__unused__))
#endif

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

#endif /* EVPERF_COMPAT_H */
