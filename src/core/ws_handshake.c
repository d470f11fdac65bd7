/* ws_handshake.c - the client's opening handshake checks (ws_handshake.h,
 * RFC 6455 §4.1). */
#include "ws/ws_handshake.h"

#include <string.h>

#include "ws/b64.h"
#include "ws/ws_err.h"

static const char k_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

void ws_handshake_key(const uint8_t nonce[16], char out[WS_HANDSHAKE_KEY_LEN + 1])
{
    b64_encode(nonce, 16, out);
}

size_t ws_handshake_accept_input(const char key[WS_HANDSHAKE_KEY_LEN],
                                 char out[WS_HANDSHAKE_ACCEPT_INPUT_LEN + 1])
{
    memcpy(out, key, WS_HANDSHAKE_KEY_LEN);
    memcpy(out + WS_HANDSHAKE_KEY_LEN, k_guid, sizeof(k_guid)); /* with its NUL */
    return WS_HANDSHAKE_ACCEPT_INPUT_LEN;
}

int ws_handshake_accept_matches(const char *value, size_t value_len, const uint8_t sha1_digest[20])
{
    char want[B64_ENCODED_LEN(20) + 1];
    size_t n = b64_encode(sha1_digest, 20, want);

    /* http1_parse_response already trims, but callers may pass raw text. */
    while (value_len && (*value == ' ' || *value == '\t')) {
        value++;
        value_len--;
    }
    while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
        value_len--;
    return value_len == n && memcmp(value, want, n) == 0;
}

/* The only |name| header, or NULL when there is none or more than one. */
static const struct http1_header *single_header(const struct http1_response *resp, const char *name)
{
    const struct http1_header *h = http1_find_header(resp, name, 0);

    return h && !http1_find_header(resp, name, 1) ? h : NULL;
}

/* Whether any |name| header has a non-empty value. */
static int has_nonempty(const struct http1_response *resp, const char *name)
{
    const struct http1_header *h;
    size_t i;

    for (i = 0; (h = http1_find_header(resp, name, i)) != NULL; i++)
        if (h->value_len)
            return 1;
    return 0;
}

int ws_handshake_check_response(const struct http1_response *resp, const uint8_t expected_sha1[20],
                                int protocol_requested)
{
    const struct http1_header *h;

    if (resp->status != 101)
        return WS_ERR_HANDSHAKE_STATUS;
    h = single_header(resp, "Upgrade");
    if (!h || !http1_iequals(h->value, h->value_len, "websocket", 9))
        return WS_ERR_HANDSHAKE_UPGRADE;
    if (!http1_header_has_token(resp, "Connection", "upgrade"))
        return WS_ERR_HANDSHAKE_CONNECTION;
    h = single_header(resp, "Sec-WebSocket-Accept");
    if (!h || !ws_handshake_accept_matches(h->value, h->value_len, expected_sha1))
        return WS_ERR_HANDSHAKE_ACCEPT;
    if (has_nonempty(resp, "Sec-WebSocket-Extensions"))
        return WS_ERR_HANDSHAKE_EXTENSION;
    if (!protocol_requested && has_nonempty(resp, "Sec-WebSocket-Protocol"))
        return WS_ERR_HANDSHAKE_PROTOCOL;
    return WS_OK;
}
