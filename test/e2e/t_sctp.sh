#!/usr/bin/env bash
# --sctp, --nstreams, -X: what this machine can show of them.
# (a) The parameter message of evperf's client equals stock iperf3's for
#     the same command line (paramcap.py; "client_version" and evperf's
#     own "evperf_roles" aside), with --nstreams (which is -b too in
#     iperf3), -X, -N and -M: when stock iperf3 has --sctp (Debian's 3.12
#     does; the 3.21 CI builds does not, and those parts are skipped).
# (b) Where the kernel has no SCTP (socket(IPPROTO_SCTP) fails, as on the
#     CI machines): evperf's client --sctp against evperf's server and
#     against stock iperf3's, and stock iperf3's client --sctp against
#     evperf's server, each fail with the text stock iperf3 gives against
#     itself ("unable to start stream listener: Protocol not supported"),
#     exit 1, and with -J print one JSON document whose "error" says the
#     same; evperf's server then serves a TCP client.
# (c) Where the kernel has SCTP: evperf to evperf moves the bytes asked
#     for over SCTP (-n, -P 2, -R, -X), and with stock iperf3 both ways.
#     Otherwise that is logged as not exercised (the rest still runs).
# interop: runs stock iperf3 ($IPERF3) both ways; CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3
STOCK_SCTP=0
if iperf3_has --sctp; then
	STOCK_SCTP=1
fi
KERNEL_SCTP=0
if run_to 10 python3 -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132).close()' \
	2>/dev/null; then
	KERNEL_SCTP=1
fi
log "stock iperf3 has --sctp: $STOCK_SCTP; this kernel has SCTP: $KERNEL_SCTP"

# capture BIN OUT ARGS...: the parameter JSON BIN's client sends, into OUT,
# without "client_version" and "evperf_roles" (key order kept).
capture() {
	local bin=$1 out=$2 port pid
	shift 2
	port=$(free_port)
	start_bg "$out.raw" python3 "$E2E_DIR/paramcap.py" "$port"
	pid=$BG_PID
	wait_port "$port" "$pid"
	run_to 20 "$bin" -c 127.0.0.1 -p "$port" "$@" >"$out.client" 2>&1 || true
	wait_exit "$pid" 20
	assert_exit "paramcap for $(basename "$bin") $*" "$EXIT_RC" 0
	jq -c 'del(.client_version, .evperf_roles)' "$out.raw" >"$out" ||
		fail "$(basename "$out").raw is not JSON"
}

N=0
# same_params ARGS...: stock iperf3 and evperf send the same parameters.
same_params() {
	N=$((N + 1))
	capture "$IPERF3" "$E2E_TMP/stock$N.json" "$@"
	capture "$EVPERF" "$E2E_TMP/ev$N.json" "$@"
	log "[$*] stock: $(cat "$E2E_TMP/stock$N.json")"
	assert_eq "[$*] evperf's parameters" "$(cat "$E2E_TMP/ev$N.json")" \
		"$(cat "$E2E_TMP/stock$N.json")"
}

if ((STOCK_SCTP)); then
	same_params --sctp -t 1
	same_params --sctp -t 1 --nstreams 4
	same_params --sctp -t 1 -b 10M --nstreams 2k
	same_params --sctp -t 1 -X 127.0.0.1
	same_params --sctp -t 1 -X 127.0.0.1 -X 127.0.0.2 -P 2
	same_params --sctp -t 1 -N -M 1000
	same_params --sctp -t 1 -l 1000 -R
	# The last of -u and --sctp wins (UDP's keys differ between releases:
	# only the protocol's key, the first, is compared).
	for order in "--sctp -u" "-u --sctp"; do
		# shellcheck disable=SC2086 # two words on purpose
		capture "$IPERF3" "$E2E_TMP/sproto.json" -t 1 $order
		# shellcheck disable=SC2086
		capture "$EVPERF" "$E2E_TMP/eproto.json" -t 1 $order
		assert_eq "[$order] protocol key" \
			"$(jq -c 'keys_unsorted[0]' "$E2E_TMP/eproto.json")" \
			"$(jq -c 'keys_unsorted[0]' "$E2E_TMP/sproto.json")"
	done
else
	log "stock iperf3 $IPERF3_VERSION has no --sctp: parameters not compared"
fi
# Without --sctp, -X changes nothing on the wire (iperf3 ignores it).
capture "$EVPERF" "$E2E_TMP/plain.json" -t 1
capture "$EVPERF" "$E2E_TMP/plainx.json" -t 1 -X 127.0.0.1
assert_eq "-X without --sctp: parameters" "$(cat "$E2E_TMP/plainx.json")" \
	"$(cat "$E2E_TMP/plain.json")"

