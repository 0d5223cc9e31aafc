#!/usr/bin/env bash
# -J error: bad command lines and a server that cannot listen. When -J,
# --json or --json-stream appears anywhere (also as J in a cluster, -sJ),
# a command line that does not parse gives exactly one iperf3 3.21-style
# document ({"start":{"connected":[],"version","system_info"},
# "intervals":[],"end":{},"error":CAUSE}) on stdout, or the error and end
# events, nothing on stderr, and exit status 1. Without -J the cause and a
# usage hint go to stderr and stdout stays empty. A -J server whose port is
# taken reports "unable to start listener..." the same way.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

# bad_args WANT_RE ARGS...: one -J bad command line.
bad_args() {
	local re=$1 rc=0
	shift
	run_to 10 "$EVPERF" "$@" >"$E2E_TMP/o.json" 2>"$E2E_TMP/o.err" || rc=$?
	assert_exit "evperf $*" "$rc" 1
	assert_json_error "$E2E_TMP/o.json" "$re"
	assert_eq "evperf $*: stderr" "$(cat "$E2E_TMP/o.err")" ""
	assert_eq "evperf $*: start keys" \
		"$(json_get "$E2E_TMP/o.json" '.start | keys_unsorted | join(",")')" \
		"connected,version,system_info"
}
bad_args "^unrecognized option '--foo'\$" -c 127.0.0.1 -J --foo
bad_args "^unrecognized option '--foo'\$" --foo -c 127.0.0.1 --json
bad_args '^parameter error - number of parallel streams too large \(maximum = 10000\)$' -J -c 127.0.0.1 -P 10001
bad_args '^parameter error - some option you are trying to set is client only' -sJ -P 3
bad_args '^parameter error' -J

rc=0
run_to 10 "$EVPERF" --json-stream -c 127.0.0.1 --foo >"$E2E_TMP/o.jsonl" \
	2>"$E2E_TMP/o.err" || rc=$?
assert_exit "--json-stream --foo" "$rc" 1
assert_eq "events" "$(python3 "$JSON_PARITY" stream "$E2E_TMP/o.jsonl")" "error end"

rc=0
run_to 10 "$EVPERF" -c 127.0.0.1 --foo >"$E2E_TMP/t.out" 2>"$E2E_TMP/t.err" || rc=$?
assert_exit "text --foo" "$rc" 1
assert_eq "text --foo: stdout" "$(cat "$E2E_TMP/t.out")" ""
assert_contains "$E2E_TMP/t.err" "iperf3: unrecognized option '--foo'"

port=$(free_port)
start_server "$EVPERF" -s -1 -p "$port"
wait_port "$port" "$SERVER_PID"
rc=0
run_to 10 "$EVPERF" -s -1 -J -p "$port" >"$E2E_TMP/l.json" 2>"$E2E_TMP/l.err" || rc=$?
assert_exit "second -J listener" "$rc" 1
assert_json_error "$E2E_TMP/l.json" '^unable to start listener for connections: Address already in use$'
log ok
