/* test_ws_msg.c - the message layer (ws_msg.h): WinHTTP buffer types on
 * receive, UTF-8 and close payload checks, send sequencing, close payloads.
 *
 * Exact chunk sequences are checked call by call; stream-level behaviour is
 * checked with recv_all_splits(), which feeds a stream whole, byte by byte,
 * in seeded random pieces and the way the Win32 layer reads payload straight
 * into the application's buffer, and requires the same messages, control
 * frames and end state from every run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "ws_test_util.h"

/* ---- call-by-call helpers ------------------------------------------------ */

struct rx {
    struct ws_receiver r;
    const uint8_t *in;
    size_t len, off;
    uint8_t out[1024];
    struct ws_recv_result res;
};

static void rx_start(struct rx *x, const uint8_t *in, size_t len, uint64_t max)
{
    ws_receiver_init(&x->r, max);
    x->in = in;
    x->len = len;
    x->off = 0;
}

/* One ws_recv over the rest of the input, checking the per-call contract. */
static int rx_call(struct rx *x, size_t cap)
{
    size_t used = 99, left = x->len - x->off;
    int rc;

    assert_true(cap <= sizeof(x->out));
    rc = ws_recv(&x->r, x->in + x->off, left, &used, x->out, cap, &x->res);
    assert_true(used <= left);
    if (rc == WS_OK) {
        assert_true(x->res.n <= cap);
        if (x->res.kind == WS_RECV_NONE)
            assert_int_equal(used, left);
    }
    x->off += used;
    return rc;
}

/* ANY_TYPE: res.type is not meaningful for this result (ws_msg.h). */
#define ANY_TYPE (-1)
#define expect_call(x, cap, kind_, n_, type_)                                                      \
    do {                                                                                           \
        assert_err(rx_call((x), (cap)), WS_OK);                                                    \
        assert_int_equal((x)->res.kind, (kind_));                                                  \
        assert_int_equal((x)->res.n, (n_));                                                        \
        if ((int)(type_) != ANY_TYPE)                                                              \
            assert_int_equal((x)->res.type, (type_));                                              \
    } while (0)

/* ---- receiving: buffer types ---------------------------------------------- */

