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

#include "settings.h"

struct session;

/* Called once, from the loop, after the session has ended. */
typedef void (*session_done_cb)(struct session *sess, void *arg);

/* Where a session writes its report. */
struct session_out {
	FILE *out; /* report: stdout or --logfile */
	FILE *err; /* errors and warnings: stderr or --logfile */
};

/* A client test against s->host; starts connecting at once. */
struct session *session_client_new(struct event_base *base,
    const struct settings *s, const struct session_out *o, session_done_cb cb,
    void *arg);

/*
 * A server test on an accepted control connection. listen_fd is the
 * listening socket, on which TCP_MAXSEG is set while streams connect.
 */
struct session *session_server_new(struct event_base *base,
    const struct settings *s, const struct session_out *o, int ctl_fd,
    int listen_fd, session_done_cb cb, void *arg);

/* Server: is the test waiting for data connections now? */
bool session_wants_streams(const struct session *sess);

/* Server: does cookie (COOKIE_SIZE bytes) belong to this test? */
bool session_cookie_matches(const struct session *sess, const char *cookie);

/* Server: does this test's client send a role flag after the cookie? */
bool session_uses_roles(const struct session *sess);

/*
 * Server: adopt an accepted data connection whose cookie matched. role is
 * the flag byte the client sent (0..255), or -1 for none (stock client:
 * accept order). Returns 0, or -1 if the connection was refused (fd
 * closed).
 */
int session_add_stream(struct session *sess, int fd, int role);

/* SIGINT/SIGTERM/SIGHUP arrived: end the test as iperf3 does. */
void session_interrupt(struct session *sess);

/* True once the test has ended (its owner may free it at any time). */
bool session_is_done(const struct session *sess);

/* 0 if the test succeeded, else its IE code. */
int session_error(const struct session *sess);

/* Release everything (events, then fds, then memory). */
void session_free(struct session *sess);

#endif /* EVPERF_SESSION_H */
