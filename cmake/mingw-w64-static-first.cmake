# Read by CMake after its platform files, through
# CMAKE_USER_MAKE_RULES_OVERRIDE in mingw-w64-x86_64.cmake: find_library()
# prefers a static lib*.a to an import library lib*.dll.a, so that a prefix
# holding both (Check's) still links a self-contained .exe.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a .dll.a .lib)
