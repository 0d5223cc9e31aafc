/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * units.c: parsing of sizes ("10M", binary multipliers, for -n -k -l -w)
 * and rates ("100m", decimal multipliers, for -b), and the iperf3-exact
 * rendering of the Transfer and Bitrate columns, matching the behaviour of
 * iperf3's unit_snprintf(): adaptive scaling, then a four-column number
 * ("%4.2f" below 9.995, "%4.1f" below 99.95, else "%4.0f") and a label.
 * Pure functions: no state, no printing, no allocation.
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* One scale step: KILO .. TERA. Index 0 is the unit itself. */
#define UNITS_NSCALES 5

static const char *const units_byte_labels[UNITS_NSCALES] = { "Byte", "KByte",
	"MByte", "GByte", "TByte" };

static const char *const units_bit_labels[UNITS_NSCALES] = { "bit", "Kbit",
	"Mbit", "Gbit", "Tbit" };

/* Scale index for a suffix letter (either case), or -1 if not a suffix. */
static int
units_suffix_scale(char c)
{
	switch (tolower((unsigned char)c)) {
	case 'k':
		return 1;
	case 'm':
		return 2;
	case 'g':
		return 3;
	case 't':
		return 4;
	default:
		return -1;
	}
}

/*
 * Shared parser: a non-negative decimal (fractional allowed) and an
 * optional single suffix letter scaled by base^n. Rejects anything else,
 * including trailing characters, so that garbage is an error rather than
 * iperf3's silent zero.
 */
static int
units_parse(const char *s, double base, uint64_t *out)
{
	char *end;
	double v;
	int scale, i;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) ||
	    *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(v) || v < 0)
		return -1;
	if (*end != '\0') {
		if ((scale = units_suffix_scale(*end)) == -1 || end[1] != '\0')
			return -1;
		for (i = 0; i < scale; i++)
			v *= base;
	}
	/* 2^64 as a double; anything at or above it does not fit. */
	if (v >= 18446744073709551616.0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* Parse a size with a binary (1024-based) suffix, as for -n -k -l -w. */
int
units_parse_size(const char *s, uint64_t *out)
{
	return units_parse(s, 1024.0, out);
}

/* Parse a rate with a decimal (1000-based) suffix, as for -b. */
int
units_parse_rate(const char *s, uint64_t *out)
{
	return units_parse(s, 1000.0, out);
}

/*
 * Render value (already in bytes, or bits when bits is true) scaled by
 * fmt: 'a'/'A' adaptive, k/m/g/t (K/M/G/T) fixed. Bits scale by 1000,
 * bytes by 1024, as unit_snprintf does. suffix follows the label.
 */
static void
units_fmt(
    char *buf, size_t len, double v, bool bits, char fmt, const char *suffix)
{
	const char *const *labels;
	double base;
	int scale, prec, i;

	base = bits ? 1000.0 : 1024.0;
	labels = bits ? units_bit_labels : units_byte_labels;
	scale = units_suffix_scale(fmt);
	if (scale == -1) {
		scale = 0;
		while (v >= base && scale < UNITS_NSCALES - 1) {
			v /= base;
			scale++;
		}
	} else {
		for (i = 0; i < scale; i++)
			v /= base;
	}
	/* Keep four columns: 9.995 would round to 10.00, 99.95 to 100.0. */
	if (v < 9.995)
		prec = 2;
	else if (v < 99.95)
		prec = 1;
	else
		prec = 0;
	snprintf(buf, len, "%4.*f %s%s", prec, v, labels[scale], suffix);
}

/* Format a byte count as iperf3's Transfer column ("1.10 GBytes"). */
void
units_fmt_bytes(char *buf, size_t len, double bytes)
{
	units_fmt(buf, len, bytes, false, 'A', "s");
}

/*
 * Format a rate given in bytes per second as iperf3's Bitrate column:
 * lower-case (and adaptive 'a') letters render bits, upper-case bytes.
 */
void
units_fmt_rate(char *buf, size_t len, double bytes_per_sec, char fmt)
{
	if (isupper((unsigned char)fmt))
		units_fmt(buf, len, bytes_per_sec, false, fmt, "s/sec");
	else
		units_fmt(buf, len, bytes_per_sec * 8, true, fmt, "s/sec");
}

/* True if c is k m g t K M G T (iperf3's -f set) or 'a' (adaptive). */
bool
units_valid_format(char c)
{
	return c != '\0' && strchr("kmgtKMGTa", c) != NULL;
}
