#!/usr/bin/env bash
# demo.sh - sets everything up, builds winhttp.dll (x86_64 and i686) and runs
# the demo: an ordinary Windows program, built with mingw's stock winhttp.h
# and -lwinhttp, that loads our DLL under Wine and reports what it found.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
eval "$(scripts/setup.sh --env)"
export WH_DEPS WINEPREFIX
for preset in mingw64 mingw32; do
    cmake --preset "$preset" >/dev/null
    cmake --build "build/$preset" --target winhttp_dll winhttp_info >/dev/null
done
echo "built: build/mingw64/bin/winhttp.dll build/mingw32/bin/winhttp.dll"
echo "---- examples/winhttp_info.exe under Wine, with our winhttp.dll beside it"
scripts/wine-run.sh build/mingw64/bin/winhttp_info.exe
