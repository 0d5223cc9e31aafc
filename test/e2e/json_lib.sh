# shellcheck shell=bash
# Helpers for the t_json_*.sh scenarios, sourced after lib.sh. parity_mode
# runs one test mode twice side by side, stock iperf3 client and server on
# one port and evperf client and server on another, all with -J, then checks
# that evperf's two documents are laid out exactly as cJSON prints them and
# that their key paths, types and key order match iperf3's (json_parity.py
# compare), apart from the differences test/data/json_allowlist.txt lists
# with a reason. MODES (space separated) picks the modes to run; a mode name
# with "+gso" adds --get-server-output, one with "+lat" gives the evperf
# client --latency and one with "+rr" --rr (their keys are allowlisted). EVPERF=$(command -v iperf3)
# validates the scripts with iperf3 against iperf3.

JSON_PARITY=$E2E_DIR/json_parity.py
JSON_ALLOW=${JSON_ALLOWLIST:-$E2E_DIR/../data/json_allowlist.txt}
JSON_USED=$E2E_TMP/allowlist.used
: >"$JSON_USED"

# parity_args MODE: the client options of a mode.
parity_args() {
	case ${1%%+*} in
	tcp) echo "" ;;
	tcp-R) echo "-R" ;;
	tcp-P4) echo "-P 4" ;;
	tcp-bidir) echo "--bidir" ;;
	udp) echo "-u -b 10M" ;;
	udp-R) echo "-u -b 10M -R" ;;
	udp-bidir) echo "-u -b 10M --bidir" ;;
	*) fail "unknown mode $1" ;;
	esac
}

# parity_client TAG BIN PORT ARGS...: a -J client in the background; sets
# PAR_PID. Output in $E2E_TMP/TAG.client, stderr in TAG.client.err.
parity_client() {
	local t=$1 bin=$2 port=$3
	shift 3
	timeout -k 5 60 "$bin" -c 127.0.0.1 -p "$port" -J "$@" \
		>"$E2E_TMP/$t.client" 2>"$E2E_TMP/$t.client.err" &
	PAR_PID=$!
	E2E_PIDS+=("$PAR_PID")
}

# parity_mode MODE: one mode, iperf3 and evperf side by side.
parity_mode() {
	local mode=$1 args rp ep rs es rc ec
	read -r -a args <<<"$(parity_args "$mode")"
	[[ $mode == *+gso ]] && args+=(--get-server-output)
	args+=(-t 1)
	log "mode $mode: ${args[*]}"
	rp=$(free_port)
	start_server "$IPERF3" -s -1 -J -p "$rp"
	rs=$SERVER_PID
	local rsout=$SERVER_OUT
	ep=$(free_port)
	while [ "$ep" = "$rp" ]; do ep=$(free_port); done
	start_server "$EVPERF" -s -1 -J -p "$ep"
	es=$SERVER_PID
	local esout=$SERVER_OUT
	wait_port "$rp" "$rs"
	wait_port "$ep" "$es"
	parity_client "ref.$mode" "$IPERF3" "$rp" "${args[@]}"
	rc=$PAR_PID
	if [[ $mode == *+lat* ]]; then
		parity_client "ev.$mode" "$EVPERF" "$ep" "${args[@]}" --latency
	elif [[ $mode == *+rr* ]]; then
		parity_client "ev.$mode" "$EVPERF" "$ep" "${args[@]}" --rr
	else
		parity_client "ev.$mode" "$EVPERF" "$ep" "${args[@]}"
	fi
	ec=$PAR_PID
	wait_exit "$rc" 30
	assert_exit "mode $mode: iperf3 client" "$EXIT_RC" 0
	wait_exit "$ec" 30
	assert_exit "mode $mode: evperf client" "$EXIT_RC" 0
	wait_exit "$rs" 20
	assert_exit "mode $mode: iperf3 server" "$EXIT_RC" 0
	wait_exit "$es" 20
	assert_exit "mode $mode: evperf server" "$EXIT_RC" 0
	cp "$rsout" "$E2E_TMP/ref.$mode.server"
	cp "$esout" "$E2E_TMP/ev.$mode.server"
	parity_check "$mode" client
	parity_check "$mode" server
}

