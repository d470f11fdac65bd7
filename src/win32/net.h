/* net.h - TCP sockets for the I/O layer: resolve, connect, non-blocking
 * send/recv, and bounded waits for readiness.
 *
 * Sockets are non-blocking once connected. An operation tries the call and,
 * on WSAEWOULDBLOCK, reports ERROR_IO_PENDING; a synchronous caller then
 * waits with wh_sock_wait and tries again (docs/design/win32.md). A wait is
 * woken early by wh_sock_cancel from another thread (handle closed), and
 * then reports ERROR_WINHTTP_OPERATION_CANCELLED.
 */
#ifndef WH_NET_H
#define WH_NET_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "wh_winhttp.h"

/* 0 or -1 (or any negative) means wait forever, as in WinHttpSetTimeouts. */
#define WH_INFINITE_MS(ms) ((ms) <= 0)

/* Loads Winsock once per process. ERROR_SUCCESS or the WSAStartup error. */
DWORD wh_net_startup(void);

/* Progress notifications raised while connecting, in native's order. */
struct wh_connect_events {
    void (*resolving)(void *ctx, const WCHAR *host);
    void (*resolved)(void *ctx, const WCHAR *addr);
    void (*connecting)(void *ctx, const WCHAR *addr);
    void (*connected)(void *ctx, const WCHAR *addr);
    void *ctx;
};

/* Resolves |host| and connects to the first address that answers within
 * |connect_ms|. |*cancel| becoming non-zero (another thread closed the
 * handle) ends the attempt. On success *out is a connected non-blocking
 * socket with TCP_NODELAY. Errors: ERROR_WINHTTP_NAME_NOT_RESOLVED,
 * ERROR_WINHTTP_CANNOT_CONNECT, ERROR_WINHTTP_TIMEOUT,
 * ERROR_WINHTTP_OPERATION_CANCELLED, ERROR_NOT_ENOUGH_MEMORY. */
DWORD wh_sock_connect(const WCHAR *host, unsigned short port, int connect_ms,
                      volatile LONG *cancel, const struct wh_connect_events *ev, SOCKET *out);

/* One non-blocking send/recv. Return ERROR_SUCCESS with *done bytes (recv:
 * 0 means the peer closed), ERROR_IO_PENDING when the call would block, or
 * ERROR_WINHTTP_CONNECTION_ERROR. */
DWORD wh_sock_send(SOCKET s, const void *p, size_t n, size_t *done);
DWORD wh_sock_recv(SOCKET s, void *p, size_t n, size_t *done);

/* Waits until |s| is writable (|for_write|) or readable, at most |ms|.
 * ERROR_SUCCESS, ERROR_WINHTTP_TIMEOUT, or ERROR_WINHTTP_OPERATION_CANCELLED
 * when *cancel is set (checked before and after the wait). */
DWORD wh_sock_wait(SOCKET s, BOOL for_write, int ms, volatile LONG *cancel);

/* Wakes every wait on |s| for good (shutdown both ways); the socket stays
 * allocated until wh_sock_close, so no other thread can see it reused. */
void wh_sock_cancel(SOCKET s);
void wh_sock_close(SOCKET s);

#endif /* WH_NET_H */
