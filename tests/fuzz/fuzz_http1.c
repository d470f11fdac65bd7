/* fuzz_http1.c - libFuzzer harness for http1.h (and the handshake check).
 *
 * Input layout: byte 0 picks max_headers (0..32), byte 1 the seed of the
 * random splits, byte 2 max_block_len (0: none, else 4 * byte); the rest is
 * what a server sends. Checked, with abort() on any breach:
 *   - http1_parse_response on an exact-size copy (ASan sees any over-read):
 *     a known result code; when complete, the length is <= len and every
 *     slice lies inside the block, names are tokens, values are trimmed and
 *     free of CR/LF/NUL, status is 100..999, num_headers <= max_headers;
 *   - prefixes (all of them for short inputs, a sample otherwise) give
 *     WS_ERR_AGAIN or exactly the full input's result, and any prefix that
 *     holds the whole block gives the full result;
 *   - the helpers agree with each other (framing LENGTH <=> a valid
 *     Content-Length, find_header sees every occurrence, the handshake check
 *     returns WS_OK or a handshake error) and never crash;
 *   - the chunked decoder, run on the bytes after the head (or on the whole
 *     input when there is no head), gives the same payload, end state and
 *     left-over bytes whole, one byte at a time and in random pieces.
 * The seed corpus (corpus/http1/) uses the same 3-byte prefix.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws/http1.h"
#include "ws/ws_err.h"
#include "ws/ws_handshake.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define MAX_HEADERS 32

/* A parse result with slices as offsets, comparable across copies. */
struct result {
    int rc, minor, status;
    size_t reason_off, reason_len, line_len, num;
    size_t h[MAX_HEADERS][4];
};

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void check_header(const struct http1_header *h, const char *buf, size_t block)
{
    size_t i;

    CHECK(h->name >= buf && h->name_len > 0 && h->name + h->name_len <= buf + block);
    CHECK(h->value >= buf && h->value + h->value_len <= buf + block);
    for (i = 0; i < h->name_len; i++)
        CHECK(is_tchar((unsigned char)h->name[i]));
    for (i = 0; i < h->value_len; i++)
        CHECK(h->value[i] != '\r' && h->value[i] != '\n' && h->value[i] != '\0');
    if (h->value_len) {
        CHECK(h->value[0] != ' ' && h->value[0] != '\t');
        CHECK(h->value[h->value_len - 1] != ' ' && h->value[h->value_len - 1] != '\t');
    }
}

/* Parses in[0..len) from an exact-size heap copy. |keep| (may be NULL)
 * receives the copy and must then be freed by the caller. */
static void parse(struct result *r, const uint8_t *in, size_t len, size_t max_headers,
                  size_t max_block, struct http1_response *resp, struct http1_header *hdr,
                  char **keep)
{
    char *buf = malloc(len ? len : 1);
    size_t i;

    CHECK(buf);
    if (len)
        memcpy(buf, in, len);
    memset(r, 0, sizeof(*r));
    memset(resp, 0, sizeof(*resp));
    resp->headers = hdr;
    resp->max_headers = max_headers;
    resp->max_block_len = max_block;
    r->rc = http1_parse_response(buf, len, resp);
    CHECK(r->rc > 0 || r->rc == WS_ERR_AGAIN || r->rc == WS_ERR_HTTP_MALFORMED ||
          r->rc == WS_ERR_HTTP_TOO_MANY_HEADERS || r->rc == WS_ERR_HTTP_TOO_BIG);
    CHECK(r->rc != WS_ERR_HTTP_TOO_BIG || (max_block && len >= max_block));
    if (r->rc > 0) {
        CHECK((size_t)r->rc <= len && (!max_block || (size_t)r->rc <= max_block));
        CHECK(resp->status >= 100 && resp->status <= 999);
        CHECK(resp->minor_version >= 0 && resp->minor_version <= 9);
        CHECK(resp->status_line == buf && resp->status_line_len < (size_t)r->rc);
        CHECK(resp->reason >= buf &&
              resp->reason + resp->reason_len <= buf + resp->status_line_len);
        CHECK(resp->num_headers <= max_headers);
        r->minor = resp->minor_version;
        r->status = resp->status;
        r->reason_off = (size_t)(resp->reason - buf);
        r->reason_len = resp->reason_len;
        r->line_len = resp->status_line_len;
        r->num = resp->num_headers;
        for (i = 0; i < r->num; i++) {
            check_header(&hdr[i], buf, (size_t)r->rc);
            r->h[i][0] = (size_t)(hdr[i].name - buf);
            r->h[i][1] = hdr[i].name_len;
            r->h[i][2] = (size_t)(hdr[i].value - buf);
            r->h[i][3] = hdr[i].value_len;
        }
    }
    if (keep)
        *keep = buf;
    else
        free(buf);
}

