/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * proto.h: the iperf3 control protocol: state bytes, cookie, the
 * length-prefixed JSON framing on an evbuffer (incremental: a caller feeds
 * what arrived and is told "not yet" until a whole message is there), and
 * the parameter and results messages <-> C structs.
 */
#ifndef EVPERF_PROTO_H
#define EVPERF_PROTO_H

#include <event2/buffer.h>

#include <cjson/cJSON.h>

#include "settings.h"

/* State bytes, as iperf3's src/iperf.h numbers them. */
enum proto_state {
	TEST_START = 1,
	TEST_RUNNING = 2,
	RESULT_REQUEST = 3,
	TEST_END = 4,
	STREAM_BEGIN = 5,
	STREAM_RUNNING = 6,
	STREAM_END = 7,
	ALL_STREAMS_END = 8,
	PARAM_EXCHANGE = 9,
	CREATE_STREAMS = 10,
	SERVER_TERMINATE = 11,
	CLIENT_TERMINATE = 12,
	EXCHANGE_RESULTS = 13,
	DISPLAY_RESULTS = 14,
	IPERF_START = 15,
	IPERF_DONE = 16,
	ACCESS_DENIED = -1,
	SERVER_ERROR = -2,
	/* evperf extension, only ever sent to a client that advertised it. */
	EVPERF_ROLES_ACK = 100, /* the 1-byte role flag */
	EVPERF_ROLES2_ACK = 101, /* the 2-byte role flag (-P above 128) */
	EVPERF_LATENCY_ACK = 102, /* latency probes (--latency) */
	EVPERF_RR_ACK = 103, /* request/response mode (--rr, --crr) */
};

#define COOKIE_SIZE 37 /* 36 characters + NUL, iperf3's COOKIE_SIZE */
#define PROTO_PARAMS_MAX 8192 /* iperf3 3.18+ MAX_PARAMS_JSON_STRING */
#define PROTO_RESULTS_MAX (64 * 1024 * 1024)
#define PROTO_ROLES_KEY "evperf_roles" /* capability key in parameters */
/*
 * --latency: the client asks with "evperf_latency": probes per second
 * (1..PROTO_LATENCY_MAX) next to an offer of the wide role flag; a server
 * that agrees confirms the wide flag (101) whatever -P is, then sends
 * EVPERF_LATENCY_ACK, and the probe connection carries PROTO_PROBE_FLAG.
 */
#define PROTO_LATENCY_KEY "evperf_latency"
#define PROTO_LATENCY_UDP_KEY "evperf_latency_udp" /* 1: UDP probes */
#define PROTO_LATENCY_MAX 1000
#define PROTO_PROBE_FLAG 0xffff
/*
 * --rr, --crr: the client asks with "evperf_rr": {"mode": "rr" or "crr",
 * "req": N, "resp": M} (1..RR_MAX_MSG bytes each) next to an offer of the
 * wide role flag; a server that agrees confirms the wide flag (101), then
 * sends EVPERF_RR_ACK. With --crr, every connection after the test's -P
 * carries one transaction and the wide role flag of the -P connection
 * (the loop) it belongs to, which it repeats.
 */
#define PROTO_RR_KEY "evperf_rr"

/*
 * Role flag byte after the cookie on an evperf<->evperf data connection:
 * bit 7 set = the client sends on this connection; bits 0-6 = the
 * connection's index among those of its direction (0..127), which gives
 * both ends the same stream id whatever order the server accepts in.
 */
#define PROTO_ROLE_CLIENT_SENDS 0x80
#define PROTO_ROLE_INDEX_MASK 0x7f
/*
 * The wide form, for tests of more than 128 streams: two bytes, big
 * endian; bit 15 = the client sends, bits 0-14 = the index (0..32767).
 * The client offers it with "evperf_roles":2; the server confirms it
 * with EVPERF_ROLES2_ACK only when -P is above PROTO_ROLE_NARROW_MAX.
 */
#define PROTO_ROLES_WIDE 2 /* value of the offer that includes it */
#define PROTO_ROLE_NARROW_MAX 128 /* streams per direction, 1-byte form */
#define PROTO_ROLE_WIDE_SENDS 0x8000
#define PROTO_ROLE_WIDE_MASK 0x7fff
#define PROTO_ROLE_MAX_LEN 2
/*
 * With the role flag, an evperf client has up to this many TCP data
 * connects in flight at once (any order); without it, one at a time.
 */
#define PROTO_CONNECT_WINDOW 64

/*
 * The role flag of the idx-th connection of its direction, in width
 * bytes (1 or 2) at out.
 */
void proto_role_encode(
    unsigned char *out, int width, bool client_sends, int idx);

/*
 * A role flag of width bytes as read (first byte in the high bits):
 * its direction (*client_sends) and its index, which it returns.
 */
int proto_role_decode(unsigned int role, int width, bool *client_sends);

