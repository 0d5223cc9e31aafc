#!/usr/bin/env bash
# Side-by-side loopback benchmark of evperf against stock iperf3, following
# ../shared/reference/peer-baselines.md section 3: for each test (1 stream,
# -P 8, -P 128 by default; -t 5) it runs the two tools interleaved, A B A B,
# for N rounds, each client and one-off server (-s -1, bound to 127.0.0.1)
# under GNU time -v. Per run it prints throughput (client
# end.sum_received.bits_per_second), Gbit per CPU-second (received bytes *
# 8 / 1e9 over client + server user+sys seconds) and both peak RSS figures;
# per test the medians and the median of the paired per-round ratios
# evperf/iperf3. --bidir instead prints the reverse/forward throughput ratio
# of --bidir runs at -P 1 and -P 4 for both tools. --udp runs -u -b 0 with
# -l 64 and -l 1448 and prints sent and received packets per second, loss
# and CPU, with medians and paired ratios; --pacing runs -u at -b 10M, 100M
# and 1G (-t 10) and prints the achieved sending rate over the target, for
# evperf and, for reference, iperf3. A failed run is reported and skipped.
# Every process is started under timeout and killed by PID.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/bench.sh [options]
  --evperf PATH    evperf binary (default: build/evperf of this repository)
  --iperf3 PATH    stock iperf3 (default: iperf3 from PATH)
  --rounds N       rounds per test (default 3)
  --time S         seconds per run, client -t (default 5; --pacing: 10)
  --streams LIST   comma-separated -P values (default 1,8,128;
                   --bidir: 1,4)
  --bidir          print --bidir reverse/forward throughput ratios instead
  --udp            UDP at -b 0: packets per second with --lens (default
                   64,1448)
  --lens LIST      comma-separated -l values for --udp
  --pacing         UDP pacing: achieved/target rate at --rates (default
                   10M,100M,1G; -t defaults to 10)
  --rates LIST     comma-separated -b values for --pacing
  --len N          -l for --pacing (default: each tool's own default)
  --evperf-args S  extra client options for evperf only (e.g. "--gsro")
  --args S         extra client options for both tools (e.g. "--gsro" with
                   an iperf3 that has it, 3.21)
  --keep           keep the raw logs (their directory is printed)
  -h, --help       this text
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EVPERF=$ROOT/build/evperf
IPERF3=iperf3
EVARGS=()
BOTHARGS=()
ROUNDS=3
SECS=
STREAMS=
BIDIR=0
UDP=0
PACING=0
LENS=64,1448
RATES=10M,100M,1G
PLEN=
KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	--evperf) EVPERF=$2; shift 2 ;;
	--iperf3) IPERF3=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--time) SECS=$2; shift 2 ;;
	--streams) STREAMS=$2; shift 2 ;;
	--bidir) BIDIR=1; shift ;;
	--udp) UDP=1; shift ;;
	--lens) LENS=$2; shift 2 ;;
	--pacing) PACING=1; shift ;;
	--rates) RATES=$2; shift 2 ;;
	--len) PLEN=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--evperf-args) read -r -a EVARGS <<<"$2"; shift 2 ;;
	--args) read -r -a BOTHARGS <<<"$2"; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if ((BIDIR + UDP + PACING > 1)); then
	echo "bench: --bidir, --udp and --pacing exclude each other" >&2
	exit 2
fi
if [ -z "$SECS" ]; then
	if ((PACING)); then SECS=10; else SECS=5; fi
fi
if [ -z "$STREAMS" ]; then
	if ((BIDIR)); then STREAMS=1,4; else STREAMS=1,8,128; fi
