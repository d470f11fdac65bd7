/* test_url.c - WinHttpCrackUrl and WinHttpCreateUrl (src/win32/url.c linked
 * directly, not the DLL; runs under Wine): the component grammar, pointer and
 * buffer modes, short buffers, ICU_* flags, every error, reads bounded by a
 * guard page, a seeded random sweep, round trips. */
#include <windows.h>
#include <winhttp.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#define SENTINEL_SCHEME ((INTERNET_SCHEME)0x7777)
#define SENTINEL_PORT ((INTERNET_PORT)0x5555)
#define BUF 128

struct bufs {
    WCHAR scheme[BUF], host[BUF], user[BUF], pass[BUF], path[BUF], extra[BUF];
};

/* Pointer mode: every component requested, no buffers. */
static void init_ptr(URL_COMPONENTS *uc)
{
    memset(uc, 0, sizeof(*uc));
    uc->dwStructSize = sizeof(*uc);
    uc->dwSchemeLength = uc->dwHostNameLength = uc->dwUserNameLength = (DWORD)-1;
    uc->dwPasswordLength = uc->dwUrlPathLength = uc->dwExtraInfoLength = (DWORD)-1;
    uc->nScheme = SENTINEL_SCHEME;
    uc->nPort = SENTINEL_PORT;
}

/* Buffer mode: every component requested into |size|-character buffers
 * pre-filled with 0xcccc so untouched buffers can be recognised. */
static void init_buf(URL_COMPONENTS *uc, struct bufs *b, DWORD size)
{
    memset(b, 0xcc, sizeof(*b));
    memset(uc, 0, sizeof(*uc));
    uc->dwStructSize = sizeof(*uc);
    uc->lpszScheme = b->scheme;
    uc->lpszHostName = b->host;
    uc->lpszUserName = b->user;
    uc->lpszPassword = b->pass;
    uc->lpszUrlPath = b->path;
    uc->lpszExtraInfo = b->extra;
    uc->dwSchemeLength = uc->dwHostNameLength = uc->dwUserNameLength = size;
    uc->dwPasswordLength = uc->dwUrlPathLength = uc->dwExtraInfoLength = size;
}

/* |p|,|n| holds exactly |want| (NULL want: absent, i.e. NULL and 0). */
static void assert_span(const WCHAR *p, DWORD n, const WCHAR *want)
{
    if (!want) {
        assert_null(p);
        assert_int_equal(n, 0);
        return;
    }
    assert_non_null(p);
    assert_int_equal(n, wcslen(want));
    assert_memory_equal(p, want, n * sizeof(WCHAR));
}

/* A copied component: NUL-terminated, length without the NUL. */
static void assert_copy(const WCHAR *buf, DWORD n, const WCHAR *want)
{
    assert_int_equal(n, wcslen(want));
    assert_true(wcscmp(buf, want) == 0);
}

/* A call failed with |err|. */
static void expect_err(BOOL ok, DWORD err)
{
    assert_false(ok);
    assert_int_equal(GetLastError(), err);
}

static BOOL crack(const WCHAR *url, DWORD len, DWORD flags, URL_COMPONENTS *uc)
{
    SetLastError(0xdeadbeef);
    return WinHttpCrackUrl(url, len, flags, uc);
}

/* --- the component grammar, both modes ---------------------------------- */

struct good {
    const WCHAR *url;
    INTERNET_SCHEME scheme;
    INTERNET_PORT port;
    const WCHAR *sch, *user, *pass, *host, *path, *extra; /* NULL user/pass: absent */
};

