/* bench_proto.c - what the benchmark server's bytes mean.
 *
 * The first bytes pick the protocol: "RAW " starts a raw TCP command line,
 * anything else is an HTTP/1.1 request (a WebSocket upgrade, or GET /stats).
 * The WebSocket side is a server: client frames must be masked (RFC 6455
 * §5.1), ours are not. Messages are reassembled only where the mode needs
 * them (/echo, and text on /sink); /sink counts binary payload without even
 * unmasking it, so the server's work stays far below the client's.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include <openssl/sha.h>

#include "bench_server.h"
#include "ws/b64.h"
#include "ws/ws_mask.h"

#define REQ_MAX ((size_t)16 << 10)
/* Generated payload slices up to this are copied into the output buffer, so
 * that small messages leave in large writes (as RAW SOURCE does), not one
 * sendmsg per message. */
#define COPY_MAX ((size_t)64 << 10)

enum { OP_CONT = 0, OP_TEXT = 1, OP_BIN = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10 };

/* Room for |n| more bytes at the end of c->out. Never called while blocked,
 * so after compaction there is always room (pending < OUT_HIGH, n small). */
static uint8_t *out_reserve(struct conn *c, size_t n)
{
    if (c->out_off == c->out_len) {
        c->out_off = c->out_len = 0;
    } else if (OUT_CAP - c->out_len < n) {
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
    }
    return c->out + c->out_len;
}

static void out_put(struct conn *c, const void *p, size_t n)
{
    memcpy(out_reserve(c, n), p, n);
    c->out_len += n;
}

/* Server frame header (unmasked, minimal length encoding, §5.2). */
static size_t frame_hdr(uint8_t *o, unsigned op, int fin, uint64_t len)
{
    int i;

    o[0] = (uint8_t)((fin ? 0x80u : 0u) | op);
    if (len < 126) {
        o[1] = (uint8_t)len;
        return 2;
    }
    if (len <= 0xffff) {
        o[1] = 126;
        o[2] = (uint8_t)(len >> 8);
        o[3] = (uint8_t)len;
        return 4;
    }
    o[1] = 127;
    for (i = 0; i < 8; i++)
        o[2 + i] = (uint8_t)(len >> (56 - 8 * i));
    return 10;
}

/* Appends a whole frame whose payload is at most SMALL_MAX bytes. */
static void put_frame(struct conn *c, unsigned op, const uint8_t *p, size_t n)
{
    uint8_t *o = out_reserve(c, n + 10);
    size_t h = frame_hdr(o, op, 1, n);

    if (n)
        memcpy(o + h, p, n);
    c->out_len += h + n;
}

/* Sends a close frame with |code| (0: none) unless one was sent, then stops
 * interpreting input; the socket side shuts down once output is flushed. */
static void ws_close(struct conn *c, unsigned code)
{
    uint8_t st[2];

    st[0] = (uint8_t)(code >> 8);
    st[1] = (uint8_t)code;
    if (!c->sent_close)
        put_frame(c, OP_CLOSE, st, code ? 2 : 0);
    c->sent_close = 1;
    c->shut_pending = 1;
    c->mode = M_DRAIN;
}

/* ---- generator: /source and RAW SOURCE -------------------------------- */

/* Emits the next piece of the generated stream: a frame header, a payload
 * slice (copied when small, else zc from the pattern) or, at the end, the
 * close frame (WebSocket) or a shutdown (raw). */
