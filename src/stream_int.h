/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * stream_int.h: a stream's insides, shared by stream.c (the object every
 * kind shares) and its data paths, stream_tcp.c, stream_udp.c and
 * stream_rr.c (request/response), each of which provides one struct
 * stream_ops, chosen once when the stream is created. Nothing outside
 * these files includes it: the session sees only include/stream.h.
 */
#ifndef EVPERF_STREAM_INT_H
#define EVPERF_STREAM_INT_H

#include <sys/queue.h>

#include <event2/event.h>

#include "counters.h"
#include "pacer.h"
#include "stream.h"

/* Retriable errno values of a non-blocking socket call. */
/* A protocol's data path (wrk's struct sock, iperf3's struct protocol). */
struct stream_ops {
	void (*init)(struct stream *sp); /* buffers, socket options, timers */
	void (*start)(struct stream *sp); /* arm the I/O */
	event_callback_fn read_cb, write_cb; /* the socket event's handler */
	void (*drain)(struct stream *sp); /* NULL: nothing held back */
	void (*sample)(struct stream *sp); /* TCP_INFO; NULL: none */
	/* --crr: connections beside the stream's own; NULL: none. */
	void (*halt)(struct stream *sp); /* counting stopped */
	evutil_socket_t (*release_extra)(struct stream *sp); /* or -1 */
	void (*free_extra)(struct stream *sp);
};

extern const struct stream_ops stream_tcp_ops;
extern const struct stream_ops stream_udp_ops;
extern const struct stream_ops stream_rr_ops;
extern const struct stream_ops stream_crr_ops;

/* --rr, --crr: the test's shared buffers as large as the larger message. */
void stream_rr_bufs(struct stream *sp);

struct crr_conn;
TAILQ_HEAD(crr_list, crr_conn);

struct stream {
	struct stream_env *env; /* the test's shared state, not owned */
	const struct stream_ops *ops;
	stream_event_cb cb;
	void *cb_arg;
	int id; /* iperf3 stream id: 1, 3, 4, ... */
	evutil_socket_t fd;
	bool sender; /* this end writes payload */
	bool counting; /* bytes count towards the test */
	bool eof; /* receiver saw EOF or error */
	struct event *ev; /* the socket, EV_PERSIST */
	struct event *ev_pace; /* sender with -b: next paced burst */
	size_t blksize;
	struct counters c;

	struct pacer pacer;
	size_t tx_off, tx_left; /* TCP sender: the write begun, done and left */
	size_t pace_chunk; /* TCP sender with -b: bytes per paced write */
	uint64_t seq; /* UDP sender: last sequence number sent */
	uint64_t icmp_errors; /* UDP: transient send/receive errors */
	int gso_segs; /* UDP sender: datagrams per GSO send, 0 = off */
	bool gro; /* UDP receiver: coalesced receives */
	int file_fd; /* -F: the file this stream reads or writes, or -1 */
	int file_err; /* errno of opening it; 0 = opened or none */
	uint64_t file_off; /* sender: file bytes sent */
	char *file_buf; /* sender without -Z: one block read from the file */
	bool file_eof; /* sender: the whole file went */

	/* --rr (stream_rr.c): the client requests, the server responds. */
	bool rr_out; /* the event waits to write (else to read) */
	size_t rr_left; /* bytes of the message under way still to move */
	double rr_t0; /* client: when the transaction began */
	/*
	 * --crr (stream_crr.c): the stream's own connection stays idle (it
	 * names the loop); each transaction has a connection of its own.
	 */
	struct crr_list crr; /* client: the one in progress; server: theirs */
	int ncrr;
	double crr_fail_since; /* client: connects failing since, or 0 */
	double crr_pause; /* client: before the next retry */
	uint64_t crr_retries; /* client: connects that failed, tried again */

	struct rpt_conn conn;
};

/* Tell the owner (ev, code, errno). */
void stream_notify(struct stream *sp, enum stream_event ev, int code, int err);

/* A hard I/O error: stop the stream; tell the owner if it was counting. */
void stream_fail(struct stream *sp, int code, int err);

/* Arm the socket event (a failure is the stream's error). */
void stream_arm(struct stream *sp);

/* n bytes moved: the stream's counters and the test's budget. */
void stream_count(struct stream *sp, uint64_t n);

/* The budget is spent: this sender's events rest until it is freed. */
void stream_stop_sending(struct stream *sp);

/* After I/O: tell the owner once the shared budget is spent. */
void stream_check_budget(struct stream *sp);

/* Sleep for secs on the pacing timer. */
void stream_pace_sleep(struct stream *sp, double secs);

/* Fill len bytes of buf with random payload. */
void stream_fill_random(char *buf, size_t len);

/* --repeating-payload: "0123456789" over and over, from buf[0]. */
void stream_fill_pattern(char *buf, size_t len);

/* Grow the test's shared receive buffer to len bytes at least. */
void stream_env_grow_rx(struct stream_env *env, size_t len);

/* Grow the test's shared payload to len random bytes at least. */
void stream_env_grow_tx(struct stream_env *env, size_t len);

/* stream_rr.c: the message I/O --rr and --crr share (see there). */
int stream_rr_put(
    struct stream *sp, evutil_socket_t fd, size_t *left, int *err);
int stream_rr_get(
    struct stream *sp, evutil_socket_t fd, size_t *left, int *err);
void stream_rr_complete(struct stream *sp, double t0);

#endif /* EVPERF_STREAM_INT_H */
