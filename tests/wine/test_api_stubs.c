/* test_api_stubs.c - every export's behaviour in the current state of the
 * DLL: the implemented functions (HTTP dates, proxy configuration, COM
 * entry points, WinHttpCheckPlatform) fully, and the clean failure of each
 * function that is still a stub: exact return value, exact last error (or
 * last error untouched for DWORD functions), and outputs left as they were.
 *
 * Built like a third-party program (mingw's <winhttp.h>, -lwinhttp) and run
 * against our DLL under Wine. When issue 3 implements the HTTP functions,
 * their sections here change from "fails with 6" to real tests.
 */
#include <windows.h>
#include <winhttp.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define STALE 0xdeadbeefu /* last error planted before each call */
#define FILL 0xa5         /* byte pattern planted in outputs */
#define BAD_HANDLE ((HINTERNET)(ULONG_PTR)0x1234abcd)

/* Both a NULL and a made-up handle must be refused. */
static HINTERNET const handles[2] = {NULL, BAD_HANDLE};

static int all_bytes(const void *p, size_t n, unsigned char v)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i] != v)
            return 0;
    return 1;
}

#define assert_filled(x) assert_true(all_bytes(&(x), sizeof(x), FILL))
#define assert_zeroed(x) assert_true(all_bytes(&(x), sizeof(x), 0))
#define fill(x) memset(&(x), FILL, sizeof(x))

/* ---------------------------------------------------------------------- */
/* WinHttpTimeFromSystemTime                                               */

static const SYSTEMTIME k_wine_time = {2008, 7, 1, 28, 10, 5, 52, 0};
static const wchar_t k_wine_str[] = L"Mon, 28 Jul 2008 10:05:52 GMT";

