/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_scale.c: many streams, and a server out of descriptors. The wide
 * (2-byte) role flag from both ends: the real client at -P 200 and at
 * --bidir -P 150 against a fake server that confirms it and decodes every
 * flag, and the real server against a fake client that opens its 200
 * connections in a shuffled order (once with a stray index among them).
 * Then accept() failing with EMFILE on the real server: one warning, the
 * test waiting for its streams ends with the accept error, and once
 * descriptors are back the next client is served.
 */
#include "compat.h"

#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "fake.h"
#include "fixture.h"
#include "osdep.h"
#include "suites.h"

#define SCALE_NOFILE 1024 /* descriptors the widest case needs, both ends */
#define SCALE_P 200 /* streams in the server cases */
#define SCALE_STRAY 100 /* where the stray connection goes in the order */

/* Both ends of every data connection live in this process. */
static void
scale_nofile(void)
{
	long hard = 0;

	ck_assert_msg(osdep_raise_nofile(SCALE_NOFILE, &hard) == 0,
	    "hard limit of %ld descriptors, need %d", hard, SCALE_NOFILE);
}

/*
 * The entries of a results message by stream number k (bytes, or -1
 * where there is none); every id must be new and below n.
 */
static void
scale_results_by_k(const cJSON *results, int64_t *bytes, int n)
{
	const cJSON *o;
	int k;

	for (k = 0; k < n; k++)
		bytes[k] = -1;
	cJSON_ArrayForEach(o, json_at(results, "streams"))
	{
		k = proto_stream_k((int)json_num(o, "id"));
		ck_assert_msg(k >= 0 && k < n && bytes[k] == -1,
		    "stream id %d unexpected or repeated",
		    (int)json_num(o, "id"));
		bytes[k] = (int64_t)json_num(o, "bytes");
	}
}

/*
 * 1. The real client at -P 200 (or --bidir -P 150) against a fake server
 * that confirms the wide flag with EVPERF_ROLES2_ACK, as the real server
 * does: after the parameters, before CREATE_STREAMS. Every connection must
 * carry the cookie and a 2-byte flag naming each index of each direction
 * once; the test then runs to its -n budget, and the client's results
 * pair each stream with the connection its flag named.
 */
static const char start_running[] = { TEST_START, TEST_RUNNING };

static const struct wide_row {
	const char *name;
	const char *args[10];
	int parallel;
	bool bidir;
} wide_rows[] = {
	{ "-P 200", { "-P", "200", "-n", "1M", "-l", "4K", NULL }, 200, false },
	{ "--bidir -P 150",
	    { "--bidir", "-P", "150", "-n", "1M", "-l", "4K", NULL }, 150,
	    true },
};

static bool
wide_done(struct fixture *fx, void *arg)
{
	struct fake *fk = arg;

	if (!fx->sess_done)
		return false;
	/* A client that failed leaves the fake's script unfinished. */
	return session_error(fx->sess) != 0 || fk->fail[0] != '\0' ||
	    (fk->done && fake_conns_closed(fk));
}

/* Each flag decodes to a direction the test has and a fresh index. */
static void
wide_check_flags(const struct fake *fk, const struct wide_row *row)
{
	int seen[2][SCALE_P] = { { 0 } };
	const struct fake_conn *fc;
	bool sends;
	int c, idx;

	for (c = 0; c < fk->nconns; c++) {
		fc = &fk->conns[c];
		ck_assert_msg(fc->ready && fc->flag != -1, "connection %d", c);
		idx = proto_role_decode((unsigned int)fc->flag, 2, &sends);
		ck_assert_msg(idx < row->parallel && (sends || row->bidir),
		    "%s: flag %#x", row->name, (unsigned int)fc->flag);
		seen[sends][idx]++;
	}
	for (idx = 0; idx < row->parallel; idx++) {
		ck_assert_msg(seen[1][idx] == 1, "%s: index %d sent %d times",
		    row->name, idx, seen[1][idx]);
		ck_assert_int_eq(seen[0][idx], row->bidir ? 1 : 0);
	}
}

