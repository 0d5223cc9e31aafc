#!/usr/bin/env bash
# --bidir under load: 8 evperf client/server pairs on loopback run at the
# same time, 20 rounds, so that the kernel and the CPUs are busy while the
# data connections are being accepted (the situation of esnet/iperf#2029,
# where accept order stops matching creation order). Each round starts 8
# fresh one-off servers (-s -1 -J), each on its own port, then 8 clients
# (--bidir -t 1 -J; odd pairs -P 1, even pairs -P 2) in parallel. No failure
# is allowed: every client and every server exits 0 with one JSON document
# without "error", data moved both ways (sum_received and
# sum_received_bidir_reverse), and every stream has sent and received bytes
# (a stream whose two ends took the same role would show 0). Every wait is
# bounded; each round's logs are deleted once it has passed, so a failure
# shows only the failing round.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

NPAIRS=8
NROUNDS=20
SERVER_TIMEOUT=60

# free_ports N: N distinct ports free on 127.0.0.1 right now (one python
# run instead of N calls of lib.sh's free_port: this script needs 160).
free_ports() {
	run_to 10 python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# check_doc TAG FILE [P]: FILE is one JSON document without "error"; with P,
# the client's document of a --bidir run that moved data both ways on all
# 2*P streams. One jq run per document: this script checks 320.
check_doc() {
	local tag=$1 f=$2 p=${3:-} v
	v=$(jq -rs 'if length != 1 then "documents:\(length)"
	    elif (.[0] | type) != "object" then "not-an-object"
	    elif .[0] | has("error") then "error:\(.[0].error)"
	    else .[0].end | [(.streams | length),
	        .sum_received.bytes, .sum_received_bidir_reverse.bytes,
	        ([.streams[].sender.bytes] | min),
	        ([.streams[].receiver.bytes] | min)] | map(tostring) | join(" ")
	    end' "$f" 2>/dev/null) || fail "$tag: $(basename "$f") is not JSON"
	[[ $v =~ ^[0-9] ]] || fail "$tag: $(basename "$f"): $v"
	[ -n "$p" ] || return 0
	local n recv rrev smin rmin
	read -r n recv rrev smin rmin <<<"$v"
	assert_eq "$tag: end.streams entries" "$n" $((2 * p))
	assert_int_cmp "$tag: end.sum_received.bytes" "$recv" -gt 0
	assert_int_cmp "$tag: end.sum_received_bidir_reverse.bytes" "$rrev" -gt 0
	assert_int_cmp "$tag: smallest end.streams[].sender.bytes" "$smin" -gt 0
	assert_int_cmp "$tag: smallest end.streams[].receiver.bytes" "$rmin" -gt 0
}

for ((round = 1; round <= NROUNDS; round++)); do
	spids=() souts=() serrs=() cpids=()
	read -r -a ports <<<"$(free_ports "$NPAIRS")"
	assert_eq "number of free ports" "${#ports[@]}" "$NPAIRS"
	for ((i = 0; i < NPAIRS; i++)); do
		start_server "$EVPERF" -s -1 -J -p "${ports[i]}"
		spids+=("$SERVER_PID")
		souts+=("$SERVER_OUT")
		serrs+=("$SERVER_ERR")
	done
	for ((i = 0; i < NPAIRS; i++)); do
		wait_port "${ports[i]}" "${spids[i]}"
	done

	# All clients at once. Not start_bg: stdout (JSON) and stderr apart.
	for ((i = 0; i < NPAIRS; i++)); do
		timeout -k 5 40 "$EVPERF" -c 127.0.0.1 -p "${ports[i]}" --bidir \
			-t 1 -J -P $((i % 2 + 1)) >"$E2E_TMP/r$round.c$i.out" \
			2>"$E2E_TMP/r$round.c$i.err" &
		cpids+=("$!")
		E2E_PIDS+=("$!")
	done

	for ((i = 0; i < NPAIRS; i++)); do
		tag="round $round, pair $i (-P $((i % 2 + 1)), port ${ports[i]})"
		wait_exit "${cpids[i]}" 50
		assert_exit "$tag: client" "$EXIT_RC" 0
		check_doc "$tag: client" "$E2E_TMP/r$round.c$i.out" $((i % 2 + 1))
	done
	for ((i = 0; i < NPAIRS; i++)); do
		tag="round $round, pair $i (port ${ports[i]})"
		wait_exit "${spids[i]}" 20
		assert_exit "$tag: server" "$EXIT_RC" 0
		check_doc "$tag: server" "${souts[i]}"
	done
	rm -f "$E2E_TMP/r$round".c* "${souts[@]}" "${serrs[@]}"
	log "round $round: $NPAIRS pairs ok"
done
log "$NROUNDS rounds of $NPAIRS concurrent --bidir pairs passed"
