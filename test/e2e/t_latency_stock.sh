#!/usr/bin/env bash
# --latency against stock iperf3 (issue 15): a stock server never
# confirms latency probes, so an evperf client refuses the test before
# any data connection, exit 1, with its message (text, and -J's one
# document with "error"); a stock client runs against an evperf server as
# ever, without "latency" keys. Skipped (77) without iperf3.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3

# pair NAME SERVER CLIENT ARGS...: one test on a fresh port, client
# output in NAME.out (stderr NAME.err), server output in NAME.srv; sets RC.
pair() {
	local name=$1 sbin=$2 cbin=$3 port
	shift 3
	port=$(free_port)
	start_server "$sbin" -s -1 -p "$port"
	local spid=$SERVER_PID sout=$SERVER_OUT
	wait_port "$port" "$spid"
	RC=0
	run_to 60 "$cbin" -c 127.0.0.1 -p "$port" "$@" \
		>"$E2E_TMP/$name.out" 2>"$E2E_TMP/$name.err" || RC=$?
	wait_exit "$spid" 20 || true
	cp "$sout" "$E2E_TMP/$name.srv"
}

log "a stock server ($IPERF3_VERSION) never confirms"
want="iperf3: error - --latency needs an evperf server: the server did not confirm latency probes"
pair stock "$IPERF3" "$EVPERF" -t 1 --latency
assert_exit "client against a stock server" "$RC" 1
assert_contains "$E2E_TMP/stock.err" "$want"
if grep -q '^\[ *[0-9]' "$E2E_TMP/stock.out"; then
	fail "a data connection was reported against the stock server"
fi
pair stockj "$IPERF3" "$EVPERF" -t 1 --latency -J
assert_exit "-J client against a stock server" "$RC" 1
assert_eq "-J error" "$(json_get "$E2E_TMP/stockj.out" .error)" "${want#iperf3: error - }"
assert_eq "-J documents" "$(jq -s length "$E2E_TMP/stockj.out")" 1
pair stockc "$EVPERF" "$IPERF3" -t 1 -J
assert_exit "stock client against evperf" "$RC" 0
assert_one_json "$E2E_TMP/stockc.out"
assert_eq "stock client's document has no latency" \
	"$(jq '[paths | select(.[-1] == "latency")] | length' "$E2E_TMP/stockc.out")" 0

log "ok"
