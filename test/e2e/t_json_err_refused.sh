#!/usr/bin/env bash
# -J error: connection refused. With -J the client prints exactly one
# document (start.connected [], intervals [], end {}) whose "error" says it
# could not connect, exits 1 and writes nothing to stderr; with
# --json-stream it prints the "error" then the "end" event and nothing else.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

port=$(free_port)
rc=0
run_to 20 "$EVPERF" -c 127.0.0.1 -p "$port" -J >"$E2E_TMP/c.json" \
	2>"$E2E_TMP/c.err" || rc=$?
assert_exit "client -J, refused" "$rc" 1
assert_json_error "$E2E_TMP/c.json" '^unable to connect to server.*Connection refused$'
assert_eq "stderr" "$(cat "$E2E_TMP/c.err")" ""
assert_eq "end" "$(json_get "$E2E_TMP/c.json" '.end | length')" 0

rc=0
run_to 20 "$EVPERF" -c 127.0.0.1 -p "$port" --json-stream \
	>"$E2E_TMP/s.jsonl" 2>"$E2E_TMP/s.err" || rc=$?
assert_exit "client --json-stream, refused" "$rc" 1
assert_eq "events" "$(python3 "$JSON_PARITY" stream "$E2E_TMP/s.jsonl")" "error end"
assert_eq "error event" "$(jq -r 'select(.event == "error") | .data' "$E2E_TMP/s.jsonl")" \
	"$(json_get "$E2E_TMP/c.json" .error)"
log ok
