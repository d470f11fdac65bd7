/* bench_common.c - command line, clock, watchdog and JSON line of the
 * benchmark clients. See bench_common.h. */
#include "bench_common.h"

#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static LONG printed;                 /* one JSON line per process, ever */
static const struct bench_opts *wd_opts;
static const char *wd_impl;
static DWORD wd_ms;

static const char *const names[] = { "rtt", "download", "upload", "handshake" };

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s --host H --port P --scenario rtt|download|upload|handshake\n"
            "          [--size BYTES] [--count N] [--seconds T]\n", argv0);
    return 0;
}

static int parse_scenario(struct bench_opts *o, const char *s)
{
    for (int i = 0; i < 4; i++) {
        if (!strcmp(s, names[i])) {
            o->scenario = (enum bench_scenario)i;
            o->scenario_name = names[i];
            return 1;
        }
    }
    return 0;
}

int bench_parse(int argc, char **argv, struct bench_opts *o)
{
    o->host = "127.0.0.1";
    o->port = 0;
    o->scenario_name = NULL;
    o->size = 16;
    o->count = 1000;
    o->seconds = 10.0;
    for (int i = 1; i < argc; i += 2) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!v)
            return usage(argv[0]);
        if (!strcmp(k, "--host"))
            o->host = v;
        else if (!strcmp(k, "--port"))
            o->port = atoi(v);
        else if (!strcmp(k, "--scenario")) {
            if (!parse_scenario(o, v))
                return usage(argv[0]);
        } else if (!strcmp(k, "--size"))
            o->size = (DWORD)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--count"))
            o->count = (DWORD)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--seconds"))
            o->seconds = atof(v);
        else
            return usage(argv[0]);
    }
    if (o->port <= 0 || o->port > 65535 || !o->scenario_name || o->count == 0 ||
        o->seconds <= 0 || o->size > (256u << 20))
        return usage(argv[0]);
    return 1;
}

double bench_now_us(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;

    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1e6 / (double)freq.QuadPart;
}

/* This process's user and kernel CPU so far, in ms (-1 if unknown). Wine
 * counts in 10 ms ticks, so short intervals read coarse. */
static void cpu_now(double out[2])
{
    FILETIME c, e, k, u;

    out[0] = out[1] = -1;
    if (GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u)) {
        out[0] = (double)(((ULONGLONG)u.dwHighDateTime << 32) | u.dwLowDateTime) / 1e4;
        out[1] = (double)(((ULONGLONG)k.dwHighDateTime << 32) | k.dwLowDateTime) / 1e4;
    }
}

double bench_mark(struct bench_result *r)
{
    cpu_now(r->cpu_ms[0]);
    r->marked = 1;
    return bench_now_us();
}

void bench_stop(struct bench_result *r, double start_us)
{
    r->seconds = (bench_now_us() - start_us) / 1e6;
    cpu_now(r->cpu_ms[1]);
    r->stopped = 1;
}

int bench_time_up(const struct bench_opts *o, double start_us)
{
    return bench_now_us() - start_us > o->seconds * 1e6;
}

int bench_warmup_done(const struct bench_opts *o, DWORD i, double start_us)
{
    DWORD want = o->count / 10;

    want = want < 1 ? 1 : want > 50 ? 50 : want;
    return i >= want || bench_now_us() - start_us > o->seconds * 1e5;
}

int bench_timed(const struct bench_opts *o, struct bench_result *r, int warmup,
                int (*step)(void *arg), void *arg)
{
    double start = bench_now_us(), t0;

    for (DWORD i = 0; warmup && !bench_warmup_done(o, i, start); i++)
        if (step(arg))
            return 1;
    start = bench_mark(r);
    while (r->count < o->count && !bench_time_up(o, start)) {
        t0 = bench_now_us();
        if (step(arg))
            break;
        r->lat_us[r->nlat++] = bench_now_us() - t0;
        r->count++;
    }
    bench_stop(r, start);
    return !r->ok;
}

int bench_buffers(const struct bench_opts *o, struct bench_result *r, DWORD rcap, BYTE **rbuf,
                  BYTE **sbuf)
{
    int sends = o->scenario != SC_DOWNLOAD;

    *rbuf = malloc(rcap);
    *sbuf = malloc(o->size && sends ? o->size : 1);
    r->lat_us = malloc(sizeof(double) * o->count);
    if (!*rbuf || !*sbuf || !r->lat_us)
        return bench_fail(r, "malloc", ERROR_NOT_ENOUGH_MEMORY);
    if (sends)
        bench_pattern(*sbuf, o->size, 0);
    return 0;
}

