#!/usr/bin/env bash
# Bad input: a control peer sends a well-framed but malformed parameter JSON
# (length 10, "{notjson!!") after PARAM_EXCHANGE. The evperf server (running
# without -1) must drop the connection, report "unable to receive parameters
# from client" as iperf3 does, and then serve a normal client.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_serving_server

run_rawpeer badjson
assert_exit "rawpeer badjson" "$RAW_RC" 0
assert_server_log 'unable to receive parameters from client'
assert_still_serving