static int gen_step(struct conn *c)
{
    int raw = c->mode == M_RAW_SOURCE;
    size_t n;

    if (!c->gen_hdr) {
        uint64_t flen;

        if (c->gen_msgs == 0) {
            c->gen_on = 0;
            if (raw) {
                c->shut_pending = 1;
            } else if (!c->sent_close) {
                put_frame(c, OP_CLOSE, (const uint8_t *)"\x03\xe8", 2); /* 1000 */
                c->sent_close = 1;
            }
            return 1;
        }
        flen = c->gen_size - c->gen_pos;
        if (c->gen_frag && flen > c->gen_frag)
            flen = c->gen_frag;
        if (!raw)
            c->out_len += frame_hdr(out_reserve(c, 10), c->gen_pos ? OP_CONT : OP_BIN,
                                    c->gen_pos + flen == c->gen_size, flen);
        c->gen_left = flen;
        c->gen_hdr = 1;
    }
    n = c->gen_left < PAT_WIN ? (size_t)c->gen_left : PAT_WIN;
    if (n <= COPY_MAX) {
        out_put(c, g_pattern + (c->gen_pos & 255), n);
    } else {
        c->zc = g_pattern + (c->gen_pos & 255);
        c->zc_len = n;
    }
    c->gen_pos += n;
    c->gen_left -= n;
    if (c->gen_left == 0) {
        c->gen_hdr = 0;
        if (c->gen_pos == c->gen_size) {
            c->gen_msgs--;
            c->gen_pos = 0;
        }
    }
    return 1;
}

/* ---- WebSocket receive ------------------------------------------------ */

static int msg_reserve(struct conn *c, uint64_t add)
{
    size_t need, cap;
    uint8_t *p;

    if (add > MAX_MSG - c->msg_len)
        return -1;
    need = c->msg_len + (size_t)add;
    if (need <= c->msg_cap)
        return 0;
    cap = c->msg_cap * 2 > need ? c->msg_cap * 2 : need;
    if (cap > MAX_MSG)
        cap = MAX_MSG;
    p = realloc(c->msg, cap);
    if (!p)
        return -1;
    c->msg = p;
    c->msg_cap = cap;
    return 0;
}

/* Does this frame's payload go into c->msg? */
static int ws_stores(const struct conn *c)
{
    return c->op < 8 && (c->kind == K_ECHO || (c->kind == K_SINK && c->msg_op == OP_TEXT));
}

/* Parses a frame header at in[in_off]. Returns 1 when one was taken, 0 when
 * more bytes are needed, or a close status (>= 1000) for a bad frame. */
static int ws_header(struct conn *c)
{
    const uint8_t *p = c->in + c->in_off;
    size_t avail = c->in_len - c->in_off, h = 6;
    unsigned op, len7;
    uint64_t len;
    int i;

    if (avail < 2)
        return 0;
    op = p[0] & 0x0fu;
    len7 = p[1] & 0x7fu;
    if ((p[0] & 0x70u) || !(p[1] & 0x80u) || (op > 2 && op < 8) || op > 10)
        return 1002;
    if (op >= 8 && (len7 > 125 || !(p[0] & 0x80u)))
        return 1002;
    if ((op == OP_CONT) != (c->msg_op != 0) && op < 8)
        return 1002;
    h += len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    if (avail < h)
        return 0;
    len = len7;
    if (len7 == 126)
        len = (uint64_t)p[2] << 8 | p[3];
    else if (len7 == 127)
        for (len = 0, i = 0; i < 8; i++)
            len = len << 8 | p[2 + i];
    if (len >> 63)
        return 1002;
    memcpy(c->key, p + h - 4, 4);
    c->op = (uint8_t)op;
    c->fin = (uint8_t)(p[0] >> 7);
    c->left = len;
    c->fpos = 0;
    c->in_frame = 1;
    c->in_off += h;
    if (op == OP_TEXT || op == OP_BIN) {
        c->msg_op = (uint8_t)op;
        c->msg_len = 0;
    }
    if (ws_stores(c) && msg_reserve(c, len) < 0)
        return 1009;
    return 1;
}

static void ws_control(struct conn *c, const uint8_t *p, size_t n)
{
    if (c->op == OP_PING) {
        put_frame(c, OP_PONG, p, n);
    } else if (c->op == OP_CLOSE) {
        if (n == 1)
            ws_close(c, 1002);
        else
            ws_close(c, n ? (unsigned)p[0] << 8 | p[1] : 0);
    }
}

