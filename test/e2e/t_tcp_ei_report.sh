#!/usr/bin/env bash
# TCP interop, evperf client -> stock iperf3 server: the reporting modes. Four
# parallel streams (-P 4) in text and -J, a plain -J run, and
# --get-server-output in text mode, in -J against a text server
# (server_output_text) and in -J against a -J server (server_output_json).
# Each run uses a one-off server (-s -1) and asserts exit codes, the JSON
# documents of both ends, stream counts and that both ends agree on the byte
# counts (see run_tcp_case in lib.sh).
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

pairing ei
run_tcp_case json -P 4 -t 2
run_tcp_case json -J -P 4 -t 2
run_tcp_case json -J -t 2
run_tcp_case text --get-server-output -t 2
run_tcp_case text -J --get-server-output -t 2
run_tcp_case json -J --get-server-output -t 2
