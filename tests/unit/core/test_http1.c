/* test_http1.c - HTTP/1.x response parsing, header helpers, body framing
 * and the chunked decoder (http1.h).
 *
 * Every response is parsed whole and at every prefix length, each from a
 * copy ending at a guard page (http1_test_util.h); every chunked body is
 * decoded whole, byte by byte, split once at every position and in seeded
 * random pieces, and all runs must agree.
 */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS under -std=c99 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws/http1.h"
#include "ws/ws_err.h"

#include "http1_test_util.h"

static void assert_slice(const char *p, size_t n, const char *want)
{
    if (n != strlen(want) || memcmp(p, want, n) != 0)
        fail_msg("got \"%.*s\", want \"%s\"", (int)n, p, want);
}

static void assert_header(const struct http1_response *r, size_t i, const char *name,
                          const char *value)
{
    assert_true(i < r->num_headers);
    assert_slice(r->headers[i].name, r->headers[i].name_len, name);
    assert_slice(r->headers[i].value, r->headers[i].value_len, value);
}

/* ---- the response head ---------------------------------------------------- */

static const char k_resp[] = "HTTP/1.1 200 OK\r\n"
                             "Content-Type: text/html; charset=utf-8\r\n"
                             "Content-Length:   12  \r\n"
                             "Set-Cookie: a=1\r\n"
                             "set-cookie:b=2\r\n"
                             "X-Empty:\r\n"
                             "X-Tab:\t v\tw \t\r\n"
                             "\r\n"
                             "hello world!";

static void test_parse_basic(void **state)
{
    struct parsed p;
    struct guard g;
    const struct http1_response *r = &p.resp;

    (void)state;
    parse_all_prefixes(&p, &g, S(k_resp), T_MAX_HEADERS, 0);
    assert_int_equal(p.rc, sizeof(k_resp) - 1 - 12);
    assert_int_equal(r->minor_version, 1);
    assert_int_equal(r->status, 200);
    assert_slice(r->reason, r->reason_len, "OK");
    assert_slice(r->status_line, r->status_line_len, "HTTP/1.1 200 OK");
    assert_int_equal(r->num_headers, 6);
    assert_header(r, 0, "Content-Type", "text/html; charset=utf-8");
    assert_header(r, 1, "Content-Length", "12");
    assert_header(r, 2, "Set-Cookie", "a=1");
    assert_header(r, 3, "set-cookie", "b=2");
    assert_header(r, 4, "X-Empty", "");
    assert_header(r, 5, "X-Tab", "v\tw");
    guard_free(&g);
}

/* Bare LF (and a mix) is accepted, RFC 9112 §2.2. */
static void test_parse_bare_lf(void **state)
{
    static const char lf[] = "HTTP/1.0 404 Not Found\nServer: x\nA: b\n\nbody";
    static const char mixed[] = "HTTP/1.1 204 No Content\r\nServer: x\nA: b\r\n\n";
    struct parsed p;
    struct guard g;

    (void)state;
    parse_all_prefixes(&p, &g, S(lf), T_MAX_HEADERS, 0);
    assert_int_equal(p.rc, sizeof(lf) - 1 - 4);
    assert_int_equal(p.minor, 0);
    assert_int_equal(p.status, 404);
    assert_slice(p.resp.reason, p.resp.reason_len, "Not Found");
    assert_int_equal(p.num_headers, 2);
    assert_header(&p.resp, 1, "A", "b");
    guard_free(&g);
    parse_all_prefixes(&p, &g, S(mixed), T_MAX_HEADERS, 0);
    assert_int_equal(p.rc, sizeof(mixed) - 1);
    assert_int_equal(p.num_headers, 2);
    guard_free(&g);
}

