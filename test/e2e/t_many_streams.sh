#!/usr/bin/env bash
# More than 128 streams between evperf ends, through the 2-byte role flag
# (docs/protocol.md 4): -P 1000 TCP forward, -R and --bidir, and UDP
# forward, each with a one-off -J server. Both documents have one entry
# per stream, and every sum equals the sum of its streams (the seed's
# vanished [SUM] line), on both ends; with -n the client sends exactly
# the budget. Also the human [SUM] lines at -P 300.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# 2000 streams (--bidir -P 1000) and their peers need descriptors.
if [ "$(ulimit -Hn)" != unlimited ] && (($(ulimit -Hn) < 2100)); then
	log "SKIP: hard descriptor limit $(ulimit -Hn) is below 2100"
	exit 77
fi

# stream_sum DOC FIELD SENDER: bytes of .end.streams[].FIELD (sender,
# receiver or udp) summed over the streams whose .sender is SENDER.
stream_sum() {
	jq "[.end.streams[] | .$2 | select(.sender == $3) | .bytes] |
		add // 0" "$1"
}

many_case() { # NAME STREAMS-EXPECTED CLIENT-ARGS...
	local name=$1 want=$2 port rc=0 doc
	shift 2
	port=$(free_port)
	start_server "$EVPERF" -s -1 -p "$port" -J
	wait_port "$port" "$SERVER_PID"
	run_to 90 "$EVPERF" -c 127.0.0.1 -p "$port" -J "$@" \
		>"$E2E_TMP/$name.client.json" 2>"$E2E_TMP/$name.client.err" || rc=$?
	assert_exit "$name: client" "$rc" 0
	wait_exit "$SERVER_PID" 30
	assert_exit "$name: server" "$EXIT_RC" 0
	cp "$SERVER_OUT" "$E2E_TMP/$name.server.json"
	for doc in "$E2E_TMP/$name.client.json" "$E2E_TMP/$name.server.json"; do
		assert_one_json "$doc"
		assert_eq "$name: $(basename "$doc") error" \
			"$(json_get "$doc" '.error // "none"')" none
		assert_eq "$name: $(basename "$doc") streams" \
			"$(json_get "$doc" '.end.streams | length')" "$want"
	done
	log "$name: ok"
}

# sum_matches DOC KEY FIELD SENDER: .end.KEY.bytes = sum of the streams'.
sum_matches() {
	local doc=$1 key=$2 field=$3 sender=$4
	assert_eq "$(basename "$doc"): end.$key.bytes = sum of streams" \
		"$(json_get "$doc" ".end.$key.bytes")" \
		"$(stream_sum "$doc" "$field" "$sender")"
}

many_case fwd 1000 -P 1000 -n 1000M
c=$E2E_TMP/fwd.client.json s=$E2E_TMP/fwd.server.json
assert_eq "fwd: exactly -n sent" "$(json_get "$c" .end.sum_sent.bytes)" \
	1048576000
sum_matches "$c" sum_sent sender true
sum_matches "$s" sum_received receiver false
assert_eq "fwd: received on both ends" \
	"$(json_get "$c" .end.sum_received.bytes)" \
	"$(json_get "$s" .end.sum_received.bytes)"

many_case rev 1000 -P 1000 -t 2 -R
c=$E2E_TMP/rev.client.json s=$E2E_TMP/rev.server.json
sum_matches "$c" sum_received receiver false
sum_matches "$s" sum_sent sender true
assert_int_cmp "rev: every stream received data" \
	"$(jq '[.end.streams[].receiver.bytes | select(. > 0)] | length' "$c")" \
	-eq 1000

many_case bidir 2000 -P 1000 -t 2 --bidir
c=$E2E_TMP/bidir.client.json s=$E2E_TMP/bidir.server.json
sum_matches "$c" sum_sent sender true
sum_matches "$c" sum_received_bidir_reverse receiver false
sum_matches "$s" sum_received receiver false
sum_matches "$s" sum_sent_bidir_reverse sender true

many_case udp 1000 -u -P 1000 -b 100K -t 2 -l 1000
c=$E2E_TMP/udp.client.json s=$E2E_TMP/udp.server.json
sum_matches "$c" sum_sent udp true
assert_eq "udp: packets = sum of streams" \
	"$(json_get "$c" .end.sum_sent.packets)" \
	"$(jq '[.end.streams[].udp.packets] | add' "$c")"
assert_int_cmp "udp: every stream sent" \
	"$(jq '[.end.streams[].udp.packets | select(. > 0)] | length' "$c")" \
	-eq 1000
# A UDP server's per-stream bytes are 0 in its own document (as iperf3's).
assert_eq "udp: received on both ends" \
	"$(json_get "$c" .end.sum_received.bytes)" \
	"$(json_get "$s" .end.sum_received.bytes)"

# Human output: one [SUM] line per interval and in the summary.
port=$(free_port)
start_server "$EVPERF" -s -1 -p "$port"
wait_port "$port" "$SERVER_PID"
rc=0
run_to 60 "$EVPERF" -c 127.0.0.1 -p "$port" -P 300 -t 2 \
	>"$E2E_TMP/human.out" 2>&1 || rc=$?
assert_exit "human: client" "$rc" 0
assert_int_cmp "human: [SUM] interval lines" \
	"$(grep -c '^\[SUM\].* sec .*/sec *[0-9]* *$' "$E2E_TMP/human.out" || true)" -ge 2
assert_int_cmp "human: [SUM] summary lines" \
	"$(grep -cE '^\[SUM\].*(sender|receiver)$' "$E2E_TMP/human.out" || true)" -eq 2
wait_exit "$SERVER_PID" 30
assert_exit "human: server" "$EXIT_RC" 0
log ok
