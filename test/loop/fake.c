/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * fake.c: the fake peer's script engine and its control-connection steps.
 * fake_step() runs the current step's handler until one has to wait for
 * the network or a timer; every callback of the fake (control bytes in or
 * written, data connection events, timers) just calls fake_step() again.
 * A handler that sees something wrong records it with fake_fail(), which
 * stops the script; the test asserts on fk->fail after the loop. The data
 * connection steps live in fake_data.c.
 */
#include "compat.h"

#include <netinet/in.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "fake.h"
#include "fixture.h"

typedef enum fake_rc (*fake_handler)(struct fake *, const struct fake_step *);

/* Record the first failure (with the step) and stop the script. */
void
fake_fail(struct fake *fk, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (fk->fail[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(fk->fail, sizeof(fk->fail), "step %zu (op %d): %s", fk->pc,
	    (int)fk->script[fk->pc].op, msg);
}

static struct evbuffer *
fake_in(struct fake *fk)
{
	return bufferevent_get_input(fk->ctl);
}

static struct evbuffer *
fake_out(struct fake *fk)
{
	return bufferevent_get_output(fk->ctl);
}

/* n bytes are waiting on the control connection; fails once it closed. */
static bool
fake_need(struct fake *fk, size_t n)
{
	if (fk->ctl != NULL && evbuffer_get_length(fake_in(fk)) >= n)
		return true;
	if (fk->ctl == NULL || fk->ctl_eof)
		fake_fail(fk, "control connection closed");
	return false;
}

/* A write step: queue once, then wait until the kernel took it all. */
static enum fake_rc
fake_write(struct fake *fk, const void *bytes, size_t len)
{
	if (fk->ctl == NULL) {
		fake_fail(fk, "no control connection to write on");
		return FAKE_WAIT;
	}
	if (fk->sub == 0) {
		evbuffer_add(fake_out(fk), bytes, len);
		fk->sub = 1;
	}
	return evbuffer_get_length(fake_out(fk)) == 0 ? FAKE_NEXT : FAKE_WAIT;
}

static enum fake_rc
fake_op_end(struct fake *fk, const struct fake_step *st)
{
	fk->done = true;
	return FAKE_WAIT;
}

static enum fake_rc
fake_op_cookie_in(struct fake *fk, const struct fake_step *st)
{
	if (!fake_need(fk, COOKIE_SIZE))
		return FAKE_WAIT;
	evbuffer_remove(fake_in(fk), fk->cookie, COOKIE_SIZE);
	if (fk->cookie[COOKIE_SIZE - 1] != '\0')
		fake_fail(fk, "cookie not NUL-terminated");
	return FAKE_NEXT;
}

static enum fake_rc
fake_op_cookie_out(struct fake *fk, const struct fake_step *st)
{
	if (fk->sub == 0)
		proto_make_cookie(fk->cookie);
	return fake_write(fk, fk->cookie, COOKIE_SIZE);
}

/* The width of the role flag a confirmation byte announces, or 0. */
static int
fake_ack_width(int s)
{
	if (s == EVPERF_ROLES_ACK)
		return 1;
	return s == EVPERF_ROLES2_ACK ? 2 : 0;
}

static enum fake_rc
fake_op_state_in(struct fake *fk, const struct fake_step *st)
{
	signed char s;

	if (!fake_need(fk, 1))
		return FAKE_WAIT;
	proto_take_state(fake_in(fk), &s);
	if (s != st->arg)
		fake_fail(fk, "expected state %d, got %d", st->arg, s);
	if (fake_ack_width(s) != 0)
		fk->role_width = fake_ack_width(s);
	return FAKE_NEXT;
}

static enum fake_rc
fake_op_state_out(struct fake *fk, const struct fake_step *st)
{
	signed char s = (signed char)st->arg;

	if (fake_ack_width(s) != 0)
		fk->role_width = fake_ack_width(s);
	return fake_write(fk, &s, 1);
}

static enum fake_rc
fake_op_int_in(struct fake *fk, const struct fake_step *st)
{
	int32_t v;

	if (!fake_need(fk, 4))
		return FAKE_WAIT;
	proto_take_int(fake_in(fk), &v);
	if (v != st->arg)
		fake_fail(fk, "expected int %d, got %d", st->arg, (int)v);
	return FAKE_NEXT;
}

static enum fake_rc
fake_op_send(struct fake *fk, const struct fake_step *st)
{
	return fake_write(fk, st->bytes, st->len);
}

/* A whole JSON message, or FAKE_WAIT; fails on a bad one. */
static cJSON *
fake_take_json(struct fake *fk, size_t cap)
{
	cJSON *j;
	int rc;

	if (!fake_need(fk, 4))
		return NULL;
	rc = proto_take_json(fake_in(fk), cap, &j);
	if (rc == 0 && fk->ctl_eof)
		fake_fail(fk, "control connection closed inside a message");
	else if (rc < 0)
		fake_fail(fk, "bad JSON message (%d)", rc);
	return rc == 1 ? j : NULL;
}

static enum fake_rc
fake_op_params_in(struct fake *fk, const struct fake_step *st)
{
	cJSON *j;
	int rc;

	if ((j = fake_take_json(fk, PROTO_PARAMS_MAX)) == NULL)
		return FAKE_WAIT;
	proto_params_free(&fk->params);
	rc = proto_params_from_json(j, &fk->params);
	cJSON_Delete(j);
	if (rc != 0)
		fake_fail(fk, "parameters rejected: IE %d", rc);
	return FAKE_NEXT;
}

static enum fake_rc
fake_op_params_out(struct fake *fk, const struct fake_step *st)
{
	cJSON *j;

	if (fk->sub == 0) {
		j = proto_params_to_json(&fk->params, fk->roles);
		proto_put_json(fake_out(fk), j);
		cJSON_Delete(j);
		fk->sub = 1;
	}
	return evbuffer_get_length(fake_out(fk)) == 0 ? FAKE_NEXT : FAKE_WAIT;
}

static enum fake_rc
fake_op_results_in(struct fake *fk, const struct fake_step *st)
{
	cJSON *j;

	if ((j = fake_take_json(fk, PROTO_RESULTS_MAX)) == NULL)
		return FAKE_WAIT;
	cJSON_Delete(fk->peer);
	fk->peer = j;
	return FAKE_NEXT;
}

/*
 * Our results: one entry per data connection of the test, ids from k (c
 * as iperf3, or what the role flag named).
 */
static void
fake_put_results(struct fake *fk)
{
	struct results r;
	const struct fake_conn *fc;
	bool any_sender = false;
	cJSON *j;
	int c;

	memset(&r, 0, sizeof(r));
	r.streams = calloc(FAKE_MAX_CONNS, sizeof(*r.streams));
	for (c = 0; c < FAKE_MAX_CONNS; c++) {
		fc = &fk->conns[c];
		if (!fc->ready || c >= fake_total_conns(fk))
			continue;
		any_sender |= fc->we_send;
		r.streams[r.nstreams].id = proto_stream_id(fc->k);
		r.streams[r.nstreams].bytes = fc->we_send ? fc->tx : fc->rx;
		r.streams[r.nstreams].retransmits = fc->we_send ? 0 : -1;
		r.streams[r.nstreams].end_time = 1.0;
		r.nstreams++;
	}
	r.sender_has_retransmits = any_sender ? 0 : -1;
	j = proto_results_to_json(&r);
	proto_put_json(fake_out(fk), j);
	cJSON_Delete(j);
	proto_results_free(&r);
}

static enum fake_rc
fake_op_results_out(struct fake *fk, const struct fake_step *st)
{
	if (fk->sub == 0) {
		fake_put_results(fk);
		fk->sub = 1;
	}
	return evbuffer_get_length(fake_out(fk)) == 0 ? FAKE_NEXT : FAKE_WAIT;
}

static enum fake_rc
fake_op_close(struct fake *fk, const struct fake_step *st)
{
	if (fk->ctl != NULL)
		bufferevent_free(fk->ctl);
	fk->ctl = NULL;
	return FAKE_NEXT;
}

static void
fake_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake *fk = arg;

	fk->timer_fired = true;
	fake_step(fk);
}

static enum fake_rc
fake_op_pause(struct fake *fk, const struct fake_step *st)
{
	struct timeval tv = { st->arg / 1000, (st->arg % 1000) * 1000 };

	if (fk->sub == 0) {
		if (fk->ev_timer == NULL)
			fk->ev_timer = evtimer_new(fk->base, fake_timer_cb, fk);
		fk->timer_fired = false;
		evtimer_add(fk->ev_timer, &tv);
		fk->sub = 1;
	}
	return fk->timer_fired ? FAKE_NEXT : FAKE_WAIT;
}

static void
fake_intr_read_cb(struct bufferevent *bev, void *arg)
{
	struct fake *fk = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t room = sizeof(fk->intr_buf) - fk->intr_len;
	size_t n = evbuffer_get_length(in);

	n = n < room ? n : room;
	evbuffer_remove(in, fk->intr_buf + fk->intr_len, n);
	fk->intr_len += n;
	evbuffer_drain(in, evbuffer_get_length(in));
}

static void
fake_intr_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct fake *fk = arg;

	if (what & BEV_EVENT_CONNECTED)
		return;
	fake_intr_read_cb(bev, fk);
	fk->intr_err = (what & BEV_EVENT_ERROR) ? EVUTIL_SOCKET_ERROR() : 0;
	fk->intr_closed = true;
	bufferevent_free(fk->intruder);
	fk->intruder = NULL;
	fake_step(fk);
}