/* clang-format off */
static const struct good goods[] = {
    {L"http://host", 1, 80, L"http", NULL, NULL, L"host", L"", L""},
    {L"http://host/", 1, 80, L"http", NULL, NULL, L"host", L"/", L""},
    {L"https://example.com/a/b.html", 2, 443, L"https", NULL, NULL, L"example.com", L"/a/b.html", L""},
    {L"http://host:8080/p?q=1", 1, 8080, L"http", NULL, NULL, L"host", L"/p", L"?q=1"},
    {L"https://host:443/", 2, 443, L"https", NULL, NULL, L"host", L"/", L""},
    {L"https://host:80/", 2, 80, L"https", NULL, NULL, L"host", L"/", L""},
    {L"http://host:0/", 1, 0, L"http", NULL, NULL, L"host", L"/", L""},
    {L"http://host:65535", 1, 65535, L"http", NULL, NULL, L"host", L"", L""},
    {L"http://host:00080/", 1, 80, L"http", NULL, NULL, L"host", L"/", L""},
    {L"http://host:/x", 1, 80, L"http", NULL, NULL, L"host", L"/x", L""},
    {L"HTTP://Host/", 1, 80, L"HTTP", NULL, NULL, L"Host", L"/", L""},
    {L"hTTpS://h", 2, 443, L"hTTpS", NULL, NULL, L"h", L"", L""},
    {L"http://user:pass@host:81/x", 1, 81, L"http", L"user", L"pass", L"host", L"/x", L""},
    {L"http://user@host/", 1, 80, L"http", L"user", NULL, L"host", L"/", L""},
    {L"http://u:@host/", 1, 80, L"http", L"u", L"", L"host", L"/", L""},
    {L"http://:p@host/", 1, 80, L"http", L"", L"p", L"host", L"/", L""},
    {L"http://@host/", 1, 80, L"http", L"", NULL, L"host", L"/", L""},
    {L"http://a:b:c@host/", 1, 80, L"http", L"a", L"b:c", L"host", L"/", L""},
    {L"http://a@b@host/", 1, 80, L"http", L"a@b", NULL, L"host", L"/", L""},
    {L"http://[::1]:8080/x", 1, 8080, L"http", NULL, NULL, L"[::1]", L"/x", L""},
    {L"https://[fe80::1]/", 2, 443, L"https", NULL, NULL, L"[fe80::1]", L"/", L""},
    {L"http://u:p@[::1]", 1, 80, L"http", L"u", L"p", L"[::1]", L"", L""},
    {L"http://host?q", 1, 80, L"http", NULL, NULL, L"host", L"", L"?q"},
    {L"http://host#f", 1, 80, L"http", NULL, NULL, L"host", L"", L"#f"},
    {L"http://host/p?q#f", 1, 80, L"http", NULL, NULL, L"host", L"/p", L"?q#f"},
    {L"http://host/p#f?q", 1, 80, L"http", NULL, NULL, L"host", L"/p", L"#f?q"},
    {L"http://host/a b/%41", 1, 80, L"http", NULL, NULL, L"host", L"/a b/%41", L""},
    {L"http://host:8080?x", 1, 8080, L"http", NULL, NULL, L"host", L"", L"?x"},
};
/* clang-format on */
#define N_GOODS (sizeof(goods) / sizeof(goods[0]))

static void check_good_ptr(const struct good *g)
{
    URL_COMPONENTS uc;
    const WCHAR *end = g->url + wcslen(g->url);

    init_ptr(&uc);
    assert_true(crack(g->url, 0, 0, &uc));
    assert_int_equal(GetLastError(), ERROR_SUCCESS);
    assert_int_equal(uc.nScheme, g->scheme);
    assert_int_equal(uc.nPort, g->port);
    assert_span(uc.lpszScheme, uc.dwSchemeLength, g->sch);
    assert_span(uc.lpszUserName, uc.dwUserNameLength, g->user);
    assert_span(uc.lpszPassword, uc.dwPasswordLength, g->pass);
    assert_span(uc.lpszHostName, uc.dwHostNameLength, g->host);
    assert_span(uc.lpszUrlPath, uc.dwUrlPathLength, g->path);
    assert_span(uc.lpszExtraInfo, uc.dwExtraInfoLength, g->extra);
    /* Pointers point into the caller's string, in order. */
    assert_ptr_equal(uc.lpszScheme, g->url);
    assert_true(uc.lpszHostName > g->url && uc.lpszHostName < end);
    assert_true(uc.lpszUrlPath >= uc.lpszHostName + uc.dwHostNameLength);
    assert_ptr_equal(uc.lpszExtraInfo, uc.lpszUrlPath + uc.dwUrlPathLength);
    assert_ptr_equal(uc.lpszExtraInfo + uc.dwExtraInfoLength, end);
}

static void check_good_buf(const struct good *g)
{
    URL_COMPONENTS uc;
    struct bufs b;

    init_buf(&uc, &b, BUF);
    assert_true(crack(g->url, 0, 0, &uc));
    assert_int_equal(GetLastError(), ERROR_SUCCESS);
    assert_int_equal(uc.nScheme, g->scheme);
    assert_int_equal(uc.nPort, g->port);
    /* Buffers are not moved; absent user/password come back empty. */
    assert_ptr_equal(uc.lpszHostName, b.host);
    assert_copy(b.scheme, uc.dwSchemeLength, g->sch);
    assert_copy(b.user, uc.dwUserNameLength, g->user ? g->user : L"");
    assert_copy(b.pass, uc.dwPasswordLength, g->pass ? g->pass : L"");
    assert_copy(b.host, uc.dwHostNameLength, g->host);
    assert_copy(b.path, uc.dwUrlPathLength, g->path);
    assert_copy(b.extra, uc.dwExtraInfoLength, g->extra);
}

static void test_crack_good_urls_both_modes(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_GOODS; i++) {
        check_good_ptr(&goods[i]);
        check_good_buf(&goods[i]);
    }
}

/* --- errors -------------------------------------------------------------- */

