#!/usr/bin/env bash
# Fairness at -P 1000 on loopback (docs/design.md, "Many streams"): every
# stream moves data in every interval after the first, in the client's
# and in the server's -J document, TCP forward and -R; and the interval
# boundaries hold at 1 s (a loop round never holds the interval timer
# back). The client's -d trace shows the data connections made 64 at a
# time, not one after another.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ "$(ulimit -Hn)" != unlimited ] && (($(ulimit -Hn) < 2100)); then
	log "SKIP: hard descriptor limit $(ulimit -Hn) is below 2100"
	exit 77
fi

# starved DOC: stream-intervals after the first interval with no bytes.
# An interval shorter than 0.5 s (an end the side could not foresee; a
# drain's tail is folded into the interval before it) is not counted.
starved() {
	jq '[.intervals[1:][] | select(.sum.seconds >= 0.5) | .streams[] |
		select(.bytes == 0)] | length' "$1"
}

fair_case() { # NAME CLIENT-ARGS...
	local name=$1 port rc=0 c s
	shift
	port=$(free_port)
	start_server "$EVPERF" -s -1 -p "$port" -J
	wait_port "$port" "$SERVER_PID"
	c=$E2E_TMP/$name.client.json s=$E2E_TMP/$name.server.json
	run_to 90 "$EVPERF" -c 127.0.0.1 -p "$port" -P 1000 -t 3 -J -d "$@" \
		>"$c" 2>"$E2E_TMP/$name.client.err" || rc=$?
	assert_exit "$name: client" "$rc" 0
	wait_exit "$SERVER_PID" 30
	assert_exit "$name: server" "$EXIT_RC" 0
	cp "$SERVER_OUT" "$s"
	assert_one_json "$c"
	assert_one_json "$s"
	assert_eq "$name: client intervals" "$(json_get "$c" '.intervals | length')" 3
	assert_eq "$name: client stream-intervals without data" "$(starved "$c")" 0
	assert_eq "$name: server stream-intervals without data" "$(starved "$s")" 0
	# Each ends at k s, late by well under 0.25 s (alone here: 2-10 ms;
	# one ctest run saw 1.05-1.15 s for the first); rounds of a second,
	# this test's reason, made them up to 0.9 s late.
	assert_eq "$name: interval ends at 1, 2 and 3 s (< 0.25 s late)" \
		"$(jq -c '[.intervals | to_entries[] |
			.value.sum.end - (.key + 1) | . > -0.001 and . < 0.25]' "$c")" \
		'[true,true,true]'
	assert_match "$E2E_TMP/$name.client.err" \
		'client: 1000 data connections up in [0-9.]+ s \(window 64, at most 64 at once'
	log "$name: ok"
}

fair_case fwd
fair_case rev -R
log ok
