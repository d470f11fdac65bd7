/* strutil.c - heap string helpers. All memory comes from the process heap,
 * so it can be freed from any thread and by any module of ours. */
#include "strutil.h"

#include <string.h>

void *wh_alloc(size_t n)
{
    return HeapAlloc(GetProcessHeap(), 0, n ? n : 1);
}

void *wh_alloc_zero(size_t n)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, n ? n : 1);
}

void wh_free(void *p)
{
    if (p)
        HeapFree(GetProcessHeap(), 0, p);
}

WCHAR *wh_wcsndup(const WCHAR *s, size_t n)
{
    WCHAR *d;

    if (!s || n > ((size_t)-1) / sizeof(WCHAR) - 1)
        return NULL;
    d = wh_alloc((n + 1) * sizeof(WCHAR));
    if (!d)
        return NULL;
    memcpy(d, s, n * sizeof(WCHAR));
    d[n] = 0;
    return d;
}

WCHAR *wh_wcsdup(const WCHAR *s)
{
    return s ? wh_wcsndup(s, wcslen(s)) : NULL;
}

char *wh_wcs_to_utf8(const WCHAR *s, size_t n, size_t *out_len)
{
    int wlen, len;
    char *d;

    if (!s)
        return NULL;
    if (n == (size_t)-1)
        n = wcslen(s);
    if (n > 0x3FFFFFFF)
        return NULL;
    wlen = (int)n;
    len = wlen ? WideCharToMultiByte(CP_UTF8, 0, s, wlen, NULL, 0, NULL, NULL) : 0;
    if (wlen && len <= 0)
        return NULL;
    d = wh_alloc((size_t)len + 1);
    if (!d)
        return NULL;
    if (len)
        WideCharToMultiByte(CP_UTF8, 0, s, wlen, d, len, NULL, NULL);
    d[len] = 0;
    if (out_len)
        *out_len = (size_t)len;
    return d;
}
