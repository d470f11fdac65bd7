/* conn.h - a connection: a socket (later a TLS stream over it), its input
 * buffer, and the process-wide keep-alive pool.
 *
 * Ownership: one owner at a time: a request while it sends and reads, the
 * pool while idle, a websocket after an upgrade (for good). The owner is the
 * only thread that reads or writes; |cancel| and wh_conn_cancel are the one
 * thing another thread may touch (WinHttpCloseHandle), so they are atomic.
 *
 * Input is buffered: bytes read past what an operation needed (the first
 * WebSocket frames after a 101, the next pipelined response) stay in the
 * buffer for the next operation.
 */
#ifndef WH_CONN_H
#define WH_CONN_H

#include "net.h"

#define WH_CONN_BUF 65536u /* input buffer; also the cap on a response header block */

struct wh_conn {
    SOCKET sock;
    volatile LONG cancel;      /* set by wh_conn_cancel */
    WCHAR *host;               /* pool key: host (case-insensitive), port, secure */
    unsigned short port;
    BOOL secure;
    unsigned char *buf;        /* cap bytes */
    size_t cap, max_cap;       /* see wh_conn_fill */
    size_t start, end;         /* buffered input is buf[start, end) */
    BOOL eof;                  /* the peer closed its side */
    DWORD idle_since;          /* GetTickCount when pooled */
    struct wh_conn *next;      /* pool list */
};

/* A pooled connection to (host, port, secure) if a live one exists
 * (*reused = TRUE), else a new one. Errors as wh_sock_connect. */
DWORD wh_conn_open(const WCHAR *host, unsigned short port, BOOL secure, int connect_ms,
                   const struct wh_connect_events *ev, BOOL *reused, struct wh_conn **out);

/* Gives the connection back: to the pool when |reusable| and nothing is
 * buffered, otherwise closed and freed. */
void wh_conn_put(struct wh_conn *c, BOOL reusable);
void wh_conn_free(struct wh_conn *c);
void wh_conn_cancel(struct wh_conn *c);

static inline size_t wh_conn_buffered(const struct wh_conn *c)
{
    return c->end - c->start;
}
static inline const unsigned char *wh_conn_data(const struct wh_conn *c)
{
    return c->buf + c->start;
}
void wh_conn_consume(struct wh_conn *c, size_t n);

/* One non-blocking read into the buffer (compacting it first).
 * ERROR_SUCCESS: bytes were added or eof was set. ERROR_IO_PENDING: nothing
 * to read now. ERROR_INSUFFICIENT_BUFFER: the buffer is full.
 * ERROR_WINHTTP_CONNECTION_ERROR on a reset.
 * The buffer starts at WH_CONN_BUF bytes. An owner that streams (a
 * websocket) may raise max_cap: a read that fills all the free space then
 * doubles the buffer, up to max_cap, because under Wine every recv is a
 * wineserver round trip that costs far more than copying what it brings. */
DWORD wh_conn_fill(struct wh_conn *c);

/* One non-blocking read straight into |p|, bypassing the (empty) buffer:
 * large payloads go to the application's memory without a copy. Same
 * results as wh_conn_fill; *done = 0 with eof set at end of stream. */
DWORD wh_conn_recv_direct(struct wh_conn *c, void *p, size_t n, size_t *done);

/* One non-blocking write. ERROR_SUCCESS with *done > 0, ERROR_IO_PENDING,
 * or ERROR_WINHTTP_CONNECTION_ERROR. */
DWORD wh_conn_send(struct wh_conn *c, const void *p, size_t n, size_t *done);

/* Waits for readiness (see wh_sock_wait). */
DWORD wh_conn_wait(struct wh_conn *c, BOOL for_write, int ms);

/* Synchronous conveniences: the non-blocking calls plus waits. */
DWORD wh_conn_send_all(struct wh_conn *c, const void *p, size_t n, int ms);
DWORD wh_conn_fill_wait(struct wh_conn *c, int ms);

#endif /* WH_CONN_H */
