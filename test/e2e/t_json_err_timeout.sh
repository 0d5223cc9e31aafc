#!/usr/bin/env bash
# -J error: receive timeouts. A -J server with --rcv-timeout 1000 whose
# client stops (SIGSTOP) mid-test reports "idle timeout for receiving data"
# in one document with its intervals, and exits; the client, continued,
# fails with a document of its own and exit 1. A -J client with -R and
# --rcv-timeout 1000 whose server stops reports the same error (iperf3
# does so within about a second).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

json_pair --rcv-timeout 1000 -- -t 10 -i 0.5
wait_established "$JPORT"
cpid=$(child_pid "$CPID")
kill -STOP "$cpid"
wait_exit "$SPID" 20
kill -CONT "$cpid"
assert_exit "server after the receive timeout" "$EXIT_RC" 1
assert_json_error "$SDOC" '^idle timeout for receiving data$'
assert_int_cmp "server intervals" "$(json_get "$SDOC" '.intervals | length')" -ge 1
wait_exit "$CPID" 20
assert_exit "client" "$EXIT_RC" 1
assert_json_error "$CDOC" '.'

json_pair -- -R -t 10 -i 0.5 --rcv-timeout 1000
wait_established "$JPORT"
spid=$(child_pid "$SPID")
kill -STOP "$spid"
wait_exit "$CPID" 15
kill -CONT "$spid"
assert_exit "-R client after its receive timeout" "$EXIT_RC" 1
assert_json_error "$CDOC" '^idle timeout for receiving data$'
assert_int_cmp "client intervals" "$(json_get "$CDOC" '.intervals | length')" -ge 1
log ok
