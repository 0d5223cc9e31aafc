/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * server_int.h: the server's state, shared by server.c (the listener,
 * pending connections, the tests and their places) and server_setup.c
 * (what the listener lends a test while it sets up its data connections:
 * -M on the listening socket, the UDP socket on the port, and the turns
 * of tests whose setups would clash). Nothing else includes it.
 */
#ifndef EVPERF_SERVER_INT_H
#define EVPERF_SERVER_INT_H

#include <sys/queue.h>

#include <stdbool.h>

#include <event2/listener.h>

#include "proto.h"
#include "report.h"
#include "session.h"
#include "settings.h"

#define RECENT_MAX 64 /* cookies of ended tests whose stragglers we drop */

struct pending;

/* One session on the server, from its cookie to its end. */
struct test {
	TAILQ_ENTRY(test) entry;
	struct server *srv;
	struct session *sess;
	char cookie[COOKIE_SIZE];
	char tag[24]; /* "test N" with --max-tests above 1 */
	char peer[RPT_HOST_LEN]; /* the client's address, for UDP streams */
	bool claimed; /* has a place (its parameters were valid) */
	bool held; /* claimed, waits to prepare the listener */
	bool prepared; /* the listener carries its -M or UDP socket */
	bool pinned; /* the process runs on its client's -A ,m core */
};

struct server {
	struct event_base *base;
	const struct settings *set;
	struct session_out out;
	evutil_socket_t listen_fd;
	struct evconnlistener *lev;
	TAILQ_HEAD(, test) tests; /* creation order */
	int nclaimed, nhandshake; /* tests with a place, and the others */
	int nconn; /* sessions started (tags) */
	int nended; /* claimed tests ended */
	int testno;
	int exit_code;
	bool stopping;
	struct event *ev_idle;
	TAILQ_HEAD(, pending) pending; /* accepted, cookie not yet read */
	int npending;
	char recent[RECENT_MAX][COOKIE_SIZE]; /* ring of ended tests */
	int nrecent; /* cookies remembered so far (the ring wraps) */
	evutil_socket_t udp_fd; /* UDP streams "connect" here; -1 = none */
	struct event *ev_udp;
	int mss; /* -M the listener carries now, 0 = none */
	bool mptcp; /* the listener is MPTCP (a client's -m) */
	/* SCTP streams (a client's --sctp) come to a listener of their own. */
	struct evconnlistener *sctp_lev; /* NULL = none */
	struct osdep_cpus *cpus; /* CPU set before the first pinned test */
	int npinned; /* tests running on their client's core */
	struct event *ev_resume; /* accepting again after a pause */
	double accept_warned; /* when the pause was last logged, or 0 */
	bool backlog_warned; /* somaxconn was found too low (once) */
};

/* server.c */
bool server_has_room(const struct server *srv);
/*
 * An accepted connection waits for its cookie; data_only: one from the
 * SCTP listener, which may only be a data connection of a waiting test.
 */
void server_add_pending(struct server *srv, evutil_socket_t fd,
    const struct sockaddr *sa, int salen, bool data_only);
int server_role_flag(const unsigned char *p, size_t len);
/* The TCP listener, MPTCP or not (closed and re-opened to change). */
int server_relisten(struct server *srv, bool mptcp);

/* server_setup.c */
/* A test whose client asked for a server core (-A n,m) ended. */
void server_unpin(struct server *srv, struct test *t);
extern const struct session_listener server_listener;
/* t's setup is over (or t ended): give back what it held, wake others. */
void server_setup_release(struct test *t);
/* Held tests whose turn has come go on with their setup. */
void server_wake_held(struct server *srv);
void server_udp_close(struct server *srv);
void server_sctp_close(struct server *srv);

#endif /* EVPERF_SERVER_INT_H */
