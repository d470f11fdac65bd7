/* test_ws_sync.c - drop-in end-to-end test of the synchronous WebSocket API
 * against tests/servers/ws_echo_server.py (the websockets library: an
 * independent, well-behaved peer). Upgrade flow, messages of every length
 * class, fragments, UTF-8, pings, and the WebSocket options.
 * Expectations are native Windows behaviour (spec/websocket-api.md); the
 * few chosen where the spec says "unconfirmed" are marked CHOSEN.
 */
#include "wh_testlib.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static int echo_port;

#define BIN_MSG WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
#define BIN_FRAG WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE
#define UTF8_MSG WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
#define UTF8_FRAG WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE

/* Queries a header as a string; returns FALSE with the error in *err. */
static BOOL query_str(HINTERNET req, DWORD level, const wchar_t *name, wchar_t *out, DWORD chars,
                      DWORD *err)
{
    DWORD size = chars * sizeof(wchar_t);
    BOOL ok = WinHttpQueryHeaders(req, level, name, out, &size, WINHTTP_NO_HEADER_INDEX);

    *err = ok ? 0 : GetLastError();
    return ok;
}

static DWORD query_dword_opt(HINTERNET h, DWORD option, DWORD *value)
{
    DWORD size = sizeof(*value);

    *value = 0xdeadbeef;
    if (!WinHttpQueryOption(h, option, value, &size))
        return GetLastError();
    assert_int_equal(size, sizeof(DWORD));
    return 0;
}

static DWORD set_dword_opt(HINTERNET h, DWORD option, DWORD value, DWORD size)
{
    DWORD buf[2] = {value, 0};

    SetLastError(0xdeadbeef);
    if (!WinHttpSetOption(h, option, buf, size))
        return GetLastError();
    assert_int_equal(GetLastError(), 0);
    return 0;
}

static void assert_base64_key(const wchar_t *key)
{
    size_t i;

    assert_int_equal(wcslen(key), 24);
    for (i = 0; i < 22; i++)
        assert_non_null(
            wcschr(L"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", key[i]));
    assert_true(key[22] == L'=' && key[23] == L'=');
}

#define REQ_CUSTOM (WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS)

/* Request headers before and after WinHttpSendRequest. */
static void check_upgrade_request(HINTERNET req)
{
    wchar_t buf[128];
    DWORD err;

    assert_false(query_str(req, REQ_CUSTOM, L"Sec-WebSocket-Key", buf, 128, &err));
    assert_int_equal(err, ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_false(query_str(req, REQ_CUSTOM, L"Sec-WebSocket-Version", buf, 128, &err));
    assert_int_equal(err, ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_true(WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0));
    SetLastError(0xdeadbeef);
    assert_true(WinHttpSendRequest(req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0));
    assert_int_equal(GetLastError(), 0);
    /* no response yet */
    assert_false(query_str(req, WINHTTP_QUERY_UPGRADE, NULL, buf, 128, &err));
    assert_int_equal(err, ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    assert_true(query_str(req, REQ_CUSTOM, L"Sec-WebSocket-Key", buf, 128, &err));
    assert_base64_key(buf);
    assert_true(query_str(req, REQ_CUSTOM, L"Sec-WebSocket-Version", buf, 128, &err));
    assert_int_equal(wcscmp(buf, L"13"), 0);
    assert_true(query_str(req, REQ_CUSTOM, L"Upgrade", buf, 128, &err));
    assert_int_equal(_wcsicmp(buf, L"websocket"), 0);
    assert_true(query_str(req, REQ_CUSTOM, L"Connection", buf, 128, &err));
    assert_int_equal(wcscmp(buf, L"Upgrade"), 0);
}

static void check_upgrade_response(HINTERNET req)
{
    wchar_t buf[128];
    DWORD status = 0, size = sizeof(status), err;

    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                    NULL, &status, &size, NULL));
    assert_int_equal(status, 101);
    assert_true(query_str(req, WINHTTP_QUERY_UPGRADE, NULL, buf, 128, &err));
    assert_int_equal(_wcsicmp(buf, L"websocket"), 0);
    assert_true(query_str(req, WINHTTP_QUERY_CONNECTION, NULL, buf, 128, &err));
    assert_int_equal(_wcsicmp(buf, L"Upgrade"), 0);
    assert_true(query_str(req, WINHTTP_QUERY_CUSTOM, L"Sec-WebSocket-Accept", buf, 128, &err));
    assert_int_equal(wcslen(buf), 28);
    assert_false(query_str(req, WINHTTP_QUERY_CONTENT_LENGTH, NULL, buf, 128, &err));
    assert_int_equal(err, ERROR_WINHTTP_HEADER_NOT_FOUND);
}

