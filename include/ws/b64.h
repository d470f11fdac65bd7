/* b64.h - base64 encoding (RFC 4648 §4, standard alphabet, '=' padding).
 *
 * The core needs base64 in one direction only: the client's
 * Sec-WebSocket-Key and the expected Sec-WebSocket-Accept (RFC 6455 §4.1,
 * §4.2.2) and, in the Win32 layer, Basic credentials. Output goes to the
 * caller's buffer; nothing is allocated.
 */
#ifndef WS_B64_H
#define WS_B64_H

#include <stddef.h>
#include <stdint.h>

/* Characters b64_encode writes for |n| input bytes, without the NUL. */
#define B64_ENCODED_LEN(n) (((n) + 2) / 3 * 4)

/* Encodes in[0..len) into out, which must hold B64_ENCODED_LEN(len) + 1
 * chars: the encoding, padded with '=' to a multiple of 4, then a NUL.
 * |in| may be NULL when len == 0 (out is then ""). len must not exceed
 * SIZE_MAX / 4 * 3 - 2, so the length computation cannot overflow.
 * Returns B64_ENCODED_LEN(len). RFC 4648 §4. */
size_t b64_encode(const uint8_t *in, size_t len, char *out);

#endif /* WS_B64_H */
