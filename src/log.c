/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * log.c: the log sink (stderr) and its verbosity, libevent's log bridge,
 * and the x* allocation wrappers (tmux xmalloc.c style: failure is fatal).
 * Reports to the user go through the reporter, never through here.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"

static bool log_debug_on;

static void
log_event_cb(int severity, const char *msg)
{
	if (severity == EVENT_LOG_DEBUG && !log_debug_on)
		return;
	fprintf(stderr, "libevent: %s\n", msg);
}

void
log_init(bool debug)
{
	log_debug_on = debug;
	event_set_log_callback(log_event_cb);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	fputs("debug: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("evperf: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatalx("xmalloc: out of memory allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatalx(
		    "xcalloc: out of memory allocating %zu*%zu bytes", n, size);
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	return xreallocarray(p, 1, size);
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *np;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("xreallocarray: %zu*%zu overflows", n, size);
	if (n * size == 0)
		n = size = 1;
	if ((np = realloc(p, n * size)) == NULL)
		fatalx("xreallocarray: out of memory allocating %zu*%zu bytes",
		    n, size);
	return np;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatalx("xstrdup: out of memory");
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("xasprintf: bad format");
	*ret = xmalloc((size_t)n + 1);
	vsnprintf(*ret, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return n;
}
