#!/usr/bin/python3
"""Self test of the winhttp-ng test servers, from the Python side.

The Windows tests trust these peers, so every route/scenario is checked here
first: a websockets client for ws_echo_server, raw sockets (own framing code,
independent of raw_ws_server's) for raw_ws_server and its /log mechanism,
http.client plus raw sockets for http_server, and serve.sh start/stop.

Run: /usr/bin/python3 tests/servers/selftest.py
"""

import asyncio
import base64
import hashlib
import http.client
import json
import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
from collections import namedtuple

import websockets

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import srvcommon  # noqa: E402
import ws_echo_server  # noqa: E402  (constants only)

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PORTS = {}
PROCS = {}


# --------------------------------------------------------------------------
# server processes
# --------------------------------------------------------------------------

def start_server(name):
    """Start NAME.py --port 0 and parse the 'PORT <n>' first line."""
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, name + ".py"), "--port", "0",
         "--max-seconds", "300"], stdout=subprocess.PIPE)
    ready, _, _ = select.select([proc.stdout], [], [], 10)
    assert ready, "%s did not print its port" % name
    line = proc.stdout.readline().decode()
    assert line.startswith("PORT "), line
    return proc, int(line.split()[1])


def setUpModule():
    for name in ("ws_echo_server", "raw_ws_server", "http_server"):
        PROCS[name], PORTS[name] = start_server(name)


def tearDownModule():
    for name, proc in PROCS.items():
        proc.terminate()
        rc = proc.wait(10)
        proc.stdout.close()
        assert rc == 0, "%s exited %r on SIGTERM" % (name, rc)


# --------------------------------------------------------------------------
# minimal raw WebSocket client (independent framing code)
# --------------------------------------------------------------------------

Frame = namedtuple("Frame", "fin rsv opcode masked payload header")


def mask(data, key):
    return bytes(b ^ key[i % 4] for i, b in enumerate(data))


