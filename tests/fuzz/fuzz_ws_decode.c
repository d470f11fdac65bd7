/* fuzz_ws_decode.c - libFuzzer harness for the frame decoder and ws_recv.
 *
 * Input layout: byte 0 picks the receive buffer size, byte 1 the seed and
 * piece size of the random split, byte 2 the max_msg_len bound; the rest is
 * what a server sends. The stream is decoded whole, one byte at a time and
 * in random pieces (and, for ws_recv, the way the Win32 layer reads payload
 * straight into the application's buffer), and every run must produce the
 * same events, bytes and end state. Along the way each call is checked
 * against its contract; any breach aborts, so libFuzzer reports it:
 *   consumed <= len; WS_EV_NONE / WS_RECV_NONE only once the input is used
 *   up; no endless run of calls that consume and deliver nothing; PAYLOAD
 *   slices lie inside the input at its front; payload delivered never
 *   exceeds input consumed; errors are peer errors with a close code and
 *   are sticky; after WS_RECV_CLOSE the receiver refuses with WS_ERR_STATE.
 * The seed corpus (corpus/ws_decode/) uses the same 3-byte prefix.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws/ws_err.h"
#include "ws/ws_frame.h"
#include "ws/ws_msg.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

enum mode { M_WHOLE, M_BYTE, M_SPLIT, M_IN_PLACE };

struct params {
    size_t cap;    /* ws_recv output size */
    uint32_t seed; /* M_SPLIT pieces */
    size_t max_piece;
    uint64_t max; /* max_msg_len */
};

/* One normalised record: a decoder event (adjacent PAYLOADs merged) or a
 * receiver outcome (message, control frame, close). */
struct rec {
    int what, err;
    uint8_t opcode, msg_opcode, fin;
    uint64_t frame_len;
    size_t off, n; /* into log.data (payload, messages) or log.ctl */
};

struct log {
    struct rec *rec;
    size_t nrec, rec_cap;
    uint8_t *data, *ctl;
    size_t ndata, nctl, bytes_cap;
    int rc, open, text;
    size_t msg_start, consumed;
};

static void log_init(struct log *g, size_t len)
{
    memset(g, 0, sizeof(*g));
    g->rec_cap = len + 8; /* every record but FRAME_END consumes input */
    g->bytes_cap = len + 1;
    g->rec = calloc(g->rec_cap, sizeof(*g->rec));
    g->data = malloc(g->bytes_cap);
    g->ctl = malloc(g->bytes_cap);
    CHECK(g->rec && g->data && g->ctl);
}

static void log_reset(struct log *g)
{
    memset(g->rec, 0, g->nrec * sizeof(*g->rec));
    g->nrec = g->ndata = g->nctl = g->msg_start = g->consumed = 0;
    g->rc = g->open = g->text = 0;
}

static void log_free(struct log *g)
{
    free(g->rec);
    free(g->data);
    free(g->ctl);
}

static struct rec *log_add(struct log *g, int what)
{
    struct rec *e;

    CHECK(g->nrec < g->rec_cap);
    e = &g->rec[g->nrec++];
    e->what = what;
    return e;
}

static size_t put(uint8_t *dst, size_t *have, size_t cap, const uint8_t *p, size_t n)
{
    size_t at = *have;

    CHECK(n <= cap - *have);
    if (n)
        memcpy(dst + at, p, n);
    *have += n;
    return at;
}

static void log_compare(const struct log *a, const struct log *b)
{
    CHECK(a->rc == b->rc && a->consumed == b->consumed);
    CHECK(a->nrec == b->nrec);
    CHECK(a->ndata == b->ndata && a->nctl == b->nctl);
    CHECK(a->open == b->open);
    CHECK(memcmp(a->rec, b->rec, a->nrec * sizeof(*a->rec)) == 0);
    CHECK(a->ndata == 0 || memcmp(a->data, b->data, a->ndata) == 0);
    CHECK(a->nctl == 0 || memcmp(a->ctl, b->ctl, a->nctl) == 0);
}

