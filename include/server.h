/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * server.h: the listener. One test at a time (as iperf3): connections that
 * arrive while a test runs are data connections if the test is waiting
 * for them and their cookie matches, and get ACCESS_DENIED otherwise.
 */
#ifndef EVPERF_SERVER_H
#define EVPERF_SERVER_H

#include <event2/event.h>

#include "session.h"
#include "settings.h"

struct server;

/* Listen on s->port; returns NULL with *err (errno) on failure. */
struct server *server_new(struct event_base *base, const struct settings *s,
    const struct session_out *o, int *err);

/* A signal arrived: end the running test, then stop the loop. */
void server_interrupt(struct server *srv);

/* 0 if the last test (with -1) succeeded or none ran, else 1. */
int server_exit_code(const struct server *srv);

void server_free(struct server *srv);

#endif /* EVPERF_SERVER_H */
