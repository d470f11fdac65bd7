/* proxy.c - proxy configuration exports, answering "nothing configured".
 *
 * winhttp-ng does not read or write the machine's WinHTTP proxy settings
 * (the netsh registry blob) or the per-user IE settings yet, and it has no
 * PAC/WPAD engine. So: the default configuration is "no proxy", the user's
 * settings have nothing set, auto-detection finds nothing (apps then go
 * direct), and storing machine settings is refused with ERROR_ACCESS_DENIED,
 * the answer native gives a caller without admin rights, which apps already
 * handle. Parameter checks follow exports.md §5.
 *
 * Nothing here allocates, so the WinHttpFree* functions only clear the
 * structure; they must never free what the application owns.
 *
 * The session- and resolver-based functions check their handle first, as
 * every handle-taking API does, then give the same "nothing" answers.
 */
#include "handle.h"

/* The one exit of the BOOL exports: last error set, 0 on success. */
static BOOL finish(DWORD err)
{
    SetLastError(err);
    return err == ERROR_SUCCESS;
}

BOOL WINAPI WinHttpGetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *info)
{
    if (!info)
        return finish(ERROR_INVALID_PARAMETER);
    /* Strings would be GlobalAlloc'd for the caller to GlobalFree; NULL is
     * what GlobalFree accepts and what "no proxy" carries. */
    info->dwAccessType = WINHTTP_ACCESS_TYPE_NO_PROXY;
    info->lpszProxy = NULL;
    info->lpszProxyBypass = NULL;
    return finish(ERROR_SUCCESS);
}

BOOL WINAPI WinHttpGetIEProxyConfigForCurrentUser(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG *config)
{
    if (!config)
        return finish(ERROR_INVALID_PARAMETER);
    /* fAutoDetect FALSE: telling apps to try WPAD would only send them to
     * WinHttpGetProxyForUrl, which cannot find anything yet. */
    config->fAutoDetect = FALSE;
    config->lpszAutoConfigUrl = NULL;
    config->lpszProxy = NULL;
    config->lpszProxyBypass = NULL;
    return finish(ERROR_SUCCESS);
}

/* Proxy names go into the registry blob as narrow strings: only ASCII is
 * accepted [T: a non-ASCII name is 87]. The bypass list goes into the same
 * blob, so we hold it to the same rule (not covered by a native test). */
static int is_ascii(const WCHAR *s)
{
    for (; *s; s++)
        if (*s > 0x7f)
            return 0;
    return 1;
}

BOOL WINAPI WinHttpSetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *info)
{
    if (!info)
        return finish(ERROR_INVALID_PARAMETER);
    switch (info->dwAccessType) {
    case WINHTTP_ACCESS_TYPE_DEFAULT_PROXY:
    case WINHTTP_ACCESS_TYPE_NO_PROXY:
        break;
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:
        if (!info->lpszProxy || !is_ascii(info->lpszProxy))
            return finish(ERROR_INVALID_PARAMETER);
        if (info->lpszProxyBypass && !is_ascii(info->lpszProxyBypass))
            return finish(ERROR_INVALID_PARAMETER);
        break;
    default:
        return finish(ERROR_INVALID_PARAMETER);
    }
    /* Valid, but we do not store machine-wide settings: a drop-in DLL
     * rewriting the system's proxy would surprise every other program. */
    return finish(ERROR_ACCESS_DENIED);
}

BOOL WINAPI WinHttpDetectAutoProxyConfigUrl(DWORD flags, LPWSTR *url)
{
    if (!flags || !url)
        return finish(ERROR_INVALID_PARAMETER);
    *url = NULL; /* native clears it when nothing is found [T] */
    return finish(ERROR_WINHTTP_AUTODETECTION_FAILED);
}

/* We never hand out proxy results or settings, so there is nothing of ours
 * to free; clearing keeps a second Free call harmless. */
VOID WINAPI WinHttpFreeProxyResult(WINHTTP_PROXY_RESULT *result)
{
    if (result)
        ZeroMemory(result, sizeof(*result));
}

VOID WINAPI WinHttpFreeProxyResultEx(WINHTTP_PROXY_RESULT_EX *result)
{
    if (result)
        ZeroMemory(result, sizeof(*result));
}

VOID WINAPI WinHttpFreeProxySettings(WINHTTP_PROXY_SETTINGS *settings)
{
    if (settings)
        ZeroMemory(settings, sizeof(*settings));
}

/* --- functions that need a session or resolver handle -------------------- */

/* Handle first, then its kind (exports.md §4). */
static DWORD check_handle(HINTERNET h, DWORD type)
{
    DWORD err = ERROR_SUCCESS;
    struct wh_obj *o = wh_handle_grab(h, type, &err);

    if (o)
        wh_obj_release(o);
    return err;
}

