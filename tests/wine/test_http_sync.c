/* test_http_sync.c - drop-in end-to-end test of the synchronous HTTP API
 * against tests/servers/http_server.py (keep-alive HTTP/1.1; every response
 * carries X-Connection-Id). Bodies of every framing read to the last byte,
 * request bodies, request and response headers, connection reuse, URL
 * cracking and the error paths. Native behaviour per spec/exports.md §4-§5
 * and async-model.md §1-§3.
 */
#include "wh_testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static int http_port;

static HINTERNET open_req(HINTERNET con, const wchar_t *verb, const char *path)
{
    wchar_t *wpath = wh_wide(path);
    HINTERNET req = WinHttpOpenRequest(con, verb, wpath, NULL, WINHTTP_NO_REFERER,
                                       WINHTTP_DEFAULT_ACCEPT_TYPES, 0);

    free(wpath);
    assert_non_null(req);
    return req;
}

/* Opens, sends (no body) and receives the response of |verb| |path|. */
static HINTERNET do_req(HINTERNET con, const wchar_t *verb, const char *path)
{
    HINTERNET req = open_req(con, verb, path);

    SetLastError(0xdeadbeef);
    if (!WinHttpSendRequest(req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0))
        fail_msg("SendRequest %s failed: %lu", path, GetLastError());
    assert_int_equal(GetLastError(), 0);
    SetLastError(0xdeadbeef);
    if (!WinHttpReceiveResponse(req, NULL))
        fail_msg("ReceiveResponse %s failed: %lu", path, GetLastError());
    assert_int_equal(GetLastError(), 0);
    return req;
}

static DWORD query_number(HINTERNET req, DWORD level, const wchar_t *name)
{
    DWORD v = 0xdeadbeef, size = sizeof(v);

    if (!WinHttpQueryHeaders(req, level | WINHTTP_QUERY_FLAG_NUMBER, name, &v, &size,
                             WINHTTP_NO_HEADER_INDEX))
        fail_msg("QueryHeaders(%lu, %ls) as a number failed: %lu", level, name ? name : L"",
                 GetLastError());
    assert_int_equal(size, sizeof(DWORD));
    return v;
}

static DWORD status_of(HINTERNET req)
{
    return query_number(req, WINHTTP_QUERY_STATUS_CODE, NULL);
}

static DWORD conn_id_of(HINTERNET req)
{
    return query_number(req, WINHTTP_QUERY_CUSTOM, L"X-Connection-Id");
}

/* Reads the whole body, via QueryDataAvailable + ReadData (|use_qda|) or by
 * ReadData alone in 8 KiB pieces; the end is a TRUE read of 0 bytes. */
