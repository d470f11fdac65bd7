/* winapi.h - kernel32 services newer than Windows Server 2003, looked up at
 * run time, with fallbacks that work on XP/2003-level systems (ReactOS).
 *
 * winhttp.dll may statically import only XP/2003-level functions
 * (scripts/check-dll.sh enforces it). Everything here picks the Vista+ API
 * when kernel32 exports it and an older equivalent otherwise:
 *   wh_lock          SRW lock            / CRITICAL_SECTION
 *   wh_once          InitOnceExecuteOnce / interlocked state word
 *   wh_tick_ms       GetTickCount64      / GetTickCount extended to 64 bits
 *   wh_pool_submit   TrySubmitThreadpoolCallback / QueueUserWorkItem
 *   wh_timer         CreateThreadpoolTimer / CreateTimerQueueTimer
 * The choice is made once per process (wh_winapi_init, also run lazily by
 * every function here, so code linked without DllMain, like the unit tests,
 * works too) and never changes afterwards. None of these functions allocate.
 */
#ifndef WH_WINAPI_H
#define WH_WINAPI_H

#include <windows.h>

/* Resolves the optional functions. Called from DllMain(PROCESS_ATTACH):
 * it only calls GetModuleHandleW and GetProcAddress, which are safe under
 * the loader lock. Idempotent and safe to call from several threads. */
void wh_winapi_init(void);

/* --- Locks ------------------------------------------------------------- */

/* A non-recursive exclusive lock. Initialise before use, free when done;
 * never copy one. An SRW lock needs no freeing, but the fallback does. */
struct wh_lock {
    int srw; /* which member is live: fixed at init */
    union {
        void *srw; /* SRWLOCK: one pointer-sized word */
        CRITICAL_SECTION cs;
    } u;
};

void wh_lock_init(struct wh_lock *l);
void wh_lock_free(struct wh_lock *l);
void wh_lock(struct wh_lock *l);
void wh_lock_release(struct wh_lock *l);

/* --- One-time initialisation -------------------------------------------- */

/* Zero-initialise (WH_ONCE_INIT) and it is ready; no free needed. */
struct wh_once {
    void *state;
};
#define WH_ONCE_INIT                                                                               \
    {                                                                                              \
        NULL                                                                                       \
    }

/* Runs |fn(ctx)| exactly once per |once| across all threads; other callers
 * wait until it has finished. Returns what fn returned the time it ran. If
 * fn returns FALSE, a later call runs it again (same as InitOnce). */
BOOL wh_once(struct wh_once *once, BOOL (*fn)(void *ctx), void *ctx);

/* --- Time --------------------------------------------------------------- */

/* Milliseconds since boot, 64-bit and monotonic. Without GetTickCount64 the
 * 32-bit count is extended by noting each wrap; that needs a call at least
 * once every 24.8 days, which any process with a timer easily makes. */
ULONGLONG wh_tick_ms(void);

/* The wrap-extension step on its own, for tests: |*state| holds the last
 * 64-bit value, |now32| a new GetTickCount reading. Never goes backwards. */
ULONGLONG wh_tick_extend(volatile LONGLONG *state, DWORD now32);

/* --- Thread pool -------------------------------------------------------- */

/* Work for the shared pool. The caller owns the struct and keeps it alive
 * until |run| has started; |run| receives it back (embed it in a larger
 * object and recover that with CONTAINING_RECORD). */
struct wh_work {
    void (*run)(struct wh_work *w);
};

/* Queues |w| on the process thread pool. Returns ERROR_SUCCESS or the
 * error the pool reported; on failure |run| will not be called. */
DWORD wh_pool_submit(struct wh_work *w);

/* --- Periodic timers ----------------------------------------------------- */

/* A periodic callback on the process pool. Under Wine a thread-pool timer
 * costs ~2 us to create and close, a timer-queue timer ~200 us (measured),
 * which mattered once every websocket got one. Never copy a running one. */
struct wh_timer {
    void *volatile tp;   /* PTP_TIMER, or NULL */
    HANDLE volatile tq;  /* timer-queue timer, or NULL */
    void (*fn)(void *ctx);
    void *ctx;
};

/* Runs fn(ctx) every |ms| ms, the first time |ms| from now. |t| must be
 * zeroed or stopped. ERROR_SUCCESS or the error of the API underneath. */
DWORD wh_timer_start(struct wh_timer *t, DWORD ms, void (*fn)(void *ctx), void *ctx);

/* Stops |t| and waits until no callback of it is running. Idempotent; never
 * call it from the timer's own callback. */
void wh_timer_stop(struct wh_timer *t);

/* Which implementation was picked (tests and traces): nonzero = the
 * Vista+ API is in use. */
int wh_winapi_has_srw(void);
int wh_winapi_has_tick64(void);
int wh_winapi_has_threadpool(void);
int wh_winapi_has_initonce(void);
int wh_winapi_has_tp_timer(void);

/* Tests only: nonzero makes every later choice the XP/2003 fallback, as on
 * ReactOS, so Wine can exercise those paths. Locks and once-words made
 * before the switch must not be used after it. */
void wh_winapi_use_legacy(int on);

#endif /* WH_WINAPI_H */
