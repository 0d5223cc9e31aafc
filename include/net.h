/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * net.h: resolve, listen, connect and socket options. Every function
 * returns -1 on failure with the socket error of the call that failed
 * left for EVUTIL_SOCKET_ERROR() (errno on POSIX, WSAGetLastError() on
 * Windows; the caller picks the IE code; net_set_window also has -2);
 * none prints.
 */
#ifndef EVPERF_NET_H
#define EVPERF_NET_H

#include <sys/socket.h>

#include <event2/util.h>

#include "compat.h"

/* A resolved peer or local address. */
struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/*
 * Resolve host:port (host NULL = wildcard) for family (AF_UNSPEC, AF_INET,
 * AF_INET6) and socktype. Returns 0 or -1 (errno EHOSTUNREACH-like set,
 * *gai_err holds the getaddrinfo error when resolution itself failed).
 */
int net_resolve(const char *host, int port, int family, int socktype,
    bool passive, struct net_addr *out, int *gai_err);

/*
 * A listening socket on host:port (dual stack when host is NULL and family
 * AF_UNSPEC), SO_REUSEADDR, non-blocking, backlog as large as the kernel
 * allows. Returns the fd, or -1 (socket error set).
 */
evutil_socket_t net_listen(
    const char *host, int port, int family, int socktype);

/*
 * What the path options ask of a new socket before bind(): the protocol
 * (0, or MPTCP's for -m) and the device (--bind-dev; NULL = any).
 */
struct net_path {
	int protocol;
	const char *dev;
};

/* net_listen with the path options np (NULL = none). */
evutil_socket_t net_listen_path(const char *host, int port, int family,
    int socktype, const struct net_path *np);

/* net_socket_bound with the path options np (NULL = none). */
evutil_socket_t net_socket_path(int family, const struct net_path *np,
    const char *bind_host, int bind_port, int socktype);

/*
 * A non-blocking socket of dst's family, bound to bind_host and bind_port
 * when either is set (0 = any port). Returns the fd, or -1 (socket error set).
 */
evutil_socket_t net_socket_bound(
    int family, const char *bind_host, int bind_port, int socktype);

/* Start a non-blocking connect of fd to dst: 0 (maybe in progress), -1. */
int net_connect_fd(evutil_socket_t fd, const struct net_addr *dst);

/* After writability: 0 if the connect succeeded, else -1 with the socket error set. */
int net_connect_result(evutil_socket_t fd);

/* Is the non-blocking connect on fd still under way (not yet writable)? */
bool net_connect_pending(evutil_socket_t fd);

/* SOCK_STREAM or SOCK_DGRAM (SO_TYPE), or -1 with the socket error. */
int net_socktype(evutil_socket_t fd);

int net_set_nonblock(evutil_socket_t fd);
int net_set_nodelay(evutil_socket_t fd);
int net_set_mss(evutil_socket_t fd, int mss);
int net_get_mss(evutil_socket_t fd);

/*
 * Set SO_SNDBUF and SO_RCVBUF to window; returns 0, -1 (IE_SETBUF, errno)
 * or -2 when the kernel granted less than asked (IE_SETBUF2).
 */
int net_set_window(evutil_socket_t fd, int window);

/* Ask for a receive buffer of len bytes (best effort). */
void net_set_rcvbuf(evutil_socket_t fd, int len);

/* Read back SO_SNDBUF and SO_RCVBUF. */
void net_get_bufs(evutil_socket_t fd, int *snd, int *rcv);

int net_set_tos(evutil_socket_t fd, int tos);
int net_set_congestion(evutil_socket_t fd, const char *name);

/* SO_KEEPALIVE on (--cntl-ka). */
int net_set_keepalive(evutil_socket_t fd);

/* The address family of fd's local address (AF_INET, AF_INET6), or -1. */
int net_sock_family(evutil_socket_t fd);

/* The congestion algorithm in use on fd into buf, or "unknown". */
void net_get_congestion(evutil_socket_t fd, char *buf, size_t len);

/*
 * Text form of an address and its port, with any "::ffff:" prefix of an
 * IPv4-mapped address stripped, as iperf3 prints it.
 */
void net_addr_text(
    const struct sockaddr *sa, char *host, size_t len, int *port);

/* Local and peer address text of a connected socket. */
void net_sock_names(evutil_socket_t fd, char *lhost, size_t llen, int *lport,
    char *rhost, size_t rlen, int *rport);

#endif /* EVPERF_NET_H */
