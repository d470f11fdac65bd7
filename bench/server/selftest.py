#!/usr/bin/python3
"""selftest.py - checks ws_bench_server against the benchmark protocol.

    /usr/bin/python3 bench/server/selftest.py path/to/ws_bench_server [--speed]

Uses Debian's python3-websockets (10.x, asyncio API) for the WebSocket
modes and plain sockets for frame-level checks, /stats and RAW. --speed adds
a rough throughput check (Python is the bottleneck there, not the server:
the number that matters is the server's CPU time per GB, from /stats).
Not part of ctest.
"""
import asyncio
import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import time

import websockets

PAT = bytes((i * 7 + 3) & 0xFF for i in range(256))
FAILS = []


def pattern(n, start=0):
    reps = (start % 256 + n) // 256 + 1
    return (PAT * reps)[start % 256:start % 256 + n]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


# ---- plain-socket helpers -------------------------------------------------

def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(s, n):
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = s.recv_into(view[got:])
        if k == 0:
            raise EOFError("eof after %d of %d" % (got, n))
        got += k
    return bytes(buf)


def recv_all(s):
    out = bytearray()
    while True:
        b = s.recv(65536)
        if not b:
            return bytes(out)
        out += b


def ws_open(port, path):
    s = connect(port)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    want = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                         .encode()).digest()).decode()
    ok = head.startswith(b"HTTP/1.1 101") and ("Sec-WebSocket-Accept: " + want).encode() in head
    return s, ok


