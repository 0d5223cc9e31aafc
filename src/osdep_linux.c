/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep_linux.c: Linux TCP_INFO sampling, the unacknowledged-bytes query
 * (SIOCOUTQ) used to order data connections towards stock servers, the
 * classification of transient UDP errors, and batched datagram I/O
 * (sendmmsg/recvmmsg; CMake compiles this file with _GNU_SOURCE), and
 * the path options: MPTCP, SO_BINDTODEVICE, IPv6 flow labels, and CPU
 * affinity.
 */
#include "compat.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/in6.h>
#include <netinet/udp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osdep.h"

bool
osdep_has_retrans(void)
{
	return true;
}

int
osdep_tcp_sample(evutil_socket_t fd, struct tcp_sample *ts)
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

/* A socket's send queue as an ioctl tells it (SIOCOUTQ, SIOCOUTQNSD). */
static int
osdep_outq(evutil_socket_t fd, unsigned long req)
{
	int n;

	if (ioctl(fd, req, &n) == -1)
		return -1;
	return n;
}

int
osdep_unacked_bytes(evutil_socket_t fd)
{
	return osdep_outq(fd, SIOCOUTQ);
}

int
osdep_unsent_bytes(evutil_socket_t fd)
{
	return osdep_outq(fd, SIOCOUTQNSD);
}

bool
osdep_udp_transient(int err)
{
	switch (err) {
	case ECONNREFUSED:
	case ECONNRESET:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
	case ENOBUFS:
		return true;
	default:
		return false;
	}
}

int
osdep_udp_reset_error(void)
{
	return ECONNREFUSED;
}

/* Linux reports an ICMP error once, on a connected socket only. */
int
osdep_udp_socket(evutil_socket_t fd)
{
	return 0;
}

