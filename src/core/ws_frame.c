/* ws_frame.c - RFC 6455 §5 frame decoder and encoder for a client.
 *
 * The decoder is a small state machine over four stages: gathering a
 * header, streaming a data frame's payload, gathering a control frame's
 * payload, and reporting the end of a data frame. Only header bytes are
 * handled one at a time (at most 10 per frame); payload is reported or
 * copied as whole slices. Each rule is checked at the first byte that can
 * break it, so a bad frame fails as early as possible and at the same point
 * whatever the input split.
 */
#include "ws/ws_frame.h"

#include <string.h>

#include "ws/ws_mask.h"

enum stage {
    ST_HEADER = 0, /* gathering hdr[]; hdr_have bytes so far */
    ST_DATA,       /* data payload, frame_left > 0 bytes to come */
    ST_CTRL,       /* control payload, gathered into ctrl[] */
    ST_END         /* data payload complete, FRAME_END not yet reported */
};

#define HDR_FIN 0x80u
#define HDR_RSV 0x70u
#define HDR_OPCODE 0x0fu
#define HDR_MASK 0x80u
#define HDR_LEN7 0x7fu
#define LEN7_16BIT 126u
#define LEN7_64BIT 127u

static int is_control(unsigned opcode) { return (opcode & 0x8u) != 0; }

static int is_known_opcode(unsigned opcode)
{
    return opcode <= WS_OP_BINARY || (opcode >= WS_OP_CLOSE && opcode <= WS_OP_PONG);
}

void ws_decoder_init(struct ws_decoder *d, uint64_t max_msg_len)
{
    memset(d, 0, sizeof(*d));
    d->max_msg_len = max_msg_len;
}

static int fail(struct ws_decoder *d, struct ws_event *ev, int err)
{
    d->err = err;
    ev->kind = WS_EV_ERROR;
    ev->err = err;
    return err;
}

/* RFC 6455 §5.2, §5.4, §5.5: everything byte 0 alone can break. Checked
 * before the rest of the header arrives so a peer cannot make us wait for a
 * frame we will refuse anyway. */
static int check_byte0(const struct ws_decoder *d, uint8_t b)
{
    unsigned opcode = b & HDR_OPCODE;

    /* No extension is ever negotiated, so RSV1-3 have no meaning (§5.2). */
    if (b & HDR_RSV)
        return WS_ERR_RSV;
    if (!is_known_opcode(opcode))
        return WS_ERR_OPCODE;
    if (is_control(opcode))
        return (b & HDR_FIN) ? WS_OK : WS_ERR_CTRL_FRAGMENTED;
    /* Data frames: message_opcode is set exactly while a fragmented message
     * waits for its final continuation (§5.4). */
    if (opcode == WS_OP_CONT)
        return d->msg_opcode ? WS_OK : WS_ERR_CONT_NO_MSG;
    return d->msg_opcode ? WS_ERR_MSG_OPEN : WS_OK;
}

static int check_byte1(const struct ws_decoder *d, uint8_t b)
{
    /* §5.1: a client must fail the connection on a masked server frame. */
    if (b & HDR_MASK)
        return WS_ERR_MASKED;
    /* §5.5: control payloads are <= 125 bytes, so an extended length code is
     * wrong for them whatever value follows. */
    if (is_control(d->hdr[0] & HDR_OPCODE) && (b & HDR_LEN7) > WS_MAX_CONTROL_PAYLOAD)
        return WS_ERR_CTRL_TOO_LONG;
    return WS_OK;
}

/* §5.2: of a 64-bit length "the most significant bit MUST be 0"; it is the
 * first bit of byte 2, so a 2^63+ length fails before the other 7 bytes. */
static int check_byte2(const struct ws_decoder *d, uint8_t b)
{
    if ((d->hdr[1] & HDR_LEN7) == LEN7_64BIT && (b & 0x80u))
        return WS_ERR_LEN_TOP_BIT;
    return WS_OK;
}

/* Header size implied by byte 1 (server frames carry no masking key). */
static unsigned header_need(const struct ws_decoder *d)
{
    unsigned len7 = d->hdr[1] & HDR_LEN7;

    if (len7 == LEN7_16BIT)
        return 4;
    if (len7 == LEN7_64BIT)
        return 10;
    return 2;
}

