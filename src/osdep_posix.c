/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep_posix.c: the process-level pieces every POSIX system has alike:
 * CPU times (getrusage and the process CPU clock), the uname line,
 * whether a PID is alive, and daemon(3). Windows has its own file.
 */
#include "compat.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "osdep.h"

int
osdep_cpu_times(double *proc, double *user, double *sys)
{
	struct timespec ts;
	struct rusage ru;

	*proc = *user = *sys = 0;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
		*proc = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return -1;
	*user = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return 0;
}

int
osdep_sysinfo(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u) != 0) {
		snprintf(buf, len, "%s", "");
		return -1;
	}
	snprintf(buf, len, "%s %s %s %s %s", u.sysname, u.nodename, u.release,
	    u.version, u.machine);
	return 0;
}

long
osdep_getpid(void)
{
	return (long)getpid();
}

bool
osdep_pid_alive(long pid)
{
	return pid > 0 && kill((pid_t)pid, 0) == 0;
}

int
osdep_daemon(void)
{
	return daemon(1, 0);
}