fi
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bad --rounds" >&2; exit 2; }
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "bad --time" >&2; exit 2; }
[[ $STREAMS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "bad --streams" >&2; exit 2; }
[[ $LENS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "bad --lens" >&2; exit 2; }
[[ $RATES =~ ^[1-9][0-9]*[kKmMgG]?(,[1-9][0-9]*[kKmMgG]?)*$ ]] || { echo "bad --rates" >&2; exit 2; }
[[ -z $PLEN || $PLEN =~ ^[1-9][0-9]*$ ]] || { echo "bad --len" >&2; exit 2; }
IFS=, read -r -a PLIST <<<"$STREAMS"
IFS=, read -r -a LLIST <<<"$LENS"
IFS=, read -r -a RLIST <<<"$RATES"

for tool in EVPERF IPERF3; do
	if ! path=$(command -v "${!tool}"); then
		echo "bench: ${!tool} is not executable" >&2
		exit 1
	fi
	printf -v "$tool" '%s' "$path"
done
for c in jq python3 ss timeout; do
	command -v "$c" >/dev/null || { echo "bench: $c is required" >&2; exit 1; }
done
GTIME=/usr/bin/time
if [ ! -x "$GTIME" ]; then
	echo "bench: installing GNU time" >&2
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >&2
	else
		sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >&2
	fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/evperf-bench.XXXXXX")
PIDS=()
cleanup() {
	local pid i
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		for ((i = 0; i < 30; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	if ((KEEP)); then
		echo "raw logs kept in $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# forget PID: it has been reaped; its number may be reused.
forget() {
	local keep=() p
	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# run_one TOOLNAME BIN TAG CLIENT_ARGS...: one client/server run. Leaves
# the client JSON in $WORK/TAG.json and the time -v files next to it.
# Returns non-zero if anything failed.
run_one() {
	local tool=$1 bin=$2 tag=$3 port spid crc=0 i m0
	shift 3
	port=$(free_port)
	timeout -k 5 $((SECS + 60)) "$GTIME" -v -o "$WORK/$tag.srv.time" \
		"$bin" -s -1 -B 127.0.0.1 -p "$port" \
		>"$WORK/$tag.srv.out" 2>&1 &
	spid=$!
	PIDS+=("$spid")
	if ! wait_port "$port" "$spid"; then
		echo "  server did not start (see $tag.srv.out)" >&2
		return 1
	fi
	if [ "$tool" = evperf ] && [ "${#EVARGS[@]}" -gt 0 ]; then
		set -- "$@" "${EVARGS[@]}"
	fi
	if [ "${#BOTHARGS[@]}" -gt 0 ]; then
		set -- "$@" "${BOTHARGS[@]}"
	fi
	m0=$(machine_busy)
	timeout -k 5 $((SECS + 60)) "$GTIME" -v -o "$WORK/$tag.cli.time" \
		"$bin" -c 127.0.0.1 -p "$port" -t "$SECS" -J "$@" \
		>"$WORK/$tag.json" 2>"$WORK/$tag.cli.err" || crc=$?
	awk -v a="$m0" -v b="$(machine_busy)" 'BEGIN { printf "%.2f\n", b - a }' \
		>"$WORK/$tag.mcpu"
	for ((i = 0; i < 200; i++)); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	forget "$spid"
	if ((crc != 0)); then
		echo "  client exited with status $crc" >&2
		return 1
	fi
	if ! jq -e '(has("error") | not) and .end.sum_received.bytes > 0' \
		"$WORK/$tag.json" >/dev/null 2>&1; then
		echo "  client JSON has an error or no bytes:" \
			"$(jq -r '.error // "invalid JSON"' "$WORK/$tag.json" 2>/dev/null)" >&2
		return 1
	fi
}

# median: of the numbers on stdin ("-" if none).
median() {
	sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "-"; exit }
			if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
			else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

RESULTS=$WORK/results.tsv
: >"$RESULTS"

bench_tcp() {
	local p r tool bin tag tput cpu bytes gpc gpm
	printf '%-7s %-6s %5s %10s %12s %8s %12s %12s %12s\n' tool test round \
		'Gbit/s' 'Gbit/CPU-s' 'CPU s' 'cli RSS MB' 'srv RSS MB' 'Gbit/mCPU-s'
	for p in "${PLIST[@]}"; do
		for ((r = 1; r <= ROUNDS; r++)); do
			for tool in evperf iperf3; do
				if [ $tool = evperf ]; then bin=$EVPERF; else bin=$IPERF3; fi
				tag=$tool.P$p.r$r
				if ! run_one "$tool" "$bin" "$tag" -P "$p"; then
					printf '%-7s %-6s %5s %10s\n' "$tool" "P$p" "$r" FAILED
					continue
				fi
				tput=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$WORK/$tag.json")
				bytes=$(jq -r '.end.sum_received.bytes' "$WORK/$tag.json")
				cpu=$(awk -v a="$(cpu_s "$WORK/$tag.cli.time")" \
					-v b="$(cpu_s "$WORK/$tag.srv.time")" 'BEGIN { print a + b }')
				gpc=$(awk -v b="$bytes" -v c="$cpu" \
					'BEGIN { if (c > 0) printf "%.3f", b * 8 / 1e9 / c; else print "nan" }')
				gpm=$(awk -v b="$bytes" -v c="$(cat "$WORK/$tag.mcpu")" \
					'BEGIN { if (c > 0) printf "%.3f", b * 8 / 1e9 / c; else print "nan" }')
				printf '%-7s %-6s %5s %10.2f %12s %8s %12s %12s %12s\n' "$tool" "P$p" \
					"$r" "$tput" "$gpc" "$cpu" "$(rss_mb "$WORK/$tag.cli.time")" \
					"$(rss_mb "$WORK/$tag.srv.time")" "$gpm"
				printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$p" "$r" "$tput" "$gpc" \
					"$gpm" >>"$RESULTS"
			done
		done
	done

	echo
	echo "medians over $ROUNDS round(s); ratio = median of the per-round evperf/iperf3 ratios"
	echo "(Gb/mCPUs: per CPU-second of the whole machine, busy time from /proc/stat)"
	printf '%-6s %12s %12s %8s %14s %14s %8s %14s %14s %8s\n' test 'evperf Gb/s' \
		'iperf3 Gb/s' ratio 'evperf Gb/CPUs' 'iperf3 Gb/CPUs' ratio \
		'evperf Gb/mCPUs' 'iperf3 Gb/mCPUs' ratio
	for p in "${PLIST[@]}"; do
		local col e3 i3 er ir ec ic em im rm
		for col in 4 5 6; do
			e3=$(awk -F'\t' -v p="$p" -v c="$col" '$1 == "evperf" && $2 == p { print $c }' "$RESULTS" | median)
			i3=$(awk -F'\t' -v p="$p" -v c="$col" '$1 == "iperf3" && $2 == p { print $c }' "$RESULTS" | median)
			ratio=$(awk -F'\t' -v p="$p" -v c="$col" '
				$2 == p { v[$1 "," $3] = $c }
				END {
					for (k in v) {
						split(k, a, ",")
						if (a[1] == "evperf" && (("iperf3," a[2]) in v) && v["iperf3," a[2]] > 0)
							print v[k] / v["iperf3," a[2]]
					}
				}' "$RESULTS" | median)
			case $col in
			4) er=$e3 ir=$i3 rt=$ratio ;;
			5) ec=$e3 ic=$i3 rc=$ratio ;;
			*) em=$e3 im=$i3 rm=$ratio ;;
			esac
		done
		printf '%-6s %12s %12s %8s %14s %14s %8s %14s %14s %8s\n' "P$p" "$er" \
			"$ir" "$rt" "$ec" "$ic" "$rc" "$em" "$im" "$rm"
	done
}

bench_bidir() {
	local p r tool bin tag fwd rev
	echo "--bidir: reverse (server->client) / forward (client->server) throughput"
	printf '%-7s %-6s %5s %12s %12s %8s\n' tool test round 'fwd Gbit/s' \
		'rev Gbit/s' 'rev/fwd'
	for p in "${PLIST[@]}"; do
		for ((r = 1; r <= ROUNDS; r++)); do
			for tool in evperf iperf3; do
				if [ $tool = evperf ]; then bin=$EVPERF; else bin=$IPERF3; fi
				tag=$tool.bidir.P$p.r$r
				if ! run_one "$tool" "$bin" "$tag" --bidir -P "$p" ||
					! jq -e '.end.sum_received_bidir_reverse.bits_per_second > 0' \
						"$WORK/$tag.json" >/dev/null 2>&1; then
					printf '%-7s %-6s %5s %12s\n' "$tool" "P$p" "$r" FAILED
					continue
				fi
				fwd=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$WORK/$tag.json")
				rev=$(jq -r '.end.sum_received_bidir_reverse.bits_per_second / 1e9' "$WORK/$tag.json")
				printf '%-7s %-6s %5s %12.2f %12.2f %8.3f\n' "$tool" "P$p" "$r" \
					"$fwd" "$rev" "$(awk -v a="$rev" -v b="$fwd" 'BEGIN { print (b > 0 ? a / b : 0) }')"
			done
		done
	done
}

# med_ratio KEY COL: for the rows of $RESULTS whose 2nd column is KEY,
# print the evperf median, the iperf3 median and the median of the
# per-round evperf/iperf3 ratios of column COL.
med_ratio() {
	local key=$1 col=$2 e i r
	e=$(awk -F'\t' -v k="$key" -v c="$col" '$1 == "evperf" && $2 == k { print $c }' "$RESULTS" | median)
	i=$(awk -F'\t' -v k="$key" -v c="$col" '$1 == "iperf3" && $2 == k { print $c }' "$RESULTS" | median)
	r=$(awk -F'\t' -v k="$key" -v c="$col" '
		$2 == k { v[$1 "," $3] = $c }
		END {
			for (x in v) {
				split(x, a, ",")
				if (a[1] == "evperf" && (("iperf3," a[2]) in v) && v["iperf3," a[2]] > 0)
					print v[x] / v["iperf3," a[2]]
			}
		}' "$RESULTS" | median)
	echo "$e $i $r"
}

# bench_udp: -u -b 0 at each -l; packets per second both ways. A datagram
# is always exactly -l bytes, so bytes / -l counts the datagrams that were
# really sent (iperf3 3.12 also counts a sequence number for a failed
# send) and those that really arrived (the receiver's "packets" is the
# highest sequence number seen, which includes the lost ones).
bench_udp() {
	local l r tool bin tag spps rpps loss cpu sg
	printf '%-7s %-6s %5s %10s %10s %8s %9s %7s\n' tool test round \
		'sent kpps' 'recv kpps' 'loss %' 'sent Gb/s' 'CPU s'
	for l in "${LLIST[@]}"; do
		for ((r = 1; r <= ROUNDS; r++)); do
			for tool in evperf iperf3; do
				if [ $tool = evperf ]; then bin=$EVPERF; else bin=$IPERF3; fi
				tag=$tool.udp.l$l.r$r
				if ! run_one "$tool" "$bin" "$tag" -u -b 0 -l "$l"; then
					printf '%-7s %-6s %5s %10s\n' "$tool" "l$l" "$r" FAILED
					continue
				fi
				read -r spps rpps loss sg < <(jq -r --argjson l "$l" '.end |
					[.sum_sent.bytes / $l / .sum_sent.seconds / 1e3,
					 .sum_received.bytes / $l / .sum_received.seconds / 1e3,
					 .sum_received.lost_percent,
					 .sum_sent.bits_per_second / 1e9] | @tsv' "$WORK/$tag.json")
				cpu=$(awk -v a="$(cpu_s "$WORK/$tag.cli.time")" \
					-v b="$(cpu_s "$WORK/$tag.srv.time")" 'BEGIN { print a + b }')
				printf '%-7s %-6s %5s %10.1f %10.1f %8.2f %9.3f %7s\n' "$tool" \
					"l$l" "$r" "$spps" "$rpps" "$loss" "$sg" "$cpu"
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "l$l" "$r" \
					"$spps" "$rpps" "$loss" "$cpu" >>"$RESULTS"
			done
		done
	done

	echo
	echo "medians over $ROUNDS round(s); ratio = median of the per-round evperf/iperf3 ratios"
	printf '%-6s %12s %12s %7s %12s %12s %7s %8s %8s\n' test 'ev sent kpps' \
		'i3 sent kpps' ratio 'ev recv kpps' 'i3 recv kpps' ratio 'ev loss%' 'i3 loss%'
	for l in "${LLIST[@]}"; do
		local s4 s5 s6
		read -r -a s4 <<<"$(med_ratio "l$l" 4)"
		read -r -a s5 <<<"$(med_ratio "l$l" 5)"
		read -r -a s6 <<<"$(med_ratio "l$l" 6)"
		printf '%-6s %12s %12s %7s %12s %12s %7s %8s %8s\n' "l$l" \
			"${s4[0]}" "${s4[1]}" "${s4[2]}" "${s5[0]}" "${s5[1]}" "${s5[2]}" \
			"${s6[0]}" "${s6[1]}"
	done
}

# rate_bps R: a -b value (decimal suffixes, as iperf3 parses them) in bit/s.
rate_bps() {
	awk -v v="$1" 'BEGIN {
		m = 1; s = substr(v, length(v))
		if (s ~ /[kK]/) m = 1e3; else if (s ~ /[mM]/) m = 1e6
		else if (s ~ /[gG]/) m = 1e9
		if (m > 1) v = substr(v, 1, length(v) - 1)
		printf "%.0f", v * m
	}'
}

# bench_pacing: -u -b RATE; achieved sending rate (end.sum_sent.
# bits_per_second) over the target, the lowest and highest 1 s interval
# (sum.bits_per_second of intervals[]) over the target, and the loss.
bench_pacing() {
	local rate r tool bin tag tgt ach lo hi loss cpu largs=()
	[ -n "$PLEN" ] && largs=(-l "$PLEN")
	printf '%-7s %-6s %5s %11s %9s %8s %8s %8s %7s\n' tool rate round \
		'sent Mb/s' 'sent/tgt' 'min int' 'max int' 'loss %' 'CPU s'
	for rate in "${RLIST[@]}"; do
		tgt=$(rate_bps "$rate")
		for ((r = 1; r <= ROUNDS; r++)); do
			for tool in evperf iperf3; do
				if [ $tool = evperf ]; then bin=$EVPERF; else bin=$IPERF3; fi
				tag=$tool.pace.$rate.r$r
				if ! run_one "$tool" "$bin" "$tag" -u -b "$rate" "${largs[@]}"; then
					printf '%-7s %-6s %5s %11s\n' "$tool" "$rate" "$r" FAILED
					continue
				fi
				read -r ach lo hi loss < <(jq -r --argjson t "$tgt" '
					[.end.sum_sent.bits_per_second,
					 ([.intervals[].sum | select(.omitted | not) | .bits_per_second] | min / $t),
					 ([.intervals[].sum | select(.omitted | not) | .bits_per_second] | max / $t),
					 .end.sum_received.lost_percent] | @tsv' "$WORK/$tag.json")
				cpu=$(awk -v a="$(cpu_s "$WORK/$tag.cli.time")" \
					-v b="$(cpu_s "$WORK/$tag.srv.time")" 'BEGIN { print a + b }')
				printf '%-7s %-6s %5s %11.2f %9.4f %8.3f %8.3f %8.2f %7s\n' "$tool" \
					"$rate" "$r" "$(awk -v a="$ach" 'BEGIN { print a / 1e6 }')" \
					"$(awk -v a="$ach" -v t="$tgt" 'BEGIN { print a / t }')" \
					"$lo" "$hi" "$loss" "$cpu"
				printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$rate" "$r" \
					"$(awk -v a="$ach" -v t="$tgt" 'BEGIN { print a / t }')" \
					"$loss" "$cpu" >>"$RESULTS"
			done
		done
	done

	echo
	echo "medians over $ROUNDS round(s) of achieved/target (end.sum_sent.bits_per_second / -b)"
	printf '%-6s %10s %10s %10s %10s\n' rate evperf iperf3 'ev loss%' 'i3 loss%'
	for rate in "${RLIST[@]}"; do
		local a b
		read -r -a a <<<"$(med_ratio "$rate" 4)"
		read -r -a b <<<"$(med_ratio "$rate" 5)"
		printf '%-6s %10s %10s %10s %10s\n' "$rate" "${a[0]}" "${a[1]}" \
			"${b[0]}" "${b[1]}"
	done
}

echo "evperf: $EVPERF"
echo "iperf3: $IPERF3 ($("$IPERF3" --version 2>/dev/null | head -n 1))"
if ((UDP)); then
	echo "rounds $ROUNDS, -t $SECS, UDP -b 0, -l $LENS, loopback 127.0.0.1"
elif ((PACING)); then
	echo "rounds $ROUNDS, -t $SECS, UDP -b $RATES${PLEN:+, -l $PLEN}, loopback 127.0.0.1"
else
	echo "rounds $ROUNDS, -t $SECS, streams $STREAMS, loopback 127.0.0.1"
fi
echo
if ((BIDIR)); then
	bench_bidir
elif ((UDP)); then
	bench_udp
elif ((PACING)); then
	bench_pacing
else
	bench_tcp
fi
