/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * net.h: resolve, listen, connect and socket options. Every function
 * returns -1 on failure with errno set by the call that failed (the
 * caller picks the IE code; net_set_window also has -2); none prints.
 */
#ifndef EVPERF_NET_H
#define EVPERF_NET_H

#include <sys/socket.h>

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
 * allows. Returns the fd, or -1 (errno set).
 */
int net_listen(const char *host, int port, int family, int socktype);

/*
 * A non-blocking socket of dst's family, bound to bind_host and bind_port
 * when either is set (0 = any port). Returns the fd, or -1 (errno set).
 */
int net_socket_bound(
    int family, const char *bind_host, int bind_port, int socktype);

/* Start a non-blocking connect of fd to dst: 0 (maybe in progress), -1. */
int net_connect_fd(int fd, const struct net_addr *dst);

/* After writability: 0 if the connect succeeded, else -1 with errno. */
int net_connect_result(int fd);

/* Is the non-blocking connect on fd still under way (not yet writable)? */
bool net_connect_pending(int fd);

int net_set_nonblock(int fd);
int net_set_nodelay(int fd);
int net_set_mss(int fd, int mss);
int net_get_mss(int fd);

/*
 * Set SO_SNDBUF and SO_RCVBUF to window; returns 0, -1 (IE_SETBUF, errno)
 * or -2 when the kernel granted less than asked (IE_SETBUF2).
 */
int net_set_window(int fd, int window);

/* Ask for a receive buffer of len bytes (best effort). */
void net_set_rcvbuf(int fd, int len);

/* Read back SO_SNDBUF and SO_RCVBUF. */
void net_get_bufs(int fd, int *snd, int *rcv);

int net_set_tos(int fd, int tos);
int net_set_congestion(int fd, const char *name);

/* The congestion algorithm in use on fd into buf, or "unknown". */
void net_get_congestion(int fd, char *buf, size_t len);

/*
 * Text form of an address and its port, with any "::ffff:" prefix of an
 * IPv4-mapped address stripped, as iperf3 prints it.
 */
void net_addr_text(
    const struct sockaddr *sa, char *host, size_t len, int *port);

/* Local and peer address text of a connected socket. */
void net_sock_names(int fd, char *lhost, size_t llen, int *lport, char *rhost,
    size_t rlen, int *rport);

#endif /* EVPERF_NET_H */
