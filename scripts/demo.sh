#!/usr/bin/env bash
# demo.sh - sets everything up, builds winhttp.dll (x86_64 and i686) and runs
# the demo under Wine with our DLL beside each program: examples/winhttp_info
# (which winhttp.dll was loaded, its version and exports), then
# examples/ws_echo_client, an ordinary synchronous WinHTTP WebSocket client,
# against a local echo server (Debian's python3-websockets). Both programs
# are built with mingw's stock winhttp.h and -lwinhttp.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
eval "$(scripts/setup.sh --env)"
export WH_DEPS WINEPREFIX
for preset in mingw64 mingw32; do
    cmake --preset "$preset" >/dev/null
    cmake --build "build/$preset" --target winhttp_dll winhttp_info ws_echo_client >/dev/null
done
echo "built: build/mingw64/bin/winhttp.dll build/mingw32/bin/winhttp.dll"
echo
echo "---- winhttp_info.exe"
scripts/wine-run.sh build/mingw64/bin/winhttp_info.exe | head -n 6
echo
export WH_SERVER_DIR=$PWD/build/demo-servers
trap 'tests/servers/serve.sh --stop ws_echo_server >/dev/null 2>&1 || true' EXIT
tests/servers/serve.sh ws_echo_server >/dev/null
port=$(cat "$WH_SERVER_DIR/ws_echo_server.port")
echo "---- ws_echo_client.exe 127.0.0.1 $port /echo"
scripts/wine-run.sh build/mingw64/bin/ws_echo_client.exe 127.0.0.1 "$port" /echo
