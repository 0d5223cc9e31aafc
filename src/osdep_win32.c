/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep_win32.c: the socket half of osdep.h on Windows (Winsock 2,
 * Windows 10 and later; mingw-w64); osdep_win32_proc.c has the process
 * half. CMake compiles both instead of osdep_posix.c and osdep_linux.c,
 * with compat/win32 on the include path.
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
 *   interface's index); no IPv6 flow labels (-L fails); no MPTCP (-m fails);
 *   no SCTP (--sctp, --nstreams and -X are refused as not implemented).
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

/* Winsock does not tell what is still queued unsent. */
int
osdep_unsent_bytes(evutil_socket_t fd)
{
	WSASetLastError(WSAEOPNOTSUPP);
	return -1;
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

int
osdep_recv_gro(
    evutil_socket_t fd, struct iovec *iov, size_t *len, int *seg, int n)
{
	seg[0] = 0;
	return osdep_recv_dgrams(fd, iov, len, n > 0 ? 1 : 0);
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

int
osdep_mptcp_protocol(void)
{
	WSASetLastError(WSAEPROTONOSUPPORT);
	return -1;
}

/* No SCTP on Windows: --sctp, --nstreams and -X are iperf3's IEUNIMP. */
int
osdep_sctp_protocol(void)
{
	WSASetLastError(WSAEPROTONOSUPPORT);
	return -1;
}

int
osdep_sctp_set(evutil_socket_t fd, enum osdep_sctp_opt opt, int v)
{
	WSASetLastError(WSAEPROTONOSUPPORT);
	return -1;
}

int
osdep_sctp_bindx(evutil_socket_t fd, const void *addrs, size_t len)
{
	WSASetLastError(WSAEPROTONOSUPPORT);
	return -1;
}

int
osdep_sctp_sample(evutil_socket_t fd, struct tcp_sample *ts)
{
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
