#!/usr/bin/env bash
# Accuracy and cost of the latency probes (--latency, issue 15 item 5).
# Two network namespaces of this script's own joined by a veth pair
# (test/tools/vethpair.sh: 198.18.0.1 in A, the client; 198.18.0.2 in B,
# the server; bbr), a tbf qdisc on the side that sends the bulk data (vA
# forward, vB with -R) at --rate with a byte limit per --limits, so a full
# queue holds limit*8/rate seconds.
#
#   accuracy: ping's RTT over the bare veth; then per limit, direction
#     (forward, -R), bulk (TCP bbr, TCP cubic, UDP at 1.5 times the rate
#     with -w 4M: the default socket buffer holds only ~10 ms of a local
#     queue) and probe rate (--probes), one -J test with
#     --latency=RATE while `tc -s -j qdisc show` samples
#     the shaped device's backlog every 20 ms. Per run: the evperf idle
#     baseline, the loaded min/median/p90/p99/max, the queue's delay from
#     the sampled backlog (median of the samples 1.5 s after the start
#     until the end, *8/rate), the delay the limit implies, the bulk rate.
#     Then "bg-udp": a second evperf pair floods the queue with UDP while
#     a light test (TCP -b 1M) runs, so its idle baseline meets a known
#     delay (tbf alone adds none to an idle path).
#   cost: bulk TCP throughput (client end.sum_received) with and without
#     --latency=1000, -P 1 and -P 4, on loopback (inside B) and over the
#     shaped veth (first limit), the two orders alternating per round;
#     per case the median and range of the with/without ratios (and, on
#     loopback, of Gbit per CPU-second of both ends); then the probes' own
#     CPU: a light loopback test (-b 1M) with and without --latency=1000,
#     both ends' user+sys seconds and wake-ups, CPU microseconds per probe.
#
#   bench/latency.sh [--rounds N] [--time S] [--rate 100mbit]
#                    [--limits 125000,625000] [--probes 10,100,1000]
#                    [--cost-rounds N] [--cost-time S] [--only accuracy|cost]
#                    [--cost-where lo,tbf] [--pin] [--router] [--evperf PATH]
#                    [--keep]
#
# --pin runs the cost tests' client on CPU 0 and server on CPU 1 (taskset).
# --router puts a third namespace R between A and B (A 198.18.0.1 - R -
# B 198.18.0.6) and the tbf on R's egress toward the bulk receiver: a
# router's queue, which the sending sockets are not charged for.
#
# Needs root (ip netns, tc); removes its namespaces on exit; every
# process is started under timeout and killed by PID.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
EVPERF=$ROOT/build/evperf
ROUNDS=3 TIME=6 RATE=100mbit LIMITS=125000,625000 PROBES=10,100,1000
CROUNDS=6 CTIME=5 ONLY='' KEEP=0 WHERE=lo,tbf PIN=0 ROUTER=0
usage() {
	echo "usage: $0 [--rounds N] [--time S] [--rate R] [--limits B,B]" \
		"[--probes N,N] [--cost-rounds N] [--cost-time S]" \
		"[--only accuracy|cost] [--cost-where lo,tbf] [--pin] [--router]" \
		"[--evperf P] [--keep]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2 && shift ;;
	--time) TIME=$2 && shift ;;
	--rate) RATE=$2 && shift ;;
	--limits) LIMITS=$2 && shift ;;
	--probes) PROBES=$2 && shift ;;
	--cost-rounds) CROUNDS=$2 && shift ;;
	--cost-time) CTIME=$2 && shift ;;
	--only) ONLY=$2 && shift ;;
	--cost-where) WHERE=$2 && shift ;;
	--pin) PIN=1 ;;
	--router) ROUTER=1 ;;
	--evperf) EVPERF=$2 && shift ;;
	--keep) KEEP=1 ;;
	*) usage ;;
	esac
	shift
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $CROUNDS =~ ^[1-9][0-9]*$ ]] || usage
[[ $TIME =~ ^[1-9][0-9]*$ && $CTIME =~ ^[1-9][0-9]*$ ]] || usage
[[ $RATE =~ ^[1-9][0-9]*mbit$ ]] || { echo "--rate: Nmbit" >&2 && exit 2; }
[[ $LIMITS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || usage
[[ $PROBES =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || usage
[[ -z $ONLY || $ONLY = accuracy || $ONLY = cost ]] || usage
[ "$(id -u)" = 0 ] || { echo "latency.sh: needs root (ip netns, tc)" >&2 && exit 1; }
for c in jq tc timeout /usr/bin/time; do
	command -v "$c" >/dev/null || { echo "latency.sh: $c is required" >&2 && exit 1; }
done
[ -x "$EVPERF" ] || { echo "latency.sh: $EVPERF is not executable" >&2 && exit 1; }
if ! command -v ping >/dev/null; then
	echo "latency.sh: installing iputils-ping" >&2
	DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y \
		--no-install-recommends iputils-ping >&2 || true
fi
MBIT=${RATE%mbit}

A=evperf-lat-a-$$ B=evperf-lat-b-$$ R=evperf-lat-r-$$
WORK=$(mktemp -d /tmp/evperf-lat.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	sleep 0.5
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	ip netns del "$R" 2>/dev/null || true
	if [ "$KEEP" = 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=../test/tools/vethpair.sh
. "$ROOT/test/tools/vethpair.sh"
ip netns add "$A"
# SRV: the server's address; FNS/FDEV and RNS/RDEV: where the tbf goes
# for forward and -R bulk.
if [ "$ROUTER" = 1 ]; then
	vethpair "$A" "$R"
	ip netns add "$B"
	ip link add rA netns "$R" type veth peer name rB netns "$B"
	ip -n "$R" addr add 198.18.0.5/30 dev rA
	ip -n "$B" addr add 198.18.0.6/30 dev rB
	ip -n "$B" link set lo up
	ip -n "$R" link set rA up
	ip -n "$B" link set rB up
	ip -n "$A" route add 198.18.0.4/30 via 198.18.0.2
	ip -n "$B" route add 198.18.0.0/30 via 198.18.0.5
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$B" sysctl -qw net.ipv4.tcp_congestion_control=bbr || true
	SRV=198.18.0.6 FNS=$R FDEV=rA RNS=$R RDEV=vB
else
	vethpair "$A" "$B"
	SRV=198.18.0.2 FNS=$A FDEV=vA RNS=$B RDEV=vB
fi

# forget PID: reaped; its number may be reused.
forget() {
	local keep=() p
	for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

# stop PID: TERM, a bounded wait, KILL; reaped.
stop() {
	local i
	kill -TERM "$1" 2>/dev/null || true
	for ((i = 0; i < 30; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	forget "$1"
}

# listening NS PORT: PORT listens in NS (~5 s).
listening() {
	local i out
	for ((i = 0; i < 50; i++)); do
		out=$(ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null || true)
		[ -n "$out" ] && return 0
		sleep 0.1
	done
	return 1
}

# server NS PORT OUT: a one-off evperf server; sets SPID.
server() {
	ip netns exec "$1" timeout -k 5 $((TIME + CTIME + 60)) "$EVPERF" -s -1 \
		-p "$2" >"$3" 2>&1 &
	SPID=$!
	PIDS+=("$SPID")
	listening "$1" "$2" || { echo "server on $1:$2 did not start" >&2 && return 1; }
}

# finish PID: wait (bounded) for a one-off server to end after its test.
finish() {
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	stop "$1"
}

# shape NS DEV LIMIT / unshape: the tbf on the bulk sender's side.
shape() {
	ip netns exec "$1" tc qdisc replace dev "$2" root tbf rate "$RATE" \
		burst 32kbit limit "$3"
}
unshape() {
	ip netns exec "$FNS" tc qdisc del dev "$FDEV" root 2>/dev/null || true
	ip netns exec "$RNS" tc qdisc del dev "$RDEV" root 2>/dev/null || true
}

# sampler NS DEV OUT: "epoch backlog-bytes" every 20 ms; sets QPID.
sampler() {
	ip netns exec "$1" timeout $((TIME + 60)) bash -c '
		while :; do
			j=$(tc -s -j qdisc show dev "$1" root)
			b=${j#*\"backlog\":}
			echo "$EPOCHREALTIME ${b%%[,\}]*}"
			sleep 0.02
		done' sampler "$2" >"$3" &
	QPID=$!
	PIDS+=("$QPID")
}

# backlog_ms FILE FROM TO: the median and the p90 of the backlog sampled
# in [FROM, TO], as ms at the rate ("MEDIAN P90", or "- -").
backlog_ms() {
	awk -v f="$2" -v t="$3" '$1 >= f && $1 <= t { print $2 }' "$1" | sort -n |
		awk -v m="$MBIT" '{ v[n++] = $1 } END { if (!n) { print "- -"; exit }
		printf "%.2f %.2f\n", v[int((n - 1) / 2)] * 8 / (m * 1e3),
			v[int((n - 1) * 0.9)] * 8 / (m * 1e3) }'
}

# retrans NS: TCP segments retransmitted so far in NS (/proc/net/snmp).
retrans() {
	ip netns exec "$1" awk '$1 == "Tcp:" { if (!h) { for (i = 2; i <= NF; i++)
		if ($i == "RetransSegs") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# median: of the numbers on stdin ("-" if none).
median() {
	sort -g | awk '{ v[n++] = $1 } END { if (!n) print "-";
		else if (n % 2) print v[(n - 1) / 2];
		else printf "%.4g\n", (v[n / 2 - 1] + v[n / 2]) / 2 }'
}

# accuracy LIMIT DIR BULK PROBES ROUND: one shaped test; appends a row to
# $ROWS (its third column "BULK:PROBES").
accuracy() {
	local limit=$1 dir=$2 bulk=$3 pr=$4 r=$5 w ns dev sns t0 t1 args=() kq rx
	w=$WORK/acc-$limit-$dir-$bulk-$pr-$r
	ns=$FNS dev=$FDEV sns=$A
	[ "$dir" = rev ] && ns=$RNS dev=$RDEV sns=$B && args+=(-R)
	case $bulk in
	tcp) ;;
	cubic) args+=(-C cubic) ;;
	udp) args+=(-u -b $((MBIT * 3 / 2))M -w 4M) ;;
	esac
	unshape
	shape "$ns" "$dev" "$limit"
	server "$B" 5201 "$w.s.txt" || return 0
	sampler "$ns" "$dev" "$w.q"
	rx=$(retrans "$sns")
	t0=$EPOCHREALTIME
	ip netns exec "$A" timeout -k 5 $((TIME + 30)) "$EVPERF" -c "$SRV" \
		-p 5201 -t "$TIME" -J --latency="$pr" "${args[@]}" \
		>"$w.json" 2>"$w.err" || true
	t1=$EPOCHREALTIME
	rx=$(($(retrans "$sns") - rx))
	stop "$QPID"
	finish "$SPID"
	kq=$(backlog_ms "$w.q" "$(awk -v a="$t0" 'BEGIN { printf "%.6f", a + 1.5 }')" \
		"$(awk -v a="$t0" -v b="$TIME" -v c="$t1" \
			'BEGIN { e = a + b; if (c < e) e = c; printf "%.6f", e }')")
	jq -r --arg l "$limit" --arg d "$dir" --arg b "$bulk:$pr" --arg r "$r" \
		--arg kq "${kq% *}" --arg k9 "${kq#* }" --arg rx "$rx" --argjson im "$(awk -v l="$limit" -v m="$MBIT" \
			'BEGIN { printf "%.2f", l * 8 / (m * 1e3) }')" '
		if .error then [$l, $d, $b, $r, "FAILED: " + .error] | @tsv
		else .end.latency as $L |
		[$l, $d, $b, $r, $im, $kq, $L.idle.median_ms, $L.loaded.min_ms,
		 $L.loaded.median_ms, $L.loaded.p90_ms, $L.loaded.p99_ms,
		 $L.loaded.max_ms, $L.loaded.count, $L.skipped,
		 (.end.sum_received.bits_per_second / 1e6 * 10 | round / 10), $rx, $k9]
		| @tsv end' "$w.json" 2>/dev/null >>"$ROWS" ||
		printf '%s\t%s\t%s\t%s\tFAILED: %s\n' "$limit" "$dir" "$bulk:$pr" "$r" \
			"$(head -c 200 "$w.err" | tr '\n' ' ')" >>"$ROWS"
	tail -n 1 "$ROWS" | row
}

# bg LIMIT PROBES ROUND: UDP floods the forward queue from a second pair
# while a light TCP test measures; its idle baseline sees the full queue.
bg() {
	local limit=$1 pr=$2 r=$3 w bpid spid2 t0 t1 kq rx
	w=$WORK/bg-$limit-$pr-$r
	unshape
	shape "$FNS" "$FDEV" "$limit"
	server "$B" 5202 "$w.bs.txt" || return 0
	spid2=$SPID
	ip netns exec "$A" timeout -k 5 $((TIME + 30)) "$EVPERF" -c "$SRV" \
		-p 5202 -u -b $((MBIT * 3 / 2))M -w 4M -t $((TIME + 3)) \
		>"$w.b.txt" 2>&1 &
	bpid=$!
	PIDS+=("$bpid")
	server "$B" 5201 "$w.s.txt" || return 0
	sampler "$FNS" "$FDEV" "$w.q"
	sleep 1.5
	rx=$(retrans "$A")
	t0=$EPOCHREALTIME
	ip netns exec "$A" timeout -k 5 $((TIME + 30)) "$EVPERF" -c "$SRV" \
		-p 5201 -t "$TIME" -b 1M -J --latency="$pr" \
		>"$w.json" 2>"$w.err" || true
	t1=$EPOCHREALTIME
	stop "$QPID"
	finish "$SPID"
	rx=$(($(retrans "$A") - rx))
	stop "$bpid"
	finish "$spid2"
	kq=$(backlog_ms "$w.q" "$t0" "$t1")
	jq -r --arg l "$limit" --arg r "$r" --arg kq "${kq% *}" --arg k9 "${kq#* }" \
		--arg rx "$rx" --arg b "bg-udp:$pr" \
		--argjson im "$(awk -v l="$limit" -v m="$MBIT" \
			'BEGIN { printf "%.2f", l * 8 / (m * 1e3) }')" '
		if .error then [$l, "fwd", $b, $r, "FAILED: " + .error] | @tsv
		else .end.latency as $L |
		[$l, "fwd", $b, $r, $im, $kq, $L.idle.median_ms, $L.loaded.min_ms,
		 $L.loaded.median_ms, $L.loaded.p90_ms, $L.loaded.p99_ms,
		 $L.loaded.max_ms, $L.loaded.count, $L.skipped,
		 (.end.sum_received.bits_per_second / 1e6 * 10 | round / 10), $rx, $k9]
		| @tsv end' "$w.json" 2>/dev/null >>"$ROWS" ||
		printf '%s\tfwd\tbg-udp:%s\t%s\tFAILED\n' "$limit" "$pr" "$r" >>"$ROWS"
	tail -n 1 "$ROWS" | row
}

row() {
	awk -F'\t' 'NF < 17 { print; next }
		{ printf "%-7s %-3s %-11s %2s %7s %7s %7s %8s | %7s %7s %7s %7s %7s %5s %4s %7s %5s\n",
		$1, $2, $3, $4, $5, $6, $17, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 }'
}

# cost WHERE P LAT TAG: one bulk TCP test, both ends under GNU time; sets
# CV to the received Mbit/s and, on loopback, CE to Gbit per CPU-second
# (both ends' user+sys).
cost() {
	local where=$1 p=$2 lat=$3 w=$WORK/cost-$4 host=$SRV cns=$A args=()
	[ "$where" = lo ] && host=127.0.0.1 cns=$B
	[ "$lat" = 1 ] && args+=(--latency=1000)
	CV=- CE=-
	ip netns exec "$B" timeout -k 5 $((CTIME + 60)) /usr/bin/time -v \
		-o "$w.s.time" "${PINS[@]}" "$EVPERF" -s -1 -p 5201 >"$w.s.txt" 2>&1 &
	SPID=$!
	PIDS+=("$SPID")
	listening "$B" 5201 || { echo "server did not start" >&2 && return 0; }
	ip netns exec "$cns" timeout -k 5 $((CTIME + 30)) /usr/bin/time -v \
		-o "$w.c.time" "${PINC[@]}" "$EVPERF" -c "$host" -p 5201 -t "$CTIME" -P "$p" -J \
		"${args[@]}" >"$w.json" 2>"$w.err" || true
	finish "$SPID"
	CV=$(jq -r 'if .error then "-" else
		(.end.sum_received.bits_per_second / 1e6 * 10 | round / 10) end' \
		"$w.json" 2>/dev/null || echo -)
	# At 100 Mbit/s a run takes a few ms of CPU: under time's 10 ms grain.
	[ "$CV" = - ] || [ "$where" != lo ] && return 0
	CE=$(awk -v b="$(jq -r .end.sum_received.bytes "$w.json")" \
		-v c="$(cpu_s "$w.c.time")" -v s="$(cpu_s "$w.s.time")" \
		'BEGIN { t = c + s; if (t > 0) printf "%.3f", b * 8 / 1e9 / t; else print "-" }')
}

# sel LIMIT DIR BULK COLUMN: the median of a column of the accuracy rows.
sel() {
	awk -F'\t' -v l="$1" -v d="$2" -v b="$3" -v c="$4" \
		'NF >= 17 && $1 == l && $2 == d && $3 == b && $6 != "-" { print $c }' \
		"$ROWS" | median
}

ROWS=$WORK/rows.tsv
: >"$ROWS"
IFS=, read -r -a limits <<<"$LIMITS"
IFS=, read -r -a prates <<<"$PROBES"

if [ "$ONLY" != cost ]; then
	unshape
	if command -v ping >/dev/null; then
		out=$(ip netns exec "$A" ping -q -c 20 -i 0.05 "$SRV" 2>&1 || true)
		echo "veth RTT, ping -c 20 (no qdisc): $(grep rtt <<<"$out" || echo "$out")"
		shape "$FNS" "$FDEV" "${limits[0]}"
		out=$(ip netns exec "$A" ping -q -c 20 -i 0.05 "$SRV" 2>&1 || true)
		echo "veth RTT, ping -c 20 (idle tbf): $(grep rtt <<<"$out" || echo "$out")"
		unshape
	fi
	echo
	where="the bulk sender's side"
	[ "$ROUTER" = 1 ] && where="R's egress toward the bulk receiver"
	echo "tbf $RATE burst 32kbit on $where; --latency=$PROBES, -t $TIME"
	echo "(q = limit*8/rate; kq = sampled backlog*8/rate; rtx = TCP segments"
	echo " retransmitted in the shaped namespace: with UDP bulk, the probe's)"
	printf '%-7s %-3s %-11s %2s %7s %7s %7s %8s | %7s %7s %7s %7s %7s %5s %4s %7s %5s\n' \
		limit dir bulk:probes r "q ms" "kq ms" "kq p90" "idle" min median p90 p99 max n skip Mbit/s rtx
	for ((r = 1; r <= ROUNDS; r++)); do
		for limit in "${limits[@]}"; do
			for dir in fwd rev; do
				for bulk in tcp cubic udp; do
					for pr in "${prates[@]}"; do
						accuracy "$limit" "$dir" "$bulk" "$pr" "$r"
					done
				done
			done
			for pr in "${prates[@]}"; do bg "$limit" "$pr" "$r"; done
		done
	done
	unshape
	echo
	echo "medians over $ROUNDS rounds (ms); q = limit*8/rate, kq = sampled backlog*8/rate"
	printf '%-7s %-3s %-11s %7s %7s %7s %7s | %7s %7s %7s %7s %9s\n' limit dir \
		bulk:probes "q" "kq" "kq p90" idle median p90 p99 "kq+idle" "med/(kq+i)"
	for limit in "${limits[@]}"; do
		for dir in fwd rev; do
			for bulk in tcp cubic udp bg-udp; do
				[ "$bulk" = bg-udp ] && [ "$dir" = rev ] && continue
				for pr in "${prates[@]}"; do
					set -- "$limit" "$dir" "$bulk:$pr"
					q=$(sel "$@" 5) kq=$(sel "$@" 6) k9=$(sel "$@" 17) idle=$(sel "$@" 7)
					med=$(sel "$@" 9) p90=$(sel "$@" 10) p99=$(sel "$@" 11)
					awk -v l="$limit" -v d="$dir" -v b="$bulk:$pr" -v q="$q" -v kq="$kq" \
						-v i="$idle" -v m="$med" -v p9="$p90" -v p99="$p99" -v k9="$k9" \
						'BEGIN { e = (kq == "-" || i == "-") ? "-" : kq + i;
						if (b ~ /^bg-udp/) e = kq;
						rt = (e == "-" || e == 0 || m == "-") ? "-" : sprintf("%.2f", m / e);
						printf "%-7s %-3s %-11s %7s %7s %7s %7s | %7s %7s %7s %7s %9s\n",
							l, d, b, q, kq, k9, i, m, p9, p99, e, rt }'
				done
			done
		done
	done
	echo "(bg-udp: a light test while UDP from another pair fills the queue:"
	echo " its idle baseline and its median both compare with kq alone)"
fi

# probecpu LAT TAG: a light loopback test (TCP -b 1M, 2 x --cost-time s)
# with --latency=1000 (LAT 1) or without; sets PC to "client-CPU-s
# server-CPU-s client-wakeups server-wakeups probes".
probecpu() {
	local w=$WORK/pcpu-$2 args=() t=$((CTIME * 2))
	[ "$1" = 1 ] && args+=(--latency=1000)
	PC=-
	ip netns exec "$B" timeout -k 5 $((t + 60)) /usr/bin/time -v \
		-o "$w.s.time" "$EVPERF" -s -1 -p 5201 >"$w.s.txt" 2>&1 &
	SPID=$!
	PIDS+=("$SPID")
	listening "$B" 5201 || { echo "server did not start" >&2 && return 0; }
	ip netns exec "$B" timeout -k 5 $((t + 30)) /usr/bin/time -v \
		-o "$w.c.time" "$EVPERF" -c 127.0.0.1 -p 5201 -t "$t" -b 1M -J \
		"${args[@]}" >"$w.json" 2>"$w.err" || true
	finish "$SPID"
	PC="$(cpu_s "$w.c.time") $(cpu_s "$w.s.time")"
	PC="$PC $(time_field "$w.c.time" 'Voluntary context switches')"
	PC="$PC $(time_field "$w.s.time" 'Voluntary context switches')"
	PC="$PC $(jq -r '(.end.latency.loaded.count // 0) + (.end.latency.idle.count // 0)' \
		"$w.json" 2>/dev/null || echo 0)"
}

# ratios FILE WHERE P COLUMN LABEL: median and range of a ratio column.
ratios() {
	awk -F'\t' -v w="$2" -v p="$3" -v c="$4" '$1 == w && $2 == p && $c != "-" { print $c }' \
		"$1" | sort -g | awk -v w="$2" -v p="$3" -v l="$5" '{ v[n++] = $1 }
		END { if (!n) { printf "%-4s %2s  %s: no runs\n", w, p, l; exit }
		m = (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		printf "%-4s %2s  %s with/without: median %.4f, range %.4f-%.4f (%d rounds)\n",
			w, p, l, m, v[0], v[n - 1], n }'
}

if [ "$ONLY" != accuracy ]; then
	echo
	echo "cost: TCP bulk with --latency=1000 and without, -t $CTIME, $CROUNDS rounds;" \
		"tbf: $RATE, limit ${limits[0]}"
	printf '%-4s %2s %5s %10s %10s %8s | %8s %8s %8s\n' where P round \
		"Mb/s off" "Mb/s on" ratio "Gb/CPUs" "on" ratio
	CROWS=$WORK/cost.tsv
	: >"$CROWS"
	PINC=() PINS=()
	[ "$PIN" = 1 ] && PINC=(taskset -c 0) PINS=(taskset -c 1)
	IFS=, read -r -a wheres <<<"$WHERE"
	for where in "${wheres[@]}"; do
		unshape
		[ "$where" = tbf ] && shape "$FNS" "$FDEV" "${limits[0]}"
		for p in 1 4; do
			for ((r = 1; r <= CROUNDS; r++)); do
				if ((r % 2)); then
					cost "$where" "$p" 0 "$where-$p-$r-0" && off=$CV eoff=$CE
					cost "$where" "$p" 1 "$where-$p-$r-1" && on=$CV eon=$CE
				else
					cost "$where" "$p" 1 "$where-$p-$r-1" && on=$CV eon=$CE
					cost "$where" "$p" 0 "$where-$p-$r-0" && off=$CV eoff=$CE
				fi
				div() { awk -v a="$1" -v b="$2" 'BEGIN {
					if (a == "-" || b == "-" || b == 0) print "-";
					else printf "%.4f", a / b }'; }
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$where" "$p" "$r" \
					"$off" "$on" "$(div "$on" "$off")" "$eoff" "$eon" \
					"$(div "$eon" "$eoff")" >>"$CROWS"
				tail -n 1 "$CROWS" | awk -F'\t' '{ printf "%-4s %2s %5s %10s %10s %8s | %8s %8s %8s\n",
					$1, $2, $3, $4, $5, $6, $7, $8, $9 }'
			done
			ratios "$CROWS" "$where" "$p" 6 "throughput"
			[ "$where" = lo ] && ratios "$CROWS" "$where" "$p" 9 "Gbit/CPU-s"
		done
	done
	unshape
	echo
	echo "probe CPU: loopback TCP -b 1M, -t $((CTIME * 2)), --latency=1000 and without;" \
		"user+sys s and voluntary context switches"
	printf '%5s %8s %8s %8s %8s %7s %7s %7s %7s %7s %9s\n' round "cli off" "srv off" \
		"cli on" "srv on" "cs c-0" "cs s-0" "cs c-1" "cs s-1" probes "us/probe"
	for ((r = 1; r <= 3; r++)); do
		probecpu 0 "$r-0" && off=$PC
		probecpu 1 "$r-1" && on=$PC
		# shellcheck disable=SC2086
		set -- $off $on
		[ $# = 10 ] || { echo "$r: failed" && continue; }
		awk -v r="$r" -v a="$1" -v b="$2" -v c="$3" -v d="$4" -v e="$6" -v f="$7" \
			-v g="$8" -v h="$9" -v n="${10}" 'BEGIN {
			printf "%5s %8s %8s %8s %8s %7s %7s %7s %7s %7s %9s\n", r, a, b, e, f,
				c, d, g, h, n, (n > 0 ? sprintf("%.1f", (e + f - a - b) * 1e6 / n) : "-") }'
	done
fi
