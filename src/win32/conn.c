/* conn.c - connections and the keep-alive pool. Rules: conn.h.
 * The pool is process-wide, shared by every session (native behaviour,
 * async-model.md §3.4), guarded by pool_lock. */
#include "conn.h"

#include <string.h>

#include "strutil.h"

#define POOL_IDLE_MS 60000u /* an idle connection older than this is closed */
#define POOL_MAX 64u

static CRITICAL_SECTION pool_lock;
static LONG pool_ready; /* 0 no, 1 initialising, 2 ready */
static struct wh_conn *pool;
static unsigned pool_size;

static void pool_init(void)
{
    while (pool_ready != 2) {
        if (InterlockedCompareExchange(&pool_ready, 1, 0) == 0) {
            InitializeCriticalSection(&pool_lock);
            InterlockedExchange(&pool_ready, 2);
        } else {
            Sleep(0);
        }
    }
}

void wh_conn_free(struct wh_conn *c)
{
    if (!c)
        return;
    wh_sock_close(c->sock);
    wh_free(c->buf);
    wh_free(c->host);
    wh_free(c);
}

void wh_conn_cancel(struct wh_conn *c)
{
    /* Once is enough: Close and then CloseHandle both cancel, and under
     * Wine each shutdown() is another wineserver round trip. */
    if (InterlockedExchange(&c->cancel, 1) == 0)
        wh_sock_cancel(c->sock);
}

/* A pooled socket the server closed (or sent unsolicited bytes on) while
 * idle is useless: a zero-timeout select tells without blocking. */
static BOOL still_idle(SOCKET s)
{
    fd_set set;
    struct timeval tv = {0, 0};

    FD_ZERO(&set);
    FD_SET(s, &set);
    return select(0, &set, NULL, NULL, &tv) == 0;
}

static struct wh_conn *pool_take(const WCHAR *host, unsigned short port, BOOL secure)
{
    struct wh_conn **pp, *c, *found = NULL, *dead = NULL;
    DWORD now = GetTickCount();

    pool_init();
    EnterCriticalSection(&pool_lock);
    for (pp = &pool; (c = *pp);) {
        BOOL stale = now - c->idle_since > POOL_IDLE_MS;

        if (!stale && !found && c->port == port && c->secure == secure &&
            !lstrcmpiW(c->host, host)) {
            *pp = c->next;
            pool_size--;
            if (still_idle(c->sock)) {
                found = c;
                continue;
            }
            stale = TRUE;
            c->next = dead;
            dead = c;
            continue;
        }
        if (stale) {
            *pp = c->next;
            pool_size--;
            c->next = dead;
            dead = c;
            continue;
        }
        pp = &c->next;
    }
    LeaveCriticalSection(&pool_lock);
    while ((c = dead)) {
        dead = c->next;
        wh_conn_free(c);
    }
    return found;
}