/* Status lines that are unusual but accepted. */
static void test_parse_status_variants(void **state)
{
    static const struct {
        const char *in;
        int minor, status;
        const char *reason, *line;
    } k[] = {
        {"HTTP/1.1 200\r\n\r\n", 1, 200, "", "HTTP/1.1 200"},
        {"HTTP/1.1 200 \r\n\r\n", 1, 200, "", "HTTP/1.1 200 "},
        {"HTTP/1.1   301  Moved  Permanently \r\n\r\n", 1, 301, "Moved  Permanently",
         "HTTP/1.1   301  Moved  Permanently "},
        {"HTTP/1.1 999 Request denied\n\n", 1, 999, "Request denied", NULL},
        {"HTTP/1.9 100 Continue\r\n\r\n", 9, 100, "Continue", NULL},
        {"HTTP/1.0 599 \xc3\xa9t\xe9\t!\r\n\r\n", 0, 599, "\xc3\xa9t\xe9\t!", NULL},
        {"HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x05Hello", 1, 101, "Switching Protocols",
         NULL},
    };
    struct parsed p;
    struct guard g;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k); i++) {
        const char *end =
            strstr(k[i].in, "\n\n") ? strstr(k[i].in, "\n\n") + 2 : strstr(k[i].in, "\r\n\r\n") + 4;

        parse_all_prefixes(&p, &g, k[i].in, strlen(k[i].in), T_MAX_HEADERS, 0);
        assert_int_equal(p.rc, end - k[i].in);
        assert_int_equal(p.minor, k[i].minor);
        assert_int_equal(p.status, k[i].status);
        assert_slice(p.resp.reason, p.resp.reason_len, k[i].reason);
        if (k[i].line)
            assert_slice(p.resp.status_line, p.resp.status_line_len, k[i].line);
        assert_int_equal(p.num_headers, 0);
        guard_free(&g);
    }
}

