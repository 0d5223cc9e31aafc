/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/netinet/in.h: Winsock stands in for <netinet/in.h> (evperf_winsock.h).
 */
#ifndef EVPERF_COMPAT_WIN32_NETINET_IN_H
#define EVPERF_COMPAT_WIN32_NETINET_IN_H

#include "evperf_winsock.h"

#endif /* EVPERF_COMPAT_WIN32_NETINET_IN_H */
