/* strutil.h - small string helpers on the process heap (wide and narrow). */
#ifndef WH_STRUTIL_H
#define WH_STRUTIL_H

#include <windows.h>

/* Heap copy of a NUL-terminated wide string; NULL for NULL or no memory. */
WCHAR *wh_wcsdup(const WCHAR *s);
/* Heap copy of |n| wide characters, NUL-terminated. */
WCHAR *wh_wcsndup(const WCHAR *s, size_t n);
/* UTF-8 heap copy of |n| wide characters (n = (size_t)-1: NUL-terminated),
 * NUL-terminated; *out_len (if not NULL) gets its length without the NUL. */
char *wh_wcs_to_utf8(const WCHAR *s, size_t n, size_t *out_len);
void wh_free(void *p);
void *wh_alloc(size_t n);      /* uninitialised */
void *wh_alloc_zero(size_t n); /* zero-filled */

#endif /* WH_STRUTIL_H */
