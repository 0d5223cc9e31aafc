/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_auth.c: authentication (auth.h). The text of a token and of the
 * users file, parsed as untrusted input; the time skew check; and, in a
 * build with OpenSSL, tokens made and checked with the test keys in
 * test/data (made with openssl genrsa and openssl rsa -pubout, for these
 * tests only): both paddings, each way a token is refused (time, user,
 * password, padding, key), and malformed, oversized and mutated tokens,
 * which must be refused cleanly. A build without OpenSSL must say so.
 */
#include "compat.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "check_suites.h"
#include "log.h"
#include "options.h"
#include "settings.h"

#define NOW INT64_C(1700000000)
#define GOOD_TEXT "user: bob\npwd:  secret\nts:   1700000000"

/* The path of a test/data file; four calls may be in use at once. */
static const char *
data(const char *name)
{
	static char path[4][1024];
	static int n;

	n = (n + 1) % 4;
	snprintf(path[n], sizeof(path[n]), "%s/%s", EVPERF_TEST_DATA, name);
	return path[n];
}

static int
parse(const char *text, struct auth_creds *c)
{
	return auth_text_parse((const unsigned char *)text, strlen(text), c);
}

START_TEST(test_text_roundtrip)
{
	struct auth_creds c;
	char buf[128];

	ck_assert_int_eq(
	    auth_text_format(buf, sizeof(buf), "bob", "secret", NOW),
	    (int)strlen(GOOD_TEXT));
	ck_assert_str_eq(buf, GOOD_TEXT);
	ck_assert_int_eq(parse(buf, &c), 0);
	ck_assert_uint_eq(c.user_len, 3);
	ck_assert_int_eq(memcmp(c.user, "bob", 3), 0);
	ck_assert_uint_eq(c.pass_len, 6);
	ck_assert_int_eq(memcmp(c.pass, "secret", 6), 0);
	ck_assert_int_eq(c.ts, NOW);
	/* Spaces in a password, an empty one, a negative time. */
	ck_assert_int_eq(parse("user: b\npwd:  a b \nts:   -5", &c), 0);
	ck_assert_uint_eq(c.pass_len, 4);
	ck_assert_int_eq(c.ts, -5);
	ck_assert_int_eq(parse("user: b\npwd:  \nts:   0", &c), 0);
	ck_assert_uint_eq(c.pass_len, 0);
	/* Too small a buffer. */
	ck_assert_int_eq(
	    auth_text_format(buf, strlen(GOOD_TEXT), "bob", "secret", NOW), -1);
	ck_assert_uint_eq(auth_text_max(3, 6), strlen(GOOD_TEXT) - 10 + 19);
}
END_TEST

START_TEST(test_text_bad)
{
	static const char *const bad[] = {
		"",
		"user: bob",
		"user: bob\npwd:  secret",
		"user: bob\npwd:  secret\nts:   ",
		"user: bob\npwd:  secret\nts:   17x",
		"user: bob\npwd:  secret\nts:   1700000000\n",
		"user: bob\npwd:  secret\nts:   +17",
		"user: bob\npwd:  secret\nts:   --17",
		"user: bob\npwd:  secret\nts:    17",
		"user: bob\npwd:  secret\nts:   1234567890123456789",
		"user:bob\npwd:  secret\nts:   17",
		"user: bob\npwd: secret\nts:   17",
		"user: bob\npwd:  secret\nts:  17",
		"user: \npwd:  secret\nts:   17",
		"user: b b\npwd:  secret\nts:   17",
		"user: b,b\npwd:  secret\nts:   17",
		"user: b\tb\npwd:  secret\nts:   17",
		"USER: bob\npwd:  secret\nts:   17",
		"pwd:  secret\nuser: bob\nts:   17",
	};
	char text[2 * AUTH_PASS_MAX], field[AUTH_PASS_MAX + 2];
	struct auth_creds c;
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		ck_assert_msg(parse(bad[i], &c) == -1, "accepted: %s", bad[i]);
		ck_assert_ptr_null(c.user);
		ck_assert_int_eq(c.ts, 0);
	}
	/* Every prefix of a good text that ends before its time. */
	for (i = 0; i < strlen(GOOD_TEXT) - 10; i++)
		ck_assert_int_eq(
		    auth_text_parse((const unsigned char *)GOOD_TEXT, i, &c),
		    -1);
	/* A NUL inside, and fields over their limits. */
	ck_assert_int_eq(
	    auth_text_parse((const unsigned char *)"user: b\npwd:  "
						   "a\0b\nts:   1",
		25, &c),
	    -1);
	memset(field, 'x', sizeof(field) - 1);
	field[sizeof(field) - 1] = '\0';
	snprintf(text, sizeof(text), "user: b\npwd:  %s\nts:   1", field);
	ck_assert_int_eq(parse(text, &c), -1);
	field[AUTH_USER_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "user: %s\npwd:  p\nts:   1", field);
	ck_assert_int_eq(parse(text, &c), -1);
	field[AUTH_USER_MAX] = '\0';
	snprintf(text, sizeof(text), "user: %s\npwd:  p\nts:   1", field);
	ck_assert_int_eq(parse(text, &c), 0);
}
END_TEST

