#!/usr/bin/env bash
# Bad input: after a valid parameter exchange and CREATE_STREAMS, a peer opens
# a data connection with a wrong cookie. The evperf server (running without
# -1) must answer that connection with ACCESS_DENIED (0xFF) and close it, then
# notice when the peer drops the control connection ("the client has
# unexpectedly closed the connection" in iperf3's words) and serve a normal
# client.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_serving_server

run_rawpeer badcookie
assert_exit "rawpeer badcookie (expects 255, then close)" "$RAW_RC" 0
assert_contains "$E2E_TMP/rawpeer.out" "got 255 (ACCESS_DENIED)"
eof_re='the client has unexpectedly closed the connection'
eof_re+='|control socket has closed unexpectedly'
assert_server_log "$eof_re"
assert_still_serving
