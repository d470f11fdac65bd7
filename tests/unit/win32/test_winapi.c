/* test_winapi.c - the run-time API selection of src/win32/winapi.c, in both
 * modes: the Vista+ functions Wine provides, and the XP/2003 fallbacks
 * ReactOS gets (forced with wh_winapi_use_legacy).
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "winapi.h"

static int setup_modern(void **state)
{
    (void)state;
    wh_winapi_use_legacy(0);
    return 0;
}

static int setup_legacy(void **state)
{
    (void)state;
    wh_winapi_use_legacy(1);
    return 0;
}

static void test_modern_apis_found(void **state)
{
    (void)state;
    /* Wine 8 has all of them; if one is missing the fallback silently
     * carries it, and this says so. */
    assert_true(wh_winapi_has_srw());
    assert_true(wh_winapi_has_tick64());
    assert_true(wh_winapi_has_threadpool());
    assert_true(wh_winapi_has_initonce());
    assert_true(wh_winapi_has_tp_timer());
}

static void test_legacy_uses_none(void **state)
{
    (void)state;
    assert_false(wh_winapi_has_srw());
    assert_false(wh_winapi_has_tick64());
    assert_false(wh_winapi_has_threadpool());
    assert_false(wh_winapi_has_initonce());
    assert_false(wh_winapi_has_tp_timer());
}

/* --- lock: threads increment a plain counter under it --------------------- */

#define THREADS 4
#define ROUNDS 100000
static struct wh_lock g_lock;
static volatile long g_counter;

static DWORD WINAPI bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        wh_lock(&g_lock);
        /* Read-yield-write: without mutual exclusion updates get lost. */
        long v = g_counter;
        if (i % 1000 == 0)
            Sleep(0);
        g_counter = v + 1;
        wh_lock_release(&g_lock);
    }
    return 0;
}

