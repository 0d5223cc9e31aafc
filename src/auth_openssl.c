/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * auth_openssl.c: the cryptography of iperf3's authentication, with
 * OpenSSL's own API (libcrypto 3): PEM keys, RSA with OAEP or PKCS#1
 * v1.5 padding through EVP_PKEY_encrypt/decrypt, SHA-256 through
 * EVP_Digest, base64 through EVP_EncodeBlock/DecodeBlock. It owns the
 * key and the credentials of a struct auth and wipes the secrets it
 * handles. CMake compiles it when OpenSSL is found (auth_none.c
 * otherwise); nothing else includes an OpenSSL header.
 *
 * The server's side is written against iperf3's CVEs: a token is checked
 * for size and alphabet before it is decoded, and decoded only into a
 * buffer it fits (CVE-2025-54349, -54350: iperf3 decoded whatever came);
 * RSA failures, bad texts, stale times, unknown users and wrong
 * passwords all get one answer after the same steps; PKCS#1 v1.5
 * decryption asks for OpenSSL's implicit rejection (3.2 and later),
 * which leaves no padding error to time (CVE-2024-26306, "Marvin").
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "auth.h"
#include "log.h"

/* OpenSSL 3.2's parameter; 3.0 and 3.1 do not know it. */
#define AUTH_IMPLICIT_REJECTION "rsa-pkcs1-implicit-rejection"
#define AUTH_OAEP_OVERHEAD 42 /* RFC 8017 7.1.1, SHA-1 (iperf3's) */
#define AUTH_PKCS1_OVERHEAD 11 /* RFC 8017 7.2.1 */
#define AUTH_TEXT_MAX (AUTH_USER_MAX + AUTH_PASS_MAX + 64)

struct auth {
	EVP_PKEY *key;
	size_t key_len; /* modulus bytes: the size of a cipher text */
	bool pkcs1; /* PKCS#1 v1.5 padding, else OAEP */
	bool implicit_rejection; /* server, pkcs1: OpenSSL offers it */
	char *user, *pass; /* client */
	char *users_path; /* server: read again for every test */
	int skew; /* server: --time-skew-threshold */
};

bool
auth_available(void)
{
	return true;
}

void
auth_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

/* The reason of OpenSSL's last error, for a cause; the queue is cleared. */
static const char *
auth_ssl_reason(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_last_error());

	ERR_clear_error();
	return r != NULL ? r : "unknown reason";
}

/* Never ask for a passphrase (a server starts unattended); note it. */
static int
auth_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	*(bool *)u = true;
	return -1;
}

/* The RSA key of a PEM file, 1024 to 16384 bits, or NULL with *cause. */
static EVP_PKEY *
auth_key_load(const char *path, bool private, char **cause)
{
	EVP_PKEY *key = NULL;
	bool asked = false;
	size_t len;
	char *buf;
	BIO *bio;
	int bits;

	if ((buf = auth_file_read(path, &len, cause)) == NULL)
		return NULL;
	if ((bio = BIO_new_mem_buf(buf, (int)len)) != NULL) {
		key = private ? PEM_read_bio_PrivateKey(
				    bio, NULL, auth_no_passphrase, &asked)
			      : PEM_read_bio_PUBKEY(
				    bio, NULL, auth_no_passphrase, &asked);
		BIO_free(bio);
	}
	auth_wipe(buf, len);
	free(buf);
	if (key == NULL && asked)
		xasprintf(cause,
		    "%s: an encrypted key; evperf reads "
		    "unencrypted PEM keys only",
		    path);
	else if (key == NULL)
		xasprintf(cause, "%s: not a PEM %s key (%s)%s", path,
		    private ? "private" : "public", auth_ssl_reason(),
		    private ? "" : "; openssl rsa -pubout writes one");
	if (key == NULL)
		return NULL;
	bits = EVP_PKEY_get_bits(key);
	if (!EVP_PKEY_is_a(key, "RSA"))
		xasprintf(cause, "%s: a %s key, not RSA", path,
		    EVP_PKEY_get0_type_name(key));
	else if (bits < AUTH_KEY_BITS_MIN || bits > AUTH_KEY_BITS_MAX)
		xasprintf(cause, "%s: a %d-bit key (evperf takes %d to %d)",
		    path, bits, AUTH_KEY_BITS_MIN, AUTH_KEY_BITS_MAX);
	else
		return key;
	EVP_PKEY_free(key);
	return NULL;
}

static struct auth *
auth_new(EVP_PKEY *key, bool pkcs1)
{
	struct auth *a = xcalloc(1, sizeof(*a));

	a->key = key;
	a->key_len = (size_t)EVP_PKEY_get_size(key);
	a->pkcs1 = pkcs1;
	return a;
}

