/* http1_test_util.h - helpers for test_http1.c: guard-page placement and
 * split-invariance drivers for the response parser and the chunked decoder.
 *
 * Every input is parsed from a copy that ends exactly at a PROT_NONE page
 * (picohttpparser's guard-page trick), so a read one byte past the end
 * faults even without ASan. The response parser is run on the whole input
 * and on every prefix: a prefix must need more bytes or give exactly the
 * whole input's result. The chunked decoder is run whole, one byte at a
 * time, split once at every position, and in seeded random pieces.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>.
 */
#ifndef HTTP1_TEST_UTIL_H
#define HTTP1_TEST_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ws/http1.h"
#include "ws/ws_err.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define S(lit) lit, sizeof(lit) - 1

/* Compares WS_ERR_* values (or counts) and prints names on a mismatch. */
#define assert_err(got, want)                                                                      \
    do {                                                                                           \
        int got_ = (got), want_ = (want);                                                          \
        if (got_ != want_)                                                                         \
            fail_msg("%s:%d: got %s (%d), want %s (%d)", __FILE__, __LINE__, ws_err_name(got_),    \
                     got_, ws_err_name(want_), want_);                                             \
    } while (0)

/* ---- guard pages ------------------------------------------------------- */

struct guard {
    char *map, *p; /* p: the copy, ending at the guard page */
    size_t map_len;
};

static inline char *guard_copy(struct guard *g, const void *src, size_t n)
{
    size_t ps = (size_t)sysconf(_SC_PAGESIZE), pages = (n + ps - 1) / ps;

    g->map_len = (pages + 1) * ps;
    g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(g->map != MAP_FAILED);
    assert_int_equal(mprotect(g->map + pages * ps, ps, PROT_NONE), 0);
    g->p = g->map + pages * ps - n;
    if (n)
        memcpy(g->p, src, n);
    return g->p;
}

static inline void guard_free(struct guard *g)
{
    munmap(g->map, g->map_len);
}

/* ---- the response parser ----------------------------------------------- */

#define T_MAX_HEADERS 32

/* A parse result with slices turned into offsets, so results from copies of
 * the input at different addresses compare equal. */
struct parsed {
    int rc;
    int minor, status;
    size_t reason_off, reason_len, line_len, num_headers;
    size_t h[T_MAX_HEADERS][4]; /* name_off, name_len, value_off, value_len */
    struct http1_header hdr[T_MAX_HEADERS];
    struct http1_response resp; /* live until the caller's guard is freed */
};

static inline void parse_guarded(struct parsed *out, struct guard *g, const char *in, size_t len,
                                 size_t max_headers, size_t max_block)
{
    const char *buf = guard_copy(g, in, len);
    size_t i;

    memset(out, 0, sizeof(*out));
    assert_true(max_headers <= T_MAX_HEADERS);
    out->resp.headers = out->hdr;
    out->resp.max_headers = max_headers;
    out->resp.max_block_len = max_block;
    out->rc = http1_parse_response(buf, len, &out->resp);
    if (out->rc <= 0)
        return;
    assert_true((size_t)out->rc <= len);
    out->minor = out->resp.minor_version;
    out->status = out->resp.status;
    out->reason_off = (size_t)(out->resp.reason - buf);
    out->reason_len = out->resp.reason_len;
    assert_ptr_equal(out->resp.status_line, buf);
    out->line_len = out->resp.status_line_len;
    assert_true(out->reason_off + out->reason_len <= out->line_len);
    out->num_headers = out->resp.num_headers;
    for (i = 0; i < out->num_headers; i++) {
        const struct http1_header *h = &out->hdr[i];

        out->h[i][0] = (size_t)(h->name - buf);
        out->h[i][1] = h->name_len;
        out->h[i][2] = (size_t)(h->value - buf);
        out->h[i][3] = h->value_len;
        assert_true(h->name_len > 0);
        assert_true(out->h[i][2] + h->value_len <= (size_t)out->rc);
    }
}

static inline void parsed_assert_equal(const struct parsed *a, const struct parsed *b)
{
    assert_err(b->rc, a->rc);
    if (a->rc <= 0)
        return;
    assert_int_equal(b->minor, a->minor);
    assert_int_equal(b->status, a->status);
    assert_int_equal(b->reason_off, a->reason_off);
    assert_int_equal(b->reason_len, a->reason_len);
    assert_int_equal(b->line_len, a->line_len);
    assert_int_equal(b->num_headers, a->num_headers);
    assert_memory_equal(b->h, a->h, a->num_headers * sizeof(a->h[0]));
}

/* Parses |in| whole into *out (the caller frees *g after inspecting it),
 * then checks every prefix: WS_ERR_AGAIN, or the same result; a prefix that
 * holds the whole block gives the same result; and, when the whole input
 * is an error, only AGAIN or that error. */
static inline void parse_all_prefixes(struct parsed *out, struct guard *g, const char *in,
                                      size_t len, size_t max_headers, size_t max_block)
{
    struct parsed *p = malloc(sizeof(*p));
    struct guard pg;
    size_t k;

    assert_non_null(p);
    parse_guarded(out, g, in, len, max_headers, max_block);
    for (k = 0; k < len; k++) {
        parse_guarded(p, &pg, in, k, max_headers, max_block);
        if (out->rc > 0 && k >= (size_t)out->rc)
            parsed_assert_equal(out, p);
        else if (p->rc != WS_ERR_AGAIN)
            parsed_assert_equal(out, p);
        guard_free(&pg);
    }
    free(p);
}

