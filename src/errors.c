/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * errors.c: the message catalogue for iperf3's error codes, in the wording
 * of iperf3 3.14 and later (iperf_strerror() in esnet/iperf
 * src/iperf_error.c), plus evperf's own codes 900-901. The table is keyed
 * by number, because numbers travel on the wire after SERVER_ERROR: a code
 * from a stock peer that evperf never raises itself still gets its text.
 * Codes that iperf3 marks "check perror" get ": " and strerror(err)
 * appended when err is non-zero. No state: the caller owns the buffer.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "osdep.h"

#define ERRORS_PERROR 0x1 /* append strerror(err) when err != 0 */

struct errors_entry {
	int code;
	int flags;
	const char *text;
};

/*
 * Sorted by code. Entries without an enum name are codes a newer iperf3
 * peer may send (iperf_api.h numbering).
 */
static const struct errors_entry errors_table[] = {
	{ IE_NONE, 0, "no error" },
	{ IE_SERVCLIENT, 0, "cannot be both server and client" },
	{ IE_NOROLE, 0, "must either be a client (-c) or server (-s)" },
	{ IE_SERVERONLY, 0,
	    "some option you are trying to set is server only" },
	{ IE_CLIENTONLY, 0,
	    "some option you are trying to set is client only" },
	{ IE_DURATION, 0, "test duration valid values are 0 to 86400 seconds" },
	{ IE_NUMSTREAMS, 0,
	    "number of parallel streams too large (maximum = 128)" },
	{ IE_BLOCKSIZE, 0, "block size too large (maximum = 1048576 bytes)" },
	{ IE_BUFSIZE, 0,
	    "socket buffer size too large (maximum = 536870912 bytes)" },
	{ IE_INTERVAL, 0,
	    "invalid report interval (min = 0.1, max = 60 seconds)" },
	{ IE_MSS, 0, "TCP MSS too large (maximum = 9216 bytes)" },
	{ IE_NOSENDFILE, 0, "this OS does not support sendfile" },
	{ IE_OMIT, 0, "bogus value for --omit (maximum = 600 seconds)" },
	{ IE_UNIMP, 0,
	    "an option you are trying to set is not implemented yet" },
	{ IE_FILE, ERRORS_PERROR, "unable to open -F file" },
	{ IE_BURST, 0, "invalid burst count (maximum = 1000)" },
	{ IE_ENDCONDITIONS, 0,
	    "only one test end condition (-t, -n, -k) may be specified" },
	{ IE_LOGFILE, ERRORS_PERROR, "unable to open log file" },
	{ IE_NOSCTP, 0, "no SCTP support available" },
	{ IE_BIND, 0, "--bind must be specified to use --cport" },
	{ IE_UDPBLOCKSIZE, 0,
	    "block size invalid (minimum = 16 bytes, maximum = 65507 bytes)" },
	{ IE_BADTOS, 0, "bad TOS value (must be between 0 and 255 inclusive)" },
	{ IE_SETCLIENTAUTH, 0,
	    "you must specify a username, password, and "
	    "path to a valid RSA public key" },
	{ IE_SETSERVERAUTH, 0,
	    "you must specify a path to a valid RSA "
	    "private key and a user credential file" },
	{ IE_BADFORMAT, 0,
	    "bad format specifier (valid formats are in the "
	    "set [kmgtKMGT])" },
	{ IE_REVERSEBIDIR, 0, "cannot be both reverse and bidirectional" },
	{ IE_BADPORT, 0, "port number must be between 1 and 65535 inclusive" },
	{ IE_TOTALRATE, 0,
	    "total required bandwidth is larger than server limit" },
	/* iperf3 29 is IESKEWTHRESHOLD. */
	{ IE_TOTALINTERVAL, 0,
	    "invalid time interval for calculating average data rate" },
	{ 29, 0, "skew threshold must be a positive number" },
	{ 30, 0,
	    "idle timeout parameter is not positive or larger than "
	    "allowed limit" },
	{ 31, ERRORS_PERROR,
	    "receive timeout value is incorrect or not in range" },
	{ 32, ERRORS_PERROR,
	    "client receive timeout is valid only in receiving mode" },
	{ 33, ERRORS_PERROR,
	    "send timeout value is incorrect or not in range" },
	{ IE_UDPFILETRANSFER, 0, "cannot transfer file using UDP" },
	{ 35, 0, "cannot access authorized users file" },
	{ 36, 0,
	    "control connection Keepalive period should be larger than "
	    "the full retry period (interval * count)" },
	{ IE_MAXSERVERTESTDURATIONEXCEEDED, 0,
	    "client's requested duration exceeds the server's maximum "
	    "permitted limit" },
	{ IE_NEWTEST, ERRORS_PERROR, "unable to create a new test" },
	{ IE_INITTEST, ERRORS_PERROR, "test initialization failed" },
	{ IE_LISTEN, ERRORS_PERROR,
	    "unable to start listener for connections" },
	{ IE_CONNECT, ERRORS_PERROR,
	    "unable to connect to server - server may have stopped running "
	    "or use a different port, firewall issue, etc." },
	{ IE_ACCEPT, ERRORS_PERROR, "unable to accept connection from client" },
	{ IE_SENDCOOKIE, ERRORS_PERROR, "unable to send cookie to server" },
	{ IE_RECVCOOKIE, ERRORS_PERROR, "unable to receive cookie at server" },
	{ IE_CTRLWRITE, ERRORS_PERROR,
	    "unable to write to the control socket" },
	{ IE_CTRLREAD, ERRORS_PERROR,
	    "unable to read from the control socket" },
	{ IE_CTRLCLOSE, 0, "control socket has closed unexpectedly" },
	{ IE_MESSAGE, 0,
	    "received an unknown control message (ensure other "
	    "side is iperf3 and not iperf)" },
	{ IE_SENDMESSAGE, ERRORS_PERROR,
	    "unable to send control message - port may not be available, "
	    "the other side may have stopped running, etc." },
	{ IE_RECVMESSAGE, ERRORS_PERROR,
	    "unable to receive control message - port may not be available, "
	    "the other side may have stopped running, etc." },
	{ IE_SENDPARAMS, ERRORS_PERROR, "unable to send parameters to server" },
	{ IE_RECVPARAMS, ERRORS_PERROR,
	    "unable to receive parameters from client" },
	{ IE_PACKAGERESULTS, ERRORS_PERROR, "unable to package results" },
	{ IE_SENDRESULTS, ERRORS_PERROR, "unable to send results" },
	{ IE_RECVRESULTS, ERRORS_PERROR, "unable to receive results" },
	{ IE_SELECT, ERRORS_PERROR, "select failed" },
	{ IE_CLIENTTERM, 0, "the client has terminated" },
	{ IE_SERVERTERM, 0, "the server has terminated" },
	{ IE_ACCESSDENIED, 0,
	    "the server is busy running a test. try again later" },
	{ IE_SETNODELAY, ERRORS_PERROR, "unable to set TCP/SCTP NODELAY" },
	{ IE_SETMSS, ERRORS_PERROR, "unable to set TCP/SCTP MSS" },
	{ IE_SETBUF, ERRORS_PERROR, "unable to set socket buffer size" },
	{ IE_SETTOS, ERRORS_PERROR, "unable to set IP TOS" },
	{ IE_SETCOS, ERRORS_PERROR, "unable to set IPv6 traffic class" },
	{ IE_SETFLOW, 0, "unable to set IPv6 flow label" },
	{ IE_REUSEADDR, ERRORS_PERROR, "unable to reuse address on socket" },
	{ IE_NONBLOCKING, ERRORS_PERROR,
	    "unable to set socket to non-blocking" },
	{ IE_SETWINDOWSIZE, ERRORS_PERROR, "unable to set socket window size" },
	{ IE_PROTOCOL, 0, "protocol does not exist" },
	{ IE_AFFINITY, ERRORS_PERROR, "unable to set CPU affinity" },
	{ IE_DAEMON, ERRORS_PERROR, "unable to become a daemon" },
	{ IE_SETCONGESTION, 0,
	    "unable to set TCP_CONGESTION: Supplied congestion control "
	    "algorithm not supported on this host" },
	{ IE_PIDFILE, ERRORS_PERROR, "unable to write PID file" },
	{ IE_V6ONLY, ERRORS_PERROR, "Unable to set/reset IPV6_V6ONLY" },
	{ IE_SETSCTPDISABLEFRAG, ERRORS_PERROR,
	    "unable to set SCTP_DISABLE_FRAGMENTS" },
	{ IE_SETSCTPNSTREAM, ERRORS_PERROR,
	    "unable to set SCTP_INIT num of SCTP streams" },
	/* iperf_strerror() has no case for it: its default's words. */
	{ IE_SETSCTPBINDX, ERRORS_PERROR, "int_errno=139" },
	{ IE_SETPACING, ERRORS_PERROR, "unable to set socket pacing" },
	{ IE_SETBUF2, 0, "socket buffer size not set correctly" },
	{ IE_AUTHTEST, 0, "test authorization failed" },
	{ 143, 0,
	    "Unable to bind-to-device (check perror, maybe "
	    "permissions?)" },
	{ IE_NOMSG, 0, "idle timeout for receiving data" },
	{ IE_SETDONTFRAGMENT, 0, "unable to set IP Do-Not-Fragment flag" },
	{ 146, 0,
	    "`<ip>%<dev>` is not supported as system does not support "
	    "bind to device" },
	{ 147, 0,
	    "host device name (ip%<dev>) is supported (and required) "
	    "only for IPv6 link-local address" },
	{ 148, ERRORS_PERROR, "unable to set TCP USER_TIMEOUT" },
	{ 150, ERRORS_PERROR, "unable to create thread" },
	{ 151, ERRORS_PERROR, "unable to cancel thread" },
	{ 152, ERRORS_PERROR, "unable to join thread" },
	{ 153, ERRORS_PERROR, "unable to create thread attributes" },
	{ 154, ERRORS_PERROR, "unable to destroy thread attributes" },
	{ 155, ERRORS_PERROR,
	    "unable to set socket keepalive (SO_KEEPALIVE) option" },
	{ 156, ERRORS_PERROR,
	    "unable to set socket keepalive TCP period "
	    "(TCP_KEEPIDLE) option" },
	{ 157, ERRORS_PERROR,
	    "unable to set/get socket keepalive TCP retry "
	    "interval (TCP_KEEPINTVL) option" },
	{ 158, ERRORS_PERROR,
	    "unable to set/get socket keepalive TCP number "
	    "of retries (TCP_KEEPCNT) option" },
	{ 159, 0, "unable to change mask of blocked signals" },
	{ IE_SERVERTESTDURATIONEXPIRED, 0, "server test duration expired" },
	{ IE_CREATESTREAM, ERRORS_PERROR, "unable to create a new stream" },
	{ IE_INITSTREAM, ERRORS_PERROR, "unable to initialize stream" },
	{ IE_STREAMLISTEN, ERRORS_PERROR, "unable to start stream listener" },
	{ IE_STREAMCONNECT, ERRORS_PERROR, "unable to connect stream" },
	{ IE_STREAMACCEPT, ERRORS_PERROR,
	    "unable to accept stream connection" },
	{ IE_STREAMWRITE, ERRORS_PERROR, "unable to write to stream socket" },
	{ IE_STREAMREAD, ERRORS_PERROR, "unable to read from stream socket" },
	{ IE_STREAMCLOSE, 0, "stream socket has closed unexpectedly" },
	{ IE_STREAMID, 0, "stream has an invalid id" },
	{ 300, ERRORS_PERROR, "unable to create new timer" },
	{ 301, ERRORS_PERROR, "unable to update timer" },
	{ IE_CONNECTTIMEOUT, 0,
	    "unable to connect to server - connection timed out "
	    "(--connect-timeout)" },
	{ IE_CTRLTIMEOUT, 0,
	    "control connection timed out waiting for the peer" },
};

/* Binary search of the sorted table; NULL if code is unknown. */
static const struct errors_entry *
errors_find(int code)
{
	size_t lo, hi, mid;

	lo = 0;
	hi = nitems(errors_table);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (errors_table[mid].code == code)
			return &errors_table[mid];
		if (errors_table[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Render code (and err, for "check perror" codes) into buf; returns buf. */
const char *
errors_str(char *buf, size_t len, int code, int err)
{
	const struct errors_entry *e;

	if (len == 0)
		return buf;
	if ((e = errors_find(code)) == NULL) {
		snprintf(buf, len, "unknown error");
		return buf;
	}
	if ((e->flags & ERRORS_PERROR) && err != 0)
		snprintf(buf, len, "%s: %s", e->text, osdep_strerror(err));
	else
		snprintf(buf, len, "%s", e->text);
	return buf;
}
