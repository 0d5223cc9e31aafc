/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_accept.c: the server role's data connections: each one the
 * listener hands over (session_add_stream) gets its side from the
 * client's role flag, or from accept order for a stock client (receivers
 * first, as iperf3), its options and its stream; once all are in, the
 * test starts (TEST_START, TEST_RUNNING).
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "net.h"
#include "proto.h"
#include "report.h"
#include "session_server_int.h"

static void
server_all_streams(struct session *sess)
{
	server_restore_listener(sess);
	session_arm_timeout(sess, 0);
	session_send_state(sess, TEST_START);
	session_test_start(sess);
	session_send_state(sess, TEST_RUNNING);
	session_test_running(sess);
}

/* Every data connection is in, and the probe connection if there is one. */
static bool
server_all_in(const struct session *sess)
{
	return sess->nstreams == server_total_streams(sess) &&
	    !session_probe_missing(sess);
}

/* The listener set -M; the rest is per connection, as on the client. */
static int
server_stream_opts(struct session *sess, evutil_socket_t fd)
{
	const struct test_params *p = &sess->p;
	int rc;

	if (net_set_nonblock(fd) == -1)
		return IE_NONBLOCKING;
	if ((rc = session_stream_opts(sess, fd)) != 0)
		return rc;
	/* An unknown algorithm is a warning, as in iperf3. */
	if (p->proto == PROTO_TCP && !p->sctp && p->congestion != NULL &&
	    net_set_congestion(fd, p->congestion) == -1) {
		snprintf(sess->err_buf, sizeof(sess->err_buf),
		    "unable to set TCP_CONGESTION %s", p->congestion);
		report_warning(session_rpt(sess), sess->err_buf);
	}
	return 0;
}

/*
 * The server's side of a data connection: from the role flag when the
 * client sends one, else from accept order (receivers first, as iperf3).
 * Returns the index among the streams of that direction, or -1.
 */
static int
server_stream_role(struct session *sess, int role, bool *sender)
{
	struct acceptor *a = acceptor_of(sess);
	bool client_sends;
	int idx;

	if (role < 0) {
		*sender = a->nrecv >= a->nrecv_wanted;
		return *sender ? a->nsend : a->nrecv;
	}
	idx = proto_role_decode(
	    (unsigned int)role, session_role_width(sess), &client_sends);
	*sender = !client_sends;
	return idx < sess->p.parallel ? idx : -1;
}

/* Stream ids pair the two ends: client->server streams come first. */
static int
server_stream_k(const struct session *sess, bool sender, int idx)
{
	if (sess->p.bidir && sender)
		return sess->p.parallel + idx;
	return idx;
}

/* Room left for a stream of that direction, and its number k is new. */
static bool
server_stream_fits(struct session *sess, bool sender, int k)
{
	struct acceptor *a = acceptor_of(sess);

	if (sender ? a->nsend >= a->nsend_wanted : a->nrecv >= a->nrecv_wanted)
		return false;
	return session_stream_at(sess, k) == NULL;
}

/*
 * --crr: a connection of the running test carrying one transaction of
 * the loop its role flag names (a stream the client sends on): that
 * stream takes it (a bounded number at once). 0, or -1 (closed).
 */
static int
server_crr_adopt(struct session *sess, evutil_socket_t fd, int role)
{
	struct stream *sp = NULL;
	bool client_sends;
	int idx;

	idx = proto_role_decode((unsigned int)role, 2, &client_sends);
	if (client_sends && idx < sess->p.parallel)
		sp = session_stream_at(sess, idx);
	if (sp == NULL || server_stream_opts(sess, fd) != 0) {
		evutil_closesocket(fd);
		return -1;
	}
	return stream_crr_take(sp, fd);
}

int
session_add_stream(struct session *sess, evutil_socket_t fd, int role)
{
	struct acceptor *a = acceptor_of(sess);
	bool sender;
	int rc, idx, k;

	if (sess->state == SS_RUNNING && sess->p.rr == RR_CRR && role >= 0)
		return server_crr_adopt(sess, fd, role);
	if (sess->state == SS_S_CREATING && role == PROTO_PROBE_FLAG) {
		if (session_probe_adopt(sess, fd) == -1)
			return -1;
		if (server_all_in(sess))
			server_all_streams(sess);
		return 0;
	}
	if (sess->state != SS_S_CREATING ||
	    (idx = server_stream_role(sess, role, &sender)) == -1 ||
	    !server_stream_fits(
		sess, sender, (k = server_stream_k(sess, sender, idx)))) {
		evutil_closesocket(fd);
		return -1;
	}
	if ((rc = server_stream_opts(sess, fd)) != 0) {
		int err = EVUTIL_SOCKET_ERROR();

		evutil_closesocket(fd);
		session_fail(sess, rc, err);
		return -1;
	}
	*(sender ? &a->nsend : &a->nrecv) += 1;
	session_stream_new(sess, fd, k, sender);
	if (server_all_in(sess))
		server_all_streams(sess);
	return 0;
}

int
session_streams_missing(const struct session *sess)
{
	return server_total_streams(sess) - sess->nstreams +
	    (session_probe_missing(sess) ? 1 : 0);
}

/* Setting up its data connections, or a --crr test while it runs. */
bool
session_uses_udp(const struct session *sess)
{
	return sess->p.proto == PROTO_UDP ||
	    (session_probe_wanted(sess) && sess->p.latency_udp);
}

int
session_udp_missing(const struct session *sess)
{
	int n = 0;

	if (sess->p.proto == PROTO_UDP)
		n = server_total_streams(sess) - sess->nstreams;
	if (sess->p.latency_udp && session_probe_missing(sess))
		n++;
	return n;
}

bool
session_wants_streams(const struct session *sess)
{
	return sess->state == SS_S_CREATING ||
	    (sess->state == SS_RUNNING && sess->p.rr == RR_CRR);
}

bool
session_cookie_matches(const struct session *sess, const char *cookie)
{
	return strncmp(sess->cookie, cookie, COOKIE_SIZE) == 0;
}

int
session_role_width(const struct session *sess)
{
	if (sess->p.roles == 0 || sess->set->no_role_flag)
		return 0;
	/* Latency probes and --rr, --crr take the wide form whatever -P is. */
	return sess->p.roles >= PROTO_ROLES_WIDE &&
		(sess->p.parallel > PROTO_ROLE_NARROW_MAX ||
		    sess->p.latency > 0 || sess->p.rr != RR_NONE)
	    ? 2
	    : 1;
}
