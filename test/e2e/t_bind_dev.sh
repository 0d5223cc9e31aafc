#!/usr/bin/env bash
# --bind-dev and the HOST%DEV forms of -c and -B, between two network
# namespaces of the test's own joined by two veth pairs: c1 (10.77.1.1)
# <-> s1 (10.77.1.2) and c2 (10.77.2.1) <-> s2 (10.77.2.2). The client's
# namespace routes 10.77.1.2 through c2, where nothing answers for it
# (arp_ignore=1 on the server side), so a test to 10.77.1.2 passes only
# if the control connection and every data connection are tied to c1.
# Binding to c2, or to no such device, fails with iperf3's error (the
# same text as stock iperf3's); a server with --bind-dev s1 serves
# 10.77.1.2 and refuses 10.77.2.2. Stock iperf3 both ways. Skips (77)
# without root.
# interop: runs stock iperf3 ($IPERF3) both ways; CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3
e2e_netns bindc
NS_C=$NS
NS_S=evperf-binds-$$
ip netns add "$NS_S" || fail "cannot create $NS_S"
trap 'e2e_cleanup; ip netns del "$NS_C" 2>/dev/null || true; ip netns del "$NS_S" 2>/dev/null || true' EXIT
ip -n "$NS_S" link set lo up
ip link add c1 netns "$NS_C" type veth peer name s1 netns "$NS_S"
ip link add c2 netns "$NS_C" type veth peer name s2 netns "$NS_S"
ip netns exec "$NS_S" sysctl -qw net.ipv4.conf.all.arp_ignore=1
ip -n "$NS_C" addr add 10.77.1.1/24 dev c1
ip -n "$NS_C" addr add 10.77.2.1/24 dev c2
ip -n "$NS_S" addr add 10.77.1.2/24 dev s1
ip -n "$NS_S" addr add 10.77.2.2/24 dev s2
for d in c1 c2; do ip -n "$NS_C" link set "$d" up; done
for d in s1 s2; do ip -n "$NS_S" link set "$d" up; done
ip -n "$NS_C" route add 10.77.1.2/32 dev c2

# bd_run NAME WANT SERVER_BIN SERVER_ARGS CLIENT_BIN CLIENT_ARGS...: one
# test; WANT 0 (passes and moves bytes) or 1 (fails). Leaves the client's
# stderr in $E2E_TMP/NAME.err.
bd_run() {
	local name=$1 want=$2 sbin=$3 sargs=$4 cbin=$5 port out rc=0
	shift 5
	port=$(free_port)
	# shellcheck disable=SC2086 # word-split the server options on purpose
	start_server ip netns exec "$NS_S" "$sbin" -s -p "$port" $sargs
	for ((i = 0; i < 100; i++)); do
		[ -n "$(ip netns exec "$NS_S" ss -Hltn "sport = :$port")" ] && break
		sleep 0.1
	done
	out=$E2E_TMP/$name.json
	run_to 60 ip netns exec "$NS_C" "$cbin" -p "$port" -t 1 -J "$@" \
		>"$out" 2>"$E2E_TMP/$name.err" || rc=$?
	assert_exit "$name client" "$rc" "$want"
	if [ "$want" = 0 ]; then
		assert_one_json "$out"
		assert_int_cmp "$name bytes" \
			"$(json_get "$out" .end.sum_received.bytes)" -gt 0
	fi
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 20
	log "$name: ok (exit $rc)"
}

# bd_error NAME: the error evperf's -J document carries, as text.
bd_error() {
	json_get "$E2E_TMP/$1.json" .error
}

bd_run dev 0 "$EVPERF" "" "$EVPERF" -c 10.77.1.2 --bind-dev c1 -P 2
bd_run dev-udp 0 "$EVPERF" "" "$EVPERF" -c 10.77.1.2 --bind-dev c1 -u -b 10M
bd_run dev-rev 0 "$EVPERF" "" "$EVPERF" -c 10.77.1.2 --bind-dev c1 -R
bd_run pct 0 "$EVPERF" "" "$EVPERF" -c 10.77.1.2%c1
bd_run bind-pct 0 "$EVPERF" "" "$EVPERF" -c 10.77.1.2 -B 10.77.1.1%c1
bd_run none 1 "$EVPERF" "" "$EVPERF" -c 10.77.1.2
bd_run wrong 1 "$EVPERF" "" "$EVPERF" -c 10.77.1.2 --bind-dev c2
assert_eq "wrong device" "$(bd_error wrong)" \
	"unable to connect to server - server may have stopped running or use a different port, firewall issue, etc.: No route to host"
bd_run nodev 1 "$EVPERF" "" "$EVPERF" -c 10.77.1.2%nosuchdev
assert_eq "no such device" "$(bd_error nodev)" \
	"unable to connect to server - server may have stopped running or use a different port, firewall issue, etc.: No such device"
# Stock iperf3 3.21's own words for the same two mistakes (3.12 words
# them differently).
if iperf3_at_least 3.21; then
	bd_run wrong-stock 1 "$EVPERF" "" "$IPERF3" -c 10.77.1.2 --bind-dev c2
	assert_eq "stock: wrong device" "$(json_get "$E2E_TMP/wrong-stock.json" .error)" "$(bd_error wrong)"
	bd_run nodev-stock 1 "$EVPERF" "" "$IPERF3" -c 10.77.1.2%nosuchdev
	assert_eq "stock: no such device" "$(json_get "$E2E_TMP/nodev-stock.json" .error)" "$(bd_error nodev)"
fi

# The server's --bind-dev: its listener hears s1 only.
ip -n "$NS_C" route del 10.77.1.2/32 dev c2
bd_run srv-dev 0 "$EVPERF" "--bind-dev s1" "$EVPERF" -c 10.77.1.2
bd_run srv-dev-udp 0 "$EVPERF" "-B 10.77.1.2%s1" "$EVPERF" -c 10.77.1.2 -u -b 10M
bd_run srv-other 1 "$EVPERF" "--bind-dev s1" "$EVPERF" -c 10.77.2.2
assert_eq "server bound elsewhere" "$(bd_error srv-other)" \
	"unable to connect to server - server may have stopped running or use a different port, firewall issue, etc.: Connection refused"
ip -n "$NS_C" route add 10.77.1.2/32 dev c2
bd_run ie-dev 0 "$EVPERF" "--bind-dev s1" "$IPERF3" -c 10.77.1.2 --bind-dev c1
bd_run ei-dev 0 "$IPERF3" "--bind-dev s1" "$EVPERF" -c 10.77.1.2%c1 -P 2
