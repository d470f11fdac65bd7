/* request.c - WinHttpOpenRequest, SendRequest, WriteData, ReceiveResponse,
 * QueryDataAvailable, ReadData, AddRequestHeaders, QueryHeaders and
 * WinHttpWebSocketCompleteUpgrade. Rules: request.h, docs/design/win32.md.
 *
 * Synchronous handles run each operation on the calling thread: try the
 * non-blocking call, wait for the socket, try again (conn.h). */
#include "request.h"

#include <openssl/sha.h>
#include <string.h>

#include "rand.h"
#include "strutil.h"
#include "websocket.h"
#include "ws/ws_handshake.h"

#define DEFAULT_HTTP_PORT 80
#define DEFAULT_HTTPS_PORT 443
#define REDIRECT_BODY_MAX 65536 /* a longer 3xx body costs the connection, not the time */

/* ---- objects ------------------------------------------------------------ */

static void drop_conn(struct wh_request *r, BOOL reusable)
{
    wh_conn_put(r->conn, reusable);
    r->conn = NULL;
}

static void request_close(struct wh_obj *o)
{
    struct wh_request *r = (struct wh_request *)o;

    /* A call blocked on the socket wakes and fails with 12017; it owns the
     * connection, so only the wake-up is done here. */
    EnterCriticalSection(&o->lock);
    if (r->conn)
        wh_conn_cancel(r->conn);
    LeaveCriticalSection(&o->lock);
}

static void request_destroy(struct wh_obj *o)
{
    struct wh_request *r = (struct wh_request *)o;

    drop_conn(r, FALSE);
    wh_headers_free(&r->headers);
    wh_response_free(&r->resp);
    wh_free(r->head);
    wh_free(r->verb);
    wh_target_free(&r->target);
    wh_free(r->version);
    wh_free(r);
}

static const struct wh_obj_ops request_ops = {request_close, request_destroy};

static struct wh_request *grab(HINTERNET h, DWORD *err)
{
    return (struct wh_request *)wh_handle_grab(h, WINHTTP_HANDLE_TYPE_REQUEST, err);
}

static BOOL finish(struct wh_obj *o, DWORD err)
{
    if (o)
        wh_obj_release(o);
    SetLastError(err);
    return err == ERROR_SUCCESS;
}

static DWORD add_accept_types(struct wh_request *r, LPCWSTR *types)
{
    DWORD err = ERROR_SUCCESS;

    for (; types && *types && !err; types++) {
        WCHAR *line = wh_alloc((wcslen(*types) + 9) * sizeof(WCHAR));

        if (!line)
            return ERROR_NOT_ENOUGH_MEMORY;
        wcscpy(line, L"Accept: ");
        wcscat(line, *types);
        err = wh_headers_add(&r->headers, line, (DWORD)-1,
                             WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA);
        wh_free(line);
    }
    return err;
}

