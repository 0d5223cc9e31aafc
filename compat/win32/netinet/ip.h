/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/netinet/ip.h: Winsock stands in for <netinet/ip.h> (evperf_winsock.h).
 */
#ifndef EVPERF_COMPAT_WIN32_NETINET_IP_H
#define EVPERF_COMPAT_WIN32_NETINET_IP_H

#include "evperf_winsock.h"

#endif /* EVPERF_COMPAT_WIN32_NETINET_IP_H */
