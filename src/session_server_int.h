/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_server_int.h: the server role's own state (struct acceptor),
 * shared by session_server.c (cookie, parameters, the end of the test)
 * and session_accept.c (its data connections) only.
 */
#ifndef EVPERF_SESSION_SERVER_INT_H
#define EVPERF_SESSION_SERVER_INT_H

#include "session_int.h"

/* The server role's own state. */
struct acceptor {
	const struct session_listener *ln;
	void *ln_arg;
	bool prepared; /* the listener holds this test's settings */
	bool held; /* the listener holds the test back (LATER) */
	int nrecv_wanted, nrecv; /* data connections per direction */
	int nsend_wanted, nsend;
	struct event *ev_drain; /* TEST_END: receivers read to their EOF */
	double drain_until;
	bool draining;
};

static inline struct acceptor *
acceptor_of(const struct session *sess)
{
	return sess->rs;
}

/* Data connections the test has, both directions. */
int server_total_streams(const struct session *sess);

/* Give the listener back what it lent the test (-M, the UDP socket). */
void server_restore_listener(struct session *sess);

#endif /* EVPERF_SESSION_SERVER_INT_H */
