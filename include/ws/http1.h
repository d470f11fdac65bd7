/* http1.h - HTTP/1.x response parsing and body framing (RFC 9112, RFC 9110).
 *
 * The client side of HTTP/1.1 without I/O: the caller reads bytes from the
 * connection into its own buffer and asks whether a whole response header
 * block has arrived (http1_parse_response, picohttpparser-style: stateless,
 * called again with the grown buffer). Parsed fields are slices of that
 * buffer. Helpers answer the questions the rest of the client asks of a
 * response: a header by name and occurrence, whether a list header holds a
 * token, the Content-Length, how the body is framed and whether the
 * connection may be reused. A chunked body is decoded in place
 * (http1_chunked_decode, like picohttpparser's phr_decode_chunked).
 *
 * Every parser here gives the same result however its input is split: a
 * prefix of a response either needs more bytes or yields exactly what the
 * whole input does. Nothing here allocates, reads a clock or does I/O.
 */
#ifndef WS_HTTP1_H
#define WS_HTTP1_H

#include <stddef.h>
#include <stdint.h>

/* One header field line, as slices of the parsed buffer (not
 * NUL-terminated). The name is a non-empty token; the value has no leading
 * or trailing SP/HTAB and may be empty. Both may contain bytes 0x80-0xFF
 * (obs-text, values only); neither contains NUL, CR, LF or another control
 * character except HTAB inside a value. */
struct http1_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* A parsed response head. The caller sets the three input fields; the
 * parser fills in the rest. Output slices point into the buffer given to
 * http1_parse_response and are valid while that buffer is. */
struct http1_response {
    /* in */
    struct http1_header *headers; /* caller's array (may be NULL if max_headers == 0) */
    size_t max_headers;           /* its capacity */
    size_t max_block_len;         /* bound on the whole header block; 0: INT_MAX */

    /* out (meaningful after a return > 0) */
    int minor_version;  /* HTTP/1.<minor_version>: 0..9 */
    int status;         /* 100..999 */
    const char *reason; /* reason phrase, trimmed of SP/HTAB; may be empty */
    size_t reason_len;
    const char *status_line; /* the whole status line, without its line ending */
    size_t status_line_len;
    size_t num_headers; /* entries of |headers| filled, in arrival order */
};

/* Parses a response status line and header section (RFC 9112 §2-5) from
 * buf[0..len). Stateless: call it again from the start of the buffer
 * whenever more bytes have arrived (each call costs O(len)).
 *
 * Returns:
 *   > 0  the block is complete: the number of bytes it takes, including the
 *        empty line that ends it. The body (or, after a 101, the WebSocket
 *        stream) starts at buf + return value. |resp| is filled in.
 *   WS_ERR_AGAIN  every byte so far is valid but the block is not complete.
 *   WS_ERR_HTTP_MALFORMED  the first bad byte is in buf[0..len): no status
 *        line ("HTTP/1.<digit>" SP+ 3DIGIT, first digit 1-9, then SP or the
 *        line end; so a response that starts with a header line fails),
 *        a control character (other than HTAB) or DEL in the reason phrase
 *        or a field value, a CR not followed by LF, a field line without a
 *        colon, an empty field name or one with a non-token byte (including
 *        whitespace before the colon, RFC 9112 §5.1), or a line that starts
 *        with SP/HTAB (obs-fold, RFC 9112 §5.2: rejected rather than
 *        unfolded, since unfolding would rewrite the caller's buffer and the
 *        raw headers WinHttpQueryHeaders reports).
 *   WS_ERR_HTTP_TOO_MANY_HEADERS  the block has more than max_headers field
 *        lines (reported as soon as the first extra line starts).
 *   WS_ERR_HTTP_TOO_BIG  max_block_len != 0 and the first max_block_len
 *        bytes hold no complete block (an error inside them is reported
 *        instead), so the block cannot fit.
 * Bare LF is accepted wherever CRLF is (RFC 9112 §2.2); leading empty lines
 * are not. Only HTTP/1.x is accepted. On an error or WS_ERR_AGAIN, |resp|'s
 * output fields and the header array are unspecified.
 *
 * A 1xx other than 101 is an interim response: the caller skips it and
 * parses the next response from buf + return value. */
int http1_parse_response(const char *buf, size_t len, struct http1_response *resp);

/* ASCII case-insensitive equality of a[0..alen) and b[0..blen). */
int http1_iequals(const char *a, size_t alen, const char *b, size_t blen);

/* The |nth| (0-based) header field whose name equals |name| (NUL-terminated)
 * case-insensitively, in arrival order; NULL when there are not that many.
 * WinHttpQueryHeaders' lpdwIndex counts the same way. */
const struct http1_header *http1_find_header(const struct http1_response *resp, const char *name,
                                             size_t nth);

/* Whether the comma-separated list value[0..len) (RFC 9110 §5.6.1) has an
 * element whose leading token equals |token| case-insensitively. Elements
 * are trimmed of OWS; empty elements are skipped; an element's token ends at
 * OWS or ';' (parameters are ignored). Returns 1 or 0. */
int http1_list_has_token(const char *value, size_t len, const char *token);

/* http1_list_has_token over every |name| header of |resp|, since repeated
 * list headers form one list (RFC 9110 §5.3). "Connection" holding
 * "upgrade", "close" or "keep-alive" is the use. Returns 1 or 0. */
