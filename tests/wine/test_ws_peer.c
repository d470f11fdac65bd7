/* test_ws_peer.c - drop-in end-to-end test of the synchronous WebSocket
 * client against tests/servers/raw_ws_server.py, a scripted peer that
 * misbehaves on purpose and records every byte the client sends back
 * (GET /log/<id> on a second connection).
 *
 * Broken handshakes must make CompleteUpgrade fail; protocol violations must
 * make Receive fail with 12152 after our client sent a close frame with the
 * right code (1002, or 1007 for bad UTF-8), and leave the websocket aborted;
 * valid-but-unusual traffic must work; a lost connection reads as 12030; a
 * server that never answers the request ends ReceiveResponse with 12002
 * after the receive timeout. After each group a fresh websocket proves the
 * process is still healthy. Spec: websocket-api.md §2.3, §3, §5, §8.
 */
#include "wh_testlib.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

static int raw_port;

#define BIN_FRAG WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE
#define UTF8_MSG WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
#define CLOSE_TYPE WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE

static void expect_in(const char *json, const char *needle, const char *what)
{
    if (!wh_has(json, needle))
        fail_msg("%s: log lacks %s: %.1500s", what, needle, json);
}

static void expect_not_in(const char *json, const char *needle, const char *what)
{
    if (wh_has(json, needle))
        fail_msg("%s: log has %s: %.1500s", what, needle, json);
}

/* Opens a websocket to |scenario| tagged with a fresh id (written to |id|). */
static void open_scenario(struct wh_ws *w, const char *scenario, char *id)
{
    char path[128];

    wh_make_id(id, 64, "peer");
    snprintf(path, sizeof(path), "/%s", scenario);
    wh_ws_open(w, raw_port, path, id);
}

/* The log must show that the client sent exactly one frame, a masked close
 * with |code|, and nothing else (no data, no pong to a broken ping). */
static void expect_client_close(const char *json, int code, const char *what)
{
    struct wh_logframe f[16];
    char needle[32];
    int n = wh_log_frames(json, f, 16), i;

    expect_in(json, "\"close_received\":true", what);
    snprintf(needle, sizeof(needle), "\"close_code\":%d", code);
    expect_in(json, needle, what);
    expect_in(json, "\"all_masked\":true", what);
    for (i = 0; i < n; i++)
        if (f[i].opcode != 8)
            fail_msg("%s: client sent a frame with opcode %d: %.1500s", what, f[i].opcode, json);
}

/* ---- handshake failures ---------------------------------------------- */

static DWORD status_of(HINTERNET req)
{
    DWORD status = 0, size = sizeof(status);

    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                    NULL, &status, &size, NULL));
    return status;
}

/* ReceiveResponse accepts the (well-formed) answer; CompleteUpgrade refuses
 * it with 12152 (CHOSEN code, spec §2.3); no frame is ever sent and the
 * connection is closed, not pooled (CHOSEN). */
static void test_bad_handshakes(void **state)
{
    static const char *const names[] = {
        "bad-accept",        "no-upgrade-header",     "no-connection-header",
        "bad-upgrade-value", "unrequested-extension", "unrequested-subprotocol",
    };
    char id[64], path[64], *json;
    struct wh_ws w;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        print_message("handshake: %s\n", names[i]);
        wh_make_id(id, sizeof(id), "hs");
        snprintf(path, sizeof(path), "/%s", names[i]);
        if (!wh_ws_request(&w, raw_port, path, id))
            fail_msg("%s: WinHttpReceiveResponse failed: %lu", names[i], GetLastError());
        assert_int_equal(status_of(w.req), 101);
        SetLastError(0xdeadbeef);
        w.ws = WinHttpWebSocketCompleteUpgrade(w.req, 0);
        if (w.ws)
            fail_msg("%s: CompleteUpgrade accepted a broken handshake", names[i]);
        assert_int_equal(GetLastError(), ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
        wh_ws_close_all(&w);
        json = wh_fetch_log(raw_port, id, 3000);
        expect_in(json, "\"frames\":[]", names[i]);
        expect_not_in(json, "\"client_tcp_close\":null", names[i]);
        free(json);
    }
    wh_assert_healthy(raw_port);
}

