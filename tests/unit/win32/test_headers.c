/* test_headers.c - request header lists, the request head, the response
 * head and WinHttpQueryHeaders (src/win32/headers.c).
 *
 * Each rule of exports.md §5 for WinHttpAddRequestHeaders and
 * WinHttpQueryHeaders has its own test, plus the wire bytes of a request
 * head, a realistic 101 upgrade response (websocket-api.md §2.3) and a 200
 * with repeated Set-Cookie.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "headers.h"
#include "strutil.h"

#define ADD WINHTTP_ADDREQ_FLAG_ADD
#define REQ WINHTTP_QUERY_FLAG_REQUEST_HEADERS

static const char k_101[] = "HTTP/1.1 101 Switching Protocols\r\n"
                            "Upgrade: websocket\r\n"
                            "Connection: Upgrade\r\n"
                            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                            "\r\n";

static const char k_200[] = "HTTP/1.1 200 OK\r\n"
                            "Date: Mon, 28 Jul 2008 10:05:52 GMT\r\n"
                            "Content-Type: text/html; charset=utf-8\r\n"
                            "Content-Length: 1234\r\n"
                            "Set-Cookie: a=1\r\n"
                            "X-Big: 5000000000\r\n"
                            "set-cookie: b=2; Path=/\n" /* bare LF, lower case */
                            "X-Latin: caf\xe9\r\n"
                            "\r\n";

/* ---- helpers -------------------------------------------------------------- */

static struct wh_headers g_h;
static struct wh_response g_r;

static int setup(void **state)
{
    (void)state;
    memset(&g_h, 0, sizeof(g_h));
    memset(&g_r, 0, sizeof(g_r));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wh_headers_free(&g_h);
    wh_response_free(&g_r);
    return 0;
}

static DWORD add(const WCHAR *text, DWORD modifiers)
{
    return wh_headers_add(&g_h, text, (DWORD)-1, modifiers);
}

static void assert_header(const WCHAR *name, DWORD index, const WCHAR *want)
{
    const WCHAR *got = wh_headers_get(&g_h, name, index);

    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_true(wcscmp(got, want) == 0);
}

/* Header |i| of the list, name and value. */
static void assert_item(DWORD i, const WCHAR *name, const WCHAR *value)
{
    assert_true(i < g_h.count);
    assert_true(wcscmp(g_h.items[i].name, name) == 0);
    assert_true(wcscmp(g_h.items[i].value, value) == 0);
}

static void set_response(const char *block)
{
    assert_int_equal(wh_response_set(&g_r, block, strlen(block)), ERROR_SUCCESS);
}

/* Query |level| with a roomy buffer; on success the text must be |want|. */
static DWORD query(DWORD level, const WCHAR *name, DWORD *index, void *buf, DWORD *len)
{
    return wh_query_headers(g_r.block ? &g_r : NULL, &g_h, L"GET", L"/chat", L"HTTP/1.1", level,
                            name, buf, len, index);
}

static void assert_query(DWORD level, const WCHAR *name, const WCHAR *want)
{
    WCHAR buf[512];
    DWORD len = sizeof(buf);

    assert_int_equal(query(level, name, NULL, buf, &len), ERROR_SUCCESS);
    assert_int_equal(len, wcslen(want) * sizeof(WCHAR));
    assert_true(wcscmp(buf, want) == 0);
}

/* ---- WinHttpAddRequestHeaders --------------------------------------------- */

static void test_add_plain_and_duplicates(void **state)
{
    (void)state;
    assert_int_equal(add(L"Warning:test1", ADD), ERROR_SUCCESS);
    assert_header(L"Warning", 0, L"test1");
    assert_header(L"Warning", 1, NULL);
    assert_int_equal(add(L"Warning: test2", ADD), ERROR_SUCCESS);
    assert_header(L"warning", 1, L"test2");
    /* no flag at all also appends */
    assert_int_equal(add(L"Warning: test3", 0), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 3);
    assert_item(2, L"Warning", L"test3");
}

