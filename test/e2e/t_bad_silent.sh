#!/usr/bin/env bash
# Bad input: a peer connects to the control port and sends nothing. The evperf
# server (running without -1) must not stay busy: the connection holds
# nothing until its cookie is in (docs/protocol.md, "Accepting"), so a normal
# client completes (retried, boundedly, in case it is told "busy") while the
# silent peer still holds its socket, and after about 10 s (iperf3 3.15+'s
# limit) the silent peer sees the server close its connection. (Stock iperf3
# 3.12 blocks on such a peer indefinitely and fails this test, boundedly.)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_serving_server

BG_TIMEOUT=60 start_bg "$E2E_TMP/rawpeer.out" \
	python3 "$E2E_DIR/rawpeer.py" silent --port "$PORT" --wait 40
raw_pid=$BG_PID
wait_match 10 'connected; sending nothing' "$E2E_TMP/rawpeer.out" ||
	fail "rawpeer did not connect"

deadline=$((SECONDS + 25))
tries=0
CLIENT_RC=1
while ((SECONDS < deadline && tries < 30)); do
	tries=$((tries + 1))
	left=$((deadline - SECONDS))
	((left > 0)) || break
	normal_client "$left"
	((CLIENT_RC == 0)) && break
	sleep 1
done
assert_exit "normal client while a silent peer is connected ($tries tries)" \
	"$CLIENT_RC" 0
assert_contains "$E2E_TMP/client.out" "iperf Done."

wait_exit "$raw_pid" 40
assert_exit "rawpeer silent (server must close the silent connection)" \
	"$EXIT_RC" 0
assert_contains "$E2E_TMP/rawpeer.out" "server closed the silent connection"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server has exited"