/* A plain 200: no websocket, but an ordinary readable HTTP response. */
static void test_status_200(void **state)
{
    char id[64], body[64];
    DWORD n, total = 0, avail;
    struct wh_ws w;

    (void)state;
    wh_make_id(id, sizeof(id), "hs");
    assert_true(wh_ws_request(&w, raw_port, "/status-200", id));
    assert_int_equal(status_of(w.req), 200);
    SetLastError(0xdeadbeef);
    assert_null(WinHttpWebSocketCompleteUpgrade(w.req, 0));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    for (;;) {
        assert_true(WinHttpQueryDataAvailable(w.req, &avail));
        if (!avail)
            break;
        assert_true(total + avail < sizeof(body));
        assert_true(WinHttpReadData(w.req, body + total, avail, &n));
        assert_true(n > 0 && n <= avail);
        total += n;
    }
    assert_int_equal(total, 16);
    assert_memory_equal(body, "not a websocket\n", 16);
    wh_ws_close_all(&w);
    wh_assert_healthy(raw_port);
}

/* ---- protocol violations ---------------------------------------------- */

struct violation {
    const char *scenario;
    int code;           /* close code our client must send */
    const char *prefix; /* data that may be delivered before the error */
};

static const struct violation violations[] = {
    {"masked-frame", 1002, NULL},
    {"rsv-bits", 1002, NULL},
    {"rsv-bits/1", 1002, NULL},
    {"reserved-opcode", 1002, NULL},
    {"reserved-control-opcode", 1002, NULL},
    {"ctrl-too-long", 1002, NULL},
    {"ctrl-fragmented", 1002, NULL},
    {"cont-no-msg", 1002, NULL},
    {"data-in-msg", 1002, "part1"},
    {"top-bit-length", 1002, NULL},
    {"close-1byte", 1002, NULL},
    {"close-bad-code", 1002, NULL},
    {"close-bad-code/1006", 1002, NULL},
    {"close-bad-code/999", 1002, NULL},
    {"close-bad-code/1015", 1002, NULL},
    {"bad-utf8", 1007, NULL},
    /* "abc\xed" is still a valid prefix when its frame ends (fail-fast
     * fails at the first byte that cannot be completed, \xa0 in the next
     * frame), so it may be handed out as a fragment first. */
    {"bad-utf8-split", 1007, "abc\xed"},
    {"close-bad-utf8-reason", 1007, NULL},
};

/* Receives until the first error, allowing only a fragment-typed prefix of
 * |v->prefix|; returns the error. */
static DWORD recv_until_error(HINTERNET ws, const struct violation *v)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    char buf[256];
    size_t got = 0;
    DWORD n, r;
    int i;

    for (i = 0; i < 8; i++) {
        n = 0;
        r = wh_recv(ws, buf + got, (DWORD)(sizeof(buf) - got), &n, &t);
        if (r)
            return r;
        if (!v->prefix || t == CLOSE_TYPE || t == UTF8_MSG ||
            t == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE)
            fail_msg("%s: Receive succeeded (type %u, %lu bytes) instead of failing", v->scenario,
                     (unsigned)t, n);
        got += n;
        if (got > strlen(v->prefix) || memcmp(buf, v->prefix, got))
            fail_msg("%s: unexpected data %.*s", v->scenario, (int)got, buf);
    }
    fail_msg("%s: no error after 8 receives", v->scenario);
    return 0;
}

static void run_violation(const struct violation *v)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    char id[64], buf[64], *json;
    struct wh_ws w;
    DWORD n, r;

    print_message("violation: %s\n", v->scenario);
    open_scenario(&w, v->scenario, id);
    r = recv_until_error(w.ws, v);
    if (r != ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        fail_msg("%s: Receive failed with %lu, expected 12152", v->scenario, r);
    r = wh_timed_recv(w.ws, buf, sizeof(buf), &n, &t, 3000);
    if (r == 0)
        fail_msg("%s: a Receive after the failure succeeded", v->scenario);
    print_message("  later Receive: %lu\n", r);
    wh_ws_close_all(&w);
    json = wh_fetch_log(raw_port, id, 3000);
    expect_client_close(json, v->code, v->scenario);
    free(json);
    wh_assert_healthy(raw_port);
}

static void test_protocol_violations(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(violations) / sizeof(violations[0]); i++)
        run_violation(&violations[i]);
    wh_assert_healthy(raw_port);
}

/* After a violation the websocket is ABORTED (spec §3 transition 7):
 * QueryCloseStatus gives 0 with 1006 and no reason (§8, §3.1: unconfirmed,
 * recommended); a later Send and a later Receive give 12030 (§3.1 ABORTED
 * column: Receive [N], Send unconfirmed), and nothing but our close frame
 * reaches the wire. The codes are compared last, after every other check
 * of every scenario, so a wrong code does not hide the rest. */