static unsigned char *read_body(HINTERNET req, size_t *len, int use_qda)
{
    size_t cap = 1 << 16, total = 0;
    unsigned char *buf = wh_xmalloc(cap);
    DWORD avail, want, n;

    for (;;) {
        want = 8192;
        if (use_qda) {
            avail = 0xdeadbeef;
            assert_true(WinHttpQueryDataAvailable(req, &avail));
            if (avail == 0)
                break;
            want = avail;
        }
        if (cap - total < want) {
            cap = (cap + want) * 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        n = 0xdeadbeef;
        assert_true(WinHttpReadData(req, buf + total, want, &n));
        assert_true(n <= want);
        if (n == 0) {
            assert_false(use_qda); /* QueryDataAvailable promised data */
            break;
        }
        total += n;
    }
    n = 0xdeadbeef;
    assert_true(WinHttpReadData(req, buf + total, 1, &n));
    assert_int_equal(n, 0);
    *len = total;
    return buf;
}

/* GET |path| and check the body is |n| pattern bytes. Returns the connection id. */
static DWORD get_pattern(HINTERNET con, const char *path, size_t n, int use_qda)
{
    unsigned char *expect = wh_xmalloc(n), *body;
    HINTERNET req = do_req(con, NULL, path);
    DWORD id = conn_id_of(req);
    size_t len;

    print_message("GET %s\n", path);
    assert_int_equal(status_of(req), 200);
    body = read_body(req, &len, use_qda);
    wh_pattern_bin(expect, n);
    if (len != n)
        fail_msg("%s: %lu body bytes, expected %lu", path, (unsigned long)len, (unsigned long)n);
    assert_memory_equal(body, expect, n);
    free(body);
    free(expect);
    WinHttpCloseHandle(req);
    return id;
}

/* Body of /keepalive-id (the server's connection number). */
static DWORD keepalive_id(HINTERNET con)
{
    HINTERNET req = do_req(con, NULL, "/keepalive-id");
    unsigned char *body;
    char text[16];
    size_t len;

    body = read_body(req, &len, 1);
    assert_true(len > 0 && len < sizeof(text));
    memcpy(text, body, len);
    text[len] = 0;
    free(body);
    assert_int_equal(strtoul(text, NULL, 10), conn_id_of(req));
    WinHttpCloseHandle(req);
    return strtoul(text, NULL, 10);
}

/* Runs first, while this process has no pooled connections. Reuse on the
 * same connect handle and across sessions (process-wide pool [T]), after
 * chunked, HEAD, 204 and 304 responses; none after Connection: close. */
static void test_keep_alive(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port), ses2, con2, req;
    DWORD a, b;

    (void)state;
    a = keepalive_id(con);
    assert_int_equal(keepalive_id(con), a);
    ses2 = wh_session();
    con2 = wh_connect(ses2, http_port);
    assert_int_equal(keepalive_id(con2), a);
    WinHttpCloseHandle(con2);
    WinHttpCloseHandle(ses2);
    assert_int_equal(get_pattern(con, "/chunked/10", 10, 1), a);
    assert_int_equal(get_pattern(con, "/chunked-ext/3000/1000", 3000, 1), a);
    assert_int_equal(keepalive_id(con), a);
    req = do_req(con, L"HEAD", "/len/100");
    assert_int_equal(conn_id_of(req), a);
    WinHttpCloseHandle(req);
    assert_int_equal(keepalive_id(con), a);
    req = do_req(con, NULL, "/status/204");
    WinHttpCloseHandle(req);
    req = do_req(con, NULL, "/status/304");
    WinHttpCloseHandle(req);
    assert_int_equal(keepalive_id(con), a);
    assert_int_equal(get_pattern(con, "/close/10", 10, 1), a);
    b = keepalive_id(con);
    assert_int_not_equal(b, a);
    assert_int_equal(keepalive_id(con), b);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void test_bodies(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port), req;

    (void)state;
    get_pattern(con, "/len/0", 0, 1);
    get_pattern(con, "/len/1", 1, 1);
    get_pattern(con, "/len/100000", 100000, 1);
    get_pattern(con, "/len/100000", 100000, 0);
    req = do_req(con, NULL, "/len/100000");
    assert_int_equal(query_number(req, WINHTTP_QUERY_CONTENT_LENGTH, NULL), 100000);
    WinHttpCloseHandle(req); /* closed with the body unread */
    get_pattern(con, "/chunked/0", 0, 1);
    get_pattern(con, "/chunked/100000", 100000, 1);
    get_pattern(con, "/chunked/100000/7", 100000, 0);
    get_pattern(con, "/chunked-ext/5000/1000", 5000, 1);
    get_pattern(con, "/chunked-ext/3/1", 3, 0);
    get_pattern(con, "/close/70000", 70000, 1);
    get_pattern(con, "/close/70000", 70000, 0);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* A 302 to the same server is followed by default (redirect policy
 * DISALLOW_HTTPS_TO_HTTP [T]); the app sees the final 200 and its body. */
static void test_redirect(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port);

    (void)state;
    get_pattern(con, "/redirect/50", 50, 1);
    get_pattern(con, "/redirect/70000?code=301", 70000, 0);
    get_pattern(con, "/redirect/3?code=307", 3, 1);
    get_pattern(con, "/redirect/4?code=308", 4, 1);
    get_pattern(con, "/redirect-abs/20", 20, 1);
    get_pattern(con, "/redirect-chain/9", 16, 1); /* 10 hops: the default limit */
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static int redirects_seen;
static wchar_t redirect_url[256];

static void CALLBACK redirect_cb(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    (void)h, (void)ctx;
    if (status != WINHTTP_CALLBACK_STATUS_REDIRECT)
        return;
    redirects_seen++;
    if (info && len <= sizeof(redirect_url))
        memcpy(redirect_url, info, len);
}

/* POST + 303 becomes a GET without the body; the REDIRECT callback carries
 * the absolute URL; too many hops fail with 12156 (CHOSEN: native's code
 * for a failed redirect); policy NEVER and WINHTTP_DISABLE_REDIRECTS leave
 * the 3xx to the application. */
static void test_redirect_control(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port), req;
    wchar_t want[128];
    DWORD v, size;
    size_t len;
    unsigned char *body;

    (void)state;
    req = open_req(con, L"POST", "/redirect/6?code=303");
    WinHttpSetStatusCallback(req, redirect_cb, WINHTTP_CALLBACK_FLAG_REDIRECT, 0);
    redirects_seen = 0;
    assert_true(WinHttpSendRequest(req, NULL, 0, "data", 4, 4, 0));
    assert_true(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(status_of(req), 200);
    body = read_body(req, &len, 1);
    assert_int_equal(len, 6);
    free(body);
    assert_int_equal(redirects_seen, 1);
    swprintf(want, 128, L"http://127.0.0.1:%d/len/6", http_port);
    assert_true(wcscmp(redirect_url, want) == 0);
    WinHttpCloseHandle(req);

    req = open_req(con, NULL, "/redirect-chain/10"); /* 11 hops */
    SetLastError(0xdeadbeef);
    assert_true(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    assert_false(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_REDIRECT_FAILED);
    WinHttpCloseHandle(req);

    req = open_req(con, NULL, "/redirect-chain/3");
    v = 3;
    assert_true(WinHttpSetOption(req, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &v, sizeof(v)));
    v = 0, size = sizeof(v);
    assert_true(WinHttpQueryOption(req, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &v, &size));
    assert_int_equal(v, 3);
    assert_true(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    assert_false(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_REDIRECT_FAILED);
    WinHttpCloseHandle(req);

    req = open_req(con, NULL, "/redirect/7");
    v = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
    assert_true(WinHttpSetOption(req, WINHTTP_OPTION_REDIRECT_POLICY, &v, sizeof(v)));
    assert_true(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    assert_true(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(status_of(req), 302);
    WinHttpCloseHandle(req);

    req = open_req(con, NULL, "/redirect/7?code=307");
    v = WINHTTP_DISABLE_REDIRECTS;
    assert_true(WinHttpSetOption(req, WINHTTP_OPTION_DISABLE_FEATURE, &v, sizeof(v)));
    assert_true(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    assert_true(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(status_of(req), 307);
    body = read_body(req, &len, 1);
    assert_int_equal(len, 12); /* "redirecting\n" */
    free(body);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* Echoed body of a POST /echo; |data| in SendRequest, |more| via WriteData. */
static void post_echo(HINTERNET con, const void *data, DWORD len, const unsigned char *more,
                      DWORD more_len, const DWORD *pieces, int npieces)
{
    HINTERNET req = open_req(con, L"POST", "/echo");
    DWORD off = 0, n;
    unsigned char *body, *expect = wh_xmalloc((size_t)len + more_len);
    size_t got;
    int i;

    assert_true(WinHttpSendRequest(req, L"Content-Type: application/x-test\r\n", (DWORD)-1L,
                                   (void *)data, len, len + more_len, 0));
    for (i = 0; i < npieces; i++) {
        n = 0xdeadbeef;
        assert_true(WinHttpWriteData(req, more + off, pieces[i], &n));
        assert_int_equal(n, pieces[i]);
        off += pieces[i];
    }
    assert_int_equal(off, more_len);
    assert_true(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(status_of(req), 200);
    body = read_body(req, &got, 1);
    if (len)
        memcpy(expect, data, len);
    if (more_len)
        memcpy(expect + len, more, more_len);
    assert_int_equal(got, (size_t)len + more_len);
    assert_memory_equal(body, expect, got);
    free(body);
    free(expect);
    WinHttpCloseHandle(req);
}

static void test_post(void **state)
{
    static const DWORD pieces[] = {1, 99999, 100000};
    static const DWORD tail[] = {20};
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port), req;
    unsigned char *big = wh_xmalloc(200000);
    wchar_t buf[64];
    DWORD size = sizeof(buf);

    (void)state;
    wh_pattern_bin(big, 200000);
    post_echo(con, "hello world", 11, NULL, 0, NULL, 0);
    post_echo(con, NULL, 0, big, 200000, pieces, 3);
    post_echo(con, "0123456789", 10, big, 20, tail, 1);
    post_echo(con, NULL, 0, NULL, 0, NULL, 0);
    req = open_req(con, L"POST", "/echo");
    assert_true(WinHttpSendRequest(req, L"Content-Type: text/x-mine", (DWORD)-1L, "abc", 3, 3, 0));
    assert_true(WinHttpReceiveResponse(req, NULL));
    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_CONTENT_TYPE, NULL, buf, &size, NULL));
    assert_int_equal(wcscmp(buf, L"text/x-mine"), 0);
    size = sizeof(buf);
    assert_true(
        WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM, L"X-Body-Framing", buf, &size, NULL));
    assert_int_equal(wcscmp(buf, L"length"), 0);
    WinHttpCloseHandle(req);
    free(big);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* What we sent, as the server parsed it. */
static void test_request_headers(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port), req;
    char expect[64], *text;
    unsigned char *body;
    wchar_t buf[64];
    DWORD size = sizeof(buf);
    size_t len;

    (void)state;
    req = open_req(con, NULL, "/headers");
    assert_true(
        WinHttpAddRequestHeaders(req, L"X-Added: one", (DWORD)-1L, WINHTTP_ADDREQ_FLAG_ADD));
    assert_true(WinHttpSendRequest(req, L"X-Send: two\r\n", (DWORD)-1L, NULL, 0, 0, 0));
    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
                                    L"X-Added", buf, &size, NULL));
    assert_int_equal(wcscmp(buf, L"one"), 0);
    assert_true(WinHttpReceiveResponse(req, NULL));
    body = read_body(req, &len, 1);
    text = wh_xmalloc(len + 1);
    memcpy(text, body, len);
    text[len] = 0;
    print_message("request headers as received:\n%s", text);
    snprintf(expect, sizeof(expect), "Host: 127.0.0.1:%d\r\n", http_port);
    assert_true(wh_has(text, expect));
    assert_true(wh_has(text, "User-Agent: " WH_UA_A "\r\n"));
    assert_true(wh_has(text, "X-Added: one\r\n"));
    assert_true(wh_has(text, "X-Send: two\r\n"));
    size = sizeof(buf);
    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM, L"X-Method", buf, &size, NULL));
    assert_int_equal(wcscmp(buf, L"GET"), 0);
    free(text);
    free(body);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void check_header_strings(HINTERNET req)
{
    wchar_t buf[2048];
    DWORD size = sizeof(buf), len;

    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_TEXT, NULL, buf, &size, NULL));
    assert_int_equal(wcscmp(buf, L"OK"), 0);
    assert_int_equal(size, 2 * sizeof(wchar_t)); /* length without the terminator */
    size = sizeof(buf);
    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_VERSION, NULL, buf, &size, NULL));
    assert_int_equal(wcscmp(buf, L"HTTP/1.1"), 0);
    size = sizeof(buf);
    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, buf, &size, NULL));
    len = size / sizeof(wchar_t);
    assert_int_equal(wcslen(buf), len);
    assert_int_equal(wcsncmp(buf, L"HTTP/1.1 200 OK\r\n", 17), 0);
    assert_true(len > 4 && !wcscmp(buf + len - 4, L"\r\n\r\n"));
    assert_non_null(wcsstr(buf, L"\r\nX-Connection-Id: "));
    size = sizeof(buf);
    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_RAW_HEADERS, NULL, buf, &size, NULL));
    assert_int_equal(wcscmp(buf, L"HTTP/1.1 200 OK"), 0); /* NUL-separated lines */
    len = size / sizeof(wchar_t);
    assert_true(len >= 2 && buf[len] == 0 && (buf[len - 1] == 0 || buf[len + 1] == 0));
    size = sizeof(buf);
    assert_true(
        WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM, L"x-connection-id", buf, &size, NULL));
    assert_true(wcslen(buf) > 0 && wcsspn(buf, L"0123456789") == wcslen(buf));
}

