/* headers.h - request header lists, the request head on the wire, the
 * received response head, and WinHttpQueryHeaders.
 *
 * A request keeps its headers as an ordered list of wide name/value pairs
 * (struct wh_headers), edited with WinHttpAddRequestHeaders' rules
 * (wh_headers_add) or directly by the library (wh_headers_set) and turned
 * into bytes once per send (wh_request_head). A response head is kept as a
 * private copy of the raw bytes parsed by the core (include/ws/http1.h).
 * wh_query_headers is the whole of WinHttpQueryHeaders except the handle
 * lookup, following exports.md §5 and websocket-api.md §2.2-2.3.
 *
 * Nothing here locks: the caller holds the request's lock. Memory comes
 * from strutil.h's process-heap helpers.
 */
#ifndef WH_HEADERS_H
#define WH_HEADERS_H

#include "wh_winhttp.h"
#include "ws/http1.h"

#include <stddef.h>

/* One request header. Both strings are heap copies owned by the list; the
 * name is a non-empty run of visible ASCII without ':'; the value has no
 * leading or trailing SP/HTAB and no CR, LF or NUL, and may be empty. */
struct wh_header {
    WCHAR *name;
    WCHAR *value;
};

/* Request headers in the order they go on the wire. Zero-initialise before
 * use; wh_headers_free returns it to that state. */
struct wh_headers {
    struct wh_header *items;
    DWORD count, cap;
};

void wh_headers_free(struct wh_headers *h);

/* WinHttpAddRequestHeaders on |h| (exports.md §5). |text| holds |len|
 * WCHARs (len == (DWORD)-1: NUL-terminated; a NUL inside |len| ends the
 * text early). The caller rejects text == NULL and len == 0 (87) first.
 *
 * Lines end at CR, LF or CRLF; empty (or all SP/HTAB) lines are skipped.
 * Each remaining line is "name:value": the name is everything before the
 * first ':' and must be non-empty with no SP, HTAB, control or non-ASCII
 * character (so ":", ":b", "cd" and " e :f" are rejected); the value is
 * trimmed of SP/HTAB and may be empty ("a:" is accepted). Lines are applied
 * in order; the first bad line stops the call, lines before it stay
 * applied. |modifiers| (high 16 bits; the low 16 are ignored) act on the
 * first existing header of the same name (ASCII case-insensitive):
 *   REPLACE: remove it, then append the new line unless its value is
 *     empty (so an empty value deletes); when absent: 12150 unless ADD is
 *     also given, in which case a non-empty value is appended;
 *   ADD_IF_NEW: 12155 when present, else append;
 *   COALESCE / COALESCE_WITH_COMMA: append ", value" to it when present,
 *   COALESCE_WITH_SEMICOLON: append "; value"; else append a new header;
 *   ADD or none of the above: append (duplicates allowed).
 * Returns ERROR_SUCCESS, ERROR_INVALID_PARAMETER (malformed line; the code
 * native uses here is unconfirmed), ERROR_WINHTTP_HEADER_NOT_FOUND,
 * ERROR_WINHTTP_HEADER_ALREADY_EXISTS or ERROR_NOT_ENOUGH_MEMORY. */
DWORD wh_headers_add(struct wh_headers *h, const WCHAR *text, DWORD len, DWORD modifiers);

/* Sets |name| to |value|: the first existing |name| (case-insensitive)
 * takes the value in place and later ones are removed; appended at the end
 * when absent. value == NULL removes every |name|. No validation: the
 * library's own names and values are well-formed. ERROR_SUCCESS or
 * ERROR_NOT_ENOUGH_MEMORY (|h| unchanged). */
DWORD wh_headers_set(struct wh_headers *h, const WCHAR *name, const WCHAR *value);

/* The |index|th (0-based) value of |name| (ASCII case-insensitive), or
 * NULL. The pointer is valid until |h| next changes. */
const WCHAR *wh_headers_get(const struct wh_headers *h, const WCHAR *name, DWORD index);

/* The request head as sent: "VERB SP path SP version CRLF", then
 * "Name: value CRLF" per header in order, then CRLF. NULL or empty verb,
 * path and version mean "GET", "/" and "HTTP/1.1" (wh_query_headers uses
 * the same defaults). Encoded as UTF-8: request lines and headers are
 * ASCII in practice, and UTF-8 is what servers that accept anything else
 * expect (native's choice for non-ASCII is unconfirmed). Returns a heap
 * buffer of *len bytes (plus a NUL not counted) for wh_free; NULL when out
 * of memory. */
