/* utf8.c - incremental, fail-fast UTF-8 validation (utf8.h).
 *
 * Three engines, one state (the DFA's):
 *
 * - ASCII runs, only entered between code points, are skipped 64 bytes per
 *   step with SSE2 or 32 with 64-bit words.
 *
 * - A shift-based DFA (the technique Per Vognsen described) is the exact
 *   reference and the portable path: each byte value maps to one 64-bit row
 *   that packs the next state of every state, 6 bits each, at bit offset =
 *   state, so a step is next = row[byte] >> state. The row load depends
 *   only on the input; the serial dependency is one shift per byte (the
 *   "& 63" is free: x86 masks shift counts itself and compilers know it).
 *   No branches per byte, so mixed scripts cost the same as one; four
 *   chains run interleaved over 64-byte blocks (dfa_64).
 *
 * - With SSE2 (x86_64), text between code point boundaries is checked 16
 *   bytes at a time with range compares (check_sse2), about 3x the DFA.
 *
 * The word and DFA paths are always compiled; utf8_feed_portable forces
 * them so tests and fuzzers run them on every host, as i686 builds do.
 * Each engine flags a byte only if no valid text can have it there, so a
 * call fails exactly when its bytes include the first bad one.
 */
#include "ws/utf8.h"

#include "ws/ws_err.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* States, as bit offsets into a row. */
#define S_OK 0  /* between code points */
#define S_C1 6  /* one more 80..BF to come */
#define S_C2 12 /* two more 80..BF */
#define S_C3 18 /* three more 80..BF */
#define S_E0 24 /* after E0: A0..BF (no overlongs), then one more */
#define S_ED 30 /* after ED: 80..9F (no surrogates), then one more */
#define S_F0 36 /* after F0: 90..BF (no overlongs), then two more */
#define S_F4 42 /* after F4: 80..8F (nothing above U+10FFFF), then two more */
#define S_X 48  /* failed; absorbing */
#define S_SY 54 /* resynchronising: skip continuations, then as S_OK (dfa_64) */

#define T(state, next) ((uint64_t)(next) << (state))
/* One row: where each state goes on this byte; S_X stays S_X. */
#define ROW(ok, c1, c2, c3, e0, ed, f0, f4, sy)                                                    \
    (T(S_OK, ok) | T(S_C1, c1) | T(S_C2, c2) | T(S_C3, c3) | T(S_E0, e0) | T(S_ED, ed) |           \
     T(S_F0, f0) | T(S_F4, f4) | T(S_X, S_X) | T(S_SY, sy))

/* A byte that may only start a code point (or never appear). */
#define LEAD(next) ROW(next, S_X, S_X, S_X, S_X, S_X, S_X, S_X, next)
#define R_ASCII LEAD(S_OK)
#define R_BAD LEAD(S_X) /* C0, C1, F5..FF: RFC 3629 §1 */
#define R_L2 LEAD(S_C1) /* C2..DF */
#define R_L3 LEAD(S_C2) /* E1..EC, EE..EF */
#define R_L4 LEAD(S_C3) /* F1..F3 */
/* Continuation bytes, split where E0, ED, F0 and F4 draw their lines. */
#define R_80 ROW(S_X, S_OK, S_C1, S_C2, S_X, S_C1, S_X, S_C2, S_SY) /* 80..8F */
#define R_90 ROW(S_X, S_OK, S_C1, S_C2, S_X, S_C1, S_C2, S_X, S_SY) /* 90..9F */
#define R_A0 ROW(S_X, S_OK, S_C1, S_C2, S_C1, S_X, S_C2, S_X, S_SY) /* A0..BF */

#define X2(r) r, r
#define X4(r) X2(r), X2(r)
#define X8(r) X4(r), X4(r)
#define X16(r) X8(r), X8(r)

static const uint64_t k_rows[] = {
    X16(R_ASCII), X16(R_ASCII), X16(R_ASCII), X16(R_ASCII), /* 00..3F */
    X16(R_ASCII), X16(R_ASCII), X16(R_ASCII), X16(R_ASCII), /* 40..7F */
    X16(R_80),                                              /* 80..8F */
    X16(R_90),                                              /* 90..9F */
    X16(R_A0),    X16(R_A0),                                /* A0..BF */
    X2(R_BAD),                                              /* C0..C1 */
    X2(R_L2),     X4(R_L2),     X8(R_L2),     X16(R_L2),    /* C2..DF */
    LEAD(S_E0),                                             /* E0 */
    X8(R_L3),     X4(R_L3),                                 /* E1..EC */
    LEAD(S_ED),                                             /* ED */
    X2(R_L3),                                               /* EE..EF */
    LEAD(S_F0),                                             /* F0 */
    X2(R_L4),     R_L4,                                     /* F1..F3 */
    LEAD(S_F4),                                             /* F4 */
    X8(R_BAD),    X2(R_BAD),    R_BAD,                      /* F5..FF */
};

