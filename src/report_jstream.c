/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * report_jstream.c: the --json-stream lines, {"event":name,"data":...}
 * one per line, flushed at once: the event writer the -J renderer calls
 * at each step, --sum-only's trimming of the per-stream lists, and the
 * closing events in iperf3's order. Owns no state; the document parts
 * stay report_json.c's.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_int.h"

/* The per-stream lists of an event's data. */
static bool
report_jstream_list(const char *key)
{
	return strcmp(key, "streams") == 0 || strcmp(key, "connected") == 0;
}

/*
 * With --sum-only an event's per-stream lists ("connected", "streams")
 * are left empty, since a line at -P 1000 would otherwise be hundreds of
 * KiB: data's members by reference, with those lists empty.
 */
static cJSON *
report_jstream_data(const struct reporter *r, cJSON *data)
{
	cJSON *o, *it;

	if (!r->s->sum_only)
		return cJSON_CreateObjectReference(data->child);
	o = cJSON_CreateObject();
	cJSON_ArrayForEach(it, data)
	{
		if (report_jstream_list(it->string))
			cJSON_AddArrayToObject(o, it->string);
		else
			cJSON_AddItemReferenceToObject(o, it->string, it);
	}
	return o;
}

void
report_jstream_event(struct reporter *r, const char *name, cJSON *data)
{
	cJSON *ev;
	char *txt;

	ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "event", name);
	if (cJSON_IsObject(data))
		cJSON_AddItemToObject(ev, "data", report_jstream_data(r, data));
	else
		cJSON_AddItemReferenceToObject(ev, "data", data);
	txt = cJSON_PrintUnformatted(ev);
	if (txt != NULL) {
		fputs(txt, r->out);
		fputc('\n', r->out);
		fflush(r->out);
	}
	cJSON_free(txt);
	cJSON_Delete(ev);
}

/* The closing --json-stream events, in iperf3's order. */
void
report_jstream_finish(struct reporter *r)
{
	cJSON *s;

	if (r->errmsg != NULL) {
		s = cJSON_CreateString(r->errmsg);
		report_jstream_event(r, "error", s);
		cJSON_Delete(s);
	}
	if (r->server_json != NULL)
		report_jstream_event(r, "server_output_json", r->server_json);
	if (r->server_text != NULL) {
		s = cJSON_CreateString(r->server_text);
		report_jstream_event(r, "server_output_text", s);
		cJSON_Delete(s);
	}
	report_jstream_event(r, "end", r->jend);
}