/* What both ends agree a test is: the parameter message as a struct. */
struct test_params {
	enum proto_kind proto;
	int omit;
	int duration;
	uint64_t bytes;
	uint64_t blocks;
	int parallel;
	bool reverse;
	bool bidir;
	bool mptcp; /* "mptcp": data connections are MPTCP */
	/*
	 * "sctp" (sent instead of "tcp"): the data connections are SCTP;
	 * proto stays PROTO_TCP, since they are driven as TCP streams.
	 */
	bool sctp;
	bool has_server_affinity; /* "server_affinity" travels */
	int server_affinity; /* its value: the server's core (-A n,m) */
	int flowlabel; /* "flowlabel"; 0 = not sent */
	int mss;
	bool nodelay;
	int window;
	int blksize;
	uint64_t rate;
	uint64_t fqrate; /* --fq-rate bits/s; 0 = off */
	int pacing_timer; /* sent; 0 = omitted */
	int burst;
	int tos;
	char *title;
	char *extra_data;
	char *congestion;
	bool get_server_output;
	bool udp_counters_64bit;
	bool dont_fragment;
	bool repeating_payload, zerocopy, skip_rx_copy;
	bool gso, gro; /* UDP segmentation / receive offload */
	int gso_dg_size, gso_bf_size, gro_bf_size;
	int roles; /* role flag: server, the form offered (0, 1 or 2);
		      client, the width confirmed (0, 1 or 2 bytes) */
	char *authtoken; /* "authtoken" (auth.h), or NULL */
	int latency; /* evperf_latency: probes per second, 0 = none */
	bool latency_udp; /* evperf_latency_udp: the probes are UDP */
	enum rr_mode rr; /* evperf_rr: request/response mode, or RR_NONE */
	int rr_req, rr_resp; /* ... its request and response bytes */
};

/* One stream's entry of a results message. */
struct result_stream {
	int id;
	uint64_t bytes;
	int64_t retransmits;
	double jitter;
	int64_t errors, omitted_errors;
	int64_t packets, omitted_packets;
	double start_time, end_time;
};

/* A results message (either direction). */
struct results {
	double cpu_total, cpu_user, cpu_system;
	int sender_has_retransmits; /* -1, 0 or 1 */
	char congestion[32]; /* "" = absent */
	size_t nstreams;
	struct result_stream *streams;
	cJSON *server_output_json; /* owned; NULL = absent */
	char *server_output_text; /* owned; NULL = absent */
};

/* A fresh random cookie (36 base-32 characters and a NUL). */
void proto_make_cookie(char cookie[COOKIE_SIZE]);

/*
 * Take one state byte from in. Returns 1 (stored in *st) or 0 if none yet.
 */
int proto_take_state(struct evbuffer *in, signed char *st);

/* Append one state byte. */
void proto_put_state(struct evbuffer *out, signed char st);

/*
 * Take one length-prefixed JSON message from in. Returns 1 (parsed into
 * *json), 0 (not complete yet: nothing consumed), -1 (length 0 or over
 * cap: IE_BADLEN) or -2 (malformed JSON: IE_BADJSON). Never allocates
 * more than the message that actually arrived.
 */
int proto_take_json(struct evbuffer *in, size_t cap, cJSON **json);

/* Append json, unformatted, with its BE32 length. */
void proto_put_json(struct evbuffer *out, const cJSON *json);

/* Take two BE32 ints after SERVER_ERROR; 1, 0 (need more) as above. */
int proto_take_int(struct evbuffer *in, int32_t *v);
void proto_put_int(struct evbuffer *out, int32_t v);

/*
 * A client's block size without -l: 128 KiB TCP, 64 KiB SCTP, 0 UDP; the
 * request size with --rr or --crr.
 */
int proto_default_blksize(const struct test_params *p);

/* Fill params from the client's settings (blksize already resolved). */
void proto_params_from_settings(
    struct test_params *p, const struct settings *s);

/* The parameter message a stock client sends for p, plus our key. */
cJSON *proto_params_to_json(const struct test_params *p, bool offer_roles);

/*
 * Parse and validate a parameter message (untrusted). Returns 0, or the
 * IE code of the first bad value (p is then partially filled).
 */
int proto_params_from_json(const cJSON *json, struct test_params *p);

void proto_params_free(struct test_params *p);

/* Render r as a results message (server output objects included). */
cJSON *proto_results_to_json(const struct results *r);

/* Parse an untrusted results message. Returns 0 or IE_RECVRESULTS. */
int proto_results_from_json(cJSON *json, struct results *r);

void proto_results_free(struct results *r);

/* Stream id of the k-th stream (0-based): 1, 3, 4, 5, ... as iperf3. */
int proto_stream_id(int k);

/* The k of stream id, or -1 if no stream has that id (2, or below 1). */
int proto_stream_k(int id);

#endif /* EVPERF_PROTO_H */