HINTERNET WINAPI WinHttpOpenRequest(HINTERNET connect, LPCWSTR verb, LPCWSTR object,
                                    LPCWSTR version, LPCWSTR referrer, LPCWSTR *accept_types,
                                    DWORD flags)
{
    struct wh_obj *parent;
    struct wh_request *r;
    struct wh_session *s;
    DWORD err;
    HINTERNET h;

    if (!(parent = wh_handle_grab(connect, WINHTTP_HANDLE_TYPE_CONNECT, &err)))
        return finish(NULL, err), NULL;
    if (!(r = wh_alloc_zero(sizeof(*r))))
        return finish(parent, ERROR_NOT_ENOUGH_MEMORY), NULL;
    /* NULL verb is GET; NULL or empty object is "/" (exports.md §5). */
    r->verb = wh_wcsdup(verb && *verb ? verb : L"GET");
    r->version = wh_wcsdup(version && *version ? version : L"HTTP/1.1");
    r->open_flags = flags;
    r->target.path = wh_wcsdup(object && *object ? object : L"/");
    r->target.host = wh_wcsdup(((struct wh_connect *)parent)->host);
    r->target.secure = (flags & WINHTTP_FLAG_SECURE) != 0;
    r->target.port = ((struct wh_connect *)parent)->port;
    if (!r->target.port)
        r->target.port = r->target.secure ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT;
    s = wh_session_of(parent);
    EnterCriticalSection(&s->obj.lock);
    r->timeouts = s->timeouts;
    r->ws_recv_buf = s->ws_recv_buf;
    r->ws_send_buf = s->ws_send_buf;
    r->redirect_policy = s->redirect_policy;
    r->max_redirects = s->max_redirects;
    LeaveCriticalSection(&s->obj.lock);
    err = (!r->verb || !r->target.path || !r->target.host || !r->version) ? ERROR_NOT_ENOUGH_MEMORY
                                                                          : ERROR_SUCCESS;
    if (!err && referrer && *referrer)
        err = wh_headers_set(&r->headers, L"Referer", referrer);
    if (!err)
        err = add_accept_types(r, accept_types);
    if (!err && (err = wh_obj_register(&r->obj, WINHTTP_HANDLE_TYPE_REQUEST, parent, &request_ops)))
        wh_obj_abandon(&r->obj);
    if (err) {
        request_destroy(&r->obj);
        return finish(parent, err), NULL;
    }
    h = r->obj.handle;
    wh_notify(&r->obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof(h));
    finish(parent, ERROR_SUCCESS);
    return h;
}

/* Takes the request for one call; the second of two concurrent calls on
 * one request fails (async-model.md §5). */
static DWORD begin(struct wh_request *r)
{
    DWORD err = ERROR_SUCCESS;

    EnterCriticalSection(&r->obj.lock);
    if (r->busy)
        err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else
        r->busy = TRUE;
    LeaveCriticalSection(&r->obj.lock);
    return err;
}

static void end(struct wh_request *r)
{
    EnterCriticalSection(&r->obj.lock);
    r->busy = FALSE;
    LeaveCriticalSection(&r->obj.lock);
}

/* ---- sending ---------------------------------------------------------- */

/* Writes |v| in decimal at |dst| with a NUL. (swprintf would pull mingw's
 * whole wide printf engine into the DLL for two numbers.) */
