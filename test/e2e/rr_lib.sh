# shellcheck shell=bash
# Checks of request/response (--rr, --crr) results, for t_rr*.sh; sourced
# after lib.sh.

# rr_check_json FILE MODE REQ RESP: a client's -J document of a --MODE
# test with REQ/RESP-byte messages: one valid document; end.latency says
# the mode and sizes and has no idle baseline; transactions > 0 and equal
# to the sum of the intervals' (no -O); every percentile row ordered; the
# client's bytes are exactly transactions x REQ; --crr: connections as
# many as transactions.
rr_check_json() {
	local f=$1 mode=$2 req=$3 resp=$4 n sum bytes bad
	assert_one_json "$f"
	assert_eq "end.latency.mode" "$(json_get "$f" .end.latency.mode)" "$mode"
	assert_eq "request_bytes" "$(json_get "$f" .end.latency.request_bytes)" "$req"
	assert_eq "response_bytes" "$(json_get "$f" .end.latency.response_bytes)" "$resp"
	assert_eq "idle object" "$(json_get "$f" '.end.latency | has("idle")')" false
	n=$(json_get "$f" .end.latency.loaded.transactions)
	assert_int_cmp "transactions" "$n" -gt 0
	assert_eq "count = transactions" "$(json_get "$f" .end.latency.loaded.count)" "$n"
	sum=$(json_get "$f" '[.intervals[].latency.transactions] | add')
	assert_eq "transactions = sum over the intervals" "$sum" "$n"
	bad=$(json_get "$f" '[.end.latency.loaded, (.intervals[].latency |
		select(.count > 0))] | map(select((.min_ms <= .median_ms and
		.median_ms <= .p90_ms and .p90_ms <= .p99_ms and
		.p99_ms <= .max_ms and .min_ms > 0) | not)) | length')
	assert_eq "rows with unordered percentiles" "$bad" 0
	bytes=$(json_get "$f" .end.sum_sent.bytes)
	assert_eq "client bytes = transactions x $req" "$bytes" "$((n * req))"
	assert_int_cmp "transactions per second" \
		"$(json_get "$f" '.end.latency.loaded.transactions_per_second | floor')" -gt 0
	if [ "$mode" = crr ]; then
		assert_eq "connections = transactions" \
			"$(json_get "$f" .end.latency.loaded.connections)" "$n"
		assert_eq "intervals' connections" \
			"$(json_get "$f" '[.intervals[].latency.connections] | add')" "$n"
	fi
}
