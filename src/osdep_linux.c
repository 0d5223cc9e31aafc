/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep_linux.c: Linux TCP_INFO sampling and the unacknowledged-bytes
 * query (SIOCOUTQ) used to order data connections towards stock servers.
 */
#include "compat.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>

#include <string.h>

#include "osdep.h"

bool
osdep_has_retrans(void)
{
	return true;
}

int
osdep_tcp_sample(int fd, struct tcp_sample *ts)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(ts, 0, sizeof(*ts));
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return -1;
	ts->total_retrans = ti.tcpi_total_retrans;
	ts->snd_cwnd = (uint64_t)ti.tcpi_snd_cwnd * ti.tcpi_snd_mss;
	ts->snd_wnd = ti.tcpi_snd_wnd;
	ts->rtt = ti.tcpi_rtt;
	ts->rttvar = ti.tcpi_rttvar;
	ts->pmtu = ti.tcpi_pmtu;
	ts->reorder = ti.tcpi_reord_seen;
	return 0;
}

int
osdep_unacked_bytes(int fd)
{
	int n;

	if (ioctl(fd, SIOCOUTQ, &n) == -1)
		return -1;
	return n;
}
