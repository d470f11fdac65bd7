/* body.c - WinHttpQueryDataAvailable and WinHttpReadData: the response body
 * as Content-Length, chunked or until-close framing says (http1.h). The
 * chunked framing is decoded in place in the connection's buffer: decoded
 * payload sits at its front (body_avail bytes), raw bytes after it. */
#include <string.h>

#include "request.h"

#define DIRECT_READ_MIN 4096u /* below this a copy through the buffer is cheaper */

static size_t min_size(size_t a, uint64_t b)
{
    return (uint64_t)a < b ? a : (size_t)b;
}

/* Decodes whatever raw chunked bytes are buffered. */
static DWORD decode_chunked(struct wh_request *r)
{
    struct wh_conn *c = r->conn;
    size_t raw = wh_conn_buffered(c) - r->body_avail, n = raw;
    char *p = (char *)c->buf + c->start + r->body_avail;
    int rc;

    if (!raw || r->chunked_end)
        return ERROR_SUCCESS;
    rc = http1_chunked_decode(&r->chunked, p, &n);
    if (rc < 0 && rc != WS_ERR_AGAIN)
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    r->body_avail += n;
    /* Framing bytes are gone: the buffer ends after the payload (and after
     * whatever followed the last chunk). */
    c->end = c->start + r->body_avail + (rc >= 0 ? (size_t)rc : 0);
    if (rc >= 0)
        r->chunked_end = TRUE;
    return ERROR_SUCCESS;
}

/* Body bytes ready in the buffer now; sets body_done at the body's end. */
static DWORD body_ready(struct wh_request *r, size_t *avail)
{
    struct wh_conn *c = r->conn;
    DWORD err;

    *avail = 0;
    if (r->body_done)
        return ERROR_SUCCESS;
    switch (r->framing) {
    case HTTP1_BODY_LENGTH:
        *avail = min_size(wh_conn_buffered(c), r->body_left);
        if (!*avail && c->eof)
            return ERROR_WINHTTP_CONNECTION_ERROR; /* the server sent less than it said */
        return ERROR_SUCCESS;
    case HTTP1_BODY_CHUNKED:
        if ((err = decode_chunked(r)))
            return err;
        *avail = r->body_avail;
        if (!*avail && r->chunked_end)
            r->body_done = TRUE;
        else if (!*avail && c->eof)
            return ERROR_WINHTTP_CONNECTION_ERROR;
        return ERROR_SUCCESS;
    default: /* until close */
        *avail = wh_conn_buffered(c);
        if (!*avail && c->eof)
            r->body_done = TRUE;
        return ERROR_SUCCESS;
    }
}

static void body_finished(struct wh_request *r)
{
    EnterCriticalSection(&r->obj.lock);
    wh_conn_put(r->conn, r->keep_alive);
    r->conn = NULL;
    LeaveCriticalSection(&r->obj.lock);
}

/* Waits until some body is buffered or the body ended. */
static DWORD body_wait(struct wh_request *r, size_t *avail)
{
    DWORD err;

    for (;;) {
        if ((err = body_ready(r, avail)))
            return err;
        if (r->body_done) {
            if (r->conn)
                body_finished(r);
            return ERROR_SUCCESS;
        }
        if (*avail)
            return ERROR_SUCCESS;
        if ((err = wh_conn_fill_wait(r->conn, r->timeouts.receive)))
            return err;
    }
}

static void account(struct wh_request *r, size_t n)
{
    if (r->framing == HTTP1_BODY_LENGTH) {
        r->body_left -= n;
        if (!r->body_left)
            r->body_done = TRUE;
    } else if (r->framing == HTTP1_BODY_CHUNKED) {
        r->body_avail -= n;
    }
}

/* Large reads of a Content-Length or until-close body go from the socket
 * straight to the application's buffer. */
static BOOL can_read_direct(const struct wh_request *r, size_t want)
{
    return want >= DIRECT_READ_MIN && !wh_conn_buffered(r->conn) && !r->conn->eof &&
           (r->framing == HTTP1_BODY_LENGTH || r->framing == HTTP1_BODY_UNTIL_CLOSE);
}

