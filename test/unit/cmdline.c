/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * cmdline.c: see cmdline.h.
 */
#include "compat.h"

#include <check.h>
#include <stdio.h>

#include "cmdline.h"

void
cmdline_split(struct cmdline *cl, const char *line)
{
	char *p;

	snprintf(cl->buf, sizeof(cl->buf), "evperf %s", line);
	cl->argc = 0;
	for (p = cl->buf; *p != '\0'; p++) {
		if (*p == ' ')
			*p = '\0';
		else if ((p == cl->buf || p[-1] == '\0') &&
		    cl->argc < CMDLINE_MAXARGS)
			cl->argv[cl->argc++] = p;
	}
	cl->argv[cl->argc] = NULL;
}

int
cmdline_parse(
    struct settings *s, struct cmdline *cl, const char *line, char **cause)
{
	cmdline_split(cl, line);
	*cause = NULL;
	return options_parse(s, cl->argc, cl->argv, cause);
}

void
cmdline_parse_ok(struct settings *s, struct cmdline *cl, const char *line)
{
	char *cause = NULL;
	int rc;

	rc = cmdline_parse(s, cl, line, &cause);
	ck_assert_msg(
	    rc == 0, "'%s' failed: %s", line, cause != NULL ? cause : "(null)");
	ck_assert_ptr_null(cause);
}
