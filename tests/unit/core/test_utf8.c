/* test_utf8.c - incremental fail-fast UTF-8 validation (utf8.h).
 *
 * Every stream is checked through both engines (utf8_feed, which uses SSE2
 * where the build has it, and utf8_feed_portable), whole, one byte at a
 * time, split at every position and in seeded random pieces: the piece that
 * first fails must be the one holding the first bad byte, and
 * utf8_is_complete must agree at every piece boundary. Expected results
 * come from hand-written vectors and from ref_check(), a transcription of
 * RFC 3629 §4's ABNF that is itself checked against the vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws/utf8.h"
#include "ws/ws_err.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NO_FAIL (-1L)

typedef int (*feed_fn)(struct utf8_state *s, const uint8_t *p, size_t len);

static const struct {
    const char *name;
    feed_fn feed;
} k_engines[] = {
    {"utf8_feed", utf8_feed},
    {"utf8_feed_portable", utf8_feed_portable},
};

/* ---- the reference ------------------------------------------------------ */

/* RFC 3629 §4, one code point at a time:
 *   UTF8-2 = %xC2-DF UTF8-tail
 *   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
 *            %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
 *   UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
 *            %xF4 %x80-8F 2( UTF8-tail )
 * Returns the index of the first byte no valid text can have there, or
 * NO_FAIL; *complete says whether p ends on a code point boundary. If
 * |bound| is not NULL, bound[k] (k = 0..n) is set to 1 where a code point
 * starts (or p ends after a whole one) before the first bad byte, else 0. */
static long ref_check_ex(const uint8_t *p, size_t n, int *complete, uint8_t *bound)
{
    size_t i = 0, k, len;
    uint8_t b, lo, hi;

    if (bound)
        memset(bound, 0, n + 1);
    while (i < n) {
        if (bound)
            bound[i] = 1;
        b = p[i];
        lo = 0x80;
        hi = 0xBF;
        if (b <= 0x7F) {
            i++;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
        } else if (b == 0xE0) {
            len = 3;
            lo = 0xA0;
        } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
            len = 3;
        } else if (b == 0xED) {
            len = 3;
            hi = 0x9F;
        } else if (b == 0xF0) {
            len = 4;
            lo = 0x90;
        } else if (b >= 0xF1 && b <= 0xF3) {
            len = 4;
        } else if (b == 0xF4) {
            len = 4;
            hi = 0x8F;
        } else {
            *complete = 0;
            return (long)i;
        }
        for (k = 1; k < len; k++) {
            if (i + k == n) {
                *complete = 0;
                return NO_FAIL;
            }
            if (p[i + k] < (k == 1 ? lo : 0x80) || p[i + k] > (k == 1 ? hi : 0xBF)) {
                *complete = 0;
                return (long)(i + k);
            }
        }
        i += len;
    }
    if (bound)
        bound[n] = 1;
    *complete = 1;
    return NO_FAIL;
}

static long ref_check(const uint8_t *p, size_t n, int *complete)
{
    return ref_check_ex(p, n, complete, NULL);
}

/* ---- the stream checker -------------------------------------------------- */

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

/* Feeds p in pieces ending at cuts[0..ncuts) (the last one must be n) and
 * asserts each piece's verdict against |fail| and each boundary's
 * completeness against the reference. */
static void feed_pieces(feed_fn feed, const char *what, const uint8_t *p, size_t n,
                        const size_t *cuts, size_t ncuts, long fail, const uint8_t *bound)
{
    struct utf8_state s;
    size_t at = 0, c;
    int want;

    utf8_init(&s);
    for (c = 0; c < ncuts; c++) {
        int rc = feed(&s, p + at, cuts[c] - at);

        want = fail != NO_FAIL && (size_t)fail < cuts[c] ? WS_ERR_UTF8 : WS_OK;
        if (rc != want)
            fail_msg("%s: piece [%zu, %zu) of %zu: got %d, want %d (first bad byte %ld)", what, at,
                     cuts[c], n, rc, want, fail);
        if (rc == WS_OK) {
            if (utf8_is_complete(&s) != bound[cuts[c]])
                fail_msg("%s: is_complete after %zu bytes: got %d, want %d", what, cuts[c],
                         utf8_is_complete(&s), bound[cuts[c]]);
        } else {
            /* sticky: also for valid input and empty pieces */
            assert_int_equal(feed(&s, (const uint8_t *)"a", 1), WS_ERR_UTF8);
            assert_int_equal(feed(&s, NULL, 0), WS_ERR_UTF8);
            assert_false(utf8_is_complete(&s));
            return;
        }
        at = cuts[c];
    }
}

