# Cross-compile for x86_64 Windows with Debian's mingw-w64 (win32 thread model,
# so nothing links libwinpthread). Dependencies cross-built by
# scripts/setup.sh live in ${WH_DEPS}/x86_64 (OpenSSL, cmocka).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(WH_ARCH x86_64)
if(DEFINED ENV{WH_DEPS})
    set(WH_DEPS_DIR "$ENV{WH_DEPS}/x86_64" CACHE PATH "cross-built dependencies")
else()
    set(WH_DEPS_DIR "/var/cache/winhttp-ng/deps/x86_64" CACHE PATH "cross-built dependencies")
endif()
