/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/sys/socket.h: Winsock stands in for <sys/socket.h> (evperf_winsock.h).
 */
#ifndef EVPERF_COMPAT_WIN32_SYS_SOCKET_H
#define EVPERF_COMPAT_WIN32_SYS_SOCKET_H

#include "evperf_winsock.h"

#endif /* EVPERF_COMPAT_WIN32_SYS_SOCKET_H */
