/* ws_frame.h - RFC 6455 frames for a client: a push decoder and an encoder.
 *
 * Decoder: the caller pushes whatever bytes it has; ws_decode() consumes up
 * to one event's worth and reports it. Any split of the input, one byte at a
 * time or all at once, yields the same events. Data payload is never copied:
 * WS_EV_PAYLOAD points into the caller's input (a server's frames are not
 * masked). Control frames (<= 125 bytes) are gathered inside the decoder so
 * PING, PONG and CLOSE always arrive whole, as one WS_EV_CONTROL event, and
 * may come between the frames of a fragmented message (§5.4).
 *
 * The decoder enforces every frame-level rule a client must (§5.1-§5.5):
 * unmasked frames, RSV bits clear, known opcodes, short unfragmented control
 * frames, continuation order, 63-bit lengths, and an optional bound on the
 * message size set by the caller. It never allocates and keeps no pointer
 * into the caller's input between calls. It does not look inside payloads:
 * UTF-8 and close payloads are checked by the message layer (ws_msg.h).
 *
 * Encoder: writes a client frame header (masked, 6..14 bytes) into caller
 * memory; payload masking is ws_mask() (ws_mask.h). Keys are an input: the
 * core has no random source.
 */
#ifndef WS_FRAME_H
#define WS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "ws_err.h"

enum ws_opcode {
    WS_OP_CONT = 0x0,
    WS_OP_TEXT = 0x1,
    WS_OP_BINARY = 0x2,
    WS_OP_CLOSE = 0x8,
    WS_OP_PING = 0x9,
    WS_OP_PONG = 0xA
};

#define WS_MAX_CONTROL_PAYLOAD 125u
#define WS_MAX_FRAME_HEADER 14u

enum ws_event_kind {
    WS_EV_NONE,        /* all input consumed, no event completed */
    WS_EV_FRAME_START, /* a data frame's header was read */
    WS_EV_PAYLOAD,     /* data and n > 0 payload bytes of the current data frame */
    WS_EV_FRAME_END,   /* the current data frame's payload is complete */
    WS_EV_CONTROL,     /* a whole control frame: opcode, data, n */
    WS_EV_ERROR        /* err holds the WS_ERR_* also returned */
};

struct ws_event {
    enum ws_event_kind kind;
    uint8_t opcode;      /* FRAME_START, FRAME_END: this frame's opcode (CONT
                            for continuations); CONTROL: PING/PONG/CLOSE */
    uint8_t msg_opcode;  /* FRAME_START, PAYLOAD, FRAME_END: TEXT or BINARY,
                            the opcode of the message this frame belongs to */
    uint8_t fin;         /* FRAME_START, FRAME_END: frame ends its message */
    uint64_t frame_len;  /* FRAME_START: declared payload length */
    const uint8_t *data; /* PAYLOAD: slice of the caller's input;
                            CONTROL: the decoder's copy, valid until the next call */
    size_t n;            /* PAYLOAD, CONTROL: length of data */
    int err;             /* ERROR */
};

/* Decoder state. Treat as opaque; sized so it can live on the stack or
 * inside another struct without heap use. */
struct ws_decoder {
    uint8_t hdr[WS_MAX_FRAME_HEADER]; /* header bytes gathered so far */
    uint8_t hdr_have;                 /* bytes in hdr */
    uint8_t stage;                    /* internal parse stage */
    uint8_t opcode, fin;              /* current frame */
    uint8_t msg_opcode;               /* TEXT/BINARY while a message is open, else 0 */
    uint8_t ctrl[WS_MAX_CONTROL_PAYLOAD];
    uint8_t ctrl_have;
    uint64_t frame_left;              /* payload bytes still to come in this frame */
    uint64_t msg_len;                 /* data bytes of the open message so far */
    uint64_t max_msg_len;             /* 0 = unbounded */
    int err;                          /* sticky error, 0 if none */
};

/* Prepares |d| for a new connection. |max_msg_len| bounds the total payload
 * of one data message (0 = no bound). A frame whose declared length would
 * exceed it fails at its header with WS_ERR_TOO_BIG, before any payload is
 * read, so a hostile 2^63-1 length costs nothing. */
void ws_decoder_init(struct ws_decoder *d, uint64_t max_msg_len);

/* Consumes at most |len| bytes of |in| and stops after completing one
 * event, which it stores in |*ev|; |*consumed| says how many bytes were used
 * (it may be less than len; call again with the rest). Returns WS_OK, or a
 * negative WS_ERR_* for a peer violation (ev->kind = WS_EV_ERROR, ev->err
 * the same value; *consumed then counts the bytes up to and including the
 * one that broke the rule). Errors are sticky: later calls return the same
 * error and consume nothing. Never reads past in[len - 1]; |in| may be NULL
 * when len == 0. RFC 6455 §5.2, §5.4, §5.5.
 *
 * A data frame yields FRAME_START, zero or more PAYLOAD (n > 0; together
 * exactly frame_len bytes) and FRAME_END; a control frame yields one
 * CONTROL. WS_EV_NONE comes only with *consumed == len: the input was used
 * up mid-frame or between frames. Other events may consume 0 bytes (a
 * FRAME_END follows its last PAYLOAD in the next call, even one with
 * len == 0), so loop until WS_EV_NONE, not until the input is used up.
 * Length fields that are not minimally encoded are accepted (§5.2 binds the
 * sender only). */
int ws_decode(struct ws_decoder *d, const uint8_t *in, size_t len, size_t *consumed,
              struct ws_event *ev);

/* Payload bytes still expected in the current data frame, 0 when the
 * decoder is not inside a data frame's payload. Lets an I/O layer read
 * payload straight into an application buffer and then push it from there. */
uint64_t ws_decoder_payload_left(const struct ws_decoder *d);

/* True when a data message is open: from the FRAME_START of its first
 * frame to the FRAME_END of its FIN frame (so also while the payload of a
 * single-frame message streams). Between frames it is true exactly when a
 * continuation is expected (§5.4). */
int ws_decoder_in_message(const struct ws_decoder *d);

/* Size of a masked client frame header for |payload_len|: 6, 8 or 14. */
size_t ws_frame_header_size(uint64_t payload_len);

/* Writes the header of one client frame: FIN, opcode, MASK=1, the minimal
 * length encoding (§5.2) and the key. Returns its size (6..14) or
 * WS_ERR_AGAIN if |cap| is too small; WS_ERR_MISUSE for an opcode above 0xF,
 * a control frame that is not FIN or longer than 125 bytes, a length with
 * the top bit set, or a NULL key (misuse is reported before AGAIN). */
int ws_encode_header(uint8_t *out, size_t cap, unsigned opcode, int fin, uint64_t payload_len,
                     const uint8_t key[4]);

/* Writes a whole client frame: header, then |payload| masked with |key|.
 * |*written| gets the frame size (0 on error). Returns WS_OK, WS_ERR_AGAIN
 * if |cap| is too small (nothing useful written), WS_ERR_MISUSE for a NULL
 * payload with len > 0, or the errors of ws_encode_header. |payload| may be
 * NULL when len == 0, and may sit at out + ws_frame_header_size(len) (the
 * payload is then masked in place); other overlaps are not allowed. */
int ws_encode_frame(uint8_t *out, size_t cap, unsigned opcode, int fin, const uint8_t *payload,
                    size_t len, const uint8_t key[4], size_t *written);

#endif /* WS_FRAME_H */
