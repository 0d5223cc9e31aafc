#!/usr/bin/env bash
# Bad input: "evperf_rr" parameters (--rr, --crr) that an evperf client
# never sends: not an object, an unknown mode, sizes out of range or of
# the wrong type, or with -R, UDP, --latency. The evperf server (without
# -1) must answer each with SERVER_ERROR 114 (IE_RECVPARAMS, "unable to
# receive parameters from client") and close, then serve a normal client
# and a good --rr client.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_serving_server

bad=(
	'{"evperf_roles":2,"evperf_rr":"rr"}'
	'{"evperf_roles":2,"evperf_rr":{"mode":"tcp_rr","req":1,"resp":1}}'
	'{"evperf_roles":2,"evperf_rr":{"mode":"rr","req":0,"resp":1}}'
	'{"evperf_roles":2,"evperf_rr":{"mode":"crr","req":1,"resp":1048577}}'
	'{"evperf_roles":2,"evperf_rr":{"mode":"rr","req":"1","resp":1}}'
	'{"evperf_roles":2,"evperf_rr":{"mode":"rr","req":1}}'
	'{"evperf_roles":2,"reverse":true,"evperf_rr":{"mode":"rr","req":1,"resp":1}}'
	'{"evperf_roles":2,"tcp":false,"udp":true,"len":1460,"evperf_rr":{"mode":"rr","req":1,"resp":1}}'
	'{"evperf_roles":2,"evperf_latency":10,"evperf_rr":{"mode":"crr","req":1,"resp":1}}'
)
for extra in "${bad[@]}"; do
	run_rawpeer extraparams --extra "$extra" --code 114 --wait 5
	assert_exit "rawpeer extraparams $extra" "$RAW_RC" 0
done
assert_server_log 'unable to receive parameters from client'
assert_still_serving

CLIENT_RC=0
run_to 30 "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 1 --rr=10/20 \
	>"$E2E_TMP/rr.out" 2>&1 || CLIENT_RC=$?
assert_exit "--rr client after the bad peers" "$CLIENT_RC" 0
assert_contains "$E2E_TMP/rr.out" "iperf Done."
assert_match "$E2E_TMP/rr.out" '^\[ RR\] +0\.00-1\.0[0-9] +sec +[1-9][0-9]* trans .* 10/20 bytes$'
log ok