static void run_threads(LPTHREAD_START_ROUTINE fn, void *arg)
{
    HANDLE t[THREADS];

    for (int i = 0; i < THREADS; i++) {
        t[i] = CreateThread(NULL, 0, fn, arg, 0, NULL);
        assert_non_null(t[i]);
    }
    assert_int_equal(WaitForMultipleObjects(THREADS, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < THREADS; i++)
        CloseHandle(t[i]);
}

static void test_lock_excludes(void **state)
{
    (void)state;
    wh_lock_init(&g_lock);
    assert_int_equal(g_lock.srw, wh_winapi_has_srw());
    g_counter = 0;
    run_threads(bump, NULL);
    assert_int_equal(g_counter, (long)THREADS * ROUNDS);
    wh_lock_free(&g_lock);
}

/* --- once ------------------------------------------------------------------ */

static volatile LONG g_once_runs, g_fail_first;
static struct wh_once g_once;

static BOOL once_fn(void *ctx)
{
    InterlockedIncrement(&g_once_runs);
    Sleep(20); /* let the other threads pile up behind it */
    if (InterlockedExchange(&g_fail_first, 0))
        return FALSE;
    *(int *)ctx = 42;
    return TRUE;
}

static DWORD WINAPI call_once(void *arg)
{
    return wh_once(&g_once, once_fn, arg) && *(volatile int *)arg == 42 ? 0 : 1;
}

static void test_once_runs_once(void **state)
{
    static int value;

    (void)state;
    memset(&g_once, 0, sizeof(g_once));
    g_once_runs = 0;
    value = 0;
    run_threads(call_once, &value);
    assert_int_equal(g_once_runs, 1);
    assert_int_equal(value, 42);
    assert_true(wh_once(&g_once, once_fn, &value));
    assert_int_equal(g_once_runs, 1);
}

static void test_once_retries_after_failure(void **state)
{
    static int value;

    (void)state;
    memset(&g_once, 0, sizeof(g_once));
    g_once_runs = 0;
    g_fail_first = 1;
    value = 0;
    assert_false(wh_once(&g_once, once_fn, &value));
    assert_true(wh_once(&g_once, once_fn, &value));
    assert_true(wh_once(&g_once, once_fn, &value));
    assert_int_equal(g_once_runs, 2);
    assert_int_equal(value, 42);
}

/* --- ticks ------------------------------------------------------------------ */

static void test_tick_monotonic(void **state)
{
    ULONGLONG a = wh_tick_ms(), b;

    (void)state;
    Sleep(100);
    b = wh_tick_ms();
    /* Wine updates the tick count in coarse steps: allow a wide margin. */
    assert_true(b >= a + 50 && b < a + 5000);
    for (int i = 0; i < 10000; i++) {
        ULONGLONG c = wh_tick_ms();

        assert_true(c >= b);
        b = c;
    }
}

static void test_tick_extend_wraps(void **state)
{
    volatile LONGLONG s = 0;

    (void)state;
    assert_int_equal(wh_tick_extend(&s, 0xfffff000u), 0xfffff000ull);
    assert_int_equal(wh_tick_extend(&s, 0xffffff00u), 0xffffff00ull);
    /* 32-bit wrap: 0x100 after 0xffffff00 is 0x200 ms later. */
    assert_int_equal(wh_tick_extend(&s, 0x100u), 0x100000100ull);
    /* A stale reading from before the wrap (another thread's) never moves
     * the clock back or forward by 49 days. */
    assert_int_equal(wh_tick_extend(&s, 0xfffffff0u), 0x100000100ull);
    assert_int_equal(wh_tick_extend(&s, 0x80000000u), 0x180000000ull);
    /* A second wrap. */
    assert_int_equal(wh_tick_extend(&s, 0xffffffffu), 0x1ffffffffull);
    assert_int_equal(wh_tick_extend(&s, 5u), 0x200000005ull);
    assert_int_equal(s, 0x200000005ll);
}

/* --- pool ------------------------------------------------------------------- */

struct job {
    struct wh_work work;
    HANDLE done;
    DWORD thread;
};

static void job_run(struct wh_work *w)
{
    struct job *j = CONTAINING_RECORD(w, struct job, work);

    j->thread = GetCurrentThreadId();
    SetEvent(j->done);
}

static void test_pool_runs_work(void **state)
{
    struct job jobs[8];

    (void)state;
    for (int i = 0; i < 8; i++) {
        jobs[i].work.run = job_run;
        jobs[i].thread = 0;
        jobs[i].done = CreateEventW(NULL, TRUE, FALSE, NULL);
        assert_non_null(jobs[i].done);
        assert_int_equal(wh_pool_submit(&jobs[i].work), ERROR_SUCCESS);
    }
    for (int i = 0; i < 8; i++) {
        assert_int_equal(WaitForSingleObject(jobs[i].done, 10000), WAIT_OBJECT_0);
        assert_true(jobs[i].thread != 0);
        assert_true(jobs[i].thread != GetCurrentThreadId());
        CloseHandle(jobs[i].done);
    }
}

static void count_tick(void *ctx)
{
    InterlockedIncrement((volatile LONG *)ctx);
}

/* A 20 ms timer ticks several times in 200 ms, never after wh_timer_stop
 * has returned, stops twice harmlessly and can be started again. */
static void test_timer_ticks_and_stops(void **state)
{
    struct wh_timer t;
    volatile LONG n = 0;
    LONG seen;

    (void)state;
    memset(&t, 0, sizeof(t));
    assert_int_equal(wh_timer_start(&t, 20, count_tick, (void *)&n), ERROR_SUCCESS);
    Sleep(200);
    wh_timer_stop(&t);
    seen = n;
    assert_true(seen >= 3);
    Sleep(100);
    assert_int_equal(n, seen);
    wh_timer_stop(&t);
    assert_int_equal(wh_timer_start(&t, 20, count_tick, (void *)&n), ERROR_SUCCESS);
    Sleep(100);
    wh_timer_stop(&t);
    assert_true(n > seen);
}

#define BOTH(fn) cmocka_unit_test_setup(fn, setup_modern), cmocka_unit_test_setup(fn, setup_legacy)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_modern_apis_found, setup_modern),
        cmocka_unit_test_setup(test_legacy_uses_none, setup_legacy),
        BOTH(test_lock_excludes),
        BOTH(test_once_runs_once),
        BOTH(test_once_retries_after_failure),
        BOTH(test_tick_monotonic),
        cmocka_unit_test(test_tick_extend_wraps),
        BOTH(test_pool_runs_work),
        BOTH(test_timer_ticks_and_stops),
    };
    return cmocka_run_group_tests_name("winapi", tests, NULL, NULL);
}