static size_t next_piece(const struct params *pp, enum mode m, uint32_t *s, size_t left)
{
    size_t n;

    if (m == M_WHOLE)
        return left;
    if (m == M_BYTE)
        n = 1;
    else {
        *s = *s * 1103515245u + 12345u;
        n = (*s >> 16) % (pp->max_piece + 1); /* empty pieces too */
    }
    return n < left ? n : left;
}

static void check_error(int rc)
{
    uint16_t code = ws_err_close_code(rc);

    CHECK(ws_err_is_peer(rc));
    CHECK(code == 1002 || code == 1007 || code == 1009);
}

/* ---- raw decoder ---------------------------------------------------------- */

static void dec_record(struct log *g, const struct ws_event *ev)
{
    struct rec *last = g->nrec ? &g->rec[g->nrec - 1] : NULL;
    struct rec *e;

    if (ev->kind == WS_EV_PAYLOAD && last && last->what == WS_EV_PAYLOAD) {
        put(g->data, &g->ndata, g->bytes_cap, ev->data, ev->n);
        last->n += ev->n;
        return;
    }
    e = log_add(g, (int)ev->kind);
    e->err = ev->err;
    if (ev->kind == WS_EV_PAYLOAD) {
        e->msg_opcode = ev->msg_opcode;
        e->n = ev->n;
        e->off = put(g->data, &g->ndata, g->bytes_cap, ev->data, ev->n);
    } else if (ev->kind == WS_EV_CONTROL) {
        CHECK(ev->n <= WS_MAX_CONTROL_PAYLOAD);
        e->opcode = ev->opcode;
        e->n = ev->n;
        e->off = put(g->ctl, &g->nctl, g->bytes_cap, ev->data, ev->n);
    } else {
        e->opcode = ev->opcode;
        e->msg_opcode = ev->msg_opcode;
        e->fin = ev->fin;
        e->frame_len = ev->kind == WS_EV_FRAME_START ? ev->frame_len : 0;
    }
}

/* Feeds one piece until the decoder wants more. Returns the error, if any. */
static int dec_piece(struct ws_decoder *d, struct log *g, const uint8_t *p, size_t len,
                     uint64_t max, uint64_t *msg_total)
{
    size_t off = 0, used, idle = 0;
    struct ws_event ev;
    int rc;

    for (;;) {
        rc = ws_decode(d, len ? p + off : p, len - off, &used, &ev);
        CHECK(used <= len - off);
        if (ev.kind == WS_EV_PAYLOAD)
            CHECK(ev.n > 0 && ev.n == used && ev.data == p + off);
        if (ev.kind == WS_EV_FRAME_START) {
            CHECK(ev.frame_len >> 63 == 0);
            *msg_total = (ev.opcode == WS_OP_CONT ? *msg_total : 0) + ev.frame_len;
            CHECK(max == 0 || *msg_total <= max);
        }
        off += used;
        g->consumed += used;
        if (rc < 0) {
            CHECK(ev.kind == WS_EV_ERROR && ev.err == rc);
            check_error(rc);
            CHECK(ws_decode(d, p, len, &used, &ev) == rc && used == 0);
            dec_record(g, &ev);
            return rc;
        }
        CHECK(ev.kind != WS_EV_ERROR);
        if (ev.kind == WS_EV_NONE) {
            CHECK(off == len);
            return 0;
        }
        idle = used ? 0 : idle + 1;
        CHECK(idle <= 1); /* only a FRAME_END consumes nothing */
        dec_record(g, &ev);
        CHECK(g->ndata <= g->consumed);
    }
}

static void dec_run(struct log *g, const struct params *pp, const uint8_t *in, size_t len,
                    enum mode m)
{
    struct ws_decoder d;
    uint32_t seed = pp->seed;
    uint64_t msg_total = 0;
    size_t off = 0, n;