/* CompleteUpgrade(req, 0) gives context 0; the app may set it later [N]. */
static void check_ws_context(HINTERNET ws)
{
    DWORD_PTR ctx = 0xdead, set = 0x1234;
    DWORD size = sizeof(ctx);

    assert_true(WinHttpQueryOption(ws, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, &size));
    assert_int_equal(ctx, 0);
    assert_int_equal(size, sizeof(ctx));
    assert_true(WinHttpSetOption(ws, WINHTTP_OPTION_CONTEXT_VALUE, &set, sizeof(set)));
    assert_true(WinHttpQueryOption(ws, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, &size));
    assert_int_equal(ctx, 0x1234);
}

static void test_upgrade_flow(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, echo_port), req, ws;
    DWORD type, avail = 0xdeadbeef;
    wchar_t buf[64];

    (void)state;
    req = WinHttpOpenRequest(con, NULL, L"/echo", NULL, NULL, NULL, 0); /* NULL verb = GET */
    assert_non_null(req);
    check_upgrade_request(req);
    SetLastError(0xdeadbeef);
    assert_true(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(GetLastError(), 0);
    check_upgrade_response(req);
    SetLastError(0xdeadbeef);
    ws = WinHttpWebSocketCompleteUpgrade(req, 0);
    assert_non_null(ws);
    assert_int_equal(GetLastError(), 0);
    assert_int_equal(query_dword_opt(ws, WINHTTP_OPTION_HANDLE_TYPE, &type), 0);
    assert_int_equal(type, 5 /* WINHTTP_HANDLE_TYPE_WEBSOCKET */);
    assert_int_equal(query_dword_opt(req, WINHTTP_OPTION_HANDLE_TYPE, &type), 0);
    assert_int_equal(type, WINHTTP_HANDLE_TYPE_REQUEST);
    type = sizeof(buf);
    assert_false(WinHttpQueryHeaders(ws, WINHTTP_QUERY_STATUS_CODE, NULL, buf, &type, NULL));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    /* the request stays usable: headers, QueryDataAvailable 0, then close it at once */
    check_upgrade_response(req);
    assert_true(WinHttpQueryDataAvailable(req, &avail));
    assert_int_equal(avail, 0);
    assert_true(WinHttpCloseHandle(req));
    /* parents may go first; the websocket lives on [T] */
    assert_true(WinHttpCloseHandle(con));
    assert_true(WinHttpCloseHandle(ses));
    check_ws_context(ws);
    wh_ws_echo_text(ws, "hello after the request handle is gone");
    assert_int_equal(wh_timed_close(ws, 1000, NULL, 0, 5000), 0);
    assert_true(WinHttpCloseHandle(ws));
}

/* Re-sending an upgraded request makes a new key and a different handle;
 * in sync mode CompleteUpgrade may follow a send directly [T].
 * CHOSEN: a second CompleteUpgrade without a new send fails with 12019 (the
 * connection already belongs to the first websocket). */
