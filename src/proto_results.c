/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * proto_results.c: the results message (EXCHANGE_RESULTS), both ways: a
 * side's per-stream numbers to JSON, and the peer's JSON, untrusted,
 * type-checked and capped, back into struct results.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "proto.h"
#include "proto_int.h"

static cJSON *
proto_result_stream_json(const struct result_stream *rs)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", rs->id);
	cJSON_AddNumberToObject(o, "bytes", (double)rs->bytes);
	cJSON_AddNumberToObject(o, "retransmits", (double)rs->retransmits);
	cJSON_AddNumberToObject(o, "jitter", rs->jitter);
	cJSON_AddNumberToObject(o, "errors", (double)rs->errors);
	cJSON_AddNumberToObject(
	    o, "omitted_errors", (double)rs->omitted_errors);
	cJSON_AddNumberToObject(o, "packets", (double)rs->packets);
	cJSON_AddNumberToObject(
	    o, "omitted_packets", (double)rs->omitted_packets);
	cJSON_AddNumberToObject(o, "start_time", rs->start_time);
	cJSON_AddNumberToObject(o, "end_time", rs->end_time);
	return o;
}

cJSON *
proto_results_to_json(const struct results *r)
{
	cJSON *j = cJSON_CreateObject(), *arr;
	size_t i;

	cJSON_AddNumberToObject(j, "cpu_util_total", r->cpu_total);
	cJSON_AddNumberToObject(j, "cpu_util_user", r->cpu_user);
	cJSON_AddNumberToObject(j, "cpu_util_system", r->cpu_system);
	cJSON_AddNumberToObject(
	    j, "sender_has_retransmits", r->sender_has_retransmits);
	if (r->congestion[0] != '\0')
		cJSON_AddStringToObject(j, "congestion_used", r->congestion);
	arr = cJSON_AddArrayToObject(j, "streams");
	for (i = 0; i < r->nstreams; i++)
		cJSON_AddItemToArray(
		    arr, proto_result_stream_json(&r->streams[i]));
	if (r->server_output_json != NULL)
		cJSON_AddItemToObject(j, "server_output_json",
		    cJSON_Duplicate(r->server_output_json, true));
	if (r->server_output_text != NULL)
		cJSON_AddStringToObject(
		    j, "server_output_text", r->server_output_text);
	return j;
}

static int
proto_result_stream_parse(const cJSON *o, struct result_stream *rs)
{
	int64_t v;

	memset(rs, 0, sizeof(*rs));
	if (!proto_get_i64(o, "id", &v) || v < 0 || v > INT32_MAX)
		return -1;
	rs->id = (int)v;
	if (!proto_get_i64(o, "bytes", &v) || v < 0)
		return -1;
	rs->bytes = (uint64_t)v;
	if (!proto_get_i64(o, "retransmits", &rs->retransmits))
		return -1;
	if (!proto_get_double(o, "jitter", &rs->jitter))
		return -1;
	if (!proto_get_i64(o, "errors", &rs->errors) ||
	    !proto_get_i64(o, "packets", &rs->packets))
		return -1;
	proto_get_i64(o, "omitted_errors", &rs->omitted_errors);
	proto_get_i64(o, "omitted_packets", &rs->omitted_packets);
	proto_get_double(o, "start_time", &rs->start_time);
	proto_get_double(o, "end_time", &rs->end_time);
	return 0;
}

static int
proto_results_streams(const cJSON *arr, struct results *r)
{
	const cJSON *o;
	int n = cJSON_GetArraySize(arr);

	if (!cJSON_IsArray(arr) || n > 2 * 65536)
		return -1;
	r->streams = xcalloc((size_t)(n ? n : 1), sizeof(*r->streams));
	cJSON_ArrayForEach(o, arr)
	{
		if (proto_result_stream_parse(o, &r->streams[r->nstreams]) ==
		    -1)
			return -1;
		r->nstreams++;
	}
	return 0;
}

int
proto_results_from_json(cJSON *j, struct results *r)
{
	const cJSON *it;
	int64_t v;

	memset(r, 0, sizeof(*r));
	if (!proto_get_double(j, "cpu_util_total", &r->cpu_total) ||
	    !proto_get_double(j, "cpu_util_user", &r->cpu_user) ||
	    !proto_get_double(j, "cpu_util_system", &r->cpu_system) ||
	    !proto_get_i64(j, "sender_has_retransmits", &v))
		return IE_RECVRESULTS;
	r->sender_has_retransmits = v < 0 ? -1 : (v > 0);
	it = cJSON_GetObjectItem(j, "congestion_used");
	if (cJSON_IsString(it) && it->valuestring != NULL)
		snprintf(r->congestion, sizeof(r->congestion), "%s",
		    it->valuestring);
	if (proto_results_streams(cJSON_GetObjectItem(j, "streams"), r) == -1) {
		proto_results_free(r);
		return IE_RECVRESULTS;
	}
	it = cJSON_GetObjectItem(j, "server_output_json");
	if (cJSON_IsObject(it))
		r->server_output_json =
		    cJSON_DetachItemViaPointer(j, (cJSON *)it);
	r->server_output_text = proto_get_str(j, "server_output_text");
	return 0;
}

void
proto_results_free(struct results *r)
{
	free(r->streams);
	cJSON_Delete(r->server_output_json);
	free(r->server_output_text);
	memset(r, 0, sizeof(*r));
}
