/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * closer.c: the closing list (closer.h). Each socket on it has one
 * one-shot read event whose timeout is what is left of its CLOSER_BOUND;
 * a wake-up reads a bounded number of blocks (so a peer that keeps
 * sending cannot hold the loop) into one buffer shared by all and
 * discarded. The socket is closed at the peer's end of file, at an error
 * (a reset from the peer: nothing is left to protect) or at the deadline,
 * whichever comes first. Owns the sockets, their events and the buffer;
 * knows nothing of tests.
 */
#include "compat.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "closer.h"
#include "log.h"
#include "osdep.h"
#include "xev.h"

#define CLOSER_BUFLEN (64 * 1024) /* bytes per read, discarded */
#define CLOSER_READS 16 /* reads per wake-up, at most */

struct closing {
	TAILQ_ENTRY(closing) entry;
	struct closer *cl;
	evutil_socket_t fd;
	struct event *ev;
	double deadline; /* clock_now() seconds */
};

struct closer {
	struct event_base *base;
	TAILQ_HEAD(, closing) list;
	int n;
	bool waiting; /* closer_wait: exit the loop once the list is empty */
	char *buf;
};

struct closer *
closer_new(struct event_base *base)
{
	struct closer *cl = xcalloc(1, sizeof(*cl));

	cl->base = base;
	TAILQ_INIT(&cl->list);
	cl->buf = xmalloc(CLOSER_BUFLEN);
	return cl;
}

static void
closer_close(struct closing *c)
{
	struct closer *cl = c->cl;

	TAILQ_REMOVE(&cl->list, c, entry);
	cl->n--;
	event_free(c->ev);
	evutil_closesocket(c->fd);
	free(c);
	if (cl->n == 0 && cl->waiting)
		xev_loopexit(cl->base);
}

/* Read what is queued; false once the peer's end of file or an error is in. */
static bool
closer_read(struct closing *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < CLOSER_READS; i++) {
		n = recv(c->fd, c->cl->buf, CLOSER_BUFLEN, 0);
		if (n > 0)
			continue;
		if (n == -1 && osdep_err_retriable(EVUTIL_SOCKET_ERROR()))
			return true;
		if (n == -1)
			log_debug("closer: fd %d: %s", (int)c->fd,
			    evutil_socket_error_to_string(
				EVUTIL_SOCKET_ERROR()));
		return false;
	}
	return true;
}

static void
closer_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct closing *c = arg;
	double left;

	if (!(what & EV_TIMEOUT)) {
		if (!closer_read(c)) {
			closer_close(c);
			return;
		}
		if ((left = c->deadline - clock_now()) > 0) {
			xev_add(c->ev, left);
			return;
		}
	}
	log_debug("closer: fd %d: no end of file within %.0f s", (int)c->fd,
	    CLOSER_BOUND);
	closer_close(c);
}

void
closer_add(struct closer *cl, evutil_socket_t fd)
{
	struct closing *c;
	int one = 1;

	if (cl == NULL || shutdown(fd, SHUT_WR) == -1) {
		evutil_closesocket(fd);
		return;
	}
	/* A receiver's wake-up threshold must not hide the last bytes. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &one, sizeof(one));
	c = xcalloc(1, sizeof(*c));
	c->cl = cl;
	c->fd = fd;
	c->deadline = clock_now() + CLOSER_BOUND;
	c->ev = xev_new(cl->base, fd, EV_READ, closer_read_cb, c);
	TAILQ_INSERT_TAIL(&cl->list, c, entry);
	cl->n++;
	xev_add(c->ev, CLOSER_BOUND);
}

int
closer_count(const struct closer *cl)
{
	return cl == NULL ? 0 : cl->n;
}

void
closer_wait(struct closer *cl)
{
	if (cl == NULL || cl->n == 0)
		return;
	cl->waiting = true;
	if (event_base_dispatch(cl->base) == -1)
		fatalx("%s: event_base_dispatch failed", __func__);
	cl->waiting = false;
}

void
closer_flush(struct closer *cl)
{
	if (cl == NULL)
		return;
	while (!TAILQ_EMPTY(&cl->list))
		closer_close(TAILQ_FIRST(&cl->list));
}

void
closer_free(struct closer *cl)
{
	if (cl == NULL)
		return;
	cl->waiting = false;
	closer_flush(cl);
	free(cl->buf);
	free(cl);
}