static void test_upgrade_twice(void **state)
{
    struct wh_ws w;
    wchar_t key1[64], key2[64];
    DWORD err;
    HINTERNET ws2;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    assert_true(query_str(w.req, REQ_CUSTOM, L"Sec-WebSocket-Key", key1, 64, &err));
    SetLastError(0xdeadbeef);
    assert_null(WinHttpWebSocketCompleteUpgrade(w.req, 0));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    wh_ws_echo_text(w.ws, "first socket");
    assert_true(WinHttpSendRequest(w.req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0));
    assert_true(query_str(w.req, REQ_CUSTOM, L"Sec-WebSocket-Key", key2, 64, &err));
    assert_base64_key(key2);
    assert_int_not_equal(wcscmp(key1, key2), 0);
    assert_true(WinHttpReceiveResponse(w.req, NULL));
    ws2 = WinHttpWebSocketCompleteUpgrade(w.req, 0);
    assert_non_null(ws2);
    assert_ptr_not_equal(ws2, w.ws);
    wh_ws_echo_text(ws2, "second socket");
    assert_int_equal(wh_timed_close(ws2, 1000, NULL, 0, 5000), 0);
    assert_true(WinHttpCloseHandle(ws2));
    /* sync: CompleteUpgrade right after a send, without ReceiveResponse [T] */
    assert_true(WinHttpSendRequest(w.req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0));
    ws2 = WinHttpWebSocketCompleteUpgrade(w.req, 0);
    if (!ws2)
        fail_msg("CompleteUpgrade without ReceiveResponse failed: %lu", GetLastError());
    wh_ws_echo_text(ws2, "third socket");
    assert_int_equal(wh_timed_close(ws2, 1000, NULL, 0, 5000), 0);
    assert_true(WinHttpCloseHandle(ws2));
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

/* CHOSEN codes (spec §2.4 table, unconfirmed): 6, 12018, 12019. */
static void test_complete_upgrade_errors(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, echo_port), req;

    (void)state;
    SetLastError(0xdeadbeef);
    assert_null(WinHttpWebSocketCompleteUpgrade(NULL, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_null(WinHttpWebSocketCompleteUpgrade(ses, 0));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    assert_null(WinHttpWebSocketCompleteUpgrade(con, 0));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    req = WinHttpOpenRequest(con, L"GET", L"/echo", NULL, NULL, NULL, 0);
    assert_non_null(req);
    assert_true(WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0));
    assert_null(WinHttpWebSocketCompleteUpgrade(req, 0));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* ---- notifications (sync) ------------------------------------------- */

struct note {
    HINTERNET h, info_h;
    DWORD_PTR ctx;
    DWORD status, len, tid;
};
static struct note notes[512];
static volatile LONG nnotes;

static void CALLBACK record_cb(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    LONG i = InterlockedIncrement(&nnotes) - 1;

    if (i >= 512)
        return;
    notes[i].h = h;
    notes[i].ctx = ctx;
    notes[i].status = status;
    notes[i].len = len;
    notes[i].tid = GetCurrentThreadId();
    notes[i].info_h = (info && len == sizeof(HINTERNET)) ? *(HINTERNET *)info : NULL;
}

static int count_notes(DWORD status, HINTERNET h)
{
    int i, n = 0;

    for (i = 0; i < nnotes && i < 512; i++)
        if (notes[i].status == status && (!h || notes[i].h == h))
            n++;
    return n;
}

static void test_sync_notifications(void **state)
{
    struct wh_ws w;
    DWORD_PTR ctx = 0;
    DWORD size = sizeof(ctx), t0;
    int i;

    (void)state;
    memset(&w, 0, sizeof(w));
    w.ses = wh_session();
    SetLastError(0xdeadbeef);
    assert_null(
        WinHttpSetStatusCallback(w.ses, record_cb, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0));
    assert_int_equal(GetLastError(), 0);
    nnotes = 0;
    w.con = wh_connect(w.ses, echo_port);
    w.req = WinHttpOpenRequest(w.con, NULL, L"/echo", NULL, NULL, NULL, 0);
    assert_true(WinHttpSetOption(w.req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0));
    assert_true(WinHttpSendRequest(w.req, NULL, 0, NULL, 0, 0, 0));
    assert_true(WinHttpReceiveResponse(w.req, NULL));
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, w.req), 1);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_REQUEST_SENT, w.req), 1);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, w.req), 1);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, NULL), 0);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, NULL), 0);
    for (i = 0; i < nnotes; i++)
        assert_int_equal(notes[i].tid, GetCurrentThreadId());
    nnotes = 0;
    w.ws = WinHttpWebSocketCompleteUpgrade(w.req, 0x5150);
    assert_non_null(w.ws);
    assert_int_equal(nnotes, 1);
    assert_int_equal(notes[0].status, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED);
    assert_ptr_equal(notes[0].h, w.ws);
    assert_ptr_equal(notes[0].info_h, w.ws);
    assert_int_equal(notes[0].ctx, 0x5150);
    assert_int_equal(notes[0].tid, GetCurrentThreadId());
    assert_true(WinHttpQueryOption(w.ws, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, &size));
    assert_int_equal(ctx, 0x5150);
    wh_ws_echo_text(w.ws, "with a callback");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    assert_true(WinHttpCloseHandle(w.ws));
    for (t0 = GetTickCount();
         !count_notes(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, w.ws) && wh_ms_since(t0) < 2000;)
        Sleep(10);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, w.ws), 1);
    w.ws = NULL;
    WinHttpSetStatusCallback(w.ses, NULL, 0, 0);
    wh_ws_close_all(&w);
}