static void check_header_sizes(HINTERNET req)
{
    static const wchar_t ctype[] = L"application/octet-stream";
    DWORD need = sizeof(ctype), size = 0, index = 0, num = 0xdeadbeef;
    wchar_t buf[64];

    assert_false(WinHttpQueryHeaders(req, WINHTTP_QUERY_CONTENT_TYPE, NULL, NULL, &size, &index));
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(size, need); /* bytes, terminator included */
    assert_int_equal(index, 0);
    size = 10;
    assert_false(WinHttpQueryHeaders(req, WINHTTP_QUERY_CONTENT_TYPE, NULL, buf, &size, &index));
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(size, need);
    assert_int_equal(index, 0);
    size = sizeof(buf);
    SetLastError(0xdeadbeef);
    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_CONTENT_TYPE, NULL, buf, &size, &index));
    assert_int_equal(GetLastError(), 0);
    assert_int_equal(size, need - sizeof(wchar_t));
    assert_int_equal(wcscmp(buf, ctype), 0);
    assert_int_equal(index, 1); /* index iteration: there is no second one */
    size = sizeof(buf);
    assert_false(WinHttpQueryHeaders(req, WINHTTP_QUERY_CONTENT_TYPE, NULL, buf, &size, &index));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_HEADER_NOT_FOUND);
    size = sizeof(num);
    assert_false(WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_NUMBER,
                                     L"X-Nope", &num, &size, NULL));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_HEADER_NOT_FOUND);
    assert_int_equal(num, 0xdeadbeef);
    size = sizeof(buf);
    assert_false(WinHttpQueryHeaders(req, WINHTTP_QUERY_MAX + 1, NULL, buf, &size, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void test_query_headers(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port), req;
    DWORD size, num;

    (void)state;
    req = open_req(con, NULL, "/len/5");
    assert_true(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    size = sizeof(num);
    assert_false(WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                     NULL, &num, &size, NULL));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    assert_true(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(status_of(req), 200);
    assert_int_equal(query_number(req, WINHTTP_QUERY_CONTENT_LENGTH, NULL), 5);
    check_header_strings(req);
    check_header_sizes(req);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void test_date_headers(void **state)
{
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port), req;
    SYSTEMTIME st;
    DWORD size = sizeof(st);

    (void)state;
    req = do_req(con, NULL, "/date");
    memset(&st, 0xff, sizeof(st));
    assert_true(WinHttpQueryHeaders(
        req, WINHTTP_QUERY_LAST_MODIFIED | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, &st, &size, NULL));
    assert_int_equal(size, sizeof(st));
    assert_int_equal(st.wYear, 1994);
    assert_int_equal(st.wMonth, 11);
    assert_int_equal(st.wDay, 6);
    assert_int_equal(st.wDayOfWeek, 0);
    assert_int_equal(st.wHour, 8);
    assert_int_equal(st.wMinute, 49);
    assert_int_equal(st.wSecond, 37);
    assert_int_equal(st.wMilliseconds, 0);
    size = sizeof(st);
    assert_true(WinHttpQueryHeaders(req, WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL,
                                    &st, &size, NULL));
    assert_true(st.wYear >= 2023 && st.wMonth >= 1 && st.wMonth <= 12);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* 204, 304 and HEAD: no body; QueryDataAvailable and ReadData give 0 [T]. */
static void test_no_body(void **state)
{
    static const char *const paths[] = {"/status/204", "/status/304", "/len/100"};
    HINTERNET ses = wh_session(), con = wh_connect(ses, http_port), req;
    DWORD avail, n;
    char buf[16];
    int i;

    (void)state;
    for (i = 0; i < 3; i++) {
        req = do_req(con, i == 2 ? L"HEAD" : NULL, paths[i]);
        assert_int_equal(status_of(req), i == 0 ? 204 : i == 1 ? 304 : 200);
        if (i == 2)
            assert_int_equal(query_number(req, WINHTTP_QUERY_CONTENT_LENGTH, NULL), 100);
        avail = 0xdeadbeef;
        assert_true(WinHttpQueryDataAvailable(req, &avail));
        assert_int_equal(avail, 0);
        n = 0xdeadbeef;
        assert_true(WinHttpReadData(req, buf, sizeof(buf), &n));
        assert_int_equal(n, 0);
        WinHttpCloseHandle(req);
    }
    req = do_req(con, NULL, "/slow-headers");
    assert_int_equal(status_of(req), 200);
    {
        size_t len;
        unsigned char *body = read_body(req, &len, 1);

        assert_int_equal(len, 5);
        assert_memory_equal(body, "slow\n", 5);
        free(body);
    }
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void test_crack_url(void **state)
{
    static const wchar_t url[] = L"http://user:pw@example.com:8080/path/x?q=1#frag";
    wchar_t host[64], path[64];
    URL_COMPONENTS uc;

    (void)state;
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUserNameLength = (DWORD)-1;
    uc.dwPasswordLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = (DWORD)-1;
    assert_true(WinHttpCrackUrl(url, 0, 0, &uc));
    assert_int_equal(uc.nScheme, INTERNET_SCHEME_HTTP);
    assert_int_equal(uc.nPort, 8080);
    assert_ptr_equal(uc.lpszScheme, url);
    assert_int_equal(uc.dwSchemeLength, 4);
    assert_ptr_equal(uc.lpszUserName, url + 7);
    assert_int_equal(uc.dwUserNameLength, 4);
    assert_ptr_equal(uc.lpszPassword, url + 12);
    assert_int_equal(uc.dwPasswordLength, 2);
    assert_ptr_equal(uc.lpszHostName, url + 15);
    assert_int_equal(uc.dwHostNameLength, 11);
    assert_ptr_equal(uc.lpszUrlPath, url + 31);
    assert_int_equal(uc.dwUrlPathLength, 7);
    assert_ptr_equal(uc.lpszExtraInfo, url + 38);
    assert_int_equal(uc.dwExtraInfoLength, 9);

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = host;
    uc.dwHostNameLength = 64;
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = 64;
    assert_true(WinHttpCrackUrl(L"https://Example.org/a%20b", 0, 0, &uc));
    assert_int_equal(uc.nScheme, INTERNET_SCHEME_HTTPS);
    assert_int_equal(uc.nPort, 443);
    assert_int_equal(wcscmp(host, L"Example.org"), 0);
    assert_int_equal(uc.dwHostNameLength, 11);
    assert_int_equal(wcscmp(path, L"/a%20b"), 0);
    assert_int_equal(uc.dwUrlPathLength, 6);

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = (DWORD)-1;
    assert_false(WinHttpCrackUrl(L"ftp://example.com/", 0, 0, &uc));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
}

/* A port nothing listens on: bind an ephemeral one and release it. */
static int closed_port(void)
{
    struct sockaddr_in sa;
    int len = sizeof(sa), port;
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    assert_true(s != INVALID_SOCKET);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    port = ntohs(sa.sin_port);
    closesocket(s);
    return port;
}

static void test_error_paths(void **state)
{
    HINTERNET ses = wh_session(), con, req;
    DWORD t0, avail;
    WSADATA wsa;

    (void)state;
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wsa), 0);
    con = wh_connect(ses, closed_port());
    req = open_req(con, NULL, "/");
    t0 = GetTickCount();
    assert_false(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_CANNOT_CONNECT);
    assert_true(wh_ms_since(t0) < 5000);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);

    con = WinHttpConnect(ses, L"nonexistent.invalid", 80, 0);
    assert_non_null(con);
    req = open_req(con, NULL, "/");
    assert_false(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_NAME_NOT_RESOLVED);
    assert_false(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);

    con = wh_connect(ses, http_port);
    req = open_req(con, NULL, "/len/1");
    assert_false(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    avail = 0xdeadbeef;
    assert_false(WinHttpQueryDataAvailable(req, &avail));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    assert_int_equal(avail, 0xdeadbeef);
    SetLastError(0xdeadbeef);
    assert_true(WinHttpCloseHandle(req));
    assert_int_equal(GetLastError(), 0);
    assert_false(WinHttpQueryDataAvailable(req, &avail));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_int_equal(avail, 0xdeadbeef);
    assert_false(WinHttpReceiveResponse(req, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_false(WinHttpCloseHandle(req)); /* second close: FALSE, 6 (spec recommendation) */
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_false(WinHttpSendRequest(NULL, NULL, 0, NULL, 0, 0, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* ---- sync notifications ------------------------------------------------ */

struct note {
    HINTERNET h;
    DWORD_PTR ctx;
    DWORD status, tid;
};
static struct note notes[256];
static volatile LONG nnotes;

static void CALLBACK record_cb(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    LONG i = InterlockedIncrement(&nnotes) - 1;

    (void)info;
    (void)len;
    if (i < 256) {
        notes[i].h = h;
        notes[i].ctx = ctx;
        notes[i].status = status;
        notes[i].tid = GetCurrentThreadId();
    }
}

static int count_notes(DWORD status, HINTERNET h)
{
    int i, n = 0;

    for (i = 0; i < nnotes && i < 256; i++)
        if (notes[i].status == status && (!h || notes[i].h == h))
            n++;
    return n;
}

/* Progress notifications on the calling thread, no completions; children
 * inherit the session's context value [T]. */
static void test_sync_notifications(void **state)
{
    HINTERNET ses = wh_session(), con, req;
    DWORD_PTR ctx = 0x77;
    unsigned char *body;
    DWORD t0;
    size_t len;
    int i;

    (void)state;
    assert_true(WinHttpSetOption(ses, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx)));
    SetLastError(0xdeadbeef);
    assert_null(
        WinHttpSetStatusCallback(ses, record_cb, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0));
    assert_int_equal(GetLastError(), 0);
    nnotes = 0;
    con = wh_connect(ses, http_port);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, con), 1);
    req = do_req(con, NULL, "/len/10");
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, req), 1);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, req), 1);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_REQUEST_SENT, req), 1);
    assert_true(count_notes(WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, req) >= 1);
    assert_true(count_notes(WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, req) >= 1);
    body = read_body(req, &len, 1);
    assert_int_equal(len, 10);
    free(body);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, NULL), 0);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, NULL), 0);
    for (i = 0; i < nnotes && i < 256; i++) {
        assert_int_equal(notes[i].tid, GetCurrentThreadId());
        assert_int_equal(notes[i].ctx, 0x77);
    }
    assert_true(WinHttpCloseHandle(req));
    for (t0 = GetTickCount();
         !count_notes(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, req) && wh_ms_since(t0) < 2000;)
        Sleep(10);
    assert_int_equal(count_notes(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, req), 1);
    WinHttpSetStatusCallback(con, NULL, 0, 0);
    WinHttpSetStatusCallback(ses, NULL, 0, 0);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wh_test_dll_is_ours),
        cmocka_unit_test(test_keep_alive), /* first: needs an empty connection pool */
        cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_redirect_control),
        cmocka_unit_test(test_post),
        cmocka_unit_test(test_request_headers),
        cmocka_unit_test(test_query_headers),
        cmocka_unit_test(test_date_headers),
        cmocka_unit_test(test_no_body),
        cmocka_unit_test(test_crack_url),
        cmocka_unit_test(test_error_paths),
        cmocka_unit_test(test_sync_notifications),
    };
    /* clang-format on */

    http_port = wh_port_or_skip("WH_HTTP_PORT");
    return cmocka_run_group_tests_name("http_sync", tests, NULL, NULL);
}
