/* fuzz_utf8.c - utf8_validate and utf8_feed against a byte-at-a-time
 * reference.
 *
 * The input is the text. The reference is RFC 3629 §4's ABNF as a machine
 * that takes one byte at a time: how many continuation bytes are still due
 * and the range the next one must fall in. For each input both engines
 * (utf8_feed, utf8_feed_portable) must give the reference's verdict whole,
 * one byte at a time and in pseudo-random pieces (seeded from the input):
 * the first piece to fail must be the one holding the first bad byte, and
 * utf8_is_complete must match at every piece boundary before it. The same
 * text is also checked between ASCII padding, so short inputs reach the
 * vector path. Any mismatch aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws/utf8.h"
#include "ws/ws_err.h"

#define NO_FAIL ((size_t)-1)
#define PAD 19

struct ref {
    unsigned need;  /* continuation bytes still due */
    uint8_t lo, hi; /* range of the next byte when need > 0 */
};

/* One byte; returns 0, or -1 when no valid text can have it here. */
static int ref_step(struct ref *r, uint8_t b)
{
    if (r->need > 0) {
        if (b < r->lo || b > r->hi)
            return -1;
        r->need--;
        r->lo = 0x80;
        r->hi = 0xBF;
        return 0;
    }
    /* UTF8-1, UTF8-2, UTF8-3 and UTF8-4 by their first byte */
    r->lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
    r->hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
    if (b <= 0x7F)
        r->need = 0;
    else if (b >= 0xC2 && b <= 0xDF)
        r->need = 1;
    else if (b >= 0xE0 && b <= 0xEF)
        r->need = 2;
    else if (b >= 0xF0 && b <= 0xF4)
        r->need = 3;
    else
        return -1;
    return 0;
}

/* First bad byte (or NO_FAIL); complete[k] = prefix of k bytes ends between
 * code points, for k up to the first bad byte. */
static size_t ref_run(const uint8_t *p, size_t n, uint8_t *complete)
{
    struct ref r = {0, 0x80, 0xBF};
    size_t i;

    complete[0] = 1;
    for (i = 0; i < n; i++) {
        if (ref_step(&r, p[i]) != 0)
            return i;
        complete[i + 1] = r.need == 0;
    }
    return NO_FAIL;
}

static void die(const char *what, size_t n, size_t at, size_t fail)
{
    fprintf(stderr, "fuzz_utf8: %s (len %zu, at %zu, first bad byte %ld)\n", what, n, at,
            fail == NO_FAIL ? -1L : (long)fail);
    abort();
}

typedef int (*feed_fn)(struct utf8_state *s, const uint8_t *p, size_t len);

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Feeds p in pieces; piece sizes come from |seed| (0: one byte each). */
static void feed_pieces(feed_fn feed, const uint8_t *p, size_t n, size_t fail,
                        const uint8_t *complete, uint32_t seed, unsigned max_piece)
{
    struct utf8_state s;
    size_t at = 0, end;
    int rc;

    utf8_init(&s);
    do {
        end = seed ? at + next_rand(&seed) % (max_piece + 1) : at + 1;
        end = end < n ? end : n;
        rc = feed(&s, p + at, end - at);
        if ((rc != WS_OK) != (fail != NO_FAIL && fail < end))
            die(rc != WS_OK ? "failed too early" : "did not fail fast", n, end, fail);
        if (rc != WS_OK) {
            if (feed(&s, (const uint8_t *)"a", 1) != WS_ERR_UTF8 || feed(&s, NULL, 0) == WS_OK ||
                utf8_is_complete(&s))
                die("error not sticky", n, end, fail);
            return;
        }
        if (utf8_is_complete(&s) != complete[end])
            die("utf8_is_complete wrong", n, end, fail);
        at = end;
    } while (at < n);
}

static void check(const uint8_t *p, size_t n, uint32_t seed)
{
    static const feed_fn k_feeds[] = {utf8_feed, utf8_feed_portable};
    uint8_t *complete = malloc(n + 1);
    size_t fail, e;
    int valid;

    if (!complete)
        abort();
    fail = ref_run(p, n, complete);
    valid = fail == NO_FAIL && complete[n];
    if ((utf8_validate(p, n) == WS_OK) != valid)
        die("utf8_validate verdict", n, n, fail);
    for (e = 0; e < sizeof(k_feeds) / sizeof(k_feeds[0]); e++) {
        struct utf8_state s;
        int r;

        utf8_init(&s);
        if ((k_feeds[e](&s, p, n) == WS_OK) != (fail == NO_FAIL))
            die("whole-buffer verdict", n, n, fail);
        if (fail == NO_FAIL && utf8_is_complete(&s) != complete[n])
            die("utf8_is_complete at the end", n, n, fail);
        feed_pieces(k_feeds[e], p, n, fail, complete, 0, 1);
        for (r = 0; r < 4; r++) {
            seed = seed * 2654435761u + 1u;
            feed_pieces(k_feeds[e], p, n, fail, complete, seed | 1u, r < 2 ? 8u : 100u);
        }
    }
    free(complete);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t seed = 2166136261u;
    uint8_t *padded;
    size_t i;

    for (i = 0; i < size; i++)
        seed = (seed ^ data[i]) * 16777619u;
    check(data, size, seed);
    /* the same text after and before ASCII runs */
    padded = malloc(size + 2 * PAD);
    if (!padded)
        abort();
    memset(padded, 'p', PAD);
    if (size)
        memcpy(padded + PAD, data, size);
    memset(padded + PAD + size, 'q', PAD);
    check(padded, size + 2 * PAD, seed ^ 0x5bd1e995u);
    free(padded);
    return 0;
}
