/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep.h: operating-system specific socket facts, one osdep_<os>.c per OS
 * chosen by CMake. No OS #ifdef appears anywhere else.
 */
#ifndef EVPERF_OSDEP_H
#define EVPERF_OSDEP_H

#include <sys/uio.h>

#include <event2/util.h>

#include "compat.h"

/* One TCP_INFO sample of a socket, in iperf3's units. */
struct tcp_sample {
	uint64_t total_retrans; /* tcpi_total_retrans */
	uint64_t snd_cwnd; /* bytes: tcpi_snd_cwnd * tcpi_snd_mss */
	uint64_t snd_wnd; /* bytes */
	uint64_t rtt, rttvar; /* microseconds */
	uint64_t pmtu;
	uint64_t reorder; /* tcpi_reord_seen */
};

/* True if this OS reports TCP retransmits (iperf3's has_tcpinfo_retransmits). */
bool osdep_has_retrans(void);

/* Sample TCP_INFO of fd; returns 0, or -1 (sample zeroed). */
int osdep_tcp_sample(evutil_socket_t fd, struct tcp_sample *ts);

/* Bytes written to fd that the peer has not acknowledged yet, or -1. */
int osdep_unacked_bytes(evutil_socket_t fd);

/* Bytes written to fd that TCP has not sent yet (still queued), or -1. */
int osdep_unsent_bytes(evutil_socket_t fd);

/*
 * True if err on a UDP stream's send or receive is transient: an ICMP
 * error surfacing on a connected socket (the peer's port closed, a route
 * flapped). Such errors are counted and the stream goes on; only the
 * control connection ends a test. The one place that classifies them
 * (Windows: WSAECONNRESET, WSAENETRESET and the like).
 */
bool osdep_udp_transient(int err);

/*
 * The error an ICMP "port unreachable" leaves on a UDP socket's next
 * receive: ECONNREFUSED on Linux, WSAECONNRESET on Windows (seed 000).
 * fault.c injects it.
 */
int osdep_udp_reset_error(void);

/*
 * Set up a new UDP socket: on Windows, turn off SIO_UDP_CONNRESET and
 * SIO_UDP_NETRESET so ICMP errors stop surfacing as receive errors (on
 * Linux there is nothing to do). Returns 0, or -1 if the system refused
 * (the classifier still counts what surfaces).
 */
int osdep_udp_socket(evutil_socket_t fd);

/*
 * Send n datagrams in one call, datagram i gathered from iov[i][0] and
 * iov[i][1]. Returns how many went, or -1 with errno.
 */
int osdep_send_dgrams(evutil_socket_t fd, struct iovec (*iov)[2], int n);

/*
 * Receive up to n datagrams in one call, datagram i into iov[i], its size
 * into len[i]. Returns how many arrived, or -1 with errno.
 */
int osdep_recv_dgrams(
    evutil_socket_t fd, struct iovec *iov, size_t *len, int n);

/*
 * UDP segmentation offload: ask the kernel to cut every send on fd into
 * size-byte datagrams. Returns 0, or -1 where the kernel lacks it.
 */
int osdep_udp_gso(evutil_socket_t fd, int size);

/* UDP receive offload: coalesced receives on fd. 0, or -1 if absent. */
int osdep_udp_gro(evutil_socket_t fd);

/*
 * Receive up to n buffers from a GRO socket in one call, buffer i into
 * iov[i], its length into len[i] and the size of the datagrams it holds
 * into seg[i] (0 = one datagram). Returns how many, or -1 with errno.
 */
int osdep_recv_gro(
    evutil_socket_t fd, struct iovec *iov, size_t *len, int *seg, int n);

/*
 * Raise the soft limit on open descriptors towards the hard one, to need
 * at least. Returns 0, or -1 with *hard set when the hard limit is below
 * need.
 */
int osdep_raise_nofile(long need, long *hard);

/*
 * Linux's net.core.somaxconn: the most a listen() backlog can be, or -1
 * if unknown.
 */
int osdep_somaxconn(void);

/*
 * send(2) on a non-blocking socket without raising SIGPIPE where the
 * system has it: the count sent, or -1 and the socket error.
 */
ssize_t osdep_send(evutil_socket_t fd, const void *buf, size_t len);

