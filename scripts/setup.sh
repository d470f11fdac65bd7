#!/usr/bin/env bash
# setup.sh - installs what building and testing winhttp-ng needs, on Debian
# bookworm as root. Idempotent: a second run checks stamps and takes seconds.
#
#   apt packages       cmake, ninja, clang, mingw-w64, wine, cmocka, python3-websockets...
#   OpenSSL 3 (mingw)  cross-built static from Debian's own source package, per arch
#   cmocka (mingw)     cross-built static from Debian's own source package, per arch
#   Wine prefix        created once, reused by every test run
#
# Everything built lives in $WH_CACHE (default /var/cache/winhttp-ng), outside
# the git tree. Source this file's output variables with: eval "$(scripts/setup.sh --env)"
set -euo pipefail

WH_CACHE=${WH_CACHE:-/var/cache/winhttp-ng}
WH_DEPS=${WH_DEPS:-$WH_CACHE/deps}
WINEPREFIX=${WINEPREFIX:-$WH_CACHE/wine64}
ARCHES=(x86_64 i686)
APT_PKGS=(cmake ninja-build make gcc clang libclang-rt-14-dev mingw-w64 wine wine64
          libcmocka-dev libssl-dev python3-websockets dpkg-dev perl xz-utils binutils)
# OpenSSL for a DLL that must load on ReactOS (Server 2003-level kernel32):
# _WIN32_WINNT=0x0502 keeps SRW locks, condition variables and InitOnce out
# of its imports; the no-* options drop code WinHTTP never uses.
OPENSSL_OPTS=(no-shared no-engine no-capieng no-dso no-ui-console no-legacy no-tests
              -D_WIN32_WINNT=0x0502)

log() { printf '[setup] %s\n' "$*" >&2; }

if [ "${1:-}" = "--env" ]; then
    printf 'export WH_CACHE=%q WH_DEPS=%q WINEPREFIX=%q\n' "$WH_CACHE" "$WH_DEPS" "$WINEPREFIX"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "setup.sh installs packages: run it as root" >&2
    exit 1
fi
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive

missing_pkgs() {
    local p
    for p in "${APT_PKGS[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
            echo "$p"
    done
}

