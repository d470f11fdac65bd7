"""Shared plumbing for the winhttp-ng test servers.

Every server follows the same start-up contract so that serve.sh, ctest
fixtures and selftest.py can treat them alike:

* binds 127.0.0.1 only (tests never touch any other network);
* ``--port 0`` picks an ephemeral port and the first stdout line is
  ``PORT <n>`` (flushed), optionally also written to ``--port-file``;
* SIGTERM/SIGINT end the process cleanly, and ``--max-seconds`` bounds its
  lifetime so a forgotten server never outlives the test run.

The deterministic payload patterns live here too, because servers and the
self test must agree on them byte for byte.
"""

import argparse
import os
import signal
import threading

HOST = "127.0.0.1"

_BIN_BLOCK = bytes((i * 7 + 3) & 0xFF for i in range(256))
_TEXT_BLOCK = bytes(0x20 + i for i in range(95))


def pattern_bytes(n):
    """Binary pattern: byte i = (i*7+3) & 0xff (period 256, built fast)."""
    reps = n // len(_BIN_BLOCK) + 1
    return (_BIN_BLOCK * reps)[:n]


def text_pattern(n):
    """ASCII pattern: char i = chr(0x20 + i % 95), i.e. ' '..'~' repeating.

    The odd period (95) makes any dropped/duplicated chunk visible.
    """
    reps = n // len(_TEXT_BLOCK) + 1
    return (_TEXT_BLOCK * reps)[:n].decode("ascii")


def make_arg_parser(description):
    """Arguments common to all servers."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--port", type=int, default=0,
                   help="TCP port on 127.0.0.1 (0 = ephemeral)")
    p.add_argument("--port-file", help="also write the bound port here")
    p.add_argument("--pid-file", help="write the server pid here")
    p.add_argument("--max-seconds", type=float, default=600.0,
                   help="exit by itself after this many seconds")
    p.add_argument("--verbose", action="store_true",
                   help="log requests to stderr")
    return p


def _write_atomic(path, text):
    """Write via rename so a poller never sees a half-written file."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def announce(port, args):
    """Publish the bound port: stdout first line, then the optional files.

    The pid file is written before the port file, so once the port file
    exists a waiter can rely on both.
    """
    if args.pid_file:
        _write_atomic(args.pid_file, "%d\n" % os.getpid())
    print("PORT %d" % port, flush=True)
    if args.port_file:
        _write_atomic(args.port_file, "%d\n" % port)


def stop_event_on_signals():
    """Return an Event set by SIGTERM/SIGINT (for thread-based servers)."""
    ev = threading.Event()

    def _handler(signum, frame):
        ev.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    return ev
