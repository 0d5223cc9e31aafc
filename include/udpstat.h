/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * udpstat.h: a UDP receiver's bookkeeping, as iperf3 keeps it: highest
 * sequence number, lost and out-of-order counts, and RFC 1889 jitter.
 * Pure: time comes in as arguments.
 */
#ifndef EVPERF_UDPSTAT_H
#define EVPERF_UDPSTAT_H

#include "compat.h"

struct udpstat {
	uint64_t max_seq; /* highest sequence seen (iperf3 packet_count) */
	int64_t lost; /* iperf3 cnt_error */
	uint64_t out_of_order;
	uint64_t datagrams; /* datagrams actually received */
	double jitter; /* seconds */
	double prev_transit;
	bool have_transit;
};

void udpstat_init(struct udpstat *us);

/*
 * Account one datagram with sequence seq, sent at sent (sender's clock,
 * seconds) and arriving at arrival (receiver's clock, seconds).
 */
void udpstat_datagram(
    struct udpstat *us, uint64_t seq, double sent, double arrival);

#endif /* EVPERF_UDPSTAT_H */
