/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/poll.h: poll(2) on sockets is WSAPoll (Windows Vista on),
 * with the same struct pollfd and event bits.
 */
#ifndef EVPERF_COMPAT_WIN32_POLL_H
#define EVPERF_COMPAT_WIN32_POLL_H

#include "evperf_winsock.h"

static inline int
poll(struct pollfd *fds, unsigned long n, int timeout)
{
	return WSAPoll(fds, n, timeout);
}

#endif /* EVPERF_COMPAT_WIN32_POLL_H */
