#!/usr/bin/env bash
# --sum-only (evperf extension) at -P 300: the client's and the server's
# text reports have [SUM] rows and no per-stream interval or summary rows
# (the "connected" lines stay); with --json-stream every event keeps its
# keys but its per-stream lists ("connected", "streams") are empty, so
# each line stays small, and the sums are there; -J keeps iperf3's full
# document. At -P 1 there is no [SUM] row, so the stream's rows stay.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# sum_only_run NAME SERVER-ARGS -- CLIENT-ARGS: one test, both outputs kept.
sum_only_run() {
	local name=$1 port rc=0 sargs=()
	shift
	while [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	port=$(free_port)
	start_server "$EVPERF" -s -1 -p "$port" "${sargs[@]}"
	wait_port "$port" "$SERVER_PID"
	run_to 60 "$EVPERF" -c 127.0.0.1 -p "$port" "$@" \
		>"$E2E_TMP/$name.client" 2>"$E2E_TMP/$name.err" || rc=$?
	assert_exit "$name: client" "$rc" 0
	wait_exit "$SERVER_PID" 30
	assert_exit "$name: server" "$EXIT_RC" 0
	cp "$SERVER_OUT" "$E2E_TMP/$name.server"
}

row='^\[ *[0-9]+\] +[0-9.]+-[0-9.]+ +sec'
sum='^\[SUM\] +[0-9.]+-[0-9.]+ +sec'
sum_only_run text --sum-only -- -P 300 -t 2 --sum-only
for f in "$E2E_TMP/text.client" "$E2E_TMP/text.server"; do
	assert_eq "$(basename "$f"): per-stream rows" \
		"$(grep -cE "$row" "$f" || true)" 0
	assert_int_cmp "$(basename "$f"): [SUM] rows" \
		"$(grep -cE "$sum" "$f" || true)" -ge 3
done
assert_eq "client: connected lines" \
	"$(grep -c ' connected to ' "$E2E_TMP/text.client")" 300
assert_eq "client: [SUM] summary rows" \
	"$(grep -cE "$sum.*(sender|receiver)$" "$E2E_TMP/text.client")" 2

sum_only_run one -- -P 1 -t 1 --sum-only
assert_int_cmp "-P 1: the stream's rows stay" \
	"$(grep -cE "$row" "$E2E_TMP/one.client" || true)" -ge 2

sum_only_run jstream -J -- -P 300 -t 2 --json-stream --sum-only
f=$E2E_TMP/jstream.client
assert_eq "json-stream: every line is JSON" \
	"$(jq -c . "$f" | wc -l)" "$(wc -l <"$f")"
assert_eq "json-stream: non-empty per-stream lists" \
	"$(jq '[.data | objects | (.streams // []), (.connected // []) |
		select(length > 0)] | length' "$f" | awk '{ n += $1 } END { print n }')" 0
assert_int_cmp "json-stream: longest line" \
	"$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$f")" -lt 4096
assert_int_cmp "json-stream: interval events with a sum" \
	"$(jq -c 'select(.event == "interval") | .data.sum.bytes' "$f" | wc -l)" -ge 2
assert_int_cmp "json-stream: end sum_sent.bytes" \
	"$(jq 'select(.event == "end") | .data.sum_sent.bytes' "$f")" -gt 0
assert_eq "json-stream: the server's -J document is whole" \
	"$(json_get "$E2E_TMP/jstream.server" '.end.streams | length')" 300

sum_only_run doc -- -P 300 -t 1 -J --sum-only
assert_eq "-J --sum-only: the document is whole" \
	"$(json_get "$E2E_TMP/doc.client" '.end.streams | length')" 300
log ok
