#!/usr/bin/env bash
# The --bidir accept-order race (esnet/iperf#2029, docs/protocol.md §4),
# forced on loopback. test/tools/reorder_relay.py sits between an evperf
# client and a one-off evperf server and opens the data connections upstream
# in the reverse of the order the client created them, so a server that
# assigned roles by accept order would make both ends of every connection
# receive (or both send). With the role flag, -P 1 and -P 4 must complete:
# client exit 0, no "error", data both ways, and every stream's two ends
# agree: the sender's count covers the receiver's, and the gap is at most
# 8 MiB (in flight: -w 128K keeps evperf's socket buffers small and the
# relay runs with 256 KiB socket buffers, see RELAY_SMALL_BUFS) plus what
# the sender sent, at its average rate, while TEST_START and TEST_END were
# on their way: the server (-J) counts from before the client starts to
# after the client stops, so its reported test length minus the client's
# measures that delay, which the relay's Python threads stretch under load.
# Then the same runs with the role flag off on both ends (--no-role-flag, a
# test-only switch) must deadlock and be caught by the server's receive
# watchdog: the client fails, in bounded time, with "idle timeout for
# receiving data" (SERVER_ERROR 144). Those runs use -t 10 so that the 3 s
# watchdog fires well before the client's own end of test. That proves the
# relay really reorders and that the passing runs are not passing by luck.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

RELAY=$E2E_DIR/../tools/reorder_relay.py
[ -f "$RELAY" ] || fail "relay not found: $RELAY"
SLACK=$((8 * 1024 * 1024))
# Run the relay unchanged but with fixed 256 KiB socket buffers (autotuning
# would let tens of MiB queue inside it), so that what can be in flight
# between the two ends of a stream is small and known.
RELAY_SMALL_BUFS='
import runpy, socket, sys
class SmallBufSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for opt in (socket.SO_RCVBUF, socket.SO_SNDBUF):
            self.setsockopt(socket.SOL_SOCKET, opt, 262144)
socket.socket = SmallBufSocket
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
'
RUN_N=0

# setup_run P [SERVER_ARGS...]: a one-off evperf server and, in front of it,
# the reordering relay for 2*P data connections. Sets TAG, SPID, RPID,
# RPORT, ROUT (relay output), COUT and CERR (client output files).
setup_run() {
	local p=$1 sport
	shift
	RUN_N=$((RUN_N + 1))
	sport=$(free_port)
	RPORT=$(free_port)
	[ "$sport" != "$RPORT" ] || RPORT=$(free_port)
	[ "$sport" != "$RPORT" ] || fail "free_port returned $sport twice"
	start_server "$EVPERF" -s -1 -J -p "$sport" --rcv-timeout 3000 "$@"
	SPID=$SERVER_PID
	wait_port "$sport" "$SPID"
	ROUT=$E2E_TMP/relay$RUN_N.out
	BG_TIMEOUT=60 start_bg "$ROUT" \
		python3 -c "$RELAY_SMALL_BUFS" "$RELAY" "$RPORT" "$sport" $((2 * p)) 40
	RPID=$BG_PID
	wait_port "$RPORT" "$RPID"
	COUT=$E2E_TMP/client$RUN_N.out
	CERR=$E2E_TMP/client$RUN_N.err
}

# assert_relay_reversed NDATA: the relay reports that it reordered them all.
assert_relay_reversed() {
	wait_match 10 "^relay: $1 data connections forwarded in reverse order" \
		"$ROUT" || fail "$TAG: the relay did not reverse $1 connections"
}

