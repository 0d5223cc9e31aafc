#!/usr/bin/env bash
# -F, --file: a 3 MB random file goes byte for byte (cmp) from the sender's
# file to the receiver's, evperf to evperf (client sends; -R, server sends;
# -Z, sent with sendfile from the file) and against stock iperf3 (iperf3
# client -> evperf server, both ways; evperf -R client <- iperf3 server).
# A client with -F and no -t/-n/-k sends the file's size (-n); a -R client
# is given -n (its own file does not exist yet; for iperf3 3.21 a whole
# number of blocks). evperf client -> iperf3
# server is checked as a prefix only: a stock server stops reading at
# TEST_END and drops what is still queued (iperf3 to iperf3 too). UDP
# with -F is refused with iperf3's error, by the client and by a server
# with -F. The summary has iperf3's "Sent X / Y (P%) of FILE" line, -J
# its "diskfile" entry (keys and types as the stock client writes them). Skipped (77) without iperf3.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3
need_cmd cmp head

src=$E2E_TMP/in.bin
head -c 3000017 /dev/urandom >"$src"
size=$(stat -c %s "$src")

# xfer NAME SERVER-BIN SERVER-ARGS -- CLIENT-BIN CLIENT-ARGS: one test;
# both ends must exit 0.
xfer() {
	local name=$1 port rc=0 sargs=()
	shift
	while [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	port=$(free_port)
	start_server "${sargs[0]}" -s -1 -p "$port" "${sargs[@]:1}"
	wait_port "$port" "$SERVER_PID"
	run_to 30 "$1" -c 127.0.0.1 -p "$port" "${@:2}" \
		>"$E2E_TMP/$name.client" 2>&1 || rc=$?
	assert_exit "$name: client" "$rc" 0
	wait_exit "$SERVER_PID" 20
	assert_exit "$name: server" "$EXIT_RC" 0
}

# same NAME FILE: FILE holds exactly the source file's bytes.
same() {
	cmp "$src" "$2" || fail "$1: $(basename "$2") differs from the source"
	log "$1: $size bytes, identical"
}

xfer ee "$EVPERF" -F "$E2E_TMP/ee.bin" -- "$EVPERF" -F "$src"
same "evperf -> evperf" "$E2E_TMP/ee.bin"
assert_match "$E2E_TMP/ee.client" \
	"^\\[ *[0-9]+\\] +0\\.00-[0-9.]+ +sec +2\\.86 MBytes .*sender\$"

assert_contains "$E2E_TMP/ee.client" \
	"        Sent 2.86 MByte / 2.86 MByte (100%) of $src"

# -J: iperf3's "diskfile" entry, keys and types as iperf3 writes them.
dk='.end.streams[0].diskfile | to_entries | map("\\(.key):\\(.value | type)") | join(",")'
xfer ee_j "$EVPERF" -F "$E2E_TMP/ee_j.bin" -- "$EVPERF" -J -F "$src"
xfer ie_j "$EVPERF" -F "$E2E_TMP/ie_j.bin" -- "$IPERF3" -J -F "$src"
assert_eq "-J diskfile keys" "$(jq -r "$dk" "$E2E_TMP/ee_j.client")" \
	"$(jq -r "$dk" "$E2E_TMP/ie_j.client")"
assert_eq "-J diskfile" "$(jq -c '.end.streams[0].diskfile |
	[.sent, .size, .percent_sent, .filename]' "$E2E_TMP/ee_j.client")" \
	"[$size,$size,100,\"$src\"]"

xfer ee_r "$EVPERF" -F "$src" -- "$EVPERF" -R -n "$size" -F "$E2E_TMP/ee_r.bin"
same "evperf -R <- evperf" "$E2E_TMP/ee_r.bin"

xfer ee_z "$EVPERF" -F "$E2E_TMP/ee_z.bin" -- "$EVPERF" -Z -F "$src" -P 1
same "evperf -Z -> evperf" "$E2E_TMP/ee_z.bin"

xfer ie "$EVPERF" -F "$E2E_TMP/ie.bin" -- "$IPERF3" -F "$src"
same "iperf3 -> evperf" "$E2E_TMP/ie.bin"

# An iperf3 3.21 -R client reads whole -l blocks and waits for the rest
# of one that never comes, whatever the server (stock too): its file is a
# whole number of 128 KiB blocks.
blk=$E2E_TMP/blocks.bin
head -c $((22 * 131072)) "$src" >"$blk"
xfer ie_r "$EVPERF" -F "$blk" -- "$IPERF3" -R -n $((22 * 131072)) \
	-F "$E2E_TMP/ie_r.bin"
cmp "$blk" "$E2E_TMP/ie_r.bin" || fail "iperf3 -R <- evperf: files differ"
log "iperf3 -R <- evperf: $((22 * 131072)) bytes, identical"

xfer ei_r "$IPERF3" -F "$src" -- "$EVPERF" -R -n "$size" -F "$E2E_TMP/ei_r.bin"
same "evperf -R <- iperf3" "$E2E_TMP/ei_r.bin"

xfer ei "$IPERF3" -F "$E2E_TMP/ei.bin" -- "$EVPERF" -F "$src"
# (3.21's threads may not have read a byte by then: an empty file is a
# prefix too)
got=$(stat -c %s "$E2E_TMP/ei.bin")
cmp -n "$got" "$src" "$E2E_TMP/ei.bin" ||
	fail "evperf -> iperf3: the file is not a prefix of the source"
log "evperf -> iperf3: $got of $size bytes, a prefix of the source"

rc=0
run_to 10 "$EVPERF" -c 127.0.0.1 -u -F "$src" >"$E2E_TMP/udp.out" 2>&1 || rc=$?
assert_exit "-u -F" "$rc" 1
assert_contains "$E2E_TMP/udp.out" \
	"iperf3: parameter error - cannot transfer file using UDP"
# A server with -F refuses a UDP test with the same error (SERVER_ERROR).
port=$(free_port)
start_server "$EVPERF" -s -1 -p "$port" -F "$E2E_TMP/udp.bin"
wait_port "$port" "$SERVER_PID"
rc=0
run_to 10 "$EVPERF" -c 127.0.0.1 -p "$port" -u -t 1 >"$E2E_TMP/udp2.out" 2>&1 || rc=$?
assert_exit "-u against a -F server" "$rc" 1
assert_contains "$E2E_TMP/udp2.out" \
	"iperf3: error - cannot transfer file using UDP"
log "PASS"