static void test_calls_after_violation(void **state)
{
    static const struct violation cases[] = {
        {"masked-frame", 1002, NULL},
        {"reserved-opcode", 1002, NULL},
        {"bad-utf8", 1007, NULL},
    };
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    char id[64], buf[64], *json, diff[512] = "";
    DWORD n, r, len, sent, got;
    size_t i, used = 0;
    struct wh_ws w;
    USHORT st;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("after violation: %s\n", cases[i].scenario);
        open_scenario(&w, cases[i].scenario, id);
        r = recv_until_error(w.ws, &cases[i]);
        if (r != ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
            fail_msg("%s: Receive failed with %lu, expected 12152", cases[i].scenario, r);
        st = 0;
        len = 0xdeadbeef;
        assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, buf, sizeof(buf), &len), 0);
        assert_int_equal(st, 1006);
        assert_int_equal(len, 0);
        len = 0xdeadbeef;
        assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, NULL, 0, &len), 0);
        assert_int_equal(len, 0);
        sent = WinHttpWebSocketSend(w.ws, UTF8_MSG, "late", 4);
        got = wh_timed_recv(w.ws, buf, sizeof(buf), &n, &t, 3000);
        print_message("  later Send -> %lu, later Receive -> %lu\n", sent, got);
        wh_ws_close_all(&w);
        json = wh_fetch_log(raw_port, id, 3000);
        expect_client_close(json, cases[i].code, cases[i].scenario);
        free(json);
        if (sent != ERROR_WINHTTP_CONNECTION_ERROR || got != ERROR_WINHTTP_CONNECTION_ERROR)
            used += (size_t)snprintf(diff + used, sizeof(diff) - used,
                                     " %s: Send %lu, Receive %lu;", cases[i].scenario, sent, got);
    }
    wh_assert_healthy(raw_port);
    if (used)
        fail_msg("after a violation spec §3.1 (ABORTED) wants 12030 from a later Send and "
                 "Receive, got:%s",
                 diff);
}

/* A 2^63-1 byte frame: the client may refuse it (12152 and a close frame,
 * 1009 or 1002) or stream its first bytes as a fragment; it must not crash,
 * hang or claim a whole message (CHOSEN: either). */
static void test_huge_length(void **state)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t = CLOSE_TYPE;
    char id[64], buf[64], *json;
    struct wh_ws w;
    DWORD n = 0, r;

    (void)state;
    open_scenario(&w, "huge-length", id);
    r = wh_timed_recv(w.ws, buf, sizeof(buf), &n, &t, 5000);
    print_message("huge-length: Receive -> %lu (type %u, %lu bytes)\n", r, (unsigned)t, n);
    if (r == 0) {
        assert_int_equal(t, BIN_FRAG);
        assert_true(n <= 4);
        assert_memory_equal(buf, "abcd", n);
        wh_ws_close_all(&w);
    } else {
        assert_int_equal(r, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
        wh_ws_close_all(&w);
        json = wh_fetch_log(raw_port, id, 3000);
        if (!wh_has(json, "\"close_code\":1009") && !wh_has(json, "\"close_code\":1002"))
            fail_msg("huge-length: no close 1009/1002 from the client: %.1500s", json);
        free(json);
    }
    wh_assert_healthy(raw_port);
}

/* ---- valid but unusual ------------------------------------------------- */

/* Receives one UTF8 message and compares it with |want|. */
static void expect_text(HINTERNET ws, const char *want)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    char buf[2048];
    size_t n = wh_recv_message(ws, buf, sizeof(buf), sizeof(buf), &t);

    assert_int_equal(t, UTF8_MSG);
    if (n != strlen(want) || memcmp(buf, want, n))
        fail_msg("received \"%.*s\", expected \"%s\"", (int)n, buf, want);
}

