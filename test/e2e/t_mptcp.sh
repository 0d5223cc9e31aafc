#!/usr/bin/env bash
# -m/--mptcp in a network namespace of the test's own, where the kernel's
# MPTcpExt counters (/proc/net/netstat) count only this test's
# connections: evperf to evperf with -m -P 2 moves bytes over 2 MPTCP
# data connections (MP_CAPABLE SYN-ACKs received: 2; the control
# connection stays TCP, as iperf3's); without -m, none. With stock iperf3
# 3.16+ (which has -m): its -m client against evperf's server, and
# evperf's against its server, are MPTCP too; an older server (3.12)
# knows no "mptcp" key and the connections fall back to TCP, bytes still
# moving. Skips (77) without root or when the kernel has no MPTCP.
# interop: runs stock iperf3 ($IPERF3) both ways; CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3
e2e_netns mptcp
if [ "$(nsx sysctl -n net.mptcp.enabled 2>/dev/null)" != 1 ]; then
	log "SKIP: MPTCP is not enabled in this kernel"
	exit 77
fi

# mpext NAME: the namespace's MPTcpExt counter NAME.
mpext() {
	nsx awk -v want="$1" '/^MPTcpExt:/ {
		if (!h) { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
		for (i = 2; i <= NF; i++) if (k[i] == want) print $i }' \
		/proc/net/netstat
}

# mp_case NAME WANT_MPTCP SERVER_BIN -- CLIENT_BIN CLIENT_ARGS...: the
# test passes, moves bytes, and WANT_MPTCP more MPTCP connections count.
mp_case() {
	local name=$1 want=$2 sbin=$3 cbin=$4 port out rc=0 before
	shift 4
	port=$(free_port)
	before=$(mpext MPCapableSYNACKRX)
	start_server ip netns exec "$NS" "$sbin" -s -1 -p "$port"
	ns_wait_port "$port" "$SERVER_PID"
	out=$E2E_TMP/$name.json
	run_to 60 ip netns exec "$NS" "$cbin" -c 127.0.0.1 -p "$port" -t 1 -J "$@" >"$out" \
		2>"$E2E_TMP/$name.err" || rc=$?
	assert_exit "$name client" "$rc"
	wait_exit "$SERVER_PID" 20
	assert_exit "$name server" "$EXIT_RC"
	assert_one_json "$out"
	assert_int_cmp "$name bytes" "$(json_get "$out" .end.sum_received.bytes)" -gt 0
	assert_eq "$name MPTCP connections" \
		"$(($(mpext MPCapableSYNACKRX) - before))" "$want"
	log "$name: ok ($want MPTCP connections)"
}

mp_case ee-plain 0 "$EVPERF" "$EVPERF" -P 2
mp_case ee-mptcp 2 "$EVPERF" "$EVPERF" -m -P 2
mp_case ee-mptcp-rev 1 "$EVPERF" "$EVPERF" --mptcp -R
# -u after -m: UDP (3.21 sends "mptcp" with "udp"; nothing is MPTCP).
mp_case ee-mptcp-udp 0 "$EVPERF" "$EVPERF" -m -u -b 10M
# One server, three tests: its listener turns MPTCP for the -m test and
# back to plain TCP after it.
port=$(free_port)
start_server ip netns exec "$NS" "$EVPERF" -s -p "$port"
ns_wait_port "$port" "$SERVER_PID"
for t in "plain 0" "-m 2" "plain 0"; do
	read -r kind want <<<"$t"
	before=$(mpext MPCapableSYNACKRX)
	args=(-P 2)
	[ "$kind" = -m ] && args+=(-m)
	rc=0
	run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$port" -t 1 \
		-J "${args[@]}" >"$E2E_TMP/seq.json" 2>&1 || rc=$?
	assert_exit "sequence $kind client" "$rc"
	assert_int_cmp "sequence $kind bytes" \
		"$(json_get "$E2E_TMP/seq.json" .end.sum_received.bytes)" -gt 0
	assert_eq "sequence $kind MPTCP connections" \
		"$(($(mpext MPCapableSYNACKRX) - before))" "$want"
done
kill -TERM "$SERVER_PID"
wait_exit "$SERVER_PID" 20
log "one server, plain, -m, plain: ok"
if iperf3_has --mptcp; then
	mp_case ie-mptcp 2 "$EVPERF" "$IPERF3" -m -P 2
	mp_case ei-mptcp 2 "$IPERF3" "$EVPERF" -m -P 2
else
	mp_case ei-fallback 0 "$IPERF3" "$EVPERF" -m -P 2
fi
