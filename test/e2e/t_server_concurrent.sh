#!/usr/bin/env bash
# --max-tests (issue 11): a server that runs tests side by side and that
# no client can hold up.
#  1. Four tests at once (evperf and stock iperf3 clients, TCP and UDP,
#     forward and -R): each client's result is right, and the server's
#     --logfile holds one -J document per test whose cookie and byte count
#     match that client's.
#  2. While peers hold on at every stage (200 idle connections, half a
#     cookie, a cookie and no parameters, half a data cookie, a test
#     stalled before and in the middle of its results, a SIGSTOPped
#     client mid-test), an evperf TCP test and a stock UDP test complete;
#     the server's human lines each carry their test's tag; once the
#     peers let go the server's descriptors come back to where they were.
#  3. A client SIGKILLed mid-test (TCP and UDP; forward, -R, --bidir) does
#     not touch the test running beside it, whose result is complete.
#  4. -1 with --max-tests 2: of two clients that arrive together one runs,
#     the other is told the server is busy, and the server exits 0 after
#     the one test; --idle-timeout with --max-tests 2 serves a test after
#     an idle restart.
# Nothing is timed: every client must succeed at its first try.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_iperf3


# bg_client NAME CMD...: a client in the background, output in NAME.out.
# Sets BG_PID.
bg_client() {
	local name=$1
	shift
	BG_TIMEOUT=90 start_bg "$E2E_TMP/$name.out" "$@"
}

# client_ok NAME PID: the background client exited 0 with a JSON result
# without "error".
client_ok() {
	wait_exit "$2" 60
	assert_exit "$1" "$EXIT_RC" 0
	assert_eq "$1 error" "$(json_get "$E2E_TMP/$1.out" '.error // "none"')" none
}

# --- 1. four tests at once, one -J document each -----------------------
PORT=$(free_port)
start_server "$EVPERF" -s -p "$PORT" --max-tests 4 -J \
	--logfile "$E2E_TMP/server.json"
wait_port "$PORT" "$SERVER_PID"
bg_client ev_tcp "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 2 -P 2 -J
p1=$BG_PID
bg_client ev_udp "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 2 -u -b 20M -J
p2=$BG_PID
bg_client st_tcp "$IPERF3" -c 127.0.0.1 -p "$PORT" -t 2 -R -J
p3=$BG_PID
bg_client st_udp "$IPERF3" -c 127.0.0.1 -p "$PORT" -t 2 -u -b 10M -J
p4=$BG_PID
client_ok ev_tcp "$p1"
client_ok ev_udp "$p2"
client_ok st_tcp "$p3"
client_ok st_udp "$p4"
for ((i = 0; i < 50; i++)); do
	[ "$(jq -s length "$E2E_TMP/server.json" 2>/dev/null || echo 0)" = 4 ] &&
		break
	sleep 0.1
done
assert_eq "server documents" "$(jq -s length "$E2E_TMP/server.json")" 4
assert_eq "server errors" \
	"$(jq -s '[.[] | select(.error != null)] | length' "$E2E_TMP/server.json")" 0
for c in ev_tcp ev_udp st_tcp st_udp; do
	cookie=$(json_get "$E2E_TMP/$c.out" .start.cookie)
	n=$(jq -s --arg c "$cookie" '[.[] | select(.start.cookie == $c)] | length' \
		"$E2E_TMP/server.json")
	assert_eq "$c: server documents with its cookie" "$n" 1
	case $c in
	ev_tcp)
		want=$(json_get "$E2E_TMP/$c.out" .end.sum_received.bytes)
		key=.end.sum_received.bytes
		;;
	st_tcp)
		want=$(json_get "$E2E_TMP/$c.out" .end.sum_sent.bytes)
		key=.end.sum_sent.bytes
		;;
	*)
		want=$(json_get "$E2E_TMP/$c.out" .end.sum.packets)
		key=.end.sum.packets
		;;
	esac
	got=$(jq -s --arg c "$cookie" ".[] | select(.start.cookie == \$c) | $key" \
		"$E2E_TMP/server.json")
	assert_int_cmp "$c: bytes or packets" "$want" -gt 0
	if [ "$c" = ev_udp ] || [ "$c" = st_udp ]; then
		# The receiver (the server) counts what arrived; the client's
		# figure is the sender's: equal unless the loop dropped some.
		assert_int_cmp "$c: server packets" "$got" -gt 0
	else
		assert_eq "$c: server's count" "$got" "$want"
	fi
done
assert_eq "ev_tcp streams" "$(json_get "$E2E_TMP/ev_tcp.out" '.end.streams | length')" 2
kill "$SERVER_PID"
wait_exit "$SERVER_PID" 10
log "four concurrent tests: ok"

# --- 2. held at every stage, two tests still complete ------------------
PORT=$(free_port)
start_server "$EVPERF" -s -p "$PORT" --max-tests 6 --forceflush
wait_port "$PORT" "$SERVER_PID"
fds0=$(server_fds)

