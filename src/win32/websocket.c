/* websocket.c - WinHttpWebSocketSend/Receive/Shutdown/Close/QueryCloseStatus
 * over the core's frame engine. Behaviour follows native Windows as
 * collected in shared/spec/websocket-api.md; section numbers below refer to
 * it. Ownership and locking: websocket.h. */
#include "websocket.h"

#include <string.h>

#include "errmap.h"
#include "rand.h"
#include "strutil.h"
#include "ws/ws_mask.h"

/* Outgoing payload is masked into sbuf and written one sbuf at a time. Each
 * send() costs a wineserver round trip under Wine, which at 64 KiB per call
 * held uploads to ~0.2x of the socket's speed; so sbuf grows with the frames
 * sent, up to SBUF_MAX, and keeps its size. */
#define SBUF_INITIAL 16384u
#define SBUF_MAX (1024u * 1024u)
#define DEFAULT_CLOSE_TIMEOUT_MS 10000u
#define MIN_KEEPALIVE_MS 15000u
#define DEFAULT_KEEPALIVE_MS 30000u /* spec §10: documented default */
#define DISCARD_BUF 4096u
/* Input is read through the connection's buffer, which grows to this while
 * data streams in (conn.h): one recv then serves many Receive calls. Only a
 * caller buffer at least this large is read into directly. */
#define RECV_BUF_MAX (1024u * 1024u)
/* A waiting Receive looks at recv_cancel at least this often; Close usually
 * wakes it sooner, since the peer answers the close frame Close sends. */
#define RECV_CANCEL_POLL_MS 1000

/* ---- the wire --------------------------------------------------------- */

/* Makes room for |n| payload bytes in sbuf if it can (within SBUF_MAX);
 * without memory the frame just goes out in more pieces. */
static void grow_sbuf(struct wh_websocket *ws, size_t n)
{
    size_t want = (n < SBUF_MAX ? n : SBUF_MAX) + WS_MAX_FRAME_HEADER;
    unsigned char *p;

    if (want <= ws->sbuf_cap || !(p = wh_alloc(want)))
        return;
    wh_free(ws->sbuf);
    ws->sbuf = p;
    ws->sbuf_cap = want;
}

/* One client frame, masked with a fresh key, streamed through sbuf so a
 * large message costs no allocation. Caller holds send_lock. */
static DWORD send_frame(struct wh_websocket *ws, unsigned opcode, int fin, const uint8_t *p,
                        size_t n)
{
    uint8_t key[4];
    size_t off = 0, hdr, chunk, moff = 0;
    int h;
    DWORD err;

    if (!wh_rand_mask_key(key))
        return ERROR_INTERNAL_ERROR; /* never send a predictable key */
    grow_sbuf(ws, n);
    h = ws_encode_header(ws->sbuf, ws->sbuf_cap, opcode, fin, n, key);
    if (h < 0)
        return wh_err_from_ws(h);
    hdr = (size_t)h;
    do {
        chunk = n - off < ws->sbuf_cap - hdr ? n - off : ws->sbuf_cap - hdr;
        if (chunk)
            moff = ws_mask(ws->sbuf + hdr, p + off, chunk, key, moff);
        err = wh_conn_send_all(ws->conn, ws->sbuf, hdr + chunk, ws->send_ms);
        off += chunk;
        hdr = 0;
    } while (!err && off < n);
    InterlockedExchange(&ws->last_send_tick, (LONG)GetTickCount());
    return err;
}

static DWORD send_locked(struct wh_websocket *ws, unsigned opcode, int fin, const void *p,
                         size_t n)
{
    DWORD err;

    EnterCriticalSection(&ws->send_lock);
    err = send_frame(ws, opcode, fin, p, n);
    LeaveCriticalSection(&ws->send_lock);
    return err;
}

static void set_abort(struct wh_websocket *ws, DWORD err)
{
    EnterCriticalSection(&ws->obj.lock);
    if (!ws->abort_error)
        ws->abort_error = err;
    LeaveCriticalSection(&ws->obj.lock);
    wh_conn_cancel(ws->conn);
}

