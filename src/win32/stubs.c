/* stubs.c - exports whose real implementation has not landed yet.
 *
 * Each fails cleanly, the way the real function fails for a request it
 * cannot serve, after the same handle and parameter checks:
 *   - authentication: no challenge is ever parsed, so WinHttpQueryAuthSchemes
 *     answers as native does before a 401 (ERROR_INVALID_OPERATION), and
 *     WinHttpSetCredentials refuses with ERROR_NOT_SUPPORTED rather than
 *     accept credentials it would never send.
 * No output is written on failure.
 */
#include "handle.h"

static BOOL fail(DWORD err)
{
    SetLastError(err);
    return FALSE;
}

BOOL WINAPI WinHttpCheckPlatform(void)
{
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

/* Handle first, then the kind (exports.md §4). */
static DWORD check_request(HINTERNET h)
{
    DWORD err = ERROR_SUCCESS;
    struct wh_obj *o = wh_handle_grab(h, WINHTTP_HANDLE_TYPE_REQUEST, &err);

    if (o)
        wh_obj_release(o);
    return err;
}

BOOL WINAPI WinHttpQueryAuthSchemes(HINTERNET request, LPDWORD supported, LPDWORD first,
                                    LPDWORD target)
{
    DWORD err = check_request(request);

    if (err)
        return fail(err);
    if (!supported || !first || !target)
        return fail(ERROR_INVALID_PARAMETER);
    return fail(ERROR_INVALID_OPERATION); /* no challenge received (exports.md §5) */
}

BOOL WINAPI WinHttpSetCredentials(HINTERNET request, DWORD targets, DWORD scheme, LPCWSTR user,
                                  LPCWSTR password, LPVOID params)
{
    DWORD err = check_request(request);

    (void)targets;
    (void)params;
    if (err)
        return fail(err);
    /* exports.md §5: Basic needs both names; Digest is refused. */
    if (scheme == WINHTTP_AUTH_SCHEME_DIGEST ||
        (scheme == WINHTTP_AUTH_SCHEME_BASIC && (!user || !password)))
        return fail(ERROR_INVALID_PARAMETER);
    return fail(ERROR_NOT_SUPPORTED);
}
