/* core_bench.c - native throughput of the core's hot loops on 1 MiB buffers.
 *
 * Each item runs in batches sized to take about 40 ms; five batches (about
 * 0.2 s per item), the best one is reported, in MB/s (10^6 bytes/s) and as
 * a ratio to memcpy of the same size measured in the same run. The
 * "portable" rows force the word-at-a-time paths that non-SSE2 builds
 * (i686) use. Not part of the tests' pass/fail: numbers depend on the
 * machine. `--json` prints one JSON object instead of the table.
 */
#define _POSIX_C_SOURCE 199309L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ws/utf8.h"
#include "ws/ws_err.h"
#include "ws/ws_frame.h"
#include "ws/ws_mask.h"
#include "ws/ws_msg.h"

#define MIB ((size_t)1 << 20)
#define BATCHES 5
#define BATCH_SECONDS 0.04
#define FRAME_64K ((size_t)64 << 10)

struct item {
    const char *name;
    void (*run)(void);
    double mbps;
};

static uint8_t *g_src, *g_dst, *g_ascii, *g_mixed, *g_wire1, *g_wire64, *g_out;
static size_t g_wire1_len, g_wire64_len;
static volatile int g_sink; /* results go here so no call is optimised away */
static const uint8_t k_key[4] = {0x37, 0xfa, 0x21, 0x3d};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_memcpy(void)
{
    memcpy(g_dst, g_src, MIB);
    g_sink += g_dst[MIB / 2];
}

static void run_mask_copy(void)
{
    g_sink += (int)ws_mask(g_dst, g_src, MIB, k_key, 1);
}

static void run_mask_inplace(void)
{
    g_sink += (int)ws_mask(g_dst, g_dst, MIB, k_key, 1);
}

static void run_mask_portable(void)
{
    g_sink += (int)ws_mask_portable(g_dst, g_src, MIB, k_key, 1);
}

static void run_utf8_ascii(void)
{
    g_sink += utf8_validate(g_ascii, MIB);
}

static void run_utf8_mixed(void)
{
    g_sink += utf8_validate(g_mixed, MIB);
}

static int validate_portable(const uint8_t *p, size_t n)
{
    struct utf8_state s;

    utf8_init(&s);
    return utf8_feed_portable(&s, p, n) == WS_OK && utf8_is_complete(&s) ? WS_OK : WS_ERR_UTF8;
}

static void run_utf8_ascii_portable(void)
{
    g_sink += validate_portable(g_ascii, MIB);
}

static void run_utf8_mixed_portable(void)
{
    g_sink += validate_portable(g_mixed, MIB);
}

/* Receives one whole text message from |wire| through a 64 KiB output. */
static void recv_message(const uint8_t *wire, size_t len)
{
    struct ws_receiver r;
    struct ws_recv_result res;
    size_t off = 0, used, got = 0;

    ws_receiver_init(&r, 0);
    for (;;) {
        if (ws_recv(&r, wire + off, len - off, &used, g_out, FRAME_64K, &res) != WS_OK) {
            fprintf(stderr, "core_bench: ws_recv failed\n");
            exit(1);
        }
        off += used;
        got += res.n;
        if (res.kind == WS_RECV_DATA && res.type == WS_BUF_UTF8_MESSAGE)
            break;
        if (used == 0 && res.n == 0) {
            fprintf(stderr, "core_bench: ws_recv made no progress\n");
            exit(1);
        }
    }
    if (got != MIB) {
        fprintf(stderr, "core_bench: received %zu bytes, want %zu\n", got, MIB);
        exit(1);
    }
    g_sink += g_out[0];
}

static void run_recv_one_frame(void)
{
    recv_message(g_wire1, g_wire1_len);
}

static void run_recv_64k_frames(void)
{
    recv_message(g_wire64, g_wire64_len);
}

static void run_encode_frame(void)
{
    size_t written;

    if (ws_encode_frame(g_dst, MIB + WS_MAX_FRAME_HEADER, WS_OP_TEXT, 1, g_src, MIB, k_key,
                        &written) != WS_OK) {
        fprintf(stderr, "core_bench: ws_encode_frame failed\n");
        exit(1);
    }
    g_sink += (int)written;
}

/* Best MB/s over BATCHES batches of about BATCH_SECONDS each. */
static double measure(void (*run)(void))
{
    double t0, t, best = 0;
    long reps = 1, i;
    int b;

    run(); /* warm caches and page tables */
    for (;;) {
        t0 = now();
        for (i = 0; i < reps; i++)
            run();
        t = now() - t0;
        if (t >= BATCH_SECONDS / 4)
            break;
        reps *= 2;
    }
    reps = (long)((double)reps * BATCH_SECONDS / t) + 1;
    for (b = 0; b < BATCHES; b++) {
        double mbps;

        t0 = now();
        for (i = 0; i < reps; i++)
            run();
        t = now() - t0;
        mbps = (double)MIB * (double)reps / t / 1e6;
        if (mbps > best)
            best = mbps;
    }
    return best;
}

/* Appends one server frame (unmasked) to |buf|; returns its size. */
static size_t put_frame(uint8_t *buf, uint8_t b0, const uint8_t *payload, size_t len)
{
    size_t i = 2;
    int s;

    buf[0] = b0;
    if (len <= 125) {
        buf[1] = (uint8_t)len;
    } else if (len <= 0xffff) {
        buf[1] = 126;
        buf[i++] = (uint8_t)(len >> 8);
        buf[i++] = (uint8_t)len;
    } else {
        buf[1] = 127;
        for (s = 56; s >= 0; s -= 8)
            buf[i++] = (uint8_t)(len >> s);
    }
    memcpy(buf + i, payload, len);
    return i + len;
}

