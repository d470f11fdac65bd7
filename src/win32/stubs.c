/* stubs.c - the HTTP and WebSocket exports before they exist.
 *
 * Every function here moves to its real file (session.c, request.c,
 * websocket.c, url.c...) in issue 3. Until then each fails cleanly, the way
 * the real one fails for an argument it cannot accept:
 *   - creators that take no handle (WinHttpOpen, WinHttpCrackUrl,
 *     WinHttpCreateUrl): ERROR_CALL_NOT_IMPLEMENTED (120);
 *   - everything that takes a handle: ERROR_INVALID_HANDLE (6), because no
 *     handle can exist without WinHttpOpen. Checks the spec orders before
 *     the handle check (WinHttpSetTimeouts' values) are made first.
 * BOOL and HINTERNET functions report through SetLastError; the DWORD
 * WebSocket functions return the code and leave the last error alone.
 * No output is ever written, and no pointer argument is ever read.
 */
#include <windows.h>
#include <winhttp.h>

/* The one exit of the BOOL/HINTERNET stubs. */
static BOOL fail(DWORD err)
{
    SetLastError(err);
    return FALSE;
}

static HINTERNET fail_handle(DWORD err)
{
    SetLastError(err);
    return NULL;
}

/* --- creators that take no handle --------------------------------------- */

HINTERNET WINAPI WinHttpOpen(LPCWSTR agent, DWORD access_type, LPCWSTR proxy, LPCWSTR bypass,
                             DWORD flags)
{
    (void)agent;
    (void)access_type;
    (void)proxy;
    (void)bypass;
    (void)flags;
    return fail_handle(ERROR_CALL_NOT_IMPLEMENTED);
}

BOOL WINAPI WinHttpCrackUrl(LPCWSTR url, DWORD len, DWORD flags, LPURL_COMPONENTS components)
{
    (void)url;
    (void)len;
    (void)flags;
    (void)components;
    return fail(ERROR_CALL_NOT_IMPLEMENTED);
}

BOOL WINAPI WinHttpCreateUrl(LPURL_COMPONENTS components, DWORD flags, LPWSTR url, LPDWORD len)
{
    (void)components;
    (void)flags;
    (void)url;
    (void)len;
    return fail(ERROR_CALL_NOT_IMPLEMENTED);
}

