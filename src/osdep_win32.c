/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep_win32.c: everything osdep.h promises, on Windows (Winsock 2,
 * Windows 10 and later; mingw-w64). CMake compiles it instead of
 * osdep_posix.c and osdep_linux.c, with compat/win32 on the include path.
 *
 * What differs from Linux in meaning:
 * - UDP: Windows turns an ICMP "port unreachable" for a datagram sent
 *   earlier into WSAECONNRESET on the socket's next receive (and a TTL
 *   expiry into WSAENETRESET), which is how an iperf2 server stopped
 *   reporting after its first client left (seed 000). Every UDP socket
 *   turns both off (osdep_udp_socket), and the classifier counts what
 *   still surfaces as transient.
 * - TCP statistics come from SIO_TCP_INFO (Windows 10 1703 on); where it
 *   is missing (older systems, wine) there are none, as iperf3 does on a
 *   kernel without TCP_INFO.
 * - Console control events (Ctrl-C, Ctrl-Break, closing the window) are
 *   not signals: a handler thread writes a byte to a socket pair that
 *   the loop watches.
 * - No daemon(): -D fails with a clear error.
 * - --bind-dev is IP_UNICAST_IF / IPV6_UNICAST_IF (sending only, by the
 *   interface's index); no IPv6 flow labels (-L fails); no MPTCP (-m fails).
 * - The password prompt turns the console's echo off (console mode), not
 *   a terminal's.
 */
#include "compat.h"

#include <winsock2.h>
#include <windows.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>

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

#ifndef SIO_UDP_NETRESET
#define SIO_UDP_NETRESET _WSAIOW(IOC_VENDOR, 15)
#endif
/* ws2ipdef.h of the Windows SDK (10 1709 on); mingw-w64 lacks them. */
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE 3
#endif
#ifndef TCP_MAXRTMS
#define TCP_MAXRTMS 14
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif

/*
 * Winsock up, and stdout and stderr in binary mode: the report is the
 * same bytes as on Linux (LF line ends, as iperf3's Cygwin builds print),
 * so a script that reads it needs no Windows case.
 */
int
osdep_init(void)
{
	WSADATA wsa;

	(void)_setmode(_fileno(stdout), _O_BINARY);
	(void)_setmode(_fileno(stderr), _O_BINARY);
	return WSAStartup(MAKEWORD(2, 2), &wsa) == 0 ? 0 : -1;
}

/* One SIO_TCP_INFO (version 0) query of fd; 0 or -1. */
static int
osdep_tcp_info(evutil_socket_t fd, TCP_INFO_v0 *ti)
{
	DWORD version = 0, got = 0;

	memset(ti, 0, sizeof(*ti));
	if (WSAIoctl((SOCKET)fd, SIO_TCP_INFO, &version, sizeof(version), ti,
		sizeof(*ti), &got, NULL, NULL) != 0 ||
	    got < sizeof(*ti))
		return -1;
	return 0;
}

/*
 * Whether this system answers SIO_TCP_INFO, asked once on a loopback
 * connection (the query needs a connected socket).
 */
bool
osdep_has_retrans(void)
{
	static int known = -1;
	evutil_socket_t pair[2];
	TCP_INFO_v0 ti;

	if (known != -1)
		return known == 1;
	known = 0;
	if (evutil_socketpair(AF_INET, SOCK_STREAM, 0, pair) == 0) {
		known = osdep_tcp_info(pair[0], &ti) == 0;
		evutil_closesocket(pair[0]);
		evutil_closesocket(pair[1]);
	}
	return known == 1;
}

int
osdep_tcp_sample(evutil_socket_t fd, struct tcp_sample *ts)
{
	TCP_INFO_v0 ti;

	memset(ts, 0, sizeof(*ts));
	if (!osdep_has_retrans() || osdep_tcp_info(fd, &ti) == -1)
		return -1;
	/* Segments, as Linux counts them: retransmitted bytes over the MSS. */
	if (ti.Mss != 0)
		ts->total_retrans = (ti.BytesRetrans + ti.Mss - 1) / ti.Mss;
	ts->snd_cwnd = ti.Cwnd;
	ts->snd_wnd = ti.SndWnd;
	ts->rtt = ti.RttUs;
	ts->rttvar = 0; /* Windows does not say */
	ts->pmtu = ti.Mss != 0 ? ti.Mss + 40 : 0;
	ts->reorder = 0;
	return 0;
}

int
osdep_unacked_bytes(evutil_socket_t fd)
{
	TCP_INFO_v0 ti;

	if (!osdep_has_retrans() || osdep_tcp_info(fd, &ti) == -1)
		return -1;
	return ti.BytesInFlight > INT32_MAX ? INT32_MAX : (int)ti.BytesInFlight;
}

bool
osdep_udp_transient(int err)
{
	switch (err) {
	case WSAECONNRESET: /* ICMP port unreachable, seed 000 */
	case WSAENETRESET: /* ICMP time exceeded */
	case WSAECONNREFUSED:
	case WSAEHOSTUNREACH:
	case WSAENETUNREACH:
	case WSAEHOSTDOWN:
	case WSAENETDOWN:
	case WSAENOBUFS:
		return true;
	default:
		return false;
	}
}

int
osdep_udp_reset_error(void)
{
	return WSAECONNRESET;
}

int
osdep_udp_socket(evutil_socket_t fd)
{
	BOOL off = FALSE;
	DWORD got = 0;
	int rc = 0;

	if (WSAIoctl((SOCKET)fd, SIO_UDP_CONNRESET, &off, sizeof(off), NULL, 0,
		&got, NULL, NULL) != 0)
		rc = -1;
	if (WSAIoctl((SOCKET)fd, SIO_UDP_NETRESET, &off, sizeof(off), NULL, 0,
		&got, NULL, NULL) != 0)
		rc = -1;
	return rc;
}

int
osdep_send_dgrams(evutil_socket_t fd, struct iovec (*iov)[2], int n)
{
	WSABUF wb[2];
	DWORD sent;
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < 2; j++) {
			wb[j].buf = iov[i][j].iov_base;
			wb[j].len = (ULONG)iov[i][j].iov_len;
		}
		if (WSASend((SOCKET)fd, wb, 2, &sent, 0, NULL, NULL) != 0)
			return i > 0 ? i : -1;
	}
	return n;
}

