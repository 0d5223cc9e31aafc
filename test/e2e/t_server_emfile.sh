#!/usr/bin/env bash
# A server that runs out of descriptors (hard limit 40) while a client
# asks for 60 streams: the listener pauses instead of spinning on EMFILE,
# says so in one warning line, and ends that test at once with the accept
# error, which the client reports (exit 1, "unable to accept stream
# connection: Too many open files"); then the same server runs a -P 4
# test to the end and is still alive.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

port=$(free_port)
start_server bash -c 'ulimit -Sn 40 && ulimit -Hn 40 && exec "$0" -s -p "$1"' \
	"$EVPERF" "$port"
wait_port "$port" "$SERVER_PID"

rc=0
run_to 60 "$EVPERF" -c 127.0.0.1 -p "$port" -P 60 -t 1 \
	>"$E2E_TMP/big.out" 2>"$E2E_TMP/big.err" || rc=$?
assert_exit "-P 60 against 40 descriptors" "$rc" 1
assert_contains "$E2E_TMP/big.err" \
	"iperf3: error - unable to accept stream connection: Too many open files"
assert_server_log 'warning: accept: Too many open files; pausing new connections'
assert_eq "one pause warning" \
	"$(grep -c 'pausing new connections' "$SERVER_ERR" || true)" 1

# The refused test's leftover connections may still be queued; retry a
# few times while the server is busy with them.
ok=0
for ((i = 0; i < 20; i++)); do
	rc=0
	run_to 30 "$EVPERF" -c 127.0.0.1 -p "$port" -P 4 -t 1 \
		>"$E2E_TMP/small.out" 2>"$E2E_TMP/small.err" || rc=$?
	if ((rc == 0)); then
		ok=1
		break
	fi
	sleep 0.5
done
((ok)) || fail "-P 4 after the descriptor shortage failed (exit $rc)"
assert_contains "$E2E_TMP/small.out" "iperf Done."
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server has exited"
log ok