# good_run P: the role flag on (the default); the test must pass.
good_run() {
	local p=$1 crc=0 n id sb rb slack extra maxgap=0
	TAG="run $((RUN_N + 1)) [role flag, -P $p]"
	setup_run "$p"
	log "$TAG: relay port $RPORT"
	run_to 40 "$EVPERF" -c 127.0.0.1 -p "$RPORT" --bidir -t 3 -J \
		-P "$p" -w 128K >"$COUT" 2>"$CERR" || crc=$?
	assert_exit "$TAG: client" "$crc" 0
	assert_one_json "$COUT"
	assert_relay_reversed $((2 * p))
	assert_int_cmp "$TAG: end.sum_received.bytes" \
		"$(json_get "$COUT" .end.sum_received.bytes)" -gt 0
	assert_int_cmp "$TAG: end.sum_received_bidir_reverse.bytes" \
		"$(json_get "$COUT" .end.sum_received_bidir_reverse.bytes)" -gt 0
	assert_int_cmp "$TAG: end.sum_sent.bytes" \
		"$(json_get "$COUT" .end.sum_sent.bytes)" -gt 0
	assert_int_cmp "$TAG: end.sum_sent_bidir_reverse.bytes" \
		"$(json_get "$COUT" .end.sum_sent_bidir_reverse.bytes)" -gt 0
	assert_eq "$TAG: start.connected entries" \
		"$(json_get "$COUT" '.start.connected | length')" $((2 * p))
	n=$(json_get "$COUT" '.end.streams | length')
	assert_eq "$TAG: end.streams entries" "$n" $((2 * p))

	wait_exit "$SPID" 20
	assert_exit "$TAG: server" "$EXIT_RC" 0
	assert_one_json "$SERVER_OUT"
	wait_exit "$RPID" 45
	assert_exit "$TAG: relay" "$EXIT_RC" 0

	# Pairing: both ends of each connection report on the same stream.
	# Seconds the server (-J) counted beyond the client's test length:
	extra=$(jq -n --slurpfile s "$SERVER_OUT" --slurpfile c "$COUT" '
	    ([$s[0].end.streams[] | .sender.seconds, .receiver.seconds] | max)
	    - ([$c[0].end.streams[] | .receiver.seconds] | min)
	    | if . > 0 then . else 0 end') ||
		fail "$TAG: cannot compare the test lengths of the two ends"
	log "$TAG: the server counted ${extra} s longer than the client"
	json_get "$COUT" ".end.streams[] | \"\(.sender.socket) \(.sender.bytes) \
	    \(.receiver.bytes) \(.sender.bytes / .sender.seconds * $extra
	    + $SLACK | floor)\"" >"$E2E_TMP/streams$RUN_N"
	while read -r id sb rb slack; do
		assert_int_cmp "$TAG: stream $id sender.bytes" "$sb" -gt 0
		assert_int_cmp "$TAG: stream $id receiver.bytes" "$rb" -gt 0
		assert_int_cmp "$TAG: stream $id receiver.bytes <= sender.bytes" \
			"$rb" -le "$sb"
		assert_int_cmp "$TAG: stream $id sender - receiver bytes" \
			"$((sb - rb))" -le "$slack"
		((sb - rb <= maxgap)) || maxgap=$((sb - rb))
	done <"$E2E_TMP/streams$RUN_N"
	log "$TAG: largest sender - receiver gap: $maxgap bytes"
	log "$TAG: ok"
}

# bad_run P: the role flag off on both ends; the reversed accept order must
# deadlock the test and the server's watchdog must end it.
bad_run() {
	local p=$1 crc=0 err
	TAG="run $((RUN_N + 1)) [--no-role-flag, -P $p]"
	setup_run "$p" --no-role-flag
	log "$TAG: relay port $RPORT (expected to fail)"
	run_to 40 "$EVPERF" -c 127.0.0.1 -p "$RPORT" --bidir -t 10 -J \
		-P "$p" -w 128K --no-role-flag >"$COUT" 2>"$CERR" || crc=$?
	case $crc in
	0) fail "$TAG: the client succeeded although roles were mismatched" ;;
	124 | 137) fail "$TAG: the client hung (killed by timeout)" ;;
	esac
	assert_relay_reversed $((2 * p))
	jq -e . "$COUT" >/dev/null 2>&1 ||
		fail "$TAG: client output is not valid JSON"
	err=$(json_get "$COUT" '.error // ""')
	[[ $err == *"idle timeout for receiving data"* ]] ||
		fail "$TAG: client error is '$err', wanted the idle timeout"
	wait_exit "$SPID" 20
	[ "$EXIT_RC" != 255 ] || fail "$TAG: the server is still running"
	assert_server_log "idle timeout for receiving data"
	wait_exit "$RPID" 45
	log "$TAG: failed as expected (client exit $crc: $err)"
}

good_run 1
good_run 4
bad_run 1
bad_run 4