static const uint8_t k_hello[] = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
static const uint8_t k_hel_lo[] = {0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
static const uint8_t k_hello_masked[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
                                         0x7f, 0x9f, 0x4d, 0x51, 0x58};

static void test_recv_rfc_examples(void **state)
{
    struct rx x;

    (void)state;
    rx_start(&x, k_hello, sizeof(k_hello), 0);
    expect_call(&x, 16, WS_RECV_DATA, 5, WS_BUF_UTF8_MESSAGE);
    assert_memory_equal(x.out, "Hello", 5);
    assert_int_equal(x.off, sizeof(k_hello));
    expect_call(&x, 16, WS_RECV_NONE, 0, ANY_TYPE);

    /* Frame boundaries are not preserved: "Hel" + "lo" is one chunk. */
    rx_start(&x, k_hel_lo, sizeof(k_hel_lo), 0);
    expect_call(&x, 16, WS_RECV_DATA, 5, WS_BUF_UTF8_MESSAGE);
    assert_memory_equal(x.out, "Hello", 5);

    rx_start(&x, k_hello_masked, sizeof(k_hello_masked), 0);
    assert_err(rx_call(&x, 16), WS_ERR_MASKED);
    assert_int_equal(ws_err_close_code(WS_ERR_MASKED), 1002);
    assert_err(rx_call(&x, 16), WS_ERR_MASKED);
}

/* The native behaviour the spec records: 256 bytes into 128-byte reads
 * come out as (128, FRAGMENT), (128, MESSAGE). */
static void test_recv_buffer_type_mapping(void **state)
{
    static const struct {
        size_t cap, n[4];
    } cases[] = {
        {128, {128, 128}}, {100, {100, 100, 56}}, {256, {256}}, {255, {255, 1}}, {300, {256}},
    };
    uint8_t frame[4 + 256];
    size_t i, k, n = 0, total;
    struct rx x;

    (void)state;
    for (i = 0; i < 256; i++)
        frame[4 + i] = (uint8_t)i;
    n = put_header(frame, 0x82, 256) + 256;
    for (i = 0; i < ARRAY_LEN(cases); i++) {
        rx_start(&x, frame, n, 0);
        for (k = 0, total = 0; cases[i].n[k]; total += cases[i].n[k], k++) {
            int last = cases[i].n[k + 1] == 0;

            expect_call(&x, cases[i].cap, WS_RECV_DATA, cases[i].n[k],
                        last ? WS_BUF_BINARY_MESSAGE : WS_BUF_BINARY_FRAGMENT);
            assert_memory_equal(x.out, frame + 4 + total, cases[i].n[k]);
        }
        assert_int_equal(x.off, n);
    }
}

static void test_recv_message_end_when_output_fills(void **state)
{
    static uint8_t a[128], buf[300];
    size_t n = 0;
    struct rx x;

    (void)state;
    memset(a, 'a', sizeof(a));
    /* Two frames, 128 each: both calls end exactly at a frame boundary. */
    put_frame(buf, &n, 0x02, a, 128);
    put_frame(buf, &n, 0x80, a, 128);
    rx_start(&x, buf, n, 0);
    expect_call(&x, 128, WS_RECV_DATA, 128, WS_BUF_BINARY_FRAGMENT);
    expect_call(&x, 128, WS_RECV_DATA, 128, WS_BUF_BINARY_MESSAGE);

    /* The last byte came in a non-FIN frame: an empty *_MESSAGE follows. */
    n = 0;
    put_frame(buf, &n, 0x02, a, 128);
    put_frame(buf, &n, 0x80, "", 0);
    rx_start(&x, buf, n, 0);
    expect_call(&x, 128, WS_RECV_DATA, 128, WS_BUF_BINARY_FRAGMENT);
    expect_call(&x, 128, WS_RECV_DATA, 0, WS_BUF_BINARY_MESSAGE);
    assert_int_equal(x.off, n);
}

static void test_recv_zero_length_messages(void **state)
{
    static const uint8_t text[] = {0x81, 0x00};
    static const uint8_t bin[] = {0x82, 0x00};
    static const uint8_t frag[] = {0x01, 0x00, 0x80, 0x00};
    struct rx x;

    (void)state;
    rx_start(&x, text, sizeof(text), 0);
    expect_call(&x, 1, WS_RECV_DATA, 0, WS_BUF_UTF8_MESSAGE);
    rx_start(&x, bin, sizeof(bin), 0);
    expect_call(&x, 1, WS_RECV_DATA, 0, WS_BUF_BINARY_MESSAGE);
    rx_start(&x, frag, sizeof(frag), 0);
    expect_call(&x, 1, WS_RECV_DATA, 0, WS_BUF_UTF8_MESSAGE);
    assert_int_equal(x.off, sizeof(frag));
}

static void test_recv_input_runs_out(void **state)
{
    struct rx x;

    (void)state;
    rx_start(&x, k_hello, 4, 0); /* header + "He" */
    expect_call(&x, 16, WS_RECV_NONE, 2, WS_BUF_UTF8_FRAGMENT);
    assert_memory_equal(x.out, "He", 2);
    assert_int_equal(ws_receiver_payload_left(&x.r), 3);
    x.len = sizeof(k_hello);
    expect_call(&x, 16, WS_RECV_DATA, 3, WS_BUF_UTF8_MESSAGE);
    assert_memory_equal(x.out, "llo", 3);
}

/* ---- receiving: control frames ----------------------------------------------- */

static void test_recv_ping_pong(void **state)
{
    static const uint8_t ping[] = {0x89, 0x05, 'H', 'e', 'l', 'l', 'o'};
    static const uint8_t pong[] = {0x8a, 0x00};
    struct rx x;

    (void)state;
    rx_start(&x, ping, sizeof(ping), 0);
    expect_call(&x, 1, WS_RECV_PING, 0, ANY_TYPE);
    assert_int_equal(x.res.ctrl_len, 5);
    assert_memory_equal(x.res.ctrl, "Hello", 5);
    rx_start(&x, pong, sizeof(pong), 0);
    expect_call(&x, 1, WS_RECV_PONG, 0, ANY_TYPE);
    assert_int_equal(x.res.ctrl_len, 0);
}

/* A control frame between fragments ends the call; the data so far is a
 * FRAGMENT and the message goes on afterwards (§5.4). */
static void test_recv_control_between_fragments(void **state)
{
    uint8_t buf[64];
    size_t n = 0;
    struct rx x;

    (void)state;
    put_frame(buf, &n, 0x01, "Hel", 3);
    put_frame(buf, &n, 0x89, "p", 1);
    put_frame(buf, &n, 0x8a, "q", 1);
    put_frame(buf, &n, 0x80, "lo", 2);
    rx_start(&x, buf, n, 0);
    expect_call(&x, 16, WS_RECV_PING, 3, WS_BUF_UTF8_FRAGMENT);
    assert_memory_equal(x.out, "Hel", 3);
    assert_memory_equal(x.res.ctrl, "p", 1);
    expect_call(&x, 16, WS_RECV_PONG, 0, ANY_TYPE);
    expect_call(&x, 16, WS_RECV_DATA, 2, WS_BUF_UTF8_MESSAGE);
    assert_memory_equal(x.out, "lo", 2);
}

static void test_recv_close(void **state)
{
    static uint8_t reason[123];
    uint8_t buf[200], pl[125];
    size_t n = 0;
    struct rx x;

    (void)state;
    put_frame(buf, &n, 0x88, "\003\350bye", 5);
    rx_start(&x, buf, n, 0);
    expect_call(&x, 8, WS_RECV_CLOSE, 0, WS_BUF_CLOSE);
    assert_int_equal(x.r.close_code, 1000);
    assert_int_equal(x.r.reason_len, 3);
    assert_memory_equal(x.r.reason, "bye", 3);
    assert_true(x.r.closed);
    assert_err(rx_call(&x, 8), WS_ERR_STATE);
    assert_err(rx_call(&x, 8), WS_ERR_STATE);

    /* No payload: "no status", 1005 (§7.1.5). */
    n = 0;
    put_frame(buf, &n, 0x88, "", 0);
    rx_start(&x, buf, n, 0);
    expect_call(&x, 8, WS_RECV_CLOSE, 0, WS_BUF_CLOSE);
    assert_int_equal(x.r.close_code, 1005);
    assert_int_equal(x.r.reason_len, 0);

    /* The longest reason, 123 bytes of UTF-8. */
    memset(reason, 'r', sizeof(reason));
    assert_int_equal(ws_close_build(pl, 4999, reason, sizeof(reason)), 125);
    n = 0;
    put_frame(buf, &n, 0x88, pl, 125);
    rx_start(&x, buf, n, 0);
    expect_call(&x, 8, WS_RECV_CLOSE, 0, WS_BUF_CLOSE);
    assert_int_equal(x.r.close_code, 4999);
    assert_int_equal(x.r.reason_len, 123);
    assert_memory_equal(x.r.reason, reason, 123);
}

static void test_recv_close_mid_message(void **state)
{
    uint8_t buf[32];
    size_t n = 0;
    struct rx x;

    (void)state;
    put_frame(buf, &n, 0x02, "abc", 3);
    put_frame(buf, &n, 0x88, "\x03\xe9", 2);
    rx_start(&x, buf, n, 0);
    expect_call(&x, 16, WS_RECV_CLOSE, 3, WS_BUF_BINARY_FRAGMENT);
    assert_memory_equal(x.out, "abc", 3);
    assert_int_equal(x.r.close_code, 1001);
    assert_err(rx_call(&x, 16), WS_ERR_STATE);
}

static void test_recv_close_violations(void **state)
{
    static const uint16_t bad[] = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535};
    static const uint16_t good[] = {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999};
    uint8_t buf[16], pl[2];
    size_t n, i;
    struct rx x;

    (void)state;
    n = 0;
    put_frame(buf, &n, 0x88, "\x03", 1);
    rx_start(&x, buf, n, 0);
    assert_err(rx_call(&x, 8), WS_ERR_CLOSE_LEN);
    assert_int_equal(ws_err_close_code(WS_ERR_CLOSE_LEN), 1002);
    assert_false(x.r.closed);
    assert_err(rx_call(&x, 8), WS_ERR_CLOSE_LEN); /* sticky */

    for (i = 0; i < ARRAY_LEN(bad) + ARRAY_LEN(good); i++) {
        int ok = i >= ARRAY_LEN(bad);
        uint16_t code = ok ? good[i - ARRAY_LEN(bad)] : bad[i];

        pl[0] = (uint8_t)(code >> 8);
        pl[1] = (uint8_t)code;
        n = 0;
        put_frame(buf, &n, 0x88, pl, 2);
        rx_start(&x, buf, n, 0);
        if (ok) {
            expect_call(&x, 8, WS_RECV_CLOSE, 0, WS_BUF_CLOSE);
            assert_int_equal(x.r.close_code, code);
        } else if (rx_call(&x, 8) != WS_ERR_CLOSE_CODE) {
            fail_msg("close code %u accepted", (unsigned)code);
        }
    }

    /* Reason not UTF-8: invalid byte, and a reason cut inside a code point. */
    n = 0;
    put_frame(buf, &n, 0x88, "\003\350a\377", 4);
    rx_start(&x, buf, n, 0);
    assert_err(rx_call(&x, 8), WS_ERR_CLOSE_UTF8);
    assert_int_equal(ws_err_close_code(WS_ERR_CLOSE_UTF8), 1007);
    n = 0;
    put_frame(buf, &n, 0x88, "\003\350\342\202", 4);
    rx_start(&x, buf, n, 0);
    assert_err(rx_call(&x, 8), WS_ERR_CLOSE_UTF8);
}

