#!/usr/bin/env bash
# Bad input: in the middle of a running test a peer sends the unknown state
# byte 0x63 on the control connection. The evperf server (running without -1)
# must fail that test with iperf3's "received an unknown control message",
# close the control connection and then serve a normal client.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_serving_server

run_rawpeer badstate --state 99
assert_exit "rawpeer badstate" "$RAW_RC" 0
assert_server_log 'received an unknown control message'
assert_still_serving
