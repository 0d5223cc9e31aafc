# shellcheck shell=bash
# Shared by win/build-deps.sh and win/build-smoke.sh (sourced after cd to
# the repository root): the build folder, the job count, sudo for apt when
# not root, and step(), which times each step.

root=$PWD
top=${EVPERF_WIN_BUILD:-$root/build-win}
mkdir -p "$top"
top=$(cd "$top" && pwd)
jobs=${EVPERF_WIN_JOBS:-2}

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	SUDO=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive

timings=()
# step NAME CMD...: runs CMD, prints and records how long it took.
step()
{
	local name=$1 t0 t1 secs
	shift
	echo "== $name"
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	echo "== $name: ${secs} s"
	timings+=("$(printf '%-34s %8s s' "$name" "$secs")")
}
