/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * probe.h: one latency probe connection (--latency), either end. The
 * client writes PROBE_MSG-byte requests (sequence number and its own
 * clock, both big endian) and times each one's echo; the server echoes
 * every byte it reads. The client runs a short idle baseline first
 * (probe_idle: requests one after another, before the bulk streams are
 * connected), then requests at a fixed rate (probe_run) while the test
 * runs. Round trips go into histograms (latency.h) the session reads per
 * interval (probe_cut). The probe's events run at the clock's priority,
 * ahead of the bulk streams' callbacks. Like a stream, a probe tells its
 * owner what happens through a (callback, argument) pair.
 */
#ifndef EVPERF_PROBE_H
#define EVPERF_PROBE_H

#include <event2/event.h>

#include "compat.h"
#include "latency.h"

#define PROBE_MSG 16 /* bytes per request and per reply */
#define PROBE_DEFAULT_RATE 10 /* --latency without a value: per second */
#define PROBE_IDLE_COUNT 10 /* round trips of the idle baseline */
#define PROBE_IDLE_MAX 1.0 /* seconds the idle baseline may take */
#define PROBE_UDP_LOST 2.0 /* seconds after which a UDP request is lost */

struct probe;

enum probe_event {
	PROBE_EV_IDLE_DONE, /* client: the baseline is over (or timed out) */
	PROBE_EV_ERROR, /* the connection failed (err), or a bad reply (0) */
	PROBE_EV_EOF, /* the peer closed the connection */
};

typedef void (*probe_cb)(
    struct probe *pb, enum probe_event ev, int err, void *arg);

/*
 * A probe on connected socket fd (owned), TCP or (udp) UDP; a server
 * echoes at once.
 */
struct probe *probe_new(struct event_base *base, evutil_socket_t fd,
    bool client, bool udp, probe_cb cb, void *arg);

/* Client: the idle baseline; PROBE_EV_IDLE_DONE follows. */
void probe_idle(struct probe *pb);

/* Client: rate requests per second from now on. */
void probe_run(struct probe *pb, int rate);

/* Stop sending requests; replies still in flight are still timed. */
void probe_halt(struct probe *pb);

/*
 * Move the round trips timed since the last cut into into (merged). UDP:
 * with them the requests lost since (unanswered for PROBE_UDP_LOST, or,
 * final, for twice the longest round trip seen, at least 10 ms).
 */
void probe_cut(struct probe *pb, struct lat_hist *into, bool final);

/* The idle baseline's round trips. */
const struct lat_hist *probe_idle_hist(const struct probe *pb);

/*
 * Requests not sent: the socket's buffer was full, or the loop came to
 * them more than a period late (a late tick is not made up).
 */
uint64_t probe_skipped(const struct probe *pb);

/* Stop all I/O and give up the socket (the caller closes it), or -1. */
evutil_socket_t probe_release(struct probe *pb);

void probe_free(struct probe *pb);

/* The request codec (pure, for the unit tests). */
void probe_encode(unsigned char msg[PROBE_MSG], uint64_t seq, uint64_t t_ns);
void probe_decode(
    const unsigned char msg[PROBE_MSG], uint64_t *seq, uint64_t *t_ns);

#endif /* EVPERF_PROBE_H */
