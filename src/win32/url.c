/* url.c - WinHttpCrackUrl and WinHttpCreateUrl.
 *
 * Cracking is one bounded pass over the caller's string (never past
 * dwUrlLength or the first NUL, whichever comes first) that records spans
 * of the input; the spans are then handed out either as pointers into the
 * URL (component pointer NULL, length nonzero) or copied, NUL-terminated,
 * into the caller's buffers (pointer and length nonzero), optionally
 * %-decoded (ICU_DECODE) or %-escaped (ICU_ESCAPE, path and extra only).
 * Creating runs the same emitter twice: once to count, once to write, so a
 * short buffer is never touched. No heap, no locale, no CRT parsing.
 *
 * Accepted grammar (only http and https, like native):
 *   scheme "://" [user [":" password] "@"] host [":" port] [path] [extra]
 * host is a name or a bracketed IPv6 literal (returned with its brackets),
 * the authority ends at the first '/', '?' or '#', and extra info starts at
 * the first '?' or '#' after it.
 */
#include "wh_winhttp.h"

#include <wchar.h>

enum { XF_NONE, XF_DECODE, XF_ESCAPE };

/* A piece of a string the caller owns; present = 0 means "absent". */
struct span {
    const WCHAR *p;
    size_t n;
    int present;
};

struct cracked {
    INTERNET_SCHEME scheme;
    INTERNET_PORT port;
    struct span scheme_name, user, pass, host, path, extra;
};

/* Counts every character and stores those that fit: the first pass runs
 * with cap 0 to measure, the second writes into a buffer known to fit. */
struct sink {
    WCHAR *buf;
    size_t cap;
    size_t n;
};

static void put(struct sink *s, WCHAR c)
{
    if (s->n < s->cap)
        s->buf[s->n] = c;
    s->n++;
}

static void put_str(struct sink *s, const WCHAR *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(s, p[i]);
}

static size_t bounded_len(const WCHAR *p, size_t max)
{
    size_t n = 0;

    while (n < max && p[n])
        n++;
    return n;
}

static WCHAR lower(WCHAR c)
{
    return (c >= L'A' && c <= L'Z') ? (WCHAR)(c - L'A' + L'a') : c;
}

static int span_ieq(const struct span *s, const WCHAR *lit)
{
    size_t i = 0;

    for (; i < s->n && lit[i]; i++)
        if (lower(s->p[i]) != lit[i])
            return 0;
    return i == s->n && !lit[i];
}

static int hexval(WCHAR c)
{
    if (c >= L'0' && c <= L'9')
        return c - L'0';
    c = lower(c);
    if (c >= L'a' && c <= L'f')
        return c - L'a' + 10;
    return -1;
}

/* --- escaping and unescaping -------------------------------------------- */

/* Characters ICU_ESCAPE encodes: controls, space, DEL and above, and the
 * "unsafe" ASCII set of Microsoft's URL canonicalization page (the percent
 * sign included, so an already-escaped string is escaped again). */
static int unsafe(WCHAR c)
{
    static const char set[] = "\"#%<>[\\]^`{|}~";

    if (c <= 0x20 || c >= 0x7f)
        return 1;
    for (const char *q = set; *q; q++)
        if ((WCHAR)*q == c)
            return 1;
    return 0;
}

static void put_pct(struct sink *s, unsigned byte)
{
    static const char hex[] = "0123456789ABCDEF";

    put(s, L'%');
    put(s, (WCHAR)hex[(byte >> 4) & 0xf]);
    put(s, (WCHAR)hex[byte & 0xf]);
}

/* Non-ASCII characters are escaped as their UTF-8 bytes (what servers
 * expect); a lone surrogate becomes U+FFFD. */
