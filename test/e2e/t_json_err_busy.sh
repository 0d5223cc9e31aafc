#!/usr/bin/env bash
# -J error: server busy. While an evperf server runs one test, a second -J
# client gets one document with "error" = iperf3's busy text and exits 1,
# and the first test still completes with a clean document.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

json_pair -- -t 4 -i 0.5
wait_established "$JPORT"
rc=0
run_to 20 "$EVPERF" -c 127.0.0.1 -p "$JPORT" -J -t 1 >"$E2E_TMP/busy.json" \
	2>"$E2E_TMP/busy.err" || rc=$?
assert_exit "second client" "$rc" 1
assert_json_error "$E2E_TMP/busy.json" '^the server is busy running a test\. try again later$'
wait_exit "$CPID" 20
assert_exit "first client" "$EXIT_RC" 0
assert_layout "$CDOC"
assert_one_json "$CDOC"
wait_exit "$SPID" 20
assert_exit "server" "$EXIT_RC" 0
assert_layout "$SDOC"
assert_one_json "$SDOC"
log ok
