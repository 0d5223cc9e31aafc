/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * fixture.c: the loop tests' common ground. It owns the event_base (with
 * its deadline), the real client session and the real server, their
 * settings and their in-memory reports; it picks free loopback ports and
 * reads fields out of -J documents. Nothing here asserts on timing: the
 * loop stops when a condition holds, and the deadline only turns a hang
 * into a failure.
 */
#include "compat.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "closer.h"
#include "fixture.h"
#include "options.h"
#include "xev.h"

#define FIXTURE_WATCH_US 5000 /* how often the stop condition is checked */
#define FIXTURE_PORT_TRIES 20

static void
capture_open(struct capture *c)
{
	c->fp = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->fp);
}

static void
capture_close(struct capture *c)
{
	if (c->fp != NULL)
		fclose(c->fp);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

static void
fixture_watch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fixture *fx = arg;

	if (fx->until(fx, fx->until_arg))
		event_base_loopexit(fx->base, NULL);
}

void
fixture_tcase(Suite *s, const char *name, const TTest *fn, int nrows)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, FIXTURE_CASE_TIMEOUT);
	tcase_add_loop_test(tc, fn, 0, nrows);
	suite_add_tcase(s, tc);
}

struct fixture *
fixture_new(void)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct timeval deadline = { FIXTURE_DEADLINE, 0 };

	ck_assert_ptr_nonnull(fx);
	/* The fake peers write with plain write(2) through bufferevents. */
	signal(SIGPIPE, SIG_IGN);
	fx->base = xev_base_new();
	ck_assert_ptr_nonnull(fx->base);
	fx->ev_watch =
	    event_new(fx->base, -1, EV_PERSIST, fixture_watch_cb, fx);
	capture_open(&fx->cout);
	capture_open(&fx->cerr);
	capture_open(&fx->sout);
	capture_open(&fx->serr);
	fx->closer = closer_new(fx->base);
	ck_assert_int_eq(event_base_loopexit(fx->base, &deadline), 0);
	return fx;
}

/*
 * Set (or clear) libevent's EVENT_NO<METHOD> for every method but keep:
 * the one way to choose a backend without building the base here, so
 * that the loop keeps xev_base_new()'s priorities and dispatch slice.
 */
static void
fixture_backend_env(const char *keep, bool set)
{
	const char **m = event_get_supported_methods();
	char name[32];
	size_t i, j;

	for (i = 0; m != NULL && m[i] != NULL; i++) {
		if (strcmp(m[i], keep) == 0)
			continue;
		snprintf(name, sizeof(name), "EVENT_NO%s", m[i]);
		for (j = 0; name[j] != '\0'; j++)
			name[j] = (char)toupper((unsigned char)name[j]);
		if (set)
			ck_assert_int_eq(setenv(name, "1", 1), 0);
		else
			ck_assert_int_eq(unsetenv(name), 0);
	}
}

struct fixture *
fixture_new_backend(const char *method)
{
	struct fixture *fx;

	fixture_backend_env(method, true);
	fx = fixture_new();
	fixture_backend_env(method, false);
	ck_assert_str_eq(event_base_get_method(fx->base), method);
	return fx;
}

void
fixture_free(struct fixture *fx)
{
	session_free(fx->sess);
	server_free(fx->srv);
	closer_free(fx->closer);
	event_free(fx->ev_watch);
	event_base_free(fx->base);
	capture_close(&fx->cout);
	capture_close(&fx->cerr);
	capture_close(&fx->sout);
	capture_close(&fx->serr);
	free(fx);
}

bool
fixture_run(struct fixture *fx, fixture_until until, void *arg)
{
	struct timeval tv = { 0, FIXTURE_WATCH_US };

	fx->until = until;
	fx->until_arg = arg;
	if (!until(fx, arg)) {
		event_add(fx->ev_watch, &tv);
		event_base_dispatch(fx->base);
		event_del(fx->ev_watch);
	}
	event_base_loop(fx->base, EVLOOP_NONBLOCK);
	return until(fx, arg);
}

void
fixture_settings(struct settings *s, const char *const *argv)
{
	char *args[FIXTURE_MAX_ARGS + 2];
	char *cause = NULL;
	int argc = 0;

	args[argc++] = (char *)"evperf";
	for (; *argv != NULL; argv++) {
		ck_assert_int_lt(argc, FIXTURE_MAX_ARGS);
		args[argc++] = (char *)*argv;
	}
	args[argc] = NULL;
	if (options_parse(s, argc, args, &cause) == -1)
		ck_abort_msg("options_parse: %s", cause);
}

/* Append list (NULL-terminated) to argv at *n. */
static void
fixture_append(const char **argv, int *n, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++) {
		ck_assert_int_lt(*n, FIXTURE_MAX_ARGS);
		argv[(*n)++] = *list;
	}
	argv[*n] = NULL;
}