/* ---- receiving: UTF-8 (§8.1) ----------------------------------------------- */

/* "a€b" with € (E2 82 AC) split across two frames, interleaved with a
 * ping; every cap and every split must give the same text. */
static void test_recv_utf8_split_across_frames(void **state)
{
    static struct rx_log g;
    uint8_t buf[64];
    size_t n = 0, cap;

    (void)state;
    put_frame(buf, &n, 0x01, "a\xe2\x82", 3);
    put_frame(buf, &n, 0x89, "", 0);
    put_frame(buf, &n, 0x80, "\254b", 2);
    for (cap = 1; cap <= 6; cap++) {
        recv_all_splits(&g, buf, n, cap, 0);
        assert_err(g.rc, WS_OK);
        assert_int_equal(g.nrec, 2);
        assert_rec(&g, 0, RX_PING, 0, "", 0);
        assert_rec(&g, 1, RX_MSG, 1, "a\342\202\254b", 5);
    }
}

/* The first frame is valid so far; the second cannot continue it. The
 * error must come with the second frame, not before. */
static void test_recv_utf8_invalid_split_fails_at_second_frame(void **state)
{
    uint8_t buf[32];
    size_t n = 0, first;
    struct rx x;

    (void)state;
    put_frame(buf, &n, 0x01, "a\xe2", 2);
    first = n;
    put_frame(buf, &n, 0x80, "(", 1);
    rx_start(&x, buf, first, 0);
    expect_call(&x, 16, WS_RECV_NONE, 2, WS_BUF_UTF8_FRAGMENT);
    x.len = n;
    assert_err(rx_call(&x, 16), WS_ERR_UTF8);
    assert_int_equal(ws_err_close_code(WS_ERR_UTF8), 1007);
    assert_err(rx_call(&x, 16), WS_ERR_UTF8);
}

