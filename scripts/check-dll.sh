#!/usr/bin/env bash
# check-dll.sh BUILD_DIR ARCH - checks what winhttp.dll exports and imports.
#   (a) the export names are exactly tests/dll/exports.txt, undecorated
#       (no @N, no leading underscore: the i686 stdcall-fixup must have run);
#   (b) every imported DLL!Function is in tests/dll/imports-allowed.txt, the
#       reviewed list of XP/Server 2003-level functions (ReactOS loads us);
#   (c) every imported DLL is one of a few system DLLs (no api-ms-win-*,
#       bcrypt, libgcc, libwinpthread...).
# ARCH is x86_64 or i686. Prints each violation and exits 1; 0 when clean.
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR x86_64|i686" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
dll=$1/bin/winhttp.dll
arch=$2
objdump=$arch-w64-mingw32-objdump
allowed_dlls="kernel32.dll advapi32.dll user32.dll ws2_32.dll crypt32.dll msvcrt.dll"

[ -f "$dll" ] || { echo "check-dll: no $dll" >&2; exit 2; }
command -v "$objdump" >/dev/null || { echo "check-dll: no $objdump" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$objdump" -p "$dll" > "$tmp/dump"

# Export names: the "[Ordinal/Name Pointer] Table" block, one "[ n] Name" per line.
awk '/^\[Ordinal\/Name Pointer\] Table/ { on = 1; next }
     on && /^[ \t]*\[ *[0-9]+\]/ { print $NF; next }
     on { on = 0 }' "$tmp/dump" | LC_ALL=C sort > "$tmp/exports"
# Imports: "DLL Name: X" opens a block of "vma hint name" rows ending at a
# blank line. An import by ordinal has no name: report it as dll!#ordinal.
awk '/DLL Name:/ { dll = tolower($3); next }
     /vma: +Hint\/Ord/ { if (dll != "") on = 1; next }
     on && NF == 0 { on = 0; dll = ""; next }
     on { print dll "!" (NF >= 3 ? $3 : "#" $2) }' "$tmp/dump" | LC_ALL=C sort -u > "$tmp/imports"
strip() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$1" | LC_ALL=C sort -u; }
strip "$root/tests/dll/exports.txt" > "$tmp/want_exports"
strip "$root/tests/dll/imports-allowed.txt" > "$tmp/allowed"

fail=0
if ! diff -u --label expected --label "$dll" "$tmp/want_exports" "$tmp/exports" > "$tmp/d"; then
    echo "FAIL: export names differ from tests/dll/exports.txt (- missing, + extra):"
    sed -n '3,$p' "$tmp/d" | grep '^[-+]'
    fail=1
fi
if grep -E '@|^_' "$tmp/exports" > "$tmp/deco"; then
    echo "FAIL: decorated export names (stdcall-fixup did not apply):"
    sed 's/^/    /' "$tmp/deco"
    fail=1
fi
LC_ALL=C comm -23 "$tmp/imports" "$tmp/allowed" > "$tmp/extra"
if [ -s "$tmp/extra" ]; then
    echo "FAIL: imports not in tests/dll/imports-allowed.txt (review: must exist on XP/2003):"
    sed 's/^/    /' "$tmp/extra"
    fail=1
fi
cut -d'!' -f1 "$tmp/imports" | sort -u > "$tmp/dlls"
while read -r d; do
    case " $allowed_dlls " in
    *" $d "*) ;;
    *)
        echo "FAIL: import from $d, which is not one of: $allowed_dlls"
        fail=1
        ;;
    esac
done < "$tmp/dlls"

if [ "$fail" = 0 ]; then
    printf 'check-dll: %s (%s) OK: %d exports, %d imports from %s\n' "$dll" "$arch" \
        "$(wc -l < "$tmp/exports")" "$(wc -l < "$tmp/imports")" "$(tr '\n' ' ' < "$tmp/dlls")"
fi
exit "$fail"
