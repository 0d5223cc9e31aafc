#!/usr/bin/env bash
# UDP against a persistent evperf server (no -1) that must outlive clients
# vanishing mid-test (the ICMP port-unreachable errors a server gets when
# it sends to, or hears about, a closed client port must not poison it):
# 12 consecutive UDP clients, evperf and stock iperf3, -P 1/2/4, forward
# and -R, every other one started with -t 4 and SIGKILLed by PID once its
# streams are up (>= 1.5 s in). Every client that is not killed exits 0
# with one -J document holding the server's side too (sum_sent and
# sum_received bytes > 0, end.sum.jitter_ms and end.sum.lost_percent
# numbers); a client may retry, boundedly, while the server is still busy
# noticing a killed client's control EOF. All 12 runs are accounted for
# (6 completed, 6 killed), the server is alive and listening after each
# run and serves a final client. t_udp_daemon.sh sources this script with
# UDP_PERSIST_MODE=daemon to run a shorter sequence against a -D
# --pidfile server. With UDP_PERSIST_INJECT=N/K (CTest's
# e2e.udp_persistent.inject, and win/test-wine.sh against evperf.exe) the
# server and the evperf clients run with EVPERF_INJECT_UDP_RESETS=N/K:
# after every K receive calls on any UDP socket, N fail with the error an
# ICMP port unreachable leaves (ECONNREFUSED; WSAECONNRESET on Windows,
# seed 000), and the server, stopped by SIGINT at the end, must report
# that it took some.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_iperf3

N_DONE=0
N_KILLED=0

# persist_bin TOOL FATE: the binary of "ev" (evperf) or "i3" (stock
# iperf3). An evperf client that is to be killed is $UDP_PERSIST_KILL_BIN
# when set: win/test-wine.sh kills Linux evperf clients there, as wine 8's
# wineserver can keep a SIGKILLed process's sockets open (no FIN; seen
# with ss, held by wineserver64), which no Windows kernel does.
persist_bin() {
	case $1 in
	ev) if [ "${2:-}" = kill ]; then
		echo "${UDP_PERSIST_KILL_BIN:-$EVPERF}"
	else
		echo "$EVPERF"
	fi ;;
	i3) echo "$IPERF3" ;;
	*) fail "unknown tool $1" ;;
	esac
}

# persist_busy FILE: FILE is a -J document whose error is "server busy".
persist_busy() {
	jq -e '(.error // "") | test("busy")' "$1" >/dev/null 2>&1
}

