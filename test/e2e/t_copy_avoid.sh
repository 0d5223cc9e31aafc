#!/usr/bin/env bash
# -Z, --skip-rx-copy and --repeating-payload. On the wire: the client's
# parameters carry "zerocopy", "skip_rx_copy" and "repeating_payload" as
# the number 1 exactly when given, as stock iperf3 sends them (captured by
# paramcap.py; --skip-rx-copy only where this iperf3 has it). In effect
# (strace, where it can trace): -Z senders call sendfile, a server too when
# an iperf3 -R -Z client asks; --skip-rx-copy receivers recv with MSG_TRUNC,
# the server too when asked; the byte counts stay exact (-n; with -R the
# evperf server also sends exactly -n, a whole number of blocks). The payload
# of --repeating-payload is iperf3's "0123456789..." from each block's
# start, sent by an evperf client and by an evperf server an iperf3 -R
# client asked for it (written to a file with -F and compared).
# Skipped (77) without iperf3.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3
need_cmd cmp

# keys BIN ARGS...: the three keys of BIN's parameters, as one JSON line.
keys() {
	local port pid
	port=$(free_port)
	BG_TIMEOUT=20 start_bg "$E2E_TMP/cap.json" python3 "$E2E_DIR/paramcap.py" "$port"
	pid=$BG_PID
	wait_port "$port" "$pid"
	run_to 10 "$@" -c 127.0.0.1 -p "$port" >/dev/null 2>&1 || true
	wait_exit "$pid" 10
	assert_exit "paramcap" "$EXIT_RC" 0
	head -n 1 "$E2E_TMP/cap.json" | jq -c \
		'{zerocopy, skip_rx_copy, repeating_payload} |
		 with_entries(.value |= (if . == null then "absent" else
		 {(type): .} end))'
}

all="-Z --skip-rx-copy --repeating-payload"
want='{"zerocopy":{"number":1},"skip_rx_copy":{"number":1},"repeating_payload":{"number":1}}'
# shellcheck disable=SC2086
assert_eq "evperf params, all three" "$(keys "$EVPERF" $all)" "$want"
assert_eq "evperf params, none" "$(keys "$EVPERF" -t 1)" \
	'{"zerocopy":"absent","skip_rx_copy":"absent","repeating_payload":"absent"}'
if iperf3_has --skip-rx-copy; then
	# shellcheck disable=SC2086
	assert_eq "iperf3 params, all three" "$(keys "$IPERF3" $all)" "$want"
fi
for a in -Z --repeating-payload "-Z -u"; do
	# shellcheck disable=SC2086
	assert_eq "params: $a" "$(keys "$EVPERF" $a)" "$(keys "$IPERF3" $a)"
done
log "parameters: as iperf3 sends them"