static int same(const struct result *a, const struct result *b)
{
    if (a->rc != b->rc)
        return 0;
    if (a->rc <= 0)
        return 1;
    return a->minor == b->minor && a->status == b->status && a->reason_off == b->reason_off &&
           a->reason_len == b->reason_len && a->line_len == b->line_len && a->num == b->num &&
           memcmp(a->h, b->h, a->num * sizeof(a->h[0])) == 0;
}

static void check_prefixes(const struct result *full, const uint8_t *in, size_t len,
                           size_t max_headers, size_t max_block, uint32_t seed)
{
    struct http1_header hdr[MAX_HEADERS];
    struct http1_response resp;
    struct result p;
    size_t i, k, tries = len <= 256 ? len : 64;

    for (i = 0; i < tries + 2; i++) {
        if (i < tries)
            k = len <= 256 ? i : lcg(&seed) % len;
        else if (full->rc > 0)
            k = (size_t)full->rc - (i == tries); /* the block, and one byte less */
        else
            continue;
        parse(&p, in, k, max_headers, max_block, &resp, hdr, NULL);
        if (full->rc > 0 && k >= (size_t)full->rc)
            CHECK(same(full, &p));
        else
            CHECK(p.rc == WS_ERR_AGAIN || same(full, &p));
    }
}

static void check_helpers(const struct http1_response *resp)
{
    static const uint8_t digest[20] = {0};
    uint64_t len = 0, cl = 0;
    size_t i, j;
    unsigned flags;
    int f, c, hs;

    c = http1_content_length(resp, &cl);
    CHECK(c == 0 || c == 1 || c == WS_ERR_HTTP_CONTENT_LENGTH);
    for (flags = 0; flags < 4; flags++) {
        f = http1_body_framing(resp, flags, &len);
        CHECK((f >= HTTP1_BODY_NONE && f <= HTTP1_BODY_UNTIL_CLOSE) ||
              f == WS_ERR_HTTP_CONTENT_LENGTH);
        CHECK(f != HTTP1_BODY_LENGTH || (c == 1 && len == cl));
        CHECK(f != WS_ERR_HTTP_CONTENT_LENGTH || c < 0);
        c = http1_keep_alive(resp, f);
        CHECK(c == 0 || c == 1);
        CHECK(!c || f != HTTP1_BODY_UNTIL_CLOSE);
        c = http1_content_length(resp, &cl);
    }
    for (i = 0; i < resp->num_headers; i++) {
        char name[64];
        const struct http1_header *h = &resp->headers[i];
        size_t nth = 0;

        if (h->name_len >= sizeof(name))
            continue;
        memcpy(name, h->name, h->name_len);
        name[h->name_len] = '\0';
        for (j = 0; j < i; j++)
            if (http1_iequals(resp->headers[j].name, resp->headers[j].name_len, name, h->name_len))
                nth++;
        CHECK(http1_find_header(resp, name, nth) == h);
        (void)http1_list_has_token(h->value, h->value_len, "upgrade");
        (void)ws_handshake_accept_matches(h->value, h->value_len, digest);
    }
    hs = ws_handshake_check_response(resp, digest, (int)(resp->num_headers & 1));
    CHECK(hs == WS_OK || (hs <= WS_ERR_HANDSHAKE_STATUS && hs >= WS_ERR_HANDSHAKE_PROTOCOL));
    CHECK(hs != WS_OK || resp->status == 101);
}

