/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * sctp.h: SCTP data connections (--sctp): the server's SCTP listener on
 * the test's port, the options a client sets on each association
 * (-N, -M, --nstreams, -X), and the packing of -X addresses for
 * sctp_bindx(). The sockets are one-to-one style (SOCK_STREAM): once
 * connected they are driven by the TCP stream code. The system calls
 * are osdep's (osdep_sctp_*).
 */
#ifndef EVPERF_SCTP_H
#define EVPERF_SCTP_H

#include <event2/util.h>

#include "compat.h"
#include "net.h"
#include "proto.h"
#include "settings.h"

/*
 * Pack the n addresses at a back to back, each as long as its family's
 * sockaddr (sctp_bindx()'s layout), with port (host order) set in each.
 * Returns the bytes written, or 0 if an address is neither IPv4 nor IPv6
 * or they do not fit in len.
 */
size_t sctp_pack_addrs(
    const struct net_addr *a, int n, int port, unsigned char *buf, size_t len);

/*
 * -X: bind fd to the first name, on port (0: any), then add the others
 * with the port that bind gave (sctp_bindx). Names resolve for family
 * (the socket's). Returns 0, or IE_SETSCTPBINDX with *err the socket
 * error (0 when a name did not resolve).
 */
int sctp_bind_names(evutil_socket_t fd, int family, const char *const *names,
    int n, int port, bool passive, int *err);

/*
 * The server's SCTP listener on its port (-B or -X, --bind-dev, -4/-6),
 * non-blocking; -1 with *ie (IE_STREAMLISTEN or IE_SETSCTPBINDX) and
 * the socket error set.
 */
evutil_socket_t sctp_listen(const struct settings *s, int *ie);

/*
 * The client's SCTP options on a new data socket, before connect()
 * (-N is session_stream_opts()'s, as for TCP): -M (iperf3 sets it only from 512 to 131072), --nstreams, -X
 * (names of family, the first bound on port: --cport's or 0),
 * fragmentation allowed. Returns 0 or an IE code, socket error set.
 */
int sctp_client_opts(evutil_socket_t fd, int family, int port,
    const struct test_params *p, const struct settings *s);

#endif /* EVPERF_SCTP_H */
