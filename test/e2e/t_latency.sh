#!/usr/bin/env bash
# --latency (issue 15): round trips under load on a probe connection of
# its own, between evperf ends, and its refusal by a stock iperf3 server.
#  - evperf to evperf, TCP, -R, --bidir, UDP, -O 1, -J and --json-stream,
#    TCP probes and UDP ones (a UDP test's, or --latency-udp):
#    every interval carries a "latency" object whose percentiles are
#    ordered (min <= median <= p90 <= p99 <= max) and plausible on
#    loopback (above 0, below 1 s); end.latency has mode "probe", the
#    rate asked, an idle baseline of 10 round trips, and a "loaded" count
#    that is the sum of the intervals' after -O; the human report has its
#    [LAT] rows; the server's own document has no "latency" key.
#  - with probes at 1000/s the bulk result stays within a generous bound
#    of one without (the best of two 1 s runs each; bench/latency.sh
#    has the tight figure).
#  - (a stock iperf3 server's refusal: t_latency_stock.sh)
#  - bad values: --latency=0, =1001, =x on the command line; --latency on
#    a server; "evperf_latency": 5000 from a raw peer (SERVER_ERROR 114,
#    and the server serves the next client); a TCP connection with the
#    probe's flag where UDP probes were asked (closed).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# check_lat FILE JQ-PATH: the latency object at JQ-PATH (an interval's or
# end.latency.loaded/idle) is ordered and plausible; prints its count.
check_lat() {
	local f=$1 path=$2 ok
	ok=$(jq -r "$path | if .count == 0 then \"empty\" elif
		(.min_ms > 0 and .min_ms <= .median_ms and .median_ms <= .p90_ms
		and .p90_ms <= .p99_ms and .p99_ms <= .max_ms and .max_ms < 1000
		and .mean_ms >= .min_ms and .mean_ms <= .max_ms)
		then \"ok\" else \"bad\" end" "$f")
	[ "$ok" != bad ] || fail "$(basename "$f") $path: $(jq -c "$path" "$f")"
	jq -r "$path.count" "$f"
}

# check_doc FILE RATE PROTO: the -J document of an evperf client with
# --latency, whose probes are PROTO (tcp or udp).
check_doc() {
	local f=$1 rate=$2 proto=$3 n i sum=0 c om
	assert_one_json "$f"
	n=$(jq '.intervals | length' "$f")
	assert_int_cmp "intervals" "$n" -ge 2
	for ((i = 0; i < n; i++)); do
		c=$(check_lat "$f" ".intervals[$i].latency")
		om=$(jq -r ".intervals[$i].latency.omitted" "$f")
		assert_eq "interval $i latency.omitted" "$om" \
			"$(jq -r ".intervals[$i].sum.omitted" "$f")"
		assert_int_cmp "interval $i probes" "$c" -gt 0
		[ "$om" = true ] || sum=$((sum + c))
	done
	assert_eq "end.latency.mode" "$(json_get "$f" .end.latency.mode)" probe
	assert_eq "end.latency.protocol" \
		"$(json_get "$f" .end.latency.protocol)" "$proto"
	# Loopback loses no probe (a UDP one would be counted in "lost").
	assert_eq "lost probes" "$(jq '[.. | objects | .lost? // empty] | add' "$f")" 0
	assert_eq "end.latency.rate" "$(json_get "$f" .end.latency.rate)" "$rate"
	assert_eq "end.latency.loaded.count (the intervals' sum)" \
		"$(check_lat "$f" .end.latency.loaded)" "$sum"
	assert_eq "end.latency.idle.count" \
		"$(check_lat "$f" .end.latency.idle)" 10
}