# run NAME TRACE SERVER-BIN SERVER-ARGS -- CLIENT-BIN CLIENT-ARGS: one
# -J test; TRACE is server, client or none (strace -f of that end into
# NAME.trace). The client's JSON goes to NAME.json.
run() {
	local name=$1 trace=$2 port rc=0 sargs=() st=()
	shift 2
	while [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	st=(strace -f -qq -e "trace=sendfile,recvfrom" -o "$E2E_TMP/$name.trace")
	port=$(free_port)
	if [ "$trace" = server ]; then
		start_server "${st[@]}" "${sargs[@]:0:1}" -s -1 -p "$port" "${sargs[@]:1}"
	else
		start_server "${sargs[0]}" -s -1 -p "$port" "${sargs[@]:1}"
	fi
	wait_port "$port" "$SERVER_PID"
	if [ "$trace" = client ]; then
		run_to 30 "${st[@]}" "$1" -c 127.0.0.1 -p "$port" "${@:2}" \
			>"$E2E_TMP/$name.json" 2>"$E2E_TMP/$name.err" || rc=$?
	else
		run_to 30 "$1" -c 127.0.0.1 -p "$port" "${@:2}" \
			>"$E2E_TMP/$name.json" 2>"$E2E_TMP/$name.err" || rc=$?
	fi
	assert_exit "$name: client" "$rc" 0
	wait_exit "$SERVER_PID" 20
	assert_exit "$name: server" "$EXIT_RC" 0
}

# calls NAME REGEX: how many traced calls match.
calls() {
	grep -cE "$2" "$E2E_TMP/$1.trace" || true
}

n=$((32 * 131072))
if strace -qq -o /dev/null true 2>/dev/null; then
	run zc client "$EVPERF" -- "$EVPERF" -J -Z -n "$n"
	assert_int_cmp "-Z: client sendfile calls" "$(calls zc '^[0-9]+ +sendfile\(')" -gt 0
	assert_eq "-Z: bytes received" "$(json_get "$E2E_TMP/zc.json" .end.sum_received.bytes)" "$n"

	run zc_srv server "$EVPERF" -- "$IPERF3" -J -R -Z -n "$n"
	assert_int_cmp "iperf3 -R -Z: server sendfile calls" \
		"$(calls zc_srv '^[0-9]+ +sendfile\(')" -gt 0
	assert_eq "iperf3 -R -Z: bytes sent" \
		"$(json_get "$E2E_TMP/zc_srv.json" .end.sum_sent.bytes)" "$n"
	assert_eq "iperf3 -R -Z: bytes received" \
		"$(json_get "$E2E_TMP/zc_srv.json" .end.sum_received.bytes)" "$n"

	run trunc server "$EVPERF" -- "$EVPERF" -J --skip-rx-copy -n "$n"
	assert_int_cmp "--skip-rx-copy: server MSG_TRUNC receives" \
		"$(calls trunc 'recvfrom\(.*MSG_TRUNC')" -gt 0
	# (a traced server is slow: it may count less before TEST_END)
	assert_int_cmp "--skip-rx-copy: bytes received" \
		"$(json_get "$E2E_TMP/trunc.json" .end.sum_received.bytes)" -gt 0

	run trunc_r client "$EVPERF" -- "$EVPERF" -J -R --skip-rx-copy -n "$n"
	assert_int_cmp "-R --skip-rx-copy: client MSG_TRUNC receives" \
		"$(calls trunc_r 'recvfrom\(.*MSG_TRUNC')" -gt 0
	assert_eq "-R --skip-rx-copy: bytes sent" \
		"$(json_get "$E2E_TMP/trunc_r.json" .end.sum_sent.bytes)" "$n"
	assert_eq "-R --skip-rx-copy: bytes received" \
		"$(json_get "$E2E_TMP/trunc_r.json" .end.sum_received.bytes)" "$n"
	log "-Z and --skip-rx-copy: sendfile and MSG_TRUNC in use"
else
	log "strace cannot trace here: -Z/--skip-rx-copy system calls not checked"
fi

run trunc_n none "$EVPERF" -- "$EVPERF" -J --skip-rx-copy -n "$n"
assert_eq "--skip-rx-copy: bytes received (untraced)" \
	"$(json_get "$E2E_TMP/trunc_n.json" .end.sum_received.bytes)" "$n"

# The expected --repeating-payload stream: 8 blocks of the pattern.
python3 -c '
import sys
blk = "".join(str(i % 10) for i in range(131072)).encode()
sys.stdout.buffer.write(blk * 8)' >"$E2E_TMP/pattern.bin"
n=$((8 * 131072))
run rp none "$EVPERF" -F "$E2E_TMP/rp.bin" -- "$EVPERF" -J --repeating-payload -n "$n"
cmp "$E2E_TMP/pattern.bin" "$E2E_TMP/rp.bin" ||
	fail "--repeating-payload: the bytes received are not the pattern"
run rp_srv none "$EVPERF" -- "$IPERF3" -J -R --repeating-payload -n "$n" \
	-F "$E2E_TMP/rp_srv.bin"
cmp -n "$n" "$E2E_TMP/pattern.bin" "$E2E_TMP/rp_srv.bin" ||
	fail "iperf3 -R --repeating-payload: evperf server did not send the pattern"
log "--repeating-payload: iperf3's pattern, client and server"
log "PASS"