/* The client's bytes on each stream went over the connection it named. */
static void
wide_check_pairing(const struct fake *fk, int total)
{
	int64_t bytes[2 * SCALE_P];
	const struct fake_conn *fc;
	uint64_t got, sum = 0;
	int c;

	ck_assert_int_eq(
	    cJSON_GetArraySize(json_at(fk->peer, "streams")), total);
	scale_results_by_k(fk->peer, bytes, total);
	for (c = 0; c < fk->nconns; c++) {
		fc = &fk->conns[c];
		got = fc->we_send ? fc->tx : fc->rx;
		ck_assert_msg(bytes[fc->k] == (int64_t)got,
		    "stream %d: client says %lld bytes, its connection %llu",
		    fc->k, (long long)bytes[fc->k], (unsigned long long)got);
		sum += fc->rx;
	}
	ck_assert_uint_eq(sum, 1048576);
}

START_TEST(test_wide_client)
{
	const struct wide_row *row = &wide_rows[_i];
	int total = row->bidir ? 2 * row->parallel : row->parallel;
	const struct fake_step script[] = {
		FAKE_DO(FAKE_COOKIE_IN),
		FAKE_SAY(PARAM_EXCHANGE),
		FAKE_DO(FAKE_PARAMS_IN),
		FAKE_SAY(EVPERF_ROLES2_ACK),
		FAKE_SAY(CREATE_STREAMS),
		FAKE_DO_ARG(FAKE_ACCEPT, total),
		FAKE_BYTES(start_running),
		FAKE_STEPS_EXCHANGE,
	};
	struct fixture *fx;
	struct fake *fk;
	cJSON *doc;

	scale_nofile();
	fx = fixture_new();
	fk = fake_server_new(fx->base, script);
	ck_assert_ptr_nonnull(fk);
	fixture_client(fx, fk->port, row->args);
	ck_assert_msg(fixture_run(fx, wide_done, fk), "%s", row->name);
	ck_assert_msg(fk->fail[0] == '\0', "%s: %s", row->name, fk->fail);
	/* The client offered the wide form and the fake confirmed it. */
	ck_assert_int_eq(fk->params.roles, PROTO_ROLES_WIDE);
	ck_assert_int_eq(fk->params.parallel, row->parallel);
	ck_assert_int_eq(fk->role_width, 2);
	ck_assert_int_eq(fk->nconns, total);
	wide_check_flags(fk, row);
	ck_assert_msg(session_error(fx->sess) == 0, "%s: client error %d",
	    row->name, session_error(fx->sess));
	wide_check_pairing(fk, total);
	doc = capture_doc(&fx->cout, 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(json_at(doc, "error"));
	ck_assert_int_eq(
	    json_num(doc, "start.test_start.num_streams"), row->parallel);
	ck_assert_uint_eq(json_num(doc, "end.sum_sent.bytes"), 1048576);
	cJSON_Delete(doc);
	fake_free(fk);
	fixture_free(fx);
}
END_TEST

/*
 * 2. The real server and a fake client that offers the wide flag at
 * -P 200. The fake opens its connections strictly one after another in a
 * fixed shuffled order, so the server accepts them in that order, and
 * writes 1000 + c bytes on connection c. The server's results list the
 * streams by id, and stream id(c) must hold exactly connection c's bytes:
 * roles and ids came from the flags, not from accept order. One row adds
 * a stray connection whose flag names index 200: the server refuses it
 * (closes it, writing nothing) and the test goes on to complete; a next
 * client is then served.
 */
static const struct fake_step wide_client_script[] = {
	FAKE_DO(FAKE_COOKIE_OUT),
	FAKE_EXPECT(PARAM_EXCHANGE),
	FAKE_DO(FAKE_PARAMS_OUT),
	FAKE_EXPECT(EVPERF_ROLES2_ACK),
	FAKE_EXPECT(CREATE_STREAMS),
	FAKE_DO(FAKE_CONNECT),
	FAKE_EXPECT(TEST_START),
	FAKE_EXPECT(TEST_RUNNING),
	FAKE_DO(FAKE_DATA_OUT),
	FAKE_STEPS_CLIENT_END,
};

/* The same shuffle every run: Fisher-Yates on a fixed-seed LCG. */
static void
scale_shuffle(int *order, int n)
{
	uint32_t x = 2029;
	int i, j, t;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		x = x * 1103515245u + 12345u;
		j = (int)((x >> 16) % (uint32_t)(i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static struct fake *
wide_fake_client(struct fixture *fx, bool stray)
{
	static const char *const args[] = { "-c", "127.0.0.1", "-P", "200",
		"-t", "10", "-l", "8K", NULL };
	struct settings s;
	struct fake *fk;
	int c;

	fixture_settings(&s, args);
	fk = fake_client_new(fx->base, fx->port, wide_client_script);
	proto_params_from_settings(&fk->params, &s);
	fk->roles = true;
	scale_shuffle(fk->order, SCALE_P);
	ck_assert_int_ne(fk->order[0], 0);
	for (c = 0; c < SCALE_P; c++)
		fk->payload[c] = 1000 + (uint64_t)c;
	if (stray) {
		fk->extra = 1;
		memmove(fk->order + SCALE_STRAY + 1, fk->order + SCALE_STRAY,
		    (SCALE_P - SCALE_STRAY) * sizeof(*fk->order));
		fk->order[SCALE_STRAY] = SCALE_P;
	}
	return fk;
}

/* The server's results, and its n-th -J document, for one fake client. */
static void
wide_check_server(struct fixture *fx, const struct fake *fk, size_t n)
{
	const cJSON *r = fk->peer;
	uint64_t sum = 0;
	cJSON *doc;
	int c;

	ck_assert_msg(fk->fail[0] == '\0', "%s", fk->fail);
	ck_assert_int_eq(fk->role_width, 2);
	ck_assert_int_eq(cJSON_GetArraySize(json_at(r, "streams")), SCALE_P);
	for (c = 0; c < SCALE_P; c++) {
		const cJSON *o = cJSON_GetArrayItem(json_at(r, "streams"), c);

		ck_assert_int_eq(json_num(o, "id"), proto_stream_id(c));
		ck_assert_msg(json_num(o, "bytes") == fk->payload[c],
		    "stream id %d: %.0f bytes, connection %d sent %llu",
		    proto_stream_id(c), json_num(o, "bytes"), c,
		    (unsigned long long)fk->payload[c]);
		ck_assert_int_eq(json_num(o, "retransmits"), -1);
		sum += fk->payload[c];
	}
	doc = capture_doc(&fx->sout, n);
	ck_assert_ptr_nonnull(doc);
	ck_assert_msg(json_at(doc, "error") == NULL, "server error: %s",
	    json_str(doc, "error"));
	ck_assert_uint_eq(json_num(doc, "end.sum_received.bytes"), sum);
	ck_assert_int_eq(
	    json_num(doc, "start.test_start.num_streams"), SCALE_P);
	cJSON_Delete(doc);
}

START_TEST(test_wide_server)
{
	bool stray = _i == 1;
	struct fixture *fx;
	struct fake_wait w = { NULL, 1 };
	const struct fake_conn *fc;

	scale_nofile();
	fx = fixture_new();
	fixture_server(fx, NULL);
	w.fk = wide_fake_client(fx, stray);
	fake_start(w.fk);
	ck_assert_msg(fixture_run(fx, fake_client_done, &w), "%s", w.fk->fail);
	wide_check_server(fx, w.fk, 0);
	ck_assert_int_eq(w.fk->nconns, SCALE_P + stray);
	if (stray) {
		/* Refused: closed without a byte (a busy server sends one). */
		fc = &w.fk->conns[SCALE_P];
		ck_assert(fc->ready && fc->eof);
		ck_assert_int_eq(fc->err, 0);
		ck_assert_uint_eq(fc->rx, 0);
		fake_free(w.fk);
		w.fk = wide_fake_client(fx, false);
		w.ndocs = 2;
		fake_start(w.fk);
		ck_assert_msg(
		    fixture_run(fx, fake_client_done, &w), "%s", w.fk->fail);
		wide_check_server(fx, w.fk, 1);
	}
	ck_assert_int_eq(server_exit_code(fx->srv), 0);
	fake_free(w.fk);
	fixture_free(fx);
}
END_TEST

/*
 * 3. The real server out of descriptors. A fake client is held after
 * CREATE_STREAMS; then every descriptor number below EMFILE_LIMIT is taken
 * but one, the soft RLIMIT_NOFILE is lowered to EMFILE_LIMIT, and the fake
 * opens its data connection in that last slot: the server's accept() fails
 * with EMFILE. (Everything the case opens after the server was numbered
 * above the limit, so closing it frees no slot.) The server must end the
 * waiting test with IE_STREAMACCEPT, which its client hears as
 * SERVER_ERROR, and warn once for the whole spell, which lasts while the
 * fake pauses (long enough for the listener to retry after a few of its
 * 0.1 s rests; the count must be one however many it makes). With the
 * descriptors back it serves again: the data connection still in its
 * queue carries the ended test's cookie, so it is dropped without a test
 * (before, it started a phantom test that failed at once); then the next
 * real client runs to the end, the server's second document.
 */
#define EMFILE_LIMIT 64 /* the soft limit on descriptors during the spell */

struct emfile {
	int dups[EMFILE_LIMIT];
	int ndups;
	struct rlimit rl; /* the limit as it was */
	FILE *log; /* what the server writes to stderr (log_warnx) */
	int stderr_fd; /* the real stderr, put back at the end */
};

static void
emfile_log_start(struct emfile *e)
{
	fflush(stderr);
	ck_assert_ptr_nonnull((e->log = tmpfile()));
	ck_assert_int_ne((e->stderr_fd = dup(STDERR_FILENO)), -1);
	ck_assert_int_ne(dup2(fileno(e->log), STDERR_FILENO), -1);
}

/* How many times text was logged so far. */
static int
emfile_log_count(struct emfile *e, const char *text)
{
	char buf[4096];
	const char *p;
	ssize_t n;
	int count = 0;

	fflush(stderr);
	n = pread(fileno(e->log), buf, sizeof(buf) - 1, 0);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	for (p = buf; (p = strstr(p, text)) != NULL; p += strlen(text))
		count++;
	return count;
}

static void
emfile_log_stop(struct emfile *e)
{
	fflush(stderr);
	dup2(e->stderr_fd, STDERR_FILENO);
	close(e->stderr_fd);
	fclose(e->log);
}

/* Take every free number below the limit, so later ones land above. */
static void
emfile_fill(struct emfile *e)
{
	int fd;

	e->ndups = 0;
	do {
		ck_assert_int_ne((fd = dup(fileno(e->log))), -1);
		ck_assert_int_lt(fd, EMFILE_LIMIT);
		e->dups[e->ndups++] = fd;
	} while (fd < EMFILE_LIMIT - 1);
}

/* Lower the limit and free the last slot below it, for the fake. */
static void
emfile_exhaust(struct emfile *e)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &e->rl), 0);
	rl = e->rl;
	rl.rlim_cur = EMFILE_LIMIT;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	close(e->dups[--e->ndups]);
}

static void
emfile_release(struct emfile *e)
{
	while (e->ndups > 0)
		close(e->dups[--e->ndups]);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &e->rl), 0);
}