static void format_decimal(WCHAR *dst, unsigned long v)
{
    WCHAR tmp[24];
    int n = 0;

    do {
        tmp[n++] = (WCHAR)(L'0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *dst++ = tmp[--n];
    *dst = 0;
}

/* Host, User-Agent, Content-Length and, for an upgrade, the RFC 6455 §4.1
 * headers with a fresh key. An application's own Host or User-Agent wins. */
static DWORD add_automatic_headers(struct wh_request *r)
{
    WCHAR buf[64];
    struct wh_session *s = wh_session_of(&r->obj);
    unsigned short port = r->target.port;
    BOOL default_port = port == (r->target.secure ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT);
    WCHAR *host = wh_alloc((wcslen(r->target.host) + 8) * sizeof(WCHAR));
    DWORD err = host ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;

    if (!err && !wh_headers_get(&r->headers, L"Host", 0)) {
        wcscpy(host, r->target.host);
        if (!default_port) {
            wcscat(host, L":");
            format_decimal(host + wcslen(host), port);
        }
        err = wh_headers_set(&r->headers, L"Host", host);
        r->host_auto = TRUE;
    }
    wh_free(host);
    if (!err && s->agent && *s->agent && !wh_headers_get(&r->headers, L"User-Agent", 0))
        err = wh_headers_set(&r->headers, L"User-Agent", s->agent);
    if (!err && (r->total_len || (wcscmp(r->verb, L"GET") && wcscmp(r->verb, L"HEAD")))) {
        format_decimal(buf, r->total_len);
        err = wh_headers_set(&r->headers, L"Content-Length", buf);
    }
    if (!err && r->upgrade) {
        uint8_t nonce[16];
        char key[WS_HANDSHAKE_KEY_LEN + 1], input[WS_HANDSHAKE_ACCEPT_INPUT_LEN + 1];
        size_t n;

        if (!wh_rand_bytes(nonce, sizeof(nonce)))
            return ERROR_INTERNAL_ERROR;
        ws_handshake_key(nonce, key);
        n = ws_handshake_accept_input(key, input);
        SHA1((const unsigned char *)input, n, r->ws_accept_sha1);
        for (n = 0; n <= WS_HANDSHAKE_KEY_LEN; n++)
            buf[n] = (WCHAR)(unsigned char)key[n];
        /* The tested native lines exactly (websocket-api.md §2.2). */
        err = wh_headers_set(&r->headers, L"Upgrade", L"websocket");
        if (!err)
            err = wh_headers_set(&r->headers, L"Connection", L"Upgrade");
        if (!err)
            err = wh_headers_set(&r->headers, L"Sec-WebSocket-Key", buf);
        if (!err)
            err = wh_headers_set(&r->headers, L"Sec-WebSocket-Version", L"13");
    }
    return err;
}

static void ev_resolving(void *ctx, const WCHAR *host)
{
    wh_notify(ctx, WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, (void *)host,
              (DWORD)((wcslen(host) + 1) * sizeof(WCHAR)));
}
static void ev_resolved(void *ctx, const WCHAR *addr)
{
    wh_notify(ctx, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, (void *)addr,
              (DWORD)((wcslen(addr) + 1) * sizeof(WCHAR)));
}
static void ev_connecting(void *ctx, const WCHAR *addr)
{
    wh_notify(ctx, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, (void *)addr,
              (DWORD)((wcslen(addr) + 1) * sizeof(WCHAR)));
}
static void ev_connected(void *ctx, const WCHAR *addr)
{
    wh_notify(ctx, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, (void *)addr,
              (DWORD)((wcslen(addr) + 1) * sizeof(WCHAR)));
}

/* The request head from the current verb, target and headers. */
static DWORD build_head(struct wh_request *r)
{
    DWORD err = add_automatic_headers(r);

    wh_free(r->head);
    r->head = NULL;
    if (!err && !(r->head = wh_request_head(r->verb, r->target.path, r->version, &r->headers,
                                            &r->head_len)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    return err;
}

/* Opens (or takes from the pool) a connection and writes head + optional. */
static DWORD transmit(struct wh_request *r, BOOL fresh)
{
    struct wh_connect_events ev = {ev_resolving, ev_resolved, ev_connecting, ev_connected, r};
    struct wh_conn *conn;
    DWORD err, sent;

    if (r->target.secure)
        return ERROR_NOT_SUPPORTED; /* TLS comes with the OpenSSL stream */
    if (fresh) {
        /* A retry must not get another pooled connection the server may
         * have dropped as well. */
        err = wh_conn_open(r->target.host, r->target.port, FALSE, r->timeouts.connect, &ev,
                           &r->conn_reused, &conn);
        if (!err && r->conn_reused) {
            wh_conn_free(conn);
            return transmit(r, TRUE);
        }
    } else {
        err = wh_conn_open(r->target.host, r->target.port, FALSE, r->timeouts.connect, &ev,
                           &r->conn_reused, &conn);
    }
    if (err)
        return err;
    EnterCriticalSection(&r->obj.lock);
    r->conn = conn;
    LeaveCriticalSection(&r->obj.lock);
    wh_notify(&r->obj, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, NULL, 0);
    err = wh_conn_send_all(conn, r->head, r->head_len, r->timeouts.send);
    if (!err && r->optional_len)
        err = wh_conn_send_all(conn, r->optional, r->optional_len, r->timeouts.send);
    if (err)
        return err;
    sent = (DWORD)r->head_len + r->optional_len;
    wh_notify(&r->obj, WINHTTP_CALLBACK_STATUS_REQUEST_SENT, &sent, sizeof(sent));
    return ERROR_SUCCESS;
}

/* Forgets the previous exchange: its connection goes back to the pool only
 * when its body was read to the end. */
static void reset_exchange(struct wh_request *r)
{
    EnterCriticalSection(&r->obj.lock);
    if (r->conn)
        drop_conn(r, r->state == RQ_RESPONSE && r->body_done && r->keep_alive);
    wh_response_free(&r->resp);
    r->have_response = FALSE;
    r->state = RQ_NEW;
    LeaveCriticalSection(&r->obj.lock);
    wh_free(r->head);
    r->head = NULL;
    r->body_sent = 0;
    r->body_done = FALSE;
    r->body_avail = 0;
}

BOOL WINAPI WinHttpSendRequest(HINTERNET h, LPCWSTR headers, DWORD headers_len, LPVOID optional,
                               DWORD optional_len, DWORD total_len, DWORD_PTR context)
{
    struct wh_request *r;
    DWORD err;

    if (!(r = grab(h, &err)))
        return finish(NULL, err);
    if (r->obj.async)
        return finish(&r->obj, ERROR_NOT_SUPPORTED); /* async I/O: a later issue */
    if ((headers_len && !headers) || (optional_len && !optional))
        return finish(&r->obj, ERROR_INVALID_PARAMETER);
    if ((err = begin(r)))
        return finish(&r->obj, err);
    /* A non-zero context replaces the handle's (async-model.md §2.3). */
    if (context) {
        EnterCriticalSection(&r->obj.lock);
        r->obj.context = context;
        LeaveCriticalSection(&r->obj.lock);
    }
    reset_exchange(r);
    if (r->upgrade && r->ws_send_buf < 16)
        err = ERROR_NOT_ENOUGH_MEMORY; /* websocket-api.md §2.2 */
    if (!err && headers && headers_len)
        err = wh_headers_add(&r->headers, headers, headers_len,
                             WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE);
    r->total_len = total_len > optional_len ? total_len : optional_len;
    if (!err)
        err = build_head(r);
    r->optional = optional;
    r->optional_len = optional_len;
    if (!err)
        err = transmit(r, FALSE);
    r->optional = NULL;
    r->body_sent = optional_len;
    if (!err)
        r->state = r->body_sent < r->total_len ? RQ_SENDING : RQ_SENT;
    else
        reset_exchange(r);
    end(r);
    return finish(&r->obj, err);
}

BOOL WINAPI WinHttpWriteData(HINTERNET h, LPCVOID buf, DWORD len, LPDWORD written)
{
    struct wh_request *r;
    DWORD err;

    if (!(r = grab(h, &err)))
        return finish(NULL, err);
    if ((!buf && len) || (!written && !r->obj.async))
        return finish(&r->obj, ERROR_INVALID_PARAMETER);
    if ((err = begin(r)))
        return finish(&r->obj, err);
    if (r->state != RQ_SENDING)
        err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (len)
        err = wh_conn_send_all(r->conn, buf, len, r->timeouts.send);
    if (!err) {
        r->body_sent += len;
        if (r->body_sent >= r->total_len)
            r->state = RQ_SENT;
        if (written)
            *written = len;
    }
    end(r);
    return finish(&r->obj, err);
}

/* ---- receiving -------------------------------------------------------- */

/* How long the next wait for response-head bytes may take. Native bounds
 * it twice: each read by the receive timeout (WinHttpSetTimeouts; "applied
 * to fetching each packet"), the whole head by RECEIVE_RESPONSE_TIMEOUT.
 * Returns 0 once the head's time is up. */
static int head_wait_ms(const struct wh_request *r, DWORD start)
{
    int ms = r->timeouts.receive, whole = r->timeouts.receive_response;
    DWORD spent;

    if (WH_INFINITE_MS(whole))
        return WH_INFINITE_MS(ms) ? -1 : ms;
    spent = GetTickCount() - start;
    if (spent >= (DWORD)whole)
        return 0;
    if (WH_INFINITE_MS(ms) || (DWORD)ms > (DWORD)whole - spent)
        ms = (int)((DWORD)whole - spent);
    return ms;
}

/* Reads until a complete response head is buffered; returns its length. */
static DWORD read_head(struct wh_request *r, size_t *head_len)
{
    struct http1_header fields[WH_MAX_RESPONSE_HEADERS];
    struct http1_response resp;
    DWORD start = GetTickCount();
    int rc, ms;
    DWORD err;

    for (;;) {
        memset(&resp, 0, sizeof(resp));
        resp.headers = fields;
        resp.max_headers = WH_MAX_RESPONSE_HEADERS;
        resp.max_block_len = WH_CONN_BUF;
        rc = http1_parse_response((const char *)wh_conn_data(r->conn),
                                  wh_conn_buffered(r->conn), &resp);
        if (rc > 0) {
            *head_len = (size_t)rc;
            return ERROR_SUCCESS;
        }
        if (rc != WS_ERR_AGAIN)
            return rc == WS_ERR_HTTP_TOO_BIG ? ERROR_WINHTTP_HEADER_SIZE_OVERFLOW
                                             : ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        if (r->conn->eof)
            return wh_conn_buffered(r->conn) ? ERROR_WINHTTP_INVALID_SERVER_RESPONSE
                                             : ERROR_WINHTTP_CONNECTION_ERROR;
        if (!(ms = head_wait_ms(r, start)))
            return ERROR_WINHTTP_TIMEOUT;
        err = wh_conn_fill_wait(r->conn, ms);
        if (err == ERROR_INSUFFICIENT_BUFFER)
            return ERROR_WINHTTP_HEADER_SIZE_OVERFLOW;
        if (err)
            return err;
    }
}

/* Takes the response head: stores it, skips interim 1xx responses (101
 * is final for an upgrade), decides the body framing. */
static DWORD take_response(struct wh_request *r)
{
    size_t len;
    DWORD err, received;
    uint64_t clen = 0;

    for (;;) {
        if ((err = read_head(r, &len)))
            return err;
        wh_response_free(&r->resp);
        err = wh_response_set(&r->resp, (const char *)wh_conn_data(r->conn), len);
        wh_conn_consume(r->conn, len);
        if (err)
            return err;
        if (r->resp.parsed.status >= 200 || r->resp.parsed.status == 101)
            break;
    }
    received = (DWORD)len;
    r->framing = http1_body_framing(&r->resp.parsed,
                                    wcscmp(r->verb, L"HEAD") ? 0u : HTTP1_REQ_HEAD, &clen);
    if (r->framing < 0)
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    r->keep_alive = http1_keep_alive(&r->resp.parsed, r->framing) > 0;
    r->body_left = clen;
    http1_chunked_init(&r->chunked);
    r->chunked_end = FALSE;
    r->body_avail = 0;
    r->body_done = r->framing == HTTP1_BODY_NONE ||
                   (r->framing == HTTP1_BODY_LENGTH && clen == 0);
    r->have_response = TRUE;
    wh_notify(&r->obj, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, &received, sizeof(received));
    return ERROR_SUCCESS;
}

/* A pooled connection the server had already dropped shows as a reset or
 * an end of stream before any byte: send the request again, once, on a new
 * connection (only possible when no WriteData body was streamed). */
static DWORD receive_with_retry(struct wh_request *r)
{
    DWORD err;

    wh_notify(&r->obj, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, NULL, 0);
    err = take_response(r);
    if (err == ERROR_WINHTTP_CONNECTION_ERROR && r->conn_reused && !r->optional_len &&
        r->total_len == 0) {
        EnterCriticalSection(&r->obj.lock);
        drop_conn(r, FALSE);
        LeaveCriticalSection(&r->obj.lock);
        if (!(err = transmit(r, TRUE)))
            err = take_response(r);
    }
    return err;
}

static void body_finished(struct wh_request *r)
{
    r->body_done = TRUE;
    if (r->resp.parsed.status != 101) {
        EnterCriticalSection(&r->obj.lock);
        drop_conn(r, r->keep_alive);
        LeaveCriticalSection(&r->obj.lock);
    }
}

/* Points the request at |next| (taking its strings) with |verb|, drops the
 * body when the verb changed, and forgets headers that belonged to the old
 * target or body so build_head redoes them. */
static DWORD retarget(struct wh_request *r, struct wh_target *next, const WCHAR *verb)
{
    WCHAR *new_verb = verb == r->verb ? NULL : wh_wcsdup(verb);
    DWORD err = (verb != r->verb && !new_verb) ? ERROR_NOT_ENOUGH_MEMORY : ERROR_SUCCESS;

    EnterCriticalSection(&r->obj.lock);
    if (!err) {
        wh_target_free(&r->target);
        r->target = *next;
        memset(next, 0, sizeof(*next));
        if (new_verb) {
            wh_free(r->verb);
            r->verb = new_verb;
            r->total_len = r->optional_len = 0;
        }
        if (r->host_auto)
            wh_headers_add(&r->headers, L"Host:", (DWORD)-1, WINHTTP_ADDREQ_FLAG_REPLACE);
        r->host_auto = FALSE;
        wh_headers_add(&r->headers, L"Content-Length:", (DWORD)-1, WINHTTP_ADDREQ_FLAG_REPLACE);
        wh_response_free(&r->resp);
        r->have_response = FALSE;
    }
    LeaveCriticalSection(&r->obj.lock);
    return err;
}

/* Decides on the 3xx just taken (redirect.h); when it is to be followed,
 * sends the request to its new target. *again tells the caller to take
 * the next response. */
static DWORD redirect_step(struct wh_request *r, DWORD *hops, BOOL *again)
{
    DWORD status = (DWORD)r->resp.parsed.status, err;
    const WCHAR *verb = wh_redirect_verb(status, r->verb);
    const struct http1_header *loc;
    struct wh_target next;
    BOOL follow;
    WCHAR *url;

    *again = FALSE;
    if (!wh_redirect_status(status) || r->no_redirects)
        return ERROR_SUCCESS;
    /* A 307/308 must resend the body, which SendRequest only borrowed. */
    if (verb == r->verb && r->total_len)
        return ERROR_SUCCESS;
    if (!(loc = http1_find_header(&r->resp.parsed, "Location", 0)))
        return ERROR_SUCCESS;
    err = wh_redirect_resolve(&r->target, loc->value, loc->value_len, r->redirect_policy,
                              &follow, &next, &url);
    if (err || !follow)
        return err;
    if (++*hops > r->max_redirects) {
        wh_target_free(&next);
        wh_free(url);
        return ERROR_WINHTTP_REDIRECT_FAILED;
    }
    wh_notify(&r->obj, WINHTTP_CALLBACK_STATUS_REDIRECT, url,
              (DWORD)((wcslen(url) + 1) * sizeof(WCHAR)));
    wh_free(url);
    if (r->conn && !wh_body_discard(r, REDIRECT_BODY_MAX)) {
        EnterCriticalSection(&r->obj.lock);
        drop_conn(r, FALSE);
        LeaveCriticalSection(&r->obj.lock);
    }
    err = retarget(r, &next, verb);
    wh_target_free(&next);
    if (!err)
        err = build_head(r);
    if (!err)
        err = transmit(r, FALSE);
    *again = !err;
    return err;
}

static DWORD receive_response(struct wh_request *r)
{
    DWORD err, hops = 0;
    BOOL again;

    if (r->state == RQ_SENDING && r->body_sent >= r->total_len)
        r->state = RQ_SENT;
    if (r->state != RQ_SENT)
        return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    do {
        if (!(err = receive_with_retry(r))) {
            r->state = RQ_RESPONSE;
            if (r->body_done)
                body_finished(r);
            err = redirect_step(r, &hops, &again);
        }
    } while (!err && again);
    if (err) {
        r->state = RQ_SENT;
        EnterCriticalSection(&r->obj.lock);
        if (r->conn)
            drop_conn(r, FALSE);
        LeaveCriticalSection(&r->obj.lock);
    }
    return err;
}

BOOL WINAPI WinHttpReceiveResponse(HINTERNET h, LPVOID reserved)
{
    struct wh_request *r;
    DWORD err;

    (void)reserved;
    if (!(r = grab(h, &err)))
        return finish(NULL, err);
    if (r->obj.async)
        return finish(&r->obj, ERROR_NOT_SUPPORTED);
    if ((err = begin(r)))
        return finish(&r->obj, err);
    err = receive_response(r);
    end(r);
    return finish(&r->obj, err);
}

/* ---- headers and the upgrade -------------------------------------------- */

BOOL WINAPI WinHttpAddRequestHeaders(HINTERNET h, LPCWSTR headers, DWORD len, DWORD modifiers)
{
    struct wh_request *r;
    DWORD err;

    if (!(r = grab(h, &err)))
        return finish(NULL, err);
    if (!headers || !len)
        return finish(&r->obj, ERROR_INVALID_PARAMETER);
    EnterCriticalSection(&r->obj.lock);
    err = wh_headers_add(&r->headers, headers, len, modifiers);
    LeaveCriticalSection(&r->obj.lock);
    return finish(&r->obj, err);
}

BOOL WINAPI WinHttpQueryHeaders(HINTERNET h, DWORD level, LPCWSTR name, LPVOID buf, LPDWORD len,
                                LPDWORD index)
{
    struct wh_request *r;
    DWORD err;

    if (!(r = grab(h, &err)))
        return finish(NULL, err);
    if (!len)
        return finish(&r->obj, ERROR_INVALID_PARAMETER);
    EnterCriticalSection(&r->obj.lock);
    err = wh_query_headers(r->have_response ? &r->resp : NULL, &r->headers, r->verb, r->target.path,
                           r->version, level, name, buf, len, index);
    LeaveCriticalSection(&r->obj.lock);
    return finish(&r->obj, err);
}

/* websocket-api.md §2.4: checks the 101 (reading it first if the
 * application did not call WinHttpReceiveResponse) and hands the
 * connection, with any frames already buffered, to a new websocket. */
HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(HINTERNET h, DWORD_PTR context)
{
    struct wh_request *r;
    HINTERNET ws = NULL;
    DWORD err;

    if (!(r = grab(h, &err)))
        return finish(NULL, err), NULL;
    if ((err = begin(r)))
        return finish(&r->obj, err), NULL;
    if (!r->upgrade)
        err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (r->state == RQ_SENT || r->state == RQ_SENDING)
        err = receive_response(r);
    else if (r->state != RQ_RESPONSE || !r->conn)
        err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (!err && ws_handshake_check_response(&r->resp.parsed, r->ws_accept_sha1,
                                            wh_headers_get(&r->headers, L"Sec-WebSocket-Protocol",
                                                           0) != NULL) != WS_OK)
        err = ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    if (!err)
        err = wh_websocket_create(&r->obj, r->conn, context, r->timeouts.send, &ws);
    if (!err) {
        EnterCriticalSection(&r->obj.lock);
        r->conn = NULL;
        r->state = RQ_UPGRADED;
        LeaveCriticalSection(&r->obj.lock);
    }
    end(r);
    finish(&r->obj, err);
    return ws;
}
