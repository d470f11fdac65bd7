/* winapi.c - Vista+ kernel32 functions resolved at run time, with XP/2003
 * fallbacks (see winapi.h for the contract).
 *
 * Thread safety: wh_winapi_init may race with itself; every racer stores the
 * same pointers, and g_ready is published with a full barrier after them, so
 * a reader that sees g_ready == 1 sees the pointers too.
 */
#include "winapi.h"

/* Our own spellings of the Vista types: with _WIN32_WINNT=0x0502 the SDK
 * hides them, which is what keeps static imports of them out. Each matches
 * the real prototype's ABI (one pointer per parameter, stdcall). */
typedef void(WINAPI *fn_srw)(void **lock);
typedef BOOL(WINAPI *fn_initonce_cb)(void **once, void *param, void **ctx);
typedef BOOL(WINAPI *fn_initonce)(void **once, fn_initonce_cb cb, void *param, void **ctx);
typedef ULONGLONG(WINAPI *fn_tick64)(void);
typedef void(CALLBACK *fn_tp_simple)(void *instance, void *ctx);
typedef BOOL(WINAPI *fn_trysubmit)(fn_tp_simple cb, void *ctx, void *env);
typedef void(CALLBACK *fn_tp_timer_cb)(void *instance, void *ctx, void *timer);
typedef void *(WINAPI *fn_tp_timer_create)(fn_tp_timer_cb cb, void *ctx, void *env);
typedef void(WINAPI *fn_tp_timer_set)(void *timer, FILETIME *due, DWORD period, DWORD window);
typedef void(WINAPI *fn_tp_timer_wait)(void *timer, BOOL cancel_pending);
typedef void(WINAPI *fn_tp_timer_close)(void *timer);

static fn_srw p_InitializeSRWLock;
static fn_srw p_AcquireSRWLockExclusive;
static fn_srw p_ReleaseSRWLockExclusive;
static fn_initonce p_InitOnceExecuteOnce;
static fn_tick64 p_GetTickCount64;
static fn_trysubmit p_TrySubmitThreadpoolCallback;
static fn_tp_timer_create p_CreateThreadpoolTimer;
static fn_tp_timer_set p_SetThreadpoolTimer;
static fn_tp_timer_wait p_WaitForThreadpoolTimerCallbacks;
static fn_tp_timer_close p_CloseThreadpoolTimer;

static volatile LONG g_ready;
static volatile LONG g_legacy;

static void (*lookup(HMODULE m, const char *name))(void)
{
    /* The detour through void (*)(void) is the one cast gcc accepts
     * between unrelated function pointer types without a warning. */
    return m ? (void (*)(void))GetProcAddress(m, name) : NULL;
}

void wh_winapi_init(void)
{
    HMODULE k32;
    fn_srw init, acq, rel;

    if (InterlockedCompareExchange(&g_ready, 0, 0))
        return;
    k32 = g_legacy ? NULL : GetModuleHandleW(L"kernel32.dll");
    init = (fn_srw)lookup(k32, "InitializeSRWLock");
    acq = (fn_srw)lookup(k32, "AcquireSRWLockExclusive");
    rel = (fn_srw)lookup(k32, "ReleaseSRWLockExclusive");
    /* SRW locks are used only when all three exist: a half-resolved set
     * would pair an SRW acquire with a critical-section release. */
    if (!init || !acq || !rel)
        init = acq = rel = NULL;
    p_InitializeSRWLock = init;
    p_AcquireSRWLockExclusive = acq;
    p_ReleaseSRWLockExclusive = rel;
    p_InitOnceExecuteOnce = (fn_initonce)lookup(k32, "InitOnceExecuteOnce");
    p_GetTickCount64 = (fn_tick64)lookup(k32, "GetTickCount64");
    p_TrySubmitThreadpoolCallback = (fn_trysubmit)lookup(k32, "TrySubmitThreadpoolCallback");
    p_CreateThreadpoolTimer = (fn_tp_timer_create)lookup(k32, "CreateThreadpoolTimer");
    p_SetThreadpoolTimer = (fn_tp_timer_set)lookup(k32, "SetThreadpoolTimer");
    p_WaitForThreadpoolTimerCallbacks =
        (fn_tp_timer_wait)lookup(k32, "WaitForThreadpoolTimerCallbacks");
    p_CloseThreadpoolTimer = (fn_tp_timer_close)lookup(k32, "CloseThreadpoolTimer");
    /* All four or none, as for the SRW functions. */
    if (!p_CreateThreadpoolTimer || !p_SetThreadpoolTimer ||
        !p_WaitForThreadpoolTimerCallbacks || !p_CloseThreadpoolTimer)
        p_CreateThreadpoolTimer = NULL;
    InterlockedExchange(&g_ready, 1);
}

