/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_closer.c: the closer (closer.h) on the fixture's loop, over a
 * socketpair whose other end plays the peer. An AF_UNIX socket closed
 * with unread data makes its peer's next read fail with ECONNRESET, as a
 * TCP RST would, so "the peer reads end of file, not ECONNRESET" is what
 * the closer promises. Cases: the peer sends more and then closes (all
 * read, end of file for both); a silent peer (closed at the bound); the
 * closer freed with a socket still on it; no closer (closed at once).
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "closer.h"
#include "fixture.h"
#include "net.h"
#include "suites.h"

#define PEER_BYTES (32 * 1024) /* fits in a socketpair's buffer */

static bool
closer_empty(struct fixture *fx, void *arg)
{
	return closer_count(fx->closer) == 0;
}

/* Our end (non-blocking) in sv[0], the peer's in sv[1]. */
static void
pair_new(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(net_set_nonblock(sv[0]), 0);
	ck_assert_int_eq(net_set_nonblock(sv[1]), 0);
}

/* The peer's next read: 0 for end of file, else -errno. */
static int
peer_read(int fd)
{
	char buf[256];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		;
	return n == 0 ? 0 : -errno;
}

START_TEST(closer_reads_to_eof)
{
	struct fixture *fx = fixture_new();
	static char data[PEER_BYTES];
	int sv[2];

	pair_new(sv);
	/* Bytes of the peer are still queued when ours is handed over. */
	ck_assert_int_eq(send(sv[1], data, sizeof(data), 0), sizeof(data));
	closer_add(fx->closer, sv[0]);
	ck_assert_int_eq(closer_count(fx->closer), 1);
	/* Our half-close reaches the peer at once. */
	ck_assert_int_eq(peer_read(sv[1]), 0);
	ck_assert_int_eq(send(sv[1], data, sizeof(data), 0), sizeof(data));
	ck_assert_int_eq(shutdown(sv[1], SHUT_WR), 0);
	ck_assert(fixture_run(fx, closer_empty, NULL));
	/* Everything was read: end of file, not a reset. */
	ck_assert_int_eq(peer_read(sv[1]), 0);
	close(sv[1]);
	fixture_free(fx);
}
END_TEST

START_TEST(closer_bound)
{
	struct fixture *fx = fixture_new();
	int sv[2];

	pair_new(sv);
	closer_add(fx->closer, sv[0]);
	/* The peer neither sends nor closes: the bound closes ours. */
	ck_assert(fixture_run(fx, closer_empty, NULL));
	ck_assert_int_eq(peer_read(sv[1]), 0);
	close(sv[1]);
	fixture_free(fx);
}
END_TEST

START_TEST(closer_free_closes)
{
	struct fixture *fx = fixture_new();
	int sv[2];

	pair_new(sv);
	closer_add(fx->closer, sv[0]);
	closer_free(fx->closer);
	fx->closer = NULL;
	ck_assert_int_eq(peer_read(sv[1]), 0);
	/* Nothing left: a send now finds no one (EPIPE, not a hang). */
	ck_assert_int_eq(send(sv[1], "x", 1, MSG_NOSIGNAL), -1);
	close(sv[1]);
	fixture_free(fx);
}
END_TEST

START_TEST(closer_none)
{
	int sv[2];

	pair_new(sv);
	closer_add(NULL, sv[0]);
	ck_assert_int_eq(closer_count(NULL), 0);
	ck_assert_int_eq(peer_read(sv[1]), 0);
	close(sv[1]);
}
END_TEST

Suite *
loop_closer_suite(void)
{
	Suite *s = suite_create("loop_closer");
	TCase *tc = tcase_create("closer");

	tcase_set_timeout(tc, FIXTURE_CASE_TIMEOUT);
	tcase_add_test(tc, closer_reads_to_eof);
	tcase_add_test(tc, closer_bound);
	tcase_add_test(tc, closer_free_closes);
	tcase_add_test(tc, closer_none);
	suite_add_tcase(s, tc);
	return s;
}
