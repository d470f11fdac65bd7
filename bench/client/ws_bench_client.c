/* ws_bench_client.c - the WinHTTP side of the benchmark: an ordinary
 * synchronous WinHTTP WebSocket client, built as a third party builds one
 * (mingw's stock <winhttp.h>, -lwinhttp), so the same exe measures whichever
 * winhttp.dll Wine loads: ours (native, beside the exe) or Wine's builtin.
 *
 *   ws_bench_client.exe --host H --port P --scenario rtt|download|upload|handshake
 *                       [--size S] [--count N] [--seconds T]
 *
 * Scenarios, against bench/server/ws_bench_server:
 *   rtt        /echo: send an S-byte BINARY message, receive the whole echo
 *              through a 64 KiB buffer; N timed round trips after a warm-up.
 *   download   /source?n=N&size=S: receive N messages through a 64 KiB buffer.
 *   upload     /sink: send N S-byte BINARY messages, then TEXT "done"; the
 *              server answers with the byte count it saw, which must match.
 *   handshake  N times: open request, upgrade to /echo, close handshake, close
 *              handles; one session and connect handle, as an app would.
 * Every loop also stops once --seconds have elapsed; rates come from what
 * completed. One JSON line on stdout (bench_common.h); impl = $WH_IMPL.
 */
#include <windows.h>
#include <winhttp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

struct ctx {
    const struct bench_opts *o;
    struct bench_result *r;
    HINTERNET session, connect;
    HINTERNET ws;       /* the rtt scenario's websocket */
    BYTE *rbuf;         /* BENCH_BUF bytes: every receive goes through it */
    BYTE *sbuf;         /* o->size bytes of pattern, for sending */
};

static int is_fragment(WINHTTP_WEB_SOCKET_BUFFER_TYPE t)
{
    return t == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE ||
           t == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
}

/* Upgrades a new request on the shared connect handle to |path|. */
static HINTERNET open_ws(struct ctx *c, const char *path)
{
    wchar_t wpath[256];
    HINTERNET req, ws;

    MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, 256);
    req = WinHttpOpenRequest(c->connect, L"GET", wpath, NULL, NULL, NULL, 0);
    if (!req)
        return bench_fail(c->r, "WinHttpOpenRequest", GetLastError()), NULL;
    if (!WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0)) {
        bench_fail(c->r, "WinHttpSetOption(UPGRADE_TO_WEB_SOCKET)", GetLastError());
    } else if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0)) {
        bench_fail(c->r, "WinHttpSendRequest", GetLastError());
    } else if (!WinHttpReceiveResponse(req, NULL)) {
        bench_fail(c->r, "WinHttpReceiveResponse", GetLastError());
    } else if (!(ws = WinHttpWebSocketCompleteUpgrade(req, 0))) {
        bench_fail(c->r, "WinHttpWebSocketCompleteUpgrade", GetLastError());
    } else {
        WinHttpCloseHandle(req);
        return ws;
    }
    WinHttpCloseHandle(req);
    return NULL;
}

/* Close handshake (status 1000), then the handle. Returns 0 or 1 (failed). */
static int close_ws(struct ctx *c, HINTERNET ws)
{
    DWORD err = WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0);

    WinHttpCloseHandle(ws);
    return err ? bench_fail(c->r, "WinHttpWebSocketClose", err) : 0;
}

/* Receives one whole message through c->rbuf; *total = its length. */
static DWORD recv_message(struct ctx *c, HINTERNET ws, DWORD *total,
                          WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    DWORD err, got;

    *total = 0;
    do {
        err = WinHttpWebSocketReceive(ws, c->rbuf, BENCH_BUF, &got, type);
        if (err)
            return err;
        *total += got;
    } while (is_fragment(*type));
    return ERROR_SUCCESS;
}

/* One round trip; returns 0 or 1 (failed, recorded). */
static int round_trip(void *arg)
{
    struct ctx *c = arg;
    HINTERNET ws = c->ws;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD err, total;

    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, c->sbuf,
                               c->o->size);
    if (err)
        return bench_fail(c->r, "WinHttpWebSocketSend", err);
    if ((err = recv_message(c, ws, &total, &type)))
        return bench_fail(c->r, "WinHttpWebSocketReceive", err);
    if (type != WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE || total != c->o->size)
        return bench_fail(c->r, "echo: wrong type or length", total);
    return 0;
}

static int run_rtt(struct ctx *c)
{
    if (!(c->ws = open_ws(c, "/echo")))
        return 1;
    if (bench_timed(c->o, c->r, 1, round_trip, c))
        return WinHttpCloseHandle(c->ws), 1;
    return close_ws(c, c->ws);
}

/* Checks the first and last byte of a received chunk against the pattern. */
static int chunk_ok(const BYTE *p, DWORD n, DWORD offset)
{
    BYTE first, last;

    if (!n)
        return 1;
    bench_pattern(&first, 1, offset);
    bench_pattern(&last, 1, offset + n - 1);
    return p[0] == first && p[n - 1] == last;
}

