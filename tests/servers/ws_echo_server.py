#!/usr/bin/python3
"""Well-behaved WebSocket peer for winhttp-ng tests (websockets 10.4, asyncio).

This is the *independent* implementation our client is checked against: all
framing, masking checks, UTF-8 validation and the closing handshake come from
the websockets library, not from us.  Behaviour is chosen by the request path
(query string ignored); each connection is independent, nothing is recorded.

Routes (all except /close-* fall back to echoing after their special action):
  /echo                      echo every message, same type, up to 64 MiB
  /ping                      ping "are you there" first, then echo
  /ping-many                 ping "ping-0" on open, "ping-<k>" after k-th echo
  /close-now/<code>[/<why>]  server closes first with code + URL-decoded reason
  /close-empty               server closes first with an empty close payload
  /send/<n>                  one binary message of n pattern bytes, then echo
  /send-text/<n>             one text message of n pattern chars, then echo
  /send-utf8                 one text message UTF8_MESSAGE, then echo
  /fragmented                one text message as FRAGMENTS, then echo
  /fragmented-binary         pattern_bytes(3000) in fragments of 1000, echo
    (websockets sends each fragment with FIN=0 and ends the message with an
    EMPTY continuation frame with FIN=1: 4 frames on the wire.)
  /subprotocol               selects "chat" if offered, then echo
  /request-headers           sends JSON {"path":..,"headers":[[k,v],..]}, echo
On /ping and /ping-many the text message "pong?" is answered (not echoed) with
"pongs <acknowledged>/<sent>" so a client can prove it answered the pings.
Unknown paths are refused with HTTP 404 (a real non-101 answer).
"""

import asyncio
import http
import json
import logging
import signal
import struct
import sys
import urllib.parse

import websockets
from websockets.frames import Close
from websockets.legacy.server import WebSocketServerProtocol

import srvcommon

MAX_MESSAGE = 64 * 1024 * 1024
CONN_SECONDS = 120.0
HANDSHAKE_SECONDS = 10.0
PING_PAYLOAD = b"are you there"
# 2-byte (U+00E9, U+00DF), 3-byte (U+20AC, U+65E5, U+672C), 4-byte
# (U+1F600, U+1D11E) sequences.  UTF-8 hex:
# 68 c3a9 6c 6c 6f 20 c39f 20 e282ac 20 e697a5 e69cac 20 f09f9880 20 f09d849e
UTF8_MESSAGE = "h\u00e9llo \u00df \u20ac \u65e5\u672c \U0001F600 \U0001D11E"
FRAGMENTS = ["fragment-one ", "fragment-two ", "fragment-three"]
SUBPROTOCOL = "chat"


def split_route(path):
    """'/close-now/1000/x?y' -> ('close-now', ['1000', 'x'])."""
    parts = path.split("?", 1)[0].strip("/").split("/")
    return parts[0], parts[1:]


async def echo_loop(ws, special=None):
    """Echo until the peer closes; `special(msg)` may answer a message itself."""
    async for msg in ws:
        if special is not None and await special(msg):
            continue
        await ws.send(msg)


def pong_counter(ws, waiters):
    """Build a 'pong?' responder reporting acknowledged/sent pings."""
    async def special(msg):
        if msg != "pong?":
            return False
        acked = sum(1 for w in waiters if w.done() and not w.cancelled())
        await ws.send("pongs %d/%d" % (acked, len(waiters)))
        return True
    return special


async def route_echo(ws, args):
    await echo_loop(ws)


async def route_ping(ws, args):
    waiters = [await ws.ping(PING_PAYLOAD)]
    await echo_loop(ws, pong_counter(ws, waiters))


async def route_ping_many(ws, args):
    """Pings interleaved with echoes: control frames between data frames."""
    waiters = [await ws.ping(b"ping-0")]
    counter = pong_counter(ws, waiters)
    async for msg in ws:
        if await counter(msg):
            continue
        await ws.send(msg)
        waiters.append(await ws.ping(b"ping-%d" % len(waiters)))


async def send_raw_close(ws, payload):
    """Start the closing handshake with an exact close payload.

    ws.close() refuses codes outside the IANA set and cannot send an empty
    payload, so we use the library's single-close-frame primitive directly and
    then let it finish the handshake (wait for the reply, close TCP).
    """
    if len(payload) >= 2:
        code = struct.unpack("!H", payload[:2])[0]
        close = Close(code, payload[2:].decode("utf-8"))
    else:
        close = Close(1005, "")
    await ws.write_close_frame(close, payload)
    await asyncio.wait_for(ws.wait_closed(), ws.close_timeout * 2)


