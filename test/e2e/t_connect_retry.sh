#!/usr/bin/env bash
# Data connections that are refused are tried again within the connect
# timeout (docs/design.md, "Connection setup"). In a network namespace of
# its own, an iptables rule answers every third SYN to the server's port
# with a reset (the control connection's SYN, the first, passes):
#  - -P 200: the test completes, every sum is whole, and the client's
#    retry count (its -d trace) equals the rule's count of refusals;
#  - all data connections refused (the rule matches the --cport range):
#    with --connect-timeout 500 the client fails with iperf3's "unable to connect
#    stream" error once its retries run out, and the server serves the
#    next client.
# Also the somaxconn warning: with net.core.somaxconn at 8 in that
# namespace, the server names the sysctl in one warning line.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_netns retry
nsx sysctl -qw net.core.somaxconn=8
# Ephemeral ports (the control connection's) stay out of the --cport
# range that the second case refuses.
nsx sysctl -qw net.ipv4.ip_local_port_range="50000 60999"

PORT=5201
nsx iptables -A INPUT -p tcp --dport "$PORT" --syn -m statistic \
	--mode nth --every 3 --packet 1 -j REJECT --reject-with tcp-reset

start_server ip netns exec "$NS" "$EVPERF" -s -p "$PORT" -J
srv=$SERVER_PID srv_err=$SERVER_ERR
ns_wait_port "$PORT" "$srv"

rc=0
run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" -P 200 \
	-n 200M -J -d >"$E2E_TMP/retry.json" 2>"$E2E_TMP/retry.err" || rc=$?
assert_exit "retry: client" "$rc" 0
c=$E2E_TMP/retry.json
assert_one_json "$c"
assert_eq "retry: error" "$(json_get "$c" '.error // "none"')" none
assert_eq "retry: streams" "$(json_get "$c" '.end.streams | length')" 200
assert_eq "retry: exactly -n sent" "$(json_get "$c" .end.sum_sent.bytes)" \
	209715200
assert_eq "retry: connected list in stream order" \
	"$(jq -c '[.start.connected[].socket]' "$c")" \
	"$(jq -c '[.end.streams[].sender.socket]' "$c")"
line=$(grep -E 'client: 200 data connections up' "$E2E_TMP/retry.err" || true)
[ -n "$line" ] || fail "retry: no 'data connections up' trace"
retries=$(sed -E 's/.* ([0-9]+) retries\).*/\1/' <<<"$line")
window=$(sed -E 's/.*at most ([0-9]+) at once.*/\1/' <<<"$line")
refused=$(nsx iptables -L INPUT -v -n -x | awk '/REJECT/ {print $1}')
assert_int_cmp "retry: some connects were refused" "$refused" -ge 60
assert_eq "retry: one retry per refusal" "$retries" "$refused"
assert_eq "retry: connects in flight at once" "$window" 64
log "retry: $refused refused, all retried"

# The warning: somaxconn 8 is below the client's 64 connects in flight.
assert_eq "somaxconn: one warning" \
	"$(grep -c 'net.core.somaxconn is 8, below the 64 data connections' \
		"$srv_err" || true)" 1
assert_contains "$srv_err" "sysctl -w net.core.somaxconn=64"

# Every data connection refused: the retries end with --connect-timeout.
nsx iptables -F INPUT
nsx iptables -A INPUT -p tcp --dport "$PORT" --syn --sport 41000:41099 \
	-j REJECT --reject-with tcp-reset
rc=0
run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" -P 4 -t 1 \
	--cport 41000 --connect-timeout 500 -J >"$E2E_TMP/refused.json" \
	2>"$E2E_TMP/refused.err" || rc=$?
assert_exit "refused: client" "$rc" 1
assert_eq "refused: one JSON document" \
	"$(jq -s length "$E2E_TMP/refused.json")" 1
assert_eq "refused: error" "$(json_get "$E2E_TMP/refused.json" .error)" \
	"unable to connect stream: Connection refused"

# The server is still there for the next client.
nsx iptables -F INPUT
rc=0
run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$PORT" -P 2 \
	-n 10M -J >"$E2E_TMP/next.json" 2>&1 || rc=$?
assert_exit "next: client" "$rc" 0
assert_eq "next: received" \
	"$(json_get "$E2E_TMP/next.json" .end.sum_received.bytes)" 10485760
kill -0 "$srv" 2>/dev/null || fail "the server died"
log ok
