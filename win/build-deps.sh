#!/usr/bin/env bash
# Builds static Windows (x86_64, mingw-w64) libevent, cJSON and Check from
# Debian's own source packages, for cross-building evperf.exe on Debian 12.
#
#   bash win/build-deps.sh          # as root, or a user with sudo for apt
#
# In order it:
#  1. installs with apt the cross compiler gcc-mingw-w64-x86-64, cmake and
#     dpkg-dev (apt-get source unpacks with dpkg-source), unless installed;
#  2. adds /etc/apt/sources.list.d/evperf-deb-src.sources (deb-src twins of
#     the Debian entries in debian.sources) when apt knows no source
#     packages, and runs apt-get update;
#  3. runs apt-get source for libevent, cjson and check into
#     build-win/deps/src (skipped for a package already unpacked there);
#  4. builds each with cmake/mingw-w64-x86_64.cmake into
#     build-win/deps/build/NAME and installs it into build-win/deps/prefix
#     (skipped when the prefix has the stamp of that source version and of
#     this script and the toolchain files): libevent static, without
#     OpenSSL, tests, samples, benchmarks and clock_gettime; cJSON static
#     with CJSON_HIDE_SYMBOLS; Check static (no fork() on Windows: it runs
#     every test in-process, CK_NOFORK);
#  5. mends what the installed files get wrong for a static Windows link:
#     libevent's .pc files (-L for -l, no iphlpapi, all in Libs.private),
#     libcjson.pc (the define), check.pc (-lcheck_pic), and libcheck.a's
#     stand-in clock_gettime() that always returns 0.
# It times each step and prints the prefix as its last line.
# Nothing is downloaded except through apt. EVPERF_WIN_BUILD names another
# build folder; EVPERF_WIN_JOBS the make jobs (default 2). Builds run under
# nice -n 10.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib.sh
. win/lib.sh
deps=$top/deps
srcdir=$deps/src
blddir=$deps/build
prefix=$deps/prefix
toolchain=$root/cmake/mingw-w64-x86_64.cmake

apt_packages=(gcc-mingw-w64-x86-64 cmake dpkg-dev)

install_tools()
{
	local missing=() p
	for p in "${apt_packages[@]}"; do
		if [ "$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null)" != \
		    'install ok installed' ]; then
			missing+=("$p")
		fi
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "already installed: ${apt_packages[*]}"
		return
	fi
	"${SUDO[@]}" apt-get update
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends "${missing[@]}"
}

# have_sources: apt knows the source packages of all three.
have_sources()
{
	local p out
	for p in libevent cjson check; do
		# Not a pipe into grep -q: with pipefail, grep quitting early
		# makes apt-cache die of SIGPIPE and the pipe fail.
		out=$(apt-cache showsrc --only-source "$p" 2>/dev/null) || true
		grep -q "^Package: $p\$" <<<"$out" || return 1
	done
}

add_deb_src()
{
	local list=/etc/apt/sources.list.d/debian.sources
	local out=/etc/apt/sources.list.d/evperf-deb-src.sources

	if have_sources; then
		echo "apt already knows the source packages"
		return
	fi
	if [ ! -e "$out" ]; then
		# Debian 12 images keep their entries in deb822 form in
		# debian.sources; older ones in sources.list.
		if [ -f "$list" ]; then
			sed -e 's/^Types:.*/Types: deb-src/' "$list" |
			    "${SUDO[@]}" tee "$out" >/dev/null
		elif [ -f /etc/apt/sources.list ]; then
			out=/etc/apt/sources.list.d/evperf-deb-src.list
			sed -n -e 's/^deb \(.*debian.*\)/deb-src \1/p' \
			    /etc/apt/sources.list | "${SUDO[@]}" tee "$out" \
			    >/dev/null
		else
			echo "no Debian apt entries to derive deb-src ones" \
			    "from" >&2
			exit 1
		fi
		echo "added $out"
	fi
	"${SUDO[@]}" apt-get update
	if ! have_sources; then
		echo "apt still knows no source package of libevent," \
		    "cjson and check" >&2
		exit 1
	fi
}

# srcpath NAME: the unpacked source folder of package NAME, if any.
srcpath()
{
	local d
	for d in "$srcdir/$1"-*/; do
		if [ -d "$d/debian" ]; then
			echo "${d%/}"
			return
		fi
	done
}

fetch_sources()
{
	local p
	mkdir -p "$srcdir"
	for p in libevent cjson check; do
		if [ -n "$(srcpath "$p")" ]; then
			echo "cached: $(srcpath "$p")"
			continue
		fi
		# apt-get source leaves the .dsc and tarballs beside the tree.
		(cd "$srcdir" && apt-get source --only-source "$p")
		if [ -z "$(srcpath "$p")" ]; then
			echo "apt-get source $p unpacked nothing" >&2
			exit 1
		fi
	done
}

# The stamps name the source version and a hash of this script and the
# toolchain files, so that changing how a library is built rebuilds it.
recipe=$(cat "$root/win/build-deps.sh" "$root"/cmake/mingw-w64-*.cmake |
    sha256sum | cut -c1-12)