/*
 * Copy avoidance (-Z, --skip-rx-copy) and -F files. Where a system lacks
 * a piece, the call fails (-1) and the caller copies instead, or refuses
 * the option as iperf3 does.
 */

/* True if TCP payload can be sent with sendfile (iperf3's -Z). */
bool osdep_has_sendfile(void);

/*
 * A read-only file holding len bytes of buf, for osdep_sendfile: its
 * descriptor, or -1 (errno) where there is none. Never written again.
 */
int osdep_payload_fd(const void *buf, size_t len);

/*
 * Send up to len bytes of file fd from offset off on socket s without
 * copying them through user space. Returns the count sent (0: fd ends
 * before off), or -1 and the socket error (EAGAIN when s is full).
 */
ssize_t osdep_sendfile(evutil_socket_t s, int fd, uint64_t off, size_t len);

/*
 * Receive up to len bytes from TCP socket s and discard them in the
 * kernel (MSG_TRUNC) where it can; elsewhere they are read into buf.
 * Returns the count taken, never more than len, 0 at end of file, or -1
 * and the socket error.
 */
ssize_t osdep_recv_discard(evutil_socket_t s, void *buf, size_t len);

/* Open -F's file: to read, or (write) created or truncated, mode 0600. */
int osdep_file_open(const char *path, bool write);

/* Read up to len bytes of file fd at offset off: count, 0 at end, -1. */
ssize_t osdep_file_read_at(int fd, void *buf, size_t len, uint64_t off);

/* Append len bytes to file fd: the count written, or -1 (errno). */
ssize_t osdep_file_write(int fd, const void *buf, size_t len);

void osdep_file_close(int fd);

/* The size of open file fd, or -1. */
int64_t osdep_file_size(int fd);

/*
 * A socket call failed with e (EVUTIL_SOCKET_ERROR(), which is errno on
 * POSIX): is it only "not now" (would block, interrupted)?
 */
bool osdep_err_retriable(int e);

/*
 * A non-blocking connect() failed with e: is the connect only under way
 * (EINPROGRESS; WSAEWOULDBLOCK on Winsock)?
 */
bool osdep_err_connecting(int e);

/*
 * A connect failed with e (refused, reset, no local port free for now):
 * worth another try while the connect timeout lasts?
 */
bool osdep_err_connect_retry(int e);

/* The text of a socket or system error (strerror(), or Winsock's). */
const char *osdep_strerror(int e);

/*
 * --fq-rate: cap the kernel's pacing of fd at rate bytes/s
 * (SO_MAX_PACING_RATE). Returns 0, or -1 with the socket error set
 * (Windows has no such cap: WSAEOPNOTSUPP).
 */
int osdep_set_pacing_rate(evutil_socket_t fd, uint64_t rate);

/*
 * --snd-timeout: fail the TCP connection on fd when sent data stays
 * unacknowledged for ms milliseconds (Linux TCP_USER_TIMEOUT, Windows
 * TCP_MAXRTMS). Returns 0, or -1 with the socket error set.
 */
int osdep_set_user_timeout(evutil_socket_t fd, int ms);

/* The TCP keepalive tunables of --cntl-ka. */
enum osdep_keepalive {
	OSDEP_KA_IDLE, /* TCP_KEEPIDLE, seconds */
	OSDEP_KA_INTVL, /* TCP_KEEPINTVL, seconds */
	OSDEP_KA_CNT, /* TCP_KEEPCNT, probes */
};

/* Read or set one keepalive tunable of fd: 0, or -1 with the error set. */
int osdep_get_keepalive(evutil_socket_t fd, enum osdep_keepalive k, int *v);
int osdep_set_keepalive(evutil_socket_t fd, enum osdep_keepalive k, int v);

/*
 * --dont-fragment: set the IPv4 Don't Fragment bit on what UDP socket fd
 * sends (Linux IP_MTU_DISCOVER = IP_PMTUDISC_DO, Windows IP_DONTFRAGMENT),
 * so a datagram above the path MTU fails instead. 0, or -1 (error set).
 */
int osdep_set_dontfrag(evutil_socket_t fd);

/*
 * Process-level pieces (osdep_posix.c on POSIX systems).
 */

/* Start the socket layer (WSAStartup on Windows): 0, or -1. */
int osdep_init(void);

/* CPU seconds this process has used: all, user and system. -1 if unknown. */
int osdep_cpu_times(double *proc, double *user, double *sys);

