/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * fixture.h: what every loop test starts from (libevent's basic_setup):
 * one event_base with a deadline armed through event_base_loopexit(), a
 * real client session and a real server whose reports go to memory
 * streams, settings built by options_parse() from an argv list, a free
 * loopback port, and JSON path helpers for the -J documents.
 */
#ifndef EVPERF_LOOP_FIXTURE_H
#define EVPERF_LOOP_FIXTURE_H

#include <stdio.h>

#include <check.h>
#include <cjson/cJSON.h>
#include <event2/event.h>

#include "server.h"
#include "session.h"
#include "settings.h"

#define FIXTURE_DEADLINE 20 /* seconds: no case may run longer */
#define FIXTURE_MAX_ARGS 24

/* A report stream held in memory (open_memstream). */
struct capture {
	FILE *fp;
	char *buf;
	size_t len;
};

struct fixture;

/* Stop the loop once this holds. */
typedef bool (*fixture_until)(struct fixture *fx, void *arg);

struct fixture {
	struct event_base *base;
	struct event *ev_watch;
	fixture_until until;
	void *until_arg;
	struct closer *closer; /* both ends' connections on their way out */

	/* The real client: */
	char cport[8];
	struct settings cset;
	struct capture cout, cerr;
	struct session *sess;
	bool sess_done;

	/* The real server: */
	int port;
	char sport[8];
	struct settings sset;
	struct capture sout, serr;
	struct server *srv;
};

#define FIXTURE_CASE_TIMEOUT 30 /* seconds Check gives one case */

/* Add to s the case name: fn run for rows 0..nrows-1 (1: once). */
void fixture_tcase(Suite *s, const char *name, const TTest *fn, int nrows);

struct fixture *fixture_new(void);

/*
 * A fixture whose loop runs on libevent's backend method ("poll",
 * "select"), its base otherwise set up as xev_base_new() does.
 */
struct fixture *fixture_new_backend(const char *method);

/* Frees the client session and the server too. */
void fixture_free(struct fixture *fx);

/*
 * Run the loop until until(fx, arg) holds or the deadline passes; true
 * if it holds. A last non-blocking pass lets deferred callbacks run.
 */
bool fixture_run(struct fixture *fx, fixture_until until, void *arg);

/* options_parse() on "evperf" + argv (NULL-terminated); must succeed. */
void fixture_settings(struct settings *s, const char *const *argv);

/* A real client: -c 127.0.0.1 -p port -J, then extra (NULL-terminated). */
void fixture_client(struct fixture *fx, int port, const char *const *extra);

/* A real server on a free port: -s -B 127.0.0.1 -p PORT -J extra. */
void fixture_server(struct fixture *fx, const char *const *extra);

/* Free the client session, so that another one can start. */
void fixture_client_free(struct fixture *fx);

/* until: the client session has ended and told its owner. */
bool fixture_client_done(struct fixture *fx, void *arg);

/* The n-th complete JSON document in c (caller deletes), or NULL. */
cJSON *capture_doc(struct capture *c, size_t n);

/* How many complete JSON documents c holds. */
size_t capture_ndocs(struct capture *c);

/* The item at a dotted path ("end.streams.0.sender.bytes"), or NULL. */
const cJSON *json_at(const cJSON *root, const char *path);

/* The number at path; the case fails if there is none. */
double json_num(const cJSON *root, const char *path);

/* The string at path, or NULL. */
const char *json_str(const cJSON *root, const char *path);

#endif /* EVPERF_LOOP_FIXTURE_H */
