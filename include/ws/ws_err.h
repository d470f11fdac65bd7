/* ws_err.h - the one error enum of the I/O-free core.
 *
 * Every core function returns int: >= 0 is success (a count or WS_OK),
 * < 0 is one of the values below. They are grouped in bands so that a
 * caller can reason about a whole class at once:
 *   -1xx  transient: more input or more output space is needed
 *   -2xx  the peer broke RFC 6455; the connection must be failed with the
 *         close code ws_err_close_code() gives (1002 or 1007)
 *   -3xx  the caller broke the API contract (WinHTTP: parameter/state error)
 *   -4xx  a limit set by the caller was exceeded (close code 1009)
 *   -5xx  the server's HTTP response or opening handshake is unusable
 *         (RFC 9112, RFC 6455 §4.1): no WebSocket exists yet, so there is
 *         no close code; -55x are the caller's HTTP limits
 *   -9xx  fatal: the context is unusable and must be reset
 * The Win32 layer turns these into WinHTTP codes in exactly one place
 * (src/win32/errmap.c).
 */
#ifndef WS_ERR_H
#define WS_ERR_H

#include <stdint.h>

enum ws_err {
    WS_OK = 0,

    WS_ERR_AGAIN = -100,           /* need more input / output space */

    WS_ERR_PROTO = -200,           /* generic RFC 6455 violation (1002) */
    WS_ERR_MASKED = -201,          /* server frame has the MASK bit (§5.1) */
    WS_ERR_RSV = -202,             /* RSV1-3 set, no extension agreed (§5.2) */
    WS_ERR_OPCODE = -203,          /* reserved opcode 0x3-0x7, 0xB-0xF (§5.2) */
    WS_ERR_CTRL_TOO_LONG = -204,   /* control payload > 125 bytes (§5.5) */
    WS_ERR_CTRL_FRAGMENTED = -205, /* control frame without FIN (§5.5) */
    WS_ERR_CONT_NO_MSG = -206,     /* continuation with no message open (§5.4) */
    WS_ERR_MSG_OPEN = -207,        /* new data frame while a message is open (§5.4) */
    WS_ERR_LEN_TOP_BIT = -208,     /* 64-bit length with its top bit set (§5.2) */
    WS_ERR_CLOSE_LEN = -209,       /* close payload of exactly 1 byte (§5.5.1) */
    WS_ERR_CLOSE_CODE = -210,      /* close code not allowed on the wire (§7.4) */

    WS_ERR_UTF8 = -220,            /* text message is not UTF-8 (1007, §8.1) */
    WS_ERR_CLOSE_UTF8 = -221,      /* close reason is not UTF-8 (1007, §5.5.1) */

    WS_ERR_MISUSE = -300,          /* generic API misuse */
    WS_ERR_BAD_TYPE = -301,        /* buffer type not allowed here (fragment mixing, CLOSE) */
    WS_ERR_STATE = -302,           /* operation not allowed in this state */
    WS_ERR_BAD_CLOSE_CODE = -303,  /* caller asked to send a code §7.4 forbids */
    WS_ERR_REASON_TOO_LONG = -304, /* close reason > 123 bytes */

    WS_ERR_TOO_BIG = -400,         /* message exceeds the caller's bound (1009) */

    WS_ERR_HTTP_MALFORMED = -500,        /* bad status line or header field (RFC 9112 §4-5) */
    WS_ERR_HTTP_CONTENT_LENGTH = -501,   /* invalid or conflicting Content-Length (§6.3) */
    WS_ERR_HTTP_CHUNKED = -502,          /* bad chunked framing (RFC 9112 §7.1) */
    WS_ERR_HANDSHAKE_STATUS = -510,      /* upgrade answered with a status other than 101 */
    WS_ERR_HANDSHAKE_UPGRADE = -511,     /* Upgrade missing or not "websocket" (§4.1) */
    WS_ERR_HANDSHAKE_CONNECTION = -512,  /* Connection lacks the token "upgrade" (§4.1) */
    WS_ERR_HANDSHAKE_ACCEPT = -513,      /* Sec-WebSocket-Accept missing or wrong (§4.1) */
    WS_ERR_HANDSHAKE_EXTENSION = -514,   /* unrequested Sec-WebSocket-Extensions (§4.1) */
    WS_ERR_HANDSHAKE_PROTOCOL = -515,    /* unrequested Sec-WebSocket-Protocol (§4.1) */
    WS_ERR_HTTP_TOO_BIG = -550,          /* header block exceeds the caller's bound */
    WS_ERR_HTTP_TOO_MANY_HEADERS = -551, /* more header fields than the caller's array */

    WS_ERR_FATAL = -900,           /* below this the context must be reset */
    WS_ERR_NOMEM = -901
};

/* True for errors after which the context must be reset before reuse. */
static inline int ws_err_is_fatal(int e)
{
    return e <= WS_ERR_FATAL;
}

/* True for errors caused by the peer (bands -2xx and -4xx): the connection
 * must be failed by sending a close frame with ws_err_close_code(e). */
static inline int ws_err_is_peer(int e)
{
    return (e <= -200 && e > -300) || (e <= -400 && e > -500);
}

/* True for the -5xx band: the HTTP response or the opening handshake is
 * unusable. Not a peer error in the ws_err_is_peer sense: there is no
 * WebSocket to close, the connection is simply dropped. */
static inline int ws_err_is_http(int e)
{
    return e <= -500 && e > -600;
}

/* The close status a client must send after error |e| (RFC 6455 §7.4.1):
 * 1002 for protocol errors, 1007 for invalid UTF-8, 1009 for an exceeded
 * limit; 0 when |e| is not a peer error. */
uint16_t ws_err_close_code(int e);

/* A short constant name for logs and test messages ("WS_ERR_MASKED"). */
const char *ws_err_name(int e);

#endif /* WS_ERR_H */
