/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * osdep.h: operating-system specific socket facts, one osdep_<os>.c per OS
 * chosen by CMake. No OS #ifdef appears anywhere else.
 */
#ifndef EVPERF_OSDEP_H
#define EVPERF_OSDEP_H

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
int osdep_tcp_sample(int fd, struct tcp_sample *ts);

/* Bytes written to fd that the peer has not acknowledged yet, or -1. */
int osdep_unacked_bytes(int fd);

#endif /* EVPERF_OSDEP_H */
