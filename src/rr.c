/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * rr.c: request/response mode's pure parts: the "REQ[/RESP]" sizes of
 * --rr and --crr (units.c's suffixes, each 1 byte to 1 MiB) and the
 * names the modes travel under in the parameters and the -J document.
 */
#include "compat.h"

#include <string.h>

#include "rr.h"
#include "settings.h"
#include "units.h"

/* One size of len characters at s, in [1, RR_MAX_MSG]. */
static int
rr_parse_one(const char *s, size_t len, int *out)
{
	char buf[32];
	uint64_t v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (units_parse_size(buf, &v) == -1 || v < 1 || v > RR_MAX_MSG)
		return -1;
	*out = (int)v;
	return 0;
}

int
rr_parse_sizes(const char *arg, int *req, int *resp)
{
	const char *slash;

	*req = *resp = RR_DEFAULT_MSG;
	if (arg == NULL)
		return 0;
	slash = strchr(arg, '/');
	if (slash == NULL) {
		if (rr_parse_one(arg, strlen(arg), req) == -1)
			return -1;
		*resp = *req;
		return 0;
	}
	if (rr_parse_one(arg, (size_t)(slash - arg), req) == -1 ||
	    rr_parse_one(slash + 1, strlen(slash + 1), resp) == -1)
		return -1;
	return 0;
}

const char *
rr_mode_name(int mode)
{
	switch (mode) {
	case RR_RR:
		return "rr";
	case RR_CRR:
		return "crr";
	default:
		return NULL;
	}
}

int
rr_mode_of(const char *name)
{
	if (name != NULL && strcmp(name, "rr") == 0)
		return RR_RR;
	if (name != NULL && strcmp(name, "crr") == 0)
		return RR_CRR;
	return RR_NONE;
}
