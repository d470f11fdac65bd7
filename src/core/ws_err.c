/* ws_err.c - close codes and names for the core's error enum (ws_err.h). */
#include "ws/ws_err.h"

#include <stddef.h>

uint16_t ws_err_close_code(int e)
{
    /* RFC 6455 §7.4.1: 1007 is specific to payload data that does not match
     * the message type (here: UTF-8 in text and close reasons); every other
     * peer violation is a plain protocol error. */
    if (e == WS_ERR_UTF8 || e == WS_ERR_CLOSE_UTF8)
        return 1007;
    if (e <= -200 && e > -300)
        return 1002;
    if (e <= -400 && e > -500)
        return 1009;
    return 0;
}

static const struct {
    int err;
    const char *name;
} names[] = {
    {WS_OK, "WS_OK"},
    {WS_ERR_AGAIN, "WS_ERR_AGAIN"},
    {WS_ERR_PROTO, "WS_ERR_PROTO"},
    {WS_ERR_MASKED, "WS_ERR_MASKED"},
    {WS_ERR_RSV, "WS_ERR_RSV"},
    {WS_ERR_OPCODE, "WS_ERR_OPCODE"},
    {WS_ERR_CTRL_TOO_LONG, "WS_ERR_CTRL_TOO_LONG"},
    {WS_ERR_CTRL_FRAGMENTED, "WS_ERR_CTRL_FRAGMENTED"},
    {WS_ERR_CONT_NO_MSG, "WS_ERR_CONT_NO_MSG"},
    {WS_ERR_MSG_OPEN, "WS_ERR_MSG_OPEN"},
    {WS_ERR_LEN_TOP_BIT, "WS_ERR_LEN_TOP_BIT"},
    {WS_ERR_CLOSE_LEN, "WS_ERR_CLOSE_LEN"},
    {WS_ERR_CLOSE_CODE, "WS_ERR_CLOSE_CODE"},
    {WS_ERR_UTF8, "WS_ERR_UTF8"},
    {WS_ERR_CLOSE_UTF8, "WS_ERR_CLOSE_UTF8"},
    {WS_ERR_MISUSE, "WS_ERR_MISUSE"},
    {WS_ERR_BAD_TYPE, "WS_ERR_BAD_TYPE"},
    {WS_ERR_STATE, "WS_ERR_STATE"},
    {WS_ERR_BAD_CLOSE_CODE, "WS_ERR_BAD_CLOSE_CODE"},
    {WS_ERR_REASON_TOO_LONG, "WS_ERR_REASON_TOO_LONG"},
    {WS_ERR_TOO_BIG, "WS_ERR_TOO_BIG"},
    {WS_ERR_HTTP_MALFORMED, "WS_ERR_HTTP_MALFORMED"},
    {WS_ERR_HTTP_CONTENT_LENGTH, "WS_ERR_HTTP_CONTENT_LENGTH"},
    {WS_ERR_HTTP_CHUNKED, "WS_ERR_HTTP_CHUNKED"},
    {WS_ERR_HANDSHAKE_STATUS, "WS_ERR_HANDSHAKE_STATUS"},
    {WS_ERR_HANDSHAKE_UPGRADE, "WS_ERR_HANDSHAKE_UPGRADE"},
    {WS_ERR_HANDSHAKE_CONNECTION, "WS_ERR_HANDSHAKE_CONNECTION"},
    {WS_ERR_HANDSHAKE_ACCEPT, "WS_ERR_HANDSHAKE_ACCEPT"},
    {WS_ERR_HANDSHAKE_EXTENSION, "WS_ERR_HANDSHAKE_EXTENSION"},
    {WS_ERR_HANDSHAKE_PROTOCOL, "WS_ERR_HANDSHAKE_PROTOCOL"},
    {WS_ERR_HTTP_TOO_BIG, "WS_ERR_HTTP_TOO_BIG"},
    {WS_ERR_HTTP_TOO_MANY_HEADERS, "WS_ERR_HTTP_TOO_MANY_HEADERS"},
    {WS_ERR_FATAL, "WS_ERR_FATAL"},
    {WS_ERR_NOMEM, "WS_ERR_NOMEM"},
};

const char *ws_err_name(int e)
{
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].err == e)
            return names[i].name;
    /* Positive values are counts, not errors; anything else is a value this
     * table has not caught up with. Never NULL, so callers can print it. */
    return e > 0 ? "WS_OK" : "WS_ERR_UNKNOWN";
}