/* C99 has no static_assert: a negative array size if the table is off. */
typedef char utf8_rows_are_256[sizeof(k_rows) / sizeof(k_rows[0]) == 256 ? 1 : -1];

#define STEP(st, b) ((st) = k_rows[(b)] >> ((st)&63))

static uint64_t dfa_bytes(uint64_t st, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        STEP(st, p[i]);
    return st & 63;
}

/* 16 steps; the caller checks for S_X once. */
static uint64_t dfa_16(uint64_t st, const uint8_t *p)
{
    STEP(st, p[0]);
    STEP(st, p[1]);
    STEP(st, p[2]);
    STEP(st, p[3]);
    STEP(st, p[4]);
    STEP(st, p[5]);
    STEP(st, p[6]);
    STEP(st, p[7]);
    STEP(st, p[8]);
    STEP(st, p[9]);
    STEP(st, p[10]);
    STEP(st, p[11]);
    STEP(st, p[12]);
    STEP(st, p[13]);
    STEP(st, p[14]);
    STEP(st, p[15]);
    return st & 63;
}

/* 64 bytes as four interleaved chains of 16, so the shifts of different
 * chains overlap in the pipeline (one chain is bound by shift latency).
 * Chain k > 0 starts at 16k in S_SY, not knowing the state there: it skips
 * continuation bytes and starts for real at the first other byte, where a
 * valid stream must be between code points. Chain k-1 runs 4 bytes past
 * 16k from its exact state, so it checks the bytes chain k skipped, and
 * catches the lead byte chain k synced on if a sequence was still open
 * there (a run of 4 continuations is itself an error it sees). So: no
 * chain fails iff the 64 bytes are valid from |st|, and then chain 3 ends
 * in the exact state. Fixed trip counts: no data-dependent branches. */
static uint64_t dfa_64(uint64_t st, const uint8_t *p)
{
    uint64_t a = st, b = S_SY, c = S_SY, d = S_SY;
    int j;

    for (j = 0; j < 16; j++) {
        STEP(a, p[j]);
        STEP(b, p[16 + j]);
        STEP(c, p[32 + j]);
        STEP(d, p[48 + j]);
    }
    for (; j < 20; j++) {
        STEP(a, p[j]);
        STEP(b, p[16 + j]);
        STEP(c, p[32 + j]);
    }
    if ((a & 63) == S_X || (b & 63) == S_X || (c & 63) == S_X)
        return S_X;
    return d & 63;
}

#define HIGH_BITS 0x8080808080808080u

static uint64_t load64(const uint8_t *p)
{
    uint64_t w;

    memcpy(&w, p, sizeof(w));
    return w;
}

/* Length of the ASCII run at the start of p[0..n), n >= 16; it may stop
 * short of the run's end only within the last 15 bytes. */
static size_t ascii_run_word(const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (n - i >= 32) {
        if ((load64(p + i) | load64(p + i + 8) | load64(p + i + 16) | load64(p + i + 24)) &
            HIGH_BITS)
            break;
        i += 32;
    }
    while (n - i >= 8 && !(load64(p + i) & HIGH_BITS))
        i += 8;
    if (n - i >= 8) /* the word with the first high bit; byte order varies */
        while (p[i] < 0x80)
            i++;
    return i;
}

#if defined(__SSE2__)
static unsigned first_set(unsigned m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctz(m);
#else
    unsigned i = 0;

    while (!(m & 1u)) {
        m >>= 1;
        i++;
    }
    return i;
#endif
}

static size_t ascii_run_sse2(const uint8_t *p, size_t n)
{
    size_t i = 0;
    unsigned m;

    while (n - i >= 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 48));

        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))))
            break;
        i += 64;
    }
    while (n - i >= 16) {
        m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)));
        if (m)
            return i + first_set(m);
        i += 16;
    }
    return i;
}

/* Range checks on 16 bytes at a time (the shape of Keiser and Lemire's
 * "Validating UTF-8 in less than one instruction per byte", with plain
 * compares where they use table lookups, as SSE2 has no byte shuffle).
 * Each byte is judged from itself and the 3 bytes before it, which the
 * caller guarantees are in the buffer and end on a code point boundary:
 * - it is a continuation exactly when a lead 1, 2 or 3 bytes back asks
 *   for one (C0.. one back, E0.. two back, F0.. three back);
 * - the byte after E0, ED, F0, F4 is in A0..BF, 80..9F, 90..BF, 80..8F;
 * - it is not C0, C1 or F5..FF.
 * A byte is flagged only if the bytes up to it cannot start valid UTF-8,
 * so an error here is the caller's error. Checks 16-byte blocks from p[i]
 * and stops after the first all-ASCII block or when fewer than 16 bytes
 * are left. Returns the start of the last code point the checked bytes
 * leave open (the state there is S_OK), or 0 on an error. */