/* Closes normally (1000) and returns the server's log of the connection. */
static char *close_and_log(struct wh_ws *w, const char *id)
{
    assert_int_equal(wh_timed_close(w->ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(w);
    return wh_fetch_log(raw_port, id, 3000);
}

static void test_unusual_but_valid(void **state)
{
    struct wh_logframe f[16];
    char id[64], text[1025], *json;
    struct wh_ws w;
    int n, i;

    (void)state;
    open_scenario(&w, "utf8-split-valid", id);
    expect_text(w.ws, "caf\xc3\xa9");
    wh_ws_echo_text(w.ws, "echo after split utf-8");
    free(close_and_log(&w, id));

    open_scenario(&w, "ping-in-fragments", id);
    expect_text(w.ws, "frag1-frag2");
    json = close_and_log(&w, id);
    n = wh_log_frames(json, f, 16);
    i = wh_log_find(f, n, 10, 0);
    if (i < 0 || !wh_frame_payload_is(&f[i], "6d6964") || !f[i].masked)
        fail_msg("ping-in-fragments: no masked pong \"mid\": %.1500s", json);
    expect_in(json, "\"close_code\":1000", "ping-in-fragments");
    free(json);

    open_scenario(&w, "pong-unsolicited", id);
    expect_text(w.ws, "after-pong");
    json = close_and_log(&w, id);
    n = wh_log_frames(json, f, 16);
    if (wh_log_find(f, n, 10, 0) >= 0)
        fail_msg("pong-unsolicited: client answered a pong: %.1500s", json);
    free(json);

    open_scenario(&w, "101-with-data", id);
    expect_text(w.ws, "early data");
    wh_ws_echo_text(w.ws, "echo after early data");
    free(close_and_log(&w, id));

    open_scenario(&w, "trickle", id);
    wh_pattern_text(text, 1024);
    text[1024] = 0;
    expect_text(w.ws, text);
    free(close_and_log(&w, id));
    wh_assert_healthy(raw_port);
}

/* The server pings "p1", waits for our pong, then closes 1000 "bye". */
static void test_ping_then_close(void **state)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    struct wh_logframe f[16];
    char id[64], buf[64], *json;
    struct wh_ws w;
    DWORD n, len, t0;
    USHORT st = 0;
    int k, i;

    (void)state;
    open_scenario(&w, "ping-then-close", id);
    assert_int_equal(wh_recv(w.ws, buf, sizeof(buf), &n, &t), 0);
    assert_int_equal(t, CLOSE_TYPE);
    assert_int_equal(n, 0);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, buf, sizeof(buf), &len), 0);
    assert_int_equal(st, 1000);
    assert_int_equal(len, 3);
    assert_memory_equal(buf, "bye", 3);
    t0 = GetTickCount();
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    assert_true(wh_ms_since(t0) < 2000);
    wh_ws_close_all(&w);
    json = wh_fetch_log(raw_port, id, 3000);
    k = wh_log_frames(json, f, 16);
    i = wh_log_find(f, k, 10, 0);
    if (i < 0 || !wh_frame_payload_is(&f[i], "7031"))
        fail_msg("ping-then-close: no pong \"p1\": %.1500s", json);
    if (wh_log_find(f, k, 8, i) < 0)
        fail_msg("ping-then-close: no close frame after the pong: %.1500s", json);
    expect_in(json, "\"close_code\":1000", "ping-then-close");
    expect_in(json, "\"all_masked\":true", "ping-then-close");
    free(json);
    wh_assert_healthy(raw_port);
}

/* A close frame with a status code and no reason (payload = the 2-byte
 * code): Receive gives CLOSE_BUFFER_TYPE and 0 bytes, QueryCloseStatus that
 * code and 0 reason bytes (spec §5, §8); Close then answers at once. */
static void test_close_code_only(void **state)
{
    static const USHORT codes[] = {1001, 4000};
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    char id[64], path[64], buf[64], *json;
    struct wh_ws w;
    DWORD n, len, t0;
    USHORT st;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        print_message("close code %u without a reason\n", codes[i]);
        snprintf(path, sizeof(path), "close-no-reason/%u", codes[i]);
        open_scenario(&w, path, id);
        n = 0xdeadbeef;
        t = (WINHTTP_WEB_SOCKET_BUFFER_TYPE)0xdeadbeef;
        assert_int_equal(wh_recv(w.ws, buf, sizeof(buf), &n, &t), 0);
        assert_int_equal(t, CLOSE_TYPE);
        assert_int_equal(n, 0);
        st = 0;
        len = 0xdeadbeef;
        assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, buf, sizeof(buf), &len), 0);
        assert_int_equal(st, codes[i]);
        assert_int_equal(len, 0);
        st = 0;
        len = 0xdeadbeef;
        assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, NULL, 0, &len), 0);
        assert_int_equal(st, codes[i]);
        assert_int_equal(len, 0);
        t0 = GetTickCount();
        assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
        assert_true(wh_ms_since(t0) < 2000);
        st = 0;
        assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, buf, sizeof(buf), &len), 0);
        assert_int_equal(st, codes[i]);
        assert_int_equal(len, 0);
        wh_ws_close_all(&w);
        json = wh_fetch_log(raw_port, id, 3000);
        expect_client_close(json, 1000, path);
        free(json);
    }
    wh_assert_healthy(raw_port);
}

