#!/usr/bin/env bash
# -A/--affinity n[,m]: the CPU set of each process, read from
# /proc/PID/status (Cpus_allowed_list) while a test runs. A client's
# -A 0,1 runs it on core 0 and the server on core 1 for that test; after
# it the server is back on the set it had (all cores, or its own -A).
# Stock iperf3 both ways ("server_affinity" travels). A core the system
# lacks: iperf3's "unable to set CPU affinity: Invalid argument", from
# the client itself or, for ,m, from the server. Skips (77) on fewer
# than 2 cores.
# interop: runs stock iperf3 ($IPERF3) both ways; CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3
if [ "$(nproc)" -lt 2 ]; then
	log "SKIP: fewer than 2 cores"
	exit 77
fi
ALL=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)

# cpus PID: the Cpus_allowed_list of the child of timeout PID.
cpus() {
	local pid
	pid=$(pgrep -P "$1" | head -n 1)
	[ -n "$pid" ] || return 0
	awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true
}

# see_cpus PID WANT WHAT: within 10 s, PID's process runs on WANT.
see_cpus() {
	local i got=
	for ((i = 0; i < 100; i++)); do
		got=$(cpus "$1")
		[ "$got" = "$2" ] && break
		sleep 0.1
	done
	assert_eq "$3: Cpus_allowed_list" "$got" "$2"
}

# aff_case NAME SERVER_BIN SERVER_ARGS SERVER_IDLE CLIENT_BIN -A ARG: the
# client runs on n, the server on m while the test runs, the test passes,
# and the server is back on SERVER_IDLE after it.
aff_case() {
	local name=$1 sbin=$2 sargs=$3 idle=$4 cbin=$5 arg=$6 port rc
	port=$(free_port)
	# shellcheck disable=SC2086 # word-split the server options on purpose
	start_server "$sbin" -s -p "$port" $sargs
	wait_port "$port" "$SERVER_PID"
	see_cpus "$SERVER_PID" "$idle" "$name server before"
	start_bg "$E2E_TMP/$name.json" "$cbin" -c 127.0.0.1 -p "$port" -t 3 \
		-J -A "$arg"
	see_cpus "$BG_PID" "${arg%,*}" "$name client"
	see_cpus "$SERVER_PID" "${arg#*,}" "$name server during the test"
	wait_exit "$BG_PID" 30
	rc=$EXIT_RC
	assert_exit "$name client" "$rc"
	assert_int_cmp "$name bytes" \
		"$(json_get "$E2E_TMP/$name.json" .end.sum_received.bytes)" -gt 0
	see_cpus "$SERVER_PID" "$idle" "$name server after"
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 20
	log "$name: ok"
}

aff_case ee "$EVPERF" "" "$ALL" "$EVPERF" 0,1
aff_case ee-own "$EVPERF" "-A 0" 0 "$EVPERF" 1,1
aff_case ie "$EVPERF" "" "$ALL" "$IPERF3" 1,0
aff_case ei "$IPERF3" "" "$ALL" "$EVPERF" 0,1

# No such core: the client's own, then the server's (iperf3's words).
rc=0
run_to 20 "$EVPERF" -c 127.0.0.1 -A 1000 >"$E2E_TMP/own.out" \
	2>"$E2E_TMP/own.err" || rc=$?
assert_exit "client -A 1000" "$rc" 1
assert_contains "$E2E_TMP/own.err" \
	"iperf3: error - unable to set CPU affinity: Invalid argument"
port=$(free_port)
start_server "$EVPERF" -s -p "$port"
wait_port "$port" "$SERVER_PID"
for c in "$EVPERF" "$IPERF3"; do
	rc=0
	run_to 20 "$c" -c 127.0.0.1 -p "$port" -t 1 -A 0,1000 \
		>"$E2E_TMP/srv.out" 2>"$E2E_TMP/srv.err" || rc=$?
	assert_exit "$c -A 0,1000" "$rc" 1
	assert_contains "$E2E_TMP/srv.err" \
		"iperf3: error - unable to set CPU affinity: Invalid argument"
done
see_cpus "$SERVER_PID" "$ALL" "server after a refused core"
log "no such core: ok"