START_TEST(test_names)
{
	ck_assert(auth_user_valid("bob", 3));
	ck_assert(auth_user_valid("b\xc3\xa9", 3)); /* UTF-8 */
	ck_assert(!auth_user_valid("", 0));
	ck_assert(!auth_user_valid("a b", 3));
	ck_assert(!auth_user_valid("a,b", 3));
	ck_assert(!auth_user_valid("a\x7f", 2));
	ck_assert(auth_pass_valid("a b,c", 5));
	ck_assert(!auth_pass_valid("a\nb", 3));
	ck_assert(!auth_pass_valid("a\0b", 3));
}
END_TEST

START_TEST(test_skew)
{
	ck_assert(auth_skew_ok(NOW, NOW, 10));
	ck_assert(auth_skew_ok(NOW, NOW - 10, 10));
	ck_assert(auth_skew_ok(NOW, NOW + 10, 10));
	ck_assert(!auth_skew_ok(NOW, NOW - 11, 10));
	ck_assert(!auth_skew_ok(NOW, NOW + 11, 10));
	ck_assert(auth_skew_ok(NOW, NOW - 2000000000, 2147483647));
	ck_assert(!auth_skew_ok(NOW, INT64_C(-999999999999999999), 2147483647));
	ck_assert(!auth_skew_ok(NOW, INT64_C(999999999999999999), 2147483647));
	ck_assert(!auth_skew_ok(NOW, 0, 10));
}
END_TEST

/* The kinds of the lines of text, in order, into kinds (a string). */
static void
lines(const char *text, char *kinds)
{
	const char *p = text, *end = text + strlen(text);
	struct auth_entry e;

	while (p < end) {
		switch (auth_users_next(&p, end, &e)) {
		case AUTH_LINE_SKIP:
			*kinds++ = 's';
			break;
		case AUTH_LINE_ENTRY:
			*kinds++ = 'e';
			ck_assert_uint_gt(e.user_len, 0);
			ck_assert_int_eq(e.hash[-1], ',');
			break;
		case AUTH_LINE_BAD:
			*kinds++ = 'b';
			break;
		}
	}
	*kinds = '\0';
}

#define H64 "990730e63f2a19081f919c794ed795439c1f9165030847cfedf1e4254080b967"

START_TEST(test_users_lines)
{
	char kinds[32];
	const char *p;
	struct auth_entry e;
	const char *text = "bob," H64;

	lines("\n# c\r\n\r\nbob," H64 "\r\nal," H64 ",x\nbob," H64, kinds);
	ck_assert_str_eq(kinds, "ssseee");
	lines("nocomma\n," H64 "\nbob,\nbob," H64 "0\nbob,"
	      "990730E63F2A19081F919C794ED795439C1F9165030847CFEDF1E4254080B967"
	      "\nb b," H64 "\nbob, " H64 "\n #x\n",
	    kinds);
	ck_assert_str_eq(kinds, "bbbbbbbb");
	p = text;
	ck_assert_int_eq(
	    auth_users_next(&p, text + strlen(text), &e), AUTH_LINE_ENTRY);
	ck_assert_ptr_eq(p, text + strlen(text));
	ck_assert_uint_eq(e.user_len, 3);
	ck_assert_int_eq(memcmp(e.hash, H64, AUTH_SHA256_HEX), 0);
}
END_TEST

