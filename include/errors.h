/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * errors.h: iperf3's error codes and their messages. The numbers mirror
 * iperf3's src/iperf_api.h (they travel on the wire after SERVER_ERROR);
 * the names drop iperf3's "IE" run-together for readability. There is no
 * global error variable: a failing test keeps its code and errno in its
 * session (sess->err, sess->err_errno).
 */
#ifndef EVPERF_ERRORS_H
#define EVPERF_ERRORS_H

#include "compat.h"

enum ie_code {
	IE_NONE = 0,
	/* Parameter errors (iperf3 1..37). */
	IE_SERVCLIENT = 1,
	IE_NOROLE = 2,
	IE_SERVERONLY = 3,
	IE_CLIENTONLY = 4,
	IE_DURATION = 5,
	IE_NUMSTREAMS = 6,
	IE_BLOCKSIZE = 7,
	IE_BUFSIZE = 8,
	IE_INTERVAL = 9,
	IE_MSS = 10,
	IE_NOSENDFILE = 11,
	IE_OMIT = 12,
	IE_UNIMP = 13,
	IE_FILE = 14,
	IE_BURST = 15,
	IE_ENDCONDITIONS = 16,
	IE_LOGFILE = 17,
	IE_NOSCTP = 18,
	IE_BIND = 19,
	IE_UDPBLOCKSIZE = 20,
	IE_BADTOS = 21,
	IE_SETCLIENTAUTH = 22,
	IE_SETSERVERAUTH = 23,
	IE_BADFORMAT = 24,
	IE_REVERSEBIDIR = 25,
	IE_BADPORT = 26,
	IE_TOTALRATE = 27,
	IE_TOTALINTERVAL = 28,
	IE_SKEWTHRESHOLD = 29,
	IE_IDLETIMEOUT = 30,
	IE_RCVTIMEOUT = 31,
	IE_RVRSONLYRCVTIMEOUT = 32,
	IE_SNDTIMEOUT = 33,
	IE_UDPFILETRANSFER = 34,
	IE_SERVERAUTHUSERS = 35,
	IE_CNTLKA = 36,
	IE_MAXSERVERTESTDURATIONEXCEEDED = 37, /* iperf3 3.20+ */
	/* Test errors (iperf3 100..160). */
	IE_NEWTEST = 100,
	IE_INITTEST = 101,
	IE_LISTEN = 102,
	IE_CONNECT = 103,
	IE_ACCEPT = 104,
	IE_SENDCOOKIE = 105,
	IE_RECVCOOKIE = 106,
	IE_CTRLWRITE = 107,
	IE_CTRLREAD = 108,
	IE_CTRLCLOSE = 109,
	IE_MESSAGE = 110,
	IE_SENDMESSAGE = 111,
	IE_RECVMESSAGE = 112,
	IE_SENDPARAMS = 113,
	IE_RECVPARAMS = 114,
	IE_PACKAGERESULTS = 115,
	IE_SENDRESULTS = 116,
	IE_RECVRESULTS = 117,
	IE_SELECT = 118,
	IE_CLIENTTERM = 119,
	IE_SERVERTERM = 120,
	IE_ACCESSDENIED = 121,
	IE_SETNODELAY = 122,
	IE_SETMSS = 123,
	IE_SETBUF = 124,
	IE_SETTOS = 125,
	IE_SETCOS = 126,
	IE_SETFLOW = 127,
	IE_REUSEADDR = 128,
	IE_NONBLOCKING = 129,
	IE_SETWINDOWSIZE = 130,
	IE_PROTOCOL = 131,
	IE_AFFINITY = 132,
	IE_DAEMON = 133,
	IE_SETCONGESTION = 134,
	IE_PIDFILE = 135,
	IE_V6ONLY = 136,
	IE_SETSCTPDISABLEFRAG = 137,
	IE_SETSCTPNSTREAM = 138,
	IE_SETSCTPBINDX = 139, /* iperf3 has no text: "int_errno=139" */
	IE_SETPACING = 140,
	IE_SETBUF2 = 141,
	IE_AUTHTEST = 142,
	IE_NOMSG = 144, /* idle timeout for receiving data */
	IE_SETDONTFRAGMENT = 145,
	IE_SETUSERTIMEOUT = 148,
	IE_SETCNTLKA = 155,
	IE_SETCNTLKAKEEPIDLE = 156,
	IE_SETCNTLKAINTERVAL = 157,
	IE_SETCNTLKACOUNT = 158,
	IE_SERVERTESTDURATIONEXPIRED = 160,
	/* Stream errors (iperf3 200..208). */
	IE_CREATESTREAM = 200,
	IE_INITSTREAM = 201,
	IE_STREAMLISTEN = 202,
	IE_STREAMCONNECT = 203,
	IE_STREAMACCEPT = 204,
	IE_STREAMWRITE = 205,
	IE_STREAMREAD = 206,
	IE_STREAMCLOSE = 207,
	IE_STREAMID = 208,
	/* evperf's own, outside iperf3's ranges; never sent to a stock peer. */
	IE_CONNECTTIMEOUT = 900, /* connect --connect-timeout expired */
	IE_CTRLTIMEOUT = 901, /* peer silent on the control channel */
	IE_BADLEN = 902, /* JSON length over the cap */
	IE_BADJSON = 903, /* JSON did not parse */
};

/*
 * Render code (+ errno when non-zero, for iperf3's "check perror" codes)
 * into buf in iperf3's wording (3.14+ texts), without the "iperf3: error - "
 * prefix, e.g. "unable to connect to server - server may have stopped
 * running or use a different port, firewall issue, etc.: Connection refused".
 * Returns buf.
 */
const char *errors_str(char *buf, size_t len, int code, int err);

#endif /* EVPERF_ERRORS_H */
