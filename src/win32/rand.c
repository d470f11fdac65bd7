/* rand.c - the random pool behind masking keys (see rand.h).
 *
 * Locking: g_lock guards g_pool, g_pos and the two source pointers. Small
 * requests are served under it; requests of WH_RAND_POOL bytes or more call
 * the source outside it (both sources are thread-safe), so a large draw
 * never stalls the senders of small frames.
 */
#include "rand.h"

#include <string.h>

#include <ntsecapi.h> /* SystemFunction036 (RtlGenRandom), advapi32, XP+ */
#include <openssl/rand.h>

#include "winapi.h"

/* Chunk size for one source call: both APIs take 32-bit lengths. */
#define SOURCE_CHUNK ((size_t)1 << 20)

static struct wh_once g_once = WH_ONCE_INIT;
static struct wh_lock g_lock;
static uint8_t g_pool[WH_RAND_POOL];
static size_t g_pos = WH_RAND_POOL; /* next unread byte; POOL = empty */
static wh_rand_primary_fn g_primary = RAND_bytes;
static wh_rand_fallback_fn g_fallback = SystemFunction036;

static BOOL init_lock(void *ctx)
{
    (void)ctx;
    wh_lock_init(&g_lock);
    return TRUE;
}

/* Fills p[0..n-1] from the primary source, chunk by chunk, falling back to
 * the secondary for any chunk the primary refuses. */
static int draw(wh_rand_primary_fn primary, wh_rand_fallback_fn fallback, uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t k = n < SOURCE_CHUNK ? n : SOURCE_CHUNK;

        if (primary(p, (int)k) != 1 && !fallback(p, (ULONG)k))
            return 0;
        p += k;
        n -= k;
    }
    return 1;
}

static void sources(wh_rand_primary_fn *primary, wh_rand_fallback_fn *fallback)
{
    wh_lock(&g_lock);
    *primary = g_primary;
    *fallback = g_fallback;
    wh_lock_release(&g_lock);
}

/* Copies n (< WH_RAND_POOL) bytes out of the pool, refilling as needed.
 * Called with g_lock held. */
static int from_pool(uint8_t *out, size_t n)
{
    while (n > 0) {
        size_t take;

        if (g_pos == WH_RAND_POOL) {
            if (!draw(g_primary, g_fallback, g_pool, WH_RAND_POOL))
                return 0;
            g_pos = 0;
        }
        take = WH_RAND_POOL - g_pos;
        if (take > n)
            take = n;
        memcpy(out, g_pool + g_pos, take);
        /* Bytes handed out are someone's key now: do not keep a copy. */
        SecureZeroMemory(g_pool + g_pos, take);
        g_pos += take;
        out += take;
        n -= take;
    }
    return 1;
}

int wh_rand_bytes(void *p, size_t n)
{
    int ok;

    if (n == 0)
        return 1;
    if (!p)
        return 0;
    wh_once(&g_once, init_lock, NULL);
    if (n >= WH_RAND_POOL) {
        wh_rand_primary_fn primary;
        wh_rand_fallback_fn fallback;

        sources(&primary, &fallback);
        ok = draw(primary, fallback, p, n);
    } else {
        wh_lock(&g_lock);
        ok = from_pool(p, n);
        wh_lock_release(&g_lock);
    }
    if (!ok)
        SecureZeroMemory(p, n);
    return ok;
}

int wh_rand_mask_key(uint8_t key[4])
{
    return wh_rand_bytes(key, 4);
}

void wh_rand_set_sources(wh_rand_primary_fn primary, wh_rand_fallback_fn fallback)
{
    wh_once(&g_once, init_lock, NULL);
    wh_lock(&g_lock);
    g_primary = primary ? primary : RAND_bytes;
    g_fallback = fallback ? fallback : SystemFunction036;
    SecureZeroMemory(g_pool, sizeof(g_pool));
    g_pos = WH_RAND_POOL;
    wh_lock_release(&g_lock);
}
