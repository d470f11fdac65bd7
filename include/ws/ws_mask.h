/* ws_mask.h - RFC 6455 §5.3 masking, at memory speed.
 *
 * Client frames are XORed with a 4-byte key. A payload may be masked in
 * several pieces (a large send written in slices), so the functions take
 * the offset of the first byte within the frame's payload: byte i of the
 * payload is XORed with key[i % 4]. The work is done a machine word (or SIMD
 * vector) at a time; only the unaligned head and tail go byte by byte.
 */
#ifndef WS_MASK_H
#define WS_MASK_H

#include <stddef.h>
#include <stdint.h>

/* dst[i] = src[i] ^ key[(offset + i) % 4] for i in [0, n). |dst| and |src|
 * may be the same pointer (mask in place); other overlaps are not allowed.
 * Any alignment of either pointer and any n work; both may be NULL when
 * n == 0. Masking is its own inverse (unmasking is the same call).
 * Returns (offset + n) % 4, the offset to pass for the next piece. */
size_t ws_mask(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4], size_t offset);

/* Internal, for tests and the benchmark: ws_mask forced onto the portable
 * 64-bit word path, the one builds without SSE2 (i686) use. */
size_t ws_mask_portable(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4],
                        size_t offset);

#endif /* WS_MASK_H */