static const struct fake_step emfile_script[] = {
	FAKE_DO(FAKE_COOKIE_OUT),
	FAKE_EXPECT(PARAM_EXCHANGE),
	FAKE_DO(FAKE_PARAMS_OUT),
	FAKE_EXPECT(CREATE_STREAMS),
	FAKE_DO(FAKE_HOLD),
	FAKE_DO(FAKE_CONNECT),
	FAKE_EXPECT(SERVER_ERROR),
	FAKE_DO_ARG(FAKE_INT_IN, IE_STREAMACCEPT),
	FAKE_DO_ARG(FAKE_INT_IN, EMFILE),
	FAKE_DO_ARG(FAKE_PAUSE, 350),
	FAKE_DO(FAKE_END),
};

static bool
emfile_ended(struct fixture *fx, void *arg)
{
	struct fake *fk = arg;

	return (fk->done || fk->fail[0] != '\0') &&
	    capture_ndocs(&fx->sout) >= 1;
}

static bool
emfile_next_done(struct fixture *fx, void *arg)
{
	return fx->sess_done && capture_ndocs(&fx->sout) >= 2;
}

/* The server's n-th -J document and its error (NULL if none). */
static char *
emfile_doc_error(struct fixture *fx, size_t n)
{
	cJSON *doc = capture_doc(&fx->sout, n);
	const char *err;
	char *copy;

	ck_assert_ptr_nonnull(doc);
	err = json_str(doc, "error");
	copy = err != NULL ? strdup(err) : NULL;
	cJSON_Delete(doc);
	return copy;
}

