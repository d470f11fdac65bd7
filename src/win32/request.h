/* request.h - the request object: one HTTP exchange at a time over a
 * connection borrowed from the keep-alive pool (conn.h), and the upgrade
 * to a websocket. Fields are guarded by obj.lock except the I/O state,
 * which belongs to the one API call that set |busy| (calls on a request
 * are serialised by it; a second concurrent call gets 12019). */
#ifndef WH_REQUEST_H
#define WH_REQUEST_H

#include "conn.h"
#include "headers.h"
#include "objects.h"
#include "redirect.h"
#include "ws/http1.h"
#include "ws/ws_err.h"

enum wh_request_state {
    RQ_NEW,        /* nothing sent yet */
    RQ_SENDING,    /* head sent; WinHttpWriteData may add body bytes */
    RQ_SENT,       /* the whole request is out */
    RQ_RESPONSE,   /* response head received; the body may be read */
    RQ_UPGRADED    /* the connection went to a websocket */
};

struct wh_request {
    struct wh_obj obj;
    WCHAR *verb;                  /* changed only by a redirect, by the busy call */
    WCHAR *version;               /* immutable */
    struct wh_target target;      /* host, port, scheme, path: changed only by a redirect */
    DWORD open_flags;             /* immutable: WINHTTP_FLAG_* from OpenRequest */
    DWORD redirect_policy, max_redirects;
    BOOL no_redirects;            /* WINHTTP_DISABLE_REDIRECTS */
    BOOL host_auto;               /* the Host header is ours, redone on a redirect */
    struct wh_headers headers;
    struct wh_timeouts timeouts;
    DWORD ws_recv_buf, ws_send_buf;
    BOOL upgrade;                 /* WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET */
    BOOL busy;
    enum wh_request_state state;
    /* the exchange in progress */
    struct wh_conn *conn;
    BOOL conn_reused;
    char *head;                   /* request head bytes, kept for a retry */
    size_t head_len;
    const void *optional;         /* SendRequest's optional data (borrowed during the call) */
    DWORD optional_len;
    DWORD total_len, body_sent;
    uint8_t ws_accept_sha1[20];
    BOOL have_response;
    struct wh_response resp;
    int framing;                  /* enum http1_body */
    uint64_t body_left;           /* LENGTH: bytes still to come */
    struct http1_chunked chunked;
    size_t body_avail;            /* CHUNKED: decoded bytes at the front of the conn buffer */
    BOOL chunked_end;             /* CHUNKED: the last chunk and trailers were read */
    BOOL body_done, keep_alive;
};

/* body.c: reads and drops the rest of a body of at most |limit| bytes so
 * the connection can carry the next request (the body of a 3xx that is
 * followed). TRUE when the body ended and the connection went back to the
 * pool; FALSE (the connection still held) when it is longer, framed until
 * close, or failed. */
BOOL wh_body_discard(struct wh_request *r, size_t limit);

#endif /* WH_REQUEST_H */
