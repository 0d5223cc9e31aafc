/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/arpa/inet.h: Winsock stands in for <arpa/inet.h> (evperf_winsock.h).
 */
#ifndef EVPERF_COMPAT_WIN32_ARPA_INET_H
#define EVPERF_COMPAT_WIN32_ARPA_INET_H

#include "evperf_winsock.h"

#endif /* EVPERF_COMPAT_WIN32_ARPA_INET_H */
