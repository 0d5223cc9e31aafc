#!/usr/bin/env bash
# UDP latency probes count their losses (issue 15): in a network
# namespace of the test's own, an iptables rule drops every 4th probe
# request (UDP datagrams of 44 bytes to the server's port; the UDP
# streams' datagrams are longer and the hello shorter), and the lost
# probes the client reports (the idle baseline's and the test's) equal
# the rule's count, give or take the one probe that may still be on its
# way when the test ends. Probes that came back are all timed: sent =
# timed + lost. Twice: a TCP test with --latency-udp, and a UDP test
# (whose probes are UDP). Skipped (77) without root.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_netns latloss

# run TAG ARGS...: one -J test on lo in the namespace with the drop rule
# fresh; checks the losses against the rule's count.
run() {
	local tag=$1 port=5201 crc=0 f dropped lost timed
	shift
	nsx iptables -F INPUT
	nsx iptables -A INPUT -i lo -p udp --dport "$port" -m length \
		--length 44 -m statistic --mode nth --every 4 --packet 3 -j DROP
	start_server ip netns exec "$NS" "$EVPERF" -s -1 -p "$port"
	local spid=$SERVER_PID
	ns_wait_port "$port" "$spid"
	f=$E2E_TMP/$tag.json
	run_to 60 ip netns exec "$NS" "$EVPERF" -c 127.0.0.1 -p "$port" -J "$@" >"$f" \
		2>"$E2E_TMP/$tag.err" || crc=$?
	assert_exit "$tag: client" "$crc" 0
	wait_exit "$spid" 20
	assert_one_json "$f"
	assert_eq "$tag: probe protocol" "$(json_get "$f" .end.latency.protocol)" udp
	dropped=$(nsx iptables -L INPUT -v -x -n | awk '$3 == "DROP" { print $1 }')
	lost=$(jq '.end.latency.loaded.lost + .end.latency.idle.lost' "$f")
	timed=$(jq '.end.latency.loaded.count + .end.latency.idle.count' "$f")
	log "$tag: the rule dropped $dropped probes; reported lost $lost, timed $timed"
	assert_int_cmp "$tag: probes dropped" "$dropped" -gt 10
	assert_near "$tag: lost probes against the rule's count" "$lost" "$dropped" 1
	assert_eq "$tag: the intervals' losses add up" \
		"$(jq '[.intervals[] | select(.latency.omitted | not) | .latency.lost] | add' "$f")" \
		"$(json_get "$f" .end.latency.loaded.lost)"
	assert_eq "$tag: idle baseline still has its 10 round trips" \
		"$(json_get "$f" .end.latency.idle.count)" 10
}

run tcp -t 3 --latency=50 --latency-udp
run udp -t 3 -u -b 10M --latency=50
log ok
