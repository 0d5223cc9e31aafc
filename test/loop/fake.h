/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * fake.h: a scripted fake iperf3 peer for the loop tests. A fake is a
 * client or a server that speaks the wire protocol with raw bytes on the
 * test's event_base: it runs a table of steps (read the cookie, send
 * these bytes, expect that state byte, accept or open data connections,
 * reset one, exchange results, ...), one small handler per step, and
 * records the first thing that went wrong instead of asserting inside a
 * libevent callback. Tests read its counters and the peer's results after
 * the loop. Plain data, so the tests can look inside.
 */
#ifndef EVPERF_LOOP_FAKE_H
#define EVPERF_LOOP_FAKE_H

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <cjson/cJSON.h>

#include "proto.h"

#define FAKE_MAX_CONNS 512 /* room for --bidir -P 150 and -P 200 + 1 */
#define FAKE_SCRATCH (64 * 1024) /* read and write buffer */

enum fake_op {
	FAKE_END = 0, /* script over; connections stay as they are */
	FAKE_COOKIE_IN, /* server: the client's 37-byte cookie */
	FAKE_COOKIE_OUT, /* client: a fresh cookie */
	FAKE_STATE_IN, /* one state byte, which must be .arg */
	FAKE_STATE_OUT, /* write state byte .arg; wait until written */
	FAKE_SEND, /* write .bytes (.len) in one write; wait until written */
	FAKE_PARAMS_IN, /* server: the parameter message, into fk->params */
	FAKE_PARAMS_OUT, /* client: fk->params, offering roles if fk->roles */
	FAKE_ACCEPT, /* server: accept .arg data connections, check cookies */
	FAKE_CONNECT, /* client: open every data connection, in fk->order
			 (fk->burst: all in one go) */
	FAKE_DATA_OUT, /* client: fk->payload[c] bytes on each sending conn */
	FAKE_DATA_WAIT, /* each conn this fake reads has >= .arg bytes */
	FAKE_RESET, /* data connection .arg: SO_LINGER {1, 0}, close */
	FAKE_PAUSE, /* .arg milliseconds */
	FAKE_RESULTS_IN, /* the peer's results message, into fk->peer */
	FAKE_RESULTS_OUT, /* ours, from the data connections' counters */
	FAKE_CLOSE, /* close the control connection */
	FAKE_INTRUDE, /* client: a second control connection's cookie, EOF */
	FAKE_HOLD, /* stop here (fk->held) until the test calls fake_release */
	FAKE_INT_IN, /* one BE32 int (after SERVER_ERROR), which must be .arg */
	FAKE_DATA_ANY, /* some data conn has read >= .arg bytes, its role aside */
	FAKE_NOPS
};

struct fake_step {
	enum fake_op op;
	int arg;
	const void *bytes;
	size_t len;
};

/* Script lines: an operation (with its argument), a state byte to
 * expect or to send, the bytes of array a in one write. */
#define FAKE_DO(o)                                                             \
	{                                                                      \
		.op = (o)                                                      \
	}
#define FAKE_DO_ARG(o, a)                                                      \
	{                                                                      \
		.op = (o), .arg = (a)                                          \
	}
#define FAKE_EXPECT(s)                                                         \
	{                                                                      \
		.op = FAKE_STATE_IN, .arg = (s)                                \
	}
#define FAKE_SAY(s)                                                            \
	{                                                                      \
		.op = FAKE_STATE_OUT, .arg = (s)                               \
	}
#define FAKE_BYTES(a)                                                          \
	{                                                                      \
		.op = FAKE_SEND, .bytes = (a), .len = sizeof(a)                \
	}
/* A fake client's end of a test: TEST_END out, results both ways, close. */
#define FAKE_STEPS_CLIENT_END                                                  \
	FAKE_SAY(TEST_END), FAKE_EXPECT(EXCHANGE_RESULTS),                     \
	    FAKE_DO(FAKE_RESULTS_OUT), FAKE_DO(FAKE_RESULTS_IN),               \
	    FAKE_EXPECT(DISPLAY_RESULTS), FAKE_SAY(IPERF_DONE),                \
	    FAKE_DO(FAKE_CLOSE), FAKE_DO(FAKE_END)
/* A fake server's end of a test: TEST_END in, results both ways, done. */
#define FAKE_STEPS_EXCHANGE                                                    \
	FAKE_EXPECT(TEST_END), FAKE_SAY(EXCHANGE_RESULTS),                     \
	    FAKE_DO(FAKE_RESULTS_IN), FAKE_DO(FAKE_RESULTS_OUT),               \
	    FAKE_SAY(DISPLAY_RESULTS), FAKE_EXPECT(IPERF_DONE),                \
	    FAKE_DO(FAKE_END)

struct fake;

/*
 * One data connection. c: client creation index / server accept order;
 * k: the stream number its results entry carries (c, or from the flag).
 */
