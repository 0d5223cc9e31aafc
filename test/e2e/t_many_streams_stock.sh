#!/usr/bin/env bash
# Above 128 streams against a stock iperf3 server: such a server never
# confirms the wide role flag, so the evperf client refuses before it opens
# any data connection, with iperf3's "too large" wording and the limit
# (exit 1; with -J one document whose "error" says it), and the stock
# server goes on serving: a -P 128 test right after it completes, with
# 128 streams on both ends.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"
need_iperf3

port=$(free_port)
start_server "$IPERF3" -s -p "$port"
wait_port "$port" "$SERVER_PID"
want='number of parallel streams too large for this server (maximum = 128'

rc=0
run_to 30 "$EVPERF" -c 127.0.0.1 -p "$port" -P 129 -t 1 \
	>"$E2E_TMP/text.out" 2>"$E2E_TMP/text.err" || rc=$?
assert_exit "-P 129, text" "$rc" 1
assert_contains "$E2E_TMP/text.err" "iperf3: error - parameter error - $want"

rc=0
run_to 30 "$EVPERF" -c 127.0.0.1 -p "$port" -P 1000 -t 1 -J \
	>"$E2E_TMP/json.out" 2>"$E2E_TMP/json.err" || rc=$?
assert_exit "-P 1000, -J" "$rc" 1
assert_json_error "$E2E_TMP/json.out" \
	'^parameter error - number of parallel streams too large for this server \(maximum = 128; '
[ ! -s "$E2E_TMP/json.err" ] || fail "-J wrote to stderr"

# The stock server noticed the closed control connection and serves on.
ok=0
for ((i = 0; i < 20; i++)); do
	rc=0
	run_to 60 "$EVPERF" -c 127.0.0.1 -p "$port" -P 128 -t 1 -J \
		>"$E2E_TMP/p128.json" 2>"$E2E_TMP/p128.err" || rc=$?
	if ((rc == 0)); then
		ok=1
		break
	fi
	# A stock server may still be busy with the refused client briefly.
	grep -q 'busy' "$E2E_TMP/p128.json" || break
	sleep 0.5
done
((ok)) || fail "-P 128 after the refusals failed (exit $rc)"
assert_eq "-P 128: streams" \
	"$(json_get "$E2E_TMP/p128.json" '.end.streams | length')" 128
assert_int_cmp "-P 128: bytes received" \
	"$(json_get "$E2E_TMP/p128.json" .end.sum_received.bytes)" -gt 0
kill -0 "$SERVER_PID" 2>/dev/null || fail "the stock server has exited"
log ok