static void ws_message_end(struct conn *c)
{
    if (c->kind == K_ECHO) {
        if (c->msg_len <= SMALL_MAX) {
            put_frame(c, c->msg_op, c->msg, c->msg_len);
        } else {
            c->out_len += frame_hdr(out_reserve(c, 10), c->msg_op, 1, c->msg_len);
            c->zc = c->msg;
            c->zc_len = c->msg_len;
        }
    } else if (c->kind == K_SINK && c->msg_op == OP_TEXT && c->msg_len == 4 &&
               memcmp(c->msg, "done", 4) == 0) {
        char num[24];
        int k = snprintf(num, sizeof(num), "%llu", (unsigned long long)c->count);

        put_frame(c, OP_TEXT, (const uint8_t *)num, (size_t)k);
    }
    c->msg_op = 0;
}

/* The common case of /echo: a whole single-frame message of at most
 * SMALL_MAX bytes is in the buffer; unmask it straight into the output. */
static int ws_echo_fast(struct conn *c)
{
    size_t n = (size_t)c->left;
    uint8_t *o;
    size_t h;

    if (c->kind != K_ECHO || c->fpos || !c->fin || c->op == OP_CONT || c->left > SMALL_MAX ||
        c->in_len - c->in_off < n)
        return 0;
    o = out_reserve(c, n + 10);
    h = frame_hdr(o, c->op, 1, n);
    ws_mask(o + h, c->in + c->in_off, n, c->key, 0);
    c->out_len += h + n;
    c->in_off += n;
    c->in_frame = 0;
    c->msg_op = 0;
    return 1;
}

/* Handles the payload bytes of the current frame that are in the buffer. */
static int ws_payload(struct conn *c)
{
    size_t avail = c->in_len - c->in_off, n;
    const uint8_t *p = c->in + c->in_off;

    if (c->op >= 8) {
        uint8_t ctl[125];

        if (avail < c->left)
            return 0;
        n = (size_t)c->left;
        ws_mask(ctl, p, n, c->key, 0);
        c->in_off += n;
        c->in_frame = 0;
        ws_control(c, ctl, n);
        return 1;
    }
    if (ws_echo_fast(c))
        return 1;
    n = avail < c->left ? avail : (size_t)c->left;
    if (n == 0 && c->left)
        return 0;
    if (ws_stores(c)) {
        ws_mask(c->msg + c->msg_len, p, n, c->key, (size_t)(c->fpos & 3));
        c->msg_len += n;
    } else if (c->kind == K_SINK && c->msg_op == OP_BIN) {
        c->count += n;
    }
    c->in_off += n;
    c->fpos += n;
    c->left -= n;
    if (c->left == 0) {
        c->in_frame = 0;
        if (c->fin)
            ws_message_end(c);
    }
    return 1;
}

static int ws_process(struct conn *c)
{
    int did = 0, r;

    while (c->mode == M_WS && !conn_blocked(c)) {
        if (c->gen_on) {
            did |= gen_step(c);
            continue;
        }
        if (!c->in_frame) {
            r = ws_header(c);
            if (r == 0)
                break;
            if (r > 1)
                ws_close(c, (unsigned)r);
        } else if (!ws_payload(c)) {
            break;
        }
        did = 1;
    }
    return did;
}

/* ---- HTTP: the upgrade and /stats -------------------------------------- */