/* Checks p through both engines in every feeding pattern, expecting the
 * first bad byte at |fail| (NO_FAIL: none) and |complete| at the end.
 * |all_splits| adds every 2-piece split (quadratic; for short inputs). */
static void check_stream_ex(const uint8_t *p, size_t n, long fail, int complete, int all_splits)
{
    size_t cap = 4 * n + 8, *cuts = malloc(cap * sizeof(*cuts));
    uint8_t *bound = malloc(n + 1);
    size_t e, k, nc, at;
    uint32_t seed;
    int want_valid = fail == NO_FAIL && complete, ref_complete;

    assert_non_null(cuts);
    assert_non_null(bound);
    /* callers pass expectations of their own; the boundaries come from the
     * reference, which must agree with them */
    assert_int_equal(ref_check_ex(p, n, &ref_complete, bound), fail);
    assert_int_equal(ref_complete, complete);
    assert_int_equal(utf8_validate(p, n), want_valid ? WS_OK : WS_ERR_UTF8);
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        feed_fn feed = k_engines[e].feed;
        const char *what = k_engines[e].name;
        struct utf8_state s;

        /* whole */
        utf8_init(&s);
        assert_int_equal(feed(&s, p, n), fail == NO_FAIL ? WS_OK : WS_ERR_UTF8);
        assert_int_equal(utf8_is_complete(&s), fail == NO_FAIL && complete);
        /* one byte at a time */
        for (k = 0; k < n; k++)
            cuts[k] = k + 1;
        feed_pieces(feed, what, p, n, cuts, n, fail, bound);
        /* every split into two */
        for (k = 0; all_splits && k <= n; k++) {
            cuts[0] = k;
            cuts[1] = n;
            feed_pieces(feed, what, p, n, cuts, 2, fail, bound);
        }
        /* seeded random pieces, empty ones included, some long */
        for (seed = 1; seed <= 6; seed++) {
            uint32_t r = seed * 2654435761u;

            for (nc = 0, at = 0; at < n; nc++) {
                size_t step = lcg(&r) % 8 == 0 ? lcg(&r) % 200 : lcg(&r) % 20;

                at = step < n - at && nc + 1 < cap ? at + step : n;
                cuts[nc] = at;
            }
            if (nc == 0)
                cuts[nc++] = n;
            feed_pieces(feed, what, p, n, cuts, nc, fail, bound);
        }
    }
    free(bound);
    free(cuts);
}

static void check_stream(const uint8_t *p, size_t n, long fail, int complete)
{
    check_stream_ex(p, n, fail, complete, n <= 128);
}

/* Checks p against the reference. */
static void check_ref(const uint8_t *p, size_t n)
{
    int complete;
    long fail = ref_check(p, n, &complete);

    check_stream(p, n, fail, complete);
}

/* The cheap checks, for the big loops: whole input through both engines,
 * and, if it fails, split just before and just after the first bad byte. */
