/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options_err.c: every cause the option parser returns, in iperf3's
 * wording ("parameter error - ...") or, for what getopt_long rejects, in
 * glibc's ("unrecognized option '--foo'", "option '--ti' is ambiguous;
 * possibilities: ..."), rebuilt here because options.c silences getopt
 * (opterr = 0). Messages name an option as the user typed it: the alias
 * or the full name of an abbreviation. This file only formats causes; it
 * never prints, never exits and never touches struct settings.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "options_int.h"

/* "parameter error - " and the text of iperf3 error code ie. */
int
options_err_ie(char **cause, int ie)
{
	char msg[256];

	errors_str(msg, sizeof(msg), ie, 0);
	xasprintf(cause, "parameter error - %s", msg);
	return -1;
}

/* getopt's "invalid option" shape, for a letter the table lacks. */
int
options_err_letter(char **cause, int opt_char)
{
	xasprintf(cause, "invalid option -- '%c'", opt_char);
	return -1;
}

/* How the user would name an option in a message: "-n" or "--cport". */
static void
options_err_name(char *buf, size_t len, const struct options_spec *sp)
{
	if (sp->val < 256)
		snprintf(buf, len, "-%c", sp->val);
	else
		snprintf(buf, len, "--%s", sp->name);
}

/* Turn a handler's result into the cause string for option sp. */
int
options_err_value(
    char **cause, int rc, const struct options_spec *sp, const char *arg)
{
	char name[64];

	/* iperf3's text says 128; evperf's own limit is higher. */
	if (rc == IE_NUMSTREAMS) {
		xasprintf(cause,
		    "parameter error - number of parallel streams too large "
		    "(maximum = %d)",
		    EVPERF_MAX_STREAMS);
		return -1;
	}
	/* 3.21 names the number before any "/N" (--nstreams: all of it). */
	if (rc == OPTIONS_EUNIT) {
		xasprintf(cause,
		    "parameter error - invalid unit value or suffix: '%.*s'",
		    (int)(sp->val == OPT_NSTREAMS ? strlen(arg)
						  : strcspn(arg, "/")),
		    arg);
		return -1;
	}
	/* iperf3 appends ": " and strerror(errno), here 0: just ": ". */
	if (rc == IE_AFFINITY) {
		xasprintf(
		    cause, "parameter error - unable to set CPU affinity: ");
		return -1;
	}
	if (rc != OPTIONS_EBADARG)
		return options_err_ie(cause, rc);
	if (sp->val == OPT_RR || sp->val == OPT_CRR) {
		xasprintf(cause,
		    "parameter error - invalid argument '%s' for option "
		    "'--%s' (REQ[/RESP]: 1 byte to 1M each)",
		    arg != NULL ? arg : "", sp->name);
	} else if (sp->val == 'P') {
		xasprintf(cause,
		    "parameter error - invalid number of parallel "
		    "streams (min = 1, max = %d)",
		    EVPERF_MAX_STREAMS);
	} else {
		options_err_name(name, sizeof(name), sp);
		xasprintf(cause,
		    "parameter error - invalid argument '%s' for "
		    "option '%s'",
		    arg != NULL ? arg : "", name);
	}
	return -1;
}

/* Append "possibilities" for an ambiguous prefix; return their count. */
static int
options_err_prefix_matches(const char *word, char *buf, size_t len)
{
	size_t i, wlen, used;
	int n, lastval;

	wlen = strcspn(word, "=");
	n = 0;
	lastval = -1;
	used = strlen(buf);
	for (i = 0; i < options_nopts; i++) {
		if (strncmp(options_table[i].name, word, wlen) != 0)
			continue;
		if (options_table[i].val != lastval)
			n++;
		lastval = options_table[i].val;
		if (used < len)
			used += snprintf(buf + used, len - used, " '--%s'",
			    options_table[i].name);
	}
	return n;
}

/*
 * The entry a "--word[=arg]" names, so that messages use the name as
 * matched (an alias, or the full name of an abbreviation); dflt if none.
 */
static const struct options_spec *
options_err_match_long(const char *word, const struct options_spec *dflt)
{
	const struct options_spec *prefix = NULL;
	size_t i, len;

	word += 2;
	len = strcspn(word, "=");
	for (i = 0; i < options_nopts; i++) {
		if (strncmp(options_table[i].name, word, len) != 0)
			continue;
		if (options_table[i].name[len] == '\0')
			return &options_table[i];
		if (prefix == NULL)
			prefix = &options_table[i];
	}
	return prefix != NULL ? prefix : dflt;
}

/*
 * Cause for getopt's '?': unknown option, ambiguous prefix, or an
 * argument given to a long option that takes none.
 */
int
options_err_unknown(char **cause, char **argv, int optind_after, int opt_char)
{
	const struct options_spec *sp;
	const char *word;
	char poss[512];

	word = argv[optind_after - 1];
	if (strncmp(word, "--", 2) != 0 ||
	    (opt_char != 0 && (sp = options_find(opt_char)) == NULL))
		return options_err_letter(cause, opt_char);
	if (opt_char != 0) {
		sp = options_err_match_long(word, sp);
		xasprintf(
		    cause, "option '--%s' doesn't allow an argument", sp->name);
		return -1;
	}
	poss[0] = '\0';
	if (options_err_prefix_matches(word + 2, poss, sizeof(poss)) > 1) {
		xasprintf(cause, "option '%.*s' is ambiguous; possibilities:%s",
		    (int)strcspn(word, "="), word, poss);
	} else
		xasprintf(cause, "unrecognized option '%s'", word);
	return -1;
}

/* Cause for getopt's ':' (missing argument), in glibc's two shapes. */
int
options_err_missing(char **cause, char **argv, int optind_after, int opt_char)
{
	const struct options_spec *sp;
	const char *word;

	word = argv[optind_after - 1];
	/*
	 * BSD's getopt_long (mingw-w64's too) answers ':' also for "--opt=x"
	 * where opt takes no argument: one was given, so it is not missing.
	 */
	if (strncmp(word, "--", 2) == 0 && strchr(word, '=') != NULL)
		return options_err_unknown(cause, argv, optind_after, opt_char);
	sp = options_find(opt_char);
	if (sp != NULL && strncmp(word, "--", 2) == 0) {
		sp = options_err_match_long(word, sp);
		xasprintf(
		    cause, "option '--%s' requires an argument", sp->name);
	} else
		xasprintf(
		    cause, "option requires an argument -- '%c'", opt_char);
	return -1;
}
