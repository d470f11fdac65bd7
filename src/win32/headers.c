/* headers.c - request header lists, the request head, the response head
 * and WinHttpQueryHeaders (contract in headers.h). */
#include "headers.h"

#include <string.h>
#include <wchar.h>

#include "strutil.h"

#define NOT_FOUND ((DWORD)-1)

static const WCHAR k_get[] = L"GET";
static const WCHAR k_root[] = L"/";
static const WCHAR k_http11[] = L"HTTP/1.1";

static const WCHAR *or_default(const WCHAR *s, const WCHAR *def)
{
    return s && *s ? s : def;
}

static int is_ws(WCHAR c)
{
    return c == ' ' || c == '\t';
}

/* Header names are ASCII tokens, so ASCII folding is the whole story. */
static WCHAR fold(WCHAR c)
{
    return c >= 'A' && c <= 'Z' ? (WCHAR)(c + ('a' - 'A')) : c;
}

/* a[0..alen) equals the NUL-terminated b, ignoring ASCII case. */
static int name_eq(const WCHAR *a, size_t alen, const WCHAR *b)
{
    size_t i;

    for (i = 0; i < alen; i++)
        if (!b[i] || fold(a[i]) != fold(b[i]))
            return 0;
    return b[alen] == 0;
}

static DWORD find_req(const struct wh_headers *h, const WCHAR *name, size_t nlen, DWORD nth)
{
    DWORD i;

    for (i = 0; i < h->count; i++)
        if (name_eq(name, nlen, h->items[i].name) && nth-- == 0)
            return i;
    return NOT_FOUND;
}

/* ---- the request header list ---------------------------------------------- */

void wh_headers_free(struct wh_headers *h)
{
    DWORD i;

    for (i = 0; i < h->count; i++) {
        wh_free(h->items[i].name);
        wh_free(h->items[i].value);
    }
    wh_free(h->items);
    h->items = NULL;
    h->count = h->cap = 0;
}

static DWORD grow(struct wh_headers *h)
{
    DWORD cap = h->cap ? h->cap * 2 : 8;
    struct wh_header *items;

    if (h->count < h->cap)
        return ERROR_SUCCESS;
    if (cap <= h->cap || cap > 0x1000000)
        return ERROR_NOT_ENOUGH_MEMORY;
    items = wh_alloc(cap * sizeof(*items));
    if (!items)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (h->count)
        memcpy(items, h->items, h->count * sizeof(*items));
    wh_free(h->items);
    h->items = items;
    h->cap = cap;
    return ERROR_SUCCESS;
}

