#!/usr/bin/env bash
# test.sh - sets everything up (scripts/setup.sh) and runs the whole suite:
#   1. native core unit tests under ASan + UBSan (clang)
#   2. libFuzzer targets, each for a bounded time from its seed corpus
#   3. winhttp.dll for x86_64 + its tests under Wine (our DLL beside each program)
#   4. winhttp.dll for i686 + its tests (run only where a 32-bit Wine exists)
#   5. export names and import allowlist of both DLLs
# Ends with one line "N passed, N failed, N skipped" and exits non-zero on any failure.
# FUZZ_SECONDS (default 60) sets each fuzzer's time.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/setup.sh || exit 1
eval "$(scripts/setup.sh --env)"
export WH_DEPS WINEPREFIX

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
passed=0 failed=0 skipped=0
failures=()
start=$(date +%s)

step() { printf '\n==== %s\n' "$*"; }
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); failures+=("$1"); echo "FAILED: $1"; }

# run_ctest NAME BUILD_DIR: runs ctest and adds its counts to the totals.
run_ctest() {
    local name=$1 dir=$2 log total nfail nskip
    log=$(mktemp)
    ctest --test-dir "$dir" --output-on-failure -j2 2>&1 | tee "$log"
    total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -n 1)
    nfail=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -n 1)
    nskip=$(grep -c '\*\*\*Skipped' "$log")
    rm -f "$log"
    if [ -z "$total" ] || [ "$total" = 0 ]; then
        bad "$name: ctest ran no test"
        return
    fi
    passed=$((passed + total - nfail - nskip))
    skipped=$((skipped + nskip))
    failed=$((failed + nfail))
    [ "$nfail" = 0 ] || failures+=("$name: $nfail test(s)")
}

build() { # build PRESET
    cmake --preset "$1" >/dev/null && cmake --build "build/$1" 2>&1 | grep -v '^\[' ; return "${PIPESTATUS[0]}"
}

step "native core: build (clang, ASan+UBSan)"
if build linux-core; then
    step "native core: unit tests"
    run_ctest "core unit tests" build/linux-core
else
    bad "native core build"
fi

step "fuzzing (${FUZZ_SECONDS}s per target)"
if build linux-fuzz; then
    for fz in build/linux-fuzz/tests/fuzz/fuzz_*; do
        [ -x "$fz" ] || continue
        name=$(basename "$fz")
        seeds=tests/fuzz/corpus/${name#fuzz_}
        work=$(mktemp -d)
        if "$fz" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 "$work" "$seeds" \
            > "$work.log" 2>&1; then
            ok
            echo "$name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" | grep -o '[0-9]*$') runs, no failure"
        else
            tail -n 40 "$work.log"
            bad "$name"
        fi
        rm -rf "$work" "$work.log"
    done
else
    bad "fuzz build"
fi

for preset in mingw64 mingw32; do
    arch=x86_64
    [ "$preset" = mingw32 ] && arch=i686
    step "$preset: build winhttp.dll and the Windows test programs"
    if build "$preset"; then
        step "$preset: tests under Wine"
        run_ctest "$preset tests" "build/$preset"
        step "$preset: export and import tables"
        if bash scripts/check-dll.sh "build/$preset" "$arch"; then ok; else bad "$preset check-dll"; fi
    else
        bad "$preset build"
    fi
done

step "summary ($(( $(date +%s) - start )) s)"
for f in "${failures[@]}"; do echo "  failed: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