/* Fail fast: a bad byte fails the call that delivers it, long before the
 * declared 100 bytes have arrived. */
static void test_recv_utf8_fail_fast(void **state)
{
    uint8_t buf[16];
    size_t n = put_header(buf, 0x81, 100);
    struct rx x;

    (void)state;
    memcpy(buf + n, "ab\xff", 3);
    rx_start(&x, buf, n + 2, 0);
    expect_call(&x, 64, WS_RECV_NONE, 2, WS_BUF_UTF8_FRAGMENT);
    x.len = n + 3;
    assert_err(rx_call(&x, 64), WS_ERR_UTF8);
}

static void test_recv_utf8_invalid_forms(void **state)
{
    static const struct {
        const char *s;
        size_t n;
        int err;
    } cases[] = {
        {"a\xe2\x82", 3, WS_ERR_UTF8},        /* FIN inside a code point */
        {"\xc0\x80", 2, WS_ERR_UTF8},         /* overlong NUL */
        {"\xed\xa0\x80", 3, WS_ERR_UTF8},     /* surrogate */
        {"\xf4\x90\x80\x80", 4, WS_ERR_UTF8}, /* above U+10FFFF */
        {"\x80", 1, WS_ERR_UTF8},             /* stray continuation */
        {"\xf0\x9f\x98\x80", 4, WS_OK},       /* U+1F600 */
        {"\xef\xbf\xbf", 3, WS_OK},           /* U+FFFF */
    };
    uint8_t buf[16];
    size_t i, n;
    struct rx x;

    (void)state;
    for (i = 0; i < ARRAY_LEN(cases); i++) {
        n = 0;
        put_frame(buf, &n, 0x81, cases[i].s, cases[i].n);
        rx_start(&x, buf, n, 0);
        assert_err(rx_call(&x, 16), cases[i].err);
    }
    /* A FIN continuation that leaves the code point open fails too. */
    n = 0;
    put_frame(buf, &n, 0x01, "\xf0\x9f", 2);
    put_frame(buf, &n, 0x80, "\x98", 1);
    rx_start(&x, buf, n, 0);
    assert_err(rx_call(&x, 16), WS_ERR_UTF8);
    /* Binary messages are not text: anything goes. */
    n = 0;
    put_frame(buf, &n, 0x82, "\xff\xfe\xc0", 3);
    rx_start(&x, buf, n, 0);
    expect_call(&x, 16, WS_RECV_DATA, 3, WS_BUF_BINARY_MESSAGE);
}

