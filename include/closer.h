/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * closer.h: TCP connections on their way out. A test that is done with a
 * connection (a data stream at the test's end, the control connection
 * when the test ends) gives its socket to the process's closer instead of
 * closing it. The closer half-closes it (shutdown SHUT_WR: the peer reads
 * end of file after our last byte), reads and discards whatever the peer
 * still sends until the peer's end of file, an error or CLOSER_BOUND
 * seconds, and only then closes it, all on the loop. Linux answers with a
 * RST when a socket is closed with unread data or receives data after its
 * close, and a peer that is still reading then loses the rest; reading to
 * end of file first leaves nothing unread. The closer belongs to main,
 * not to a test, so a server serves its next client while the last one's
 * connections finish closing.
 */
#ifndef EVPERF_CLOSER_H
#define EVPERF_CLOSER_H

#include <event2/event.h>

#include "compat.h"

#define CLOSER_BOUND 2.0 /* seconds a connection may take to close */

struct closer;

/* An empty closer on base. */
struct closer *closer_new(struct event_base *base);

/*
 * Close connected TCP socket fd (owned from now on) gracefully: half-close,
 * read to the peer's end of file within CLOSER_BOUND, close. A socket that
 * cannot be half-closed (reset, never connected) is closed at once, and so
 * is every socket when cl is NULL.
 */
void closer_add(struct closer *cl, evutil_socket_t fd);

/* Sockets still closing. */
int closer_count(const struct closer *cl);

/*
 * Run the loop until every socket is closed (each within its bound) or
 * until something else exits the loop (a signal).
 */
void closer_wait(struct closer *cl);

/*
 * Close every socket still closing, at once (the process is out of
 * descriptors: they matter more than a graceful end); cl may be NULL.
 */
void closer_flush(struct closer *cl);

/* Close what is left at once and free the closer; cl may be NULL. */
void closer_free(struct closer *cl);

#endif /* EVPERF_CLOSER_H */