def ws_frame(op, payload, fin=True, mask=True):
    hdr = bytearray([(0x80 if fin else 0) | op])
    n = len(payload)
    m = 0x80 if mask else 0
    if n < 126:
        hdr.append(m | n)
    elif n < 65536:
        hdr += bytes([m | 126]) + struct.pack(">H", n)
    else:
        hdr += bytes([m | 127]) + struct.pack(">Q", n)
    if not mask:
        return bytes(hdr) + payload
    key = os.urandom(4)
    k = (key * (n // 4 + 1))[:n]
    body = (int.from_bytes(payload, "little") ^ int.from_bytes(k, "little")).to_bytes(n, "little")
    return bytes(hdr) + key + body


def ws_read_frame(s):
    b0, b1 = recv_exact(s, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", recv_exact(s, 2))[0]
    elif n == 127:
        n = struct.unpack(">Q", recv_exact(s, 8))[0]
    assert not b1 & 0x80, "server frame is masked"
    return b0 >> 7, b0 & 0x0F, recv_exact(s, n)


def stats(port):
    s = connect(port)
    s.sendall(b"GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
    resp = recv_all(s)
    s.close()
    head, body = resp.split(b"\r\n\r\n", 1)
    return head, json.loads(body)


# ---- tests ---------------------------------------------------------------

async def test_websockets(port):
    uri = "ws://127.0.0.1:%d" % port
    async with websockets.connect(uri + "/echo", max_size=None, compression=None) as ws:
        for n in (16, 65536, 16 << 20):
            data = pattern(n, 5)
            await ws.send(data)
            check(await ws.recv() == data, "echo binary %d B" % n)
            text = ("abcdefghij" * (n // 10 + 1))[:n]
            await ws.send(text)
            check(await ws.recv() == text, "echo text %d B" % n)
        await ws.send([b"frag1-", b"frag2-", b"frag3"])
        check(await ws.recv() == b"frag1-frag2-frag3", "fragmented message echoed")
        pong = await ws.ping(b"ping-payload")
        await asyncio.wait_for(pong, 5)
        check(True, "ping answered with matching pong")
        await ws.close(code=4001, reason="bye")
        check(ws.close_code == 4001, "close code echoed (got %s)" % ws.close_code)

    async with websockets.connect(uri + "/sink", max_size=None, compression=None) as ws:
        total = 0
        for n in (1, 1000, 1 << 20, 5 << 20):
            await ws.send(bytes(n))
            total += n
        await ws.send("not done")
        await ws.send([b"fr", b"ag"])
        total += 4
        await ws.send("done")
        got = await ws.recv()
        check(got == str(total), "sink ack %s == %d" % (got, total))

    for n, size, frag in ((5, 100, 0), (3, 3 << 20, 0), (4, 70000, 1000), (2, 0, 0)):
        path = "/source?n=%d&size=%d" % (n, size) + ("&frag=%d" % frag if frag else "")
        async with websockets.connect(uri + path, max_size=None, compression=None) as ws:
            msgs = [m async for m in ws]
            good = len(msgs) == n and all(m == pattern(size) for m in msgs)
            check(good and ws.close_code == 1000, "source %s (close %s)" % (path, ws.close_code))


def test_frames(port):
    s, ok = ws_open(port, "/source?n=2&size=2500&frag=1000")
    check(ok, "handshake (raw socket) has the right Sec-WebSocket-Accept")
    frames = [ws_read_frame(s) for _ in range(7)]
    want = [(0, 2, 1000), (0, 0, 1000), (1, 0, 500)] * 2 + [(1, 8, 2)]
    check([(f, o, len(p)) for f, o, p in frames] == want, "source frag frames are <= F bytes")
    check(frames[-1][2] == b"\x03\xe8", "source ends with close 1000")
    s.sendall(ws_frame(8, b"\x03\xe8"))
    check(recv_all(s) == b"", "TCP closed after the client's close")
    s.close()

    s, ok = ws_open(port, "/echo")
    s.sendall(ws_frame(1, b"he", fin=False) + ws_frame(9, b"p") + ws_frame(0, b"llo"))
    check(ws_read_frame(s) == (1, 10, b"p"), "ping between fragments answered")
    check(ws_read_frame(s) == (1, 1, b"hello"), "fragments echoed as one FIN frame")
    s.sendall(ws_frame(8, b""))
    check(ws_read_frame(s) == (1, 8, b""), "empty close echoed empty")
    check(recv_all(s) == b"", "server shuts down after close")
    s.close()

    s, ok = ws_open(port, "/echo")
    s.sendall(ws_frame(2, b"x", mask=False))
    check(ws_read_frame(s) == (1, 8, b"\x03\xea"), "unmasked client frame -> close 1002")
    s.close()

    s, ok = ws_open(port, "/nope")
    check(not ok, "unknown path refused")
    s.close()

    s, ok = ws_open(port, "/echo")  # byte-at-a-time delivery of a frame
    for b in ws_frame(2, pattern(300)):
        s.send(bytes([b]))
    check(ws_read_frame(s) == (1, 2, pattern(300)), "frame fed 1 byte at a time")
    s.close()

    head, st = stats(port)
    check(head.startswith(b"HTTP/1.1 200") and b"application/json" in head and
          b"Connection: close" in head, "/stats headers")
    check(set(st) == {"cpu_user_us", "cpu_sys_us", "connections", "bytes_in", "bytes_out"},
          "/stats keys %s" % st)


def test_raw(port):
    s = connect(port)
    s.sendall(b"RAW ECHO\n")
    ok = True
    for n in (1, 100, 65536, 1 << 20):
        data = pattern(n, 9)
        s.sendall(data)
        ok &= recv_exact(s, n) == data
    s.shutdown(socket.SHUT_WR)
    check(ok and recv_all(s) == b"", "RAW ECHO round trips, EOF after client EOF")
    s.close()

    for total in (0, 12345, 10 << 20):
        s = connect(port)
        s.sendall(b"RAW SINK %d\n" % total + bytes(total))
        check(recv_exact(s, 8) == struct.pack("<Q", total), "RAW SINK %d acked" % total)
        s.close()

    s = connect(port)
    s.sendall(b"RAW SOURCE 3 1000\n")
    check(recv_all(s) == pattern(3000), "RAW SOURCE 3 1000 (pattern on the stream offset)")
    s.close()


def slow_read(s, total, deadline):
    """Reads |total| bytes in small sips, sleeping between them, so the
    server's socket fills and it must resume from EPOLLOUT alone."""
    got = 0
    s.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        while got < total and time.monotonic() < deadline:
            b = s.recv(16384)
            if not b:
                break
            got += len(b)
            time.sleep(0.0005)
    except socket.timeout:
        pass
    return got


def test_slow_reader(port):
    # A generator that stopped once its first large slice was flushed would
    # stall here: the client never writes again to wake it.
    s = connect(port)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.sendall(b"RAW SOURCE 160 65536\n")
    got = slow_read(s, 160 * 65536, time.monotonic() + 20)
    check(got == 160 * 65536, "RAW SOURCE to a slow reader: %d of %d bytes" % (got, 160 * 65536))
    s.close()
    s, ok = ws_open(port, "/source?n=3&size=3145728")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    want = 3 * (3145728 + 10) + 4            # frames with 10-byte headers, then close 1000
    got = slow_read(s, want, time.monotonic() + 20)
    check(ok and got == want, "/source to a slow reader: %d of %d bytes" % (got, want))
    s.close()


def test_speed(port):
    def cpu():
        st = stats(port)[1]
        return (st["cpu_user_us"] + st["cpu_sys_us"]) / 1e6

    buf = bytearray(4 << 20)
    view = memoryview(buf)

    total = 1 << 30
    c0 = cpu()
    s = connect(port)
    t0 = time.perf_counter()
    s.sendall(b"RAW SOURCE 1024 1048576\n")
    got = 0
    while True:
        k = s.recv_into(view)
        if not k:
            break
        got += k
    dt = time.perf_counter() - t0
    s.close()
    c1 = cpu()
    check(got == total, "RAW SOURCE 1 GiB: %.0f MB/s, server CPU %.3f s (%.0f%% of wall)"
          % (total / dt / 1e6, c1 - c0, 100 * (c1 - c0) / dt))

    n, size = 1024, 1 << 20
    s, _ = ws_open(port, "/source?n=%d&size=%d" % (n, size))
    want = n * (size + 10) + 4
    got = 0
    t0 = time.perf_counter()
    while got < want:
        k = s.recv_into(view)
        if not k:
            break
        got += k
    dt = time.perf_counter() - t0
    s.sendall(ws_frame(8, b"\x03\xe8"))
    s.close()
    c2 = cpu()
    check(got == want, "/source 1 GiB (1 MiB msgs): %.0f MB/s, server CPU %.3f s (%.0f%%)"
          % (n * size / dt / 1e6, c2 - c1, 100 * (c2 - c1) / dt))

    s = connect(port)
    s.sendall(b"RAW ECHO\n")
    chunk = bytes(1 << 20)
    rounds = 512
    t0 = time.perf_counter()
    for _ in range(rounds):
        s.sendall(chunk)
        got = 0
        while got < len(chunk):
            got += s.recv_into(view, len(chunk) - got)
    dt = time.perf_counter() - t0
    s.close()
    c3 = cpu()
    check(True, "RAW ECHO 512 x 1 MiB round trips: %.0f MB/s each way, server CPU %.3f s (%.0f%%)"
          % (rounds * len(chunk) / dt / 1e6, c3 - c2, 100 * (c3 - c2) / dt))

    s = connect(port)
    s.sendall(b"RAW ECHO\n")
    t0 = time.perf_counter()
    rounds = 20000
    for _ in range(rounds):
        s.sendall(b"x" * 16)
        recv_exact(s, 16)
    dt = time.perf_counter() - t0
    s.close()
    c4 = cpu()
    check(True, "RAW ECHO 16 B round trips: %.0f/s, server CPU %.1f us per round trip"
          % (rounds / dt, (c4 - c3) / rounds * 1e6))

    t0 = time.perf_counter()
    conns = 2000
    for _ in range(conns):
        s, ok = ws_open(port, "/echo")
        s.sendall(ws_frame(8, b"\x03\xe8"))
        ws_read_frame(s)
        s.close()
    dt = time.perf_counter() - t0
    c5 = cpu()
    check(True, "handshake+close: %.0f conn/s (python-bound), server CPU %.1f us per connection"
          % (conns / dt, (c5 - c4) / conns * 1e6))


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else "build/linux-release/bench/ws_bench_server"
    srv = subprocess.Popen([exe, "--port", "0", "--max-seconds", "300"], stdout=subprocess.PIPE)
    line = srv.stdout.readline().decode()
    assert line.startswith("PORT "), line
    port = int(line.split()[1])
    try:
        asyncio.run(test_websockets(port))
        test_frames(port)
        test_raw(port)
        test_slow_reader(port)
        if "--speed" in sys.argv:
            test_speed(port)
    finally:
        srv.terminate()
        rc = srv.wait(5)
        check(rc == 0, "server exits 0 on SIGTERM (rc %s)" % rc)
    print("%d failure(s)" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
