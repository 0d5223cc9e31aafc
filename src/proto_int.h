/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * proto_int.h: the typed JSON lookups proto.c and proto_results.c share
 * (cJSON's case-insensitive lookup, as stock servers do; a value of the
 * wrong type counts as absent).
 */
#ifndef EVPERF_PROTO_INT_H
#define EVPERF_PROTO_INT_H

#include <cjson/cJSON.h>

#include "compat.h"

/*
 * A JSON number as int64. iperf3 3.12 prints -1 as 18446744073709551615,
 * so anything at or past 2^63 reads as -1 (protocol reference 5.3).
 */
bool proto_get_i64(const cJSON *obj, const char *key, int64_t *v);
bool proto_get_double(const cJSON *obj, const char *key, double *v);

/* A copy of a JSON string, or NULL if absent or not a string. */
char *proto_get_str(const cJSON *obj, const char *key);

#endif /* EVPERF_PROTO_INT_H */
