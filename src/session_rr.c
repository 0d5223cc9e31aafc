/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * session_rr.c: request/response mode (--rr, --crr) in a test, both
 * roles. The client asks in its parameters ("evperf_rr"); an evperf
 * server confirms (EVPERF_RR_ACK after the wide role flag's 101). A
 * stock server never confirms: the client then refuses the test before
 * any data connection, never runs a bulk test in its place. With --rr the
 * test's data connections carry the transactions (stream_rr.c), and the
 * client's streams time them into the histogram the interval reports
 * read (struct session_lat, shared with --latency).
 */
#include "compat.h"

#include <stdio.h>

#include "errors.h"
#include "rr.h"
#include "session_int.h"

/* Server: the client asked for request/response and the wide flag is on. */
bool
session_rr_wanted(const struct session *sess)
{
	return sess->p.rr != RR_NONE && session_role_width(sess) == 2;
}

/*
 * Client, at CREATE_STREAMS: asked for --rr or --crr and the server did
 * not confirm it (a stock iperf3 server, or an older evperf one): refuse
 * the test before any data connection.
 */
bool
session_rr_refused(struct session *sess)
{
	if (sess->p.rr == RR_NONE || (sess->rr_ack && sess->p.roles == 2))
		return false;
	snprintf(sess->err_buf, sizeof(sess->err_buf),
	    "--%s needs an evperf server: the server did not confirm "
	    "request/response mode",
	    rr_mode_name(sess->p.rr));
	sess->err_msg = sess->err_buf;
	session_fail(sess, IE_UNIMP, 0);
	return true;
}

/* Client: its streams time every transaction into the reports' histogram. */
void
session_rr_init(struct session *sess)
{
	if (sess->p.rr == RR_NONE || !sess->role->client)
		return;
	session_lat_alloc(sess);
	sess->env.rr_lat = &sess->lat->fresh;
}
