#!/usr/bin/env bash
# --cntl-ka[=IDLE/INTVL/CNT] on loopback: SO_KEEPALIVE and TCP_KEEPIDLE on
# the control connection only. While a test runs, `ss -to` shows a
# keepalive timer of at most IDLE seconds on exactly one connection per
# end (the control one; data connections have none): client
# --cntl-ka=30/4/2 and server --cntl-ka=40/5/3; without the option, no
# keepalive timer at all. -V prints iperf3 3.21's line with the values in
# force. A given IDLE that does not exceed the system's
# INTVL * CNT (net.ipv4.tcp_keepalive_*) fails as iperf3 3.21 does, once
# connected: exit 1, "control connection Keepalive period should be larger
# than the full retry period (interval * count)". Texts and exit codes.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

N=0
# ka_timers PORT sport|dport: the keepalive timers (seconds) on the
# connections of that side of PORT, one per line.
ka_timers() {
	ss -tnoH state established "( $2 = :$1 )" |
		sed -n 's/.*timer:(keepalive,\([0-9][0-9]*\)\(\.[0-9]*\)\{0,1\}sec,.*/\1/p'
}

# ka_case SERVER_KA CLIENT_KA: a -t 3 -P 2 test; checks both ends' timers
# while it runs. An empty *_KA means no option.
ka_case() {
	local sopt=() copt=() port cout n
	[ -n "$1" ] && sopt=("$1")
	[ -n "$2" ] && copt=("$2")
	N=$((N + 1))
	port=$(free_port)
	start_server "$EVPERF" -s -1 -V -p "$port" "${sopt[@]}"
	wait_port "$port" "$SERVER_PID"
	cout=$E2E_TMP/client$N.out
	start_bg "$cout" "$EVPERF" -c 127.0.0.1 -p "$port" -t 3 -P 2 -b 1M \
		-V --forceflush "${copt[@]}"
	local cpid=$BG_PID
	wait_match 10 'sec .*bits/sec' "$cout" ||
		fail "case $N: no interval within 10 s"
	CLIENT_KA=$(ka_timers "$port" dport)
	SERVER_KA=$(ka_timers "$port" sport)
	log "case $N [server ${sopt[*]}, client ${copt[*]}]:" \
		"client timers [${CLIENT_KA//$'\n'/ }], server [${SERVER_KA//$'\n'/ }]"
	wait_exit "$cpid" 20
	assert_exit "case $N: client" "$EXIT_RC" 0
	assert_contains "$cout" "iperf Done."
	wait_exit "$SERVER_PID" 20
	assert_exit "case $N: server" "$EXIT_RC" 0
}

# one_timer WHAT TIMERS MAX: exactly one timer, of at most MAX seconds.
one_timer() {
	assert_eq "$1: keepalive timers" "$(printf '%s\n' "$2" | grep -c .)" 1
	assert_int_cmp "$1: keepalive timer" "$2" -le "$3"
}

ka_case --cntl-ka=40/5/3 --cntl-ka=30/4/2
one_timer "client --cntl-ka=30/4/2" "$CLIENT_KA" 30
one_timer "server --cntl-ka=40/5/3" "$SERVER_KA" 40
# iperf3 3.21's -V line, with the values in force.
KA_LINE="Control connection TCP Keepalive TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT are set to"
assert_contains "$E2E_TMP/client1.out" "$KA_LINE 30/4/2"
assert_contains "$SERVER_OUT" "$KA_LINE 40/5/3"

ka_case "" ""
assert_eq "no --cntl-ka: client timers" "$CLIENT_KA" ""
assert_eq "no --cntl-ka: server timers" "$SERVER_KA" ""
if grep -Fq "$KA_LINE" "$E2E_TMP/client2.out" "$SERVER_OUT"; then
	fail "no --cntl-ka: '$KA_LINE' printed"
fi

# IDLE not above the system's INTVL * CNT: iperf3's run-time check.
intvl=$(cat /proc/sys/net/ipv4/tcp_keepalive_intvl 2>/dev/null) || intvl=
cnt=$(cat /proc/sys/net/ipv4/tcp_keepalive_probes 2>/dev/null) || cnt=
if [[ $intvl =~ ^[0-9]+$ && $cnt =~ ^[0-9]+$ ]] && ((intvl * cnt > 0)); then
	port=$(free_port)
	start_server "$EVPERF" -s -p "$port"
	wait_port "$port" "$SERVER_PID"
	rc=0
	run_to 20 "$EVPERF" -c 127.0.0.1 -p "$port" -t 1 \
		--cntl-ka=$((intvl * cnt)) >"$E2E_TMP/ka.out" 2>&1 || rc=$?
	assert_exit "--cntl-ka=$((intvl * cnt))" "$rc" 1
	assert_contains "$E2E_TMP/ka.out" "iperf3: error - control connection Keepalive period should be larger than the full retry period (interval * count)"
	assert_contains "$E2E_TMP/ka.out" "Keepalive Idle time ($((intvl * cnt))) should be greater than Retries-interval ($intvl) times Retries-count ($cnt)"
	# The server goes on serving.
	PORT=$port
	assert_still_serving
fi
log "ok"