struct auth *
auth_client_new(const char *user, const char *pass, const char *pubkey_path,
    bool pkcs1, char **cause)
{
	EVP_PKEY *key;
	size_t room, need;
	struct auth *a;

	if ((key = auth_key_load(pubkey_path, false, cause)) == NULL)
		return NULL;
	a = auth_new(key, pkcs1);
	room = a->key_len - (pkcs1 ? AUTH_PKCS1_OVERHEAD : AUTH_OAEP_OVERHEAD);
	need = auth_text_max(strlen(user), strlen(pass));
	if (need > room) {
		xasprintf(cause,
		    "%s: a %d-bit key holds %zu bytes of "
		    "username and password with this padding, not %zu",
		    pubkey_path, EVP_PKEY_get_bits(key),
		    room - auth_text_max(0, 0), strlen(user) + strlen(pass));
		auth_free(a);
		return NULL;
	}
	a->user = xstrdup(user);
	a->pass = xstrdup(pass);
	return a;
}

/* Can PKCS#1 v1.5 decryption with this key reject implicitly? */
static bool
auth_has_implicit_rejection(EVP_PKEY *key)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	const OSSL_PARAM *settable = NULL;
	bool has;

	if (ctx != NULL && EVP_PKEY_decrypt_init(ctx) > 0)
		settable = EVP_PKEY_CTX_settable_params(ctx);
	has = settable != NULL &&
	    OSSL_PARAM_locate_const(settable, AUTH_IMPLICIT_REJECTION) != NULL;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return has;
}

struct auth *
auth_server_new(const char *privkey_path, const char *users_path, int skew,
    bool pkcs1, char **cause)
{
	EVP_PKEY *key;
	struct auth *a;

	if ((key = auth_key_load(privkey_path, true, cause)) == NULL)
		return NULL;
	a = auth_new(key, pkcs1);
	a->users_path = xstrdup(users_path);
	a->skew = skew;
	a->implicit_rejection = pkcs1 && auth_has_implicit_rejection(key);
	if (pkcs1 && !a->implicit_rejection)
		log_warnx("--use-pkcs1-padding: OpenSSL %s has no implicit "
			  "rejection (3.2 and later do): PKCS#1 v1.5 "
			  "decryption leaks timing (CVE-2024-26306)",
		    OpenSSL_version(OPENSSL_VERSION_STRING));
	return a;
}

/* A context for one encryption or decryption with a's key and padding. */
static EVP_PKEY_CTX *
auth_ctx(const struct auth *a, bool decrypt)
{
	unsigned int on = 1;
	OSSL_PARAM ir[] = {
		OSSL_PARAM_construct_uint(AUTH_IMPLICIT_REJECTION, &on),
		OSSL_PARAM_construct_end(),
	};
	EVP_PKEY_CTX *ctx;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, a->key, NULL)) == NULL)
		return NULL;
	if ((decrypt ? EVP_PKEY_decrypt_init(ctx)
		     : EVP_PKEY_encrypt_init(ctx)) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx,
		a->pkcs1 ? RSA_PKCS1_PADDING : RSA_PKCS1_OAEP_PADDING) > 0 &&
	    (!a->implicit_rejection || EVP_PKEY_CTX_set_params(ctx, ir) > 0))
		return ctx;
	EVP_PKEY_CTX_free(ctx);
	return NULL;
}