# run_pair NAME SBIN CBIN CLIENT_ARGS...: a one-off SBIN server and a CBIN
# client; sets PAIR_RC (client), PAIR_SRC (server); output in NAME.out/err.
run_pair() {
	local name=$1 sbin=$2 cbin=$3 port
	shift 3
	port=$(free_port)
	start_server "$sbin" -s -1 -p "$port"
	wait_port "$port" "$SERVER_PID"
	PAIR_RC=0
	run_to 60 "$cbin" -c 127.0.0.1 -p "$port" "$@" \
		>"$E2E_TMP/$name.out" 2>"$E2E_TMP/$name.err" || PAIR_RC=$?
	wait_exit "$SERVER_PID" 20
	PAIR_SRC=$EXIT_RC
	if [ "$PAIR_SRC" = 255 ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait_exit "$SERVER_PID" 10
	fi
}

# The client's error line ("iperf3: error - ...") of NAME.
err_line() {
	grep -h '^iperf3: error - ' "$E2E_TMP/$1.err" "$E2E_TMP/$1.out" | head -n 1
}

# fails_like NAME WANT SBIN CBIN ARGS...: the --sctp test fails, exit 1,
# with error line WANT; then the same with -J: one JSON document whose
# "error" is WANT's text.
fails_like() {
	local name=$1 want=$2 sbin=$3 cbin=$4 f
	shift 4
	run_pair "$name" "$sbin" "$cbin" --sctp -t 1 "$@"
	assert_exit "$name client" "$PAIR_RC" 1
	assert_eq "$name error" "$(err_line "$name")" "$want"
	run_pair "$name-J" "$sbin" "$cbin" --sctp -t 1 -J "$@"
	f=$E2E_TMP/$name-J.out
	# (3.12's client exits 0 here with -J; evperf's, as 3.21's, 1.)
	if [ "$cbin" = "$EVPERF" ]; then
		assert_exit "$name -J client" "$PAIR_RC" 1
	fi
	jq -e . "$f" >/dev/null 2>&1 || fail "$name -J: not valid JSON"
	assert_eq "$name -J: JSON documents" "$(jq -s length "$f")" 1
	assert_eq "$name -J error" "$(json_get "$f" .error)" \
		"${want#iperf3: error - }"
	log "$name: ok ($want)"
}

if ((!KERNEL_SCTP)); then
	log "no SCTP in this kernel: the SCTP data path is not exercised here"
	WANT="iperf3: error - unable to start stream listener: Protocol not supported"
	if ((STOCK_SCTP)); then
		# What stock iperf3 says against itself is the reference.
		run_pair ii "$IPERF3" "$IPERF3" --sctp -t 1
		assert_exit "stock to stock client" "$PAIR_RC" 1
		WANT=$(err_line ii)
		fails_like ie "$WANT" "$EVPERF" "$IPERF3"
		fails_like ei "$WANT" "$IPERF3" "$EVPERF"
		fails_like ei-X "$WANT" "$IPERF3" "$EVPERF" -X 127.0.0.1 --nstreams 3
	else
		# A stock server without SCTP opens TCP; the client's socket fails.
		fails_like ei-nosctp \
			"iperf3: error - unable to connect stream: Protocol not supported" \
			"$IPERF3" "$EVPERF"
	fi
	fails_like ee "$WANT" "$EVPERF" "$EVPERF"
	fails_like ee-opts "$WANT" "$EVPERF" "$EVPERF" -P 2 -N -M 1000 -X 127.0.0.1
	# One server (with -X, which only its SCTP listener would use): the
	# SCTP tests fail, the next (TCP) one runs.
	PORT=$(free_port)
	start_server "$EVPERF" -s -p "$PORT" -X 127.0.0.1
	wait_port "$PORT" "$SERVER_PID"
	rc=0
	run_to 60 "$EVPERF" -c 127.0.0.1 -p "$PORT" --sctp -t 1 \
		>"$E2E_TMP/first.out" 2>&1 || rc=$?
	assert_exit "SCTP client of the serving server" "$rc" 1
	if ((STOCK_SCTP)); then
		rc=0
		run_to 60 "$IPERF3" -c 127.0.0.1 -p "$PORT" --sctp -t 1 \
			>"$E2E_TMP/second.out" 2>&1 || rc=$?
		assert_exit "stock SCTP client of the serving server" "$rc" 1
	fi
	assert_server_log "unable to start stream listener: Protocol not supported"
	assert_still_serving
	kill -TERM "$SERVER_PID"
	wait_exit "$SERVER_PID" 20
	log "the server serves TCP after failed SCTP tests: ok"
	exit 0
fi

# sctp_ok NAME SBIN CBIN BYTES ARGS...: the test passes over SCTP and the
# receiving side counts BYTES.
sctp_ok() {
	local name=$1 sbin=$2 cbin=$3 bytes=$4 f
	shift 4
	run_pair "$name" "$sbin" "$cbin" --sctp -J "$@"
	assert_exit "$name client" "$PAIR_RC" 0
	assert_exit "$name server" "$PAIR_SRC" 0
	f=$E2E_TMP/$name.out
	assert_one_json "$f"
	assert_eq "$name protocol" "$(json_get "$f" .start.test_start.protocol)" SCTP
	assert_eq "$name bytes" "$(json_get "$f" .end.sum_received.bytes)" "$bytes"
	log "$name: ok"
}

sctp_ok ee "$EVPERF" "$EVPERF" 1048576 -n 1M
sctp_ok ee-P2 "$EVPERF" "$EVPERF" 2097152 -n 2M -P 2
sctp_ok ee-R "$EVPERF" "$EVPERF" 1048576 -n 1M -R
sctp_ok ee-X "$EVPERF" "$EVPERF" 1048576 -n 1M -4 -X 127.0.0.1 --nstreams 3 -b 0
if ((STOCK_SCTP)); then
	sctp_ok ie "$EVPERF" "$IPERF3" 1048576 -n 1M
	sctp_ok ei "$IPERF3" "$EVPERF" 1048576 -n 1M
fi
log ok