/* ---- what the client puts on the wire ----------------------------------- */

static void check_upgrade_request_log(const char *json, const char *id)
{
    char needle[160], lower[8192];
    size_t i;

    expect_in(json, "\"request_line\":\"GET /ok-then-echo HTTP/1.1\"", "wire");
    expect_in(json, "\"connection\":\"Upgrade\"", "wire");
    expect_in(json, "\"sec-websocket-version\":\"13\"", "wire");
    expect_in(json, "\"user-agent\":\"" WH_UA_A "\"", "wire");
    snprintf(needle, sizeof(needle), "\"host\":\"127.0.0.1:%d\"", raw_port);
    expect_in(json, needle, "wire");
    snprintf(needle, sizeof(needle), "\"x-test-id\":\"%s\"", id);
    expect_in(json, needle, "wire");
    for (i = 0; json[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)tolower((unsigned char)json[i]);
    lower[i] = 0;
    expect_in(lower, "\"upgrade\":\"websocket\"", "wire");
    expect_not_in(lower, "sec-websocket-extensions", "wire");
    expect_not_in(lower, "sec-websocket-protocol", "wire");
    expect_in(json, "\"sec-websocket-key\":\"", "wire");
}

/* The logged frames must be |count| binary messages of |lens| bytes (a
 * message may span several frames: opcode 2, then 0s, FIN on the last), all
 * masked with varying keys, then one close frame. */
static void check_messages(const struct wh_logframe *f, int k, const DWORD *lens, int count,
                           const char *json)
{
    int i = 0, m, same_key = 1;
    long total;

    for (m = 0; m < count; m++) {
        if (i >= k || f[i].opcode != 2)
            fail_msg("message %d does not start with a binary frame: %.1500s", m, json);
        total = 0;
        for (;;) {
            assert_int_equal(f[i].rsv, 0);
            total += f[i].len;
            if (f[i++].fin)
                break;
            if (i >= k || f[i].opcode != 0)
                fail_msg("message %d: bad continuation: %.1500s", m, json);
        }
        if (total != (long)lens[m])
            fail_msg("message %d: %ld bytes on the wire, sent %lu", m, total, lens[m]);
    }
    if (i != k - 1 || f[i].opcode != 8)
        fail_msg("expected exactly one close frame after the messages: %.1500s", json);
    for (i = 0; i < k; i++) {
        assert_true(f[i].masked);
        if (i && strcmp(f[i].mask_hex, f[0].mask_hex))
            same_key = 0;
    }
    if (same_key)
        fail_msg("the same mask key on every frame: %s", f[0].mask_hex);
}

/* Handshake headers as sent, frame lengths 0/125/126/65536 encoded right,
 * every frame masked with a fresh key, close 1000 "done", graceful TCP FIN. */
static void test_client_frames_on_wire(void **state)
{
    static const DWORD lens[] = {0, 125, 126, 65536};
    unsigned char *out = wh_xmalloc(65536), *in = wh_xmalloc(65537);
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    struct wh_logframe f[64];
    char id[64], *json;
    struct wh_ws w;
    size_t i, n;
    int k;

    (void)state;
    wh_pattern_bin(out, 65536);
    open_scenario(&w, "ok-then-echo", id);
    for (i = 0; i < 4; i++) {
        assert_int_equal(
            WinHttpWebSocketSend(w.ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, out, lens[i]),
            0);
        n = wh_recv_message(w.ws, in, 65537, 65536, &t);
        assert_int_equal(n, lens[i]);
        assert_memory_equal(in, out, n);
    }
    assert_int_equal(wh_timed_close(w.ws, 1000, "done", 4, 5000), 0);
    wh_ws_close_all(&w);
    json = wh_fetch_log(raw_port, id, 3000);
    check_upgrade_request_log(json, id);
    k = wh_log_frames(json, f, 64);
    check_messages(f, k, lens, 4, json);
    expect_in(json, "\"close_code\":1000,\"close_reason\":\"done\"", "wire");
    expect_in(json, "\"client_tcp_close\":\"fin\"", "wire");
    free(json);
    free(out);
    free(in);
}

/* ---- connection loss and silent peers ---------------------------------- */

/* Half of a 100-byte binary frame, then RST: the first 50 bytes may be
 * delivered as BINARY_FRAGMENT pieces, then Receive fails with 12030. */
static void expect_reset_after_partial(HINTERNET ws)
{
    unsigned char buf[128], expect[100];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    DWORD n, r, got = 0;
    int i;

    wh_pattern_bin(expect, sizeof(expect));
    for (i = 0; i < 8; i++) {
        n = 0;
        r = wh_recv(ws, buf + got, (DWORD)(sizeof(buf) - got), &n, &t);
        if (r) {
            assert_int_equal(r, ERROR_WINHTTP_CONNECTION_ERROR);
            return;
        }
        if (t != BIN_FRAG || got + n > 50)
            fail_msg("reset-mid-frame: Receive returned type %u, %lu bytes after %lu", (unsigned)t,
                     n, got);
        got += n;
        assert_memory_equal(buf, expect, got);
    }
    fail_msg("reset-mid-frame: no error after 8 receives");
}

/* TCP FIN without a close frame: the message, then 12030 and 12030 again
 * [N]; QueryCloseStatus then gives 0 with 1006 (CHOSEN, spec §8). */
static void test_close_without_frame(void **state)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    char id[64], buf[64];
    struct wh_ws w;
    DWORD n, len = 0xdeadbeef, r;
    USHORT st = 0;

    (void)state;
    open_scenario(&w, "close-no-frame", id);
    expect_text(w.ws, "no close frame follows");
    assert_int_equal(wh_recv(w.ws, buf, sizeof(buf), &n, &t), ERROR_WINHTTP_CONNECTION_ERROR);
    assert_int_equal(wh_recv(w.ws, buf, sizeof(buf), &n, &t), ERROR_WINHTTP_CONNECTION_ERROR);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, buf, sizeof(buf), &len), 0);
    assert_int_equal(st, 1006);
    assert_int_equal(len, 0);
    r = wh_timed_close(w.ws, 1000, NULL, 0, 3000);
    print_message("close-no-frame: Close -> %lu\n", r);
    wh_ws_close_all(&w);

    open_scenario(&w, "reset-mid-frame", id);
    expect_reset_after_partial(w.ws);
    assert_int_equal(wh_recv(w.ws, buf, sizeof(buf), &n, &t), ERROR_WINHTTP_CONNECTION_ERROR);
    wh_ws_close_all(&w);
    wh_assert_healthy(raw_port);
}