static int download_loop(struct ctx *c, HINTERNET ws, double start)
{
    const struct bench_opts *o = c->o;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD err, got, offset = 0;

    while (c->r->count < o->count) {
        if (bench_time_up(o, start))
            return 2;                               /* stopped early: abort */
        err = WinHttpWebSocketReceive(ws, c->rbuf, BENCH_BUF, &got, &type);
        if (err)
            return bench_fail(c->r, "WinHttpWebSocketReceive", err);
        if (type == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE)
            return bench_fail(c->r, "download: early close after messages", c->r->count);
        if (type != WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE &&
            type != WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE)
            return bench_fail(c->r, "download: unexpected buffer type", type);
        if (!chunk_ok(c->rbuf, got, offset))
            return bench_fail(c->r, "download: pattern mismatch at offset", offset);
        offset += got;
        c->r->bytes += got;
        if (!is_fragment(type)) {
            if (offset != o->size)
                return bench_fail(c->r, "download: wrong message length", offset);
            offset = 0;
            c->r->count++;
        }
    }
    return 0;
}

static int run_download(struct ctx *c)
{
    const struct bench_opts *o = c->o;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    char path[96];
    DWORD err, got;
    HINTERNET ws;
    double start;
    int rc;

    snprintf(path, sizeof(path), "/source?n=%lu&size=%lu", (unsigned long)o->count,
             (unsigned long)o->size);
    if (!(ws = open_ws(c, path)))
        return 1;
    start = bench_mark(c->r);
    rc = download_loop(c, ws, start);
    bench_stop(c->r, start);
    if (rc)                              /* failed, or out of time: no handshake */
        return WinHttpCloseHandle(ws), rc == 1;
    err = WinHttpWebSocketReceive(ws, c->rbuf, BENCH_BUF, &got, &type);
    if (err)
        return WinHttpCloseHandle(ws), bench_fail(c->r, "WinHttpWebSocketReceive", err);
    if (type != WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE)
        return WinHttpCloseHandle(ws), bench_fail(c->r, "download: extra data", got);
    return close_ws(c, ws);
}

static int run_upload(struct ctx *c)
{
    const struct bench_opts *o = c->o;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    char ack[32];
    DWORD err, total;
    HINTERNET ws = open_ws(c, "/sink");
    double start;

    if (!ws)
        return 1;
    start = bench_mark(c->r);
    while (c->r->count < o->count && !bench_time_up(o, start)) {
        err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, c->sbuf,
                                   o->size);
        if (err)
            return WinHttpCloseHandle(ws), bench_fail(c->r, "WinHttpWebSocketSend", err);
        c->r->count++;
        c->r->bytes += o->size;
    }
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, "done", 4);
    if (!err)
        err = recv_message(c, ws, &total, &type);
    bench_stop(c->r, start);
    if (err)
        return WinHttpCloseHandle(ws), bench_fail(c->r, "WinHttpWebSocket(done/ack)", err);
    if (type != WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || total >= sizeof(ack))
        return WinHttpCloseHandle(ws), bench_fail(c->r, "upload: bad ack message", total);
    memcpy(ack, c->rbuf, total);
    ack[total] = 0;
    if (strtod(ack, NULL) != c->r->bytes)
        return WinHttpCloseHandle(ws), bench_fail(c->r, "upload: server count differs", 0);
    return close_ws(c, ws);
}

/* One handshake: open, upgrade, close handshake, close handles. */
static int handshake(void *arg)
{
    struct ctx *c = arg;
    HINTERNET ws = open_ws(c, "/echo");

    return !ws || close_ws(c, ws);
}

static int run_handshake(struct ctx *c)
{
    return bench_timed(c->o, c->r, 0, handshake, c);
}

static int setup(struct ctx *c)
{
    wchar_t host[256];

    if (bench_buffers(c->o, c->r, BENCH_BUF, &c->rbuf, &c->sbuf))
        return 1;
    c->session = WinHttpOpen(L"ws_bench_client/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY,
                             WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
    if (!c->session)
        return bench_fail(c->r, "WinHttpOpen", GetLastError());
    if (!WinHttpSetTimeouts(c->session, 10000, 10000, 30000, 30000))
        return bench_fail(c->r, "WinHttpSetTimeouts", GetLastError());
    MultiByteToWideChar(CP_UTF8, 0, c->o->host, -1, host, 256);
    c->connect = WinHttpConnect(c->session, host, (INTERNET_PORT)c->o->port, 0);
    if (!c->connect)
        return bench_fail(c->r, "WinHttpConnect", GetLastError());
    return 0;
}

int main(int argc, char **argv)
{
    static int (*const run[])(struct ctx *) = { run_rtt, run_download, run_upload,
                                                run_handshake };
    struct bench_opts o;
    struct bench_result r;
    struct ctx c;
    const char *impl = getenv("WH_IMPL");

    if (!bench_parse(argc, argv, &o))
        return 2;
    memset(&r, 0, sizeof(r));
    memset(&c, 0, sizeof(c));
    r.impl = impl && *impl ? impl : "winhttp";
    r.ok = 1;
    c.o = &o;
    c.r = &r;
    bench_watchdog(&o, r.impl, o.seconds);
    if (!setup(&c))
        run[o.scenario](&c);
    if (c.connect)
        WinHttpCloseHandle(c.connect);
    if (c.session)
        WinHttpCloseHandle(c.session);
    bench_print(&o, &r);
    return r.ok ? 0 : 1;
}
