/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * xev.h: checked libevent calls, in the manner of the x-allocators. Every
 * event the core creates or arms goes through these, so no return value
 * of event_new/event_add is ever ignored: a failure there means libevent
 * itself is broken (out of memory, a backend refusing a descriptor it
 * accepted before) and ends the process through fatalx, as xmalloc does.
 * Timeouts are seconds as a double (xev.c holds the one conversion to a
 * struct timeval).
 */
#ifndef EVPERF_XEV_H
#define EVPERF_XEV_H

#include <sys/time.h>

#include <event2/event.h>

#include "compat.h"

#define XEV_PRIO_CLOCK 0 /* timers, control connection, signals */
#define XEV_PRIO_BULK 1 /* data streams: the default */
#define XEV_NPRIO 2
#define XEV_DISPATCH_SLICE 0.001 /* seconds of bulk callbacks, at most */

/* A new event_base set up as xev.c describes, or NULL. */
struct event_base *xev_base_new(void);

/* Give a (not yet added) event the clock's priority; or fatalx. */
void xev_urgent(struct event *ev);

/* event_new, or fatalx. */
struct event *xev_new(struct event_base *base, evutil_socket_t fd, short what,
    event_callback_fn cb, void *arg);

/* A one-shot timer: evtimer_new, or fatalx. */
struct event *xev_timer(
    struct event_base *base, event_callback_fn cb, void *arg);

/* event_add with a timeout of secs, or none if secs < 0; or fatalx. */
void xev_add(struct event *ev, double secs);

/* event_del, or fatalx; ev may be NULL. */
void xev_del(struct event *ev);

/* event_base_loopexit now, or fatalx. */
void xev_loopexit(struct event_base *base);

/* event_free; ev may be NULL. */
void xev_free(struct event *ev);

#endif /* EVPERF_XEV_H */