BOOL WINAPI WinHttpGetProxyForUrl(HINTERNET session, LPCWSTR url,
                                  WINHTTP_AUTOPROXY_OPTIONS *options, WINHTTP_PROXY_INFO *info)
{
    DWORD err = check_handle(session, WINHTTP_HANDLE_TYPE_SESSION);

    if (err)
        return finish(err);
    if (!url || !*url || !options || !info)
        return finish(ERROR_INVALID_PARAMETER);
    /* exports.md §5: detection needs its flags, a script URL needs a URL. */
    if ((options->dwFlags & WINHTTP_AUTOPROXY_AUTO_DETECT) && !options->dwAutoDetectFlags)
        return finish(ERROR_INVALID_PARAMETER);
    if ((options->dwFlags & WINHTTP_AUTOPROXY_CONFIG_URL) && !options->lpszAutoConfigUrl)
        return finish(ERROR_INVALID_PARAMETER);
    /* No PAC engine yet: a script cannot be fetched, nothing is detected. */
    if (options->dwFlags & WINHTTP_AUTOPROXY_CONFIG_URL)
        return finish(ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT);
    return finish(ERROR_WINHTTP_AUTODETECTION_FAILED);
}

/* Resolver handles are never created (WinHttpCreateProxyResolver is not
 * supported), so these only tell a bad handle from a wrong kind. */
DWORD WINAPI WinHttpGetProxyForUrlEx(HINTERNET resolver, PCWSTR url,
                                     WINHTTP_AUTOPROXY_OPTIONS *options, DWORD_PTR context)
{
    (void)url;
    (void)options;
    (void)context;
    return check_handle(resolver, WINHTTP_HANDLE_TYPE_PROXY_RESOLVER);
}

DWORD WINAPI WinHttpGetProxyForUrlEx2(HINTERNET resolver, PCWSTR url,
                                      WINHTTP_AUTOPROXY_OPTIONS *options, DWORD selection_len,
                                      BYTE *selection, DWORD_PTR context)
{
    (void)url;
    (void)options;
    (void)selection_len;
    (void)selection;
    (void)context;
    return check_handle(resolver, WINHTTP_HANDLE_TYPE_PROXY_RESOLVER);
}

DWORD WINAPI WinHttpGetProxyResult(HINTERNET resolver, WINHTTP_PROXY_RESULT *result)
{
    (void)result;
    return check_handle(resolver, WINHTTP_HANDLE_TYPE_PROXY_RESOLVER);
}

DWORD WINAPI WinHttpGetProxyResultEx(HINTERNET resolver, WINHTTP_PROXY_RESULT_EX *result)
{
    (void)result;
    return check_handle(resolver, WINHTTP_HANDLE_TYPE_PROXY_RESOLVER);
}

DWORD WINAPI WinHttpCreateProxyResolver(HINTERNET session, HINTERNET *resolver)
{
    DWORD err = check_handle(session, WINHTTP_HANDLE_TYPE_SESSION);

    (void)resolver;
    return err ? err : ERROR_NOT_SUPPORTED; /* the stub exports.md §1 allows */
}

DWORD WINAPI WinHttpResetAutoProxy(HINTERNET session, DWORD flags)
{
    (void)flags;
    return check_handle(session, WINHTTP_HANDLE_TYPE_SESSION); /* no cache to flush */
}

DWORD WINAPI WinHttpGetProxySettingsVersion(HINTERNET session, DWORD *version)
{
    DWORD err = check_handle(session, WINHTTP_HANDLE_TYPE_SESSION);

    if (err)
        return err;
    if (!version)
        return ERROR_INVALID_PARAMETER;
    *version = 0; /* settings never change: nothing is stored */
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpReadProxySettings(HINTERNET session, PCWSTR connection, BOOL fallback_default,
                                      BOOL set_autodiscover, DWORD *version, BOOL *default_returned,
                                      WINHTTP_PROXY_SETTINGS *settings)
{
    DWORD err = check_handle(session, WINHTTP_HANDLE_TYPE_SESSION);

    (void)connection;
    (void)fallback_default;
    (void)set_autodiscover;
    (void)version;
    (void)default_returned;
    (void)settings;
    return err ? err : ERROR_NOT_SUPPORTED;
}

DWORD WINAPI WinHttpWriteProxySettings(HINTERNET session, BOOL force_update,
                                       WINHTTP_PROXY_SETTINGS *settings)
{
    DWORD err = check_handle(session, WINHTTP_HANDLE_TYPE_SESSION);

    (void)force_update;
    (void)settings;
    return err ? err : ERROR_NOT_SUPPORTED;
}
