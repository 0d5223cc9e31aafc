#!/usr/bin/env bash
# --fq-rate on loopback: the sender's data sockets carry SO_MAX_PACING_RATE
# (100 Mbit/s = 12.5 MB/s), so a TCP test that loopback runs at Gbit/s
# without it moves no more than twice the cap with it (the cap is on the
# bytes, not a clock: the assertion is on the bytes the receiver counted
# over the test). Forward (the evperf client paces), -R (the server paces,
# from the "fqrate" parameter), and the two stock pairings: a stock client
# with -R (an evperf server paces) and an evperf client with -R against a
# stock server (the key is understood). The -J start of an evperf client
# reports fq_rate and test_start.fqrate. A 3.12 server ignores the key
# with -R (it sends at full speed); that case is judged from 3.21 on.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3

CAP=100000000
N=0
# rate PAIRING ARGS...: one -t 2 -J test; prints the received bits/s.
rate() {
	local pairing_name=$1 rc=0
	shift
	pairing "$pairing_name"
	N=$((N + 1))
	local port out=$E2E_TMP/c$N.json
	port=$(free_port)
	start_server "$SERVER_BIN" -s -1 -p "$port"
	wait_port "$port" "$SERVER_PID"
	run_to 30 "$CLIENT_BIN" -c 127.0.0.1 -p "$port" -t 2 -J "$@" \
		>"$out" 2>"$E2E_TMP/c$N.err" || rc=$?
	assert_exit "[$pairing_name $*] client" "$rc" 0
	wait_exit "$SERVER_PID" 20
	assert_exit "[$pairing_name $*] server" "$EXIT_RC" 0
	assert_one_json "$out"
	jq -r '.end.sum_received.bits_per_second | floor' "$out"
}

base=$(rate ee)
log "no --fq-rate: $base bit/s"
assert_int_cmp "loopback without --fq-rate" "$base" -gt $((2 * CAP))

for c in "ee" "ee -R" "ie -R" "ei -R" "ei"; do
	# shellcheck disable=SC2086 # the pairing and its flag
	got=$(rate $c --fq-rate 100M)
	log "[$c --fq-rate 100M]: $got bit/s"
	if [ "$c" = "ei -R" ] && ! iperf3_at_least 3.21; then
		continue
	fi
	assert_int_cmp "[$c --fq-rate 100M] received" "$got" -gt 0
	assert_int_cmp "[$c --fq-rate 100M] received" "$got" -lt $((2 * CAP))
done

rate ee -R --fq-rate 100M >/dev/null
assert_eq "start.fq_rate" "$(json_get "$E2E_TMP/c$N.json" .start.fq_rate)" "$CAP"
assert_eq "start.test_start.fqrate" \
	"$(json_get "$E2E_TMP/c$N.json" .start.test_start.fqrate)" "$CAP"
log "ok"
