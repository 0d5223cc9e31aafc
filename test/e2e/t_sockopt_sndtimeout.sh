#!/usr/bin/env bash
# --snd-timeout (TCP_USER_TIMEOUT) in a network namespace of the test's
# own. Once a -t 30 test moves data, iptables drops every segment the
# receiving end sends (its ACKs and its control messages), so the sender's
# data stays unacknowledged. With --snd-timeout 2000 on the sending end
# the kernel gives up after 2 s and the test ends with iperf3's error,
# "unable to write to stream socket: Connection timed out", exit 1, long
# before its -t: forward (client option) and -R (server option, the
# client hears it through SERVER_ERROR). Without the option the same
# sender is still running 8 s after the drop. Exit codes and texts; the
# waits are bounds only.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_netns sndto

MSG="unable to write to stream socket: Connection timed out"
N=0

# stall SERVER_ARGS -- CLIENT_ARGS: start a -t 30 test in the namespace,
# wait for its first interval, then drop what the receiving end sends
# (--sport for the server's segments, --dport for the client's). Sets
# CPID, COUT.
stall() {
	local sargs=() cargs=() port=5201 rule=--sport
	while [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	cargs=("$@")
	case " ${cargs[*]} " in *" -R "*) rule=--dport ;; esac
	N=$((N + 1))
	nsx iptables -F OUTPUT
	start_server ip netns exec "$NS" "$EVPERF" -s -1 -p "$port" \
		"${sargs[@]}"
	ns_wait_port "$port" "$SERVER_PID"
	COUT=$E2E_TMP/client$N.out
	start_bg "$COUT" ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 \
		-p "$port" -t 30 --forceflush "${cargs[@]}"
	CPID=$BG_PID
	wait_match 10 'sec .*bits/sec' "$COUT" ||
		fail "case $N: no interval within 10 s"
	nsx iptables -A OUTPUT -p tcp "$rule" "$port" -j DROP
	log "case $N [${sargs[*]} -- ${cargs[*]}]: dropping $rule $port"
}

# timed_out WHAT: the client exits 1 with the error within 20 s.
timed_out() {
	wait_exit "$CPID" 20
	assert_exit "$1: client" "$EXIT_RC" 1
	assert_contains "$COUT" "iperf3: error - $MSG"
	kill "$SERVER_PID" 2>/dev/null || true
	wait_exit "$SERVER_PID" 10
}

stall -- --snd-timeout 2000
timed_out "forward, client --snd-timeout 2000"

stall --snd-timeout 2000 -- -R
timed_out "-R, server --snd-timeout 2000"

# The same stall without the option: the sender waits on (TCP retries
# for minutes); still running after 8 s, then killed.
stall --
sleep 8
kill -0 "$CPID" 2>/dev/null ||
	fail "without --snd-timeout the client ended within 8 s of the drop"
if grep -Fq "$MSG" "$COUT"; then
	fail "without --snd-timeout: '$MSG'"
fi
nsx iptables -F OUTPUT
log "ok"
