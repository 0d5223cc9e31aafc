#!/usr/bin/env bash
# Soak, short: bench/soak.sh runs 500 tests in a row against one evperf
# server (evperf and stock iperf3 clients, TCP and UDP, forward, -R and
# --bidir, about one in ten killed mid-test). The server must end with as
# many descriptors as it started with (soak.sh waits, bounded, for the last
# test's to close), its resident size must grow by less than 16 MiB, and
# at most 2 of the normal tests may fail. Counts only, never timings.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

stock=none
if command -v "${IPERF3:-iperf3}" >/dev/null 2>&1; then
	stock=$(command -v "${IPERF3:-iperf3}")
fi
out=$E2E_TMP/soak.out
rc=0
run_to 170 bash "$E2E_DIR/../../bench/soak.sh" -n 500 --every 100 \
	--allow-fail 2 --evperf "$EVPERF" --iperf3 "$stock" >"$out" 2>&1 || rc=$?
cat "$out" >&2
assert_exit "bench/soak.sh -n 500" "$rc" 0
line=$(grep '^soak: tests ' "$out" | tail -n 1)
[ -n "$line" ] || fail "no summary line from soak.sh"
read -r -a f <<<"$line"
# soak: tests N ok A failed F killed K fd START END rss_kb START END secs S
assert_eq "summary layout" "${f[1]} ${f[3]} ${f[5]} ${f[7]} ${f[9]} ${f[12]}" \
	"tests ok failed killed fd rss_kb"
assert_eq "tests run" "${f[2]}" 500
assert_int_cmp "tests killed" "${f[8]}" -gt 0
assert_int_cmp "normal tests failed" "${f[6]}" -le 2
assert_int_cmp "server descriptors at the start" "${f[10]}" -gt 0
assert_eq "server descriptors at the end" "${f[11]}" "${f[10]}"
assert_int_cmp "server RSS growth (kB)" "$((f[14] - f[13]))" -lt 16384
log "ok: ${line#soak: }"
