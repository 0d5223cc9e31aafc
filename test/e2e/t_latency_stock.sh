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
