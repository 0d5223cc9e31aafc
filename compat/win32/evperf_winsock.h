/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/win32/evperf_winsock.h: the BSD socket API as evperf uses it,
 * on Winsock. CMake puts compat/win32 on the include path for Windows
 * builds only, where the small headers beside this one (<sys/socket.h>,
 * <netinet/in.h>, <netdb.h>, <poll.h>, ...) stand in for the POSIX ones
 * and all include this file. The sources keep their POSIX includes and
 * read socket errors with EVUTIL_SOCKET_ERROR(); what differs in meaning
 * (error classes, UDP resets, TCP_INFO, CPU times) is in osdep_win32.c.
 */
#ifndef EVPERF_COMPAT_WINSOCK_H
#define EVPERF_COMPAT_WINSOCK_H

#include <winsock2.h>
#include <ws2tcpip.h>

#include <stddef.h>

/* shutdown(2)'s directions. */
#ifndef SHUT_RD
#define SHUT_RD SD_RECEIVE
#define SHUT_WR SD_SEND
#define SHUT_RDWR SD_BOTH
#endif

/* Winsock sockets are not inherited unless asked; no flags on socket(). */
#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC 0
#endif

/* The MSS of a TCP socket (Windows 10 1607 on reads it; setting fails). */
#ifndef TCP_MAXSEG
#define TCP_MAXSEG 4
#endif

/*
 * Windows has no per-socket congestion control choice: an option number
 * no Winsock level knows, so -C fails with the system's own error and
 * the name reads back as "unknown".
 */
#ifndef TCP_CONGESTION
#define TCP_CONGESTION 0x7fff
#endif

/* A gather buffer, as <sys/uio.h> has it (osdep_win32.c maps it to WSABUF). */
struct iovec {
	void *iov_base;
	size_t iov_len;
};

/*
 * Winsock's option calls take char pointers where POSIX takes void
 * pointers; a macro of the same name casts, so callers stay POSIX.
 */
#define setsockopt(s, level, name, val, len)                                   \
	setsockopt((s), (level), (name), (const char *)(val), (len))
#define getsockopt(s, level, name, val, len)                                   \
	getsockopt((s), (level), (name), (char *)(val), (len))

#endif /* EVPERF_COMPAT_WINSOCK_H */