START_TEST(test_emfile)
{
	static const char *const a_args[] = { "-c", "127.0.0.1", "-t", "10",
		"-l", "8K", NULL };
	static const char *const c_args[] = { "-n", "100K", NULL };
	struct fixture *fx = fixture_new();
	struct emfile e;
	struct settings s;
	struct fake *fk;
	char warn[128], want[128], *err;
	cJSON *doc;

	snprintf(warn, sizeof(warn),
	    "warning: accept: %s; pausing new connections", strerror(EMFILE));
	fixture_server(fx, NULL);
	emfile_log_start(&e);
	emfile_fill(&e);
	fixture_settings(&s, a_args);
	fk = fake_client_new(fx->base, fx->port, emfile_script);
	proto_params_from_settings(&fk->params, &s);
	fake_start(fk);
	ck_assert_msg(fixture_run(fx, fake_held, fk), "not held");
	ck_assert_msg(fk->fail[0] == '\0', "%s", fk->fail);

	emfile_exhaust(&e);
	fake_release(fk);
	ck_assert_int_eq(fk->conns[0].fd, EMFILE_LIMIT - 1);
	ck_assert(fixture_run(fx, emfile_ended, fk));
	/* No loop pass until the next run: the server cannot retry before. */
	emfile_release(&e);
	ck_assert_msg(fk->fail[0] == '\0', "%s", fk->fail);
	ck_assert_int_eq(emfile_log_count(&e, warn), 1);
	ck_assert_int_eq(emfile_log_count(&e, "warning:"), 1);
	err = emfile_doc_error(fx, 0);
	ck_assert_str_eq(
	    err, errors_str(want, sizeof(want), IE_STREAMACCEPT, EMFILE));
	free(err);

	/* The data connection still queued is the ended test's: dropped. */
	fake_free(fk);

	fixture_client(fx, fx->port, c_args);
	ck_assert(fixture_run(fx, emfile_next_done, NULL));
	ck_assert_int_eq(session_error(fx->sess), 0);
	doc = capture_doc(&fx->cout, 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(json_num(doc, "end.sum_sent.bytes"), 102400);
	cJSON_Delete(doc);
	ck_assert_int_eq(capture_ndocs(&fx->sout), 2);
	err = emfile_doc_error(fx, 1);
	ck_assert_msg(err == NULL, "server error: %s", err);
	ck_assert_int_eq(server_exit_code(fx->srv), 0);
	ck_assert_int_eq(emfile_log_count(&e, "warning:"), 1);
	emfile_log_stop(&e);
	fixture_free(fx);
}
END_TEST

Suite *
loop_scale_suite(void)
{
	Suite *s = suite_create("loop_scale");

	fixture_tcase(s, "wide_client", test_wide_client, nitems(wide_rows));
	fixture_tcase(s, "wide_server", test_wide_server, 2);
	fixture_tcase(s, "emfile", test_emfile, 1);
	return s;
}