#define SCHEME ERROR_WINHTTP_UNRECOGNIZED_SCHEME
#define INVALID ERROR_WINHTTP_INVALID_URL
/* clang-format off */
static const struct { const WCHAR *url; DWORD err; } bads[] = {
    {L"", SCHEME}, {L"host", SCHEME}, {L"host/path:x", SCHEME}, {L"://host/", SCHEME},
    {L"1http://host/", SCHEME}, {L"ftp://host/", SCHEME}, {L"ws://host/", SCHEME},
    {L"wss://host/", SCHEME}, {L"httpx://host/", SCHEME}, {L"htt://host/", SCHEME},
    {L"mailto:a@b", SCHEME}, {L"http:", INVALID}, {L"http:/host", INVALID},
    {L"http:host", INVALID}, {L"http:\\\\host\\p", INVALID}, {L"http://", INVALID},
    {L"http:///path", INVALID}, {L"http://:80/", INVALID}, {L"http://user@/", INVALID},
    {L"http://?q", INVALID}, {L"http://host:65536/", INVALID},
    {L"http://host:99999999999/", INVALID}, {L"http://host:abc/", INVALID},
    {L"http://host:8a/", INVALID}, {L"http://host:-1/", INVALID}, {L"http://host:+80/", INVALID},
    {L"http://host:80:81/", INVALID}, {L"http://[::1/", INVALID}, {L"http://[]/", INVALID},
    {L"http://[::1]x/", INVALID}, {L"http://[::1]:x/", INVALID},
};
/* clang-format on */
#define N_BADS (sizeof(bads) / sizeof(bads[0]))

/* Fails with |err| and leaves every output of |uc| as it was. */
static void check_bad(const WCHAR *url, DWORD len, DWORD flags, DWORD err)
{
    URL_COMPONENTS uc, before;

    init_ptr(&uc);
    before = uc;
    expect_err(crack(url, len, flags, &uc), err);
    assert_memory_equal(&uc, &before, sizeof(uc));
}

static void test_crack_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_BADS; i++)
        check_bad(bads[i].url, 0, 0, bads[i].err);
}

static void test_crack_invalid_parameters(void **state)
{
    URL_COMPONENTS uc;

    (void)state;
    check_bad(NULL, 0, 0, ERROR_INVALID_PARAMETER);
    expect_err(crack(L"http://host/", 0, 0, NULL), ERROR_INVALID_PARAMETER);
    init_ptr(&uc);
    uc.dwStructSize = sizeof(uc) - 1;
    expect_err(crack(L"http://host/", 0, 0, &uc), ERROR_INVALID_PARAMETER);
    uc.dwStructSize = 0;
    expect_err(crack(L"http://host/", 0, 0, &uc), ERROR_INVALID_PARAMETER);
    assert_null(uc.lpszHostName);
    /* ICU_DECODE and ICU_ESCAPE need buffers: pointer mode is refused. */
    check_bad(L"http://host/a%20b", 0, ICU_DECODE, ERROR_INVALID_PARAMETER);
    check_bad(L"http://host/a b", 0, ICU_ESCAPE, ERROR_INVALID_PARAMETER);
}

static void test_crack_reject_userpwd(void **state)
{
    URL_COMPONENTS uc;

    (void)state;
    check_bad(L"http://u:p@host/", 0, ICU_REJECT_USERPWD, ERROR_WINHTTP_INVALID_URL);
    check_bad(L"http://u@host/", 0, ICU_REJECT_USERPWD, ERROR_WINHTTP_INVALID_URL);
    init_ptr(&uc);
    assert_true(crack(L"http://host/a@b", 0, ICU_REJECT_USERPWD, &uc));
    assert_span(uc.lpszUrlPath, uc.dwUrlPathLength, L"/a@b");
    assert_span(uc.lpszUserName, uc.dwUserNameLength, NULL);
}

/* --- lengths, modes, short buffers -------------------------------------- */

