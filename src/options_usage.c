/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * options_usage.c: the -h text (iperf3's layout, evperf's options), the
 * short usage hint printed after a bad command line, and the -v text (its
 * version and uname strings come from version.c). Data only; the option
 * table itself is in options.c.
 */
#include "compat.h"

#include <stdio.h>

#include <event2/event.h>

#include <cjson/cJSON.h>

#include "options.h"
#include "version.h"

/* The -h text: iperf3's layout, evperf's name, the options evperf has. */
static const char options_help_text[] =
    "Usage: evperf [-s|-c host] [options]\n"
    "       evperf [-h|--help] [-v|--version]\n"
    "\n"
    "Server or Client:\n"
    "  -p, --port      #         server port to listen on/connect to\n"
    "  -f, --format   [kmgtKMGT] format to report: Kbits, Mbits, Gbits, "
    "Tbits\n"
    "  -i, --interval  #         seconds between periodic throughput "
    "reports\n"
    "  -I, --pidfile file        write PID file\n"
    "  -F, --file name           xmit/recv the specified file\n"
    "  -A, --affinity n[,m]      set CPU affinity core number to n (the "
    "core the process will use)\n"
    "                             (optional Client only m - the Server's "
    "core number for this test)\n"
    "  -B, --bind <host>[%<dev>] bind to the interface associated with the "
    "address <host>\n"
    "                            (optional <dev> equivalent to `--bind-dev "
    "<dev>`)\n"
    "  --bind-dev <dev>          bind to the network interface with "
    "SO_BINDTODEVICE\n"
    "  -V, --verbose             more detailed output\n"
    "  -J, --json                output in JSON format\n"
    "  --json-stream             output in line-delimited JSON format\n"
    "  --json-stream-full-output output in line-delimited JSON format and "
    "full JSON\n"
    "                            format at the end\n"
    "  --logfile f               send output to a log file\n"
    "  --forceflush              force flushing output at every interval\n"
    "  --sum-only                with -P > 1, print only the [SUM] rows of "
    "the\n"
    "                            reports (--json-stream: empty per-stream "
    "lists)\n"
    "  --timestamps<=format>     emit a timestamp at the start of each "
    "output line\n"
    "                            (optional \"=\" and format string as per "
    "strftime(3))\n"
    "  --rcv-timeout #           idle timeout for receiving data (default "
    "120000 ms)\n"
    "  --snd-timeout #           timeout for unacknowledged TCP data\n"
    "                            (in ms, default is system settings)\n"
    "  --cntl-ka[=#/#/#]         use control connection TCP keepalive - "
    "KEEPIDLE/KEEPINTV/KEEPCNT\n"
    "                            each value is optional with system "
    "settings default\n"
    "  -m, --mptcp               use MPTCP rather than plain TCP\n"
    "  -d, --debug[=#]           emit debugging output\n"
    "                            (optional \"=\" and debug level: 1-4. "
    "Default is 4 - all messages)\n"
    "  -v, --version             show version information and quit\n"
    "  -h, --help                show this message and quit\n"
    "Server specific:\n"
    "  -s, --server              run in server mode\n"
    "  -D, --daemon              run the server as a daemon\n"
    "  -1, --one-off             handle one client connection then exit\n"
    "  --server-bitrate-limit #[KMG][/#]   server's total bit rate limit "
    "(default 0 = no limit)\n"
    "                            (optional slash and number of secs "
    "interval for averaging\n"
    "                            total data rate.  Default is 5 seconds)\n"
    "  --idle-timeout #          restart idle server after # seconds in "
    "case it\n"
    "                            got stuck (default - no timeout)\n"
    "  --server-max-duration #   max time, in seconds, that an iperf test "
    "can run against the server\n"
    "  --rsa-private-key-path    path to the RSA private key used to "
    "decrypt\n"
    "                            authentication credentials\n"
    "  --authorized-users-path   path to the configuration file containing "
    "user\n"
    "                            credentials\n"
    "  --time-skew-threshold     time skew threshold (in seconds) between "
    "the server\n"
    "                            and client during the authentication "
    "process\n"
    "  --use-pkcs1-padding       use pkcs1 padding at your own risk\n"
    "                            (client too: for servers older than iperf3 "
    "3.17)\n"
    "  --max-tests #             run up to # tests at once (default 1: "
    "one at a\n"
    "                            time, others told the server is busy)\n"
    "Client specific:\n"
    "  -c, --client <host>[%<dev>] run in client mode, connecting to "
    "<host>\n"
    "                              (option <dev> equivalent to `--bind-dev "
    "<dev>`)\n"
    "  --sctp                    use SCTP rather than TCP\n"
    "  -X, --xbind <name>        bind SCTP association to links\n"
    "  --nstreams      #         number of SCTP streams\n"
    "  -u, --udp                 use UDP rather than TCP\n"
    "  --connect-timeout #       timeout for control connection setup "
    "(ms)\n"
    "  -b, --bitrate #[KMG][/#]  target bitrate in bits/sec (0 for "
    "unlimited)\n"
    "                            (default 1 Mbit/sec for UDP, unlimited "
    "for TCP)\n"
    "                            (optional slash and packet count for "
    "burst mode)\n"
    "  --pacing-timer #[KMG]     set the Server timing for pacing, in "
    "microseconds (default 1000)\n"
    "                            (deprecated - for servers using older "
    "versions backward compatibility)\n"
    "  --fq-rate #[KMG]          enable fair-queuing based socket pacing "
    "in\n"
    "                            bits/sec (Linux only)\n"
    "  -t, --time      #         time in seconds to transmit for (default "
    "10 secs)\n"
    "  -n, --bytes     #[KMG]    number of bytes to transmit (instead of "
    "-t)\n"
    "  -k, --blockcount #[KMG]   number of blocks (packets) to transmit "
    "(instead of -t or -n)\n"
    "  -l, --length    #[KMG]    length of buffer to read or write\n"
    "                            (default 128 KB for TCP, dynamic or 1460 "
    "for UDP)\n"
    "  --cport         <port>    bind to a specific client port (TCP and "
    "UDP, default: ephemeral port)\n"
    "  -P, --parallel  #         number of parallel client streams to "
    "run\n"
    "  -R, --reverse             run in reverse mode (server sends, client "
    "receives)\n"
    "  --bidir                   run in bidirectional mode.\n"
    "                            Client and server send and receive "
    "data.\n"
    "  -w, --window    #[KMG]    set send/receive socket buffer sizes\n"
    "                            (indirectly sets TCP window size)\n"
    "  -C, --congestion <algo>   set TCP congestion control algorithm "
    "(Linux and FreeBSD only)\n"
    "  -M, --set-mss   #         set TCP/SCTP maximum segment size (MTU - "
    "40 bytes)\n"
    "  -N, --no-delay            set TCP/SCTP no delay, disabling Nagle's "
    "Algorithm\n"
    "  -4, --version4            only use IPv4\n"
    "  -6, --version6            only use IPv6\n"
    "  -S, --tos N               set the IP type of service, 0-255.\n"
    "                            The usual prefixes for octal and hex can "
    "be used,\n"
    "                            i.e. 52, 064 and 0x34 all specify the "
    "same value.\n"
    "  --dscp N or --dscp val    set the IP dscp value, either 0-63 or "
    "symbolic.\n"
    "                            Numeric values can be specified in "
    "decimal,\n"
    "                            octal and hex (see --tos above).\n"
    "  -L, --flowlabel N         set the IPv6 flow label (only supported on "
    "Linux)\n"
    "  -Z, --zerocopy            use a 'zero copy' method of sending data\n"
    "  --skip-rx-copy            ignore received messages using MSG_TRUNC "
    "option\n"
    "  -O, --omit N              perform pre-test for N seconds and omit "
    "the pre-test statistics\n"
    "  -T, --title str           prefix every output line with this "
    "string\n"
    "  --extra-data str          data string to include in client and "
    "server JSON\n"
    "  --get-server-output       get results from server\n"
    "  --udp-counters-64bit      use 64-bit counters in UDP test packets\n"
    "  --gsro                    UDP: segmentation and receive offload "
    "(GSO/GRO)\n"
    "                            on both ends where the kernel has them\n"
    "  --repeating-payload       use repeating pattern in payload, instead "
    "of\n"
    "                            randomized payload (like in iperf2)\n"
    "  --dont-fragment           set IPv4 Don't Fragment flag\n"
    "  --username                username for authentication\n"
    "  --rsa-public-key-path     path to the RSA public key used to "
    "encrypt\n"
    "                            authentication credentials\n"
    "  --latency[=#]             also time round trips under load: # "
    "probes per\n"
    "                            second (default 10, at most 1000; an "
    "evperf server)\n"
    "  --latency-udp             UDP latency probes, losses counted (a UDP "
    "test's\n"
    "                            probes are UDP already); implies "
    "--latency\n"
    "  --rr[=#[/#]]              request/response: back-to-back "
    "transactions of\n"
    "                            # request and # response bytes on each "
    "stream\n"
    "                            (default 1/1, at most 1M each; an evperf "
    "server)\n"
    "  --crr[=#[/#]]             the same with a new connection per "
    "transaction\n"
    "\n"
    "[KMG] indicates options that support a K/M/G suffix for kilo-, mega-, "
    "or giga-\n"
    "\n"
    "evperf speaks the iperf3 protocol; see evperf(1).\n";

/* Print the long help text (-h) to fp, in iperf3's layout. */
void
options_usage(FILE *fp)
{
	fputs(options_help_text, fp);
}

/* Print the short "Usage: ... Try `evperf --help'" hint to fp. */
void
options_usage_hint(FILE *fp)
{
	fputs("Usage: evperf [-s|-c host] [options]\n"
	      "Try `evperf --help' for more information.\n",
	    fp);
}

/* Print the -v text to fp. */
void
options_print_version(FILE *fp)
{
	char info[VERSION_SYSINFO_LEN];

	fprintf(fp, "iperf %s (evperf %s; libevent %s, cJSON %s)\n",
	    version_iperf(), EVPERF_VERSION, event_get_version(),
	    cJSON_Version());
	if (version_sysinfo(info, sizeof(info)) == 0)
		fprintf(fp, "%s\n", info);
}
