/* utf8.h - incremental, fail-fast UTF-8 validation (RFC 3629, RFC 6455 §8.1).
 *
 * A text message may arrive in many frames and many reads; a code point may
 * be split anywhere. The validator keeps only a small state between calls,
 * so text can be checked as it streams, without buffering. It fails at the
 * first byte that no valid continuation could follow (an overlong lead such
 * as C0/E0 80, a surrogate ED A0, a code point above U+10FFFF, a stray
 * continuation byte, F5..FF), not at the end of the message: RFC 6455 §8.1
 * lets a receiver fail as soon as the text cannot be valid.
 *
 * ASCII runs are checked a machine word (or SIMD vector) at a time, so
 * validation costs about as much as reading the memory; other text goes
 * through 16-byte range checks (SSE2) or a branch-free table DFA, at
 * several GB/s or about 1 GB/s.
 */
#ifndef WS_UTF8_H
#define WS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Zero-initialise (or utf8_init) before use. No heap, no pointers: it may be
 * copied freely. */
struct utf8_state {
    uint32_t state; /* 0: between code points; otherwise mid-sequence or failed */
};

void utf8_init(struct utf8_state *s);

/* Validates |len| more bytes of a stream; |p| may be NULL when len == 0.
 * Returns WS_OK when every byte so far can still be part of valid UTF-8
 * (possibly ending inside a code point), or WS_ERR_UTF8 as soon as it
 * cannot: a call returns the error exactly when the first such byte is
 * among its bytes, however the stream is split. After an error the state is
 * sticky: later calls (even with len == 0) keep returning WS_ERR_UTF8 until
 * utf8_init. RFC 3629 §3-4, RFC 6455 §8.1. */
int utf8_feed(struct utf8_state *s, const uint8_t *p, size_t len);

/* True when the stream fed so far ends on a code point boundary, i.e. the
 * message may end here. A message that ends mid-sequence is invalid. False
 * after an error. */
int utf8_is_complete(const struct utf8_state *s);

/* One-shot check of a whole buffer (|p| may be NULL when len == 0): WS_OK,
 * or WS_ERR_UTF8 if it is not valid UTF-8 or ends inside a code point. */
int utf8_validate(const uint8_t *p, size_t len);

/* Internal, for tests, fuzzers and the benchmark: utf8_feed forced onto the
 * portable word-at-a-time path, the one builds without SSE2 (i686) use. On
 * those builds it is the same code as utf8_feed. */
int utf8_feed_portable(struct utf8_state *s, const uint8_t *p, size_t len);

#endif /* WS_UTF8_H */
