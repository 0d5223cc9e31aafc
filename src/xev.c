/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * xev.c: checked wrappers of the libevent calls the core makes (see
 * xev.h). Owns no state.
 */
#include "compat.h"

#include "log.h"
#include "xev.h"

/* secs (>= 0) as a struct timeval: the one place that converts. */
static struct timeval
xev_tv(double secs)
{
	struct timeval tv;

	if (secs < 0)
		secs = 0;
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (long)((secs - (double)tv.tv_sec) * 1e6);
	return tv;
}

/*
 * The base every evperf process runs on. The precise monotonic clock: the
 * default coarse one lets timers fire milliseconds early, which would
 * shorten a -t test. Two priorities: the clock's events (interval and end
 * timers, the control connection, signals) before the bulk of stream
 * callbacks; and after XEV_DISPATCH_SLICE of bulk callbacks the loop
 * looks at its timers again, so that a wake-up with thousands of ready
 * streams cannot hold an interval boundary back.
 */
struct event_base *
xev_base_new(void)
{
	struct timeval slice = xev_tv(XEV_DISPATCH_SLICE);
	struct event_config *cfg;
	struct event_base *base = NULL;

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	if (event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) == 0 &&
	    event_config_set_max_dispatch_interval(
		cfg, &slice, -1, XEV_PRIO_BULK) == 0)
		base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base != NULL && event_base_priority_init(base, XEV_NPRIO) == -1) {
		event_base_free(base);
		base = NULL;
	}
	return base;
}

void
xev_urgent(struct event *ev)
{
	if (event_priority_set(ev, XEV_PRIO_CLOCK) == -1)
		fatalx("event_priority_set failed");
}

struct event *
xev_new(struct event_base *base, evutil_socket_t fd, short what,
    event_callback_fn cb, void *arg)
{
	struct event *ev;

	if ((ev = event_new(base, fd, what, cb, arg)) == NULL)
		fatalx("event_new failed (fd %d)", (int)fd);
	return ev;
}

struct event *
xev_timer(struct event_base *base, event_callback_fn cb, void *arg)
{
	return xev_new(base, -1, 0, cb, arg);
}

void
xev_add(struct event *ev, double secs)
{
	struct timeval tv = xev_tv(secs);

	if (event_add(ev, secs < 0 ? NULL : &tv) == -1)
		fatalx("event_add failed (fd %d)", (int)event_get_fd(ev));
}

void
xev_del(struct event *ev)
{
	if (ev != NULL && event_del(ev) == -1)
		fatalx("event_del failed (fd %d)", (int)event_get_fd(ev));
}

void
xev_loopexit(struct event_base *base)
{
	if (event_base_loopexit(base, NULL) == -1)
		fatalx("event_base_loopexit failed");
}

void
xev_free(struct event *ev)
{
	if (ev != NULL)
		event_free(ev);
}
