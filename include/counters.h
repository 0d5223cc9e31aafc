/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * counters.h: a test's counting, as pure arithmetic on plain data. A
 * struct budget is the -n/-k allowance, which the session hands down to
 * every stream of the test and which both directions charge: the
 * client's ends the test, the server's only stops its senders. A
 * struct counters is one stream's numbers: running totals, the baselines
 * at the end of -O and at the last interval, TCP_INFO extremes and the
 * UDP receiver's accounting; from them come the interval snapshot, the
 * results-message entry and the summary line. Nothing here reads a
 * clock or a socket: time and samples come in as arguments, so unit
 * tests drive it with made-up numbers.
 */
#ifndef EVPERF_COUNTERS_H
#define EVPERF_COUNTERS_H

#include "compat.h"
#include "osdep.h"
#include "proto.h"
#include "report.h"
#include "udpstat.h"

/* The -n/-k allowance of a test, shared by all its streams. */
struct budget {
	uint64_t limit; /* bytes; 0 = none (a timed test) */
	bool armed; /* false while -O runs: nothing is capped then */
	bool send_only; /* the server's: stops senders, never ends the test */
	uint64_t sent, rcvd; /* bytes moved by the test's streams */
	uint64_t taken; /* bytes of the writes TCP senders have begun */
};

/*
 * The allowance of -n bytes, else -k blocks of blksize (untrusted from
 * the network: the product saturates). A client's is exact; a server's
 * (send_only) is rounded up to whole blocks.
 */
void budget_init(struct budget *b, uint64_t bytes, uint64_t blocks,
    size_t blksize, bool send_only);

/* The limit in force now: 0 when there is none or -O is running. */
uint64_t budget_limit(const struct budget *b);

/*
 * How much of a want-byte write the budget allows (0 = spent), counting
 * the writes begun and not yet finished as spent.
 */
size_t budget_chunk(const struct budget *b, size_t want);

/* How many of n datagrams of len bytes the budget allows (rounded up). */
int budget_dgrams(const struct budget *b, size_t len, int n);

/* True once either direction has moved a client's whole allowance. */
bool budget_spent(const struct budget *b);

/* True if received bytes can spend it (a client's, with a limit). */
bool budget_counts_rx(const struct budget *b);

/* One stream's numbers; the _omit and _iv fields are baselines. */
struct counters {
	bool tcpinfo; /* TCP_INFO samples come in */
	bool sender; /* the local end writes */
	bool udp;
	uint64_t bytes, bytes_omit, bytes_iv; /* moved since TEST_RUNNING */
	double t_start, t_iv, t_end; /* start (after -O), interval, sample */

	/*
	 * TCP sender whose OS tells what it still holds unsent: its
	 * intervals count the bytes that left the send buffer (written minus
	 * unsent), not the bytes written into it.
	 */
	bool sent_view;
	uint64_t unsent_now, unsent_iv;

	uint64_t retr_now, retr_omit, retr_iv;
	uint64_t max_cwnd, max_wnd, max_rtt, min_rtt, rtt_sum, rtt_n;
	uint64_t reorder;
	struct tcp_sample ts_last;

	uint64_t packets, packets_omit, packets_iv; /* UDP sender */
	struct udpstat us; /* UDP receiver */
	uint64_t maxseq_omit, maxseq_iv;
	int64_t lost_omit, lost_iv;
	uint64_t ooo_omit, ooo_iv;
};

/* Zero counters for a stream of that kind and direction. */
void counters_init(struct counters *c, bool tcpinfo, bool sender, bool udp);

/* TEST_START at now: every clock starts, retransmits are a baseline. */
void counters_begin(struct counters *c, double now);

/*
 * A TCP sender's unsent bytes now (SIOCOUTQNSD), or -1 if the OS cannot
 * tell. With flush, the next interval counts everything written (the
 * end: what is still unsent belongs to the last interval).
 */
void counters_unsent(struct counters *c, int64_t unsent);
void counters_flush(struct counters *c);

/* Fold one TCP_INFO sample into the totals and extremes. */
void counters_tcp_sample(struct counters *c, const struct tcp_sample *ts);

/* -O ended at now: the totals so far become the baselines. */
void counters_omit_end(struct counters *c, double now);

/* The interval ending now into *iv (socket left 0); baselines move on. */
void counters_interval(
    struct counters *c, double now, bool omitted, struct rpt_stream_iv *iv);
/* Fold the interval tail that follows iv into iv (one interval from both). */
void counters_iv_fold(
    struct rpt_stream_iv *iv, const struct rpt_stream_iv *tail);

/* The last sample was taken at now. */
void counters_end(struct counters *c, double now);

/* Seconds between the (post -O) start and the last sample. */
double counters_secs(const struct counters *c);

/* This stream's entry of the results message (id left 0). */
void counters_result(const struct counters *c, struct result_stream *rs);

/*
 * The summary line of this stream into *e (socket and times left 0).
 * peer is the peer's entry for it, or NULL while unknown;
 * peer_retrans says the peer's sending end reports retransmits.
 */
void counters_summary(const struct counters *c,
    const struct result_stream *peer, bool peer_retrans,
    struct rpt_stream_end *e);

#endif /* EVPERF_COUNTERS_H */
