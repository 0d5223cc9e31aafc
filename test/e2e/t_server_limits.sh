#!/usr/bin/env bash
# Server limits (iperf3 3.20+ --server-max-duration, 3.21 --server-bitrate-
# limit). One evperf server per limit, started once without -1, refuses
# what is over its limit with SERVER_ERROR, and both ends say why: an
# evperf client (text and -J "error") and stock iperf3. --server-max-
# duration 2 refuses -t 5, -t 1 -O 2 and -n 1M, accepts -t 1.
# --server-bitrate-limit 100M refuses -b 60M -P 2 (TCP and UDP) when the
# parameters arrive, and ends an unlimited TCP test on loopback (far above
# 100 Mbit/s) once its 5 s average is in, forward and -R. After every
# refusal the same server runs a normal test. Exit codes, texts and JSON
# fields only, never timings.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3

DUR_MSG="client's requested duration exceeds the server's maximum permitted limit"
RATE_MSG="total required bandwidth is larger than server limit"
N=0

# client NAME BIN ARGS...: one client against $PORT; sets RC, OUT, ERR.
client() {
	local name=$1 bin=$2
	shift 2
	N=$((N + 1))
	OUT=$E2E_TMP/c$N-$name.out
	ERR=$E2E_TMP/c$N-$name.err
	RC=0
	run_to 60 "$bin" -c 127.0.0.1 -p "$PORT" "$@" >"$OUT" 2>"$ERR" || RC=$?
}

# refused_ev WHAT MSG ARGS...: an evperf -J client and a text one both
# exit 1 with MSG ("error" key; "iperf3: error - MSG" on stderr).
refused_ev() {
	local what=$1 msg=$2
	shift 2
	client ev-json "$EVPERF" -J "$@"
	assert_exit "evperf -J $what" "$RC" 1
	assert_eq "evperf -J $what: error" "$(json_get "$OUT" .error)" "$msg"
	client ev-text "$EVPERF" "$@"
	assert_exit "evperf $what" "$RC" 1
	assert_contains "$ERR" "iperf3: error - $msg"
}

# refused_stock WHAT CODE MSG ARGS...: stock iperf3 exits 1 with MSG, or,
# for a code its release does not know (37 before 3.20), with its number.
refused_stock() {
	local what=$1 code=$2 msg=$3
	shift 3
	client stock "$IPERF3" "$@"
	assert_exit "iperf3 $what" "$RC" 1
	if [ "$code" = 37 ] && ! iperf3_at_least 3.20; then
		assert_contains "$ERR" "iperf3: error - int_errno=37"
	else
		assert_contains "$ERR" "iperf3: error - $msg"
	fi
}

# normal_next ARGS...: the same server still runs an ordinary evperf test.
normal_next() {
	kill -0 "$SERVER_PID" 2>/dev/null || fail "the server has exited"
	client next "$EVPERF" -J "$@"
	assert_exit "normal test after a refusal ($*)" "$RC" 0
	assert_one_json "$OUT"
	assert_int_cmp "normal test: bytes received" \
		"$(json_get "$OUT" .end.sum_received.bytes)" -gt 0
}

# server_errors MSG COUNT: the server said "iperf3: error - MSG" COUNT
# times (on stderr, one line per refused or ended test).
server_errors() {
	local n
	wait_match 5 "$1" "$SERVER_ERR" || true
	n=$(grep -cF -- "iperf3: error - $1" "$SERVER_ERR" || true)
	assert_eq "server error lines '$1'" "$n" "$2"
}

# --server-max-duration 2.
PORT=$(free_port)
start_server "$EVPERF" -s -p "$PORT" --server-max-duration 2
wait_port "$PORT" "$SERVER_PID"
log "max-duration server on $PORT"

refused_ev "-t 5" "$DUR_MSG" -t 5
normal_next -t 1
refused_ev "-t 1 -O 2" "$DUR_MSG" -t 1 -O 2
normal_next -t 1
refused_ev "-n 1M" "$DUR_MSG" -n 1M
normal_next -t 1
refused_stock "-t 5" 37 "$DUR_MSG" -t 5
normal_next -t 1
refused_stock "-n 1M" 37 "$DUR_MSG" -n 1M
normal_next -t 1
client stock-ok "$IPERF3" -t 1
assert_exit "iperf3 -t 1" "$RC" 0
assert_contains "$OUT" "iperf Done."
server_errors "$DUR_MSG" 8

# --server-bitrate-limit 100M (averaged over 5 s).
PORT=$(free_port)
start_server "$EVPERF" -s -p "$PORT" --server-bitrate-limit 100M
wait_port "$PORT" "$SERVER_PID"
log "bitrate-limit server on $PORT"

refused_ev "-b 60M -P 2" "$RATE_MSG" -b 60M -P 2 -t 1
normal_next -n 10M
refused_ev "-u -b 60M -P 2" "$RATE_MSG" -u -b 60M -P 2 -t 1
normal_next -n 10M
refused_stock "-b 60M -P 2" 27 "$RATE_MSG" -b 60M -P 2 -t 1
normal_next -u -b 10M -n 1M
server_errors "$RATE_MSG" 5

# Over the limit while running: the client gets SERVER_ERROR mid-test.
client ev-run "$EVPERF" -J -t 30
assert_exit "evperf -t 30 over the limit" "$RC" 1
assert_eq "evperf -t 30: error" "$(json_get "$OUT" .error)" "$RATE_MSG"
assert_int_cmp "evperf -t 30: bytes sent before the end" \
	"$(json_get "$OUT" .end.sum_sent.bytes)" -gt 0
normal_next -n 10M
client stock-run "$IPERF3" -t 30 -R
assert_exit "iperf3 -t 30 -R over the limit" "$RC" 1
assert_contains "$ERR" "iperf3: error - $RATE_MSG"
normal_next -n 10M -R
server_errors "$RATE_MSG" 7
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server has exited"
log ok
