#!/usr/bin/env bash
# Human-readable output: column layout identical to iperf3's (3.18+ form),
# client and server, live. For each mode (tcp, tcp-R, tcp-P2, tcp-bidir,
# udp, udp-R, udp-bidir at -b 20M, tcp-fm = -f m, tcp-fK = -f K) a stock
# iperf3 server+client pair and an evperf server+client pair run side by
# side (-t 2, one-off servers on free loopback ports, modes one after the
# other), and both sides' text output is compared as *shapes* by
# human_layout.py (its header has the full rule):
#  - every line is classified (banner, listening, connecting, reverse,
#    accepted, connected, header, separator, interval/summary data line
#    with stream/[SUM], --bidir role and sender/receiver word, blank,
#    "iperf Done."); preamble, summary and trailer must have the same line
#    sequence; interval blocks (one time range each) the same template,
#    and their number may differ by one (the final short interval);
#  - paired lines must have the same fields once numbers become "#" and
#    the adaptive unit prefix "?" ("944 Mbits/sec" = "9.42 Gbits/sec");
#  - spacing: a field without digits must have exactly iperf3's blanks
#    before it; a numeric field must fit one right-aligned printf column
#    (literal gap G, width W: blanks = G + max(0, W - len)) together with
#    every iperf3 line of the same shape, with W = 4 and unit_snprintf's
#    %4.2f/%4.1f/%4.0f choice for a number before a unit. So values may
#    change width where iperf3's would (padding, overflow, unpadded lost/
#    total), but a column may not move. Socket numbers may differ in value,
#    not in "[%3d]" width. Out-of-order notes are dropped.
# Allowlist (inside human_layout.py, applied only to a side whose
# --version is older than 3.18, reported as "note ... allowlisted"): the
# per-stream TCP sender summary has 13 blanks before "sender" in
# 3.12-3.17 and 12 in 3.18+; evperf (claims 3.21) must print 12.
# Scraper checks on the client output of both tools: awk '{print $7}' on
# the last sender and last receiver line is the same kind of token (number
# vs unit) for evperf as for iperf3; `\[SUM\].*sender` and LISA's
# `\[SUM\].*bits/sec.*sender` match with -P 2; go-iperf's line[1:4] is a
# stream id on every data line; with -f K, nerdalert/cloud-bandwidth's
# `tail -n 3 | head -n1 | awk '{print $7}'` is a number; with -f m / -f K
# every client bitrate is in Mbits/sec / KBytes/sec.
# Every mismatch prints the iperf3 line and the evperf line; all modes run
# before the test fails. MODES="tcp udp-R" runs a subset;
# HUMAN_LAYOUT_SAVE=DIR keeps the captures; EVPERF=$(command -v iperf3)
# validates the script against iperf3 itself.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

need_iperf3
LAYOUT=$E2E_DIR/human_layout.py
OUT=$E2E_TMP/captures
mkdir -p "$OUT"
FAILED=()
REF_VERSION=$("$IPERF3" --version 2>/dev/null | head -n 1) || true
EV_VERSION=$("$EVPERF" --version 2>/dev/null | head -n 1) || true

mode_args() {
	case $1 in
	tcp) echo "" ;;
	tcp-R) echo "-R" ;;
	tcp-P2) echo "-P 2" ;;
	tcp-bidir) echo "--bidir" ;;
	udp) echo "-u -b 20M" ;;
	udp-R) echo "-u -b 20M -R" ;;
	udp-bidir) echo "-u -b 20M --bidir" ;;
	tcp-fm) echo "-f m" ;;
	tcp-fK) echo "-f K" ;;
	*) fail "unknown mode $1" ;;
	esac
}

