/* test_rand.c - the random pool (src/win32/rand.c).
 *
 * With the real sources: keys differ, bytes look like bytes, large draws
 * and odd-sized draws across many refills work. With injected sources
 * (wh_rand_set_sources): exactly which source calls each request causes,
 * that the pool hands out the source's stream in order and never twice,
 * that the fallback takes over, and that total failure zeroes the output
 * and reports 0.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rand.h"

/* --- injected sources ---------------------------------------------------- */

/* The stream: 32-bit little-endian counters 0, 1, 2..., so any aligned
 * 4-byte piece of output names its own position. */
static uint64_t g_pos;
static int g_calls, g_last_num, g_primary_ok_calls, g_fallback_calls;

static uint8_t stream_byte(uint64_t k)
{
    return (uint8_t)((k / 4) >> (8 * (k % 4)));
}

static int counting_primary(unsigned char *buf, int num)
{
    g_calls++;
    g_last_num = num;
    if (g_primary_ok_calls >= 0 && g_calls > g_primary_ok_calls)
        return 0;
    for (int i = 0; i < num; i++)
        buf[i] = stream_byte(g_pos++);
    return 1;
}

static BOOLEAN WINAPI counting_fallback(PVOID buf, ULONG len)
{
    g_fallback_calls++;
    for (ULONG i = 0; i < len; i++)
        ((unsigned char *)buf)[i] = stream_byte(g_pos++);
    return TRUE;
}

static BOOLEAN WINAPI failing_fallback(PVOID buf, ULONG len)
{
    (void)buf;
    (void)len;
    g_fallback_calls++;
    return FALSE;
}

static void use_stream(int primary_ok_calls, wh_rand_fallback_fn fallback)
{
    g_pos = 0;
    g_calls = g_last_num = g_fallback_calls = 0;
    g_primary_ok_calls = primary_ok_calls; /* -1: always succeed */
    wh_rand_set_sources(counting_primary, fallback);
}

static int teardown_sources(void **state)
{
    (void)state;
    wh_rand_set_sources(NULL, NULL);
    return 0;
}

static void assert_stream(const uint8_t *p, size_t n, uint64_t from)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != stream_byte(from + i))
            fail_msg("byte %u is %02x, expected stream byte %u (%02x)", (unsigned)i, p[i],
                     (unsigned)(from + i), stream_byte(from + i));
}

static void test_pool_serves_stream_in_order(void **state)
{
    uint8_t buf[100];

    (void)state;
    use_stream(-1, counting_fallback);
    /* Six 100-byte draws: the fifth ends at 500, the sixth crosses the
     * 512-byte refill boundary. */
    for (int i = 0; i < 6; i++) {
        assert_int_equal(wh_rand_bytes(buf, sizeof(buf)), 1);
        assert_stream(buf, sizeof(buf), (uint64_t)i * 100);
    }
    assert_int_equal(g_calls, 2);
    assert_int_equal(g_last_num, WH_RAND_POOL);
    assert_int_equal(g_fallback_calls, 0);
}

static void test_large_draws_bypass_the_pool(void **state)
{
    static uint8_t big[3 * 1048576 + 7];
    uint8_t small[10];

    (void)state;
    use_stream(-1, counting_fallback);
    assert_int_equal(wh_rand_bytes(small, sizeof(small)), 1); /* pool: 0..511 */
    assert_stream(small, sizeof(small), 0);
    assert_int_equal(wh_rand_bytes(big, WH_RAND_POOL), 1); /* exactly POOL: direct */
    assert_int_equal(g_calls, 2);
    assert_int_equal(g_last_num, WH_RAND_POOL);
    assert_stream(big, WH_RAND_POOL, WH_RAND_POOL);
    /* Over 1 MiB goes in 1 MiB chunks (both sources take 32-bit sizes). */
    assert_int_equal(wh_rand_bytes(big, sizeof(big)), 1);
    assert_int_equal(g_calls, 2 + 4);
    assert_int_equal(g_last_num, 7);
    assert_stream(big, sizeof(big), 2 * WH_RAND_POOL);
    /* The pool kept its place meanwhile. */
    assert_int_equal(wh_rand_bytes(small, sizeof(small)), 1);
    assert_stream(small, sizeof(small), 10);
}

