/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * auth.c: the part of authentication that never touches a key. At
 * startup it turns the settings into a struct auth through the backend
 * (auth_openssl.c or auth_none.c): the client's password from
 * IPERF3_PASSWORD or the terminal (osdep_read_password), the server's
 * users file checked line by line. And the texts, parsed as untrusted
 * input: the token's plaintext (iperf3's auth_text_format) and the lines
 * of the users file (iperf3's check_authentication). Only main calls
 * auth_from_settings, so this is where the environment is read.
 */
#include "compat.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "errors.h"
#include "log.h"
#include "osdep.h"
#include "settings.h"

#define AUTH_USER_TAG "user: "
#define AUTH_PASS_TAG "pwd:  "
#define AUTH_TS_TAG "ts:   "
#define AUTH_TS_DIGITS 18 /* fewer than INT64_MAX has: no overflow */

int
auth_text_format(
    char *buf, size_t len, const char *user, const char *pass, int64_t ts)
{
	int n;

	n = snprintf(buf, len,
	    AUTH_USER_TAG "%s\n" AUTH_PASS_TAG "%s\n" AUTH_TS_TAG "%" PRId64,
	    user, pass, ts);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

size_t
auth_text_max(size_t user_len, size_t pass_len)
{
	return strlen(AUTH_USER_TAG "\n" AUTH_PASS_TAG "\n" AUTH_TS_TAG) +
	    user_len + pass_len + 1 + AUTH_TS_DIGITS;
}

bool
auth_user_valid(const char *user, size_t len)
{
	size_t i;

	if (len == 0 || len > AUTH_USER_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)user[i];

		if (c <= ' ' || c == 0x7f || c == ',')
			return false;
	}
	return true;
}

bool
auth_pass_valid(const char *pass, size_t len)
{
	return len <= AUTH_PASS_MAX && memchr(pass, '\n', len) == NULL &&
	    memchr(pass, '\0', len) == NULL;
}

/* The tag at *p (moved past it), or false. */
static bool
auth_text_tag(
    const unsigned char **p, const unsigned char *end, const char *tag)
{
	size_t n = strlen(tag);

	if ((size_t)(end - *p) < n || memcmp(*p, tag, n) != 0)
		return false;
	*p += n;
	return true;
}

/* A field up to the next '\n' (moved past it): its start and length. */
static bool
auth_text_field(const unsigned char **p, const unsigned char *end,
    const char **f, size_t *len)
{
	const unsigned char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (nl == NULL)
		return false;
	*f = (const char *)*p;
	*len = (size_t)(nl - *p);
	*p = nl + 1;
	return true;
}

/* The decimal time that ends the text, without strtoll's leniency. */
static bool
auth_text_ts(const unsigned char *p, const unsigned char *end, int64_t *ts)
{
	bool neg = false;
	int64_t v = 0;
	size_t n;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	n = (size_t)(end - p);
	if (n == 0 || n > AUTH_TS_DIGITS)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	*ts = neg ? -v : v;
	return true;
}

int
auth_text_parse(const unsigned char *pt, size_t len, struct auth_creds *c)
{
	const unsigned char *p = pt, *end = pt + len;

	memset(c, 0, sizeof(*c));
	if (!auth_text_tag(&p, end, AUTH_USER_TAG) ||
	    !auth_text_field(&p, end, &c->user, &c->user_len) ||
	    !auth_user_valid(c->user, c->user_len) ||
	    !auth_text_tag(&p, end, AUTH_PASS_TAG) ||
	    !auth_text_field(&p, end, &c->pass, &c->pass_len) ||
	    !auth_pass_valid(c->pass, c->pass_len) ||
	    !auth_text_tag(&p, end, AUTH_TS_TAG) ||
	    !auth_text_ts(p, end, &c->ts)) {
		memset(c, 0, sizeof(*c));
		return -1;
	}
	return 0;
}

bool
auth_skew_ok(int64_t now, int64_t ts, int threshold)
{
	/* ts is within +-10^18, now and threshold far less: no overflow. */
	return ts >= now - threshold && ts <= now + threshold;
}

static bool
auth_hash_valid(const char *h, size_t len)
{
	size_t i;

	if (len != AUTH_SHA256_HEX)
		return false;
	for (i = 0; i < len; i++)
		if (!((h[i] >= '0' && h[i] <= '9') ||
			(h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

/*
 * iperf3 skips blank lines, '#' comments and lines without a comma, and
 * takes the first two comma-separated fields; a field it cannot match
 * (a bad name, a hash that is not 64 lowercase hex digits, nothing after
 * the comma) makes the line AUTH_LINE_BAD here, so startup names it.
 */
enum auth_line
auth_users_next(const char **p, const char *end, struct auth_entry *e)
{
	const char *line = *p, *nl, *comma, *hend;
	size_t len;

	nl = memchr(line, '\n', (size_t)(end - line));
	len = (size_t)((nl != NULL ? nl : end) - line);
	*p = nl != NULL ? nl + 1 : end;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	memset(e, 0, sizeof(*e));
	if (len == 0 || line[0] == '#')
		return AUTH_LINE_SKIP;
	if ((comma = memchr(line, ',', len)) == NULL)
		return AUTH_LINE_BAD;
	hend = memchr(comma + 1, ',', len - (size_t)(comma + 1 - line));
	if (hend == NULL)
		hend = line + len;
	if (!auth_user_valid(line, (size_t)(comma - line)) ||
	    !auth_hash_valid(comma + 1, (size_t)(hend - comma - 1)))
		return AUTH_LINE_BAD;
	e->user = line;
	e->user_len = (size_t)(comma - line);
	e->hash = comma + 1;
	return AUTH_LINE_ENTRY;
}

char *
auth_file_read(const char *path, size_t *len, char **cause)
{
	FILE *fp;
	char *buf;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(AUTH_FILE_MAX + 1);
	n = fread(buf, 1, AUTH_FILE_MAX + 1, fp);
	if (ferror(fp) || n > AUTH_FILE_MAX) {
		if (ferror(fp))
			xasprintf(cause, "%s: %s", path, strerror(errno));
		else
			xasprintf(cause, "%s: larger than %d bytes", path,
			    AUTH_FILE_MAX);
		auth_wipe(buf, n);
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
auth_users_check(const char *path, char **cause)
{
	struct auth_entry e;
	const char *p, *end;
	char *buf;
	size_t len;
	int n = 0, lineno = 0;

	if ((buf = auth_file_read(path, &len, cause)) == NULL)
		return -1;
	for (p = buf, end = buf + len; p < end;) {
		lineno++;
		switch (auth_users_next(&p, end, &e)) {
		case AUTH_LINE_ENTRY:
			n++;
			break;
		case AUTH_LINE_SKIP:
			break;
		case AUTH_LINE_BAD:
			xasprintf(cause,
			    "%s line %d: not \"username,sha256hex\" (64 "
			    "lowercase hex digits of SHA-256 of "
			    "\"{username}password\")",
			    path, lineno);
			free(buf);
			return -1;
		}
	}
	free(buf);
	return n;
}

/* "parameter error - " iperf3's text for ie, then "(detail)". */
static int
auth_fail(char **cause, int ie, char *detail)
{
	char msg[256];

	errors_str(msg, sizeof(msg), ie, 0);
	xasprintf(cause, "parameter error - %s (%s)", msg, detail);
	free(detail);
	return -1;
}

static int
auth_setup_client(const struct settings *s, struct auth **ap, char **cause)
{
	char buf[AUTH_PASS_MAX + 2], why[128], *detail = NULL;
	const char *pass;

	if (!auth_user_valid(s->username, strlen(s->username))) {
		xasprintf(&detail,
		    "a username is 1 to %d bytes without spaces, commas or "
		    "control characters",
		    AUTH_USER_MAX);
		return auth_fail(cause, IE_SETCLIENTAUTH, detail);
	}
	/* As iperf3: the environment first, else the terminal. */
	if ((pass = getenv("IPERF3_PASSWORD")) == NULL) {
		if (osdep_read_password("Password: ", buf, sizeof(buf), why,
			sizeof(why)) == -1) {
			auth_wipe(buf, sizeof(buf));
			return auth_fail(cause, IE_SETCLIENTAUTH, xstrdup(why));
		}
		pass = buf;
	}
	if (!auth_pass_valid(pass, strlen(pass)))
		xasprintf(&detail, "a password is at most %d bytes, one line",
		    AUTH_PASS_MAX);
	else
		*ap = auth_client_new(s->username, pass, s->rsa_public_key_path,
		    s->use_pkcs1_padding, &detail);
	auth_wipe(buf, sizeof(buf));
	return *ap != NULL ? 0 : auth_fail(cause, IE_SETCLIENTAUTH, detail);
}

static int
auth_setup_server(const struct settings *s, struct auth **ap, char **cause)
{
	char *detail = NULL;
	int n;

	/* iperf3 checks the users file first, then the key. */
	if ((n = auth_users_check(s->authorized_users_path, &detail)) == -1)
		return auth_fail(cause, IE_SERVERAUTHUSERS, detail);
	if (n == 0)
		log_warnx("%s has no user: every client will be refused",
		    s->authorized_users_path);
	*ap = auth_server_new(s->rsa_private_key_path, s->authorized_users_path,
	    s->skew_threshold, s->use_pkcs1_padding, &detail);
	return *ap != NULL ? 0 : auth_fail(cause, IE_SETSERVERAUTH, detail);
}

int
auth_from_settings(const struct settings *s, struct auth **ap, char **cause)
{
	bool client = s->role == ROLE_CLIENT && s->username != NULL;
	bool server = s->role == ROLE_SERVER && s->rsa_private_key_path != NULL;

	*ap = NULL;
	*cause = NULL;
	if (!client && !server)
		return 0;
	if (!auth_available()) {
		*cause =
		    xstrdup("authentication is not available in this build");
		return -1;
	}
	return client ? auth_setup_client(s, ap, cause)
		      : auth_setup_server(s, ap, cause);
}