static void fast_ref(const uint8_t *p, size_t n)
{
    int complete, head_complete;
    long fail = ref_check(p, n, &complete);
    struct utf8_state s;
    size_t e, f;

    assert_int_equal(utf8_validate(p, n), fail == NO_FAIL && complete ? WS_OK : WS_ERR_UTF8);
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        feed_fn feed = k_engines[e].feed;

        utf8_init(&s);
        assert_int_equal(feed(&s, p, n), fail == NO_FAIL ? WS_OK : WS_ERR_UTF8);
        assert_int_equal(utf8_is_complete(&s), fail == NO_FAIL && complete);
        if (fail == NO_FAIL)
            continue;
        f = (size_t)fail;
        ref_check(p, f, &head_complete);
        utf8_init(&s);
        assert_int_equal(feed(&s, p, f), WS_OK);
        assert_int_equal(utf8_is_complete(&s), head_complete);
        assert_int_equal(feed(&s, p + f, n - f), WS_ERR_UTF8);
        utf8_init(&s);
        assert_int_equal(feed(&s, p, f + 1), WS_ERR_UTF8);
    }
}

/* Short input: fast_ref, then one byte at a time through both engines. */
static void bytewise_ref(const uint8_t *p, size_t n)
{
    int complete;
    long fail = ref_check(p, n, &complete);
    struct utf8_state s;
    size_t e, k;

    fast_ref(p, n);
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        utf8_init(&s);
        for (k = 0; k < n; k++)
            if (k_engines[e].feed(&s, p + k, 1) != WS_OK)
                break;
        assert_int_equal(k == n ? NO_FAIL : (long)k, fail);
    }
}

/* Textbook encoder, any value up to 0x1FFFFF, in |len| bytes (1..4), so it
 * also writes surrogates and overlong forms. */
static size_t encode(uint32_t cp, size_t len, uint8_t *out)
{
    static const uint8_t lead[] = {0, 0x00, 0xC0, 0xE0, 0xF0};
    size_t k;

    for (k = len - 1; k > 0; k--) {
        out[k] = (uint8_t)(0x80 | (cp & 0x3F));
        cp >>= 6;
    }
    out[0] = (uint8_t)(lead[len] | cp);
    return len;
}

static size_t min_len(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* ---- tests ------------------------------------------------------------- */

static void test_empty(void **state)
{
    struct utf8_state s;
    size_t e;

    (void)state;
    assert_int_equal(utf8_validate(NULL, 0), WS_OK);
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        memset(&s, 0, sizeof(s)); /* zero-initialised is initialised */
        assert_int_equal(k_engines[e].feed(&s, NULL, 0), WS_OK);
        assert_true(utf8_is_complete(&s));
    }
}

/* The first and last code point of each length, and around the
 * surrogates. */
static void test_boundaries(void **state)
{
    static const struct {
        uint32_t cp;
        const char *bytes;
    } k_cases[] = {
        {0x0000, "\x00"},
        {0x007F, "\x7F"},
        {0x0080, "\xC2\x80"},
        {0x07FF, "\xDF\xBF"},
        {0x0800, "\xE0\xA0\x80"},
        {0xD7FF, "\xED\x9F\xBF"},
        {0xE000, "\xEE\x80\x80"},
        {0xFFFD, "\xEF\xBF\xBD"},
        {0xFFFF, "\xEF\xBF\xBF"},
        {0x10000, "\xF0\x90\x80\x80"},
        {0xFFFFF, "\xF3\xBF\xBF\xBF"},
        {0x100000, "\xF4\x80\x80\x80"},
        {0x10FFFF, "\xF4\x8F\xBF\xBF"},
    };
    uint8_t buf[64], enc[4];
    size_t i, n, k, pad;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_cases); i++) {
        n = min_len(k_cases[i].cp);
        /* the vectors agree with the encoder */
        encode(k_cases[i].cp, n, enc);
        assert_memory_equal(enc, k_cases[i].bytes, n);
        check_stream((const uint8_t *)k_cases[i].bytes, n, NO_FAIL, 1);
        /* every proper prefix is fine so far, but not a whole message */
        for (k = 1; k < n; k++)
            check_stream((const uint8_t *)k_cases[i].bytes, k, NO_FAIL, 0);
        /* inside ASCII, at every offset, long enough for the fast paths */
        for (pad = 0; pad + n + 20 <= sizeof(buf); pad++) {
            memset(buf, 'x', sizeof(buf));
            memcpy(buf + pad, k_cases[i].bytes, n);
            check_stream(buf, pad + n + 20, NO_FAIL, 1);
            check_stream(buf, pad + n - 1, NO_FAIL, n == 1);
        }
    }
}

