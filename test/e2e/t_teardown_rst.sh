#!/usr/bin/env bash
# Teardown without resets (docs/design.md, "How connections end"). At the
# end of a normal test evperf closes every TCP connection gracefully: the
# sender half-closes, both ends read to end of file before close, so its
# side never sends a RST. In a network namespace of its own, iptables
# counts the RST segments leaving each side of the test's port: --sport
# PORT (the server's) and --dport PORT (the client's). For evperf ->
# evperf, evperf -> stock iperf3 and stock iperf3 -> evperf, in TCP
# forward, -R and --bidir, -P 4, with -t 1 and -n, each test must succeed
# (exit 0 at both ends, bytes > 0 both ways in the client's -J) and the
# evperf side(s) must have sent no RST. Stock iperf3 may send its own;
# they are logged, not judged. Skipped (77) when `ip netns` cannot be
# used (not root); the stock pairings are left out without iperf3.
# interop: runs stock iperf3 ($IPERF3) when present
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_netns rst

PORT=5201
nsx iptables -A OUTPUT -p tcp --sport "$PORT" --tcp-flags RST RST
nsx iptables -A OUTPUT -p tcp --dport "$PORT" --tcp-flags RST RST

# rst_count sport|dport: RST segments counted by that rule since the last
# iptables -Z.
rst_count() {
	nsx iptables -nvxL OUTPUT |
		awk -v m="$1:$PORT" '$0 ~ m && /0x04\/0x04/ { print $1 }'
}

# ns_settle: both ends have exited; wait (bounded) until the kernel has
# finished with their connections (nothing left but TIME_WAIT), so every
# segment the test caused is counted before the counters are read.
ns_settle() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -z "$(nsx ss -Htan state connected \
			"( sport = :$PORT or dport = :$PORT )" |
			grep -v TIME-WAIT)" ] && return 0
		sleep 0.1
	done
	log "connections still closing after 5 s:"
	nsx ss -tan "( sport = :$PORT or dport = :$PORT )" >&2 || true
}

HAVE_STOCK=0
if command -v "${IPERF3:-iperf3}" >/dev/null 2>&1; then
	HAVE_STOCK=1
fi

# rst_case PAIRING ARGS...: one test between the pairing's binaries in the
# namespace; assert success and no RST from an evperf side.
rst_case() {
	local pairing_name=$1 crc=0 srst crst
	shift
	pairing "$pairing_name"
	CASE_N=$((${CASE_N:-0} + 1))
	local tag="case $CASE_N [$pairing_name $*]"
	local cout=$E2E_TMP/client$CASE_N.out cerr=$E2E_TMP/client$CASE_N.err
	log "$tag"
	nsx iptables -Z OUTPUT
	start_server ip netns exec "$NS" "$SERVER_BIN" -s -1 -p "$PORT" -J
	local spid=$SERVER_PID sout=$SERVER_OUT
	ns_wait_port "$PORT" "$spid"
	run_to 60 ip netns exec "$NS" "$CLIENT_BIN" -c 127.0.0.1 -p "$PORT" \
		-P 4 -J "$@" >"$cout" 2>"$cerr" || crc=$?
	assert_exit "$tag: client" "$crc" 0
	wait_exit "$spid" 20
	assert_exit "$tag: server" "$EXIT_RC" 0
	ns_settle
	srst=$(rst_count spt)
	crst=$(rst_count dpt)
	log "$tag: RSTs sent by the server side $srst, by the client side $crst"

	assert_one_json "$cout"
	assert_int_cmp "$tag: client end.sum_sent.bytes" \
		"$(json_get "$cout" .end.sum_sent.bytes)" -gt 0
	assert_int_cmp "$tag: client end.sum_received.bytes" \
		"$(json_get "$cout" .end.sum_received.bytes)" -gt 0
	assert_one_json "$sout"
	if [ "$SERVER_BIN" = "$EVPERF" ]; then
		assert_eq "$tag: RSTs sent by the evperf server" "$srst" 0
	fi
	if [ "$CLIENT_BIN" = "$EVPERF" ]; then
		assert_eq "$tag: RSTs sent by the evperf client" "$crst" 0
	fi
}

PAIRINGS=(ee)
if ((HAVE_STOCK)); then
	PAIRINGS+=(ei ie)
else
	log "stock iperf3 not installed: evperf -> evperf only"
fi
for pairing_name in "${PAIRINGS[@]}"; do
	rst_case "$pairing_name" -t 1
	rst_case "$pairing_name" -t 1 -R
	rst_case "$pairing_name" -t 1 --bidir
	rst_case "$pairing_name" -n 64M
	rst_case "$pairing_name" -n 64M -R
	rst_case "$pairing_name" -n 64M --bidir
done
log ok