static struct sockaddr_in
fake_addr(int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	return sin;
}

/*
 * A second control connection: its cookie (a server reads it before it
 * can tell a control connection from a data one), then read to EOF.
 */
static enum fake_rc
fake_op_intrude(struct fake *fk, const struct fake_step *st)
{
	struct sockaddr_in sin = fake_addr(fk->port);

	if (fk->sub == 0) {
		fk->sub = 1;
		fk->intruder =
		    bufferevent_socket_new(fk->base, -1, BEV_OPT_CLOSE_ON_FREE);
		bufferevent_setcb(fk->intruder, fake_intr_read_cb, NULL,
		    fake_intr_event_cb, fk);
		bufferevent_enable(fk->intruder, EV_READ);
		if (bufferevent_socket_connect(fk->intruder,
			(struct sockaddr *)&sin, sizeof(sin)) == -1)
			fake_fail(fk, "intruder connect failed");
		else
			bufferevent_write(fk->intruder,
			    "intruderintruderintruderintruder1234",
			    COOKIE_SIZE);
	}
	return fk->intr_closed ? FAKE_NEXT : FAKE_WAIT;
}

static enum fake_rc
fake_op_hold(struct fake *fk, const struct fake_step *st)
{
	if (!fk->released) {
		fk->held = true;
		return FAKE_WAIT;
	}
	fk->held = fk->released = false;
	return FAKE_NEXT;
}