static void ensure(void)
{
    if (!InterlockedCompareExchange(&g_ready, 0, 0))
        wh_winapi_init();
}

void wh_winapi_use_legacy(int on)
{
    InterlockedExchange(&g_legacy, on ? 1 : 0);
    InterlockedExchange(&g_ready, 0);
    wh_winapi_init();
}

int wh_winapi_has_srw(void)
{
    ensure();
    return p_InitializeSRWLock != NULL;
}

int wh_winapi_has_tick64(void)
{
    ensure();
    return p_GetTickCount64 != NULL;
}

int wh_winapi_has_threadpool(void)
{
    ensure();
    return p_TrySubmitThreadpoolCallback != NULL;
}

int wh_winapi_has_tp_timer(void)
{
    ensure();
    return p_CreateThreadpoolTimer != NULL;
}

int wh_winapi_has_initonce(void)
{
    ensure();
    return p_InitOnceExecuteOnce != NULL;
}

/* --- Locks ------------------------------------------------------------- */

void wh_lock_init(struct wh_lock *l)
{
    ensure();
    /* The lock remembers its kind, so wh_lock never has to ask which API
     * the process uses; that makes a lock valid for its whole life. */
    l->srw = p_InitializeSRWLock != NULL;
    if (l->srw)
        p_InitializeSRWLock(&l->u.srw);
    else
        InitializeCriticalSection(&l->u.cs);
}

void wh_lock_free(struct wh_lock *l)
{
    if (!l->srw)
        DeleteCriticalSection(&l->u.cs);
}

void wh_lock(struct wh_lock *l)
{
    if (l->srw)
        p_AcquireSRWLockExclusive(&l->u.srw);
    else
        EnterCriticalSection(&l->u.cs);
}

void wh_lock_release(struct wh_lock *l)
{
    if (l->srw)
        p_ReleaseSRWLockExclusive(&l->u.srw);
    else
        LeaveCriticalSection(&l->u.cs);
}

/* --- One-time initialisation -------------------------------------------- */

struct once_call {
    BOOL (*fn)(void *ctx);
    void *ctx;
};

static BOOL WINAPI once_trampoline(void **once, void *param, void **ctx)
{
    struct once_call *c = param;

    (void)once;
    (void)ctx;
    return c->fn(c->ctx);
}

/* Fallback states of wh_once.state. */
#define ONCE_NEW ((void *)0)
#define ONCE_RUNNING ((void *)1)
#define ONCE_DONE ((void *)2)

BOOL wh_once(struct wh_once *once, BOOL (*fn)(void *ctx), void *ctx)
{
    ensure();
    if (p_InitOnceExecuteOnce) {
        struct once_call c = {fn, ctx};
        return p_InitOnceExecuteOnce(&once->state, once_trampoline, &c, NULL);
    }
    for (;;) {
        void *prev = InterlockedCompareExchangePointer(&once->state, ONCE_RUNNING, ONCE_NEW);
        BOOL ok;

        if (prev == ONCE_DONE)
            return TRUE;
        if (prev == ONCE_RUNNING) {
            /* Initialisers here are short (a lock, a table); yielding
             * beats building a wait object for a once-per-process event. */
            Sleep(0);
            continue;
        }
        ok = fn(ctx);
        InterlockedExchangePointer(&once->state, ok ? ONCE_DONE : ONCE_NEW);
        return ok;
    }
}

/* --- Time --------------------------------------------------------------- */

