/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_int.h: the session's insides, shared by session.c (lifecycle,
 * timers, the one ending), session_stats.c (a test's numbers) and the two
 * roles, session_client.c and session_server.c, each of which provides a
 * struct session_role (its handler table) and keeps its own state behind
 * sess->rs. Streams are opaque here (include/stream.h) and never see
 * this header.
 */
#ifndef EVPERF_SESSION_INT_H
#define EVPERF_SESSION_INT_H

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "clock.h"
#include "latency.h"
#include "net.h"
#include "proto.h"
#include "ratelimit.h"
#include "report.h"
#include "session.h"
#include "stream.h"

enum sess_state {
	SS_INIT = 0,
	SS_C_CONNECTING, /* client: control connect in progress */
	SS_C_WAIT_PARAMREQ, /* client: cookie sent, await PARAM_EXCHANGE */
	SS_C_WAIT_CREATE, /* client: params sent, await CREATE_STREAMS */
	SS_C_CREATING, /* client: connecting data streams */
	SS_C_WAIT_START, /* client: streams up, await TEST_START */
	SS_S_WAIT_PARAMS, /* server: PARAM_EXCHANGE sent */
	SS_S_CREATING, /* server: CREATE_STREAMS sent, accepting */
	SS_RUNNING, /* both: TEST_START seen/sent */
	SS_C_WAIT_EXCHANGE, /* client: TEST_END sent */
	SS_C_WAIT_RESULTS, /* client: own results sent */
	SS_C_WAIT_DISPLAY, /* client: server results read */
	SS_S_WAIT_RESULTS, /* server: EXCHANGE_RESULTS sent */
	SS_S_WAIT_DONE, /* server: DISPLAY_RESULTS sent */
	SS_DONE,
};

/*
 * What differs between the client and the server side of a test: a
 * table per role, chosen when the session is created.
 */
struct session_role {
	const char *name; /* "client" or "server", for -d traces */
	bool client; /* the point of view of reports and stream order */
	bool end_ends_test; /* the -t timer ends the test (else: safety) */
	double end_slack; /* seconds the end timer waits past -t + -O */
	signed char terminate; /* state byte sent on a signal */
	int term_code; /* ... the error it ends the test with */
	const char *term_msg; /* ... and its text */
	void (*read)(struct session *sess, struct evbuffer *in);
	void (*event)(struct session *sess, short what); /* control EOF... */
	void (*end)(struct session *sess); /* the end timer fired */
	void (*budget)(struct session *sess); /* -n/-k spent */
	void (*failing)(struct session *sess, int code, int err); /* or NULL */
	void (*halt)(struct session *sess); /* ending: stop the role's events */
	void (*free)(struct session *sess); /* the role's state */
};

struct session {
	struct event_base *base;
	const struct settings *set;
	struct session_out out;
	const struct session_role *role;
	void *rs; /* the role's own state */
	enum sess_state state;
	struct test_params p;
	char cookie[COOKIE_SIZE];
	struct bufferevent *ctl;

	struct stream_env env; /* what the streams share (budget, ...) */
	struct stream **streams; /* report/pairing order (see stats) */
	int nstreams, maxstreams;
	struct stream **by_k; /* the same streams by number k, or NULL */
	int *peer_at; /* index of stream k's entry in peer.streams, or -1 */
	int nk; /* streams the test has: -P, or 2 x -P with --bidir */
	int nk_reported; /* streams 0..this-1 are reported as connected */

	struct reporter *rpt;
	struct rpt_start start;
	struct event *ev_end, *ev_omit, *ev_interval, *ev_timeout;
	struct event *ev_rcvwatch, *ev_free, *ev_grace;
	struct event *ev_limit; /* server: --server-bitrate-limit ticks */
	struct ratelimit rl;
	bool started, omitting, sampled, summarized;
	double started_at; /* TEST_START, or the end of -O */
	double iv_at; /* the last interval boundary */
	/* The interval before an expected end, held to absorb a short tail. */
	struct rpt_stream_iv *held;
	size_t held_n;
	bool
	    draining; /* senders stopped (the peer's or ours): the rest is drain */
	struct cpu_sample cpu0, cpu1;
	uint64_t watch_bytes; /* receive watchdog: progress seen */
	double watch_t;

	bool have_peer;
	bool quiet; /* ends without a report (refused before it began) */
	struct results peer;

	int err, err_errno;
	int stream_err, stream_errno; /* pending, see session_stream_cb */
	const char *err_msg; /* overrides the IE text */
	char err_buf[256];
	char congestion[32]; /* TCP algorithm of the data streams */

	/* --latency (session_probe.c) */
	struct probe *probe; /* the probe connection, or NULL */
	struct event *ev_probe; /* client: its connect */
	void (*probe_then)(
	    struct session *sess); /* client: after the baseline */
	bool probe_ack; /* client: the server confirmed probes */
	double probe_until; /* client: the probe connection's deadline */
	struct session_lat *lat; /* client: round trips for reports, or NULL */
	bool rr_ack; /* client: the server confirmed --rr or --crr */
	struct net_addr rr_peer; /* --crr client: where its connections go */
	session_done_cb done_cb;
	void *done_arg;
};

/* session.c */
struct session *session_alloc(struct event_base *base, const struct settings *s,
    const struct session_out *o, const struct session_role *role, void *rs,
    session_done_cb cb, void *arg);
void session_set_state(struct session *sess, enum sess_state st);
void session_arm_timeout(struct session *sess, double secs);
void session_fail(struct session *sess, int code, int err);
void session_conclude(struct session *sess);
void session_ctl_open(struct session *sess, struct bufferevent *bev);
void session_ctl_closed(struct session *sess, short what);
void session_ctl_flush(struct session *sess);
void session_send_state(struct session *sess, signed char st);
void session_put_json(struct session *sess, cJSON *j);
int session_stream_opts(struct session *sess, evutil_socket_t fd);
int session_ctl_opts(struct session *sess, evutil_socket_t fd);
void session_env_init(struct session *sess);
struct stream *session_stream_new(
    struct session *sess, evutil_socket_t fd, int k, bool sender);
struct stream *session_stream_at(const struct session *sess, int k);

/* session_connect.c: the client's data connections */
struct connector;
typedef void (*connector_done_cb)(struct session *sess);
struct connector *connector_new(
    struct session *sess, const struct net_addr *peer, connector_done_cb done);
void connector_start(struct connector *cn);
void connector_halt(struct connector *cn);
void connector_free(struct connector *cn);
void connector_stats(const struct connector *cn, struct session_connects *out);

/* session_probe.c: latency probes (--latency) */
struct session_lat {
	struct lat_hist fresh; /* scratch: what the probe timed since a cut */
	struct lat_hist cur; /* since the last interval report */
	struct lat_hist held; /* the held interval's (session_stats.c) */
	struct lat_hist total; /* the test's, after -O */
	struct rpt_latency rpt; /* the last one handed to the reporter */
};
bool session_probe_wanted(const struct session *sess);
bool session_probe_refused(struct session *sess);
void session_probe_open(struct session *sess, const struct net_addr *peer,
    void (*then)(struct session *sess));
int session_probe_adopt(struct session *sess, evutil_socket_t fd);
bool session_probe_missing(const struct session *sess);
void session_probe_run(struct session *sess);
void session_probe_stop(struct session *sess, bool release);
void session_probe_free(struct session *sess);
void session_lat_cut(struct session *sess, bool final);
const struct rpt_latency *session_lat_take(
    struct session *sess, struct lat_hist *h, const struct rpt_stream_iv *when);
void session_lat_end(
    struct session *sess, struct rpt_end *end, struct rpt_latency out[2]);
void session_lat_alloc(struct session *sess);

/* session_rr.c: request/response mode (--rr, --crr) */
bool session_rr_wanted(const struct session *sess);
bool session_rr_refused(struct session *sess);
void session_rr_init(struct session *sess);
void session_crr_client(struct session *sess, const struct net_addr *peer);

/* session_run.c */
void session_new_timers(struct session *sess);
void session_test_start(struct session *sess);
void session_test_running(struct session *sess);
void session_stop_streams(struct session *sess, bool release);
void session_final_sample(struct session *sess);
void session_stop_timers(struct session *sess);
void session_free_timers(struct session *sess);

/* session_stats.c */
struct reporter *session_rpt(struct session *sess);
void session_fill_test_start(struct session *sess);
void session_drain(struct session *sess);
double session_sample_interval(struct session *sess, bool final);
struct stream *session_find_stream(const struct session *sess, int id);
void session_local_results(struct session *sess, struct results *r);
int session_apply_peer(struct session *sess, struct results *r);
void session_summary(struct session *sess, bool peer_known);

#endif /* EVPERF_SESSION_INT_H */
