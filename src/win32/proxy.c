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
 * The resolver/session-based functions need a handle, and no handle can
 * exist until WinHttpOpen is implemented (issue 3): they fail with
 * ERROR_INVALID_HANDLE, the first check every handle-taking API makes.
 */
#include <windows.h>
#include <winhttp.h>

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

BOOL WINAPI WinHttpGetProxyForUrl(HINTERNET session, LPCWSTR url,
                                  WINHTTP_AUTOPROXY_OPTIONS *options, WINHTTP_PROXY_INFO *info)
{
    (void)session;
    (void)url;
    (void)options;
    (void)info;
    return finish(ERROR_INVALID_HANDLE);
}

DWORD WINAPI WinHttpGetProxyForUrlEx(HINTERNET resolver, PCWSTR url,
                                     WINHTTP_AUTOPROXY_OPTIONS *options, DWORD_PTR context)
{
    (void)resolver;
    (void)url;
    (void)options;
    (void)context;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpGetProxyForUrlEx2(HINTERNET resolver, PCWSTR url,
                                      WINHTTP_AUTOPROXY_OPTIONS *options, DWORD selection_len,
                                      BYTE *selection, DWORD_PTR context)
{
    (void)resolver;
    (void)url;
    (void)options;
    (void)selection_len;
    (void)selection;
    (void)context;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpGetProxyResult(HINTERNET resolver, WINHTTP_PROXY_RESULT *result)
{
    (void)resolver;
    (void)result;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpGetProxyResultEx(HINTERNET resolver, WINHTTP_PROXY_RESULT_EX *result)
{
    (void)resolver;
    (void)result;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpCreateProxyResolver(HINTERNET session, HINTERNET *resolver)
{
    (void)session;
    (void)resolver;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpResetAutoProxy(HINTERNET session, DWORD flags)
{
    (void)session;
    (void)flags;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpGetProxySettingsVersion(HINTERNET session, DWORD *version)
{
    (void)session;
    (void)version;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpReadProxySettings(HINTERNET session, PCWSTR connection, BOOL fallback_default,
                                      BOOL set_autodiscover, DWORD *version, BOOL *default_returned,
                                      WINHTTP_PROXY_SETTINGS *settings)
{
    (void)session;
    (void)connection;
    (void)fallback_default;
    (void)set_autodiscover;
    (void)version;
    (void)default_returned;
    (void)settings;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpWriteProxySettings(HINTERNET session, BOOL force_update,
                                       WINHTTP_PROXY_SETTINGS *settings)
{
    (void)session;
    (void)force_update;
    (void)settings;
    return ERROR_INVALID_HANDLE;
}
