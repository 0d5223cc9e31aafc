#!/usr/bin/env bash
# -J key-tree parity with stock iperf3, TCP: plain, -R, -P 4 and --bidir,
# each with and without --get-server-output. For every mode the client and
# server documents of evperf must carry every key path iperf3's carry, with
# the same JSON type and key order, laid out as cJSON prints them, and no
# more, apart from the entries of test/data/json_allowlist.txt (see
# json_lib.sh). MODES="tcp tcp-R" runs a subset.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

parity_modes tcp tcp-R tcp-P4 tcp-bidir tcp-bidir+lat tcp-P4+rr