#define V8(x) _mm_set1_epi8((char)(x))

static size_t check_sse2(const uint8_t *p, size_t i, size_t len)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i bad = zero;
    int ascii;

    do {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i - 1));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i - 2));
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + i - 3));
        /* signed compares: 80..BF are -128..-65 */
        __m128i cont = _mm_cmplt_epi8(x, V8(0xC0));
        __m128i need =
            _mm_or_si128(_mm_or_si128(_mm_subs_epu8(a, V8(0xBF)), _mm_subs_epu8(b, V8(0xDF))),
                         _mm_subs_epu8(c, V8(0xEF)));
        __m128i lo =
            _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, V8(0xE0)), _mm_cmplt_epi8(x, V8(0xA0))),
                         _mm_and_si128(_mm_cmpeq_epi8(a, V8(0xF0)), _mm_cmplt_epi8(x, V8(0x90))));
        __m128i hi =
            _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, V8(0xED)), _mm_cmpgt_epi8(x, V8(0x9F))),
                         _mm_and_si128(_mm_cmpeq_epi8(a, V8(0xF4)), _mm_cmpgt_epi8(x, V8(0x8F))));

        /* need is 0..0x7F per byte: > 0 is "a continuation is required" */
        bad = _mm_or_si128(bad, _mm_xor_si128(_mm_cmpgt_epi8(need, zero), cont));
        bad = _mm_or_si128(bad, _mm_or_si128(lo, hi));
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(_mm_and_si128(x, V8(0xFE)), V8(0xC0)));
        bad = _mm_or_si128(bad, _mm_subs_epu8(x, V8(0xF4)));
        ascii = _mm_movemask_epi8(x) == 0;
        i += 16;
    } while (!ascii && len - i >= 16);
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(bad, zero)) != 0xFFFF)
        return 0;
    if (p[i - 1] >= 0xC0)
        return i - 1;
    if (p[i - 2] >= 0xE0)
        return i - 2;
    if (p[i - 3] >= 0xF0)
        return i - 3;
    return i;
}
#endif

static size_t ascii_run(const uint8_t *p, size_t n, int simd)
{
#if defined(__SSE2__)
    if (simd)
        return ascii_run_sse2(p, n);
#else
    (void)simd;
#endif
    return ascii_run_word(p, n);
}

static int feed(struct utf8_state *s, const uint8_t *p, size_t len, int simd)
{
    uint64_t st = s->state;
    size_t i = 0;

    if (st == S_X)
        return WS_ERR_UTF8;
    while (len - i >= 16) {
        if (st == S_OK) {
            /* ASCII is only legal between code points; elsewhere the DFA
             * rejects it at the right byte. */
            if (p[i] < 0x80) {
                i += ascii_run(p + i, len - i, simd);
                if (len - i < 16)
                    break;
            }
#if defined(__SSE2__)
            if (simd && i >= 3) {
                i = check_sse2(p, i, len);
                if (i == 0) {
                    st = S_X;
                    break;
                }
                continue;
            }
#endif
        }
        if (len - i >= 64) {
            st = dfa_64(st, p + i);
            i += 64;
        } else {
            st = dfa_16(st, p + i);
            i += 16;
        }
        if (st == S_X)
            break;
    }
    if (st != S_X && i < len)
        st = dfa_bytes(st, p + i, len - i);
    s->state = (uint32_t)st;
    return st == S_X ? WS_ERR_UTF8 : WS_OK;
}

void utf8_init(struct utf8_state *s)
{
    s->state = S_OK;
}

int utf8_feed(struct utf8_state *s, const uint8_t *p, size_t len)
{
    return feed(s, p, len, 1);
}

int utf8_feed_portable(struct utf8_state *s, const uint8_t *p, size_t len)
{
    return feed(s, p, len, 0);
}

int utf8_is_complete(const struct utf8_state *s)
{
    return s->state == S_OK;
}

int utf8_validate(const uint8_t *p, size_t len)
{
    struct utf8_state s;

    utf8_init(&s);
    if (feed(&s, p, len, 1) != WS_OK || !utf8_is_complete(&s))
        return WS_ERR_UTF8;
    return WS_OK;
}
