#!/usr/bin/env bash
# -L/--flowlabel on ::1 in a network namespace of the test's own: an
# ip6tables u32 rule counts the packets to the server's port whose IPv6
# flow label is 0x12345. evperf's client with -L 0x12345 puts it on its
# data connection (against evperf's server and stock iperf3's); without
# -L nothing carries it; stock iperf3's -L client against evperf's server
# (which takes its "flowlabel" key) does the same. Towards an IPv4 peer
# the client fails with iperf3's "unable to set IPv6 flow label". Skips
# (77) without root, ::1, or ip6tables' u32 match.
# interop: runs stock iperf3 ($IPERF3) both ways; CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3
need_cmd ip6tables
e2e_netns flowlabel
LABEL=0x12345

# fl_case NAME WANT SERVER_BIN CLIENT_BIN CLIENT_ARGS...: the test passes
# and moves bytes; WANT "yes": packets carried the label, "no": none did.
fl_case() {
	local name=$1 want=$2 sbin=$3 cbin=$4 port out rc=0 n
	shift 4
	port=$(free_port)
	nsx ip6tables -F OUTPUT
	nsx ip6tables -A OUTPUT -p tcp --dport "$port" \
		-m u32 --u32 "0&0xFFFFF=$LABEL" 2>"$E2E_TMP/u32.err" || {
		log "SKIP: ip6tables has no u32 match"
		exit 77
	}
	start_server ip netns exec "$NS" "$sbin" -s -1 -p "$port"
	ns_wait_port "$port" "$SERVER_PID"
	out=$E2E_TMP/$name.json
	run_to 60 ip netns exec "$NS" "$cbin" -c ::1 -p "$port" -t 1 -J "$@" \
		>"$out" 2>"$E2E_TMP/$name.err" || rc=$?
	assert_exit "$name client" "$rc"
	wait_exit "$SERVER_PID" 20
	assert_exit "$name server" "$EXIT_RC"
	assert_one_json "$out"
	assert_int_cmp "$name bytes" "$(json_get "$out" .end.sum_received.bytes)" -gt 0
	n=$(nsx ip6tables -nvxL OUTPUT | awk '/u32/ { print $1 }')
	if [ "$want" = yes ]; then
		assert_int_cmp "$name packets labelled $LABEL" "$n" -gt 0
	else
		assert_eq "$name packets labelled $LABEL" "$n" 0
	fi
	log "$name: ok ($n packets labelled)"
}

fl_case ee-label yes "$EVPERF" "$EVPERF" -L "$LABEL"
fl_case ee-decimal yes "$EVPERF" "$EVPERF" --flowlabel 74565 -P 2
fl_case ee-none no "$EVPERF" "$EVPERF"
fl_case ei-label yes "$IPERF3" "$EVPERF" -L "$LABEL"
fl_case ie-label yes "$EVPERF" "$IPERF3" -L "$LABEL"

# An IPv4 peer: iperf3's error once the data connection is made.
port=$(free_port)
start_server ip netns exec "$NS" "$EVPERF" -s -1 -p "$port"
ns_wait_port "$port" "$SERVER_PID"
rc=0
run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$port" -t 1 \
	-L 5 >"$E2E_TMP/v4.out" 2>"$E2E_TMP/v4.err" || rc=$?
assert_exit "IPv4 peer client" "$rc" 1
assert_contains "$E2E_TMP/v4.err" "iperf3: error - unable to set IPv6 flow label"
wait_exit "$SERVER_PID" 20
log "IPv4 peer: ok"