int http1_header_has_token(const struct http1_response *resp, const char *name, const char *token);

/* The Content-Length of |resp| (RFC 9110 §8.6, RFC 9112 §6.3). Each value
 * must be 1*DIGIT; a comma list of equal values and repeated equal headers
 * ("5, 5", or two "Content-Length: 5" lines) count as one value.
 * Returns 1 with *len set when present, 0 when absent (*len untouched),
 * WS_ERR_HTTP_CONTENT_LENGTH when any value is empty, not decimal digits,
 * above UINT64_MAX, or differs from another. */
int http1_content_length(const struct http1_response *resp, uint64_t *len);

/* How the response body ends (RFC 9112 §6.3). */
enum http1_body {
    HTTP1_BODY_NONE = 0,       /* no body: the next response (or, after 101, the
                                  WebSocket stream) starts right after the head */
    HTTP1_BODY_LENGTH = 1,     /* exactly Content-Length bytes (possibly 0) */
    HTTP1_BODY_CHUNKED = 2,    /* chunked: decode with http1_chunked_decode */
    HTTP1_BODY_UNTIL_CLOSE = 3 /* everything until the server closes */
};

/* Request facts the framing depends on (flags for http1_body_framing). */
#define HTTP1_REQ_HEAD 0x1u    /* the request method was HEAD */
#define HTTP1_REQ_CONNECT 0x2u /* CONNECT: a 2xx opens a tunnel, no body */

/* Decides the body framing of |resp| to a request described by |req_flags|
 * (RFC 9112 §6.3, in its order):
 *   HEAD, any 1xx (101 included), 204, 304, 2xx to CONNECT -> NONE;
 *   Transfer-Encoding present: its final coding (across all its headers)
 *     is "chunked" -> CHUNKED, else -> UNTIL_CLOSE; any Content-Length is
 *     then ignored (TE overrides it, §6.3 item 3);
 *   a valid Content-Length -> LENGTH, *content_length set;
 *   otherwise -> UNTIL_CLOSE.
 * Codings other than chunked (e.g. "gzip, chunked") are not undone here.
 * Returns an enum http1_body value, or WS_ERR_HTTP_CONTENT_LENGTH when the
 * Content-Length decides the framing and is invalid (the response must be
 * failed and the connection closed). |content_length| may be NULL. */
int http1_body_framing(const struct http1_response *resp, unsigned req_flags,
                       uint64_t *content_length);

/* Whether the connection may carry another request after this response's
 * body has been read to its end (RFC 9112 §9.3). |framing| is what
 * http1_body_framing returned. Returns 0 when framing is UNTIL_CLOSE or an
 * error, the status is 101 (the connection now speaks another protocol),
 * Connection has "close", Transfer-Encoding and Content-Length are both
 * present or Transfer-Encoding came in an HTTP/1.0 response (§6.1, §6.3:
 * possible smuggling, do not reuse); otherwise 1 for HTTP/1.1 and later,
 * and for HTTP/1.0 only with Connection: keep-alive. */
int http1_keep_alive(const struct http1_response *resp, int framing);

/* ---- chunked transfer coding (RFC 9112 §7.1) --------------------------- */

/* Longest chunk-size line (hex size and chunk extensions) or trailer field
 * line the decoder accepts, without its line ending. */
#define HTTP1_CHUNK_LINE_MAX 4096

/* Decoder state. Zero-initialise (or http1_chunked_init) before use; no
 * heap, no pointers. |left| may be read: while inside chunk data it is the
 * number of data bytes of the current chunk still to come. */
struct http1_chunked {
    uint64_t left;   /* chunk bytes still to come */
    size_t line_len; /* bytes of the current size or trailer line so far */
    int state;       /* private */
};

void http1_chunked_init(struct http1_chunked *d);

/* Decodes the next buf[0..*len) bytes of a chunked body in place: on
 * return, buf[0..*len) holds the payload bytes they carried (moved to the
 * front, in order) and the framing (size lines, extensions, CRLFs,
 * trailers) is gone. Any split of the body across calls gives the same
 * payload. |buf| may be NULL when *len == 0; *len must not exceed INT_MAX
 * (else WS_ERR_MISUSE, nothing decoded).
 *
 * Returns:
 *   WS_ERR_AGAIN  all bytes were consumed and the body continues.
 *   >= 0  the body ended (last chunk and trailer section read) within this
 *         input; the value is the number of bytes that followed it, now at
 *         buf[*len..*len + value) (the start of the next response). Later
 *         calls decode nothing: *len = 0, all input left over.
 *   WS_ERR_HTTP_CHUNKED  at the first bad byte: a size line not starting
 *         with a hex digit, a size above UINT64_MAX, bytes other than
 *         SP/HTAB between the size and ';' or the line end, a control
 *         character in an extension or trailer line, a line longer than
 *         HTTP1_CHUNK_LINE_MAX, chunk data not followed by a line end, or a
 *         CR not followed by LF. *len is then the payload decoded by this
 *         call before the bad byte. The error is sticky (later calls return
 *         it with *len = 0).
 * Bare LF is accepted for CRLF. Chunk extensions and trailer fields are
 * skipped, not interpreted. */
int http1_chunked_decode(struct http1_chunked *d, char *buf, size_t *len);

#endif /* WS_HTTP1_H */
