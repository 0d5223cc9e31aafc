/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * fault.h: fault injection for tests. Seed 000 (a UDP server that a
 * client's departure poisons with ICMP-born receive errors) cannot be
 * staged under wine, which never raises WSAECONNRESET, nor reliably on
 * Linux: so the receive paths of every UDP socket ask fault_udp_recv()
 * first, and a test makes some of those calls fail with the platform's
 * reset error (osdep_udp_reset_error()) without taking a datagram.
 */
#ifndef EVPERF_FAULT_H
#define EVPERF_FAULT_H

#include "compat.h"

/*
 * Arm: after every `every` UDP receive calls that go through, the next n
 * fail (every 0: the next n calls fail, once). n 0 disarms.
 */
void fault_udp_resets(int n, int every);

/*
 * Read EVPERF_INJECT_UDP_RESETS=N[/K] ("N calls fail after every K") from
 * the environment. Returns 0, or -1 if it is set but malformed.
 */
int fault_from_env(void);

/*
 * Called first by every UDP receive: true when this call is to fail (the
 * socket error is set to the reset error; the caller returns -1 as if
 * the receive had failed).
 */
bool fault_udp_recv(void);

/* When armed: one warning line on stderr with how many calls failed. */
void fault_report(void);

#endif /* EVPERF_FAULT_H */
