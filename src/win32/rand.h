/* rand.h - cryptographic random bytes for WebSocket masking keys and
 * handshake nonces (Sec-WebSocket-Key).
 *
 * Bytes come from OpenSSL's RAND_bytes, drawn WH_RAND_POOL bytes at a time
 * into a process-wide pool so that sending a small frame does not cost a
 * DRBG call; the pool is guarded by one lock, and bytes handed out are wiped
 * from it. When OpenSSL fails, the pool is filled from advapi32's
 * RtlGenRandom (SystemFunction036, XP+) instead. When both fail the call
 * fails: a predictable masking key would defeat RFC 6455 §5.3, so callers
 * must fail the operation, never substitute something weaker.
 *
 * Thread safety: every function may be called from any thread. The first
 * call initialises the pool lock (wh_once), so nothing needs DllMain.
 */
#ifndef WH_RAND_H
#define WH_RAND_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

/* Bytes drawn from the source per refill. Requests of this size or more
 * bypass the pool and go to the source directly. */
#define WH_RAND_POOL 512

#define WH_MUST_CHECK __attribute__((warn_unused_result))

/* Fills p[0..n-1]. Returns 1 on success; 0 when no source could deliver,
 * and then p[0..n-1] is zeroed (so a caller that ignores the result at
 * least does not send stale or partial secrets). n == 0 returns 1. */
WH_MUST_CHECK int wh_rand_bytes(void *p, size_t n);

/* A fresh masking key for one client frame (RFC 6455 §5.3). Returns 1 on
 * success, 0 on failure (key zeroed): the caller must fail the send. */
WH_MUST_CHECK int wh_rand_mask_key(uint8_t key[4]);

/* Tests only: replace the two sources (NULL restores OpenSSL / RtlGenRandom)
 * and drop whatever is left in the pool, so a test sees exactly which
 * source calls its requests cause. |primary| follows RAND_bytes (returns 1
 * on success), |fallback| follows RtlGenRandom (returns TRUE on success). */
typedef int (*wh_rand_primary_fn)(unsigned char *buf, int num);
typedef BOOLEAN(WINAPI *wh_rand_fallback_fn)(PVOID buf, ULONG len);
void wh_rand_set_sources(wh_rand_primary_fn primary, wh_rand_fallback_fn fallback);

#endif /* WH_RAND_H */
