/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * net.c: resolve, listen, connect and socket options (redis anet style:
 * helpers hand errors back, never print or exit). Only setup-time calls
 * live here; the data path reads and writes in stream_tcp.c.
 */
#include "compat.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/util.h>

#include "net.h"
#include "osdep.h"

int
net_resolve(const char *host, int port, int family, int socktype, bool passive,
    struct net_addr *out, int *gai_err)
{
	struct addrinfo hints, *res;
	char pbuf[16];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = passive ? AI_PASSIVE : 0;
	snprintf(pbuf, sizeof(pbuf), "%d", port);
	*gai_err = 0;
	if ((rc = getaddrinfo(host, pbuf, &hints, &res)) != 0) {
		*gai_err = rc;
		EVUTIL_SET_SOCKET_ERROR(ENOENT);
		return -1;
	}
	memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
	out->len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int
net_set_nonblock(evutil_socket_t fd)
{
	return evutil_make_socket_nonblocking(fd);
}

/* A socket with np's protocol, tied to np's device (np NULL: neither). */
static evutil_socket_t
net_socket_new(int family, int socktype, const struct net_path *np)
{
	evutil_socket_t fd;
	int saved;

	fd = socket(family, socktype | SOCK_CLOEXEC, np ? np->protocol : 0);
	if (fd == -1 || np == NULL || np->dev == NULL)
		return fd;
	if (osdep_bind_dev(fd, family, np->dev) == -1) {
		saved = EVUTIL_SOCKET_ERROR();
		evutil_closesocket(fd);
		EVUTIL_SET_SOCKET_ERROR(saved);
		return -1;
	}
	return fd;
}

static evutil_socket_t
net_listen_addr(const struct net_addr *a, int socktype, bool dual,
    const struct net_path *np)
{
	evutil_socket_t fd;
	int on = 1, off = 0, saved;

	fd = net_socket_new(a->ss.ss_family, socktype, np);
	if (fd == -1)
		return -1;
	/*
	 * A UDP server binds a fresh socket to its port while the previous
	 * one, connected to its client, still holds it: SO_REUSEADDR there on
	 * every system. A TCP listener takes libevent's portable form (which
	 * leaves Windows' port-stealing SO_REUSEADDR alone).
	 */
	if (socktype == SOCK_DGRAM) {
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ==
		    -1)
			goto fail;
		(void)osdep_udp_socket(fd);
	} else if (evutil_make_listen_socket_reuseable(fd) == -1)
		goto fail;
	if (dual &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) == -1)
		goto fail;
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) == -1)
		goto fail;
	if (socktype == SOCK_STREAM && listen(fd, INT_MAX) == -1)
		goto fail;
	if (net_set_nonblock(fd) == -1)
		goto fail;
	return fd;
fail:
	saved = EVUTIL_SOCKET_ERROR();
	evutil_closesocket(fd);
	EVUTIL_SET_SOCKET_ERROR(saved);
	return -1;
}

evutil_socket_t
net_listen(const char *host, int port, int family, int socktype)
{
	return net_listen_path(host, port, family, socktype, NULL);
}

evutil_socket_t
net_listen_path(const char *host, int port, int family, int socktype,
    const struct net_path *np)
{
	struct net_addr a;
	evutil_socket_t fd;
	int gai;

	/* Like iperf3: with no -B/-4, prefer a dual-stack IPv6 wildcard. */
	if (host == NULL && family == AF_UNSPEC) {
		if (net_resolve(
			NULL, port, AF_INET6, socktype, true, &a, &gai) == 0 &&
		    (fd = net_listen_addr(&a, socktype, true, np)) != -1)
			return fd;
		family = AF_INET;
	}
	if (net_resolve(host, port, family, socktype, true, &a, &gai) == -1)
		return -1;
	return net_listen_addr(
	    &a, socktype, host == NULL && a.ss.ss_family == AF_INET6, np);
}

evutil_socket_t
net_socket_bound(int family, const char *bind_host, int bind_port, int socktype)
{
	return net_socket_path(family, NULL, bind_host, bind_port, socktype);
}

