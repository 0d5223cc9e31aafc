#!/usr/bin/env bash
# -J error: Ctrl-C on the server. SIGINT mid-test makes the -J server send
# SERVER_TERMINATE and print one document with "error" = "interrupt - the
# server has terminated" and what it received, exit 1; the -J client prints
# one document with "error" = "the server has terminated" (as iperf3's
# client does) and its measurements, exit 1. A -J server interrupted while
# idle prints one document with the interrupt error.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

json_pair -- -t 10 -i 0.5
wait_established "$JPORT"
kill -INT "$(child_pid "$SPID")"
wait_exit "$SPID" 20
assert_exit "server after SIGINT" "$EXIT_RC" 1
assert_json_error "$SDOC" '^interrupt - the server has terminated$'
assert_int_cmp "server end.sum_received.bytes" \
	"$(json_get "$SDOC" .end.sum_received.bytes)" -gt 0
wait_exit "$CPID" 20
assert_exit "client" "$EXIT_RC" 1
assert_json_error "$CDOC" '^the server has terminated$'
assert_int_cmp "client end.sum_sent.bytes" "$(json_get "$CDOC" .end.sum_sent.bytes)" -gt 0

port=$(free_port)
start_server "$EVPERF" -s -J -p "$port"
wait_port "$port" "$SERVER_PID"
kill -INT "$(child_pid "$SERVER_PID")"
wait_exit "$SERVER_PID" 20
assert_exit "idle server after SIGINT" "$EXIT_RC" 1
assert_json_error "$SERVER_OUT" '^interrupt - the server has terminated$'
log ok