char *
auth_token_new(const struct auth *a, int64_t now, char **cause)
{
	unsigned char ct[AUTH_CIPHER_MAX];
	char text[AUTH_TEXT_MAX], *token;
	size_t ctlen = sizeof(ct);
	EVP_PKEY_CTX *ctx;
	int n, rc = 0;

	n = auth_text_format(text, sizeof(text), a->user, a->pass, now);
	if (n > 0 && (ctx = auth_ctx(a, false)) != NULL) {
		rc = EVP_PKEY_encrypt(
		    ctx, ct, &ctlen, (unsigned char *)text, (size_t)n);
		EVP_PKEY_CTX_free(ctx);
	}
	auth_wipe(text, sizeof(text));
	if (rc <= 0) {
		xasprintf(
		    cause, "RSA encryption failed (%s)", auth_ssl_reason());
		return NULL;
	}
	token = xmalloc(4 * ((ctlen + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)token, ct, (int)ctlen);
	return token;
}

static bool
auth_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/*
 * token -> exactly want bytes at out (AUTH_CIPHER_MAX bytes). It must be
 * what iperf3's Base64Encode writes for want bytes: 4 * ceil(want / 3)
 * characters of the standard alphabet, '=' only as the padding that
 * want implies, no line breaks; so EVP_DecodeBlock only ever sees a
 * valid text whose result fits. What is checked here is all public.
 */
static bool
auth_b64_decode(const char *token, size_t want, unsigned char *out)
{
	size_t len = strnlen(token, AUTH_TOKEN_MAX + 1), pad, i;

	pad = (3 - want % 3) % 3;
	if (len > AUTH_TOKEN_MAX || len != 4 * ((want + 2) / 3))
		return false;
	for (i = 0; i < len - pad; i++)
		if (!auth_b64_char(token[i]))
			return false;
	for (; i < len; i++)
		if (token[i] != '=')
			return false;
	return EVP_DecodeBlock(out, (const unsigned char *)token, (int)len) ==
	    (int)(len / 4 * 3);
}

/* RSA-decrypt a->key_len bytes at ct into pt: the length, or 0. */
static size_t
auth_decrypt(const struct auth *a, const unsigned char *ct, unsigned char *pt,
    size_t max)
{
	EVP_PKEY_CTX *ctx;
	size_t n = max;
	int rc = 0;

	if ((ctx = auth_ctx(a, true)) != NULL) {
		rc = EVP_PKEY_decrypt(ctx, pt, &n, ct, a->key_len);
		EVP_PKEY_CTX_free(ctx);
	}
	ERR_clear_error();
	return rc > 0 ? n : 0;
}

/* Lowercase hex SHA-256 of "{user}pass", iperf3's stored hash. */
static void
auth_hash(const struct auth_creds *c, char hex[AUTH_SHA256_HEX + 1])
{
	char salted[AUTH_USER_MAX + AUTH_PASS_MAX + 3];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int i, mdlen = 0;
	int n;

	n = snprintf(salted, sizeof(salted), "{%.*s}%.*s", (int)c->user_len,
	    c->user != NULL ? c->user : "", (int)c->pass_len,
	    c->pass != NULL ? c->pass : "");
	if (EVP_Digest(salted, (size_t)n, md, &mdlen, EVP_sha256(), NULL) !=
		1 ||
	    mdlen * 2 != AUTH_SHA256_HEX)
		fatalx("%s: SHA-256 failed", __func__);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	auth_wipe(salted, sizeof(salted));
	auth_wipe(md, sizeof(md));
}

/*
 * Does a line of the users file pair c's user with hash? Every entry is
 * compared, in constant time, so that the time does not depend on where
 * (or whether) the user is found.
 */
static bool
auth_users_match(
    const struct auth *a, const struct auth_creds *c, const char *hash)
{
	struct auth_entry e;
	const char *p, *end;
	char *buf, *cause = NULL;
	int found = 0;
	size_t len;

	if ((buf = auth_file_read(a->users_path, &len, &cause)) == NULL) {
		log_warnx("authorized users file %s", cause);
		free(cause);
		return false;
	}
	for (p = buf, end = buf + len; p < end;) {
		if (auth_users_next(&p, end, &e) != AUTH_LINE_ENTRY)
			continue;
		found |= (e.user_len == c->user_len &&
			     CRYPTO_memcmp(e.user, c->user, e.user_len) == 0) &
		    (CRYPTO_memcmp(e.hash, hash, AUTH_SHA256_HEX) == 0);
	}
	auth_wipe(buf, len);
	free(buf);
	return found != 0;
}

/* Why a token was refused, for -d (only the server's operator sees it). */
static const char *
auth_why(bool parsed, bool fresh)
{
	if (!parsed)
		return "no valid text (wrong key, padding or format)";
	if (!fresh)
		return "time skew over the threshold";
	return "unknown user or wrong password";
}

int
auth_check(const struct auth *a, const char *token, int64_t now)
{
	unsigned char ct[AUTH_CIPHER_MAX], pt[AUTH_CIPHER_MAX];
	char hash[AUTH_SHA256_HEX + 1];
	struct auth_creds c;
	bool parsed, fresh, known;
	size_t ptlen;

	if (token == NULL) {
		log_debug("authentication failed: no token");
		return -1;
	}
	if (!auth_b64_decode(token, a->key_len, ct)) {
		log_debug("authentication failed: a token of the wrong size "
			  "or alphabet");
		return -1;
	}
	/* From here on, the same steps whatever the plaintext is. */
	ptlen = auth_decrypt(a, ct, pt, sizeof(pt));
	parsed = auth_text_parse(pt, ptlen, &c) == 0;
	fresh = auth_skew_ok(now, c.ts, a->skew);
	auth_hash(&c, hash);
	known = auth_users_match(a, &c, hash);
	if (parsed && fresh && known)
		log_debug("authentication succeeded for user '%.*s' ts %lld",
		    (int)c.user_len, c.user, (long long)c.ts);
	else
		log_debug("authentication failed for user '%.*s' ts %lld: %s",
		    (int)c.user_len, c.user != NULL ? c.user : "",
		    (long long)c.ts, auth_why(parsed, fresh));
	auth_wipe(pt, sizeof(pt));
	auth_wipe(hash, sizeof(hash));
	return parsed && fresh && known ? 0 : -1;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	EVP_PKEY_free(a->key);
	if (a->pass != NULL)
		auth_wipe(a->pass, strlen(a->pass));
	free(a->pass);
	free(a->user);
	free(a->users_path);
	free(a);
}
