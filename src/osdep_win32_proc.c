/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep_win32_proc.c: the process half of osdep.h on Windows (the socket
 * half is osdep_win32.c, whose header says what differs from Linux):
 * CPU times (GetProcessTimes), the uname-like system line, PID liveness,
 * no -D, the password prompt without echo (console mode), console
 * control events as the loop's "signals", CPU affinity
 * (SetProcessAffinityMask) and the -F file calls.
 */
#include "compat.h"

#include <winsock2.h>
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <event2/event.h>
#include <event2/util.h>

#include "log.h"
#include "osdep.h"
#include "xev.h"

static double
osdep_filetime_secs(const FILETIME *ft)
{
	ULARGE_INTEGER u;

	u.LowPart = ft->dwLowDateTime;
	u.HighPart = ft->dwHighDateTime;
	return (double)u.QuadPart / 1e7; /* 100 ns units */
}

int
osdep_cpu_times(double *proc, double *user, double *sys)
{
	FILETIME created, exited, kernel, usr;

	*proc = *user = *sys = 0;
	if (!GetProcessTimes(
		GetCurrentProcess(), &created, &exited, &kernel, &usr))
		return -1;
	*user = osdep_filetime_secs(&usr);
	*sys = osdep_filetime_secs(&kernel);
	*proc = *user + *sys;
	return 0;
}

/*
 * uname's five fields, the Windows way: "Windows", the computer name, the
 * version and build (from ntdll, which does not lie to programs without
 * a manifest as GetVersionEx does) and the processor architecture.
 */
int
osdep_sysinfo(char *buf, size_t len)
{
	typedef LONG(WINAPI * rtl_get_version)(OSVERSIONINFOW *);
	OSVERSIONINFOW v;
	SYSTEM_INFO si;
	char name[MAX_COMPUTERNAME_LENGTH + 1] = "";
	DWORD nlen = sizeof(name);
	const char *arch = "unknown";
	rtl_get_version get = NULL;
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");

	memset(&v, 0, sizeof(v));
	v.dwOSVersionInfoSize = sizeof(v);
	if (ntdll != NULL)
		get = (rtl_get_version)(void (*)(void))GetProcAddress(
		    ntdll, "RtlGetVersion");
	if (get == NULL || get(&v) != 0)
		v.dwMajorVersion = v.dwMinorVersion = v.dwBuildNumber = 0;
	(void)GetComputerNameA(name, &nlen);
	GetNativeSystemInfo(&si);
	switch (si.wProcessorArchitecture) {
	case PROCESSOR_ARCHITECTURE_AMD64:
		arch = "x86_64";
		break;
	case PROCESSOR_ARCHITECTURE_ARM64:
		arch = "arm64";
		break;
	case PROCESSOR_ARCHITECTURE_INTEL:
		arch = "i686";
		break;
	}
	snprintf(buf, len, "Windows %s %lu.%lu %lu %s", name,
	    (unsigned long)v.dwMajorVersion, (unsigned long)v.dwMinorVersion,
	    (unsigned long)v.dwBuildNumber, arch);
	return 0;
}

long
osdep_getpid(void)
{
	return (long)GetCurrentProcessId();
}

bool
osdep_pid_alive(long pid)
{
	HANDLE h;
	DWORD code = 0;
	bool alive;

	if (pid <= 0)
		return false;
	h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	if (h == NULL)
		return GetLastError() == ERROR_ACCESS_DENIED; /* exists */
	alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
	CloseHandle(h);
	return alive;
}

/* Windows has no fork(): a background server is a service or "start /b". */
int
osdep_daemon(char *why, size_t len)
{
	snprintf(why, len,
	    "not supported on Windows (start evperf with \"start /b\" or "
	    "as a service)");
	return -1;
}

/*
 * The password prompt: standard input must be a console, whose echo is
 * off while the line is read (ReadConsoleA keeps the rest of the line
 * for the next call). Ctrl-C keeps its default: it ends the process.
 */
int
osdep_read_password(
    const char *prompt, char *buf, size_t len, char *why, size_t whylen)
{
	HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
	DWORD mode, got;
	size_t n = 0;
	int rc = 0;
	char c;

	buf[0] = '\0';
	if (in == NULL || in == INVALID_HANDLE_VALUE ||
	    !GetConsoleMode(in, &mode)) {
		snprintf(why, whylen,
		    "no IPERF3_PASSWORD, and standard input is not a console");
		return -1;
	}
	SetConsoleMode(in,
	    (mode & ~(DWORD)ENABLE_ECHO_INPUT) | ENABLE_LINE_INPUT |
		ENABLE_PROCESSED_INPUT);
	fputs(prompt, stderr);
	fflush(stderr);
	for (;;) {
		if (!ReadConsoleA(in, &c, 1, &got, NULL) || got == 0) {
			snprintf(why, whylen, "no password: end of input");
			rc = -1;
			break;
		}
		if (c == '\n')
			break;
		if (c == '\r')
			continue;
		if (n + 1 >= len) {
			snprintf(why, whylen, "password longer than %zu bytes",
			    len - 1);
			rc = -1;
			break;
		}
		buf[n++] = c;
	}
	buf[rc == 0 ? n : 0] = '\0';
	SetConsoleMode(in, mode);
	fputc('\n', stderr);
	return rc;
}

