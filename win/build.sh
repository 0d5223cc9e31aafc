#!/usr/bin/env bash
# Cross-builds evperf.exe, a self-contained Windows x86-64 program:
#
#   bash win/build.sh        # as root, or a user with sudo for apt
#
# It runs win/build-deps.sh (static libevent, cJSON and Check from Debian's
# source packages, cached in build-win/deps), configures build-win/evperf
# with cmake/mingw-w64-x86_64.cmake (warnings as errors, the unit suites
# included), builds evperf.exe and evperf_check.exe, fails if either
# imports a DLL that Windows does not ship, and prints the path of
# evperf.exe as its last line. EVPERF_WIN_BUILD=DIR builds elsewhere,
# EVPERF_WIN_JOBS=N sets the make jobs (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib.sh
. win/lib.sh
export EVPERF_WIN_BUILD=$top

configure()
{
	# --fresh: pkg_check_modules caches what it found in CMakeCache.txt.
	nice -n 10 cmake --fresh -S . -B "$top/evperf" \
	    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
	    -DEVPERF_WIN_DEPS_PREFIX="$prefix" -DEVPERF_WERROR=ON \
	    -DCMAKE_BUILD_TYPE=RelWithDebInfo
}

build()
{
	nice -n 10 cmake --build "$top/evperf" -j "$jobs"
}

step "build-deps.sh" deps >&2
step "configure evperf.exe" configure >&2
step "build evperf.exe" build >&2
step "DLL check" check_dlls "$top/evperf/evperf.exe" \
    "$top/evperf/test/evperf_check.exe" >&2
printf '%s\n' "${timings[@]}" >&2
echo "$top/evperf/evperf.exe"
