/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * pidfile.c: -I/--pidfile. Refuses a file that names a live process, as
 * iperf3 does, and writes this process's PID without a trailing newline.
 * main removes the file at exit.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "osdep.h"
#include "pidfile.h"

int
pidfile_write(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) != -1) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			if (osdep_pid_alive(atol(buf))) {
				errno = EEXIST;
				return -1;
			}
		}
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld", osdep_getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}
