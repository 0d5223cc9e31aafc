/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * udpstat.c: UDP receiver accounting with iperf3's semantics (protocol
 * reference 4.2, 4.3): a gap in sequence numbers counts as lost; a late or
 * duplicate datagram counts as out of order and cancels one loss; tail
 * loss is never seen. Jitter is RFC 1889 section 6.3.1 / A.8: the running
 * mean of |transit difference| with gain 1/16, in seconds.
 */
#include "compat.h"

#include <math.h>
#include <string.h>

#include "udpstat.h"

void
udpstat_init(struct udpstat *us)
{
	memset(us, 0, sizeof(*us));
}

void
udpstat_datagram(struct udpstat *us, uint64_t seq, double sent, double arrival)
{
	double transit = fabs(arrival - sent), d;

	us->datagrams++;
	if (seq > us->max_seq) {
		if (seq > us->max_seq + 1)
			us->lost += (int64_t)(seq - us->max_seq - 1);
		us->max_seq = seq;
	} else {
		us->out_of_order++;
		if (us->lost > 0)
			us->lost--;
	}
	if (!us->have_transit) {
		us->prev_transit = transit;
		us->have_transit = true;
	}
	d = fabs(transit - us->prev_transit);
	us->prev_transit = transit;
	us->jitter += (d - us->jitter) / 16.0;
}