static void http_reply(struct conn *c, const char *status, const char *type, const char *body)
{
    char hdr[256];
    size_t blen = strlen(body);
    int k = snprintf(hdr, sizeof(hdr),
                     "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, type, blen);

    out_put(c, hdr, (size_t)k);
    out_put(c, body, blen);
    c->shut_pending = 1;
    c->mode = M_DRAIN;
}

static void http_stats(struct conn *c)
{
    struct rusage ru;
    unsigned long long us, ss;
    char body[256];

    getrusage(RUSAGE_SELF, &ru);
    us = (unsigned long long)ru.ru_utime.tv_sec * 1000000ull + (unsigned long long)ru.ru_utime.tv_usec;
    ss = (unsigned long long)ru.ru_stime.tv_sec * 1000000ull + (unsigned long long)ru.ru_stime.tv_usec;
    snprintf(body, sizeof(body),
             "{\"cpu_user_us\":%llu,\"cpu_sys_us\":%llu,\"connections\":%llu,"
             "\"bytes_in\":%llu,\"bytes_out\":%llu}",
             us, ss, (unsigned long long)g_stats.connections, (unsigned long long)g_stats.bytes_in,
             (unsigned long long)g_stats.bytes_out);
    http_reply(c, "200 OK", "application/json", body);
}

/* Reads n=, size=, frag= from a query string; 0 on success. */
static int parse_source_query(struct conn *c, const char *q, const char *end)
{
    int have = 0;

    c->gen_frag = 0;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        char *stop;
        unsigned long long v;

        if (!amp)
            amp = end;
        if (strncmp(q, "n=", 2) == 0 || strncmp(q, "size=", 5) == 0 || strncmp(q, "frag=", 5) == 0) {
            const char *eq = memchr(q, '=', (size_t)(amp - q));

            v = strtoull(eq + 1, &stop, 10);
            if (stop != amp)
                return -1;
            if (*q == 'n')
                c->gen_msgs = v, have |= 1;
            else if (*q == 's')
                c->gen_size = v, have |= 2;
            else
                c->gen_frag = v;
        }
        q = amp + 1;
    }
    return have == 3 ? 0 : -1;
}

/* Switches to WebSocket mode for |path| (without the query). */
static int ws_upgrade(struct conn *c, const char *key, size_t klen, const char *path, size_t plen)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    const char *q = memchr(path, '?', plen);
    size_t base = q ? (size_t)(q - path) : plen;
    uint8_t in[64 + sizeof(guid)], dig[20];
    char acc[B64_ENCODED_LEN(20) + 1], resp[160];
    int k;

    if (base == 5 && memcmp(path, "/echo", 5) == 0)
        c->kind = K_ECHO;
    else if (base == 5 && memcmp(path, "/sink", 5) == 0)
        c->kind = K_SINK;
    else if (base == 7 && memcmp(path, "/source", 7) == 0 && q &&
             parse_source_query(c, q + 1, path + plen) == 0)
        c->kind = K_SOURCE;
    else
        return -1;
    memcpy(in, key, klen);
    memcpy(in + klen, guid, sizeof(guid) - 1);
    SHA1(in, klen + sizeof(guid) - 1, dig);
    b64_encode(dig, 20, acc);
    k = snprintf(resp, sizeof(resp),
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
                 acc);
    out_put(c, resp, (size_t)k);
    c->mode = M_WS;
    c->gen_on = c->kind == K_SOURCE;
    return 0;
}

/* Finds header |name| in the block [p, end); value trimmed. */
static const char *find_header(const char *p, const char *end, const char *name, size_t *vlen)
{
    size_t nlen = strlen(name);

    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);

        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
            const char *v = p + nlen + 1, *e = eol;

            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            *vlen = (size_t)(e - v);
            return v;
        }
        p = eol + 2;
    }
    return NULL;
}

