#!/usr/bin/env bash
# --bidir interop with stock iperf3: evperf client -> iperf3 -s -1 (ei) and
# iperf3 client -> evperf -s -1 (ie), at -P 1 and -P 4, in text and -J
# (client and server in the same mode). Against a stock peer there is no
# role flag (docs/protocol.md §4): the evperf client falls back to opening
# each data connection only once the previous cookie has been acknowledged,
# and the evperf server assigns roles by accept order, as iperf3 does. Both
# ends must exit 0 and data must move both ways: in -J, the client's
# sum_received and sum_received_bidir_reverse and every stream's sender and
# receiver bytes are non-zero and there are 2*P streams; in text, the client
# prints [TX-C] and [RX-C] sender and receiver summaries, none of them
# "0.00 Bytes", and "iperf Done.", and the server its [RX-S] receiver and
# [TX-S] sender summaries. Skipped (77) without iperf3.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3

# summaries FILE ROLES: the final summary lines of FILE tagged with one of
# ROLES (a regex alternation: TX-C, TX-C|RX-C ...).
summaries() {
	grep -E "\\[($2)\\].*(sender|receiver) *\$" "$1" || true
}

# bidir_case PAIRING MODE P: one --bidir -t 2 test; MODE is json or text.
bidir_case() {
	local pairing_name=$1 mode=$2 p=$3 port crc=0 jflag=()
	pairing "$pairing_name"
	CASE_N=$((${CASE_N:-0} + 1))
	[ "$mode" = json ] && jflag=(-J)
	local tag="case $CASE_N [$pairing_name, $mode, -P $p]"
	local cout=$E2E_TMP/client$CASE_N.out cerr=$E2E_TMP/client$CASE_N.err
	port=$(free_port)
	log "$tag on port $port"
	start_server "$SERVER_BIN" -s -1 -p "$port" "${jflag[@]}"
	local spid=$SERVER_PID sout=$SERVER_OUT
	wait_port "$port" "$spid"
	run_to 60 "$CLIENT_BIN" -c 127.0.0.1 -p "$port" --bidir -t 2 \
		-P "$p" "${jflag[@]}" >"$cout" 2>"$cerr" || crc=$?
	assert_exit "$tag: client" "$crc" 0
	wait_exit "$spid" 20
	assert_exit "$tag: server" "$EXIT_RC" 0

	if [ "$mode" = json ]; then
		assert_one_json "$cout"
		assert_one_json "$sout"
		assert_int_cmp "$tag: client end.sum_received.bytes" \
			"$(json_get "$cout" .end.sum_received.bytes)" -gt 0
		assert_int_cmp "$tag: client end.sum_received_bidir_reverse.bytes" \
			"$(json_get "$cout" .end.sum_received_bidir_reverse.bytes)" -gt 0
		assert_eq "$tag: client end.streams entries" \
			"$(json_get "$cout" '.end.streams | length')" $((2 * p))
		assert_int_cmp "$tag: client smallest stream sender.bytes" \
			"$(json_get "$cout" '[.end.streams[].sender.bytes] | min')" -gt 0
		assert_int_cmp "$tag: client smallest stream receiver.bytes" \
			"$(json_get "$cout" '[.end.streams[].receiver.bytes] | min')" -gt 0
		# The server measured its own directions: it received on the
		# client's sending streams and sent on the others.
		assert_int_cmp "$tag: server end.sum_received.bytes" \
			"$(json_get "$sout" .end.sum_received.bytes)" -gt 0
		assert_int_cmp "$tag: server end.sum_sent_bidir_reverse.bytes" \
			"$(json_get "$sout" .end.sum_sent_bidir_reverse.bytes)" -gt 0
	else
		local role kind n zero
		assert_contains "$cout" "iperf Done."
		for role in TX-C RX-C; do
			for kind in sender receiver; do
				n=$(summaries "$cout" "$role" | grep -c " $kind *\$" || true)
				# One per stream, plus [SUM] with -P > 1.
				assert_eq "$tag: client [$role] $kind summaries" "$n" \
					$((p > 1 ? p + 1 : 1))
			done
		done
		zero=$(summaries "$cout" 'TX-C|RX-C' | grep -F " 0.00 Bytes" || true)
		[ -z "$zero" ] || fail "$tag: a client summary moved no data: $zero"
		assert_match "$sout" '\[RX-S\].* receiver *$'
		assert_match "$sout" '\[TX-S\].* sender *$'
		zero=$(summaries "$sout" 'TX-S|RX-S' | grep -F " 0.00 Bytes" || true)
		[ -z "$zero" ] || fail "$tag: a server summary moved no data: $zero"
	fi
	log "$tag: ok"
}

for pairing_name in ei ie; do
	for mode in json text; do
		for p in 1 4; do
			bidir_case "$pairing_name" "$mode" "$p"
		done
	done
done
