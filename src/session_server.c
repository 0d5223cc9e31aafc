/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_server.c: the server's control-channel state machine for one
 * test: cookie, parameters (untrusted, capped and validated), stream
 * acceptance, TEST_START/TEST_RUNNING, the end of the test on TEST_END and
 * the results exchange. Every wait on the client is bounded by a timeout,
 * so a silent or vanished client never keeps the server busy.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "errors.h"
#include "log.h"
#include "session_int.h"

#define SERVER_HANDSHAKE_TIMEOUT 10.0 /* cookie, parameters: as 3.15+ */
#define SERVER_STREAMS_TIMEOUT 30.0 /* all data connections */
#define SERVER_RESULTS_TIMEOUT 30.0 /* results and IPERF_DONE */

static int
server_total_streams(const struct session *sess)
{
	return sess->nrecv_wanted + sess->nsend_wanted;
}

static void server_udp_cb(evutil_socket_t fd, short what, void *arg);

/*
 * UDP streams "connect" on a socket bound to the test port (protocol
 * reference 3.3): the first datagram from a client socket turns it into
 * that stream's socket, and a fresh one is bound for the next stream.
 */
static int
server_udp_listen(struct session *sess)
{
	const struct settings *s = sess->set;

	sess->udp_fd = net_listen(s->bind_host, s->port, s->family, SOCK_DGRAM);
	if (sess->udp_fd == -1)
		return -1;
	sess->ev_udp = event_new(sess->base, sess->udp_fd, EV_READ | EV_PERSIST,
	    server_udp_cb, sess);
	if (sess->ev_udp == NULL)
		fatalx("%s: event_new failed", __func__);
	return event_add(sess->ev_udp, NULL);
}

static void
server_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	unsigned char buf[8];
	ssize_t n;
	int role;

	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n < 0 || sess->state != SS_S_CREATING)
		return; /* EAGAIN, a stray ICMP error, or too late */
	/* The content is not checked (as iperf3); the role flag follows. */
	role = session_uses_roles(sess) && n >= 5 ? buf[4] : -1;
	if (connect(fd, (struct sockaddr *)&from, flen) == -1) {
		session_fail(sess, IE_STREAMACCEPT, errno);
		return;
	}
	event_free(sess->ev_udp);
	sess->ev_udp = NULL;
	sess->udp_fd = -1;
	if (server_total_streams(sess) - sess->nstreams > 1 &&
	    server_udp_listen(sess) == -1) {
		close(fd);
		session_fail(sess, IE_STREAMLISTEN, errno);
		return;
	}
	if (send(fd, "6789", 4, MSG_NOSIGNAL) != 4) {
		close(fd);
		session_fail(sess, IE_STREAMWRITE, errno);
		return;
	}
	session_add_stream(sess, fd, role);
}

/* A -w the kernel cannot grant fails before CREATE_STREAMS, as iperf3. */
static int
server_check_params(struct session *sess)
{
	const struct test_params *p = &sess->p;
	int fd, rc = 0;

	if (p->window != 0) {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			return IE_SETBUF;
		rc = net_set_window(fd, p->window);
		close(fd);
		if (rc != 0)
			return rc == -2 ? IE_SETBUF2 : IE_SETBUF;
	}
	if (p->proto == PROTO_TCP && p->mss != 0 &&
	    net_set_mss(sess->listen_fd, p->mss) == -1)
		return IE_SETMSS;
	if (p->proto == PROTO_UDP && server_udp_listen(sess) == -1)
		return IE_STREAMLISTEN;
	return 0;
}

static void
server_take_params(struct session *sess, struct evbuffer *in)
{
	struct test_params *p = &sess->p;
	cJSON *j;
	int rc;

	rc = proto_take_json(in, PROTO_PARAMS_MAX, &j);
	if (rc == 0)
		return;
	if (rc < 0) {
		snprintf(sess->err_buf, sizeof(sess->err_buf),
		    "unable to receive parameters from client (%s)",
		    rc == -1 ? "length 0 or over the 8192-byte limit"
			     : "malformed JSON");
		sess->err_msg = sess->err_buf;
		session_fail(sess, IE_RECVPARAMS, 0);
		return;
	}
	rc = proto_params_from_json(j, p);
	cJSON_Delete(j);
	if (rc == 0)
		rc = server_check_params(sess);
	if (rc != 0) {
		session_fail(sess, rc, 0);
		return;
	}
	sess->nrecv_wanted = p->reverse ? 0 : p->parallel;
	sess->nsend_wanted = (p->reverse || p->bidir) ? p->parallel : 0;
	/* Only a client that offered the role flag ever sees this byte. */
	if (session_uses_roles(sess))
		session_send_state(sess, EVPERF_ROLES_ACK);
	session_send_state(sess, CREATE_STREAMS);
	session_set_state(sess, SS_S_CREATING);
	session_arm_timeout(sess, SERVER_STREAMS_TIMEOUT);
	clock_wall(&sess->start.timesecs, &sess->start.timemillisecs);
	session_fill_test_start(sess);
	report_on_connect(session_rpt(sess), &sess->start);
}

