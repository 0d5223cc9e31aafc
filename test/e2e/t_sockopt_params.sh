#!/usr/bin/env bash
# The parameter keys of iperf3's socket options, as a stock client sends
# them. For each command line, paramcap.py captures the parameter JSON of
# stock iperf3 and of evperf and compares, key by key, the presence, JSON
# type and value of "fqrate" (--fq-rate, bits/s), "pacing_timer"
# (--pacing-timer, microseconds, default 1000, left out at 0) and
# "dont_fragment" (--dont-fragment, the number 1), with 3.21's deprecated
# --no-fq-socket-pacing (which warns) too. --snd-timeout and
# --cntl-ka are local and must add no key at all. JSON fields only.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3

# capture BIN OUT ARGS...: the parameter JSON BIN's client sends, into OUT.
capture() {
	local bin=$1 out=$2 port pid
	shift 2
	port=$(free_port)
	start_bg "$out" python3 "$E2E_DIR/paramcap.py" "$port"
	pid=$BG_PID
	wait_port "$port" "$pid"
	run_to 20 "$bin" -c 127.0.0.1 -p "$port" "$@" \
		>"$out.client" 2>&1 || true
	wait_exit "$pid" 20
	assert_exit "paramcap for $(basename "$bin") $*" "$EXIT_RC" 0
	jq -e . "$out" >/dev/null 2>&1 || fail "$(basename "$out") is not JSON"
}

# The keys under test, with their JSON types and values, or "absent".
# shellcheck disable=SC2016 # a jq program
PICK='[("fqrate", "pacing_timer", "dont_fragment") as $k |
	if has($k) then "\($k)=\(.[$k]|type):\(.[$k])" else "\($k) absent" end]
	| join(" ")'

N=0
# same_keys ARGS...: stock iperf3 and evperf send the same socket-option
# keys for ARGS.
same_keys() {
	N=$((N + 1))
	capture "$IPERF3" "$E2E_TMP/stock$N.json" "$@"
	capture "$EVPERF" "$E2E_TMP/ev$N.json" "$@"
	local want got
	want=$(jq -r "$PICK" "$E2E_TMP/stock$N.json")
	got=$(jq -r "$PICK" "$E2E_TMP/ev$N.json")
	log "[$*] stock: $want"
	assert_eq "[$*] evperf keys" "$got" "$want"
}

same_keys -t 1
same_keys -t 1 --fq-rate 100M
same_keys -t 1 -R --fq-rate 10G
same_keys -t 1 --fq-rate 1.5k
same_keys -t 1 --pacing-timer 500
same_keys -t 1 --pacing-timer 2k
same_keys -t 1 --pacing-timer 0
same_keys -u -t 1 --dont-fragment
same_keys -u -t 1 -R --dont-fragment --fq-rate 20M
same_keys -t 1 --snd-timeout 3000
# --no-fq-socket-pacing (3.21: deprecated) turns an earlier --fq-rate off.
same_keys -t 1 --fq-rate 100M --no-fq-socket-pacing
assert_contains "$E2E_TMP/ev$N.json.client" \
	"Warning:  --no-fq-socket-pacing is deprecated"
if iperf3_at_least 3.21; then
	assert_contains "$E2E_TMP/stock$N.json.client" \
		"Warning:  --no-fq-socket-pacing is deprecated"
fi

# Local options send nothing: the key set is that of the plain command.
capture "$EVPERF" "$E2E_TMP/plain.json" -t 1
for opt in --snd-timeout=3000 --cntl-ka --cntl-ka=30/5/3; do
	capture "$EVPERF" "$E2E_TMP/local.json" -t 1 "$opt"
	assert_eq "evperf $opt: parameter keys" \
		"$(jq -c keys "$E2E_TMP/local.json")" \
		"$(jq -c keys "$E2E_TMP/plain.json")"
	if iperf3_has --cntl-ka ||
		[ "$opt" = --snd-timeout=3000 ]; then
		capture "$IPERF3" "$E2E_TMP/slocal.json" -t 1 "$opt"
		capture "$IPERF3" "$E2E_TMP/splain.json" -t 1
		assert_eq "stock $opt: parameter keys" \
			"$(jq -c keys "$E2E_TMP/slocal.json")" \
			"$(jq -c keys "$E2E_TMP/splain.json")"
	fi
done
log "ok"
