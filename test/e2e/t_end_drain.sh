#!/usr/bin/env bash
# The receiver counts every byte of a -n test (evperf <-> evperf). The
# client stops at its budget with the last bytes still in its socket
# buffers and sends TEST_END at once; the server must count on until the
# client's half-close (SERVER_DRAIN_MAX), not stop at TEST_END. A tbf
# qdisc (20 Mbit/s) on the loopback (MTU 1500) of a namespace of the
# test's own makes that tail most of the test: -n 2M and -w 4M leave
# nearly all of it queued when TEST_END goes out. Forward and -P 2: the server's
# end.sum_received.bytes (its own -J document and the client's copy) is
# exactly -n. Skipped (77) without ip netns.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_netns drain
nsx ip link set lo mtu 1500
nsx tc qdisc add dev lo root tbf rate 20mbit burst 64kb latency 2000ms

PORT=5201
N=$((2 * 1024 * 1024))

drain_case() {
	local tag="drain [$*]" cout=$E2E_TMP/c$#.json crc=0
	start_server ip netns exec "$NS" "$EVPERF" -s -1 -p "$PORT" -J
	local spid=$SERVER_PID sout=$SERVER_OUT
	ns_wait_port "$PORT" "$spid"
	run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" \
		-n "$N" -w 4M -J "$@" >"$cout" 2>"$cout.err" || crc=$?
	assert_exit "$tag: client" "$crc" 0
	wait_exit "$spid" 20
	assert_exit "$tag: server" "$EXIT_RC" 0
	assert_one_json "$cout"
	assert_one_json "$sout"
	assert_eq "$tag: client sum_sent.bytes" \
		"$(json_get "$cout" .end.sum_sent.bytes)" "$N"
	assert_eq "$tag: server's own sum_received.bytes" \
		"$(json_get "$sout" .end.sum_received.bytes)" "$N"
	assert_eq "$tag: client's copy of sum_received.bytes" \
		"$(json_get "$cout" .end.sum_received.bytes)" "$N"
	log "$tag: ok"
}

drain_case
drain_case -P 2
log ok
