#!/usr/bin/env bash
# Reported numbers against the kernel's own count (issue 14; the
# benchmark with tighter bounds is bench/truth.sh). Two namespaces of the
# test's own joined by a veth pair, tbf at 100 Mbit/s on the sender's
# side, bbr; test/tools/kcount.py records the kernel's time of every
# frame the receiving veth takes in (an ftrace instance; where tracefs has
# no instances, it samples the veth's counters instead) and holds the
# server's -J document against them over the same windows (the server's
# "-d" line says when its interval clock starts).
#   TCP -t 4: 4 intervals, none a phantom; every interval within 1 % of
#   the kernel's payload over the same window (sampling: where the sampler
#   kept up, samples at most 2 ms apart around both bounds; at least 2), and
#   the end total's bits_per_second within 0.2 % (CI bounds; the benchmark
#   holds 0.2 % and 0.05 %). The client's sender intervals (what left the
#   send buffer) within 2 % of the server's.
#   UDP -b 40M -t 4 with an iptables rule dropping 1 % of the datagrams
#   at random on the receiver's INPUT: the datagrams lost in gaps of the
#   sequence (lost_packets) and after the last one received (a tail drop,
#   which no sequence number reveals) are the rule's count, exactly.
# Skipped (77) without root / ip netns.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd tc iptables
KCOUNT=$EVPERF_TEST_DIR/tools/kcount.py
A=evperf-kt-a-$$ B=evperf-kt-b-$$ VA=vka$$ VB=vkb$$
TRACE=evperf-kt-$$ TRACEFS=/sys/kernel/tracing/instances KMODE=sample GAPMAX=2
if [ -d "$TRACEFS" ]; then
	KMODE=trace GAPMAX=1e9 # exact stamps: every interval is checked
fi
if [ "$(id -u)" != 0 ] || ! ip netns add "$A" 2>/dev/null; then
	log "SKIP: ip netns is unavailable (needs root)"
	exit 77
fi
KPID=
trap '[ -z "$KPID" ] || kill -9 "$KPID" 2>/dev/null; e2e_cleanup;
	if [ -d "$TRACEFS/$TRACE" ]; then
		echo 0 >"$TRACEFS/$TRACE/events/net/netif_receive_skb/enable" || true
		rmdir "$TRACEFS/$TRACE" || true
	fi
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true' EXIT
# shellcheck source=../tools/vethpair.sh
. "$EVPERF_TEST_DIR/tools/vethpair.sh"
vethpair "$A" "$B" "$VA" "$VB"
ip netns exec "$A" tc qdisc add dev "$VA" root tbf rate 100mbit burst 64kb \
	latency 50ms
# shellcheck disable=SC2034 # read by ns_wait_port (lib.sh)
NS=$B

# measure TAG CLIENT-ARGS...: server in B with -d, kcount on VB, client
# in A; leaves $E2E_TMP/TAG.{json,err,k.txt,c.json}.
measure() {
	local tag=$1 i crc=0 base=$E2E_TMP/$1
	shift
	if [ "$KMODE" = trace ]; then
		python3 "$KCOUNT" trace "$VB" "$base.k.txt" --max-s 60 \
			--instance "$TRACE" &
	else
		ip netns exec "$B" python3 "$KCOUNT" sample "$VB" "$base.k.txt" \
			--max-s 60 &
	fi
	KPID=$!
	for ((i = 0; i < 200; i++)); do
		[ -e "$base.k.txt.ready" ] && break
		sleep 0.05
	done
	[ -e "$base.k.txt.ready" ] || fail "$tag: kcount ($KMODE) did not start"
	start_server ip netns exec "$B" "$EVPERF" -s -1 -J -d
	local spid=$SERVER_PID sout=$SERVER_OUT
	ns_wait_port 5201 "$spid"
	run_to 60 ip netns exec "$A" "$EVPERF" -c 198.18.0.2 -J "$@" \
		>"$base.c.json" 2>"$base.c.err" || crc=$?
	assert_exit "$tag: client" "$crc" 0
	wait_exit "$spid" 20
	assert_exit "$tag: server" "$EXIT_RC" 0
	kill "$KPID"
	wait "$KPID" || true
	KPID=
	cp "$sout" "$base.json"
	cp "$SERVER_ERR" "$base.err" 2>/dev/null || true
	assert_one_json "$base.json"
	assert_one_json "$base.c.json"
}

