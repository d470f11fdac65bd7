/* ws_handshake.h - the client's side of the WebSocket opening handshake
 * (RFC 6455 §4.1).
 *
 * The request needs a Sec-WebSocket-Key: base64 of 16 random bytes, which
 * the caller supplies (the core has no random source). The server must
 * answer 101 with Upgrade: websocket, Connection: upgrade and
 * Sec-WebSocket-Accept = base64(SHA-1(key || GUID)). The core has no SHA-1:
 * it builds the bytes to hash (ws_handshake_accept_input), the caller
 * hashes them (the DLL with OpenSSL's SHA1) and hands back the digest, and
 * ws_handshake_check_response checks the whole parsed response against it.
 * We never offer extensions, so any the server names is an error.
 */
#ifndef WS_HANDSHAKE_H
#define WS_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "ws/http1.h"

/* Length of a Sec-WebSocket-Key (base64 of 16 bytes) and of the SHA-1
 * input key || "258EAFA5-E914-47DA-95CA-C5AB0DC85B11". */
#define WS_HANDSHAKE_KEY_LEN 24
#define WS_HANDSHAKE_ACCEPT_INPUT_LEN 60

/* Writes the Sec-WebSocket-Key for |nonce| (16 bytes from a strong random
 * source, new for every request, RFC 6455 §4.1 item 7): 24 base64 chars
 * and a NUL. */
void ws_handshake_key(const uint8_t nonce[16], char out[WS_HANDSHAKE_KEY_LEN + 1]);

/* Writes the 60 bytes whose SHA-1 the server's Sec-WebSocket-Accept must
 * encode (|key| as sent, then the RFC 6455 §1.3 GUID) and a NUL. Returns 60,
 * the length to hash. */
size_t ws_handshake_accept_input(const char key[WS_HANDSHAKE_KEY_LEN],
                                 char out[WS_HANDSHAKE_ACCEPT_INPUT_LEN + 1]);

/* Whether a Sec-WebSocket-Accept value[0..value_len) is base64(sha1_digest)
 * (RFC 6455 §4.1 item 4 of the response checks): exact, case-sensitive
 * comparison after trimming SP/HTAB around it. |value| may be NULL when
 * value_len == 0. Returns 1 or 0. */
int ws_handshake_accept_matches(const char *value, size_t value_len, const uint8_t sha1_digest[20]);

/* Checks a parsed response to the upgrade request (RFC 6455 §4.1, the
 * client's checks, in this order). |expected_sha1| is SHA-1 of
 * ws_handshake_accept_input for the key sent; |protocol_requested| is
 * non-zero when the request carried a Sec-WebSocket-Protocol (whether the
 * server's choice is acceptable is then the application's business).
 * Returns WS_OK, or:
 *   WS_ERR_HANDSHAKE_STATUS      the status is not 101;
 *   WS_ERR_HANDSHAKE_UPGRADE     no Upgrade header, more than one, or its
 *                                value is not "websocket" (any case);
 *   WS_ERR_HANDSHAKE_CONNECTION  no Connection header has token "upgrade";
 *   WS_ERR_HANDSHAKE_ACCEPT      Sec-WebSocket-Accept missing, repeated or
 *                                not equal to base64(expected_sha1);
 *   WS_ERR_HANDSHAKE_EXTENSION   a non-empty Sec-WebSocket-Extensions (we
 *                                offer none, so any is unrequested);
 *   WS_ERR_HANDSHAKE_PROTOCOL    a non-empty Sec-WebSocket-Protocol although
 *                                none was requested.
 * After WS_OK, the bytes after the header block are WebSocket frames. */
int ws_handshake_check_response(const struct http1_response *resp, const uint8_t expected_sha1[20],
                                int protocol_requested);

#endif /* WS_HANDSHAKE_H */