BG_TIMEOUT=60 start_bg "$E2E_TMP/idle.out" python3 "$E2E_DIR/holder.py" "$PORT" 200 45
holders=("$BG_PID")
for mode in hold-params hold-datacookie hold-results hold-halfresults; do
	BG_TIMEOUT=60 start_bg "$E2E_TMP/$mode.out" python3 "$E2E_DIR/rawpeer.py" \
		"$mode" --port "$PORT" --wait 45
	holders+=("$BG_PID")
done
bg_client stopped "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 60 --forceflush
stopped=$BG_PID
wait_match 20 '^up' "$E2E_TMP/idle.out" || fail "idle holder did not connect"
for mode in hold-params hold-datacookie hold-results hold-halfresults; do
	wait_match 20 '^rawpeer: held' "$E2E_TMP/$mode.out" ||
		fail "$mode did not reach its stage"
done
wait_match 20 ' sec ' "$E2E_TMP/stopped.out" || fail "the client to stop did not run"
kill -STOP "$(pgrep -P "$stopped" | head -n 1)"

bg_client health_ev "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 1 -J
h1=$BG_PID
bg_client health_st "$IPERF3" -c 127.0.0.1 -p "$PORT" -t 1 -u -b 10M -J
h2=$BG_PID
client_ok health_ev "$h1"
client_ok health_st "$h2"
assert_int_cmp "health TCP bytes" \
	"$(json_get "$E2E_TMP/health_ev.out" .end.sum_received.bytes)" -gt 0
assert_int_cmp "health UDP packets" \
	"$(json_get "$E2E_TMP/health_st.out" .end.sum.packets)" -gt 0
for mode in hold-params hold-datacookie hold-results hold-halfresults; do
	if grep -q 'server closed' "$E2E_TMP/$mode.out"; then
		fail "$mode was let go before the health checks ended"
	fi
done

# Every report line of a test carries its tag; two tests ran side by side.
untagged=$(grep -Ev '^(test [0-9]+:  |-{20,}$|Server listening on )' \
	"$SERVER_OUT" | grep -cv '^$' || true)
assert_eq "untagged server lines" "$untagged" 0
assert_int_cmp "tags in the server output" \
	"$(grep -Eo '^test [0-9]+:' "$SERVER_OUT" | sort -u | wc -l)" -ge 4

kill -KILL "$(pgrep -P "$stopped" | head -n 1)" 2>/dev/null || true
for pid in "${holders[@]}"; do
	kill "$pid" 2>/dev/null || true
done
wait_exit "$stopped" 10
for pid in "${holders[@]}"; do
	wait_exit "$pid" 10
done
fds_back "$fds0" "after the holders left"
normal_client 30
assert_exit "client after the holders left" "$CLIENT_RC" 0
kill "$SERVER_PID"
wait_exit "$SERVER_PID" 10
log "holds at every stage: ok"

# --- 3. a client killed mid-test leaves its neighbour alone ------------
PORT=$(free_port)
start_server "$EVPERF" -s -p "$PORT" --max-tests 2
wait_port "$PORT" "$SERVER_PID"
for proto in tcp udp; do
	for dir in fwd -R --bidir; do
		args=(-t 30 --forceflush)
		[ "$proto" = udp ] && args+=(-u -b 20M)
		[ "$dir" = fwd ] || args+=("$dir")
		bg_client victim "$EVPERF" -c 127.0.0.1 -p "$PORT" "${args[@]}"
		victim=$BG_PID
		wait_match 20 ' sec ' "$E2E_TMP/victim.out" ||
			fail "$proto $dir: the victim did not run"
		bg_client neighbour "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 2 -J \
			"${args[@]:2}"
		neighbour=$BG_PID
		kill -KILL "$(pgrep -P "$victim" | head -n 1)"
		wait_exit "$victim" 10
		client_ok neighbour "$neighbour"
		assert_moved "$proto $dir: neighbour" "$proto" "$E2E_TMP/neighbour.out"
		log "$proto $dir: victim killed, neighbour ok"
	done
done
assert_still_serving
kill "$SERVER_PID"
wait_exit "$SERVER_PID" 10

# --- 4. -1 and --idle-timeout with --max-tests --------------------------
PORT=$(free_port)
start_server "$EVPERF" -s -1 -p "$PORT" --max-tests 2
wait_port "$PORT" "$SERVER_PID"
bg_client one_a "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 1 -J
pa=$BG_PID
bg_client one_b "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 1 -J
pb=$BG_PID
wait_exit "$pa" 60
ra=$EXIT_RC
wait_exit "$pb" 60
rb=$EXIT_RC
assert_eq "-1: clients that succeeded" "$(((ra == 0) + (rb == 0)))" 1
busy=one_a
[ "$ra" = 0 ] && busy=one_b
assert_eq "-1: the other client's error" "$(json_get "$E2E_TMP/$busy.out" .error)" \
	"the server is busy running a test. try again later"
wait_exit "$SERVER_PID" 20
assert_exit "-1 server" "$EXIT_RC" 0

PORT=$(free_port)
start_server "$EVPERF" -s -p "$PORT" --max-tests 2 --idle-timeout 1
wait_port "$PORT" "$SERVER_PID"
sleep 1.5 # one idle restart (not timed: only that it happened before)
assert_still_serving
log ok
