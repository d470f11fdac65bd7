/* redirect.h - whether and where a request follows a 3xx response.
 *
 * WinHTTP follows 301, 302, 303, 307 and 308 by itself unless the
 * application disabled it (WINHTTP_OPTION_REDIRECT_POLICY NEVER, or
 * WINHTTP_DISABLE_REDIRECTS); by default it refuses to go from https to
 * http, and it gives up after WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS
 * hops. These functions only decide; request.c drives the exchange.
 * Nothing here locks or does I/O.
 */
#ifndef WH_REDIRECT_H
#define WH_REDIRECT_H

#include "wh_winhttp.h"

/* Where a request goes. All strings are heap copies owned by the holder
 * (strutil.h's allocator). |path| includes the query ("/a/b?c"). */
struct wh_target {
    WCHAR *host;
    INTERNET_PORT port; /* never 0 */
    BOOL secure;
    WCHAR *path;
};

void wh_target_free(struct wh_target *t);

/* True for the statuses WinHTTP redirects on. */
BOOL wh_redirect_status(DWORD status);

/* Resolves the Location value |loc| (|loc_len| bytes, not NUL-terminated,
 * as received) against |cur| under |policy|. On ERROR_SUCCESS, *follow
 * tells whether to go; when it is TRUE, |next| holds the new target and
 * *url the absolute URL for WINHTTP_CALLBACK_STATUS_REDIRECT (free both).
 * A Location that is not http(s), is malformed, or that |policy| forbids
 * gives *follow = FALSE: the application sees the 3xx itself. Returns
 * ERROR_NOT_ENOUGH_MEMORY or ERROR_SUCCESS. */
DWORD wh_redirect_resolve(const struct wh_target *cur, const char *loc, size_t loc_len,
                          DWORD policy, BOOL *follow, struct wh_target *next, WCHAR **url);

/* The verb of the next request: 303 turns anything but HEAD into GET,
 * 301 and 302 turn POST into GET (as browsers and WinHTTP do); 307 and
 * 308 keep the verb. Returns |verb| or a static "GET". */
const WCHAR *wh_redirect_verb(DWORD status, const WCHAR *verb);

#endif /* WH_REDIRECT_H */
