/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_compat.c: the replacements in compat/ that this system does not
 * need but another one builds with (compat/sys/queue.h on mingw-w64):
 * included here by path, so a mistake in them fails on Linux too.
 */
#include "compat.h"

#include <string.h>

#include "../../compat/sys/queue.h"

#include "check_suites.h"

struct item {
	int v;
	TAILQ_ENTRY(item) entry;
};
TAILQ_HEAD(items, item);

/* The values in queue order as decimal digits (1, 3 -> 13). */
static int
digits(struct items *q, int *n)
{
	struct item *it;
	int d = 0;

	*n = 0;
	TAILQ_FOREACH(it, q, entry) {
		d = d * 10 + it->v;
		(*n)++;
	}
	return d;
}

START_TEST(test_compat_tailq)
{
	struct item it[4];
	struct items q;
	int i, n;

	memset(it, 0, sizeof(it));
	for (i = 0; i < 4; i++)
		it[i].v = i + 1;
	TAILQ_INIT(&q);
	ck_assert(TAILQ_EMPTY(&q));
	for (i = 0; i < 4; i++)
		TAILQ_INSERT_TAIL(&q, &it[i], entry);
	ck_assert_int_eq(digits(&q, &n), 1234);
	ck_assert_int_eq(n, 4);
	TAILQ_REMOVE(&q, &it[1], entry); /* middle */
	TAILQ_REMOVE(&q, &it[3], entry); /* last: the tail moves back */
	TAILQ_INSERT_TAIL(&q, &it[3], entry);
	TAILQ_REMOVE(&q, &it[0], entry); /* first */
	ck_assert_int_eq(digits(&q, &n), 34);
	ck_assert_ptr_eq(TAILQ_FIRST(&q), &it[2]);
	ck_assert_ptr_eq(TAILQ_NEXT(&it[2], entry), &it[3]);
	ck_assert_ptr_null(TAILQ_NEXT(&it[3], entry));
	TAILQ_REMOVE(&q, &it[2], entry);
	TAILQ_REMOVE(&q, &it[3], entry);
	ck_assert(TAILQ_EMPTY(&q));
	TAILQ_INSERT_TAIL(&q, &it[1], entry);
	ck_assert_int_eq(digits(&q, &n), 2);
}
END_TEST

Suite *
compat_suite(void)
{
	Suite *s = suite_create("compat");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_compat_tailq);
	suite_add_tcase(s, tc);
	return s;
}
