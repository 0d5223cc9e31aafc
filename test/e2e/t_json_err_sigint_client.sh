#!/usr/bin/env bash
# -J error: Ctrl-C on the client. SIGINT mid-test makes the -J client send
# CLIENT_TERMINATE and print one document with "error" = "interrupt - the
# client has terminated", its intervals and a complete end (sum_sent bytes
# measured), exit 1. The -J server (-1) prints one document with "error" =
# "the client has terminated" and what it received.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

json_pair -- -t 10 -i 0.5
wait_established "$JPORT"
kill -INT "$(child_pid "$CPID")"
wait_exit "$CPID" 20
assert_exit "client after SIGINT" "$EXIT_RC" 1
assert_json_error "$CDOC" '^interrupt - the client has terminated$'
assert_int_cmp "client intervals" "$(json_get "$CDOC" '.intervals | length')" -ge 1
assert_int_cmp "client end.sum_sent.bytes" "$(json_get "$CDOC" .end.sum_sent.bytes)" -gt 0
assert_eq "client end keys" \
	"$(json_get "$CDOC" '.end | keys_unsorted | .[0:4] | join(",")')" \
	"streams,sum_sent,sum_received,cpu_utilization_percent"
wait_exit "$SPID" 20
[ "$EXIT_RC" != 255 ] || fail "the -1 server did not exit"
assert_json_error "$SDOC" '^the client has terminated$'
assert_int_cmp "server end.sum_received.bytes" \
	"$(json_get "$SDOC" .end.sum_received.bytes)" -gt 0
log ok