static void test_parse_bad_status_line(void **state)
{
    (void)state;
    assert_parse_error("Content-Type: text/html\r\n\r\n", WS_ERR_HTTP_MALFORMED); /* no status */
    assert_parse_error("\r\nHTTP/1.1 200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error(" HTTP/1.1 200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("http/1.1 200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/2.0 200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.x 200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.10 200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1\t200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 \r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 20 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 2000 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 099 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 -20 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 abc OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200\tOK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 O\x01K\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\x7f\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\rX\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("ICY 200 OK\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("SSH-2.0-OpenSSH_9.6\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("<html>", WS_ERR_HTTP_MALFORMED); /* HTTP/0.9 */
    {
        /* NUL anywhere in the line (a literal cannot hold it mid-string). */
        static const char nul[] = "HTTP/1.1 200 O\0K\r\n\r\n";
        struct parsed p;
        struct guard g;

        parse_all_prefixes(&p, &g, nul, sizeof(nul) - 1, T_MAX_HEADERS, 0);
        assert_err(p.rc, WS_ERR_HTTP_MALFORMED);
        guard_free(&g);
    }
}

static void test_parse_bad_header(void **state)
{
    (void)state;
    assert_parse_error("HTTP/1.1 200 OK\r\nNa me: x\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nName : x\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\n: x\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nName x\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nName\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nN\xc3\xa9: x\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\n(a): x\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nA: 1\r\n\tfolded\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\n A: 1\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nA: \x01\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nA: a\x1f\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nA: a\x7f\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nA: a\rb\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nA: a\r\n\rX", WS_ERR_HTTP_MALFORMED);
    assert_parse_error("HTTP/1.1 200 OK\r\nA: a\r\n\x01: b\r\n\r\n", WS_ERR_HTTP_MALFORMED);
    {
        static const char nul[] = "HTTP/1.1 200 OK\r\nA: a\0b\r\n\r\n";
        static const char nul_name[] = "HTTP/1.1 200 OK\r\nA\0: b\r\n\r\n";
        struct parsed p;
        struct guard g;

        parse_all_prefixes(&p, &g, nul, sizeof(nul) - 1, T_MAX_HEADERS, 0);
        assert_err(p.rc, WS_ERR_HTTP_MALFORMED);
        guard_free(&g);
        parse_all_prefixes(&p, &g, nul_name, sizeof(nul_name) - 1, T_MAX_HEADERS, 0);
        assert_err(p.rc, WS_ERR_HTTP_MALFORMED);
        guard_free(&g);
    }
}

/* Values keep obs-text and inner whitespace; names are any token. */
static void test_parse_header_values(void **state)
{
    static const char in[] = "HTTP/1.1 200 OK\r\n"
                             "!#$%&'*+-.^_`|~09azAZ:x\r\n"
                             "A:\xff\x80 \xc3\xa9 \r\n"
                             "B: \" quoted, \\\" \"\r\n"
                             "C:   \t  \r\n"
                             "\r\n";
    struct parsed p;
    struct guard g;

    (void)state;
    parse_all_prefixes(&p, &g, S(in), T_MAX_HEADERS, 0);
    assert_int_equal(p.rc, sizeof(in) - 1);
    assert_header(&p.resp, 0, "!#$%&'*+-.^_`|~09azAZ", "x");
    assert_header(&p.resp, 1, "A", "\xff\x80 \xc3\xa9");
    assert_header(&p.resp, 2, "B", "\" quoted, \\\" \"");
    assert_header(&p.resp, 3, "C", "");
    guard_free(&g);
}

static void test_parse_limits(void **state)
{
    static const char three[] = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    static const char none[] = "HTTP/1.1 200 OK\r\n\r\n";
    size_t block = sizeof(three) - 1;
    struct parsed p;
    struct guard g;

    (void)state;
    parse_all_prefixes(&p, &g, S(three), 3, 0);
    assert_int_equal(p.rc, block);
    guard_free(&g);
    parse_all_prefixes(&p, &g, S(three), 2, 0);
    assert_err(p.rc, WS_ERR_HTTP_TOO_MANY_HEADERS);
    guard_free(&g);
    parse_all_prefixes(&p, &g, S(none), 0, 0); /* no array at all is fine */
    assert_int_equal(p.rc, sizeof(none) - 1);
    guard_free(&g);

    /* The bound is on the whole block, final empty line included. */
    parse_all_prefixes(&p, &g, S(three), T_MAX_HEADERS, block);
    assert_int_equal(p.rc, block);
    guard_free(&g);
    parse_all_prefixes(&p, &g, S(three), T_MAX_HEADERS, block - 1);
    assert_err(p.rc, WS_ERR_HTTP_TOO_BIG);
    guard_free(&g);
    parse_guarded(&p, &g, three, block - 2, T_MAX_HEADERS, block - 1);
    assert_err(p.rc, WS_ERR_AGAIN); /* might still fit */
    guard_free(&g);
    /* Bytes after the block do not count. */
    parse_all_prefixes(&p, &g, S(k_resp), T_MAX_HEADERS, sizeof(k_resp) - 1 - 12);
    assert_int_equal(p.rc, sizeof(k_resp) - 1 - 12);
    guard_free(&g);
    /* A malformed byte inside the bound wins over the bound. */
    parse_all_prefixes(&p, &g, S("HTTP/1.1 200 OK\r\nA\x01: b\r\n"), T_MAX_HEADERS, 20);
    assert_err(p.rc, WS_ERR_HTTP_MALFORMED);
    guard_free(&g);
    parse_all_prefixes(&p, &g, S("HTTP/1.1 200 OK\r\nA: b\r\n"), T_MAX_HEADERS, 20);
    assert_err(p.rc, WS_ERR_HTTP_TOO_BIG);
    guard_free(&g);
}

/* A big response with many headers parses the same from every prefix. */
static void test_parse_every_prefix_large(void **state)
{
    char in[4096];
    size_t n = 0, i;
    struct parsed p;
    struct guard g;

    (void)state;
    n += (size_t)sprintf(in + n, "HTTP/1.1 101 Switching Protocols\r\n");
    for (i = 0; i < 30; i++)
        n += (size_t)sprintf(in + n, i % 2 ? "X-H%zu:v%zu\n" : "x-h%zu: \t value %zu \t\r\n", i, i);
    n += (size_t)sprintf(in + n, "\r\n\x81\x02hi");
    parse_all_prefixes(&p, &g, in, n, T_MAX_HEADERS, 0);
    assert_int_equal(p.rc, n - 4);
    assert_int_equal(p.num_headers, 30);
    assert_header(&p.resp, 29, "X-H29", "v29");
    assert_header(&p.resp, 0, "x-h0", "value 0");
    guard_free(&g);
}

/* ---- header helpers --------------------------------------------------------- */

static const char k_multi[] = "HTTP/1.1 200 OK\r\n"
                              "Connection: keep-alive\r\n"
                              "Set-Cookie: a\r\n"
                              "connection: , Upgrade ;x=1,,\r\n"
                              "SET-COOKIE: b\r\n"
                              "Set-Cookie2: c\r\n"
                              "\r\n";

static void test_find_header(void **state)
{
    struct parsed p;
    struct guard g;
    const struct http1_header *h;

    (void)state;
    parse_guarded(&p, &g, S(k_multi), T_MAX_HEADERS, 0);
    assert_int_equal(p.rc, sizeof(k_multi) - 1);
    h = http1_find_header(&p.resp, "set-cookie", 0);
    assert_non_null(h);
    assert_slice(h->value, h->value_len, "a");
    h = http1_find_header(&p.resp, "Set-Cookie", 1);
    assert_non_null(h);
    assert_slice(h->value, h->value_len, "b");
    assert_null(http1_find_header(&p.resp, "Set-Cookie", 2));
    assert_null(http1_find_header(&p.resp, "Set-Cooki", 0));
    assert_null(http1_find_header(&p.resp, "Content-Length", 0));
    assert_true(http1_header_has_token(&p.resp, "Connection", "upgrade"));
    assert_true(http1_header_has_token(&p.resp, "CONNECTION", "Keep-Alive"));
    assert_false(http1_header_has_token(&p.resp, "Connection", "close"));
    assert_false(http1_header_has_token(&p.resp, "Upgrade", "websocket"));
    guard_free(&g);
    assert_true(http1_iequals("WebSocket", 9, "websocket", 9));
    assert_false(http1_iequals("websocket", 9, "websockets", 10));
    assert_false(http1_iequals("[", 1, "{", 1)); /* not folded outside A-Z */
}

static void test_list_has_token(void **state)
{
    static const struct {
        const char *list, *token;
        int want;
    } k[] = {
        {"keep-alive, Upgrade", "upgrade", 1},
        {"Upgrade", "upgrade", 1},
        {" \tupgrade \t", "upgrade", 1},
        {",,upgrade,,", "upgrade", 1},
        {"upgrade;q=1", "upgrade", 1},
        {"a, b ,c", "b", 1},
        {"Upgrade2", "upgrade", 0},
        {"xupgrade", "upgrade", 0},
        {"up grade", "upgrade", 0},
        {"", "upgrade", 0},
        {",", "upgrade", 0},
        {"keep-alive", "keep", 0},
        {"close", "close", 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k); i++)
        if (http1_list_has_token(k[i].list, strlen(k[i].list), k[i].token) != k[i].want)
            fail_msg("\"%s\" has \"%s\": want %d", k[i].list, k[i].token, k[i].want);
}

/* Parses "HTTP/1.x <status> X\r\n<headers>\r\n" into *p (kept in *g). */
static void parse_head(struct parsed *p, struct guard *g, const char *status_line,
                       const char *headers)
{
    char buf[1024];
    int n = snprintf(buf, sizeof(buf), "%s\r\n%s\r\n", status_line, headers);

    parse_guarded(p, g, buf, (size_t)n, T_MAX_HEADERS, 0);
    assert_int_equal(p->rc, n);
}

static void test_content_length(void **state)
{
    static const struct {
        const char *headers;
        int rc;
        uint64_t len;
    } k[] = {
        {"", 0, 0},
        {"Content-Length: 42\r\n", 1, 42},
        {"Content-Length: 0\r\n", 1, 0},
        {"Content-Length: 007\r\n", 1, 7},
        {"content-length:42\r\n", 1, 42},
        {"Content-Length: 42, 42\r\n", 1, 42},
        {"Content-Length: 42 ,42\r\nContent-Length: 42\r\n", 1, 42},
        {"Content-Length: 18446744073709551615\r\n", 1, UINT64_MAX},
        {"Content-Length: 42, 43\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: 42\r\nContent-Length: 43\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: 42\r\nContent-Length: 042\r\n", 1, 42},
        {"Content-Length:\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: 42,\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: -1\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: +1\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: 4 2\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: 0x10\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: 1e3\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: 18446744073709551616\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
        {"Content-Length: 99999999999999999999999\r\n", WS_ERR_HTTP_CONTENT_LENGTH, 0},
    };
    struct parsed p;
    struct guard g;
    uint64_t len;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k); i++) {
        parse_head(&p, &g, "HTTP/1.1 200 OK", k[i].headers);
        len = 12345;
        if (http1_content_length(&p.resp, &len) != k[i].rc)
            fail_msg("case %zu (%s): rc %d", i, k[i].headers, http1_content_length(&p.resp, &len));
        assert_int_equal(len, k[i].rc == 1 ? k[i].len : 12345);
        guard_free(&g);
    }
}

static void test_body_framing(void **state)
{
    static const struct {
        const char *status, *headers;
        unsigned flags;
        int framing, keep;
        uint64_t len;
    } k[] = {
        {"HTTP/1.1 101 Switching Protocols", "Upgrade: websocket\r\nContent-Length: 5\r\n", 0,
         HTTP1_BODY_NONE, 0, 0},
        {"HTTP/1.1 100 Continue", "", 0, HTTP1_BODY_NONE, 1, 0},
        {"HTTP/1.1 204 No Content", "Content-Length: 5\r\n", 0, HTTP1_BODY_NONE, 1, 0},
        {"HTTP/1.1 304 Not Modified", "Transfer-Encoding: chunked\r\n", 0, HTTP1_BODY_NONE, 1, 0},
        {"HTTP/1.1 200 OK", "Content-Length: 5\r\n", HTTP1_REQ_HEAD, HTTP1_BODY_NONE, 1, 0},
        {"HTTP/1.1 200 OK", "Content-Length: x\r\n", HTTP1_REQ_HEAD, HTTP1_BODY_NONE, 1, 0},
        {"HTTP/1.1 200 OK", "", HTTP1_REQ_CONNECT, HTTP1_BODY_NONE, 1, 0},
        {"HTTP/1.1 407 Auth", "Content-Length: 3\r\n", HTTP1_REQ_CONNECT, HTTP1_BODY_LENGTH, 1, 3},
        {"HTTP/1.1 200 OK", "Content-Length: 5\r\n", 0, HTTP1_BODY_LENGTH, 1, 5},
        {"HTTP/1.1 200 OK", "Content-Length: 0\r\n", 0, HTTP1_BODY_LENGTH, 1, 0},
        {"HTTP/1.1 200 OK", "", 0, HTTP1_BODY_UNTIL_CLOSE, 0, 0},
        {"HTTP/1.1 200 OK", "Transfer-Encoding: chunked\r\n", 0, HTTP1_BODY_CHUNKED, 1, 0},
        {"HTTP/1.1 200 OK", "Transfer-Encoding: Chunked \r\n", 0, HTTP1_BODY_CHUNKED, 1, 0},
        {"HTTP/1.1 200 OK", "Transfer-Encoding: gzip, chunked\r\n", 0, HTTP1_BODY_CHUNKED, 1, 0},
        {"HTTP/1.1 200 OK", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", 0,
         HTTP1_BODY_CHUNKED, 1, 0},
        {"HTTP/1.1 200 OK", "Transfer-Encoding: chunked, gzip\r\n", 0, HTTP1_BODY_UNTIL_CLOSE, 0,
         0},
        {"HTTP/1.1 200 OK", "Transfer-Encoding: chunked,\r\n", 0, HTTP1_BODY_CHUNKED, 1, 0},
        {"HTTP/1.1 200 OK", "Transfer-Encoding: identity\r\n", 0, HTTP1_BODY_UNTIL_CLOSE, 0, 0},
        {"HTTP/1.1 200 OK", "Transfer-Encoding:\r\nContent-Length: 5\r\n", 0,
         HTTP1_BODY_UNTIL_CLOSE, 0, 0},
        /* TE overrides CL (even an invalid one), and the connection is not reused. */
        {"HTTP/1.1 200 OK", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 0,
         HTTP1_BODY_CHUNKED, 0, 0},
        {"HTTP/1.1 200 OK", "Content-Length: 5, 6\r\nTransfer-Encoding: chunked\r\n", 0,
         HTTP1_BODY_CHUNKED, 0, 0},
        {"HTTP/1.1 200 OK", "Content-Length: 5, 6\r\n", 0, WS_ERR_HTTP_CONTENT_LENGTH, 0, 0},
        {"HTTP/1.1 200 OK", "Content-Length: 5\r\nConnection: close\r\n", 0, HTTP1_BODY_LENGTH, 0,
         5},
        {"HTTP/1.1 200 OK", "Connection: keep-alive, CLOSE\r\nContent-Length: 1\r\n", 0,
         HTTP1_BODY_LENGTH, 0, 1},
        {"HTTP/1.0 200 OK", "Content-Length: 5\r\n", 0, HTTP1_BODY_LENGTH, 0, 5},
        {"HTTP/1.0 200 OK", "Content-Length: 5\r\nConnection: Keep-Alive\r\n", 0, HTTP1_BODY_LENGTH,
         1, 5},
        {"HTTP/1.0 200 OK", "Connection: keep-alive\r\n", 0, HTTP1_BODY_UNTIL_CLOSE, 0, 0},
        {"HTTP/1.0 200 OK", "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n", 0,
         HTTP1_BODY_CHUNKED, 0, 0},
        {"HTTP/1.0 204 No Content", "Connection: keep-alive\r\n", 0, HTTP1_BODY_NONE, 1, 0},
        {"HTTP/1.1 404 Not Found", "Content-Length: 9\r\n", 0, HTTP1_BODY_LENGTH, 1, 9},
    };
    struct parsed p;
    struct guard g;
    uint64_t len;
    size_t i;
    int f;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k); i++) {
        parse_head(&p, &g, k[i].status, k[i].headers);
        len = 777;
        f = http1_body_framing(&p.resp, k[i].flags, &len);
        if (f != k[i].framing)
            fail_msg("case %zu (%s / %s): framing %d, want %d", i, k[i].status, k[i].headers, f,
                     k[i].framing);
        assert_int_equal(len, f == HTTP1_BODY_LENGTH ? k[i].len : 777);
        assert_int_equal(http1_body_framing(&p.resp, k[i].flags, NULL), f);
        if (http1_keep_alive(&p.resp, f) != k[i].keep)
            fail_msg("case %zu (%s / %s): keep-alive wrong", i, k[i].status, k[i].headers);
        guard_free(&g);
    }
}

