#!/usr/bin/env bash
# -b holds its rate in every interval (issue 14; bench/bench.sh --pacing
# measures the same against iperf3). evperf to evperf on loopback, -t 4:
# TCP at 10 Mbit/s (a 128 KiB block is 0.1 s of it: whole blocks made
# intervals of 9 or 10 blocks, -6 % / +5 %; evperf writes 4 ms of the
# rate at a time), TCP at 100 Mbit/s, UDP at 10 Mbit/s with 1448-byte
# datagrams and UDP with a burst (-b 10M/10). The sender's total is
# within 0.5 % of the target and every interval after the first within
# 2 % (CI bounds; the benchmark reads 0.01-0.05 % and 0.5 %). The first
# interval is left out, as the issue's bound does: a paced sender's first
# block leaves at once.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

pace_case() { # TARGET-BPS CLIENT-ARGS...
	local target=$1 tag port rc=0 out
	shift
	tag="pacing [$*]"
	port=$(free_port)
	start_server "$EVPERF" -s -1 -p "$port"
	wait_port "$port" "$SERVER_PID"
	out=$E2E_TMP/pace.json
	run_to 60 "$EVPERF" -c 127.0.0.1 -p "$port" -t 4 -J "$@" >"$out" \
		2>"$out.err" || rc=$?
	assert_exit "$tag: client" "$rc" 0
	wait_exit "$SERVER_PID" 20
	assert_one_json "$out"
	assert_eq "$tag: total within 0.5 % of the target" \
		"$(jq --argjson t "$target" \
			'(.end.sum_sent.bits_per_second / $t - 1) | fabs <= 0.005' "$out")" \
		true
	assert_eq "$tag: intervals after the first off the target by over 2 %" \
		"$(jq -c --argjson t "$target" '[.intervals[1:][] | .sum |
			select((.bits_per_second / $t - 1) | fabs > 0.02) |
			.bits_per_second]' "$out")" '[]'
	log "$tag: ok ($(jq -c --argjson t "$target" \
		'[.intervals[].sum.bits_per_second / $t * 1000 | round / 1000]' "$out"))"
}

pace_case 10000000 -b 10M
pace_case 100000000 -b 100M
pace_case 10000000 -u -b 10M -l 1448
pace_case 10000000 -u -b 10M/10 -l 1448
log ok
