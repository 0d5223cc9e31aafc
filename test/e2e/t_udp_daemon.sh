#!/usr/bin/env bash
# UDP against an evperf server started as a daemon (-s -D --pidfile FILE
# --logfile FILE): the pidfile holds the daemon's PID without a trailing
# newline and names a live evperf; 4 consecutive UDP clients (evperf and
# stock iperf3, -P 1/2/4, forward and -R), the 2nd and 4th SIGKILLed mid
# test, the others complete with the server's report; the daemon is still
# listening and serves final clients, is then stopped by SIGTERM to the
# PID from the pidfile (registered for cleanup from the moment it is read)
# and removes its pidfile. Runs t_udp_persistent.sh with
# UDP_PERSIST_MODE=daemon.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
UDP_PERSIST_MODE=daemon
# shellcheck source=t_udp_persistent.sh
. "$(dirname "$0")/t_udp_persistent.sh"
