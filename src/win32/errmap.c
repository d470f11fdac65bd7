/* errmap.c - core error -> Win32 error, table-driven (see errmap.h).
 *
 * How the rows were chosen (websocket-api.md has the observed behaviours):
 *  - The peer broke RFC 6455 (-2xx) or exceeded our limits (-4xx): native
 *    WinHTTP reports a bad server frame as ERROR_WINHTTP_INVALID_SERVER_RESPONSE
 *    (12152, listed on the WebSocketReceive/Close pages); the application can
 *    do nothing about it but close, and that is what the code says.
 *  - The caller broke the contract (-300, -301, -303, -304): a bad buffer
 *    type, a forbidden close status or a reason over 123 bytes is rejected by
 *    native with ERROR_INVALID_PARAMETER (87) [T: fragment mixing, reason of
 *    128 bytes, status 1004...], so generic misuse is 87 too.
 *  - The server's HTTP response is broken (-50x) or is not a valid upgrade
 *    (-51x): 12152 as well; spec/websocket-api.md §2.3 recommends it for
 *    WinHttpWebSocketCompleteUpgrade's failed RFC 6455 §4.1 checks.
 *  - The response headers exceed our bounds (-55x): WinHTTP's own codes
 *    for that, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW (12182, the limit of
 *    WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE) and
 *    ERROR_WINHTTP_HEADER_COUNT_EXCEEDED (12181).
 *  - WS_ERR_STATE: "not now" (send after shutdown, second close, query
 *    before the peer's close) is ERROR_INVALID_OPERATION (4317) [T].
 *  - WS_ERR_NOMEM: ERROR_NOT_ENOUGH_MEMORY (8), as every Win32 API.
 *  - WS_ERR_AGAIN and WS_ERR_FATAL are not errors an application can meet:
 *    AGAIN means "feed more / flush first" and the Win32 layer handles it
 *    before returning; FATAL is the band threshold, never returned on its
 *    own. Seeing either here is our bug, so ERROR_INTERNAL_ERROR (1359).
 */
#include "errmap.h"

#include <winhttp.h>

#include "ws/ws_err.h"

static const struct {
    int ws;
    DWORD win32;
} errmap[] = {
    /* peer protocol errors, RFC 6455 §5 and §7.4 */
    {WS_ERR_PROTO, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_MASKED, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_RSV, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_OPCODE, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CTRL_TOO_LONG, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CTRL_FRAGMENTED, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CONT_NO_MSG, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_MSG_OPEN, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_LEN_TOP_BIT, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CLOSE_LEN, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CLOSE_CODE, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    /* invalid UTF-8 from the peer (close code 1007) is still a bad response */
    {WS_ERR_UTF8, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_CLOSE_UTF8, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    /* the peer sent more than our configured bound (close code 1009) */
    {WS_ERR_TOO_BIG, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    /* the server's HTTP response (RFC 9112) and upgrade (RFC 6455 §4.1) */
    {WS_ERR_HTTP_MALFORMED, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HTTP_CONTENT_LENGTH, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HTTP_CHUNKED, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_STATUS, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_UPGRADE, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_CONNECTION, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_ACCEPT, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_EXTENSION, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HANDSHAKE_PROTOCOL, ERROR_WINHTTP_INVALID_SERVER_RESPONSE},
    {WS_ERR_HTTP_TOO_BIG, ERROR_WINHTTP_HEADER_SIZE_OVERFLOW},
    {WS_ERR_HTTP_TOO_MANY_HEADERS, ERROR_WINHTTP_HEADER_COUNT_EXCEEDED},
    /* the application's mistakes */
    {WS_ERR_MISUSE, ERROR_INVALID_PARAMETER},
    {WS_ERR_BAD_TYPE, ERROR_INVALID_PARAMETER},
    {WS_ERR_BAD_CLOSE_CODE, ERROR_INVALID_PARAMETER},
    {WS_ERR_REASON_TOO_LONG, ERROR_INVALID_PARAMETER},
    {WS_ERR_STATE, ERROR_INVALID_OPERATION},
    /* resources */
    {WS_ERR_NOMEM, ERROR_NOT_ENOUGH_MEMORY},
    /* internal: must never reach an application (see the header comment) */
    {WS_ERR_AGAIN, ERROR_INTERNAL_ERROR},
    {WS_ERR_FATAL, ERROR_INTERNAL_ERROR},
};

DWORD wh_err_from_ws(int e)
{
    size_t i;

    if (e >= 0)
        return ERROR_SUCCESS;
    for (i = 0; i < sizeof(errmap) / sizeof(errmap[0]); i++)
        if (errmap[i].ws == e)
            return errmap[i].win32;
    return ERROR_INTERNAL_ERROR;
}
