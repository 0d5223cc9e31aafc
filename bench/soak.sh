#!/usr/bin/env bash
# Soak: N short tests in a row against ONE evperf server (started once,
# bound to 127.0.0.1, killed by PID at exit), to show that a long-running
# server neither leaks descriptors nor grows. The tests mix evperf and
# stock iperf3 clients, TCP and UDP (-u -b 10M), forward, -R and --bidir,
# normal ends (-n 64K or -k 16: short and not timed) and killed clients:
# about one test in ten is a -t 5 client SIGKILLed 0.02-0.40 s after it
# started, during its setup or its run. The mix is random but repeatable
# (--seed). It prints the server's descriptor count (/proc/PID/fd) and
# resident size (VmRSS) at the start, every 1000 tests (--every) and at
# the end, after a bounded wait for the server to close what it still
# holds, then the tests that succeeded, failed and were killed, and a last
# machine-readable line:
#   soak: tests N ok A failed F killed K fd START END rss_kb START END secs S
# Exit status 1 if the descriptor count at the end is above the start, if
# more normal (not killed) tests failed than --allow-fail, or if the server
# died; 2 on a usage error. Every client runs under timeout, every wait is
# bounded, and only 127.0.0.1 is used. Not a test itself:
# test/e2e/t_soak.sh runs it with -n 500.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/soak.sh [options]
  -n, --tests N       tests to run (default 10000)
  --every N           print the server's figures every N tests (default 1000)
  --allow-fail N      normal tests allowed to fail (default 5)
  --kill-pct P        percent of tests whose client is killed (default 10)
  --evperf PATH       evperf binary (default: build/evperf of this repository)
  --iperf3 PATH       stock iperf3 client (default /usr/bin/iperf3; "none" = evperf only)
  --seed N            seed of the random mix (default 1)
  --keep              keep the logs (their directory is printed)
  -h, --help          this text
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
EVPERF=$ROOT/build/evperf
IPERF3=/usr/bin/iperf3
TESTS=10000 EVERY=1000 ALLOW=5 KILLPCT=10 SEED=1 KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	-n | --tests) TESTS=$2; shift 2 ;;
	--every) EVERY=$2; shift 2 ;;
	--allow-fail) ALLOW=$2; shift 2 ;;
	--kill-pct) KILLPCT=$2; shift 2 ;;
	--evperf) EVPERF=$2; shift 2 ;;
	--iperf3) IPERF3=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in TESTS EVERY; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "soak: bad ${v,,}" >&2; exit 2; }
done
for v in ALLOW KILLPCT SEED; do
	[[ ${!v} =~ ^[0-9]+$ ]] || { echo "soak: bad ${v,,}" >&2; exit 2; }
done
((KILLPCT <= 100)) || { echo "soak: bad --kill-pct" >&2; exit 2; }
EVPERF=$(command -v "$EVPERF") || { echo "soak: no evperf" >&2; exit 1; }
if [ "$IPERF3" = none ]; then
	IPERF3=
elif ! IPERF3=$(command -v "$IPERF3"); then
	echo "soak: no stock iperf3 client; evperf clients only" >&2
	IPERF3=
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/evperf-soak.XXXXXX")
SPID=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local i
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null || true
		for ((i = 0; i < 30; i++)); do
			kill -0 "$SPID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$SPID" 2>/dev/null || true
	fi
	if ((KEEP)); then
		echo "soak: logs in $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

PORT=$(free_port)
# Not under timeout: /proc must show evperf itself. The EXIT trap kills it.
"$EVPERF" -s -B 127.0.0.1 -p "$PORT" >/dev/null 2>"$TMP/server.err" &
SPID=$!
wait_port "$PORT" "$SPID" || { echo "soak: the server did not start" >&2; exit 1; }

fds() { find "/proc/$SPID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$SPID/status" 2>/dev/null || echo 0; }
alive() { kill -0 "$SPID" 2>/dev/null; }

# settle: until no connection to PORT is open on the server's side (an
# established one, or one the client closed that the server still holds),
# ~2 s at most. TIME-WAIT holds no descriptor and does not count.
settle() {
	local i
	for ((i = 0; i < 40; i++)); do
		[ -z "$(ss -Htn state established state close-wait \
			"( sport = :$PORT )" 2>/dev/null)" ] && return 0
		sleep 0.05
	done
	return 1
}

