/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * main.c: argv -> settings -> event base -> client or server -> exit code.
 * The only place that exits, sets up authentication (keys, users file,
 * password), opens the log file, daemonizes, writes the pid file and
 * turns signals into loop events. A failure before a test
 * exists (bad option, log file, pid file, listener) is reported like one
 * inside a test: with -J or --json-stream as a JSON document (events) with
 * "error" on stdout or the log file, else "iperf3: error - ..." on stderr.
 */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "auth.h"
#include "closer.h"
#include "fault.h"
#include "log.h"
#include "osdep.h"
#include "options.h"
#include "pidfile.h"
#include "report.h"
#include "server.h"
#include "session.h"
#include "xev.h"

#define MAIN_SPARE_FDS 32 /* control, listener, log, libevent's own */

struct app {
	struct event_base *base;
	struct settings set;
	struct auth *auth; /* --username or --rsa-private-key-path, or NULL */
	struct session_out out;
	struct session *sess; /* client */
	struct server *srv; /* server */
	int exit_code;
};

static void
main_client_done(struct session *sess, void *arg)
{
	struct app *app = arg;

	app->exit_code = session_error(sess) != 0;
	xev_loopexit(app->base);
}

static void
main_signal_cb(void *arg)
{
	struct app *app = arg;

	if (app->sess != NULL)
		session_interrupt(app->sess);
	else if (app->srv != NULL)
		server_interrupt(app->srv);
	else
		xev_loopexit(app->base);
}

static void
main_fail(const struct settings *s, FILE *out, FILE *errf, const char *msg)
{
	report_startup_error(s, out, errf, msg);
	exit(1);
}

/* A bad command line: as iperf3, or one JSON document if -J was asked. */
static void
main_bad_args(int argc, char **argv, char *cause)
{
	struct settings s;
	bool stream;

	if (!options_wants_json(argc, argv, &stream)) {
		fprintf(stderr, "iperf3: %s\n", cause);
		options_usage_hint(stderr);
		free(cause);
		exit(1);
	}
	options_defaults(&s);
	s.json = true;
	s.json_stream = stream;
	main_fail(&s, stdout, stderr, cause);
}

static void
main_parse(struct app *app, int argc, char **argv)
{
	char *cause = NULL;

	int rc;

	/* iperf3 prints this as it reads the option, before any error. */
	rc = options_parse(&app->set, argc, argv, &cause);
	if (app->set.no_fq_pacing) {
		fputs(
		    "Warning:  --no-fq-socket-pacing is deprecated\n", stdout);
		fflush(stdout);
	}
	if (rc == -1)
		main_bad_args(argc, argv, cause);
	if (app->set.show_help) {
		options_usage(stdout);
		exit(0);
	}
	if (app->set.show_version) {
		options_print_version(stdout);
		exit(0);
	}
	/* Keys, users file, password: all read now, before any test. */
	if (auth_from_settings(&app->set, &app->auth, &cause) == -1)
		main_bad_args(argc, argv, cause);
	app->out.auth = app->auth;
}

/* A startup failure, what and arg, reported on the current sinks. */
static void
main_report_text(struct app *app, const char *what, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s%s", what, arg);
	report_startup_error(&app->set, app->out.out, app->out.err, msg);
}

/* The same with error e's text appended. */
static void
main_report_err(struct app *app, const char *what, const char *arg, int e)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: %s", arg, osdep_strerror(e));
	main_report_text(app, what, msg);
}

static void
main_fail_errno(struct app *app, const char *what, const char *arg)
{
	main_report_err(app, what, arg, errno);
	exit(1);
}

/*
 * Descriptors: take the hard limit; a client that needs more for its
 * streams than it allows fails now, before it connects anything.
 */
static void
main_nofile(struct app *app)
{
	const struct settings *s = &app->set;
	long need = 0, hard;
	char msg[256];

	if (s->role == ROLE_CLIENT)
		need = (long)s->parallel * (s->bidir ? 2 : 1) + MAIN_SPARE_FDS;
	if (osdep_raise_nofile(need, &hard) == 0)
		return;
	snprintf(msg, sizeof(msg),
	    "unable to open %d streams: they need about %ld file descriptors "
	    "and the hard limit is %ld (ulimit -Hn)",
	    s->parallel * (s->bidir ? 2 : 1), need, hard);
	main_fail(s, app->out.out, app->out.err, msg);
}

/*
 * The log file takes the report. With -J it takes only the document (or
 * the stream lines): warnings stay on stderr so the file stays parseable.
 */
static void
main_setup_output(struct app *app)
{
	char why[128];
	FILE *fp;

	app->out.out = stdout;
	app->out.err = stderr;
	if (app->set.logfile != NULL) {
		if ((fp = fopen(app->set.logfile, "a+b")) == NULL)
			main_fail_errno(
			    app, "unable to open log file ", app->set.logfile);
		setvbuf(fp, NULL, _IOLBF, BUFSIZ);
		app->out.out = fp;
		if (!app->set.json)
			app->out.err = fp;
	}
	if (app->set.daemon && osdep_daemon(why, sizeof(why)) == -1) {
		main_report_text(app, "unable to become a daemon: ", why);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct app app;
	struct osdep_signals *sigs;
	int e;

	memset(&app, 0, sizeof(app));
	if (osdep_init() == -1)
		fatalx("unable to start the socket layer");
	main_parse(&app, argc, argv);
	log_init(app.set.debug);
	main_setup_output(&app);
	if (fault_from_env() == -1)
		fatalx("bad EVPERF_INJECT_UDP_RESETS (N or N/K)");
	main_nofile(&app);
	if (app.set.affinity != -1 &&
	    osdep_affinity_set(app.set.affinity) == -1)
		main_fail_errno(&app, "unable to set CPU affinity", "");
	if (app.set.pidfile != NULL && pidfile_write(app.set.pidfile) == -1)
		main_fail_errno(
		    &app, "unable to write PID file ", app.set.pidfile);
	if ((app.base = xev_base_new()) == NULL)
		fatalx("unable to create the event loop");
	if ((sigs = osdep_signals_new(app.base, main_signal_cb, &app)) == NULL)
		fatalx("unable to set up signal handling");
	app.out.closer = closer_new(app.base);
	if (app.set.role == ROLE_CLIENT)
		app.sess = session_client_new(
		    app.base, &app.set, &app.out, main_client_done, &app);
	else if ((app.srv = server_new(app.base, &app.set, &app.out, &e)) ==
	    NULL) {
		main_report_err(
		    &app, "unable to start listener for connections", "", e);
		app.exit_code = 1;
	}
	if ((app.sess != NULL || app.srv != NULL) &&
	    event_base_dispatch(app.base) == -1)
		fatalx("the event loop failed");
	if (app.srv != NULL)
		app.exit_code = server_exit_code(app.srv);
	session_free(app.sess);
	server_free(app.srv);
	app.sess = NULL;
	app.srv = NULL;
	/* The last connections close gracefully (bounded); a signal stops it. */
	closer_wait(app.out.closer);
	closer_free(app.out.closer);
	osdep_signals_free(sigs);
	event_base_free(app.base);
	auth_free(app.auth);
	if (app.set.pidfile != NULL)
		unlink(app.set.pidfile);
	fault_report();
	fflush(app.out.out);
	return app.exit_code;
}