static int http_request(struct conn *c)
{
    const char *b = (const char *)c->in + c->in_off, *end, *sp1, *sp2, *key, *eol;
    size_t avail = c->in_len - c->in_off, klen = 0;

    end = memmem(b, avail, "\r\n\r\n", 4);
    if (!end) {
        if (avail > REQ_MAX)
            http_reply(c, "431 Request Header Fields Too Large", "text/plain", "too large\n");
        return avail > REQ_MAX;
    }
    c->in_off += (size_t)(end + 4 - b);
    eol = memmem(b, (size_t)(end + 2 - b), "\r\n", 2);
    sp1 = memchr(b, ' ', (size_t)(eol - b));
    sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (!sp2 || sp1 - b != 3 || memcmp(b, "GET", 3) != 0) {
        http_reply(c, "400 Bad Request", "text/plain", "bad request\n");
        return 1;
    }
    key = find_header(eol + 2, end + 2, "Sec-WebSocket-Key", &klen);
    if (key && klen > 0 && klen <= 64) {
        if (ws_upgrade(c, key, klen, sp1 + 1, (size_t)(sp2 - sp1 - 1)) < 0)
            http_reply(c, "404 Not Found", "text/plain", "no such mode\n");
    } else if (sp2 - sp1 - 1 == 6 && memcmp(sp1 + 1, "/stats", 6) == 0) {
        http_stats(c);
    } else {
        http_reply(c, "404 Not Found", "text/plain", "not found\n");
    }
    return 1;
}

/* ---- RAW --------------------------------------------------------------- */

static int raw_command(struct conn *c)
{
    const char *b = (const char *)c->in + c->in_off;
    size_t avail = c->in_len - c->in_off;
    const char *nl = memchr(b, '\n', avail < 128 ? avail : 128);
    unsigned long long a = 0, s = 0;
    char line[128];

    if (!nl) {
        if (avail < 128)
            return 0;
        c->mode = M_DRAIN, c->shut_pending = 1;
        return 1;
    }
    memcpy(line, b, (size_t)(nl - b));
    line[nl - b] = '\0';
    c->in_off += (size_t)(nl + 1 - b);
    if (strncmp(line, "RAW ECHO", 8) == 0) {
        c->mode = M_RAW_ECHO;
    } else if (sscanf(line, "RAW SINK %llu", &a) == 1) {
        c->mode = M_RAW_SINK;
        c->total = a;
        c->count = 0;
    } else if (sscanf(line, "RAW SOURCE %llu %llu", &a, &s) == 2 && (!s || a <= UINT64_MAX / s)) {
        c->mode = M_RAW_SOURCE;
        c->gen_msgs = 1;
        c->gen_size = a * s;
        c->gen_frag = 0;
        c->gen_pos = 0;
        c->gen_on = 1;
    } else {
        c->mode = M_DRAIN, c->shut_pending = 1;
    }
    return 1;
}

static int raw_process(struct conn *c)
{
    size_t avail = c->in_len - c->in_off;

    if (c->mode == M_RAW_SOURCE)
        return c->gen_on ? gen_step(c) : (c->in_off = c->in_len, avail != 0);
    if (c->mode == M_RAW_ECHO) {
        /* Send straight from the input buffer; reading stops until it is out. */
        c->zc = c->in + c->in_off;
        c->zc_len = avail;
        c->in_off = c->in_len;
        return avail != 0;
    }
    /* M_RAW_SINK */
    if (avail > c->total - c->count)
        avail = (size_t)(c->total - c->count);
    c->count += avail;
    c->in_off += avail;
    if (c->count == c->total) {
        uint8_t le[8];
        int i;

        for (i = 0; i < 8; i++)
            le[i] = (uint8_t)(c->count >> (8 * i));
        out_put(c, le, 8);
        c->mode = M_DRAIN;
        c->shut_pending = 1;
        return 1;
    }
    return avail != 0;
}

int proto_process(struct conn *c)
{
    int did = 0, r;

    while (!conn_blocked(c)) {
        switch (c->mode) {
        case M_HTTP:
            if (c->in_len - c->in_off < 4)
                return did;
            if (memcmp(c->in + c->in_off, "RAW ", 4) == 0)
                c->mode = M_RAWCMD, r = 1;
            else
                r = http_request(c);
            break;
        case M_RAWCMD:
            r = raw_command(c);
            break;
        case M_WS:
            r = ws_process(c);
            break;
        case M_DRAIN:
            r = c->in_off != c->in_len;
            c->in_off = c->in_len;
            break;
        default:
            r = raw_process(c);
            break;
        }
        if (!r)
            return did;
        did = 1;
    }
    return did;
}
