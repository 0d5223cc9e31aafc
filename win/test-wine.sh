#!/usr/bin/env bash
# Builds evperf.exe (win/build.sh) and tests it under wine, as CI does:
#
#   bash win/test-wine.sh    # as root, or a user with sudo for apt
#
# 1. the unit suites (evperf_check.exe, Check without fork) through ctest,
#    which runs them with the toolchain's emulator (wine);
# 2. win/t_wine_e2e.sh: evperf.exe as server and as client against the
#    Linux evperf and Debian's iperf3 (TCP, -R, -P 4, --bidir, UDP, -J,
#    the human report, -V, -D, Ctrl-C), and its stock pairings once more
#    against iperf3 3.21 when /opt/iperf3-3.21/bin/iperf3 exists
#    (../shared/peers/build-iperf3.sh builds it);
# 3. test/e2e/t_udp_persistent.sh with evperf.exe as the server and the
#    evperf clients that complete (the ones SIGKILLed mid-test are the
#    Linux evperf: wineserver may keep a killed wine process's sockets
#    open, with no FIN, for many seconds), every fifth UDP receive
#    failing with an injected WSAECONNRESET (seed 000), ended by Ctrl-C;
# 4. test/e2e/t_teardown_rst.sh (seed 003) with evperf.exe for evperf, in a
#    network namespace: no RST from the evperf.exe side at the end of TCP
#    tests against itself and stock iperf3.
# The Linux evperf is $EVPERF (default build/evperf, built here with cmake
# if missing). Every wine call runs under timeout; wineserver -k at the end.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib.sh
. win/lib.sh

EVPERF=${EVPERF:-$root/build/evperf}
export EVPERF
export EVPERF_EXE

linux_evperf()
{
	if [ -x "$EVPERF" ]; then
		echo "Linux evperf: $EVPERF"
		return
	fi
	cmake -S . -B build -DEVPERF_WERROR=ON
	cmake --build build -j "$jobs" --target evperf
}

unit()
{
	timeout 600 ctest --test-dir "$top/evperf" -L unit --output-on-failure
}

e2e()
{
	timeout 900 bash win/t_wine_e2e.sh
}

e2e_321()
{
	IPERF3=/opt/iperf3-3.21/bin/iperf3 WINE_PAIRS="wine:i3 i3:wine" \
	    timeout 600 bash win/t_wine_e2e.sh
}

udp_injected()
{
	UDP_PERSIST_KILL_BIN=$EVPERF EVPERF=$root/win/evperf-wine \
	    UDP_PERSIST_INJECT=1/4 EVPERF_TEST_DIR=$root/test timeout 600 \
	    bash test/e2e/t_udp_persistent.sh
}

# test/e2e/t_teardown_rst.sh in a network namespace: evperf.exe against
# itself and against stock iperf3 both ways (forward, -R, --bidir, -P 4,
# -t 1 and -n); the evperf.exe side must send no RST.
teardown()
{
	EVPERF=$root/win/evperf-wine EVPERF_TEST_DIR=$root/test \
	    timeout 600 bash test/e2e/t_teardown_rst.sh
}

EVPERF_EXE=$(bash win/build.sh | tail -n 1)
step "apt: install wine" install_wine
trap stop_wine EXIT
step "wine: first start (wineboot)" wine_first_start
# One wine server for every run below (each wine start is then ~0.3 s),
# and its services (winedevice.exe) started now, by a wine process whose
# output nobody reads: services started by a test's process inherit its
# stdout, and ctest waits for that pipe to close until the test times out.
warm_up()
{
	timeout 30 wineserver -p 600 || true # already running: fine
	timeout 120 wine cmd /c exit </dev/null >/dev/null 2>&1
}
step "wine: server and services" warm_up
step "Linux evperf" linux_evperf
step "wine: unit suites" unit
step "wine: e2e, iperf3 $(iperf3 --version | sed -n '1s/^iperf \([0-9.]*\).*/\1/p')" e2e
if [ -x /opt/iperf3-3.21/bin/iperf3 ]; then
	step "wine: e2e, iperf3 3.21 pairings" e2e_321
fi
step "wine: persistent UDP, injected resets" udp_injected
# Wine 8 makes sockets in the wine server, so the server must start inside
# the test's network namespace: stop ours, and the test's first evperf.exe
# (inside the namespace) starts a new one there.
step "wineserver -k" stop_wine
step "wine: teardown without RST (netns)" teardown
step "wineserver -k" stop_wine

echo "== timings"
printf '%s\n' "${timings[@]}"
