#!/usr/bin/env bash
# --dont-fragment (IP_PMTUDISC_DO on IPv4 UDP data sockets) in a network
# namespace whose loopback MTU is 1280. UDP -l 1400 datagrams: without the
# option the kernel fragments them and the test passes with no loss; with
# it the sender's send fails with EMSGSIZE and the test ends with iperf3's
# "unable to write to stream socket: Message too long", exit 1 (after the
# 1 s a stream error waits for the control connection, hence -t 3): forward
# (the client's sockets) and -R against a server on IPv4 (-4), which sets
# DF from the "dont_fragment" key, also when the client is stock iperf3.
# As iperf3, a dual-stack (IPv6) server socket gets no DF. Exit codes,
# texts and JSON fields only.
# interop: runs stock iperf3 ($IPERF3) when present
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_netns df
nsx ip link set lo mtu 1280

MSG="unable to write to stream socket: Message too long"
PORT=5201
N=0

# udp_case CLIENT_BIN SERVER_ARGS -- CLIENT_ARGS: one -u -l 1400 -t 3 test
# in the namespace. Sets RC, COUT.
udp_case() {
	local bin=$1 sargs=()
	shift
	while [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	N=$((N + 1))
	COUT=$E2E_TMP/client$N.out
	start_server ip netns exec "$NS" "$EVPERF" -s -1 -p "$PORT" \
		"${sargs[@]}"
	ns_wait_port "$PORT" "$SERVER_PID"
	RC=0
	run_to 30 ip netns exec "$NS" "$bin" -c 127.0.0.1 -p "$PORT" -u \
		-b 10M -l 1400 -t 3 "$@" >"$COUT" 2>&1 || RC=$?
	wait_exit "$SERVER_PID" 20
	log "case $N [$(basename "$bin") ${sargs[*]} -- $*]: exit $RC"
}

udp_case "$EVPERF" -- -J
assert_exit "no DF" "$RC" 0
assert_one_json "$COUT"
assert_int_cmp "no DF: packets" "$(json_get "$COUT" .end.sum.packets)" -gt 0
assert_eq "no DF: lost" "$(json_get "$COUT" .end.sum.lost_packets)" 0

udp_case "$EVPERF" -- --dont-fragment
assert_exit "forward DF" "$RC" 1
assert_contains "$COUT" "iperf3: error - $MSG"

udp_case "$EVPERF" -- --dont-fragment -J
assert_exit "forward DF -J" "$RC" 1
assert_eq "forward DF -J: error" "$(json_get "$COUT" .error)" "$MSG"

udp_case "$EVPERF" -4 -- --dont-fragment -R
assert_exit "-R DF, server -4" "$RC" 1
assert_contains "$COUT" "iperf3: error - $MSG"

# A dual-stack server socket is IPv6: no DF there, as iperf3.
udp_case "$EVPERF" -- --dont-fragment -R -J
assert_exit "-R DF, dual-stack server" "$RC" 0
assert_int_cmp "-R DF, dual-stack: packets" \
	"$(json_get "$COUT" .end.sum.packets)" -gt 0

if command -v "${IPERF3:-iperf3}" >/dev/null 2>&1; then
	need_iperf3
	if iperf3_has --dont-fragment; then
		udp_case "$IPERF3" -4 -- --dont-fragment -R
		assert_exit "stock -R DF, server -4" "$RC" 1
		assert_contains "$COUT" "iperf3: error - $MSG"
	fi
fi
log "ok"