# assert_serving: the server process is alive and its TCP port listens.
assert_serving() {
	kill -0 "$SERVER_PID" 2>/dev/null ||
		fail "$1: the server (pid $SERVER_PID) has exited"
	[ -n "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ] ||
		fail "$1: the server no longer listens on port $PORT"
}

# persist_client N TOOL PAR DIR FATE: client number N (TOOL ev|i3, -P PAR,
# DIR fwd|rev) that either completes (FATE run, -t 1) or is SIGKILLed mid
# test (FATE kill, -t 4). Both retry while the server says it is busy.
persist_client() {
	local n=$1 tool=$2 par=$3 dir=$4 fate=$5 bin try out rc
	bin=$(persist_bin "$tool" "$fate")
	local args=(-c 127.0.0.1 -p "$PORT" -u -b 10M -l 1400 -J -P "$par")
	[ "$dir" = rev ] && args+=(-R)
	local tag="client $n [${bin##*/} -P $par $dir, $fate]"
	for ((try = 1; try <= 40; try++)); do
		out=$E2E_TMP/c$n.try$try.json
		if [ "$fate" = run ]; then
			rc=0
			run_to 30 "$bin" "${args[@]}" -t 1 >"$out" 2>"$out.err" || rc=$?
		else
			persist_kill_run "$bin" "$out" "$par" "${args[@]}" -t 4
			if [ "$KILLED" = 1 ]; then
				N_KILLED=$((N_KILLED + 1))
				log "$tag: killed after $KILL_AFTER s (try $try)"
				assert_serving "$tag"
				return 0
			fi
			rc=$EXIT_RC
		fi
		if persist_busy "$out"; then
			sleep 0.25
			continue
		fi
		[ "$fate" = run ] || fail "$tag ended by itself (status $rc) before it was killed"
		assert_exit "$tag" "$rc" 0
		assert_one_json "$out"
		assert_eq "$tag: test_start.protocol" \
			"$(json_get "$out" .start.test_start.protocol)" UDP
		assert_eq "$tag: end.streams entries" \
			"$(json_get "$out" '.end.streams | length')" "$par"
		local k t
		for k in sum.jitter_ms sum.lost_percent sum_received.jitter_ms \
			sum_received.lost_percent; do
			t=$(json_get "$out" ".end.$k | type")
			assert_eq "$tag: type of end.$k" "$t" number
		done
		assert_int_cmp "$tag: end.sum_sent.bytes" \
			"$(json_get "$out" .end.sum_sent.bytes)" -gt 0
		assert_int_cmp "$tag: end.sum_received.bytes" \
			"$(json_get "$out" .end.sum_received.bytes)" -gt 0
		assert_int_cmp "$tag: end.sum_received.packets" \
			"$(json_get "$out" .end.sum_received.packets)" -gt 0
		assert_int_cmp "$tag: received packets <= sent packets" \
			"$(json_get "$out" .end.sum_received.packets)" -le \
			"$(json_get "$out" .end.sum_sent.packets)"
		N_DONE=$((N_DONE + 1))
		log "$tag: completed (try $try), loss" \
			"$(json_get "$out" .end.sum_received.lost_percent) %"
		assert_serving "$tag"
		return 0
	done
	fail "$tag: the server was still busy after 40 tries"
}

# persist_kill_run BIN OUT PAR ARGS...: start a client in the background
# (its own PID, so SIGKILL reaches it), and once the server has PAR
# connected UDP stream sockets and >= 1.5 s have passed (at most ~3.5 s),
# SIGKILL it. Sets KILLED=1 and KILL_AFTER, or KILLED=0 and EXIT_RC if it
# ended by itself first (e.g. "server busy").
persist_kill_run() {
	local bin=$1 out=$2 par=$3 pid i nconn
	shift 3
	"$bin" "$@" >"$out" 2>"$out.err" &
	pid=$!
	E2E_PIDS+=("$pid")
	KILLED=0
	for ((i = 1; i <= 35; i++)); do
		sleep 0.1
		if ! kill -0 "$pid" 2>/dev/null; then
			wait_exit "$pid" 5
			return 0
		fi
		((i >= 15)) || continue
		nconn=$(ss -Hun state established "sport = :$PORT" 2>/dev/null | wc -l)
		((nconn >= par)) && break
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait_exit "$pid" 10
	[ "$EXIT_RC" = 255 ] && fail "client pid $pid survived SIGKILL"
	if [ "$EXIT_RC" = 137 ]; then
		KILLED=1
		KILL_AFTER=$(awk -v i="$i" 'BEGIN { printf "%.1f", i / 10 }')
	fi
}

# persist_sequence SPEC...: run the clients "TOOL:PAR:DIR:FATE" in order.
persist_sequence() {
	local spec n=0 f
	for spec in "$@"; do
		n=$((n + 1))
		IFS=: read -r -a f <<<"$spec"
		persist_client "$n" "${f[@]}"
	done
}

# persist_final: two more clients after the sequence (iperf3 forward, evperf
# -P 2 -R); the server is still serving afterwards.
persist_final() {
	local done0=$N_DONE
	persist_client final i3 1 fwd run
	persist_client final2 ev 2 rev run
	N_DONE=$done0
	assert_serving "after the final clients"
}

# The sequence: each of tool x -P x direction once; completed and killed
# clients alternate and each half covers both tools, both directions and
# -P 1, 2 and 4.
SEQ12=(
	ev:1:fwd:run i3:1:fwd:kill
	i3:1:rev:run ev:1:rev:kill
	ev:2:rev:run i3:2:rev:kill
	i3:2:fwd:run ev:2:fwd:kill
	ev:4:fwd:run i3:4:fwd:kill
	i3:4:rev:run ev:4:rev:kill
)
SEQ4=(ev:2:fwd:run i3:2:rev:kill i3:4:fwd:run ev:1:rev:kill)

persist_foreground() {
	PORT=$(free_port)
	if [ -n "${UDP_PERSIST_INJECT:-}" ]; then
		export EVPERF_INJECT_UDP_RESETS=$UDP_PERSIST_INJECT
	fi
	start_server "$EVPERF" -s -p "$PORT"
	wait_port "$PORT" "$SERVER_PID"
	persist_sequence "${SEQ12[@]}"
	assert_eq "completed clients" "$N_DONE" 6
	assert_eq "killed clients" "$N_KILLED" 6
	persist_final
	[ -n "${UDP_PERSIST_INJECT:-}" ] && persist_injected
	return 0
}

# persist_injected: SIGINT ends the server (Ctrl-C; a console control
# event under wine), which then says how many receives failed on purpose.
persist_injected() {
	local n
	kill -INT "$SERVER_PID"
	wait_exit "$SERVER_PID" 10
	[ "$EXIT_RC" = 255 ] && fail "the server survived SIGINT for 10 s"
	n=$(sed -n 's/^warning: fault injection: \([0-9]*\) UDP receive calls failed.*/\1/p' \
		"$SERVER_ERR" | tr -d '\r')
	[ -n "$n" ] || fail "no fault injection line from the server: $(cat "$SERVER_ERR")"
	assert_int_cmp "UDP receive calls failed by injection" "$n" -gt 0
	log "the server took $n injected UDP resets and served every client"
}

# persist_daemon: the server daemonizes (-D) and writes its PID, without a
# trailing newline, to --pidfile; it is killed by that PID at the end and
# removes the file.
persist_daemon() {
	local pidf=$E2E_TMP/evperf.pid log=$E2E_TMP/daemon.log rc=0 i pid
	PORT=$(free_port)
	run_to 10 "$EVPERF" -s -D --pidfile "$pidf" --logfile "$log" -p "$PORT" \
		>"$E2E_TMP/daemon.start.out" 2>&1 || rc=$?
	for ((i = 0; i < 50; i++)); do
		[ -s "$pidf" ] && break
		sleep 0.1
	done
	[ -s "$pidf" ] || fail "no pidfile $pidf after 5 s (evperf -D exited $rc)"
	pid=$(cat "$pidf")
	[[ $pid =~ ^[1-9][0-9]*$ ]] || fail "pidfile holds '$pid', not a PID"
	[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$EVPERF")" ] ||
		fail "pid $pid from the pidfile is not a running evperf"
	E2E_PIDS+=("$pid")
	assert_eq "newlines in the pidfile" "$(tr -cd '\n' <"$pidf" | wc -c)" 0
	assert_exit "evperf -D (the parent)" "$rc" 0
	SERVER_PID=$pid
	wait_port "$PORT" "$SERVER_PID"

	persist_sequence "${SEQ4[@]}"
	assert_eq "completed clients" "$N_DONE" 2
	assert_eq "killed clients" "$N_KILLED" 2
	persist_final

	kill -TERM "$pid"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && fail "daemon pid $pid survived SIGTERM for 5 s"
	e2e_forget "$pid"
	[ -e "$pidf" ] && fail "the daemon left its pidfile behind"
	return 0
}

case ${UDP_PERSIST_MODE:-foreground} in
foreground) persist_foreground ;;
daemon) persist_daemon ;;
*) fail "unknown UDP_PERSIST_MODE" ;;
esac
log ok
