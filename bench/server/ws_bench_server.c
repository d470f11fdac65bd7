/* ws_bench_server.c - the server side of the WebSocket benchmark (Linux).
 *
 *   ws_bench_server --port N [--max-seconds S]     (N = 0: any free port)
 *
 * Binds 127.0.0.1 only and prints "PORT <n>" as its first stdout line. It
 * must never be the bottleneck: one thread, epoll (level-triggered),
 * non-blocking sockets with TCP_NODELAY, 256 KiB input and 512 KiB output
 * buffers per connection recycled through a free list (no allocation per
 * message or, in steady state, per connection), large payloads sent with
 * sendmsg straight from the message buffer or the precomputed pattern. The
 * protocol (what the clients rely on) is described in bench_proto.c.
 *
 * Closing: once a connection has nothing more to say it is shut down for
 * writing and kept reading until the peer's EOF or 2 s (so a close never
 * turns into a reset that would eat data the client has not read yet).
 * Exits 0 on SIGINT/SIGTERM or after --max-seconds (default 900).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "bench_server.h"

#define LINGER_MS 2000
#define FREE_MAX 64
#define MAX_EVENTS 256

struct server_stats g_stats;
const uint8_t *g_pattern;

static int g_epfd;
static volatile sig_atomic_t g_stop;
static struct conn *g_live;                 /* all open connections */
static struct conn *g_free;                 /* recycled, buffers kept */
static struct conn *g_dead;                 /* closed during this batch */
static struct conn *g_lhead, *g_ltail;      /* lingering, by deadline */
static unsigned g_nfree;

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* ---- connection lifecycle --------------------------------------------- */

static struct conn *conn_new(int fd)
{
    struct conn *c = g_free;
    uint8_t *in, *out, *msg;
    size_t msg_cap;

    if (c) {
        g_free = c->anext;
        g_nfree--;
    } else {
        c = malloc(sizeof(*c));
        if (!c)
            return NULL;
        c->in = malloc(IN_CAP);
        c->out = malloc(OUT_CAP);
        c->msg = NULL;
        c->msg_cap = 0;
        if (!c->in || !c->out) {
            free(c->in);
            free(c->out);
            free(c);
            return NULL;
        }
    }
    in = c->in, out = c->out, msg = c->msg, msg_cap = c->msg_cap;
    memset(c, 0, sizeof(*c));
    c->in = in, c->out = out, c->msg = msg, c->msg_cap = msg_cap;
    c->fd = fd;
    c->anext = g_live;
    if (g_live)
        g_live->aprev = c;
    g_live = c;
    return c;
}

static void conn_free(struct conn *c)
{
    free(c->in);
    free(c->out);
    free(c->msg);
    free(c);
}

static void linger_remove(struct conn *c)
{
    if (c->lprev)
        c->lprev->lnext = c->lnext;
    else if (g_lhead == c)
        g_lhead = c->lnext;
    if (c->lnext)
        c->lnext->lprev = c->lprev;
    else if (g_ltail == c)
        g_ltail = c->lprev;
    c->lprev = c->lnext = NULL;
}

/* Closes the socket now; the struct is recycled after the current batch of
 * events, so no stale event of this batch can reach a reused struct. */
static void conn_close(struct conn *c)
{
    linger_remove(c);
    if (c->aprev)
        c->aprev->anext = c->anext;
    else
        g_live = c->anext;
    if (c->anext)
        c->anext->aprev = c->aprev;
    close(c->fd);
    c->fd = -1;
    c->anext = g_dead;
    g_dead = c;
}

static void reap_dead(void)
{
    while (g_dead) {
        struct conn *c = g_dead;

        g_dead = c->anext;
        if (g_nfree >= FREE_MAX) {
            conn_free(c);
            continue;
        }
        if (c->msg_cap > ((size_t)1 << 20)) { /* keep the pool small */
            free(c->msg);
            c->msg = NULL;
            c->msg_cap = 0;
        }
        c->anext = g_free;
        g_free = c;
        g_nfree++;
    }
}

/* ---- I/O ---------------------------------------------------------------- */

/* Sends pending output. Returns 0 (all sent, or the socket is full) or -1. */
static int conn_flush(struct conn *c)
{
    while (conn_pending(c)) {
        struct iovec iov[2];
        struct msghdr mh;
        size_t n = 0, want, ob = c->out_len - c->out_off;
        ssize_t r;

        if (ob)
            iov[n].iov_base = c->out + c->out_off, iov[n++].iov_len = ob;
        if (c->zc_len)
            iov[n].iov_base = (void *)c->zc, iov[n++].iov_len = c->zc_len;
        want = ob + c->zc_len;
        memset(&mh, 0, sizeof(mh));
        mh.msg_iov = iov;
        mh.msg_iovlen = n;
        r = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (r < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : errno == EINTR ? 0 : -1;
        g_stats.bytes_out += (uint64_t)r;
        if ((size_t)r >= ob) {
            c->out_off = c->out_len = 0;
            if (c->zc_len) {
                c->zc += (size_t)r - ob;
                c->zc_len -= (size_t)r - ob;
            }
        } else {
            c->out_off += (size_t)r;
        }
        if ((size_t)r < want)
            return 0; /* socket buffer full: wait for EPOLLOUT */
    }
    return 0;
}

/* One recv into the input buffer. Returns 0 or -1 (drop). */
static int conn_read(struct conn *c)
{
    ssize_t r;

    if (c->in_off == c->in_len) {
        c->in_off = c->in_len = 0;
    } else if (c->in_off && IN_CAP - c->in_len < IN_CAP / 4) {
        memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
        c->in_len -= c->in_off;
        c->in_off = 0;
    }
    if (c->in_len == IN_CAP)
        return -1; /* cannot happen: no unit we wait for is that large */
    r = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, MSG_DONTWAIT);
    if (r > 0) {
        c->in_len += (size_t)r;
        g_stats.bytes_in += (uint64_t)r;
    } else if (r == 0) {
        c->rd_eof = 1;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return -1;
    }
    return 0;
}