/* The system line of -V and system_info (uname's five fields); -1: "". */
int osdep_sysinfo(char *buf, size_t len);

long osdep_getpid(void);

/* Is a process with this PID alive (for -I's stale-file check)? */
bool osdep_pid_alive(long pid);

/*
 * Detach into the background, keeping the working directory (-D).
 * Returns 0, or -1 with why the system could not, in why.
 */
int osdep_daemon(char *why, size_t len);

/*
 * Prompt on stderr and read one line from standard input, which must be a
 * terminal, without echoing it (a password). The newline is dropped.
 * Returns 0, or -1 with why: not a terminal, end of input, interrupted
 * (the terminal is restored first), longer than len - 1 bytes.
 */
int osdep_read_password(
    const char *prompt, char *buf, size_t len, char *why, size_t whylen);

/*
 * The signals that end a test with its results (SIGINT, SIGTERM, SIGHUP
 * on POSIX, with SIGPIPE ignored), delivered as cb(arg) from the loop at
 * its first priority. NULL on failure.
 */
struct osdep_signals;
struct event_base;
struct osdep_signals *osdep_signals_new(
    struct event_base *base, void (*cb)(void *), void *arg);
void osdep_signals_free(struct osdep_signals *sg);

/*
 * Path options (-m, --bind-dev, -L, -A). Each returns 0, or -1 with the
 * reason left for EVUTIL_SOCKET_ERROR() (EOPNOTSUPP-like where this
 * system has no such thing); callers pick iperf3's IE code.
 */

/* -m: the protocol number of MPTCP for socket(2), or -1 if none here. */
int osdep_mptcp_protocol(void);

/*
 * --sctp: the protocol number of SCTP for a one-to-one style socket
 * (SOCK_STREAM, read and written like TCP), or -1 (socket error set)
 * where the system has none. A Linux kernel without the SCTP module only
 * fails at socket(2), with EPROTONOSUPPORT.
 */
int osdep_sctp_protocol(void);

/* The SCTP socket options iperf3 sets. */
enum osdep_sctp_opt {
	OSDEP_SCTP_NODELAY, /* -N: SCTP_NODELAY, v = 1 */
	OSDEP_SCTP_MAXSEG, /* -M: SCTP_MAXSEG, v bytes */
	OSDEP_SCTP_OSTREAMS, /* --nstreams: SCTP_INITMSG outbound streams */
	OSDEP_SCTP_DISABLE_FRAGMENTS, /* v = 0: messages may fragment */
};

/* Set one SCTP option on fd; -1 with the socket error set. */
int osdep_sctp_set(evutil_socket_t fd, enum osdep_sctp_opt opt, int v);

/*
 * -X: add the addresses packed at addrs (len bytes of sockaddr_in and
 * sockaddr_in6, back to back: sctp_bindx()'s layout) to fd's local
 * addresses (SCTP_BINDX_ADD_ADDR); -1 with the socket error set.
 */
int osdep_sctp_bindx(evutil_socket_t fd, const void *addrs, size_t len);

/*
 * SCTP_STATUS of fd's association, as iperf3 3.21 reads it: cwnd, the
 * peer's receive window (snd_wnd), smoothed RTT (us) and path MTU; the
 * other fields 0. -1 if unavailable.
 */
int osdep_sctp_sample(evutil_socket_t fd, struct tcp_sample *ts);

/*
 * --bind-dev: send and receive on fd only through interface dev
 * (SO_BINDTODEVICE; Windows: IP_UNICAST_IF by the interface's index).
 */
int osdep_bind_dev(evutil_socket_t fd, int family, const char *dev);

/*
 * -L: take IPv6 flow label label for fd's connection to *dst and put it
 * in dst->sin6_flowinfo, so that connect() uses it (IPV6_FLOWLABEL_MGR
 * and IPV6_FLOWINFO_SEND; Linux only).
 */
struct sockaddr_in6;
int osdep_flowlabel(evutil_socket_t fd, struct sockaddr_in6 *dst, int label);

/*
 * -A: the process's CPU set now (NULL if unknown), pin the process to
 * one core, and put a saved set back (and free it).
 */
struct osdep_cpus;
struct osdep_cpus *osdep_affinity_get(void);
int osdep_affinity_set(int core);
int osdep_affinity_put(struct osdep_cpus *saved);

#endif /* EVPERF_OSDEP_H */