static void test_add_if_new(void **state)
{
    (void)state;
    assert_int_equal(add(L"Warning: a", WINHTTP_ADDREQ_FLAG_ADD_IF_NEW), ERROR_SUCCESS);
    assert_int_equal(add(L"WARNING: b", WINHTTP_ADDREQ_FLAG_ADD_IF_NEW),
                     ERROR_WINHTTP_HEADER_ALREADY_EXISTS);
    assert_int_equal(g_h.count, 1);
    assert_header(L"Warning", 0, L"a");
}

static void test_add_coalesce(void **state)
{
    (void)state;
    /* COALESCE on an absent header adds it */
    assert_int_equal(add(L"Warning: test1", WINHTTP_ADDREQ_FLAG_COALESCE), ERROR_SUCCESS);
    assert_int_equal(add(L"Warning: test2", ADD), ERROR_SUCCESS);
    assert_int_equal(add(L"Warning: test4", WINHTTP_ADDREQ_FLAG_COALESCE), ERROR_SUCCESS);
    assert_int_equal(add(L"warning: test5", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA),
                     ERROR_SUCCESS);
    assert_int_equal(add(L"Warning: test6", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON),
                     ERROR_SUCCESS);
    /* the first one found takes the value; the second stays alone */
    assert_header(L"Warning", 0, L"test1, test4, test5; test6");
    assert_header(L"Warning", 1, L"test2");
    assert_int_equal(g_h.count, 2);
}

static void test_add_replace(void **state)
{
    (void)state;
    assert_int_equal(add(L"Warning: test1", ADD), ERROR_SUCCESS);
    assert_int_equal(add(L"Warning: test2", ADD), ERROR_SUCCESS);
    assert_int_equal(add(L"Other: x", ADD), ERROR_SUCCESS);
    /* the first is removed, the new value goes at the end */
    assert_int_equal(add(L"Warning: test7", WINHTTP_ADDREQ_FLAG_REPLACE), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 3);
    assert_item(0, L"Warning", L"test2");
    assert_item(1, L"Other", L"x");
    assert_item(2, L"Warning", L"test7");
}

