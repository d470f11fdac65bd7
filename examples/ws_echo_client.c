/* ws_echo_client.c - an ordinary synchronous WinHTTP WebSocket client, as
 * found in Windows programs: connect, upgrade, send a text and a binary
 * message, print the echoes, close, print the close status.
 *
 * Usage: ws_echo_client.exe HOST PORT PATH
 * Built with mingw's stock <winhttp.h> and -lwinhttp; nothing else.
 */
#include <windows.h>
#include <winhttp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
    printf("%s failed: error %lu\n", what, GetLastError());
    return 1;
}

/* Receives one whole message into |buf| (chunks until a *_MESSAGE type). */
static DWORD receive_message(HINTERNET ws, BYTE *buf, DWORD cap, DWORD *len,
                             WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    DWORD err, got;

    *len = 0;
    do {
        err = WinHttpWebSocketReceive(ws, buf + *len, cap - *len, &got, type);
        if (err)
            return err;
        *len += got;
    } while (*type == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE ||
             *type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE);
    return ERROR_SUCCESS;
}

static int echo(HINTERNET ws, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, const void *data, DWORD len)
{
    BYTE buf[4096];
    DWORD got, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE rtype;

    if ((err = WinHttpWebSocketSend(ws, type, (void *)data, len)))
        return printf("send failed: %lu\n", err), 1;
    if ((err = receive_message(ws, buf, sizeof(buf), &got, &rtype)))
        return printf("receive failed: %lu\n", err), 1;
    if (rtype == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE)
        printf("echo (text, %lu bytes): %.*s\n", got, (int)got, (const char *)buf);
    else
        printf("echo (binary, %lu bytes): %s\n", got,
               got == len && !memcmp(buf, data, len) ? "identical" : "DIFFERENT");
    return 0;
}

int main(int argc, char **argv)
{
    wchar_t host[256], path[256];
    HINTERNET session, connect, request, ws;
    BYTE binary[1000], reason[123];
    USHORT status;
    DWORD reason_len, i;
    int rc = 0;

    if (argc != 4)
        return printf("usage: %s HOST PORT PATH\n", argv[0]), 2;
    MultiByteToWideChar(CP_UTF8, 0, argv[1], -1, host, 256);
    MultiByteToWideChar(CP_UTF8, 0, argv[3], -1, path, 256);
    session = WinHttpOpen(L"ws_echo_client/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    if (!session)
        return fail("WinHttpOpen");
    connect = WinHttpConnect(session, host, (INTERNET_PORT)atoi(argv[2]), 0);
    request = connect ? WinHttpOpenRequest(connect, L"GET", path, NULL, NULL, NULL, 0) : NULL;
    if (!request)
        return fail("WinHttpOpenRequest");
    if (!WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0))
        return fail("WinHttpSetOption(UPGRADE_TO_WEB_SOCKET)");
    if (!WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0))
        return fail("WinHttpSendRequest");
    if (!WinHttpReceiveResponse(request, NULL))
        return fail("WinHttpReceiveResponse");
    if (!(ws = WinHttpWebSocketCompleteUpgrade(request, 0)))
        return fail("WinHttpWebSocketCompleteUpgrade");
    WinHttpCloseHandle(request);
    printf("upgraded: ws://%s:%s%s\n", argv[1], argv[2], argv[3]);

    for (i = 0; i < sizeof(binary); i++)
        binary[i] = (BYTE)(i * 7 + 3);
    rc |= echo(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, "hello from winhttp", 18);
    rc |= echo(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, binary, sizeof(binary));

    if ((i = WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, "bye", 3)))
        return printf("close failed: %lu\n", i), 1;
    if ((i = WinHttpWebSocketQueryCloseStatus(ws, &status, reason, sizeof(reason), &reason_len)))
        return printf("query close status failed: %lu\n", i), 1;
    printf("closed: status %u, reason \"%.*s\"\n", status, (int)reason_len, (const char *)reason);
    WinHttpCloseHandle(ws);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
    return rc;
}
