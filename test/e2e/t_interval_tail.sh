#!/usr/bin/env bash
# No phantom intervals (issue 14, docs/json.md "Intervals"): on a shaped
# link the receiver goes on getting bytes after the sender stopped, and
# used to print that drain as an interval of its own (a 0.2-0.8 s line
# after "2.00-3.00" here, or "3.00-3.00 sec 256 KBytes" on loopback). A
# tbf qdisc (20 Mbit/s) on the loopback (MTU 1500) of a namespace of the
# test's own holds up to a second of data. For TCP (forward, -R, -w 1M,
# --bidir, -n with -P 2) and UDP, in the client's and in the server's -J
# document (evperf <-> evperf): no interval (sum or stream) is shorter
# than half of -i unless it is the only one, and each direction's
# intervals add up to the end total of the side that wrote the document.
# With -t T both documents have T intervals: the drain is not one.
# Skipped (77) without ip netns.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_netns tail
nsx ip link set lo mtu 1500
nsx tc qdisc add dev lo root tbf rate 20mbit burst 64kb latency 2000ms

PORT=5201

# shortest DOC: the shortest interval (sum or stream) in ms, or 1000 if
# the document has a single interval.
shortest() {
	jq '[.intervals as $iv | if ($iv | length) < 2 then 1000 else
		$iv[] | (.sum, .sum_bidir_reverse // empty, .streams[]) |
		.seconds * 1000 | floor end] | min' "$1"
}

# mismatch DOC: the directions whose intervals do not add up to the local
# end total ("sum" or "sum_bidir_reverse"), as a JSON array.
mismatch() {
	jq -c '. as $d | [("sum", "sum_bidir_reverse") as $k |
		select($d.intervals[0][$k] != null) |
		(if $d.intervals[0][$k].sender then "sum_sent" else
			"sum_received" end) as $e |
		($e + (if $k == "sum" then "" else "_bidir_reverse" end)) as $e |
		select(([$d.intervals[][$k].bytes] | add) != $d.end[$e].bytes) |
		{($k): [([$d.intervals[][$k].bytes] | add), $d.end[$e].bytes]}]' "$1"
}

tail_case() { # WANT-INTERVALS (or -) CLIENT-ARGS...
	local want=$1 tag cout=$E2E_TMP/client.json crc=0 doc
	shift
	tag="tail [$*]"
	start_server ip netns exec "$NS" "$EVPERF" -s -1 -p "$PORT" -J
	local spid=$SERVER_PID sout=$SERVER_OUT
	ns_wait_port "$PORT" "$spid"
	run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" \
		-J "$@" >"$cout" 2>"$cout.err" || crc=$?
	assert_exit "$tag: client" "$crc" 0
	wait_exit "$spid" 20
	assert_exit "$tag: server" "$EXIT_RC" 0
	for doc in "$cout" "$sout"; do
		assert_one_json "$doc"
		assert_int_cmp "$tag: $(basename "$doc") shortest interval (ms)" \
			"$(shortest "$doc")" -ge 500
		assert_eq "$tag: $(basename "$doc") intervals against end totals" \
			"$(mismatch "$doc")" "[]"
		[ "$want" = - ] || assert_eq "$tag: $(basename "$doc") intervals" \
			"$(json_get "$doc" '.intervals | length')" "$want"
	done
	log "$tag: ok (server intervals $(jq -c \
		'[.intervals[].sum.seconds * 1000 | round]' "$sout"))"
}

tail_case 3 -t 3
tail_case 3 -t 3 -w 1M
tail_case 3 -R -t 3
tail_case 2 --bidir -t 2
tail_case - -n 5M -P 2
tail_case 3 -u -b 10M -t 3
log ok