class RawClient:
    """Handshake by hand, then send masked frames / read frames verbatim."""

    def __init__(self, port, path, test_id=None, headers=(), timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port,
                 "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Key: " + self.key,
                 "Sec-WebSocket-Version: 13"]
        if test_id:
            lines.append("X-Test-Id: " + test_id)
        lines.extend(headers)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        self.recv_calls = 0
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.leftover_after_head = len(self.buf)
        hl = head.decode("iso-8859-1").split("\r\n")
        self.status = int(hl[0].split()[1])
        self.headers = {}
        for line in hl[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()

    def expected_accept(self):
        d = hashlib.sha1((self.key + GUID).encode()).digest()
        return base64.b64encode(d).decode()

    def _fill(self):
        chunk = self.sock.recv(65536)
        self.recv_calls += 1
        if not chunk:
            raise EOFError()
        self.buf += chunk

    def take(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self):
        h = self.take(2)
        n = h[1] & 0x7F
        if n == 126:
            h += self.take(2)
            n = struct.unpack("!H", h[2:])[0]
        elif n == 127:
            h += self.take(8)
            n = struct.unpack("!Q", h[2:])[0]
        key = self.take(4) if h[1] & 0x80 else None
        payload = self.take(n)
        if key:
            payload = mask(payload, key)
        return Frame(h[0] >> 7, (h[0] >> 4) & 7, h[0] & 0xF, key is not None,
                     payload, h)

    def send_frame(self, opcode, payload=b"", fin=True):
        key = os.urandom(4)
        n = len(payload)
        b0 = (0x80 if fin else 0) | opcode
        if n < 126:
            h = bytes([b0, 0x80 | n])
        elif n < 65536:
            h = bytes([b0, 0x80 | 126]) + struct.pack("!H", n)
        else:
            h = bytes([b0, 0x80 | 127]) + struct.pack("!Q", n)
        self.sock.sendall(h + key + mask(payload, key))

    def send_close(self, code, reason=b""):
        self.send_frame(8, struct.pack("!H", code) + reason)

    def quiet_for(self, seconds):
        """True if the server sends nothing (and keeps the socket) meanwhile."""
        if self.buf:
            return False
        ready, _, _ = select.select([self.sock], [], [], seconds)
        return not ready

    def expect_eof(self):
        try:
            self.sock.recv(1) == b"" or self.fail_eof()
        finally:
            self.sock.close()

    def fail_eof(self):
        raise AssertionError("expected EOF")

    def close(self):
        self.sock.close()


def get_log(test_id, wait_ms=5000):
    conn = http.client.HTTPConnection("127.0.0.1", PORTS["raw_ws_server"],
                                      timeout=10)
    conn.request("GET", "/log/%s?wait=%d" % (test_id, wait_ms))
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, json.loads(body)


_ids = iter(range(1, 1000000))


def new_id(tag):
    return "%s-%d-%d" % (tag, os.getpid(), next(_ids))


# --------------------------------------------------------------------------
# ws_echo_server
# --------------------------------------------------------------------------

def ws_url(path):
    return "ws://127.0.0.1:%d%s" % (PORTS["ws_echo_server"], path)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


class HandshakeConstantsTest(unittest.TestCase):
    """The raw server's accept must match RFC 6455 itself, not just this
    file: both once shared a mistyped GUID and agreed with each other."""

    def test_rfc6455_section_1_3_example(self):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import raw_ws_server
        self.assertEqual(raw_ws_server.accept_for("dGhlIHNhbXBsZSBub25jZQ=="),
                         "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")


class EchoServerTest(unittest.TestCase):

    def rc(self, path):
        c = RawClient(PORTS["ws_echo_server"], path)
        self.addCleanup(c.close)
        return c

    def test_echo_text_binary_empty(self):
        async def go():
            async with websockets.connect(ws_url("/echo")) as ws:
                for msg in ("hello", b"\x00\x01\xff", "", b""):
                    await ws.send(msg)
                    self.assertEqual(await ws.recv(), msg)
        run(go())

    def test_echo_16mib(self):
        data = srvcommon.pattern_bytes(16 * 1024 * 1024)

        async def go():
            async with websockets.connect(ws_url("/echo"),
                                          max_size=None) as ws:
                await ws.send(data)
                self.assertEqual(await ws.recv(), data)
        run(go())

    def test_echo_client_fragments(self):
        async def go():
            async with websockets.connect(ws_url("/echo")) as ws:
                await ws.send(["ab", "cd", "ef"])
                self.assertEqual(await ws.recv(), "abcdef")
        run(go())

    def test_ping_payload_and_pong_report(self):
        c = self.rc("/ping")
        self.assertEqual(c.status, 101)
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (9, b"are you there"))
        c.send_frame(1, b"pong?")
        self.assertEqual(c.recv_frame().payload, b"pongs 0/1")
        c.send_frame(10, f.payload)
        c.send_frame(1, b"pong?")
        self.assertEqual(c.recv_frame().payload, b"pongs 1/1")
        c.send_frame(1, b"x")
        self.assertEqual(c.recv_frame().payload, b"x")
        c.send_close(1000)
        self.assertEqual(c.recv_frame().opcode, 8)
        c.expect_eof()

    def test_ping_many(self):
        c = self.rc("/ping-many")
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (9, b"ping-0"))
        c.send_frame(10, f.payload)
        for k in (1, 2):
            c.send_frame(2, b"m%d" % k)
            f = c.recv_frame()
            self.assertEqual((f.opcode, f.payload), (2, b"m%d" % k))
            f = c.recv_frame()
            self.assertEqual((f.opcode, f.payload), (9, b"ping-%d" % k))
            c.send_frame(10, f.payload)
        c.send_frame(1, b"pong?")
        self.assertEqual(c.recv_frame().payload, b"pongs 3/3")
        c.close()

    def test_close_now_with_reason(self):
        c = self.rc("/close-now/4001/going%20away")
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (8, b"\x0f\xa1going away"))
        c.send_close(4001)
        c.expect_eof()

    def test_close_now_websockets_client(self):
        async def go():
            async with websockets.connect(ws_url("/close-now/1000")) as ws:
                with self.assertRaises(websockets.ConnectionClosedOK):
                    await ws.recv()
                self.assertEqual((ws.close_code, ws.close_reason),
                                 (1000, ""))
        run(go())

    def test_close_empty(self):
        c = self.rc("/close-empty")
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (8, b""))
        c.send_frame(8, b"")
        c.expect_eof()

    def test_send_binary_and_text(self):
        async def go():
            for n in (0, 1, 125, 126, 65535, 65536, 100000):
                async with websockets.connect(ws_url("/send/%d" % n)) as ws:
                    self.assertEqual(await ws.recv(),
                                     srvcommon.pattern_bytes(n))
                async with websockets.connect(
                        ws_url("/send-text/%d" % n)) as ws:
                    self.assertEqual(await ws.recv(),
                                     srvcommon.text_pattern(n))
        run(go())

    def test_pattern_definition(self):
        self.assertEqual(srvcommon.pattern_bytes(300),
                         bytes((i * 7 + 3) & 0xFF for i in range(300)))
        self.assertEqual(srvcommon.text_pattern(200),
                         "".join(chr(0x20 + i % 95) for i in range(200)))

    def test_send_utf8(self):
        async def go():
            async with websockets.connect(ws_url("/send-utf8")) as ws:
                msg = await ws.recv()
            self.assertEqual(msg, ws_echo_server.UTF8_MESSAGE)
            self.assertEqual(msg.encode().hex(),
                             "68c3a96c6c6f20c39f20e282ac20e697a5e69cac20"
                             "f09f988020f09d849e")
        run(go())

    def test_fragmented_is_three_frames(self):
        c = self.rc("/fragmented")
        frames = [c.recv_frame() for _ in range(4)]
        self.assertEqual([(f.fin, f.opcode) for f in frames],
                         [(0, 1), (0, 0), (0, 0), (1, 0)])
        self.assertEqual(frames[3].payload, b"")
        self.assertEqual(b"".join(f.payload for f in frames),
                         b"fragment-one fragment-two fragment-three")
        c.close()

    def test_fragmented_binary(self):
        c = self.rc("/fragmented-binary")
        frames = [c.recv_frame() for _ in range(4)]
        self.assertEqual([(f.fin, f.opcode, len(f.payload)) for f in frames],
                         [(0, 2, 1000), (0, 0, 1000), (0, 0, 1000),
                          (1, 0, 0)])
        self.assertEqual(b"".join(f.payload for f in frames),
                         srvcommon.pattern_bytes(3000))
        c.close()

    def test_subprotocol(self):
        async def go():
            async with websockets.connect(ws_url("/subprotocol"),
                                          subprotocols=["x", "chat"]) as ws:
                self.assertEqual(ws.subprotocol, "chat")
                await ws.send("s")
                self.assertEqual(await ws.recv(), "s")
            async with websockets.connect(ws_url("/subprotocol"),
                                          subprotocols=["x"]) as ws:
                self.assertIsNone(ws.subprotocol)
            async with websockets.connect(ws_url("/echo"),
                                          subprotocols=["chat"]) as ws:
                self.assertIsNone(ws.subprotocol)
        run(go())

    def test_request_headers(self):
        async def go():
            async with websockets.connect(
                    ws_url("/request-headers?q=1"),
                    extra_headers=[("X-Custom", "v1")]) as ws:
                info = json.loads(await ws.recv())
            self.assertEqual(info["path"], "/request-headers?q=1")
            self.assertIn(["X-Custom", "v1"], info["headers"])
        run(go())

    def test_no_permessage_deflate(self):
        async def go():
            async with websockets.connect(ws_url("/echo")) as ws:
                self.assertIsNone(
                    ws.response_headers.get("Sec-WebSocket-Extensions"))
        run(go())

    def test_unknown_route_404(self):
        for path in ("/nope", "/close-now/abc", "/send/x"):
            c = self.rc(path)
            self.assertEqual(c.status, 404, path)
            c.close()


