/* http1.c - HTTP/1.x response head parsing, body framing and chunked
 * decoding (http1.h). */
#include "ws/http1.h"

#include <limits.h>
#include <string.h>

#include "ws/ws_err.h"

/* ---- character classes (RFC 9110 §5.6.2, §5.5) --------------------------- */

static int is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return c != 0 && memchr("!#$%&'*+-.^_`|~", c, 15) != NULL;
}

/* field-vchar / SP / HTAB, obs-text included: what a field value, reason
 * phrase, chunk extension or trailer line may hold. */
static int is_text(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

int http1_iequals(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;

    if (alen != blen)
        return 0;
    for (i = 0; i < alen; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* ---- the response head ----------------------------------------------------- */

/* Text up to the line end: [p, *text_end) passes |ok|, then CRLF or LF. On
 * WS_OK, *next is the start of the following line. */
static int scan_line(const char *p, const char *end, int (*ok)(unsigned char),
                     const char **text_end, const char **next)
{
    while (p < end && *p != '\r' && *p != '\n') {
        if (!ok((unsigned char)*p))
            return WS_ERR_HTTP_MALFORMED;
        p++;
    }
    if (p == end)
        return WS_ERR_AGAIN;
    *text_end = p;
    if (*p == '\r') {
        if (++p == end)
            return WS_ERR_AGAIN;
        if (*p != '\n')
            return WS_ERR_HTTP_MALFORMED;
    }
    *next = p + 1;
    return WS_OK;
}

/* "HTTP/1.x" SP+ 3DIGIT [SP reason] EOL (RFC 9112 §4). A missing SP before
 * an empty reason is tolerated, as is more than one SP after the version. */
static int parse_status_line(const char *buf, const char *end, struct http1_response *r,
                             const char **next)
{
    static const char k_name[] = "HTTP/1.";
    const char *p = buf, *text_end;
    size_t n = (size_t)(end - p) < 7 ? (size_t)(end - p) : 7;
    int i, rc;

    if (memcmp(p, k_name, n) != 0)
        return WS_ERR_HTTP_MALFORMED;
    if (n < 7 || (p += 7) == end)
        return WS_ERR_AGAIN;
    if (*p < '0' || *p > '9')
        return WS_ERR_HTTP_MALFORMED;
    r->minor_version = *p++ - '0';
    if (p == end)
        return WS_ERR_AGAIN;
    if (*p != ' ')
        return WS_ERR_HTTP_MALFORMED;
    while (p < end && *p == ' ')
        p++;
    r->status = 0;
    for (i = 0; i < 3; i++, p++) {
        if (p == end)
            return WS_ERR_AGAIN;
        if (*p < (i == 0 ? '1' : '0') || *p > '9')
            return WS_ERR_HTTP_MALFORMED;
        r->status = r->status * 10 + (*p - '0');
    }
    if (p == end)
        return WS_ERR_AGAIN;
    if (*p != ' ' && *p != '\r' && *p != '\n')
        return WS_ERR_HTTP_MALFORMED;
    while (p < end && is_ows(*p))
        p++;
    r->reason = p;
    rc = scan_line(p, end, is_text, &text_end, next);
    if (rc != WS_OK)
        return rc;
    r->status_line = buf;
    r->status_line_len = (size_t)(text_end - buf);
    while (text_end > r->reason && is_ows(text_end[-1]))
        text_end--;
    r->reason_len = (size_t)(text_end - r->reason);
    return WS_OK;
}

/* field-name ":" OWS field-value OWS EOL (RFC 9112 §5). */
static int parse_field_line(const char *p, const char *end, struct http1_header *h,
                            const char **next)
{
    const char *text_end;
    int rc;

    h->name = p;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    if (p == end)
        return WS_ERR_AGAIN;
    if (*p != ':' || p == h->name)
        return WS_ERR_HTTP_MALFORMED;
    h->name_len = (size_t)(p - h->name);
    p++;
    while (p < end && is_ows(*p))
        p++;
    h->value = p;
    rc = scan_line(p, end, is_text, &text_end, next);
    if (rc != WS_OK)
        return rc;
    while (text_end > h->value && is_ows(text_end[-1]))
        text_end--;
    h->value_len = (size_t)(text_end - h->value);
    return WS_OK;
}

/* Parses the head in [buf, end); on WS_OK, *block_end is just past the
 * empty line that ends it. */
static int parse_head(const char *buf, const char *end, struct http1_response *r,
                      const char **block_end)
{
    const char *p;
    int rc;

    r->num_headers = 0;
    rc = parse_status_line(buf, end, r, &p);
    while (rc == WS_OK) {
        if (p == end)
            return WS_ERR_AGAIN;
        if (*p == '\r' || *p == '\n') {
            const char *text_end; /* == p: the line is empty */

            return scan_line(p, end, is_text, &text_end, block_end);
        }
        if (!is_tchar((unsigned char)*p))
            return WS_ERR_HTTP_MALFORMED; /* obs-fold, control or separator */
        if (r->num_headers == r->max_headers)
            return WS_ERR_HTTP_TOO_MANY_HEADERS;
        rc = parse_field_line(p, end, &r->headers[r->num_headers], &p);
        if (rc == WS_OK)
            r->num_headers++;
    }
    return rc;
}

int http1_parse_response(const char *buf, size_t len, struct http1_response *resp)
{
    /* The result is an int, so no block may be longer than INT_MAX. */
    size_t max = resp->max_block_len && resp->max_block_len < INT_MAX ? resp->max_block_len
                                                                      : (size_t)INT_MAX;
    const char *block_end = NULL;
    int rc;

    if (len == 0)
        return WS_ERR_AGAIN;
    rc = parse_head(buf, buf + (len < max ? len : max), resp, &block_end);
    if (rc == WS_OK)
        return (int)(block_end - buf);
    /* Only the first |max| bytes were looked at: if they hold no whole
     * block, no later byte can make one fit. */
    if (rc == WS_ERR_AGAIN && len >= max)
        return WS_ERR_HTTP_TOO_BIG;
    return rc;
}

/* ---- header helpers -------------------------------------------------------- */

const struct http1_header *http1_find_header(const struct http1_response *resp, const char *name,
                                             size_t nth)
{
    size_t i, name_len = strlen(name);

    for (i = 0; i < resp->num_headers; i++) {
        const struct http1_header *h = &resp->headers[i];

        if (http1_iequals(h->name, h->name_len, name, name_len) && nth-- == 0)
            return h;
    }
    return NULL;
}

/* Cuts the next element off the list [*p, end): returns its leading token
 * (up to OWS or ';') in *tok, *tok_len, with leading OWS skipped; sets *p
 * past the element's comma. Returns 0 when the list is used up. */
static int next_element(const char **p, const char *end, const char **tok, size_t *tok_len,
                        const char **elem_end)
{
    const char *q = *p, *t;

    if (q == end)
        return 0;
    while (q < end && is_ows(*q))
        q++;
    t = q;
    while (q < end && *q != ',' && *q != ';' && !is_ows(*q))
        q++;
    *tok = t;
    *tok_len = (size_t)(q - t);
    while (q < end && *q != ',')
        q++;
    *elem_end = q;
    *p = q < end ? q + 1 : q;
    return 1;
}

int http1_list_has_token(const char *value, size_t len, const char *token)
{
    const char *p = value, *end = value + len, *tok, *elem_end;
    size_t tok_len, want = strlen(token);

    while (next_element(&p, end, &tok, &tok_len, &elem_end))
        if (tok_len != 0 && http1_iequals(tok, tok_len, token, want))
            return 1;
    return 0;
}

int http1_header_has_token(const struct http1_response *resp, const char *name, const char *token)
{
    const struct http1_header *h;
    size_t i;

    for (i = 0; (h = http1_find_header(resp, name, i)) != NULL; i++)
        if (http1_list_has_token(h->value, h->value_len, token))
            return 1;
    return 0;
}

/* One Content-Length list element: 1*DIGIT with OWS around it. */
static int parse_decimal(const char *p, const char *end, uint64_t *out)
{
    uint64_t v = 0;
    unsigned d;

    while (p < end && is_ows(*p))
        p++;
    while (end > p && is_ows(end[-1]))
        end--;
    if (p == end)
        return WS_ERR_HTTP_CONTENT_LENGTH;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9')
            return WS_ERR_HTTP_CONTENT_LENGTH;
        d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return WS_ERR_HTTP_CONTENT_LENGTH;
        v = v * 10 + d;
    }
    *out = v;
    return WS_OK;
}

int http1_content_length(const struct http1_response *resp, uint64_t *len)
{
    const struct http1_header *h;
    const char *p, *end, *comma;
    uint64_t v, first = 0;
    int found = 0;
    size_t i;

    for (i = 0; (h = http1_find_header(resp, "Content-Length", i)) != NULL; i++) {
        p = h->value;
        end = h->value + h->value_len;
        do {
            comma = memchr(p, ',', (size_t)(end - p));
            if (parse_decimal(p, comma ? comma : end, &v) != WS_OK)
                return WS_ERR_HTTP_CONTENT_LENGTH;
            if (found && v != first)
                return WS_ERR_HTTP_CONTENT_LENGTH;
            first = v;
            found = 1;
            p = comma ? comma + 1 : end;
        } while (comma);
    }
    if (found)
        *len = first;
    return found;
}

/* Whether any Transfer-Encoding header is present, and whether the final
 * coding of their combined list is chunked (RFC 9112 §6.1). */
static int te_present(const struct http1_response *resp, int *chunked)
{
    const struct http1_header *h;
    const char *p, *tok, *elem_end;
    size_t i, tok_len;

    *chunked = 0;
    for (i = 0; (h = http1_find_header(resp, "Transfer-Encoding", i)) != NULL; i++) {
        p = h->value;
        while (next_element(&p, h->value + h->value_len, &tok, &tok_len, &elem_end))
            if (tok_len != 0 || tok != elem_end)
                *chunked = http1_iequals(tok, tok_len, "chunked", 7);
    }
    return i != 0;
}

int http1_body_framing(const struct http1_response *resp, unsigned req_flags,
                       uint64_t *content_length)
{
    uint64_t n;
    int chunked, rc;

    if ((req_flags & HTTP1_REQ_HEAD) || resp->status < 200 || resp->status == 204 ||
        resp->status == 304)
        return HTTP1_BODY_NONE;
    if ((req_flags & HTTP1_REQ_CONNECT) && resp->status < 300)
        return HTTP1_BODY_NONE;
    if (te_present(resp, &chunked))
        return chunked ? HTTP1_BODY_CHUNKED : HTTP1_BODY_UNTIL_CLOSE;
    rc = http1_content_length(resp, &n);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return HTTP1_BODY_UNTIL_CLOSE;
    if (content_length)
        *content_length = n;
    return HTTP1_BODY_LENGTH;
}

int http1_keep_alive(const struct http1_response *resp, int framing)
{
    int chunked;

    if (framing < 0 || framing == HTTP1_BODY_UNTIL_CLOSE || resp->status == 101)
        return 0;
    if (http1_header_has_token(resp, "Connection", "close"))
        return 0;
    if (te_present(resp, &chunked) &&
        (resp->minor_version == 0 || http1_find_header(resp, "Content-Length", 0)))
        return 0;
    if (resp->minor_version >= 1)
        return 1;
    return http1_header_has_token(resp, "Connection", "keep-alive");
}

/* ---- chunked transfer coding (RFC 9112 §7.1) ------------------------------- */

enum {
    CH_SIZE_FIRST,   /* start of a chunk-size line: a hex digit must come */
    CH_SIZE,         /* more hex digits */
    CH_SIZE_WS,      /* BWS after the size: ';' or the line end must come */
    CH_EXT,          /* chunk extensions, skipped up to the line end */
    CH_SIZE_LF,      /* CR seen at the end of the size line */
    CH_DATA,         /* |left| bytes of chunk data */
    CH_DATA_CR,      /* the line end after chunk data */
    CH_DATA_LF,      /* CR seen after chunk data */
    CH_TRAILER,      /* start of a trailer line, or the final empty line */
    CH_TRAILER_TEXT, /* a trailer field line, skipped */
    CH_TRAILER_LF,   /* CR seen at the end of a trailer line */
    CH_END_LF,       /* CR seen on the final empty line */
    CH_DONE,
    CH_ERROR
};

void http1_chunked_init(struct http1_chunked *d)
{
    memset(d, 0, sizeof(*d));
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The state after the line end of a size line. */
static int after_size_line(const struct http1_chunked *d)
{
    return d->left ? CH_DATA : CH_TRAILER;
}

/* Steps the size-line states over one byte; returns the next state. */
static int size_line_byte(struct http1_chunked *d, unsigned char c)
{
    int h = hex_value(c);

    if (c != '\r' && c != '\n' && ++d->line_len > HTTP1_CHUNK_LINE_MAX)
        return CH_ERROR;
    switch (d->state) {
    case CH_SIZE_FIRST:
    case CH_SIZE:
        if (h >= 0) {
            if (d->left >> 60)
                return CH_ERROR; /* the size would not fit 64 bits */
            d->left = d->left << 4 | (uint64_t)h;
            return CH_SIZE;
        }
        if (d->state == CH_SIZE_FIRST)
            return CH_ERROR;
        /* fall through */
    case CH_SIZE_WS:
        if (is_ows((char)c))
            return CH_SIZE_WS;
        if (c == ';')
            return CH_EXT;
        break;
    case CH_EXT:
        if (is_text(c))
            return CH_EXT;
        break;
    }
    if (c == '\r')
        return CH_SIZE_LF;
    return c == '\n' ? after_size_line(d) : CH_ERROR;
}

/* Steps every state except CH_DATA, CH_DONE and CH_ERROR over one byte. */
static int framing_byte(struct http1_chunked *d, unsigned char c)
{
    switch (d->state) {
    case CH_SIZE_LF:
        return c == '\n' ? after_size_line(d) : CH_ERROR;
    case CH_DATA_CR:
        if (c == '\r')
            return CH_DATA_LF;
        /* fall through */
    case CH_DATA_LF:
        return c == '\n' ? CH_SIZE_FIRST : CH_ERROR;
    case CH_TRAILER:
        if (c == '\r')
            return CH_END_LF;
        if (c == '\n')
            return CH_DONE;
        d->line_len = 0;
        /* fall through */
    case CH_TRAILER_TEXT:
        if (c == '\r')
            return CH_TRAILER_LF;
        if (c == '\n')
            return CH_TRAILER;
        return is_text(c) && ++d->line_len <= HTTP1_CHUNK_LINE_MAX ? CH_TRAILER_TEXT : CH_ERROR;
    case CH_TRAILER_LF:
        return c == '\n' ? CH_TRAILER : CH_ERROR;
    case CH_END_LF:
        return c == '\n' ? CH_DONE : CH_ERROR;
    default:
        return size_line_byte(d, c);
    }
}

int http1_chunked_decode(struct http1_chunked *d, char *buf, size_t *len)
{
    size_t src = 0, dst = 0, n = *len;

    if (n > INT_MAX) {
        *len = 0;
        return WS_ERR_MISUSE; /* the left-over count must fit the int result */
    }
    while (src < n && d->state != CH_DONE && d->state != CH_ERROR) {
        if (d->state == CH_DATA) {
            size_t take = n - src;

            if (d->left < take)
                take = (size_t)d->left;
            memmove(buf + dst, buf + src, take);
            src += take;
            dst += take;
            d->left -= take;
            if (d->left == 0)
                d->state = CH_DATA_CR;
            continue;
        }
        if (d->state == CH_SIZE_FIRST)
            d->line_len = 0; /* d->left is already 0 here */
        d->state = framing_byte(d, (unsigned char)buf[src++]);
    }
    *len = dst;
    if (d->state == CH_ERROR)
        return WS_ERR_HTTP_CHUNKED;
    if (d->state != CH_DONE)
        return WS_ERR_AGAIN;
    if (n > src)
        memmove(buf + dst, buf + src, n - src);
    return (int)(n - src);
}
