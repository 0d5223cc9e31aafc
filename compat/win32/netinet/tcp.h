/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/netinet/tcp.h: Winsock stands in for <netinet/tcp.h> (evperf_winsock.h).
 */
#ifndef EVPERF_COMPAT_WIN32_NETINET_TCP_H
#define EVPERF_COMPAT_WIN32_NETINET_TCP_H

#include "evperf_winsock.h"

#endif /* EVPERF_COMPAT_WIN32_NETINET_TCP_H */