static void
server_take_cookie(struct session *sess, struct evbuffer *in)
{
	if (evbuffer_get_length(in) < COOKIE_SIZE)
		return;
	evbuffer_remove(in, sess->cookie, COOKIE_SIZE);
	sess->cookie[COOKIE_SIZE - 1] = '\0';
	memcpy(sess->start.cookie, sess->cookie, COOKIE_SIZE);
	session_send_state(sess, PARAM_EXCHANGE);
	session_set_state(sess, SS_S_WAIT_PARAMS);
	session_arm_timeout(sess, SERVER_HANDSHAKE_TIMEOUT);
}

static void
server_test_end(struct session *sess)
{
	session_final_sample(sess);
	session_stop_streams(sess, true);
	if (sess->ev_rcvwatch != NULL)
		event_del(sess->ev_rcvwatch);
	session_summary(sess, false);
	session_send_state(sess, EXCHANGE_RESULTS);
	session_set_state(sess, SS_S_WAIT_RESULTS);
	session_arm_timeout(sess, SERVER_RESULTS_TIMEOUT);
}

static void
server_send_results(struct session *sess)
{
	struct results r;
	cJSON *j;

	session_local_results(sess, &r);
	if (sess->p.get_server_output) {
		if (sess->set->json)
			r.server_output_json = report_dup_json(sess->rpt);
		else if (report_captured_text(sess->rpt) != NULL)
			r.server_output_text =
			    xstrdup(report_captured_text(sess->rpt));
	}
	j = proto_results_to_json(&r);
	proto_put_json(bufferevent_get_output(sess->ctl), j);
	cJSON_Delete(j);
	proto_results_free(&r);
	session_send_state(sess, DISPLAY_RESULTS);
	session_set_state(sess, SS_S_WAIT_DONE);
}

static void
server_take_results(struct session *sess, struct evbuffer *in)
{
	struct results r;
	struct stream *sp;
	cJSON *j;
	size_t i;
	int rc;

	rc = proto_take_json(in, PROTO_RESULTS_MAX, &j);
	if (rc == 0)
		return;
	if (rc < 0) {
		session_fail(sess, IE_RECVRESULTS, 0);
		return;
	}
	rc = proto_results_from_json(j, &r);
	cJSON_Delete(j);
	/* The report is out already (as iperf3's); only check the ids. */
	for (i = 0; rc == 0 && i < r.nstreams; i++) {
		TAILQ_FOREACH(sp, &sess->streams, entry)
		if (sp->id == r.streams[i].id)
			break;
		if (sp == NULL)
			rc = IE_STREAMID;
	}
	proto_results_free(&r);
	if (rc != 0) {
		session_fail(sess, rc, 0);
		return;
	}
	server_send_results(sess);
}

static void
server_handle_state(struct session *sess, signed char st)
{
	if (st == CLIENT_TERMINATE) {
		session_fail(sess, IE_CLIENTTERM, 0);
	} else if (st == TEST_END && sess->state == SS_RUNNING) {
		server_test_end(sess);
	} else if (st == IPERF_DONE && sess->state == SS_S_WAIT_DONE) {
		session_conclude(sess);
	} else if (st == TEST_START) {
		/* iperf3 servers silently ignore it. */
	} else
		session_fail(sess, IE_MESSAGE, 0);
}

void
session_server_read_cb(struct bufferevent *bev, void *arg)
{
	struct session *sess = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	signed char st;
	size_t before;

	while (sess->state != SS_DONE && evbuffer_get_length(in) > 0) {
		before = evbuffer_get_length(in);
		if (sess->state == SS_S_WAIT_COOKIE)
			server_take_cookie(sess, in);
		else if (sess->state == SS_S_WAIT_PARAMS)
			server_take_params(sess, in);
		else if (sess->state == SS_S_WAIT_RESULTS)
			server_take_results(sess, in);
		else if (proto_take_state(in, &st))
			server_handle_state(sess, st);
		if (evbuffer_get_length(in) == before)
			return; /* a message is still incomplete */
	}
}

static void
server_all_streams(struct session *sess)
{
	if (sess->p.mss != 0)
		net_set_mss(sess->listen_fd, 0);
	session_arm_timeout(sess, 0);
	session_send_state(sess, TEST_START);
	session_test_start(sess);
	session_send_state(sess, TEST_RUNNING);
	session_test_running(sess);
}