DWORD wh_conn_open(const WCHAR *host, unsigned short port, BOOL secure, int connect_ms,
                   const struct wh_connect_events *ev, BOOL *reused, struct wh_conn **out)
{
    struct wh_conn *c = pool_take(host, port, secure);
    DWORD err;

    if (c) {
        c->cancel = 0;
        c->next = NULL;
        *reused = TRUE;
        *out = c;
        return ERROR_SUCCESS;
    }
    *reused = FALSE;
    c = wh_alloc_zero(sizeof(*c));
    if (!c)
        return ERROR_NOT_ENOUGH_MEMORY;
    c->sock = INVALID_SOCKET;
    c->port = port;
    c->secure = secure;
    c->host = wh_wcsdup(host);
    c->buf = wh_alloc(WH_CONN_BUF);
    c->cap = c->max_cap = WH_CONN_BUF;
    if (!c->host || !c->buf) {
        wh_conn_free(c);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    err = wh_sock_connect(host, port, connect_ms, &c->cancel, ev, &c->sock);
    if (err) {
        wh_conn_free(c);
        return err;
    }
    *out = c;
    return ERROR_SUCCESS;
}

void wh_conn_put(struct wh_conn *c, BOOL reusable)
{
    struct wh_conn *evict = NULL;

    if (!c)
        return;
    if (!reusable || c->eof || c->cancel || wh_conn_buffered(c)) {
        wh_conn_free(c);
        return;
    }
    pool_init();
    c->start = c->end = 0;
    c->idle_since = GetTickCount();
    EnterCriticalSection(&pool_lock);
    if (pool_size == POOL_MAX) {
        /* Drop the oldest: it is the least likely to be wanted again. */
        struct wh_conn **pp = &pool;

        while ((*pp)->next)
            pp = &(*pp)->next;
        evict = *pp;
        *pp = NULL;
        pool_size--;
    }
    c->next = pool;
    pool = c;
    pool_size++;
    LeaveCriticalSection(&pool_lock);
    wh_conn_free(evict);
}

void wh_conn_consume(struct wh_conn *c, size_t n)
{
    c->start += n;
    if (c->start == c->end)
        c->start = c->end = 0;
}

/* Doubles the buffer (within max_cap) after a read that filled it; without
 * memory it just stays as it is. */
static void grow(struct wh_conn *c)
{
    size_t want = c->cap * 2 < c->max_cap ? c->cap * 2 : c->max_cap;
    unsigned char *p;

    if (want <= c->cap || !(p = wh_alloc(want)))
        return;
    memcpy(p, c->buf + c->start, c->end - c->start);
    wh_free(c->buf);
    c->buf = p;
    c->end -= c->start;
    c->start = 0;
    c->cap = want;
}

DWORD wh_conn_fill(struct wh_conn *c)
{
    size_t got = 0, room;
    DWORD err;

    if (c->cancel)
        return ERROR_WINHTTP_OPERATION_CANCELLED;
    if (c->eof)
        return ERROR_SUCCESS;
    /* What is left is what the reader could not use yet (a partial frame
     * header, an incomplete header block): moving it keeps reads large. */
    if (c->start) {
        memmove(c->buf, c->buf + c->start, c->end - c->start);
        c->end -= c->start;
        c->start = 0;
    }
    if (c->end == c->cap)
        return ERROR_INSUFFICIENT_BUFFER;
    room = c->cap - c->end;
    err = wh_sock_recv(c->sock, c->buf + c->end, room, &got);
    if (err)
        return c->cancel ? ERROR_WINHTTP_OPERATION_CANCELLED : err;
    if (!got)
        c->eof = TRUE;
    c->end += got;
    if (got == room && c->cap < c->max_cap)
        grow(c);
    return ERROR_SUCCESS;
}

DWORD wh_conn_recv_direct(struct wh_conn *c, void *p, size_t n, size_t *done)
{
    DWORD err;

    *done = 0;
    if (c->cancel)
        return ERROR_WINHTTP_OPERATION_CANCELLED;
    if (c->eof)
        return ERROR_SUCCESS;
    err = wh_sock_recv(c->sock, p, n, done);
    if (err)
        return c->cancel ? ERROR_WINHTTP_OPERATION_CANCELLED : err;
    if (!*done)
        c->eof = TRUE;
    return ERROR_SUCCESS;
}

DWORD wh_conn_send(struct wh_conn *c, const void *p, size_t n, size_t *done)
{
    DWORD err;

    if (c->cancel)
        return ERROR_WINHTTP_OPERATION_CANCELLED;
    err = wh_sock_send(c->sock, p, n, done);
    return (err && c->cancel) ? ERROR_WINHTTP_OPERATION_CANCELLED : err;
}

DWORD wh_conn_wait(struct wh_conn *c, BOOL for_write, int ms)
{
    return wh_sock_wait(c->sock, for_write, ms, &c->cancel);
}

DWORD wh_conn_send_all(struct wh_conn *c, const void *p, size_t n, int ms)
{
    const unsigned char *q = p;
    size_t done;
    DWORD err;

    while (n) {
        err = wh_conn_send(c, q, n, &done);
        if (err == ERROR_IO_PENDING)
            err = wh_conn_wait(c, TRUE, ms);
        else if (err == ERROR_SUCCESS) {
            q += done;
            n -= done;
        }
        if (err)
            return err;
    }
    return ERROR_SUCCESS;
}

DWORD wh_conn_fill_wait(struct wh_conn *c, int ms)
{
    DWORD err;

    while ((err = wh_conn_fill(c)) == ERROR_IO_PENDING) {
        if ((err = wh_conn_wait(c, FALSE, ms)))
            return err;
    }
    return err;
}