# --------------------------------------------------------------------------
# raw_ws_server
# --------------------------------------------------------------------------

class RawServerTest(unittest.TestCase):

    def connect(self, scenario, tag=None):
        tid = new_id(tag or scenario.strip("/").replace("/", "_"))
        c = RawClient(PORTS["raw_ws_server"], scenario, tid)
        self.addCleanup(c.close)
        return c, tid

    def upgraded(self, scenario):
        c, tid = self.connect(scenario)
        self.assertEqual(c.status, 101)
        self.assertEqual(c.headers["sec-websocket-accept"], c.expected_accept())
        return c, tid

    def fail_with(self, c, tid, code):
        """Client reaction to a protocol error: close <code>, expect echo."""
        c.send_close(code)
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (8, struct.pack("!H", code)))
        c.expect_eof()
        status, log = get_log(tid)
        self.assertEqual(status, 200)
        self.assertTrue(log["complete"])
        self.assertEqual(log["close_code"], code)
        self.assertTrue(log["all_masked"])
        self.assertTrue(log["server_fin_sent"])
        self.assertFalse(log["closed_by_client_tcp"])
        return log

    def one_bad_frame(self, scenario, header, payload, code=1002):
        c, tid = self.upgraded(scenario)
        f = c.recv_frame()
        self.assertEqual(f.header, header)
        self.assertEqual(f.payload, payload)
        return self.fail_with(c, tid, code)

    # -- sanity ------------------------------------------------------------

    def test_ok_then_echo_and_log(self):
        c, tid = self.upgraded("/ok-then-echo")
        c.send_frame(1, b"hi")
        f = c.recv_frame()
        self.assertEqual((f.fin, f.opcode, f.masked, f.payload),
                         (1, 1, False, b"hi"))
        c.send_frame(9, b"pp")
        self.assertEqual(c.recv_frame()[2:5], (10, False, b"pp"))
        c.send_frame(1, b"a", fin=False)
        c.send_frame(0, b"b")
        self.assertEqual([c.recv_frame()[:3] for _ in range(2)],
                         [(0, 0, 1), (1, 0, 0)])
        c.send_close(1000, b"done")
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (8, b"\x03\xe8"))
        c.expect_eof()
        status, log = get_log(tid)
        self.assertEqual(log["id"], tid)
        self.assertEqual([fr["opcode"] for fr in log["frames"]],
                         [1, 9, 1, 0, 8])
        self.assertEqual(log["frames"][0]["payload_hex"], "6869")
        self.assertTrue(all(fr["masked"] for fr in log["frames"]))
        self.assertEqual((log["close_code"], log["close_reason"]),
                         (1000, "done"))
        self.assertEqual(log["upgrade_request_headers"]["x-test-id"], tid)
        self.assertEqual(log["upgrade_request_headers"]["sec-websocket-version"],
                         "13")
        self.assertEqual(log["client_tcp_close"], "fin")
        self.assertEqual(log["bytes_after_close"], 0)
        self.assertFalse(log["timed_out"])
        self.assertEqual(log["connection_count"], 1)

    def test_id_from_query_and_count(self):
        tid = new_id("query")
        for _ in range(2):
            c = RawClient(PORTS["raw_ws_server"], "/ok-then-echo?id=" + tid)
            c.close()
        status, log = get_log(tid)
        self.assertEqual(log["connection_count"], 2)
        self.assertTrue(log["closed_by_client_tcp"])
        self.assertEqual(log["frames"], [])

    def test_log_unknown_and_nowait(self):
        status, body = get_log("never-used-id")
        self.assertEqual(status, 404)
        c, tid = self.upgraded("/ok-then-echo")
        status, log = get_log(tid, wait_ms=0)
        self.assertFalse(log["complete"])
        c.close()
        self.assertTrue(get_log(tid)[1]["complete"])

    def test_unknown_scenario(self):
        c, _ = self.connect("/no-such-thing")
        self.assertEqual(c.status, 404)

    # -- handshake failures ---------------------------------------------------

    def refused_handshake(self, scenario):
        c, tid = self.connect(scenario)
        c.close()
        log = get_log(tid)[1]
        self.assertTrue(log["closed_by_client_tcp"])
        self.assertEqual(log["frames"], [])
        return c

    def test_bad_accept(self):
        c = self.refused_handshake("/bad-accept")
        self.assertEqual(c.status, 101)
        self.assertNotEqual(c.headers["sec-websocket-accept"],
                            c.expected_accept())

    def test_status_200(self):
        c, tid = self.connect("/status-200")
        self.assertEqual(c.status, 200)
        self.assertEqual(c.take(16), b"not a websocket\n")
        c.expect_eof()
        self.assertTrue(get_log(tid)[1]["complete"])

    def test_missing_or_bad_headers(self):
        c = self.refused_handshake("/no-upgrade-header")
        self.assertNotIn("upgrade", c.headers)
        self.assertEqual(c.headers["connection"], "Upgrade")
        c = self.refused_handshake("/no-connection-header")
        self.assertNotIn("connection", c.headers)
        self.assertEqual(c.headers["upgrade"], "websocket")
        c = self.refused_handshake("/bad-upgrade-value")
        self.assertEqual(c.headers["upgrade"], "h2c")
        c = self.refused_handshake("/unrequested-subprotocol")
        self.assertEqual(c.headers["sec-websocket-protocol"], "bogus")
        c = self.refused_handshake("/unrequested-extension")
        self.assertEqual(c.headers["sec-websocket-extensions"],
                         "permessage-deflate")

    # -- bad frames -------------------------------------------------------

    def test_masked_frame(self):
        c, tid = self.upgraded("/masked-frame")
        f = c.recv_frame()
        self.assertTrue(f.masked)
        self.assertEqual(f.header, b"\x81\x8c")
        self.assertEqual(f.payload, b"masked hello")
        log = self.fail_with(c, tid, 1002)
        self.assertEqual(log["frames"][0]["payload_hex"], "03ea")

    def test_rsv_bits(self):
        self.one_bad_frame("/rsv-bits", b"\xc1\x03", b"rsv")
        self.one_bad_frame("/rsv-bits/3", b"\xb1\x03", b"rsv")

    def test_reserved_opcodes(self):
        self.one_bad_frame("/reserved-opcode", b"\x83\x01", b"x")
        self.one_bad_frame("/reserved-control-opcode", b"\x8b\x01", b"x")

    def test_ctrl_too_long(self):
        self.one_bad_frame("/ctrl-too-long", b"\x89\x7e\x00\x7e", b"p" * 126)

    def test_ctrl_fragmented(self):
        self.one_bad_frame("/ctrl-fragmented", b"\x09\x01", b"p")

    def test_cont_no_msg(self):
        self.one_bad_frame("/cont-no-msg", b"\x80\x01", b"x")

    def test_data_in_msg(self):
        c, tid = self.upgraded("/data-in-msg")
        self.assertEqual(c.recv_frame()[:3], (0, 0, 1))
        f = c.recv_frame()
        self.assertEqual((f.fin, f.opcode, f.payload), (1, 1, b"part2"))
        self.fail_with(c, tid, 1002)

    def test_bad_utf8(self):
        self.one_bad_frame("/bad-utf8", b"\x81\x02", b"\xc0\x80", code=1007)

    def test_bad_utf8_split(self):
        c, tid = self.upgraded("/bad-utf8-split")
        a, b = c.recv_frame(), c.recv_frame()
        self.assertEqual((a.fin, a.opcode, a.payload), (0, 1, b"abc\xed"))
        self.assertEqual((b.fin, b.opcode, b.payload), (1, 0, b"\xa0\x80"))
        self.fail_with(c, tid, 1007)

    def test_utf8_split_valid(self):
        c, tid = self.upgraded("/utf8-split-valid")
        a, b = c.recv_frame(), c.recv_frame()
        self.assertEqual((a.payload + b.payload).decode(), "caf\u00e9")
        self.fail_with(c, tid, 1000)

    def test_ping_in_fragments(self):
        c, tid = self.upgraded("/ping-in-fragments")
        frames = [c.recv_frame() for _ in range(3)]
        self.assertEqual([(f.fin, f.opcode, f.payload) for f in frames],
                         [(0, 1, b"frag1-"), (1, 9, b"mid"), (1, 0, b"frag2")])
        c.send_frame(10, b"mid")
        log = self.fail_with(c, tid, 1000)
        self.assertEqual(log["frames"][0]["opcode"], 10)
        self.assertEqual(log["frames"][0]["payload_hex"], b"mid".hex())

    def test_pong_unsolicited(self):
        c, tid = self.upgraded("/pong-unsolicited")
        f1, f2 = c.recv_frame(), c.recv_frame()
        self.assertEqual((f1.opcode, f1.payload), (10, b"unsolicited"))
        self.assertEqual((f2.opcode, f2.payload), (1, b"after-pong"))
        c.close()

    def test_close_1byte(self):
        self.one_bad_frame("/close-1byte", b"\x88\x01", b"\x03")

    def test_close_bad_codes(self):
        for path, code in (("/close-bad-code", 1005),
                           ("/close-bad-code/999", 999),
                           ("/close-bad-code/5000", 5000)):
            self.one_bad_frame(path, b"\x88\x02", struct.pack("!H", code))

    def test_close_bad_utf8_reason(self):
        self.one_bad_frame("/close-bad-utf8-reason", b"\x88\x04",
                           b"\x03\xe8\xff\xfe", code=1007)

    def test_close_no_reason(self):
        for path, code in (("/close-no-reason", 1001),
                           ("/close-no-reason/4000", 4000)):
            c, tid = self.upgraded(path)
            f = c.recv_frame()
            self.assertEqual(f.header, b"\x88\x02")
            self.assertEqual(f.payload, struct.pack("!H", code))
            c.send_close(1000)
            c.expect_eof()
            log = get_log(tid)[1]
            self.assertEqual(log["close_code"], 1000)
            self.assertTrue(log["server_sent_close"])
            self.assertTrue(log["server_fin_sent"])

    def test_no_answer(self):
        tid = new_id("no_answer")
        s = socket.create_connection(("127.0.0.1", PORTS["raw_ws_server"]), 5)
        self.addCleanup(s.close)
        s.sendall(("GET /no-answer HTTP/1.1\r\nHost: x\r\nX-Test-Id: %s\r\n"
                   "\r\n" % tid).encode())
        ready, _, _ = select.select([s], [], [], 1.0)
        self.assertEqual(ready, [])              # no status line, no FIN
        s.sendall(b"abc")
        time.sleep(0.2)
        s.close()
        log = get_log(tid)[1]
        self.assertTrue(log["complete"])
        self.assertEqual(log["frames"], [])
        self.assertEqual(log["raw_bytes"], 3)
        self.assertEqual(log["client_tcp_close"], "fin")

    def check_lying_length(self, scenario, length):
        c, tid = self.upgraded(scenario)
        self.assertEqual(c.take(10), b"\x82\x7f" + struct.pack("!Q", length))
        self.assertEqual(c.take(4), b"abcd")
        self.assertTrue(c.quiet_for(0.3))       # held open
        c.close()
        log = get_log(tid)[1]
        self.assertTrue(log["closed_by_client_tcp"])

    def test_huge_length(self):
        self.check_lying_length("/huge-length", (1 << 63) - 1)

    def test_top_bit_length(self):
        self.check_lying_length("/top-bit-length", (1 << 63) + 4)

    # -- timing and teardown ----------------------------------------------

    def test_trickle(self):
        t0 = time.monotonic()
        c, tid = self.upgraded("/trickle")
        f = c.recv_frame()
        self.assertEqual(f.header, b"\x81\x7e\x04\x00")
        self.assertEqual(f.payload.decode(), srvcommon.text_pattern(1024))
        self.assertGreater(c.recv_calls, 20)    # really arrived in pieces
        self.assertGreater(time.monotonic() - t0, 0.5)
        c.send_frame(1, b"after")
        self.assertEqual(c.recv_frame().payload, b"after")
        self.fail_with(c, tid, 1000)

    def test_silent(self):
        c, tid = self.upgraded("/silent")
        self.assertTrue(c.quiet_for(1.0))
        self.fail_with(c, tid, 1000)

    def test_silent_logs_pong_times(self):
        # test_ws_keepalive reads client keep-alives (empty pongs) from
        # /silent's log: unanswered, each with its time since the upgrade.
        t0 = time.monotonic()
        c, tid = self.upgraded("/silent")
        time.sleep(0.3)
        c.send_frame(10)
        self.assertTrue(c.quiet_for(0.3))
        log = self.fail_with(c, tid, 1000)
        bound = (time.monotonic() - t0) * 1000
        pong, close = log["frames"]
        self.assertEqual((pong["opcode"], pong["len"], pong["masked"]),
                         (10, 0, True))
        self.assertGreaterEqual(pong["t_ms"], 300)
        self.assertGreaterEqual(close["t_ms"], pong["t_ms"] + 300)
        self.assertLessEqual(close["t_ms"], bound)

    def test_silent_hard(self):
        c, tid = self.upgraded("/silent-hard")
        c.send_frame(9, b"x")
        c.send_close(1000)
        self.assertTrue(c.quiet_for(0.5))
        c.close()
        log = get_log(tid)[1]
        self.assertEqual(log["close_code"], 1000)
        self.assertFalse(log["server_sent_close"])
        self.assertTrue(log["closed_by_client_tcp"])

    def test_reset_mid_frame(self):
        c, tid = self.upgraded("/reset-mid-frame")
        got = b""
        with self.assertRaises(ConnectionResetError):
            while True:
                chunk = c.sock.recv(4096)
                self.assertNotEqual(chunk, b"", "FIN instead of RST")
                got += chunk
        self.assertTrue(len(got) == 0 or got.startswith(b"\x82\x64"))
        self.assertLessEqual(len(got), 52)
        self.assertTrue(get_log(tid)[1]["server_reset"])

    def test_close_no_frame(self):
        c, tid = self.upgraded("/close-no-frame")
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (1, b"no close frame follows"))
        self.assertEqual(c.sock.recv(1), b"")          # FIN, no close frame
        c.close()
        log = get_log(tid)[1]
        self.assertTrue(log["server_fin_sent"])
        self.assertFalse(log["closed_by_client_tcp"])
        self.assertEqual(log["client_tcp_close"], "fin")

    def test_101_with_data(self):
        c, tid = self.upgraded("/101-with-data")
        self.assertGreater(c.leftover_after_head, 0)
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (1, b"early data"))
        self.fail_with(c, tid, 1000)

    def test_ping_then_close(self):
        c, tid = self.upgraded("/ping-then-close")
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (9, b"p1"))
        c.send_frame(10, b"p1")
        f = c.recv_frame()
        self.assertEqual((f.opcode, f.payload), (8, b"\x03\xe8bye"))
        c.send_close(1000)
        c.expect_eof()
        log = get_log(tid)[1]
        self.assertEqual([(fr["opcode"], fr["payload_hex"])
                          for fr in log["frames"]],
                         [(10, "7031"), (8, "03e8")])
        self.assertTrue(log["server_sent_close"])


