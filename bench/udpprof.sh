#!/usr/bin/env bash
# Where UDP time goes (issue 14, item 4): for evperf and iperf3, -u -b 0 on
# loopback at each mode (l64: -l 64; l1448: -l 1448; gsro: -l 1448 --gsro)
# and -P value, a one-off server on 127.0.0.1 and a client -t S; from 1.5 s
# into the run, for 2 s, "perf stat" counts both processes' syscalls by
# kind, context switches and CPU time, and "perf record -e cpu-clock -g"
# samples them. bench/udpprof.py prints per run: datagrams per second both
# ways (client -J), per side the CPUs used, send or receive calls per
# second and datagrams per call (while perf watched), polls
# (epoll_wait/select/poll) per second, context switches per second, and
# the share of CPU samples in user code, in the send or receive path
# (stack, copy), in the receive softirq (net_rx_action: on loopback the
# sender runs the receiver's softirq), in sleeping and waking, and in
# other syscall work. Needs root or perf_event_paranoid <= 1.
#
#   bench/udpprof.sh [--evperf P] [--iperf3 P] [--modes l64,l1448,gsro]
#                    [--streams 1,2] [--time S] [--keep]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
EVPERF=$(dirname "$HERE")/build/evperf IPERF3=/opt/iperf3-3.21/bin/iperf3
MODES=l64,l1448,gsro STREAMS=1,2 T=5 KEEP=0 PORT=29014
while [ $# -gt 0 ]; do
	case $1 in
	--evperf) EVPERF=$2 && shift ;;
	--iperf3) IPERF3=$2 && shift ;;
	--modes) MODES=$2 && shift ;;
	--streams) STREAMS=$2 && shift ;;
	--time) T=$2 && shift ;;
	--keep) KEEP=1 ;;
	*) echo "usage: $0 [--evperf P] [--iperf3 P] [--modes L] [--streams L] [--time S] [--keep]" >&2 && exit 2 ;;
	esac
	shift
done
WORK=$(mktemp -d /tmp/evperf-udpprof.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ "$KEEP" = 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

EV=task-clock,context-switches,raw_syscalls:sys_enter
for s in sendmmsg recvmmsg sendto sendmsg write recvfrom recvmsg read \
	epoll_wait epoll_pwait select pselect6 poll ppoll; do
	EV+=,syscalls:sys_enter_$s
done

# one TOOL MODE P: one run into $WORK/TOOL-MODE-PP.
one() {
	local bin=$EVPERF out=$WORK/$1-$2-P$3 sp tp cp pid role args
	local probes=()
	[ "$1" = iperf3 ] && bin=$IPERF3
	args=(-u -b 0 -P "$3" -t "$T" -l 1448)
	[ "$2" = l64 ] && args=(-u -b 0 -P "$3" -t "$T" -l 64)
	[ "$2" = gsro ] && args+=(--gsro)
	mkdir -p "$out"
	"$bin" -s -1 -B 127.0.0.1 -p $PORT >"$out/s.txt" 2>&1 &
	sp=$!
	PIDS+=("$sp")
	sleep 0.3
	timeout $((T + 20)) "$bin" -c 127.0.0.1 -p $PORT "${args[@]}" -J \
		>"$out/c.json" 2>"$out/c.err" &
	tp=$!
	PIDS+=("$tp")
	sleep 1.5
	cp=$(pgrep -P "$tp" | head -n 1)
	for role in s c; do
		pid=$sp
		[ $role = c ] && pid=$cp
		perf stat -x, -e "$EV" -p "$pid" -o "$out/$role.stat" -- sleep 2 &
		probes+=($!)
		perf record -q -F 999 -e cpu-clock -g -p "$pid" \
			-o "$out/$role.perf" -- sleep 2 >/dev/null 2>&1 &
		probes+=($!)
	done
	for pid in "${probes[@]}"; do wait "$pid" || true; done
	wait "$tp" || true
	for _ in $(seq 50); do
		kill -0 "$sp" 2>/dev/null || break
		sleep 0.1
	done
	kill "$sp" 2>/dev/null || true
	wait "$sp" 2>/dev/null || true
	python3 "$HERE/udpprof.py" "$out" "$1 $2 -P $3"
}

IFS=, read -r -a modes <<<"$MODES"
IFS=, read -r -a streams <<<"$STREAMS"
for p in "${streams[@]}"; do
	for m in "${modes[@]}"; do
		for tool in evperf iperf3; do
			one "$tool" "$m" "$p"
		done
	done
done
