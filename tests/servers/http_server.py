#!/usr/bin/python3
"""Plain HTTP/1.1 server for winhttp-ng tests (stdlib only).

Keep-alive is the HTTP/1.1 default; every response carries
"X-Connection-Id: <k>" (k = 1, 2, ... per accepted TCP connection) so a
client can prove connection reuse.  Request bodies are always consumed
(Content-Length or chunked), whatever the route.  HEAD is accepted on every
route and sends the GET headers without the body.

Routes:
  /len/<n>                   200, Content-Length n, pattern_bytes(n)
  /chunked/<n>[/<c>]         200, chunked, pattern_bytes(n) in chunks of c
                             (default 1000), lower-case hex sizes, no trailer
  /chunked-ext/<n>[/<c>]     same, but sizes are upper-case hex with leading
                             zeros, every chunk has extensions
                             (;ext=1;name="q v"), and trailer "X-Trailer: done"
                             (announced in "Trailer: X-Trailer")
  /close/<n>                 200, no Content-Length, Connection: close, body
                             pattern_bytes(n) delimited by TCP close
  /echo                      (POST/PUT/any) echoes the request body; response
                             Content-Length, same Content-Type, and
                             "X-Body-Framing: length|chunked|none"
  /headers                   body = request header lines exactly as parsed
                             ("Name: value\\r\\n" each, original case/order);
                             also "X-Method" and "X-Request-Target" headers
  /status/<code>             that status; 204 and 304 have no body and no
                             Content-Length, others body "status <code>\\n"
  /keepalive-id              body = the connection id (ASCII decimal)
  /date                      Date (now) and a fixed Last-Modified
                             (LAST_MODIFIED), body "date\\n"
  /redirect/<n>[?code=3xx]   redirect (default 302) to /len/<n>
  /redirect-abs/<n>          302 to http://127.0.0.1:<port>/len/<n>
  /redirect-chain/<k>        302 to /redirect-chain/<k-1>; k=0 -> /len/16
  /slow-headers[/<ms>]       status line and headers sent one byte at a time
                             (default 5 ms apart), then body "slow\\n"
"""

import http.server
import itertools
import socket
import sys
import threading
import time
import urllib.parse

import srvcommon

LAST_MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT"
MAX_BODY = 64 * 1024 * 1024
_conn_ids = itertools.count(1)
_conn_ids_lock = threading.Lock()


def read_chunked(rfile):
    """Decode a chunked request body (extensions and trailers ignored)."""
    body = bytearray()
    while True:
        line = rfile.readline(65537)
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            break
        body += rfile.read(size)
        rfile.readline(3)                      # CRLF after the chunk data
        if len(body) > MAX_BODY:
            raise ValueError("chunked body too large")
    while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
        pass                                   # trailer section
    return bytes(body)