/* ---- chunked ------------------------------------------------------------ */

static void test_chunked_basic(void **state)
{
    (void)state;
    dechunk_all(S("4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n"), 0,
                S("Wikipedia in\r\n\r\nchunks."), NULL, 0);
    /* Bytes after the body belong to the next response. */
    dechunk_all(S("3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"), 0, S("abc"),
                S("HTTP/1.1 200 OK\r\n"));
    dechunk_all(S("0\r\n\r\n"), 0, NULL, 0, NULL, 0);
    dechunk_all(S("0\n\nX"), 0, NULL, 0, S("X"));
    dechunk_all(S("3\nabc\n2\r\nde\n0\n\r\n"), 0, S("abcde"), NULL, 0); /* bare LF */
    dechunk_all(S("a\r\n0123456789\r\nA\r\nABCDEFGHIJ\r\n0\r\n\r\n"), 0, S("0123456789ABCDEFGHIJ"),
                NULL, 0);
    dechunk_all(S("00000000000000000000003\r\nabc\r\n000\r\n\r\n"), 0, S("abc"), NULL, 0);
    /* Incomplete: everything so far is payload. */
    dechunk_all(S("5\r\nabc"), WS_ERR_AGAIN, S("abc"), NULL, 0);
    dechunk_all(S("3\r\nabc\r\n0\r\n"), WS_ERR_AGAIN, S("abc"), NULL, 0);
    dechunk_all(S(""), WS_ERR_AGAIN, NULL, 0, NULL, 0);
    dechunk_all(S("ffffffffffffffff\r\nxy"), WS_ERR_AGAIN, S("xy"), NULL, 0);
}