static void test_time_from_null_args(void **state)
{
    wchar_t buf[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(wchar_t)];

    (void)state;
    fill(buf);
    SetLastError(STALE);
    assert_false(WinHttpTimeFromSystemTime(NULL, buf));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_filled(buf);
    SetLastError(STALE);
    assert_false(WinHttpTimeFromSystemTime(&k_wine_time, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

/* Formats |st| into a buffer of exactly WINHTTP_TIME_FORMAT_BUFSIZE bytes
 * followed by a guard, and checks the guard survived. */
static BOOL format(const SYSTEMTIME *st, wchar_t *out)
{
    struct {
        wchar_t buf[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(wchar_t)];
        unsigned char guard[16];
    } m;
    BOOL ok;

    fill(m);
    ok = WinHttpTimeFromSystemTime(st, m.buf);
    assert_true(all_bytes(m.guard, sizeof(m.guard), FILL));
    memcpy(out, m.buf, sizeof(m.buf));
    return ok;
}

static void test_time_from_format(void **state)
{
    wchar_t buf[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(wchar_t)];
    SYSTEMTIME st = k_wine_time;

    (void)state;
    SetLastError(STALE);
    assert_true(format(&st, buf));
    assert_int_equal(GetLastError(), 0);
    assert_int_equal(wcscmp(buf, k_wine_str), 0);

    /* Extremes of the four-digit year and every field at its maximum. */
    st = (SYSTEMTIME){9999, 12, 5, 31, 23, 59, 59, 999};
    assert_true(format(&st, buf));
    assert_int_equal(wcscmp(buf, L"Fri, 31 Dec 9999 23:59:59 GMT"), 0);
    st = (SYSTEMTIME){1601, 1, 1, 1, 0, 0, 0, 0};
    assert_true(format(&st, buf));
    assert_int_equal(wcscmp(buf, L"Mon, 01 Jan 1601 00:00:00 GMT"), 0);

    /* The weekday field is printed as given (even if it disagrees)... */
    st = k_wine_time;
    st.wDayOfWeek = 3;
    assert_true(format(&st, buf));
    assert_int_equal(wcscmp(buf, L"Wed, 28 Jul 2008 10:05:52 GMT"), 0);
    /* ...unless it is no weekday at all: then it comes from the date. */
    st.wDayOfWeek = 9;
    assert_true(format(&st, buf));
    assert_int_equal(wcscmp(buf, k_wine_str), 0);
}

static void test_time_from_bad_fields(void **state)
{
    static const struct {
        WORD y, mo, d, h, mi, s;
    } bad[] = {
        {2008, 0, 28, 10, 5, 52}, {2008, 13, 28, 10, 5, 52}, {2008, 7, 0, 10, 5, 52},
        {2008, 7, 32, 10, 5, 52}, {2008, 7, 28, 24, 5, 52},  {2008, 7, 28, 10, 60, 52},
        {2008, 7, 28, 10, 5, 60}, {10000, 7, 28, 10, 5, 52}, {2008, 7, 65535, 10, 5, 52},
    };
    wchar_t buf[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(wchar_t)];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        SYSTEMTIME st = {bad[i].y, bad[i].mo, 1, bad[i].d, bad[i].h, bad[i].mi, bad[i].s, 0};

        SetLastError(STALE);
        assert_false(format(&st, buf));
        assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
        assert_filled(buf);
    }
}

/* ---------------------------------------------------------------------- */
/* WinHttpTimeToSystemTime                                                 */

static void expect_time(const wchar_t *s, WORD y, WORD mo, WORD dow, WORD d, WORD h, WORD mi,
                        WORD sec)
{
    SYSTEMTIME st;

    fill(st);
    SetLastError(STALE);
    if (!WinHttpTimeToSystemTime(s, &st))
        fail_msg("did not parse \"%ls\": error %lu", s, GetLastError());
    assert_int_equal(GetLastError(), 0);
    assert_int_equal(st.wYear, y);
    assert_int_equal(st.wMonth, mo);
    assert_int_equal(st.wDayOfWeek, dow);
    assert_int_equal(st.wDay, d);
    assert_int_equal(st.wHour, h);
    assert_int_equal(st.wMinute, mi);
    assert_int_equal(st.wSecond, sec);
    assert_int_equal(st.wMilliseconds, 0);
}

static void expect_no_time(const wchar_t *s)
{
    SYSTEMTIME st;

    fill(st);
    SetLastError(STALE);
    if (WinHttpTimeToSystemTime(s, &st))
        fail_msg("parsed \"%ls\" as %u-%u-%u", s, st.wYear, st.wMonth, st.wDay);
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_filled(st);
}

static void test_time_to_null_args(void **state)
{
    SYSTEMTIME st;

    (void)state;
    fill(st);
    SetLastError(STALE);
    assert_false(WinHttpTimeToSystemTime(NULL, &st));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_filled(st);
    SetLastError(STALE);
    assert_false(WinHttpTimeToSystemTime(k_wine_str, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void test_time_to_forms(void **state)
{
    (void)state;
    expect_time(k_wine_str, 2008, 7, 1, 28, 10, 5, 52);
    expect_time(L" mon 28 jul 2008 10 05 52\n", 2008, 7, 1, 28, 10, 5, 52); /* [T] */
    /* RFC 7231 §7.1.1.1's three forms of one instant. */
    expect_time(L"Sun, 06 Nov 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    expect_time(L"Sunday, 06-Nov-94 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    expect_time(L"Sun Nov  6 08:49:37 1994", 1994, 11, 0, 6, 8, 49, 37);
    /* Case, missing weekday, missing time, trailing words. */
    expect_time(L"MON, 28 JUL 2008 10:05:52 gmt", 2008, 7, 1, 28, 10, 5, 52);
    expect_time(L"28 Jul 2008 10:05:52", 2008, 7, 1, 28, 10, 5, 52);
    expect_time(L"Mon, 28 Jul 2008", 2008, 7, 1, 28, 0, 0, 0);
    expect_time(L"28 July 2008 10:05 GMT+0100", 2008, 7, 1, 28, 10, 5, 0);
    /* The weekday follows the date, not the text. */
    expect_time(L"Fri, 28 Jul 2008 10:05:52 GMT", 2008, 7, 1, 28, 10, 5, 52);
    /* Two-digit years: within 50 years ahead of 2000, else the 1900s. */
    expect_time(L"Friday, 01-Jan-49 00:00:00 GMT", 2049, 1, 5, 1, 0, 0, 0);
    expect_time(L"Sunday, 01-Jan-50 00:00:00 GMT", 1950, 1, 0, 1, 0, 0, 0);
    /* Leap days. */
    expect_time(L"Tue, 29 Feb 2000 12:00:00 GMT", 2000, 2, 2, 29, 12, 0, 0);
    expect_time(L"Fri, 29 Feb 2008 00:00:00 GMT", 2008, 2, 5, 29, 0, 0, 0);
}

static void test_time_to_rejects(void **state)
{
    (void)state;
    expect_no_time(L"");
    expect_no_time(L"   \r\n");
    expect_no_time(L"not a date");
    expect_no_time(L"Mon, 28 Foo 2008 10:05:52 GMT");
    expect_no_time(L"Mon, 32 Jul 2008 10:05:52 GMT");
    expect_no_time(L"Mon, 00 Jul 2008 10:05:52 GMT");
    expect_no_time(L"Thu, 29 Feb 2007 10:05:52 GMT");
    expect_no_time(L"Mon, 31 Jun 2008 10:05:52 GMT");
    expect_no_time(L"Mon, 28 Jul 2008 24:05:52 GMT");
    expect_no_time(L"Mon, 28 Jul 2008 10:60:52 GMT");
    expect_no_time(L"Mon, 28 Jul 2008 10:05:60 GMT");
    expect_no_time(L"Mon, 28 Jul 1600 10:05:52 GMT");
    expect_no_time(L"Mon, 28 Jul 99999999999 10:05:52 GMT");
    expect_no_time(L"Mon Jul 28 10:05:52");    /* asctime without its year */
    expect_no_time(L"Mon, Jul 2008 10:05:52"); /* no day */
}

/* Every formatted date parses back to itself; the weekday agrees with
 * kernel32's calendar (FileTimeToSystemTime) across four centuries and
 * more, with a step that walks through every month, day and time field. */
static void test_time_round_trip(void **state)
{
    /* 1601-01-01 .. 9999-12-31 in 100 ns units, stepping 3d 7h 11m 13s. */
    const ULONGLONG step = (((3ull * 24 + 7) * 60 + 11) * 60 + 13) * 10000000ull;
    const ULONGLONG end = 2650467743990000000ull;
    unsigned count = 0;

    (void)state;
    for (ULONGLONG t = 0; t < end; t += step, count++) {
        FILETIME ft = {(DWORD)t, (DWORD)(t >> 32)};
        wchar_t buf[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(wchar_t)];
        SYSTEMTIME st, back;

        assert_true(FileTimeToSystemTime(&ft, &st));
        st.wMilliseconds = 0;
        assert_true(WinHttpTimeFromSystemTime(&st, buf));
        assert_true(WinHttpTimeToSystemTime(buf, &back));
        if (memcmp(&st, &back, sizeof(st)) != 0)
            fail_msg("\"%ls\" came back as %u-%u-%u (dow %u) %u:%u:%u", buf, back.wYear,
                     back.wMonth, back.wDay, back.wDayOfWeek, back.wHour, back.wMinute,
                     back.wSecond);
        /* And the weekday the parser computes matches, given a bogus one. */
        st.wDayOfWeek = 7;
        assert_true(WinHttpTimeFromSystemTime(&st, buf));
        assert_true(WinHttpTimeToSystemTime(buf, &back));
        assert_int_equal(back.wDayOfWeek, (ULONG_PTR)((t / 864000000000ull + 1) % 7));
    }
    assert_true(count > 800000);
}

/* ---------------------------------------------------------------------- */
/* Proxy configuration                                                     */

static void test_default_proxy_config(void **state)
{
    WINHTTP_PROXY_INFO info;

    (void)state;
    SetLastError(STALE);
    assert_false(WinHttpGetDefaultProxyConfiguration(NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    fill(info);
    SetLastError(STALE);
    assert_true(WinHttpGetDefaultProxyConfiguration(&info));
    assert_int_equal(GetLastError(), 0);
    assert_int_equal(info.dwAccessType, WINHTTP_ACCESS_TYPE_NO_PROXY);
    assert_null(info.lpszProxy);
    assert_null(info.lpszProxyBypass);
    GlobalFree(info.lpszProxy); /* what callers do; must be harmless */
    GlobalFree(info.lpszProxyBypass);
}

static void test_ie_proxy_config(void **state)
{
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG cfg;

    (void)state;
    SetLastError(STALE);
    assert_false(WinHttpGetIEProxyConfigForCurrentUser(NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    fill(cfg);
    SetLastError(STALE);
    assert_true(WinHttpGetIEProxyConfigForCurrentUser(&cfg));
    assert_int_equal(GetLastError(), 0);
    assert_false(cfg.fAutoDetect);
    assert_null(cfg.lpszAutoConfigUrl);
    assert_null(cfg.lpszProxy);
    assert_null(cfg.lpszProxyBypass);
}

static void expect_set_default(DWORD access, const wchar_t *proxy, const wchar_t *bypass, DWORD err)
{
    WINHTTP_PROXY_INFO info = {access, (LPWSTR)proxy, (LPWSTR)bypass}, copy = info;

    SetLastError(STALE);
    assert_false(WinHttpSetDefaultProxyConfiguration(&info));
    assert_int_equal(GetLastError(), err);
    assert_memory_equal(&info, &copy, sizeof(info));
}

static void test_set_default_proxy_config(void **state)
{
    (void)state;
    SetLastError(STALE);
    assert_false(WinHttpSetDefaultProxyConfiguration(NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    /* Parameter errors first [T]... */
    expect_set_default(2, NULL, NULL, ERROR_INVALID_PARAMETER);
    expect_set_default(5, NULL, NULL, ERROR_INVALID_PARAMETER);
    expect_set_default(0xffffffff, NULL, NULL, ERROR_INVALID_PARAMETER);
    expect_set_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, NULL, NULL, ERROR_INVALID_PARAMETER);
    expect_set_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"pr\x00f6xy:80", NULL,
                       ERROR_INVALID_PARAMETER);
    expect_set_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"proxy:80", L"h\x00f6st",
                       ERROR_INVALID_PARAMETER);
    /* ...then valid settings are refused: we never write machine settings. */
    expect_set_default(WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"proxy:80", L"<local>",
                       ERROR_ACCESS_DENIED);
    expect_set_default(WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, ERROR_ACCESS_DENIED);
    expect_set_default(WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, NULL, NULL, ERROR_ACCESS_DENIED);
}

static void test_detect_auto_proxy_url(void **state)
{
    LPWSTR url;

    (void)state;
    fill(url);
    SetLastError(STALE);
    assert_false(WinHttpDetectAutoProxyConfigUrl(0, &url));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_filled(url);
    SetLastError(STALE);
    assert_false(WinHttpDetectAutoProxyConfigUrl(WINHTTP_AUTO_DETECT_TYPE_DHCP, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(STALE);
    assert_false(WinHttpDetectAutoProxyConfigUrl(
        WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A, &url));
    assert_int_equal(GetLastError(), ERROR_WINHTTP_AUTODETECTION_FAILED);
    assert_null(url);
}

static void test_free_functions(void **state)
{
    WINHTTP_PROXY_RESULT r;
    WINHTTP_PROXY_RESULT_EX rx;
    WINHTTP_PROXY_SETTINGS s;

    (void)state;
    WinHttpFreeProxyResult(NULL);
    WinHttpFreeProxyResultEx(NULL);
    WinHttpFreeProxySettings(NULL);
    /* Nothing here was allocated by the DLL (pointers are 0xa5a5...): it
     * must clear, not free. A free of these would crash. */
    fill(r);
    fill(rx);
    fill(s);
    WinHttpFreeProxyResult(&r);
    WinHttpFreeProxyResultEx(&rx);
    WinHttpFreeProxySettings(&s);
    assert_zeroed(r);
    assert_zeroed(rx);
    assert_zeroed(s);
}

static void test_proxy_handle_functions(void **state)
{
    WINHTTP_AUTOPROXY_OPTIONS opts = {
        WINHTTP_AUTOPROXY_AUTO_DETECT, WINHTTP_AUTO_DETECT_TYPE_DHCP, NULL, NULL, 0, FALSE};
    WINHTTP_PROXY_INFO info;
    WINHTTP_PROXY_RESULT r;
    WINHTTP_PROXY_RESULT_EX rx;
    WINHTTP_PROXY_SETTINGS s;
    HINTERNET resolver;
    DWORD version;
    BOOL dflt;
    BYTE sel[8];

    (void)state;
    for (int i = 0; i < 2; i++) {
        HINTERNET h = handles[i];

        fill(info), fill(r), fill(rx), fill(s), fill(resolver), fill(version), fill(dflt);
        SetLastError(STALE);
        assert_false(WinHttpGetProxyForUrl(h, L"http://example.com/", &opts, &info));
        assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
        /* The DWORD functions return the code and leave the last error. */
        SetLastError(STALE);
        assert_int_equal(WinHttpGetProxyForUrlEx(h, L"http://a/", &opts, 1), ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpGetProxyForUrlEx2(h, L"http://a/", &opts, sizeof(sel), sel, 1),
                         ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpGetProxyResult(h, &r), ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpGetProxyResultEx(h, &rx), ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpCreateProxyResolver(h, &resolver), ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpResetAutoProxy(h, 0), ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpGetProxySettingsVersion(h, &version), ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpReadProxySettings(h, NULL, FALSE, FALSE, &version, &dflt, &s),
                         ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpWriteProxySettings(h, FALSE, &s), ERROR_INVALID_HANDLE);
        assert_int_equal(GetLastError(), STALE);
        assert_filled(info), assert_filled(r), assert_filled(rx), assert_filled(s);
        assert_filled(resolver), assert_filled(version), assert_filled(dflt);
    }
}

/* ---------------------------------------------------------------------- */
/* COM entry points (private exports: found with GetProcAddress)           */

static FARPROC winhttp_proc(const char *name)
{
    FARPROC p = GetProcAddress(GetModuleHandleW(L"winhttp.dll"), name);

    assert_non_null(p);
    return p;
}

typedef HRESULT(WINAPI *fn_void)(void);
typedef HRESULT(WINAPI *fn_getclass)(REFCLSID, REFIID, void **);

static void test_com_entry_points(void **state)
{
    static const GUID clsid_request = {
        0x2087c2f4, 0x2cef, 0x4953, {0xa8, 0xab, 0x66, 0x77, 0x9b, 0x67, 0x04, 0x95}};
    static const GUID iid_classfactory = {
        0x00000001, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
    static const GUID other = {0x12345678, 0x1234, 0x1234, {1, 2, 3, 4, 5, 6, 7, 8}};
    fn_getclass get = (fn_getclass)(void (*)(void))winhttp_proc("DllGetClassObject");
    void *obj;

    (void)state;
    assert_int_equal(((fn_void)(void (*)(void))winhttp_proc("DllCanUnloadNow"))(), S_OK);
    assert_int_equal(((fn_void)(void (*)(void))winhttp_proc("DllRegisterServer"))(), S_OK);
    assert_int_equal(((fn_void)(void (*)(void))winhttp_proc("DllUnregisterServer"))(), S_OK);
    fill(obj);
    assert_int_equal(get(&clsid_request, &iid_classfactory, &obj), CLASS_E_CLASSNOTAVAILABLE);
    assert_null(obj);
    fill(obj);
    assert_int_equal(get(&other, &iid_classfactory, &obj), CLASS_E_CLASSNOTAVAILABLE);
    assert_null(obj);
    assert_int_equal(get(&clsid_request, &iid_classfactory, NULL), E_POINTER);
}

/* ---------------------------------------------------------------------- */
/* WinHttpCheckPlatform and the stubs                                      */

static void test_check_platform(void **state)
{
    (void)state;
    SetLastError(STALE);
    assert_true(WinHttpCheckPlatform());
    assert_int_equal(GetLastError(), 0);
}

static void test_no_handle_creators(void **state)
{
    HINTERNET session;

    (void)state;
    /* WinHttpOpen is real now: a session, last error 0 (async-model.md §1),
     * and a handle the other exports accept. */
    SetLastError(STALE);
    session = WinHttpOpen(L"test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    assert_non_null(session);
    assert_int_equal(GetLastError(), ERROR_SUCCESS);
    assert_true(WinHttpCloseHandle(session));
    SetLastError(STALE);
    assert_false(WinHttpCloseHandle(session));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

/* BOOL stub: FALSE with ERROR_INVALID_HANDLE. */
#define EXPECT_BOOL_6(call)                                                                        \
    do {                                                                                           \
        SetLastError(STALE);                                                                       \
        assert_false(call);                                                                        \
        assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);                                    \
    } while (0)

static void test_http_stubs(void **state)
{
    DWORD d1, d2, d3, len;
    unsigned char buf[32];
    LPCWSTR accept[] = {L"*/*", NULL};

    (void)state;
    for (int i = 0; i < 2; i++) {
        HINTERNET h = handles[i];

        fill(d1), fill(d2), fill(d3), fill(len), fill(buf);
        SetLastError(STALE);
        assert_null(WinHttpConnect(h, L"example.com", 80, 0));
        assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
        SetLastError(STALE);
        assert_null(WinHttpOpenRequest(h, L"GET", L"/", NULL, NULL, accept, 0));
        assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
        EXPECT_BOOL_6(WinHttpSendRequest(h, NULL, 0, NULL, 0, 0, 1));
        EXPECT_BOOL_6(WinHttpReceiveResponse(h, NULL));
        EXPECT_BOOL_6(WinHttpQueryOption(h, WINHTTP_OPTION_CONTEXT_VALUE, buf, &len));
        EXPECT_BOOL_6(WinHttpSetOption(h, WINHTTP_OPTION_CONTEXT_VALUE, buf, sizeof(DWORD_PTR)));
        EXPECT_BOOL_6(WinHttpAddRequestHeaders(h, L"X-A: b", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD));
        EXPECT_BOOL_6(WinHttpQueryHeaders(h, WINHTTP_QUERY_STATUS_CODE, NULL, buf, &len, &d1));
        EXPECT_BOOL_6(WinHttpQueryDataAvailable(h, &d2));
        EXPECT_BOOL_6(WinHttpReadData(h, buf, sizeof(buf), &d3));
        EXPECT_BOOL_6(WinHttpWriteData(h, "abc", 3, &d3));
        EXPECT_BOOL_6(WinHttpQueryAuthSchemes(h, &d1, &d2, &d3));
        EXPECT_BOOL_6(WinHttpSetCredentials(h, WINHTTP_AUTH_TARGET_SERVER,
                                            WINHTTP_AUTH_SCHEME_BASIC, L"u", L"p", NULL));
        EXPECT_BOOL_6(WinHttpCloseHandle(h));
        EXPECT_BOOL_6(WinHttpSetTimeouts(h, -1, 0, 30000, 30000));
        assert_filled(d1), assert_filled(d2), assert_filled(d3), assert_filled(len);
        assert_filled(buf);

        SetLastError(STALE);
        assert_ptr_equal(
            WinHttpSetStatusCallback(h, NULL, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0),
            WINHTTP_INVALID_STATUS_CALLBACK);
        assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    }
}

static void test_set_timeouts_checks_values_first(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        for (int pos = 0; pos < 4; pos++) {
            int v[4] = {-1, 0, 1000, 60000};

            v[pos] = pos % 2 ? -2 : INT_MIN;
            SetLastError(STALE);
            assert_false(WinHttpSetTimeouts(handles[i], v[0], v[1], v[2], v[3]));
            assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
        }
    }
}

static void test_websocket_stubs(void **state)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    unsigned char buf[16];
    USHORT status;
    DWORD read, consumed;

    (void)state;
    for (int i = 0; i < 2; i++) {
        HINTERNET h = handles[i];

        fill(type), fill(buf), fill(status), fill(read), fill(consumed);
        SetLastError(STALE);
        assert_null(WinHttpWebSocketCompleteUpgrade(h, 1));
        assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
        SetLastError(STALE);
        assert_int_equal(
            WinHttpWebSocketSend(h, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, buf, 4),
            ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpWebSocketReceive(h, buf, sizeof(buf), &read, &type),
                         ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpWebSocketShutdown(h, 1000, NULL, 0), ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpWebSocketClose(h, 1000, (void *)"bye", 3), ERROR_INVALID_HANDLE);
        assert_int_equal(WinHttpWebSocketQueryCloseStatus(h, &status, buf, sizeof(buf), &consumed),
                         ERROR_INVALID_HANDLE);
        assert_int_equal(GetLastError(), STALE);
        assert_filled(type), assert_filled(buf), assert_filled(status), assert_filled(read);
        assert_filled(consumed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_from_null_args),
        cmocka_unit_test(test_time_from_format),
        cmocka_unit_test(test_time_from_bad_fields),
        cmocka_unit_test(test_time_to_null_args),
        cmocka_unit_test(test_time_to_forms),
        cmocka_unit_test(test_time_to_rejects),
        cmocka_unit_test(test_time_round_trip),
        cmocka_unit_test(test_default_proxy_config),
        cmocka_unit_test(test_ie_proxy_config),
        cmocka_unit_test(test_set_default_proxy_config),
        cmocka_unit_test(test_detect_auto_proxy_url),
        cmocka_unit_test(test_free_functions),
        cmocka_unit_test(test_proxy_handle_functions),
        cmocka_unit_test(test_com_entry_points),
        cmocka_unit_test(test_check_platform),
        cmocka_unit_test(test_no_handle_creators),
        cmocka_unit_test(test_http_stubs),
        cmocka_unit_test(test_set_timeouts_checks_values_first),
        cmocka_unit_test(test_websocket_stubs),
    };
    return cmocka_run_group_tests_name("api_stubs", tests, NULL, NULL);
}
