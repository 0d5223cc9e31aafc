# CMake toolchain file: cross-build 64-bit Windows executables on Debian 12
# with mingw-w64 (package gcc-mingw-w64-x86-64), against the static
# libevent, cJSON and Check that win/build-deps.sh builds from Debian's
# source packages.
#
#   cmake -S . -B build-win/x -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
#
# The prefix searched for those libraries is EVPERF_WIN_DEPS_PREFIX (a cache
# variable, or the environment variable of that name), by default
# build-win/deps/prefix in this checkout.
#
# The compiler is the "posix" thread-model variant: Check uses pthreads,
# which mingw-w64 provides as winpthreads. Debian's alternatives point the
# plain x86_64-w64-mingw32-gcc at the win32 variant, so name it explicitly.
# Executables link with -static: libgcc and libwinpthread go into the .exe,
# which then needs only DLLs that ship with Windows.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(EVPERF_MINGW_TRIPLET x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${EVPERF_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_RC_COMPILER ${EVPERF_MINGW_TRIPLET}-windres)

if(NOT EVPERF_WIN_DEPS_PREFIX)
	if(DEFINED ENV{EVPERF_WIN_DEPS_PREFIX})
		set(EVPERF_WIN_DEPS_PREFIX "$ENV{EVPERF_WIN_DEPS_PREFIX}")
	else()
		get_filename_component(EVPERF_WIN_DEPS_PREFIX
		    "${CMAKE_CURRENT_LIST_DIR}/../build-win/deps/prefix" ABSOLUTE)
	endif()
endif()
set(EVPERF_WIN_DEPS_PREFIX "${EVPERF_WIN_DEPS_PREFIX}" CACHE PATH
    "Prefix holding the static Windows builds of libevent, cJSON and Check")
# try_compile() projects re-read this file without the cache: pass it on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EVPERF_WIN_DEPS_PREFIX)

# Headers, libraries and CMake packages come only from the mingw-w64 sysroot
# and the deps prefix, never from the Linux host; programs from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${EVPERF_MINGW_TRIPLET} "${EVPERF_WIN_DEPS_PREFIX}")
set(CMAKE_PREFIX_PATH "${EVPERF_WIN_DEPS_PREFIX}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# find_library() should take lib*.a before an import library lib*.dll.a
# (Check installs libcheck.dll.a beside libcheck.a). Platform/Windows-GNU
# sets CMAKE_FIND_LIBRARY_SUFFIXES after this file is read, so the order is
# set in a rules override, which CMake reads after the platform files.
set(CMAKE_USER_MAKE_RULES_OVERRIDE
    "${CMAKE_CURRENT_LIST_DIR}/mingw-w64-static-first.cmake")

# pkg-config (FindPkgConfig) must read only the deps prefix's .pc files: the
# host's libevent.pc describes Linux libraries.
set(ENV{PKG_CONFIG_LIBDIR} "${EVPERF_WIN_DEPS_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

set(CMAKE_EXE_LINKER_FLAGS_INIT -static)

# Run cross-built test programs (CTest, try_run) under wine when present,
# without wine's debug channels (they print "fixme:" lines to stderr).
find_program(EVPERF_WINE wine)
if(EVPERF_WINE)
	set(CMAKE_CROSSCOMPILING_EMULATOR env WINEDEBUG=-all "${EVPERF_WINE}")
endif()
