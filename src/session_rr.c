/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_rr.c: request/response mode (--rr, --crr) in a test, both
 * roles. The client asks in its parameters ("evperf_rr"); an evperf
 * server confirms (EVPERF_RR_ACK after the wide role flag's 101). A
 * stock server never confirms: the client then refuses the test before
 * any data connection, never runs a bulk test in its place. With --rr the
 * test's data connections carry the transactions (stream_rr.c); with
 * --crr they name the -P loops, each of whose transactions has a
 * connection of its own (stream_crr.c), which the client opens here
 * (session_crr_open) and the server's listener hands to the running
 * test (session_add_stream). The client's streams time the transactions
 * into the histogram the interval reports read (struct session_lat,
 * shared with --latency).
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>

#include "errors.h"
#include "net.h"
#include "osdep.h"
#include "rr.h"
#include "session_int.h"

/* Server: the client asked for request/response and the wide flag is on. */
bool
session_rr_wanted(const struct session *sess)
{
	return sess->p.rr != RR_NONE && session_role_width(sess) == 2;
}

/*
 * Client, at CREATE_STREAMS: asked for --rr or --crr and the server did
 * not confirm it (a stock iperf3 server, or an older evperf one): refuse
 * the test before any data connection.
 */
bool
session_rr_refused(struct session *sess)
{
	if (sess->p.rr == RR_NONE || (sess->rr_ack && sess->p.roles == 2))
		return false;
	snprintf(sess->err_buf, sizeof(sess->err_buf),
	    "--%s needs an evperf server: the server did not confirm "
	    "request/response mode",
	    rr_mode_name(sess->p.rr));
	sess->err_msg = sess->err_buf;
	session_fail(sess, IE_UNIMP, 0);
	return true;
}

/* Client: its streams time every transaction into the reports' histogram. */
void
session_rr_init(struct session *sess)
{
	if (sess->p.rr == RR_NONE || !sess->role->client)
		return;
	session_lat_alloc(sess);
	sess->env.rr_lat = &sess->lat->fresh;
}

/*
 * --crr client: a connection for one transaction, with the options of the
 * test's data connections (-B, --bind-dev, -m, -w, -N, -S, -M, -C,
 * --fq-rate) and TCP_NODELAY, its connect begun. Its socket, or -1 (*err).
 */
static evutil_socket_t
session_crr_open(void *arg, int *err)
{
	struct session *sess = arg;
	const struct settings *s = sess->set;
	const struct test_params *p = &sess->p;
	struct net_path np = { 0, s->bind_dev };
	evutil_socket_t fd;

	*err = EPROTONOSUPPORT;
	if (p->mptcp && (np.protocol = osdep_mptcp_protocol()) == -1)
		return -1;
	fd = net_socket_path(
	    sess->rr_peer.ss.ss_family, &np, s->bind_host, 0, SOCK_STREAM);
	if (fd == -1) {
		*err = EVUTIL_SOCKET_ERROR();
		return -1;
	}
	if (session_stream_opts(sess, fd) != 0 ||
	    (p->mss != 0 && net_set_mss(fd, p->mss) == -1) ||
	    (p->congestion != NULL &&
		net_set_congestion(fd, p->congestion) == -1) ||
	    net_set_nodelay(fd) == -1 ||
	    net_connect_fd(fd, &sess->rr_peer) == -1) {
		*err = EVUTIL_SOCKET_ERROR();
		evutil_closesocket(fd);
		return -1;
	}
	return fd;
}

/* --crr client: its loops open their connections to peer. */
void
session_crr_client(struct session *sess, const struct net_addr *peer)
{
	if (sess->p.rr != RR_CRR)
		return;
	sess->rr_peer = *peer;
	sess->env.cookie = sess->cookie;
	sess->env.crr_open = session_crr_open;
	sess->env.crr_arg = sess;
}
