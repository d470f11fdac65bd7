/* ws_msg.h - the message layer: WinHTTP buffer types over RFC 6455 frames.
 *
 * Receiving: struct ws_receiver drives a ws_decoder over the caller's input,
 * copies the current message's payload into the caller's output buffer,
 * validates text as UTF-8 across frame and read boundaries (§8.1), checks
 * close payloads (§5.5.1, §7.4), and says which WinHTTP buffer type the
 * delivered bytes carry: a message larger than the output buffer comes out
 * as *_FRAGMENT pieces and its last piece as *_MESSAGE (native WinHTTP does
 * the same; frame boundaries are not preserved).
 *
 * Sending: struct ws_sender maps a WinHTTP buffer type to an opcode and FIN
 * and refuses to mix binary and text inside one fragmented message.
 *
 * Close payloads: ws_close_build() and the code checks of §7.4.
 *
 * No I/O, no clock, no heap. The enum values of ws_buffer_type equal
 * WINHTTP_WEB_SOCKET_BUFFER_TYPE's, so the Win32 layer can cast.
 */
#ifndef WS_MSG_H
#define WS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "utf8.h"
#include "ws_err.h"
#include "ws_frame.h"

enum ws_buffer_type {
    WS_BUF_BINARY_MESSAGE = 0,
    WS_BUF_BINARY_FRAGMENT = 1,
    WS_BUF_UTF8_MESSAGE = 2,
    WS_BUF_UTF8_FRAGMENT = 3,
    WS_BUF_CLOSE = 4
};

#define WS_MAX_CLOSE_REASON 123u
#define WS_CLOSE_NORMAL 1000u
#define WS_CLOSE_PROTOCOL_ERROR 1002u
#define WS_CLOSE_EMPTY 1005u    /* "no status": never on the wire */
#define WS_CLOSE_ABORTED 1006u  /* "no close frame": never on the wire */
#define WS_CLOSE_INVALID_PAYLOAD 1007u
#define WS_CLOSE_TOO_BIG 1009u

/* ---- receiving ---------------------------------------------------------- */

/* What ended a ws_recv() call. Independently of it, res->n payload bytes
 * may have been written to the output; whenever n > 0 or kind is
 * WS_RECV_DATA, those bytes are a chunk of type res->type. A control frame
 * that ends a call after n > 0 bytes (a PING between two fragments, or a
 * CLOSE that abandons a message) leaves type a *_FRAGMENT: the caller
 * delivers those bytes, then acts on the control frame. With n == 0, type
 * is WS_BUF_CLOSE for WS_RECV_CLOSE and otherwise not meaningful. */
enum ws_recv_kind {
    WS_RECV_NONE,  /* input used up; n > 0 bytes may still have been delivered
                      (type is then a *_FRAGMENT) */
    WS_RECV_DATA,  /* the output is full, or the message ended (type *_MESSAGE;
                      n may be 0 for an empty message) */
    WS_RECV_PING,  /* a ping arrived: the caller must answer with a pong
                      carrying ctrl/ctrl_len (§5.5.2) */
    WS_RECV_PONG,  /* a pong arrived (ctrl/ctrl_len); nothing to do */
    WS_RECV_CLOSE  /* the peer's close frame arrived; see close_code/reason */
};

struct ws_recv_result {
    enum ws_recv_kind kind;
    size_t n;                 /* payload bytes written to the output by this call */
    enum ws_buffer_type type; /* type of those bytes (see ws_recv_kind) */
    const uint8_t *ctrl;      /* PING/PONG payload; valid until the next ws_recv */
    size_t ctrl_len;
};

struct ws_receiver {
    struct ws_decoder dec;
    struct utf8_state utf8;
    uint8_t closed;           /* the peer's close frame was received (and
                                 reported by ws_recv as WS_RECV_CLOSE) */
    uint16_t close_code;      /* its status; WS_CLOSE_EMPTY if it had none */
    uint8_t reason[WS_MAX_CLOSE_REASON];
    uint8_t reason_len;
    int err;                  /* sticky error, 0 if none */
};

/* Prepares |r| for a new connection; |max_msg_len| as for ws_decoder_init. */
void ws_receiver_init(struct ws_receiver *r, uint64_t max_msg_len);

/* Consumes input from |in| (|*consumed| bytes of |len|) and writes payload of
 * the current data message to |out| (at most |cap| bytes, cap > 0). It stops
 * at the first of: the output is full; the message ended; a control frame
 * ended; the input is used up. A message that ends exactly when the output
 * fills is reported as *_MESSAGE. |in| and |out| may be the same address
 * (the caller read payload straight into the output buffer, see
 * ws_receiver_payload_left): the copy is then skipped, or is a move down
 * if header bytes were read there too. Other overlaps are not allowed. |in|
 * may be NULL when len == 0.
 *
 * Returns WS_OK with |*res| filled, or a negative WS_ERR_*: peer errors
 * (ws_err_is_peer) are sticky and mean the connection must be failed with
 * close code ws_err_close_code() (bytes written by the failing call are not
 * reported); WS_ERR_STATE after the peer's close was already reported;
 * WS_ERR_MISUSE for cap == 0, a NULL |out|, or a NULL |in| with len > 0.
 * RFC 6455 §5.4, §5.5, §7.4, §8.1. */
int ws_recv(struct ws_receiver *r, const uint8_t *in, size_t len, size_t *consumed,
            uint8_t *out, size_t cap, struct ws_recv_result *res);

/* Payload bytes left in the current data frame (see ws_decoder_payload_left). */
uint64_t ws_receiver_payload_left(const struct ws_receiver *r);

/* ---- sending ------------------------------------------------------------ */

struct ws_sender {
    uint8_t msg_opcode; /* TEXT/BINARY while a fragmented message is open, else 0 */
};

void ws_sender_init(struct ws_sender *s);

/* For one Send of |type|: sets |*opcode| (TEXT, BINARY or CONT) and |*fin|,
 * and advances the fragment state. Returns WS_OK, or WS_ERR_BAD_TYPE
 * (state unchanged) for WS_BUF_CLOSE, an unknown type, or a type that
 * switches between binary and text inside an open message. */
int ws_sender_next(struct ws_sender *s, enum ws_buffer_type type, unsigned *opcode, int *fin);

/* ---- close payloads ----------------------------------------------------- */

/* True if |code| may appear in a close frame on the wire (§7.4.1, §7.4.2):
 * 1000-1003, 1007-1014 and 3000-4999. */
int ws_close_code_is_valid(uint16_t code);

/* Builds a close payload into |out| (at least 125 bytes): the code in
 * network order, then the reason. Returns its length (2..125), or 0 for
 * WS_CLOSE_EMPTY with no reason (a close frame with an empty payload);
 * WS_ERR_MISUSE for a NULL reason with reason_len > 0;
 * WS_ERR_REASON_TOO_LONG if reason_len > 123 (checked before the code, as
 * WinHttpWebSocketClose does); WS_ERR_BAD_CLOSE_CODE for a code that may not
 * be sent, or WS_CLOSE_EMPTY with a reason. The reason is not checked for
 * UTF-8 (WinHTTP sends what the application gives). */
int ws_close_build(uint8_t *out, uint16_t code, const uint8_t *reason, size_t reason_len);

#endif /* WS_MSG_H */
