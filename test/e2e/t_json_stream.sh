#!/usr/bin/env bash
# --json-stream, --json-stream-full-output and --logfile. A --json-stream
# client and server write one compact {"event","data"} line per event:
# start, one interval per -i, end (iperf3 3.17's format), nothing else
# (both ends run -i 0.5, since a server reports at its own -i: a 2 s test
# has at least three intervals on each); with --json-stream-full-output the pretty document follows the end event
# (3.20). With -J --logfile the file receives exactly the document (or the
# lines) and stdout stays empty. A -J server without -1 writes one document
# per test to its --logfile.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

port=$(free_port)
start_server "$EVPERF" -s -1 --json-stream -i 0.5 -p "$port"
spid=$SERVER_PID sout=$SERVER_OUT
wait_port "$port" "$spid"
rc=0
run_to 30 "$EVPERF" -c 127.0.0.1 -p "$port" --json-stream -t 2 -i 0.5 \
	>"$E2E_TMP/c.jsonl" 2>"$E2E_TMP/c.err" || rc=$?
assert_exit "--json-stream client" "$rc" 0
wait_exit "$spid" 20
assert_exit "--json-stream server" "$EXIT_RC" 0
for f in "$E2E_TMP/c.jsonl" "$sout"; do
	ev=$(python3 "$JSON_PARITY" stream "$f") || fail "$ev"
	[[ $ev =~ ^start( interval){3,}\ end$ ]] ||
		fail "$(basename "$f"): events '$ev'"
	assert_eq "$(basename "$f"): interval data keys" \
		"$(jq -r 'select(.event == "interval") | .data | keys_unsorted | join(",")' "$f" | sort -u)" \
		"streams,sum"
	assert_eq "$(basename "$f"): start data has test_start" \
		"$(jq -r 'select(.event == "start") | .data.test_start.num_streams' "$f")" 1
done
assert_int_cmp "client end.sum_sent.bytes" \
	"$(jq -r 'select(.event == "end") | .data.sum_sent.bytes' "$E2E_TMP/c.jsonl")" -gt 0

# Full output: the lines, then the document built from the same intervals.
port=$(free_port)
start_server "$EVPERF" -s -1 -p "$port"
wait_port "$port" "$SERVER_PID"
rc=0
run_to 30 "$EVPERF" -c 127.0.0.1 -p "$port" --json-stream \
	--json-stream-full-output -t 1 -i 0.5 >"$E2E_TMP/f.out" 2>&1 || rc=$?
assert_exit "--json-stream-full-output client" "$rc" 0
n=$(grep -n '^{"event":"end"' "$E2E_TMP/f.out" | cut -d: -f1)
[ -n "$n" ] || fail "no end event"
head -n "$n" "$E2E_TMP/f.out" >"$E2E_TMP/f.jsonl"
tail -n "+$((n + 1))" "$E2E_TMP/f.out" >"$E2E_TMP/f.json"
ev=$(python3 "$JSON_PARITY" stream "$E2E_TMP/f.jsonl") || fail "$ev"
assert_layout "$E2E_TMP/f.json"
assert_one_json "$E2E_TMP/f.json"
assert_eq "intervals in the document and the stream" \
	"$(json_get "$E2E_TMP/f.json" '.intervals | length')" \
	"$(grep -c '^{"event":"interval"' "$E2E_TMP/f.jsonl")"

# --logfile: exactly the document, or the lines; stdout stays empty.
port=$(free_port)
start_server "$EVPERF" -s -J -p "$port" --logfile "$E2E_TMP/srv.log"
spid=$SERVER_PID
wait_port "$port" "$spid"
for mode in -J --json-stream; do
	rc=0
	run_to 30 "$EVPERF" -c 127.0.0.1 -p "$port" "$mode" -t 1 \
		--logfile "$E2E_TMP/c$mode.log" >"$E2E_TMP/c$mode.out" 2>&1 || rc=$?
	assert_exit "client $mode --logfile" "$rc" 0
	assert_eq "client $mode --logfile: stdout" "$(cat "$E2E_TMP/c$mode.out")" ""
done
assert_layout "$E2E_TMP/c-J.log"
assert_one_json "$E2E_TMP/c-J.log"
ev=$(python3 "$JSON_PARITY" stream "$E2E_TMP/c--json-stream.log") || fail "$ev"
# The server's documents come at each test's end: one per test.
for ((i = 0; i < 50; i++)); do
	python3 "$JSON_PARITY" layout "$E2E_TMP/srv.log" --count 2 >/dev/null && break
	sleep 0.1
done
assert_layout "$E2E_TMP/srv.log" 2
assert_eq "server documents without error" \
	"$(jq -s 'map(select(has("error") | not)) | length' "$E2E_TMP/srv.log")" 2
assert_eq "server stdout" "$(cat "$SERVER_OUT")" ""
log ok