static void put_escaped(struct sink *s, const WCHAR *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned long cp = p[i];

        if (!unsafe(p[i])) {
            put(s, p[i]);
            continue;
        }
        if (cp < 0x80) {
            put_pct(s, (unsigned)cp);
            continue;
        }
        if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n && p[i + 1] >= 0xdc00 && p[i + 1] <= 0xdfff)
            cp = 0x10000 + ((cp - 0xd800) << 10) + (unsigned long)(p[++i] - 0xdc00);
        else if (cp >= 0xd800 && cp <= 0xdfff)
            cp = 0xfffd;
        if (cp < 0x800) {
            put_pct(s, (unsigned)(0xc0 | (cp >> 6)));
        } else if (cp < 0x10000) {
            put_pct(s, (unsigned)(0xe0 | (cp >> 12)));
            put_pct(s, (unsigned)(0x80 | ((cp >> 6) & 0x3f)));
        } else {
            put_pct(s, (unsigned)(0xf0 | (cp >> 18)));
            put_pct(s, (unsigned)(0x80 | ((cp >> 12) & 0x3f)));
            put_pct(s, (unsigned)(0x80 | ((cp >> 6) & 0x3f)));
        }
        put_pct(s, (unsigned)(0x80 | (cp & 0x3f)));
    }
}

/* %XX becomes the character XX (one WCHAR per escape: no UTF-8 decoding,
 * as documented). Malformed escapes and %00 stay as they are, so a decoded
 * component never contains an embedded NUL. */
static void put_decoded(struct sink *s, const WCHAR *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == L'%' && i + 2 < n) {
            int hi = hexval(p[i + 1]), lo = hexval(p[i + 2]);

            if (hi >= 0 && lo >= 0 && (hi | lo)) {
                put(s, (WCHAR)(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        put(s, p[i]);
    }
}

static void put_span(struct sink *s, const struct span *sp, int xf)
{
    if (!sp->present)
        return;
    if (xf == XF_DECODE)
        put_decoded(s, sp->p, sp->n);
    else if (xf == XF_ESCAPE)
        put_escaped(s, sp->p, sp->n);
    else
        put_str(s, sp->p, sp->n);
}

/* --- parsing ------------------------------------------------------------ */

static int scheme_char(WCHAR c)
{
    return (c >= L'a' && c <= L'z') || (c >= L'A' && c <= L'Z') || (c >= L'0' && c <= L'9') ||
           c == L'+' || c == L'-' || c == L'.';
}

/* Digits only, at most 65535; an empty port means the scheme's default. */
static DWORD parse_port(const WCHAR *p, size_t n, INTERNET_PORT *port)
{
    unsigned long v = 0;

    if (n == 0)
        return ERROR_SUCCESS;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < L'0' || p[i] > L'9')
            return ERROR_WINHTTP_INVALID_URL;
        v = v * 10 + (unsigned long)(p[i] - L'0');
        if (v > 65535)
            return ERROR_WINHTTP_INVALID_URL;
    }
    *port = (INTERNET_PORT)v;
    return ERROR_SUCCESS;
}

/* host[:port] or [v6]:port; the host must not be empty. */
static DWORD parse_hostport(const WCHAR *p, size_t n, struct cracked *c)
{
    size_t h = 0;

    if (n > 0 && p[0] == L'[') {
        while (h < n && p[h] != L']')
            h++;
        if (h == n || h < 2)
            return ERROR_WINHTTP_INVALID_URL;
        h++;
        if (h < n && p[h] != L':')
            return ERROR_WINHTTP_INVALID_URL;
    } else {
        while (h < n && p[h] != L':')
            h++;
    }
    if (h == 0)
        return ERROR_WINHTTP_INVALID_URL;
    c->host.p = p;
    c->host.n = h;
    c->host.present = 1;
    if (h == n)
        return ERROR_SUCCESS;
    return parse_port(p + h + 1, n - h - 1, &c->port);
}

/* [user[:password]@] - the last '@' ends the user info, the first ':' in
 * it separates the password. */
