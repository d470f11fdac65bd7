/* bench_server.h - shared state of the benchmark server (ws_bench_server).
 *
 * ws_bench_server.c owns the sockets: accept, epoll, reading, writing,
 * lingering closes and the connection pool. bench_proto.c owns what the bytes
 * mean: the HTTP upgrade and /stats, the WebSocket modes (/echo, /sink,
 * /source) and the RAW modes. They meet in struct conn: the protocol side
 * consumes c->in[in_off..in_len) and appends to c->out, or points c->zc at
 * bytes that stay valid until sent (the message buffer or the pattern). Output
 * is ordered out-buffer first, then zc. While anything is "blocked" (zc in
 * flight, or OUT_HIGH bytes unsent) the protocol side produces nothing and the
 * socket side stops reading: that is the whole backpressure scheme.
 */
#ifndef BENCH_SERVER_H
#define BENCH_SERVER_H

#include <stddef.h>
#include <stdint.h>

#define IN_CAP ((size_t)256 << 10)
#define OUT_CAP ((size_t)512 << 10)
#define OUT_HIGH ((size_t)256 << 10) /* stop producing above this much unsent */
#define SMALL_MAX ((size_t)64 << 10) /* echoes up to this size are copied, not zc */
#define PAT_WIN ((size_t)1 << 20)    /* longest zc slice of the pattern */
#define MAX_MSG ((size_t)256 << 20)  /* largest message /echo reassembles */

enum mode {
    M_HTTP,       /* waiting for a request line or "RAW " */
    M_RAWCMD,     /* reading the RAW command line */
    M_WS,         /* WebSocket frames, see enum ws_kind */
    M_RAW_ECHO,
    M_RAW_SINK,
    M_RAW_SOURCE,
    M_DRAIN       /* everything read is discarded (closing) */
};

enum ws_kind { K_ECHO, K_SINK, K_SOURCE };

struct conn {
    int fd;
    enum mode mode;
    enum ws_kind kind;
    unsigned rd_eof : 1, shut_pending : 1, shut : 1, sent_close : 1, in_frame : 1,
        gen_on : 1, gen_hdr : 1;
    uint32_t events;
    uint8_t *in;
    size_t in_off, in_len;
    uint8_t *out;
    size_t out_off, out_len;
    const uint8_t *zc;
    size_t zc_len;
    /* the client frame being received (RFC 6455 §5.2) */
    uint8_t op, fin, key[4], msg_op;
    uint64_t left, fpos;
    uint8_t *msg; /* reassembled message (echo, sink text) */
    size_t msg_len, msg_cap;
    uint64_t count, total; /* sink byte count; RAW SINK target */
    /* generator for /source and RAW SOURCE */
    uint64_t gen_msgs, gen_size, gen_frag, gen_pos, gen_left;
    int64_t deadline;
    struct conn *lprev, *lnext; /* linger list */
    struct conn *aprev, *anext; /* live list; anext links the free list */
};

struct server_stats {
    uint64_t connections, bytes_in, bytes_out;
};

extern struct server_stats g_stats;
extern const uint8_t *g_pattern; /* PAT_WIN + 256 bytes, byte i = (i*7+3) & 0xff */

static inline size_t conn_pending(const struct conn *c)
{
    return c->out_len - c->out_off + c->zc_len;
}

static inline int conn_blocked(const struct conn *c)
{
    return c->zc_len != 0 || c->out_len - c->out_off >= OUT_HIGH;
}

/* Consumes input and produces output while not blocked. Returns 1 if it did
 * anything, 0 if it needs more input or room, -1 to drop the connection. */
int proto_process(struct conn *c);

#endif /* BENCH_SERVER_H */
