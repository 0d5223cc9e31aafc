#!/usr/bin/env bash
# Cross-builds and runs the Windows smoke tests of the static dependencies:
#
#   bash win/build-smoke.sh        # as root, or a user with sudo for apt
#
# In order it:
#  1. runs win/build-deps.sh (cached in build-win/deps);
#  2. builds win/smoke twice with cmake/mingw-w64-x86_64.cmake, finding the
#     libraries through pkg-config (build-win/smoke-pkgconfig) and through
#     their CMake packages (build-win/smoke-cmake);
#  3. fails if an .exe imports a DLL that Windows does not ship;
#  4. installs wine and wine64 with apt unless present, makes a wine prefix
#     in build-win/wine (the first start; kept for later runs), and runs
#     every smoke.exe and check_smoke.exe under timeout 60;
#  5. runs "smoke.exe -l 0" under wine and connects to it from Linux with
#     bash's /dev/tcp: wine's sockets are the host's;
#  6. stops the wine server (wineserver -k), also on failure.
# It times each step. Builds run under nice -n 10, EVPERF_WIN_JOBS jobs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib.sh
. win/lib.sh
export EVPERF_WIN_BUILD=$top

build_smoke()
{
	local how=$1 dir=$top/smoke-$1
	# --fresh: pkg_check_modules caches what it found in CMakeCache.txt.
	nice -n 10 cmake --fresh -S win/smoke -B "$dir" \
	    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
	    -DEVPERF_WIN_DEPS_PREFIX="$prefix" -DSMOKE_DEPS="$how" \
	    -DCMAKE_BUILD_TYPE=Release
	nice -n 10 cmake --build "$dir" -j "$jobs"
}

run_wine()
{
	local exe
	for exe in "$top"/smoke-*/smoke.exe "$top"/smoke-*/check_smoke.exe; do
		echo "-- wine $exe"
		timeout 60 wine "$exe"
	done
}

# CTest runs the same tests through the toolchain's
# CMAKE_CROSSCOMPILING_EMULATOR (env WINEDEBUG=-all wine), as a later
# evperf build's ctest would.
run_ctest()
{
	timeout 300 ctest --test-dir "$top/smoke-cmake" --output-on-failure
}

# Linux connects to smoke.exe listening under wine.
interop()
{
	local exe=$top/smoke-pkgconfig/smoke.exe out=$top/interop.out
	local port="" i reply pid

	timeout 60 wine "$exe" -l 0 >"$out" 2>&1 &
	pid=$!
	for i in $(seq 1 300); do
		port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		    "$out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		cat "$out" >&2
		echo "smoke.exe -l 0 printed no port" >&2
		return 1
	fi
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	printf '{"hello":"linux","n":41}\n' >&3
	read -r -t 10 reply <&3
	exec 3<&-
	wait "$pid"
	cat "$out"
	echo "linux got: $reply"
	[ "$reply" = '{"hello":"linux","n":42}' ]
}

step "build-deps.sh" deps
step "smoke build, pkg-config" build_smoke pkgconfig
step "smoke build, CMake packages" build_smoke cmake
step "DLL check" check_dlls "$top"/smoke-*/*.exe
step "apt: install wine" install_wine
trap stop_wine EXIT
step "wine: first start (wineboot)" wine_first_start
step "wine: run smoke tests" run_wine
step "wine: ctest, emulator" run_ctest
step "wine: Linux peer to smoke.exe" interop
step "wineserver -k" stop_wine

echo "== timings"
printf '%s\n' "${timings[@]}"