static void test_fallback_takes_over(void **state)
{
    uint8_t buf[20];

    (void)state;
    use_stream(0, counting_fallback); /* primary always fails */
    assert_int_equal(wh_rand_bytes(buf, sizeof(buf)), 1);
    assert_stream(buf, sizeof(buf), 0);
    assert_int_equal(g_calls, 1);
    assert_int_equal(g_fallback_calls, 1);
}

static int failing_primary(unsigned char *buf, int num)
{
    (void)buf;
    (void)num;
    g_calls++;
    return 0;
}

/* The real fallback (RtlGenRandom) when OpenSSL fails: small and large. */
static void test_real_fallback(void **state)
{
    uint8_t small[16], big[3000];
    size_t zeros = 0;

    (void)state;
    g_calls = 0;
    wh_rand_set_sources(failing_primary, NULL);
    memset(small, 0, sizeof(small));
    assert_int_equal(wh_rand_bytes(small, sizeof(small)), 1);
    memset(big, 0, sizeof(big));
    assert_int_equal(wh_rand_bytes(big, sizeof(big)), 1);
    assert_int_equal(g_calls, 2);
    for (size_t i = 0; i < sizeof(big); i++)
        zeros += big[i] == 0;
    assert_true(zeros < 60); /* ~12 expected */
    assert_true(memcmp(small, big, sizeof(small)) != 0);
}

static void test_total_failure_zeroes_and_reports(void **state)
{
    uint8_t first[500], buf[20], key[4], big[2000];

    (void)state;
    use_stream(1, failing_fallback); /* first refill works, then nothing */
    assert_int_equal(wh_rand_bytes(first, sizeof(first)), 1);
    /* 12 bytes are left; the next 20 need a refill that fails: the 12
     * already copied must not survive. */
    memset(buf, 0xa5, sizeof(buf));
    assert_int_equal(wh_rand_bytes(buf, sizeof(buf)), 0);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
    memset(key, 0xa5, sizeof(key));
    assert_int_equal(wh_rand_mask_key(key), 0);
    assert_int_equal(key[0] | key[1] | key[2] | key[3], 0);
    memset(big, 0xa5, sizeof(big));
    assert_int_equal(wh_rand_bytes(big, sizeof(big)), 0);
    for (size_t i = 0; i < sizeof(big); i++)
        assert_int_equal(big[i], 0);
    assert_true(g_fallback_calls >= 3);
}

static void test_edge_arguments(void **state)
{
    uint8_t b = 0x77;

    (void)state;
    assert_int_equal(wh_rand_bytes(&b, 0), 1);
    assert_int_equal(b, 0x77);
    assert_int_equal(wh_rand_bytes(NULL, 0), 1);
    assert_int_equal(wh_rand_bytes(NULL, 4), 0);
}

/* Many threads drawing keys at once: every aligned stream word is handed
 * out exactly once (no key twice, none lost), so the pool is locked. */
#define THREADS 4
#define KEYS_PER_THREAD 3000
static uint32_t g_keys[THREADS][KEYS_PER_THREAD];

static DWORD WINAPI draw_keys(void *arg)
{
    uint32_t *out = arg;

    for (int i = 0; i < KEYS_PER_THREAD; i++) {
        uint8_t k[4];

        if (!wh_rand_mask_key(k))
            return 1;
        out[i] = (uint32_t)k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 | (uint32_t)k[3] << 24;
    }
    return 0;
}

