#!/usr/bin/env bash
# --rr and --crr need an evperf server: against stock iperf3, which never
# confirms the "evperf_rr" parameter (state byte 103), the client refuses
# the test after the parameters and before any data connection: exit 1,
# the reason on stderr (or in the -J "error" key), no bulk test in its
# place. The stock server goes on serving.
# interop: stock iperf3 ($IPERF3) as the server
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_iperf3

PORT=$(free_port)
start_server "$IPERF3" -s -p "$PORT"
wait_port "$PORT" "$SERVER_PID"

for mode in rr crr; do
	rc=0
	run_to 30 "$EVPERF" -c 127.0.0.1 -p "$PORT" "--$mode" -t 1 \
		>"$E2E_TMP/$mode.out" 2>&1 || rc=$?
	assert_exit "--$mode against iperf3 $IPERF3_VERSION" "$rc" 1
	assert_contains "$E2E_TMP/$mode.out" \
		"iperf3: error - --$mode needs an evperf server: the server did not confirm request/response mode"
	if grep -Eq ' (sender|receiver)$|connected to' "$E2E_TMP/$mode.out"; then
		fail "--$mode ran a test against stock iperf3"
	fi
	rc=0
	run_to 30 "$EVPERF" -c 127.0.0.1 -p "$PORT" "--$mode=64/64" -t 1 -J \
		>"$E2E_TMP/$mode.json" 2>&1 || rc=$?
	assert_exit "--$mode -J against iperf3 $IPERF3_VERSION" "$rc" 1
	assert_eq "-J error" "$(json_get "$E2E_TMP/$mode.json" .error)" \
		"--$mode needs an evperf server: the server did not confirm request/response mode"
done
kill -0 "$SERVER_PID" 2>/dev/null || fail "stock iperf3 exited"
rc=0
run_to 30 "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 1 >"$E2E_TMP/normal.out" 2>&1 || rc=$?
assert_exit "a bulk test afterwards" "$rc" 0
assert_contains "$E2E_TMP/normal.out" "iperf Done."
log ok
