#!/usr/bin/env bash
# Descriptor limits: both ends raise their soft RLIMIT_NOFILE to the hard
# limit, so a server and a client started with a soft limit of 64 still
# run -P 200 (about 200 descriptors each); a client whose hard limit is
# below what its streams need fails before connecting, naming the limit
# and the number needed (exit 1; with -J one document with "error").
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=json_lib.sh
. "$E2E_DIR/json_lib.sh"

port=$(free_port)
start_server bash -c 'ulimit -Sn 64 && exec "$0" -s -1 -p "$1" -J' \
	"$EVPERF" "$port"
wait_port "$port" "$SERVER_PID"
rc=0
run_to 60 bash -c 'ulimit -Sn 64 && exec "$0" -c 127.0.0.1 -p "$1" -P 200 -t 1 -J' \
	"$EVPERF" "$port" >"$E2E_TMP/soft.json" 2>"$E2E_TMP/soft.err" || rc=$?
assert_exit "soft limit 64, -P 200: client" "$rc" 0
assert_eq "soft limit 64: client streams" \
	"$(json_get "$E2E_TMP/soft.json" '.end.streams | length')" 200
wait_exit "$SERVER_PID" 30
assert_exit "soft limit 64, -P 200: server" "$EXIT_RC" 0
assert_eq "soft limit 64: server streams" \
	"$(json_get "$SERVER_OUT" '.end.streams | length')" 200

# No server is needed: the check comes before the control connection.
want='unable to open 300 streams: they need about 332 file descriptors and the hard limit is 200 (ulimit -Hn)'
rc=0
run_to 30 bash -c 'ulimit -Sn 200 && ulimit -Hn 200 && exec "$0" -c 127.0.0.1 -p "$1" -P 300 -t 1' \
	"$EVPERF" "$port" >"$E2E_TMP/hard.out" 2>"$E2E_TMP/hard.err" || rc=$?
assert_exit "hard limit 200, -P 300" "$rc" 1
assert_contains "$E2E_TMP/hard.err" "iperf3: error - $want"
rc=0
run_to 30 bash -c 'ulimit -Sn 200 && ulimit -Hn 200 && exec "$0" -c 127.0.0.1 -p "$1" -P 150 --bidir -t 1 -J' \
	"$EVPERF" "$port" >"$E2E_TMP/hard.json" 2>"$E2E_TMP/hard.jerr" || rc=$?
assert_exit "hard limit 200, --bidir -P 150, -J" "$rc" 1
assert_json_error "$E2E_TMP/hard.json" \
	'^unable to open 300 streams: they need about 332 file descriptors and the hard limit is 200 \(ulimit -Hn\)$'
log ok
