/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * settings.h: the command line, parsed once by options.c and read-only
 * afterwards. Plain data; strings point into argv or are owned by the
 * struct (freed by settings_free()).
 */
#ifndef EVPERF_SETTINGS_H
#define EVPERF_SETTINGS_H

#include "compat.h"

#define EVPERF_DEFAULT_PORT 5201
#define EVPERF_DEFAULT_TCP_BLKSIZE (128 * 1024)
#define EVPERF_DEFAULT_SCTP_BLKSIZE (64 * 1024) /* iperf3's, with --sctp */
#define EVPERF_MAX_XBIND 32 /* -X names kept; more is IESETSCTPBINDX */
#define EVPERF_MAX_SCTP_OSTREAMS 65535 /* --nstreams: sinit_num_ostreams */
#define EVPERF_DEFAULT_UDP_RATE (1024 * 1024) /* bits/s, iperf3's "1M" */
#define EVPERF_MAX_STREAMS 10000 /* per direction; stock peers: 128 */
#define EVPERF_MAX_BLOCKSIZE (1024 * 1024)
#define EVPERF_MAX_UDP_BLOCKSIZE 65507
#define EVPERF_MAX_TCP_BUFFER (512 * 1024 * 1024)
#define EVPERF_MAX_TIME 86400
#define EVPERF_MAX_TESTS 64 /* --max-tests */
#define EVPERF_MAX_OMIT 600
#define EVPERF_MAX_MSS 9216
#define EVPERF_MAX_BURST 1000
#define EVPERF_DEFAULT_RCV_TIMEOUT_MS 120000
#define EVPERF_DEFAULT_LIMIT_WINDOW 5.0 /* --server-bitrate-limit R/N: N s */
#define EVPERF_MAX_FLOWLABEL 0xfffff /* -L: 20 bits */
#define EVPERF_MAX_CORE 1024 /* -A */
#define EVPERF_DEFAULT_PACING_TIMER 1000 /* us, iperf3's DEFAULT_PACING_TIMER */
#define EVPERF_DEFAULT_SKEW 10 /* --time-skew-threshold, seconds */

enum role {
	ROLE_NONE = 0,
	ROLE_CLIENT,
	ROLE_SERVER,
};

enum proto_kind {
	PROTO_TCP = 0,
	PROTO_UDP,
};

/* Request/response mode (--rr, --crr; rr.h): no bulk data then. */
enum rr_mode {
	RR_NONE = 0,
	RR_RR, /* back-to-back transactions on each data connection */
	RR_CRR, /* connect, one transaction, close; repeat */
};

struct settings {
	enum role role;
	const char *host; /* -c HOST, exactly as given */
	const char *bind_host; /* -B; NULL = any */
	const char *bind_dev; /* --bind-dev, or -B/-c HOST%DEV; NULL = none */
	int port; /* -p, default 5201 */
	int cport; /* --cport; 0 = ephemeral */
	int family; /* AF_UNSPEC, or AF_INET (-4) / AF_INET6 (-6) */
	enum proto_kind proto; /* -u selects PROTO_UDP */
	bool mptcp; /* -m: TCP data connections are MPTCP */
	/*
	 * --sctp: the data streams are SCTP (one-to-one style, driven as TCP
	 * streams: proto stays PROTO_TCP); -u and -m turn it off again.
	 */
	bool sctp;
	int nstreams; /* --nstreams: SCTP outbound streams; 0 = default */
	const char *xbind[EVPERF_MAX_XBIND]; /* -X names, in order */
	int nxbind;

	int duration; /* -t seconds; default 10, 0 with -n/-k */
	uint64_t bytes; /* -n; 0 = unused */
	uint64_t blocks; /* -k; 0 = unused */
	int parallel; /* -P, default 1 */
	bool reverse; /* -R */
	bool bidir; /* --bidir */
	int blksize; /* -l; 0 = protocol default (TCP 128 KiB) */
	int window; /* -w bytes; 0 = OS default */
	uint64_t rate; /* -b bits/s per stream; 0 = unlimited */
	int burst; /* -b RATE/N; 0 = none */
	uint64_t fqrate; /* --fq-rate bits/s (SO_MAX_PACING_RATE); 0 = off */
	bool no_fq_pacing; /* --no-fq-socket-pacing (deprecated) was given */
	int pacing_timer; /* --pacing-timer us, sent only (default 1000) */
	double interval; /* -i seconds, default 1; 0 = no intervals */
	int omit; /* -O seconds */
	char format; /* -f: 'a' (adaptive), k m g t K M G T */

