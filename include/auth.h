/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * auth.h: iperf3's RSA authentication. A client (--username,
 * --rsa-public-key-path, the password from IPERF3_PASSWORD or the
 * terminal) encrypts the text "user: U\npwd:  P\nts:   T" with the
 * server's public key and sends it, base64, as the parameter "authtoken";
 * a server (--rsa-private-key-path, --authorized-users-path) decrypts it
 * and accepts the test if T is within --time-skew-threshold seconds of
 * its clock and a line "U,sha256hex" of the users file carries the hash
 * of "{U}P". OAEP padding by default, PKCS#1 v1.5 with
 * --use-pkcs1-padding (iperf3 3.16 and older use nothing else).
 *
 * The cryptography is auth_openssl.c's, or auth_none.c's in a build
 * without OpenSSL, whose functions fail with "authentication is not
 * available in this build"; CMake compiles one of them. auth.c holds
 * the rest, which never touches a key: settings -> struct auth at
 * startup, and the text of the token and of the users file. Every file
 * is read and every key checked at startup, so a bad one stops the
 * program before any test.
 */
#ifndef EVPERF_AUTH_H
#define EVPERF_AUTH_H

#include "compat.h"

struct settings;
struct auth;

/*
 * A token longer than this (base64 characters) is refused before it is
 * decoded: 3072 bytes, more than a 16384-bit key (the largest accepted)
 * makes.
 */
#define AUTH_TOKEN_MAX 4096
#define AUTH_CIPHER_MAX (AUTH_TOKEN_MAX / 4 * 3)
#define AUTH_KEY_BITS_MIN 1024
#define AUTH_KEY_BITS_MAX 16384
#define AUTH_USER_MAX 256 /* bytes of a username */
#define AUTH_PASS_MAX 1024 /* bytes of a password */
#define AUTH_FILE_MAX (1024 * 1024) /* a key or users file, bytes */
#define AUTH_SHA256_HEX 64

/*
 * Startup (main): the struct auth that s asks for, in *ap: a client's
 * (--username) or a server's (--rsa-private-key-path), or NULL when
 * neither. The client's password comes from the environment variable
 * IPERF3_PASSWORD, else from a prompt on the terminal without echo.
 * Returns 0, or -1 with *cause (malloc'd) in iperf3's wording ("parameter
 * error - you must specify ..."), followed by what exactly was wrong.
 */
int auth_from_settings(
    const struct settings *s, struct auth **ap, char **cause);

/*
 * The backend: auth_openssl.c, or auth_none.c.
 */

/* True if this build can authenticate (it has OpenSSL). */
bool auth_available(void);

/*
 * A client's credentials and the server's public key, read from a PEM
 * file (as openssl rsa -pubout writes it). NULL with *cause (the detail
 * only, malloc'd) if the key is unusable or too small for the token.
 */
struct auth *auth_client_new(const char *user, const char *pass,
    const char *pubkey_path, bool pkcs1, char **cause);

/*
 * A server's private key, read from a PEM file (unencrypted), its users
 * file (checked by the caller: auth_users_check) and skew threshold.
 * NULL with *cause (the detail only) if the key is unusable.
 */
struct auth *auth_server_new(const char *privkey_path, const char *users_path,
    int skew, bool pkcs1, char **cause);

/*
 * Client: a fresh token for Unix time now (malloc'd base64), or NULL with
 * *cause.
 */
char *auth_token_new(const struct auth *a, int64_t now, char **cause);

/*
 * Server: 0 if token (untrusted; NULL = none sent) is good at Unix time
 * now, else -1, one answer for every reason (-d logs which). Every token
 * that reaches the RSA step takes the same steps after it (the users
 * file is read and compared whatever the text held), so that neither the
 * answer nor the time it takes says which check failed.
 */
int auth_check(const struct auth *a, const char *token, int64_t now);

void auth_free(struct auth *a);

/* Overwrite len bytes at p (a password) in a way the compiler keeps. */
void auth_wipe(void *p, size_t len);

/*
 * The text (auth.c): pure, no keys.
 */

/* What a decrypted token holds; user and pass point into the text. */
struct auth_creds {
	const char *user;
	size_t user_len;
	const char *pass;
	size_t pass_len;
	int64_t ts;
};

/*
 * The token's plaintext, iperf3's auth_text_format: "user: U\npwd:  P\n
 * ts:   T". Returns its length, or -1 if it does not fit len (NUL too).
 */
int auth_text_format(
    char *buf, size_t len, const char *user, const char *pass, int64_t ts);

/* The longest such text for these lengths (a time of any sign). */
size_t auth_text_max(size_t user_len, size_t pass_len);

/*
 * Parse a decrypted plaintext (untrusted, not NUL-terminated). Exactly
 * the format above: a valid username (auth_user_valid), a password of up
 * to AUTH_PASS_MAX bytes without NUL or newline, a decimal time with an
 * optional '-', nothing after it. Returns 0 or -1.
 */
int auth_text_parse(const unsigned char *pt, size_t len, struct auth_creds *c);

/*
 * A username iperf3's server can read back: 1 to AUTH_USER_MAX bytes, no
 * control character, space or comma (the users file's separator).
 */
bool auth_user_valid(const char *user, size_t len);

/* A password that fits the token: up to AUTH_PASS_MAX bytes, no newline. */
bool auth_pass_valid(const char *pass, size_t len);

/* |now - ts| <= threshold, as iperf3's check_authentication. */
bool auth_skew_ok(int64_t now, int64_t ts, int threshold);

/* One line of the users file. */
enum auth_line {
	AUTH_LINE_SKIP, /* blank, or a comment ('#' first) */
	AUTH_LINE_ENTRY, /* "user,hash[,...]" with a valid user and hash */
	AUTH_LINE_BAD, /* anything else: never matches */
};

struct auth_entry {
	const char *user;
	size_t user_len;
	const char *hash; /* AUTH_SHA256_HEX lowercase hex digits */
};

/*
 * The next line of a users file held in [*p, end): what it is, and for
 * an entry its fields in *e (pointing into the buffer); *p moves past
 * the line. A line ends at '\n' (a '\r' before it is dropped).
 */
enum auth_line auth_users_next(
    const char **p, const char *end, struct auth_entry *e);

/*
 * A whole file of at most AUTH_FILE_MAX bytes, NUL-terminated (for PEM
 * readers), in a malloc'd buffer; *len without the NUL. NULL with *cause
 * ("PATH: reason") otherwise.
 */
char *auth_file_read(const char *path, size_t *len, char **cause);

/*
 * Startup check of a users file: readable, and every line blank, a
 * comment or an entry. Returns the number of entries, or -1 with *cause
 * naming the first bad line.
 */
int auth_users_check(const char *path, char **cause);

#endif /* EVPERF_AUTH_H */