/* ---- receiving: limits, misuse, in place ------------------------------------ */

static void test_recv_too_big(void **state)
{
    uint8_t buf[32];
    size_t n = 0;
    struct rx x;

    (void)state;
    put_frame(buf, &n, 0x82, "0123456789", 10);
    put_frame(buf, &n, 0x02, "0123456789", 10);
    put_frame(buf, &n, 0x80, "x", 1);
    rx_start(&x, buf, n, 10);
    expect_call(&x, 64, WS_RECV_DATA, 10, WS_BUF_BINARY_MESSAGE);
    /* 10 more bytes are fine, the 11th is refused at its frame's header,
     * before its payload is read. */
    assert_err(rx_call(&x, 64), WS_ERR_TOO_BIG);
    assert_int_equal(x.off, n - 1);
    assert_int_equal(ws_err_close_code(WS_ERR_TOO_BIG), 1009);
    assert_err(rx_call(&x, 64), WS_ERR_TOO_BIG);
}

static void test_recv_misuse_is_not_sticky(void **state)
{
    struct ws_receiver r;
    struct ws_recv_result res;
    uint8_t out[8];
    size_t used;

    (void)state;
    ws_receiver_init(&r, 0);
    assert_err(ws_recv(&r, k_hello, sizeof(k_hello), &used, out, 0, &res), WS_ERR_MISUSE);
    assert_int_equal(used, 0);
    assert_err(ws_recv(&r, k_hello, sizeof(k_hello), &used, NULL, 8, &res), WS_ERR_MISUSE);
    assert_err(ws_recv(&r, NULL, 3, &used, out, 8, &res), WS_ERR_MISUSE);
    assert_err(ws_recv(&r, NULL, 0, &used, out, 8, &res), WS_OK);
    assert_int_equal(res.kind, WS_RECV_NONE);
    assert_err(ws_recv(&r, k_hello, sizeof(k_hello), &used, out, 8, &res), WS_OK);
    assert_int_equal(res.kind, WS_RECV_DATA);
    assert_int_equal(res.n, 5);
}

/* The Win32 layer reads the header into its own buffer and the payload
 * straight into the application's: in == out, nothing is copied. */
static void test_recv_in_place(void **state)
{
    uint8_t app[8], hdr[2] = {0x82, 12};
    struct ws_receiver r;
    struct ws_recv_result res;
    size_t used;

    (void)state;
    ws_receiver_init(&r, 0);
    assert_err(ws_recv(&r, hdr, 2, &used, app, sizeof(app), &res), WS_OK);
    assert_int_equal(res.kind, WS_RECV_NONE);
    assert_int_equal(ws_receiver_payload_left(&r), 12);
    memcpy(app, "abcdefgh", 8);
    assert_err(ws_recv(&r, app, 8, &used, app, sizeof(app), &res), WS_OK);
    assert_int_equal(res.kind, WS_RECV_DATA);
    assert_int_equal(res.n, 8);
    assert_int_equal(res.type, WS_BUF_BINARY_FRAGMENT);
    assert_memory_equal(app, "abcdefgh", 8);
    memcpy(app, "ijkl", 4);
    assert_err(ws_recv(&r, app, 4, &used, app, sizeof(app), &res), WS_OK);
    assert_int_equal(res.kind, WS_RECV_DATA);
    assert_int_equal(res.n, 4);
    assert_int_equal(res.type, WS_BUF_BINARY_MESSAGE);
    assert_memory_equal(app, "ijkl", 4);

    /* Header bytes read into the app buffer too: the payload moves down. */
    ws_receiver_init(&r, 0);
    memcpy(app, "\x82\x03xyz", 5);
    assert_err(ws_recv(&r, app, 5, &used, app, sizeof(app), &res), WS_OK);
    assert_int_equal(res.n, 3);
    assert_memory_equal(app, "xyz", 3);
}

