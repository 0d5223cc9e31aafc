#!/usr/bin/env bash
# Reported numbers against the kernel's count (issue 14): two network
# namespaces of this script's own joined by a veth pair, a tbf qdisc on
# the sender's side (100 Mbit/s and 1 Gbit/s), bbr, a receiving server and
# test/tools/kcount.py timing every frame the receiving veth takes in (the
# kernel's own stamps: an ftrace instance on net:netif_receive_skb;
# --sample instead reads the veth's counters every 250 us). For evperf
# and iperf3 (same link, interleaved), per round: the worst 1 s receiver
# interval against the kernel's payload over the same window, the end
# total's bits_per_second against the kernel's over the receiver's window,
# the worst interval boundary's distance from k seconds, the shortest
# interval (a phantom tail shows as a few ms) and the interval count.
#
#   bench/truth.sh [--rounds N] [--time S] [--rates 100mbit,1gbit]
#                  [--evperf PATH] [--iperf3 PATH] [--udp RATE] [--sample]
#                  [--keep]
#
# evperf's receiver says when its interval clock starts ("-d": "clock:
# streams start at T s (monotonic)"); iperf3 does not, so its window is
# taken to open at its first data frame (a little late: its clock starts
# a round trip earlier, which flatters its first interval, if anything).
# Needs root (ip netns, tc); removes its namespaces on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
KCOUNT=$ROOT/test/tools/kcount.py
ROUNDS=3 TIME=10 RATES=100mbit,1gbit UDP='' KEEP=0 KMODE=trace
EVPERF=$ROOT/build/evperf IPERF3=/opt/iperf3-3.21/bin/iperf3
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2 && shift ;;
	--time) TIME=$2 && shift ;;
	--rates) RATES=$2 && shift ;;
	--evperf) EVPERF=$2 && shift ;;
	--iperf3) IPERF3=$2 && shift ;;
	--udp) UDP=$2 && shift ;;
	--sample) KMODE=sample ;;
	--keep) KEEP=1 ;;
	*) echo "usage: $0 [--rounds N] [--time S] [--rates R,R] [--evperf P] [--iperf3 P] [--udp RATE] [--sample] [--keep]" >&2 && exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "truth.sh: needs root (ip netns, tc)" >&2 && exit 1; }
if [ "$KMODE" = trace ] && ! [ -d /sys/kernel/tracing/instances ]; then
	echo "truth.sh: no tracefs, sampling the counters instead" >&2
	KMODE=sample
fi

A=evperf-truth-a-$$ B=evperf-truth-b-$$ VA=vta$$ VB=vtb$$
TRACE=evperf-truth-$$ TRACEFS=/sys/kernel/tracing/instances
WORK=$(mktemp -d /tmp/evperf-truth.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	if [ -d "$TRACEFS/$TRACE" ]; then
		echo 0 >"$TRACEFS/$TRACE/events/net/netif_receive_skb/enable" || true
		rmdir "$TRACEFS/$TRACE" || true
	fi
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	[ "$KEEP" = 1 ] && echo "kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=../test/tools/vethpair.sh
. "$ROOT/test/tools/vethpair.sh"
ip netns add "$A"
vethpair "$A" "$B" "$VA" "$VB"

# shape RATE: tbf on the sender's veth (a burst of 1 ms at RATE, 64 KiB
# at least; 50 ms of queue).
shape() {
	local burst=64kb
	[ "$1" = 1gbit ] && burst=256kb
	ip netns exec "$A" tc qdisc replace dev "$VA" root tbf rate "$1" \
		burst "$burst" latency 50ms
}

# run TOOL RATE ROUND: one test; prints the comparison's JSON line.
run() {
	local tool=$1 rate=$2 bin start hdr=66 sp kp w args=()
	w=$WORK/$tool-$rate-$3
	mkdir -p "$w"
	bin=$EVPERF
	[ "$tool" = iperf3 ] && bin=$IPERF3
	[ -n "$UDP" ] && args=(-u -b "$UDP") && hdr=42
	# The tracer runs in this namespace (perf -a sees them all); the
	# sampler reads the counters in the receiver's.
	if [ "$KMODE" = trace ]; then
		python3 "$KCOUNT" trace "$VB" "$w/k.txt" --instance "$TRACE" &
	else
		ip netns exec "$B" python3 "$KCOUNT" sample "$VB" "$w/k.txt" &
	fi
	kp=$!
	PIDS+=("$kp")
	for _ in $(seq 100); do
		[ -e "$w/k.txt.ready" ] && break
		sleep 0.05
	done
	if [ "$tool" = evperf ]; then
		ip netns exec "$B" "$bin" -s -1 -J -d >"$w/s.json" 2>"$w/s.err" &
	else
		ip netns exec "$B" "$bin" -s -1 -J >"$w/s.json" 2>"$w/s.err" &
	fi
	sp=$!
	PIDS+=("$sp")
	for _ in $(seq 50); do
		[ -n "$(ip netns exec "$B" ss -Hltn 'sport = :5201')" ] && break
		sleep 0.1
	done
	ip netns exec "$A" timeout $((TIME + 30)) "$bin" -c 198.18.0.2 \
		-t "$TIME" -J "${args[@]}" >"$w/c.json" 2>"$w/c.err" || true
	timeout 30 tail --pid="$sp" -f /dev/null || kill -9 "$sp"
	sleep 0.2
	kill "$kp" && wait "$kp" || true
	start=$(sed -n 's/.*streams start at \([0-9.]*\) s.*/\1/p' "$w/s.err" | head -n 1)
	python3 "$KCOUNT" compare "$w/k.txt" "$w/s.json" "$hdr" "${start:-auto}" \
		>"$w/cmp.json" || { echo '{}' && return; }
	jq -c --slurpfile d "$w/s.json" '{worst: (.worst_pct * 1e4 | round / 1e4), endp: .end.err_pct,
		bound: .worst_bound_ms,
		short: ([$d[0].intervals[].sum.seconds] | min * 1000 | round),
		n: ($d[0].intervals | length),
		bps: .end.bits_per_second}' "$w/cmp.json"
}

printf '%-7s %-7s %5s %12s %12s %10s %9s %4s %12s\n' tool rate round \
	"worst iv %" "end bps %" "bound ms" "short ms" n "Mbit/s"
IFS=, read -r -a rates <<<"$RATES"
for rate in "${rates[@]}"; do
	shape "$rate"
	for ((r = 1; r <= ROUNDS; r++)); do
		for tool in evperf iperf3; do
			line=$(run "$tool" "$rate" "$r")
			jq -r --arg t "$tool" --arg r "$rate" --arg n "$r" \
				'[$t, $r, $n, .worst, .endp, .bound, .short, .n,
				(.bps / 1e6 * 100 | round / 100)] | @tsv' <<<"$line" |
				awk -F'\t' '{ printf "%-7s %-7s %5s %12s %12s %10.3f %9s %4s %12s\n",
					$1, $2, $3, $4, $5, $6, $7, $8, $9 }'
		done
	done
done