/* The listener set -M; the rest is per connection, as on the client. */
static int
server_stream_opts(struct session *sess, int fd)
{
	const struct test_params *p = &sess->p;
	int rc;

	if (net_set_nonblock(fd) == -1)
		return IE_NONBLOCKING;
	if ((rc = session_stream_opts(sess, fd)) != 0)
		return rc;
	/* An unknown algorithm is a warning, as in iperf3. */
	if (p->proto == PROTO_TCP && p->congestion != NULL &&
	    net_set_congestion(fd, p->congestion) == -1) {
		snprintf(sess->err_buf, sizeof(sess->err_buf),
		    "unable to set TCP_CONGESTION %s", p->congestion);
		report_warning(session_rpt(sess), sess->err_buf);
	}
	return 0;
}

/*
 * The server's side of a data connection: from the role flag when the
 * client sends one, else from accept order (receivers first, as iperf3).
 * Returns the index among the streams of that direction, or -1.
 */
static int
server_stream_role(struct session *sess, int role, bool *sender)
{
	int idx;

	if (role < 0) {
		*sender = sess->nrecv >= sess->nrecv_wanted;
		return *sender ? sess->nsend : sess->nrecv;
	}
	*sender = !(role & PROTO_ROLE_CLIENT_SENDS);
	idx = role & PROTO_ROLE_INDEX_MASK;
	if (idx >= sess->p.parallel)
		return -1;
	return idx;
}

/* Stream ids pair the two ends: client->server streams come first. */
static int
server_stream_k(const struct session *sess, bool sender, int idx)
{
	if (sess->p.bidir && sender)
		return sess->p.parallel + idx;
	return idx;
}

static void
server_insert_sorted(struct session *sess, struct stream *sp)
{
	struct stream *it;

	TAILQ_FOREACH(it, &sess->streams, entry)
	if (it->id > sp->id) {
		TAILQ_INSERT_BEFORE(it, sp, entry);
		return;
	}
	TAILQ_INSERT_TAIL(&sess->streams, sp, entry);
}

static bool
server_id_taken(const struct session *sess, int k)
{
	struct stream *sp;

	TAILQ_FOREACH(sp, &sess->streams, entry)
	if (sp->k == k)
		return true;
	return false;
}

int
session_add_stream(struct session *sess, int fd, int role)
{
	struct stream *sp;
	bool sender;
	int rc, idx, k;

	if (sess->state != SS_S_CREATING ||
	    (idx = server_stream_role(sess, role, &sender)) == -1 ||
	    (sender ? sess->nsend >= sess->nsend_wanted
		    : sess->nrecv >= sess->nrecv_wanted) ||
	    server_id_taken(sess, (k = server_stream_k(sess, sender, idx)))) {
		close(fd);
		return -1;
	}
	if ((rc = server_stream_opts(sess, fd)) != 0) {
		close(fd);
		session_fail(sess, rc, errno);
		return -1;
	}
	*(sender ? &sess->nsend : &sess->nrecv) += 1;
	sp = stream_new(sess, fd, k, sender);
	server_insert_sorted(sess, sp);
	sess->nstreams++;
	report_on_stream(session_rpt(sess), &sp->conn);
	if (sess->nstreams == server_total_streams(sess))
		server_all_streams(sess);
	return 0;
}

bool
session_wants_streams(const struct session *sess)
{
	return sess->state == SS_S_CREATING;
}

bool
session_cookie_matches(const struct session *sess, const char *cookie)
{
	return strncmp(sess->cookie, cookie, COOKIE_SIZE) == 0;
}

bool
session_uses_roles(const struct session *sess)
{
	return sess->p.roles && !sess->set->no_role_flag;
}

struct session *
session_server_new(struct event_base *base, const struct settings *s,
    const struct session_out *o, int ctl_fd, int listen_fd, session_done_cb cb,
    void *arg)
{
	struct session *sess = session_alloc(base, s, o, false, cb, arg);
	char lhost[RPT_HOST_LEN];
	int lport;

	sess->listen_fd = listen_fd;
	net_set_nonblock(ctl_fd);
	net_set_nodelay(ctl_fd);
	net_sock_names(ctl_fd, lhost, sizeof(lhost), &lport,
	    sess->start.accepted_host, sizeof(sess->start.accepted_host),
	    &sess->start.accepted_port);
	sess->ctl = bufferevent_socket_new(base, ctl_fd, BEV_OPT_CLOSE_ON_FREE);
	if (sess->ctl == NULL)
		fatalx("%s: bufferevent_socket_new failed", __func__);
	bufferevent_setcb(sess->ctl, session_server_read_cb, NULL,
	    session_ctl_event_cb, sess);
	bufferevent_enable(sess->ctl, EV_READ | EV_WRITE);
	session_set_state(sess, SS_S_WAIT_COOKIE);
	session_arm_timeout(sess, SERVER_HANDSHAKE_TIMEOUT);
	return sess;
}
