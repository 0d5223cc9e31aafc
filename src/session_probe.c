/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_probe.c: latency probes (--latency) in a test, both roles.
 * The client asks in its parameters; an evperf server confirms
 * (EVPERF_LATENCY_ACK after the wide role flag's 101) and then expects,
 * beside the data connections, one probe connection whose role flag is
 * PROTO_PROBE_FLAG. The client opens it first, runs the idle baseline on
 * it, and only then has the data connections made, so the baseline sees
 * an idle path. While the test runs the client sends requests at the
 * asked rate; its interval reports and summary carry the round trips
 * (struct session_lat). A stock server never confirms: the client then
 * refuses the test before any data connection, never ignores the option.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "closer.h"
#include "errors.h"
#include "log.h"
#include "net.h"
#include "osdep.h"
#include "probe.h"
#include "session_int.h"
#include "xev.h"

#define PROBE_CONNECT_TIMEOUT 30.0 /* seconds, as a data connection's */
#define PROBE_HELLO_RETRY 0.5 /* UDP: seconds before the hello goes again */

/* Server: the client asked for probes and the wide role flag is in use. */
bool
session_probe_wanted(const struct session *sess)
{
	return sess->p.latency > 0 && session_role_width(sess) == 2;
}

/*
 * Client, at CREATE_STREAMS: asked for probes and the server did not
 * confirm them (a stock iperf3 server, or an evperf one without them):
 * refuse the test before any data connection.
 */
bool
session_probe_refused(struct session *sess)
{
	if (sess->p.latency == 0 || (sess->probe_ack && sess->p.roles == 2))
		return false;
	snprintf(sess->err_buf, sizeof(sess->err_buf),
	    "--latency needs an evperf server: the server did not confirm "
	    "latency probes");
	sess->err_msg = sess->err_buf;
	session_fail(sess, IE_UNIMP, 0);
	return true;
}

static void
session_probe_cb(struct probe *pb, enum probe_event ev, int err, void *arg)
{
	struct session *sess = arg;

	(void)pb;
	if (ev == PROBE_EV_IDLE_DONE) {
		if (sess->probe_then != NULL && sess->state == SS_C_CREATING)
			sess->probe_then(sess);
		return;
	}
	/* Before the test, a client's probe is one of its connections. */
	if (sess->role->client && sess->state == SS_C_CREATING) {
		session_fail(
		    sess, IE_STREAMCONNECT, ev == PROBE_EV_EOF ? 0 : err);
		return;
	}
	if (!sess->role->client || sess->state != SS_RUNNING)
		return;
	snprintf(sess->err_buf, sizeof(sess->err_buf),
	    "latency probes stopped: %s",
	    ev == PROBE_EV_EOF ? "the server closed the probe connection"
		: err != 0     ? osdep_strerror(err)
			       : "a reply out of sequence");
	report_warning(session_rpt(sess), sess->err_buf);
}

/* Client: the probe connection is up: cookie and flag, then the baseline. */
static void
session_probe_connected_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	unsigned char hello[COOKIE_SIZE + 2];

	/* On failure fd stays with ev_probe: session_probe_free closes it. */
	if ((what & EV_TIMEOUT) && net_connect_pending(fd)) {
		session_fail(sess, IE_STREAMCONNECT, ETIMEDOUT);
		return;
	}
	memcpy(hello, sess->cookie, COOKIE_SIZE);
	hello[COOKIE_SIZE] = PROTO_PROBE_FLAG >> 8;
	hello[COOKIE_SIZE + 1] = PROTO_PROBE_FLAG & 0xff;
	if (net_connect_result(fd) == -1 ||
	    osdep_send(fd, hello, sizeof(hello)) != (ssize_t)sizeof(hello)) {
		session_fail(sess, IE_STREAMCONNECT, EVUTIL_SOCKET_ERROR());
		return;
	}
	sess->probe =
	    probe_new(sess->base, fd, true, false, session_probe_cb, sess);
	probe_idle(sess->probe);
}

