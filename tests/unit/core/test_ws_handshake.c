/* test_ws_handshake.c - the client's opening handshake (ws_handshake.h,
 * RFC 6455 §4.1) and the -5xx error band it and http1.h report in.
 *
 * The RFC 6455 §1.3 example runs end to end: nonce "the sample nonce" ->
 * key "dGhlIHNhbXBsZSBub25jZQ==" -> SHA-1 of key || GUID -> accept
 * "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=". The digest is the RFC's; when the build
 * has OpenSSL (WH_TEST_OPENSSL) it is also recomputed with a real SHA-1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef WH_TEST_OPENSSL
#include <openssl/sha.h>
#endif

#include "ws/http1.h"
#include "ws/ws_err.h"
#include "ws/ws_handshake.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define S(lit) lit, sizeof(lit) - 1

#define assert_err(got, want)                                                                      \
    do {                                                                                           \
        int got_ = (got), want_ = (want);                                                          \
        if (got_ != want_)                                                                         \
            fail_msg("%s:%d: got %s (%d), want %s (%d)", __FILE__, __LINE__, ws_err_name(got_),    \
                     got_, ws_err_name(want_), want_);                                             \
    } while (0)

static const char k_key[] = "dGhlIHNhbXBsZSBub25jZQ==";
static const char k_accept[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
/* RFC 6455 §1.3: SHA-1 of the key and GUID. */
static const uint8_t k_sha1[20] = {0xb3, 0x7a, 0x4f, 0x2c, 0xc0, 0x62, 0x4f, 0x16, 0x90, 0xf6,
                                   0x46, 0x06, 0xcf, 0x38, 0x59, 0x45, 0xb2, 0xbe, 0xc4, 0xea};

static void test_key(void **state)
{
    char out[WS_HANDSHAKE_KEY_LEN + 2];

    (void)state;
    memset(out, '#', sizeof(out));
    ws_handshake_key((const uint8_t *)"the sample nonce", out);
    assert_string_equal(out, k_key);
    assert_int_equal(out[WS_HANDSHAKE_KEY_LEN + 1], '#');
}