/* RFC 6455 §7.1.7: fail the connection: send the close code the violation
 * calls for (unless a close frame already went out), then drop TCP. */
static DWORD fail_connection(struct wh_websocket *ws, int ws_err)
{
    uint8_t payload[2];
    uint16_t code = ws_err_close_code(ws_err);
    BOOL send_close;

    EnterCriticalSection(&ws->obj.lock);
    send_close = !ws->close_sent && code;
    ws->close_sent = TRUE;
    LeaveCriticalSection(&ws->obj.lock);
    if (send_close) {
        payload[0] = (uint8_t)(code >> 8);
        payload[1] = (uint8_t)code;
        send_locked(ws, WS_OP_CLOSE, 1, payload, 2);
    }
    /* The call that met the violation reports it; the connection is then
     * simply gone, and later calls say so with 12030 (spec §3.1 ABORTED). */
    set_abort(ws, ERROR_WINHTTP_CONNECTION_ERROR);
    return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

/* How a read ended when the connection did: a close frame never came. */
static DWORD lost_connection(struct wh_websocket *ws, DWORD err)
{
    if (err != ERROR_WINHTTP_OPERATION_CANCELLED && err != ERROR_WINHTTP_TIMEOUT)
        err = ERROR_WINHTTP_CONNECTION_ERROR;
    set_abort(ws, err == ERROR_WINHTTP_TIMEOUT ? ERROR_WINHTTP_CONNECTION_ERROR : err);
    return err;
}

/* Waits for input: forever for a Receive (native ends a silent receive only
 * by keep-alive failure or TCP errors, §5), until |deadline| for Close. */
static DWORD wait_input(struct wh_websocket *ws, BOOL bounded, DWORD deadline)
{
    DWORD err;

    if (bounded) {
        LONG left = (LONG)(deadline - GetTickCount());

        if (left <= 0)
            return ERROR_WINHTTP_TIMEOUT;
        return wh_conn_wait(ws->conn, FALSE, (int)left);
    }
    /* ERROR_CANCELLED: Close took over (not a connection failure). */
    do {
        if (ws->recv_cancel)
            return ERROR_CANCELLED;
        err = wh_conn_wait(ws->conn, FALSE, RECV_CANCEL_POLL_MS);
    } while (err == ERROR_WINHTTP_TIMEOUT);
    return !err && ws->recv_cancel ? ERROR_CANCELLED : err;
}

/* Reads more input: into the buffer, or, when the current frame's payload
 * fills all of a large |direct| and nothing is buffered, straight into it
 * (no copy). Under Wine a recv costs a wineserver round trip, so a small
 * caller buffer is better served by copying out of one large read. */
static DWORD read_more(struct wh_websocket *ws, uint8_t *direct, size_t cap, size_t *direct_n,
                       BOOL bounded, DWORD deadline)
{
    uint64_t left = ws_receiver_payload_left(&ws->rx);
    DWORD err;

    *direct_n = 0;
    for (;;) {
        if (direct && left >= cap && cap >= ws->conn->max_cap && !wh_conn_buffered(ws->conn))
            err = wh_conn_recv_direct(ws->conn, direct, cap, direct_n);
        else
            err = wh_conn_fill(ws->conn);
        if (err != ERROR_IO_PENDING)
            break;
        if ((err = wait_input(ws, bounded, deadline)))
            break;
    }
    if (!err && ws->conn->eof && !*direct_n && !wh_conn_buffered(ws->conn))
        err = ERROR_WINHTTP_CONNECTION_ERROR;
    return err;
}

struct chunk {
    DWORD n;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    BOOL is_close;
};

/* Runs the receiver over one slice of input. Pings are answered here (§5:
 * never surfaced), pongs dropped. Returns 1 when |c| is ready for the
 * caller, 0 to keep reading, or a negative WS_ERR_*. */
static int absorb(struct wh_websocket *ws, const uint8_t *in, size_t len, size_t *used,
                  uint8_t *out, size_t cap, struct chunk *c)
{
    struct ws_recv_result res;
    int rc = ws_recv(&ws->rx, in, len, used, out + c->n, cap - c->n, &res);

    if (rc < 0)
        return rc;
    if (res.n || res.kind == WS_RECV_DATA) {
        c->n += (DWORD)res.n;
        c->type = (WINHTTP_WEB_SOCKET_BUFFER_TYPE)res.type;
    }
    switch (res.kind) {
    case WS_RECV_DATA:
        return 1;
    case WS_RECV_PING:
        /* A failed pong shows up on the next read or send. */
        if (!ws->close_sent)
            send_locked(ws, WS_OP_PONG, 1, res.ctrl, res.ctrl_len);
        return 0;
    case WS_RECV_CLOSE:
        EnterCriticalSection(&ws->obj.lock);
        ws->close_received = TRUE;
        LeaveCriticalSection(&ws->obj.lock);
        /* Bytes before the close are delivered first; the close itself is
         * reported by the next Receive. */
        if (!c->n)
            c->is_close = TRUE;
        return 1;
    default:
        /* Input used up: return what this call has, or read more. */
        return c->n ? 1 : 0;
    }
}

/* Fills |out| with the next chunk of one message, or reports the peer's
 * close. |out| may be NULL (cap = 0) to discard data while Close waits. */
static DWORD read_chunk(struct wh_websocket *ws, uint8_t *out, size_t cap, struct chunk *c,
                        BOOL bounded, DWORD deadline)
{
    uint8_t discard[DISCARD_BUF];
    size_t used, direct_n;
    int rc = 0;
    DWORD err;

    memset(c, 0, sizeof(*c));
    if (!out) {
        out = discard;
        cap = sizeof(discard);
    }
    for (;;) {
        while (wh_conn_buffered(ws->conn) && rc == 0) {
            rc = absorb(ws, wh_conn_data(ws->conn), wh_conn_buffered(ws->conn), &used, out, cap,
                        c);
            wh_conn_consume(ws->conn, used);
        }
        if (rc < 0)
            return fail_connection(ws, rc);
        if (rc > 0)
            return ERROR_SUCCESS;
        err = read_more(ws, out + c->n, cap - c->n, &direct_n, bounded, deadline);
        if (err == ERROR_CANCELLED)
            return ERROR_WINHTTP_OPERATION_CANCELLED; /* input left for Close */
        if (err)
            return lost_connection(ws, err);
        if (direct_n) {
            rc = absorb(ws, out + c->n, direct_n, &used, out, cap, c);
            /* Only payload of the current frame was read, and it fits: the
             * receiver takes all of it or the bytes would be lost. */
            if (rc >= 0 && used != direct_n)
                return lost_connection(ws, ERROR_INTERNAL_ERROR);
            if (rc == 0 && c->n)
                rc = 1; /* deliver what arrived; more may take a while */
        }
    }
}

/* ---- API ---------------------------------------------------------------- */

static struct wh_websocket *grab(HINTERNET h, DWORD *err)
{
    return (struct wh_websocket *)wh_handle_grab(h, WINHTTP_HANDLE_TYPE_WEBSOCKET, err);
}

DWORD WINAPI WinHttpWebSocketSend(HINTERNET h, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, PVOID buf,
                                  DWORD len)
{
    struct wh_websocket *ws;
    struct ws_sender next;
    unsigned opcode;
    int fin;
    DWORD err;

    if (!(ws = grab(h, &err)))
        return err;
    /* §4: type, then buffer, then fragment order, then state. */
    if ((unsigned)type > WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE || (!buf && len))
        err = ERROR_INVALID_PARAMETER;
    EnterCriticalSection(&ws->obj.lock);
    next = ws->tx;
    if (!err && ws_sender_next(&next, (enum ws_buffer_type)type, &opcode, &fin) < 0)
        err = ERROR_INVALID_PARAMETER;
    if (!err && ws->abort_error)
        err = ws->abort_error;
    else if (!err && (ws->close_sent || ws->close_busy || ws->send_busy || ws->closed))
        err = ERROR_INVALID_OPERATION;
    if (!err) {
        ws->tx = next;
        ws->send_busy = TRUE;
    }
    LeaveCriticalSection(&ws->obj.lock);
    if (!err) {
        err = send_locked(ws, opcode, fin, buf, len);
        if (err)
            set_abort(ws, err = ERROR_WINHTTP_CONNECTION_ERROR);
        EnterCriticalSection(&ws->obj.lock);
        ws->send_busy = FALSE;
        LeaveCriticalSection(&ws->obj.lock);
    }
    wh_obj_release(&ws->obj);
    return err;
}

/* State check for Receive (§3.1); on success the receive side is ours. */
static DWORD begin_receive(struct wh_websocket *ws, BOOL *report_close)
{
    DWORD err = ERROR_SUCCESS;

    *report_close = FALSE;
    EnterCriticalSection(&ws->obj.lock);
    if (ws->recv_busy || ws->close_busy || ws->closed || ws->close_reported)
        err = ERROR_INVALID_OPERATION;
    else if (ws->close_received)
        *report_close = TRUE;
    else if (ws->abort_error)
        err = ws->abort_error;
    if (!err)
        ws->recv_busy = TRUE;
    LeaveCriticalSection(&ws->obj.lock);
    return err;
}

DWORD WINAPI WinHttpWebSocketReceive(HINTERNET h, PVOID buf, DWORD len, DWORD *read,
                                     WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    struct wh_websocket *ws;
    struct chunk c;
    BOOL report_close;
    DWORD err;

    if (!(ws = grab(h, &err)))
        return err;
    if (!buf || !len || !read || !type)
        err = ERROR_INVALID_PARAMETER;
    else
        err = begin_receive(ws, &report_close);
    if (!err) {
        if (report_close) {
            memset(&c, 0, sizeof(c));
            c.is_close = TRUE;
        } else {
            err = read_chunk(ws, buf, len, &c, FALSE, 0);
        }
        EnterCriticalSection(&ws->obj.lock);
        ws->recv_busy = FALSE;
        if (!err && c.is_close)
            ws->close_reported = TRUE;
        LeaveCriticalSection(&ws->obj.lock);
        if (!err) {
            *read = c.is_close ? 0 : c.n;
            *type = c.is_close ? WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE : c.type;
        }
    }
    wh_obj_release(&ws->obj);
    return err;
}

/* Parameter checks shared by Shutdown and Close (§6 steps 2-4), building
 * the close payload into |payload|. */
static DWORD close_payload(USHORT status, const void *reason, DWORD len, uint8_t *payload,
                           size_t *n)
{
    int r;

    if (!reason && len)
        return ERROR_INVALID_PARAMETER;
    r = ws_close_build(payload, status, reason, len);
    if (r < 0)
        return ERROR_INVALID_PARAMETER;
    *n = (size_t)r;
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET h, USHORT status, PVOID reason, DWORD len)
{
    struct wh_websocket *ws;
    uint8_t payload[WS_MAX_CONTROL_PAYLOAD];
    size_t n = 0;
    DWORD err;

    if (!(ws = grab(h, &err)))
        return err;
    err = close_payload(status, reason, len, payload, &n);
    EnterCriticalSection(&ws->obj.lock);
    if (!err && (ws->close_sent || ws->close_busy || ws->send_busy || ws->closed))
        err = ERROR_INVALID_OPERATION;
    else if (!err && ws->abort_error)
        err = ws->abort_error;
    if (!err)
        ws->close_sent = TRUE; /* the send channel closes at acceptance (§6) */
    LeaveCriticalSection(&ws->obj.lock);
    if (!err && (err = send_locked(ws, WS_OP_CLOSE, 1, payload, n)))
        set_abort(ws, err = ERROR_WINHTTP_CONNECTION_ERROR);
    wh_obj_release(&ws->obj);
    return err;
}

/* Close's wait for the peer's close frame, discarding data (§7 step 3). */
static DWORD await_peer_close(struct wh_websocket *ws)
{
    DWORD deadline = GetTickCount() + ws->close_timeout_ms;
    struct chunk c;
    DWORD err;

    do {
        err = read_chunk(ws, NULL, 0, &c, TRUE, deadline);
    } while (!err && !c.is_close && !ws->close_received);
    return err;
}

/* Waits until no Receive is running (a pending one was told to stop) and
 * tells whether the peer's close frame is still to be read. */
static BOOL take_receive_side(struct wh_websocket *ws)
{
    BOOL busy, need_read;

    for (;;) {
        EnterCriticalSection(&ws->obj.lock);
        busy = ws->recv_busy;
        need_read = !ws->close_received;
        LeaveCriticalSection(&ws->obj.lock);
        if (!busy)
            return need_read;
        Sleep(1);
    }
}

DWORD WINAPI WinHttpWebSocketClose(HINTERNET h, USHORT status, PVOID reason, DWORD len)
{
    struct wh_websocket *ws;
    uint8_t payload[WS_MAX_CONTROL_PAYLOAD];
    size_t n = 0;
    BOOL need_send = FALSE;
    DWORD err;

    if (!(ws = grab(h, &err)))
        return err;
    err = close_payload(status, reason, len, payload, &n);
    EnterCriticalSection(&ws->obj.lock);
    if (!err && (ws->close_busy || ws->closed || ws->send_busy))
        err = ERROR_INVALID_OPERATION;
    else if (!err && ws->abort_error)
        err = ws->abort_error;
    if (!err) {
        ws->close_busy = TRUE;
        need_send = !ws->close_sent;
        ws->close_sent = TRUE;
        if (ws->recv_busy)
            InterlockedExchange(&ws->recv_cancel, 1); /* §7 step 1 */
    }
    LeaveCriticalSection(&ws->obj.lock);
    if (!err) {
        /* With the peer's close already read the handshake is complete
         * whatever happens to ours: servers often drop TCP right after
         * their close frame, so a failed send is no error then. */
        if (need_send && send_locked(ws, WS_OP_CLOSE, 1, payload, n) &&
            take_receive_side(ws))
            set_abort(ws, err = ERROR_WINHTTP_CONNECTION_ERROR);
        if (!err && take_receive_side(ws))
            err = await_peer_close(ws);
        /* Both closes are done (or the wait failed): TCP goes either way. */
        wh_conn_cancel(ws->conn);
        EnterCriticalSection(&ws->obj.lock);
        ws->close_busy = FALSE;
        ws->closed = TRUE;
        LeaveCriticalSection(&ws->obj.lock);
    }
    wh_obj_release(&ws->obj);
    return err;
}

DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET h, USHORT *status, PVOID reason,
                                              DWORD len, DWORD *consumed)
{
    struct wh_websocket *ws;
    DWORD err, need = 0;
    USHORT code = WS_CLOSE_ABORTED;

    if (!(ws = grab(h, &err)))
        return err;
    if (!status || !consumed || (!reason && len)) {
        wh_obj_release(&ws->obj);
        return ERROR_INVALID_PARAMETER;
    }
    EnterCriticalSection(&ws->obj.lock);
    if (ws->close_received && !ws->close_busy) {
        code = ws->rx.close_code;
        need = ws->rx.reason_len;
    } else if (!ws->abort_error || ws->close_busy) {
        err = ERROR_INVALID_OPERATION; /* §8: no close frame yet; outputs untouched */
    }
    /* After an abort without a close frame: 1006 and no reason (§8). */
    if (!err) {
        *consumed = need;
        if (len < need) {
            err = ERROR_INSUFFICIENT_BUFFER;
        } else {
            *status = code;
            if (need)
                memcpy(reason, ws->rx.reason, need);
        }
    }
    LeaveCriticalSection(&ws->obj.lock);
    wh_obj_release(&ws->obj);
    return err;
}