static void test_concurrent_keys_are_unique(void **state)
{
    HANDLE t[THREADS];
    static uint8_t seen[THREADS * KEYS_PER_THREAD];

    (void)state;
    use_stream(-1, counting_fallback);
    for (int i = 0; i < THREADS; i++) {
        t[i] = CreateThread(NULL, 0, draw_keys, g_keys[i], 0, NULL);
        assert_non_null(t[i]);
    }
    assert_int_equal(WaitForMultipleObjects(THREADS, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < THREADS; i++) {
        DWORD rc;

        assert_true(GetExitCodeThread(t[i], &rc));
        assert_int_equal(rc, 0);
        CloseHandle(t[i]);
    }
    memset(seen, 0, sizeof(seen));
    for (int i = 0; i < THREADS; i++)
        for (int j = 0; j < KEYS_PER_THREAD; j++) {
            uint32_t idx = g_keys[i][j];

            assert_true(idx < THREADS * KEYS_PER_THREAD);
            assert_int_equal(seen[idx], 0);
            seen[idx] = 1;
        }
}

static int memcmp16(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

/* --- real sources ---------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static void test_real_mask_keys(void **state)
{
    enum { N = 10000 };
    static uint32_t keys[N];
    unsigned counts[256] = {0}, dups = 0;

    (void)state;
    wh_rand_set_sources(NULL, NULL);
    for (int i = 0; i < N; i++) {
        uint8_t k[4];

        assert_int_equal(wh_rand_mask_key(k), 1);
        memcpy(&keys[i], k, 4);
        for (int j = 0; j < 4; j++)
            counts[k[j]]++;
    }
    /* 10000 random 32-bit keys repeat with probability ~1%; a handful
     * means the source or the pool is broken. */
    qsort(keys, N, sizeof(keys[0]), cmp_u32);
    for (int i = 1; i < N; i++)
        dups += keys[i] == keys[i - 1];
    assert_true(dups <= 2);
    /* 40000 bytes: each value ~156 times; a value under 60 or over 300
     * (a stuck or zeroed byte) is astronomically unlikely by chance. */
    for (int v = 0; v < 256; v++) {
        if (counts[v] < 60 || counts[v] > 300)
            fail_msg("byte value %d seen %u times in %d keys", v, counts[v], N);
    }
}

/* Odd sizes through many refills: no 16-byte block repeats and none is all
 * zero (the pool wipes what it hands out; serving wiped bytes would show). */
static void test_real_odd_sizes_across_refills(void **state)
{
    enum { TOTAL = 40 * WH_RAND_POOL };
    static uint8_t out[TOTAL];
    static uint8_t blocks[TOTAL / 16][16];
    size_t off = 0, size = 1, n = TOTAL / 16;

    (void)state;
    wh_rand_set_sources(NULL, NULL);
    while (off < TOTAL) {
        size_t k = size < TOTAL - off ? size : TOTAL - off;

        assert_int_equal(wh_rand_bytes(out + off, k), 1);
        off += k;
        size = size % 37 + 1;
    }
    memcpy(blocks, out, sizeof(blocks));
    qsort(blocks, n, 16, memcmp16);
    for (size_t i = 0; i < n; i++) {
        static const uint8_t zero[16];

        assert_true(memcmp(blocks[i], zero, 16) != 0);
        if (i > 0)
            assert_true(memcmp(blocks[i], blocks[i - 1], 16) != 0);
    }
}

static void test_real_large(void **state)
{
    size_t n = 5 * 1048576 + 3, zeros = 0;
    uint8_t *p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, n);

    (void)state;
    assert_non_null(p);
    wh_rand_set_sources(NULL, NULL);
    assert_int_equal(wh_rand_bytes(p, n), 1);
    for (size_t i = 0; i < n; i++)
        zeros += p[i] == 0;
    /* Expect n/256 ~ 20480 zero bytes; a chunk left unfilled would add
     * hundreds of thousands. */
    assert_true(zeros > 18000 && zeros < 23000);
    /* The tail (after the last 1 MiB chunk) was written too. */
    assert_true(p[n - 1] | p[n - 2] | p[n - 3] | p[n - 4] | p[n - 5] | p[n - 6]);
    HeapFree(GetProcessHeap(), 0, p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_pool_serves_stream_in_order, teardown_sources),
        cmocka_unit_test_teardown(test_large_draws_bypass_the_pool, teardown_sources),
        cmocka_unit_test_teardown(test_fallback_takes_over, teardown_sources),
        cmocka_unit_test_teardown(test_real_fallback, teardown_sources),
        cmocka_unit_test_teardown(test_total_failure_zeroes_and_reports, teardown_sources),
        cmocka_unit_test(test_edge_arguments),
        cmocka_unit_test_teardown(test_concurrent_keys_are_unique, teardown_sources),
        cmocka_unit_test(test_real_mask_keys),
        cmocka_unit_test(test_real_odd_sizes_across_refills),
        cmocka_unit_test(test_real_large),
    };
    return cmocka_run_group_tests_name("rand", tests, NULL, NULL);
}