/* Hand-written invalid input with the index of the first bad byte. */
static const struct bad_case {
    const char *bytes;
    size_t n;
    long fail;
} k_bad[] = {
    /* bytes that never appear */
    {"\xC0\x80", 2, 0}, /* overlong U+0000 */
    {"\xC1\xBF", 2, 0}, /* overlong U+007F */
    {"\xF5\x80\x80\x80", 4, 0},
    {"\xF7\xBF\xBF\xBF", 4, 0},
    {"\xF8\x88\x80\x80\x80", 5, 0}, /* old 5-byte form */
    {"\xFC\x84\x80\x80\x80\x80", 6, 0},
    {"\xFE", 1, 0},
    {"\xFF", 1, 0},
    {"ab\xFF", 3, 2},
    /* overlong 3- and 4-byte forms */
    {"\xE0\x80\x80", 3, 1},
    {"\xE0\x9F\xBF", 3, 1}, /* U+07FF in 3 bytes */
    {"\xF0\x80\x80\x80", 4, 1},
    {"\xF0\x8F\xBF\xBF", 4, 1}, /* U+FFFF in 4 bytes */
    /* surrogates, paired or not */
    {"\xED\xA0\x80", 3, 1},
    {"\xED\xBF\xBF", 3, 1},
    {"\xED\xA0\xBD\xED\xB2\xA9", 6, 1},
    /* above U+10FFFF */
    {"\xF4\x90\x80\x80", 4, 1},
    {"\xF4\xBF\xBF\xBF", 4, 1},
    /* continuation bytes with no lead */
    {"\x80", 1, 0},
    {"\xBF", 1, 0},
    {"a\x80", 2, 1},
    {"\xC2\x80\x80", 3, 2},
    {"\xE1\x80\x80\xBF", 4, 3},
    {"\xF1\x80\x80\x80\x80", 5, 4},
    /* a lead, ASCII or the end of a run where a continuation must be */
    {"\xC2\x41", 2, 1},
    {"\xC2\xC2\x80", 3, 1},
    {"\xE1\x80\x41", 3, 2},
    {"\xE1\xE1\x80\x80", 4, 1},
    {"\xF1\x80\x80\xC2\x80", 5, 3},
    {"\xF1\x80\x80\x7F", 4, 3},
    {"\xF4\x8F\xBF\x00", 4, 3},
    /* the bad byte is not the one with the odd value */
    {"\xE0\xA0\xC0", 3, 2},
    {"\xDF\xBF\xED\x9F\xC0", 5, 4},
};

static void test_invalid_vectors(void **state)
{
    uint8_t buf[128];
    size_t i, pad;
    int complete;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_bad); i++) {
        const uint8_t *p = (const uint8_t *)k_bad[i].bytes;

        /* the reference agrees with the hand-written answer */
        assert_int_equal(ref_check(p, k_bad[i].n, &complete), k_bad[i].fail);
        check_stream(p, k_bad[i].n, k_bad[i].fail, 0);
        /* behind valid text of every length, then more valid text */
        for (pad = 0; pad + k_bad[i].n + 40 <= sizeof(buf); pad++) {
            size_t j;

            for (j = 0; j < sizeof(buf); j++)
                buf[j] = (uint8_t)('A' + j % 26);
            if (pad >= 2) {
                buf[pad - 2] = 0xC3; /* "é" just before */
                buf[pad - 1] = 0xA9;
            }
            memcpy(buf + pad, p, k_bad[i].n);
            check_stream(buf, pad + k_bad[i].n + 40, (long)pad + k_bad[i].fail, 0);
        }
    }
}