void
fake_release(struct fake *fk)
{
	fk->released = true;
	fake_step(fk);
}

static const fake_handler fake_ops[FAKE_NOPS] = {
	[FAKE_END] = fake_op_end,
	[FAKE_COOKIE_IN] = fake_op_cookie_in,
	[FAKE_COOKIE_OUT] = fake_op_cookie_out,
	[FAKE_STATE_IN] = fake_op_state_in,
	[FAKE_STATE_OUT] = fake_op_state_out,
	[FAKE_SEND] = fake_op_send,
	[FAKE_PARAMS_IN] = fake_op_params_in,
	[FAKE_PARAMS_OUT] = fake_op_params_out,
	[FAKE_ACCEPT] = fake_op_accept,
	[FAKE_CONNECT] = fake_op_connect,
	[FAKE_DATA_OUT] = fake_op_data_out,
	[FAKE_DATA_WAIT] = fake_op_data_wait,
	[FAKE_RESET] = fake_op_reset,
	[FAKE_PAUSE] = fake_op_pause,
	[FAKE_RESULTS_IN] = fake_op_results_in,
	[FAKE_RESULTS_OUT] = fake_op_results_out,
	[FAKE_CLOSE] = fake_op_close,
	[FAKE_INTRUDE] = fake_op_intrude,
	[FAKE_HOLD] = fake_op_hold,
	[FAKE_INT_IN] = fake_op_int_in,
	[FAKE_DATA_ANY] = fake_op_data_any,
};

/* Run steps until one has to wait for the network or a timer. */
void
fake_step(struct fake *fk)
{
	const struct fake_step *st;

	while (!fk->done && fk->fail[0] == '\0') {
		st = &fk->script[fk->pc];
		if (fake_ops[st->op](fk, st) == FAKE_WAIT)
			return;
		fk->pc++;
		fk->sub = 0;
	}
}

