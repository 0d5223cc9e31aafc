#!/usr/bin/env bash
# -J key-tree parity with stock iperf3, UDP (-b 10M): plain, -R and --bidir,
# each with and without --get-server-output; the same checks as
# t_json_parity_tcp.sh. MODES="udp" runs a subset.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

parity_modes udp udp-R udp-bidir udp+lat