static void test_crack_url_length(void **state)
{
    static const WCHAR url[] = L"http://host/path?xyz";
    static const WCHAR nul[] = L"http://h\0ost/path";
    URL_COMPONENTS uc;

    (void)state;
    init_ptr(&uc);
    assert_true(crack(url, 11, 0, &uc));
    assert_span(uc.lpszHostName, uc.dwHostNameLength, L"host");
    assert_span(uc.lpszUrlPath, uc.dwUrlPathLength, L"");
    assert_span(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"");
    init_ptr(&uc);
    assert_true(crack(url, 16, 0, &uc));
    assert_span(uc.lpszUrlPath, uc.dwUrlPathLength, L"/path");
    assert_span(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"");
    init_ptr(&uc);
    assert_true(crack(url, 18, 0, &uc));
    assert_span(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?x");
    /* A length cut inside the scheme or the "//". */
    check_bad(url, 4, 0, ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    check_bad(url, 6, 0, ERROR_WINHTTP_INVALID_URL);
    check_bad(url, 7, 0, ERROR_WINHTTP_INVALID_URL);
    /* The string ends at a NUL inside the given length. */
    init_ptr(&uc);
    assert_true(crack(nul, (DWORD)(sizeof(nul) / sizeof(WCHAR)), 0, &uc));
    assert_span(uc.lpszHostName, uc.dwHostNameLength, L"h");
    assert_span(uc.lpszUrlPath, uc.dwUrlPathLength, L"");
    /* (DWORD)-1 behaves like a NUL-terminated string. */
    init_ptr(&uc);
    assert_true(crack(url, (DWORD)-1, 0, &uc));
    assert_span(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?xyz");
}

static void test_crack_unrequested_left_alone(void **state)
{
    URL_COMPONENTS uc;
    struct bufs b;

    (void)state;
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    assert_true(crack(L"https://u:p@host:99/p?q", 0, 0, &uc));
    assert_int_equal(GetLastError(), ERROR_SUCCESS);
    assert_int_equal(uc.nScheme, INTERNET_SCHEME_HTTPS);
    assert_int_equal(uc.nPort, 99);
    assert_span(uc.lpszHostName, uc.dwHostNameLength, NULL);
    /* A mix: host by pointer, path by copy, the rest not requested (a
     * buffer with length 0 is not requested either and stays untouched). */
    init_buf(&uc, &b, BUF);
    uc.lpszHostName = NULL;
    uc.dwSchemeLength = uc.dwUserNameLength = uc.dwPasswordLength = uc.dwExtraInfoLength = 0;
    assert_true(crack(L"https://u:p@host:99/p?q", 0, 0, &uc));
    assert_span(uc.lpszHostName, uc.dwHostNameLength, L"host");
    assert_copy(b.path, uc.dwUrlPathLength, L"/p");
    assert_int_equal(uc.dwSchemeLength, 0);
    assert_int_equal(uc.dwUserNameLength, 0);
    assert_int_equal(uc.dwExtraInfoLength, 0);
    assert_int_equal(b.scheme[0], 0xcccc);
    assert_int_equal(b.user[0], 0xcccc);
    assert_int_equal(b.extra[0], 0xcccc);
}

static void test_crack_short_buffers(void **state)
{
    URL_COMPONENTS uc;
    struct bufs b;

    (void)state;
    /* "hostname" needs 9 with its NUL: 8 is short, 9 fits. */
    init_buf(&uc, &b, BUF);
    uc.dwHostNameLength = 8;
    expect_err(crack(L"http://hostname/path?q", 0, 0, &uc), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(uc.dwHostNameLength, 9);
    assert_int_equal(b.host[0], 0xcccc);
    /* The other components were still filled, scheme and port set. */
    assert_copy(b.scheme, uc.dwSchemeLength, L"http");
    assert_copy(b.path, uc.dwUrlPathLength, L"/path");
    assert_copy(b.extra, uc.dwExtraInfoLength, L"?q");
    assert_int_equal(uc.nScheme, INTERNET_SCHEME_HTTP);
    assert_int_equal(uc.nPort, 80);
    /* Retrying with the reported size succeeds (the lengths of the copied
     * components now hold what was copied, so they are reset too). */
    DWORD need = uc.dwHostNameLength;
    init_buf(&uc, &b, BUF);
    uc.dwHostNameLength = need;
    assert_true(crack(L"http://hostname/path?q", 0, 0, &uc));
    assert_copy(b.host, uc.dwHostNameLength, L"hostname");
    /* Several short ones each report their own size. */
    init_buf(&uc, &b, 3);
    expect_err(crack(L"https://hostname/path", 0, 0, &uc), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(uc.dwSchemeLength, 6);
    assert_int_equal(uc.dwHostNameLength, 9);
    assert_int_equal(uc.dwUrlPathLength, 6);
    assert_copy(b.user, uc.dwUserNameLength, L"");
    assert_copy(b.extra, uc.dwExtraInfoLength, L"");
    /* A one-character buffer still holds an empty component. */
    init_buf(&uc, &b, 1);
    assert_false(crack(L"http://h", 0, 0, &uc));
    assert_copy(b.path, uc.dwUrlPathLength, L"");
    assert_int_equal(uc.dwHostNameLength, 2);
}

/* --- ICU_DECODE / ICU_ESCAPE --------------------------------------------- */

static void test_crack_decode(void **state)
{
    URL_COMPONENTS uc;
    struct bufs b;

    (void)state;
    init_buf(&uc, &b, BUF);
    assert_true(crack(L"http://us%41r:p%3Aw@h%6Fst/a%20b/%zz%4?x%3d%2", 0, ICU_DECODE, &uc));
    assert_copy(b.user, uc.dwUserNameLength, L"usAr");
    assert_copy(b.pass, uc.dwPasswordLength, L"p:w");
    assert_copy(b.host, uc.dwHostNameLength, L"host");
    assert_copy(b.path, uc.dwUrlPathLength, L"/a b/%zz%4");
    assert_copy(b.extra, uc.dwExtraInfoLength, L"?x=%2");
    /* No UTF-8 decoding: each escape is one character; %00 is kept. */
    init_buf(&uc, &b, BUF);
    assert_true(crack(L"http://h/%C3%A9%00", 0, ICU_DECODE, &uc));
    assert_copy(b.path, uc.dwUrlPathLength, L"/\x00C3\x00A9%00");
    /* Short buffer: the decoded size is reported, not the raw one. */
    init_buf(&uc, &b, BUF);
    uc.dwUrlPathLength = 3;
    expect_err(crack(L"http://h/%41%42%43", 0, ICU_DECODE, &uc), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(uc.dwUrlPathLength, 5);
}

static void test_crack_escape(void **state)
{
    URL_COMPONENTS uc;
    struct bufs b;

    (void)state;
    init_buf(&uc, &b, BUF);
    assert_true(crack(L"http://h/a b\"<>\\^`{|}~[]%/ok-_.!$&'()*+,;=:@?x y#z", 0, ICU_ESCAPE, &uc));
    assert_copy(b.path, uc.dwUrlPathLength,
                L"/a%20b%22%3C%3E%5C%5E%60%7B%7C%7D%7E%5B%5D%25/ok-_.!$&'()*+,;=:@");
    assert_copy(b.extra, uc.dwExtraInfoLength, L"?x%20y%23z");
    assert_copy(b.host, uc.dwHostNameLength, L"h");
    /* Controls and non-ASCII as UTF-8; a surrogate pair is one code point. */
    init_buf(&uc, &b, BUF);
    assert_true(crack(L"http://h/\x0001\x007f\x00e9\x20ac\xd83d\xde00\xd800", 0, ICU_ESCAPE, &uc));
    assert_copy(b.path, uc.dwUrlPathLength, L"/%01%7F%C3%A9%E2%82%AC%F0%9F%98%80%EF%BF%BD");
    /* With both flags the escape wins and '%' is escaped, not decoded. */
    init_buf(&uc, &b, BUF);
    assert_true(crack(L"http://h/a%20b", 0, ICU_ESCAPE | ICU_DECODE, &uc));
    assert_copy(b.path, uc.dwUrlPathLength, L"/a%2520b");
    /* Short buffer: the escaped size is reported. */
    init_buf(&uc, &b, BUF);
    uc.dwUrlPathLength = 4;
    assert_false(crack(L"http://h/a b", 0, ICU_ESCAPE, &uc));
    assert_int_equal(uc.dwUrlPathLength, 7);
}

/* --- bounded reads: the URL ends right before a PAGE_NOACCESS page ------ */

struct guard {
    BYTE *base;
    SYSTEM_INFO si;
};

static WCHAR *guard_place(struct guard *g, const WCHAR *s, size_t n)
{
    WCHAR *dst = (WCHAR *)(g->base + g->si.dwPageSize) - n;

    memcpy(dst, s, n * sizeof(WCHAR));
    return dst;
}

static void guard_open(struct guard *g)
{
    DWORD old;

    GetSystemInfo(&g->si);
    g->base = VirtualAlloc(NULL, 2 * g->si.dwPageSize, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    assert_non_null(g->base);
    assert_true(VirtualProtect(g->base + g->si.dwPageSize, g->si.dwPageSize, PAGE_NOACCESS, &old));
}

/* Every prefix of |url|, placed without a NUL against the guard page,
 * cracks exactly like a NUL-terminated copy of that prefix. */
static void check_bounded(struct guard *g, const WCHAR *url)
{
    static const DWORD flags[] = {0, ICU_DECODE, ICU_ESCAPE, ICU_REJECT_USERPWD};
    size_t n = wcslen(url);

    for (size_t k = 1; k <= n; k++) {
        WCHAR copy[BUF];
        WCHAR *at = guard_place(g, url, k);

        memcpy(copy, url, k * sizeof(WCHAR));
        copy[k] = 0;
        for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
            URL_COMPONENTS a, b2;
            struct bufs ba, bb;
            BOOL ra, rb;
            DWORD ea;

            init_buf(&a, &ba, BUF);
            init_buf(&b2, &bb, BUF);
            ra = crack(at, (DWORD)k, flags[f], &a);
            ea = GetLastError();
            rb = crack(copy, 0, flags[f], &b2);
            assert_int_equal(ra, rb);
            assert_int_equal(ea, GetLastError());
            if (ra)
                assert_true(wcscmp(ba.path, bb.path) == 0 && wcscmp(ba.host, bb.host) == 0 &&
                            wcscmp(ba.extra, bb.extra) == 0 && a.nPort == b2.nPort);
            init_ptr(&a);
            if (!(flags[f] & (ICU_DECODE | ICU_ESCAPE)) && crack(at, (DWORD)k, flags[f], &a))
                assert_ptr_equal(a.lpszExtraInfo + a.dwExtraInfoLength, at + k);
        }
    }
}

static void test_crack_never_reads_past_length(void **state)
{
    struct guard g;

    (void)state;
    guard_open(&g);
    for (size_t i = 0; i < N_GOODS; i++)
        check_bounded(&g, goods[i].url);
    for (size_t i = 0; i < N_BADS; i++)
        check_bounded(&g, bads[i].url);
    check_bounded(&g, L"http://u%41:p%42@h:1/%4");
    VirtualFree(g.base, 0, MEM_RELEASE);
}

/* Seeded random strings over a URL-ish alphabet: every result is success
 * or a URL error, and a success's pointer-mode spans tile the input. */
static void test_crack_random_inputs(void **state)
{
    static const WCHAR alpha[] = L"htps:/@[]?#%0189aF. \\x";
    uint32_t seed = 12345;

    (void)state;
    for (int iter = 0; iter < 20000; iter++) {
        WCHAR url[48];
        size_t n = 0, len;
        URL_COMPONENTS uc;

        if (iter & 1) {
            wcscpy(url, (iter & 2) ? L"http://" : L"https:/");
            n = 7;
        }
        seed = seed * 1103515245u + 12345u;
        len = n + (seed >> 16) % 24;
        while (n < len) {
            seed = seed * 1103515245u + 12345u;
            url[n++] = alpha[(seed >> 16) % (sizeof(alpha) / sizeof(WCHAR) - 1)];
        }
        url[n] = 0;
        init_ptr(&uc);
        if (!crack(url, 0, 0, &uc)) {
            DWORD e = GetLastError();
            assert_true(e == ERROR_WINHTTP_INVALID_URL || e == ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
            continue;
        }
        assert_ptr_equal(uc.lpszScheme, url);
        assert_true(uc.lpszHostName >= url + uc.dwSchemeLength + 3);
        assert_true(uc.lpszUrlPath >= uc.lpszHostName + uc.dwHostNameLength);
        assert_ptr_equal(uc.lpszExtraInfo, uc.lpszUrlPath + uc.dwUrlPathLength);
        assert_ptr_equal(uc.lpszExtraInfo + uc.dwExtraInfoLength, url + n);
        assert_true(uc.dwHostNameLength > 0);
    }
}

/* --- WinHttpCreateUrl ---------------------------------------------------- */

static void init_create(URL_COMPONENTS *uc, INTERNET_SCHEME scheme, const WCHAR *host,
                        INTERNET_PORT port, const WCHAR *path, const WCHAR *extra)
{
    memset(uc, 0, sizeof(*uc));
    uc->dwStructSize = sizeof(*uc);
    uc->nScheme = scheme;
    uc->lpszHostName = (WCHAR *)host;
    uc->nPort = port;
    uc->lpszUrlPath = (WCHAR *)path;
    uc->lpszExtraInfo = (WCHAR *)extra;
}

/* Creates into a roomy buffer and checks the string and its length. */
static void check_create(URL_COMPONENTS *uc, DWORD flags, const WCHAR *want)
{
    WCHAR buf[BUF];
    DWORD len = BUF;

    SetLastError(0xdeadbeef);
    assert_true(WinHttpCreateUrl(uc, flags, buf, &len));
    assert_int_equal(GetLastError(), ERROR_SUCCESS);
    assert_copy(buf, len, want);
}

static void check_create_fails(URL_COMPONENTS *uc, DWORD flags, DWORD err)
{
    WCHAR buf[BUF];
    DWORD len = BUF;

    buf[0] = 0x1234;
    SetLastError(0xdeadbeef);
    expect_err(WinHttpCreateUrl(uc, flags, buf, &len), err);
    assert_int_equal(len, BUF);
    assert_int_equal(buf[0], 0x1234);
}

static void test_create_basic_and_ports(void **state)
{
    URL_COMPONENTS uc;

    (void)state;
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 80, L"/p", L"?q=1");
    check_create(&uc, 0, L"http://host/p?q=1");
    init_create(&uc, INTERNET_SCHEME_HTTPS, L"host", 443, L"/", NULL);
    check_create(&uc, 0, L"https://host/");
    init_create(&uc, INTERNET_SCHEME_HTTPS, L"host", 80, L"/", NULL);
    check_create(&uc, 0, L"https://host:80/");
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 443, NULL, NULL);
    check_create(&uc, 0, L"http://host:443");
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 65535, L"/x", NULL);
    check_create(&uc, 0, L"http://host:65535/x");
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 0, L"/x", NULL);
    check_create(&uc, 0, L"http://host/x");
    /* nScheme 0 with no scheme string means http. */
    init_create(&uc, 0, L"host", 80, L"/x", NULL);
    check_create(&uc, 0, L"http://host/x");
    /* A path without its leading '/' gets one; extra info is verbatim. */
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 80, L"p", L"#f");
    check_create(&uc, 0, L"http://host/p#f");
    /* IPv6 literals are bracketed once. */
    init_create(&uc, INTERNET_SCHEME_HTTP, L"::1", 8080, L"/", NULL);
    check_create(&uc, 0, L"http://[::1]:8080/");
    init_create(&uc, INTERNET_SCHEME_HTTP, L"[::1]", 80, L"/", NULL);
    check_create(&uc, 0, L"http://[::1]/");
}

static void test_create_scheme_string_and_lengths(void **state)
{
    URL_COMPONENTS uc;

    (void)state;
    /* The scheme string wins over nScheme and picks the default port. */
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 443, L"/", NULL);
    uc.lpszScheme = L"HTTPS";
    check_create(&uc, 0, L"HTTPS://host/");
    /* Nonzero lengths take that many characters. */
    init_create(&uc, 0, L"hostname", 80, L"/abcdef", L"?q=1&r=2");
    uc.lpszScheme = L"https://";
    uc.dwSchemeLength = 5;
    uc.dwHostNameLength = 2;
    uc.dwUrlPathLength = 3;
    uc.dwExtraInfoLength = 4;
    check_create(&uc, 0, L"https://ho:80/ab?q=1");
}

/* Component strings with explicit lengths end against the guard page. */
static void test_create_never_reads_past_lengths(void **state)
{
    struct guard g;
    URL_COMPONENTS uc;

    (void)state;
    guard_open(&g);
    /* "/p q" is followed by "hostname", which is followed by the guard:
     * reading past either length shows in the result or faults. */
    init_create(&uc, INTERNET_SCHEME_HTTP, NULL, 80, guard_place(&g, L"/p qhostname", 12), NULL);
    uc.lpszHostName = uc.lpszUrlPath + 4;
    uc.dwHostNameLength = 8;
    uc.dwUrlPathLength = 4;
    check_create(&uc, ICU_ESCAPE, L"http://hostname/p%20q");
    VirtualFree(g.base, 0, MEM_RELEASE);
}

static void test_create_credentials(void **state)
{
    URL_COMPONENTS uc;

    (void)state;
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 8080, L"/p", NULL);
    uc.lpszUserName = L"u";
    uc.lpszPassword = L"p";
    check_create(&uc, 0, L"http://u:p@host:8080/p");
    check_create_fails(&uc, ICU_REJECT_USERPWD, ERROR_WINHTTP_INVALID_URL);
    uc.lpszPassword = NULL;
    check_create(&uc, 0, L"http://u@host:8080/p");
    check_create_fails(&uc, ICU_REJECT_USERPWD, ERROR_WINHTTP_INVALID_URL);
    uc.lpszUserName = NULL;
    uc.lpszPassword = L"p";
    check_create_fails(&uc, 0, ERROR_INVALID_PARAMETER);
    uc.lpszPassword = NULL;
    check_create(&uc, ICU_REJECT_USERPWD, L"http://host:8080/p");
}