install_apt() {
    local missing
    missing=$(missing_pkgs)
    [ -z "$missing" ] && return 0
    log "installing:" $missing
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# apt-get source needs deb-src entries. Derive them from the machine's own
# Debian entries (same mirrors, same keys) rather than naming a host here.
ensure_deb_src() {
    local out=/etc/apt/sources.list.d/winhttp-ng-src.sources
    [ -s "$out" ] && return 0
    local f tmp
    tmp=$(mktemp)
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        [ "$f" = "$out" ] && continue
        # deb822: copy each stanza that uses Debian's archive key.
        awk -v RS= -v ORS='\n\n' '/debian-archive-keyring/' "$f" |
            sed 's/^Types:.*/Types: deb-src/' >> "$tmp"
    done
    if [ -f /etc/apt/sources.list ]; then
        grep -E '^deb (\[[^]]*\] )?[^ ]+/debian(-security)? ' /etc/apt/sources.list |
            sed 's/^deb /deb-src /' > "$tmp.list" || true
        [ -s "$tmp.list" ] && cp "$tmp.list" /etc/apt/sources.list.d/winhttp-ng-src.list
        rm -f "$tmp.list"
    fi
    if [ -s "$tmp" ]; then
        cp "$tmp" "$out"
    else
        echo "# no deb822 Debian sources found; see winhttp-ng-src.list" > "$out"
    fi
    rm -f "$tmp"
    log "added deb-src entries; updating package lists"
    apt-get update -qq
}

# fetch_source PKG: unpacks Debian's source package once into $WH_DEPS/src and
# prints its directory.
fetch_source() {
    local pkg=$1 dir
    mkdir -p "$WH_DEPS/src"
    dir=$(find "$WH_DEPS/src" -maxdepth 1 -type d -name "$pkg-[0-9]*" | sort | tail -n 1)
    if [ -z "$dir" ]; then
        ensure_deb_src
        # A mirror may carry a newer revision's tarball before its .dsc, so
        # try the versions apt knows, newest first, until one unpacks whole.
        local ver tmp
        for ver in $(apt-cache showsrc "$pkg" | awk '/^Version:/ { print $2 }' | sort -rV); do
            log "fetching the $pkg $ver source package"
            tmp=$(mktemp -d "$WH_DEPS/src/.fetch.XXXXXX")
            if (cd "$tmp" && apt-get source -qq "$pkg=$ver" >/dev/null 2>&1); then
                dir=$(find "$tmp" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n 1)
                if [ -n "$dir" ]; then
                    mv "$dir" "$WH_DEPS/src/"
                    rm -rf "$tmp"
                    break
                fi
            fi
            rm -rf "$tmp"
        done
        dir=$(find "$WH_DEPS/src" -maxdepth 1 -type d -name "$pkg-[0-9]*" | sort | tail -n 1)
    fi
    [ -n "$dir" ] || { echo "could not unpack the $pkg source package" >&2; exit 1; }
    echo "$dir"
}

build_openssl() {
    local arch=$1 src=$2 target prefix stamp want
    local extra=()
    case $arch in
        x86_64) target=mingw64 ;;
        # Debian's i686 perlasm output carries ELF PIC relocations that the
        # COFF assembler rejects; plain C is fine for a 32-bit build.
        i686) target=mingw; extra=(no-asm) ;;
    esac
    prefix=$WH_DEPS/$arch/openssl
    stamp=$prefix/.stamp
    want="$(basename "$src") $target ${OPENSSL_OPTS[*]} ${extra[*]}"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "cross-building $(basename "$src") for $arch (a couple of minutes)"
    rm -rf "$WH_DEPS/build/openssl-$arch" "$prefix"
    mkdir -p "$WH_DEPS/build/openssl-$arch"
    local buildlog=$WH_DEPS/openssl-$arch.log
    if ! (
        cd "$WH_DEPS/build/openssl-$arch"
        "$src/Configure" "$target" "${OPENSSL_OPTS[@]}" "${extra[@]}" \
            --cross-compile-prefix="$arch-w64-mingw32-" --prefix="$prefix" --libdir=lib &&
            make -j"$(nproc)" build_libs && make install_dev
    ) > "$buildlog" 2>&1; then
        tail -n 30 "$buildlog" >&2
        echo "OpenSSL build for $arch failed; full log: $buildlog" >&2
        exit 1
    fi
    rm -rf "$WH_DEPS/build/openssl-$arch"
    echo "$want" > "$stamp"
}

# cmocka is one C file; build it as a static library with the cross compiler.
build_cmocka() {
    local arch=$1 src=$2 prefix stamp want cc
    cc=$arch-w64-mingw32-gcc
    prefix=$WH_DEPS/$arch/cmocka
    stamp=$prefix/.stamp
    want="$(basename "$src")"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "cross-building $(basename "$src") for $arch"
    rm -rf "$prefix"
    mkdir -p "$prefix/include" "$prefix/lib"
    "$cc" -O2 -c "$src/src/cmocka.c" -I"$src/include" -o "$prefix/lib/cmocka.o" \
        -DHAVE_SIGNAL_H -DHAVE_MALLOC_H -DHAVE_INTTYPES_H -DHAVE_STDINT_H -DHAVE__SNPRINTF_S \
        -DHAVE__VSNPRINTF_S -DHAVE_STRSIGNAL=0
    "$arch-w64-mingw32-ar" rcs "$prefix/lib/libcmocka.a" "$prefix/lib/cmocka.o"
    rm -f "$prefix/lib/cmocka.o"
    cp "$src/include/cmocka.h" "$prefix/include/"
    echo "$want" > "$stamp"
}

setup_wine() {
    if [ -f "$WINEPREFIX/.wh-stamp" ]; then
        return 0
    fi
    log "creating the Wine prefix $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    # No Mono/Gecko installers: nothing here uses .NET or HTML.
    WINEPREFIX=$WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
        wineboot -i >/dev/null 2>&1 || true
    WINEPREFIX=$WINEPREFIX wineserver -w 2>/dev/null || true
    [ -f "$WINEPREFIX/system.reg" ] || { echo "wineboot failed" >&2; exit 1; }
    touch "$WINEPREFIX/.wh-stamp"
}

install_apt
ossl_src=$(fetch_source openssl)
cmocka_src=$(fetch_source cmocka)
for a in "${ARCHES[@]}"; do
    build_openssl "$a" "$ossl_src"
    build_cmocka "$a" "$cmocka_src"
done
setup_wine
log "ready in $(( $(date +%s) - start )) s (cache: $WH_CACHE)"
