/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/netdb.h: Winsock stands in for <netdb.h> (evperf_winsock.h).
 */
#ifndef EVPERF_COMPAT_WIN32_NETDB_H
#define EVPERF_COMPAT_WIN32_NETDB_H

#include "evperf_winsock.h"

#endif /* EVPERF_COMPAT_WIN32_NETDB_H */
