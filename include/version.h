/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * version.h: the versions evperf claims and the host it runs on.
 */
#ifndef EVPERF_VERSION_H
#define EVPERF_VERSION_H

#include <stddef.h>

#define VERSION_SYSINFO_LEN 512

/* The iperf3 release whose protocol and output evperf follows ("3.21"). */
const char *version_iperf(void);

/* The version of reports and -J "version": "iperf 3.21 (evperf X.Y.Z)". */
const char *version_report(void);

/*
 * iperf3's system_info: the uname fields joined by single spaces. Returns 0,
 * or -1 with buf set to "" when uname fails.
 */
int version_sysinfo(char *buf, size_t len);

#endif /* EVPERF_VERSION_H */
