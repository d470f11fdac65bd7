/* session.c - WinHttpOpen, WinHttpConnect, WinHttpCloseHandle and
 * WinHttpSetStatusCallback: the session and connect objects and the
 * exports that work on any handle. Object rules: objects.h, handle.h. */
#include "objects.h"
#include "strutil.h"

/* Native defaults (WinHttpSetTimeouts page): resolve infinite, connect 60 s,
 * send and receive 30 s; waiting for response headers 90 s. */
static const struct wh_timeouts default_timeouts = {0, 60000, 30000, 30000, 90000};
#define WS_BUFFER_DEFAULT 32768u /* websocket-api.md §10 */

static void session_destroy(struct wh_obj *o)
{
    struct wh_session *s = (struct wh_session *)o;

    wh_free(s->agent);
    wh_free(s->proxy);
    wh_free(s->bypass);
    /* Set after the last callback of the last handle of the session
     * (async-model.md §3.4): children hold references, so this is it. */
    if (s->unload_event)
        SetEvent(s->unload_event);
    wh_free(s);
}

static const struct wh_obj_ops session_ops = {NULL, session_destroy};

struct wh_session *wh_session_of(struct wh_obj *o)
{
    while (o->parent)
        o = o->parent;
    return (struct wh_session *)o;
}

HINTERNET WINAPI WinHttpOpen(LPCWSTR agent, DWORD access_type, LPCWSTR proxy, LPCWSTR bypass,
                             DWORD flags)
{
    struct wh_session *s = wh_alloc_zero(sizeof(*s));
    DWORD err;

    if (!s) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    s->agent = wh_wcsdup(agent);
    s->proxy = wh_wcsdup(proxy);
    s->bypass = wh_wcsdup(bypass);
    s->access_type = access_type;
    s->timeouts = default_timeouts;
    s->ws_recv_buf = s->ws_send_buf = WS_BUFFER_DEFAULT;
    s->redirect_policy = WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP;
    s->max_redirects = 10; /* WinHTTP's documented default */
    s->obj.async = (flags & WINHTTP_FLAG_ASYNC) != 0;
    if ((agent && !s->agent) || (proxy && !s->proxy) || (bypass && !s->bypass))
        err = ERROR_NOT_ENOUGH_MEMORY;
    else if ((err = wh_obj_register(&s->obj, WINHTTP_HANDLE_TYPE_SESSION, NULL, &session_ops)))
        wh_obj_abandon(&s->obj);
    if (err) {
        wh_free(s->agent);
        wh_free(s->proxy);
        wh_free(s->bypass);
        wh_free(s);
        SetLastError(err);
        return NULL;
    }
    SetLastError(ERROR_SUCCESS);
    return s->obj.handle;
}

static void connect_destroy(struct wh_obj *o)
{
    struct wh_connect *c = (struct wh_connect *)o;

    wh_free(c->host);
    wh_free(c);
}

static const struct wh_obj_ops connect_ops = {NULL, connect_destroy};

HINTERNET WINAPI WinHttpConnect(HINTERNET session, LPCWSTR server, INTERNET_PORT port,
                                DWORD reserved)
{
    struct wh_obj *parent;
    struct wh_connect *c;
    DWORD err;
    HINTERNET h;

    (void)reserved;
    parent = wh_handle_grab(session, WINHTTP_HANDLE_TYPE_SESSION, &err);
    if (!parent) {
        SetLastError(err);
        return NULL;
    }
    if (!server) {
        wh_obj_release(parent);
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    c = wh_alloc_zero(sizeof(*c));
    if (!c || !(c->host = wh_wcsdup(server))) {
        wh_free(c);
        wh_obj_release(parent);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    c->port = port;
    err = wh_obj_register(&c->obj, WINHTTP_HANDLE_TYPE_CONNECT, parent, &connect_ops);
    wh_obj_release(parent);
    if (err) {
        wh_obj_abandon(&c->obj);
        connect_destroy(&c->obj);
        SetLastError(err);
        return NULL;
    }
    h = c->obj.handle;
    wh_notify(&c->obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof(h));
    SetLastError(ERROR_SUCCESS);
    return h;
}

BOOL WINAPI WinHttpCloseHandle(HINTERNET h)
{
    DWORD err = wh_handle_close(h);

    SetLastError(err);
    return err == ERROR_SUCCESS;
}

WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback(HINTERNET h,
                                                        WINHTTP_STATUS_CALLBACK callback,
                                                        DWORD flags, DWORD_PTR reserved)
{
    struct wh_obj *o;
    WINHTTP_STATUS_CALLBACK old;
    DWORD err;

    (void)reserved;
    o = wh_handle_grab(h, 0, &err);
    if (!o) {
        SetLastError(err);
        return WINHTTP_INVALID_STATUS_CALLBACK;
    }
    EnterCriticalSection(&o->lock);
    old = o->callback;
    o->callback = callback;
    o->notify_flags = flags;
    LeaveCriticalSection(&o->lock);
    wh_obj_release(o);
    SetLastError(ERROR_SUCCESS);
    return old;
}