START_TEST(test_users_files)
{
	char *cause = NULL;
	FILE *fp;

	ck_assert_int_eq(auth_users_check(data("auth_users.txt"), &cause), 2);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(
	    auth_users_check(data("auth_users_bad.txt"), &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "auth_users_bad.txt line 3:"));
	free(cause);
	ck_assert_int_eq(auth_users_check(data("no_such_file"), &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no_such_file: "));
	free(cause);
	/* A file over AUTH_FILE_MAX is refused, not read. */
	ck_assert_ptr_nonnull(fp = fopen("check_auth_big.tmp", "wb"));
	ck_assert_int_eq(fseek(fp, AUTH_FILE_MAX, SEEK_SET), 0);
	ck_assert_int_eq(fputc('\n', fp), '\n');
	fclose(fp);
	ck_assert_int_eq(auth_users_check("check_auth_big.tmp", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "larger than"));
	free(cause);
	remove("check_auth_big.tmp");
}
END_TEST

/* A server with the test key, users file and padding. */
static struct auth *
server(bool pkcs1, int skew)
{
	struct auth *a;
	char *cause = NULL;

	a = auth_server_new(data("auth_test_key.pem"), data("auth_users.txt"),
	    skew, pkcs1, &cause);
	ck_assert_msg(a != NULL, "server: %s", cause);
	return a;
}

/* A token for user/pass at ts, with pub (the test key by default). */
static char *
token(
    const char *user, const char *pass, int64_t ts, bool pkcs1, const char *pub)
{
	struct auth *a;
	char *cause = NULL, *t;

	a = auth_client_new(user, pass,
	    data(pub != NULL ? pub : "auth_test_pub.pem"), pkcs1, &cause);
	ck_assert_msg(a != NULL, "client: %s", cause);
	t = auth_token_new(a, ts, &cause);
	ck_assert_msg(t != NULL, "token: %s", cause);
	auth_free(a);
	return t;
}

START_TEST(test_roundtrip)
{
	struct auth *srv;
	bool pkcs1 = _i != 0;
	char *t;

	if (!auth_available())
		return;
	srv = server(pkcs1, 10);
	t = token("bob", "secret", NOW, pkcs1, NULL);
	ck_assert_uint_eq(strlen(t), 344); /* 256 bytes, base64 */
	ck_assert_int_eq(auth_check(srv, t, NOW), 0);
	ck_assert_int_eq(auth_check(srv, t, NOW + 10), 0);
	ck_assert_int_eq(auth_check(srv, t, NOW - 10), 0);
	ck_assert_int_eq(auth_check(srv, t, NOW + 11), -1);
	ck_assert_int_eq(auth_check(srv, t, NOW - 11), -1);
	free(t);
	t = token("alice", "wonderland", NOW, pkcs1, NULL);
	ck_assert_int_eq(auth_check(srv, t, NOW), 0);
	free(t);
	t = token("bob", "wonderland", NOW, pkcs1, NULL);
	ck_assert_int_eq(auth_check(srv, t, NOW), -1);
	free(t);
	t = token("carol", "secret", NOW, pkcs1, NULL); /* commented out */
	ck_assert_int_eq(auth_check(srv, t, NOW), -1);
	free(t);
	t = token("bob", "secret", NOW, !pkcs1, NULL); /* other padding */
	ck_assert_int_eq(auth_check(srv, t, NOW), -1);
	free(t);
	t = token("bob", "secret", NOW, pkcs1, "auth_test_other_pub.pem");
	ck_assert_int_eq(auth_check(srv, t, NOW), -1);
	free(t);
	auth_free(srv);
	/* A wider threshold takes an older token. */
	srv = server(pkcs1, 100);
	t = token("bob", "secret", NOW - 60, pkcs1, NULL);
	ck_assert_int_eq(auth_check(srv, t, NOW), 0);
	ck_assert_int_eq(auth_check(srv, t, NOW + 41), -1);
	free(t);
	auth_free(srv);
}
END_TEST

/* Tokens that are not tokens: refused, nothing read out of bounds. */
START_TEST(test_malformed)
{
	static char big[AUTH_TOKEN_MAX * 2];
	struct auth *srv;
	char *good, *t;
	size_t len, i;

	if (!auth_available())
		return;
	srv = server(_i != 0, 10);
	good = token("bob", "secret", NOW, _i != 0, NULL);
	len = strlen(good);
	ck_assert_int_eq(auth_check(srv, NULL, NOW), -1);
	ck_assert_int_eq(auth_check(srv, "", NOW), -1);
	ck_assert_int_eq(auth_check(srv, "not base64 at all!", NOW), -1);
	ck_assert_int_eq(auth_check(srv, "QUJD", NOW), -1);
	memset(big, 'A', sizeof(big) - 1);
	ck_assert_int_eq(auth_check(srv, big, NOW), -1); /* 8 KiB */
	memcpy(big + len - 2, "==", 3);
	ck_assert_int_eq(auth_check(srv, big, NOW), -1); /* zero cipher */
	memset(big, '/', len - 2);
	ck_assert_int_eq(auth_check(srv, big, NOW), -1); /* over modulus */
	t = xstrdup(good);
	t[len - 1] = 'A'; /* '=' padding broken */
	ck_assert_int_eq(auth_check(srv, t, NOW), -1);
	t[len - 1] = '=';
	t[len - 3] = '=';
	ck_assert_int_eq(auth_check(srv, t, NOW), -1);
	free(t);
	snprintf(big, sizeof(big), "%.64s\n%s", good, good + 64);
	ck_assert_int_eq(auth_check(srv, big, NOW), -1); /* line break */
	snprintf(big, sizeof(big), "%sAAAA", good);
	ck_assert_int_eq(auth_check(srv, big, NOW), -1);
	snprintf(big, sizeof(big), "%.*s", (int)len - 4, good);
	ck_assert_int_eq(auth_check(srv, big, NOW), -1);
	/* Every character changed in turn: no change is accepted. */
	t = xstrdup(good);
	for (i = 0; i < len - 2; i += 7) {
		t[i] = t[i] == 'B' ? 'C' : 'B';
		ck_assert_msg(auth_check(srv, t, NOW) == -1, "at %d", (int)i);
		t[i] = good[i];
	}
	ck_assert_int_eq(auth_check(srv, t, NOW), 0);
	free(t);
	free(good);
	auth_free(srv);
}
END_TEST

START_TEST(test_keys)
{
	char *cause = NULL, pass[AUTH_PASS_MAX];

	if (!auth_available())
		return;
	ck_assert_ptr_null(
	    auth_client_new("bob", "x", data("no_such.pem"), false, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "no_such.pem: "));
	free(cause);
	ck_assert_ptr_null(auth_client_new(
	    "bob", "x", data("auth_test_key.pem"), false, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "not a PEM public key"));
	free(cause);
	ck_assert_ptr_null(auth_server_new(data("auth_test_pub.pem"),
	    data("auth_users.txt"), 10, false, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "not a PEM private key"));
	free(cause);
	ck_assert_ptr_null(auth_server_new(
	    data("auth_users.txt"), data("auth_users.txt"), 10, false, &cause));
	free(cause);
	/* 256 bytes of key hold 214 of text with OAEP, 245 with PKCS#1. */
	memset(pass, 'p', sizeof(pass));
	pass[214 - auth_text_max(3, 0) + 1] = '\0';
	ck_assert_ptr_null(auth_client_new(
	    "bob", pass, data("auth_test_pub.pem"), false, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "a 2048-bit key holds"));
	free(cause);
	pass[214 - auth_text_max(3, 0) + 1] = 'p';
	pass[214 - auth_text_max(3, 0)] = '\0';
	cause = NULL;
	auth_free(auth_client_new(
	    "bob", pass, data("auth_test_pub.pem"), false, &cause));
	ck_assert_ptr_null(cause);
}
END_TEST

/* Settings that ask for authentication, in a build with or without. */
START_TEST(test_from_settings)
{
	struct settings s;
	struct auth *a;
	char *cause = NULL;

	options_defaults(&s);
	s.role = ROLE_SERVER;
	ck_assert_int_eq(auth_from_settings(&s, &a, &cause), 0);
	ck_assert_ptr_null(a);
	s.rsa_private_key_path = data("auth_test_key.pem");
	s.authorized_users_path = data("auth_users.txt");
	if (!auth_available()) {
		ck_assert_int_eq(auth_from_settings(&s, &a, &cause), -1);
		ck_assert_str_eq(
		    cause, "authentication is not available in this build");
		free(cause);
		return;
	}
	ck_assert_int_eq(auth_from_settings(&s, &a, &cause), 0);
	ck_assert_ptr_nonnull(a);
	auth_free(a);
	s.authorized_users_path = data("auth_users_bad.txt");
	ck_assert_int_eq(auth_from_settings(&s, &a, &cause), -1);
	ck_assert_ptr_nonnull(strstr(
	    cause, "parameter error - cannot access authorized users file ("));
	free(cause);
	s.authorized_users_path = data("auth_users.txt");
	s.rsa_private_key_path = data("auth_test_pub.pem");
	ck_assert_int_eq(auth_from_settings(&s, &a, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause,
	    "parameter error - you must specify a path to a valid RSA "
	    "private key and a user credential file ("));
	free(cause);
}
END_TEST

Suite *
auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_text_roundtrip);
	tcase_add_test(tc, test_text_bad);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_skew);
	tcase_add_test(tc, test_users_lines);
	tcase_add_test(tc, test_users_files);
	/* _i: 0 OAEP, 1 PKCS#1 v1.5 */
	tcase_add_loop_test(tc, test_roundtrip, 0, 2);
	tcase_add_loop_test(tc, test_malformed, 0, 2);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_from_settings);
	suite_add_tcase(s, tc);
	return s;
}
