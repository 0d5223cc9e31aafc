/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * pacer.c: rate arithmetic for -b. The budget at time t is
 * rate * (t - t0) bytes; as in iperf3, a datagram may go whenever what was
 * sent so far is not above the budget, so the first one leaves at once and
 * the average since the start stays at the target. With a burst of N the
 * sender waits until N datagrams are due and sends them back to back
 * (iperf3's -b RATE/N).
 */
#include "compat.h"

#include <math.h>

#include "pacer.h"

void
pacer_init(struct pacer *pc, uint64_t rate, int burst, double now)
{
	pc->bytes_per_sec = (double)rate / 8.0;
	pc->burst = burst > 0 ? burst : 1;
	pc->t0 = now;
	pc->sent = 0;
}

int
pacer_due(const struct pacer *pc, double now, size_t len, int max)
{
	double budget, n;

	if (pc->bytes_per_sec <= 0)
		return max;
	budget = pc->bytes_per_sec * (now - pc->t0) - (double)pc->sent;
	if (budget < 0)
		return 0;
	n = floor(budget / (double)len) + 1;
	return n > max ? max : (int)n;
}

void
pacer_sent(struct pacer *pc, size_t bytes)
{
	pc->sent += bytes;
}

double
pacer_wait(const struct pacer *pc, double now, size_t len)
{
	double need, at;

	if (pc->bytes_per_sec <= 0)
		return 0;
	need = (double)pc->sent + (double)len * (pc->burst - 1);
	at = pc->t0 + need / pc->bytes_per_sec;
	return at > now ? at - now : 0;
}