/* What WinHTTP put on the wire, as the websockets server saw it; and an
 * app-requested subprotocol. */
static void test_upgrade_request_on_wire(void **state)
{
    struct wh_ws w;
    char *json = wh_xmalloc(65536), expect[128];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    wchar_t proto[32];
    size_t n, i;
    DWORD err;

    (void)state;
    memset(&w, 0, sizeof(w));
    wh_ws_open(&w, echo_port, "/request-headers", NULL);
    n = wh_recv_message(w.ws, json, 65535, 65536, &t);
    json[n] = 0;
    assert_int_equal(t, UTF8_MSG);
    print_message("upgrade request: %s\n", json);
    snprintf(expect, sizeof(expect), "[\"Host\", \"127.0.0.1:%d\"]", echo_port);
    assert_true(wh_has(json, expect));
    assert_true(wh_has(json, "[\"User-Agent\", \"" WH_UA_A "\"]"));
    assert_true(wh_has(json, "[\"Connection\", \"Upgrade\"]"));
    assert_true(wh_has(json, "[\"Sec-WebSocket-Version\", \"13\"]"));
    for (i = 0; i < n; i++)
        json[i] = (char)tolower((unsigned char)json[i]);
    assert_true(wh_has(json, "[\"upgrade\", \"websocket\"]"));
    assert_false(wh_has(json, "sec-websocket-extensions"));
    assert_false(wh_has(json, "sec-websocket-protocol"));
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);

    w.ses = wh_session();
    w.con = wh_connect(w.ses, echo_port);
    w.req = WinHttpOpenRequest(w.con, NULL, L"/subprotocol", NULL, NULL, NULL, 0);
    assert_true(WinHttpSetOption(w.req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0));
    assert_true(WinHttpAddRequestHeaders(w.req, L"Sec-WebSocket-Protocol: chat", (DWORD)-1L,
                                         WINHTTP_ADDREQ_FLAG_ADD));
    assert_true(WinHttpSendRequest(w.req, NULL, 0, NULL, 0, 0, 0));
    assert_true(WinHttpReceiveResponse(w.req, NULL));
    assert_true(query_str(w.req, WINHTTP_QUERY_CUSTOM, L"Sec-WebSocket-Protocol", proto, 32, &err));
    assert_int_equal(wcscmp(proto, L"chat"), 0);
    w.ws = WinHttpWebSocketCompleteUpgrade(w.req, 0);
    assert_non_null(w.ws);
    wh_ws_echo_text(w.ws, "chat works");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
    free(json);
}

/* ---- messages ---------------------------------------------------------- */

static const size_t sizes[] = {0, 1, 125, 126, 65535, 65536, 16u << 20};

static void echo_sizes(WINHTTP_WEB_SOCKET_BUFFER_TYPE type)
{
    size_t max = 16u << 20, i, n;
    unsigned char *out = wh_xmalloc(max), *in = wh_xmalloc(max + 1);
    WINHTTP_WEB_SOCKET_BUFFER_TYPE got;
    struct wh_ws w;

    if (type == BIN_MSG)
        wh_pattern_bin(out, max);
    else
        wh_pattern_text((char *)out, max);
    wh_ws_open(&w, echo_port, "/echo", NULL);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        print_message("echo %u bytes, type %d\n", (unsigned)sizes[i], (int)type);
        assert_int_equal(WinHttpWebSocketSend(w.ws, type, out, (DWORD)sizes[i]), 0);
        n = wh_recv_message(w.ws, in, max + 1, 65536, &got);
        assert_int_equal(got, type);
        assert_int_equal(n, sizes[i]);
        assert_memory_equal(in, out, n);
    }
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
    free(out);
    free(in);
}

static void test_echo_binary_sizes(void **state)
{
    (void)state;
    echo_sizes(BIN_MSG);
}

