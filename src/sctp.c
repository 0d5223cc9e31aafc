/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * sctp.c: SCTP data connections (--sctp), in the order iperf3 3.21's
 * iperf_sctp.c sets them up, written afresh: the server's listener on
 * the test's port (SCTP ports are their own space, so it stands beside
 * the TCP listener), the client's options on each association, and -X:
 * bind() to the first name, sctp_bindx() for the others. The one-to-one
 * sockets are read and written like TCP ones once connected.
 */
#include "compat.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <event2/util.h>

#include "errors.h"
#include "net.h"
#include "osdep.h"
#include "sctp.h"

/* iperf3 sets SCTP_MAXSEG only for -M in this range. */
#define SCTP_MSS_MIN 512
#define SCTP_MSS_MAX 131072

size_t
sctp_pack_addrs(
    const struct net_addr *a, int n, int port, unsigned char *buf, size_t len)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	size_t used = 0, sz;
	const void *src;
	int i;

	for (i = 0; i < n; i++) {
		if (a[i].ss.ss_family == AF_INET) {
			memcpy(&sin, &a[i].ss, sizeof(sin));
			sin.sin_port = htons((uint16_t)port);
			src = &sin;
			sz = sizeof(sin);
		} else if (a[i].ss.ss_family == AF_INET6) {
			memcpy(&sin6, &a[i].ss, sizeof(sin6));
			sin6.sin6_port = htons((uint16_t)port);
			src = &sin6;
			sz = sizeof(sin6);
		} else
			return 0;
		if (len - used < sz)
			return 0;
		memcpy(buf + used, src, sz);
		used += sz;
	}
	return used;
}

/* The port fd is bound to, or -1. */
static int
sctp_bound_port(evutil_socket_t fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[64];
	int port;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	net_addr_text((struct sockaddr *)&ss, host, sizeof(host), &port);
	return port;
}

/* Add names[1..n-1] to fd's addresses, with the port fd is bound to. */
static int
sctp_bindx_rest(evutil_socket_t fd, int family, const char *const *names, int n,
    bool passive, int *err)
{
	struct net_addr a[EVPERF_MAX_XBIND];
	unsigned char buf[EVPERF_MAX_XBIND * sizeof(struct sockaddr_in6)];
	size_t len;
	int i, gai, port;

	if ((port = sctp_bound_port(fd)) == -1) {
		*err = EVUTIL_SOCKET_ERROR();
		return IE_SETSCTPBINDX;
	}
	for (i = 1; i < n && i <= EVPERF_MAX_XBIND; i++) {
		if (net_resolve(names[i], port, family, SOCK_STREAM, passive,
			&a[i - 1], &gai) == -1) {
			*err = 0;
			return IE_SETSCTPBINDX;
		}
	}
	len = sctp_pack_addrs(a, i - 1, port, buf, sizeof(buf));
	if (len == 0 || osdep_sctp_bindx(fd, buf, len) == -1) {
		*err = len == 0 ? EINVAL : EVUTIL_SOCKET_ERROR();
		return IE_SETSCTPBINDX;
	}
	return 0;
}

int
sctp_bind_names(evutil_socket_t fd, int family, const char *const *names, int n,
    int port, bool passive, int *err)
{
	struct net_addr first;
	int gai;

	*err = 0;
	if (n <= 0)
		return 0;
	if (net_resolve(names[0], port, family, SOCK_STREAM, passive, &first,
		&gai) == -1)
		return IE_SETSCTPBINDX;
	if (bind(fd, (const struct sockaddr *)&first.ss, first.len) == -1) {
		*err = EVUTIL_SOCKET_ERROR();
		return IE_SETSCTPBINDX;
	}
	if (n == 1)
		return 0;
	return sctp_bindx_rest(fd, family, names, n, passive, err);
}

/* The listener's family with -X: that of the first name, or -4/-6's. */
static int
sctp_xbind_family(const struct settings *s)
{
	struct net_addr a;
	int gai;

	if (s->family != AF_UNSPEC)
		return s->family;
	if (net_resolve(s->xbind[0], s->port, AF_UNSPEC, SOCK_STREAM, true, &a,
		&gai) == -1)
		return AF_INET6;
	return a.ss.ss_family;
}

/* -X on the server: sctp_bindx() instead of bind(), as iperf3. */
static evutil_socket_t
sctp_listen_xbind(const struct settings *s, int *ie)
{
	struct net_path np = { osdep_sctp_protocol(), s->bind_dev };
	int family = sctp_xbind_family(s), err;
	evutil_socket_t fd;

	*ie = IE_STREAMLISTEN;
	fd = net_socket_path(family, &np, NULL, 0, SOCK_STREAM);
	if (fd == -1)
		return -1;
	if (evutil_make_listen_socket_reuseable(fd) == -1)
		goto fail;
	if ((*ie = sctp_bind_names(
		 fd, family, s->xbind, s->nxbind, s->port, true, &err)) != 0) {
		EVUTIL_SET_SOCKET_ERROR(err);
		goto fail;
	}
	*ie = IE_STREAMLISTEN;
	if (listen(fd, INT_MAX) == -1)
		goto fail;
	return fd;
fail:
	err = EVUTIL_SOCKET_ERROR();
	evutil_closesocket(fd);
	EVUTIL_SET_SOCKET_ERROR(err);
	return -1;
}

evutil_socket_t
sctp_listen(const struct settings *s, int *ie)
{
	struct net_path np = { 0, s->bind_dev };

	*ie = IE_STREAMLISTEN;
	if ((np.protocol = osdep_sctp_protocol()) == -1)
		return -1;
	if (s->nxbind > 0)
		return sctp_listen_xbind(s, ie);
	return net_listen_path(
	    s->bind_host, s->port, s->family, SOCK_STREAM, &np);
}

int
sctp_client_opts(evutil_socket_t fd, int family, int port,
    const struct test_params *p, const struct settings *s)
{
	int err, rc;

	if (p->mss >= SCTP_MSS_MIN && p->mss <= SCTP_MSS_MAX &&
	    osdep_sctp_set(fd, OSDEP_SCTP_MAXSEG, p->mss) == -1)
		return IE_SETMSS;
	if (s->nstreams > 0 &&
	    osdep_sctp_set(fd, OSDEP_SCTP_OSTREAMS, s->nstreams) == -1)
		return IE_SETSCTPNSTREAM;
	if (s->nxbind > 0 &&
	    (rc = sctp_bind_names(
		 fd, family, s->xbind, s->nxbind, port, false, &err)) != 0) {
		EVUTIL_SET_SOCKET_ERROR(err);
		return rc;
	}
	/* Messages may fragment; a system without the option is fine. */
	if (osdep_sctp_set(fd, OSDEP_SCTP_DISABLE_FRAGMENTS, 0) == -1 &&
	    EVUTIL_SOCKET_ERROR() != ENOPROTOOPT)
		return IE_SETSCTPDISABLEFRAG;
	return 0;
}