static void parse_userinfo(const WCHAR *p, size_t n, struct cracked *c, size_t *skip)
{
    size_t at = n, colon;

    *skip = 0;
    while (at > 0 && p[at - 1] != L'@')
        at--;
    if (at == 0)
        return;
    *skip = at;
    at--;
    for (colon = 0; colon < at && p[colon] != L':'; colon++)
        ;
    c->user.p = p;
    c->user.n = colon;
    c->user.present = 1;
    if (colon < at) {
        c->pass.p = p + colon + 1;
        c->pass.n = at - colon - 1;
        c->pass.present = 1;
    }
}

static DWORD parse_scheme(const WCHAR *url, size_t len, struct cracked *c, size_t *end)
{
    size_t i = 0;

    while (i < len && scheme_char(url[i]))
        i++;
    if (i == 0 || i == len || url[i] != L':' ||
        !((url[0] | 0x20) >= L'a' && (url[0] | 0x20) <= L'z'))
        return ERROR_WINHTTP_UNRECOGNIZED_SCHEME;
    c->scheme_name.p = url;
    c->scheme_name.n = i;
    c->scheme_name.present = 1;
    if (span_ieq(&c->scheme_name, L"http")) {
        c->scheme = INTERNET_SCHEME_HTTP;
        c->port = INTERNET_DEFAULT_HTTP_PORT;
    } else if (span_ieq(&c->scheme_name, L"https")) {
        c->scheme = INTERNET_SCHEME_HTTPS;
        c->port = INTERNET_DEFAULT_HTTPS_PORT;
    } else {
        return ERROR_WINHTTP_UNRECOGNIZED_SCHEME;
    }
    *end = i + 1;
    return ERROR_SUCCESS;
}

static DWORD parse_url(const WCHAR *url, size_t len, struct cracked *c)
{
    size_t i, a, e, skip;
    DWORD err;

    ZeroMemory(c, sizeof(*c));
    err = parse_scheme(url, len, c, &i);
    if (err)
        return err;
    if (len - i < 2 || url[i] != L'/' || url[i + 1] != L'/')
        return ERROR_WINHTTP_INVALID_URL;
    a = i + 2;
    for (e = a; e < len && url[e] != L'/' && url[e] != L'?' && url[e] != L'#'; e++)
        ;
    parse_userinfo(url + a, e - a, c, &skip);
    err = parse_hostport(url + a + skip, e - a - skip, c);
    if (err)
        return err;
    for (i = e; i < len && url[i] != L'?' && url[i] != L'#'; i++)
        ;
    c->path.p = url + e;
    c->path.n = i - e;
    c->path.present = 1;
    c->extra.p = url + i;
    c->extra.n = len - i;
    c->extra.present = 1;
    return ERROR_SUCCESS;
}

/* --- WinHttpCrackUrl ---------------------------------------------------- */

struct slot {
    LPWSTR *ptr;
    DWORD *len;
    const struct span *sp;
    int xf;
};

/* Length 0: not requested, left alone. NULL pointer: a pointer into the
 * URL (NULL, 0 for an absent user or password). Otherwise a copy. */