/* UDP: "9876" and the probe's flag, as a UDP stream's hello (§3a). */
static int
session_probe_hello(evutil_socket_t fd)
{
	unsigned char hello[6] = { '9', '8', '7', '6', PROTO_PROBE_FLAG >> 8,
		PROTO_PROBE_FLAG & 0xff };

	return osdep_send(fd, hello, sizeof(hello)) == (ssize_t)sizeof(hello)
	    ? 0
	    : -1;
}

/*
 * UDP: the server's "6789" (or anything else first: the server echoes
 * nothing before it has answered). Without it, the hello goes again every
 * PROBE_HELLO_RETRY seconds until the connect timeout.
 */
static void
session_probe_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *sess = arg;
	unsigned char buf[8];
	ssize_t n;
	int err;

	if (what & EV_TIMEOUT) {
		if (clock_now() >= sess->probe_until) {
			session_fail(sess, IE_STREAMCONNECT, ETIMEDOUT);
			return;
		}
		if (session_probe_hello(fd) == -1 &&
		    !osdep_udp_transient(EVUTIL_SOCKET_ERROR()))
			session_fail(
			    sess, IE_STREAMWRITE, EVUTIL_SOCKET_ERROR());
		return;
	}
	n = recv(fd, (void *)buf, sizeof(buf), 0);
	err = EVUTIL_SOCKET_ERROR();
	if (n < 0 && (osdep_err_retriable(err) || osdep_udp_transient(err)))
		return;
	if (n != 4 || memcmp(buf, "6789", 4) != 0) {
		session_fail(sess, IE_STREAMREAD, n < 0 ? err : 0);
		return;
	}
	xev_del(sess->ev_probe);
	sess->probe =
	    probe_new(sess->base, fd, true, true, session_probe_cb, sess);
	probe_idle(sess->probe);
}

void
session_probe_open(struct session *sess, const struct net_addr *peer,
    void (*then)(struct session *sess))
{
	const struct settings *s = sess->set;
	struct net_path np = { 0, s->bind_dev };
	bool udp = sess->p.latency_udp;
	evutil_socket_t fd;

	sess->probe_then = then;
	fd = net_socket_path(peer->ss.ss_family, &np, s->bind_host, 0,
	    udp ? SOCK_DGRAM : SOCK_STREAM);
	if (fd == -1 || net_connect_fd(fd, peer) == -1 ||
	    (udp && session_probe_hello(fd) == -1)) {
		int err = EVUTIL_SOCKET_ERROR();

		if (fd != -1)
			evutil_closesocket(fd);
		session_fail(sess, IE_STREAMCONNECT, err);
		return;
	}
	sess->probe_until = clock_now() + PROBE_CONNECT_TIMEOUT;
	if (udp) {
		sess->ev_probe = xev_new(sess->base, fd, EV_READ | EV_PERSIST,
		    session_probe_udp_cb, sess);
		xev_add(sess->ev_probe, PROBE_HELLO_RETRY);
	} else {
		sess->ev_probe = xev_new(
		    sess->base, fd, EV_WRITE, session_probe_connected_cb, sess);
		xev_add(sess->ev_probe, PROBE_CONNECT_TIMEOUT);
	}
}

/*
 * Server: a connection with the probe's flag. 0, or -1 (closed). It must
 * be of the kind the client asked for (a TCP connection for TCP probes,
 * the UDP hello's socket for UDP ones): another is a stranger's.
 */
int
session_probe_adopt(struct session *sess, evutil_socket_t fd)
{
	int want = sess->p.latency_udp ? SOCK_DGRAM : SOCK_STREAM;

	if (!session_probe_wanted(sess) || sess->probe != NULL ||
	    net_socktype(fd) != want) {
		evutil_closesocket(fd);
		return -1;
	}
	sess->probe = probe_new(
	    sess->base, fd, false, sess->p.latency_udp, session_probe_cb, sess);
	return 0;
}

/* Server: the test still waits for its probe connection. */
bool
session_probe_missing(const struct session *sess)
{
	return session_probe_wanted(sess) && sess->probe == NULL;
}

/* The client's round trips for its reports (probes or transactions). */
void
session_lat_alloc(struct session *sess)
{
	if (sess->lat != NULL)
		return;
	sess->lat = xcalloc(1, sizeof(*sess->lat));
	lat_hist_init(&sess->lat->fresh);
	lat_hist_init(&sess->lat->cur);
	lat_hist_init(&sess->lat->held);
	lat_hist_init(&sess->lat->total);
}