int
osdep_send_dgrams(evutil_socket_t fd, struct iovec (*iov)[2], int n)
{
	struct mmsghdr msgs[64];
	int i;

	if (n > (int)nitems(msgs))
		n = (int)nitems(msgs);
	memset(msgs, 0, sizeof(msgs[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		msgs[i].msg_hdr.msg_iov = iov[i];
		msgs[i].msg_hdr.msg_iovlen = 2;
	}
	return sendmmsg(fd, msgs, (unsigned int)n, MSG_DONTWAIT);
}

int
osdep_recv_dgrams(evutil_socket_t fd, struct iovec *iov, size_t *len, int n)
{
	struct mmsghdr msgs[64];
	int i, got;

	if (n > (int)nitems(msgs))
		n = (int)nitems(msgs);
	memset(msgs, 0, sizeof(msgs[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	got = recvmmsg(fd, msgs, (unsigned int)n, MSG_DONTWAIT, NULL);
	for (i = 0; i < got; i++)
		len[i] = msgs[i].msg_len;
	return got;
}

int
osdep_udp_gso(evutil_socket_t fd, int size)
{
	return setsockopt(fd, IPPROTO_UDP, UDP_SEGMENT, &size, sizeof(size));
}

int
osdep_udp_gro(evutil_socket_t fd)
{
	int on = 1;

	return setsockopt(fd, IPPROTO_UDP, UDP_GRO, &on, sizeof(on));
}

int
osdep_recv_gro(
    evutil_socket_t fd, struct iovec *iov, size_t *len, int *seg, int n)
{
	struct mmsghdr msgs[16];
	char ctl[16][CMSG_SPACE(sizeof(int))];
	struct cmsghdr *cm;
	int i, got;

	if (n > (int)nitems(msgs))
		n = (int)nitems(msgs);
	memset(msgs, 0, sizeof(msgs[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_control = ctl[i];
		msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
	}
	if ((got = recvmmsg(fd, msgs, (unsigned int)n, MSG_DONTWAIT, NULL)) ==
	    -1)
		return -1;
	for (i = 0; i < got; i++) {
		len[i] = msgs[i].msg_len;
		seg[i] = 0;
		for (cm = CMSG_FIRSTHDR(&msgs[i].msg_hdr); cm != NULL;
		     cm = CMSG_NXTHDR(&msgs[i].msg_hdr, cm))
			if (cm->cmsg_level == IPPROTO_UDP &&
			    cm->cmsg_type == UDP_GRO)
				memcpy(&seg[i], CMSG_DATA(cm), sizeof(int));
	}
	return got;
}

/*
 * Thousands of streams need thousands of descriptors, and the usual soft
 * limit is 1024: take what the hard limit allows (it costs nothing until
 * used), as a long-running server with many clients wants it too.
 */
int
osdep_raise_nofile(long need, long *hard)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0; /* nothing known: let the test find out */
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_max != RLIM_INFINITY && (long)rl.rlim_max < need) {
		*hard = (long)rl.rlim_max;
		return -1;
	}
	return 0;
}

/* The first number in a /proc/sys file, or -1. */
static long
osdep_proc_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int
osdep_somaxconn(void)
{
	long v = osdep_proc_long("/proc/sys/net/core/somaxconn");

	return v > 0 && v <= INT_MAX ? (int)v : -1;
}

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262 /* Linux 5.6; older libc headers lack it */
#endif

int
osdep_mptcp_protocol(void)
{
	return IPPROTO_MPTCP;
}

int
osdep_bind_dev(evutil_socket_t fd, int family, const char *dev)
{
	char name[IFNAMSIZ];

	/* As iperf3: a name too long for an interface is cut, not refused. */
	memset(name, 0, sizeof(name));
	strncpy(name, dev, sizeof(name) - 1);
	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, sizeof(name));
}

int
osdep_flowlabel(evutil_socket_t fd, struct sockaddr_in6 *dst, int label)
{
	struct in6_flowlabel_req req;
	int on = 1;

	memset(&req, 0, sizeof(req));
	req.flr_label = htonl((uint32_t)label & 0xfffff);
	req.flr_action = IPV6_FL_A_GET;
	req.flr_flags = IPV6_FL_F_CREATE;
	req.flr_share = IPV6_FL_S_ANY;
	memcpy(&req.flr_dst, &dst->sin6_addr, sizeof(req.flr_dst));
	if (setsockopt(
		fd, IPPROTO_IPV6, IPV6_FLOWLABEL_MGR, &req, sizeof(req)) == -1)
		return -1;
	dst->sin6_flowinfo = req.flr_label;
	return setsockopt(
	    fd, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, &on, sizeof(on));
}

/* Sized for -A's largest core, 1024, which CPU_SETSIZE just misses. */
#define OSDEP_NCPUS 2048

struct osdep_cpus {
	cpu_set_t *set;
};

struct osdep_cpus *
osdep_affinity_get(void)
{
	struct osdep_cpus *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->set = CPU_ALLOC(OSDEP_NCPUS)) == NULL ||
	    sched_getaffinity(0, CPU_ALLOC_SIZE(OSDEP_NCPUS), c->set) == -1) {
		if (c != NULL && c->set != NULL)
			CPU_FREE(c->set);
		free(c);
		return NULL;
	}
	return c;
}

int
osdep_affinity_set(int core)
{
	cpu_set_t *set;
	size_t size = CPU_ALLOC_SIZE(OSDEP_NCPUS);
	int rc;

	if (core < 0 || core >= OSDEP_NCPUS) {
		errno = EINVAL;
		return -1;
	}
	if ((set = CPU_ALLOC(OSDEP_NCPUS)) == NULL)
		return -1;
	CPU_ZERO_S(size, set);
	CPU_SET_S((size_t)core, size, set);
	rc = sched_setaffinity(0, size, set);
	CPU_FREE(set);
	return rc;
}

int
osdep_affinity_put(struct osdep_cpus *saved)
{
	int rc;

	if (saved == NULL)
		return 0;
	rc = sched_setaffinity(0, CPU_ALLOC_SIZE(OSDEP_NCPUS), saved->set);
	CPU_FREE(saved->set);
	free(saved);
	return rc;
}

int
osdep_set_pacing_rate(evutil_socket_t fd, uint64_t rate)
{
	return setsockopt(
	    fd, SOL_SOCKET, SO_MAX_PACING_RATE, &rate, sizeof(rate));
}

int
osdep_set_user_timeout(evutil_socket_t fd, int ms)
{
	unsigned int v = (unsigned int)ms;

	return setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, sizeof(v));
}

static const int osdep_ka_opt[] = {
	[OSDEP_KA_IDLE] = TCP_KEEPIDLE,
	[OSDEP_KA_INTVL] = TCP_KEEPINTVL,
	[OSDEP_KA_CNT] = TCP_KEEPCNT,
};

int
osdep_get_keepalive(evutil_socket_t fd, enum osdep_keepalive k, int *v)
{
	socklen_t len = sizeof(*v);

	return getsockopt(fd, IPPROTO_TCP, osdep_ka_opt[k], v, &len);
}

int
osdep_set_keepalive(evutil_socket_t fd, enum osdep_keepalive k, int v)
{
	return setsockopt(fd, IPPROTO_TCP, osdep_ka_opt[k], &v, sizeof(v));
}

/* IP_PMTUDISC_DO: DF set, and a send above the path MTU gets EMSGSIZE. */
int
osdep_set_dontfrag(evutil_socket_t fd)
{
	int v = IP_PMTUDISC_DO;

	return setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
}

bool
osdep_has_sendfile(void)
{
	return true;
}

int
osdep_payload_fd(const void *buf, size_t len)
{
	int fd;

	if ((fd = memfd_create("evperf-payload", MFD_CLOEXEC)) == -1)
		return -1;
	if (osdep_file_write(fd, buf, len) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

ssize_t
osdep_sendfile(evutil_socket_t s, int fd, uint64_t off, size_t len)
{
	off_t o = (off_t)off;

	return sendfile(s, fd, &o, len);
}

/*
 * With MSG_TRUNC a TCP recv frees the bytes without copying them and
 * returns how many it freed, at most len (Linux). The count is clamped
 * anyway: it only counts, and buf is never written through it.
 */
ssize_t
osdep_recv_discard(evutil_socket_t s, void *buf, size_t len)
{
	ssize_t n = recv(s, buf, len, MSG_TRUNC | MSG_DONTWAIT);

	if (n > 0 && (size_t)n > len)
		n = (ssize_t)len;
	return n;
}

int
osdep_file_open(const char *path, bool write)
{
	return open(path,
	    write ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
		  : O_RDONLY | O_CLOEXEC,
	    S_IRUSR | S_IWUSR);
}

ssize_t
osdep_file_read_at(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, (off_t)off);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
osdep_file_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if ((n = write(fd, p + done, len - done)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

void
osdep_file_close(int fd)
{
	(void)close(fd);
}

int64_t
osdep_file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
}
