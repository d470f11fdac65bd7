/* raw_bench_client.c - the ceiling: the benchmark's byte transfers over
 * plain Winsock, no HTTP and no WebSocket framing. Nothing built on WinHTTP
 * can move the same bytes faster under the same Wine, so "ours / raw" says
 * how much of Wine's socket speed our DLL leaves on the table.
 *
 *   raw_bench_client.exe --host H --port P --scenario rtt|download|upload|handshake
 *                        [--size S] [--count N] [--seconds T]
 *
 * Against bench/server/ws_bench_server's raw TCP mode (first line names it):
 *   rtt        "RAW ECHO": send S bytes, read S bytes back; TCP_NODELAY.
 *   download   "RAW SOURCE N S": read N*S bytes until the server closes.
 *   upload     "RAW SINK N*S": send N blocks of S bytes, read the 8-byte LE count.
 *   handshake  TCP connect + close per iteration. Only a floor: a WebSocket
 *              handshake adds an HTTP exchange and a close handshake on top.
 * Non-blocking socket, select() when a call would block; receives take up
 * to 1 MiB per call. One JSON line, impl "raw".
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

/* A ceiling has no caller buffer to honour: it receives into 1 MiB, as
 * many bytes per recv as the socket has (each call is a wineserver round
 * trip under Wine; our DLL reads through a buffer that grows as large). */
#define RAW_BUF (1024 * 1024)

struct ctx {
    const struct bench_opts *o;
    struct bench_result *r;
    struct sockaddr_in addr;
    SOCKET s;           /* the rtt scenario's socket */
    BYTE *rbuf;         /* RAW_BUF bytes */
    BYTE *sbuf;         /* o->size bytes of pattern */
};

/* Waits until |s| is readable and/or writable (30 s at most). */
static int wait_io(struct ctx *c, SOCKET s, int rd, int wr)
{
    fd_set r, w;
    struct timeval tv = {30, 0};
    int n;

    FD_ZERO(&r);
    FD_ZERO(&w);
    if (rd)
        FD_SET(s, &r);
    if (wr)
        FD_SET(s, &w);
    n = select(0, rd ? &r : NULL, wr ? &w : NULL, NULL, &tv);
    if (n > 0)
        return 0;
    return bench_fail(c->r, n ? "select" : "select: timed out", n ? WSAGetLastError() : 0);
}

/* The socket is non-blocking, as ours is: a call that would block is
 * followed by select(). Measured under Wine 8 this is as fast as blocking
 * calls for 16 B round trips, and it lets a round trip send and receive at
 * once without polling FIONREAD (an extra wineserver call per step). */
static SOCKET dial(struct ctx *c)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    int one = 1;
    u_long nonblocking = 1;

    if (s == INVALID_SOCKET)
        return bench_fail(c->r, "socket", WSAGetLastError()), INVALID_SOCKET;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
    if (connect(s, (struct sockaddr *)&c->addr, sizeof(c->addr))) {
        bench_fail(c->r, "connect", WSAGetLastError());
        closesocket(s);
        return INVALID_SOCKET;
    }
    ioctlsocket(s, (long)FIONBIO, &nonblocking);
    return s;
}

/* One send or recv: bytes moved, 0 if it would block, -1 on failure. */
static int io_once(struct ctx *c, SOCKET s, int is_send, char *p, DWORD len)
{
    int n = len > 0x40000000 ? 0x40000000 : (int)len;

    n = is_send ? send(s, p, n, 0) : recv(s, p, n, 0);
    if (n > 0)
        return n;
    if (n < 0 && WSAGetLastError() == WSAEWOULDBLOCK)
        return 0;
    bench_fail(c->r, is_send ? "send" : n ? "recv" : "recv: peer closed", WSAGetLastError());
    return -1;
}

static int send_all(struct ctx *c, SOCKET s, const void *p, DWORD len)
{
    const char *b = p;
    int n;

    while (len) {
        if ((n = io_once(c, s, 1, (char *)b, len)) < 0 || (!n && wait_io(c, s, 0, 1)))
            return 1;
        b += n;
        len -= (DWORD)n;
    }
    return 0;
}

/* One round trip of o->size bytes. The server echoes as bytes arrive, so a
 * large block is sent while what has come back is drained: otherwise both
 * sides could block on full socket buffers. */
static int round_trip(void *arg)
{
    struct ctx *c = arg;
    SOCKET s = c->s;
    DWORD size = c->o->size, sent = 0, got = 0;
    int n, m;

    while (got < size) {
        n = m = 0;
        if (sent < size && (n = io_once(c, s, 1, (char *)c->sbuf + sent, size - sent)) < 0)
            return 1;
        sent += (DWORD)n;
        if (got < sent) {
            DWORD want = sent - got < RAW_BUF ? sent - got : RAW_BUF;

            if ((m = io_once(c, s, 0, (char *)c->rbuf, want)) < 0)
                return 1;
            got += (DWORD)m;
        }
        if (!n && !m && wait_io(c, s, 1, sent < size))
            return 1;
    }
    return 0;
}

