/* test_ws_sync_close.c - drop-in end-to-end test of the synchronous
 * WebSocket closing handshake, parameter checks and handle checks, against
 * tests/servers/ws_echo_server.py (the websockets library, which answers a
 * close frame by echoing its payload). Expectations are native Windows
 * behaviour (spec/websocket-api.md §3-§8); CHOSEN marks the ones the spec
 * leaves unconfirmed, where we follow its recommendation.
 */
#include "wh_testlib.h"

#include <stdio.h>
#include <stdlib.h>

static int echo_port;

#define BIN_MSG WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
#define UTF8_MSG WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
#define CLOSE_TYPE WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE

/* The next Receive must report the peer's close: CLOSE_BUFFER_TYPE, 0 bytes. */
static void expect_close_frame(HINTERNET ws)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t = (WINHTTP_WEB_SOCKET_BUFFER_TYPE)0xdeadbeef;
    unsigned char buf[64];
    DWORD n = 0xdeadbeef;

    assert_int_equal(wh_recv(ws, buf, sizeof(buf), &n, &t), 0);
    assert_int_equal(t, CLOSE_TYPE);
    assert_int_equal(n, 0);
}

/* QueryCloseStatus must succeed with |code| and |reason|. */
static void expect_close_status(HINTERNET ws, USHORT code, const char *reason)
{
    char buf[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1];
    DWORD len = 0xdeadbeef;
    USHORT st = 0xbeef;

    assert_int_equal(WinHttpWebSocketQueryCloseStatus(ws, &st, buf, sizeof(buf), &len), 0);
    assert_int_equal(st, code);
    assert_int_equal(len, strlen(reason));
    assert_memory_equal(buf, reason, len);
}

/* QueryCloseStatus must fail with 4317 and leave its outputs alone [T]. */
static void expect_no_close_status(HINTERNET ws)
{
    DWORD len = 0xdeadbeef;
    USHORT st = 0xbeef;
    char buf[8] = "unset";

    assert_int_equal(WinHttpWebSocketQueryCloseStatus(ws, &st, buf, sizeof(buf), &len),
                     ERROR_INVALID_OPERATION);
    assert_int_equal(st, 0xbeef);
    assert_int_equal(len, 0xdeadbeef);
    assert_string_equal(buf, "unset");
}

static DWORD recv_state(HINTERNET ws)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    unsigned char buf[16];
    DWORD n;

    return wh_timed_recv(ws, buf, sizeof(buf), &n, &t, 3000);
}

/* Close from the client: Close waits for the peer's close; afterwards the
 * status is the peer's (websockets echoes our payload). */
static void test_close_from_client(void **state)
{
    struct wh_ws w;
    DWORD t0;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    wh_ws_echo_text(w.ws, "before close");
    expect_no_close_status(w.ws);
    t0 = GetTickCount();
    assert_int_equal(wh_timed_close(w.ws, 1000, "bye", 3, 5000), 0);
    assert_true(wh_ms_since(t0) < 3000);
    expect_close_status(w.ws, 1000, "bye");
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "late", 4), ERROR_INVALID_OPERATION);
    assert_int_equal(recv_state(w.ws), ERROR_INVALID_OPERATION); /* CHOSEN */
    assert_int_equal(WinHttpWebSocketShutdown(w.ws, 1000, NULL, 0),
                     ERROR_INVALID_OPERATION); /* CHOSEN */
    assert_int_equal(WinHttpWebSocketClose(w.ws, 1000, NULL, 0),
                     ERROR_INVALID_OPERATION); /* CHOSEN */
    wh_ws_close_all(&w);
}

struct pending_recv {
    HINTERNET ws;
    DWORD err, n;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    unsigned char buf[64];
};

static DWORD WINAPI pending_recv_thread(void *arg)
{
    struct pending_recv *p = arg;

    p->err = WinHttpWebSocketReceive(p->ws, p->buf, sizeof(p->buf), &p->n, &p->type);
    return 0;
}

/* The reader-thread pattern: Close on one thread while another waits in
 * Receive. Close cancels the pending Receive (12017) before it returns,
 * then completes the close handshake [T] (spec §7 step 1). */