/* A 4 GiB message through a 64 KiB buffer, in place, never held whole. */
static void test_recv_2_pow_32_in_place(void **state)
{
    static uint8_t app[65536];
    uint64_t want = (uint64_t)1 << 32, got = 0, chunks = 0;
    uint8_t hdr[10];
    struct ws_receiver r;
    struct ws_recv_result res;
    size_t used, h = put_header(hdr, 0x82, want);

    (void)state;
    ws_receiver_init(&r, want);
    assert_err(ws_recv(&r, hdr, h, &used, app, sizeof(app), &res), WS_OK);
    while (ws_receiver_payload_left(&r) > 0) {
        assert_err(ws_recv(&r, app, sizeof(app), &used, app, sizeof(app), &res), WS_OK);
        assert_int_equal(used, sizeof(app));
        got += res.n;
        chunks++;
        if (res.kind != WS_RECV_DATA ||
            res.type != (got == want ? WS_BUF_BINARY_MESSAGE : WS_BUF_BINARY_FRAGMENT))
            fail_msg("chunk %llu: kind %d type %d", (unsigned long long)chunks, res.kind, res.type);
    }
    assert_int_equal(got, want);
    assert_int_equal(chunks, 65536);
}

/* ---- receiving: a whole conversation, every way ------------------------------- */

static void test_recv_stream_any_split_any_cap(void **state)
{
    static const size_t caps[] = {1, 2, 3, 5, 64, 1000};
    static uint8_t bin[300], buf[600];
    static struct rx_log g;
    size_t n = 0, i;

    (void)state;
    for (i = 0; i < sizeof(bin); i++)
        bin[i] = (uint8_t)(i ^ 0x5a);
    memcpy(buf, k_hel_lo, sizeof(k_hel_lo));
    n = sizeof(k_hel_lo);
    put_frame(buf, &n, 0x01, "a\xe2\x82", 3);
    put_frame(buf, &n, 0x89, "x", 1);
    put_frame(buf, &n, 0x80, "\254b", 2);
    put_frame(buf, &n, 0x02, bin, 100);
    put_frame(buf, &n, 0x00, bin + 100, 100);
    put_frame(buf, &n, 0x80, bin + 200, 100);
    put_frame(buf, &n, 0x81, "", 0);
    put_frame(buf, &n, 0x02, "", 0);
    put_frame(buf, &n, 0x80, "z", 1);
    put_frame(buf, &n, 0x8a, "pp", 2);
    put_frame(buf, &n, 0x01, "\xf0", 1);
    put_frame(buf, &n, 0x80, "\x9d\x84\x9e", 3);
    put_frame(buf, &n, 0x88, "\003\350bye", 5);
    put_frame(buf, &n, 0x81, "after close", 11); /* never read */
    for (i = 0; i < ARRAY_LEN(caps); i++) {
        recv_all_splits(&g, buf, n, caps[i], 0);
        assert_err(g.rc, WS_OK);
        assert_int_equal(g.nrec, 9);
        assert_rec(&g, 0, RX_MSG, 1, "Hello", 5);
        assert_rec(&g, 1, RX_PING, 0, "x", 1);
        assert_rec(&g, 2, RX_MSG, 1, "a\342\202\254b", 5);
        assert_rec(&g, 3, RX_MSG, 0, bin, 300);
        assert_rec(&g, 4, RX_MSG, 1, "", 0);
        assert_rec(&g, 5, RX_MSG, 0, "z", 1);
        assert_rec(&g, 6, RX_PONG, 0, "pp", 2);
        assert_rec(&g, 7, RX_MSG, 1, "\xf0\x9d\x84\x9e", 4);
        assert_rec(&g, 8, RX_CLOSE, 0, "bye", 3);
        assert_int_equal(g.rec[8].code, 1000);
    }
}

