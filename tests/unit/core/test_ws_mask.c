/* test_ws_mask.c - RFC 6455 §5.3 masking (ws_mask.h), both engines.
 *
 * Everything is compared with the one-line definition, byte by byte, for
 * every offset, many lengths and every alignment of source and destination
 * (in place and out of place), with guard bytes around the destination.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws/ws_mask.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define GUARD 16
#define GUARD_BYTE 0xA5

typedef size_t (*mask_fn)(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4],
                          size_t offset);

static const struct {
    const char *name;
    mask_fn mask;
} k_engines[] = {
    {"ws_mask", ws_mask},
    {"ws_mask_portable", ws_mask_portable},
};

static const uint8_t k_key[4] = {0x37, 0xfa, 0x21, 0x3d};

static void ref_mask(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4],
                     size_t offset)
{
    size_t i;

    for (i = 0; i < n; i++)
        dst[i] = (uint8_t)(src[i] ^ key[(offset + i) % 4]);
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    size_t i;

    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

static void assert_guards(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] != GUARD_BYTE)
            fail_msg("guard byte %zu overwritten", i);
}

/* Masks |n| bytes with the source at |sa| and the destination at |da|
 * (offsets into 16-byte aligned blocks) through every engine and offset,
 * in place when |in_place|, and compares with the reference. */
#define MAX_N ((size_t)1 << 20)
static uint8_t g_src[MAX_N + 64], g_dst[MAX_N + 64 + 2 * GUARD], g_want[MAX_N];

static void check_one(size_t n, size_t sa, size_t da, int in_place)
{
    uint8_t *src = g_src, *dst = g_dst, *want = g_want, *s, *d;
    size_t e, off;

    if (n > MAX_N || sa >= 64 || da >= 64) { /* returns, so gcc sees the bound */
        fail_msg("check_one(%zu, %zu, %zu): out of range", n, sa, da);
        return;
    }
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        for (off = 0; off < 4; off++) {
            fill(src, n + 64, (uint32_t)(n * 7 + off));
            memset(dst, GUARD_BYTE, n + 64 + 2 * GUARD);
            d = dst + GUARD + da;
            s = in_place ? d : src + sa;
            if (in_place)
                memcpy(d, src + sa, n);
            ref_mask(want, src + sa, n, k_key, off);
            if (k_engines[e].mask(d, s, n, k_key, off) != (off + n) % 4)
                fail_msg("%s: n=%zu offset=%zu: wrong next offset", k_engines[e].name, n, off);
            if (n && memcmp(d, want, n) != 0)
                fail_msg("%s: n=%zu offset=%zu src+%zu dst+%zu in_place=%d: wrong bytes",
                         k_engines[e].name, n, off, sa, da, in_place);
            assert_guards(dst, GUARD + da);
            assert_guards(d + n, (size_t)(dst + n + 64 + 2 * GUARD - (d + n)));
        }
    }
}

/* RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d. */
static void test_rfc_hello(void **state)
{
    static const uint8_t k_masked[] = {0x7f, 0x9f, 0x4d, 0x51, 0x58};
    uint8_t buf[5];
    size_t e;

    (void)state;
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        assert_int_equal(k_engines[e].mask(buf, (const uint8_t *)"Hello", 5, k_key, 0), 1);
        assert_memory_equal(buf, k_masked, 5);
        /* and back, in place */
        assert_int_equal(k_engines[e].mask(buf, buf, 5, k_key, 0), 1);
        assert_memory_equal(buf, "Hello", 5);
    }
}

static void test_empty(void **state)
{
    size_t e, off;

    (void)state;
    for (e = 0; e < ARRAY_LEN(k_engines); e++)
        for (off = 0; off < 8; off++)
            assert_int_equal(k_engines[e].mask(NULL, NULL, 0, k_key, off), off % 4);
}

static void test_small_all_alignments(void **state)
{
    size_t n, sa, da;

    (void)state;
    for (n = 0; n <= 100; n++)
        for (sa = 0; sa < 16; sa += (n > 40 ? 3 : 1))
            for (da = 0; da < 16; da += (n > 40 ? 3 : 1)) {
                check_one(n, sa, da, 0);
                if (sa == 0)
                    check_one(n, 0, da, 1);
            }
}

static void test_large(void **state)
{
    static const size_t k_sizes[] = {127, 128, 129, 255, 1000, 4096, 4099, 65536 + 13, 1u << 20};
    size_t i, a;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_sizes); i++)
        for (a = 0; a < 8; a += 3) {
            check_one(k_sizes[i], a, 7 - a, 0);
            check_one(k_sizes[i], a, a + 1, 0);
            check_one(k_sizes[i], 0, a, 1);
        }
}

/* A payload masked in pieces, each starting at the offset the previous
 * call returned, equals the payload masked at once. */
static void test_pieces(void **state)
{
    enum { N = 5000 };
    uint8_t *src = malloc(N), *once = malloc(N), *parts = malloc(N);
    uint32_t r = 99;
    size_t e, round, at, off, step;

    (void)state;
    assert_non_null(src);
    assert_non_null(once);
    assert_non_null(parts);
    fill(src, N, 5);
    for (e = 0; e < ARRAY_LEN(k_engines); e++) {
        for (round = 0; round < 40; round++) {
            size_t start = round % 4;

            assert_int_equal(k_engines[e].mask(once, src, N, k_key, start), (start + N) % 4);
            memcpy(parts, src, N);
            for (at = 0, off = start; at < N; at += step) {
                r = r * 1103515245u + 12345u;
                step = (r >> 16) % (round < 20 ? 9 : 300);
                step = step < N - at ? step : N - at;
                /* in place or from the source, in turn */
                off = k_engines[e].mask(parts + at, (at & 1) ? parts + at : src + at, step, k_key,
                                        off);
            }
            assert_int_equal(off, (start + N) % 4);
            assert_memory_equal(parts, once, N);
        }
    }
    free(parts);
    free(once);
    free(src);
}

/* Offsets beyond 3 act modulo 4 (a caller may pass a running byte count). */
static void test_offset_modulo(void **state)
{
    uint8_t src[77], a[77], b[77];
    size_t e, off;

    (void)state;
    fill(src, sizeof(src), 3);
    for (e = 0; e < ARRAY_LEN(k_engines); e++)
        for (off = 0; off < 12; off++) {
            assert_int_equal(k_engines[e].mask(a, src, sizeof(src), k_key, off),
                             (off + sizeof(src)) % 4);
            k_engines[e].mask(b, src, sizeof(src), k_key, off % 4);
            assert_memory_equal(a, b, sizeof(src));
        }
    /* and the returned offset wraps with size_t like the definition */
    assert_int_equal(ws_mask(a, src, 5, k_key, (size_t)-1), ((size_t)-1 + 5) % 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_hello),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_small_all_alignments),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_offset_modulo),
    };
    return cmocka_run_group_tests_name("ws_mask", tests, NULL, NULL);
}