# parity_check MODE DOC: layout of both documents, then the comparison.
parity_check() {
	local mode=$1 doc=$2 f out
	for f in "$E2E_TMP/ref.$mode.$doc" "$E2E_TMP/ev.$mode.$doc"; do
		out=$(python3 "$JSON_PARITY" layout "$f") ||
			fail "mode $mode: $out"
	done
	if ! out=$(python3 "$JSON_PARITY" compare --mode "$mode" --doc "$doc" \
		--allowlist "$JSON_ALLOW" --used "$JSON_USED" \
		"$E2E_TMP/ref.$mode.$doc" "$E2E_TMP/ev.$mode.$doc"); then
		printf '%s\n' "$out" >&2
		fail "mode $mode: $doc key tree differs from iperf3's" \
			"(not in $(basename "$JSON_ALLOW"))"
	fi
	log "mode $mode: $doc document matches iperf3's key tree"
}

# parity_modes DEFAULT...: every mode of $MODES (else DEFAULT), plain and
# with --get-server-output, then a note on allowlist entries never used.
parity_modes() {
	local m
	need_iperf3
	for m in ${MODES:-$*}; do
		parity_mode "$m"
		[[ $m == *+gso ]] || parity_mode "$m+gso"
	done
	parity_unused
}

parity_unused() {
	local n
	while read -r n; do
		grep -qx "$n" "$JSON_USED" || log "note: allowlist line $n unused" \
			"in this run: $(sed -n "${n}p" "$JSON_ALLOW" | cut -c1-60)"
	done < <(grep -n -v -e '^#' -e '^[[:space:]]*$' "$JSON_ALLOW" | cut -d: -f1)
}

# assert_layout FILE [COUNT]: FILE is COUNT (default 1) JSON documents and
# nothing else, each laid out byte for byte as cJSON (iperf3) prints it.
assert_layout() {
	local out
	out=$(python3 "$JSON_PARITY" layout "$1" --count "${2:-1}") ||
		fail "$out"
}

# assert_json_error FILE REGEX: FILE is exactly one document, its "error"
# is a string matching REGEX (extended) and start/intervals/end exist.
assert_json_error() {
	local f=$1 re=$2 e
	assert_layout "$f"
	e=$(json_get "$f" '.error | strings')
	[[ $e =~ $re ]] || fail "$(basename "$f"): error '$e' !~ '$re'"
	assert_eq "$(basename "$f"): start/intervals/end types" \
		"$(json_get "$f" '[.start, .intervals, .end] | map(type) | join(",")')" \
		"object,array,object"
}

# child_pid PID: the program that `timeout` (PID) runs, for SIGSTOP and
# SIGINT aimed at it alone.
child_pid() {
	local c i
	for ((i = 0; i < 50; i++)); do
		c=$(pgrep -P "$1" | head -n 1) && [ -n "$c" ] && {
			echo "$c"
			return 0
		}
		sleep 0.1
	done
	fail "no child of pid $1"
}

# json_pair SERVER_ARGS -- CLIENT_ARGS: an evperf -J server (-s -1) and an
# evperf -J client in the background on a fresh port. Sets SPID/CPID (the
# timeout wrappers), SDOC/CDOC (their stdout), CERR and JPORT.
json_pair() {
	local sargs=() port
	while [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	port=$(free_port)
	JPORT=$port
	start_server "$EVPERF" -s -1 -J -p "$port" "${sargs[@]}"
	SPID=$SERVER_PID SDOC=$SERVER_OUT
	wait_port "$port" "$SPID"
	CDOC=$E2E_TMP/client.json CERR=$E2E_TMP/client.err
	timeout -k 5 60 "$EVPERF" -c 127.0.0.1 -p "$port" -J "$@" \
		>"$CDOC" 2>"$CERR" &
	CPID=$!
	E2E_PIDS+=("$CPID")
}

# wait_established PORT: until PORT has a data connection besides the
# control one (-J prints nothing while a test runs), bounded at 10 s; then
# another 1.5 s so that some intervals (-i 0.5) have been measured.
wait_established() {
	local port=$1 i
	for ((i = 0; i < 100; i++)); do
		if (($(ss -Htn state established "sport = :$port" | wc -l) >= 2)); then
			sleep 1.5
			return 0
		fi
		sleep 0.1
	done
	fail "no data connection on port $port"
}
