#!/usr/bin/env bash
# run.sh - the WebSocket benchmark: our winhttp.dll, Wine's builtin winhttp
# and plain Winsock (the ceiling), side by side, under the same Wine.
#
#   bench/run.sh [--quick] [--reps N] [--only SUBSTR] [--out FILE]
#
#   --quick        smaller counts, shorter runs: finishes in under two minutes
#   --reps N       repetitions per (scenario, size, impl); default 3 (quick), 5
#   --only SUBSTR  run only the rows whose "scenario/size" contains SUBSTR
#   --out FILE     results JSON (default bench/results/<timestamp>.json)
#
# It builds what it needs (scripts/setup.sh when run as root; the mingw64
# preset for winhttp.dll and the two clients; linux-release for the native
# server), starts bench/server/ws_bench_server on its own port, runs every
# scenario interleaved (ours, builtin, raw, ours, ...), prints a table and
# writes every run plus the medians to the JSON file. See bench/README.md.
#
# Environment: WH_BENCH_MINGW_DIR / WH_BENCH_NATIVE_DIR override the build
# directories (default build/mingw64, build/linux-release). The runs use their
# own Wine prefix ($WH_CACHE/wine64-bench, created by setup.sh), so the
# wineserver they measure is not shared with test runs; set WH_BENCH_PREFIX
# to use another.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
eval "$(scripts/setup.sh --env)"
export WH_DEPS
export WINEPREFIX=${WH_BENCH_PREFIX:-$WH_CACHE/wine64-bench}
mingw=${WH_BENCH_MINGW_DIR:-build/mingw64}
native=${WH_BENCH_NATIVE_DIR:-build/linux-release}

log() { printf '[bench] %s\n' "$*" >&2; }

if [ "$(id -u)" = 0 ]; then
    bash scripts/setup.sh        # also creates $WINEPREFIX on first use
elif [ ! -f "$WINEPREFIX/system.reg" ]; then
    log "not root: cannot run scripts/setup.sh; using the tests' prefix"
    export WINEPREFIX=$WH_CACHE/wine64
fi

log "building winhttp.dll and the clients ($mingw)"
cmake --preset mingw64 -B "$mingw" >/dev/null
cmake --build "$mingw" --target winhttp_dll ws_bench_client raw_bench_client >/dev/null
log "building the server ($native)"
cmake --preset linux-release -B "$native" >/dev/null
cmake --build "$native" --target ws_bench_server >/dev/null
server=$(find "$native" -name ws_bench_server -type f -perm -u+x | head -n 1)
[ -n "$server" ] || { log "no ws_bench_server built in $native"; exit 1; }

exec python3 "$root/bench/runner.py" --root "$root" --bin "$root/$mingw/bin" \
    --server "$server" "$@"