/* A stream that goes wrong ends the same way however it is fed, with the
 * messages before the error intact. */
static void test_recv_stream_errors_any_split(void **state)
{
    static struct rx_log g;
    uint8_t buf[64];
    size_t n = 0, cap;

    (void)state;
    put_frame(buf, &n, 0x82, "ok", 2);
    put_frame(buf, &n, 0x01, "abc\xe2", 4);
    put_frame(buf, &n, 0x8a, "", 0);
    put_frame(buf, &n, 0x80, "\x82\xff", 2);
    for (cap = 1; cap <= 8; cap++) {
        recv_all_splits(&g, buf, n, cap, 0);
        assert_err(g.rc, WS_ERR_UTF8);
        assert_int_equal(g.nrec, 2);
        assert_rec(&g, 0, RX_MSG, 0, "ok", 2);
        assert_rec(&g, 1, RX_PONG, 0, "", 0);
    }
    n = 0;
    put_frame(buf, &n, 0x81, "fine", 4);
    put_frame(buf, &n, 0xc2, "", 0); /* RSV1 */
    recv_all_splits(&g, buf, n, 3, 0);
    assert_err(g.rc, WS_ERR_RSV);
    assert_int_equal(g.nrec, 1);
}

/* ---- sending ------------------------------------------------------------------ */

static void expect_send(struct ws_sender *s, enum ws_buffer_type t, unsigned op, int fin)
{
    unsigned got_op = 99;
    int got_fin = 99;

    assert_err(ws_sender_next(s, t, &got_op, &got_fin), WS_OK);
    assert_int_equal(got_op, op);
    assert_int_equal(got_fin, fin);
}

static void expect_send_refused(struct ws_sender *s, enum ws_buffer_type t)
{
    struct ws_sender before = *s;
    unsigned op = 99;
    int fin = 99;

    assert_err(ws_sender_next(s, t, &op, &fin), WS_ERR_BAD_TYPE);
    assert_int_equal(s->msg_opcode, before.msg_opcode);
    assert_int_equal(op, 99);
    assert_int_equal(fin, 99);
}

static void test_sender_sequencing(void **state)
{
    struct ws_sender s;

    (void)state;
    ws_sender_init(&s);
    expect_send(&s, WS_BUF_BINARY_MESSAGE, WS_OP_BINARY, 1);
    expect_send(&s, WS_BUF_UTF8_MESSAGE, WS_OP_TEXT, 1);
    expect_send(&s, WS_BUF_BINARY_FRAGMENT, WS_OP_BINARY, 0);
    expect_send(&s, WS_BUF_BINARY_FRAGMENT, WS_OP_CONT, 0);
    expect_send(&s, WS_BUF_BINARY_MESSAGE, WS_OP_CONT, 1); /* may be empty */
    expect_send(&s, WS_BUF_UTF8_FRAGMENT, WS_OP_TEXT, 0);
    expect_send(&s, WS_BUF_UTF8_MESSAGE, WS_OP_CONT, 1);
    expect_send(&s, WS_BUF_BINARY_MESSAGE, WS_OP_BINARY, 1);
}

static void test_sender_refusals(void **state)
{
    struct ws_sender s;

    (void)state;
    ws_sender_init(&s);
    expect_send_refused(&s, WS_BUF_CLOSE);
    expect_send_refused(&s, (enum ws_buffer_type)5);
    expect_send(&s, WS_BUF_BINARY_FRAGMENT, WS_OP_BINARY, 0);
    expect_send_refused(&s, WS_BUF_UTF8_FRAGMENT);
    expect_send_refused(&s, WS_BUF_UTF8_MESSAGE);
    expect_send_refused(&s, WS_BUF_CLOSE);
    expect_send(&s, WS_BUF_BINARY_MESSAGE, WS_OP_CONT, 1);

    expect_send(&s, WS_BUF_UTF8_FRAGMENT, WS_OP_TEXT, 0);
    expect_send_refused(&s, WS_BUF_BINARY_FRAGMENT);
    expect_send_refused(&s, WS_BUF_BINARY_MESSAGE);
    expect_send(&s, WS_BUF_UTF8_FRAGMENT, WS_OP_CONT, 0);
    expect_send(&s, WS_BUF_UTF8_MESSAGE, WS_OP_CONT, 1);
}