def close_now_payload(args):
    """Parse /close-now/<code>[/<reason>]; None if invalid."""
    try:
        code = int(args[0])
    except (IndexError, ValueError):
        return None
    reason = urllib.parse.unquote("/".join(args[1:])).encode("utf-8")
    if not 0 <= code <= 0xFFFF or len(reason) > 123:
        return None
    return struct.pack("!H", code) + reason


async def route_close_now(ws, args):
    await send_raw_close(ws, close_now_payload(args))


async def route_close_empty(ws, args):
    await send_raw_close(ws, b"")


def size_arg(args):
    """First path argument as a message size bounded by MAX_MESSAGE."""
    try:
        n = int(args[0])
    except (IndexError, ValueError):
        return None
    return n if 0 <= n <= MAX_MESSAGE else None


async def route_send(ws, args):
    await ws.send(srvcommon.pattern_bytes(size_arg(args)))
    await echo_loop(ws)


async def route_send_text(ws, args):
    await ws.send(srvcommon.text_pattern(size_arg(args)))
    await echo_loop(ws)


async def route_send_utf8(ws, args):
    await ws.send(UTF8_MESSAGE)
    await echo_loop(ws)


async def route_fragmented(ws, args):
    await ws.send(FRAGMENTS)
    await echo_loop(ws)


async def route_fragmented_binary(ws, args):
    data = srvcommon.pattern_bytes(3000)
    await ws.send([data[0:1000], data[1000:2000], data[2000:3000]])
    await echo_loop(ws)


async def route_request_headers(ws, args):
    info = {"path": ws.path,
            "headers": [[k, v] for k, v in ws.request_headers.raw_items()]}
    await ws.send(json.dumps(info))
    await echo_loop(ws)


ROUTES = {
    "echo": route_echo,
    "ping": route_ping,
    "ping-many": route_ping_many,
    "close-now": route_close_now,
    "close-empty": route_close_empty,
    "send": route_send,
    "send-text": route_send_text,
    "send-utf8": route_send_utf8,
    "fragmented": route_fragmented,
    "fragmented-binary": route_fragmented_binary,
    "subprotocol": route_echo,
    "request-headers": route_request_headers,
}


def route_is_valid(path):
    """Reject unknown routes and bad arguments before the 101."""
    name, args = split_route(path)
    if name not in ROUTES:
        return False
    if name == "close-now":
        return close_now_payload(args) is not None
    if name in ("send", "send-text"):
        return size_arg(args) is not None
    return True


class Protocol(WebSocketServerProtocol):
    """Per-connection protocol: route checks and path-dependent subprotocol."""

    async def read_http_request(self):
        """Bound the wait for the upgrade request (10.4 has no open_timeout)."""
        return await asyncio.wait_for(super().read_http_request(),
                                      HANDSHAKE_SECONDS)

    async def process_request(self, path, request_headers):
        if not route_is_valid(path):
            return (http.HTTPStatus.NOT_FOUND, [("Content-Type", "text/plain")],
                    b"unknown route or bad argument\n")
        return None

    def select_subprotocol(self, client_subprotocols, server_subprotocols):
        if split_route(self.path)[0] == "subprotocol" and \
                SUBPROTOCOL in client_subprotocols:
            return SUBPROTOCOL
        return None


async def handler(ws):
    """Run the route, bounded so no connection lives forever."""
    name, args = split_route(ws.path)
    try:
        await asyncio.wait_for(ROUTES[name](ws, args), CONN_SECONDS)
    except asyncio.TimeoutError:
        await ws.close(1001, "server connection time limit")
    except websockets.ConnectionClosed:
        pass


async def serve(args):
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def request_stop():
        if not stop.done():
            stop.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_stop)
    async with websockets.serve(
            handler, srvcommon.HOST, args.port, create_protocol=Protocol,
            subprotocols=[SUBPROTOCOL], compression=None,
            max_size=MAX_MESSAGE, ping_interval=None,
            close_timeout=5) as server:
        srvcommon.announce(server.sockets[0].getsockname()[1], args)
        try:
            await asyncio.wait_for(stop, args.max_seconds)
        except asyncio.TimeoutError:
            pass


def main():
    args = srvcommon.make_arg_parser(__doc__.splitlines()[0]).parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        stream=sys.stderr)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