/* Close on a peer that never answers is bounded by CLOSE_TIMEOUT (set on the
 * ws handle, 4 bytes: CHOSEN, spec §10); afterwards 1006 (CHOSEN, §8). A
 * peer that does answer ends Close at once. */
static void test_silent_peers(void **state)
{
    DWORD timeout = 1000, t0, ms, r, len = 0xdeadbeef;
    char id[64], *json, buf[8];
    struct wh_ws w;
    USHORT st = 0;

    (void)state;
    open_scenario(&w, "silent-hard", id);
    assert_true(WinHttpSetOption(w.ws, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &timeout, 4));
    t0 = GetTickCount();
    r = wh_timed_close(w.ws, 1000, NULL, 0, 8000);
    ms = wh_ms_since(t0);
    print_message("silent-hard: Close -> %lu after %lu ms\n", r, ms);
    if (ms < 800 || ms > 3000)
        fail_msg("Close with a 1000 ms close timeout took %lu ms", ms);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, buf, sizeof(buf), &len), 0);
    assert_int_equal(st, 1006);
    assert_int_equal(len, 0);
    wh_ws_close_all(&w);
    json = wh_fetch_log(raw_port, id, 3000);
    expect_client_close(json, 1000, "silent-hard");
    free(json);

    open_scenario(&w, "silent", id);
    t0 = GetTickCount();
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    assert_true(wh_ms_since(t0) < 2000);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, buf, sizeof(buf), &len), 0);
    assert_int_equal(st, 1000);
    wh_ws_close_all(&w);
    wh_assert_healthy(raw_port);
}

/* WinHttpReceiveResponse on a worker thread (the block is leaked if it
 * never returns, so a late return writes nothing the test still uses). */