void bench_pattern(BYTE *buf, DWORD len, DWORD offset)
{
    for (DWORD i = 0; i < len; i++)
        buf[i] = (BYTE)((offset + i) * 7 + 3);
}

int bench_fail(struct bench_result *r, const char *what, DWORD code)
{
    if (r->ok || !r->error[0])
        snprintf(r->error, sizeof(r->error), "%s: error %lu", what, (unsigned long)code);
    r->ok = 0;
    return 1;
}

static DWORD WINAPI watchdog(void *arg)
{
    struct bench_result r;

    (void)arg;
    Sleep(wd_ms);
    memset(&r, 0, sizeof(r));
    r.impl = wd_impl;
    snprintf(r.error, sizeof(r.error), "watchdog: no result after %lu s",
             (unsigned long)(wd_ms / 1000));
    bench_print(wd_opts, &r);
    ExitProcess(3);
    return 0;
}

void bench_watchdog(const struct bench_opts *o, const char *impl, double seconds)
{
    HANDLE t;

    wd_opts = o;
    wd_impl = impl;
    wd_ms = (DWORD)((seconds * 3 + 30) * 1000);
    t = CreateThread(NULL, 0, watchdog, NULL, 0, NULL);
    if (t)
        CloseHandle(t);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of the sorted |v|; -1 when there is none. */
static double percentile(const double *v, DWORD n, double p)
{
    DWORD rank;

    if (!n)
        return -1;
    rank = (DWORD)(p / 100.0 * n + 0.999999);
    return v[rank ? rank - 1 : 0];
}

static void print_num(const char *key, double v, int valid)
{
    if (valid)
        printf(",\"%s\":%.3f", key, v);
    else
        printf(",\"%s\":null", key);
}

static void print_error(const char *s)
{
    if (!s[0]) {
        printf(",\"error\":null");
        return;
    }
    printf(",\"error\":\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s >= 0x20)
            putchar(*s);
    }
    putchar('"');
}

static void print_process(struct bench_result *r)
{
    PROCESS_MEMORY_COUNTERS pmc;
    double peak = -1, ums, kms;

    if (!r->stopped)
        cpu_now(r->cpu_ms[1]);
    if (!r->marked)
        r->cpu_ms[0][0] = r->cpu_ms[0][1] = 0;
    ums = r->cpu_ms[1][0] - r->cpu_ms[0][0];
    kms = r->cpu_ms[1][1] - r->cpu_ms[0][1];
    memset(&pmc, 0, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    if (GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof(pmc)))
        peak = (double)pmc.PeakWorkingSetSize / 1024.0;
    print_num("cpu_user_ms", ums, r->cpu_ms[1][0] >= 0);
    print_num("cpu_kernel_ms", kms, r->cpu_ms[1][1] >= 0);
    print_num("peak_working_set_kb", peak, peak >= 0);
}

void bench_print(const struct bench_opts *o, struct bench_result *r)
{
    const char *rate_key = o->scenario == SC_RTT         ? "msgs_per_s"
                           : o->scenario == SC_HANDSHAKE ? "handshakes_per_s"
                                                         : "mb_per_s";
    double rate = 0;
    int timed = r->lat_us && r->nlat;

    if (InterlockedExchange(&printed, 1))
        return;
    if (r->seconds > 0)
        rate = (o->scenario == SC_DOWNLOAD || o->scenario == SC_UPLOAD)
                   ? r->bytes / 1e6 / r->seconds
                   : (double)r->count / r->seconds;
    if (timed)
        qsort(r->lat_us, r->nlat, sizeof(double), cmp_double);
    printf("{\"impl\":\"%s\",\"scenario\":\"%s\",\"size\":%lu,\"count\":%lu", r->impl,
           o->scenario_name ? o->scenario_name : "?", (unsigned long)o->size,
           (unsigned long)r->count);
    print_num("seconds", r->seconds, 1);
    print_num(rate_key, rate, r->seconds > 0);
    print_num("p50_us", timed ? percentile(r->lat_us, r->nlat, 50) : 0, timed);
    print_num("p99_us", timed ? percentile(r->lat_us, r->nlat, 99) : 0, timed);
    print_process(r);
    printf(",\"ok\":%s", r->ok ? "true" : "false");
    print_error(r->error);
    printf("}\n");
    fflush(stdout);
}