# bad MODE MSG [IPERF3_LINE EVPERF_LINE]: one scraper-level mismatch.
bad() {
	printf 'MISMATCH [%s client] %s\n' "$1" "$2" >&2
	if [ $# -ge 4 ]; then
		printf "    iperf3: '%s'\n    evperf: '%s'\n" "$3" "$4" >&2
	fi
	FAILED+=("$1 client: $2")
}

# token_kind TOKEN: "num" for a number, else the token with its unit
# prefix (K/M/G/T) blanked, so Gbits/sec and Mbits/sec are the same kind.
token_kind() {
	if [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
		echo num
	else
		echo "${1/#[KMGT]/?}"
	fi
}

# scrapers MODE: what column scrapers read from both clients' output.
scrapers() {
	local mode=$1 word rl el rk ek unit line
	local ref=$OUT/ref.$mode.client ev=$OUT/ev.$mode.client
	for word in sender receiver; do
		rl=$(grep -E " $word\$" "$ref" | tail -n 1) || true
		el=$(grep -E " $word\$" "$ev" | tail -n 1) || true
		if [ -z "$el" ]; then
			bad "$mode" "no '$word' summary line" "$rl" "$el"
			continue
		fi
		rk=$(token_kind "$(awk '{print $7}' <<<"$rl")")
		ek=$(token_kind "$(awk '{print $7}' <<<"$el")")
		[ "$rk" = "$ek" ] || bad "$mode" "awk \$7 of the last $word line:" \
			"iperf3 '$rk', evperf '$ek'" "$rl" "$el"
	done
	if [ "$mode" = tcp-P2 ]; then
		for line in '\[SUM\].*sender' '\[SUM\].*bits/sec.*sender'; do
			if grep -Eq -- "$line" "$ref" && ! grep -Eq -- "$line" "$ev"; then
				bad "$mode" "regex '$line' matches iperf3, not evperf" \
					"$(grep -E -- "$line" "$ref" | tail -n 1)" \
					"$(grep -E '\[SUM\]' "$ev" | tail -n 1)"
			fi
		done
	fi
	# go-iperf (live mode): line[1:4] is the stream id.
	while IFS= read -r line; do
		[[ ${line:1:3} =~ ^\ *[0-9]+$|^SUM$ ]] ||
			bad "$mode" "line[1:4] is not a stream id: '${line:1:3}'" \
				"$(grep -m 1 -E ' sec ' "$ref")" "$line"
	done < <(grep -E '^\[.{3}\].* sec ' "$ev")
	case $mode in
	tcp-fm) unit=Mbits/sec ;;
	tcp-fK) unit=KBytes/sec ;;
	*) unit= ;;
	esac
	if [ -n "$unit" ]; then
		while IFS= read -r line; do
			[[ $line == *" $unit"* ]] ||
				bad "$mode" "bitrate not in $unit" \
					"$(grep -m 1 -F " $unit" "$ref")" "$line"
		done < <(grep -E '/sec' "$ev")
	fi
	if [ "$mode" = tcp-fK ]; then
		# nerdalert/cloud-bandwidth: iperf3 -f K ... | tail -n 3 |
		# head -n1 | awk '{print $7}' feeds Graphite a number.
		rk=$(tail -n 3 "$ref" | head -n 1 | awk '{print $7}')
		ek=$(tail -n 3 "$ev" | head -n 1 | awk '{print $7}')
		[[ $rk =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
			fail "$mode: iperf3's tail -n 3 | head -n1 | awk \$7 is '$rk'"
		[[ $ek =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
			bad "$mode" "tail -n 3 | head -n1 | awk \$7 is '$ek', not a number" \
				"$(tail -n 3 "$ref" | head -n 1)" "$(tail -n 3 "$ev" | head -n 1)"
	fi
}

# layout_mode MODE: one mode, iperf3 and evperf pairs side by side.
layout_mode() {
	local mode=$1 args rp ep rs es rc ec rsout esout side out
	read -r -a args <<<"$(mode_args "$mode")"
	args+=(-t 2)
	log "mode $mode: ${args[*]}"
	rp=$(free_port)
	start_server "$IPERF3" -s -1 -p "$rp"
	rs=$SERVER_PID rsout=$SERVER_OUT
	ep=$(free_port)
	while [ "$ep" = "$rp" ]; do ep=$(free_port); done
	start_server "$EVPERF" -s -1 -p "$ep"
	es=$SERVER_PID esout=$SERVER_OUT
	wait_port "$rp" "$rs"
	wait_port "$ep" "$es"
	timeout -k 5 30 "$IPERF3" -c 127.0.0.1 -p "$rp" "${args[@]}" \
		>"$OUT/ref.$mode.client" 2>"$E2E_TMP/ref.$mode.client.err" &
	rc=$!
	E2E_PIDS+=("$rc")
	timeout -k 5 30 "$EVPERF" -c 127.0.0.1 -p "$ep" "${args[@]}" \
		>"$OUT/ev.$mode.client" 2>"$E2E_TMP/ev.$mode.client.err" &
	ec=$!
	E2E_PIDS+=("$ec")
	wait_exit "$rc" 30
	assert_exit "mode $mode: iperf3 client" "$EXIT_RC" 0
	wait_exit "$ec" 30
	assert_exit "mode $mode: evperf client" "$EXIT_RC" 0
	wait_exit "$rs" 20
	assert_exit "mode $mode: iperf3 server" "$EXIT_RC" 0
	wait_exit "$es" 20
	assert_exit "mode $mode: evperf server" "$EXIT_RC" 0
	mv "$rsout" "$OUT/ref.$mode.server"
	mv "$esout" "$OUT/ev.$mode.server"
	for side in client server; do
		if out=$(python3 "$LAYOUT" compare --mode "$mode" --side "$side" \
			--ref-version "$REF_VERSION" --ev-version "$EV_VERSION" \
			"$OUT/ref.$mode.$side" "$OUT/ev.$mode.$side"); then
			printf '%s\n' "$out" >&2
		else
			printf '%s\n' "$out" >&2
			FAILED+=("$mode $side: layout")
		fi
	done
	scrapers "$mode"
}

log "iperf3: $REF_VERSION; evperf: $EV_VERSION"
for m in ${MODES:-tcp tcp-R tcp-P2 tcp-bidir udp udp-R udp-bidir tcp-fm tcp-fK}; do
	layout_mode "$m"
done
if [ -n "${HUMAN_LAYOUT_SAVE:-}" ]; then
	mkdir -p "$HUMAN_LAYOUT_SAVE"
	cp "$OUT"/* "$HUMAN_LAYOUT_SAVE"/
fi
if ((${#FAILED[@]})); then
	for m in "${FAILED[@]}"; do
		log "failed: $m"
	done
	# Only the non-empty stderr captures are worth fail()'s dump.
	find "$E2E_TMP" -maxdepth 1 -type f -empty -delete
	fail "${#FAILED[@]} human-output layout difference(s) from iperf3;" \
		"see the MISMATCH lines above"
fi
log "all modes lay out their text output like iperf3"