	bool nodelay; /* -N */
	int mss; /* -M; 0 = default */
	const char *congestion; /* -C; NULL = default */
	int tos; /* -S / --tos / --dscp */
	const char *title; /* -T */
	const char *extra_data; /* --extra-data */
	int flowlabel; /* -L: IPv6 flow label; 0 = none */
	int affinity; /* -A n: this process's core; -1 = none */
	int server_affinity; /* -A n,m: the server's core; -1 = none */
	bool zerocopy; /* -Z: TCP senders use sendfile */
	const char *file; /* -F: send this file's bytes, or write what comes */
	bool repeating_payload; /* --repeating-payload: "0123456789..." */
	bool skip_rx_copy; /* --skip-rx-copy: TCP receives with MSG_TRUNC */
	int latency; /* --latency[=N]: probes per second, 0 = none */
	bool latency_udp; /* --latency-udp: UDP probes in a TCP test */
	enum rr_mode rr; /* --rr or --crr; RR_NONE = a bulk test */
	int rr_req, rr_resp; /* ... their request and response bytes */

	bool one_off; /* -1 */
	bool json; /* -J (also set by --json-stream) */
	bool json_stream; /* --json-stream: one line per event */
	bool json_stream_full; /* --json-stream-full-output: and the document */
	bool verbose; /* -V */
	bool debug; /* -d */
	bool get_server_output; /* --get-server-output */
	bool forceflush; /* --forceflush */
	bool sum_only; /* --sum-only: [SUM] rows only (evperf extension) */
	bool udp_counters_64bit; /* --udp-counters-64bit */
	bool gsro; /* --gsro: UDP GSO/GRO where the kernel has it */
	bool dont_fragment; /* --dont-fragment: DF on IPv4 UDP streams */
	bool daemon; /* -D */
	const char *pidfile; /* -I / --pidfile */
	const char *logfile; /* --logfile */
	const char *timestamp_fmt; /* --timestamps[=FMT]; NULL = off */
	int connect_timeout_ms; /* --connect-timeout; -1 = none */
	int rcv_timeout_ms; /* --rcv-timeout, default 120000 */
	int snd_timeout_ms; /* --snd-timeout (TCP_USER_TIMEOUT); 0 = system */
	bool cntl_ka; /* --cntl-ka[=IDLE/INTVL/CNT]: control keepalive */
	int cntl_ka_idle, cntl_ka_intvl, cntl_ka_cnt; /* 0 = system default */
	int idle_timeout; /* --idle-timeout seconds (server); 0 = off */
	int max_tests; /* --max-tests: tests a server runs at once (1) */
	int max_duration; /* --server-max-duration seconds; 0 = none */
	uint64_t bitrate_limit; /* --server-bitrate-limit bits/s; 0 = none */
	double bitrate_window; /* ... /N: seconds to average over, default 5 */

	/* Authentication (auth.h); the files are read by main at startup. */
	const char *username; /* --username (client) */
	const char *rsa_public_key_path; /* --rsa-public-key-path (client) */
	const char *rsa_private_key_path; /* --rsa-private-key-path (server) */
	const char *authorized_users_path; /* --authorized-users-path */
	int skew_threshold; /* --time-skew-threshold seconds, default 10 */
	bool use_pkcs1_padding; /* --use-pkcs1-padding: PKCS#1 v1.5, not OAEP */

	bool show_version; /* -v */
	bool show_help; /* -h */

	/* Test switch, documented as such: never send the bidir role flag. */
	bool no_role_flag; /* --no-role-flag (hidden) */
};

#endif /* EVPERF_SETTINGS_H */
