/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * auth_none.c: the authentication backend of a build without OpenSSL
 * (the Windows cross build; a Linux build without libssl-dev or with
 * -DEVPERF_AUTH=OFF). It has no keys, so every constructor fails with
 * "authentication is not available in this build" and no struct auth
 * ever exists; auth_from_settings asks auth_available() before reading a
 * password or a file.
 */
#include "compat.h"

#include "auth.h"
#include "log.h"

#define AUTH_NONE_CAUSE "authentication is not available in this build"

bool
auth_available(void)
{
	return false;
}

void
auth_wipe(void *p, size_t len)
{
	volatile unsigned char *v = p;

	while (len-- > 0)
		*v++ = 0;
}

struct auth *
auth_client_new(const char *user, const char *pass, const char *pubkey_path,
    bool pkcs1, char **cause)
{
	*cause = xstrdup(AUTH_NONE_CAUSE);
	return NULL;
}

struct auth *
auth_server_new(const char *privkey_path, const char *users_path, int skew,
    bool pkcs1, char **cause)
{
	*cause = xstrdup(AUTH_NONE_CAUSE);
	return NULL;
}

char *
auth_token_new(const struct auth *a, int64_t now, char **cause)
{
	*cause = xstrdup(AUTH_NONE_CAUSE);
	return NULL;
}

int
auth_check(const struct auth *a, const char *token, int64_t now)
{
	return -1;
}

void
auth_free(struct auth *a)
{
}