log "evperf to evperf"
for args in "" "-R" "--bidir -P 2" "-u -b 10M" "-O 1" "--latency-udp" \
	"--latency-udp -R" "-u -b 10M --bidir"; do
	name=lat${args// /}
	read -r -a a <<<"$args"
	pair "$name" "$EVPERF" "$EVPERF" -t 2 --latency=50 -J "${a[@]}"
	assert_exit "$name client" "$RC" 0
	proto=tcp
	[[ $args == *-u* || $args == *--latency-udp* ]] && proto=udp
	check_doc "$E2E_TMP/$name.out" 50 "$proto"
	log "  ${args:-TCP}: ok ($proto probes)"
done

log "human report and the server's side"
pair human "$EVPERF" "$EVPERF" -t 2 --latency
assert_exit "human client" "$RC" 0
assert_match "$E2E_TMP/human.out" \
	'^\[LAT\]   1\.0[0-9]-2\.0[0-9]   sec  rtt min/med/p90/p99/max [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms  [0-9]+ probes$'
assert_match "$E2E_TMP/human.out" '^\[LAT\]   0\.00-2\.0[0-9]   sec  rtt .* probes  under load$'
assert_match "$E2E_TMP/human.out" '^\[LAT\]   idle baseline    rtt .* 10 probes  idle$'
pair humanu "$EVPERF" "$EVPERF" -t 2 --latency-udp
assert_exit "human client, UDP probes" "$RC" 0
assert_match "$E2E_TMP/humanu.out" \
	'^\[LAT\]   1\.0[0-9]-2\.0[0-9]   sec  rtt min/med/p90/p99/max [0-9./]+ ms  [0-9]+ probes, 0 lost$'
assert_match "$E2E_TMP/humanu.out" '^\[LAT\]   idle baseline    rtt .* 10 probes, 0 lost  idle$'
assert_contains "$E2E_TMP/human.out" "iperf Done."
if grep -q LAT "$E2E_TMP/human.srv"; then
	fail "the server printed [LAT] rows"
fi
pair srvjson "$EVPERF" "$EVPERF" -t 1 --latency --get-server-output -J
assert_exit "server JSON client" "$RC" 0
assert_eq "server document has no latency" \
	"$(jq '.server_output_json | [paths | select(.[-1] == "latency")] | length' \
		"$E2E_TMP/srvjson.out")" 0

log "--json-stream"
pair stream "$EVPERF" "$EVPERF" -t 2 --latency=20 --json-stream
assert_exit "json-stream client" "$RC" 0
assert_eq "interval events with latency" \
	"$(jq -s '[.[] | select(.event == "interval") | .data.latency.count > 0] | all' \
		"$E2E_TMP/stream.out")" true
assert_eq "end event's latency rate" \
	"$(jq -s '.[] | select(.event == "end") | .data.latency.rate' \
		"$E2E_TMP/stream.out")" 20

log "bulk with 1000 probes/s against none (best of two runs each)"
best_with=0 best_without=0
for round in 1 2; do
	pair bulk$round "$EVPERF" "$EVPERF" -t 1 -J
	b=$(jq '.end.sum_received.bytes' "$E2E_TMP/bulk$round.out")
	((b > best_without)) && best_without=$b
	pair bulkl$round "$EVPERF" "$EVPERF" -t 1 -J --latency=1000
	b=$(jq '.end.sum_received.bytes' "$E2E_TMP/bulkl$round.out")
	((b > best_with)) && best_with=$b
	c=$(jq '.end.latency.loaded.count' "$E2E_TMP/bulkl$round.out")
	assert_int_cmp "probes at 1000/s in 1 s" "$c" -gt 100
done
log "  bytes: $best_with with probes, $best_without without"
assert_int_cmp "bulk with probes (x2) against without" \
	$((best_with * 2)) -ge "$best_without"

log "bad values"
for v in 0 1001 x -5; do
	RC=0
	run_to 10 "$EVPERF" -c 127.0.0.1 -p 9 --latency="$v" \
		>"$E2E_TMP/bad.out" 2>&1 || RC=$?
	assert_exit "--latency=$v" "$RC" 1
	assert_contains "$E2E_TMP/bad.out" \
		"iperf3: parameter error - invalid argument '$v' for option '--latency'"
done
RC=0
run_to 10 "$EVPERF" -s --latency >"$E2E_TMP/bad.out" 2>&1 || RC=$?
assert_exit "-s --latency" "$RC" 1
assert_contains "$E2E_TMP/bad.out" \
	"parameter error - some option you are trying to set is client only"
start_serving_server
run_rawpeer extraparams --extra '{"evperf_roles":2,"evperf_latency":5000}' --code 114
assert_exit "raw peer with evperf_latency 5000" "$RAW_RC" 0
run_rawpeer extraparams --extra '{"evperf_roles":2,"evperf_latency":"fast"}' --code 114
assert_exit "raw peer with evperf_latency \"fast\"" "$RAW_RC" 0
# UDP probes asked, a TCP connection with the probe's flag: closed.
run_rawpeer probekind --wait 5
assert_exit "raw peer with a TCP probe connection for UDP probes" "$RAW_RC" 0
assert_still_serving
log "ok"
