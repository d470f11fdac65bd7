/* ws_test_util.h - helpers shared by the frame and message tests.
 *
 * The heart is split-invariance: a stream is fed to a fresh decoder (or
 * receiver) whole, one byte at a time, and in pseudo-random pieces from a
 * fixed seed, and what comes out is recorded in a normalised form (adjacent
 * payload slices merged, since only their bytes are meaningful) so the runs
 * can be compared record by record. Every feeding loop also checks the
 * per-call contract (consumed <= len, NONE only when the input is used up,
 * payload slices inside the input, sticky errors).
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>.
 */
#ifndef WS_TEST_UTIL_H
#define WS_TEST_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws/ws_err.h"
#include "ws/ws_frame.h"
#include "ws/ws_msg.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Compares WS_ERR_* values and prints their names on a mismatch. */
#define assert_err(got, want)                                                                      \
    do {                                                                                           \
        int got_ = (got), want_ = (want);                                                          \
        if (got_ != want_)                                                                         \
            fail_msg("%s:%d: got %s (%d), want %s (%d)", __FILE__, __LINE__, ws_err_name(got_),    \
                     got_, ws_err_name(want_), want_);                                             \
    } while (0)

/* ---- deterministic pseudo-random splits -------------------------------- */

/* Feeding modes: whole input, one byte per call, seeded random pieces
 * (pieces of 0..24 bytes, empty pieces included on purpose). */
enum feed_mode { FEED_WHOLE, FEED_BYTE, FEED_RANDOM };