/* Words in several scripts, 1- to 4-byte sequences, picked pseudo-randomly. */
static const char *const k_words[] = {
    "Grüße ",         "aus ",      "Köln, ",    "café ",
    "déjà ",          "vu, ",      "naïve ",    "señor ",
    "Привет, ",       "как ",      "дела? ",    "Москва ",
    "Ελληνικά ",      "καλημέρα ", "你好",      "世界，",
    "今天天气很好。", "日本語の",  "テキスト ", "한국어 ",
    "텍스트 ",        "😀 ",        "🎉🚀 ",       "🌍✨ ",
    "the ",           "quick ",    "brown ",    "fox ",
    "مرحبا ",         "שלום ",     "नमस्ते ",     "ok; ",
};

static void fill_mixed(uint8_t *p, size_t n)
{
    uint32_t seed = 12345;
    size_t at = 0, w;

    for (;;) {
        seed = seed * 1103515245u + 12345u;
        w = strlen(k_words[(seed >> 16) % (sizeof(k_words) / sizeof(k_words[0]))]);
        if (n - at < w)
            break;
        memcpy(p + at, k_words[(seed >> 16) % (sizeof(k_words) / sizeof(k_words[0]))], w);
        at += w;
    }
    memset(p + at, ' ', n - at);
}

static void fill_ascii(uint8_t *p, size_t n)
{
    static const char text[] = "The quick brown fox jumps over the lazy dog 0123456789. ";
    size_t i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)text[i % (sizeof(text) - 1)];
}

static void setup(void)
{
    size_t off, at = 0, i;

    g_src = malloc(MIB);
    g_dst = malloc(MIB + WS_MAX_FRAME_HEADER);
    g_ascii = malloc(MIB);
    g_mixed = malloc(MIB);
    g_wire1 = malloc(MIB + 16);
    g_wire64 = malloc(MIB + 16 * (MIB / FRAME_64K));
    g_out = malloc(FRAME_64K);
    if (!g_src || !g_dst || !g_ascii || !g_mixed || !g_wire1 || !g_wire64 || !g_out) {
        fprintf(stderr, "core_bench: out of memory\n");
        exit(1);
    }
    for (i = 0; i < MIB; i++)
        g_src[i] = (uint8_t)(i * 131u + 7u);
    memset(g_dst, 0, MIB + WS_MAX_FRAME_HEADER);
    fill_ascii(g_ascii, MIB);
    fill_mixed(g_mixed, MIB);
    if (utf8_validate(g_ascii, MIB) != WS_OK || utf8_validate(g_mixed, MIB) != WS_OK) {
        fprintf(stderr, "core_bench: test text is not valid UTF-8?\n");
        exit(1);
    }
    g_wire1_len = put_frame(g_wire1, 0x80 | WS_OP_TEXT, g_mixed, MIB);
    for (off = 0; off < MIB; off += FRAME_64K) {
        uint8_t b0 =
            (uint8_t)((off ? WS_OP_CONT : WS_OP_TEXT) | (off + FRAME_64K == MIB ? 0x80 : 0));

        at += put_frame(g_wire64 + at, b0, g_mixed + off, FRAME_64K);
    }
    g_wire64_len = at;
}

int main(int argc, char **argv)
{
    struct item items[] = {
        {"memcpy", run_memcpy, 0},
        {"ws_mask copy", run_mask_copy, 0},
        {"ws_mask in place", run_mask_inplace, 0},
        {"ws_mask copy (portable)", run_mask_portable, 0},
        {"utf8_validate ASCII", run_utf8_ascii, 0},
        {"utf8_validate mixed", run_utf8_mixed, 0},
        {"utf8 ASCII (portable)", run_utf8_ascii_portable, 0},
        {"utf8 mixed (portable)", run_utf8_mixed_portable, 0},
        {"ws_recv text, 1 frame", run_recv_one_frame, 0},
        {"ws_recv text, 64K frames", run_recv_64k_frames, 0},
        {"ws_encode_frame 1 MiB", run_encode_frame, 0},
    };
    size_t n = sizeof(items) / sizeof(items[0]), i;
    int json = argc > 1 && strcmp(argv[1], "--json") == 0;

    if (argc > 1 && !json) {
        fprintf(stderr, "usage: %s [--json]\n", argv[0]);
        return 2;
    }
    setup();
    for (i = 0; i < n; i++)
        items[i].mbps = measure(items[i].run);
    if (json) {
        printf("{\"buffer_bytes\": %zu, \"unit\": \"MB/s\", \"results\": [", MIB);
        for (i = 0; i < n; i++)
            printf("%s\n  {\"name\": \"%s\", \"mbps\": %.0f, \"vs_memcpy\": %.3f}", i ? "," : "",
                   items[i].name, items[i].mbps, items[i].mbps / items[0].mbps);
        printf("\n]}\n");
    } else {
        printf("%-28s %10s %10s\n", "1 MiB buffers", "MB/s", "x memcpy");
        for (i = 0; i < n; i++)
            printf("%-28s %10.0f %10.2f\n", items[i].name, items[i].mbps,
                   items[i].mbps / items[0].mbps);
    }
    return 0;
}