static void test_accept_input(void **state)
{
    char in[WS_HANDSHAKE_ACCEPT_INPUT_LEN + 2];

    (void)state;
    memset(in, '#', sizeof(in));
    assert_int_equal(ws_handshake_accept_input(k_key, in), 60);
    assert_string_equal(in, "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    assert_int_equal(in[WS_HANDSHAKE_ACCEPT_INPUT_LEN + 1], '#');
#ifdef WH_TEST_OPENSSL
    {
        uint8_t digest[SHA_DIGEST_LENGTH];

        SHA1((const unsigned char *)in, 60, digest);
        assert_memory_equal(digest, k_sha1, 20);
    }
#else
    skip();
#endif
}

static void test_accept_matches(void **state)
{
    uint8_t other[20];

    (void)state;
    assert_true(ws_handshake_accept_matches(S(k_accept), k_sha1));
    assert_true(ws_handshake_accept_matches(S(" \ts3pPLMBiTxaQ9kYGzzhZRbK+xOo=\t "), k_sha1));
    assert_false(ws_handshake_accept_matches(S("S3pPLMBiTxaQ9kYGzzhZRbK+xOo="), k_sha1));
    assert_false(ws_handshake_accept_matches(S("s3pPLMBiTxaQ9kYGzzhZRbK+xOo"), k_sha1));
    assert_false(ws_handshake_accept_matches(S("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=="), k_sha1));
    assert_false(ws_handshake_accept_matches(S("s3pPLMBiTxaQ9kYGzzhZRbK+xOo= x"), k_sha1));
    assert_false(ws_handshake_accept_matches(S(k_key), k_sha1));
    assert_false(ws_handshake_accept_matches(NULL, 0, k_sha1));
    assert_false(ws_handshake_accept_matches(S("  "), k_sha1));
    memcpy(other, k_sha1, 20);
    other[19] ^= 1;
    assert_false(ws_handshake_accept_matches(S(k_accept), other));
}

/* Parses "HTTP/1.1 <status>\r\n<headers>\r\n" and checks it as a handshake. */
static int check(const char *status, const char *headers, int protocol_requested)
{
    char buf[1024];
    struct http1_header h[16];
    struct http1_response r;
    int n = snprintf(buf, sizeof(buf), "HTTP/1.1 %s\r\n%s\r\n", status, headers);

    memset(&r, 0, sizeof(r));
    r.headers = h;
    r.max_headers = 16;
    assert_int_equal(http1_parse_response(buf, (size_t)n, &r), n);
    return ws_handshake_check_response(&r, k_sha1, protocol_requested);
}

#define GOOD_UPGRADE "Upgrade: websocket\r\nConnection: Upgrade\r\n"
#define GOOD_ACCEPT "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"

static void test_check_response_ok(void **state)
{
    (void)state;
    /* RFC 6455 §1.3's example response. */
    assert_err(check("101 Switching Protocols", GOOD_UPGRADE GOOD_ACCEPT, 0), WS_OK);
    assert_err(check("101 Switching Protocols",
                     "sec-websocket-accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                     "UPGRADE: WebSocket\r\n"
                     "connection: keep-alive, upgrade\r\n"
                     "Server: x\r\n",
                     0),
               WS_OK);
    assert_err(check("101",
                     "Connection: x\r\nConnection: Upgrade\r\n"
                     "Upgrade: websocket\r\n" GOOD_ACCEPT,
                     0),
               WS_OK);
    assert_err(check("101 OK", GOOD_UPGRADE GOOD_ACCEPT "Sec-WebSocket-Extensions:\r\n", 0), WS_OK);
    assert_err(check("101 OK", GOOD_UPGRADE GOOD_ACCEPT "Sec-WebSocket-Protocol: chat\r\n", 1),
               WS_OK);
    assert_err(check("101 OK", GOOD_UPGRADE GOOD_ACCEPT "Sec-WebSocket-Protocol:\r\n", 0), WS_OK);
}

static void test_check_response_errors(void **state)
{
    (void)state;
    assert_err(check("200 OK", GOOD_UPGRADE GOOD_ACCEPT, 0), WS_ERR_HANDSHAKE_STATUS);
    assert_err(check("426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n", 0),
               WS_ERR_HANDSHAKE_STATUS);
    assert_err(check("100 Continue", GOOD_UPGRADE GOOD_ACCEPT, 0), WS_ERR_HANDSHAKE_STATUS);
    assert_err(check("101 OK", "Connection: Upgrade\r\n" GOOD_ACCEPT, 0), WS_ERR_HANDSHAKE_UPGRADE);
    assert_err(check("101 OK", "Upgrade: h2c\r\nConnection: Upgrade\r\n" GOOD_ACCEPT, 0),
               WS_ERR_HANDSHAKE_UPGRADE);
    assert_err(check("101 OK", "Upgrade: websocket, h2c\r\nConnection: Upgrade\r\n" GOOD_ACCEPT, 0),
               WS_ERR_HANDSHAKE_UPGRADE);
    assert_err(check("101 OK",
                     "Upgrade: websocket\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\n" GOOD_ACCEPT,
                     0),
               WS_ERR_HANDSHAKE_UPGRADE);
    assert_err(check("101 OK", "Upgrade: websocket\r\n" GOOD_ACCEPT, 0),
               WS_ERR_HANDSHAKE_CONNECTION);
    assert_err(check("101 OK", "Upgrade: websocket\r\nConnection: keep-alive\r\n" GOOD_ACCEPT, 0),
               WS_ERR_HANDSHAKE_CONNECTION);
    assert_err(check("101 OK", "Upgrade: websocket\r\nConnection: upgraded\r\n" GOOD_ACCEPT, 0),
               WS_ERR_HANDSHAKE_CONNECTION);
    assert_err(check("101 OK", GOOD_UPGRADE, 0), WS_ERR_HANDSHAKE_ACCEPT);
    assert_err(check("101 OK", GOOD_UPGRADE "Sec-WebSocket-Accept: x\r\n", 0),
               WS_ERR_HANDSHAKE_ACCEPT);
    assert_err(
        check("101 OK", GOOD_UPGRADE "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n", 0),
        WS_ERR_HANDSHAKE_ACCEPT);
    assert_err(check("101 OK", GOOD_UPGRADE GOOD_ACCEPT GOOD_ACCEPT, 0), WS_ERR_HANDSHAKE_ACCEPT);
    assert_err(
        check("101 OK", GOOD_UPGRADE "Sec-WebSocket-Accept: S3PPLMBITXAQ9KYGZZHZRBK+XOO=\r\n", 0),
        WS_ERR_HANDSHAKE_ACCEPT);
    assert_err(check("101 OK",
                     GOOD_UPGRADE GOOD_ACCEPT "Sec-WebSocket-Extensions: permessage-deflate\r\n",
                     0),
               WS_ERR_HANDSHAKE_EXTENSION);
    assert_err(check("101 OK",
                     GOOD_UPGRADE GOOD_ACCEPT "Sec-WebSocket-Extensions: permessage-deflate\r\n",
                     1),
               WS_ERR_HANDSHAKE_EXTENSION);
    assert_err(check("101 OK", GOOD_UPGRADE GOOD_ACCEPT "Sec-WebSocket-Protocol: chat\r\n", 0),
               WS_ERR_HANDSHAKE_PROTOCOL);
}

/* The errors of http1.h and ws_handshake.h: named, no close code (no
 * WebSocket exists yet), not "peer" errors in ws_err_is_peer's sense
 * (which promise a close frame), not fatal. */
static void test_error_band(void **state)
{
    static const struct {
        int err;
        const char *name;
    } k[] = {
        {WS_ERR_HTTP_MALFORMED, "WS_ERR_HTTP_MALFORMED"},
        {WS_ERR_HTTP_CONTENT_LENGTH, "WS_ERR_HTTP_CONTENT_LENGTH"},
        {WS_ERR_HTTP_CHUNKED, "WS_ERR_HTTP_CHUNKED"},
        {WS_ERR_HANDSHAKE_STATUS, "WS_ERR_HANDSHAKE_STATUS"},
        {WS_ERR_HANDSHAKE_UPGRADE, "WS_ERR_HANDSHAKE_UPGRADE"},
        {WS_ERR_HANDSHAKE_CONNECTION, "WS_ERR_HANDSHAKE_CONNECTION"},
        {WS_ERR_HANDSHAKE_ACCEPT, "WS_ERR_HANDSHAKE_ACCEPT"},
        {WS_ERR_HANDSHAKE_EXTENSION, "WS_ERR_HANDSHAKE_EXTENSION"},
        {WS_ERR_HANDSHAKE_PROTOCOL, "WS_ERR_HANDSHAKE_PROTOCOL"},
        {WS_ERR_HTTP_TOO_BIG, "WS_ERR_HTTP_TOO_BIG"},
        {WS_ERR_HTTP_TOO_MANY_HEADERS, "WS_ERR_HTTP_TOO_MANY_HEADERS"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k); i++) {
        assert_string_equal(ws_err_name(k[i].err), k[i].name);
        assert_int_equal(ws_err_close_code(k[i].err), 0);
        assert_true(ws_err_is_http(k[i].err));
        assert_false(ws_err_is_peer(k[i].err));
        assert_false(ws_err_is_fatal(k[i].err));
    }
    assert_false(ws_err_is_http(WS_ERR_PROTO));
    assert_false(ws_err_is_http(WS_ERR_TOO_BIG));
    assert_false(ws_err_is_http(WS_ERR_FATAL));
    assert_false(ws_err_is_http(WS_OK));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_accept_input),
        cmocka_unit_test(test_accept_matches),
        cmocka_unit_test(test_check_response_ok),
        cmocka_unit_test(test_check_response_errors),
        cmocka_unit_test(test_error_band),
    };
    return cmocka_run_group_tests_name("ws_handshake", tests, NULL, NULL);
}
