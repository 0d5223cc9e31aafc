/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * cmdline.h: the option suites' command lines: "evperf LINE" split on
 * spaces into a mutable argv, parsed with options_parse().
 */
#ifndef EVPERF_TEST_CMDLINE_H
#define EVPERF_TEST_CMDLINE_H

#include "options.h"

#define CMDLINE_MAXARGS 40

struct cmdline {
	char buf[1024];
	char *argv[CMDLINE_MAXARGS + 1];
	int argc;
};

/* Split "evperf LINE" into cl->argv (NULL-terminated). */
void cmdline_split(struct cmdline *cl, const char *line);

/* Parse LINE; returns the rc and leaves the cause (or NULL) in *cause. */
int cmdline_parse(
    struct settings *s, struct cmdline *cl, const char *line, char **cause);

/* Parse a LINE that must succeed (a Check assertion otherwise). */
void cmdline_parse_ok(struct settings *s, struct cmdline *cl, const char *line);

#endif /* EVPERF_TEST_CMDLINE_H */