BOOL WINAPI WinHttpCheckPlatform(void)
{
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

/* --- handle-taking HTTP functions --------------------------------------- */

HINTERNET WINAPI WinHttpConnect(HINTERNET session, LPCWSTR server, INTERNET_PORT port,
                                DWORD reserved)
{
    (void)session;
    (void)server;
    (void)port;
    (void)reserved;
    return fail_handle(ERROR_INVALID_HANDLE);
}

HINTERNET WINAPI WinHttpOpenRequest(HINTERNET connect, LPCWSTR verb, LPCWSTR object,
                                    LPCWSTR version, LPCWSTR referrer, LPCWSTR *accept_types,
                                    DWORD flags)
{
    (void)connect;
    (void)verb;
    (void)object;
    (void)version;
    (void)referrer;
    (void)accept_types;
    (void)flags;
    return fail_handle(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpSendRequest(HINTERNET request, LPCWSTR headers, DWORD headers_len,
                               LPVOID optional, DWORD optional_len, DWORD total_len,
                               DWORD_PTR context)
{
    (void)request;
    (void)headers;
    (void)headers_len;
    (void)optional;
    (void)optional_len;
    (void)total_len;
    (void)context;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpReceiveResponse(HINTERNET request, LPVOID reserved)
{
    (void)request;
    (void)reserved;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpQueryOption(HINTERNET handle, DWORD option, LPVOID buffer, LPDWORD len)
{
    (void)handle;
    (void)option;
    (void)buffer;
    (void)len;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpSetOption(HINTERNET handle, DWORD option, LPVOID buffer, DWORD len)
{
    (void)handle;
    (void)option;
    (void)buffer;
    (void)len;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpSetTimeouts(HINTERNET handle, int resolve, int connect, int send, int receive)
{
    (void)handle;
    /* Values are checked before the handle [T: exports.md §5]. */
    if (resolve < -1 || connect < -1 || send < -1 || receive < -1)
        return fail(ERROR_INVALID_PARAMETER);
    return fail(ERROR_INVALID_HANDLE);
}

WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback(HINTERNET handle,
                                                        WINHTTP_STATUS_CALLBACK callback,
                                                        DWORD flags, DWORD_PTR reserved)
{
    (void)handle;
    (void)callback;
    (void)flags;
    (void)reserved;
    SetLastError(ERROR_INVALID_HANDLE);
    return WINHTTP_INVALID_STATUS_CALLBACK;
}

BOOL WINAPI WinHttpAddRequestHeaders(HINTERNET request, LPCWSTR headers, DWORD len, DWORD modifiers)
{
    (void)request;
    (void)headers;
    (void)len;
    (void)modifiers;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpQueryHeaders(HINTERNET request, DWORD level, LPCWSTR name, LPVOID buffer,
                                LPDWORD len, LPDWORD index)
{
    (void)request;
    (void)level;
    (void)name;
    (void)buffer;
    (void)len;
    (void)index;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET request, LPDWORD available)
{
    (void)request;
    (void)available;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpReadData(HINTERNET request, LPVOID buffer, DWORD to_read, LPDWORD read)
{
    (void)request;
    (void)buffer;
    (void)to_read;
    (void)read;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpWriteData(HINTERNET request, LPCVOID buffer, DWORD to_write, LPDWORD written)
{
    (void)request;
    (void)buffer;
    (void)to_write;
    (void)written;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpQueryAuthSchemes(HINTERNET request, LPDWORD supported, LPDWORD first,
                                    LPDWORD target)
{
    (void)request;
    (void)supported;
    (void)first;
    (void)target;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpSetCredentials(HINTERNET request, DWORD targets, DWORD scheme, LPCWSTR user,
                                  LPCWSTR password, LPVOID params)
{
    (void)request;
    (void)targets;
    (void)scheme;
    (void)user;
    (void)password;
    (void)params;
    return fail(ERROR_INVALID_HANDLE);
}

BOOL WINAPI WinHttpCloseHandle(HINTERNET handle)
{
    (void)handle;
    return fail(ERROR_INVALID_HANDLE);
}

/* --- WebSocket functions ------------------------------------------------- */

HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(HINTERNET request, DWORD_PTR context)
{
    (void)request;
    (void)context;
    return fail_handle(ERROR_INVALID_HANDLE);
}

DWORD WINAPI WinHttpWebSocketSend(HINTERNET websocket, WINHTTP_WEB_SOCKET_BUFFER_TYPE type,
                                  PVOID buffer, DWORD len)
{
    (void)websocket;
    (void)type;
    (void)buffer;
    (void)len;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpWebSocketReceive(HINTERNET websocket, PVOID buffer, DWORD len, DWORD *read,
                                     WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    (void)websocket;
    (void)buffer;
    (void)len;
    (void)read;
    (void)type;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET websocket, USHORT status, PVOID reason,
                                      DWORD reason_len)
{
    (void)websocket;
    (void)status;
    (void)reason;
    (void)reason_len;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpWebSocketClose(HINTERNET websocket, USHORT status, PVOID reason,
                                   DWORD reason_len)
{
    (void)websocket;
    (void)status;
    (void)reason;
    (void)reason_len;
    return ERROR_INVALID_HANDLE;
}

DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET websocket, USHORT *status, PVOID reason,
                                              DWORD reason_len, DWORD *consumed)
{
    (void)websocket;
    (void)status;
    (void)reason;
    (void)reason_len;
    (void)consumed;
    return ERROR_INVALID_HANDLE;
}
