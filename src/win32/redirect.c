/* redirect.c - the follow-or-not decision for 3xx responses and the
 * resolution of Location against the current target (redirect.h). */
#include "redirect.h"

#include <string.h>

#include "strutil.h"

#define DEFAULT_HTTP_PORT 80
#define DEFAULT_HTTPS_PORT 443
#define MAX_LOCATION 8192 /* longer Location values are not followed */

void wh_target_free(struct wh_target *t)
{
    wh_free(t->host);
    wh_free(t->path);
    t->host = t->path = NULL;
}

BOOL wh_redirect_status(DWORD status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

const WCHAR *wh_redirect_verb(DWORD status, const WCHAR *verb)
{
    if (status == 303 && wcscmp(verb, L"HEAD"))
        return L"GET";
    if ((status == 301 || status == 302) && !wcscmp(verb, L"POST"))
        return L"GET";
    return verb;
}

/* A heap copy of p[0..n) with a NUL. */
static WCHAR *dup_n(const WCHAR *p, size_t n)
{
    WCHAR *s = wh_alloc((n + 1) * sizeof(WCHAR));

    if (s) {
        memcpy(s, p, n * sizeof(WCHAR));
        s[n] = 0;
    }
    return s;
}

/* The Location bytes as a wide string, trimmed, without a fragment; NULL
 * (and *bad) if it is empty or holds control characters. Bytes above 0x7f
 * are taken as Latin-1: a conforming server percent-encodes them. */
static WCHAR *widen_location(const char *loc, size_t len, BOOL *bad)
{
    WCHAR *w;
    size_t i, n = 0;

    *bad = TRUE;
    while (len && (*loc == ' ' || *loc == '\t'))
        loc++, len--;
    while (len && (loc[len - 1] == ' ' || loc[len - 1] == '\t'))
        len--;
    if (!len || len > MAX_LOCATION)
        return NULL;
    for (i = 0; i < len && loc[i] != '#'; i++)
        if ((unsigned char)loc[i] < 0x20 || loc[i] == 0x7f)
            return NULL;
    *bad = FALSE;
    if (!(w = wh_alloc((i + 1) * sizeof(WCHAR))))
        return NULL;
    for (n = 0; n < i; n++)
        w[n] = (WCHAR)(unsigned char)loc[n];
    w[n] = 0;
    return w;
}

/* Length of "scheme" if |s| starts with "scheme:" (RFC 3986 §3.1), else 0. */
static size_t scheme_len(const WCHAR *s)
{
    size_t i;

    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (i = 1; s[i]; i++) {
        WCHAR c = s[i];

        if (c == ':')
            return i;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.'))
            return 0;
    }
    return 0;
}

/* An absolute http(s) URL into |next|; *ok = FALSE for anything else. */
static DWORD from_absolute(const WCHAR *url, BOOL *ok, struct wh_target *next)
{
    URL_COMPONENTS uc;
    size_t plen;

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = (DWORD)-1;
    *ok = FALSE;
    if (!WinHttpCrackUrl(url, 0, 0, &uc) || !uc.dwHostNameLength ||
        (uc.nScheme != INTERNET_SCHEME_HTTP && uc.nScheme != INTERNET_SCHEME_HTTPS))
        return ERROR_SUCCESS;
    next->secure = uc.nScheme == INTERNET_SCHEME_HTTPS;
    next->port = uc.nPort ? uc.nPort : (next->secure ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT);
    next->host = dup_n(uc.lpszHostName, uc.dwHostNameLength);
    plen = uc.dwUrlPathLength + uc.dwExtraInfoLength;
    if (!plen)
        next->path = wh_wcsdup(L"/");
    else if (uc.dwUrlPathLength)
        next->path = dup_n(uc.lpszUrlPath, plen); /* extra info follows the path */
    else if ((next->path = wh_alloc((plen + 2) * sizeof(WCHAR)))) {
        next->path[0] = '/'; /* "http://h?q" */
        memcpy(next->path + 1, uc.lpszExtraInfo, plen * sizeof(WCHAR));
        next->path[plen + 1] = 0;
    }
    if (!next->host || !next->path) {
        wh_target_free(next);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    *ok = TRUE;
    return ERROR_SUCCESS;
}

/* A path-absolute or relative reference against |cur|'s path. */
static WCHAR *merge_path(const WCHAR *cur, const WCHAR *ref)
{
    size_t keep, rlen = wcslen(ref);
    const WCHAR *q = wcschr(cur, '?');
    WCHAR *out;

    if (ref[0] == '/')
        return wh_wcsdup(ref);
    keep = q ? (size_t)(q - cur) : wcslen(cur);
    if (ref[0] != '?') /* "x" replaces the last segment; "?q" only the query */
        while (keep && cur[keep - 1] != '/')
            keep--;
    if (!(out = wh_alloc((keep + rlen + 2) * sizeof(WCHAR))))
        return NULL;
    if (!keep)
        out[keep++] = '/';
    else
        memcpy(out, cur, keep * sizeof(WCHAR));
    memcpy(out + keep, ref, (rlen + 1) * sizeof(WCHAR));
    return out;
}

/* scheme://host[:port]path of |t|, for the REDIRECT callback. */
static WCHAR *target_url(const struct wh_target *t)
{
    const WCHAR *scheme = t->secure ? L"https://" : L"http://";
    BOOL dflt = t->port == (t->secure ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT);
    size_t n = wcslen(scheme) + wcslen(t->host) + 7 + wcslen(t->path) + 1;
    WCHAR *url = wh_alloc(n * sizeof(WCHAR)), digits[8], *d = digits + 7;
    unsigned port = t->port;

    if (!url)
        return NULL;
    wcscpy(url, scheme);
    wcscat(url, t->host);
    if (!dflt) {
        *d = 0;
        do
            *--d = (WCHAR)(L'0' + port % 10);
        while (port /= 10);
        *--d = ':';
        wcscat(url, d);
    }
    wcscat(url, t->path);
    return url;
}

/* Fills |next| from the widened Location |w|. */
static DWORD resolve(const struct wh_target *cur, const WCHAR *w, BOOL *ok,
                     struct wh_target *next)
{
    if (w[0] == '/' && w[1] == '/') { /* scheme-relative */
        const WCHAR *scheme = cur->secure ? L"https:" : L"http:";
        WCHAR *abs = wh_alloc((wcslen(scheme) + wcslen(w) + 1) * sizeof(WCHAR));
        DWORD err;

        if (!abs)
            return ERROR_NOT_ENOUGH_MEMORY;
        wcscpy(abs, scheme);
        wcscat(abs, w);
        err = from_absolute(abs, ok, next);
        wh_free(abs);
        return err;
    }
    if (scheme_len(w))
        return from_absolute(w, ok, next);
    next->secure = cur->secure;
    next->port = cur->port;
    next->host = wh_wcsdup(cur->host);
    next->path = merge_path(cur->path, w);
    if (!next->host || !next->path) {
        wh_target_free(next);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    *ok = TRUE;
    return ERROR_SUCCESS;
}

DWORD wh_redirect_resolve(const struct wh_target *cur, const char *loc, size_t loc_len,
                          DWORD policy, BOOL *follow, struct wh_target *next, WCHAR **url)
{
    BOOL bad, ok = FALSE;
    WCHAR *w;
    DWORD err;

    *follow = FALSE;
    *url = NULL;
    memset(next, 0, sizeof(*next));
    if (policy == WINHTTP_OPTION_REDIRECT_POLICY_NEVER)
        return ERROR_SUCCESS;
    if (!(w = widen_location(loc, loc_len, &bad)))
        return bad ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
    err = resolve(cur, w, &ok, next);
    wh_free(w);
    if (err || !ok)
        return err;
    if (cur->secure && !next->secure &&
        policy == WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP) {
        wh_target_free(next);
        return ERROR_SUCCESS;
    }
    if (!(*url = target_url(next))) {
        wh_target_free(next);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    *follow = TRUE;
    return ERROR_SUCCESS;
}