int
osdep_recv_dgrams(evutil_socket_t fd, struct iovec *iov, size_t *len, int n)
{
	int i, got;

	for (i = 0; i < n; i++) {
		got = recv((SOCKET)fd, iov[i].iov_base, (int)iov[i].iov_len, 0);
		if (got == SOCKET_ERROR) {
			/* A datagram is in hand: report it, keep the error. */
			return i > 0 ? i : -1;
		}
		len[i] = (size_t)got;
	}
	return n;
}

int
osdep_udp_gso(evutil_socket_t fd, int size)
{
	WSASetLastError(WSAENOPROTOOPT);
	return -1;
}

int
osdep_udp_gro(evutil_socket_t fd)
{
	WSASetLastError(WSAENOPROTOOPT);
	return -1;
}

ssize_t
osdep_recv_gro(evutil_socket_t fd, void *buf, size_t len, int *seg)
{
	*seg = 0;
	return recv((SOCKET)fd, buf, (int)len, 0);
}

/* Winsock has no descriptor limit to raise. */
int
osdep_raise_nofile(long need, long *hard)
{
	return 0;
}

int
osdep_somaxconn(void)
{
	return -1;
}

ssize_t
osdep_send(evutil_socket_t fd, const void *buf, size_t len)
{
	return send((SOCKET)fd, buf, (int)len, 0);
}

bool
osdep_err_retriable(int e)
{
	return e == WSAEWOULDBLOCK || e == WSAEINTR || e == WSAEINPROGRESS;
}

bool
osdep_err_connecting(int e)
{
	return e == WSAEWOULDBLOCK || e == WSAEINPROGRESS || e == WSAEINTR ||
	    e == WSAEINVAL;
}

bool
osdep_err_connect_retry(int e)
{
	return e == WSAECONNREFUSED || e == WSAECONNRESET ||
	    e == WSAECONNABORTED || e == WSAEADDRNOTAVAIL ||
	    e == WSAEWOULDBLOCK;
}

/*
 * Winsock's codes (10000 on) have their own texts. The C runtime knows
 * the old errno values only; ETIMEDOUT, which evperf passes for its own
 * timeouts, is mingw's addition and reads as Winsock's.
 */
