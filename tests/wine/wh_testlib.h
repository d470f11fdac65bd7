/* wh_testlib.h - shared helpers of the drop-in end-to-end tests.
 *
 * The e2e programs (test_ws_sync, test_ws_sync_close, test_ws_peer,
 * test_http_sync) are built like third-party programs: mingw's stock
 * <winhttp.h>, -lwinhttp, nothing from our source tree. They talk to the
 * local servers of tests/servers, whose ports scripts/wine-run.sh exports as
 * WH_WS_ECHO_PORT, WH_RAW_WS_PORT and WH_HTTP_PORT.
 *
 * Helpers that can fail call cmocka's assertions, so they must only be
 * called from the thread that runs the test. Every wait is bounded: a
 * WebSocket call that could block forever goes through wh_timed_* and fails
 * the test after a timeout instead of hanging the run.
 */
#ifndef WH_TESTLIB_H
#define WH_TESTLIB_H

#include <winsock2.h>
#include <windows.h>
#include <winhttp.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define WH_UA L"winhttp-ng-e2e/1.0"
#define WH_UA_A "winhttp-ng-e2e/1.0"
#define WH_RECV_TIMEOUT_MS 10000u

/* ---- set-up ---------------------------------------------------------- */

/* Port from environment variable |name|, 0 if unset or invalid. */
int wh_env_port(const char *name);

/* Returns |name|'s port; prints why and exits 77 (ctest: skipped) if unset. */
int wh_port_or_skip(const char *name);

/* cmocka test: the winhttp.dll of this process was loaded from the exe's
 * directory (ours), not Wine's builtin from system32. */
void wh_test_dll_is_ours(void **state);

/* Sync session with the test user agent, no proxy, 10 s timeouts. */
HINTERNET wh_session(void);

/* Connect handle to 127.0.0.1:|port| (asserts). */
HINTERNET wh_connect(HINTERNET ses, int port);

/* A unique test id "<tag>-<pid>-<n>" for raw_ws_server's log. */
void wh_make_id(char *out, size_t cap, const char *tag);

/* ASCII to a freshly allocated wide string (free with free()). */
wchar_t *wh_wide(const char *s);

/* ---- data ------------------------------------------------------------ */

void *wh_xmalloc(size_t n);
/* Server patterns: byte i = (i*7+3)&0xff; char i = 0x20 + i%95. */
void wh_pattern_bin(unsigned char *buf, size_t n);
void wh_pattern_text(char *buf, size_t n);
/* Lower-case hex of |n| bytes into |out| (2n+1 bytes). */
void wh_hex(const void *p, size_t n, char *out);

/* ---- raw TCP: the raw server's /log ---------------------------------- */

/* GET |path| on a new plain TCP connection to 127.0.0.1:|port| with
 * Connection: close; returns the malloc'd body (NUL-terminated) and sets
 * *status. Asserts on socket errors. */
char *wh_raw_get(int port, const char *path, int *status, DWORD timeout_ms);

/* raw_ws_server's JSON record for |id| (asserts 200). free() it. */
char *wh_fetch_log(int port, const char *id, int wait_ms);

/* True if |json| contains |needle|. */
int wh_has(const char *json, const char *needle);

/* One client frame from the log. payload_hex points into the JSON; t_ms is
 * when the server read the frame, in ms since it read the upgrade request. */
struct wh_logframe {
    int fin, rsv, opcode, masked;
    long len, t_ms;
    char mask_hex[9];
    const char *payload_hex;
    size_t payload_hex_len;
};

/* Parses up to |max| frames of the log's "frames" array; returns count. */
int wh_log_frames(const char *json, struct wh_logframe *out, int max);

/* Index of the first frame with |opcode| at or after |from|, or -1. */
int wh_log_find(const struct wh_logframe *f, int n, int opcode, int from);

/* True if frame |f|'s payload equals the |hex| string. */
int wh_frame_payload_is(const struct wh_logframe *f, const char *hex);

/* ---- WebSocket ------------------------------------------------------- */

struct wh_ws {
    HINTERNET ses, con, req, ws;
};

/* Opens a session, a connection to |port| and a GET request for |path|
 * (ASCII) into |w|, marked for a WebSocket upgrade if |upgrade| and tagged
 * "X-Test-Id: <id>" if |id| is non-NULL; asserts every step. */
void wh_open_request(struct wh_ws *w, int port, const char *path, const char *id, BOOL upgrade);

/* WinHttpSendRequest without headers or body on w->req; fails the test if
 * it fails (|path| names the request in the message). */
void wh_send_request(struct wh_ws *w, const char *path);

/* Upgrade request to |path| (ASCII) on |port|, tagged "X-Test-Id: <id>" if
 * |id| is non-NULL; sends and receives the response. Returns the
 * ReceiveResponse result; w->ws stays NULL. */
BOOL wh_ws_request(struct wh_ws *w, int port, const char *path, const char *id);

/* wh_ws_request + CompleteUpgrade; asserts every step. */
void wh_ws_open(struct wh_ws *w, int port, const char *path, const char *id);

/* Closes whatever handles |w| holds (ignoring results), zeroes it. */
void wh_ws_close_all(struct wh_ws *w);

/* WinHttpWebSocketReceive on a worker thread; fails the test if it does not
 * return within |ms|. */
DWORD wh_timed_recv(HINTERNET ws, void *buf, DWORD len, DWORD *n,
                    WINHTTP_WEB_SOCKET_BUFFER_TYPE *type, DWORD ms);
#define wh_recv(ws, buf, len, n, type) wh_timed_recv(ws, buf, len, n, type, WH_RECV_TIMEOUT_MS)

/* WinHttpWebSocketClose on a worker thread, bounded the same way. */
DWORD wh_timed_close(HINTERNET ws, USHORT code, void *reason, DWORD len, DWORD ms);

/* Receives one whole message into |buf| (cap bytes) through |chunk|-byte
 * Receive calls: every call but the last must return a *_FRAGMENT type of
 * the same kind, the last the *_MESSAGE type. Returns the total length;
 * *type gets the final type. Asserts on errors and on overflow. */
size_t wh_recv_message(HINTERNET ws, void *buf, size_t cap, DWORD chunk,
                       WINHTTP_WEB_SOCKET_BUFFER_TYPE *type);

/* Sends |msg| as one UTF8 message and expects it echoed back. */
void wh_ws_echo_text(HINTERNET ws, const char *msg);

/* Opens a websocket to raw_ws_server's ok-then-echo and echoes a message:
 * proves the process and the DLL are still healthy. */
void wh_assert_healthy(int raw_port);

/* Milliseconds since |t0| (GetTickCount). */
DWORD wh_ms_since(DWORD t0);

#endif /* WH_TESTLIB_H */
