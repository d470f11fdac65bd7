#!/usr/bin/python3
"""Scriptable, misbehaving WebSocket server for winhttp-ng tests (stdlib only).

It sends what a well-behaved server never sends, byte for byte, and RECORDS
everything the client sends back so tests can assert on the client's
reaction (close code, pong payloads, masking, TCP teardown).

Request path = scenario (table SCENARIOS at the bottom).  After its action
every upgraded scenario keeps reading: client pings get pongs, and a client
close frame is answered with a close carrying the same code, then FIN.

The client tags its upgrade with an id, header "X-Test-Id: <id>" or query
"?id=<id>".  A second plain connection "GET /log/<id>[?wait=<ms>]" (default
wait 5000) returns 200 + compact JSON of the latest connection with that id
once it is complete (or when the wait ends), 404 for an unknown id.  Keys,
in this order: id, seq, scenario, request_line, upgrade_request_headers
({lower-case name: value}), upgrade_request_header_list ([[Name, value]]),
frames ([{fin, rsv, opcode, masked, mask_key_hex, len, payload_hex (first
4096 bytes, unmasked), truncated, t_ms}]), all_masked, close_received,
close_code, close_reason, close_payload_hex, bytes_after_close, raw_bytes,
trailing_bytes, client_tcp_close ("fin"|"rst"|null), closed_by_client_tcp,
server_sent_close, server_fin_sent, server_reset, timed_out, errors,
complete, connection_count.
"""

import base64
import hashlib
import json
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse

import srvcommon

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA

HEAD_LIMIT = 64 * 1024          # max request head size
HEAD_SECONDS = 10.0             # time allowed to send the request head
IO_SECONDS = 30.0               # socket timeout (sendall total, single recv)
REACT_SECONDS = 5.0             # wait for the client's reaction to a scenario
ECHO_SECONDS = 120.0            # max life of an echoing connection
SILENT_SECONDS = 60.0           # max life of /silent
DRAIN_SECONDS = 2.0             # after the close handshake, wait for TCP EOF
HEX_LIMIT = 4096                # payload bytes kept (as hex) per logged frame
PAYLOAD_LIMIT = 128 * 1024 * 1024  # larger client frames end the connection
DEFAULT_LOG_WAIT_MS = 5000


class PeerGone(Exception):
    """The client closed (FIN) or reset (RST) the TCP connection."""

    def __init__(self, how):
        super().__init__(how)
        self.how = how


class Stopped(Exception):
    """The scenario thread told the reader to stop."""