static void conn_arm(struct conn *c)
{
    uint32_t ev = 0;
    struct epoll_event e;

    if (conn_pending(c))
        ev |= EPOLLOUT;
    if (!conn_blocked(c) && !c->rd_eof)
        ev |= EPOLLIN;
    if (ev == c->events)
        return;
    e.events = ev;
    e.data.ptr = c;
    epoll_ctl(g_epfd, EPOLL_CTL_MOD, c->fd, &e);
    c->events = ev;
}

/* Runs the protocol and the output until one of them has to wait. */
static void conn_pump(struct conn *c)
{
    for (;;) {
        /* A flush that unblocks the connection must be followed by another
         * protocol pass: a generator produces nothing while blocked, and no
         * input may ever come to wake it again. */
        int was_blocked = conn_blocked(c);
        int did = proto_process(c);

        if (did < 0 || conn_flush(c) < 0) {
            conn_close(c);
            return;
        }
        if (conn_blocked(c) || (!did && !was_blocked))
            break;
    }
    if (!conn_pending(c)) {
        if (c->rd_eof) {
            conn_close(c);
            return;
        }
        if (c->shut_pending && !c->shut) {
            shutdown(c->fd, SHUT_WR);
            c->shut = 1;
            c->mode = M_DRAIN;
            c->deadline = now_ms() + LINGER_MS;
            c->lprev = g_ltail;
            if (g_ltail)
                g_ltail->lnext = c;
            else
                g_lhead = c;
            g_ltail = c;
        }
    }
    conn_arm(c);
}

static void conn_event(struct conn *c, uint32_t ev)
{
    /* Never read while blocked: a zc slice may point into c->in. */
    if ((ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !conn_blocked(c) && !c->rd_eof &&
        conn_read(c) < 0) {
        conn_close(c);
        return;
    }
    conn_pump(c);
}

static void on_accept(int lfd)
{
    int i, fd, one = 1;

    for (i = 0; i < 512; i++) {
        struct epoll_event e;
        struct conn *c;

        fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                perror("ws_bench_server: accept4");
            return;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c = conn_new(fd);
        e.events = EPOLLIN;
        e.data.ptr = c;
        if (!c || epoll_ctl(g_epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
            if (c)
                conn_close(c);
            else
                close(fd);
            continue;
        }
        c->events = EPOLLIN;
        g_stats.connections++;
    }
}

/* ---- setup and main loop ------------------------------------------------ */

static int listen_on(unsigned port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4096) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        close(fd);
        return -1;
    }
    printf("PORT %u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

static int parse_args(int argc, char **argv, unsigned *port, long *max_s)
{
    int i;

    for (i = 1; i < argc; i += 2) {
        char *end;
        long v;

        if (i + 1 >= argc || (strcmp(argv[i], "--port") && strcmp(argv[i], "--max-seconds")))
            return -1;
        v = strtol(argv[i + 1], &end, 10);
        if (*end || v < 0 || (argv[i][2] == 'p' && v > 65535))
            return -1;
        if (argv[i][2] == 'p')
            *port = (unsigned)v;
        else
            *max_s = v;
    }
    return 0;
}

static uint8_t *make_pattern(void)
{
    uint8_t *p = malloc(PAT_WIN + 256);
    size_t i;

    for (i = 0; p && i < PAT_WIN + 256; i++)
        p[i] = (uint8_t)(i * 7 + 3);
    return p;
}

static void run(int lfd, int64_t end)
{
    struct epoll_event evs[MAX_EVENTS];
    int64_t now = now_ms();

    while (!g_stop && now < end) {
        int i, n, timeout = (int)(end - now < 1000 ? end - now : 1000);

        if (g_lhead && g_lhead->deadline - now < timeout)
            timeout = (int)(g_lhead->deadline - now);
        n = epoll_wait(g_epfd, evs, MAX_EVENTS, timeout < 0 ? 0 : timeout);
        if (n < 0 && errno != EINTR) {
            perror("ws_bench_server: epoll_wait");
            break;
        }
        for (i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL)
                on_accept(lfd);
            else
                conn_event(evs[i].data.ptr, evs[i].events);
        }
        now = now_ms();
        while (g_lhead && g_lhead->deadline <= now)
            conn_close(g_lhead);
        reap_dead();
    }
}

int main(int argc, char **argv)
{
    unsigned port = 0;
    long max_s = 900;
    struct sigaction sa;
    struct epoll_event e;
    int lfd;

    if (parse_args(argc, argv, &port, &max_s) < 0) {
        fprintf(stderr, "usage: ws_bench_server --port N [--max-seconds S]\n");
        return 2;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: epoll_wait returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    g_pattern = make_pattern();
    g_epfd = epoll_create1(EPOLL_CLOEXEC);
    lfd = g_pattern && g_epfd >= 0 ? listen_on(port) : -1;
    if (lfd < 0) {
        perror("ws_bench_server: setup");
        return 1;
    }
    e.events = EPOLLIN;
    e.data.ptr = NULL;
    epoll_ctl(g_epfd, EPOLL_CTL_ADD, lfd, &e);
    run(lfd, now_ms() + (int64_t)max_s * 1000);
    while (g_live)
        conn_close(g_live);
    reap_dead();
    while (g_free) {
        struct conn *c = g_free;

        g_free = c->anext;
        conn_free(c);
    }
    close(lfd);
    close(g_epfd);
    free((void *)g_pattern);
    return 0;
}