static SOCKET open_mode(struct ctx *c, const char *line)
{
    SOCKET s = dial(c);

    if (s != INVALID_SOCKET && send_all(c, s, line, (DWORD)strlen(line))) {
        closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

static int run_rtt(struct ctx *c)
{
    int failed;

    if ((c->s = open_mode(c, "RAW ECHO\n")) == INVALID_SOCKET)
        return 1;
    failed = bench_timed(c->o, c->r, 1, round_trip, c);
    closesocket(c->s);
    return failed;
}

static int run_download(struct ctx *c)
{
    const struct bench_opts *o = c->o;
    double want = (double)o->count * o->size, start;
    char line[64];
    SOCKET s;
    int n;

    snprintf(line, sizeof(line), "RAW SOURCE %lu %lu\n", (unsigned long)o->count,
             (unsigned long)o->size);
    if ((s = open_mode(c, line)) == INVALID_SOCKET)
        return 1;
    start = bench_mark(c->r);
    for (;;) {
        n = recv(s, (char *)c->rbuf, RAW_BUF, 0);
        if (n < 0 && WSAGetLastError() == WSAEWOULDBLOCK) {
            if (wait_io(c, s, 1, 0))
                break;
            continue;
        }
        if (n <= 0)
            break;
        c->r->bytes += n;
        if (bench_time_up(o, start))
            break;
    }
    bench_stop(c->r, start);
    c->r->count = o->size ? (DWORD)(c->r->bytes / o->size) : o->count;
    if (n < 0 && c->r->ok)
        bench_fail(c->r, "recv", WSAGetLastError());
    else if (n == 0 && c->r->bytes != want)
        bench_fail(c->r, "download: byte count differs", (DWORD)c->r->bytes);
    closesocket(s);
    return !c->r->ok;
}

static int run_upload(struct ctx *c)
{
    const struct bench_opts *o = c->o;
    unsigned long long got = 0;
    char line[64];
    BYTE le[8];
    SOCKET s;
    double start;
    int i, n, have = 0;

    snprintf(line, sizeof(line), "RAW SINK %llu\n", (unsigned long long)o->count * o->size);
    if ((s = open_mode(c, line)) == INVALID_SOCKET)
        return 1;
    start = bench_mark(c->r);
    /* The server waits for the announced total, so no time bound here. */
    while (c->r->count < o->count && !send_all(c, s, c->sbuf, o->size)) {
        c->r->count++;
        c->r->bytes += o->size;
    }
    while (c->r->ok && have < 8) {
        if ((n = io_once(c, s, 0, (char *)le + have, (DWORD)(8 - have))) < 0 ||
            (!n && wait_io(c, s, 1, 0)))
            break;
        have += n;
    }
    bench_stop(c->r, start);
    for (i = 7; i >= 0; i--)
        got = got << 8 | le[i];
    if (c->r->ok && (have < 8 || (double)got != c->r->bytes))
        bench_fail(c->r, "upload: server count differs", (DWORD)got);
    closesocket(s);
    return !c->r->ok;
}

/* TCP connect and close: a floor for a handshake, not a like-for-like one. */
static int connect_close(void *arg)
{
    struct ctx *c = arg;
    SOCKET s = dial(c);

    if (s == INVALID_SOCKET)
        return 1;
    closesocket(s);
    return 0;
}

static int run_handshake(struct ctx *c)
{
    return bench_timed(c->o, c->r, 0, connect_close, c);
}

static int setup(struct ctx *c)
{
    WSADATA wsa;
    int err;

    if (bench_buffers(c->o, c->r, RAW_BUF, &c->rbuf, &c->sbuf))
        return 1;
    if ((err = WSAStartup(MAKEWORD(2, 2), &wsa)))
        return bench_fail(c->r, "WSAStartup", (DWORD)err);
    c->addr.sin_family = AF_INET;
    c->addr.sin_port = htons((u_short)c->o->port);
    c->addr.sin_addr.s_addr = inet_addr(c->o->host);
    if (c->addr.sin_addr.s_addr == INADDR_NONE)
        return bench_fail(c->r, "inet_addr(host: IPv4 address only)", 0);
    return 0;
}

int main(int argc, char **argv)
{
    static int (*const run[])(struct ctx *) = { run_rtt, run_download, run_upload,
                                                run_handshake };
    struct bench_opts o;
    struct bench_result r;
    struct ctx c;

    if (!bench_parse(argc, argv, &o))
        return 2;
    memset(&r, 0, sizeof(r));
    memset(&c, 0, sizeof(c));
    r.impl = "raw";
    r.ok = 1;
    c.o = &o;
    c.r = &r;
    bench_watchdog(&o, r.impl, o.seconds);
    if (!setup(&c))
        run[o.scenario](&c);
    bench_print(&o, &r);
    return r.ok ? 0 : 1;
}
