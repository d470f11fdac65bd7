/* test_ws_frame.c - the RFC 6455 frame decoder and encoder (ws_frame.h).
 *
 * Every decoder case goes through decode_all_splits(): whole, byte by byte
 * and seeded random splits must give the same trace. Wire bytes of the
 * RFC 6455 §5.7 examples are literal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "ws_test_util.h"

/* RFC 6455 §5.7 examples. */
static const uint8_t k_hello[] = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
static const uint8_t k_hello_masked[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
                                         0x7f, 0x9f, 0x4d, 0x51, 0x58};
static const uint8_t k_hel_lo[] = {0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
static const uint8_t k_ping_hello[] = {0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
static const uint8_t k_pong_masked[] = {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d,
                                        0x7f, 0x9f, 0x4d, 0x51, 0x58};
static const uint8_t k_key[4] = {0x37, 0xfa, 0x21, 0x3d};

/* A whole unmasked binary frame of |len| bytes with a recognisable
 * pattern; returns a malloc'ed buffer and its size. */
static uint8_t *binary_frame(uint64_t len, size_t *size)
{
    uint8_t *p = malloc((size_t)len + 10);
    size_t h, i;

    assert_non_null(p);
    h = put_header(p, 0x82, len);
    for (i = 0; i < len; i++)
        p[h + i] = (uint8_t)(i * 7 + 1);
    *size = h + (size_t)len;
    return p;
}

/* ---- RFC 6455 §5.7 ------------------------------------------------------ */

static void test_rfc_single_unmasked_text(void **state)
{
    struct trace t;

    (void)state;
    decode_all_splits(&t, k_hello, sizeof(k_hello), 0);
    assert_err(t.rc, WS_OK);
    assert_int_equal(t.nev, 3);
    assert_ev(&t, 0, WS_EV_FRAME_START, WS_OP_TEXT, WS_OP_TEXT, 1, 5);
    assert_ev(&t, 1, WS_EV_PAYLOAD, 0, WS_OP_TEXT, 0, 0);
    assert_ev_bytes(&t, 1, "Hello", 5);
    assert_ev(&t, 2, WS_EV_FRAME_END, WS_OP_TEXT, WS_OP_TEXT, 1, 0);
    assert_int_equal(t.consumed, sizeof(k_hello));
    assert_false(t.in_message);
    trace_free(&t);
}

static void test_rfc_masked_examples_rejected(void **state)
{
    struct trace t;

    (void)state;
    decode_all_splits(&t, k_hello_masked, sizeof(k_hello_masked), 0);
    assert_err(t.rc, WS_ERR_MASKED);
    assert_int_equal(ws_err_close_code(t.rc), 1002);
    assert_int_equal(t.consumed, 2); /* fails at the byte holding MASK */
    assert_int_equal(t.nev, 1);
    assert_int_equal(t.ev[0].kind, WS_EV_ERROR);
    trace_free(&t);

    decode_all_splits(&t, k_pong_masked, sizeof(k_pong_masked), 0);
    assert_err(t.rc, WS_ERR_MASKED);
    assert_int_equal(t.consumed, 2);
    trace_free(&t);
}

static void test_rfc_fragmented_text(void **state)
{
    struct trace t;

    (void)state;
    decode_all_splits(&t, k_hel_lo, sizeof(k_hel_lo), 0);
    assert_err(t.rc, WS_OK);
    assert_int_equal(t.nev, 6);
    assert_ev(&t, 0, WS_EV_FRAME_START, WS_OP_TEXT, WS_OP_TEXT, 0, 3);
    assert_ev_bytes(&t, 1, "Hel", 3);
    assert_ev(&t, 2, WS_EV_FRAME_END, WS_OP_TEXT, WS_OP_TEXT, 0, 0);
    assert_ev(&t, 3, WS_EV_FRAME_START, WS_OP_CONT, WS_OP_TEXT, 1, 2);
    assert_ev(&t, 4, WS_EV_PAYLOAD, 0, WS_OP_TEXT, 0, 0);
    assert_ev_bytes(&t, 4, "lo", 2);
    assert_ev(&t, 5, WS_EV_FRAME_END, WS_OP_CONT, WS_OP_TEXT, 1, 0);
    assert_false(t.in_message);
    trace_free(&t);

    /* Cut after the first frame: the message stays open. */
    decode_all_splits(&t, k_hel_lo, 5, 0);
    assert_int_equal(t.nev, 3);
    assert_true(t.in_message);
    trace_free(&t);
}

static void test_rfc_unmasked_ping(void **state)
{
    struct trace t;

    (void)state;
    decode_all_splits(&t, k_ping_hello, sizeof(k_ping_hello), 0);
    assert_err(t.rc, WS_OK);
    assert_int_equal(t.nev, 1);
    assert_ev(&t, 0, WS_EV_CONTROL, WS_OP_PING, 0, 1, 0);
    assert_ev_bytes(&t, 0, "Hello", 5);
    trace_free(&t);
}

/* 256 bytes with a 16-bit length, 64 KiB with a 64-bit one (§5.7). */
static void test_rfc_binary_16_and_64_bit(void **state)
{
    static const uint8_t h256[] = {0x82, 0x7e, 0x01, 0x00};
    static const uint8_t h64k[] = {0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0};
    struct trace t;
    size_t size;
    uint8_t *f;

    (void)state;
    f = binary_frame(256, &size);
    assert_memory_equal(f, h256, sizeof(h256));
    decode_all_splits(&t, f, size, 0);
    assert_int_equal(t.nev, 3);
    assert_ev(&t, 0, WS_EV_FRAME_START, WS_OP_BINARY, WS_OP_BINARY, 1, 256);
    assert_ev_bytes(&t, 1, f + 4, 256);
    trace_free(&t);
    free(f);

    f = binary_frame(65536, &size);
    assert_memory_equal(f, h64k, sizeof(h64k));
    decode_all_splits(&t, f, size, 0);
    assert_int_equal(t.nev, 3);
    assert_ev(&t, 0, WS_EV_FRAME_START, WS_OP_BINARY, WS_OP_BINARY, 1, 65536);
    assert_ev_bytes(&t, 1, f + 10, 65536);
    assert_ev(&t, 2, WS_EV_FRAME_END, WS_OP_BINARY, WS_OP_BINARY, 1, 0);
    trace_free(&t);
    free(f);
}

/* ---- lengths ------------------------------------------------------------ */

static void test_length_boundaries(void **state)
{
    static const uint64_t lens[] = {0, 1, 125, 126, 127, 65535, 65536};
    static const size_t hsize[] = {2, 2, 2, 4, 4, 4, 10};
    size_t i, size;

    (void)state;
    for (i = 0; i < ARRAY_LEN(lens); i++) {
        struct trace t;
        uint8_t *f = binary_frame(lens[i], &size);

        assert_int_equal(size, hsize[i] + lens[i]);
        decode_all_splits(&t, f, size, 0);
        assert_err(t.rc, WS_OK);
        assert_ev(&t, 0, WS_EV_FRAME_START, WS_OP_BINARY, WS_OP_BINARY, 1, lens[i]);
        if (lens[i]) {
            assert_int_equal(t.nev, 3);
            assert_ev_bytes(&t, 1, f + hsize[i], (size_t)lens[i]);
        } else {
            /* An empty frame has no PAYLOAD event at all. */
            assert_int_equal(t.nev, 2);
        }
        assert_int_equal(t.ev[t.nev - 1].kind, WS_EV_FRAME_END);
        assert_int_equal(t.consumed, size);
        trace_free(&t);
        free(f);
    }
}

/* Senders must use the minimal encoding (§5.2), but that binds them, not
 * us: a 5 stated in 16 or 64 bits is still 5. */
static void test_length_non_minimal_accepted(void **state)
{
    static const uint8_t f16[] = {0x82, 0x7e, 0x00, 0x05, 1, 2, 3, 4, 5};
    static const uint8_t f64[] = {0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x05, 1, 2, 3, 4, 5};
    struct trace t;

    (void)state;
    decode_all_splits(&t, f16, sizeof(f16), 0);
    assert_ev(&t, 0, WS_EV_FRAME_START, WS_OP_BINARY, WS_OP_BINARY, 1, 5);
    assert_ev_bytes(&t, 1, f16 + 4, 5);
    trace_free(&t);
    decode_all_splits(&t, f64, sizeof(f64), 0);
    assert_ev(&t, 0, WS_EV_FRAME_START, WS_OP_BINARY, WS_OP_BINARY, 1, 5);
    assert_ev_bytes(&t, 1, f64 + 10, 5);
    trace_free(&t);
}

/* 2^32 bytes without 4 GiB: the payload is pushed in 64 KiB slices of one
 * reused buffer; each must come back as exactly that slice. */
static void test_length_2_pow_32_streamed(void **state)
{
    static uint8_t chunk[65536];
    uint8_t hdr[10];
    uint64_t total = 0, want = (uint64_t)1 << 32;
    struct ws_decoder d;
    struct ws_event ev;
    size_t used, h;

    (void)state;
    h = put_header(hdr, 0x02, want); /* not FIN: a continuation must follow */
    assert_int_equal(h, 10);
    ws_decoder_init(&d, 0);
    assert_err(ws_decode(&d, hdr, h, &used, &ev), WS_OK);
    assert_int_equal(used, 10);
    assert_int_equal(ev.kind, WS_EV_FRAME_START);
    assert_int_equal(ev.frame_len, want);
    assert_int_equal(ws_decoder_payload_left(&d), want);
    while (total < want) {
        assert_err(ws_decode(&d, chunk, sizeof(chunk), &used, &ev), WS_OK);
        if (ev.kind != WS_EV_PAYLOAD || ev.data != chunk || ev.n != sizeof(chunk))
            fail_msg("slice at %llu is not the whole chunk", (unsigned long long)total);
        total += used;
        assert_int_equal(ws_decoder_payload_left(&d), want - total);
    }
    /* Extra input is not payload: FRAME_END first, consuming nothing. */
    assert_err(ws_decode(&d, chunk, sizeof(chunk), &used, &ev), WS_OK);
    assert_int_equal(ev.kind, WS_EV_FRAME_END);
    assert_int_equal(ev.fin, 0);
    assert_int_equal(used, 0);
    assert_true(ws_decoder_in_message(&d));
}

/* max_msg_len is checked against the declared length at the header. */
static void test_length_bound_at_header(void **state)
{
    uint8_t hdr[10];
    uint64_t big = (uint64_t)1 << 32;
    struct ws_decoder d;
    struct ws_event ev;
    size_t used, h = put_header(hdr, 0x82, big);

    (void)state;
    ws_decoder_init(&d, big - 1);
    assert_err(ws_decode(&d, hdr, h, &used, &ev), WS_ERR_TOO_BIG);
    assert_int_equal(used, 10);
    assert_int_equal(ev.kind, WS_EV_ERROR);
    assert_int_equal(ws_err_close_code(ev.err), 1009);

    ws_decoder_init(&d, big);
    assert_err(ws_decode(&d, hdr, h, &used, &ev), WS_OK);
    assert_int_equal(ev.frame_len, big);
}

/* A hostile 2^63-1 costs nothing unbounded and fails at once bounded. */
static void test_length_max_63_bit(void **state)
{
    static const uint8_t f[] = {0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    struct trace t;

    (void)state;
    decode_all_splits(&t, f, sizeof(f), 0);
    assert_err(t.rc, WS_OK);
    assert_int_equal(t.nev, 1);
    assert_ev(&t, 0, WS_EV_FRAME_START, WS_OP_BINARY, WS_OP_BINARY, 1, INT64_MAX);
    trace_free(&t);

    decode_all_splits(&t, f, sizeof(f), 1u << 20);
    assert_err(t.rc, WS_ERR_TOO_BIG);
    assert_int_equal(t.consumed, 10);
    trace_free(&t);
}

/* The bound covers the whole message, across its fragments, and starts
 * again with the next message. */
static void test_length_bound_across_fragments(void **state)
{
    uint8_t buf[64];
    size_t n = 0;
    struct trace t;

    (void)state;
    put_frame(buf, &n, 0x02, "abc", 3);
    put_frame(buf, &n, 0x80, "def", 3);
    put_frame(buf, &n, 0x82, "ghijkl", 6);
    decode_all_splits(&t, buf, n, 6);
    assert_err(t.rc, WS_OK);
    assert_int_equal(t.nev, 9);
    trace_free(&t);

    decode_all_splits(&t, buf, n, 5);
    assert_err(t.rc, WS_ERR_TOO_BIG);
    assert_int_equal(t.consumed, 5 + 2); /* the second header */
    assert_int_equal(t.nev, 4);          /* START, PAYLOAD, END, ERROR */
    trace_free(&t);
}

/* ---- violations ----------------------------------------------------------- */

struct bad_case {
    const char *what;
    uint8_t in[12];
    size_t len;
    int err;
    size_t consumed; /* where it must fail */
};

static const struct bad_case k_bad[] = {
    {"RSV1", {0xc1, 0x00}, 2, WS_ERR_RSV, 1},
    {"RSV2", {0xa2, 0x00}, 2, WS_ERR_RSV, 1},
    {"RSV3", {0x91, 0x00}, 2, WS_ERR_RSV, 1},
    {"RSV on ping", {0xc9, 0x00}, 2, WS_ERR_RSV, 1},
    {"opcode 3", {0x83, 0x00}, 2, WS_ERR_OPCODE, 1},
    {"opcode 7", {0x87, 0x00}, 2, WS_ERR_OPCODE, 1},
    {"opcode B", {0x8b, 0x00}, 2, WS_ERR_OPCODE, 1},
    {"opcode F", {0x8f, 0x00}, 2, WS_ERR_OPCODE, 1},
    {"ping len 126", {0x89, 0x7e, 0x00, 0x7e}, 4, WS_ERR_CTRL_TOO_LONG, 2},
    {"close len 127", {0x88, 0x7f, 0, 0, 0, 0, 0, 0, 0, 1}, 10, WS_ERR_CTRL_TOO_LONG, 2},
    {"pong len 126 small", {0x8a, 0x7e, 0x00, 0x05}, 4, WS_ERR_CTRL_TOO_LONG, 2},
    {"ping no FIN", {0x09, 0x00}, 2, WS_ERR_CTRL_FRAGMENTED, 1},
    {"close no FIN", {0x08, 0x00}, 2, WS_ERR_CTRL_FRAGMENTED, 1},
    {"continuation first", {0x80, 0x01, 'x'}, 3, WS_ERR_CONT_NO_MSG, 1},
    {"continuation after FIN", {0x81, 0x01, 'x', 0x80, 0x00}, 5, WS_ERR_CONT_NO_MSG, 4},
    {"text inside text", {0x01, 0x01, 'x', 0x81, 0x00}, 5, WS_ERR_MSG_OPEN, 4},
    {"binary inside text", {0x01, 0x00, 0x82, 0x00}, 4, WS_ERR_MSG_OPEN, 3},
    {"binary inside binary", {0x02, 0x00, 0x89, 0x00, 0x02, 0x00}, 6, WS_ERR_MSG_OPEN, 5},
    {"masked binary", {0x82, 0x80, 1, 2, 3, 4}, 6, WS_ERR_MASKED, 2},
    {"masked close", {0x88, 0x82, 1, 2, 3, 4, 5, 6}, 8, WS_ERR_MASKED, 2},
    {"64-bit top bit", {0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0}, 10, WS_ERR_LEN_TOP_BIT, 3},
    {"64-bit ones",
     {0x82, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
     10,
     WS_ERR_LEN_TOP_BIT,
     3},
};

static void test_violations(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(k_bad); i++) {
        const struct bad_case *c = &k_bad[i];
        struct trace t;

        decode_all_splits(&t, c->in, c->len, 0);
        if (t.rc != c->err || t.consumed != c->consumed)
            fail_msg("%s: got %s at %zu, want %s at %zu", c->what, ws_err_name(t.rc), t.consumed,
                     ws_err_name(c->err), c->consumed);
        assert_int_equal(t.ev[t.nev - 1].kind, WS_EV_ERROR);
        assert_int_equal(ws_err_close_code(t.rc), 1002);
        assert_true(ws_err_is_peer(t.rc));
        trace_free(&t);
    }
}

/* ---- control frames -------------------------------------------------------- */

static void test_control_between_fragments(void **state)
{
    uint8_t buf[64];
    size_t n = 0;
    struct trace t;

    (void)state;
    put_frame(buf, &n, 0x01, "Hel", 3);
    put_frame(buf, &n, 0x89, "p", 1);
    put_frame(buf, &n, 0x00, "", 0); /* empty non-FIN continuation */
    put_frame(buf, &n, 0x8a, "", 0);
    put_frame(buf, &n, 0x80, "lo", 2);
    decode_all_splits(&t, buf, n, 0);
    assert_err(t.rc, WS_OK);
    assert_int_equal(t.nev, 10);
    assert_ev(&t, 3, WS_EV_CONTROL, WS_OP_PING, 0, 1, 0);
    assert_ev_bytes(&t, 3, "p", 1);
    assert_ev(&t, 4, WS_EV_FRAME_START, WS_OP_CONT, WS_OP_TEXT, 0, 0);
    assert_ev(&t, 5, WS_EV_FRAME_END, WS_OP_CONT, WS_OP_TEXT, 0, 0);
    assert_ev(&t, 6, WS_EV_CONTROL, WS_OP_PONG, 0, 1, 0);
    assert_ev_bytes(&t, 6, "", 0);
    assert_ev(&t, 7, WS_EV_FRAME_START, WS_OP_CONT, WS_OP_TEXT, 1, 2);
    assert_ev_bytes(&t, 8, "lo", 2);
    trace_free(&t);
}

static void test_control_125_bytes(void **state)
{
    uint8_t payload[125], buf[130];
    size_t n = 0, i;
    struct trace t;

    (void)state;
    for (i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)(255 - i);
    put_frame(buf, &n, 0x88, payload, sizeof(payload));
    decode_all_splits(&t, buf, n, 1); /* max_msg_len is for data only */
    assert_err(t.rc, WS_OK);
    assert_int_equal(t.nev, 1);
    assert_ev(&t, 0, WS_EV_CONTROL, WS_OP_CLOSE, 0, 1, 0);
    assert_ev_bytes(&t, 0, payload, sizeof(payload));
    trace_free(&t);
}

/* Control payload is gathered inside the decoder: the event's data must
 * not point into the caller's input, which may be gone by then. */
static void test_control_is_copied(void **state)
{
    uint8_t in[7];
    struct ws_decoder d;
    struct ws_event ev;
    size_t used, i;

    (void)state;
    memcpy(in, k_ping_hello, sizeof(in));
    ws_decoder_init(&d, 0);
    for (i = 0; i < 6; i++) {
        assert_err(ws_decode(&d, in + i, 1, &used, &ev), WS_OK);
        assert_int_equal(ev.kind, WS_EV_NONE);
        in[i] = 0; /* the caller reuses its buffer */
    }
    assert_err(ws_decode(&d, in + 6, 1, &used, &ev), WS_OK);
    assert_int_equal(ev.kind, WS_EV_CONTROL);
    assert_int_equal(ev.n, 5);
    assert_memory_equal(ev.data, "Hello", 5);
}

/* ---- accessors and corner cases ----------------------------------------------- */

static void test_payload_left_and_in_message(void **state)
{
    struct ws_decoder d;
    struct ws_event ev;
    size_t used;

    (void)state;
    ws_decoder_init(&d, 0);
    assert_int_equal(ws_decoder_payload_left(&d), 0);
    assert_false(ws_decoder_in_message(&d));
    assert_err(ws_decode(&d, k_hel_lo, 3, &used, &ev), WS_OK); /* header + 'H' */
    assert_int_equal(used, 2);
    assert_int_equal(ev.kind, WS_EV_FRAME_START);
    assert_int_equal(ws_decoder_payload_left(&d), 3);
    assert_true(ws_decoder_in_message(&d));
    assert_err(ws_decode(&d, k_hel_lo + 2, 1, &used, &ev), WS_OK);
    assert_int_equal(ws_decoder_payload_left(&d), 2);
    assert_err(ws_decode(&d, k_hel_lo + 3, 2, &used, &ev), WS_OK);
    assert_int_equal(ws_decoder_payload_left(&d), 0);
    assert_err(ws_decode(&d, NULL, 0, &used, &ev), WS_OK);
    assert_int_equal(ev.kind, WS_EV_FRAME_END);
    assert_true(ws_decoder_in_message(&d)); /* continuation expected */
    assert_err(ws_decode(&d, NULL, 0, &used, &ev), WS_OK);
    assert_int_equal(ev.kind, WS_EV_NONE);
}

static void test_empty_input(void **state)
{
    struct ws_decoder d;
    struct ws_event ev;
    size_t used = 99;

    (void)state;
    ws_decoder_init(&d, 0);
    assert_err(ws_decode(&d, NULL, 0, &used, &ev), WS_OK);
    assert_int_equal(ev.kind, WS_EV_NONE);
    assert_int_equal(used, 0);
}

/* One event per call: the decoder stops at each boundary even when the
 * input holds several frames. */
static void test_stops_at_each_event(void **state)
{
    uint8_t buf[32];
    size_t n = 0, used;
    struct ws_decoder d;
    struct ws_event ev;

    (void)state;
    put_frame(buf, &n, 0x89, "a", 1);
    put_frame(buf, &n, 0x82, "bc", 2);
    ws_decoder_init(&d, 0);
    assert_err(ws_decode(&d, buf, n, &used, &ev), WS_OK);
    assert_int_equal(ev.kind, WS_EV_CONTROL);
    assert_int_equal(used, 3);
    assert_err(ws_decode(&d, buf + 3, n - 3, &used, &ev), WS_OK);
    assert_int_equal(ev.kind, WS_EV_FRAME_START);
    assert_int_equal(used, 2);
    assert_err(ws_decode(&d, buf + 5, n - 5, &used, &ev), WS_OK);
    assert_int_equal(ev.kind, WS_EV_PAYLOAD);
    assert_ptr_equal(ev.data, buf + 5);
    assert_int_equal(ev.n, 2);
}

/* ---- encoder --------------------------------------------------------------- */

static void test_header_size(void **state)
{
    (void)state;
    assert_int_equal(ws_frame_header_size(0), 6);
    assert_int_equal(ws_frame_header_size(125), 6);
    assert_int_equal(ws_frame_header_size(126), 8);
    assert_int_equal(ws_frame_header_size(65535), 8);
    assert_int_equal(ws_frame_header_size(65536), 14);
    assert_int_equal(ws_frame_header_size(INT64_MAX), 14);
}

static void test_encode_header_boundaries(void **state)
{
    static const struct {
        uint64_t len;
        uint8_t want[14];
        size_t n;
    } cases[] = {
        {0, {0x82, 0x80, 1, 2, 3, 4}, 6},
        {125, {0x82, 0xfd, 1, 2, 3, 4}, 6},
        {126, {0x82, 0xfe, 0x00, 0x7e, 1, 2, 3, 4}, 8},
        {127, {0x82, 0xfe, 0x00, 0x7f, 1, 2, 3, 4}, 8},
        {65535, {0x82, 0xfe, 0xff, 0xff, 1, 2, 3, 4}, 8},
        {65536, {0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4}, 14},
        {(uint64_t)1 << 32, {0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4}, 14},
        {INT64_MAX, {0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4}, 14},
    };
    static const uint8_t key[4] = {1, 2, 3, 4};
    uint8_t out[16];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(cases); i++) {
        memset(out, 0xee, sizeof(out));
        assert_int_equal(ws_encode_header(out, sizeof(out), WS_OP_BINARY, 1, cases[i].len, key),
                         (int)cases[i].n);
        assert_memory_equal(out, cases[i].want, cases[i].n);
        assert_int_equal(out[cases[i].n], 0xee); /* nothing past the header */
        /* Exactly enough room works, one byte less does not. */
        assert_int_equal(ws_encode_header(out, cases[i].n, WS_OP_BINARY, 1, cases[i].len, key),
                         (int)cases[i].n);
        assert_err(ws_encode_header(out, cases[i].n - 1, WS_OP_BINARY, 1, cases[i].len, key),
                   WS_ERR_AGAIN);
    }
}

static void test_encode_header_opcode_fin(void **state)
{
    uint8_t out[14];

    (void)state;
    assert_int_equal(ws_encode_header(out, sizeof(out), WS_OP_TEXT, 0, 3, k_key), 6);
    assert_int_equal(out[0], 0x01);
    assert_int_equal(ws_encode_header(out, sizeof(out), WS_OP_CONT, 1, 3, k_key), 6);
    assert_int_equal(out[0], 0x80);
    assert_int_equal(ws_encode_header(out, sizeof(out), WS_OP_PONG, 1, 125, k_key), 6);
    assert_int_equal(out[0], 0x8a);
    assert_int_equal(out[1], 0xfd);
}

static void test_encode_header_misuse(void **state)
{
    uint8_t out[14];

    (void)state;
    assert_err(ws_encode_header(out, sizeof(out), 16, 1, 0, k_key), WS_ERR_MISUSE);
    assert_err(ws_encode_header(out, sizeof(out), WS_OP_PING, 0, 0, k_key), WS_ERR_MISUSE);
    assert_err(ws_encode_header(out, sizeof(out), WS_OP_CLOSE, 1, 126, k_key), WS_ERR_MISUSE);
    assert_err(ws_encode_header(out, sizeof(out), WS_OP_BINARY, 1, (uint64_t)1 << 63, k_key),
               WS_ERR_MISUSE);
    assert_err(ws_encode_header(out, sizeof(out), WS_OP_BINARY, 1, 0, NULL), WS_ERR_MISUSE);
    /* Misuse is reported even when the buffer is also too small. */
    assert_err(ws_encode_header(out, 0, 16, 1, 0, k_key), WS_ERR_MISUSE);
}

/* §5.7: the masked "Hello" and masked pong are exactly what a client with
 * key 37 fa 21 3d must write. */
static void test_encode_frame_rfc_masked(void **state)
{
    uint8_t out[32];
    size_t n = 99;

    (void)state;
    assert_err(
        ws_encode_frame(out, sizeof(out), WS_OP_TEXT, 1, (const uint8_t *)"Hello", 5, k_key, &n),
        WS_OK);
    assert_int_equal(n, sizeof(k_hello_masked));
    assert_memory_equal(out, k_hello_masked, n);
    assert_err(
        ws_encode_frame(out, sizeof(out), WS_OP_PONG, 1, (const uint8_t *)"Hello", 5, k_key, &n),
        WS_OK);
    assert_memory_equal(out, k_pong_masked, n);
}

static void test_encode_frame_sizes_and_errors(void **state)
{
    static uint8_t payload[70000], out[70016];
    static const uint8_t key[4] = {0xa5, 0x00, 0xff, 0x5a};
    static const size_t lens[] = {0, 1, 125, 126, 65535, 65536, 70000};
    size_t i, j, n;

    (void)state;
    for (i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)(i * 13);
    for (i = 0; i < ARRAY_LEN(lens); i++) {
        size_t h = ws_frame_header_size(lens[i]);

        assert_err(ws_encode_frame(out, h + lens[i], WS_OP_BINARY, 1, payload, lens[i], key, &n),
                   WS_OK);
        assert_int_equal(n, h + lens[i]);
        assert_memory_equal(out + h - 4, key, 4);
        for (j = 0; j < lens[i]; j++)
            if ((out[h + j] ^ key[j % 4]) != payload[j])
                fail_msg("len %zu: byte %zu not masked right", lens[i], j);
        assert_err(
            ws_encode_frame(out, h + lens[i] - 1, WS_OP_BINARY, 1, payload, lens[i], key, &n),
            WS_ERR_AGAIN);
        assert_int_equal(n, 0);
    }
    assert_err(ws_encode_frame(out, sizeof(out), WS_OP_BINARY, 1, NULL, 0, key, &n), WS_OK);
    assert_int_equal(n, 6);
    assert_err(ws_encode_frame(out, sizeof(out), WS_OP_BINARY, 1, NULL, 1, key, &n), WS_ERR_MISUSE);
    assert_err(ws_encode_frame(out, sizeof(out), WS_OP_PING, 1, payload, 126, key, &n),
               WS_ERR_MISUSE);
}

/* The payload may already sit right after the header's place: masked in
 * place. */
static void test_encode_frame_in_place(void **state)
{
    uint8_t out[6 + 5];
    size_t n;

    (void)state;
    memcpy(out + 6, "Hello", 5);
    assert_err(ws_encode_frame(out, sizeof(out), WS_OP_TEXT, 1, out + 6, 5, k_key, &n), WS_OK);
    assert_memory_equal(out, k_hello_masked, sizeof(k_hello_masked));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_single_unmasked_text),
        cmocka_unit_test(test_rfc_masked_examples_rejected),
        cmocka_unit_test(test_rfc_fragmented_text),
        cmocka_unit_test(test_rfc_unmasked_ping),
        cmocka_unit_test(test_rfc_binary_16_and_64_bit),
        cmocka_unit_test(test_length_boundaries),
        cmocka_unit_test(test_length_non_minimal_accepted),
        cmocka_unit_test(test_length_2_pow_32_streamed),
        cmocka_unit_test(test_length_bound_at_header),
        cmocka_unit_test(test_length_max_63_bit),
        cmocka_unit_test(test_length_bound_across_fragments),
        cmocka_unit_test(test_violations),
        cmocka_unit_test(test_control_between_fragments),
        cmocka_unit_test(test_control_125_bytes),
        cmocka_unit_test(test_control_is_copied),
        cmocka_unit_test(test_payload_left_and_in_message),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_stops_at_each_event),
        cmocka_unit_test(test_header_size),
        cmocka_unit_test(test_encode_header_boundaries),
        cmocka_unit_test(test_encode_header_opcode_fin),
        cmocka_unit_test(test_encode_header_misuse),
        cmocka_unit_test(test_encode_frame_rfc_masked),
        cmocka_unit_test(test_encode_frame_sizes_and_errors),
        cmocka_unit_test(test_encode_frame_in_place),
    };
    return cmocka_run_group_tests_name("ws_frame", tests, NULL, NULL);
}