static void test_chunked_extensions_trailers(void **state)
{
    (void)state;
    dechunk_all(S("3;name=value\r\nabc\r\n0;last\r\n\r\n"), 0, S("abc"), NULL, 0);
    dechunk_all(S("3 ; a=\"q;\\\"\" ;b\r\nabc\r\n0\t;x\r\n\r\n"), 0, S("abc"), NULL, 0);
    dechunk_all(S("3 \r\nabc\r\n0 \t \r\n\r\n"), 0, S("abc"), NULL, 0);
    dechunk_all(S("3;\xc3\xa9\r\nabc\r\n0\r\n\r\n"), 0, S("abc"), NULL, 0);
    dechunk_all(S("3\r\nabc\r\n0\r\nExpires: never\r\nX-Sum: 1\nZ:\r\n\r\nnext"), 0, S("abc"),
                S("next"));
}

static void test_chunked_errors(void **state)
{
    (void)state;
    dechunk_all(S("\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("g\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("-1\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S(" 3\r\nabc\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("0x3\r\nabc\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("3 4\r\nabc\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("3x\r\nabc\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("3\rabc\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("3;a\x01\r\nabc\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("3;a\x7f\r\nabc\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    /* 2^64 does not fit; 16 digits do. */
    dechunk_all(S("10000000000000000\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    dechunk_all(S("fffffffffffffffff\r\n"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    /* Data must be followed by a line end; payload before the bad byte is kept. */
    dechunk_all(S("3\r\nabcd\r\n"), WS_ERR_HTTP_CHUNKED, S("abc"), NULL, 0);
    dechunk_all(S("3\r\nabc\rd"), WS_ERR_HTTP_CHUNKED, S("abc"), NULL, 0);
    dechunk_all(S("3\r\nabc\r\n0\r\nA: \x01\r\n\r\n"), WS_ERR_HTTP_CHUNKED, S("abc"), NULL, 0);
    dechunk_all(S("3\r\nabc\r\n0\r\nA: b\rc\r\n\r\n"), WS_ERR_HTTP_CHUNKED, S("abc"), NULL, 0);
    dechunk_all(S("0\r\n\rX"), WS_ERR_HTTP_CHUNKED, NULL, 0, NULL, 0);
    {
        static const char nul[] = "3\r\nabc\r\n0\r\nA: \0\r\n\r\n";

        dechunk_all(nul, sizeof(nul) - 1, WS_ERR_HTTP_CHUNKED, S("abc"), NULL, 0);
    }
}

/* HTTP1_CHUNK_LINE_MAX bytes of size line or trailer are fine, one more not. */
static void test_chunked_line_limit(void **state)
{
    static char in[HTTP1_CHUNK_LINE_MAX + 64];
    size_t n, ext;
    int over;

    (void)state;
    for (over = 0; over <= 1; over++) {
        ext = HTTP1_CHUNK_LINE_MAX - 2 + (size_t)over; /* "1;" + ext */
        n = (size_t)sprintf(in, "1;");
        memset(in + n, 'e', ext);
        n += ext;
        n += (size_t)sprintf(in + n, "\r\nZ\r\n0\r\n\r\n");
        dechunk_all(in, n, over ? WS_ERR_HTTP_CHUNKED : 0, over ? NULL : "Z", over ? 0 : 1, NULL,
                    0);

        n = (size_t)sprintf(in, "1\r\nZ\r\n0\r\n");
        memset(in + n, 'T', HTTP1_CHUNK_LINE_MAX + (size_t)over);
        in[n + 1] = ':';
        n += HTTP1_CHUNK_LINE_MAX + (size_t)over;
        n += (size_t)sprintf(in + n, "\r\n\r\n");
        dechunk_all(in, n, over ? WS_ERR_HTTP_CHUNKED : 0, "Z", 1, NULL, 0);
    }
}

/* A long body with many chunk sizes, cut every way. */
static void test_chunked_many(void **state)
{
    static char in[8192], want[4096];
    size_t n = 0, w = 0, i, c;

    (void)state;
    for (c = 1; c < 60; c += 3) {
        n += (size_t)sprintf(in + n, c % 2 ? "%zx\r\n" : "%zX;c=%zu\n", c, c);
        for (i = 0; i < c; i++)
            in[n++] = want[w++] = (char)('a' + (c + i) % 26);
        n += (size_t)sprintf(in + n, "\r\n");
    }
    n += (size_t)sprintf(in + n, "0\r\nT: 1\r\n\r\nrest");
    dechunk_all(in, n, 0, want, w, S("rest"));
}

static void test_chunked_misuse(void **state)
{
    struct http1_chunked d;
    size_t n = (size_t)INT_MAX + 1;
    char c = '0';

    (void)state;
    http1_chunked_init(&d);
    assert_err(http1_chunked_decode(&d, &c, &n), WS_ERR_MISUSE);
    assert_int_equal(n, 0);
    n = 0;
    assert_err(http1_chunked_decode(&d, NULL, &n), WS_ERR_AGAIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_basic),
        cmocka_unit_test(test_parse_bare_lf),
        cmocka_unit_test(test_parse_status_variants),
        cmocka_unit_test(test_parse_bad_status_line),
        cmocka_unit_test(test_parse_bad_header),
        cmocka_unit_test(test_parse_header_values),
        cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_parse_every_prefix_large),
        cmocka_unit_test(test_find_header),
        cmocka_unit_test(test_list_has_token),
        cmocka_unit_test(test_content_length),
        cmocka_unit_test(test_body_framing),
        cmocka_unit_test(test_chunked_basic),
        cmocka_unit_test(test_chunked_extensions_trailers),
        cmocka_unit_test(test_chunked_errors),
        cmocka_unit_test(test_chunked_line_limit),
        cmocka_unit_test(test_chunked_many),
        cmocka_unit_test(test_chunked_misuse),
    };
    return cmocka_run_group_tests_name("http1", tests, NULL, NULL);
}
