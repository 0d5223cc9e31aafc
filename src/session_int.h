/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_int.h: the session's insides, shared by session.c (lifecycle,
 * timers, statistics, ending), session_client.c and session_server.c (the
 * two control-channel state machines) and stream*.c (the data path).
 * Nothing outside those files includes it.
 */
#ifndef EVPERF_SESSION_INT_H
#define EVPERF_SESSION_INT_H

#include <sys/queue.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "clock.h"
#include "net.h"
#include "osdep.h"
#include "pacer.h"
#include "proto.h"
#include "report.h"
#include "session.h"
#include "udpstat.h"

enum sess_state {
	SS_INIT = 0,
	SS_C_CONNECTING, /* client: control connect in progress */
	SS_C_WAIT_PARAMREQ, /* client: cookie sent, await PARAM_EXCHANGE */
	SS_C_WAIT_CREATE, /* client: params sent, await CREATE_STREAMS */
	SS_C_CREATING, /* client: connecting data streams */
	SS_C_WAIT_START, /* client: streams up, await TEST_START */
	SS_S_WAIT_COOKIE, /* server: control accepted, await cookie */
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

struct stream {
	TAILQ_ENTRY(stream) entry;
	struct session *sess;
	int k; /* creation (client) / accept (server) order */
	int id; /* iperf3 stream id: 1, 3, 4, ... */
	int fd;
	bool sender; /* this end writes payload */
	bool counting; /* bytes count towards the test */
	bool eof; /* receiver saw EOF or error */
	struct event *ev;
	char *buf;
	size_t blksize;

	uint64_t bytes; /* moved since TEST_RUNNING */
	uint64_t bytes_omit; /* value of bytes when -O ended */
	uint64_t bytes_iv; /* value of bytes at the last interval */
	double t_start; /* stream start (restarted after -O) */
	double t_iv; /* last interval boundary */
	double t_end; /* last stats sample */

	bool tcpinfo; /* sample TCP_INFO (TCP sender) */
	uint64_t retr_omit, retr_iv, retr_now;
	uint64_t max_cwnd, max_wnd, max_rtt, min_rtt, rtt_sum, rtt_n;
	uint64_t reorder;
	struct tcp_sample ts_last;

	/* UDP */
	struct event *ev_pace; /* sender: next paced burst */
	struct pacer pacer;
	uint64_t seq; /* sender: last sequence number sent */
	uint64_t packets; /* sender: datagrams sent since TEST_RUNNING */
	uint64_t packets_iv, packets_omit;
	struct udpstat us; /* receiver */
	uint64_t maxseq_iv, maxseq_omit;
	int64_t lost_iv, lost_omit;
	uint64_t ooo_iv, ooo_omit;
	uint64_t icmp_errors; /* transient send/receive errors */
	int gso_segs; /* sender: datagrams per GSO send, 0 = off */
	bool gro; /* receiver: coalesced receives */

	struct rpt_conn conn;
	bool has_peer;
	struct result_stream peer;
};

TAILQ_HEAD(stream_list, stream);

struct session {
	struct event_base *base;
	const struct settings *set;
	struct session_out out;
	bool client;
	enum sess_state state;
	struct test_params p;
	char cookie[COOKIE_SIZE];

	struct bufferevent *ctl;
	int listen_fd; /* server */
	struct net_addr peer_addr; /* client: where data connects go */
	bool await_err_ints; /* client: SERVER_ERROR body pending */
	int32_t srv_err_code;
	bool srv_err_have_code;

	struct stream_list streams;
	int nstreams;
	int nrecv_wanted, nrecv; /* server accept-order quotas */
	int nsend_wanted, nsend;
	struct event *ev_connect; /* client: data connect or ack wait */
	int ack_polls;
	int connect_fd;

	struct reporter *rpt;
	struct rpt_start start;
	struct event *ev_end, *ev_omit, *ev_interval, *ev_timeout;
	struct event *ev_rcvwatch, *ev_free;
	int udp_fd; /* server: UDP "listener" for streams */
	struct event *ev_udp;
	char *rxbuf; /* UDP receive scratch, shared */
	size_t rxbuf_len;
	bool started, omitting, sampled, summarized;
	struct cpu_sample cpu0, cpu1;
	uint64_t sent_bytes, rcvd_bytes;
	uint64_t watch_bytes;
	double watch_t;

	bool have_peer;
	struct results peer;

	int err, err_errno;
	int stream_err, stream_errno; /* pending, see session_stream_error */
	struct event *ev_grace;
	const char *err_msg; /* overrides the IE text */
	char err_buf[256];
	char congestion[32]; /* TCP algorithm of the data streams */
	session_done_cb done_cb;
	void *done_arg;
};

/* session.c */
struct session *session_alloc(struct event_base *base, const struct settings *s,
    const struct session_out *o, bool client, session_done_cb cb, void *arg);
struct reporter *session_rpt(struct session *sess);
void session_set_state(struct session *sess, enum sess_state st);
void session_arm_timeout(struct session *sess, double secs);
void session_fail(struct session *sess, int code, int err);
void session_stream_error(struct session *sess, int code, int err);
void session_conclude(struct session *sess);
void session_fill_test_start(struct session *sess);
void session_test_start(struct session *sess);
void session_test_running(struct session *sess);
void session_stop_streams(struct session *sess, bool close_fds);
void session_final_sample(struct session *sess);
void session_local_results(struct session *sess, struct results *r);
int session_apply_peer(struct session *sess, struct results *r);
void session_summary(struct session *sess, bool peer_known);
void session_sample_interval(struct session *sess, double now, bool final);
void session_drain(struct session *sess);
void session_ctl_flush(struct session *sess);
void session_send_state(struct session *sess, signed char st);
int session_stream_opts(struct session *sess, int fd);
const char *session_state_name(enum sess_state st);

/* session_client.c / session_server.c: control read and event handlers */
void session_client_read_cb(struct bufferevent *bev, void *arg);
void session_server_read_cb(struct bufferevent *bev, void *arg);
void session_ctl_event_cb(struct bufferevent *bev, short what, void *arg);
void session_client_end_test(struct session *sess);

/* stream.c */
struct stream *stream_new(struct session *sess, int fd, int k, bool sender);
void stream_start(struct stream *sp);
void stream_stop(struct stream *sp);
void stream_free(struct stream *sp);
uint64_t stream_byte_limit(const struct session *sess);
void stream_check_limits(struct session *sess);
void stream_fill_random(char *buf, size_t len);

/* stream_tcp.c */
void stream_tcp_init(struct stream *sp);
void stream_tcp_start(struct stream *sp);
void stream_tcp_write_cb(evutil_socket_t fd, short what, void *arg);
void stream_tcp_read_cb(evutil_socket_t fd, short what, void *arg);
void stream_tcp_sample(struct stream *sp);
void stream_tcp_drain(struct stream *sp);

/* stream_udp.c */
void stream_udp_init(struct stream *sp);
void stream_udp_start(struct stream *sp);
void stream_udp_write_cb(evutil_socket_t fd, short what, void *arg);
void stream_udp_read_cb(evutil_socket_t fd, short what, void *arg);

#endif /* EVPERF_SESSION_INT_H */