static void test_echo_text_sizes(void **state)
{
    (void)state;
    echo_sizes(UTF8_MSG);
}

/* BINARY_FRAGMENT x2 + BINARY_MESSAGE(NULL,0) is one message [T]; text
 * fragments may split a UTF-8 sequence (validity is per message). */
static void test_send_fragments(void **state)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    unsigned char in[64];
    struct wh_ws w;
    size_t n;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_FRAG, "abc", 3), 0);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_FRAG, "defgh", 5), 0);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_MSG, NULL, 0), 0);
    n = wh_recv_message(w.ws, in, sizeof(in), sizeof(in), &t);
    assert_int_equal(t, BIN_MSG);
    assert_int_equal(n, 8);
    assert_memory_equal(in, "abcdefgh", 8);
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_FRAG, "caf\xc3", 4), 0);
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "\xa9!", 2), 0);
    n = wh_recv_message(w.ws, in, sizeof(in), sizeof(in), &t);
    assert_int_equal(t, UTF8_MSG);
    assert_int_equal(n, 6);
    assert_memory_equal(in, "caf\xc3\xa9!", 6);
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

/* Binary fragment then UTF8 -> 87, nothing sent [T]; the symmetric case
 * (UTF8 fragment then binary -> 87) is CHOSEN. */
static void test_fragment_type_mixing(void **state)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    unsigned char in[64];
    struct wh_ws w;
    size_t n;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_FRAG, "abc", 3), 0);
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_FRAG, "X", 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "Y", 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_MSG, "def", 3), 0);
    n = wh_recv_message(w.ws, in, sizeof(in), sizeof(in), &t);
    assert_int_equal(t, BIN_MSG);
    assert_int_equal(n, 6);
    assert_memory_equal(in, "abcdef", 6);
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_FRAG, "ab", 2), 0);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_FRAG, "X", 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_MSG, "Y", 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "cd", 2), 0);
    n = wh_recv_message(w.ws, in, sizeof(in), sizeof(in), &t);
    assert_int_equal(t, UTF8_MSG);
    assert_int_equal(n, 4);
    assert_memory_equal(in, "abcd", 4);
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

static void test_receive_utf8(void **state)
{
    static const char hex[] = "68c3a96c6c6f20c39f20e282ac20e697a5e69cac20f09f988020f09d849e";
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    char in[128], got[256];
    struct wh_ws w;
    size_t n;

    (void)state;
    wh_ws_open(&w, echo_port, "/send-utf8", NULL);
    n = wh_recv_message(w.ws, in, sizeof(in), sizeof(in), &t);
    assert_int_equal(t, UTF8_MSG);
    wh_hex(in, n, got);
    assert_string_equal(got, hex);
    in[n] = 0;
    wh_ws_echo_text(w.ws, in);
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

static void test_receive_fragmented(void **state)
{
    static const char text[] = "fragment-one fragment-two fragment-three";
    unsigned char in[4096], expect[3000];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    struct wh_ws w;
    size_t n;

    (void)state;
    wh_ws_open(&w, echo_port, "/fragmented", NULL);
    n = wh_recv_message(w.ws, in, sizeof(in), sizeof(in), &t);
    assert_int_equal(t, UTF8_MSG);
    assert_int_equal(n, strlen(text));
    assert_memory_equal(in, text, n);
    wh_ws_echo_text(w.ws, "after fragments");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);

    wh_ws_open(&w, echo_port, "/fragmented-binary", NULL);
    wh_pattern_bin(expect, sizeof(expect));
    n = wh_recv_message(w.ws, in, sizeof(in), 700, &t);
    assert_int_equal(t, BIN_MSG);
    assert_int_equal(n, sizeof(expect));
    assert_memory_equal(in, expect, n);
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

/* 256-byte message, 128-byte buffer: (128, FRAGMENT) then (128, MESSAGE) [T]. */
static void test_small_buffer(void **state)
{
    unsigned char in[256], expect[256];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    struct wh_ws w;
    DWORD n;

    (void)state;
    wh_pattern_bin(expect, sizeof(expect));
    wh_ws_open(&w, echo_port, "/send/256", NULL);
    assert_int_equal(wh_recv(w.ws, in, 128, &n, &t), 0);
    assert_int_equal(n, 128);
    assert_int_equal(t, BIN_FRAG);
    assert_int_equal(wh_recv(w.ws, in + 128, 128, &n, &t), 0);
    assert_int_equal(n, 128);
    assert_int_equal(t, BIN_MSG);
    assert_memory_equal(in, expect, 256);
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

/* Receives one UTF8 message into |out| (NUL-terminated). */
static void recv_text(HINTERNET ws, char *out, size_t cap)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    size_t n = wh_recv_message(ws, out, cap - 1, (DWORD)cap, &t);

    assert_int_equal(t, UTF8_MSG);
    out[n] = 0;
}

/* The client answers server pings by itself while the app receives. */
static void test_pings_answered(void **state)
{
    char msg[64];
    struct wh_ws w;
    int i;

    (void)state;
    wh_ws_open(&w, echo_port, "/ping", NULL);
    wh_ws_echo_text(w.ws, "hi"); /* the ping precedes this echo on the wire */
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "pong?", 5), 0);
    recv_text(w.ws, msg, sizeof(msg));
    assert_string_equal(msg, "pongs 1/1");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);

    /* /ping-many: a ping after every echo, so pings sit between data frames */
    wh_ws_open(&w, echo_port, "/ping-many", NULL);
    for (i = 0; i < 3; i++) {
        snprintf(msg, sizeof(msg), "m%d", i);
        wh_ws_echo_text(w.ws, msg);
    }
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "pong?", 5), 0);
    recv_text(w.ws, msg, sizeof(msg));
    if (strcmp(msg, "pongs 3/4") && strcmp(msg, "pongs 4/4"))
        fail_msg("got \"%s\", expected pongs 3/4 or 4/4", msg);
    /* ping-3 preceded that answer on the wire, so now all four are answered */
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "pong?", 5), 0);
    recv_text(w.ws, msg, sizeof(msg));
    assert_string_equal(msg, "pongs 4/4");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