OK=0 FAILED=0 KILLED=0 BUSY=0
START=$SECONDS
FD0=$(fds) RSS0=$(rss_kb)
printf 'soak: server pid %d on 127.0.0.1:%d; %d tests, seed %d, clients: evperf%s\n' \
	"$SPID" "$PORT" "$TESTS" "$SEED" "${IPERF3:+ and $IPERF3}"
printf '%8s %6s %9s %6s %6s %6s\n' tests fds rss_kb ok failed killed
printf '%8d %6d %9d %6d %6d %6d\n' 0 "$FD0" "$RSS0" 0 0 0

RANDOM=$SEED
for ((t = 1; t <= TESTS; t++)); do
	bin=$EVPERF
	if [ -n "$IPERF3" ] && ((RANDOM % 2)); then
		bin=$IPERF3
	fi
	args=(-c 127.0.0.1 -p "$PORT")
	case $((RANDOM % 3)) in
	1) args+=(-R) ;;
	2) args+=(--bidir) ;;
	esac
	udp=$((RANDOM % 3 == 0))
	((udp)) && args+=(-u -b 10M)
	if ((RANDOM % 100 < KILLPCT)); then
		# A client killed during its setup or its run.
		"$bin" "${args[@]}" -t 5 >/dev/null 2>&1 &
		cpid=$!
		sleep "0.$(printf '%02d' $((2 + RANDOM % 39)))"
		kill -KILL "$cpid" 2>/dev/null || true
		wait "$cpid" 2>/dev/null || true
		KILLED=$((KILLED + 1))
		settle || true
	else
		if ((udp || RANDOM % 2)); then
			args+=(-n 64K)
		else
			args+=(-k 16)
		fi
		rc=0
		timeout -k 2 20 "$bin" "${args[@]}" >"$TMP/client.out" 2>&1 || rc=$?
		if ((rc == 0)); then
			OK=$((OK + 1))
		else
			FAILED=$((FAILED + 1))
			grep -q 'server is busy' "$TMP/client.out" && BUSY=$((BUSY + 1))
			if ((FAILED <= 10)); then
				printf 'soak: test %d failed (exit %d): %s %s\n' "$t" "$rc" \
					"$(basename "$bin")" "${args[*]}" >&2
				tail -n 3 "$TMP/client.out" | sed 's/^/    /' >&2
			fi
			settle || true
		fi
	fi
	alive || { echo "soak: the server died at test $t" >&2; break; }
	if ((t % EVERY == 0 && t < TESTS)); then
		printf '%8d %6d %9d %6d %6d %6d\n' "$t" "$(fds)" "$(rss_kb)" \
			"$OK" "$FAILED" "$KILLED"
	fi
done

RC=0
if alive; then
	# What the last test left open goes away within a few loop turns.
	settle || true
	for ((i = 0; i < 50; i++)); do
		(($(fds) <= FD0)) && break
		sleep 0.1
	done
	FD1=$(fds) RSS1=$(rss_kb)
else
	FD1=-1 RSS1=0
	RC=1
fi
printf '%8d %6d %9d %6d %6d %6d\n' "$((OK + FAILED + KILLED))" "$FD1" "$RSS1" \
	"$OK" "$FAILED" "$KILLED"
SECS=$((SECONDS - START))
echo "soak: $OK succeeded, $FAILED failed ($BUSY of them 'busy'), $KILLED killed; ${SECS} s"
if [ -s "$TMP/server.err" ]; then
	echo "soak: the server's error lines, by count:"
	sed 's/, port [0-9]*//' "$TMP/server.err" | sort | uniq -c | sort -rn |
		head -n 10 | sed 's/^/    /'
fi
if ((FD1 > FD0)); then
	echo "soak: FAIL: the server holds $FD1 descriptors, $FD0 at the start" >&2
	RC=1
fi
if ((FAILED > ALLOW)); then
	echo "soak: FAIL: $FAILED normal tests failed (allowed $ALLOW)" >&2
	RC=1
fi
echo "soak: tests $((OK + FAILED + KILLED)) ok $OK failed $FAILED killed $KILLED" \
	"fd $FD0 $FD1 rss_kb $RSS0 $RSS1 secs $SECS"
exit "$RC"
