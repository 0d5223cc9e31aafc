#!/usr/bin/env bash
# Bad input: a peer sets up a real test (cookie, parameters, one data
# connection), receives TEST_START and TEST_RUNNING, sends 4 MiB of data and
# then closes both connections abruptly mid-test. The evperf server (running
# without -1) must report the lost client ("the client has unexpectedly closed
# the connection" in iperf3's words), clean up and serve a normal client.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_serving_server

run_rawpeer abort
assert_exit "rawpeer abort" "$RAW_RC" 0
eof_re='the client has unexpectedly closed the connection'
eof_re+='|control socket has closed unexpectedly'
assert_server_log "$eof_re"
assert_still_serving