def int_arg(args, i, default=None):
    try:
        return int(args[i])
    except (IndexError, ValueError):
        return default


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "winhttp-ng-test"
    timeout = 30                               # idle keep-alive limit

    def setup(self):
        super().setup()
        # Small writes (slow-headers) must leave as separate segments.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with _conn_ids_lock:
            self.conn_id = next(_conn_ids)

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)

    # ---- helpers -------------------------------------------------------

    def read_body(self):
        """Consume the request body; -> (bytes, framing)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return read_chunked(self.rfile), "chunked"
        length = self.headers.get("Content-Length")
        if length is not None:
            return self.rfile.read(int(length)), "length"
        return b"", "none"

    def start(self, code, headers=()):
        self.send_response(code)
        self.send_header("X-Connection-Id", str(self.conn_id))
        for k, v in headers:
            self.send_header(k, v)

    def reply(self, code, body=b"", headers=(), ctype="text/plain"):
        """Complete response with Content-Length."""
        self.start(code, list(headers) + [("Content-Type", ctype),
                                          ("Content-Length", str(len(body)))])
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # ---- dispatch ------------------------------------------------------

    def dispatch(self):
        try:
            self.req_body, self.framing = self.read_body()
        except ValueError as e:
            self.close_connection = True
            self.reply(400, ("bad request body: %s\n" % e).encode())
            return
        url = urllib.parse.urlsplit(self.path)
        self.query = urllib.parse.parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        route = ROUTES.get(parts[0])
        if route is None:
            self.reply(404, ("no route %s; routes: %s\n" % (
                url.path, " ".join(sorted(ROUTES)))).encode())
            return
        route(self, parts[1:])

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = \
        do_OPTIONS = dispatch

    # ---- routes --------------------------------------------------------

    def r_len(self, args):
        self.reply(200, srvcommon.pattern_bytes(int_arg(args, 0, 0)),
                   ctype="application/octet-stream")

    def write_chunked(self, body, chunk, fancy):
        headers = [("Content-Type", "application/octet-stream"),
                   ("Transfer-Encoding", "chunked")]
        if fancy:
            headers.append(("Trailer", "X-Trailer"))
        self.start(200, headers)
        self.end_headers()
        if self.command == "HEAD":
            return
        out = bytearray()
        for i in range(0, len(body), chunk):
            piece = body[i:i + chunk]
            if fancy:
                out += b'%04X;ext=1;name="q v"\r\n' % len(piece)
            else:
                out += b"%x\r\n" % len(piece)
            out += piece + b"\r\n"
        out += b"0\r\nX-Trailer: done\r\n\r\n" if fancy else b"0\r\n\r\n"
        self.wfile.write(out)

    def r_chunked(self, args):
        self.write_chunked(srvcommon.pattern_bytes(int_arg(args, 0, 0)),
                           max(1, int_arg(args, 1, 1000)), False)

    def r_chunked_ext(self, args):
        self.write_chunked(srvcommon.pattern_bytes(int_arg(args, 0, 0)),
                           max(1, int_arg(args, 1, 1000)), True)

    def r_close(self, args):
        self.close_connection = True
        self.start(200, [("Content-Type", "application/octet-stream"),
                         ("Connection", "close")])
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(srvcommon.pattern_bytes(int_arg(args, 0, 0)))

    def r_echo(self, args):
        ctype = self.headers.get("Content-Type", "application/octet-stream")
        self.reply(200, self.req_body, [("X-Body-Framing", self.framing)],
                   ctype=ctype)

    def r_headers(self, args):
        text = "".join("%s: %s\r\n" % (k, v) for k, v in self.headers.items())
        self.reply(200, text.encode("iso-8859-1"),
                   [("X-Method", self.command),
                    ("X-Request-Target", self.path)])

    def r_status(self, args):
        code = int_arg(args, 0, 0)
        if not 200 <= code <= 599:
            self.reply(400, b"status must be 200..599\n")
        elif code in (204, 304):
            self.start(code)
            self.end_headers()
        else:
            self.reply(code, b"status %d\n" % code)

    def r_keepalive_id(self, args):
        self.reply(200, str(self.conn_id).encode())

    def r_date(self, args):
        self.reply(200, b"date\n", [("Last-Modified", LAST_MODIFIED)])

    def redirect(self, location, code=302):
        self.reply(code, b"redirecting\n", [("Location", location)])

    def r_redirect(self, args):
        code = int(self.query.get("code", ["302"])[0])
        self.redirect("/len/%d" % int_arg(args, 0, 0), code)

    def r_redirect_abs(self, args):
        self.redirect("http://%s:%d/len/%d" % (
            srvcommon.HOST, self.server.server_port, int_arg(args, 0, 0)))

    def r_redirect_chain(self, args):
        k = int_arg(args, 0, 0)
        self.redirect("/redirect-chain/%d" % (k - 1) if k > 0 else "/len/16")

    def r_slow_headers(self, args):
        delay = int_arg(args, 0, 5) / 1000.0
        body = b"slow\n"
        head = ("HTTP/1.1 200 OK\r\nX-Connection-Id: %d\r\n"
                "Content-Type: text/plain\r\nContent-Length: %d\r\n"
                "X-Slow: yes\r\n\r\n" % (self.conn_id, len(body))).encode()
        for i in range(len(head)):
            self.wfile.write(head[i:i + 1])
            self.wfile.flush()
            time.sleep(delay)
        if self.command != "HEAD":
            self.wfile.write(body)


ROUTES = {
    "len": Handler.r_len,
    "chunked": Handler.r_chunked,
    "chunked-ext": Handler.r_chunked_ext,
    "close": Handler.r_close,
    "echo": Handler.r_echo,
    "headers": Handler.r_headers,
    "status": Handler.r_status,
    "keepalive-id": Handler.r_keepalive_id,
    "date": Handler.r_date,
    "redirect": Handler.r_redirect,
    "redirect-abs": Handler.r_redirect_abs,
    "redirect-chain": Handler.r_redirect_chain,
    "slow-headers": Handler.r_slow_headers,
}


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    args = srvcommon.make_arg_parser(__doc__.splitlines()[0]).parse_args()
    stop = srvcommon.stop_event_on_signals()
    server = Server((srvcommon.HOST, args.port), Handler)
    server.verbose = args.verbose
    srvcommon.announce(server.server_port, args)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                     daemon=True).start()
    stop.wait(args.max_seconds)
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