static uint64_t header_len(const struct ws_decoder *d)
{
    unsigned len7 = d->hdr[1] & HDR_LEN7;
    uint64_t v = 0;
    unsigned i;

    if (len7 < LEN7_16BIT)
        return len7;
    if (len7 == LEN7_16BIT)
        return (uint64_t)d->hdr[2] << 8 | d->hdr[3];
    for (i = 2; i < 10; i++)
        v = v << 8 | d->hdr[i];
    return v;
}

static int emit_control(struct ws_decoder *d, struct ws_event *ev)
{
    ev->kind = WS_EV_CONTROL;
    ev->opcode = d->opcode;
    ev->fin = 1;
    ev->frame_len = d->ctrl_have;
    ev->data = d->ctrl;
    ev->n = d->ctrl_have;
    d->stage = ST_HEADER;
    return WS_OK;
}

/* Gathers control payload; reports the frame once it is whole (§5.5). */
static int step_control(struct ws_decoder *d, const uint8_t *in, size_t len, size_t *used,
                        struct ws_event *ev)
{
    size_t take = len < d->frame_left ? len : (size_t)d->frame_left;

    if (take)
        memcpy(d->ctrl + d->ctrl_have, in, take);
    d->ctrl_have = (uint8_t)(d->ctrl_have + take);
    d->frame_left -= take;
    *used += take;
    return d->frame_left ? WS_OK : emit_control(d, ev);
}

/* The header is complete: apply the length rules and open the frame. A
 * control frame's payload is gathered in the same call, so that its header
 * alone never ends a call without an event. */
static int start_frame(struct ws_decoder *d, const uint8_t *in, size_t len, size_t *used,
                       struct ws_event *ev)
{
    uint64_t flen = header_len(d);

    d->hdr_have = 0;
    d->opcode = d->hdr[0] & HDR_OPCODE;
    d->fin = (d->hdr[0] & HDR_FIN) ? 1 : 0;
    d->frame_left = flen;
    if (is_control(d->opcode)) {
        d->ctrl_have = 0;
        d->stage = ST_CTRL;
        return step_control(d, in + *used, len - *used, used, ev);
    }
    if (d->opcode != WS_OP_CONT)
        d->msg_len = 0;
    /* Refuse at the header, before any payload: nothing is buffered, so a
     * huge declared length costs no memory either way, but the caller need
     * not read the payload to learn the message is unacceptable. */
    if (d->max_msg_len && flen > d->max_msg_len - d->msg_len)
        return fail(d, ev, WS_ERR_TOO_BIG);
    d->msg_len += flen;
    if (d->opcode != WS_OP_CONT)
        d->msg_opcode = d->opcode;
    d->stage = flen ? ST_DATA : ST_END;
    ev->kind = WS_EV_FRAME_START;
    ev->opcode = d->opcode;
    ev->msg_opcode = d->msg_opcode;
    ev->fin = d->fin;
    ev->frame_len = flen;
    return WS_OK;
}

static int step_header(struct ws_decoder *d, const uint8_t *in, size_t len, size_t *used,
                       struct ws_event *ev)
{
    int rc;

    while (*used < len) {
        uint8_t b = in[(*used)++];

        d->hdr[d->hdr_have++] = b;
        if (d->hdr_have == 1)
            rc = check_byte0(d, b);
        else if (d->hdr_have == 2)
            rc = check_byte1(d, b);
        else if (d->hdr_have == 3)
            rc = check_byte2(d, b);
        else
            rc = WS_OK;
        if (rc < 0)
            return fail(d, ev, rc);
        if (d->hdr_have >= 2 && d->hdr_have == header_need(d))
            return start_frame(d, in, len, used, ev);
    }
    return WS_OK;
}

static int step_data(struct ws_decoder *d, const uint8_t *in, size_t len, size_t *used,
                     struct ws_event *ev)
{
    size_t n = len < d->frame_left ? len : (size_t)d->frame_left;

