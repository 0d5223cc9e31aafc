#!/usr/bin/env bash
# --crr when the client runs out of local ports (docs/protocol.md §4b): in
# a network namespace of its own with 500 ephemeral ports and
# net.ipv4.tcp_tw_reuse=0, every port is in TIME_WAIT after about 500
# connections. connect() then fails with EADDRNOTAVAIL; the loop tries
# again after a pause instead of failing at once, and says so: the test
# completes, end.latency.connect_retries is above 0 and the text report
# has the [CRR] line counting them. The server serves a bulk test after.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=rr_lib.sh
. "$(dirname "$0")/rr_lib.sh"

e2e_netns crrports
nsx sysctl -qw net.ipv4.ip_local_port_range="40000 40499"
nsx sysctl -qw net.ipv4.tcp_tw_reuse=0

PORT=5201
start_server ip netns exec "$NS" "$EVPERF" -s -p "$PORT"
ns_wait_port "$PORT" "$SERVER_PID"

rc=0
run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" --crr -t 2 \
	-J >"$E2E_TMP/crr.json" 2>"$E2E_TMP/crr.err" || rc=$?
assert_exit "--crr out of ports, -J" "$rc" 0
rr_check_json "$E2E_TMP/crr.json" crr 1 1
assert_int_cmp "connect_retries" \
	"$(json_get "$E2E_TMP/crr.json" .end.latency.connect_retries)" -gt 0
assert_int_cmp "connections (at most the ports)" \
	"$(json_get "$E2E_TMP/crr.json" .end.latency.loaded.connections)" -le 500

# Those 500 ports stay in TIME_WAIT for 60 s (the next control connection
# would find none): 500 fresh ones for the text report, which says so too.
nsx sysctl -qw net.ipv4.ip_local_port_range="40500 40999"
rc=0
run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" --crr -t 1 \
	>"$E2E_TMP/crr.txt" 2>&1 || rc=$?
assert_exit "--crr out of ports, text" "$rc" 0
assert_match "$E2E_TMP/crr.txt" \
	'^\[CRR\] [1-9][0-9]* connects failed and were tried again \(no local port free'

nsx sysctl -qw net.ipv4.ip_local_port_range="32768 60999"
rc=0
run_to 30 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 1 \
	>"$E2E_TMP/bulk.txt" 2>&1 || rc=$?
assert_exit "a bulk test after" "$rc" 0
assert_contains "$E2E_TMP/bulk.txt" "iperf Done."
log ok
