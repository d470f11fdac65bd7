/* objects.h - the four kinds of WinHTTP object behind HINTERNET values.
 *
 * session (WinHttpOpen) -> connect (WinHttpConnect) -> request
 * (WinHttpOpenRequest) -> websocket (WinHttpWebSocketCompleteUpgrade).
 * Each starts with a struct wh_obj (handle.h: references, callback, lock).
 * A child copies what it inherits (callback, context, timeouts, buffer
 * sizes) when it is created; later changes to the parent do not reach it.
 * Fields below the obj header are guarded by obj.lock unless marked
 * "immutable" (set before the handle is published, never changed).
 */
#ifndef WH_OBJECTS_H
#define WH_OBJECTS_H

#include "handle.h"

/* Timeouts in milliseconds; 0 or -1 is infinite where WinHTTP says so. */
struct wh_timeouts {
    int resolve, connect, send, receive, receive_response;
};

struct wh_session {
    struct wh_obj obj;
    WCHAR *agent;             /* immutable; may be NULL */
    DWORD access_type;        /* immutable */
    WCHAR *proxy, *bypass;    /* immutable; may be NULL */
    struct wh_timeouts timeouts;
    DWORD ws_recv_buf, ws_send_buf; /* WEB_SOCKET_*_BUFFER_SIZE, copied at OpenRequest */
    DWORD redirect_policy, max_redirects; /* copied at OpenRequest */
    DWORD secure_protocols;
    HANDLE unload_event;      /* WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, or NULL */
};

struct wh_connect {
    struct wh_obj obj;
    WCHAR *host;              /* immutable */
    INTERNET_PORT port;       /* immutable; 0 = the scheme's default */
};

struct wh_session *wh_session_of(struct wh_obj *o); /* walks up parents; never NULL below a session */

#endif /* WH_OBJECTS_H */