# build NAME CMAKE-ARGS...: configures, builds and installs one library
# unless the prefix holds the stamp for this source version and recipe.
build()
{
	local name=$1 src stamp
	shift
	src=$(srcpath "$name")
	stamp=$prefix/.stamps/$(basename "$src")-$recipe
	if [ -e "$stamp" ]; then
		echo "built: $(basename "$src") (rm $stamp to rebuild)"
		return
	fi
	rm -rf "$blddir/$name"
	nice -n 10 cmake -S "$src" -B "$blddir/$name" \
	    -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
	    -DEVPERF_WIN_DEPS_PREFIX="$prefix" \
	    -DCMAKE_INSTALL_PREFIX="$prefix" \
	    -DCMAKE_BUILD_TYPE=Release "$@"
	nice -n 10 cmake --build "$blddir/$name" -j "$jobs"
	nice -n 10 cmake --install "$blddir/$name"
	mkdir -p "$prefix/.stamps"
	touch "$stamp"
}

# The .pc files as installed do not link a static Windows program; they are
# edited in place (idempotently), so that plain `pkg-config --libs` and
# CMake's pkg_check_modules(... IMPORTED_TARGET) give what links.

# libevent's CMake writes "Libs.private: -Lws2_32 -Lshell32 -Ladvapi32"
# (-L where -l is meant) and leaves out iphlpapi, which evutil.c needs for
# if_nametoindex (its CMake package lists it); a static-only prefix needs
# them all in Libs.
fix_libevent_pc()
{
	local f tmp
	for f in "$prefix"/lib/pkgconfig/libevent*.pc; do
		tmp=$f.tmp
		awk '
		/^Libs:/ { libs = NR }
		/^Libs\.private:/ {
			sub(/^Libs\.private:[ \t]*/, "")
			gsub(/-L/, "-l")
			priv = $0 " -liphlpapi"
			$0 = "Libs.private:"
		}
		{ line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++)
				print (i == libs && priv != "") ? \
				    line[i] " " priv : line[i]
		}' "$f" >"$tmp"
		mv "$tmp" "$f"
	done
}

# Check's check.pc.in names "-lcheck_pic", a library only Debian's own
# package builds; CMake installs libcheck.a.
fix_check_pc()
{
	sed -i -e 's/-lcheck_pic/-lcheck/' "$prefix/lib/pkgconfig/check.pc"
}

# Without CJSON_HIDE_SYMBOLS cJSON.h declares every function
# __declspec(dllimport) for its users (GNU ld quietly patches such calls to
# a static library through an import stub; other linkers fail): users get
# the define from the .pc file.
fix_cjson_pc()
{
	local f=$prefix/lib/pkgconfig/libcjson.pc
	if ! grep -q '^Cflags:.*-DCJSON_HIDE_SYMBOLS' "$f"; then
		sed -i -e '/^Cflags:/ s/$/ -DCJSON_HIDE_SYMBOLS/' "$f"
	fi
}

# EVENT__DISABLE_CLOCK_GETTIME: the posix compiler finds winpthreads'
# clock_gettime, and libevent would take its monotonic time from whatever
# clock_gettime the .exe links (see fix_check_lib); without it libevent uses
# its native Windows timer (QueryPerformanceCounter, GetTickCount64).
build_libevent()
{
	build libevent -DEVENT__LIBRARY_TYPE=STATIC \
	    -DEVENT__DISABLE_OPENSSL=ON -DEVENT__DISABLE_TESTS=ON \
	    -DEVENT__DISABLE_REGRESS=ON -DEVENT__DISABLE_SAMPLES=ON \
	    -DEVENT__DISABLE_BENCHMARK=ON -DEVENT__DISABLE_CLOCK_GETTIME=ON
	fix_libevent_pc
}

build_cjson()
{
	# Its custom flags add -fstack-protector-strong, whose
	# __stack_chk_fail mingw-w64 keeps in libssp: left out.
	build cjson -DBUILD_SHARED_LIBS=OFF -DENABLE_CJSON_TEST=OFF \
	    -DENABLE_CJSON_UTILS=OFF -DENABLE_PUBLIC_SYMBOLS=OFF \
	    -DENABLE_HIDDEN_SYMBOLS=ON -DENABLE_CUSTOM_COMPILER_FLAGS=OFF
	fix_cjson_pc
}

# Check finds no librt, so it compiles a stand-in clock_gettime() into
# libcheck.a that always returns 0. A program linking libcheck.a then gets
# that one for every clock_gettime() call, its own and libevent's: time
# stands still and timers never fire (an event loop sleeps forever). The
# member is taken out, so that winpthreads' real clock_gettime() links.
fix_check_lib()
{
	local lib=$prefix/lib/libcheck.a
	# grep reads all (no -q): with pipefail an early exit fails the pipe.
	if x86_64-w64-mingw32-ar t "$lib" | grep -x clock_gettime.c.obj \
	    >/dev/null; then
		x86_64-w64-mingw32-ar d "$lib" clock_gettime.c.obj
		echo "removed the stand-in clock_gettime from $lib"
	fi
}

# Check builds a static and a shared library (no option to skip the DLL);
# link Check::check or -lcheck, with -pthread (winpthreads). Windows has no
# fork(): Check runs every test in-process (CK_FORK=no is implied).
build_check()
{
	build check -DBUILD_TESTING=OFF -DCHECK_ENABLE_TESTS=OFF
	fix_check_pc
	fix_check_lib
}

step "apt: install toolchain" install_tools
step "apt: deb-src entry" add_deb_src
step "apt-get source" fetch_sources
step "build libevent" build_libevent
step "build cjson" build_cjson
step "build check" build_check

echo "== timings"
printf '%s\n' "${timings[@]}"
echo "$prefix"
