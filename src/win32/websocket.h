/* websocket.h - the websocket object behind WinHttpWebSocket* calls.
 *
 * Ownership: the websocket owns its connection for good (never pooled). The
 * application's buffers are borrowed only for the duration of a call.
 *
 * Locking: obj.lock guards the state flags below. send_lock serialises
 * everything written to the wire (application frames, pongs, close
 * frames, keep-alives) so frames never interleave. The receive side is used
 * by one call at a time (recv_busy, or close_busy while Close reads the
 * peer's close frame), so rx and the connection's input need no lock.
 * Close takes the receive side from a pending Receive by setting
 * recv_cancel and waiting for recv_busy to clear: the Receive sees the
 * flag each time its wait ends and returns 12017 without touching input.
 */
#ifndef WH_WEBSOCKET_H
#define WH_WEBSOCKET_H

#include "conn.h"
#include "handle.h"
#include "winapi.h"
#include "ws/ws_msg.h"

struct wh_websocket {
    struct wh_obj obj;
    struct wh_conn *conn;
    struct ws_receiver rx;
    struct ws_sender tx;
    CRITICAL_SECTION send_lock;
    unsigned char *sbuf;       /* masking buffer for outgoing frames (send_lock; grows) */
    size_t sbuf_cap;
    int send_ms;               /* timeouts inherited from the request */
    DWORD close_timeout_ms;    /* WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT */
    DWORD keepalive_ms;        /* WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL */
    struct wh_timer keepalive_timer;
    volatile LONG last_send_tick;
    volatile LONG recv_cancel; /* set once by Close: a waiting Receive gives up */
    /* state (obj.lock) */
    BOOL recv_busy, send_busy, close_busy;
    BOOL close_sent;           /* our close frame went out (Shutdown or Close) */
    BOOL close_received;       /* the peer's close frame was read */
    BOOL close_reported;       /* ... and a Receive returned CLOSE_BUFFER_TYPE */
    BOOL closed;               /* Close completed; the TCP connection is gone */
    DWORD abort_error;         /* non-zero: the connection failed with this */
};

/* Creates the websocket object for a request whose 101 response was
 * validated, taking over |conn| (with any bytes already buffered). */
DWORD wh_websocket_create(struct wh_obj *request, struct wh_conn *conn, DWORD_PTR context,
                          int send_ms, HINTERNET *out);

/* WinHttpSetOption/QueryOption on a websocket handle. */
BOOL wh_websocket_set_option(struct wh_websocket *ws, DWORD option, const void *buf, DWORD len,
                             DWORD *err);

#endif /* WH_WEBSOCKET_H */