/* ---- keep-alive ----------------------------------------------------------- */

/* Timer callback: when nothing was sent for a whole interval, send an
 * unsolicited pong, the one-way heartbeat RFC 6455 §5.5.3 allows and
 * Windows' other WebSocket stacks use. Never waits on a busy sender. */
static void keepalive_tick(void *param)
{
    struct wh_websocket *ws = param;
    DWORD idle = GetTickCount() - (DWORD)ws->last_send_tick;

    if (idle + 50 < ws->keepalive_ms || ws->close_sent || ws->abort_error)
        return;
    if (!TryEnterCriticalSection(&ws->send_lock))
        return;
    if (send_frame(ws, WS_OP_PONG, 1, NULL, 0))
        set_abort(ws, ERROR_WINHTTP_CONNECTION_ERROR);
    LeaveCriticalSection(&ws->send_lock);
}

static void stop_keepalive(struct wh_websocket *ws)
{
    wh_timer_stop(&ws->keepalive_timer);
}

static DWORD start_keepalive(struct wh_websocket *ws, DWORD ms)
{
    stop_keepalive(ws);
    ws->keepalive_ms = ms;
    return wh_timer_start(&ws->keepalive_timer, ms, keepalive_tick, ws);
}

BOOL wh_websocket_set_option(struct wh_websocket *ws, DWORD option, const void *buf, DWORD len,
                             DWORD *err)
{
    DWORD v;

    if (option != WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL &&
        option != WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT)
        return FALSE; /* not ours: the caller goes on */
    /* §10: exactly a DWORD; the interval has a 15 s floor. */
    if (!buf || len != sizeof(DWORD)) {
        *err = ERROR_INVALID_PARAMETER;
        return TRUE;
    }
    memcpy(&v, buf, sizeof(v));
    if (option == WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT) {
        ws->close_timeout_ms = v;
        *err = ERROR_SUCCESS;
    } else if (v < MIN_KEEPALIVE_MS) {
        *err = ERROR_INVALID_PARAMETER;
    } else {
        *err = start_keepalive(ws, v);
    }
    return TRUE;
}