    log_reset(g);
    ws_decoder_init(&d, pp->max);
    do {
        n = next_piece(pp, m, &seed, len - off);
        g->rc = dec_piece(&d, g, in + off, n, pp->max, &msg_total);
        off += n;
    } while (g->rc == 0 && off < len);
    g->open = ws_decoder_in_message(&d);
}

/* ---- ws_recv --------------------------------------------------------------- */

enum { R_MSG = 100, R_PARTIAL, R_PING, R_PONG, R_CLOSE };

static void recv_ctl(struct log *g, int what, const uint8_t *p, size_t n, uint16_t code)
{
    struct rec *e = log_add(g, what);

    CHECK(n <= WS_MAX_CONTROL_PAYLOAD);
    e->n = n;
    e->off = put(g->ctl, &g->nctl, g->bytes_cap, p, n);
    e->frame_len = code;
}

static void recv_msg_end(struct log *g, int what)
{
    struct rec *e = log_add(g, what);

    e->fin = (uint8_t)g->text;
    e->off = g->msg_start;
    e->n = g->ndata - g->msg_start;
    g->open = 0;
}

/* A pong answering a ping must encode; unmasking it gives the ping back. */
static void check_pong(const uint8_t *p, size_t n)
{
    static const uint8_t key[4] = {0x12, 0x34, 0x56, 0x78};
    uint8_t f[WS_MAX_CONTROL_PAYLOAD + 6];
    size_t w, i;

    CHECK(ws_encode_frame(f, sizeof(f), WS_OP_PONG, 1, p, n, key, &w) == WS_OK);
    CHECK(w == n + 6 && f[0] == 0x8a && (size_t)f[1] == (0x80 | n));
    for (i = 0; i < n; i++)
        CHECK((f[6 + i] ^ key[i % 4]) == p[i]);
}

static void recv_record(struct log *g, const struct ws_receiver *r, const uint8_t *out, size_t cap,
                        const struct ws_recv_result *res)
{
    int text = res->type == WS_BUF_UTF8_MESSAGE || res->type == WS_BUF_UTF8_FRAGMENT;
    int last = res->type == WS_BUF_UTF8_MESSAGE || res->type == WS_BUF_BINARY_MESSAGE;

    CHECK(res->n <= cap);
    if (res->n > 0 || res->kind == WS_RECV_DATA) {
        if (!g->open) {
            g->open = 1;
            g->text = text;
            g->msg_start = g->ndata;
        }
        CHECK(g->text == text && (res->type <= WS_BUF_UTF8_FRAGMENT));
        CHECK(res->kind == WS_RECV_DATA ? (last || res->n == cap) : !last);
        put(g->data, &g->ndata, g->bytes_cap, out, res->n);
        if (res->kind == WS_RECV_DATA && last)
            recv_msg_end(g, R_MSG);
    }
    if (res->kind == WS_RECV_PING || res->kind == WS_RECV_PONG) {
        CHECK(res->ctrl_len <= WS_MAX_CONTROL_PAYLOAD && (res->ctrl || !res->ctrl_len));
        if (res->kind == WS_RECV_PING)
            check_pong(res->ctrl, res->ctrl_len);
        recv_ctl(g, res->kind == WS_RECV_PING ? R_PING : R_PONG, res->ctrl, res->ctrl_len, 0);
    }
    if (res->kind == WS_RECV_CLOSE) {
        CHECK(r->closed && r->reason_len <= WS_MAX_CLOSE_REASON);
        CHECK(res->n > 0 || res->type == WS_BUF_CLOSE);
        CHECK(r->close_code == WS_CLOSE_EMPTY ? r->reason_len == 0
                                              : ws_close_code_is_valid(r->close_code));
        if (g->open)
            recv_msg_end(g, R_PARTIAL);
        recv_ctl(g, R_CLOSE, r->reason, r->reason_len, r->close_code);
    }
}

