/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * fault.c: the UDP reset injection of fault.h. One process-wide
 * schedule; the loop is single-threaded, so no locking.
 */
#include "compat.h"

#include <stdlib.h>

#include <event2/util.h>

#include "fault.h"
#include "log.h"
#include "osdep.h"

static struct {
	int n; /* calls that fail in a row */
	int every; /* calls that pass between runs; 0 = one run only */
	int passed; /* calls passed since the last run */
	int failing; /* calls still to fail in this run */
	uint64_t injected; /* calls failed so far */
} fault_udp;

void
fault_udp_resets(int n, int every)
{
	fault_udp.n = n > 0 ? n : 0;
	fault_udp.every = every > 0 ? every : 0;
	fault_udp.passed = 0;
	fault_udp.failing = fault_udp.every == 0 ? fault_udp.n : 0;
}

int
fault_from_env(void)
{
	const char *v = getenv("EVPERF_INJECT_UDP_RESETS");
	char *end;
	long n, every = 0;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtol(v, &end, 10);
	if (*end == '/')
		every = strtol(end + 1, &end, 10);
	if (*end != '\0' || n < 0 || n > 1000000 || every < 0 ||
	    every > 1000000)
		return -1;
	fault_udp_resets((int)n, (int)every);
	return 0;
}

bool
fault_udp_recv(void)
{
	if (fault_udp.n == 0)
		return false;
	if (fault_udp.failing == 0) {
		if (fault_udp.every == 0 ||
		    ++fault_udp.passed < fault_udp.every)
			return false;
		fault_udp.passed = 0;
		fault_udp.failing = fault_udp.n;
		return false;
	}
	fault_udp.failing--;
	fault_udp.injected++;
	EVUTIL_SET_SOCKET_ERROR(osdep_udp_reset_error());
	return true;
}

void
fault_report(void)
{
	if (fault_udp.n > 0)
		log_warnx("fault injection: %llu UDP receive calls failed with "
			  "%s",
		    (unsigned long long)fault_udp.injected,
		    osdep_strerror(osdep_udp_reset_error()));
}