static void test_add_replace_absent(void **state)
{
    (void)state;
    assert_int_equal(add(L"Missing: v", WINHTTP_ADDREQ_FLAG_REPLACE),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(add(L"Missing:", WINHTTP_ADDREQ_FLAG_REPLACE), ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(g_h.count, 0);
    /* REPLACE | ADD adds it */
    assert_int_equal(add(L"Missing: v", WINHTTP_ADDREQ_FLAG_REPLACE | ADD), ERROR_SUCCESS);
    assert_header(L"Missing", 0, L"v");
}

static void test_add_replace_empty_deletes(void **state)
{
    (void)state;
    assert_int_equal(add(L"A: 1\r\nB: 2\r\nA: 3", ADD), ERROR_SUCCESS);
    assert_int_equal(add(L"a:", WINHTTP_ADDREQ_FLAG_REPLACE), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 2);
    assert_item(0, L"B", L"2");
    assert_item(1, L"A", L"3");
    assert_int_equal(add(L"A:   ", WINHTTP_ADDREQ_FLAG_REPLACE), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 1);
    assert_header(L"A", 0, NULL);
}

static void test_add_malformed(void **state)
{
    static const WCHAR *const bad[] = {L":",      L":b",     L"cd",          L" e :f",
                                       L"a b: c", L"\tx: y", L"caf\x00e9: y"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(add(bad[i], ADD), ERROR_INVALID_PARAMETER);
    assert_int_equal(g_h.count, 0);
}

static void test_add_empty_value(void **state)
{
    (void)state;
    assert_int_equal(add(L"a:", ADD), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 1);
    assert_item(0, L"a", L"");
}

static void test_add_trims_value(void **state)
{
    (void)state;
    assert_int_equal(add(L"field: \t value with  inner \t ", ADD), ERROR_SUCCESS);
    assert_item(0, L"field", L"value with  inner");
    assert_int_equal(add(L"x:y:z", ADD), ERROR_SUCCESS);
    assert_item(1, L"x", L"y:z");
}

static void test_add_line_endings(void **state)
{
    (void)state;
    assert_int_equal(add(L"A: 1\r\nB: 2\nC: 3\rD: 4\r\n\r\n\n \t\r\nE: 5\r\n", ADD), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 5);
    assert_item(0, L"A", L"1");
    assert_item(1, L"B", L"2");
    assert_item(2, L"C", L"3");
    assert_item(3, L"D", L"4");
    assert_item(4, L"E", L"5");
}

static void test_add_explicit_length(void **state)
{
    static const WCHAR text[] = L"A: 1\r\nB: 22\0C: 3";

    (void)state;
    /* the length cuts "B: 22" to "B: 2" */
    assert_int_equal(wh_headers_add(&g_h, text, 10, ADD), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 2);
    assert_item(1, L"B", L"2");
    wh_headers_free(&g_h);
    /* a NUL inside the length ends the text */
    assert_int_equal(wh_headers_add(&g_h, text, 17, ADD), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 2);
    assert_item(1, L"B", L"22");
}

static void test_add_stops_at_bad_line(void **state)
{
    (void)state;
    assert_int_equal(add(L"A: 1\r\ncd\r\nB: 2", ADD), ERROR_INVALID_PARAMETER);
    assert_int_equal(g_h.count, 1);
    assert_item(0, L"A", L"1");
}

static void test_add_many(void **state)
{
    WCHAR line[32];
    DWORD i;

    (void)state;
    for (i = 0; i < 100; i++) {
        _snwprintf(line, 32, L"H%u: %u", (unsigned)i, (unsigned)i);
        assert_int_equal(add(line, ADD), ERROR_SUCCESS);
    }
    assert_int_equal(g_h.count, 100);
    assert_item(99, L"H99", L"99");
    assert_item(0, L"H0", L"0");
}

/* ---- wh_headers_set / wh_request_head ------------------------------------ */

static void test_set(void **state)
{
    (void)state;
    assert_int_equal(add(L"A: 1\r\nB: 2\r\na: 3\r\nC: 4", ADD), ERROR_SUCCESS);
    assert_int_equal(wh_headers_set(&g_h, L"A", L"new"), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 3);
    assert_item(0, L"A", L"new");
    assert_item(1, L"B", L"2");
    assert_item(2, L"C", L"4");
    assert_int_equal(wh_headers_set(&g_h, L"Host", L"example.com"), ERROR_SUCCESS);
    assert_item(3, L"Host", L"example.com");
    assert_int_equal(add(L"b: again", ADD), ERROR_SUCCESS);
    assert_int_equal(wh_headers_set(&g_h, L"B", NULL), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 3);
    assert_header(L"B", 0, NULL);
    assert_int_equal(wh_headers_set(&g_h, L"Absent", NULL), ERROR_SUCCESS);
    assert_int_equal(g_h.count, 3);
}

static void test_request_head_bytes(void **state)
{
    static const char want[] = "GET /chat?x=1 HTTP/1.1\r\n"
                               "Host: server.example.com\r\n"
                               "Upgrade: websocket\r\n"
                               "Connection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                               "Sec-WebSocket-Version: 13\r\n"
                               "a: \r\n"
                               "\r\n";
    size_t len = 0;
    char *head;

    (void)state;
    assert_int_equal(add(L"Host: server.example.com\r\nUpgrade: websocket\r\n"
                         L"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         L"Sec-WebSocket-Version: 13\r\na:",
                         ADD),
                     ERROR_SUCCESS);
    head = wh_request_head(L"GET", L"/chat?x=1", L"HTTP/1.1", &g_h, &len);
    assert_non_null(head);
    assert_int_equal(len, sizeof(want) - 1);
    assert_memory_equal(head, want, len);
    wh_free(head);
}

static void test_request_head_defaults_and_utf8(void **state)
{
    static const char want1[] = "GET / HTTP/1.1\r\n\r\n";
    static const char want2[] = "POST /caf\xc3\xa9 HTTP/1.0\r\nX: \xe2\x82\xac\r\n\r\n";
    size_t len = 0;
    char *head;

    (void)state;
    head = wh_request_head(NULL, L"", NULL, &g_h, &len);
    assert_non_null(head);
    assert_int_equal(len, sizeof(want1) - 1);
    assert_memory_equal(head, want1, len);
    wh_free(head);
    assert_int_equal(add(L"X: \x20ac", ADD), ERROR_SUCCESS);
    head = wh_request_head(L"POST", L"/caf\x00e9", L"HTTP/1.0", &g_h, &len);
    assert_non_null(head);
    assert_int_equal(len, sizeof(want2) - 1);
    assert_memory_equal(head, want2, len);
    wh_free(head);
}

/* ---- the response head ------------------------------------------------- */

static void test_response_101(void **state)
{
    char copy[sizeof(k_101)];

    (void)state;
    memcpy(copy, k_101, sizeof(copy));
    assert_int_equal(wh_response_set(&g_r, copy, sizeof(copy) - 1), ERROR_SUCCESS);
    memset(copy, 'x', sizeof(copy)); /* the response keeps its own copy */
    assert_int_equal(g_r.block_len, sizeof(k_101) - 1);
    assert_int_equal(g_r.parsed.status, 101);
    assert_int_equal(g_r.parsed.num_headers, 3);
    assert_query(WINHTTP_QUERY_UPGRADE, NULL, L"websocket");
    assert_query(WINHTTP_QUERY_CONNECTION, NULL, L"Upgrade");
    assert_query(WINHTTP_QUERY_CUSTOM, L"sec-websocket-accept", L"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert_query(WINHTTP_QUERY_STATUS_CODE, NULL, L"101");
    assert_query(WINHTTP_QUERY_STATUS_TEXT, NULL, L"Switching Protocols");
    assert_query(WINHTTP_QUERY_VERSION, NULL, L"HTTP/1.1");
}

static void test_response_no_content_length_on_101(void **state)
{
    WCHAR buf[64];
    DWORD len = sizeof(buf);

    (void)state;
    set_response(k_101);
    assert_int_equal(query(WINHTTP_QUERY_CONTENT_LENGTH, NULL, NULL, buf, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
}

static void test_response_invalid(void **state)
{
    static const char no_status[] = "Content-Length: 0\r\n\r\n";
    WCHAR buf[64];
    DWORD len = sizeof(buf);

    (void)state;
    set_response(k_101);
    assert_int_equal(wh_response_set(&g_r, no_status, sizeof(no_status) - 1),
                     ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    assert_null(g_r.block);
    assert_int_equal(wh_response_set(&g_r, k_101, 20), ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    assert_null(g_r.block);
    /* a failed set leaves no response: response levels are 12019 again */
    assert_int_equal(query(WINHTTP_QUERY_STATUS_CODE, NULL, NULL, buf, &len),
                     ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    set_response(k_200); /* and it can be set again */
    assert_int_equal(g_r.parsed.status, 200);
}

/* ---- WinHttpQueryHeaders ------------------------------------------------- */

static void test_query_level_above_max(void **state)
{
    WCHAR buf[64];
    DWORD len = sizeof(buf);

    (void)state;
    set_response(k_200);
    assert_int_equal(query(WINHTTP_QUERY_MAX + 1, NULL, NULL, buf, &len), ERROR_INVALID_PARAMETER);
    assert_int_equal(query((WINHTTP_QUERY_MAX + 1) | REQ, NULL, NULL, buf, &len),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(len, sizeof(buf));
    /* CUSTOM without a name, and no length pointer */
    assert_int_equal(query(WINHTTP_QUERY_CUSTOM, NULL, NULL, buf, &len), ERROR_INVALID_PARAMETER);
    assert_int_equal(query(WINHTTP_QUERY_STATUS_CODE, NULL, NULL, buf, NULL),
                     ERROR_INVALID_PARAMETER);
    /* WINHTTP_QUERY_MAX itself is a level (PASSPORT_CONFIG): just absent */
    assert_int_equal(query(WINHTTP_QUERY_MAX, NULL, NULL, buf, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
}

static void test_query_before_response(void **state)
{
    static const DWORD levels[] = {WINHTTP_QUERY_UPGRADE, WINHTTP_QUERY_CONNECTION,
                                   WINHTTP_QUERY_STATUS_CODE, WINHTTP_QUERY_RAW_HEADERS_CRLF,
                                   WINHTTP_QUERY_VERSION};
    WCHAR buf[64];
    DWORD len = sizeof(buf), index = 0;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        assert_int_equal(query(levels[i], NULL, &index, buf, &len),
                         ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
        assert_int_equal(len, sizeof(buf));
        assert_int_equal(index, 0);
    }
    assert_int_equal(query(WINHTTP_QUERY_CUSTOM, L"Upgrade", NULL, buf, &len),
                     ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    /* the verb and request headers need no response */
    assert_query(WINHTTP_QUERY_REQUEST_METHOD, NULL, L"GET");
    assert_int_equal(query(WINHTTP_QUERY_CUSTOM | REQ, L"Sec-WebSocket-Key", NULL, buf, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
}

static void test_query_sizes(void **state)
{
    WCHAR buf[64];
    DWORD len, index = 0;

    (void)state;
    set_response(k_101);
    /* NULL buffer: bytes needed including the terminator */
    len = 0;
    assert_int_equal(query(WINHTTP_QUERY_UPGRADE, NULL, &index, NULL, &len),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, (9 + 1) * sizeof(WCHAR));
    assert_int_equal(index, 0);
    /* one byte short: the same, buffer untouched */
    memset(buf, 0x55, sizeof(buf));
    len = 19;
    assert_int_equal(query(WINHTTP_QUERY_UPGRADE, NULL, &index, buf, &len),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, 20);
    assert_int_equal(index, 0);
    assert_int_equal(buf[0], 0x5555);
    /* exactly enough: the length without the terminator */
    assert_int_equal(query(WINHTTP_QUERY_UPGRADE, NULL, &index, buf, &len), ERROR_SUCCESS);
    assert_int_equal(len, 18);
    assert_int_equal(index, 1);
    assert_true(wcscmp(buf, L"websocket") == 0);
}

static void test_query_missing_untouched(void **state)
{
    WCHAR buf[64];
    DWORD len = 123, index = 0, number = 0xdeadbeef, nlen = sizeof(number);

    (void)state;
    set_response(k_200);
    memset(buf, 0x55, sizeof(buf));
    assert_int_equal(query(WINHTTP_QUERY_LOCATION, NULL, &index, buf, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(len, 123);
    assert_int_equal(index, 0);
    assert_int_equal(buf[0], 0x5555);
    assert_int_equal(
        query(WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_NUMBER, L"X-None", &index, &number, &nlen),
        ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(number, 0xdeadbeef);
    assert_int_equal(nlen, sizeof(number));
    /* NULL buffer, missing header: still 12150 */
    assert_int_equal(query(WINHTTP_QUERY_LOCATION, NULL, NULL, NULL, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(len, 123);
}

static void test_query_index_repeats(void **state)
{
    WCHAR buf[64];
    DWORD len = sizeof(buf), index = 0;

    (void)state;
    set_response(k_200);
    assert_int_equal(query(WINHTTP_QUERY_SET_COOKIE, NULL, &index, buf, &len), ERROR_SUCCESS);
    assert_true(wcscmp(buf, L"a=1") == 0);
    assert_int_equal(index, 1);
    len = sizeof(buf);
    assert_int_equal(query(WINHTTP_QUERY_CUSTOM, L"SET-COOKIE", &index, buf, &len), ERROR_SUCCESS);
    assert_true(wcscmp(buf, L"b=2; Path=/") == 0);
    assert_int_equal(index, 2);
    len = sizeof(buf);
    assert_int_equal(query(WINHTTP_QUERY_SET_COOKIE, NULL, &index, buf, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(index, 2);
    /* no index pointer: the first */
    assert_query(WINHTTP_QUERY_SET_COOKIE, NULL, L"a=1");
}

static void test_query_number(void **state)
{
    DWORD number = 0, len = 0, index = 0;
    ULONGLONG big = 0;

    (void)state;
    set_response(k_200);
    /* NULL buffer and short buffer: 4 bytes needed */
    assert_int_equal(
        query(WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER, NULL, &index, NULL, &len),
        ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, 4);
    len = 3;
    assert_int_equal(query(WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER, NULL, &index,
                           &number, &len),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, 4);
    assert_int_equal(index, 0);
    len = 64;
    assert_int_equal(query(WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER, NULL, &index,
                           &number, &len),
                     ERROR_SUCCESS);
    assert_int_equal(number, 1234);
    assert_int_equal(len, 4);
    assert_int_equal(index, 1);
    len = sizeof(number);
    assert_int_equal(
        query(WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, NULL, &number, &len),
        ERROR_SUCCESS);
    assert_int_equal(number, 200);
    len = sizeof(big);
    assert_int_equal(
        query(WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_NUMBER64, L"X-Big", NULL, &big, &len),
        ERROR_SUCCESS);
    assert_int_equal(len, 8);
    assert_true(big == 5000000000ull);
}

static void test_query_systemtime(void **state)
{
    SYSTEMTIME st;
    DWORD len = 0;

    (void)state;
    set_response(k_200);
    assert_int_equal(
        query(WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, NULL, NULL, &len),
        ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, sizeof(SYSTEMTIME));
    memset(&st, 0, sizeof(st));
    assert_int_equal(
        query(WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, NULL, &st, &len),
        ERROR_SUCCESS);
    assert_int_equal(len, sizeof(SYSTEMTIME));
    assert_int_equal(st.wYear, 2008);
    assert_int_equal(st.wMonth, 7);
    assert_int_equal(st.wDay, 28);
    assert_int_equal(st.wDayOfWeek, 1);
    assert_int_equal(st.wHour, 10);
    assert_int_equal(st.wMinute, 5);
    assert_int_equal(st.wSecond, 52);
    len = sizeof(st);
    assert_int_equal(
        query(WINHTTP_QUERY_CONTENT_TYPE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, NULL, &st, &len),
        ERROR_WINHTTP_INVALID_QUERY_REQUEST);
}

static void test_query_raw_crlf(void **state)
{
    static const WCHAR want[] = L"HTTP/1.1 200 OK\r\n"
                                L"Date: Mon, 28 Jul 2008 10:05:52 GMT\r\n"
                                L"Content-Type: text/html; charset=utf-8\r\n"
                                L"Content-Length: 1234\r\n"
                                L"Set-Cookie: a=1\r\n"
                                L"X-Big: 5000000000\r\n"
                                L"set-cookie: b=2; Path=/\r\n"
                                L"X-Latin: caf\x00e9\r\n"
                                L"\r\n";
    DWORD len = 0;

    (void)state;
    set_response(k_200);
    assert_int_equal(query(WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, NULL, NULL, &len),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, sizeof(want));
    assert_query(WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, want);
}

static void test_query_raw_nul(void **state)
{
    static const WCHAR want[] = L"HTTP/1.1 101 Switching Protocols\0"
                                L"Upgrade: websocket\0"
                                L"Connection: Upgrade\0"
                                L"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\0";
    WCHAR buf[512];
    DWORD len = 0;

    (void)state;
    set_response(k_101);
    assert_int_equal(query(WINHTTP_QUERY_RAW_HEADERS, NULL, NULL, NULL, &len),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, sizeof(want)); /* every line's NUL and the final one */
    memset(buf, 0x55, sizeof(buf));
    assert_int_equal(query(WINHTTP_QUERY_RAW_HEADERS, NULL, NULL, buf, &len), ERROR_SUCCESS);
    assert_int_equal(len, sizeof(want) - sizeof(WCHAR));
    assert_memory_equal(buf, want, sizeof(want)); /* double NUL at the end */
    assert_int_equal(buf[sizeof(want) / sizeof(WCHAR) - 2], 0);
    assert_int_equal(buf[sizeof(want) / sizeof(WCHAR) - 1], 0);
}

static void test_query_request_headers(void **state)
{
    static const WCHAR raw[] = L"GET /chat HTTP/1.1\r\nHost: h.example\r\nX-Two: 1\r\n"
                               L"x-two: 2\r\n\r\n";
    DWORD index = 1, len;
    WCHAR buf[128];

    (void)state;
    assert_int_equal(add(L"Host: h.example\r\nX-Two: 1\r\nx-two: 2", ADD), ERROR_SUCCESS);
    set_response(k_200);
    assert_query(WINHTTP_QUERY_HOST | REQ, NULL, L"h.example");
    assert_query(WINHTTP_QUERY_CUSTOM | REQ, L"X-TWO", L"1");
    len = sizeof(buf);
    assert_int_equal(query(WINHTTP_QUERY_CUSTOM | REQ, L"x-two", &index, buf, &len), ERROR_SUCCESS);
    assert_true(wcscmp(buf, L"2") == 0);
    assert_int_equal(index, 2);
    assert_query(WINHTTP_QUERY_RAW_HEADERS_CRLF | REQ, NULL, raw);
    assert_query(WINHTTP_QUERY_VERSION | REQ, NULL, L"HTTP/1.1");
    assert_query(WINHTTP_QUERY_URI | REQ, NULL, L"/chat");
    assert_query(WINHTTP_QUERY_REQUEST_METHOD | REQ, NULL, L"GET");
    /* request headers are not response headers, and vice versa */
    len = sizeof(buf);
    assert_int_equal(query(WINHTTP_QUERY_HOST, NULL, NULL, buf, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(query(WINHTTP_QUERY_CONTENT_TYPE | REQ, NULL, NULL, buf, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(query(WINHTTP_QUERY_STATUS_CODE | REQ, NULL, NULL, buf, &len),
                     ERROR_WINHTTP_HEADER_NOT_FOUND);
}

static void test_query_named_levels(void **state)
{
    static const char resp[] = "HTTP/1.0 404 Not Found\r\n"
                               "WWW-Authenticate: Basic realm=\"x\"\r\n"
                               "ETag: \"abc\"\r\n"
                               "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
                               "Retry-After: 120\r\n"
                               "Proxy-Support: Session-Based-Authentication\r\n"
                               "\r\n";
    WCHAR buf[64];
    DWORD len = sizeof(buf);

    (void)state;
    set_response(resp);
    assert_query(WINHTTP_QUERY_WWW_AUTHENTICATE, NULL, L"Basic realm=\"x\"");
    assert_query(WINHTTP_QUERY_ETAG, NULL, L"\"abc\"");
    assert_query(WINHTTP_QUERY_CONTENT_MD5, NULL, L"Q2hlY2sgSW50ZWdyaXR5IQ==");
    assert_query(WINHTTP_QUERY_RETRY_AFTER, NULL, L"120");
    assert_query(WINHTTP_QUERY_PROXY_SUPPORT, NULL, L"Session-Based-Authentication");
    assert_query(WINHTTP_QUERY_VERSION, NULL, L"HTTP/1.0");
    assert_query(WINHTTP_QUERY_STATUS_TEXT, NULL, L"Not Found");
    /* 71-74 name no header */
    assert_int_equal(query(72, NULL, NULL, buf, &len), ERROR_WINHTTP_HEADER_NOT_FOUND);
}

static void test_query_latin1(void **state)
{
    (void)state;
    set_response(k_200);
    assert_query(WINHTTP_QUERY_CUSTOM, L"x-latin", L"caf\x00e9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_plain_and_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_if_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_coalesce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_replace_absent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_replace_empty_deletes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_empty_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_trims_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_line_endings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_explicit_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_stops_at_bad_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_head_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_head_defaults_and_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response_101, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response_no_content_length_on_101, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_level_above_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_before_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_missing_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_index_repeats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_systemtime, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_raw_crlf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_raw_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_request_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_named_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_latin1, setup, teardown),
    };
    return cmocka_run_group_tests_name("headers", tests, NULL, NULL);
}
