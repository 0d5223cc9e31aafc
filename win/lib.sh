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

# deps: build-deps.sh (cached); sets prefix, the static dependencies' prefix.
deps()
{
	# Its output goes on as it is (tee /dev/stderr would reopen stderr and
	# truncate a log file it points at); the prefix is its last line.
	bash win/build-deps.sh | tee "$top/deps.log" >&2
	prefix=$(tail -n 1 "$top/deps.log")
}

# DLLs that come with every Windows (and with wine).
system_dll='^(KERNEL32|WS2_32|ADVAPI32|IPHLPAPI|SHELL32|USER32|msvcrt|ucrtbase|api-ms-win-crt-[a-z0-9-]+)\.dll$'

# check_dlls EXE...: each imports only DLLs that every Windows has.
check_dlls()
{
	local exe dll bad=0
	for exe in "$@"; do
		echo "$exe:"
		while read -r dll; do
			echo "  $dll"
			if ! grep -Eiq "$system_dll" <<<"$dll"; then
				echo "  ^ not a system DLL" >&2
				bad=1
			fi
		done < <(x86_64-w64-mingw32-objdump -p "$exe" |
		    sed -n 's/^[[:space:]]*DLL Name: //p')
	done
	return "$bad"
}

install_wine()
{
	if command -v wine >/dev/null && command -v wineserver >/dev/null; then
		echo "already installed: $(wine --version)"
		return
	fi
	"${SUDO[@]}" apt-get update
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends wine wine64
}

# Wine's own prefix lives in the build folder; WINEDEBUG=-all silences its
# "fixme:" lines; mscoree and mshtml are off so that the first start does
# not look for the Mono and Gecko add-ons (not packaged in Debian 12).
export WINEPREFIX=$top/wine
export WINEDEBUG=-all
export WINEDLLOVERRIDES='mscoree,mshtml='
export WINEARCH=win64

wine_first_start()
{
	if [ -f "$WINEPREFIX/system.reg" ]; then
		echo "wine prefix exists: $WINEPREFIX"
		return
	fi
	timeout 300 wine wineboot --init
	timeout 60 wineserver -w
}

stop_wine()
{
	timeout 30 wineserver -k 2>/dev/null || true
}