static void test_truncated(void **state)
{
    static const char *const k_seqs[] = {"\xC3\xA9",     "\xE2\x82\xAC",     "\xE0\xA0\x80",
                                         "\xED\x9F\xBF", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"};
    uint8_t buf[64];
    size_t i, k, n;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_seqs); i++) {
        n = strlen(k_seqs[i]);
        for (k = 1; k < n; k++) {
            struct utf8_state s;

            /* a message cannot end here ... */
            check_stream((const uint8_t *)k_seqs[i], k, NO_FAIL, 0);
            utf8_init(&s);
            assert_int_equal(utf8_feed(&s, (const uint8_t *)k_seqs[i], k), WS_OK);
            assert_false(utf8_is_complete(&s));
            /* ... but it may go on in the next piece */
            assert_int_equal(utf8_feed(&s, (const uint8_t *)k_seqs[i] + k, n - k), WS_OK);
            assert_true(utf8_is_complete(&s));
            /* and a new code point instead of the rest fails on its lead */
            memset(buf, 'z', sizeof(buf));
            memcpy(buf + 20, k_seqs[i], k);
            check_stream(buf, sizeof(buf), 20 + (long)k, 0);
            memcpy(buf + 20 + k, "\xC3\xA9", 2);
            check_stream(buf, sizeof(buf), 20 + (long)k, 0);
        }
    }
}

static void test_sticky_and_reinit(void **state)
{
    struct utf8_state s;
    size_t e;

    (void)state;
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        feed_fn feed = k_engines[e].feed;

        utf8_init(&s);
        assert_int_equal(feed(&s, (const uint8_t *)"ok \xC3", 4), WS_OK);
        assert_int_equal(feed(&s, (const uint8_t *)"\xFF", 1), WS_ERR_UTF8);
        assert_int_equal(feed(&s, (const uint8_t *)"\xA9", 1), WS_ERR_UTF8);
        assert_int_equal(feed(&s, (const uint8_t *)"plain ascii, long enough for SIMD", 33),
                         WS_ERR_UTF8);
        assert_int_equal(feed(&s, NULL, 0), WS_ERR_UTF8);
        assert_false(utf8_is_complete(&s));
        utf8_init(&s);
        assert_true(utf8_is_complete(&s));
        assert_int_equal(feed(&s, (const uint8_t *)"\xC3\xA9", 2), WS_OK);
        assert_true(utf8_is_complete(&s));
    }
}

/* All 1- and 2-byte inputs, and 3- and 4-byte inputs with every first two
 * bytes and the values that matter after them; alone, and between ASCII so
 * the vector path sees them too. */
static const uint8_t k_edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                  0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
/* After the second byte only "continuation or not" matters. */
static const uint8_t k_tails[] = {0x7F, 0x80, 0xBF, 0xC0, 0xF0};

static void pad_check(const uint8_t *seq, size_t n)
{
    uint8_t buf[48];

    bytewise_ref(seq, n);
    memset(buf, 'q', sizeof(buf));
    memcpy(buf + 19, seq, n);
    fast_ref(buf, sizeof(buf));
}

static void test_exhaustive_short(void **state)
{
    uint8_t seq[4];
    unsigned b0, b1, k2, k3;

    (void)state;
    for (b0 = 0; b0 < 256; b0++) {
        seq[0] = (uint8_t)b0;
        pad_check(seq, 1);
        for (b1 = 0; b1 < 256; b1++) {
            seq[1] = (uint8_t)b1;
            pad_check(seq, 2);
            if (b0 < 0xC0)
                continue; /* failed or complete at byte 0 or 1 already */
            for (k2 = 0; k2 < sizeof(k_edges); k2++) {
                seq[2] = k_edges[k2];
                pad_check(seq, 3);
                if (b0 < 0xF0)
                    continue;
                for (k3 = 0; k3 < sizeof(k_tails); k3++) {
                    seq[3] = k_tails[k3];
                    pad_check(seq, 4);
                }
            }
        }
    }
}

/* Every scalar value, encoded by the textbook encoder, is accepted (as one
 * long stream); surrogates and overlong or too-large forms are not. */