/*
 * Console control events arrive on a thread of their own. The handler
 * writes one byte to a loopback socket pair; the loop reads it at its
 * first priority and calls cb, as a POSIX signal event would. Closing
 * the console window (or logging off) ends the process when the handler
 * returns, so for those the handler gives the loop a moment to report.
 */
struct osdep_signals {
	evutil_socket_t pair[2];
	struct event *ev;
	void (*cb)(void *);
	void *arg;
};

static struct osdep_signals *volatile osdep_sig_current;

#define OSDEP_CLOSE_GRACE_MS 2000

static BOOL WINAPI
osdep_console_handler(DWORD type)
{
	struct osdep_signals *sg = osdep_sig_current;
	char c = 1;

	if (sg == NULL)
		return FALSE;
	switch (type) {
	case CTRL_C_EVENT:
	case CTRL_BREAK_EVENT:
		(void)send((SOCKET)sg->pair[1], &c, 1, 0);
		return TRUE;
	case CTRL_CLOSE_EVENT:
	case CTRL_LOGOFF_EVENT:
	case CTRL_SHUTDOWN_EVENT:
		(void)send((SOCKET)sg->pair[1], &c, 1, 0);
		Sleep(OSDEP_CLOSE_GRACE_MS);
		return TRUE;
	default:
		return FALSE;
	}
}

static void
osdep_signal_cb(evutil_socket_t fd, short what, void *arg)
{
	struct osdep_signals *sg = arg;
	char buf[16];

	while (recv((SOCKET)fd, buf, sizeof(buf), 0) > 0)
		continue;
	sg->cb(sg->arg);
}

struct osdep_signals *
osdep_signals_new(struct event_base *base, void (*cb)(void *), void *arg)
{
	struct osdep_signals *sg = xcalloc(1, sizeof(*sg));

	sg->cb = cb;
	sg->arg = arg;
	sg->pair[0] = sg->pair[1] = -1;
	if (evutil_socketpair(AF_INET, SOCK_STREAM, 0, sg->pair) == -1 ||
	    evutil_make_socket_nonblocking(sg->pair[0]) == -1 ||
	    evutil_make_socket_nonblocking(sg->pair[1]) == -1)
		goto fail;
	sg->ev = event_new(
	    base, sg->pair[0], EV_READ | EV_PERSIST, osdep_signal_cb, sg);
	if (sg->ev == NULL ||
	    event_priority_set(sg->ev, XEV_PRIO_CLOCK) == -1 ||
	    event_add(sg->ev, NULL) == -1)
		goto fail;
	osdep_sig_current = sg;
	if (!SetConsoleCtrlHandler(osdep_console_handler, TRUE))
		log_debug("no console control handler (%lu)",
		    (unsigned long)GetLastError());
	return sg;
fail:
	osdep_signals_free(sg);
	return NULL;
}

void
osdep_signals_free(struct osdep_signals *sg)
{
	if (sg == NULL)
		return;
	if (osdep_sig_current == sg) {
		(void)SetConsoleCtrlHandler(osdep_console_handler, FALSE);
		osdep_sig_current = NULL;
	}
	if (sg->ev != NULL)
		event_free(sg->ev);
	if (sg->pair[0] != -1)
		evutil_closesocket(sg->pair[0]);
	if (sg->pair[1] != -1)
		evutil_closesocket(sg->pair[1]);
	free(sg);
}

struct osdep_cpus {
	DWORD_PTR mask;
};

struct osdep_cpus *
osdep_affinity_get(void)
{
	struct osdep_cpus *c = calloc(1, sizeof(*c));
	DWORD_PTR sys;

	if (c != NULL &&
	    GetProcessAffinityMask(GetCurrentProcess(), &c->mask, &sys))
		return c;
	free(c);
	return NULL;
}

int
osdep_affinity_set(int core)
{
	if (core < 0 || core >= (int)(sizeof(DWORD_PTR) * 8)) {
		errno = EINVAL;
		return -1;
	}
	if (!SetProcessAffinityMask(
		GetCurrentProcess(), (DWORD_PTR)1 << core)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
osdep_affinity_put(struct osdep_cpus *saved)
{
	BOOL ok;

	if (saved == NULL)
		return 0;
	ok = SetProcessAffinityMask(GetCurrentProcess(), saved->mask);
	free(saved);
	return ok ? 0 : -1;
}

int
osdep_file_open(const char *path, bool write)
{
	return _open(path,
	    write ? _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY
		  : _O_RDONLY | _O_BINARY,
	    _S_IREAD | _S_IWRITE);
}

ssize_t
osdep_file_read_at(int fd, void *buf, size_t len, uint64_t off)
{
	if (len > INT_MAX)
		len = INT_MAX;
	if (_lseeki64(fd, (__int64)off, SEEK_SET) == -1)
		return -1;
	return _read(fd, buf, (unsigned int)len);
}

ssize_t
osdep_file_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	int n;

	while (done < len) {
		n = _write(fd, p + done,
		    (unsigned int)(len - done > INT_MAX ? INT_MAX
							: len - done));
		if (n == -1)
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

void
osdep_file_close(int fd)
{
	(void)_close(fd);
}

int64_t
osdep_file_size(int fd)
{
	struct _stati64 st;

	return _fstati64(fd, &st) == 0 ? (int64_t)st.st_size : -1;
}
