#!/usr/bin/env bash
# Many flows on loopback: evperf against iperf2 at -P 1000 (a thread per
# flow; peer-baselines.md section 3 ran it the same way), then evperf
# against itself at -P 10000. Each run: one server bound to 127.0.0.1 and
# one client (-t S), both under GNU time -v. Per run it prints the
# throughput, the CPU seconds of both processes, both peak RSS figures and
# the setup time: from the client's start until ss shows every data
# connection established (polled every 10 ms, so a few ms coarse), and
# for evperf also its own count (the -d trace's "data connections up in").
# Throughput is what reached the server: evperf's
# end.sum_received.bits_per_second; for iperf2 the bytes of its server's
# per-stream CSV lines over -t (peer-baselines.md summed the client's
# per-stream rates, which count what was written, not what arrived). A failed run is reported and skipped; every process
# is started under timeout and killed by PID.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/many.sh [options]
  --evperf PATH    evperf binary (default: build/evperf of this repository)
  --iperf2 PATH    iperf2 (default: iperf from PATH; apt-get install iperf)
  --rounds N       rounds (default 3)
  --time S         seconds per run, client -t (default 5)
  --many N         streams against iperf2 (default 1000)
  --huge N         streams evperf to evperf (default 10000; 0 = skip)
  --keep           keep the raw logs (their directory is printed)
  -h, --help       this text
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVPERF=$ROOT/build/evperf
IPERF2=iperf
ROUNDS=3 SECS=5 MANY=1000 HUGE=10000 KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	--evperf) EVPERF=$2; shift 2 ;;
	--iperf2) IPERF2=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--time) SECS=$2; shift 2 ;;
	--many) MANY=$2; shift 2 ;;
	--huge) HUGE=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in ROUNDS SECS MANY; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "bad --${v,,}" >&2; exit 2; }
done
[[ $HUGE =~ ^[0-9]+$ ]] || { echo "bad --huge" >&2; exit 2; }
EVPERF=$(command -v "$EVPERF") || { echo "many: no evperf" >&2; exit 1; }
IPERF2=$(command -v "$IPERF2") || {
	echo "many: no iperf2 (apt-get install iperf)" >&2
	exit 1
}
GTIME=/usr/bin/time
[ -x "$GTIME" ] || { echo "many: needs GNU time (apt-get install time)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"
NEED=$(((HUGE > MANY ? HUGE : MANY) + 100))
if [ "$(ulimit -n)" != unlimited ] && (($(ulimit -n) < NEED)); then
	echo "many: descriptor limit $(ulimit -n) is below $NEED" >&2
	exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/evperf-many.XXXXXX")
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	sleep 0.5
	for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	if ((KEEP)); then echo "raw logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

now() { date +%s.%N; }

# setup_time PORT WANT PID T0: seconds from T0 until WANT connections to
# PORT are established (client side), or "-" if PID ends first or 60 s.
setup_time() {
	local n i
	for ((i = 0; i < 6000; i++)); do
		n=$(ss -Htn state established "( dport = :$1 )" 2>/dev/null | wc -l)
		if ((n >= $2)); then
			awk -v a="$(now)" -v b="$4" 'BEGIN { printf "%.2f", a - b }'
			return
		fi
		kill -0 "$3" 2>/dev/null || break
		sleep 0.01
	done
	echo -
}

# run TOOL P TAG: one run; prints its row, appends it to $RESULTS.
run() {
	local tool=$1 p=$2 tag=$3 port spid cpid t0 setup own crc=0 gbps
	port=$(free_port)
	if [ "$tool" = iperf2 ]; then
		timeout -k 5 $((SECS + 120)) "$GTIME" -v -o "$WORK/$tag.srv.time" \
			"$IPERF2" -s -p "$port" -B 127.0.0.1 -y C >"$WORK/$tag.srv.out" 2>&1 &
	else
		timeout -k 5 $((SECS + 120)) "$GTIME" -v -o "$WORK/$tag.srv.time" \
			"$EVPERF" -s -1 -p "$port" -B 127.0.0.1 >"$WORK/$tag.srv.out" 2>&1 &
	fi
	spid=$!
	PIDS+=("$spid")
	wait_port "$port" "$spid" || { echo "$tool P$p: server did not start"; return 1; }
	t0=$(now)
	if [ "$tool" = iperf2 ]; then
		timeout -k 5 $((SECS + 120)) "$GTIME" -v -o "$WORK/$tag.cli.time" \
			"$IPERF2" -c 127.0.0.1 -p "$port" -t "$SECS" -P "$p" -y C \
			>"$WORK/$tag.cli.out" 2>"$WORK/$tag.cli.err" &
	else
		timeout -k 5 $((SECS + 120)) "$GTIME" -v -o "$WORK/$tag.cli.time" \
			"$EVPERF" -c 127.0.0.1 -p "$port" -t "$SECS" -P "$p" -J -d \
			>"$WORK/$tag.cli.out" 2>"$WORK/$tag.cli.err" &
	fi
	cpid=$!
	PIDS+=("$cpid")
	setup=$(setup_time "$port" "$p" "$cpid" "$t0")
	wait "$cpid" || crc=$?
	sleep 1
	kill -INT "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	if ((crc != 0)); then
		echo "$tool P$p round $tag: client exited with status $crc"
		return 1
	fi
	if [ "$tool" = iperf2 ]; then
		# Per-stream lines (ID > 0) of the server's CSV: field 8 is the
		# bytes it received; over -t (its threads run a little longer).
		gbps=$(awk -F, -v t="$SECS" '$6 > 0 { s += $8 }
			END { printf "%.2f", s * 8 / t / 1e9 }' "$WORK/$tag.srv.out")
		own=-
	else
		gbps=$(jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 |
			round / 100' "$WORK/$tag.cli.out") || return 1
		own=$(sed -nE 's/.*data connections up in ([0-9.]+) s.*/\1/p' \
			"$WORK/$tag.cli.err")
	fi
	printf '%-7s %6s %5s %8s %8s %8s %8s %9s %9s\n' "$tool" "P$p" "${tag##*.}" \
		"$gbps" "$(awk -v a="$(cpu_s "$WORK/$tag.cli.time")" \
			-v b="$(cpu_s "$WORK/$tag.srv.time")" 'BEGIN { print a + b }')" \
		"$(rss_mb "$WORK/$tag.cli.time")" "$(rss_mb "$WORK/$tag.srv.time")" \
		"$setup" "${own:--}"
}

echo "evperf: $EVPERF"
echo "iperf2: $IPERF2 ($("$IPERF2" --version 2>&1 | head -n 1))"
echo "rounds $ROUNDS, -t $SECS, loopback 127.0.0.1"
echo
printf '%-7s %6s %5s %8s %8s %8s %8s %9s %9s\n' tool test round Gbit/s 'CPU s' \
	'cli MB' 'srv MB' 'setup s' 'own s'
for ((r = 1; r <= ROUNDS; r++)); do
	run evperf "$MANY" "ev.$MANY.r$r" || true
	run iperf2 "$MANY" "i2.$MANY.r$r" || true
	if ((HUGE > 0)); then
		run evperf "$HUGE" "ev.$HUGE.r$r" || true
	fi
done
