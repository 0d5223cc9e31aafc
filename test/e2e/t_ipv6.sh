#!/usr/bin/env bash
# IPv6 loopback (::1): evperf to evperf with a dual-stack server (no -6),
# with an IPv6-only server (-6), and both directions with Debian iperf3,
# for TCP and UDP. Asserts exit codes, one JSON document without error,
# bytes in both sums, and that the addresses in start.connected are ::1
# (no IPv4-mapped forms). Skips (77) when the machine has no ::1.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if ! python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' \
	2>/dev/null; then
	log "SKIP: no IPv6 loopback"
	exit 77
fi

# v6_case NAME SERVER_BIN SERVER_ARGS -- CLIENT_BIN CLIENT_ARGS...
v6_case() {
	local name=$1 sbin=$2 sargs=$3 cbin=$4 port out rc=0
	shift 4
	port=$(free_port)
	# shellcheck disable=SC2086 # word-split the server options on purpose
	start_server "$sbin" -s -1 -p "$port" $sargs
	wait_port "$port" "$SERVER_PID"
	out=$E2E_TMP/$name.json
	run_to 60 "$cbin" -c ::1 -p "$port" -t 2 -J "$@" >"$out" 2>"$E2E_TMP/$name.err" ||
		rc=$?
	assert_exit "$name client" "$rc"
	wait_exit "$SERVER_PID" 20
	assert_exit "$name server" "$EXIT_RC"
	assert_one_json "$out"
	assert_eq "$name local_host" "$(json_get "$out" '.start.connected[0].local_host')" ::1
	assert_eq "$name remote_host" "$(json_get "$out" '.start.connected[0].remote_host')" ::1
	assert_int_cmp "$name sent bytes" "$(json_get "$out" '.end.sum_sent.bytes')" -gt 0
	assert_int_cmp "$name received bytes" \
		"$(json_get "$out" '.end.sum_received.bytes')" -gt 0
	log "$name: ok"
}

need_iperf3
v6_case ee-tcp "$EVPERF" "" "$EVPERF"
v6_case ee-tcp-v6only "$EVPERF" "-6" "$EVPERF" -6
v6_case ee-udp "$EVPERF" "" "$EVPERF" -u -b 20M
v6_case ei-tcp "$IPERF3" "" "$EVPERF" -R
v6_case ie-tcp "$EVPERF" "" "$IPERF3" --bidir
v6_case ie-udp "$EVPERF" "" "$IPERF3" -u -b 20M
