/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session.h: one test, client or server side. A session owns the control
 * bufferevent, the data streams, the test timers, the reporter and the
 * results; it ends exactly once and then tells its owner through the
 * (callback, arg) pair given at creation. The owner frees it.
 */
#ifndef EVPERF_SESSION_H
#define EVPERF_SESSION_H

#include <stdio.h>

#include <event2/event.h>

#include "proto.h"
#include "settings.h"

struct auth;
struct closer;
struct session;

/* Called once, from the loop, after the session has ended. */
typedef void (*session_done_cb)(struct session *sess, void *arg);

/*
 * What a session hands on: its report, and the TCP connections it is done
 * with, which the closer (closer.h, owned by main, shared by every test
 * of the process) closes gracefully; with none they are closed at once.
 * And what main lends every test: the authentication (auth.h) it set up.
 */
struct session_out {
	FILE *out; /* report: stdout or --logfile */
	FILE *err; /* errors and warnings: stderr or --logfile */
	const char *tag; /* prefix of every human line ("tag:  "), or NULL */
	struct closer *closer; /* or NULL */
	const struct auth *auth; /* client: makes tokens; server: checks them */
};

/* A client test against s->host; starts connecting at once. */
struct session *session_client_new(struct event_base *base,
    const struct settings *s, const struct session_out *o, session_done_cb cb,
    void *arg);

/*
 * What a server test asks of the listener it came from (server.c), with
 * the owner's argument. prepare: the parameters are in and valid; the
 * listener either refuses the test (SESSION_LISTENER_BUSY: the client
 * gets ACCESS_DENIED and the session ends without a report), holds it
 * (SESSION_LISTENER_LATER: the listener calls session_listener_ready()
 * once it can take this test's data connections), or readies itself for
 * them (-M on the listening socket, the UDP socket on the port) and
 * returns 0, or fails with an IE code. restore: the last data connection
 * has arrived or the test has ended; put the listener back.
 */
#define SESSION_LISTENER_BUSY (-1)
#define SESSION_LISTENER_LATER (-2)

struct session_listener {
	int (*prepare)(struct session *sess, void *arg);
	void (*restore)(struct session *sess, void *arg);
};

/* Server: the listener now takes the data connections of a held test. */
void session_listener_ready(struct session *sess);

/*
 * A server test on an accepted control connection whose cookie
 * (COOKIE_SIZE bytes) the listener has read: it asks for the parameters.
 */
struct session *session_server_new(struct event_base *base,
    const struct settings *s, const struct session_out *o,
    evutil_socket_t ctl_fd, const char *cookie,
    const struct session_listener *ln, session_done_cb cb, void *arg);

/* The test's parameters (valid once the server has read them). */
const struct test_params *session_params(const struct session *sess);

/* Server: data connections the test still waits for. */
int session_streams_missing(const struct session *sess);

/*
 * Server: does the test have UDP connections (UDP streams, or UDP latency
 * probes), and how many of them it still waits for.
 */
bool session_uses_udp(const struct session *sess);
int session_udp_missing(const struct session *sess);

/* Server: is the test waiting for data connections now? */
bool session_wants_streams(const struct session *sess);

/* Server: does cookie (COOKIE_SIZE bytes) belong to this test? */
bool session_cookie_matches(const struct session *sess, const char *cookie);

/*
 * Server: the width in bytes of the role flag this test's client sends
 * after the cookie (and after "9876" on UDP): 0 (none), 1 or 2.
 */
int session_role_width(const struct session *sess);

/*
 * Server: adopt an accepted data connection whose cookie matched. role is
 * the flag the client sent (session_role_width() bytes, big endian), or -1
 * for none (stock client: accept order). Returns 0, or -1 if the connection was refused (fd
 * closed).
 */
int session_add_stream(struct session *sess, evutil_socket_t fd, int role);

/* Client: how its data connections went (for tests and -d traces). */
struct session_connects {
	int window; /* connects allowed in flight at once */
	int in_flight; /* in flight now */
	int max_in_flight; /* most at once so far */
	int retries; /* refused or reset connects tried again */
};

/* Client: those figures (all 0 before the data connections start). */
void session_client_connects(
    const struct session *sess, struct session_connects *out);

/* End the test with an IE code (the listener failed on its behalf). */
void session_abort(struct session *sess, int code, int err);

/* SIGINT/SIGTERM/SIGHUP arrived: end the test as iperf3 does. */
void session_interrupt(struct session *sess);

/* True once the test has ended (its owner may free it at any time). */
bool session_is_done(const struct session *sess);

/* 0 if the test succeeded, else its IE code. */
int session_error(const struct session *sess);

/*
 * Release everything at once (events, then fds, then memory). Sockets the
 * session's end handed to the closer are no longer the session's.
 */
void session_free(struct session *sess);

#endif /* EVPERF_SESSION_H */
