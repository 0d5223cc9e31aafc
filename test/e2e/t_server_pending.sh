#!/usr/bin/env bash
# A connection holds nothing until it has earned it (issue 11), in the
# default one-test mode: while 200 silent connections and a slowloris (one
# cookie byte a second) sit on the server, and while a client that sent
# its cookie never sends its parameters, a real client is served at its
# first try, not told "busy"; with 1100 silent connections the server
# keeps at most 1024 waiting (it closes the oldest) and still serves the
# next client.
# No waiting is timed: the client's one try must succeed.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# The holder keeps 1102 sockets open at once.
if [ "$(ulimit -Hn)" != unlimited ] && (($(ulimit -Hn) < 1200)); then
	log "SKIP: hard descriptor limit $(ulimit -Hn) is below 1200"
	exit 77
fi
ulimit -n "$(ulimit -Hn)"

start_serving_server


BG_TIMEOUT=60 start_bg "$E2E_TMP/hold200.out" python3 "$E2E_DIR/holder.py" "$PORT" 200 30
hold_pid=$BG_PID
wait_match 20 '^up' "$E2E_TMP/hold200.out" || fail "holder did not connect"
normal_client 30
assert_exit "client beside 200 silent connections and a slowloris" \
	"$CLIENT_RC" 0
assert_contains "$E2E_TMP/client.out" "iperf Done."
kill "$hold_pid" 2>/dev/null || true
wait_exit "$hold_pid" 10

BG_TIMEOUT=60 start_bg "$E2E_TMP/params.out" python3 "$E2E_DIR/rawpeer.py" \
	hold-params --port "$PORT" --wait 30
hold_pid=$BG_PID
wait_match 20 '^rawpeer: held' "$E2E_TMP/params.out" ||
	fail "the peer did not get to send its cookie"
normal_client 30
assert_exit "client beside a peer that sends no parameters" "$CLIENT_RC" 0
assert_contains "$E2E_TMP/client.out" "iperf Done."
if grep -q 'server closed' "$E2E_TMP/params.out"; then
	fail "the peer without parameters was let go before the client ran"
fi
kill "$hold_pid" 2>/dev/null || true
wait_exit "$hold_pid" 10

BG_TIMEOUT=60 start_bg "$E2E_TMP/hold1100.out" python3 "$E2E_DIR/holder.py" "$PORT" 1100 3
hold_pid=$BG_PID
wait_match 30 '^up' "$E2E_TMP/hold1100.out" || fail "holder did not connect"
wait_exit "$hold_pid" 20
closed=$(awk '/^closed/ { n = $2 } END { print n + 0 }' "$E2E_TMP/hold1100.out")
# 1102 connections, 1024 kept: the 78 oldest (all silent) were closed.
assert_int_cmp "silent connections the server closed" "$closed" -ge 78
assert_still_serving
log ok