def accept_for(key):
    """Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 4.2.2)."""
    digest = hashlib.sha1((key + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def apply_mask(data, key):
    """XOR with the 4-byte key; big-int trick keeps 16 MiB frames fast."""
    n = len(data)
    if n == 0:
        return b""
    stream = (key * (n // 4 + 1))[:n]
    x = int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")
    return x.to_bytes(n, "big")


def build_frame(opcode, payload=b"", fin=True, rsv=0, mask=None, length=None):
    """Serialize one frame.  `length` lets a scenario lie in the header."""
    b0 = (0x80 if fin else 0) | ((rsv & 7) << 4) | (opcode & 0xF)
    n = len(payload) if length is None else length
    mbit = 0x80 if mask else 0
    if n < 126:
        head = bytes([b0, mbit | n])
    elif n < 0x10000:
        head = bytes([b0, mbit | 126]) + struct.pack("!H", n)
    else:
        head = bytes([b0, mbit | 127]) + struct.pack("!Q", n)
    if mask:
        return head + mask + apply_mask(payload, mask)
    return head + payload


def close_payload(code, reason=b""):
    return struct.pack("!H", code) + reason


# --------------------------------------------------------------------------
# The per-id log
# --------------------------------------------------------------------------

class Record:
    """What one client connection did; served as JSON by /log/<id>."""

    def __init__(self, seq, test_id, request_line, path, query, headers):
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.start = time.monotonic()
        self.d = {
            "id": test_id,
            "seq": seq,
            "scenario": path.strip("/"),
            "request_line": request_line,
            "upgrade_request_headers": {},
            "upgrade_request_header_list": [[k, v] for k, v in headers],
            "frames": [],
            "all_masked": True,
            "close_received": False,
            "close_code": None,
            "close_reason": None,
            "close_payload_hex": None,
            "bytes_after_close": 0,
            "raw_bytes": 0,
            "trailing_bytes": 0,
            "client_tcp_close": None,
            "closed_by_client_tcp": False,
            "server_sent_close": False,
            "server_fin_sent": False,
            "server_reset": False,
            "timed_out": False,
            "errors": [],
            "complete": False,
        }
        for k, v in headers:
            hk = k.lower()
            old = self.d["upgrade_request_headers"].get(hk)
            self.d["upgrade_request_headers"][hk] = v if old is None \
                else old + ", " + v

    def set(self, key, value):
        with self.lock:
            self.d[key] = value

    def add(self, key, amount):
        with self.lock:
            self.d[key] += amount

    def error(self, text):
        with self.lock:
            self.d["errors"].append(text)

    def add_frame(self, fin, rsv, opcode, mask_key, payload):
        entry = {
            "fin": 1 if fin else 0,
            "rsv": rsv,
            "opcode": opcode,
            "masked": mask_key is not None,
            "mask_key_hex": mask_key.hex() if mask_key else None,
            "len": len(payload),
            "payload_hex": payload[:HEX_LIMIT].hex(),
            "truncated": len(payload) > HEX_LIMIT,
            "t_ms": int((time.monotonic() - self.start) * 1000),
        }
        with self.lock:
            self.d["frames"].append(entry)
            if mask_key is None:
                self.d["all_masked"] = False
            if opcode == OP_CLOSE and not self.d["close_received"]:
                self.d["close_received"] = True
                self.d["close_payload_hex"] = payload.hex()
                if len(payload) >= 2:
                    self.d["close_code"] = struct.unpack("!H", payload[:2])[0]
                    self.d["close_reason"] = payload[2:].decode(
                        "utf-8", "replace")

    def finish(self):
        with self.lock:
            self.d["complete"] = True
        self.done.set()

    def to_json(self):
        """Compact, key-ordered JSON, ASCII only (easy strstr from C)."""
        with self.lock:
            return json.dumps(self.d, separators=(",", ":"))


class LogStore:
    """id -> records (latest last).  Bounded so a long run can't grow it."""

    MAX_IDS = 2000

    def __init__(self):
        self.lock = threading.Lock()
        self.by_id = {}
        self.seq = 0

    def new_record(self, test_id, request_line, path, query, headers):
        with self.lock:
            self.seq += 1
            if test_id is None:
                test_id = "conn-%d" % self.seq
            rec = Record(self.seq, test_id, request_line, path, query, headers)
            if len(self.by_id) >= self.MAX_IDS and test_id not in self.by_id:
                self.by_id.pop(next(iter(self.by_id)))
            self.by_id.setdefault(test_id, []).append(rec)
            return rec

    def latest(self, test_id):
        with self.lock:
            recs = self.by_id.get(test_id)
            return (recs[-1], len(recs)) if recs else (None, 0)


LOGS = LogStore()


# --------------------------------------------------------------------------
# One client connection
# --------------------------------------------------------------------------

class Conn:
    """A client connection: writer helpers for scenarios plus a frame reader.

    The reader thread parses and logs every client frame, answers pings,
    optionally echoes data frames, and completes the closing handshake:
    on the client's close it replies with a close carrying the same code
    (unless the server already sent one), then sends FIN and drains to EOF.
    """

    def __init__(self, sock, record, request, pending):
        self.sock = sock
        self.rec = record
        self.req = request            # dict: path, args, query, headers
        self.buf = bytearray(pending)
        self.wlock = threading.Lock()
        self.stop = threading.Event()
        self.reader_done = threading.Event()
        self.close_rcvd = threading.Event()
        self.pong_rcvd = threading.Event()
        self.reader = None
        self.close_sent = False
        self.fin_sent = False
        self.echo = False
        self.answer_pings = True
        self.answer_close = True
        self.raw_mode = False         # after a non-101 answer: bytes, no frames

    # ---- writing -------------------------------------------------------

    def send(self, data):
        """sendall under the write lock; errors are logged, not raised."""
        with self.wlock:
            if self.fin_sent:
                return False
            try:
                self.sock.sendall(data)
                return True
            except OSError as e:
                self.rec.error("send: %s" % e)
                return False

    def send_frame(self, opcode, payload=b"", **kw):
        return self.send(build_frame(opcode, payload, **kw))

    def send_close(self, payload):
        """Send one close frame (raw payload); never twice."""
        with self.wlock:
            if self.close_sent:
                return
            self.close_sent = True
        self.rec.set("server_sent_close", True)
        self.send_frame(OP_CLOSE, payload)

    def trickle(self, data, delay):
        """Send one byte per send() call, sleeping `delay` between them."""
        for i in range(len(data)):
            if not self.send(data[i:i + 1]):
                return
            time.sleep(delay)

    def shutdown_write(self):
        """Send our FIN (TCP half-close) once."""
        with self.wlock:
            if self.fin_sent:
                return
            self.fin_sent = True
            try:
                self.sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        self.rec.set("server_fin_sent", True)

    def handshake_bytes(self, status="101 Switching Protocols", upgrade=True,
                        connection=True, accept=None, extra=()):
        """The upgrade response, with knobs to break it."""
        key = self.req["headers_lc"].get("sec-websocket-key", "")
        lines = ["HTTP/1.1 " + status]
        if upgrade:
            lines.append("Upgrade: websocket")
        if connection:
            lines.append("Connection: Upgrade")
        lines.append("Sec-WebSocket-Accept: " +
                     (accept if accept is not None else accept_for(key)))
        lines.extend(extra)
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")

    def handshake(self, **kw):
        return self.send(self.handshake_bytes(**kw))

    # ---- reading -------------------------------------------------------

    def start_reader(self):
        self.reader = threading.Thread(target=self._reader_main, daemon=True)
        self.reader.start()

    def _recv(self):
        """Wait for data while honouring the stop flag."""
        while not self.stop.is_set():
            try:
                ready, _, _ = select.select([self.sock], [], [], 0.1)
                if not ready:
                    continue
                data = self.sock.recv(256 * 1024)
            except ConnectionResetError:
                raise PeerGone("rst")
            except OSError as e:
                if self.stop.is_set():
                    break
                raise PeerGone("error: %s" % e)
            if not data:
                raise PeerGone("fin")
            return data
        raise Stopped()

    def _need(self, n):
        while len(self.buf) < n:
            self.buf += self._recv()

    def _take(self, n):
        self._need(n)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def read_frame(self):
        """Parse one client frame (RFC 6455 5.2); returns the pieces."""
        b0, b1 = self._take(2)
        fin, rsv, opcode = bool(b0 & 0x80), (b0 >> 4) & 7, b0 & 0xF
        masked, n = bool(b1 & 0x80), b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._take(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._take(8))[0]
        key = self._take(4) if masked else None
        if n > PAYLOAD_LIMIT:
            raise ValueError("client frame length %d too large" % n)
        payload = self._take(n)
        if key is not None:
            payload = apply_mask(payload, key)
        return fin, rsv, opcode, key, payload

    def _on_frame(self, fin, opcode, payload):
        """Default reactions: pong, echo, closing handshake."""
        if opcode == OP_PING and self.answer_pings and not self.close_sent:
            self.send_frame(OP_PONG, payload)
        elif opcode == OP_PONG:
            self.pong_rcvd.set()
        elif opcode in (OP_CONT, OP_TEXT, OP_BINARY) and self.echo \
                and not self.close_sent:
            self.send_frame(opcode, payload, fin=fin)
        elif opcode == OP_CLOSE:
            self.close_rcvd.set()
            if self.answer_close:
                self.send_close(payload[:2] if len(payload) >= 2 else b"")
            if self.close_sent:
                self.shutdown_write()
            return True
        return False

    def _drain_after_close(self):
        """Count bytes after the client's close frame until EOF (bounded)."""
        deadline = time.monotonic() + (DRAIN_SECONDS if self.fin_sent
                                       else REACT_SECONDS)
        self.rec.add("bytes_after_close", len(self.buf))
        self.buf.clear()
        while time.monotonic() < deadline:
            self.rec.add("bytes_after_close", len(self._recv()))

    def _reader_main(self):
        try:
            if self.raw_mode:
                while True:
                    self.rec.add("raw_bytes", len(self._recv()))
            while True:
                fin, rsv, opcode, key, payload = self.read_frame()
                self.rec.add_frame(fin, rsv, opcode, key, payload)
                if self._on_frame(fin, opcode, payload):
                    self._drain_after_close()
                    break
        except PeerGone as e:
            self.rec.set("client_tcp_close", e.how)
            self.rec.set("closed_by_client_tcp", not self.fin_sent)
            self.rec.set("trailing_bytes", len(self.buf))
        except Stopped:
            pass
        except Exception as e:  # malformed/oversized input: log, stop reading
            self.rec.error("reader: %s" % e)
        finally:
            self.reader_done.set()

    # ---- teardown ------------------------------------------------------

    def finish(self, hold):
        """Wait up to `hold` s for the reader to end, then close the socket."""
        if self.reader is not None:
            if not self.reader_done.wait(hold):
                self.rec.set("timed_out", True)
            self.stop.set()
            self.reader.join(2.0)
        self.close_socket()
        self.rec.finish()

    def close_socket(self, reset=False):
        with self.wlock:
            try:
                if reset:
                    self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                         struct.pack("ii", 1, 0))
                self.sock.close()
            except OSError:
                pass


# --------------------------------------------------------------------------
# Scenarios: each returns how long to wait for the client afterwards.
# --------------------------------------------------------------------------

def sc_ok_then_echo(c):
    """Correct handshake, echo data frames, pong pings, answer close."""
    c.echo = True
    c.handshake()
    c.start_reader()
    return ECHO_SECONDS


def bad_handshake(**kw):
    """A 101 that a client must refuse; echo in case it wrongly accepts."""
    def scenario(c):
        c.echo = True
        c.handshake(**kw)
        c.start_reader()
        return REACT_SECONDS
    return scenario


def sc_status_200(c):
    """Plain 200 with a small body and Connection: close."""
    body = b"not a websocket\n"
    c.raw_mode = True
    c.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
           b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    c.start_reader()
    c.shutdown_write()
    return REACT_SECONDS


def after_handshake(*frames, echo=False, hold=REACT_SECONDS):
    """Correct handshake, then send raw frame bytes; then await reaction."""
    def scenario(c):
        c.echo = echo
        c.handshake()
        c.start_reader()
        for f in frames:
            c.send(f)
        return hold
    return scenario


def sc_rsv_bits(c):
    """Text frame with RSV bits set: /rsv-bits[/<1..7>] (default 4 = RSV1)."""
    rsv = int(c.req["args"][0]) if c.req["args"] else 4
    return after_handshake(build_frame(OP_TEXT, b"rsv", rsv=rsv))(c)


def sc_close_bad_code(c):
    """Close frame with the code from /close-bad-code/<code> (default 1005)."""
    code = int(c.req["args"][0]) if c.req["args"] else 1005
    return after_handshake(build_frame(OP_CLOSE, close_payload(code)))(c)


def sc_trickle(c):
    """Handshake and a text message sent one byte per send() call.

    /trickle[/<ms>[/<size>]], default 1 ms between bytes, 1024 chars of
    srvcommon.text_pattern; then echo.
    """
    args = c.req["args"]
    delay = (int(args[0]) if args else 1) / 1000.0
    size = int(args[1]) if len(args) > 1 else 1024
    c.echo = True
    c.trickle(c.handshake_bytes(), delay)
    c.start_reader()
    c.trickle(build_frame(OP_TEXT, srvcommon.text_pattern(size).encode()),
              delay)
    return ECHO_SECONDS


def sc_silent(c):
    """Handshake, then never send anything (still answers a close)."""
    c.handshake()
    c.start_reader()
    return SILENT_SECONDS


def sc_silent_hard(c):
    """Handshake, then never send anything at all, not even close/pong."""
    c.answer_close = False
    c.answer_pings = False
    return sc_silent(c)


def sc_reset_mid_frame(c):
    """Half of a 100-byte binary frame, then TCP RST (SO_LINGER 0)."""
    c.handshake()
    frame = build_frame(OP_BINARY, srvcommon.pattern_bytes(100))
    c.send(frame[:2 + 50])
    time.sleep(0.3)
    c.rec.set("server_reset", True)
    c.close_socket(reset=True)
    return 0


def sc_close_no_frame(c):
    """A text message, then TCP FIN without any close frame."""
    c.answer_close = False
    c.handshake()
    c.start_reader()
    c.send_frame(OP_TEXT, b"no close frame follows")
    time.sleep(0.2)
    c.shutdown_write()
    return REACT_SECONDS


def sc_101_with_data(c):
    """101 and a first text frame "early data" in a single send()."""
    c.echo = True
    c.send(c.handshake_bytes() + build_frame(OP_TEXT, b"early data"))
    c.start_reader()
    return ECHO_SECONDS


def sc_close_no_reason(c):
    """Close frame with the code from /close-no-reason/<code> (default
    1001) and no reason: exactly 2 payload bytes.  The client's close is
    not answered with a second one: FIN follows it."""
    code = int(c.req["args"][0]) if c.req["args"] else 1001
    c.handshake()
    c.start_reader()
    c.send_close(close_payload(code))
    return REACT_SECONDS


def sc_no_answer(c):
    """Reads the request but never answers, not even with a status line;
    logs the bytes the client sends until it closes TCP."""
    c.raw_mode = True
    c.start_reader()
    return SILENT_SECONDS


def sc_ping_then_close(c):
    """Ping "p1"; after the pong, close 1000 "bye" (4000 "no pong" if none)."""
    c.handshake()
    c.start_reader()
    c.send_frame(OP_PING, b"p1")
    if c.pong_rcvd.wait(REACT_SECONDS):
        c.send_close(close_payload(1000, b"bye"))
    else:
        c.send_close(close_payload(4000, b"no pong"))
    return REACT_SECONDS


T = build_frame
SCENARIOS = {
    "ok-then-echo": sc_ok_then_echo,
    "bad-accept": bad_handshake(accept=accept_for("wrong key")),
    "status-200": sc_status_200,
    "no-upgrade-header": bad_handshake(upgrade=False),
    "no-connection-header": bad_handshake(connection=False),
    "bad-upgrade-value": bad_handshake(upgrade=False,
                                       extra=["Upgrade: h2c"]),
    "unrequested-subprotocol": bad_handshake(
        extra=["Sec-WebSocket-Protocol: bogus"]),
    "unrequested-extension": bad_handshake(
        extra=["Sec-WebSocket-Extensions: permessage-deflate"]),
    "masked-frame": after_handshake(
        T(OP_TEXT, b"masked hello", mask=b"\x11\x22\x33\x44")),
    "rsv-bits": sc_rsv_bits,
    "reserved-opcode": after_handshake(T(0x3, b"x")),
    "reserved-control-opcode": after_handshake(T(0xB, b"x")),
    "ctrl-too-long": after_handshake(T(OP_PING, b"p" * 126)),
    "ctrl-fragmented": after_handshake(T(OP_PING, b"p", fin=False)),
    "cont-no-msg": after_handshake(T(OP_CONT, b"x")),
    "data-in-msg": after_handshake(T(OP_TEXT, b"part1", fin=False),
                                   T(OP_TEXT, b"part2")),
    "bad-utf8": after_handshake(T(OP_TEXT, b"\xc0\x80")),
    "bad-utf8-split": after_handshake(T(OP_TEXT, b"abc\xed", fin=False),
                                      T(OP_CONT, b"\xa0\x80")),
    "utf8-split-valid": after_handshake(T(OP_TEXT, b"caf\xc3", fin=False),
                                        T(OP_CONT, b"\xa9"), echo=True,
                                        hold=ECHO_SECONDS),
    "ping-in-fragments": after_handshake(T(OP_TEXT, b"frag1-", fin=False),
                                         T(OP_PING, b"mid"),
                                         T(OP_CONT, b"frag2"), echo=True,
                                         hold=ECHO_SECONDS),
    "pong-unsolicited": after_handshake(T(OP_PONG, b"unsolicited"),
                                        T(OP_TEXT, b"after-pong"), echo=True,
                                        hold=ECHO_SECONDS),
    "close-1byte": after_handshake(T(OP_CLOSE, b"\x03")),
    "close-bad-code": sc_close_bad_code,
    "close-bad-utf8-reason": after_handshake(
        T(OP_CLOSE, close_payload(1000, b"\xff\xfe"))),
    "huge-length": after_handshake(
        T(OP_BINARY, b"abcd", length=(1 << 63) - 1), hold=30.0),
    "top-bit-length": after_handshake(
        T(OP_BINARY, b"abcd", length=(1 << 63) + 4), hold=30.0),
    "trickle": sc_trickle,
    "silent": sc_silent,
    "silent-hard": sc_silent_hard,
    "reset-mid-frame": sc_reset_mid_frame,
    "close-no-frame": sc_close_no_frame,
    "101-with-data": sc_101_with_data,
    "ping-then-close": sc_ping_then_close,
    "close-no-reason": sc_close_no_reason,
    "no-answer": sc_no_answer,
}


# --------------------------------------------------------------------------
# HTTP plumbing: request head, /log, dispatch
# --------------------------------------------------------------------------

def read_head(sock):
    """Read up to the blank line; return (head bytes, bytes after it)."""
    data = bytearray()
    deadline = time.monotonic() + HEAD_SECONDS
    while b"\r\n\r\n" not in data:
        if len(data) > HEAD_LIMIT or time.monotonic() > deadline:
            return None, b""
        ready, _, _ = select.select([sock], [], [], 0.2)
        if ready:
            chunk = sock.recv(65536)
            if not chunk:
                return None, b""
            data += chunk
    head, _, rest = bytes(data).partition(b"\r\n\r\n")
    return head, rest


def parse_head(head):
    """-> dict(request_line, method, path, args, query, headers, headers_lc)."""
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split(" ")
    target = parts[1] if len(parts) > 1 else "/"
    path, _, query = target.partition("?")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip(), value.strip()))
    segs = [urllib.parse.unquote(s) for s in path.strip("/").split("/")]
    return {
        "request_line": lines[0], "method": parts[0], "path": path,
        "name": segs[0], "args": segs[1:], "query": query,
        "params": urllib.parse.parse_qs(query),
        "headers": headers,
        "headers_lc": {k.lower(): v for k, v in headers},
    }


def simple_response(sock, status, body, ctype="text/plain"):
    head = ("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" % (status, ctype, len(body)))
    try:
        sock.sendall(head.encode("ascii") + body)
    except OSError:
        pass


def serve_log(sock, req):
    """GET /log/<id>[?wait=<ms>]: JSON record, waiting for completion."""
    test_id = "/".join(req["args"])
    wait_ms = int(req["params"].get("wait", [DEFAULT_LOG_WAIT_MS])[0])
    rec, count = LOGS.latest(test_id)
    if rec is None:
        body = json.dumps({"error": "unknown id", "id": test_id})
        simple_response(sock, "404 Not Found", body.encode(), "application/json")
        return
    rec.done.wait(max(0, wait_ms) / 1000.0)
    text = rec.to_json()
    body = text[:-1] + ',"connection_count":%d}' % count
    simple_response(sock, "200 OK", body.encode(), "application/json")


def handle_client(sock):
    """One accepted socket: /log query, or an upgrade running a scenario."""
    try:
        sock.settimeout(IO_SECONDS)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        head, rest = read_head(sock)
        if head is None:
            return
        req = parse_head(head)
        if req["name"] == "log":
            serve_log(sock, req)
            return
        scenario = SCENARIOS.get(req["name"])
        if scenario is None:
            simple_response(sock, "404 Not Found", ("unknown scenario; known: "
                            + " ".join(sorted(SCENARIOS)) + "\n").encode())
            return
        test_id = req["headers_lc"].get("x-test-id") or \
            req["params"].get("id", [None])[0]
        rec = LOGS.new_record(test_id, req["request_line"], req["path"],
                              req["query"], req["headers"])
        conn = Conn(sock, rec, req, rest)
        try:
            hold = scenario(conn)
        except Exception as e:
            rec.error("scenario: %s" % e)
            hold = 0
        conn.finish(hold)
    except Exception as e:  # never let one client kill the server
        print("raw_ws_server: client error: %s" % e, file=sys.stderr)
    finally:
        try:
            sock.close()
        except OSError:
            pass


def accept_loop(listener, stop):
    while not stop.is_set():
        try:
            sock, _ = listener.accept()
        except OSError:
            if stop.is_set():
                return
            continue
        threading.Thread(target=handle_client, args=(sock,),
                         daemon=True).start()


def main():
    args = srvcommon.make_arg_parser(__doc__.splitlines()[0]).parse_args()
    stop = srvcommon.stop_event_on_signals()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((srvcommon.HOST, args.port))
    listener.listen(128)
    listener.settimeout(0.5)
    srvcommon.announce(listener.getsockname()[1], args)
    threading.Thread(target=accept_loop, args=(listener, stop),
                     daemon=True).start()
    stop.wait(args.max_seconds)
    stop.set()
    listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