static void test_every_code_point(void **state)
{
    size_t cap = 4u * 0x110000u, n = 0, e;
    uint8_t *buf = malloc(cap), seq[4];
    uint32_t cp;
    struct utf8_state s;

    (void)state;
    assert_non_null(buf);
    for (cp = 0; cp <= 0x10FFFF; cp++)
        if (cp < 0xD800 || cp > 0xDFFF)
            n += encode(cp, min_len(cp), buf + n);
    assert_int_equal(utf8_validate(buf, n), WS_OK);
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        size_t at, step;
        uint32_t r = 7;

        utf8_init(&s);
        for (at = 0; at < n; at += step) {
            step = lcg(&r) % 300;
            step = step < n - at ? step : n - at;
            assert_int_equal(k_engines[e].feed(&s, buf + at, step), WS_OK);
        }
        assert_true(utf8_is_complete(&s));
    }
    for (cp = 0xD800; cp <= 0xDFFF; cp++) {
        encode(cp, 3, seq);
        bytewise_ref(seq, 3);
        assert_int_equal(utf8_validate(seq, 3), WS_ERR_UTF8);
    }
    for (cp = 0; cp < 0x10000; cp += (cp < 0x1000 ? 1 : 61)) {
        size_t len;

        for (len = min_len(cp) + 1; len <= 4; len++) {
            encode(cp, len, seq);
            bytewise_ref(seq, len);
            assert_int_equal(utf8_validate(seq, len), WS_ERR_UTF8);
        }
    }
    for (cp = 0x110000; cp <= 0x1FFFFF; cp += 0x1001) {
        encode(cp, 4, seq);
        bytewise_ref(seq, 4);
        assert_int_equal(utf8_validate(seq, 4), WS_ERR_UTF8);
    }
    free(buf);
}

/* Valid text of 1- to 4-byte characters between ASCII runs of many lengths
 * (below, at and above the 16- and 64-byte blocks), at every alignment,
 * then the same with one defect planted at many places. */
static const char *const k_chars[] = {"\xC3\xA9",         "\xD0\x96",        "\xE2\x82\xAC",
                                      "\xE4\xB8\xAD",     "\xED\x9F\xBF",    "\xEE\x80\x80",
                                      "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"};
static const size_t k_runs[] = {0, 1, 2, 3, 5, 13, 15, 16, 17, 31, 33, 63, 64, 65, 70};

static size_t build_mixed(uint8_t *buf, size_t align, size_t run, size_t first)
{
    size_t n = 0, c, k;

    for (k = 0; k < align; k++)
        buf[n++] = 'a';
    for (c = 0; c < 24; c++) {
        const char *ch = k_chars[(first + c * 3) % ARRAY_LEN(k_chars)];

        for (k = 0; k < run + c % 3; k++)
            buf[n++] = (uint8_t)('a' + k % 26);
        memcpy(buf + n, ch, strlen(ch));
        n += strlen(ch);
        if (c % 4 == 1) { /* and some back-to-back multi-byte text */
            memcpy(buf + n, "\xD0\x96\xE4\xB8\xAD\xF0\x9F\x98\x80\xC3\xA9", 11);
            n += 11;
        }
    }
    return n;
}

static void test_long_mixed(void **state)
{
    static const uint8_t k_defects[] = {0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF4, 0xF5, 0xFF, 'A'};
    uint8_t *buf = malloc(8192), *bad = malloc(8192);
    size_t align, r, n, q, d;

    (void)state;
    assert_non_null(buf);
    assert_non_null(bad);
    for (align = 0; align < 32; align++) {
        for (r = 0; r < ARRAY_LEN(k_runs); r++) {
            n = build_mixed(buf, align, k_runs[r], align + r);
            fast_ref(buf, n);
            fast_ref(buf, n - 1); /* truncated at the end */
            if (align != 0 && align != 5 && align != 13)
                continue;
            check_stream(buf, n, NO_FAIL, 1);
            /* defects at many positions, multi-byte or not */
            for (q = align; q < n; q += 37) {
                for (d = 0; d < sizeof(k_defects); d++) {
                    int complete;
                    long fail;

                    memcpy(bad, buf, n);
                    bad[q] = k_defects[d];
                    fail = ref_check(bad, n, &complete);
                    if (fail == NO_FAIL && complete)
                        continue; /* the defect happened to be valid */
                    fast_ref(bad, n);
                    if (q % 4 == 0 && d % 4 == 0)
                        check_stream_ex(bad, n, fail, complete, 0);
                }
            }
        }
    }
    free(bad);
    free(buf);
}