static void
fake_ctl_cb(struct bufferevent *bev, void *arg)
{
	fake_step(arg);
}

static void
fake_ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct fake *fk = arg;

	if (!(what & BEV_EVENT_CONNECTED))
		fk->ctl_eof = true;
	fake_step(fk);
}

static struct fake *
fake_alloc(struct event_base *base, const struct fake_step *script)
{
	struct fake *fk = calloc(1, sizeof(*fk));
	int c;

	fk->base = base;
	fk->script = script;
	fk->scratch = calloc(1, FAKE_SCRATCH);
	for (c = 0; c < FAKE_MAX_CONNS; c++) {
		fk->conns[c].fk = fk;
		fk->conns[c].c = c;
		fk->conns[c].k = c;
		fk->conns[c].flag = -1;
		fk->conns[c].fd = -1;
		fk->order[c] = c;
	}
	return fk;
}

/* The control connection on fd (-1: not connected yet). */
void
fake_ctl_attach(struct fake *fk, int fd)
{
	fk->ctl = bufferevent_socket_new(fk->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(
	    fk->ctl, fake_ctl_cb, fake_ctl_cb, fake_ctl_event_cb, fk);
	bufferevent_enable(fk->ctl, EV_READ | EV_WRITE);
}

/* Listen on 127.0.0.1:port (0: an ephemeral one, into fk->port). */
static int
fake_listen(struct fake *fk, int port)
{
	struct sockaddr_in sin = fake_addr(port);
	socklen_t len = sizeof(sin);

	fk->lev = evconnlistener_new_bind(fk->base, fake_accept_cb, fk,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (fk->lev == NULL)
		return -1;
	getsockname(
	    evconnlistener_get_fd(fk->lev), (struct sockaddr *)&sin, &len);
	fk->port = ntohs(sin.sin_port);
	return 0;
}

struct fake *
fake_server_new(struct event_base *base, const struct fake_step *script)
{
	struct fake *fk = fake_alloc(base, script);

	fk->server = true;
	if (fake_listen(fk, 0) == -1) {
		fake_free(fk);
		return NULL;
	}
	return fk;
}

void
fake_unlisten(struct fake *fk)
{
	if (fk->lev != NULL)
		evconnlistener_free(fk->lev);
	fk->lev = NULL;
}

int
fake_relisten(struct fake *fk)
{
	bool accepting;

	fake_unlisten(fk);
	if (fake_listen(fk, fk->port) == -1)
		return -1;
	/* Only the control connection and a started FAKE_ACCEPT read it. */
	accepting = fk->ctl == NULL ||
	    (!fk->done && fk->script[fk->pc].op == FAKE_ACCEPT && fk->sub == 1);
	if (!accepting)
		evconnlistener_disable(fk->lev);
	return 0;
}

struct fake *
fake_client_new(
    struct event_base *base, int port, const struct fake_step *script)
{
	struct fake *fk = fake_alloc(base, script);

	fk->port = port;
	return fk;
}

void
fake_start(struct fake *fk)
{
	struct sockaddr_in sin = fake_addr(fk->port);

	fake_ctl_attach(fk, -1);
	if (bufferevent_socket_connect(
		fk->ctl, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		fake_fail(fk, "control connect failed");
	fake_step(fk);
}

void
fake_free(struct fake *fk)
{
	if (fk == NULL)
		return;
	fake_conns_free(fk);
	if (fk->ctl != NULL)
		bufferevent_free(fk->ctl);
	if (fk->intruder != NULL)
		bufferevent_free(fk->intruder);
	if (fk->lev != NULL)
		evconnlistener_free(fk->lev);
	if (fk->ev_timer != NULL)
		event_free(fk->ev_timer);
	cJSON_Delete(fk->peer);
	proto_params_free(&fk->params);
	free(fk->scratch);
	free(fk);
}

bool
fake_client_done(struct fixture *fx, void *arg)
{
	struct fake_wait *w = arg;

	if (w->fk->fail[0] != '\0')
		return true;
	return w->fk->done && fake_conns_closed(w->fk) &&
	    capture_ndocs(&fx->sout) >= w->ndocs;
}

bool
fake_held(struct fixture *fx, void *arg)
{
	struct fake *fk = arg;

	return fk->held || fk->fail[0] != '\0';
}