/* TEST_RUNNING: the client's requests start (the server only echoes). */
void
session_probe_run(struct session *sess)
{
	if (sess->probe == NULL || !sess->role->client)
		return;
	session_lat_alloc(sess);
	probe_run(sess->probe, sess->p.latency);
}

/* The test's end: no more requests; with release, the socket closes. */
void
session_probe_stop(struct session *sess, bool release)
{
	evutil_socket_t fd;

	xev_del(sess->ev_probe);
	if (sess->probe == NULL)
		return;
	probe_halt(sess->probe);
	if (!release || (fd = probe_release(sess->probe)) == -1)
		return;
	if (sess->p.latency_udp)
		evutil_closesocket(fd);
	else
		closer_add(sess->out.closer, fd);
}

void
session_probe_free(struct session *sess)
{
	if (sess->ev_probe != NULL && sess->probe == NULL) {
		evutil_socket_t fd = event_get_fd(sess->ev_probe);

		if (fd != -1)
			evutil_closesocket(fd);
	}
	xev_free(sess->ev_probe);
	sess->ev_probe = NULL;
	probe_free(sess->probe);
	sess->probe = NULL;
	if (sess->lat != NULL) {
		lat_hist_free(&sess->lat->fresh);
		lat_hist_free(&sess->lat->cur);
		lat_hist_free(&sess->lat->held);
		lat_hist_free(&sess->lat->total);
		free(sess->lat);
		sess->lat = NULL;
	}
}

/*
 * Round trips timed since the last cut (the probe's, or those --rr's
 * streams put in fresh): into cur, and (after -O) total.
 */
void
session_lat_cut(struct session *sess, bool final)
{
	struct session_lat *l = sess->lat;

	if (l == NULL)
		return;
	if (sess->probe != NULL)
		probe_cut(sess->probe, &l->fresh, final);
	lat_hist_merge(&l->cur, &l->fresh);
	if (!sess->omitting)
		lat_hist_merge(&l->total, &l->fresh);
	lat_hist_reset(&l->fresh);
}

/*
 * The latency of an interval reported now with the times of when: h's
 * round trips (cur, or held), which are then cleared. NULL without probes.
 */
const struct rpt_latency *
session_lat_take(
    struct session *sess, struct lat_hist *h, const struct rpt_stream_iv *when)
{
	struct session_lat *l = sess->lat;

	if (l == NULL)
		return NULL;
	l->rpt.start = when->start;
	l->rpt.end = when->end;
	l->rpt.omitted = when->omitted;
	l->rpt.udp = sess->p.latency_udp;
	l->rpt.mode = sess->p.rr;
	lat_summarize(h, &l->rpt.rtt);
	lat_hist_reset(h);
	return &l->rpt;
}

/*
 * The summary's latency: out[0] under load (or the transactions of --rr,
 * --crr), out[1] the probes' idle baseline.
 */
void
session_lat_end(
    struct session *sess, struct rpt_end *end, struct rpt_latency out[2])
{
	struct session_lat *l = sess->lat;
	int i;

	if (l == NULL || (sess->probe == NULL && sess->p.rr == RR_NONE))
		return;
	memset(out, 0, 2 * sizeof(*out));
	out[0].start = 0;
	out[0].end = end->nstreams > 0 ? end->streams[0].local_seconds : 0;
	out[0].mode = sess->p.rr;
	lat_summarize(&l->total, &out[0].rtt);
	end->lat = &out[0];
	end->rr_req = sess->p.rr_req;
	end->rr_resp = sess->p.rr_resp;
	for (i = 0; i < sess->nstreams; i++)
		end->crr_retries += stream_crr_retries(sess->streams[i]);
	if (sess->probe == NULL)
		return;
	lat_summarize(probe_idle_hist(sess->probe), &out[1].rtt);
	out[0].udp = out[1].udp = sess->p.latency_udp;
	end->lat_idle = &out[1];
	end->lat_rate = sess->p.latency;
	end->lat_skipped = probe_skipped(sess->probe);
}