ULONGLONG wh_tick_extend(volatile LONGLONG *state, DWORD now32)
{
    for (;;) {
        /* A plain 64-bit load tears on i686; a no-op CAS reads atomically. */
        LONGLONG old = InterlockedCompareExchange64(state, 0, 0);
        ULONGLONG cur = (ULONGLONG)old, next;
        DWORD delta = now32 - (DWORD)cur; /* modulo 2^32: a wrap is just a step */

        if (cur == 0)
            next = now32; /* first reading */
        else if (delta < 0x80000000u)
            next = cur + delta;
        else
            return cur; /* a reading older than one another thread stored */
        if (next == cur || InterlockedCompareExchange64(state, (LONGLONG)next, old) == old)
            return next;
    }
}

ULONGLONG wh_tick_ms(void)
{
    static volatile LONGLONG last;

    ensure();
    if (p_GetTickCount64)
        return p_GetTickCount64();
    return wh_tick_extend(&last, GetTickCount());
}

/* --- Thread pool -------------------------------------------------------- */

static void CALLBACK tp_trampoline(void *instance, void *ctx)
{
    struct wh_work *w = ctx;

    (void)instance;
    w->run(w);
}

static DWORD WINAPI qui_trampoline(void *ctx)
{
    struct wh_work *w = ctx;

    w->run(w);
    return 0;
}

DWORD wh_pool_submit(struct wh_work *w)
{
    ensure();
    if (p_TrySubmitThreadpoolCallback)
        return p_TrySubmitThreadpoolCallback(tp_trampoline, w, NULL) ? ERROR_SUCCESS
                                                                     : GetLastError();
    /* XP-era pool. WT_EXECUTEDEFAULT: our work items are short
     * (non-blocking socket steps), so no long-function hint. */
    return QueueUserWorkItem(qui_trampoline, w, WT_EXECUTEDEFAULT) ? ERROR_SUCCESS : GetLastError();
}

/* ---- periodic timers ---------------------------------------------------- */

static void CALLBACK tp_timer_trampoline(void *instance, void *ctx, void *timer)
{
    struct wh_timer *t = ctx;

    (void)instance;
    (void)timer;
    t->fn(t->ctx);
}

static VOID CALLBACK tq_timer_trampoline(PVOID ctx, BOOLEAN fired)
{
    struct wh_timer *t = ctx;

    (void)fired;
    t->fn(t->ctx);
}

DWORD wh_timer_start(struct wh_timer *t, DWORD ms, void (*fn)(void *ctx), void *ctx)
{
    ensure();
    t->fn = fn;
    t->ctx = ctx;
    if (p_CreateThreadpoolTimer) {
        /* A relative due time: negative, in 100 ns units. */
        ULARGE_INTEGER due;
        FILETIME ft;
        void *tp = p_CreateThreadpoolTimer(tp_timer_trampoline, t, NULL);

        if (!tp)
            return GetLastError();
        due.QuadPart = (ULONGLONG)(-(LONGLONG)ms * 10000);
        ft.dwLowDateTime = due.LowPart;
        ft.dwHighDateTime = due.HighPart;
        t->tp = tp;
        p_SetThreadpoolTimer(tp, &ft, ms, 0);
        return ERROR_SUCCESS;
    }
    {
        HANDLE tq;

        if (!CreateTimerQueueTimer(&tq, NULL, tq_timer_trampoline, t, ms, ms, WT_EXECUTEDEFAULT))
            return GetLastError();
        t->tq = tq;
        return ERROR_SUCCESS;
    }
}

void wh_timer_stop(struct wh_timer *t)
{
    void *tp = InterlockedExchangePointer((void *volatile *)&t->tp, NULL);
    HANDLE tq = InterlockedExchangePointer((void *volatile *)&t->tq, NULL);

    if (tp) {
        p_SetThreadpoolTimer(tp, NULL, 0, 0);
        p_WaitForThreadpoolTimerCallbacks(tp, TRUE);
        p_CloseThreadpoolTimer(tp);
    }
    /* INVALID_HANDLE_VALUE: wait for a callback in progress to finish. */
    if (tq)
        DeleteTimerQueueTimer(NULL, tq, INVALID_HANDLE_VALUE);
}
