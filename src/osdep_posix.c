/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep_posix.c: the process-level pieces every POSIX system has alike:
 * CPU times (getrusage and the process CPU clock), the uname line,
 * whether a PID is alive, daemon(3), the password prompt (termios), and
 * the signals that end a test (libevent signal events). Windows has its
 * own file.
 */
#include "compat.h"

#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "osdep.h"
#include "xev.h"

int
osdep_init(void)
{
	return 0;
}

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

ssize_t
osdep_send(evutil_socket_t fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_NOSIGNAL);
}

bool
osdep_err_retriable(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK || e == EINTR;
}

bool
osdep_err_connecting(int e)
{
	return e == EINPROGRESS || e == EINTR;
}

bool
osdep_err_connect_retry(int e)
{
	return e == ECONNREFUSED || e == ECONNRESET || e == EPIPE ||
	    e == EADDRNOTAVAIL || e == EAGAIN;
}

const char *
osdep_strerror(int e)
{
	return strerror(e);
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
osdep_daemon(char *why, size_t len)
{
	if (daemon(1, 0) == 0)
		return 0;
	snprintf(why, len, "%s", strerror(errno));
	return -1;
}

/* Only ends the password's wait in pselect(2) (no SA_RESTART). */
static void
osdep_password_sig(int sig)
{
}

/*
 * One line from fd into buf, without its newline: 0, or -1 with why. The
 * password's signals stay blocked except while pselect(2) waits (with the
 * mask `waiting`): a signal sent before the wait (a Ctrl-C typed as the
 * prompt showed) stays pending until the wait begins and then ends it
 * (EINTR), where a read(2) begun after the handler ran would wait on
 * forever.
 */
static int
osdep_read_line(int fd, const sigset_t *waiting, char *buf, size_t len,
    char *why, size_t whylen)
{
	size_t n = 0;
	ssize_t r;
	fd_set rd;
	char c;

	buf[0] = '\0';
	for (;;) {
		FD_ZERO(&rd);
		FD_SET(fd, &rd);
		if (pselect(fd + 1, &rd, NULL, NULL, NULL, waiting) == -1 ||
		    (r = read(fd, &c, 1)) == -1) {
			snprintf(why, whylen, "reading the password: %s",
			    errno == EINTR ? "interrupted" : strerror(errno));
			return -1;
		}
		if (r == 0 && n == 0) {
			snprintf(why, whylen, "no password: end of input");
			return -1;
		}
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= len) {
			snprintf(why, whylen, "password longer than %zu bytes",
			    len - 1);
			return -1;
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

/*
 * As iperf3's iperf_getpass: echo off on standard input, the prompt, one
 * line, echo back on. A signal that would end the process interrupts the
 * read instead, so that the terminal is never left without echo.
 */
int
osdep_read_password(
    const char *prompt, char *buf, size_t len, char *why, size_t whylen)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old[nitems(sigs)];
	sigset_t block, oldmask, waiting;
	struct termios saved, t;
	size_t i;
	int rc = -1;

	if (tcgetattr(STDIN_FILENO, &saved) != 0) {
		snprintf(why, whylen,
		    "no IPERF3_PASSWORD, and standard input is not a terminal");
		return -1;
	}
	sigemptyset(&block);
	for (i = 0; i < nitems(sigs); i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &oldmask);
	waiting = oldmask;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = osdep_password_sig;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < nitems(sigs); i++) {
		sigdelset(&waiting, sigs[i]);
		sigaction(sigs[i], &sa, &old[i]);
	}
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	/*
	 * Echo off before the prompt shows (as readpassphrase(3) does, where
	 * iperf3 prints first): what is typed once it shows is neither echoed
	 * nor flushed.
	 */
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) != 0)
		snprintf(why, whylen, "turning echo off: %s", strerror(errno));
	else {
		fputs(prompt, stderr);
		fflush(stderr);
		rc = osdep_read_line(
		    STDIN_FILENO, &waiting, buf, len, why, whylen);
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return rc;
}

struct osdep_signals {
	struct event *ev[3];
	void (*cb)(void *);
	void *arg;
};

static void
osdep_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct osdep_signals *sg = arg;

	sg->cb(sg->arg);
}

struct osdep_signals *
osdep_signals_new(struct event_base *base, void (*cb)(void *), void *arg)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct osdep_signals *sg = xcalloc(1, sizeof(*sg));
	size_t i;

	sg->cb = cb;
	sg->arg = arg;
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < nitems(sigs); i++) {
		sg->ev[i] = evsignal_new(base, sigs[i], osdep_signal_cb, sg);
		if (sg->ev[i] == NULL ||
		    event_priority_set(sg->ev[i], XEV_PRIO_CLOCK) == -1 ||
		    event_add(sg->ev[i], NULL) == -1) {
			osdep_signals_free(sg);
			return NULL;
		}
	}
	return sg;
}

void
osdep_signals_free(struct osdep_signals *sg)
{
	size_t i;

	if (sg == NULL)
		return;
	for (i = 0; i < nitems(sg->ev); i++)
		if (sg->ev[i] != NULL)
			event_free(sg->ev[i]);
	free(sg);
}