/* ---- chunked ---------------------------------------------------------------- */

struct dechunked {
    int rc; /* 0: body complete, WS_ERR_AGAIN, WS_ERR_HTTP_CHUNKED */
    char *data, *rest;
    size_t n, rest_n;
};

/* mode 0: whole; 1: one byte at a time; 2: random pieces from |seed|. */
static void dechunk(struct dechunked *r, const uint8_t *in, size_t len, int mode, uint32_t seed)
{
    struct http1_chunked d;
    size_t off = 0, piece, n;
    int rc = WS_ERR_AGAIN;
    char *buf;

    r->data = malloc(len + 1);
    r->rest = malloc(len + 1);
    CHECK(r->data && r->rest);
    r->n = r->rest_n = 0;
    http1_chunked_init(&d);
    while (off < len && rc == WS_ERR_AGAIN) {
        piece = mode == 0 ? len : mode == 1 ? 1 : lcg(&seed) % 40;
        piece = piece < len - off ? piece : len - off;
        buf = malloc(piece ? piece : 1);
        CHECK(buf);
        if (piece)
            memcpy(buf, in + off, piece);
        n = piece;
        rc = http1_chunked_decode(&d, piece ? buf : NULL, &n);
        CHECK(n <= piece);
        CHECK(rc == WS_ERR_AGAIN || rc == WS_ERR_HTTP_CHUNKED ||
              (rc >= 0 && n + (size_t)rc <= piece));
        CHECK(rc != WS_ERR_AGAIN || d.line_len <= HTTP1_CHUNK_LINE_MAX);
        memcpy(r->data + r->n, buf, n);
        r->n += n;
        if (rc >= 0) {
            memcpy(r->rest, buf + n, (size_t)rc);
            r->rest_n = (size_t)rc;
        }
        free(buf);
        off += piece;
    }
    if (rc >= 0) {
        memcpy(r->rest + r->rest_n, in + off, len - off);
        r->rest_n += len - off;
        rc = 0;
    }
    CHECK(r->n + r->rest_n <= len);
    r->rc = rc;
}

static void check_chunked(const uint8_t *in, size_t len, uint32_t seed)
{
    struct dechunked a, b;
    int mode;

    dechunk(&a, in, len, 0, 0);
    for (mode = 1; mode <= 2; mode++) {
        dechunk(&b, in, len, mode, seed);
        CHECK(a.rc == b.rc && a.n == b.n && memcmp(a.data, b.data, a.n) == 0);
        CHECK(a.rest_n == b.rest_n && memcmp(a.rest, b.rest, a.rest_n) == 0);
        free(b.data);
        free(b.rest);
    }
    free(a.data);
    free(a.rest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http1_header hdr[MAX_HEADERS];
    struct http1_response resp;
    struct result full;
    size_t max_headers, max_block;
    uint32_t seed;
    char *buf;

    if (size < 3)
        return 0;
    max_headers = data[0] % (MAX_HEADERS + 1);
    seed = data[1] * 2654435761u + 1;
    max_block = (size_t)data[2] * 4;
    data += 3;
    size -= 3;

    parse(&full, data, size, max_headers, max_block, &resp, hdr, &buf);
    if (full.rc > 0)
        check_helpers(&resp);
    free(buf);
    check_prefixes(&full, data, size, max_headers, max_block, seed);
    if (full.rc > 0)
        check_chunked(data + full.rc, size - (size_t)full.rc, seed);
    else
        check_chunked(data, size, seed);
    return 0;
}
