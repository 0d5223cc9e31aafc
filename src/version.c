/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * version.c: the one home of the iperf3 version evperf claims (on the wire
 * as client_version, in reports, in -v) and of the uname line (iperf3's
 * system_info, also printed by -V and -v). It only formats strings; it
 * never prints.
 */
#include "compat.h"

#include <stdio.h>

#include "osdep.h"
#include "version.h"

/* The iperf3 release we follow; EVPERF_VERSION comes from CMake. */
#define VERSION_IPERF "3.21"
#define VERSION_REPORT "iperf " VERSION_IPERF " (evperf " EVPERF_VERSION ")"

const char *
version_iperf(void)
{
	return VERSION_IPERF;
}

const char *
version_report(void)
{
	return VERSION_REPORT;
}

int
version_sysinfo(char *buf, size_t len)
{
	return osdep_sysinfo(buf, len);
}
