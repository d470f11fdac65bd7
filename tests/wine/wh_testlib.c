/* wh_testlib.c - shared helpers of the drop-in end-to-end tests (see .h). */
#include "wh_testlib.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- set-up ---------------------------------------------------------- */

int wh_env_port(const char *name)
{
    char val[32];
    DWORD n = GetEnvironmentVariableA(name, val, sizeof(val));
    long port;
    char *end;

    if (n == 0 || n >= sizeof(val))
        return 0;
    port = strtol(val, &end, 10);
    if (end == val || port <= 0 || port > 65535)
        return 0;
    return (int)port;
}

int wh_port_or_skip(const char *name)
{
    int port = wh_env_port(name);

    if (!port) {
        fprintf(stderr,
                "skipped: %s is not set (run through ctest, which starts the "
                "servers and scripts/wine-run.sh, which exports their ports)\n",
                name);
        exit(77);
    }
    return port;
}

static void cut_to_dir(wchar_t *path)
{
    wchar_t *slash = wcsrchr(path, L'\\');

    assert_non_null(slash);
    *slash = 0;
}

/* True if |mod|'s version resource contains the UTF-16 string "winhttp-ng"
 * (our ProductName); no version.dll needed. */
static int version_says_ours(HMODULE mod)
{
    static const wchar_t name[] = L"winhttp-ng";
    HRSRC res = FindResourceW(mod, MAKEINTRESOURCEW(VS_VERSION_INFO), (LPCWSTR)RT_VERSION);
    const unsigned char *p;
    DWORD size, i;

    if (!res)
        return 0;
    size = SizeofResource(mod, res);
    p = LockResource(LoadResource(mod, res));
    if (!p)
        return 0;
    for (i = 0; i + sizeof(name) <= size; i += 2)
        if (!memcmp(p + i, name, sizeof(name)))
            return 1;
    return 0;
}

void wh_test_dll_is_ours(void **state)
{
    wchar_t dll[MAX_PATH], exe[MAX_PATH];
    HMODULE mod = GetModuleHandleW(L"winhttp.dll");

    (void)state;
    assert_non_null(mod);
    assert_true(GetModuleFileNameW(mod, dll, MAX_PATH) > 0);
    assert_true(GetModuleFileNameW(NULL, exe, MAX_PATH) > 0);
    cut_to_dir(dll);
    cut_to_dir(exe);
    if (CompareStringW(LOCALE_INVARIANT, NORM_IGNORECASE, dll, -1, exe, -1) != CSTR_EQUAL)
        fail_msg("winhttp.dll loaded from %ls, not from the exe's directory %ls", dll, exe);
    /* Wine reports its builtin under the path of the file it replaces, so
     * the directory alone proves nothing: our version resource must say so. */
    if (!version_says_ours(mod))
        fail_msg("the winhttp.dll in this process is not winhttp-ng (Wine's builtin?)");
}

HINTERNET wh_session(void)
{
    HINTERNET ses = WinHttpOpen(WH_UA, WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                WINHTTP_NO_PROXY_BYPASS, 0);

    assert_non_null(ses);
    assert_true(WinHttpSetTimeouts(ses, 5000, 5000, 10000, 10000));
    return ses;
}

HINTERNET wh_connect(HINTERNET ses, int port)
{
    HINTERNET con = WinHttpConnect(ses, L"127.0.0.1", (INTERNET_PORT)port, 0);

    assert_non_null(con);
    return con;
}

void wh_make_id(char *out, size_t cap, const char *tag)
{
    static LONG counter;

    snprintf(out, cap, "%s-%lu-%ld", tag, (unsigned long)GetCurrentProcessId(),
             (long)InterlockedIncrement(&counter));
}

wchar_t *wh_wide(const char *s)
{
    size_t n = strlen(s), i;
    wchar_t *w = wh_xmalloc((n + 1) * sizeof(wchar_t));

    for (i = 0; i <= n; i++)
        w[i] = (unsigned char)s[i];
    return w;
}

DWORD wh_ms_since(DWORD t0)
{
    return GetTickCount() - t0;
}

/* ---- data ------------------------------------------------------------ */

void *wh_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    assert_non_null(p);
    return p;
}