static void test_close_cancels_pending_receive(void **state)
{
    struct pending_recv p;
    struct wh_ws w;
    HANDLE th;
    DWORD t0;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    memset(&p, 0, sizeof(p));
    p.ws = w.ws;
    p.err = 0xdeadbeef;
    th = CreateThread(NULL, 0, pending_recv_thread, &p, 0, NULL);
    assert_non_null(th);
    Sleep(300); /* let the Receive start waiting */
    assert_int_equal(WaitForSingleObject(th, 0), WAIT_TIMEOUT);
    t0 = GetTickCount();
    assert_int_equal(wh_timed_close(w.ws, 1000, "bye", 3, 5000), 0);
    assert_true(wh_ms_since(t0) < 3000);
    /* cancelled before Close returned */
    assert_int_equal(WaitForSingleObject(th, 0), WAIT_OBJECT_0);
    CloseHandle(th);
    assert_int_equal(p.err, ERROR_WINHTTP_OPERATION_CANCELLED);
    expect_close_status(w.ws, 1000, "bye");
    assert_int_equal(recv_state(w.ws), ERROR_INVALID_OPERATION);
    wh_ws_close_all(&w);
}

/* WinHttpCloseHandle on the ws handle while another thread waits in
 * Receive: the Receive returns 12017 at once (spec §9 step 1, [T] in async
 * mode as websocket_test4), the handle is gone (6) and the object is not
 * freed under the Receive. The block is leaked if the Receive never returns,
 * so a late return cannot write to freed memory. */
static void test_close_handle_cancels_pending_receive(void **state)
{
    struct pending_recv *p = wh_xmalloc(sizeof(*p));
    struct wh_ws w;
    HANDLE th;
    DWORD t0, wait;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    memset(p, 0, sizeof(*p));
    p->ws = w.ws;
    p->err = 0xdeadbeef;
    th = CreateThread(NULL, 0, pending_recv_thread, p, 0, NULL);
    assert_non_null(th);
    Sleep(300); /* let the Receive start waiting */
    assert_int_equal(WaitForSingleObject(th, 0), WAIT_TIMEOUT);
    t0 = GetTickCount();
    assert_true(WinHttpCloseHandle(w.ws));
    wait = WaitForSingleObject(th, 3000);
    CloseHandle(th);
    if (wait != WAIT_OBJECT_0)
        fail_msg("Receive still blocked 3 s after WinHttpCloseHandle(ws)");
    print_message("CloseHandle: Receive -> %lu after %lu ms\n", p->err, wh_ms_since(t0));
    assert_true(wh_ms_since(t0) < 2000);
    assert_int_equal(p->err, ERROR_WINHTTP_OPERATION_CANCELLED);
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "late", 4), ERROR_INVALID_HANDLE);
    w.ws = NULL;
    free(p);
    wh_ws_close_all(&w);
    /* the process is healthy: a new websocket works */
    wh_ws_open(&w, echo_port, "/echo", NULL);
    wh_ws_echo_text(w.ws, "after CloseHandle");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

/* Close from the server: Receive reports it; status, reason and buffer
 * sizing through QueryCloseStatus; then Close completes at once. */
static void test_close_from_server(void **state)
{
    char reason[8];
    struct wh_ws w;
    DWORD len, t0;
    USHORT st;

    (void)state;
    wh_ws_open(&w, echo_port, "/close-now/4001/why", NULL);
    expect_close_frame(w.ws);
    expect_close_status(w.ws, 4001, "why");
    len = 0xdeadbeef;
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, reason, 2, &len),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, 3);
    len = 0xdeadbeef;
    /* CHOSEN: NULL,0 with a non-empty reason -> 122 and the needed size */
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, NULL, 0, &len),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, 3);
    /* the close was delivered: no more receives */
    assert_int_equal(recv_state(w.ws), ERROR_INVALID_OPERATION);
    t0 = GetTickCount();
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    assert_true(wh_ms_since(t0) < 2000);
    expect_close_status(w.ws, 4001, "why");
    wh_ws_close_all(&w);
}

/* An empty close payload reads as 1005 (no status) with no reason. */
static void test_close_empty(void **state)
{
    struct wh_ws w;

    (void)state;
    wh_ws_open(&w, echo_port, "/close-empty", NULL);
    expect_close_frame(w.ws);
    expect_close_status(w.ws, 1005, "");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    wh_ws_close_all(&w);
}

/* Shutdown closes the send side at once; the receive side still delivers
 * the rest of a message and then the peer's close [T sequence A of the
 * spec]. /send/256 read halfway first, so the server's message is surely
 * on the wire before our close frame reaches it. */