evutil_socket_t
net_socket_path(int family, const struct net_path *np, const char *bind_host,
    int bind_port, int socktype)
{
	struct net_addr la;
	evutil_socket_t fd;
	int gai, saved;

	fd = net_socket_new(family, socktype, np);
	if (fd == -1)
		return -1;
	if (net_set_nonblock(fd) == -1)
		goto fail;
	if (socktype == SOCK_DGRAM)
		(void)osdep_udp_socket(fd);
	if (bind_host == NULL && bind_port == 0)
		return fd;
	if (net_resolve(
		bind_host, bind_port, family, socktype, true, &la, &gai) == -1)
		goto fail;
	if (bind_port != 0)
		(void)evutil_make_listen_socket_reuseable(fd);
	if (bind(fd, (struct sockaddr *)&la.ss, la.len) == -1)
		goto fail;
	return fd;
fail:
	saved = EVUTIL_SOCKET_ERROR();
	evutil_closesocket(fd);
	EVUTIL_SET_SOCKET_ERROR(saved);
	return -1;
}

int
net_connect_fd(evutil_socket_t fd, const struct net_addr *dst)
{
	if (connect(fd, (const struct sockaddr *)&dst->ss, dst->len) == -1 &&
	    !osdep_err_connecting(EVUTIL_SOCKET_ERROR()))
		return -1;
	return 0;
}

int
net_connect_result(evutil_socket_t fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return -1;
	if (err != 0) {
		EVUTIL_SET_SOCKET_ERROR(err);
		return -1;
	}
	return 0;
}

int
net_socktype(evutil_socket_t fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, (void *)&type, &len) == -1)
		return -1;
	return type;
}

bool
net_connect_pending(evutil_socket_t fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	/* Made or failed, the socket is writable (POSIX connect()). */
	return poll(&pfd, 1, 0) != 1;
}

int
net_set_nodelay(evutil_socket_t fd)
{
	int on = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

int
net_set_mss(evutil_socket_t fd, int mss)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
}

int
net_get_mss(evutil_socket_t fd)
{
	int mss = 0;
	socklen_t len = sizeof(mss);

	if (getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, &len) == -1)
		return 0;
	return mss;
}

int
net_set_window(evutil_socket_t fd, int window)
{
	int snd, rcv;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &window, sizeof(window)) ==
		-1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &window, sizeof(window)) ==
		-1)
		return -1;
	/* Linux doubles what it grants; iperf3 checks only "not less". */
	net_get_bufs(fd, &snd, &rcv);
	if (snd < window || rcv < window)
		return -2;
	return 0;
}

void
net_set_rcvbuf(evutil_socket_t fd, int len)
{
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &len, sizeof(len));
}

void
net_get_bufs(evutil_socket_t fd, int *snd, int *rcv)
{
	socklen_t len = sizeof(int);

	*snd = *rcv = 0;
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, snd, &len);
	len = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, rcv, &len);
}

int
net_set_tos(evutil_socket_t fd, int tos)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET6)
		return setsockopt(
		    fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	return setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
}

int
net_set_keepalive(evutil_socket_t fd)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
}

int
net_sock_family(evutil_socket_t fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	return ss.ss_family;
}

int
net_set_congestion(evutil_socket_t fd, const char *name)
{
	return setsockopt(
	    fd, IPPROTO_TCP, TCP_CONGESTION, name, (socklen_t)strlen(name));
}

void
net_get_congestion(evutil_socket_t fd, char *buf, size_t len)
{
	socklen_t l = (socklen_t)len - 1;

	memset(buf, 0, len);
	if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, buf, &l) == -1)
		snprintf(buf, len, "unknown");
}

void
net_addr_text(const struct sockaddr *sa, char *host, size_t len, int *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

	host[0] = '\0';
	*port = 0;
	if (sa->sa_family == AF_INET) {
		evutil_inet_ntop(AF_INET, &sin->sin_addr, host, (socklen_t)len);
		*port = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		*port = ntohs(sin6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			evutil_inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12],
			    host, (socklen_t)len);
		else
			evutil_inet_ntop(
			    AF_INET6, &sin6->sin6_addr, host, (socklen_t)len);
	}
}

void
net_sock_names(evutil_socket_t fd, char *lhost, size_t llen, int *lport,
    char *rhost, size_t rlen, int *rport)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	getsockname(fd, (struct sockaddr *)&ss, &len);
	net_addr_text((struct sockaddr *)&ss, lhost, llen, lport);
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	getpeername(fd, (struct sockaddr *)&ss, &len);
	net_addr_text((struct sockaddr *)&ss, rhost, rlen, rport);
}