void wh_pattern_bin(unsigned char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        buf[i] = (unsigned char)((i * 7 + 3) & 0xff);
}

void wh_pattern_text(char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        buf[i] = (char)(0x20 + i % 95);
}

void wh_hex(const void *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = 0;
}

/* ---- raw TCP ----------------------------------------------------------- */

static SOCKET raw_connect(int port, DWORD timeout_ms)
{
    static int started;
    struct sockaddr_in sa;
    WSADATA wsa;
    SOCKET s;

    if (!started) {
        assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wsa), 0);
        started = 1;
    }
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    assert_true(s != INVALID_SOCKET);
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout_ms, sizeof(timeout_ms));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((u_short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        fail_msg("connect to 127.0.0.1:%d failed: %d", port, WSAGetLastError());
    return s;
}

char *wh_raw_get(int port, const char *path, int *status, DWORD timeout_ms)
{
    char req[512], *resp, *body;
    size_t cap = 1 << 16, len = 0;
    SOCKET s = raw_connect(port, timeout_ms);
    int n;

    n = snprintf(req, sizeof(req),
                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                 "Connection: close\r\n\r\n",
                 path, port);
    assert_int_equal(send(s, req, n, 0), n);
    resp = wh_xmalloc(cap);
    while ((n = recv(s, resp + len, (int)(cap - len - 1), 0)) > 0) {
        len += (size_t)n;
        if (cap - len < 4096) {
            cap *= 2;
            resp = realloc(resp, cap);
            assert_non_null(resp);
        }
    }
    closesocket(s);
    resp[len] = 0;
    if (sscanf(resp, "HTTP/1.%*d %d", status) != 1)
        fail_msg("no HTTP response for %s (%d bytes, recv %d/%d)", path, (int)len, n,
                 WSAGetLastError());
    body = strstr(resp, "\r\n\r\n");
    assert_non_null(body);
    memmove(resp, body + 4, strlen(body + 4) + 1);
    return resp;
}

char *wh_fetch_log(int port, const char *id, int wait_ms)
{
    char path[256];
    char *json;
    int status = 0;

    snprintf(path, sizeof(path), "/log/%s?wait=%d", id, wait_ms);
    json = wh_raw_get(port, path, &status, (DWORD)wait_ms + 10000);
    if (status != 200)
        fail_msg("GET %s -> %d: %s", path, status, json);
    return json;
}

int wh_has(const char *json, const char *needle)
{
    return strstr(json, needle) != NULL;
}

/* Parses one frame object at |p| ("{\"fin\":..."); returns the char after it. */
static const char *parse_frame(const char *p, struct wh_logframe *f)
{
    char masked[8] = "";
    int used = 0;
    const char *q;

    memset(f, 0, sizeof(*f));
    if (sscanf(p, "{\"fin\":%d,\"rsv\":%d,\"opcode\":%d,\"masked\":%5[a-z],\"mask_key_hex\":%n",
               &f->fin, &f->rsv, &f->opcode, masked, &used) != 4 ||
        !used)
        return NULL;
    f->masked = strcmp(masked, "true") == 0;
    p += used;
    if (*p == '"') {
        memcpy(f->mask_hex, p + 1, 8);
        p += 10;
    } else {
        p += 4; /* null */
    }
    used = 0;
    if (sscanf(p, ",\"len\":%ld,\"payload_hex\":\"%n", &f->len, &used) != 1 || !used)
        return NULL;
    f->payload_hex = p + used;
    q = strchr(f->payload_hex, '"');
    if (!q)
        return NULL;
    f->payload_hex_len = (size_t)(q - f->payload_hex);
    if (sscanf(q + 1, ",\"truncated\":%*[a-z],\"t_ms\":%ld", &f->t_ms) != 1)
        return NULL;
    return strchr(q, '}');
}

int wh_log_frames(const char *json, struct wh_logframe *out, int max)
{
    const char *p = strstr(json, "\"frames\":[");
    int n = 0;

    assert_non_null(p);
    p += strlen("\"frames\":[");
    while (*p == '{' && n < max) {
        p = parse_frame(p, &out[n]);
        if (!p)
            fail_msg("cannot parse frame %d of log: %s", n, json);
        n++;
        p++;
        if (*p == ',')
            p++;
    }
    return n;
}

int wh_log_find(const struct wh_logframe *f, int n, int opcode, int from)
{
    int i;

    for (i = from; i < n; i++)
        if (f[i].opcode == opcode)
            return i;
    return -1;
}

int wh_frame_payload_is(const struct wh_logframe *f, const char *hex)
{
    return f->payload_hex_len == strlen(hex) && !memcmp(f->payload_hex, hex, f->payload_hex_len);
}

/* ---- WebSocket --------------------------------------------------------- */

void wh_open_request(struct wh_ws *w, int port, const char *path, const char *id, BOOL upgrade)
{
    wchar_t *wpath = wh_wide(path);
    char hdr[160];
    wchar_t *whdr;

    memset(w, 0, sizeof(*w));
    w->ses = wh_session();
    w->con = wh_connect(w->ses, port);
    w->req = WinHttpOpenRequest(w->con, NULL, wpath, NULL, WINHTTP_NO_REFERER,
                                WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    free(wpath);
    assert_non_null(w->req);
    if (upgrade)
        assert_true(WinHttpSetOption(w->req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0));
    if (id) {
        snprintf(hdr, sizeof(hdr), "X-Test-Id: %s", id);
        whdr = wh_wide(hdr);
        assert_true(WinHttpAddRequestHeaders(w->req, whdr, (DWORD)-1L, WINHTTP_ADDREQ_FLAG_ADD));
        free(whdr);
    }
}

void wh_send_request(struct wh_ws *w, const char *path)
{
    if (!WinHttpSendRequest(w->req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0,
                            0))
        fail_msg("WinHttpSendRequest(%s) failed: %lu", path, GetLastError());
}

BOOL wh_ws_request(struct wh_ws *w, int port, const char *path, const char *id)
{
    wh_open_request(w, port, path, id, TRUE);
    wh_send_request(w, path);
    return WinHttpReceiveResponse(w->req, NULL);
}

void wh_ws_open(struct wh_ws *w, int port, const char *path, const char *id)
{
    if (!wh_ws_request(w, port, path, id))
        fail_msg("WinHttpReceiveResponse(%s) failed: %lu", path, GetLastError());
    w->ws = WinHttpWebSocketCompleteUpgrade(w->req, 0);
    if (!w->ws)
        fail_msg("WinHttpWebSocketCompleteUpgrade(%s) failed: %lu", path, GetLastError());
}

void wh_ws_close_all(struct wh_ws *w)
{
    if (w->ws)
        WinHttpCloseHandle(w->ws);
    if (w->req)
        WinHttpCloseHandle(w->req);
    if (w->con)
        WinHttpCloseHandle(w->con);
    if (w->ses)
        WinHttpCloseHandle(w->ses);
    memset(w, 0, sizeof(*w));
}

/* A WebSocket call run on a worker thread. On a timeout the block is leaked
 * (the thread may still be inside the call), so it owns copies of the
 * caller's buffers and never writes to the caller's memory late. */
struct timed_call {
    int is_close;
    HINTERNET ws;
    unsigned char *buf; /* NULL if the caller passed NULL */
    DWORD len, n, result;
    int want_n, want_type;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    USHORT code;
};

static DWORD WINAPI timed_main(void *arg)
{
    struct timed_call *c = arg;

    if (c->is_close)
        c->result = WinHttpWebSocketClose(c->ws, c->code, c->buf, c->len);
    else
        c->result = WinHttpWebSocketReceive(c->ws, c->buf, c->len, c->want_n ? &c->n : NULL,
                                            c->want_type ? &c->type : NULL);
    return 0;
}

static int run_timed(struct timed_call *c, DWORD ms)
{
    HANDLE t = CreateThread(NULL, 0, timed_main, c, 0, NULL);
    DWORD w;

    assert_non_null(t);
    w = WaitForSingleObject(t, ms);
    CloseHandle(t);
    return w == WAIT_OBJECT_0;
}

static struct timed_call *timed_new(HINTERNET ws, const void *buf, DWORD len)
{
    struct timed_call *c = wh_xmalloc(sizeof(*c));

    memset(c, 0, sizeof(*c));
    c->ws = ws;
    c->len = len;
    if (buf) {
        c->buf = wh_xmalloc((size_t)len + 1);
        memcpy(c->buf, buf, len);
    }
    return c;
}

DWORD wh_timed_recv(HINTERNET ws, void *buf, DWORD len, DWORD *n,
                    WINHTTP_WEB_SOCKET_BUFFER_TYPE *type, DWORD ms)
{
    struct timed_call *c = timed_new(ws, NULL, len);
    DWORD r;

    if (buf)
        c->buf = wh_xmalloc((size_t)len + 1);
    c->want_n = n != NULL;
    c->want_type = type != NULL;
    c->n = n ? *n : 0;
    c->type = type ? *type : 0;
    if (!run_timed(c, ms))
        fail_msg("WinHttpWebSocketReceive(len %lu) did not return within %lu ms", len, ms);
    r = c->result;
    if (n)
        *n = c->n;
    if (type)
        *type = c->type;
    if (buf && c->n <= len)
        memcpy(buf, c->buf, c->n);
    free(c->buf);
    free(c);
    return r;
}

DWORD wh_timed_close(HINTERNET ws, USHORT code, void *reason, DWORD len, DWORD ms)
{
    struct timed_call *c = timed_new(ws, reason, len);
    DWORD r;

    c->is_close = 1;
    c->code = code;
    if (!run_timed(c, ms))
        fail_msg("WinHttpWebSocketClose(%u) did not return within %lu ms", code, ms);
    r = c->result;
    free(c->buf);
    free(c);
    return r;
}

static int is_binary(WINHTTP_WEB_SOCKET_BUFFER_TYPE t)
{
    return t == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE ||
           t == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

static int is_message_end(WINHTTP_WEB_SOCKET_BUFFER_TYPE t)
{
    return t == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE ||
           t == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
}

size_t wh_recv_message(HINTERNET ws, void *buf, size_t cap, DWORD chunk,
                       WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    unsigned char *p = buf;
    size_t total = 0;
    int first = 1, kind = 0, empty = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    DWORD n, want, r;

    for (;;) {
        if (total >= cap)
            fail_msg("message longer than %lu bytes", (unsigned long)cap);
        want = cap - total < chunk ? (DWORD)(cap - total) : chunk;
        n = 0xdeadbeef;
        t = (WINHTTP_WEB_SOCKET_BUFFER_TYPE)0xdeadbeef;
        r = wh_recv(ws, p + total, want, &n, &t);
        if (r != ERROR_SUCCESS)
            fail_msg("WinHttpWebSocketReceive failed with %lu after %lu message bytes", r,
                     (unsigned long)total);
        if (t == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE || (unsigned)t > 4)
            fail_msg("Receive returned buffer type %u inside a message", (unsigned)t);
        if (n > want)
            fail_msg("Receive returned %lu bytes for a %lu-byte buffer", n, want);
        if (first)
            kind = is_binary(t);
        else if (is_binary(t) != kind)
            fail_msg("message changed type to %u after %lu bytes", (unsigned)t,
                     (unsigned long)total);
        first = 0;
        total += n;
        if (is_message_end(t))
            break;
        if (n == 0 && ++empty > 16)
            fail_msg("Receive keeps returning empty fragments");
    }
    *type = t;
    return total;
}

void wh_ws_echo_text(HINTERNET ws, const char *msg)
{
    size_t len = strlen(msg);
    char *got = wh_xmalloc(len + 64);
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    size_t n;

    assert_int_equal(WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
                                          (void *)msg, (DWORD)len),
                     ERROR_SUCCESS);
    n = wh_recv_message(ws, got, len + 64, 65536, &t);
    assert_int_equal(t, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
    assert_int_equal(n, len);
    assert_memory_equal(got, msg, len);
    free(got);
}

void wh_assert_healthy(int raw_port)
{
    struct wh_ws w;

    wh_ws_open(&w, raw_port, "/ok-then-echo", NULL);
    wh_ws_echo_text(w.ws, "still healthy");
    assert_int_equal(wh_timed_close(w.ws, 1000, NULL, 0, 5000), ERROR_SUCCESS);
    wh_ws_close_all(&w);
}
