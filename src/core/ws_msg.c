/* ws_msg.c - WinHTTP buffer types over the frame decoder (ws_msg.h).
 *
 * ws_recv() is a loop over ws_decode() events. The one trick is how it
 * bounds the decoder's input: while a data payload streams, it passes no
 * more input than there is room in the output, so every PAYLOAD event can
 * be copied whole and nothing has to be remembered between calls. Once the
 * output is full it passes no input at all, which still lets a pending
 * FRAME_END through: a message that ends exactly at the end of the output
 * is reported as *_MESSAGE, not as a *_FRAGMENT followed by an empty
 * *_MESSAGE. Whether a full output ends a message thus depends only on the
 * decoder's state, not on how the input happened to be split.
 */
#include "ws/ws_msg.h"

#include <string.h>

/* What one event does to the call in progress. */
enum step {
    STEP_GO_ON = 0, /* keep decoding */
    STEP_STOP = 1   /* *res is final */
};

void ws_receiver_init(struct ws_receiver *r, uint64_t max_msg_len)
{
    memset(r, 0, sizeof(*r));
    ws_decoder_init(&r->dec, max_msg_len);
    utf8_init(&r->utf8);
}

uint64_t ws_receiver_payload_left(const struct ws_receiver *r)
{
    return ws_decoder_payload_left(&r->dec);
}

static enum ws_buffer_type buffer_type(unsigned msg_opcode, int last)
{
    if (msg_opcode == WS_OP_TEXT)
        return last ? WS_BUF_UTF8_MESSAGE : WS_BUF_UTF8_FRAGMENT;
    return last ? WS_BUF_BINARY_MESSAGE : WS_BUF_BINARY_FRAGMENT;
}

/* RFC 6455 §5.5.1: an empty close payload means "no status" (reported as
 * 1005, §7.1.5); otherwise a 2-byte code, valid per §7.4, and a UTF-8
 * reason. The reason is kept for WinHttpWebSocketQueryCloseStatus. */
static int on_close(struct ws_receiver *r, const uint8_t *p, size_t n)
{
    uint16_t code = WS_CLOSE_EMPTY;

    if (n == 1)
        return WS_ERR_CLOSE_LEN;
    if (n >= 2) {
        code = (uint16_t)(p[0] << 8 | p[1]);
        if (!ws_close_code_is_valid(code))
            return WS_ERR_CLOSE_CODE;
        if (utf8_validate(p + 2, n - 2) != WS_OK)
            return WS_ERR_CLOSE_UTF8;
        memcpy(r->reason, p + 2, n - 2);
    }
    r->reason_len = (uint8_t)(n ? n - 2 : 0);
    r->close_code = code;
    r->closed = 1;
    return WS_OK;
}

static int on_control(struct ws_receiver *r, const struct ws_event *ev, struct ws_recv_result *res)
{
    int rc;

    switch (ev->opcode) {
    case WS_OP_PING:
        res->kind = WS_RECV_PING;
        break;
    case WS_OP_PONG:
        res->kind = WS_RECV_PONG;
        break;
    default:
        rc = on_close(r, ev->data, ev->n);
        if (rc < 0)
            return rc;
        res->kind = WS_RECV_CLOSE;
        return STEP_STOP;
    }
    res->ctrl = ev->data;
    res->ctrl_len = ev->n;
    return STEP_STOP;
}

/* Copies one payload slice into the output and validates it if the message
 * is text. |in_place|: the caller read this payload straight into |out|;
 * the slice may then already sit where it belongs, or (if header bytes were
 * read into |out| too) a little further on, hence memmove. Otherwise the
 * buffers must not overlap and memcpy lets ASan check that. */
static int on_payload(struct ws_receiver *r, const struct ws_event *ev, uint8_t *dst, int in_place)
{
    if (ev->data != dst) {
        if (in_place)
            memmove(dst, ev->data, ev->n);
        else
            memcpy(dst, ev->data, ev->n);
    }
    /* §8.1: fail fast, even mid-message; utf8_feed keeps the state of a code
     * point split across frames or calls. */
    if (ev->msg_opcode == WS_OP_TEXT && utf8_feed(&r->utf8, dst, ev->n) != WS_OK)
        return WS_ERR_UTF8;
    return STEP_GO_ON;
}

