/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep_linux_sctp.c: Linux's SCTP, through the kernel's own uapi header
 * and plain socket calls (no libsctp): the protocol number for one-to-one
 * style sockets, the options iperf3 sets on them (SCTP_NODELAY,
 * SCTP_MAXSEG, SCTP_INITMSG, SCTP_DISABLE_FRAGMENTS), sctp_bindx()'s add
 * (which is a setsockopt with the packed addresses), and SCTP_STATUS
 * for the reports. A kernel without SCTP fails at socket(2) with
 * EPROTONOSUPPORT, which the callers report as iperf3 does.
 */
#include "compat.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <linux/sctp.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "osdep.h"

int
osdep_sctp_protocol(void)
{
	return IPPROTO_SCTP;
}

/* SCTP_MAXSEG takes a struct sctp_assoc_value on Linux. */
static int
osdep_sctp_maxseg(evutil_socket_t fd, int v)
{
	struct sctp_assoc_value av;

	memset(&av, 0, sizeof(av));
	av.assoc_id = SCTP_FUTURE_ASSOC;
	av.assoc_value = (uint32_t)v;
	return setsockopt(fd, IPPROTO_SCTP, SCTP_MAXSEG, &av, sizeof(av));
}

/* SCTP_INITMSG with only the outbound stream count set. */
static int
osdep_sctp_ostreams(evutil_socket_t fd, int v)
{
	struct sctp_initmsg im;

	if (v < 0 || v > UINT16_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(&im, 0, sizeof(im));
	im.sinit_num_ostreams = (uint16_t)v;
	return setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
}

int
osdep_sctp_set(evutil_socket_t fd, enum osdep_sctp_opt opt, int v)
{
	switch (opt) {
	case OSDEP_SCTP_NODELAY:
		return setsockopt(
		    fd, IPPROTO_SCTP, SCTP_NODELAY, &v, sizeof(v));
	case OSDEP_SCTP_MAXSEG:
		return osdep_sctp_maxseg(fd, v);
	case OSDEP_SCTP_OSTREAMS:
		return osdep_sctp_ostreams(fd, v);
	case OSDEP_SCTP_DISABLE_FRAGMENTS:
		return setsockopt(
		    fd, IPPROTO_SCTP, SCTP_DISABLE_FRAGMENTS, &v, sizeof(v));
	}
	errno = EINVAL;
	return -1;
}

int
osdep_sctp_bindx(evutil_socket_t fd, const void *addrs, size_t len)
{
	if (len == 0 || len > INT_MAX) {
		errno = EINVAL;
		return -1;
	}
	return setsockopt(
	    fd, IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD, addrs, (socklen_t)len);
}

int
osdep_sctp_sample(evutil_socket_t fd, struct tcp_sample *ts)
{
	struct sctp_status st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	st.sstat_assoc_id = SCTP_FUTURE_ASSOC;
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len) == -1)
		return -1;
	memset(ts, 0, sizeof(*ts));
	ts->snd_cwnd = st.sstat_primary.spinfo_cwnd;
	ts->snd_wnd = st.sstat_rwnd;
	ts->rtt = st.sstat_primary.spinfo_srtt;
	ts->pmtu = st.sstat_primary.spinfo_mtu;
	return 0;
}
