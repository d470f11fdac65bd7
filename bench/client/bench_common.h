/* bench_common.h - what the two benchmark clients share: the command line,
 * the clock, the result record and its one-line JSON form, the watchdog.
 *
 * Both clients (ws_bench_client: WinHTTP WebSockets; raw_bench_client: plain
 * Winsock, the ceiling) run one scenario per process and print exactly one
 * JSON line on stdout, whatever happens: a failure is {"ok":false,"error":..}
 * and a hang is ended by the watchdog, which prints that line itself.
 * bench/run.sh runs them and reads the lines; see bench/README.md.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <windows.h>

#define BENCH_BUF (64 * 1024)   /* every receive goes through a buffer this big */

enum bench_scenario { SC_RTT, SC_DOWNLOAD, SC_UPLOAD, SC_HANDSHAKE };

struct bench_opts {
    const char *host;
    int port;
    enum bench_scenario scenario;
    const char *scenario_name;
    DWORD size;          /* message (or block) size in bytes */
    DWORD count;         /* iterations / messages wanted */
    double seconds;      /* time bound: stop early once this much has elapsed */
};

struct bench_result {
    const char *impl;
    DWORD count;         /* iterations / messages actually completed */
    double seconds;      /* measured interval */
    double bytes;        /* payload bytes moved one way (download/upload) */
    double *lat_us;      /* per-iteration latencies (rtt, handshake), or NULL */
    DWORD nlat;
    double cpu_ms[2][2]; /* [start, stop][user, kernel], from bench_mark/bench_stop */
    int marked, stopped;
    int ok;
    char error[256];
};

/* Parses argv into |o|; prints usage and returns 0 on a bad command line. */
int bench_parse(int argc, char **argv, struct bench_opts *o);

/* Starts a thread that prints a failed result line and exits the process
 * (exit code 3) after |seconds| * 3 + 30 seconds. */
void bench_watchdog(const struct bench_opts *o, const char *impl, double seconds);

/* Microseconds since an arbitrary origin (QueryPerformanceCounter). */
double bench_now_us(void);

/* Starts the measured interval: snapshots this process's CPU times and
 * returns bench_now_us(). The CPU reported is what the interval used. */
double bench_mark(struct bench_result *r);

/* Ends the measured interval begun at |start_us|: sets r->seconds and takes
 * the second CPU snapshot. */
void bench_stop(struct bench_result *r, double start_us);

/* True once |start_us| lies more than o->seconds in the past. */
int bench_time_up(const struct bench_opts *o, double start_us);

/* True once a warm-up begun at |start_us| has done |i| iterations: count/10
 * of them, clamped to 1..50, or a tenth of --seconds, whichever ends first. */
int bench_warmup_done(const struct bench_opts *o, DWORD i, double start_us);

/* The timed loop of rtt and handshake: |step| |warmup| times as bench_warmup_done
 * allows (untimed), then until o->count iterations or o->seconds, recording
 * each one's latency in r. A step returns 0, or 1 after bench_fail. Returns 1
 * if a step failed. */
int bench_timed(const struct bench_opts *o, struct bench_result *r, int warmup,
                int (*step)(void *arg), void *arg);

/* Allocates a client's buffers: |rcap| bytes to receive into, the message
 * to send (o->size bytes of pattern; 1 byte for a download, whose peak
 * working set must show what the DLL keeps, not a buffer of ours) and one
 * latency slot per iteration in r. Returns 0, or 1 after bench_fail. */
int bench_buffers(const struct bench_opts *o, struct bench_result *r, DWORD rcap, BYTE **rbuf,
                  BYTE **sbuf);

/* Fills |buf| with the server's pattern: byte i of a message = (i*7+3)&0xff. */
void bench_pattern(BYTE *buf, DWORD len, DWORD offset);

/* Records a failure: "what: error N" (first failure wins). Returns 1. */
int bench_fail(struct bench_result *r, const char *what, DWORD code);

/* Prints |r| as the one JSON line and flushes stdout. CPU is the measured
 * interval's (the whole process's if it never began); peak working set is
 * the process's. */
void bench_print(const struct bench_opts *o, struct bench_result *r);

#endif