    if (n == 0)
        return WS_OK;
    d->frame_left -= n;
    if (d->frame_left == 0)
        d->stage = ST_END;
    *used = n;
    ev->kind = WS_EV_PAYLOAD;
    ev->msg_opcode = d->msg_opcode;
    ev->data = in;
    ev->n = n;
    return WS_OK;
}

static int emit_frame_end(struct ws_decoder *d, struct ws_event *ev)
{
    ev->kind = WS_EV_FRAME_END;
    ev->opcode = d->opcode;
    ev->msg_opcode = d->msg_opcode;
    ev->fin = d->fin;
    if (d->fin)
        d->msg_opcode = 0;
    d->stage = ST_HEADER;
    return WS_OK;
}

int ws_decode(struct ws_decoder *d, const uint8_t *in, size_t len, size_t *consumed,
              struct ws_event *ev)
{
    size_t used = 0;
    int rc;

    memset(ev, 0, sizeof(*ev));
    ev->kind = WS_EV_NONE;
    *consumed = 0;
    if (d->err)
        return fail(d, ev, d->err);
    switch (d->stage) {
    case ST_HEADER:
        rc = step_header(d, in, len, &used, ev);
        break;
    case ST_DATA:
        rc = step_data(d, in, len, &used, ev);
        break;
    case ST_CTRL:
        rc = step_control(d, in, len, &used, ev);
        break;
    default:
        rc = emit_frame_end(d, ev);
        break;
    }
    *consumed = used;
    return rc;
}

uint64_t ws_decoder_payload_left(const struct ws_decoder *d)
{
    return d->stage == ST_DATA ? d->frame_left : 0;
}

int ws_decoder_in_message(const struct ws_decoder *d) { return d->msg_opcode != 0; }

/* ---- encoder ------------------------------------------------------------ */

size_t ws_frame_header_size(uint64_t payload_len)
{
    /* §5.2 minimal encoding, plus the 4-byte key every client frame has. */
    if (payload_len <= WS_MAX_CONTROL_PAYLOAD)
        return 6;
    if (payload_len <= 0xffffu)
        return 8;
    return 14;
}

int ws_encode_header(uint8_t *out, size_t cap, unsigned opcode, int fin, uint64_t payload_len,
                     const uint8_t key[4])
{
    size_t need = ws_frame_header_size(payload_len);
    size_t i = 2;
    int shift;

    if (opcode > HDR_OPCODE || key == NULL || (payload_len >> 63))
        return WS_ERR_MISUSE;
    if (is_control(opcode) && (!fin || payload_len > WS_MAX_CONTROL_PAYLOAD))
        return WS_ERR_MISUSE;
    if (cap < need)
        return WS_ERR_AGAIN;
    out[0] = (uint8_t)((fin ? HDR_FIN : 0u) | opcode);
    if (payload_len <= WS_MAX_CONTROL_PAYLOAD) {
        out[1] = (uint8_t)(HDR_MASK | payload_len);
    } else if (payload_len <= 0xffffu) {
        out[1] = (uint8_t)(HDR_MASK | LEN7_16BIT);
        out[i++] = (uint8_t)(payload_len >> 8);
        out[i++] = (uint8_t)payload_len;
    } else {
        out[1] = (uint8_t)(HDR_MASK | LEN7_64BIT);
        for (shift = 56; shift >= 0; shift -= 8)
            out[i++] = (uint8_t)(payload_len >> shift);
    }
    memcpy(out + i, key, 4);
    return (int)(i + 4);
}

int ws_encode_frame(uint8_t *out, size_t cap, unsigned opcode, int fin, const uint8_t *payload,
                    size_t len, const uint8_t key[4], size_t *written)
{
    int h;

    *written = 0;
    if (payload == NULL && len != 0)
        return WS_ERR_MISUSE;
    h = ws_encode_header(out, cap, opcode, fin, (uint64_t)len, key);
    if (h < 0)
        return h;
    if (cap - (size_t)h < len)
        return WS_ERR_AGAIN;
    if (len)
        ws_mask(out + h, payload, len, key, 0);
    *written = (size_t)h + len;
    return WS_OK;
}
