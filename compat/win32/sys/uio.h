/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/sys/uio.h: Winsock stands in for <sys/uio.h> (evperf_winsock.h).
 */
#ifndef EVPERF_COMPAT_WIN32_SYS_UIO_H
#define EVPERF_COMPAT_WIN32_SYS_UIO_H

#include "evperf_winsock.h"

#endif /* EVPERF_COMPAT_WIN32_SYS_UIO_H */
