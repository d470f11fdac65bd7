#!/bin/sh
# Start/stop one winhttp-ng test server for ctest fixtures.
#
#   serve.sh NAME            start tests/servers/NAME.py on an ephemeral port
#   serve.sh --stop NAME     stop it again
#
# NAME is one of: ws_echo_server raw_ws_server http_server.
# Files, in $WH_SERVER_DIR (default ${TMPDIR:-/tmp}/winhttp-ng-servers):
#   NAME.port  the port (written by the server once it is listening)
#   NAME.pid   the server pid
#   NAME.log   the server's stdout/stderr
# The server is detached (own session, no inherited stdio) so ctest does not
# wait on it; it also exits by itself after $WH_SERVER_MAX_SECONDS (600).
# $WH_PYTHON overrides the interpreter (default: Debian's /usr/bin/python3,
# which has python3-websockets).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir=${WH_SERVER_DIR:-${TMPDIR:-/tmp}/winhttp-ng-servers}
py=${WH_PYTHON:-/usr/bin/python3}
max=${WH_SERVER_MAX_SECONDS:-600}

usage() {
    echo "usage: $0 NAME | --stop NAME" >&2
    exit 2
}

check_name() {
    case $1 in
        ws_echo_server|raw_ws_server|http_server) ;;
        *) echo "serve.sh: unknown server '$1'" >&2; exit 2 ;;
    esac
}

# True if PID is alive and really runs our NAME.py (guards against reuse).
is_ours() {
    [ -r "/proc/$1/cmdline" ] &&
        tr '\0' ' ' < "/proc/$1/cmdline" | grep -q "$2\.py"
}

stop() {
    name=$1
    pidf=$dir/$name.pid
    [ -f "$pidf" ] || return 0
    pid=$(cat "$pidf")
    if is_ours "$pid" "$name"; then
        kill -TERM "$pid" 2>/dev/null || true
        i=0
        while is_ours "$pid" "$name" && [ $i -lt 50 ]; do
            sleep 0.1; i=$((i + 1))
        done
        if is_ours "$pid" "$name"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidf" "$dir/$name.port"
}

start() {
    name=$1
    mkdir -p "$dir"
    stop "$name"                    # a stale instance from an earlier run
    portf=$dir/$name.port
    pidf=$dir/$name.pid
    rm -f "$portf" "$pidf"
    setsid -w "$py" "$here/$name.py" --port 0 --port-file "$portf" \
        --pid-file "$pidf" --max-seconds "$max" \
        </dev/null >"$dir/$name.log" 2>&1 &
    launcher=$!
    i=0
    while [ ! -s "$portf" ]; do
        if [ $i -ge 100 ]; then
            echo "serve.sh: $name did not report a port within 10 s" >&2
            cat "$dir/$name.log" >&2 || true
            kill -TERM "$launcher" 2>/dev/null || true
            exit 1
        fi
        if ! kill -0 "$launcher" 2>/dev/null && [ ! -s "$portf" ]; then
            echo "serve.sh: $name exited early:" >&2
            cat "$dir/$name.log" >&2 || true
            exit 1
        fi
        sleep 0.1; i=$((i + 1))
    done
    echo "$name listening on 127.0.0.1:$(cat "$portf")"
}

[ $# -ge 1 ] || usage
if [ "$1" = "--stop" ]; then
    [ $# -eq 2 ] || usage
    check_name "$2"
    stop "$2"
else
    [ $# -eq 1 ] || usage
    check_name "$1"
    start "$1"
fi
