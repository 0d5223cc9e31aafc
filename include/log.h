/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * log.h: debug and diagnostic logging to stderr, and allocation wrappers
 * that cannot fail. The log sink's verbosity is the only file-scope
 * mutable state in evperf; it is set once in main before the loop runs.
 */
#ifndef EVPERF_LOG_H
#define EVPERF_LOG_H

#include "compat.h"

/* Set the verbosity (-d) and bridge libevent's own log messages. */
void log_init(bool debug);

void log_debug(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
void fatalx(const char *fmt, ...)
    __attribute__((format(gnu_printf, 1, 2), noreturn));

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
int xasprintf(char **ret, const char *fmt, ...)
    __attribute__((format(gnu_printf, 2, 3)));

#endif /* EVPERF_LOG_H */
