#!/usr/bin/env bash
# wine-run.sh EXE [ARGS...] - runs a Windows program under Wine the way the
# project's tests need: the prefix from setup.sh, quiet, and winhttp loaded
# native-then-builtin so our DLL beside the program wins. WH_WINHTTP=b runs
# the same program against Wine's builtin winhttp for comparison.
# Exits 77 (ctest: skipped) for an i686 program when no 32-bit Wine exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
eval "$("$here/setup.sh" --env)"
exe=$1
shift
if objdump -f "$exe" 2>/dev/null | grep -q 'file format pei-i386'; then
    if [ ! -e /usr/lib/wine/wine ] && ! command -v wine32 >/dev/null 2>&1; then
        echo "skipped: no 32-bit Wine on this machine" >&2
        exit 77
    fi
fi
export WINEPREFIX WINEDEBUG=${WINEDEBUG:--all}
# Ports of the test servers started by tests/servers/serve.sh (ctest fixture
# wh_servers), for the e2e programs, which cannot read Unix paths easily.
if [ -n "${WH_SERVER_DIR:-}" ]; then
    for pair in ws_echo_server:WH_WS_ECHO_PORT raw_ws_server:WH_RAW_WS_PORT \
                http_server:WH_HTTP_PORT; do
        portf=$WH_SERVER_DIR/${pair%%:*}.port
        if [ -s "$portf" ]; then
            export "${pair##*:}=$(tr -d '[:space:]' < "$portf")"
        fi
    done
fi
export WINEDLLOVERRIDES="winhttp=${WH_WINHTTP:-n,b};mscoree,mshtml="
exec wine "$exe" "$@"
