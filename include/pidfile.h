/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * pidfile.h: the -I/--pidfile file.
 */
#ifndef EVPERF_PIDFILE_H
#define EVPERF_PIDFILE_H

/*
 * Write our PID to path, unless it holds the PID of a live process
 * (errno EEXIST). Returns 0 or -1 with errno.
 */
int pidfile_write(const char *path);

#endif /* EVPERF_PIDFILE_H */
