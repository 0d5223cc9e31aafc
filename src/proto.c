/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * proto.c: iperf3 wire framing, the cookie, the role flag and the
 * parameters message (the results message is proto_results.c's).
 * Everything that arrives here
 * is untrusted: lengths are capped before anything is allocated, JSON
 * values are type-checked and range-checked, and a bad message yields an
 * IE code, never a crash. Parameter keys and types follow what a stock
 * client sends (protocol reference 2.2); lookups are cJSON's
 * case-insensitive ones, as stock servers do.
 */
#include "compat.h"

#include <arpa/inet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/util.h>

#include "errors.h"
#include "log.h"
#include "proto.h"
#include "proto_int.h"
#include "rr.h"
#include "version.h"

static const char proto_cookie_chars[] = "abcdefghijklmnopqrstuvwxyz234567";

void
proto_make_cookie(char cookie[COOKIE_SIZE])
{
	unsigned char rnd[COOKIE_SIZE];
	int i;

	evutil_secure_rng_get_bytes(rnd, sizeof(rnd));
	for (i = 0; i < COOKIE_SIZE - 1; i++)
		cookie[i] = proto_cookie_chars[rnd[i] % 32];
	cookie[COOKIE_SIZE - 1] = '\0';
}

void
proto_role_encode(unsigned char *out, int width, bool client_sends, int idx)
{
	unsigned int v;

	if (width == 1) {
		out[0] = (unsigned char)((client_sends ? PROTO_ROLE_CLIENT_SENDS
						       : 0) |
		    (idx & PROTO_ROLE_INDEX_MASK));
		return;
	}
	v = (client_sends ? PROTO_ROLE_WIDE_SENDS : 0) |
	    ((unsigned int)idx & PROTO_ROLE_WIDE_MASK);
	out[0] = (unsigned char)(v >> 8);
	out[1] = (unsigned char)v;
}

int
proto_role_decode(unsigned int role, int width, bool *client_sends)
{
	if (width == 1) {
		*client_sends = (role & PROTO_ROLE_CLIENT_SENDS) != 0;
		return (int)(role & PROTO_ROLE_INDEX_MASK);
	}
	*client_sends = (role & PROTO_ROLE_WIDE_SENDS) != 0;
	return (int)(role & PROTO_ROLE_WIDE_MASK);
}

/* evbuffer_add, or fatalx: it fails only when memory runs out. */
static void
proto_add(struct evbuffer *out, const void *data, size_t len)
{
	if (evbuffer_add(out, data, len) == -1)
		fatalx("%s: evbuffer_add failed", __func__);
}

/* Take exactly len bytes the caller knows are there. */
static void
proto_remove(struct evbuffer *in, void *data, size_t len)
{
	if (evbuffer_remove(in, data, len) != (int)len)
		fatalx("%s: evbuffer_remove failed", __func__);
}

int
proto_take_state(struct evbuffer *in, signed char *st)
{
	if (evbuffer_get_length(in) < 1)
		return 0;
	proto_remove(in, st, 1);
	return 1;
}

void
proto_put_state(struct evbuffer *out, signed char st)
{
	proto_add(out, &st, 1);
}

int
proto_take_int(struct evbuffer *in, int32_t *v)
{
	uint32_t n;

	if (evbuffer_get_length(in) < sizeof(n))
		return 0;
	proto_remove(in, &n, sizeof(n));
	*v = (int32_t)ntohl(n);
	return 1;
}

void
proto_put_int(struct evbuffer *out, int32_t v)
{
	uint32_t n = htonl((uint32_t)v);

	proto_add(out, &n, sizeof(n));
}

int
proto_take_json(struct evbuffer *in, size_t cap, cJSON **json)
{
	uint32_t n;
	size_t len;
	char *text;

	*json = NULL;
	if (evbuffer_copyout(in, &n, sizeof(n)) < (ev_ssize_t)sizeof(n))
		return 0;
	len = ntohl(n);
	if (len == 0 || len > cap)
		return -1;
	if (evbuffer_get_length(in) < sizeof(n) + len)
		return 0;
	proto_remove(in, &n, sizeof(n));
	text = xmalloc(len + 1);
	proto_remove(in, text, len);
	text[len] = '\0';
	*json = cJSON_ParseWithLength(text, len);
	free(text);
	if (*json == NULL || !cJSON_IsObject(*json)) {
		cJSON_Delete(*json);
		*json = NULL;
		return -2;
	}
	return 1;
}

void
proto_put_json(struct evbuffer *out, const cJSON *json)
{
	char *text;
	size_t len;

	if ((text = cJSON_PrintUnformatted(json)) == NULL)
		fatalx("%s: cJSON_PrintUnformatted failed", __func__);
	len = strlen(text);
	proto_put_int(out, (int32_t)len);
	proto_add(out, text, len);
	cJSON_free(text);
}

int
proto_stream_id(int k)
{
	return k == 0 ? 1 : k + 2;
}

int
proto_stream_k(int id)
{
	if (id == 1)
		return 0;
	return id >= 3 ? id - 2 : -1;
}

/*
 * A JSON number as int64. iperf3 3.12 prints -1 as 18446744073709551615,
 * so anything at or past 2^63 reads as -1 (protocol reference 5.3).
 */
bool
proto_get_i64(const cJSON *obj, const char *key, int64_t *v)
{
	const cJSON *it = cJSON_GetObjectItem(obj, key);

	if (!cJSON_IsNumber(it) || isnan(it->valuedouble))
		return false;
	if (it->valuedouble >= 9223372036854775807.0)
		*v = -1;
	else if (it->valuedouble <= -9223372036854775807.0)
		*v = INT64_MIN;
	else
		*v = (int64_t)it->valuedouble;
	return true;
}

bool
proto_get_double(const cJSON *obj, const char *key, double *v)
{
	const cJSON *it = cJSON_GetObjectItem(obj, key);

	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return false;
	*v = it->valuedouble;
	return true;
}

/* A flag is on when present as true or as a non-zero number. */
static bool
proto_get_flag(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItem(obj, key);

	if (cJSON_IsTrue(it))
		return true;
	return cJSON_IsNumber(it) && it->valuedouble != 0;
}

/* The role-flag form a client offers: 0, 1 (true or 1) or 2 (2 or more). */
static int
proto_roles_offer(const cJSON *j)
{
	const cJSON *it = cJSON_GetObjectItem(j, PROTO_ROLES_KEY);

	if (cJSON_IsNumber(it) && it->valuedouble >= PROTO_ROLES_WIDE)
		return PROTO_ROLES_WIDE;
	return proto_get_flag(j, PROTO_ROLES_KEY) ? 1 : 0;
}

char *
proto_get_str(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItem(obj, key);

	if (!cJSON_IsString(it) || it->valuestring == NULL)
		return NULL;
	return xstrdup(it->valuestring);
}

/* A client's block size when -l is not given (iperf3: UDP's comes later). */
int
proto_default_blksize(const struct test_params *p)
{
	if (p->proto == PROTO_UDP)
		return 0;
	if (p->rr != RR_NONE)
		return p->rr_req; /* the "len" of a request/response test */
	return p->sctp ? EVPERF_DEFAULT_SCTP_BLKSIZE
		       : EVPERF_DEFAULT_TCP_BLKSIZE;
}

void
proto_params_from_settings(struct test_params *p, const struct settings *s)
{
	memset(p, 0, sizeof(*p));
	p->proto = s->proto;
	p->omit = s->omit;
	p->duration = s->duration;
	p->bytes = s->bytes;
	p->blocks = s->blocks;
	p->parallel = s->parallel;
	p->reverse = s->reverse;
	p->bidir = s->bidir;
	p->mptcp = s->mptcp;
	p->sctp = s->proto == PROTO_TCP && s->sctp;
	p->has_server_affinity = s->server_affinity != -1;
	p->server_affinity = s->server_affinity;
	p->flowlabel = s->flowlabel;
	p->mss = s->mss;
	p->nodelay = s->nodelay;
	p->window = s->window;
	p->blksize = s->blksize;
	p->rate = s->rate;
	p->fqrate = s->fqrate;
	p->pacing_timer = s->pacing_timer;
	p->burst = s->burst;
	p->tos = s->tos;
	p->title = s->title ? xstrdup(s->title) : NULL;
	p->extra_data = s->extra_data ? xstrdup(s->extra_data) : NULL;
	p->congestion = s->congestion ? xstrdup(s->congestion) : NULL;
	p->get_server_output = s->get_server_output;
	p->udp_counters_64bit = s->udp_counters_64bit;
	p->dont_fragment = s->dont_fragment;
	p->repeating_payload = s->repeating_payload;
	p->zerocopy = s->zerocopy;
	p->skip_rx_copy = s->skip_rx_copy;
	p->latency = s->latency;
	p->latency_udp =
	    s->latency > 0 && (s->latency_udp || p->proto == PROTO_UDP);
	p->rr = s->rr;
	p->rr_req = s->rr_req;
	p->rr_resp = s->rr_resp;
	p->gso = p->gro = s->gsro;
	p->gso_bf_size = p->gro_bf_size = EVPERF_MAX_UDP_BLOCKSIZE;
}

/* 3.21 sends the five GSO/GRO keys in every UDP test, used or not. */
static void
proto_params_gsro(cJSON *j, const struct test_params *p)
{
	cJSON_AddNumberToObject(j, "gso", p->gso);
	cJSON_AddNumberToObject(j, "gso_dg_size", p->gso ? p->gso_dg_size : 0);
	cJSON_AddNumberToObject(j, "gso_bf_size", p->gso_bf_size);
	cJSON_AddNumberToObject(j, "gro", p->gro);
	cJSON_AddNumberToObject(j, "gro_bf_size", p->gro_bf_size);
}

/* "evperf_rr": {"mode": "rr" or "crr", "req": N, "resp": M}. */
static void
proto_params_rr(cJSON *j, const struct test_params *p)
{
	cJSON *o = cJSON_AddObjectToObject(j, PROTO_RR_KEY);

	cJSON_AddStringToObject(o, "mode", rr_mode_name(p->rr));
	cJSON_AddNumberToObject(o, "req", p->rr_req);
	cJSON_AddNumberToObject(o, "resp", p->rr_resp);
}

cJSON *
proto_params_to_json(const struct test_params *p, bool offer_roles)
{
	cJSON *j = cJSON_CreateObject();

	/* The protocol: "udp", "sctp" (--sctp) or "tcp", as iperf3 names it. */
	cJSON_AddTrueToObject(
	    j, p->proto == PROTO_UDP ? "udp" : (p->sctp ? "sctp" : "tcp"));
	cJSON_AddNumberToObject(j, "omit", p->omit);
	if (p->has_server_affinity)
		cJSON_AddNumberToObject(
		    j, "server_affinity", p->server_affinity);
	cJSON_AddNumberToObject(j, "time", p->duration);
	cJSON_AddNumberToObject(j, "num", (double)p->bytes);
	cJSON_AddNumberToObject(j, "blockcount", (double)p->blocks);
	if (p->mss)
		cJSON_AddNumberToObject(j, "MSS", p->mss);
	if (p->nodelay)
		cJSON_AddTrueToObject(j, "nodelay");
	cJSON_AddNumberToObject(j, "parallel", p->parallel);
	if (p->reverse)
		cJSON_AddTrueToObject(j, "reverse");
	if (p->bidir)
		cJSON_AddTrueToObject(j, "bidirectional");
	if (p->mptcp)
		cJSON_AddTrueToObject(j, "mptcp");
	if (p->window)
		cJSON_AddNumberToObject(j, "window", p->window);
	cJSON_AddNumberToObject(j, "len", p->blksize);
	if (p->rate)
		cJSON_AddNumberToObject(j, "bandwidth", (double)p->rate);
	if (p->fqrate)
		cJSON_AddNumberToObject(j, "fqrate", (double)p->fqrate);
	if (p->pacing_timer)
		cJSON_AddNumberToObject(j, "pacing_timer", p->pacing_timer);
	if (p->burst)
		cJSON_AddNumberToObject(j, "burst", p->burst);
	if (p->proto == PROTO_UDP)
		proto_params_gsro(j, p);
	if (p->tos)
		cJSON_AddNumberToObject(j, "TOS", p->tos);
	if (p->flowlabel)
		cJSON_AddNumberToObject(j, "flowlabel", p->flowlabel);
	if (p->title)
		cJSON_AddStringToObject(j, "title", p->title);
	if (p->extra_data)
		cJSON_AddStringToObject(j, "extra_data", p->extra_data);
	if (p->congestion)
		cJSON_AddStringToObject(j, "congestion", p->congestion);
	if (p->get_server_output)
		cJSON_AddNumberToObject(j, "get_server_output", 1);
	if (p->udp_counters_64bit)
		cJSON_AddNumberToObject(j, "udp_counters_64bit", 1);
	if (p->repeating_payload)
		cJSON_AddNumberToObject(j, "repeating_payload", 1);
	if (p->zerocopy)
		cJSON_AddNumberToObject(j, "zerocopy", 1);
	if (p->dont_fragment)
		cJSON_AddNumberToObject(j, "dont_fragment", 1);
	if (p->authtoken)
		cJSON_AddStringToObject(j, "authtoken", p->authtoken);
	if (p->skip_rx_copy)
		cJSON_AddNumberToObject(j, "skip_rx_copy", 1);
	if (offer_roles)
		cJSON_AddNumberToObject(j, PROTO_ROLES_KEY, PROTO_ROLES_WIDE);
	if (offer_roles && p->latency > 0)
		cJSON_AddNumberToObject(j, PROTO_LATENCY_KEY, p->latency);
	if (offer_roles && p->latency > 0 && p->latency_udp)
		cJSON_AddNumberToObject(j, PROTO_LATENCY_UDP_KEY, 1);
	if (offer_roles && p->rr != RR_NONE)
		proto_params_rr(j, p);
	cJSON_AddStringToObject(j, "client_version", version_iperf());
	return j;
}

/* An integer parameter within [lo, hi], or the IE code for a bad one. */
static int
proto_param_int(
    const cJSON *j, const char *key, int64_t lo, int64_t hi, int64_t *v, int ie)
{
	if (cJSON_GetObjectItem(j, key) == NULL)
		return 0;
	if (!proto_get_i64(j, key, v) || *v < lo || *v > hi)
		return ie;
	return 0;
}

/*
 * -n or -k: a count in 0..2^64, as a stock client's unsigned iperf_size_t
 * sends it (a double). What does not fit an int64 is held at INT64_MAX,
 * a budget no test spends; a negative or non-number one is refused.
 */
static int
proto_param_count(const cJSON *j, const char *key, uint64_t *v)
{
	const cJSON *it = cJSON_GetObjectItem(j, key);

	if (it == NULL)
		return 0;
	if (!cJSON_IsNumber(it) || isnan(it->valuedouble) ||
	    it->valuedouble < 0)
		return IE_RECVPARAMS;
	*v = it->valuedouble >= 9223372036854775807.0
	    ? (uint64_t)INT64_MAX
	    : (uint64_t)it->valuedouble;
	return 0;
}

static int
proto_params_numbers(const cJSON *j, struct test_params *p)
{
	int64_t v;
	int rc;

#define PARAM(key, lo, hi, field, ie)                                          \
	do {                                                                   \
		v = p->field;                                                  \
		if ((rc = proto_param_int(j, key, lo, hi, &v, ie)) != 0)       \
			return rc;                                             \
		p->field = v;                                                  \
	} while (0)
	if ((rc = proto_param_count(j, "num", &p->bytes)) != 0 ||
	    (rc = proto_param_count(j, "blockcount", &p->blocks)) != 0)
		return rc;
	PARAM("omit", 0, EVPERF_MAX_OMIT, omit, IE_OMIT);
	PARAM("time", 0, EVPERF_MAX_TIME, duration, IE_DURATION);
	PARAM("MSS", 0, EVPERF_MAX_MSS, mss, IE_MSS);
	PARAM("parallel", 1, EVPERF_MAX_STREAMS, parallel, IE_NUMSTREAMS);
	PARAM("window", 0, EVPERF_MAX_TCP_BUFFER, window, IE_BUFSIZE);
	PARAM("len", 1, EVPERF_MAX_BLOCKSIZE, blksize, IE_BLOCKSIZE);
	PARAM("bandwidth", 0, INT64_MAX, rate, IE_RECVPARAMS);
	PARAM("fqrate", 0, INT64_MAX, fqrate, IE_RECVPARAMS);
	PARAM("burst", 0, EVPERF_MAX_BURST, burst, IE_BURST);
	PARAM("TOS", 0, 255, tos, IE_BADTOS);
	PARAM("server_affinity", 0, EVPERF_MAX_CORE, server_affinity,
	    IE_AFFINITY);
	PARAM("flowlabel", 0, EVPERF_MAX_FLOWLABEL, flowlabel, IE_SETFLOW);
	PARAM("gso_dg_size", 0, EVPERF_MAX_UDP_BLOCKSIZE, gso_dg_size,
	    IE_UDPBLOCKSIZE);
	PARAM("gso_bf_size", 0, EVPERF_MAX_UDP_BLOCKSIZE, gso_bf_size,
	    IE_UDPBLOCKSIZE);
	PARAM("gro_bf_size", 0, EVPERF_MAX_UDP_BLOCKSIZE, gro_bf_size,
	    IE_UDPBLOCKSIZE);
	PARAM(PROTO_LATENCY_KEY, 0, PROTO_LATENCY_MAX, latency, IE_RECVPARAMS);
#undef PARAM
	return 0;
}

/*
 * "evperf_rr" (untrusted): absent, or an object with a known mode and
 * both sizes in range, in a TCP test that goes one way (no -R, --bidir,
 * --latency, SCTP: the client refuses those itself). IE_RECVPARAMS else.
 */
static int
proto_params_rr_from_json(const cJSON *j, struct test_params *p)
{
	const cJSON *o = cJSON_GetObjectItem(j, PROTO_RR_KEY);
	const cJSON *mode;
	int64_t req, resp;

	if (o == NULL)
		return 0;
	mode = cJSON_GetObjectItem(o, "mode");
	if (!cJSON_IsObject(o) || !cJSON_IsString(mode) ||
	    (p->rr = rr_mode_of(mode->valuestring)) == RR_NONE ||
	    !proto_get_i64(o, "req", &req) || req < 1 || req > RR_MAX_MSG ||
	    !proto_get_i64(o, "resp", &resp) || resp < 1 || resp > RR_MAX_MSG)
		return IE_RECVPARAMS;
	p->rr_req = (int)req;
	p->rr_resp = (int)resp;
	if (p->proto != PROTO_TCP || p->sctp || p->reverse || p->bidir ||
	    p->latency > 0)
		return IE_RECVPARAMS;
	return 0;
}

int
proto_params_from_json(const cJSON *j, struct test_params *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->parallel = 1;
	p->has_server_affinity =
	    cJSON_GetObjectItem(j, "server_affinity") != NULL;
	/* iperf3 reads "tcp", then "udp", then "sctp": the last one wins. */
	if (proto_get_flag(j, "sctp"))
		p->sctp = true;
	else if (proto_get_flag(j, "udp"))
		p->proto = PROTO_UDP;
	else if (!proto_get_flag(j, "tcp"))
		return IE_PROTOCOL;
	if ((rc = proto_params_numbers(j, p)) != 0)
		return rc;
	if (p->blksize == 0)
		p->blksize =
		    p->proto == PROTO_UDP ? 1460 : EVPERF_DEFAULT_TCP_BLKSIZE;
	if (p->proto == PROTO_UDP &&
	    (p->blksize < 16 || p->blksize > EVPERF_MAX_UDP_BLOCKSIZE))
		return IE_UDPBLOCKSIZE;
	p->nodelay = proto_get_flag(j, "nodelay");
	p->reverse = proto_get_flag(j, "reverse");
	p->bidir = proto_get_flag(j, "bidirectional");
	p->mptcp = proto_get_flag(j, "mptcp");
	if (p->reverse && p->bidir)
		return IE_REVERSEBIDIR;
	p->get_server_output = proto_get_flag(j, "get_server_output");
	p->udp_counters_64bit = proto_get_flag(j, "udp_counters_64bit");
	p->dont_fragment = proto_get_flag(j, "dont_fragment");
	/* iperf3: any number means the pattern; zerocopy, skip_rx_copy: != 0 */
	p->repeating_payload =
	    cJSON_IsNumber(cJSON_GetObjectItem(j, "repeating_payload"));
	p->zerocopy = proto_get_flag(j, "zerocopy");
	p->skip_rx_copy = proto_get_flag(j, "skip_rx_copy");
	p->gso = proto_get_flag(j, "gso");
	p->gro = proto_get_flag(j, "gro");
	p->roles = proto_roles_offer(j);
	p->latency_udp =
	    p->latency > 0 && proto_get_flag(j, PROTO_LATENCY_UDP_KEY);
	if ((rc = proto_params_rr_from_json(j, p)) != 0)
		return rc;
	p->title = proto_get_str(j, "title");
	p->extra_data = proto_get_str(j, "extra_data");
	p->congestion = proto_get_str(j, "congestion");
	p->authtoken = proto_get_str(j, "authtoken");
	return 0;
}

void
proto_params_free(struct test_params *p)
{
	free(p->title);
	free(p->extra_data);
	free(p->congestion);
	free(p->authtoken);
	p->title = p->extra_data = p->congestion = p->authtoken = NULL;
}