/* ---- options ----------------------------------------------------------- */

#define KEEPALIVE WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL
#define RECV_BUF WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE
#define SEND_BUF WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE

/* ws handle only, exactly 4 bytes, >= 15000, write-only [T] (15000/14999
 * boundary from the docs). */
static void test_keepalive_interval(void **state)
{
    struct wh_ws w;
    DWORD v, size = 0;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    assert_int_equal(set_dword_opt(w.ws, KEEPALIVE, 15000, 4), 0);
    assert_int_equal(set_dword_opt(w.ws, KEEPALIVE, 20000, 4), 0);
    assert_int_equal(set_dword_opt(w.ws, KEEPALIVE, 10000, 4), ERROR_INVALID_PARAMETER);
    assert_int_equal(set_dword_opt(w.ws, KEEPALIVE, 14999, 4), ERROR_INVALID_PARAMETER);
    assert_int_equal(set_dword_opt(w.ws, KEEPALIVE, 20000, 2), ERROR_INVALID_PARAMETER);
    assert_int_equal(set_dword_opt(w.ws, KEEPALIVE, 20000, 8), ERROR_INVALID_PARAMETER);
    assert_int_equal(query_dword_opt(w.ws, KEEPALIVE, &v), ERROR_INVALID_PARAMETER);
    assert_false(WinHttpQueryOption(w.ws, KEEPALIVE, NULL, &size));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_int_equal(set_dword_opt(w.req, KEEPALIVE, 20000, 4),
                     ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    assert_int_equal(query_dword_opt(w.req, KEEPALIVE, &v), ERROR_INVALID_PARAMETER);
    assert_int_equal(query_dword_opt(w.ses, KEEPALIVE, &v), ERROR_INVALID_PARAMETER);
    wh_ws_echo_text(w.ws, "keepalive set");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

/* Session default 32768; the request copies the session's values at
 * OpenRequest; connect and ws handles refuse them with 12018 [T]. */
static void test_buffer_size_options(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, echo_port), req, ws;
    DWORD v;

    (void)state;
    assert_int_equal(query_dword_opt(ses, RECV_BUF, &v), 0);
    assert_int_equal(v, 32768);
    assert_int_equal(query_dword_opt(ses, SEND_BUF, &v), 0);
    assert_int_equal(v, 32768);
    assert_int_equal(query_dword_opt(con, RECV_BUF, &v), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    assert_int_equal(set_dword_opt(ses, RECV_BUF, 65535, 4), 0);
    assert_int_equal(set_dword_opt(ses, SEND_BUF, 15, 4), 0);
    req = WinHttpOpenRequest(con, NULL, L"/echo", NULL, NULL, NULL, 0);
    assert_non_null(req);
    assert_int_equal(query_dword_opt(req, RECV_BUF, &v), 0);
    assert_int_equal(v, 65535);
    assert_int_equal(query_dword_opt(req, SEND_BUF, &v), 0);
    assert_int_equal(v, 15);
    assert_int_equal(set_dword_opt(req, RECV_BUF, 1048576, 4), 0);
    assert_int_equal(query_dword_opt(ses, RECV_BUF, &v), 0);
    assert_int_equal(v, 65535);
    /* send buffer < 16: the upgrade's SendRequest fails with 8 [T] */
    assert_true(WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0));
    SetLastError(0xdeadbeef);
    assert_false(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
    assert_int_equal(set_dword_opt(req, SEND_BUF, 32768, 4), 0);
    assert_true(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    assert_true(WinHttpReceiveResponse(req, NULL));
    ws = WinHttpWebSocketCompleteUpgrade(req, 0);
    assert_non_null(ws);
    assert_int_equal(query_dword_opt(ws, RECV_BUF, &v), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    assert_int_equal(query_dword_opt(ws, SEND_BUF, &v), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    assert_int_equal(set_dword_opt(ws, SEND_BUF, 32768, 4), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    /* changing the request afterwards is accepted and changes nothing [T] */
    assert_int_equal(set_dword_opt(req, SEND_BUF, 15, 4), 0);
    wh_ws_echo_text(ws, "after changing the send buffer to 15");
    assert_int_equal(wh_timed_close(ws, 1000, NULL, 0, 5000), 0);
    WinHttpCloseHandle(ws);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* The smallest accepted send buffer (16) still carries large messages whole. */
static void test_tiny_send_buffer(void **state)
{
    static const DWORD lens[] = {256, 70000};
    unsigned char *out = wh_xmalloc(70000), *in = wh_xmalloc(70001);
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    struct wh_ws w;
    size_t i, n;

    (void)state;
    wh_pattern_bin(out, 70000);
    memset(&w, 0, sizeof(w));
    w.ses = wh_session();
    w.con = wh_connect(w.ses, echo_port);
    w.req = WinHttpOpenRequest(w.con, NULL, L"/echo", NULL, NULL, NULL, 0);
    assert_int_equal(set_dword_opt(w.req, SEND_BUF, 16, 4), 0);
    assert_true(WinHttpSetOption(w.req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0));
    assert_true(WinHttpSendRequest(w.req, NULL, 0, NULL, 0, 0, 0));
    assert_true(WinHttpReceiveResponse(w.req, NULL));
    w.ws = WinHttpWebSocketCompleteUpgrade(w.req, 0);
    assert_non_null(w.ws);
    for (i = 0; i < 2; i++) {
        assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_MSG, out, lens[i]), 0);
        n = wh_recv_message(w.ws, in, 70001, 65536, &t);
        assert_int_equal(t, BIN_MSG);
        assert_int_equal(n, lens[i]);
        assert_memory_equal(in, out, n);
    }
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
    free(out);
    free(in);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wh_test_dll_is_ours),
        cmocka_unit_test(test_upgrade_flow),
        cmocka_unit_test(test_upgrade_twice),
        cmocka_unit_test(test_complete_upgrade_errors),
        cmocka_unit_test(test_sync_notifications),
        cmocka_unit_test(test_upgrade_request_on_wire),
        cmocka_unit_test(test_echo_binary_sizes),
        cmocka_unit_test(test_echo_text_sizes),
        cmocka_unit_test(test_send_fragments),
        cmocka_unit_test(test_fragment_type_mixing),
        cmocka_unit_test(test_receive_utf8),
        cmocka_unit_test(test_receive_fragmented),
        cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_pings_answered),
        cmocka_unit_test(test_keepalive_interval),
        cmocka_unit_test(test_buffer_size_options),
        cmocka_unit_test(test_tiny_send_buffer),
    };
    /* clang-format on */

    echo_port = wh_port_or_skip("WH_WS_ECHO_PORT");
    return cmocka_run_group_tests_name("ws_sync", tests, NULL, NULL);
}