/* Expects |in| (a string literal) to fail with |want| at full length and
 * never to give anything but AGAIN or |want| on a prefix. */
#define assert_parse_error(lit, want)                                                              \
    do {                                                                                           \
        struct parsed pr_;                                                                         \
        struct guard g_;                                                                           \
        parse_all_prefixes(&pr_, &g_, S(lit), T_MAX_HEADERS, 0);                                   \
        if (pr_.rc != (want))                                                                      \
            fail_msg("%s:%d: \"%s\": got %s, want %s", __FILE__, __LINE__, lit,                    \
                     ws_err_name(pr_.rc), ws_err_name(want));                                      \
        guard_free(&g_);                                                                           \
    } while (0)

/* ---- the chunked decoder ----------------------------------------------- */

struct dechunk {
    int rc;          /* WS_ERR_AGAIN, WS_ERR_HTTP_CHUNKED or the left-over count */
    char data[8192]; /* payload */
    size_t n;
    char rest[8192]; /* bytes after the body: left-over plus unfed input */
    size_t rest_n;
};

static inline uint32_t t_lcg(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

/* Feeds |in| in pieces: |cut| >= 0 splits once there; cut == -1: whole;
 * -2: one byte at a time; -3: random pieces of 0..17 bytes from |seed|.
 * Each piece is decoded in place in its own guarded copy. */
static inline void dechunk_run(struct dechunk *r, const char *in, size_t len, long cut,
                               uint32_t seed)
{
    struct http1_chunked d;
    size_t off = 0, piece, n;
    struct guard g;
    char *buf;
    int rc = WS_ERR_AGAIN, first = 1;

    memset(r, 0, sizeof(*r));
    http1_chunked_init(&d);
    do {
        if (cut >= 0)
            piece = first ? (size_t)cut : len - off;
        else if (cut == -1)
            piece = len - off;
        else if (cut == -2)
            piece = 1;
        else
            piece = t_lcg(&seed) % 18;
        piece = piece < len - off ? piece : len - off;
        buf = guard_copy(&g, in + off, piece);
        n = piece;
        rc = http1_chunked_decode(&d, buf, &n);
        assert_true(n <= piece);
        assert_true(r->n + n <= sizeof(r->data));
        memcpy(r->data + r->n, buf, n);
        r->n += n;
        if (rc >= 0) {
            assert_true(n + (size_t)rc <= piece);
            memcpy(r->rest, buf + n, (size_t)rc);
            r->rest_n = (size_t)rc;
        }
        guard_free(&g);
        off += piece;
        first = 0;
    } while (rc == WS_ERR_AGAIN && off < len);
    if (rc >= 0) {
        memcpy(r->rest + r->rest_n, in + off, len - off);
        r->rest_n += len - off;
        n = 0; /* done is sticky: nothing more is decoded */
        assert_err(http1_chunked_decode(&d, (char *)in, &n), 0);
    } else if (rc == WS_ERR_HTTP_CHUNKED) {
        n = 4;
        assert_err(http1_chunked_decode(&d, r->rest, &n), WS_ERR_HTTP_CHUNKED);
        assert_int_equal(n, 0);
    }
    r->rc = rc >= 0 ? 0 : rc; /* the left-over count depends on the split */
}

static inline void dechunk_assert_equal(const struct dechunk *a, const struct dechunk *b)
{
    assert_err(b->rc, a->rc);
    assert_int_equal(b->n, a->n);
    if (a->n)
        assert_memory_equal(b->data, a->data, a->n);
    assert_int_equal(b->rest_n, a->rest_n);
    if (a->rest_n)
        assert_memory_equal(b->rest, a->rest, a->rest_n);
}

/* Decodes |in| every way; all runs must agree with the whole-input run,
 * which must end with |want_rc| (0: body complete), |data| and |rest|. */
static inline void dechunk_all(const char *in, size_t len, int want_rc, const char *data,
                               size_t data_len, const char *rest, size_t rest_len)
{
    struct dechunk *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
    size_t k;
    uint32_t s;

    assert_non_null(a);
    assert_non_null(b);
    dechunk_run(a, in, len, -1, 0);
    assert_err(a->rc, want_rc);
    assert_int_equal(a->n, data_len);
    if (data_len)
        assert_memory_equal(a->data, data, data_len);
    if (want_rc == 0) {
        assert_int_equal(a->rest_n, rest_len);
        if (rest_len)
            assert_memory_equal(a->rest, rest, rest_len);
    }
    dechunk_run(b, in, len, -2, 0);
    dechunk_assert_equal(a, b);
    for (k = 0; k <= len; k++) {
        dechunk_run(b, in, len, (long)k, 0);
        dechunk_assert_equal(a, b);
    }
    for (s = 1; s <= 16; s++) {
        dechunk_run(b, in, len, -3, s * 2654435761u);
        dechunk_assert_equal(a, b);
    }
    free(a);
    free(b);
}

#endif /* HTTP1_TEST_UTIL_H */
