#!/usr/bin/env bash
# TCP interop, evperf client -> stock iperf3 server: the transfer-size modes.
# Plain time-limited runs (-t 2, text client), byte-limited (-n 20M) and
# block-limited (-k 200) runs, and reverse mode (-R) in text and in -J. Each
# run uses a one-off server (-s -1, -J when the case checks its document) and
# asserts exit codes, bytes moved, the -n/-k totals and that both ends agree
# on the byte counts (see run_tcp_case in lib.sh).
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

pairing ei
run_tcp_case json -t 2
run_tcp_case text -J -n 20M
run_tcp_case json -J -k 200
run_tcp_case json -R -t 2
run_tcp_case json -J -R -t 2
