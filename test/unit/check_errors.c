/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * check_errors.c: errors_str() against iperf3's wording (3.14+ texts),
 * the strerror suffix for "check perror" codes only, evperf's own codes,
 * unknown codes and small buffers.
 */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "errors.h"
#include "osdep.h"

struct err_case {
	int code;
	int err;
	const char *want;
};

static const struct err_case err_cases[] = {
	{ IE_NONE, 0, "no error" },
	{ IE_SERVCLIENT, 0, "cannot be both server and client" },
	{ IE_NOROLE, 0, "must either be a client (-c) or server (-s)" },
	{ IE_CLIENTONLY, 0,
	    "some option you are trying to set is client only" },
	{ IE_NUMSTREAMS, 0,
	    "number of parallel streams too large (maximum = 128)" },
	{ IE_BADFORMAT, 0,
	    "bad format specifier (valid formats are in the set [kmgtKMGT])" },
	{ IE_UDPBLOCKSIZE, 0,
	    "block size invalid (minimum = 16 bytes, maximum = 65507 bytes)" },
	{ IE_ENDCONDITIONS, 0,
	    "only one test end condition (-t, -n, -k) may be specified" },
	{ IE_TOTALRATE, 0,
	    "total required bandwidth is larger than server limit" },
	{ 31, 0, "receive timeout value is incorrect or not in range" },
	{ IE_UDPFILETRANSFER, 0, "cannot transfer file using UDP" },
	{ IE_LISTEN, EADDRINUSE,
	    "unable to start listener for connections: Address already in "
	    "use" },
	{ IE_CONNECT, 0,
	    "unable to connect to server - server may have stopped running "
	    "or use a different port, firewall issue, etc." },
	{ IE_CONNECT, ECONNREFUSED,
	    "unable to connect to server - server may have stopped running "
	    "or use a different port, firewall issue, etc.: Connection "
	    "refused" },
	{ IE_RECVCOOKIE, 0, "unable to receive cookie at server" },
	{ IE_CTRLCLOSE, 0, "control socket has closed unexpectedly" },
	{ IE_CTRLCLOSE, EPIPE, "control socket has closed unexpectedly" },
	{ IE_MESSAGE, 0,
	    "received an unknown control message (ensure other "
	    "side is iperf3 and not iperf)" },
	{ IE_SENDMESSAGE, EPIPE,
	    "unable to send control message - port may not be available, the "
	    "other side may have stopped running, etc.: Broken pipe" },
	{ IE_RECVPARAMS, 0, "unable to receive parameters from client" },
	{ IE_RECVRESULTS, 0, "unable to receive results" },
	{ IE_CLIENTTERM, 0, "the client has terminated" },
	{ IE_SERVERTERM, 0, "the server has terminated" },
	{ IE_ACCESSDENIED, 0,
	    "the server is busy running a test. try again later" },
	{ IE_SETBUF, ENOBUFS,
	    "unable to set socket buffer size: No buffer space available" },
	{ IE_SETBUF2, 0, "socket buffer size not set correctly" },
	{ IE_SETCONGESTION, 0,
	    "unable to set TCP_CONGESTION: Supplied congestion control "
	    "algorithm not supported on this host" },
	{ IE_AUTHTEST, 0, "test authorization failed" },
	{ IE_NOMSG, 0, "idle timeout for receiving data" },
	{ IE_SERVERTESTDURATIONEXPIRED, 0, "server test duration expired" },
	{ IE_STREAMREAD, ECONNRESET,
	    "unable to read from stream socket: Connection reset by peer" },
	{ IE_STREAMCLOSE, 0, "stream socket has closed unexpectedly" },
	{ IE_STREAMID, 0, "stream has an invalid id" },
	{ IE_CONNECTTIMEOUT, 0,
	    "unable to connect to server - connection "
	    "timed out (--connect-timeout)" },
	{ IE_CTRLTIMEOUT, 0,
	    "control connection timed out waiting for the peer" },
	{ -1, 0, "unknown error" },
	{ 99, 0, "unknown error" },
	{ 999, EINVAL, "unknown error" },
};

START_TEST(test_messages)
{
	const struct err_case *ec = &err_cases[_i];
	char buf[512];

	char want[512];
	const char *sep;

	/*
	 * An error's own text is the system's: the table has glibc's, which
	 * another C library (mingw-w64's) words differently or not at all.
	 */
	snprintf(want, sizeof(want), "%s", ec->want);
	if (ec->err != 0 && (sep = strrchr(ec->want, ':')) != NULL &&
	    strcmp(sep + 2, osdep_strerror(ec->err)) != 0)
		snprintf(want + (sep - ec->want),
		    sizeof(want) - (size_t)(sep - ec->want), ": %s",
		    osdep_strerror(ec->err));
	ck_assert_ptr_eq(errors_str(buf, sizeof(buf), ec->code, ec->err), buf);
	ck_assert_str_eq(buf, want);
}
END_TEST

/* Every code of the enum has its own text, not the fallback. */
START_TEST(test_enum_complete)
{
	static const int codes[] = { IE_SERVERONLY, IE_DURATION, IE_BLOCKSIZE,
		IE_BUFSIZE, IE_INTERVAL, IE_MSS, IE_NOSENDFILE, IE_OMIT,
		IE_UNIMP, IE_FILE, IE_BURST, IE_LOGFILE, IE_NOSCTP, IE_BIND,
		IE_BADTOS, IE_SETCLIENTAUTH, IE_SETSERVERAUTH, IE_REVERSEBIDIR,
		IE_BADPORT, IE_TOTALINTERVAL, IE_SERVERAUTHUSERS, IE_NEWTEST,
		IE_INITTEST, IE_ACCEPT, IE_SENDCOOKIE, IE_CTRLWRITE,
		IE_CTRLREAD, IE_RECVMESSAGE, IE_SENDPARAMS, IE_PACKAGERESULTS,
		IE_SENDRESULTS, IE_SELECT, IE_SETNODELAY, IE_SETMSS, IE_SETTOS,
		IE_SETCOS, IE_SETFLOW, IE_REUSEADDR, IE_NONBLOCKING,
		IE_SETWINDOWSIZE, IE_PROTOCOL, IE_AFFINITY, IE_DAEMON,
		IE_PIDFILE, IE_V6ONLY, IE_SETPACING, IE_SETDONTFRAGMENT,
		IE_CNTLKA, IE_CREATESTREAM, IE_INITSTREAM, IE_STREAMLISTEN,
		IE_STREAMCONNECT, IE_STREAMACCEPT, IE_STREAMWRITE };
	char buf[512];
	size_t i;

	for (i = 0; i < nitems(codes); i++) {
		errors_str(buf, sizeof(buf), codes[i], 0);
		ck_assert_msg(
		    strcmp(buf, "unknown error") != 0, "code %d", codes[i]);
		ck_assert_msg(strchr(buf, '\n') == NULL, "code %d", codes[i]);
	}
}
END_TEST

START_TEST(test_small_buffer)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	errors_str(buf, sizeof(buf), IE_ACCESSDENIED, 0);
	ck_assert_str_eq(buf, "the ser");
	buf[0] = 'x';
	errors_str(buf, 0, IE_ACCESSDENIED, 0);
	ck_assert_int_eq(buf[0], 'x');
}
END_TEST

/* The errors suite: iperf3's catalogue and evperf's own codes. */
Suite *
errors_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("errors");
	tc = tcase_create("catalogue");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_messages, 0, (int)nitems(err_cases));
	tcase_add_test(tc, test_enum_complete);
	tcase_add_test(tc, test_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}