/* ---- close payloads ----------------------------------------------------------- */

static void test_close_code_validity(void **state)
{
    static const struct {
        uint16_t code;
        int valid;
    } cases[] = {
        {0, 0},    {999, 0},  {1000, 1}, {1001, 1}, {1003, 1},  {1004, 0},
        {1005, 0}, {1006, 0}, {1007, 1}, {1014, 1}, {1015, 0},  {1016, 0},
        {2999, 0}, {3000, 1}, {4999, 1}, {5000, 0}, {65535, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(cases); i++)
        if (!ws_close_code_is_valid(cases[i].code) != !cases[i].valid)
            fail_msg("code %u: valid should be %d", (unsigned)cases[i].code, cases[i].valid);
}

static void test_close_build(void **state)
{
    static const uint16_t bad[] = {999, 1004, 1006, 1015, 1016, 2999, 5000};
    static uint8_t reason[124];
    uint8_t out[125];
    size_t i;

    (void)state;
    memset(reason, 'x', sizeof(reason));
    assert_int_equal(ws_close_build(out, 1000, NULL, 0), 2);
    assert_memory_equal(out, "\x03\xe8", 2);
    assert_int_equal(ws_close_build(out, 4999, (const uint8_t *)"hi", 2), 4);
    assert_memory_equal(out, "\x13\x87hi", 4);
    assert_int_equal(ws_close_build(out, 3000, reason, 123), 125);
    assert_memory_equal(out + 2, reason, 123);
    assert_err(ws_close_build(out, 3000, reason, 124), WS_ERR_REASON_TOO_LONG);
    /* The length is judged before the code, as WinHttpWebSocketClose does. */
    assert_err(ws_close_build(out, 999, reason, 124), WS_ERR_REASON_TOO_LONG);
    assert_int_equal(ws_close_build(out, WS_CLOSE_EMPTY, NULL, 0), 0);
    assert_err(ws_close_build(out, WS_CLOSE_EMPTY, reason, 1), WS_ERR_BAD_CLOSE_CODE);
    assert_err(ws_close_build(out, 1000, NULL, 1), WS_ERR_MISUSE);
    for (i = 0; i < ARRAY_LEN(bad); i++)
        assert_err(ws_close_build(out, bad[i], NULL, 0), WS_ERR_BAD_CLOSE_CODE);
    assert_int_equal(ws_close_build(out, 1014, NULL, 0), 2);
    assert_int_equal(ws_close_build(out, 1007, NULL, 0), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recv_rfc_examples),
        cmocka_unit_test(test_recv_buffer_type_mapping),
        cmocka_unit_test(test_recv_message_end_when_output_fills),
        cmocka_unit_test(test_recv_zero_length_messages),
        cmocka_unit_test(test_recv_input_runs_out),
        cmocka_unit_test(test_recv_ping_pong),
        cmocka_unit_test(test_recv_control_between_fragments),
        cmocka_unit_test(test_recv_close),
        cmocka_unit_test(test_recv_close_mid_message),
        cmocka_unit_test(test_recv_close_violations),
        cmocka_unit_test(test_recv_utf8_split_across_frames),
        cmocka_unit_test(test_recv_utf8_invalid_split_fails_at_second_frame),
        cmocka_unit_test(test_recv_utf8_fail_fast),
        cmocka_unit_test(test_recv_utf8_invalid_forms),
        cmocka_unit_test(test_recv_too_big),
        cmocka_unit_test(test_recv_misuse_is_not_sticky),
        cmocka_unit_test(test_recv_in_place),
        cmocka_unit_test(test_recv_2_pow_32_in_place),
        cmocka_unit_test(test_recv_stream_any_split_any_cap),
        cmocka_unit_test(test_recv_stream_errors_any_split),
        cmocka_unit_test(test_sender_sequencing),
        cmocka_unit_test(test_sender_refusals),
        cmocka_unit_test(test_close_code_validity),
        cmocka_unit_test(test_close_build),
    };
    return cmocka_run_group_tests_name("ws_msg", tests, NULL, NULL);
}
