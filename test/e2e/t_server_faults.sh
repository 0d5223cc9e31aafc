#!/usr/bin/env bash
# Faults, not just bad bytes (issue 11). In a network namespace of its
# own (loopback only):
#  1. Concurrent mode (--max-tests 8): a client whose network is pulled
#     mid-test (iptables DROP of its address, 127.0.0.3, both ways), for
#     TCP and UDP, forward, -R and --bidir: a client beside it (127.0.0.1)
#     runs a complete test while the fault is held. The pulled client is
#     then killed before the rules go; once its FIN gets through, the
#     server's descriptors come back to where they were.
#  2. Single-test mode: a client SIGKILLed at every stage (cookie sent and
#     no parameters; half a data cookie; before and in the middle of its
#     results; mid-test for TCP and UDP, forward, -R and --bidir): the
#     server serves the next client and holds no more descriptors than
#     before. A pulled client mid-test (TCP forward) is given up after the
#     server's --rcv-timeout (2 s here) and the next client is served.
# Nothing is timed: "served" means within a bounded number of tries, each
# of which may be told "busy" while the server notices the fault.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_netns faults
need_cmd pgrep
PORT=5201

pull() { nsx iptables -I OUTPUT -s 127.0.0.3 -j DROP && nsx iptables -I OUTPUT -d 127.0.0.3 -j DROP; }
unpull() { nsx iptables -F OUTPUT; }

# case_args PROTO DIR: the client arguments of one mode.
case_args() {
	ARGS=()
	[ "$1" = udp ] && ARGS+=(-u -b 20M)
	[ "$2" = fwd ] || ARGS+=("$2")
	return 0
}

# victim NAME ARGS...: a client from 127.0.0.3 that runs for a long time;
# returns once it reports its first interval. Sets VICTIM (timeout's PID).
victim() {
	local name=$1
	shift
	BG_TIMEOUT=120 start_bg "$E2E_TMP/$name.out" ip netns exec "$NS" \
		"$EVPERF" -c 127.0.0.1 -B 127.0.0.3 -p "$PORT" -t 100 --forceflush "$@"
	VICTIM=$BG_PID
	wait_match 20 ' sec ' "$E2E_TMP/$name.out" || fail "$name did not run"
}

# kill_victim: SIGKILL the client itself (not its timeout).
kill_victim() {
	kill -KILL "$(pgrep -P "$VICTIM" | head -n 1)" 2>/dev/null || true
	wait_exit "$VICTIM" 10
}

# next_client WHAT ARGS...: a normal -J test from 127.0.0.1, tried up to 40
# times 0.25 s apart while the server is busy with the faulty one.
next_client() {
	local what=$1 i rc out=$E2E_TMP/next.json
	shift
	for ((i = 0; i < 40; i++)); do
		rc=0
		run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" \
			-t 1 -J "$@" >"$out" 2>"$E2E_TMP/next.err" || rc=$?
		if [ "$rc" = 0 ]; then
			break
		fi
		grep -q 'busy' "$out" || fail "$what: next client failed: $(head -c 300 "$out")"
		sleep 0.25
	done
	assert_exit "$what: next client" "$rc" 0
	assert_eq "$what: next client error" "$(json_get "$out" '.error // "none"')" none
}

# --- 1. concurrent: a pulled client beside a running one ----------------
start_server ip netns exec "$NS" "$EVPERF" -s -p "$PORT" --max-tests 8
ns_wait_port "$PORT" "$SERVER_PID"
fds0=$(server_fds)
for proto in tcp udp; do
	for dir in fwd -R --bidir; do
		case_args "$proto" "$dir"
		victim "pulled-$proto$dir" "${ARGS[@]}"
		pull
		rc=0
		run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -B 127.0.0.1 \
			-p "$PORT" -t 2 -J "${ARGS[@]}" >"$E2E_TMP/beside.json" \
			2>"$E2E_TMP/beside.err" || rc=$?
		assert_exit "$proto $dir: client beside a pulled one" "$rc" 0
		assert_eq "$proto $dir: error" \
			"$(json_get "$E2E_TMP/beside.json" '.error // "none"')" none
		assert_moved "$proto $dir" "$proto" "$E2E_TMP/beside.json"
		kill_victim
		unpull
		log "$proto $dir: ok beside a pulled client"
	done
done
fds_back "$fds0" "after the pulled clients left"
kill "$SERVER_PID"
wait_exit "$SERVER_PID" 10

# --- 2. single-test mode: killed at every stage, pulled mid-test --------
start_server ip netns exec "$NS" "$EVPERF" -s -p "$PORT" --rcv-timeout 2000
ns_wait_port "$PORT" "$SERVER_PID"
fds0=$(server_fds)
for mode in hold-params hold-datacookie hold-results hold-halfresults; do
	BG_TIMEOUT=60 start_bg "$E2E_TMP/$mode.out" ip netns exec "$NS" \
		python3 "$E2E_DIR/rawpeer.py" "$mode" --port "$PORT" --wait 45
	pid=$BG_PID
	wait_match 20 '^rawpeer: held' "$E2E_TMP/$mode.out" ||
		fail "$mode did not reach its stage"
	kill -KILL "$(pgrep -P "$pid" | head -n 1)" 2>/dev/null || true
	wait_exit "$pid" 10
	next_client "$mode killed"
	fds_back "$fds0" "$mode killed"
	log "$mode: killed, next client served"
done
for proto in tcp udp; do
	for dir in fwd -R --bidir; do
		case_args "$proto" "$dir"
		victim "killed-$proto$dir" "${ARGS[@]}"
		kill_victim
		next_client "$proto $dir killed mid-test" "${ARGS[@]}"
		fds_back "$fds0" "$proto $dir killed mid-test"
		log "$proto $dir: killed mid-test, next client served"
	done
done
victim pulled-single
pull
next_client "pulled mid-test"
unpull
kill_victim
fds_back "$fds0" "pulled mid-test"
log ok