static int on_event(struct ws_receiver *r, const struct ws_event *ev, uint8_t *out, size_t cap,
                    int in_place, struct ws_recv_result *res)
{
    switch (ev->kind) {
    case WS_EV_FRAME_START:
        if (ev->opcode != WS_OP_CONT)
            utf8_init(&r->utf8);
        return STEP_GO_ON;
    case WS_EV_PAYLOAD: {
        uint8_t *dst = out + res->n;

        res->type = buffer_type(ev->msg_opcode, 0);
        res->n += ev->n;
        return on_payload(r, ev, dst, in_place);
    }
    case WS_EV_FRAME_END:
        if (!ev->fin)
            return STEP_GO_ON;
        /* A text message may not end inside a code point (§8.1). */
        if (ev->msg_opcode == WS_OP_TEXT && !utf8_is_complete(&r->utf8))
            return WS_ERR_UTF8;
        res->kind = WS_RECV_DATA;
        res->type = buffer_type(ev->msg_opcode, 1);
        return STEP_STOP;
    case WS_EV_CONTROL:
        return on_control(r, ev, res);
    default:
        /* WS_EV_NONE: the input is used up, or there is no room left. */
        if (res->n == cap)
            res->kind = WS_RECV_DATA;
        return STEP_STOP;
    }
}

int ws_recv(struct ws_receiver *r, const uint8_t *in, size_t len, size_t *consumed, uint8_t *out,
            size_t cap, struct ws_recv_result *res)
{
    struct ws_event ev;
    size_t off = 0, used, avail;
    int rc;

    *consumed = 0;
    memset(res, 0, sizeof(*res));
    res->kind = WS_RECV_NONE;
    /* Meaningful only once bytes are delivered (or as CLOSE, below); until
     * then it names the open message, which is the least surprising value. */
    res->type = buffer_type(r->dec.msg_opcode, 0);
    if (r->err)
        return r->err;
    if (r->closed)
        return WS_ERR_STATE;
    if (cap == 0 || out == NULL || (in == NULL && len != 0))
        return WS_ERR_MISUSE;
    do {
        avail = len - off;
        if (res->n == cap)
            avail = 0;
        else if (ws_decoder_payload_left(&r->dec) != 0 && avail > cap - res->n)
            avail = cap - res->n;
        rc = ws_decode(&r->dec, avail ? in + off : in, avail, &used, &ev);
        off += used;
        if (rc >= 0)
            rc = on_event(r, &ev, out, cap, in == out, res);
    } while (rc == STEP_GO_ON);
    *consumed = off;
    if (rc < 0) {
        r->err = rc;
        return rc;
    }
    if (res->kind == WS_RECV_CLOSE && res->n == 0)
        res->type = WS_BUF_CLOSE;
    return WS_OK;
}

/* ---- sending ------------------------------------------------------------ */

void ws_sender_init(struct ws_sender *s) { s->msg_opcode = 0; }

int ws_sender_next(struct ws_sender *s, enum ws_buffer_type type, unsigned *opcode, int *fin)
{
    unsigned want;
    int last;

    switch (type) {
    case WS_BUF_BINARY_MESSAGE:
    case WS_BUF_BINARY_FRAGMENT:
        want = WS_OP_BINARY;
        break;
    case WS_BUF_UTF8_MESSAGE:
    case WS_BUF_UTF8_FRAGMENT:
        want = WS_OP_TEXT;
        break;
    default:
        /* WS_BUF_CLOSE: close frames go through ws_close_build. */
        return WS_ERR_BAD_TYPE;
    }
    /* §5.4: a message's fragments share the first frame's type; native
     * WinHTTP refuses the switch rather than starting a new message. */
    if (s->msg_opcode != 0 && s->msg_opcode != want)
        return WS_ERR_BAD_TYPE;
    last = type == WS_BUF_BINARY_MESSAGE || type == WS_BUF_UTF8_MESSAGE;
    *opcode = s->msg_opcode ? (unsigned)WS_OP_CONT : want;
    *fin = last;
    s->msg_opcode = (uint8_t)(last ? 0 : want);
    return WS_OK;
}

/* ---- close payloads ----------------------------------------------------- */

int ws_close_code_is_valid(uint16_t code)
{
    /* §7.4.1 defines 1000-1011 minus the reserved 1004-1006; IANA later
     * registered 1012-1014 (§7.4.2 lets the registry grow), 1015 is
     * reserved for TLS failures. 3000-4999 belong to libraries and apps. */
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

int ws_close_build(uint8_t *out, uint16_t code, const uint8_t *reason, size_t reason_len)
{
    /* WinHttpWebSocketClose/Shutdown check the reason length before the
     * code, so keep that order for identical error results. */
    if (reason == NULL && reason_len != 0)
        return WS_ERR_MISUSE;
    if (reason_len > WS_MAX_CLOSE_REASON)
        return WS_ERR_REASON_TOO_LONG;
    /* §5.5.1: a close frame may carry no body at all; that is how "no
     * status" (1005) is expressed, and a reason then has nowhere to go. */
    if (code == WS_CLOSE_EMPTY)
        return reason_len ? WS_ERR_BAD_CLOSE_CODE : 0;
    if (!ws_close_code_is_valid(code))
        return WS_ERR_BAD_CLOSE_CODE;
    out[0] = (uint8_t)(code >> 8);
    out[1] = (uint8_t)code;
    if (reason_len)
        memcpy(out + 2, reason, reason_len);
    return (int)(reason_len + 2);
}