static void test_create_escape(void **state)
{
    URL_COMPONENTS uc;

    (void)state;
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 80, L"/a b\x00e9%41", L"?c d%");
    check_create(&uc, ICU_ESCAPE, L"http://host/a%20b%C3%A9%2541?c%20d%25");
    check_create(&uc, 0, L"http://host/a b\x00e9%41?c d%");
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 80, L"/p", L"#a b#c");
    check_create(&uc, ICU_ESCAPE, L"http://host/p#a%20b%23c");
}

static void test_create_sizes(void **state)
{
    URL_COMPONENTS uc;
    WCHAR buf[BUF];
    DWORD len;

    (void)state;
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 80, L"/p", NULL); /* 13 chars */
    len = 0;
    SetLastError(0xdeadbeef);
    expect_err(WinHttpCreateUrl(&uc, 0, NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, 14);
    len = 100;
    expect_err(WinHttpCreateUrl(&uc, 0, NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, 14);
    /* 13 has no room for the NUL: short, buffer untouched. */
    wmemset(buf, 0x4242, BUF);
    len = 13;
    expect_err(WinHttpCreateUrl(&uc, 0, buf, &len), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(len, 14);
    assert_int_equal(buf[0], 0x4242);
    assert_true(WinHttpCreateUrl(&uc, 0, buf, &len));
    assert_copy(buf, len, L"http://host/p");
    assert_int_equal(buf[14], 0x4242);
    /* Escaping is counted in the required size. */
    init_create(&uc, INTERNET_SCHEME_HTTP, L"h", 80, L"/ ", NULL);
    len = 0;
    assert_false(WinHttpCreateUrl(&uc, ICU_ESCAPE, NULL, &len));
    assert_int_equal(len, 13);
}

static void test_create_invalid_parameters(void **state)
{
    URL_COMPONENTS uc;
    WCHAR buf[BUF];
    DWORD len = BUF;

    (void)state;
    SetLastError(0xdeadbeef);
    expect_err(WinHttpCreateUrl(NULL, 0, buf, &len), ERROR_INVALID_PARAMETER);
    init_create(&uc, INTERNET_SCHEME_HTTP, L"host", 80, L"/", NULL);
    expect_err(WinHttpCreateUrl(&uc, 0, buf, NULL), ERROR_INVALID_PARAMETER);
    uc.dwStructSize = 0;
    check_create_fails(&uc, 0, ERROR_INVALID_PARAMETER);
    init_create(&uc, INTERNET_SCHEME_HTTP, NULL, 80, L"/", NULL);
    check_create_fails(&uc, 0, ERROR_INVALID_PARAMETER);
    init_create(&uc, INTERNET_SCHEME_HTTP, L"", 80, L"/", NULL);
    check_create_fails(&uc, 0, ERROR_INVALID_PARAMETER);
    init_create(&uc, (INTERNET_SCHEME)7, L"host", 80, L"/", NULL);
    check_create_fails(&uc, 0, ERROR_INVALID_PARAMETER);
}

/* --- round trips ---------------------------------------------------------- */

static const WCHAR *const trips[] = {
    L"http://host",
    L"http://host/",
    L"https://example.com/a/b.html?x=1&y=2#frag",
    L"http://host:8080/p?q",
    L"https://host:80/",
    L"http://user:pass@host:81/x",
    L"http://user@host/x",
    L"http://[::1]:8080/x",
    L"HTTP://Host/Path",
    L"http://host/a%20b?c%3Dd",
};

/* Crack (pointer mode, then buffer mode), create: the same string. */
static void test_round_trip_both_modes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(trips) / sizeof(trips[0]); i++) {
        URL_COMPONENTS uc;
        struct bufs b;

        init_ptr(&uc);
        assert_true(crack(trips[i], 0, 0, &uc));
        check_create(&uc, 0, trips[i]);
        init_buf(&uc, &b, BUF);
        assert_true(crack(trips[i], 0, 0, &uc));
        if (uc.dwUserNameLength == 0)
            uc.lpszUserName = NULL;
        if (uc.dwPasswordLength == 0)
            uc.lpszPassword = NULL;
        check_create(&uc, 0, trips[i]);
    }
}

