/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * units.h: parsing "10M"/"1G" sizes and rates, and iperf3-exact formatting
 * of transfer and bitrate columns. Pure functions.
 */
#ifndef EVPERF_UNITS_H
#define EVPERF_UNITS_H

#include "compat.h"

/*
 * Parse a size with an optional binary suffix (k/K=1024, m/M, g/G, t/T),
 * as iperf3 parses -n, -k, -l, -w. Accepts a fractional number ("1.5M").
 * Returns 0 and stores the value, or -1 on garbage, negative or overflow.
 */
int units_parse_size(const char *s, uint64_t *out);

/*
 * Parse a rate with an optional decimal suffix (k=1e3, m=1e6, g=1e9,
 * t=1e12, either case), as iperf3 parses -b and --fq-rate.
 * Returns 0 and stores the value, or -1.
 */
int units_parse_rate(const char *s, uint64_t *out);

/*
 * Format a byte count the way iperf3's Transfer column does: adaptive,
 * base 1024, "%4.2f"/"%4.1f"/"%4.0f" by magnitude, then " KBytes" etc.
 * ("1.10 GBytes", " 128 KBytes", "0.00 Bytes"). Writes into buf.
 */
void units_fmt_bytes(char *buf, size_t len, double bytes);

/*
 * Format a rate (bytes per second in, like iperf3's unit_snprintf) for the
 * Bitrate column per the -f letter: 'a' adaptive bits base 1000
 * ("944 Mbits/sec"), k/m/g/t fixed bits, K/M/G/T fixed bytes base 1024
 * ("112 MBytes/sec"). Writes into buf, including the "/sec" suffix.
 */
void units_fmt_rate(char *buf, size_t len, double bytes_per_sec, char fmt);

/* True if c is a valid -f letter (k m g t K M G T, or a for adaptive). */
bool units_valid_format(char c);

#endif /* EVPERF_UNITS_H */