struct pending_response {
    HINTERNET req;
    BOOL ok;
    DWORD err;
};

static DWORD WINAPI receive_response_main(void *arg)
{
    struct pending_response *p = arg;

    p->ok = WinHttpReceiveResponse(p->req, NULL);
    p->err = GetLastError();
    return 0;
}

/* One request to raw /no-answer with a 1000 ms receive timeout set by
 * WinHttpSetTimeouts on the request. Returns 1 if ReceiveResponse failed
 * with 12002 after 0.8-5 s (then the connection must be dropped with
 * nothing else sent on it), else 0 with the outcome in |why|. A call still
 * blocked after 8 s is left behind with its handles. */
static int no_answer_case(int upgrade, char *why, size_t cap)
{
    struct pending_response *p = wh_xmalloc(sizeof(*p));
    char id[64], *json;
    DWORD t0, ms, wait;
    struct wh_ws w;
    HANDLE th;

    wh_make_id(id, sizeof(id), "noans");
    wh_open_request(&w, raw_port, "/no-answer", id, upgrade);
    assert_true(WinHttpSetTimeouts(w.req, 5000, 5000, 5000, 1000));
    wh_send_request(&w, "/no-answer");
    memset(p, 0, sizeof(*p));
    p->req = w.req;
    t0 = GetTickCount();
    th = CreateThread(NULL, 0, receive_response_main, p, 0, NULL);
    assert_non_null(th);
    wait = WaitForSingleObject(th, 8000);
    ms = wh_ms_since(t0);
    CloseHandle(th);
    if (wait != WAIT_OBJECT_0) {
        snprintf(why, cap, "still blocked after %lu ms", ms);
        return 0;
    }
    print_message("  ReceiveResponse -> %d, error %lu after %lu ms\n", p->ok, p->err, ms);
    if (p->ok || p->err != ERROR_WINHTTP_TIMEOUT || ms < 800 || ms >= 5000)
        snprintf(why, cap, "ReceiveResponse -> %d, error %lu after %lu ms", p->ok, p->err, ms);
    free(p);
    wh_ws_close_all(&w);
    if (why[0])
        return 0;
    json = wh_fetch_log(raw_port, id, 3000);
    expect_in(json, "\"raw_bytes\":0,", "no-answer");
    expect_not_in(json, "\"client_tcp_close\":null", "no-answer");
    free(json);
    return 1;
}

/* A server that takes the connection and the request but never answers:
 * ReceiveResponse fails with 12002 once the receive timeout of
 * WinHttpSetTimeouts (1000 ms) has passed (Microsoft's WinHttpSetTimeouts
 * page: "to receive a response to a request"; applied per receive at the
 * Winsock layer), for an upgrade request and a plain GET; the
 * RECEIVE_RESPONSE_TIMEOUT (default 90 s) bounds only the whole head. */
static void test_no_answer(void **state)
{
    char why[2][128] = {"", ""};
    int ok[2], upgrade;

    (void)state;
    for (upgrade = 1; upgrade >= 0; upgrade--) {
        print_message("no-answer: %s\n", upgrade ? "upgrade request" : "plain GET");
        ok[upgrade] = no_answer_case(upgrade, why[upgrade], sizeof(why[upgrade]));
    }
    wh_assert_healthy(raw_port);
    if (!ok[0] || !ok[1])
        fail_msg("a server that never answers, 1000 ms receive timeout: want 12002 within "
                 "0.8-5 s; upgrade request: %s; plain GET: %s",
                 ok[1] ? "ok" : why[1], ok[0] ? "ok" : why[0]);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wh_test_dll_is_ours),
        cmocka_unit_test(test_client_frames_on_wire),
        cmocka_unit_test(test_bad_handshakes),
        cmocka_unit_test(test_status_200),
        cmocka_unit_test(test_protocol_violations),
        cmocka_unit_test(test_calls_after_violation),
        cmocka_unit_test(test_huge_length),
        cmocka_unit_test(test_unusual_but_valid),
        cmocka_unit_test(test_ping_then_close),
        cmocka_unit_test(test_close_code_only),
        cmocka_unit_test(test_close_without_frame),
        cmocka_unit_test(test_silent_peers),
        cmocka_unit_test(test_no_answer),
    };
    /* clang-format on */

    raw_port = wh_port_or_skip("WH_RAW_WS_PORT");
    return cmocka_run_group_tests_name("ws_peer", tests, NULL, NULL);
}