/* The example on Microsoft's WinHttpCrackUrl page: crack, swap the extra
 * info for one of the same length, size query, create. */
static void test_round_trip_documented_example(void **state)
{
    static const WCHAR url1[] =
        L"http://search.msn.com/results.asp?RS=CHECKED&FORM=MSNH&v=1&q=wininet";
    URL_COMPONENTS uc;
    WCHAR buf[BUF];
    DWORD len = 0;

    (void)state;
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = (DWORD)-1;
    assert_true(crack(url1, (DWORD)wcslen(url1), 0, &uc));
    uc.lpszExtraInfo = L"?RS=CHECKED&FORM=MSNH&v=1&q=winhttp";
    assert_false(WinHttpCreateUrl(&uc, 0, NULL, &len));
    assert_int_equal(len, wcslen(url1) + 1);
    assert_true(WinHttpCreateUrl(&uc, 0, buf, &len));
    assert_copy(buf, len, L"http://search.msn.com/results.asp?RS=CHECKED&FORM=MSNH&v=1&q=winhttp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crack_good_urls_both_modes),
        cmocka_unit_test(test_crack_errors),
        cmocka_unit_test(test_crack_invalid_parameters),
        cmocka_unit_test(test_crack_reject_userpwd),
        cmocka_unit_test(test_crack_url_length),
        cmocka_unit_test(test_crack_unrequested_left_alone),
        cmocka_unit_test(test_crack_short_buffers),
        cmocka_unit_test(test_crack_decode),
        cmocka_unit_test(test_crack_escape),
        cmocka_unit_test(test_crack_never_reads_past_length),
        cmocka_unit_test(test_crack_random_inputs),
        cmocka_unit_test(test_create_basic_and_ports),
        cmocka_unit_test(test_create_scheme_string_and_lengths),
        cmocka_unit_test(test_create_credentials),
        cmocka_unit_test(test_create_escape),
        cmocka_unit_test(test_create_sizes),
        cmocka_unit_test(test_create_invalid_parameters),
        cmocka_unit_test(test_create_never_reads_past_lengths),
        cmocka_unit_test(test_round_trip_both_modes),
        cmocka_unit_test(test_round_trip_documented_example),
    };
    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
