/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options.h: argv -> struct settings. Never prints, never exits.
 */
#ifndef EVPERF_OPTIONS_H
#define EVPERF_OPTIONS_H

#include <stdio.h>

#include "settings.h"

/*
 * Fill *s from argv (defaults first, then options, then cross checks).
 * Returns 0 on success. On error returns -1 and sets *cause to a malloc'd
 * one-line message in iperf3's wording (without any "iperf3: " prefix), e.g.
 * "parameter error - number of parallel streams too large (maximum = 128)"
 * or "unrecognized option '--foo'"; the caller prints it and a usage hint.
 */
int options_parse(struct settings *s, int argc, char **argv, char **cause);

/* Set every field of *s to iperf3's default. */
void options_defaults(struct settings *s);

/*
 * True if argv asks for JSON output (-J, --json, --json-stream, or a short
 * option cluster with J), even if argv does not parse; *stream is set for
 * --json-stream. Lets main report a bad command line as a JSON document.
 */
bool options_wants_json(int argc, char **argv, bool *stream);

/* Print the version lines (-v) to fp. */
void options_print_version(FILE *fp);

/* Print the long help text (-h) to fp. */
void options_usage(FILE *fp);

/* Print the short "Usage: ... Try `evperf --help'" hint to fp. */
void options_usage_hint(FILE *fp);

#endif /* EVPERF_OPTIONS_H */
