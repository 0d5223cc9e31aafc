#!/usr/bin/env bash
# -J error: the peer vanishes. An evperf server killed with SIGKILL in the
# middle of a test leaves the -J client with one document whose "error"
# is set, whose intervals hold what it measured, and exit status 1. An
# evperf client killed the same way leaves the -J server (-1) with one
# document with "error" and its intervals, and the server process exits.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

json_pair -- -t 10 -i 0.5
wait_established "$JPORT"
kill -KILL "$(child_pid "$SPID")"
wait_exit "$CPID" 20
assert_exit "client after the server died" "$EXIT_RC" 1
assert_json_error "$CDOC" '.'
assert_int_cmp "client intervals" "$(json_get "$CDOC" '.intervals | length')" -ge 1
assert_int_cmp "client end.sum_sent.bytes" "$(json_get "$CDOC" '.end.sum_sent.bytes')" -gt 0
assert_eq "client stdout is the document only" "$(wc -l <"$SDOC")" 0

json_pair -- -t 10 -i 0.5
wait_established "$JPORT"
kill -KILL "$(child_pid "$CPID")"
wait_exit "$SPID" 20
[ "$EXIT_RC" != 255 ] || fail "the -1 server did not exit"
assert_json_error "$SDOC" '.'
assert_int_cmp "server intervals" "$(json_get "$SDOC" '.intervals | length')" -ge 1
assert_int_cmp "server end.sum_received.bytes" \
	"$(json_get "$SDOC" '.end.sum_received.bytes')" -gt 0
log "server error: $(json_get "$SDOC" .error)"
log ok
