#!/usr/bin/env bash
# bench/copy.sh: copy avoidance on loopback, evperf against stock iperf3
# with the same flags: plain, -Z (sendfile) and --skip-rx-copy (MSG_TRUNC
# receives), at -P 1 and -P 8, client -J -t 5, one-off servers on
# 127.0.0.1, both processes under GNU time -v, the two tools interleaved
# for N rounds. Figure: Gbit per CPU-second = end.sum_received.bytes x 8
# / 1e9 / (client + server user+sys seconds). Prints every run, then per
# test the medians, evperf/iperf3, and each mode against the same tool's
# plain mode.
#
#   bench/copy.sh                                   # 3 rounds, -t 5
#   bench/copy.sh --rounds 1 --time 2 --iperf3 iperf3
set -euo pipefail

EVPERF=${EVPERF:-$(dirname "$0")/../build/evperf}
IPERF3=/opt/iperf3-3.21/bin/iperf3
ROUNDS=3
SECS=5
while [ $# -gt 0 ]; do
	case $1 in
	--evperf) EVPERF=$2; shift 2 ;;
	--iperf3) IPERF3=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--time) SECS=$2; shift 2 ;;
	*) echo "usage: $0 [--evperf BIN] [--iperf3 BIN] [--rounds N] [--time S]" >&2
		exit 2 ;;
	esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $SECS =~ ^[1-9][0-9]*$ ]] ||
	{ echo "bad --rounds or --time" >&2; exit 2; }
for c in "$EVPERF" "$IPERF3" jq python3 ss timeout /usr/bin/time; do
	command -v "$c" >/dev/null || { echo "copy.sh: $c is required" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/evperf-copy.XXXXXX")
SPID=
cleanup() {
	[ -z "$SPID" ] || kill -TERM "$SPID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# run_one BIN TAG ARGS...: one test; prints "bytes cpu-seconds
# machine-cpu-seconds" or fails.
run_one() {
	local bin=$1 tag=$2 port crc=0 i m0 m1
	shift 2
	port=$(free_port)
	timeout -k 5 $((SECS + 60)) /usr/bin/time -v -o "$WORK/$tag.srv.time" \
		"$bin" -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
	SPID=$!
	wait_port "$port" "$SPID" || return 1
	m0=$(machine_busy)
	timeout -k 5 $((SECS + 60)) /usr/bin/time -v -o "$WORK/$tag.cli.time" \
		"$bin" -c 127.0.0.1 -p "$port" -t "$SECS" -J "$@" \
		>"$WORK/$tag.json" 2>/dev/null || crc=$?
	m1=$(machine_busy)
	for ((i = 0; i < 200; i++)); do
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$SPID" 2>/dev/null || true
	wait "$SPID" 2>/dev/null || true
	SPID=
	((crc == 0)) || return 1
	jq -e '.end.sum_received.bytes > 0' "$WORK/$tag.json" >/dev/null ||
		return 1
	printf '%s %s %s\n' "$(jq '.end.sum_received.bytes' "$WORK/$tag.json")" \
		"$(awk -v a="$(cpu_s "$WORK/$tag.cli.time")" \
			-v b="$(cpu_s "$WORK/$tag.srv.time")" \
			'BEGIN { printf "%.2f", a + b }')" \
		"$(awk -v a="$m0" -v b="$m1" 'BEGIN { printf "%.2f", b - a }')"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]
		else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

RES=$WORK/res.tsv
: >"$RES"
printf '%-7s %-14s %-4s %5s %9s %10s %6s %11s\n' tool mode P round Gbit/s \
	Gbit/CPU-s 'CPU s' Gbit/mCPU-s
for p in 1 8; do
	for mode in plain -Z --skip-rx-copy; do
		args=(-P "$p")
		[ "$mode" = plain ] || args+=("$mode")
		for ((r = 1; r <= ROUNDS; r++)); do
			for tool in evperf iperf3; do
				if [ $tool = evperf ]; then bin=$EVPERF; else bin=$IPERF3; fi
				if ! out=$(run_one "$bin" "$tool.$p.$mode.$r" "${args[@]}"); then
					printf '%-7s %-14s %-4s %5s FAILED\n' $tool "$mode" "$p" "$r"
					continue
				fi
				read -r bytes cpu mcpu <<<"$out"
				awk -v t=$tool -v m="$mode" -v p="$p" -v r="$r" -v b="$bytes" \
					-v c="$cpu" -v mc="$mcpu" -v s="$SECS" 'BEGIN {
					g = b * 8 / 1e9
					printf "%-7s %-14s %-4s %5s %9.1f %10.2f %6.2f %11.2f\n",
						t, m, p, r, g / s, (c > 0 ? g / c : 0), c,
						(mc > 0 ? g / mc : 0)
					printf "%s\t%s\t%s\t%.4f\t%.4f\n", t, m, p,
						(c > 0 ? g / c : 0),
						(mc > 0 ? g / mc : 0) > "/dev/stderr" }' 2>>"$RES"
			done
		done
	done
done

for col in 4 5; do
	echo
	if [ $col = 4 ]; then
		echo "medians, Gbit per CPU-second of the two processes (ratio evperf/iperf3; x = against the tool's plain mode)"
	else
		echo "medians, Gbit per CPU-second of the whole machine (/proc/stat busy time over the run)"
	fi
	printf '%-4s %-14s %8s %8s %8s %10s %10s\n' P mode evperf iperf3 ratio \
		'evperf x' 'iperf3 x'
	for p in 1 8; do
		ep=$(awk -F'\t' -v p="$p" -v c=$col '$1 == "evperf" && $2 == "plain" && $3 == p { print $c }' "$RES" | median)
		ip=$(awk -F'\t' -v p="$p" -v c=$col '$1 == "iperf3" && $2 == "plain" && $3 == p { print $c }' "$RES" | median)
		for mode in plain -Z --skip-rx-copy; do
			e=$(awk -F'\t' -v p="$p" -v m="$mode" -v c=$col '$1 == "evperf" && $2 == m && $3 == p { print $c }' "$RES" | median)
			i=$(awk -F'\t' -v p="$p" -v m="$mode" -v c=$col '$1 == "iperf3" && $2 == m && $3 == p { print $c }' "$RES" | median)
			awk -v p="$p" -v m="$mode" -v e="$e" -v i="$i" -v ep="$ep" -v ip="$ip" 'BEGIN {
				printf "%-4s %-14s %8s %8s %8s %10s %10s\n", p, m, e, i,
					(i + 0 > 0 ? sprintf("%.2f", e / i) : "-"),
					(ep + 0 > 0 ? sprintf("%.2f", e / ep) : "-"),
					(ip + 0 > 0 ? sprintf("%.2f", i / ip) : "-") }'
		done
	done
done