static void
fixture_client_done_cb(struct session *sess, void *arg)
{
	struct fixture *fx = arg;

	fx->sess_done = true;
}

bool
fixture_client_done(struct fixture *fx, void *arg)
{
	return fx->sess_done;
}

void
fixture_client(struct fixture *fx, int port, const char *const *extra)
{
	const char *argv[FIXTURE_MAX_ARGS + 1] = { "-c", "127.0.0.1", "-p",
		fx->cport, "-J" };
	int n = 5;
	struct session_out o = { fx->cout.fp, fx->cerr.fp, NULL, fx->closer,
		NULL };

	ck_assert_ptr_null(fx->sess);
	snprintf(fx->cport, sizeof(fx->cport), "%d", port);
	fixture_append(argv, &n, extra);
	fixture_settings(&fx->cset, argv);
	fx->sess_done = false;
	fx->sess = session_client_new(
	    fx->base, &fx->cset, &o, fixture_client_done_cb, fx);
	ck_assert_ptr_nonnull(fx->sess);
}

void
fixture_client_free(struct fixture *fx)
{
	session_free(fx->sess);
	fx->sess = NULL;
	fx->sess_done = false;
}

/*
 * A port free for TCP and UDP on 127.0.0.1 right now (the kernel's pick
 * for port 0, as libevent's regress_pick_a_port). Someone may take it
 * before the server binds it: fixture_server() then tries another.
 */
static int
fixture_pick_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int tfd, ufd, port = -1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tfd = socket(AF_INET, SOCK_STREAM, 0);
	ufd = socket(AF_INET, SOCK_DGRAM, 0);
	if (tfd != -1 && ufd != -1 &&
	    bind(tfd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(tfd, (struct sockaddr *)&sin, &len) == 0 &&
	    bind(ufd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		port = ntohs(sin.sin_port);
	if (tfd != -1)
		close(tfd);
	if (ufd != -1)
		close(ufd);
	return port;
}

void
fixture_server(struct fixture *fx, const char *const *extra)
{
	const char *argv[FIXTURE_MAX_ARGS + 1] = { "-s", "-B", "127.0.0.1",
		"-p", fx->sport, "-J" };
	struct session_out o = { fx->sout.fp, fx->serr.fp, NULL, fx->closer,
		NULL };
	int tries, n, err = 0;

	ck_assert_ptr_null(fx->srv);
	for (tries = 0; tries < FIXTURE_PORT_TRIES && fx->srv == NULL;
	     tries++) {
		if ((fx->port = fixture_pick_port()) == -1)
			continue;
		snprintf(fx->sport, sizeof(fx->sport), "%d", fx->port);
		n = 6;
		fixture_append(argv, &n, extra);
		fixture_settings(&fx->sset, argv);
		fx->srv = server_new(fx->base, &fx->sset, &o, &err);
		ck_assert_msg(fx->srv != NULL || err == EADDRINUSE,
		    "server_new: %s", strerror(err));
	}
	ck_assert_ptr_nonnull(fx->srv);
}

/* Parse the documents of c, back to back; keep the n-th. */
static size_t
capture_scan(struct capture *c, size_t n, cJSON **doc)
{
	const char *p, *end;
	cJSON *j;
	size_t i = 0;

	fflush(c->fp);
	for (p = c->buf; p != NULL && *p != '\0'; p = end) {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (*p == '\0' ||
		    (j = cJSON_ParseWithOpts(p, &end, false)) == NULL)
			break;
		if (doc != NULL && i == n)
			*doc = j;
		else
			cJSON_Delete(j);
		i++;
	}
	return i;
}

cJSON *
capture_doc(struct capture *c, size_t n)
{
	cJSON *doc = NULL;

	capture_scan(c, n, &doc);
	return doc;
}

size_t
capture_ndocs(struct capture *c)
{
	return capture_scan(c, 0, NULL);
}

const cJSON *
json_at(const cJSON *root, const char *path)
{
	char key[64];
	const char *dot;
	size_t len;

	while (root != NULL && *path != '\0') {
		dot = strchr(path, '.');
		len = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (len >= sizeof(key))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		if (cJSON_IsArray(root))
			root = cJSON_GetArrayItem(root, atoi(key));
		else
			root = cJSON_GetObjectItemCaseSensitive(root, key);
		path += len + (dot != NULL);
	}
	return root;
}

double
json_num(const cJSON *root, const char *path)
{
	const cJSON *it = json_at(root, path);

	ck_assert_msg(cJSON_IsNumber(it), "no number at %s", path);
	return it->valuedouble;
}

const char *
json_str(const cJSON *root, const char *path)
{
	const cJSON *it = json_at(root, path);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}
