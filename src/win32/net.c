/* net.c - Winsock under the I/O layer. Only XP-level ws2_32 functions are
 * imported (getaddrinfo, select, ioctlsocket), so the DLL loads on ReactOS. */
#include "net.h"

#include <stdio.h>
#include <string.h>

#include "strutil.h"

static LONG started; /* 0 no, 1 starting, 2 done */
static DWORD start_error;

DWORD wh_net_startup(void)
{
    WSADATA wsa;

    while (started != 2) {
        if (InterlockedCompareExchange(&started, 1, 0) == 0) {
            start_error = (DWORD)WSAStartup(MAKEWORD(2, 2), &wsa);
            InterlockedExchange(&started, 2);
        } else {
            Sleep(0);
        }
    }
    return start_error;
}

static DWORD map_wsa(int e)
{
    switch (e) {
    case WSAEWOULDBLOCK:
    case WSAEINPROGRESS:
        return ERROR_IO_PENDING;
    case WSAENOBUFS:
        return ERROR_NOT_ENOUGH_MEMORY;
    default:
        return ERROR_WINHTTP_CONNECTION_ERROR;
    }
}

DWORD wh_sock_send(SOCKET s, const void *p, size_t n, size_t *done)
{
    int len = n > 0x40000000u ? 0x40000000 : (int)n;
    int r = send(s, p, len, 0);

    if (r == SOCKET_ERROR)
        return map_wsa(WSAGetLastError());
    *done = (size_t)r;
    return ERROR_SUCCESS;
}

DWORD wh_sock_recv(SOCKET s, void *p, size_t n, size_t *done)
{
    int len = n > 0x40000000u ? 0x40000000 : (int)n;
    int r = recv(s, p, len, 0);

    if (r == SOCKET_ERROR)
        return map_wsa(WSAGetLastError());
    *done = (size_t)r;
    return ERROR_SUCCESS;
}

/* select() takes at most ~35 minutes per call on some stacks; infinite waits
 * loop in slices, which also bounds how long a missed cancel could go unseen. */
#define WAIT_SLICE_MS 1000

DWORD wh_sock_wait(SOCKET s, BOOL for_write, int ms, volatile LONG *cancel)
{
    DWORD start = GetTickCount();

    for (;;) {
        fd_set set, err;
        struct timeval tv;
        int slice = WAIT_SLICE_MS, r;

        if (cancel && *cancel)
            return ERROR_WINHTTP_OPERATION_CANCELLED;
        if (!WH_INFINITE_MS(ms)) {
            DWORD spent = GetTickCount() - start;

            if (spent >= (DWORD)ms)
                return ERROR_WINHTTP_TIMEOUT;
            if ((DWORD)ms - spent < (DWORD)slice)
                slice = (int)((DWORD)ms - spent);
        }
        FD_ZERO(&set);
        FD_ZERO(&err);
        FD_SET(s, &set);
        FD_SET(s, &err);
        tv.tv_sec = slice / 1000;
        tv.tv_usec = (slice % 1000) * 1000;
        r = select(0, for_write ? NULL : &set, for_write ? &set : NULL, &err, &tv);
        if (cancel && *cancel)
            return ERROR_WINHTTP_OPERATION_CANCELLED;
        if (r == SOCKET_ERROR)
            return ERROR_WINHTTP_CONNECTION_ERROR;
        if (r > 0)
            return ERROR_SUCCESS; /* ready or failed: the next call tells which */
    }
}

void wh_sock_cancel(SOCKET s)
{
    shutdown(s, SD_BOTH);
}

void wh_sock_close(SOCKET s)
{
    if (s != INVALID_SOCKET)
        closesocket(s);
}

static void addr_string(const struct sockaddr *sa, socklen_t len, WCHAR *out, DWORD cap)
{
    char host[NI_MAXHOST];

    out[0] = 0;
    if (getnameinfo(sa, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST) == 0)
        MultiByteToWideChar(CP_ACP, 0, host, -1, out, (int)cap);
}

/* One address: non-blocking connect, then wait for writability. */
static DWORD try_connect(const struct addrinfo *ai, int ms, volatile LONG *cancel, SOCKET *out)
{
    SOCKET s = socket(ai->ai_family, SOCK_STREAM, IPPROTO_TCP);
    u_long nonblocking = 1;
    BOOL nodelay = TRUE;
    int soerr = 0, soerr_len = sizeof(soerr);
    DWORD err;

    if (s == INVALID_SOCKET)
        return ERROR_WINHTTP_CANNOT_CONNECT;
    ioctlsocket(s, (long)FIONBIO, &nonblocking);
    /* Small writes (WebSocket frames, request heads) must not wait for the
     * peer's delayed ACK: Nagle's algorithm is what makes Wine's builtin
     * stall ~40 ms per large message. */
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay));
    if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) == 0) {
        *out = s;
        return ERROR_SUCCESS;
    }
    err = map_wsa(WSAGetLastError());
    if (err == ERROR_IO_PENDING)
        err = wh_sock_wait(s, TRUE, ms, cancel);
    if (err == ERROR_SUCCESS &&
        (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&soerr, &soerr_len) || soerr))
        err = ERROR_WINHTTP_CANNOT_CONNECT;
    else if (err == ERROR_WINHTTP_CONNECTION_ERROR)
        err = ERROR_WINHTTP_CANNOT_CONNECT;
    if (err) {
        closesocket(s);
        return err;
    }
    *out = s;
    return ERROR_SUCCESS;
}

DWORD wh_sock_connect(const WCHAR *host, unsigned short port, int connect_ms,
                      volatile LONG *cancel, const struct wh_connect_events *ev, SOCKET *out)
{
    struct addrinfo hints, *res = NULL, *ai;
    char *name, service[8];
    WCHAR addr[64];
    DWORD err;

    if ((err = wh_net_startup()))
        return err;
    if (!(name = wh_wcs_to_utf8(host, (size_t)-1, NULL)))
        return ERROR_NOT_ENOUGH_MEMORY;
    /* "[::1]" in a URL is the address ::1. */
    if (name[0] == '[' && name[strlen(name) - 1] == ']') {
        memmove(name, name + 1, strlen(name));
        name[strlen(name) - 1] = 0;
    }
    snprintf(service, sizeof(service), "%u", port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    if (ev && ev->resolving)
        ev->resolving(ev->ctx, host);
    if (getaddrinfo(name, service, &hints, &res) || !res) {
        wh_free(name);
        return ERROR_WINHTTP_NAME_NOT_RESOLVED;
    }
    wh_free(name);
    err = ERROR_WINHTTP_CANNOT_CONNECT;
    for (ai = res; ai; ai = ai->ai_next) {
        addr_string(ai->ai_addr, (socklen_t)ai->ai_addrlen, addr, 64);
        if (ai == res && ev && ev->resolved)
            ev->resolved(ev->ctx, addr);
        if (ev && ev->connecting)
            ev->connecting(ev->ctx, addr);
        err = try_connect(ai, connect_ms, cancel, out);
        if (err == ERROR_SUCCESS) {
            if (ev && ev->connected)
                ev->connected(ev->ctx, addr);
            break;
        }
        if (err == ERROR_WINHTTP_OPERATION_CANCELLED)
            break;
    }
    freeaddrinfo(res);
    return err;
}