struct fake_conn {
	struct fake *fk;
	int c;
	int k;
	int fd;
	int port; /* server: the peer's port (the client's local port) */
	struct event *ev;
	bool we_send; /* this fake writes the payload on it */
	bool ready; /* connected and cookie sent / cookie read and matched */
	char cookie[COOKIE_SIZE + PROTO_ROLE_MAX_LEN]; /* and the role flag */
	size_t cookie_got; /* server: cookie (and flag) bytes read so far */
	int flag; /* server: the role flag read after the cookie; -1: none */
	uint64_t rx, tx; /* payload bytes (the cookie is not counted) */
	bool eof;
	int err; /* errno of the read that ended it; 0 for EOF */
};

struct fake {
	struct event_base *base;
	bool server;
	int port; /* server: where it listens; client: where it connects */
	const struct fake_step *script;
	size_t pc; /* current step */
	int sub; /* progress inside the current step */
	bool done; /* reached FAKE_END */
	char fail[256]; /* the first failure, "" if none */

	struct evconnlistener *lev; /* server */
	struct bufferevent *ctl;
	bool ctl_eof;
	char cookie[COOKIE_SIZE];

	struct test_params params; /* client: what to send; server: got */
	bool roles; /* client: offer the role flag, send it if confirmed */
	bool burst; /* client: FAKE_CONNECT opens every data connection and
		       writes its cookie at once, without the loop running */
	int role_width; /* flag bytes after the cookie, once EVPERF_ROLES_ACK
			   (1) or EVPERF_ROLES2_ACK (2) went (server) or came */
	int extra; /* client: connections beyond the test's, flagged with the
		      next indices of the last direction (servers refuse them) */
	int order[FAKE_MAX_CONNS]; /* client: the k-th connection opened */
	uint64_t payload[FAKE_MAX_CONNS]; /* client: bytes to send, by c */
	struct fake_conn conns[FAKE_MAX_CONNS];
	int nconns; /* accepted (server) / started (client) */

	struct event *ev_timer; /* FAKE_PAUSE */
	bool timer_fired;
	bool held, released; /* FAKE_HOLD */
	struct bufferevent *intruder; /* FAKE_INTRUDE */
	unsigned char intr_buf[16];
	size_t intr_len;
	bool intr_closed;
	int intr_err;

	cJSON *peer; /* the peer's results message */
	char *scratch;
};

/* A fake server listening on 127.0.0.1 (ephemeral port in fk->port). */
struct fake *fake_server_new(
    struct event_base *base, const struct fake_step *script);

/*
 * A fake client for 127.0.0.1:port. The caller fills params, roles,
 * order and payload, then calls fake_start().
 */
struct fake *fake_client_new(
    struct event_base *base, int port, const struct fake_step *script);
void fake_start(struct fake *fk);

/* Let a fake held at FAKE_HOLD go on. */
void fake_release(struct fake *fk);

/* Server: close the listening socket; connects to fk->port are refused. */
void fake_unlisten(struct fake *fk);

/*
 * Server: listen on fk->port again (SO_REUSEADDR, as the control
 * connection still holds the port), accepting at once if the script is
 * in a FAKE_ACCEPT step. 0, or -1 if the port could not be bound.
 */
int fake_relisten(struct fake *fk);

void fake_free(struct fake *fk);

/* Every data connection of this fake has seen EOF (or was reset). */
bool fake_conns_closed(const struct fake *fk);

/* Shared by fake.c and fake_data.c. */
enum fake_rc {
	FAKE_WAIT,
	FAKE_NEXT,
};

void fake_step(struct fake *fk);
void fake_fail(struct fake *fk, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int fake_total_conns(const struct fake *fk);
bool fake_client_sends(const struct fake *fk, int c);
void fake_conns_free(struct fake *fk);
void fake_ctl_attach(struct fake *fk, int fd);
void fake_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg);
enum fake_rc fake_op_accept(struct fake *fk, const struct fake_step *st);
enum fake_rc fake_op_connect(struct fake *fk, const struct fake_step *st);
enum fake_rc fake_op_data_out(struct fake *fk, const struct fake_step *st);
enum fake_rc fake_op_data_wait(struct fake *fk, const struct fake_step *st);
enum fake_rc fake_op_data_any(struct fake *fk, const struct fake_step *st);
enum fake_rc fake_op_reset(struct fake *fk, const struct fake_step *st);

struct fixture;

/* What a test waits for: a fake client's script, and the server's -J. */
struct fake_wait {
	struct fake *fk;
	size_t ndocs; /* server documents to wait for */
};

/*
 * fixture_run() until: the fake client (arg: struct fake_wait) failed,
 * or ended with its connections closed and the server has written ndocs
 * documents.
 */
bool fake_client_done(struct fixture *fx, void *arg);

/* fixture_run() until: the fake (arg) holds at FAKE_HOLD, or failed. */
bool fake_held(struct fixture *fx, void *arg);

#endif /* EVPERF_LOOP_FAKE_H */