static void test_shutdown(void **state)
{
    unsigned char in[256], expect[256];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    char big[124];
    struct wh_ws w;
    DWORD n, t0;

    (void)state;
    memset(big, 'r', sizeof(big));
    wh_pattern_bin(expect, sizeof(expect));
    wh_ws_open(&w, echo_port, "/send/256", NULL);
    assert_int_equal(wh_recv(w.ws, in, 128, &n, &t), 0);
    assert_int_equal(n, 128);
    assert_int_equal(t, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);
    assert_int_equal(WinHttpWebSocketShutdown(w.ws, 1000, "bye", 3), 0);
    assert_int_equal(WinHttpWebSocketSend(w.ws, UTF8_MSG, "x", 1), ERROR_INVALID_OPERATION);
    assert_int_equal(WinHttpWebSocketShutdown(w.ws, 1000, "bye", 3), ERROR_INVALID_OPERATION);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_MSG, NULL, 0), ERROR_INVALID_OPERATION);
    /* reason checks still come first after Shutdown */
    assert_int_equal(WinHttpWebSocketShutdown(w.ws, 1000, big, 124), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketClose(w.ws, 1000, big, 124), ERROR_INVALID_PARAMETER);
    expect_no_close_status(w.ws);
    assert_int_equal(wh_recv(w.ws, in + 128, 128, &n, &t), 0);
    assert_int_equal(n, 128);
    assert_int_equal(t, BIN_MSG);
    assert_memory_equal(in, expect, 256);
    expect_close_frame(w.ws);
    expect_close_status(w.ws, 1000, "bye");
    assert_int_equal(recv_state(w.ws), ERROR_INVALID_OPERATION);
    t0 = GetTickCount();
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    assert_true(wh_ms_since(t0) < 2000);
    expect_close_status(w.ws, 1000, "bye");
    wh_ws_close_all(&w);
}

/* Bad parameters are refused with 87 and nothing reaches the wire: the
 * connection still echoes and closes normally afterwards. */
static void test_param_checks(void **state)
{
    char buf[16], reason[124];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    struct wh_ws w;
    DWORD n;

    (void)state;
    memset(reason, 'r', sizeof(reason));
    wh_ws_open(&w, echo_port, "/echo", NULL);
    assert_int_equal(WinHttpWebSocketSend(w.ws, CLOSE_TYPE, "x", 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketSend(w.ws, (WINHTTP_WEB_SOCKET_BUFFER_TYPE)5, "x", 1),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketSend(w.ws, BIN_MSG, NULL, 5), ERROR_INVALID_PARAMETER);
    assert_int_equal(wh_timed_recv(w.ws, NULL, 0, &n, &t, 3000), ERROR_INVALID_PARAMETER);
    assert_int_equal(wh_timed_recv(w.ws, buf, 0, &n, &t, 3000), ERROR_INVALID_PARAMETER);
    assert_int_equal(wh_timed_recv(w.ws, NULL, 1, &n, &t, 3000), ERROR_INVALID_PARAMETER);
    /* CHOSEN: sync Receive needs both out-pointers */
    assert_int_equal(wh_timed_recv(w.ws, buf, 16, NULL, &t, 3000), ERROR_INVALID_PARAMETER);
    assert_int_equal(wh_timed_recv(w.ws, buf, 16, &n, NULL, 3000), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketClose(w.ws, 1000, reason, 124), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketShutdown(w.ws, 1000, reason, 124), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketClose(w.ws, 1000, NULL, 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketShutdown(w.ws, 1000, NULL, 1), ERROR_INVALID_PARAMETER);
    wh_ws_echo_text(w.ws, "still open");
    reason[123] = 0;
    /* the longest reason (123 bytes) is fine and comes back from the peer */
    assert_int_equal(wh_timed_close(w.ws, 1000, reason, 123, 5000), 0);
    expect_close_status(w.ws, 1000, reason);
    wh_ws_close_all(&w);
}

/* CHOSEN (spec §6 step 4 recommendation): codes that may not appear on the
 * wire are refused with 87 by Close and Shutdown; 3000-4999 are fine. */
static void test_invalid_close_codes(void **state)
{
    static const USHORT bad[] = {0, 999, 1004, 1006, 1015, 1016, 2999, 5000, 65535};
    struct wh_ws w;
    size_t i;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("close code %u\n", bad[i]);
        assert_int_equal(WinHttpWebSocketClose(w.ws, bad[i], NULL, 0), ERROR_INVALID_PARAMETER);
        assert_int_equal(WinHttpWebSocketShutdown(w.ws, bad[i], NULL, 0), ERROR_INVALID_PARAMETER);
    }
    assert_int_equal(WinHttpWebSocketClose(w.ws, 1005, "x", 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketShutdown(w.ws, 1005, "x", 1), ERROR_INVALID_PARAMETER);
    wh_ws_echo_text(w.ws, "no close frame went out");
    assert_int_equal(wh_timed_close(w.ws, 4999, "ok", 2, 5000), 0);
    expect_close_status(w.ws, 4999, "ok");
    wh_ws_close_all(&w);
}

/* Parameter checks of QueryCloseStatus, after a completed close [T]. */
static void test_query_close_status_params(void **state)
{
    struct wh_ws w;
    char buf[8];
    DWORD len = 0xdeadbeef;
    USHORT st = 0;

    (void)state;
    wh_ws_open(&w, echo_port, "/echo", NULL);
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, NULL, buf, sizeof(buf), &len),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, buf, sizeof(buf), NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, NULL, 5, &len),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(w.ws, &st, NULL, 0, &len), 0);
    assert_int_equal(st, 1000);
    assert_int_equal(len, 0);
    wh_ws_close_all(&w);
}

