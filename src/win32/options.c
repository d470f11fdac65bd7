/* options.c - WinHttpSetOption, WinHttpQueryOption and WinHttpSetTimeouts.
 * Which option works on which handle, and the error when it does not,
 * follow native (exports.md §5, websocket-api.md §10). Options WinHTTP
 * accepts but that change nothing here (connection limits, feature
 * switches) are accepted, as native accepts them; unknown ones fail. */
#include <string.h>

#include "request.h"
#include "strutil.h"
#include "websocket.h"

#define CONNECT_RETRIES_DEFAULT 5u

static DWORD dword_arg(const void *buf, DWORD len, DWORD *v)
{
    if (!buf)
        return ERROR_INVALID_PARAMETER;
    if (len != sizeof(DWORD))
        return ERROR_INSUFFICIENT_BUFFER;
    memcpy(v, buf, sizeof(*v));
    return ERROR_SUCCESS;
}

/* Query answers: NULL or short buffer -> 122 with the size needed. */
static DWORD put_bytes(void *buf, DWORD *len, const void *v, DWORD n)
{
    if (!buf || *len < n) {
        *len = n;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(buf, v, n);
    *len = n;
    return ERROR_SUCCESS;
}

static DWORD put_dword(void *buf, DWORD *len, DWORD v)
{
    return put_bytes(buf, len, &v, sizeof(v));
}

static DWORD put_string(void *buf, DWORD *len, const WCHAR *s)
{
    DWORD n = (DWORD)((s ? wcslen(s) : 0) * sizeof(WCHAR));

    if (!buf || *len < n + sizeof(WCHAR)) {
        *len = n + sizeof(WCHAR);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    if (n)
        memcpy(buf, s, n);
    ((WCHAR *)buf)[n / sizeof(WCHAR)] = 0;
    *len = n;
    return ERROR_SUCCESS;
}

static struct wh_timeouts *timeouts_of(struct wh_obj *o)
{
    if (o->type == WINHTTP_HANDLE_TYPE_SESSION)
        return &((struct wh_session *)o)->timeouts;
    if (o->type == WINHTTP_HANDLE_TYPE_REQUEST)
        return &((struct wh_request *)o)->timeouts;
    return NULL;
}

static int *timeout_field(struct wh_timeouts *t, DWORD option)
{
    switch (option) {
    case WINHTTP_OPTION_RESOLVE_TIMEOUT: return &t->resolve;
    case WINHTTP_OPTION_CONNECT_TIMEOUT: return &t->connect;
    case WINHTTP_OPTION_SEND_TIMEOUT: return &t->send;
    case WINHTTP_OPTION_RECEIVE_TIMEOUT: return &t->receive;
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT: return &t->receive_response;
    default: return NULL;
    }
}

static DWORD *ws_buffer_field(struct wh_obj *o, DWORD option)
{
    BOOL recv = option == WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE;

    if (o->type == WINHTTP_HANDLE_TYPE_SESSION)
        return recv ? &((struct wh_session *)o)->ws_recv_buf : &((struct wh_session *)o)->ws_send_buf;
    if (o->type == WINHTTP_HANDLE_TYPE_REQUEST)
        return recv ? &((struct wh_request *)o)->ws_recv_buf : &((struct wh_request *)o)->ws_send_buf;
    return NULL;
}

/* Called with o->lock held. */
static DWORD query_locked(struct wh_obj *o, DWORD option, void *buf, DWORD *len)
{
    struct wh_timeouts *t = timeouts_of(o);
    DWORD *wsbuf;

    switch (option) {
    case WINHTTP_OPTION_CONTEXT_VALUE:
        return put_bytes(buf, len, &o->context, sizeof(o->context));
    case WINHTTP_OPTION_CALLBACK:
        return put_bytes(buf, len, &o->callback, sizeof(o->callback));
    case WINHTTP_OPTION_HANDLE_TYPE:
        return put_dword(buf, len, o->type);
    case WINHTTP_OPTION_RESOLVE_TIMEOUT:
    case WINHTTP_OPTION_CONNECT_TIMEOUT:
    case WINHTTP_OPTION_SEND_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT:
        /* A connect handle answers with its session's values (§5). */
        if (!t && o->type == WINHTTP_HANDLE_TYPE_CONNECT)
            t = &wh_session_of(o)->timeouts;
        if (!t)
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return put_dword(buf, len, (DWORD)*timeout_field(t, option));
    case WINHTTP_OPTION_CONNECT_RETRIES:
        return put_dword(buf, len, CONNECT_RETRIES_DEFAULT);
    case WINHTTP_OPTION_WORKER_THREAD_COUNT:
        return put_dword(buf, len, 0); /* "one per CPU" (async-model.md §1) */
    case WINHTTP_OPTION_USER_AGENT:
        if (o->type != WINHTTP_HANDLE_TYPE_SESSION)
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return put_string(buf, len, ((struct wh_session *)o)->agent);
    case WINHTTP_OPTION_REDIRECT_POLICY:
        if (o->type == WINHTTP_HANDLE_TYPE_REQUEST)
            return put_dword(buf, len, ((struct wh_request *)o)->redirect_policy);
        return put_dword(buf, len, wh_session_of(o)->redirect_policy);
    case WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS:
        if (o->type == WINHTTP_HANDLE_TYPE_REQUEST)
            return put_dword(buf, len, ((struct wh_request *)o)->max_redirects);
        return put_dword(buf, len, wh_session_of(o)->max_redirects);
    case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE:
    case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE:
        if (!(wsbuf = ws_buffer_field(o, option)))
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return put_dword(buf, len, *wsbuf);
    case WINHTTP_OPTION_SECURITY_FLAGS:
        if (o->type != WINHTTP_HANDLE_TYPE_REQUEST)
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return put_dword(buf, len, 0);
    case WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL:
    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT:
    case WINHTTP_OPTION_DISABLE_FEATURE:
    case WINHTTP_OPTION_ENABLE_FEATURE:
        return ERROR_INVALID_PARAMETER; /* write-only (§10, exports.md §5) */
    default:
        return ERROR_WINHTTP_INVALID_OPTION;
    }
}

BOOL WINAPI WinHttpQueryOption(HINTERNET h, DWORD option, LPVOID buf, LPDWORD len)
{
    struct wh_obj *o;
    DWORD err;

    if (!(o = wh_handle_grab(h, 0, &err))) {
        SetLastError(err);
        return FALSE;
    }
    if (!option || !len) {
        err = ERROR_INVALID_PARAMETER;
    } else {
        EnterCriticalSection(&o->lock);
        err = query_locked(o, option, buf, len);
        LeaveCriticalSection(&o->lock);
    }
    wh_obj_release(o);
    SetLastError(err);
    return err == ERROR_SUCCESS;
}

/* Options a request alone takes. */
static DWORD set_request_only(struct wh_obj *o, DWORD option, const void *buf, DWORD len)
{
    struct wh_request *r = (struct wh_request *)o;
    DWORD v, err;

    if (o->type != WINHTTP_HANDLE_TYPE_REQUEST)
        return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    switch (option) {
    case WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET:
        r->upgrade = TRUE;
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_SECURITY_FLAGS:
        return dword_arg(buf, len, &v);
    case WINHTTP_OPTION_CLIENT_CERT_CONTEXT:
        return (r->open_flags & WINHTTP_FLAG_SECURE) ? ERROR_SUCCESS
                                                     : ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    default: /* DISABLE_FEATURE */
        if (!(err = dword_arg(buf, len, &v)) && (v & WINHTTP_DISABLE_REDIRECTS))
            r->no_redirects = TRUE;
        return err;
    }
}

/* Called with o->lock held. */
static DWORD set_locked(struct wh_obj *o, DWORD option, const void *buf, DWORD len)
{
    struct wh_timeouts *t = timeouts_of(o);
    DWORD v, err, *wsbuf;

    switch (option) {
    case WINHTTP_OPTION_CONTEXT_VALUE:
        if (!buf)
            return ERROR_INVALID_PARAMETER;
        if (len != sizeof(DWORD_PTR))
            return ERROR_INSUFFICIENT_BUFFER;
        memcpy(&o->context, buf, sizeof(o->context));
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_RESOLVE_TIMEOUT:
    case WINHTTP_OPTION_CONNECT_TIMEOUT:
    case WINHTTP_OPTION_SEND_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT:
        if ((err = dword_arg(buf, len, &v)))
            return err;
        if (!t)
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        *timeout_field(t, option) = (int)v;
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_USER_AGENT:
        if (o->type != WINHTTP_HANDLE_TYPE_SESSION)
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        {
            struct wh_session *s = (struct wh_session *)o;
            WCHAR *agent = buf ? wh_wcsndup(buf, len) : NULL;

            if (buf && !agent)
                return ERROR_NOT_ENOUGH_MEMORY;
            wh_free(s->agent);
            s->agent = agent;
        }
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE:
    case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE:
        if ((err = dword_arg(buf, len, &v)))
            return err;
        if (!(wsbuf = ws_buffer_field(o, option)))
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        *wsbuf = v; /* any value; a send size < 16 fails at send (§2.2) */
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_REDIRECT_POLICY:
        if ((err = dword_arg(buf, len, &v)))
            return err;
        if (v > WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS)
            return ERROR_INVALID_PARAMETER;
        if (o->type == WINHTTP_HANDLE_TYPE_SESSION)
            ((struct wh_session *)o)->redirect_policy = v;
        else if (o->type == WINHTTP_HANDLE_TYPE_REQUEST)
            ((struct wh_request *)o)->redirect_policy = v;
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS:
        if ((err = dword_arg(buf, len, &v)))
            return err;
        if (o->type == WINHTTP_HANDLE_TYPE_SESSION)
            ((struct wh_session *)o)->max_redirects = v;
        else if (o->type == WINHTTP_HANDLE_TYPE_REQUEST)
            ((struct wh_request *)o)->max_redirects = v;
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_SECURE_PROTOCOLS:
        if (o->type != WINHTTP_HANDLE_TYPE_SESSION)
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if ((err = dword_arg(buf, len, &v)))
            return err;
        ((struct wh_session *)o)->secure_protocols = v;
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT:
        if (o->type != WINHTTP_HANDLE_TYPE_SESSION)
            return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if (!buf || len != sizeof(HANDLE))
            return ERROR_INVALID_PARAMETER;
        memcpy(&((struct wh_session *)o)->unload_event, buf, sizeof(HANDLE));
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET:
    case WINHTTP_OPTION_SECURITY_FLAGS:
    case WINHTTP_OPTION_CLIENT_CERT_CONTEXT:
    case WINHTTP_OPTION_DISABLE_FEATURE:
        return set_request_only(o, option, buf, len);
    case WINHTTP_OPTION_ENABLE_FEATURE:
        return (!buf || !len) ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
    case WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS:
    case WINHTTP_OPTION_CONNECT_RETRIES:
    case WINHTTP_OPTION_MAX_CONNS_PER_SERVER:
    case WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER:
    case WINHTTP_OPTION_DECOMPRESSION:
        return dword_arg(buf, len, &v);
    case WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL:
    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT:
        return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE; /* websocket handles only (§10) */
    default:
        return ERROR_WINHTTP_INVALID_OPTION;
    }
}

BOOL WINAPI WinHttpSetOption(HINTERNET h, DWORD option, LPVOID buf, DWORD len)
{
    struct wh_obj *o;
    DWORD err;

    if (!(o = wh_handle_grab(h, 0, &err))) {
        SetLastError(err);
        return FALSE;
    }
    if (o->type == WINHTTP_HANDLE_TYPE_WEBSOCKET &&
        wh_websocket_set_option((struct wh_websocket *)o, option, buf, len, &err)) {
        /* handled there: it takes its own locks (a timer may start) */
    } else if (o->type == WINHTTP_HANDLE_TYPE_WEBSOCKET &&
               (option == WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE ||
                option == WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE)) {
        err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    } else {
        EnterCriticalSection(&o->lock);
        err = set_locked(o, option, buf, len);
        LeaveCriticalSection(&o->lock);
    }
    wh_obj_release(o);
    SetLastError(err);
    return err == ERROR_SUCCESS;
}

BOOL WINAPI WinHttpSetTimeouts(HINTERNET h, int resolve, int connect, int send, int receive)
{
    struct wh_obj *o;
    struct wh_timeouts *t;
    DWORD err = ERROR_SUCCESS;

    /* Values are checked before the handle's kind (exports.md §4). */
    if (resolve < -1 || connect < -1 || send < -1 || receive < -1) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(o = wh_handle_grab(h, 0, &err))) {
        SetLastError(err);
        return FALSE;
    }
    EnterCriticalSection(&o->lock);
    if ((t = timeouts_of(o))) {
        t->resolve = resolve;
        t->connect = connect;
        t->send = send;
        t->receive = receive;
    } else {
        err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    }
    LeaveCriticalSection(&o->lock);
    wh_obj_release(o);
    SetLastError(err);
    return err == ERROR_SUCCESS;
}