# TCP: intervals and the end total against the kernel.
measure tcp -t 4
start=$(sed -n 's/.*streams start at \([0-9.]*\) s.*/\1/p' "$E2E_TMP/tcp.err" |
	head -n 1)
[ -n "$start" ] || fail "tcp: no 'streams start' line in the server's -d output"
python3 "$KCOUNT" compare "$E2E_TMP/tcp.k.txt" "$E2E_TMP/tcp.json" 66 "$start" \
	>"$E2E_TMP/tcp.cmp.json"
log "tcp: $(jq -c '{ivs: [.intervals[].err_pct], end: .end.err_pct,
	gaps: [.intervals[].sample_gap_ms]}' "$E2E_TMP/tcp.cmp.json")"
assert_eq "tcp: intervals" "$(json_get "$E2E_TMP/tcp.json" '.intervals | length')" 4
assert_int_cmp "tcp: shortest interval (ms)" \
	"$(jq '[.intervals[].sum.seconds * 1000 | floor] | min' "$E2E_TMP/tcp.json")" -ge 500
checked=$(jq --argjson g "$GAPMAX" '[.intervals[] |
	select(.sample_gap_ms <= $g)] | length' "$E2E_TMP/tcp.cmp.json")
assert_int_cmp "tcp: intervals the sampler kept up with" "$checked" -ge 2
assert_eq "tcp: intervals off the kernel's count by over 1 %" \
	"$(jq -c --argjson g "$GAPMAX" '[.intervals[] |
		select(.sample_gap_ms <= $g) | select(.err_pct | fabs > 1)]' \
		"$E2E_TMP/tcp.cmp.json")" '[]'
assert_eq "tcp: end bits_per_second within 0.2 % of the kernel's" \
	"$(jq '.end.err_pct | fabs <= 0.2' "$E2E_TMP/tcp.cmp.json")" true
# The client's sender intervals count what left its send buffer for the
# network, so each is the server's same interval within 2 % (0.7 % here;
# counting writes, the first one read ~11 % over: the buffer filling).
assert_eq "tcp: sender intervals off the receiver's by over 2 %" \
	"$(jq -n -c --slurpfile c "$E2E_TMP/tcp.c.json" \
		--slurpfile s "$E2E_TMP/tcp.json" '[$c[0].intervals as $ci |
		$s[0].intervals as $si | range(0; $ci | length) as $i |
		[$i, $ci[$i].sum.bytes, $si[$i].sum.bytes] |
		select(((.[1] - .[2]) / .[2] | fabs) > 0.02)]')" '[]'
assert_eq "tcp: sender intervals add up to sum_sent" \
	"$(jq '[.intervals[].sum.bytes] | add' "$E2E_TMP/tcp.c.json")" \
	"$(json_get "$E2E_TMP/tcp.c.json" .end.sum_sent.bytes)"

# UDP: loss is the drop rule's count.
ip netns exec "$B" iptables -A INPUT -i "$VB" -p udp -m statistic \
	--mode random --probability 0.01 -j DROP
measure udp -u -b 40M -t 4
dropped=$(ip netns exec "$B" iptables -L INPUT -v -x -n |
	awk '$3 == "DROP" { print $1 }')
log "udp: the rule dropped $dropped datagrams"
assert_int_cmp "udp: datagrams dropped" "$dropped" -gt 0
# Every datagram the client sent was received, lost in a gap of the
# sequence (lost_packets) or lost after the last one received (the tail:
# no later datagram reveals it, in iperf3 as here): gaps and tail together
# are what the rule dropped. The server's packets count is its highest
# sequence number, the client's sum_sent.packets what it sent.
sent=$(json_get "$E2E_TMP/udp.c.json" .end.sum_sent.packets)
seen=$(json_get "$E2E_TMP/udp.json" .end.sum.packets)
lost=$(json_get "$E2E_TMP/udp.json" .end.sum.lost_packets)
log "udp: sent $sent, highest sequence $seen, lost in gaps $lost"
assert_int_cmp "udp: tail (sent - highest sequence)" "$((sent - seen))" -ge 0
assert_eq "udp: lost in gaps + lost at the tail" "$((lost + sent - seen))" \
	"$dropped"
assert_eq "udp: client's copy of lost_packets" \
	"$(json_get "$E2E_TMP/udp.c.json" .end.sum_received.lost_packets)" "$lost"
assert_int_cmp "udp: shortest interval (ms)" \
	"$(jq '[.intervals[].sum.seconds * 1000 | floor] | min' "$E2E_TMP/udp.json")" -ge 500
log ok