static DWORD push(struct wh_headers *h, const WCHAR *name, size_t nlen, const WCHAR *value,
                  size_t vlen)
{
    WCHAR *n, *v;

    if (grow(h))
        return ERROR_NOT_ENOUGH_MEMORY;
    n = wh_wcsndup(name, nlen);
    v = wh_wcsndup(value, vlen);
    if (!n || !v) {
        wh_free(n);
        wh_free(v);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    h->items[h->count].name = n;
    h->items[h->count].value = v;
    h->count++;
    return ERROR_SUCCESS;
}

static void remove_at(struct wh_headers *h, DWORD i)
{
    wh_free(h->items[i].name);
    wh_free(h->items[i].value);
    memmove(h->items + i, h->items + i + 1, (h->count - i - 1) * sizeof(*h->items));
    h->count--;
}

/* Appends |sep| (two characters) and value[0..vlen) to header |i|. */
static DWORD coalesce(struct wh_headers *h, DWORD i, const WCHAR *sep, const WCHAR *value,
                      size_t vlen)
{
    size_t old = wcslen(h->items[i].value);
    WCHAR *v = wh_alloc((old + 2 + vlen + 1) * sizeof(WCHAR));

    if (!v)
        return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(v, h->items[i].value, old * sizeof(WCHAR));
    memcpy(v + old, sep, 2 * sizeof(WCHAR));
    memcpy(v + old + 2, value, vlen * sizeof(WCHAR));
    v[old + 2 + vlen] = 0;
    wh_free(h->items[i].value);
    h->items[i].value = v;
    return ERROR_SUCCESS;
}

/* Splits "name:value" (no line ending). The name must be a non-empty run
 * of visible ASCII: this is what rejects ":", ":b", "cd" and " e :f"
 * (exports.md §5), and keeps names safe to put on the wire. */
static int split_line(const WCHAR *s, size_t n, size_t *nlen, const WCHAR **value, size_t *vlen)
{
    size_t i, b, e;

    for (i = 0; i < n && s[i] != ':'; i++)
        if (s[i] <= ' ' || s[i] >= 0x7F)
            return 0;
    if (i == 0 || i == n)
        return 0;
    for (b = i + 1; b < n && is_ws(s[b]); b++)
        ;
    for (e = n; e > b && is_ws(s[e - 1]); e--)
        ;
    *nlen = i;
    *value = s + b;
    *vlen = e - b;
    return 1;
}

static DWORD apply_line(struct wh_headers *h, const WCHAR *s, size_t n, DWORD flags)
{
    const WCHAR *value;
    size_t nlen, vlen;
    DWORD i;

    if (!split_line(s, n, &nlen, &value, &vlen))
        return ERROR_INVALID_PARAMETER;
    i = find_req(h, s, nlen, 0);
    if (flags & WINHTTP_ADDREQ_FLAG_REPLACE) {
        if (i == NOT_FOUND && !(flags & WINHTTP_ADDREQ_FLAG_ADD))
            return ERROR_WINHTTP_HEADER_NOT_FOUND;
        if (i != NOT_FOUND)
            remove_at(h, i);
        return vlen ? push(h, s, nlen, value, vlen) : ERROR_SUCCESS;
    }
    if (i != NOT_FOUND && (flags & WINHTTP_ADDREQ_FLAG_ADD_IF_NEW))
        return ERROR_WINHTTP_HEADER_ALREADY_EXISTS;
    if (i != NOT_FOUND && (flags & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA))
        return coalesce(h, i, L", ", value, vlen);
    if (i != NOT_FOUND && (flags & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON))
        return coalesce(h, i, L"; ", value, vlen);
    return push(h, s, nlen, value, vlen);
}

static int is_blank(const WCHAR *s, size_t n)
{
    while (n && is_ws(*s)) {
        s++;
        n--;
    }
    return n == 0;
}

DWORD wh_headers_add(struct wh_headers *h, const WCHAR *text, DWORD len, DWORD modifiers)
{
    size_t n = 0, start, end;
    DWORD err = ERROR_SUCCESS;

    /* A NUL ends the text even inside an explicit length. */
    while ((len == (DWORD)-1 || n < len) && text[n])
        n++;
    for (start = 0; start < n && !err; start = end) {
        for (end = start; end < n && text[end] != '\r' && text[end] != '\n'; end++)
            ;
        if (!is_blank(text + start, end - start))
            err = apply_line(h, text + start, end - start, modifiers & WINHTTP_ADDREQ_FLAGS_MASK);
        if (end + 1 < n && text[end] == '\r' && text[end + 1] == '\n')
            end += 2;
        else if (end < n)
            end++;
    }
    return err;
}

DWORD wh_headers_set(struct wh_headers *h, const WCHAR *name, const WCHAR *value)
{
    size_t nlen = wcslen(name);
    DWORD i = find_req(h, name, nlen, 0), j;
    WCHAR *v;

    if (!value) {
        for (; i != NOT_FOUND; i = find_req(h, name, nlen, 0))
            remove_at(h, i);
        return ERROR_SUCCESS;
    }
    if (i == NOT_FOUND)
        return push(h, name, nlen, value, wcslen(value));
    if (!(v = wh_wcsdup(value)))
        return ERROR_NOT_ENOUGH_MEMORY;
    wh_free(h->items[i].value);
    h->items[i].value = v;
    while ((j = find_req(h, name, nlen, 1)) != NOT_FOUND)
        remove_at(h, j);
    return ERROR_SUCCESS;
}

const WCHAR *wh_headers_get(const struct wh_headers *h, const WCHAR *name, DWORD index)
{
    DWORD i = find_req(h, name, wcslen(name), index);

    return i == NOT_FOUND ? NULL : h->items[i].value;
}

/* ---- raw heads as wide text ----------------------------------------------- */

/* Counts (p == NULL) or writes wide characters: every raw head is built in
 * two passes with the same code, so the size cannot disagree with the text. */
struct wout {
    WCHAR *p;
    size_t n;
};

static void put_w(struct wout *o, const WCHAR *s, size_t n)
{
    if (o->p)
        memcpy(o->p + o->n, s, n * sizeof(WCHAR));
    o->n += n;
}

static void put_s(struct wout *o, const WCHAR *s)
{
    put_w(o, s, wcslen(s));
}

/* Response bytes widen as ISO-8859-1: byte b becomes U+00bb. */
static void put_b(struct wout *o, const char *s, size_t n)
{
    size_t i;

    if (o->p)
        for (i = 0; i < n; i++)
            o->p[o->n + i] = (WCHAR)(unsigned char)s[i];
    o->n += n;
}

/* Line ends: CRLF, or NUL for WINHTTP_QUERY_RAW_HEADERS. With CRLF the
 * empty line ending the head is part of the text; with NUL the list's
 * final NUL is the string terminator the caller adds. */
static void put_eol(struct wout *o, int crlf)
{
    put_w(o, crlf ? L"\r\n" : L"", crlf ? 2 : 1);
}

static void write_req(struct wout *o, const WCHAR *verb, const WCHAR *path, const WCHAR *version,
                      const struct wh_headers *h, int crlf)
{
    DWORD i;

    put_s(o, or_default(verb, k_get));
    put_w(o, L" ", 1);
    put_s(o, or_default(path, k_root));
    put_w(o, L" ", 1);
    put_s(o, or_default(version, k_http11));
    put_eol(o, crlf);
    for (i = 0; h && i < h->count; i++) {
        put_s(o, h->items[i].name);
        put_w(o, L": ", 2);
        put_s(o, h->items[i].value);
        put_eol(o, crlf);
    }
    if (crlf)
        put_eol(o, crlf);
}

static void write_resp(struct wout *o, const struct http1_response *p, int crlf)
{
    size_t i;

    put_b(o, p->status_line, p->status_line_len);
    put_eol(o, crlf);
    for (i = 0; i < p->num_headers; i++) {
        put_b(o, p->headers[i].name, p->headers[i].name_len);
        put_w(o, L": ", 2);
        put_b(o, p->headers[i].value, p->headers[i].value_len);
        put_eol(o, crlf);
    }
    if (crlf)
        put_eol(o, crlf);
}

/* The raw head of the request (p == NULL) or of the response |p|, as a
 * NUL-terminated heap string of *n characters (plus the NUL). */
struct raw_src {
    const WCHAR *verb, *path, *version;
    const struct wh_headers *req;
    const struct http1_response *p;
};

static WCHAR *build_raw(const struct raw_src *src, int crlf, size_t *n)
{
    struct wout o = {NULL, 0};
    int pass;

    for (pass = 0; pass < 2; pass++) {
        if (pass) {
            if (!(o.p = wh_alloc((o.n + 1) * sizeof(WCHAR))))
                return NULL;
            o.n = 0;
        }
        if (src->p)
            write_resp(&o, src->p, crlf);
        else
            write_req(&o, src->verb, src->path, src->version, src->req, crlf);
    }
    o.p[o.n] = 0;
    *n = o.n;
    return o.p;
}

char *wh_request_head(const WCHAR *verb, const WCHAR *path, const WCHAR *version,
                      const struct wh_headers *h, size_t *len)
{
    struct raw_src src = {verb, path, version, h, NULL};
    size_t n;
    WCHAR *w = build_raw(&src, 1, &n);
    char *out;

    if (!w)
        return NULL;
    out = wh_wcs_to_utf8(w, n, len);
    wh_free(w);
    return out;
}

/* ---- the response head ------------------------------------------------- */

void wh_response_free(struct wh_response *r)
{
    wh_free(r->block);
    r->block = NULL;
    r->block_len = 0;
    memset(&r->parsed, 0, sizeof(r->parsed));
}

DWORD wh_response_set(struct wh_response *r, const char *block, size_t len)
{
    int n;

    wh_response_free(r);
    if (!block || !len)
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    if (!(r->block = wh_alloc(len)))
        return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(r->block, block, len);
    r->parsed.headers = r->fields;
    r->parsed.max_headers = WH_MAX_RESPONSE_HEADERS;
    r->parsed.max_block_len = 0;
    n = http1_parse_response(r->block, len, &r->parsed);
    if (n <= 0) {
        wh_response_free(r);
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
    r->block_len = (size_t)n;
    return ERROR_SUCCESS;
}

/* ---- WinHttpQueryHeaders ------------------------------------------------- */

/* Microsoft's Query Info Flags page: the header each named level reads.
 * Levels answered otherwise (VERSION, STATUS_*, RAW_*, REQUEST_METHOD) and
 * the unassigned 71-74 have none. */
static const WCHAR *const k_level_names[WINHTTP_QUERY_MAX + 1] = {
    [WINHTTP_QUERY_MIME_VERSION] = L"Mime-Version",
    [WINHTTP_QUERY_CONTENT_TYPE] = L"Content-Type",
    [WINHTTP_QUERY_CONTENT_TRANSFER_ENCODING] = L"Content-Transfer-Encoding",
    [WINHTTP_QUERY_CONTENT_ID] = L"Content-ID",
    [WINHTTP_QUERY_CONTENT_DESCRIPTION] = L"Content-Description",
    [WINHTTP_QUERY_CONTENT_LENGTH] = L"Content-Length",
    [WINHTTP_QUERY_CONTENT_LANGUAGE] = L"Content-Language",
    [WINHTTP_QUERY_ALLOW] = L"Allow",
    [WINHTTP_QUERY_PUBLIC] = L"Public",
    [WINHTTP_QUERY_DATE] = L"Date",
    [WINHTTP_QUERY_EXPIRES] = L"Expires",
    [WINHTTP_QUERY_LAST_MODIFIED] = L"Last-Modified",
    [WINHTTP_QUERY_MESSAGE_ID] = L"Message-ID",
    [WINHTTP_QUERY_URI] = L"URI",
    [WINHTTP_QUERY_DERIVED_FROM] = L"Derived-From",
    [WINHTTP_QUERY_COST] = L"Cost",
    [WINHTTP_QUERY_LINK] = L"Link",
    [WINHTTP_QUERY_PRAGMA] = L"Pragma",
    [WINHTTP_QUERY_CONNECTION] = L"Connection",
    [WINHTTP_QUERY_ACCEPT] = L"Accept",
    [WINHTTP_QUERY_ACCEPT_CHARSET] = L"Accept-Charset",
    [WINHTTP_QUERY_ACCEPT_ENCODING] = L"Accept-Encoding",
    [WINHTTP_QUERY_ACCEPT_LANGUAGE] = L"Accept-Language",
    [WINHTTP_QUERY_AUTHORIZATION] = L"Authorization",
    [WINHTTP_QUERY_CONTENT_ENCODING] = L"Content-Encoding",
    [WINHTTP_QUERY_FORWARDED] = L"Forwarded",
    [WINHTTP_QUERY_FROM] = L"From",
    [WINHTTP_QUERY_IF_MODIFIED_SINCE] = L"If-Modified-Since",
    [WINHTTP_QUERY_LOCATION] = L"Location",
    [WINHTTP_QUERY_ORIG_URI] = L"Orig-Uri",
    [WINHTTP_QUERY_REFERER] = L"Referer",
    [WINHTTP_QUERY_RETRY_AFTER] = L"Retry-After",
    [WINHTTP_QUERY_SERVER] = L"Server",
    [WINHTTP_QUERY_TITLE] = L"Title",
    [WINHTTP_QUERY_USER_AGENT] = L"User-Agent",
    [WINHTTP_QUERY_WWW_AUTHENTICATE] = L"WWW-Authenticate",
    [WINHTTP_QUERY_PROXY_AUTHENTICATE] = L"Proxy-Authenticate",
    [WINHTTP_QUERY_ACCEPT_RANGES] = L"Accept-Ranges",
    [WINHTTP_QUERY_SET_COOKIE] = L"Set-Cookie",
    [WINHTTP_QUERY_COOKIE] = L"Cookie",
    [WINHTTP_QUERY_REFRESH] = L"Refresh",
    [WINHTTP_QUERY_CONTENT_DISPOSITION] = L"Content-Disposition",
    [WINHTTP_QUERY_AGE] = L"Age",
    [WINHTTP_QUERY_CACHE_CONTROL] = L"Cache-Control",
    [WINHTTP_QUERY_CONTENT_BASE] = L"Content-Base",
    [WINHTTP_QUERY_CONTENT_LOCATION] = L"Content-Location",
    [WINHTTP_QUERY_CONTENT_MD5] = L"Content-MD5",
    [WINHTTP_QUERY_CONTENT_RANGE] = L"Content-Range",
    [WINHTTP_QUERY_ETAG] = L"ETag",
    [WINHTTP_QUERY_HOST] = L"Host",
    [WINHTTP_QUERY_IF_MATCH] = L"If-Match",
    [WINHTTP_QUERY_IF_NONE_MATCH] = L"If-None-Match",
    [WINHTTP_QUERY_IF_RANGE] = L"If-Range",
    [WINHTTP_QUERY_IF_UNMODIFIED_SINCE] = L"If-Unmodified-Since",
    [WINHTTP_QUERY_MAX_FORWARDS] = L"Max-Forwards",
    [WINHTTP_QUERY_PROXY_AUTHORIZATION] = L"Proxy-Authorization",
    [WINHTTP_QUERY_RANGE] = L"Range",
    [WINHTTP_QUERY_TRANSFER_ENCODING] = L"Transfer-Encoding",
    [WINHTTP_QUERY_UPGRADE] = L"Upgrade",
    [WINHTTP_QUERY_VARY] = L"Vary",
    [WINHTTP_QUERY_VIA] = L"Via",
    [WINHTTP_QUERY_WARNING] = L"Warning",
    [WINHTTP_QUERY_EXPECT] = L"Expect",
    [WINHTTP_QUERY_PROXY_CONNECTION] = L"Proxy-Connection",
    [WINHTTP_QUERY_UNLESS_MODIFIED_SINCE] = L"Unless-Modified-Since",
    [WINHTTP_QUERY_PROXY_SUPPORT] = L"Proxy-Support",
    [WINHTTP_QUERY_AUTHENTICATION_INFO] = L"Authentication-Info",
    [WINHTTP_QUERY_PASSPORT_URLS] = L"PassportURLs",
    [WINHTTP_QUERY_PASSPORT_CONFIG] = L"PassportConfig",
};

/* A query's answer before formatting: wide text or response bytes. */
struct slice {
    const WCHAR *w; /* wide text, or NULL: bytes at |b| */
    const char *b;
    size_t n;
};

static WCHAR slice_at(const struct slice *v, size_t i)
{
    return v->w ? v->w[i] : (WCHAR)(unsigned char)v->b[i];
}

static DWORD give_string(const struct slice *v, void *buf, DWORD *len)
{
    size_t need = (v->n + 1) * sizeof(WCHAR), i;
    WCHAR *out = buf;

    if (v->n >= MAXDWORD / sizeof(WCHAR))
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!buf || *len < need) {
        *len = (DWORD)need;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    for (i = 0; i < v->n; i++)
        out[i] = slice_at(v, i);
    out[v->n] = 0;
    *len = (DWORD)(need - sizeof(WCHAR));
    return ERROR_SUCCESS;
}

/* FLAG_NUMBER(64): leading decimal digits after SP/HTAB, like atoi. */
static DWORD give_number(const struct slice *v, DWORD size, void *buf, DWORD *len)
{
    ULONGLONG x = 0;
    DWORD d;
    size_t i = 0;

    while (i < v->n && is_ws(slice_at(v, i)))
        i++;
    for (; i < v->n && slice_at(v, i) >= '0' && slice_at(v, i) <= '9'; i++)
        x = x * 10 + (ULONGLONG)(slice_at(v, i) - '0');
    if (!buf || *len < size) {
        *len = size;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    d = (DWORD)x;
    memcpy(buf, size == sizeof(d) ? (const void *)&d : (const void *)&x, size);
    *len = size;
    return ERROR_SUCCESS;
}

static DWORD give_time(const struct slice *v, void *buf, DWORD *len)
{
    WCHAR tmp[128];
    SYSTEMTIME st;
    size_t i, n = v->n < 127 ? v->n : 127; /* dates are ~30 characters */

    for (i = 0; i < n; i++)
        tmp[i] = slice_at(v, i);
    tmp[n] = 0;
    if (!WinHttpTimeToSystemTime(tmp, &st))
        return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
    if (!buf || *len < sizeof(st)) {
        *len = sizeof(st);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(buf, &st, sizeof(st));
    *len = sizeof(st);
    return ERROR_SUCCESS;
}

static DWORD give(const struct slice *v, DWORD level, void *buf, DWORD *len)
{
    if (level & WINHTTP_QUERY_FLAG_SYSTEMTIME)
        return give_time(v, buf, len);
    if (level & WINHTTP_QUERY_FLAG_NUMBER64)
        return give_number(v, sizeof(ULONGLONG), buf, len);
    if (level & WINHTTP_QUERY_FLAG_NUMBER)
        return give_number(v, sizeof(DWORD), buf, len);
    return give_string(v, buf, len);
}

/* One query in progress: inputs, then where the answer was found. */
struct query {
    struct raw_src src; /* src.p NULL: the request is asked */
    DWORD attr, nth;
    const WCHAR *name;
    struct slice v;
    WCHAR *raw;    /* heap text behind v (raw levels) */
    WCHAR tmp[16]; /* text behind v (status code, version) */
    int is_header; /* v is a header: the index advances */
};

static DWORD find_resp(struct query *q, const WCHAR *name)
{
    size_t nlen = wcslen(name), i, k;
    DWORD nth = q->nth;

    for (i = 0; i < q->src.p->num_headers; i++) {
        const struct http1_header *f = &q->src.p->headers[i];

        if (f->name_len != nlen)
            continue;
        for (k = 0; k < nlen && fold((WCHAR)(unsigned char)f->name[k]) == fold(name[k]); k++)
            ;
        if (k == nlen && nth-- == 0) {
            q->v.b = f->value;
            q->v.n = f->value_len;
            return ERROR_SUCCESS;
        }
    }
    return ERROR_WINHTTP_HEADER_NOT_FOUND;
}

static DWORD find_header(struct query *q, const WCHAR *name)
{
    const WCHAR *value;

    if (!name)
        return ERROR_WINHTTP_HEADER_NOT_FOUND;
    q->is_header = 1;
    if (q->src.p)
        return find_resp(q, name);
    if (!(value = wh_headers_get(q->src.req, name, q->nth)))
        return ERROR_WINHTTP_HEADER_NOT_FOUND;
    q->v.w = value;
    q->v.n = wcslen(value);
    return ERROR_SUCCESS;
}

static void set_w(struct query *q, const WCHAR *s)
{
    q->v.w = s;
    q->v.n = wcslen(s);
}

static DWORD find_special(struct query *q)
{
    const struct http1_response *p = q->src.p;
    unsigned s;

    switch (q->attr) {
    case WINHTTP_QUERY_RAW_HEADERS:
    case WINHTTP_QUERY_RAW_HEADERS_CRLF:
        q->raw = build_raw(&q->src, q->attr == WINHTTP_QUERY_RAW_HEADERS_CRLF, &q->v.n);
        q->v.w = q->raw;
        return q->raw ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
    case WINHTTP_QUERY_VERSION:
        if (!p) {
            set_w(q, or_default(q->src.version, k_http11));
        } else {
            wcscpy(q->tmp, L"HTTP/1.0");
            q->tmp[7] = (WCHAR)('0' + p->minor_version % 10);
            set_w(q, q->tmp);
        }
        return ERROR_SUCCESS;
    case WINHTTP_QUERY_STATUS_CODE:
        if (!p)
            return ERROR_WINHTTP_HEADER_NOT_FOUND;
        s = (unsigned)p->status % 1000;
        q->tmp[0] = (WCHAR)('0' + s / 100);
        q->tmp[1] = (WCHAR)('0' + s / 10 % 10);
        q->tmp[2] = (WCHAR)('0' + s % 10);
        q->tmp[3] = 0;
        set_w(q, q->tmp);
        return ERROR_SUCCESS;
    case WINHTTP_QUERY_STATUS_TEXT:
        if (!p)
            return ERROR_WINHTTP_HEADER_NOT_FOUND;
        q->v.b = p->reason;
        q->v.n = p->reason_len;
        return ERROR_SUCCESS;
    case WINHTTP_QUERY_URI:
        if (p)
            return find_header(q, k_level_names[q->attr]);
        set_w(q, or_default(q->src.path, k_root));
        return ERROR_SUCCESS;
    case WINHTTP_QUERY_CUSTOM:
        return find_header(q, q->name);
    default:
        return find_header(q, k_level_names[q->attr]);
    }
}

DWORD wh_query_headers(const struct wh_response *resp, const struct wh_headers *req,
                       const WCHAR *verb, const WCHAR *path, const WCHAR *version, DWORD level,
                       const WCHAR *name, void *buf, DWORD *len, DWORD *index)
{
    struct query q;
    DWORD err;

    memset(&q, 0, sizeof(q));
    q.attr = level & 0xFFFF;
    if (!len || (q.attr > WINHTTP_QUERY_MAX && q.attr != WINHTTP_QUERY_CUSTOM) ||
        (q.attr == WINHTTP_QUERY_CUSTOM && !name))
        return ERROR_INVALID_PARAMETER;
    q.src.verb = verb;
    q.src.path = path;
    q.src.version = version;
    q.src.req = req;
    q.name = name;
    q.nth = index ? *index : 0;
    if (q.attr == WINHTTP_QUERY_REQUEST_METHOD) {
        set_w(&q, or_default(verb, k_get));
        err = ERROR_SUCCESS;
    } else if (level & WINHTTP_QUERY_FLAG_REQUEST_HEADERS) {
        err = find_special(&q);
    } else if (!resp || !resp->block) {
        return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    } else {
        q.src.p = &resp->parsed;
        err = find_special(&q);
    }
    if (!err)
        err = give(&q.v, level, buf, len);
    wh_free(q.raw);
    if (!err && q.is_header && index)
        (*index)++;
    return err;
}