/* Every WebSocket function on a handle of another kind -> 12018 (CHOSEN
 * code, spec §1); on NULL or a closed handle -> 6. */
static void check_all_ws_calls(HINTERNET h, DWORD err)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    DWORD n, len;
    USHORT st;
    char buf[8];

    assert_int_equal(WinHttpWebSocketSend(h, BIN_MSG, "x", 1), err);
    assert_int_equal(wh_timed_recv(h, buf, sizeof(buf), &n, &t, 3000), err);
    assert_int_equal(WinHttpWebSocketShutdown(h, 1000, NULL, 0), err);
    assert_int_equal(wh_timed_close(h, 1000, NULL, 0, 3000), err);
    assert_int_equal(WinHttpWebSocketQueryCloseStatus(h, &st, buf, sizeof(buf), &len), err);
}

static void test_handle_checks(void **state)
{
    struct wh_ws w;
    HINTERNET ws;

    (void)state;
    check_all_ws_calls(NULL, ERROR_INVALID_HANDLE);
    wh_ws_open(&w, echo_port, "/echo", NULL);
    check_all_ws_calls(w.ses, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    check_all_ws_calls(w.con, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    check_all_ws_calls(w.req, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    wh_ws_echo_text(w.ws, "unaffected");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), 0);
    ws = w.ws;
    assert_true(WinHttpCloseHandle(ws));
    w.ws = NULL;
    check_all_ws_calls(ws, ERROR_INVALID_HANDLE);
    wh_ws_close_all(&w);
}

/* Garbage handle values must be rejected, not dereferenced (last: a crash
 * here would end the program). */
static void test_garbage_handles(void **state)
{
    (void)state;
    check_all_ws_calls((HINTERNET)(ULONG_PTR)0xdeadbeef, ERROR_INVALID_HANDLE);
    check_all_ws_calls((HINTERNET)(ULONG_PTR)0x12345678, ERROR_INVALID_HANDLE);
    SetLastError(0);
    assert_null(WinHttpWebSocketCompleteUpgrade((HINTERNET)(ULONG_PTR)0xdeadbeef, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wh_test_dll_is_ours),
        cmocka_unit_test(test_close_from_client),
        cmocka_unit_test(test_close_from_server),
        cmocka_unit_test(test_close_cancels_pending_receive),
        cmocka_unit_test(test_close_handle_cancels_pending_receive),
        cmocka_unit_test(test_close_empty),
        cmocka_unit_test(test_shutdown),
        cmocka_unit_test(test_param_checks),
        cmocka_unit_test(test_invalid_close_codes),
        cmocka_unit_test(test_query_close_status_params),
        cmocka_unit_test(test_handle_checks),
        cmocka_unit_test(test_garbage_handles),
    };
    /* clang-format on */

    echo_port = wh_port_or_skip("WH_WS_ECHO_PORT");
    return cmocka_run_group_tests_name("ws_sync_close", tests, NULL, NULL);
}