static DWORD read_direct(struct wh_request *r, char *p, size_t want, size_t *got)
{
    DWORD err;

    if (r->framing == HTTP1_BODY_LENGTH)
        want = min_size(want, r->body_left);
    while ((err = wh_conn_recv_direct(r->conn, p, want, got)) == ERROR_IO_PENDING) {
        if ((err = wh_conn_wait(r->conn, FALSE, r->timeouts.receive)))
            return err;
    }
    if (!err && !*got && r->framing == HTTP1_BODY_LENGTH)
        err = ERROR_WINHTTP_CONNECTION_ERROR;
    return err;
}

/* Fills |buf| as native's synchronous WinHttpReadData does: until it is
 * full or the body ends. */
static DWORD read_body(struct wh_request *r, char *buf, size_t len, size_t *total)
{
    size_t avail, n;
    DWORD err = ERROR_SUCCESS;

    *total = 0;
    while (*total < len && !r->body_done) {
        if (can_read_direct(r, len - *total)) {
            err = read_direct(r, buf + *total, len - *total, &n);
        } else {
            if ((err = body_wait(r, &avail)) || r->body_done)
                break;
            n = avail < len - *total ? avail : len - *total;
            memcpy(buf + *total, wh_conn_data(r->conn), n);
            wh_conn_consume(r->conn, n);
        }
        if (err)
            break;
        *total += n;
        account(r, n);
    }
    if (!err && r->body_done && r->conn)
        body_finished(r);
    return err;
}

BOOL wh_body_discard(struct wh_request *r, size_t limit)
{
    char sink[2048];
    size_t n;

    if (r->framing == HTTP1_BODY_UNTIL_CLOSE ||
        (r->framing == HTTP1_BODY_LENGTH && r->body_left > limit))
        return FALSE;
    while (!r->body_done && limit) {
        if (read_body(r, sink, limit < sizeof(sink) ? limit : sizeof(sink), &n) || !n)
            break;
        limit -= n;
    }
    return r->body_done && !r->conn;
}

static BOOL finish(struct wh_request *r, DWORD err)
{
    if (r)
        wh_obj_release(&r->obj);
    SetLastError(err);
    return err == ERROR_SUCCESS;
}

/* Shared start of both calls: the request, not busy, with a response. */
static DWORD begin_body(HINTERNET h, struct wh_request **out)
{
    struct wh_request *r;
    DWORD err;

    r = (struct wh_request *)wh_handle_grab(h, WINHTTP_HANDLE_TYPE_REQUEST, &err);
    if (!r)
        return err;
    *out = r;
    EnterCriticalSection(&r->obj.lock);
    if (r->obj.async)
        err = ERROR_NOT_SUPPORTED; /* async I/O: a later issue */
    else if (r->busy)
        err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (r->state != RQ_RESPONSE && r->state != RQ_UPGRADED)
        err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else
        r->busy = TRUE;
    LeaveCriticalSection(&r->obj.lock);
    return err;
}

static void end_body(struct wh_request *r)
{
    EnterCriticalSection(&r->obj.lock);
    r->busy = FALSE;
    LeaveCriticalSection(&r->obj.lock);
}

BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET h, LPDWORD available)
{
    struct wh_request *r = NULL;
    size_t avail = 0;
    DWORD err = begin_body(h, &r);

    if (err)
        return finish(r, err);
    if (r->state == RQ_RESPONSE && !r->body_done)
        err = body_wait(r, &avail);
    end_body(r);
    /* An upgraded or finished request has nothing more (exports.md §5). */
    if (!err && available)
        *available = avail > 0xFFFFFFFFu ? 0xFFFFFFFFu : (DWORD)avail;
    return finish(r, err);
}

BOOL WINAPI WinHttpReadData(HINTERNET h, LPVOID buf, DWORD len, LPDWORD read)
{
    struct wh_request *r = NULL;
    size_t total = 0;
    DWORD err;

    if (!buf && len) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((err = begin_body(h, &r)))
        return finish(r, err);
    if (r->state == RQ_RESPONSE && len)
        err = read_body(r, buf, len, &total);
    end_body(r);
    if (!err && read)
        *read = (DWORD)total;
    return finish(r, err);
}
