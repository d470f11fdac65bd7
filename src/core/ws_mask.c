/* ws_mask.c - RFC 6455 §5.3 masking (ws_mask.h).
 *
 * The key repeats every 4 bytes, so a 16-byte (SSE2) or 8-byte (word)
 * pattern of it, rotated to the phase of the first byte, stays in phase
 * across every later block. A few bytes go one by one first so the stores
 * are aligned (on large inputs only), the bulk goes 64 or 32 bytes per
 * iteration, and the tail goes byte by byte. Loads and stores are memcpy
 * or unaligned intrinsics: no aliasing or alignment assumptions about the
 * caller's buffers.
 */
#include "ws/ws_mask.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Below this, aligning the stores costs more than it saves. */
#define ALIGN_MIN 64

static uint64_t load64(const uint8_t *p)
{
    uint64_t w;

    memcpy(&w, p, sizeof(w));
    return w;
}

static void store64(uint8_t *p, uint64_t w)
{
    memcpy(p, &w, sizeof(w));
}

/* Masks n bytes whose first byte has key phase 0 in |pat| (|pat| holds
 * the key, already rotated, repeated to 16 bytes). Returns bytes done, a
 * multiple of 8. */
static size_t mask_words(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t pat[16])
{
    uint64_t k = load64(pat);
    size_t i = 0;

    for (; n - i >= 32; i += 32) {
        uint64_t a = load64(src + i) ^ k, b = load64(src + i + 8) ^ k;
        uint64_t c = load64(src + i + 16) ^ k, d = load64(src + i + 24) ^ k;

        store64(dst + i, a);
        store64(dst + i + 8, b);
        store64(dst + i + 16, c);
        store64(dst + i + 24, d);
    }
    for (; n - i >= 8; i += 8)
        store64(dst + i, load64(src + i) ^ k);
    return i;
}

#if defined(__SSE2__)
static __m128i ld(const uint8_t *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static void st(uint8_t *p, __m128i v)
{
    _mm_storeu_si128((__m128i *)(void *)p, v);
}

static size_t mask_sse2(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t pat[16])
{
    __m128i k = ld(pat);
    size_t i = 0;

    /* All four loads before the stores: in place, dst == src. */
    for (; n - i >= 64; i += 64) {
        __m128i a = _mm_xor_si128(ld(src + i), k), b = _mm_xor_si128(ld(src + i + 16), k);
        __m128i c = _mm_xor_si128(ld(src + i + 32), k), d = _mm_xor_si128(ld(src + i + 48), k);

        st(dst + i, a);
        st(dst + i + 16, b);
        st(dst + i + 32, c);
        st(dst + i + 48, d);
    }
    for (; n - i >= 16; i += 16)
        st(dst + i, _mm_xor_si128(ld(src + i), k));
    return i;
}
#endif

static size_t mask(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4], size_t offset,
                   int simd)
{
    uint8_t pat[16];
    size_t i = 0, j, head;

    if (n == 0) /* dst and src may be NULL */
        return offset & 3;
    if (n >= ALIGN_MIN) {
        head = (size_t)(0u - (uintptr_t)dst) & 15u;
        for (; i < head; i++)
            dst[i] = (uint8_t)(src[i] ^ key[(offset + i) & 3]);
    }
    for (j = 0; j < sizeof(pat); j++)
        pat[j] = key[(offset + i + j) & 3];
#if defined(__SSE2__)
    if (simd)
        i += mask_sse2(dst + i, src + i, n - i, pat);
#else
    (void)simd;
#endif
    i += mask_words(dst + i, src + i, n - i, pat);
    for (; i < n; i++)
        dst[i] = (uint8_t)(src[i] ^ key[(offset + i) & 3]);
    return (offset + n) & 3;
}

size_t ws_mask(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4], size_t offset)
{
    return mask(dst, src, n, key, offset, 1);
}

size_t ws_mask_portable(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4],
                        size_t offset)
{
    return mask(dst, src, n, key, offset, 0);
}