static DWORD fill(const struct slot *sl)
{
    struct sink s = {NULL, 0, 0};

    if (*sl->len == 0)
        return ERROR_SUCCESS;
    if (!*sl->ptr) {
        *sl->ptr = sl->sp->present ? (LPWSTR)sl->sp->p : NULL;
        *sl->len = sl->sp->present ? (DWORD)sl->sp->n : 0;
        return ERROR_SUCCESS;
    }
    put_span(&s, sl->sp, sl->xf);
    if (s.n >= MAXDWORD)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (s.n >= *sl->len) {
        *sl->len = (DWORD)(s.n + 1);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    s.buf = *sl->ptr;
    s.cap = *sl->len;
    s.n = 0;
    put_span(&s, sl->sp, sl->xf);
    (*sl->ptr)[s.n] = 0;
    *sl->len = (DWORD)s.n;
    return ERROR_SUCCESS;
}

static void make_slots(URL_COMPONENTS *uc, const struct cracked *c, DWORD flags, struct slot sl[6])
{
    int esc = (flags & ICU_ESCAPE) != 0;
    int dec = !esc && (flags & ICU_DECODE);
    int auth = dec ? XF_DECODE : XF_NONE;
    int tail = esc ? XF_ESCAPE : auth;
    const struct slot init[6] = {
        {&uc->lpszScheme, &uc->dwSchemeLength, &c->scheme_name, XF_NONE},
        {&uc->lpszHostName, &uc->dwHostNameLength, &c->host, auth},
        {&uc->lpszUserName, &uc->dwUserNameLength, &c->user, auth},
        {&uc->lpszPassword, &uc->dwPasswordLength, &c->pass, auth},
        {&uc->lpszUrlPath, &uc->dwUrlPathLength, &c->path, tail},
        {&uc->lpszExtraInfo, &uc->dwExtraInfoLength, &c->extra, tail},
    };

    for (int i = 0; i < 6; i++)
        sl[i] = init[i];
}

static DWORD crack(LPCWSTR url, DWORD url_len, DWORD flags, URL_COMPONENTS *uc)
{
    struct cracked c;
    struct slot sl[6];
    DWORD err, first = ERROR_SUCCESS;

    if (!url || !uc || uc->dwStructSize != sizeof(*uc))
        return ERROR_INVALID_PARAMETER;
    ZeroMemory(&c, sizeof(c));
    make_slots(uc, &c, flags, sl);
    /* ICU_DECODE and ICU_ESCAPE need buffers to copy into (documented). */
    if (flags & (ICU_DECODE | ICU_ESCAPE))
        for (int i = 0; i < 6; i++)
            if (*sl[i].len && !*sl[i].ptr)
                return ERROR_INVALID_PARAMETER;
    err = parse_url(url, url_len ? bounded_len(url, url_len) : wcslen(url), &c);
    if (err)
        return err;
    if ((flags & ICU_REJECT_USERPWD) && (c.user.present || c.pass.present))
        return ERROR_WINHTTP_INVALID_URL;
    uc->nScheme = c.scheme;
    uc->nPort = c.port;
    /* Every component is handled even after a short one, so a single call
     * reports the size of every buffer that was too small. */
    for (int i = 0; i < 6; i++) {
        err = fill(&sl[i]);
        if (err && !first)
            first = err;
    }
    return first;
}

BOOL WINAPI WinHttpCrackUrl(LPCWSTR url, DWORD len, DWORD flags, LPURL_COMPONENTS components)
{
    DWORD err = crack(url, len, flags, components);

    SetLastError(err);
    return err == ERROR_SUCCESS;
}

/* --- WinHttpCreateUrl --------------------------------------------------- */

struct parts {
    struct span scheme, host, user, pass, path, extra;
    int bracket;        /* IPv6 literal given without brackets */
    INTERNET_PORT port; /* 0: omitted */
};

/* Length 0 means NUL-terminated; otherwise at most that many characters,
 * stopping early at a NUL. */
static struct span in_span(const WCHAR *p, DWORD len)
{
    struct span s = {p, 0, p != NULL};

    if (p)
        s.n = len ? bounded_len(p, len) : wcslen(p);
    return s;
}

static DWORD resolve_scheme(const URL_COMPONENTS *uc, struct parts *pt)
{
    INTERNET_PORT def = 0;

    pt->scheme = in_span(uc->lpszScheme, uc->dwSchemeLength);
    if (pt->scheme.n == 0) {
        if (uc->nScheme == INTERNET_SCHEME_HTTPS)
            pt->scheme = in_span(L"https", 0);
        else if (uc->nScheme == INTERNET_SCHEME_HTTP || uc->nScheme == 0)
            pt->scheme = in_span(L"http", 0);
        else
            return ERROR_INVALID_PARAMETER;
    }
    if (span_ieq(&pt->scheme, L"http"))
        def = INTERNET_DEFAULT_HTTP_PORT;
    else if (span_ieq(&pt->scheme, L"https"))
        def = INTERNET_DEFAULT_HTTPS_PORT;
    pt->port = uc->nPort;
    if (pt->port == def)
        pt->port = 0;
    return ERROR_SUCCESS;
}

static DWORD gather(const URL_COMPONENTS *uc, DWORD flags, struct parts *pt)
{
    DWORD err = resolve_scheme(uc, pt);

    if (err)
        return err;
    pt->host = in_span(uc->lpszHostName, uc->dwHostNameLength);
    pt->user = in_span(uc->lpszUserName, uc->dwUserNameLength);
    pt->pass = in_span(uc->lpszPassword, uc->dwPasswordLength);
    pt->path = in_span(uc->lpszUrlPath, uc->dwUrlPathLength);
    pt->extra = in_span(uc->lpszExtraInfo, uc->dwExtraInfoLength);
    if (pt->host.n == 0 || (pt->pass.present && !pt->user.present))
        return ERROR_INVALID_PARAMETER;
    if ((flags & ICU_REJECT_USERPWD) && (pt->user.present || pt->pass.present))
        return ERROR_WINHTTP_INVALID_URL;
    pt->bracket = pt->host.p[0] != L'[';
    if (pt->bracket) {
        size_t i = 0;

        while (i < pt->host.n && pt->host.p[i] != L':')
            i++;
        pt->bracket = i < pt->host.n;
    }
    return ERROR_SUCCESS;
}

static void emit(struct sink *s, const struct parts *pt, DWORD flags)
{
    int xf = (flags & ICU_ESCAPE) ? XF_ESCAPE : XF_NONE;

    put_span(s, &pt->scheme, XF_NONE);
    put_str(s, L"://", 3);
    if (pt->user.present) {
        put_span(s, &pt->user, XF_NONE);
        if (pt->pass.present) {
            put(s, L':');
            put_span(s, &pt->pass, XF_NONE);
        }
        put(s, L'@');
    }
    if (pt->bracket)
        put(s, L'[');
    put_span(s, &pt->host, XF_NONE);
    if (pt->bracket)
        put(s, L']');
    if (pt->port) {
        WCHAR digits[5];
        int n = 0;

        for (unsigned v = pt->port; v; v /= 10)
            digits[n++] = (WCHAR)(L'0' + v % 10);
        put(s, L':');
        while (n > 0)
            put(s, digits[--n]);
    }
    if (pt->path.n && pt->path.p[0] != L'/')
        put(s, L'/');
    put_span(s, &pt->path, xf);
    if (xf == XF_ESCAPE && pt->extra.n && pt->extra.p[0] == L'#') {
        /* Keep the fragment's own delimiter; escape what follows it. */
        put(s, L'#');
        put_escaped(s, pt->extra.p + 1, pt->extra.n - 1);
    } else {
        put_span(s, &pt->extra, xf);
    }
}

static DWORD create(const URL_COMPONENTS *uc, DWORD flags, LPWSTR url, DWORD *len)
{
    struct parts pt;
    struct sink s = {NULL, 0, 0};
    DWORD err;

    if (!uc || !len || uc->dwStructSize != sizeof(*uc))
        return ERROR_INVALID_PARAMETER;
    err = gather(uc, flags, &pt);
    if (err)
        return err;
    emit(&s, &pt, flags);
    if (s.n >= MAXDWORD)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!url || *len <= s.n) {
        *len = (DWORD)(s.n + 1);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    s.buf = url;
    s.cap = *len;
    s.n = 0;
    emit(&s, &pt, flags);
    url[s.n] = 0;
    *len = (DWORD)s.n;
    return ERROR_SUCCESS;
}

BOOL WINAPI WinHttpCreateUrl(LPURL_COMPONENTS components, DWORD flags, LPWSTR url, LPDWORD len)
{
    DWORD err = create(components, flags, url, len);

    SetLastError(err);
    return err == ERROR_SUCCESS;
}