const char *
osdep_strerror(int e)
{
	if (e == ETIMEDOUT)
		e = WSAETIMEDOUT;
	if (e >= WSABASEERR)
		return evutil_socket_error_to_string(e);
	return strerror(e);
}

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
	fputs(prompt, stderr);
	fflush(stderr);
	SetConsoleMode(in,
	    (mode & ~(DWORD)ENABLE_ECHO_INPUT) | ENABLE_LINE_INPUT |
		ENABLE_PROCESSED_INPUT);
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

int
osdep_mptcp_protocol(void)
{
	WSASetLastError(WSAEPROTONOSUPPORT);
	return -1;
}

int
osdep_bind_dev(evutil_socket_t fd, int family, const char *dev)
{
	DWORD idx = if_nametoindex(dev), v;

	if (idx == 0) {
		WSASetLastError(WSAEINVAL); /* no such interface */
		return -1;
	}
	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_IF,
			   (const char *)&idx, sizeof(idx)) == SOCKET_ERROR
		    ? -1
		    : 0;
	v = htonl(idx); /* IPv4 takes it in network order */
	return setsockopt(fd, IPPROTO_IP, IP_UNICAST_IF, (const char *)&v,
		   sizeof(v)) == SOCKET_ERROR
	    ? -1
	    : 0;
}

int
osdep_flowlabel(evutil_socket_t fd, struct sockaddr_in6 *dst, int label)
{
	WSASetLastError(WSAEOPNOTSUPP);
	return -1;
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

/* Windows has no per-socket pacing cap: the caller warns, as iperf3. */
int
osdep_set_pacing_rate(evutil_socket_t fd, uint64_t rate)
{
	WSASetLastError(WSAEOPNOTSUPP);
	return -1;
}

/* TCP_MAXRTMS: how long (ms) TCP retransmits before it gives up. */
int
osdep_set_user_timeout(evutil_socket_t fd, int ms)
{
	DWORD v = (DWORD)ms;

	return setsockopt(
	    fd, IPPROTO_TCP, TCP_MAXRTMS, (const char *)&v, sizeof(v));
}

static const int osdep_ka_opt[] = {
	[OSDEP_KA_IDLE] = TCP_KEEPIDLE,
	[OSDEP_KA_INTVL] = TCP_KEEPINTVL,
	[OSDEP_KA_CNT] = TCP_KEEPCNT,
};

int
osdep_get_keepalive(evutil_socket_t fd, enum osdep_keepalive k, int *v)
{
	DWORD d = 0;
	int len = sizeof(d);

	if (getsockopt(fd, IPPROTO_TCP, osdep_ka_opt[k], (char *)&d, &len) ==
	    SOCKET_ERROR)
		return -1;
	*v = (int)d;
	return 0;
}

int
osdep_set_keepalive(evutil_socket_t fd, enum osdep_keepalive k, int v)
{
	DWORD d = (DWORD)v;

	return setsockopt(fd, IPPROTO_TCP, osdep_ka_opt[k], (const char *)&d,
		   sizeof(d)) == SOCKET_ERROR
	    ? -1
	    : 0;
}

int
osdep_set_dontfrag(evutil_socket_t fd)
{
	DWORD on = 1;

	return setsockopt(fd, IPPROTO_IP, IP_DONTFRAGMENT, (const char *)&on,
		   sizeof(on)) == SOCKET_ERROR
	    ? -1
	    : 0;
}

/* Winsock's TransmitFile is not used: -Z is refused, as iperf3 does. */
bool
osdep_has_sendfile(void)
{
	return false;
}

int
osdep_payload_fd(const void *buf, size_t len)
{
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t
osdep_sendfile(evutil_socket_t s, int fd, uint64_t off, size_t len)
{
	(void)s;
	(void)fd;
	(void)off;
	(void)len;
	WSASetLastError(WSAEOPNOTSUPP);
	return -1;
}

/* No MSG_TRUNC on TCP here: the bytes are copied into buf. */
ssize_t
osdep_recv_discard(evutil_socket_t s, void *buf, size_t len)
{
	if (len > INT_MAX)
		len = INT_MAX;
	return recv((SOCKET)s, buf, (int)len, 0);
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