# --------------------------------------------------------------------------
# http_server
# --------------------------------------------------------------------------

class HttpServerTest(unittest.TestCase):

    def conn(self):
        c = http.client.HTTPConnection("127.0.0.1", PORTS["http_server"],
                                       timeout=10)
        self.addCleanup(c.close)
        return c

    def get(self, path, method="GET", body=None, headers=None, conn=None):
        c = conn or self.conn()
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r, r.read()

    def raw(self, request):
        s = socket.create_connection(("127.0.0.1", PORTS["http_server"]), 10)
        s.sendall(request)
        data, calls = b"", 0
        while True:
            chunk = s.recv(65536)
            calls += 1
            if not chunk:
                break
            data += chunk
        s.close()
        return data, calls

    def test_len(self):
        for n in (0, 1, 100000):
            r, body = self.get("/len/%d" % n)
            self.assertEqual(r.status, 200)
            self.assertEqual(r.getheader("Content-Length"), str(n))
            self.assertEqual(body, srvcommon.pattern_bytes(n))

    def test_head(self):
        r, body = self.get("/len/10", method="HEAD")
        self.assertEqual((r.getheader("Content-Length"), body), ("10", b""))

    def test_chunked(self):
        r, body = self.get("/chunked/10000/333")
        self.assertEqual(r.getheader("Transfer-Encoding"), "chunked")
        self.assertEqual(body, srvcommon.pattern_bytes(10000))

    def test_chunked_ext_raw(self):
        r, body = self.get("/chunked-ext/10/4")
        self.assertEqual(body, srvcommon.pattern_bytes(10))
        data, _ = self.raw(b"GET /chunked-ext/10/4 HTTP/1.1\r\nHost: x\r\n"
                           b"Connection: close\r\n\r\n")
        self.assertIn(b"Trailer: X-Trailer\r\n", data)
        self.assertIn(b'\r\n\r\n0004;ext=1;name="q v"\r\n', data)
        self.assertTrue(data.endswith(b"0\r\nX-Trailer: done\r\n\r\n"))

    def test_close_delimited(self):
        r, body = self.get("/close/5000")
        self.assertIsNone(r.getheader("Content-Length"))
        self.assertEqual(r.getheader("Connection"), "close")
        self.assertEqual(body, srvcommon.pattern_bytes(5000))

    def test_echo_length_and_chunked(self):
        r, body = self.get("/echo", "POST", b"hello body",
                           {"Content-Type": "text/x-test"})
        self.assertEqual((body, r.getheader("X-Body-Framing"),
                          r.getheader("Content-Type")),
                         (b"hello body", "length", "text/x-test"))
        c = self.conn()
        c.request("PUT", "/echo", body=iter([b"abc", b"defg"]),
                  encode_chunked=True)
        r = c.getresponse()
        self.assertEqual((r.read(), r.getheader("X-Body-Framing")),
                         (b"abcdefg", "chunked"))

    def test_headers(self):
        r, body = self.get("/headers?x=1", headers={"X-Foo": "Bar"})
        self.assertIn(b"X-Foo: Bar\r\n", body)
        self.assertEqual(r.getheader("X-Method"), "GET")
        self.assertEqual(r.getheader("X-Request-Target"), "/headers?x=1")

    def test_status_and_keepalive_after_empty_bodies(self):
        c = self.conn()
        r, body = self.get("/status/404", conn=c)
        self.assertEqual((r.status, body), (404, b"status 404\n"))
        ids = set()
        for code in (204, 304):
            r, body = self.get("/status/%d" % code, conn=c)
            self.assertEqual((r.status, body), (code, b""))
            self.assertIsNone(r.getheader("Content-Length"))
            ids.add(r.getheader("X-Connection-Id"))
        r, body = self.get("/keepalive-id", conn=c)
        ids.add(body.decode())
        self.assertEqual(len(ids), 1)

    def test_keepalive_id(self):
        c = self.conn()
        a = self.get("/keepalive-id", conn=c)[1]
        b = self.get("/keepalive-id", conn=c)[1]
        other = self.get("/keepalive-id")[1]
        self.assertEqual(a, b)
        self.assertNotEqual(a, other)

    def test_date(self):
        r, _ = self.get("/date")
        self.assertTrue(r.getheader("Date").endswith(" GMT"))
        self.assertEqual(r.getheader("Last-Modified"),
                         "Sun, 06 Nov 1994 08:49:37 GMT")

    def test_redirects(self):
        r, _ = self.get("/redirect/7")
        self.assertEqual((r.status, r.getheader("Location")), (302, "/len/7"))
        r, _ = self.get("/redirect/7?code=307")
        self.assertEqual(r.status, 307)
        r, _ = self.get("/redirect-abs/8")
        self.assertEqual(r.getheader("Location"),
                         "http://127.0.0.1:%d/len/8" % PORTS["http_server"])
        r, _ = self.get("/redirect-chain/2")
        self.assertEqual(r.getheader("Location"), "/redirect-chain/1")
        r, _ = self.get("/redirect-chain/0")
        self.assertEqual(r.getheader("Location"), "/len/16")

    def test_slow_headers(self):
        data, calls = self.raw(b"GET /slow-headers/2 HTTP/1.1\r\nHost: x\r\n"
                               b"Connection: close\r\n\r\n")
        self.assertTrue(data.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertTrue(data.endswith(b"\r\n\r\nslow\n"))
        self.assertGreater(calls, 20)
        r, body = self.get("/slow-headers/1")
        self.assertEqual(body, b"slow\n")

    def test_unknown_route(self):
        self.assertEqual(self.get("/nope")[0].status, 404)


# --------------------------------------------------------------------------
# serve.sh
# --------------------------------------------------------------------------

def read_file(path):
    with open(path) as f:
        return f.read()


def pid_running(pid):
    """Alive and not a zombie (a container's pid 1 may not reap)."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read() != b""
    except OSError:
        return False


class ServeShTest(unittest.TestCase):

    def test_start_stop(self):
        script = os.path.join(HERE, "serve.sh")
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, WH_SERVER_DIR=d, WH_PYTHON=sys.executable)
            subprocess.run([script, "http_server"], env=env, check=True,
                           timeout=15, stdout=subprocess.DEVNULL)
            port = int(read_file(os.path.join(d, "http_server.port")))
            pid = int(read_file(os.path.join(d, "http_server.pid")))
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/len/3")
            self.assertEqual(c.getresponse().read(), srvcommon.pattern_bytes(3))
            c.close()
            subprocess.run([script, "--stop", "http_server"], env=env,
                           check=True, timeout=15)
            self.assertFalse(pid_running(pid))
            self.assertFalse(os.path.exists(os.path.join(d, "http_server.port")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
