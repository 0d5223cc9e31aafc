/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream.h: one data connection of a test. A stream is opaque: its owner
 * (the session) creates it on a connected socket with the test's shared
 * environment (struct stream_env, which the owner keeps alive longer than
 * its streams) and a (callback, argument) pair, starts and stops its I/O,
 * and asks it for its numbers. Everything a stream has to say goes up
 * through that callback: a hard error, the peer's end of file, and the
 * -n/-k budget being spent. No stream code calls a session function.
 */
#ifndef EVPERF_STREAM_H
#define EVPERF_STREAM_H

#include <event2/event.h>

#include "compat.h"
#include "counters.h"
#include "proto.h"
#include "report.h"

struct stream;

/* What a stream tells its owner. */
enum stream_event {
	STREAM_EV_ERROR, /* I/O failed while counting; code is an IE code */
	STREAM_EV_EOF, /* a receiver saw the peer close */
	STREAM_EV_BUDGET, /* the shared -n/-k budget is spent */
};

typedef void (*stream_event_cb)(
    struct stream *sp, enum stream_event ev, int code, int err, void *arg);

/* The part of a test's parameters that the data path needs. */
struct stream_cfg {
	enum proto_kind proto;
	bool sctp; /* PROTO_TCP streams on SCTP sockets (--sctp) */
	size_t blksize; /* -l: block or datagram size */
	int window; /* -w bytes; 0 = OS default */
	uint64_t rate; /* -b bits/s per stream; 0 = unlimited */
	int burst; /* UDP -b RATE/N */
	bool udp64; /* --udp-counters-64bit */
	bool gso, gro; /* UDP offloads the peer agreed to */
	int gso_bf_size; /* bytes per GSO send */
	int wake_blocks; /* TCP blocks moved per wake-up, at most */
	bool repeating; /* payload "0123456789" repeated, not random */
	bool zerocopy; /* TCP senders: sendfile from txfd */
	bool skip_rx_copy; /* TCP receivers: discard in the kernel */
	const char *file; /* -F: senders read it, receivers write it */
	enum rr_mode rr; /* --rr: transactions (stream_rr.c), not bulk */
	size_t rr_req, rr_resp; /* ... request and response bytes */
};

/*
 * What all streams of one test share; owned by the session. The buffers
 * are one per test, not one per stream, so memory does not grow with -P:
 * the payload is read-only (random bytes; a UDP sender writes each
 * datagram's header into it just before the send that copies it) and
 * received bytes are discarded, and the loop serves one stream at a time.
 * Streams size them when they are created, before any I/O.
 */
struct stream_env {
	struct event_base *base;
	struct stream_cfg cfg;
	struct budget budget;
	char *txbuf; /* payload of every sender */
	size_t txbuf_len;
	int txfd; /* -Z: a read-only file of txbuf, or -1 */
	char *rxbuf; /* where every receiver reads to */
	size_t rxbuf_len;
	/* --rr client: every transaction's round trip goes here, or NULL */
	struct lat_hist *rr_lat;
	/*
	 * --crr client: the test's cookie, and the owner's way to open a
	 * connection to the server (non-blocking connect begun, options set):
	 * its socket, or -1 with *err.
	 */
	const char *cookie;
	evutil_socket_t (*crr_open)(void *arg, int *err);
	void *crr_arg;
};

/*
 * A stream on connected socket fd (owned from now on), number k in the
 * test (creation order on the client, pairing order on the server),
 * sending or receiving. Its I/O waits for stream_start().
 */
struct stream *stream_new(struct stream_env *env, evutil_socket_t fd, int k,
    bool sender, stream_event_cb cb, void *arg);

/* Start moving and counting bytes (TEST_RUNNING). */
void stream_start(struct stream *sp);

/*
 * Stop counting (the test's end). A sender stops writing; a receiver
 * keeps draining its socket until the peer closes.
 */
void stream_halt(struct stream *sp);

/*
 * Stop all I/O and give up the socket: returns it (the caller closes it)
 * or -1 if it was given up before. The stream keeps its numbers.
 */
int stream_release(struct stream *sp);

/*
 * --crr: give up one of the connections the stream has beside its own
 * (a transaction's, stopped): returns its socket (the caller closes it),
 * or -1 once there are none.
 */
evutil_socket_t stream_release_extra(struct stream *sp);

/*
 * --crr server: fd (owned from now on) carries one transaction of this
 * stream's loop. 0, or -1 when the stream has too many already (fd is
 * then closed).
 */
int stream_crr_take(struct stream *sp, evutil_socket_t fd);

/* Read what a receiver has queued below its wake-up threshold. */
void stream_drain(struct stream *sp);

/* TEST_START at now: the stream's clocks start. */
void stream_begin(struct stream *sp, double now);

/* -O ended at now. */
void stream_omit_end(struct stream *sp, double now);

/*
 * The interval ending now (TCP_INFO sampled first). A TCP sender counts
 * what left its send buffer; with flush (the test's end), all it wrote.
 */
void stream_interval(struct stream *sp, double now, bool omitted, bool flush,
    struct rpt_stream_iv *iv);

/* The final sample, at now. */
void stream_end(struct stream *sp, double now);

/* This stream's entry for the results message. */
void stream_result(const struct stream *sp, struct result_stream *rs);

/*
 * The summary line. peer is the peer's results entry for this stream, or
 * NULL while unknown; peer_retrans: the peer reports retransmits.
 */
void stream_summary(const struct stream *sp, const struct result_stream *peer,
    bool peer_retrans, struct rpt_stream_end *e);

int stream_id(const struct stream *sp); /* iperf3 id: 1, 3, 4, ... */
int stream_file_error(const struct stream *sp); /* -F open errno, or 0 */
/* A receiver writing -F's file: it reads to the peer's end of file. */
bool stream_writes_file(const struct stream *sp);
bool stream_saw_eof(const struct stream *sp); /* a receiver's peer closed */
evutil_socket_t stream_fd(const struct stream *sp); /* -1 once released */
bool stream_is_sender(const struct stream *sp);
double stream_secs(const struct stream *sp); /* start to last sample */
const struct rpt_conn *stream_conn(const struct stream *sp);
/* --crr client: connects that failed and were tried again. */
uint64_t stream_crr_retries(const struct stream *sp);

/* Release the event(s), the socket and the memory. */
void stream_free(struct stream *sp);

/* Release what the environment owns (the shared buffers). */
void stream_env_clear(struct stream_env *env);

#endif /* EVPERF_STREAM_H */
