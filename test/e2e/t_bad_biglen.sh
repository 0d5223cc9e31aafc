#!/usr/bin/env bash
# Bad input: a control peer announces a parameter JSON of 0xFFFFFFFF bytes,
# far over any sane cap, right after PARAM_EXCHANGE. The evperf server
# (running without -1) must refuse it without trying to read or allocate that
# much: drop the connection, report "unable to receive parameters from client"
# as iperf3 does, and then serve a normal client.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_serving_server

run_rawpeer biglen
assert_exit "rawpeer biglen" "$RAW_RC" 0
assert_server_log 'unable to receive parameters from client'
assert_still_serving
