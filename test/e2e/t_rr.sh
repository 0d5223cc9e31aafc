#!/usr/bin/env bash
# Request/response mode between evperf ends (--rr, --crr, issue 15): the
# client's -J document has transactions (> 0, the intervals' sum, exactly
# the client's bytes over REQ), ordered percentiles and the sizes, and
# with --crr as many connections; -P 4 has four streams that all did
# transactions; the human rows and the --json-stream events carry them;
# the server serves a bulk test afterwards; bad values are refused before
# any connection. Nothing here asserts on a time or a rate.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=rr_lib.sh
. "$(dirname "$0")/rr_lib.sh"

PORT=$(free_port)
start_server "$EVPERF" -s -p "$PORT"
wait_port "$PORT" "$SERVER_PID"

# rr_client NAME ARGS...: a client against $PORT; output in NAME.
rr_client() {
	local out=$E2E_TMP/$1
	shift
	CLIENT_RC=0
	run_to 30 "$EVPERF" -c 127.0.0.1 -p "$PORT" "$@" >"$out" 2>&1 ||
		CLIENT_RC=$?
}

rr_client rr1.json --rr -t 2 -J
assert_exit "--rr -J" "$CLIENT_RC" 0
rr_check_json "$E2E_TMP/rr1.json" rr 1 1

rr_client rr4.json --rr=100/3000 -P 4 -t 2 -i 0.5 -J
assert_exit "--rr=100/3000 -P 4" "$CLIENT_RC" 0
rr_check_json "$E2E_TMP/rr4.json" rr 100 3000
assert_eq "streams" "$(json_get "$E2E_TMP/rr4.json" '.end.streams | length')" 4
assert_eq "streams without transactions" \
	"$(json_get "$E2E_TMP/rr4.json" '[.end.streams[].sender.bytes |
		select(. == 0 or . % 100 != 0)] | length')" 0

# Large messages (more than a socket buffer takes at once).
rr_client rrbig.json --rr=1M/1M -t 1 -J
assert_exit "--rr=1M/1M" "$CLIENT_RC" 0
rr_check_json "$E2E_TMP/rrbig.json" rr 1048576 1048576

rr_client rr.txt --rr=10/20 -t 2
assert_exit "--rr human" "$CLIENT_RC" 0
assert_contains "$E2E_TMP/rr.txt" "iperf Done."
assert_match "$E2E_TMP/rr.txt" \
	'^\[ RR\] +0\.00-1\.0[0-9] +sec +[0-9]+ trans +[0-9.]+ trans/s +rtt min/med/p90/p99/max [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$'
assert_match "$E2E_TMP/rr.txt" \
	'^\[ RR\] +0\.00-2\.0[0-9] +sec +[1-9][0-9]* trans .* ms  10/20 bytes$'

rr_client rr.jsonl --rr -t 2 --json-stream
assert_exit "--rr --json-stream" "$CLIENT_RC" 0
n=$(jq -s '[.[] | select(.event == "interval") |
	.data.latency.transactions] | add' "$E2E_TMP/rr.jsonl")
assert_eq "--json-stream transactions" "$n" \
	"$(jq -s '.[] | select(.event == "end") | .data.latency.loaded.transactions' \
		"$E2E_TMP/rr.jsonl")"

# --crr: a connection per transaction, -P loops at once.
rr_client crr.json --crr -t 2 -J
assert_exit "--crr -J" "$CLIENT_RC" 0
rr_check_json "$E2E_TMP/crr.json" crr 1 1
rr_client crr4.json --crr=100/5000 -P 4 -t 2 -J
assert_exit "--crr=100/5000 -P 4" "$CLIENT_RC" 0
rr_check_json "$E2E_TMP/crr4.json" crr 100 5000
assert_eq "loops without transactions" \
	"$(json_get "$E2E_TMP/crr4.json" '[.end.streams[].sender.bytes |
		select(. == 0 or . % 100 != 0)] | length')" 0
rr_client crr.txt --crr=10/20 -t 2
assert_exit "--crr human" "$CLIENT_RC" 0
assert_match "$E2E_TMP/crr.txt" \
	'^\[CRR\] +1\.0[0-9]-2\.0[0-9] +sec +[0-9]+ conns +[0-9.]+ conns/s +rtt min/med/p90/p99/max [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$'
assert_match "$E2E_TMP/crr.txt" \
	'^\[CRR\] +0\.00-2\.0[0-9] +sec +[1-9][0-9]* conns .* ms  10/20 bytes$'
# The server serves a bulk test after them.
rr_client bulk.txt -t 1
assert_exit "a bulk test after --crr" "$CLIENT_RC" 0
assert_contains "$E2E_TMP/bulk.txt" "iperf Done."

# Bad values: refused by the client itself, with the reason.
for args in "--rr=0" "--rr=2M" "--crr=1/x" "--rr -R" "--rr --latency"; do
	# shellcheck disable=SC2086 # the words of args are options
	rr_client bad.txt $args
	assert_exit "evperf $args" "$CLIENT_RC" 1
	assert_match "$E2E_TMP/bad.txt" '^iperf3: parameter error - (invalid argument|--rr cannot be used)'
done
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server has exited"
log ok