static inline uint32_t lcg_next(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

static inline size_t next_piece(enum feed_mode mode, uint32_t *seed, size_t left)
{
    size_t n;

    if (mode == FEED_WHOLE)
        return left;
    n = mode == FEED_BYTE ? 1 : lcg_next(seed) % 25;
    return n < left ? n : left;
}

/* ---- frame writing for tests (server frames: unmasked) ----------------- */

/* Writes a server frame header with the minimal length encoding; returns
 * its size (2, 4 or 10). */
static inline size_t put_header(uint8_t *p, uint8_t b0, uint64_t len)
{
    size_t i = 2;
    int s;

    p[0] = b0;
    if (len <= 125) {
        p[1] = (uint8_t)len;
    } else if (len <= 0xffff) {
        p[1] = 126;
        p[i++] = (uint8_t)(len >> 8);
        p[i++] = (uint8_t)len;
    } else {
        p[1] = 127;
        for (s = 56; s >= 0; s -= 8)
            p[i++] = (uint8_t)(len >> s);
    }
    return i;
}

/* Appends a whole unmasked frame to buf at *at. */
static inline void put_frame(uint8_t *buf, size_t *at, uint8_t b0, const void *payload, size_t len)
{
    *at += put_header(buf + *at, b0, len);
    if (len)
        memcpy(buf + *at, payload, len);
    *at += len;
}

/* ---- decoder traces ----------------------------------------------------- */

#define TRACE_MAX_EV 256

struct ev_rec {
    enum ws_event_kind kind;
    uint8_t opcode, msg_opcode, fin;
    uint64_t frame_len;
    size_t off, n; /* PAYLOAD, CONTROL: bytes in trace.bytes */
    int err;
};

struct trace {
    struct ev_rec ev[TRACE_MAX_EV];
    size_t nev;
    uint8_t *bytes; /* payload and control bytes, in stream order */
    size_t nbytes, bytes_cap;
    int rc;          /* WS_OK, or the error the run ended with */
    size_t consumed; /* total input bytes consumed */
    int in_message;  /* decoder state after the last byte */
};

static inline void trace_init(struct trace *t, size_t bytes_cap)
{
    memset(t, 0, sizeof(*t));
    t->bytes_cap = bytes_cap;
    t->bytes = malloc(bytes_cap ? bytes_cap : 1);
    assert_non_null(t->bytes);
}

static inline void trace_free(struct trace *t)
{
    free(t->bytes);
    t->bytes = NULL;
}

static inline void trace_add(struct trace *t, const struct ws_event *ev)
{
    struct ev_rec *last = t->nev ? &t->ev[t->nev - 1] : NULL;
    struct ev_rec *e;

    if (ev->kind == WS_EV_PAYLOAD || ev->kind == WS_EV_CONTROL) {
        assert_true(ev->n <= t->bytes_cap - t->nbytes);
        memcpy(t->bytes + t->nbytes, ev->data, ev->n);
    }
    if (ev->kind == WS_EV_PAYLOAD && last && last->kind == WS_EV_PAYLOAD) {
        last->n += ev->n;
        t->nbytes += ev->n;
        return;
    }
    assert_true(t->nev < TRACE_MAX_EV);
    e = &t->ev[t->nev++];
    memset(e, 0, sizeof(*e));
    e->kind = ev->kind;
    e->err = ev->err;
    if (ev->kind == WS_EV_PAYLOAD || ev->kind == WS_EV_CONTROL) {
        e->off = t->nbytes;
        e->n = ev->n;
        t->nbytes += ev->n;
    }
    if (ev->kind != WS_EV_PAYLOAD) {
        e->opcode = ev->opcode;
        e->fin = ev->fin;
    }
    if (ev->kind == WS_EV_FRAME_START || ev->kind == WS_EV_FRAME_END || ev->kind == WS_EV_PAYLOAD)
        e->msg_opcode = ev->msg_opcode;
    if (ev->kind == WS_EV_FRAME_START)
        e->frame_len = ev->frame_len;
}

/* Feeds one piece until the decoder wants more input. Returns 0, or the
 * error the decoder failed with (after checking that it is sticky). */
static inline int trace_piece(struct ws_decoder *d, struct trace *t, const uint8_t *p, size_t len)
{
    size_t off = 0, used;
    struct ws_event ev;
    int rc;

    for (;;) {
        rc = ws_decode(d, len ? p + off : p, len - off, &used, &ev);
        assert_true(used <= len - off);
        if (ev.kind == WS_EV_PAYLOAD) {
            assert_ptr_equal(ev.data, p + off); /* zero copy, from the front */
            assert_int_equal(ev.n, used);
            assert_true(ev.n > 0);
        }
        off += used;
        t->consumed += used;
        if (rc < 0) {
            assert_int_equal(ev.kind, WS_EV_ERROR);
            assert_err(ev.err, rc);
            trace_add(t, &ev);
            t->rc = rc;
            /* Sticky: same error, nothing consumed. */
            assert_err(ws_decode(d, p, len, &used, &ev), rc);
            assert_int_equal(used, 0);
            assert_int_equal(ev.kind, WS_EV_ERROR);
            return rc;
        }
        if (ev.kind == WS_EV_NONE) {
            assert_int_equal(off, len);
            return 0;
        }
        trace_add(t, &ev);
    }
}

/* Decodes |in| with a fresh decoder in the given mode into |t|
 * (trace_init'ed by the caller). */
static inline void trace_run(struct trace *t, const uint8_t *in, size_t len, uint64_t max,
                             enum feed_mode mode, uint32_t seed)
{
    struct ws_decoder d;
    size_t off = 0, n;

    ws_decoder_init(&d, max);
    do {
        n = next_piece(mode, &seed, len - off);
        if (trace_piece(&d, t, in + off, n) < 0)
            break;
        off += n;
    } while (off < len);
    t->in_message = ws_decoder_in_message(&d);
}

static inline void trace_assert_equal(const struct trace *a, const struct trace *b)
{
    size_t i;

    assert_err(b->rc, a->rc);
    assert_int_equal(b->nev, a->nev);
    assert_int_equal(b->consumed, a->consumed);
    assert_int_equal(b->in_message, a->in_message);
    assert_int_equal(b->nbytes, a->nbytes);
    if (a->nbytes)
        assert_memory_equal(b->bytes, a->bytes, a->nbytes);
    for (i = 0; i < a->nev; i++)
        assert_memory_equal(&b->ev[i], &a->ev[i], sizeof(a->ev[i]));
}

/* Decodes |in| whole into |t| (which the caller inspects and frees), then
 * one byte at a time and in 8 seeded random splits, asserting identical
 * traces every time. */
static inline void decode_all_splits(struct trace *t, const uint8_t *in, size_t len, uint64_t max)
{
    struct trace *u = malloc(sizeof(*u));
    uint32_t seed;

    assert_non_null(u);
    trace_init(t, len);
    trace_run(t, in, len, max, FEED_WHOLE, 0);
    trace_init(u, len);
    trace_run(u, in, len, max, FEED_BYTE, 0);
    trace_assert_equal(t, u);
    for (seed = 1; seed <= 8; seed++) {
        u->nev = u->nbytes = u->consumed = 0;
        u->rc = 0;
        trace_run(u, in, len, max, FEED_RANDOM, seed * 2654435761u);
        trace_assert_equal(t, u);
    }
    trace_free(u);
    free(u);
}

/* Asserts the record at |i| (kinds and the fields meaningful for them). */
static inline void assert_ev(const struct trace *t, size_t i, enum ws_event_kind kind,
                             unsigned opcode, unsigned msg_opcode, int fin, uint64_t frame_len)
{
    const struct ev_rec *e;

    assert_true(i < t->nev);
    e = &t->ev[i];
    assert_int_equal(e->kind, kind);
    assert_int_equal(e->opcode, opcode);
    assert_int_equal(e->msg_opcode, msg_opcode);
    assert_int_equal(e->fin, fin);
    assert_int_equal(e->frame_len, frame_len);
}

/* Asserts a PAYLOAD or CONTROL record's bytes. */
static inline void assert_ev_bytes(const struct trace *t, size_t i, const void *p, size_t n)
{
    assert_true(i < t->nev);
    assert_int_equal(t->ev[i].n, n);
    if (n)
        assert_memory_equal(t->bytes + t->ev[i].off, p, n);
}

/* A fourth feed mode, for the receiver only: payload is copied into the
 * output buffer first and received in place, as the Win32 layer does. */
#define FEED_IN_PLACE 3

/* ---- receiver stream logs (test_ws_msg.c) ----------------------------- */

enum rx_what { RX_MSG, RX_PARTIAL, RX_PING, RX_PONG, RX_CLOSE };

struct rx_rec {
    enum rx_what what;
    int text;                            /* RX_MSG, RX_PARTIAL */
    size_t off, n;                       /* RX_MSG, RX_PARTIAL: its bytes in log.bytes */
    uint16_t code;                       /* RX_CLOSE */
    uint8_t ctl[WS_MAX_CONTROL_PAYLOAD]; /* ping/pong payload, close reason: kept
                                            here so message bytes stay contiguous */
    size_t ctl_len;
};

struct rx_log {
    struct rx_rec rec[64];
    size_t nrec;
    uint8_t bytes[1 << 16];
    size_t nbytes;
    int open, text; /* a message is being assembled from msg_start */
    size_t msg_start;
    int rc;
};

static inline void log_msg(struct rx_log *g, enum rx_what what)
{
    struct rx_rec *e;

    assert_true(g->nrec < ARRAY_LEN(g->rec));
    e = &g->rec[g->nrec++];
    memset(e, 0, sizeof(*e));
    e->what = what;
    e->text = g->text;
    e->off = g->msg_start;
    e->n = g->nbytes - g->msg_start;
    g->open = 0;
}

static inline void log_ctl(struct rx_log *g, enum rx_what what, const uint8_t *p, size_t n,
                           uint16_t code)
{
    struct rx_rec *e;

    assert_true(g->nrec < ARRAY_LEN(g->rec));
    assert_true(n <= sizeof(e->ctl));
    e = &g->rec[g->nrec++];
    memset(e, 0, sizeof(*e));
    e->what = what;
    if (n)
        memcpy(e->ctl, p, n);
    e->ctl_len = n;
    e->code = code;
}

static inline void log_bytes(struct rx_log *g, const uint8_t *p, size_t n)
{
    assert_true(n <= sizeof(g->bytes) - g->nbytes);
    if (n)
        memcpy(g->bytes + g->nbytes, p, n);
    g->nbytes += n;
}

static inline void log_result(struct rx_log *g, const struct ws_receiver *r, const uint8_t *out,
                              size_t cap, const struct ws_recv_result *res)
{
    int text = res->type == WS_BUF_UTF8_MESSAGE || res->type == WS_BUF_UTF8_FRAGMENT;
    int data = res->n > 0 || res->kind == WS_RECV_DATA;

    if (data && !g->open) {
        g->open = 1;
        g->text = text;
        g->msg_start = g->nbytes;
    }
    if (data) {
        assert_int_equal(g->text, text); /* one message, one type */
        log_bytes(g, out, res->n);
    }
    if (res->kind == WS_RECV_DATA &&
        (res->type == WS_BUF_BINARY_MESSAGE || res->type == WS_BUF_UTF8_MESSAGE))
        log_msg(g, RX_MSG);
    else if (res->kind == WS_RECV_DATA)
        assert_int_equal(res->n, cap); /* a FRAGMENT only when the output is full */
    if (res->kind == WS_RECV_PING || res->kind == WS_RECV_PONG)
        log_ctl(g, res->kind == WS_RECV_PING ? RX_PING : RX_PONG, res->ctrl, res->ctrl_len, 0);
    if (res->kind == WS_RECV_CLOSE) {
        if (g->open)
            log_msg(g, RX_PARTIAL);
        log_ctl(g, RX_CLOSE, r->reason, r->reason_len, r->close_code);
    }
}

/* Picks the next piece; in FEED_IN_PLACE mode, payload goes into |out|
 * first, as the Win32 layer reads it straight into the app's buffer. */
static inline const uint8_t *rx_piece(const struct ws_receiver *r, int mode, uint32_t *seed,
                                      const uint8_t *in, size_t left, uint8_t *out, size_t cap,
                                      size_t *piece)
{
    uint64_t pl = ws_receiver_payload_left(r);

    if (mode == FEED_IN_PLACE && pl > 0) {
        *piece = left < cap ? left : cap;
        if (pl < *piece)
            *piece = (size_t)pl;
        memcpy(out, in, *piece);
        return out;
    }
    *piece = next_piece(mode == FEED_IN_PLACE ? FEED_RANDOM : (enum feed_mode)mode, seed, left);
    return in;
}

static inline void recv_run(struct rx_log *g, const uint8_t *in, size_t len, size_t cap,
                            uint64_t max, int mode, uint32_t seed)
{
    struct ws_receiver r;
    struct ws_recv_result res;
    uint8_t *out = malloc(cap);
    size_t off = 0, piece, poff, used, idle;
    const uint8_t *p;
    int rc;

    assert_non_null(out);
    memset(g, 0, sizeof(*g));
    ws_receiver_init(&r, max);
    do {
        p = rx_piece(&r, mode, &seed, in + off, len - off, out, cap, &piece);
        poff = idle = 0;
        do {
            rc = ws_recv(&r, p + poff, piece - poff, &used, out, cap, &res);
            assert_true(used <= piece - poff);
            if (p == out && poff == 0) /* in place: one call takes the whole piece */
                assert_int_equal(used, piece);
            poff += used;
            if (rc < 0) {
                assert_true(ws_err_is_peer(rc));
                assert_err(ws_recv(&r, in, len, &used, out, cap, &res), rc); /* sticky */
                if (g->open)
                    g->nbytes = g->msg_start; /* the failing call reports nothing */
                g->open = 0;
                g->rc = rc;
                goto done;
            }
            assert_true(res.n <= cap);
            idle = used == 0 && res.n == 0 ? idle + 1 : 0;
            assert_true(idle < 3);
            log_result(g, &r, out, cap, &res);
            if (res.kind == WS_RECV_CLOSE) {
                assert_err(ws_recv(&r, in, len, &used, out, cap, &res), WS_ERR_STATE);
                goto done;
            }
        } while (res.kind != WS_RECV_NONE);
        assert_int_equal(poff, piece);
        off += piece;
    } while (off < len);
done:
    free(out);
}

static inline void log_assert_equal(const struct rx_log *a, const struct rx_log *b)
{
    assert_err(b->rc, a->rc);
    assert_int_equal(b->nrec, a->nrec);
    assert_memory_equal(b->rec, a->rec, a->nrec * sizeof(a->rec[0]));
    assert_int_equal(b->nbytes, a->nbytes);
    assert_memory_equal(b->bytes, a->bytes, a->nbytes);
    assert_int_equal(b->open, a->open);
}

/* Runs |in| whole into |g|, then every other way, asserting equal logs. */
static inline void recv_all_splits(struct rx_log *g, const uint8_t *in, size_t len, size_t cap,
                                   uint64_t max)
{
    struct rx_log *u = malloc(sizeof(*u));
    uint32_t seed;

    assert_non_null(u);
    recv_run(g, in, len, cap, max, FEED_WHOLE, 0);
    recv_run(u, in, len, cap, max, FEED_BYTE, 0);
    log_assert_equal(g, u);
    for (seed = 1; seed <= 6; seed++) {
        recv_run(u, in, len, cap, max, FEED_RANDOM, seed * 40503u);
        log_assert_equal(g, u);
        recv_run(u, in, len, cap, max, FEED_IN_PLACE, seed * 977u);
        log_assert_equal(g, u);
    }
    free(u);
}

/* Asserts record |i|: a message's type and bytes, or a control payload. */
static inline void assert_rec(const struct rx_log *g, size_t i, enum rx_what what, int text,
                              const void *p, size_t n)
{
    const struct rx_rec *e;

    assert_true(i < g->nrec);
    e = &g->rec[i];
    assert_int_equal(e->what, what);
    assert_int_equal(e->text, text);
    if (what == RX_MSG || what == RX_PARTIAL) {
        assert_int_equal(e->n, n);
        if (n)
            assert_memory_equal(g->bytes + e->off, p, n);
    } else {
        assert_int_equal(e->ctl_len, n);
        if (n)
            assert_memory_equal(e->ctl, p, n);
    }
}

#endif /* WS_TEST_UTIL_H */