/* ---- life cycle ----------------------------------------------------------- */

static void ws_close_handle(struct wh_obj *o)
{
    struct wh_websocket *ws = (struct wh_websocket *)o;

    stop_keepalive(ws);
    /* Wakes a call blocked on the socket; it returns 12017 (§9). */
    wh_conn_cancel(ws->conn);
}

static void ws_destroy(struct wh_obj *o)
{
    struct wh_websocket *ws = (struct wh_websocket *)o;

    stop_keepalive(ws);
    wh_conn_free(ws->conn);
    DeleteCriticalSection(&ws->send_lock);
    wh_free(ws->sbuf);
    wh_free(ws);
}

static const struct wh_obj_ops websocket_ops = {ws_close_handle, ws_destroy};

DWORD wh_websocket_create(struct wh_obj *request, struct wh_conn *conn, DWORD_PTR context,
                          int send_ms, HINTERNET *out)
{
    struct wh_websocket *ws = wh_alloc_zero(sizeof(*ws));
    DWORD err;

    if (!ws || !(ws->sbuf = wh_alloc(SBUF_INITIAL + WS_MAX_FRAME_HEADER))) {
        wh_free(ws);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    ws->sbuf_cap = SBUF_INITIAL + WS_MAX_FRAME_HEADER;
    ws->conn = conn;
    conn->max_cap = RECV_BUF_MAX;
    ws->send_ms = send_ms;
    ws->close_timeout_ms = DEFAULT_CLOSE_TIMEOUT_MS;
    ws->last_send_tick = (LONG)GetTickCount();
    ws_receiver_init(&ws->rx, 0); /* native imposes no message size limit */
    ws_sender_init(&ws->tx);
    InitializeCriticalSection(&ws->send_lock);
    err = wh_obj_register(&ws->obj, WINHTTP_HANDLE_TYPE_WEBSOCKET, request, &websocket_ops);
    if (err) {
        wh_obj_abandon(&ws->obj);
        DeleteCriticalSection(&ws->send_lock);
        wh_free(ws->sbuf);
        wh_free(ws);
        return err;
    }
    /* §1: the ws handle's context is CompleteUpgrade's pContext; §2.4:
     * HANDLE_CREATED comes on the calling thread before the call returns. */
    ws->obj.context = context;
    *out = ws->obj.handle;
    /* Keep-alives run from the start, at the documented default, not only
     * once the option is set; without a timer the socket just goes without. */
    start_keepalive(ws, DEFAULT_KEEPALIVE_MS);
    wh_notify(&ws->obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, out, sizeof(*out));
    return ERROR_SUCCESS;
}