/* Every character and every defect at every distance (0..95) from the
 * first non-ASCII byte, in an unbroken non-ASCII stream: the word path
 * starts its 64-byte blocks of four interleaved DFA chains there, so this
 * puts each case across each seam between chains and blocks. */
static void plant(const uint8_t *seq, size_t n, long fail_in_seq)
{
    uint8_t buf[400];
    size_t f, at, k;

    for (f = 0; f < 96; f++) {
        if (f == 1)
            continue; /* no filler is 1 byte long */
        memset(buf, 'x', 20);
        at = 20;
        if (f % 2) {
            memcpy(buf + at, "\xE2\x82\xAC", 3);
            at += 3;
        }
        for (k = f / 2 - f % 2; k > 0; k--, at += 2)
            memcpy(buf + at, "\xC3\xA9", 2);
        assert_int_equal(at, 20 + f);
        memcpy(buf + at, seq, n);
        at += n;
        while (at + 2 <= sizeof(buf) - 20) {
            memcpy(buf + at, "\xD0\x96", 2);
            at += 2;
        }
        memset(buf + at, 'y', sizeof(buf) - at);
        check_stream_ex(buf, sizeof(buf),
                        fail_in_seq == NO_FAIL ? NO_FAIL : 20 + (long)f + fail_in_seq,
                        fail_in_seq == NO_FAIL, 0);
    }
}

static void test_block_seams(void **state)
{
    uint8_t seq[8];
    size_t i, n;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_chars); i++) {
        n = strlen(k_chars[i]);
        memcpy(seq, k_chars[i], n);
        plant(seq, n, NO_FAIL);
        seq[n] = 0x80; /* a stray continuation after it */
        plant(seq, n + 1, (long)n);
        plant(seq, n - 1, (long)n - 1); /* cut short: the next lead fails */
    }
    for (i = 0; i < ARRAY_LEN(k_bad); i++)
        plant((const uint8_t *)k_bad[i].bytes, k_bad[i].n, k_bad[i].fail);
}

/* Random input from a generator that mixes valid characters, ASCII runs
 * and random bytes, against the reference. */
static void test_random(void **state)
{
    uint8_t buf[700];
    uint32_t r = 1234567u;
    size_t iter, n, k;

    (void)state;
    for (iter = 0; iter < 1000; iter++) {
        size_t want = lcg(&r) % sizeof(buf) / (iter % 4 + 1);
        unsigned noise = lcg(&r) % 4; /* 0: valid text only */

        for (n = 0; n + 4 <= want;) {
            unsigned what = lcg(&r) % 16;

            if (noise && lcg(&r) % 200 < noise) {
                buf[n++] = (uint8_t)lcg(&r);
            } else if (what < 6) {
                for (k = lcg(&r) % 40; k > 0 && n < want; k--)
                    buf[n++] = (uint8_t)(' ' + lcg(&r) % 95);
            } else {
                const char *ch = k_chars[lcg(&r) % ARRAY_LEN(k_chars)];

                memcpy(buf + n, ch, strlen(ch));
                n += strlen(ch);
            }
        }
        check_ref(buf, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_invalid_vectors),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_sticky_and_reinit),
        cmocka_unit_test(test_exhaustive_short),
        cmocka_unit_test(test_every_code_point),
        cmocka_unit_test(test_long_mixed),
        cmocka_unit_test(test_block_seams),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