/* Chooses the next piece; M_IN_PLACE copies payload into |out| first. */
static const uint8_t *recv_piece(const struct params *pp, const struct ws_receiver *r, enum mode m,
                                 uint32_t *seed, const uint8_t *in, size_t left, uint8_t *out,
                                 size_t *piece)
{
    uint64_t pl = ws_receiver_payload_left(r);

    if (m == M_IN_PLACE && pl > 0) {
        *piece = left < pp->cap ? left : pp->cap;
        if (pl < *piece)
            *piece = (size_t)pl;
        if (*piece)
            memcpy(out, in, *piece);
        return out;
    }
    *piece = next_piece(pp, m == M_IN_PLACE ? M_SPLIT : m, seed, left);
    return in;
}

/* Feeds one piece. Returns 1 when the run is over (error or close). */
static int recv_feed(struct log *g, struct ws_receiver *r, const uint8_t *p, size_t piece,
                     uint8_t *out, size_t cap)
{
    struct ws_recv_result res;
    size_t poff = 0, used, idle = 0;
    int rc;

    do {
        rc = ws_recv(r, piece ? p + poff : p, piece - poff, &used, out, cap, &res);
        CHECK(used <= piece - poff);
        CHECK(p != out || poff > 0 || used == piece);
        poff += used;
        g->consumed += used;
        if (rc < 0) {
            check_error(rc);
            CHECK(ws_recv(r, p, piece, &used, out, cap, &res) == rc && used == 0);
            if (g->open)
                g->ndata = g->msg_start; /* the failing call reports nothing */
            g->open = 0;
            g->rc = rc;
            return 1;
        }
        CHECK(res.kind != WS_RECV_NONE || poff == piece);
        idle = used == 0 && res.n == 0 ? idle + 1 : 0;
        CHECK(idle <= 2);
        recv_record(g, r, out, cap, &res);
        CHECK(g->ndata <= g->consumed);
        if (res.kind == WS_RECV_CLOSE) {
            CHECK(ws_recv(r, p, piece, &used, out, cap, &res) == WS_ERR_STATE && used == 0);
            return 1;
        }
    } while (res.kind != WS_RECV_NONE);
    return 0;
}

static void recv_run(struct log *g, const struct params *pp, const uint8_t *in, size_t len,
                     enum mode m, uint8_t *out)
{
    struct ws_receiver r;
    uint32_t seed = pp->seed;
    size_t off = 0, piece;
    const uint8_t *p;

    log_reset(g);
    ws_receiver_init(&r, pp->max);
    do {
        p = recv_piece(pp, &r, m, &seed, in + off, len - off, out, &piece);
        if (recv_feed(g, &r, p, piece, out, pp->cap))
            break;
        off += piece;
    } while (off < len);
    /* consumed depends on where a run stopped, not only on the stream. */
    g->consumed = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct params pp;
    struct log a, b;
    const uint8_t *in;
    uint8_t *out;
    size_t len;
    int m;

    if (size < 3)
        return 0;
    pp.cap = (data[0] & 0x80) ? (size_t)1 << (data[0] & 0x0f) : (size_t)data[0] + 1;
    pp.seed = data[1] * 2654435761u + 1;
    pp.max_piece = 1 + (data[1] & 0x3f);
    pp.max = data[2] == 0 ? 0 : (data[2] & 0x80) ? (uint64_t)(data[2] & 0x7f) << 10 : data[2];
    in = data + 3;
    len = size - 3;
    out = malloc(pp.cap);
    CHECK(out != NULL);
    log_init(&a, len);
    log_init(&b, len);

    dec_run(&a, &pp, in, len, M_WHOLE);
    for (m = M_BYTE; m <= M_SPLIT; m++) {
        dec_run(&b, &pp, in, len, (enum mode)m);
        log_compare(&a, &b);
    }
    recv_run(&a, &pp, in, len, M_WHOLE, out);
    for (m = M_BYTE; m <= M_IN_PLACE; m++) {
        recv_run(&b, &pp, in, len, (enum mode)m, out);
        log_compare(&a, &b);
    }

    log_free(&a);
    log_free(&b);
    free(out);
    return 0;
}