char *wh_request_head(const WCHAR *verb, const WCHAR *path, const WCHAR *version,
                      const struct wh_headers *h, size_t *len);

/* A received response head. Zero-initialise before first use. After
 * wh_response_set, |parsed| (and |fields|) point into |block| and into the
 * struct itself: do not copy or move a set struct. */
#define WH_MAX_RESPONSE_HEADERS 256
struct wh_response {
    char *block; /* private copy of the raw head (status line .. empty line); NULL: none */
    size_t block_len;
    struct http1_header fields[WH_MAX_RESPONSE_HEADERS];
    struct http1_response parsed; /* slices point into block */
};

/* Copies the |len| bytes of a complete response head at |block| (the
 * caller found it complete with http1_parse_response) and parses the copy,
 * first freeing any head |r| held. Returns ERROR_SUCCESS,
 * ERROR_NOT_ENOUGH_MEMORY, or ERROR_WINHTTP_INVALID_SERVER_RESPONSE (not a
 * complete, valid head, or more than WH_MAX_RESPONSE_HEADERS fields). On
 * failure |r| holds no head (block == NULL). */
DWORD wh_response_set(struct wh_response *r, const char *block, size_t len);

/* Frees the head; |r| can be set again. */
void wh_response_free(struct wh_response *r);

/* WinHttpQueryHeaders without the handle lookup. |resp| is NULL (or holds
 * no block) before a response exists; |req| are the request headers;
 * |verb|, |path| and |version| answer REQUEST_METHOD, and URI and VERSION
 * with WINHTTP_QUERY_FLAG_REQUEST_HEADERS (NULL/empty: the defaults of
 * wh_request_head).
 *
 * |level| is an info level (low 16 bits) with modifier flags:
 *   - level > WINHTTP_QUERY_MAX (78) and not WINHTTP_QUERY_CUSTOM -> 87;
 *     CUSTOM with |name| NULL -> 87; |len| NULL -> 87.
 *   - REQUEST_METHOD: the verb, with or without a response.
 *   - FLAG_REQUEST_HEADERS (0x80000000): answered from |req|: a named
 *     level's header, CUSTOM |name|, RAW_HEADERS(_CRLF) of the request head
 *     as wh_request_head writes it, VERSION, URI (the path). STATUS_CODE and
 *     STATUS_TEXT -> 12150.
 *   - otherwise before a response -> ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
 *     then STATUS_CODE ("101"), STATUS_TEXT (reason phrase), VERSION
 *     ("HTTP/1.1"), RAW_HEADERS (status line and "Name: value" lines, each
 *     NUL-terminated, then one more NUL), RAW_HEADERS_CRLF (the same with
 *     CRLF, ending "\r\n\r\n"), a named level's header (the
 *     WINHTTP_QUERY_* -> name table of Microsoft's Query Info Flags page),
 *     or CUSTOM |name|. Levels without a header name (71-74) -> 12150.
 *     Response bytes are widened as ISO-8859-1, so every byte survives.
 *   - |index| (may be NULL = 0) picks the repeat of a header (0-based);
 *     on success it becomes the next index. Other levels ignore it.
 *   - FLAG_NUMBER: a DWORD (4 bytes) from the value's leading decimal
 *     digits after SP/HTAB (0 if none; atoi-like); FLAG_NUMBER64: a
 *     ULONGLONG (8 bytes); FLAG_SYSTEMTIME: a SYSTEMTIME (16 bytes) parsed
 *     with WinHttpTimeToSystemTime, a value that is no date ->
 *     ERROR_WINHTTP_INVALID_QUERY_REQUEST (unconfirmed). If several are
 *     given, SYSTEMTIME wins over NUMBER64 over NUMBER.
 * Missing header -> ERROR_WINHTTP_HEADER_NOT_FOUND, nothing written.
 * buf NULL or *len too small -> ERROR_INSUFFICIENT_BUFFER with *len = the
 * bytes needed (strings: including the terminating NUL), |index| and |buf|
 * untouched. Success: ERROR_SUCCESS, the value in |buf| (strings
 * NUL-terminated) and *len = its size in bytes without the terminator.
 * Also ERROR_NOT_ENOUGH_MEMORY (raw header levels only). */
DWORD wh_query_headers(const struct wh_response *resp, const struct wh_headers *req,
                       const WCHAR *verb, const WCHAR *path, const WCHAR *version, DWORD level,
                       const WCHAR *name, void *buf, DWORD *len, DWORD *index);

#endif /* WH_HEADERS_H */
