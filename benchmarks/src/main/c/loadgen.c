/*
 * loadgen: the benchmarks' load generator. One thread, one edge-triggered epoll instance, so
 * that it stays cheaper per message than the servers it drives from its single pinned core.
 *
 * Edge-triggered without the usual read-until-EAGAIN: a TCP read that returns less than asked
 * has emptied the receive queue, and data arriving after it raises a new edge; likewise a short
 * or refused write sets SOCK_NOSPACE, so the freed space raises an EPOLLOUT edge. That saves
 * level-triggered epoll's re-poll of every ready socket and the EPOLL_CTL_MODs for EPOLLOUT.
 *
 *   loadgen --host 127.0.0.1 --port P[,P...] | --unix PATH --scenario S [--connections N] [--size BYTES] [--depth D]
 *           [--warmup SECONDS] [--duration SECONDS] [--senders K] [--rate MSGS_PER_S] [--verify]
 *           [--nick-prefix STR] [--ready PREFIX] [--drain SECONDS]
 *
 * Scenarios: pingpong, pipeline, stream, churn, fanout, idle (see ../../../README.md).
 * Prints one JSON object on one line on stdout at the end; diagnostics go to stderr.
 * Exit status: 0 on a completed run, 1 when nothing could connect, 2 for bad arguments.
 *
 * Echo payloads are a byte pattern that is a function of the stream offset (offset % 251), so
 * every message is written straight from one static buffer and --verify can check the echo
 * byte for byte without keeping copies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum scenario { SC_PINGPONG, SC_PIPELINE, SC_STREAM, SC_CHURN, SC_FANOUT, SC_IDLE };
static const char *const SCENARIO_NAMES[] = { "pingpong", "pipeline", "stream", "churn", "fanout", "idle" };

enum phase { PH_CONNECT, PH_REGISTER, PH_SETTLE, PH_WARMUP, PH_MEASURE, PH_DRAIN, PH_DONE };
enum cstate { CS_NEW, CS_CONNECTING, CS_OPEN, CS_DEAD };

#define PAT_PERIOD 251u                 /* prime, so chunk sizes that are powers of two still shift the phase */
#define PAT_WINDOW (256u * 1024u)       /* largest single write */
#define RBUF_SIZE (256u * 1024u)        /* shared read buffer */
#define MAX_EVENTS 4096
#define CONNECT_WINDOW 128              /* connects in flight at once: keeps servers' accept queues from overflowing */
#define CONNECT_ATTEMPTS 3
#define FANOUT_SETTLE_NS 500000000ull   /* after the last registration, before warm-up */
#define IDLE_SETTLE_NS 250000000ull     /* after the last connect, so the server has accepted them all */
#define FANOUT_MAX_QUEUE (16u << 20)    /* a sender's unsent lines; beyond this lines are dropped as errors */
#define FANOUT_MIN_TICK_NS 100000ull    /* at most 10,000 send ticks a second; faster rates send several per tick */
#define TIMER_ID 0xffffffffu
#define FD_RESERVE 16                   /* descriptors kept for stdio, epoll, timerfd */
#define SOURCE_ADDRESSES 64u            /* 127.0.0.1 .. 127.0.0.64, for a loopback destination */
#define MAX_PORTS 16                    /* servers a run spreads its connections over */
#define REGISTER_TIMEOUT_NS 30000000000ull /* fanout --ready: how long registrations may take */
#define MAX_CPUS 256
#define MAX_THREADS 64

/* ---- latency histogram: exact below 256 ns, then 128 linear buckets per power of two (< 0.8 % error) ---- */

#define H_SUB_BITS 7
#define H_SUB (1u << H_SUB_BITS)
#define H_LINEAR (2u * H_SUB)
#define H_OCTAVES 40
#define H_BUCKETS (H_LINEAR + H_OCTAVES * H_SUB)

struct hist {
    uint64_t b[H_BUCKETS];
    uint64_t count;
    uint64_t max;              /* exact, in ns */
};

/* Per thread: each worker records its own connections; main merges them for the report. */
static __thread struct hist lat;        /* every latency recorded */
static __thread struct hist lat_remote; /* fanout over several ports: deliveries whose sender is on another server */

static inline void hist_record(struct hist *h, uint64_t v) {
    unsigned idx;
    if (v < H_LINEAR) {
        idx = (unsigned)v;
    } else {
        unsigned m = 63u - (unsigned)__builtin_clzll(v); /* >= 8 */
        unsigned shift = m - H_SUB_BITS;
        idx = H_LINEAR + (m - (H_SUB_BITS + 1)) * H_SUB + (unsigned)((v >> shift) - H_SUB);
        if (idx >= H_BUCKETS) {
            idx = H_BUCKETS - 1;
        }
    }
    h->b[idx]++;
    h->count++;
    if (v > h->max) {
        h->max = v;
    }
}

static double hist_bucket_mid(unsigned idx) {
    if (idx < H_LINEAR) {
        return idx;
    }
    unsigned k = idx - H_LINEAR;
    unsigned m = k / H_SUB + H_SUB_BITS + 1;
    unsigned shift = m - H_SUB_BITS;
    double low = (double)((uint64_t)(H_SUB + k % H_SUB) << shift);
    return low + (double)(1ull << shift) / 2.0;
}

/* The value at quantile q, in microseconds; 0 when nothing was recorded. */
static double hist_quantile_us(const struct hist *h, double q) {
    if (h->count == 0) {
        return 0;
    }
    double want = q * (double)h->count;
    uint64_t target = (uint64_t)want;
    if ((double)target < want) {
        target++; /* ceiling, without libm */
    }
    if (target < 1) {
        target = 1;
    }
    uint64_t seen = 0;
    for (unsigned i = 0; i < H_BUCKETS; i++) {
        seen += h->b[i];
        if (seen >= target) {
            return hist_bucket_mid(i) / 1000.0;
        }
    }
    return hist_bucket_mid(H_BUCKETS - 1) / 1000.0;
}

/* ---- state ---- */

struct conn {
    int fd;
    uint32_t gen;              /* bumped per socket, so stale epoll events are recognised */
    uint8_t state;
    uint8_t attempts;
    uint8_t registered;        /* fanout: registration line fully written, or with --ready its reply read */
    uint8_t line_skip;         /* fanout: discarding the rest of an overlong line */
    uint8_t blocked;           /* the last write was short: wait for the EPOLLOUT edge */
    uint32_t ev;               /* current epoll interest */
    uint64_t tx_off;           /* echo scenarios: bytes queued so far (pattern offset) */
    uint64_t tx_done;          /* echo scenarios: bytes written so far */
    uint64_t rx_off;           /* bytes read so far */
    uint64_t rx_msgs;          /* pingpong/pipeline: messages completed */
    uint64_t t0;               /* churn: start of the current cycle */
    uint64_t *ring;            /* pipeline: send times of messages in flight, FIFO; owned, lives with the conn */
    uint32_t ring_head, ring_len;
    char *line;                /* fanout: partial line carried between reads; owned, lives with the conn */
    uint32_t line_len;
    char *out;                 /* fanout: unsent bytes; owned, lives with the conn */
    uint32_t out_head, out_len, out_cap;
    uint64_t seq;              /* fanout: this sender's next sequence number */
};

struct gstate {
    /* options */
    const char *host;
    const char *unix_path;                   /* --unix: connect to this Unix-domain socket instead */
    const char *port_list;     /* as given: "P" or "P1,P2,..." */
    int ports[MAX_PORTS];
    int nports;
    enum scenario sc;
    int connections;
    size_t size;
    int depth;
    double warmup_s, duration_s;
    int senders;
    double rate;
    int verify;
    const char *nick_prefix;   /* fanout: registration is <prefix><index> */
    const char *ready;         /* fanout: a client is registered once it reads a line starting with this */
    size_t ready_len;
    double drain_s;            /* fanout --verify: how long to wait for lines still on their way */

    /* fixed resources */
    struct sockaddr_storage addrs[MAX_PORTS]; /* connection i goes to addrs[i % nports] */
    socklen_t addrlen;
    int spread_sources;        /* the destination is IPv4 loopback: connect from several source addresses */
    uint32_t next_source;
    int ep, timer_fd;
    char *pat;                 /* PAT_WINDOW + PAT_PERIOD pattern bytes; lives for the process */
    char *rbuf;                /* RBUF_SIZE; lives for the process */
    struct conn *conns;
    int *retry;                /* connect retries waiting, as indices */
    int retry_len;
    int *restart;              /* churn: workers to restart at the end of this loop turn */
    int restart_len;

    /* progress */
    enum phase phase;
    uint64_t phase_end;
    uint64_t connect_deadline;
    uint64_t t_start;
    int next_connect, inflight, connected, failed, open, registered;
    int sending;               /* traffic is generated (warm-up and measurement) */
    int recording;             /* counters and histogram are kept (measurement) */
    uint64_t sched_start, sched_sent; /* fanout schedule */
    uint64_t fanout_sent_measured, fanout_dropped;
    uint64_t cycles_ok_total;  /* churn: cycles completed, warm-up included */
    uint64_t verify_errors;
    /* fanout --verify: next_seq[receiver * senders + sender] is the sequence number the receiver
     * expects next from the sender (lines from one sender arrive in order); owned, lives for the process */
    uint64_t *next_seq;
    uint64_t fv_skipped;       /* lines a receiver never got before a later one from the same sender */
    uint64_t fv_behind;        /* lines at or below what a receiver had already: duplicates, or late after a skip */
    uint64_t fv_unexpected;    /* a sender's own line back, or a sender index out of range */
    uint64_t stale;            /* fanout: lines stamped before this run started: an earlier run's, delivered late */
    uint64_t t_drain0, t_drain1;

    /* results */
    uint64_t messages, bytes, errors;
    uint64_t t_measure0, t_measure1;
    struct rusage ru0, ru1;    /* the whole process's, at this thread's window start and end */

    /* threads: each has its own copy of this struct (options copied from main's), its own epoll
     * set and the connections base .. base + connections - 1 of total_connections */
    int threads;
    int cpus[MAX_CPUS];        /* --cpus: thread t runs on cpus[t % ncpus] */
    int ncpus;
    int thread_index;
    int base;
    int total_connections;
    int started;               /* passed the start barrier */
    int stopped_sending;       /* counted out of sending_threads */
    long server_pid;           /* --server-pid: its CPU is read from /proc at the window's edges */
    double server_cpu0, server_cpu1;
    /* kept at a thread's end for main's merge */
    uint64_t owed_end, expected_end;
    int open_end;
    double drain_s_end;
};

static __thread struct gstate g;

/* Shared between threads. sender_seq[s]: lines sender s (a global index) has queued; written by
 * the thread owning s, read by every thread for --verify; lives for the process. */
static uint64_t *sender_seq;
static pthread_barrier_t start_barrier; /* every thread passes it once, just before traffic starts */
static int open_at_start;              /* open connections of all threads at the barrier */
static int sending_threads;            /* threads whose senders may still queue lines */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("loadgen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* A connection's index over all threads: its nick, its sender id, the port it goes to. */
static inline long gid(const struct conn *c) {
    return (long)g.base + (long)(c - g.conns);
}

static inline uint64_t ev_data(struct conn *c) {
    return (uint64_t)(uint32_t)(c - g.conns) | ((uint64_t)c->gen << 32);
}

static void set_events(struct conn *c, uint32_t ev) {
    if (c->ev == ev) {
        return;
    }
    struct epoll_event e = { .events = ev, .data.u64 = ev_data(c) };
    if (epoll_ctl(g.ep, EPOLL_CTL_MOD, c->fd, &e) == 0) {
        c->ev = ev;
    }
}

static void close_conn(struct conn *c) {
    if (c->fd >= 0) {
        close(c->fd); /* also leaves the epoll set */
        c->fd = -1;
    }
}

/* A connection that was open failed (reset, early EOF, write error). */
static void conn_lost(struct conn *c, const char *why, int err) {
    if (c->state != CS_OPEN) {
        return;
    }
    if (g.errors < 10) {
        note("connection %ld lost: %s%s%s", gid(c), why, err ? ": " : "", err ? strerror(err) : "");
    }
    close_conn(c);
    c->state = CS_DEAD;
    g.errors++;
    g.open--;
}

/* ---- connecting ---- */

/* Starts a nonblocking connect; 0 when under way, -1 (errno set) when it failed at once. */
static int start_connect(struct conn *c, uint32_t events) {
    const struct sockaddr_storage *addr = &g.addrs[gid(c) % g.nports];
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (g.sc != SC_CHURN) {
        /* churn sends one segment per connection, which Nagle never delays: save the syscall */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (g.spread_sources) {
        /* Many connections from one address make connect()'s ephemeral-port search crawl (it
         * walks ports already taken for this destination); from 64 loopback addresses each
         * search ends almost at once. The port is still picked at connect(), for the 4-tuple. */
        int one = 1;
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        struct sockaddr_in src = { .sin_family = AF_INET };
        src.sin_addr.s_addr = htonl(0x7f000001u + g.next_source++ % SOURCE_ADDRESSES);
        bind(fd, (struct sockaddr *)&src, sizeof src); /* on failure the kernel picks, as usual */
    }
    if (connect(fd, (const struct sockaddr *)addr, g.addrlen) < 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    c->fd = fd;
    c->gen++;
    c->state = CS_CONNECTING;
    if (g.sc == SC_CHURN) {
        /* On loopback the handshake has usually completed inside connect(): write at once and
         * wait only for the echo, not for the EPOLLOUT edge (EAGAIN if still connecting). */
        size_t n = c->tx_off > PAT_WINDOW ? PAT_WINDOW : (size_t)c->tx_off;
        ssize_t w = write(fd, g.pat, n);
        if (w < 0 && errno != EAGAIN) {
            int e = errno;
            close(fd);
            c->fd = -1;
            errno = e;
            return -1;
        }
        if (w > 0) {
            c->tx_done = (uint64_t)w;
            c->state = CS_OPEN;
        }
        if (c->tx_done == c->tx_off) {
            events = EPOLLIN | EPOLLET;
        }
    }
    c->ev = events;
    struct epoll_event e = { .events = events, .data.u64 = ev_data(c) };
    if (epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &e) < 0) {
        int err = errno;
        close(fd);
        c->fd = -1;
        errno = err;
        return -1;
    }
    return 0;
}

static void connect_failed(struct conn *c, int err) {
    close_conn(c);
    g.errors++;
    if (g.errors <= 10) {
        note("connect %ld failed: %s", gid(c), strerror(err));
    }
    if (++c->attempts < CONNECT_ATTEMPTS) {
        c->state = CS_NEW;
        g.retry[g.retry_len++] = (int)(c - g.conns);
    } else {
        c->state = CS_DEAD;
        g.failed++;
    }
}

static void pump_connects(void) {
    while (g.inflight < CONNECT_WINDOW && (g.retry_len > 0 || g.next_connect < g.connections)) {
        struct conn *c = g.retry_len > 0 ? &g.conns[g.retry[--g.retry_len]] : &g.conns[g.next_connect++];
        if (start_connect(c, EPOLLOUT) < 0) {
            connect_failed(c, errno);
            continue;
        }
        g.inflight++;
    }
}

static void fanout_flush(struct conn *c);

static void on_open(struct conn *c) {
    c->state = CS_OPEN;
    g.connected++;
    g.open++;
    switch (g.sc) {
    case SC_FANOUT: {
        uint32_t cap = (uint32_t)(g.size * 2 + 1024);
        c->line = malloc(cap);
        c->out_cap = 4096;
        c->out = malloc(c->out_cap);
        if (!c->line || !c->out) {
            note("out of memory");
            exit(1);
        }
        c->out_len = (uint32_t)snprintf(c->out, c->out_cap, "%s%ld\n", g.nick_prefix, gid(c));
        set_events(c, EPOLLIN | EPOLLOUT | EPOLLET);
        fanout_flush(c);
        break;
    }
    case SC_IDLE:
        set_events(c, EPOLLIN | EPOLLRDHUP | EPOLLET);
        break;
    default:
        set_events(c, EPOLLIN | EPOLLOUT | EPOLLET);
        break;
    }
}

/* ---- echo scenarios: pingpong, pipeline, stream ---- */

/* Writes queued pattern bytes; 1 when the socket is full (an EPOLLOUT edge follows), 0 when all
 * is written, -1 on error. */
static int echo_flush(struct conn *c) {
    while (c->tx_done < c->tx_off) {
        uint64_t left = c->tx_off - c->tx_done;
        size_t n = left > PAT_WINDOW ? PAT_WINDOW : (size_t)left;
        ssize_t w = write(c->fd, g.pat + c->tx_done % PAT_PERIOD, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                break;
            }
            return -1;
        }
        c->tx_done += (uint64_t)w;
        if ((size_t)w < n) {
            break; /* short write: the socket is full, spare the EAGAIN round trip */
        }
    }
    c->blocked = c->tx_done < c->tx_off;
    return c->blocked;
}

static void check_pattern(struct conn *c, const char *p, size_t n) {
    uint64_t off = c->rx_off;
    size_t i = 0;
    while (i < n) {
        size_t chunk = n - i > PAT_WINDOW ? PAT_WINDOW : n - i;
        if (memcmp(p + i, g.pat + (off + i) % PAT_PERIOD, chunk) != 0) {
            if (g.verify_errors++ < 5) {
                note("connection %ld: echoed bytes differ near stream offset %" PRIu64, gid(c), off + i);
            }
            return;
        }
        i += chunk;
    }
}

/* Queues n more messages of `size` bytes on a pingpong/pipeline connection, sent at `now`. */
static void echo_queue(struct conn *c, uint64_t n, uint64_t now) {
    for (uint64_t i = 0; i < n; i++) {
        c->ring[(c->ring_head + c->ring_len) % (uint32_t)g.depth] = now;
        c->ring_len++;
    }
    c->tx_off += n * g.size;
}

/* Pingpong/pipeline: records the messages whose echo is now complete and sends as many again. */
static void echo_completed(struct conn *c) {
    uint64_t done = c->rx_off / g.size;
    uint64_t k = done - c->rx_msgs;
    if (k == 0) {
        return;
    }
    c->rx_msgs = done;
    uint64_t now = now_ns();
    for (uint64_t i = 0; i < k && c->ring_len > 0; i++) {
        uint64_t t = c->ring[c->ring_head];
        c->ring_head = (c->ring_head + 1) % (uint32_t)g.depth;
        c->ring_len--;
        if (g.recording) {
            hist_record(&lat, now - t);
            g.messages++;
        }
    }
    if (g.sending) {
        echo_queue(c, k, now);
        if (echo_flush(c) < 0) {
            conn_lost(c, "write", errno);
        }
    }
}

static void echo_readable(struct conn *c) {
    for (;;) { /* until a short read: edge-triggered */
        ssize_t n = read(c->fd, g.rbuf, RBUF_SIZE);
        if (n == 0) {
            conn_lost(c, "server closed the connection", 0);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                conn_lost(c, "read", errno);
            }
            return;
        }
        if (g.verify) {
            check_pattern(c, g.rbuf, (size_t)n);
        }
        c->rx_off += (uint64_t)n;
        if (g.recording) {
            g.bytes += (uint64_t)n;
        }
        if (g.sc != SC_STREAM) {
            echo_completed(c);
        }
        if ((size_t)n < RBUF_SIZE || c->state != CS_OPEN) {
            return;
        }
    }
}

static void stream_writable(struct conn *c) {
    for (;;) { /* until the socket is full: only then does an EPOLLOUT edge follow */
        if (c->tx_done == c->tx_off) {
            c->tx_off += g.size;
        }
        int r = echo_flush(c);
        if (r < 0) {
            conn_lost(c, "write", errno);
            return;
        }
        if (r > 0) {
            return;
        }
    }
}

static void echo_event(struct conn *c, uint32_t ev) {
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        echo_readable(c);
    }
    if (c->state != CS_OPEN || !(ev & EPOLLOUT)) {
        return;
    }
    c->blocked = 0;
    if (g.sc == SC_STREAM) {
        if (g.sending) {
            stream_writable(c);
        }
    } else if (c->tx_done < c->tx_off && echo_flush(c) < 0) {
        conn_lost(c, "write", errno);
    }
}

/* ---- churn: connect, send, read the echo, close, again ---- */

static void churn_start(struct conn *c, uint64_t now) {
    c->t0 = now;
    c->tx_off = g.size;
    c->tx_done = 0;
    c->rx_off = 0;
    if (start_connect(c, EPOLLIN | EPOLLOUT | EPOLLET) < 0) {
        g.errors++;
        c->state = CS_DEAD;
        g.restart[g.restart_len++] = (int)(c - g.conns);
        return;
    }
    g.open++;
}

static void churn_fail(struct conn *c, const char *why, int err) {
    if (g.errors < 10) {
        note("churn worker %ld: %s%s%s", gid(c), why, err ? ": " : "", err ? strerror(err) : "");
    }
    close_conn(c);
    g.open--;
    g.errors++;
    c->state = CS_DEAD;
    g.restart[g.restart_len++] = (int)(c - g.conns);
}

static void churn_event(struct conn *c, uint32_t ev) {
    /* Edge-triggered: the first EPOLLOUT edge means connected (or failed); write all, then read
     * until the echo is complete or EAGAIN. */
    if (c->tx_done < c->tx_off) {
        if (ev & EPOLLERR) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
            churn_fail(c, "connect", err ? err : ECONNRESET);
            return;
        }
        while (c->tx_done < c->tx_off) {
            size_t n = (size_t)(c->tx_off - c->tx_done);
            if (n > PAT_WINDOW) {
                n = PAT_WINDOW;
            }
            ssize_t w = write(c->fd, g.pat + c->tx_done % PAT_PERIOD, n);
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EAGAIN) {
                    return; /* not connected yet, or full: the next edge brings us back */
                }
                churn_fail(c, "connect/write", errno);
                return;
            }
            c->tx_done += (uint64_t)w;
        }
        if (c->state == CS_CONNECTING) {
            c->state = CS_OPEN;
        }
        if (!(ev & EPOLLIN)) {
            return; /* the echo's arrival raises a new edge */
        }
    }
    for (;;) {
        ssize_t n = read(c->fd, g.rbuf, RBUF_SIZE);
        if (n > 0) {
            if (g.verify) {
                check_pattern(c, g.rbuf, (size_t)n);
            }
            c->rx_off += (uint64_t)n;
            if (c->rx_off >= g.size) {
                uint64_t now = now_ns();
                close_conn(c);
                g.open--;
                g.cycles_ok_total++;
                if (g.recording) {
                    g.messages++;
                    g.bytes += c->rx_off;
                    hist_record(&lat, now - c->t0);
                }
                if (g.sending) {
                    churn_start(c, now);
                } else {
                    c->state = CS_NEW;
                }
                return;
            }
            continue;
        }
        if (n == 0) {
            churn_fail(c, "server closed before the echo was complete", 0);
            return;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN) {
            churn_fail(c, "read", errno);
        }
        return;
    }
}

/* ---- fanout: line broadcast, open-loop senders ---- */

/* Writes a fanout connection's queued bytes; what the socket cannot take waits for EPOLLOUT. */
static void fanout_flush(struct conn *c) {
    while (c->out_len > 0) {
        ssize_t w = write(c->fd, c->out + c->out_head, c->out_len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                break;
            }
            conn_lost(c, "write", errno);
            return;
        }
        c->out_head += (uint32_t)w;
        c->out_len -= (uint32_t)w;
        if (c->out_len > 0) {
            break; /* short write: full */
        }
    }
    c->blocked = c->out_len > 0;
    if (c->out_len == 0) {
        c->out_head = 0;
        if (!c->registered && !g.ready) {
            c->registered = 1;
            g.registered++;
        }
    }
}

/* Appends one MSG line of `size` bytes (longer if the header needs it) to a sender's queue. */
static int fanout_append(struct conn *c, long sender, uint64_t t) {
    char head[96];
    int h = snprintf(head, sizeof head, "MSG %ld %" PRIu64 " %" PRIu64 " ", sender, c->seq, t);
    size_t len = (size_t)h + 1 > g.size ? (size_t)h + 1 : g.size;
    if (c->out_len + len > FANOUT_MAX_QUEUE) {
        return -1;
    }
    if (c->out_head + c->out_len + len > c->out_cap) {
        if (c->out_head > 0) {
            memmove(c->out, c->out + c->out_head, c->out_len);
            c->out_head = 0;
        }
        if (c->out_len + len > c->out_cap) {
            uint32_t cap = c->out_cap;
            while (c->out_len + len > cap) {
                cap *= 2;
            }
            char *p = realloc(c->out, cap);
            if (!p) {
                return -1;
            }
            c->out = p;
            c->out_cap = cap;
        }
    }
    char *p = c->out + c->out_head + c->out_len;
    memcpy(p, head, (size_t)h);
    memset(p + h, 'x', len - (size_t)h - 1);
    p[len - 1] = '\n';
    c->out_len += (uint32_t)len;
    c->seq++;
    __atomic_store_n(&sender_seq[sender], c->seq, __ATOMIC_RELAXED);
    return 0;
}

static void fanout_tick(void) {
    uint64_t expirations;
    if (read(g.timer_fd, &expirations, sizeof expirations) < 0) {
        return;
    }
    if (!g.sending) {
        return;
    }
    uint64_t now = now_ns();
    uint64_t due = (uint64_t)((double)(now - g.sched_start) * g.rate / 1e9);
    if (due <= g.sched_sent) {
        return;
    }
    /* one schedule over all senders, as one thread would run it; each thread sends its own senders' lines */
    long k = g.senders;
    for (; g.sched_sent < due; g.sched_sent++) {
        long s = (long)(g.sched_sent % (uint64_t)k);
        if (s < g.base || s >= g.base + g.connections) {
            continue;
        }
        struct conn *c = &g.conns[s - g.base];
        if (c->state != CS_OPEN || fanout_append(c, s, now) < 0) {
            g.fanout_dropped++;
            g.errors++;
            continue;
        }
        if (g.recording) {
            g.fanout_sent_measured++;
        }
    }
    for (int i = 0; i < g.connections && g.base + i < k; i++) {
        struct conn *c = &g.conns[i];
        if (c->state == CS_OPEN && c->out_len > 0 && !c->blocked) {
            fanout_flush(c);
        }
    }
}

/* "MSG " anywhere in the line; memmem's set-up costs more than these short lines do. */
static inline const char *find_msg(const char *p, size_t len) {
    const char *end = p + len;
    while (len >= 4) {
        const char *m = memchr(p, 'M', len - 3);
        if (!m) {
            return NULL;
        }
        if (m[1] == 'S' && m[2] == 'G' && m[3] == ' ') {
            return m;
        }
        p = m + 1;
        len = (size_t)(end - p);
    }
    return NULL;
}

/* Reads an unsigned decimal at *q, then skips the spaces after it; -1 when there are no digits. */
static inline int parse_u64(const char **q, const char *end, uint64_t *v) {
    const char *p = *q;
    uint64_t x = 0;
    int digits = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        x = x * 10 + (uint64_t)(*p - '0');
        p++;
        digits++;
    }
    while (p < end && *p == ' ') {
        p++;
    }
    *q = p;
    *v = x;
    return digits > 0 ? 0 : -1;
}

/* --verify: one line from `sender` numbered `seq` reached `receiver`. */
static inline void fanout_check(const struct conn *c, uint64_t sender, uint64_t seq) {
    if (sender >= (uint64_t)g.senders || (long)sender == gid(c)) {
        g.fv_unexpected++;
        return;
    }
    uint64_t *next = &g.next_seq[(size_t)(c - g.conns) * (size_t)g.senders + sender];
    if (seq == *next) {
        (*next)++;
    } else if (seq > *next) {
        g.fv_skipped += seq - *next;
        *next = seq + 1;
    } else {
        g.fv_behind++;
    }
}

static inline void fanout_line(struct conn *c, const char *p, size_t len, uint64_t now) {
    if (!c->registered) {
        /* with --ready: nothing counts before the server's reply to the registration */
        if (g.ready && len >= g.ready_len && memcmp(p, g.ready, g.ready_len) == 0) {
            c->registered = 1;
            g.registered++;
        }
        return;
    }
    if (!g.recording && !g.next_seq) {
        return;
    }
    const char *m = find_msg(p, len);
    if (!m) {
        return;
    }
    /* MSG <sender> <seq> <t_ns> ... */
    const char *end = p + len;
    const char *q = m + 4;
    uint64_t sender, seq, t;
    int ok = parse_u64(&q, end, &sender) == 0 && parse_u64(&q, end, &seq) == 0 && parse_u64(&q, end, &t) == 0;
    long receiver = gid(c);
    if (ok && t < g.t_start) {
        /* not ours: a server still working off an earlier run's backlog hands its lines to our clients */
        g.stale++;
        return;
    }
    if (g.next_seq) {
        if (ok) {
            fanout_check(c, sender, seq);
        } else {
            g.fv_unexpected++;
        }
    }
    if (!g.recording) {
        return;
    }
    g.messages++;
    if (ok && t <= now) {
        hist_record(&lat, now - t);
        if (g.nports > 1 && sender < (uint64_t)g.total_connections && (long)sender % g.nports != receiver % g.nports) {
            hist_record(&lat_remote, now - t);
        }
    }
}

static void fanout_lines(struct conn *c, size_t n);

static void fanout_readable(struct conn *c) {
    ssize_t n;
    do { /* until a short read: edge-triggered */
        n = read(c->fd, g.rbuf, RBUF_SIZE);
        if (n == 0) {
            conn_lost(c, "server closed the connection", 0);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                conn_lost(c, "read", errno);
            }
            return;
        }
        fanout_lines(c, (size_t)n);
    } while ((size_t)n == RBUF_SIZE);
}

/* Counts the complete MSG lines among n bytes just read, carrying a partial line over. */
static void fanout_lines(struct conn *c, size_t n) {
    if (g.recording) {
        g.bytes += (uint64_t)n;
    }
    uint64_t now = now_ns();
    uint32_t cap = (uint32_t)(g.size * 2 + 1024);
    const char *p = g.rbuf, *end = g.rbuf + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (c->line_skip || c->line_len > 0 || !nl) {
            /* the line started in an earlier read, or continues in a later one */
            if (!c->line_skip) {
                if (c->line_len + len > cap) {
                    c->line_skip = 1; /* too long to be ours: drop it */
                    c->line_len = 0;
                } else {
                    memcpy(c->line + c->line_len, p, len);
                    c->line_len += (uint32_t)len;
                }
            }
            if (!nl) {
                break;
            }
            if (!c->line_skip) {
                fanout_line(c, c->line, c->line_len, now);
            }
            c->line_len = 0;
            c->line_skip = 0;
        } else {
            fanout_line(c, p, len, now);
        }
        p = nl + 1;
    }
}

static void fanout_event(struct conn *c, uint32_t ev) {
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        fanout_readable(c);
    }
    if (c->state == CS_OPEN && (ev & EPOLLOUT)) {
        c->blocked = 0;
        if (c->out_len > 0) {
            fanout_flush(c);
        }
    }
}

/* ---- idle ---- */

static void idle_event(struct conn *c, uint32_t ev) {
    (void)ev;
    for (;;) { /* a prompt or banner is harmless; EOF or reset is not */
        ssize_t n = read(c->fd, g.rbuf, RBUF_SIZE);
        if (n == 0) {
            conn_lost(c, "server closed the connection", 0);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                conn_lost(c, "read", errno);
            }
            return;
        }
        if ((size_t)n < RBUF_SIZE) {
            return;
        }
    }
}

/* ---- phases ---- */

static void start_traffic(uint64_t now) {
    g.sending = 1;
    switch (g.sc) {
    case SC_PINGPONG:
    case SC_PIPELINE:
        for (int i = 0; i < g.connections; i++) {
            struct conn *c = &g.conns[i];
            if (c->state == CS_OPEN) {
                echo_queue(c, (uint64_t)g.depth, now);
                if (echo_flush(c) < 0) {
                    conn_lost(c, "write", errno);
                }
            }
        }
        break;
    case SC_STREAM:
        for (int i = 0; i < g.connections; i++) {
            if (g.conns[i].state == CS_OPEN) {
                stream_writable(&g.conns[i]); /* the connect's EPOLLOUT edge is spent: write first */
            }
        }
        break;
    case SC_CHURN:
        for (int i = 0; i < g.connections; i++) {
            churn_start(&g.conns[i], now);
        }
        break;
    case SC_FANOUT: {
        g.sched_start = now;
        g.sched_sent = 0;
        if (g.base >= g.senders) {
            break; /* no senders on this thread: no timer */
        }
        uint64_t tick = (uint64_t)(1e9 / g.rate);
        if (tick < FANOUT_MIN_TICK_NS) {
            tick = FANOUT_MIN_TICK_NS;
        }
        struct itimerspec its = {
            .it_interval = { (time_t)(tick / 1000000000ull), (long)(tick % 1000000000ull) },
            .it_value = { (time_t)(tick / 1000000000ull), (long)(tick % 1000000000ull) },
        };
        timerfd_settime(g.timer_fd, 0, &its, NULL);
        break;
    }
    case SC_IDLE:
        break;
    }
}

/* utime + stime of process pid, in seconds, from /proc/PID/stat; NaN if it cannot be read. */
static double proc_cpu_s(long pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0.0 / 0.0;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return 0.0 / 0.0;
    }
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    unsigned long long ut = 0, st = 0;
    /* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
        return 0.0 / 0.0;
    }
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Every thread passes once, just before its traffic starts (or as it gives up), so the threads'
 * warm-ups and windows start together. */
static void pass_start(void) {
    if (g.started) {
        return;
    }
    g.started = 1;
    __atomic_add_fetch(&open_at_start, g.open, __ATOMIC_RELAXED);
    pthread_barrier_wait(&start_barrier);
}

/* Set by the first thread whose window starts, and ends: it prints MEASURING, MEASURED on stderr. */
static int window_started_mark, window_ended_mark;

static void enter_measure(uint64_t now) {
    g.phase = PH_MEASURE;
    g.phase_end = now + (uint64_t)(g.duration_s * 1e9);
    g.messages = 0;
    g.bytes = 0;
    memset(&lat, 0, sizeof lat);
    memset(&lat_remote, 0, sizeof lat_remote);
    g.recording = 1;
    g.t_measure0 = now;
    getrusage(RUSAGE_SELF, &g.ru0);
    if (g.server_pid > 0) {
        g.server_cpu0 = proc_cpu_s(g.server_pid);
    }
    if (__atomic_exchange_n(&window_started_mark, 1, __ATOMIC_RELAXED) == 0) {
        fprintf(stderr, "MEASURING\n"); /* a runner may read the server's own counters now */
        fflush(stderr);
    }
}

static void enter_warmup(uint64_t now) {
    pass_start();
    now = now_ns();
    start_traffic(now);
    if (g.warmup_s <= 0) {
        enter_measure(now);
        return;
    }
    g.phase = PH_WARMUP;
    g.phase_end = now + (uint64_t)(g.warmup_s * 1e9);
}

static void end_measure(uint64_t now) {
    if (g.phase == PH_MEASURE) {
        g.t_measure1 = now;
        getrusage(RUSAGE_SELF, &g.ru1);
        if (g.server_pid > 0) {
            g.server_cpu1 = proc_cpu_s(g.server_pid);
        }
        if (__atomic_exchange_n(&window_ended_mark, 1, __ATOMIC_RELAXED) == 0) {
            fprintf(stderr, "MEASURED\n");
            fflush(stderr);
        }
    }
    g.recording = 0;
    g.sending = 0;
    if (!g.stopped_sending) {
        g.stopped_sending = 1;
        __atomic_sub_fetch(&sending_threads, 1, __ATOMIC_RELEASE);
    }
}

static void finish(uint64_t now) {
    pass_start(); /* a thread that gives up early must not hold the others at the barrier */
    end_measure(now);
    if (g.phase == PH_DRAIN) {
        g.t_drain1 = now;
    }
    g.phase = PH_DONE;
}

/* Deliveries still owed to this thread's open receivers: every other sender's lines not reached yet. */
static uint64_t fanout_owed(void) {
    uint64_t owed = 0;
    for (int r = 0; r < g.connections; r++) {
        if (g.conns[r].state != CS_OPEN) {
            continue;
        }
        const uint64_t *next = &g.next_seq[(size_t)r * (size_t)g.senders];
        for (int s = 0; s < g.senders; s++) {
            uint64_t sent = __atomic_load_n(&sender_seq[s], __ATOMIC_RELAXED);
            if (s != g.base + r && next[s] < sent) {
                owed += sent - next[s];
            }
        }
    }
    return owed;
}

/* Deliveries this thread's open receivers should get: every line of every other sender. */
static uint64_t fanout_expected(void) {
    uint64_t all = 0;
    for (int s = 0; s < g.senders; s++) {
        all += __atomic_load_n(&sender_seq[s], __ATOMIC_RELAXED);
    }
    uint64_t expected = 0;
    for (int r = 0; r < g.connections; r++) {
        if (g.conns[r].state == CS_OPEN) {
            expected += all - (g.base + r < g.senders ? __atomic_load_n(&sender_seq[g.base + r], __ATOMIC_RELAXED) : 0);
        }
    }
    return expected;
}

static void advance(uint64_t now) {
    if (interrupted && g.phase != PH_DONE) {
        note("interrupted");
        finish(now);
        return;
    }
    switch (g.phase) {
    case PH_CONNECT:
        if (g.connected + g.failed < g.connections && now < g.connect_deadline) {
            return;
        }
        if (g.connected + g.failed < g.connections) {
            note("connect timeout: %d of %d still connecting", g.connections - g.connected - g.failed, g.connections);
            for (int i = 0; i < g.connections; i++) {
                if (g.conns[i].state == CS_CONNECTING || g.conns[i].state == CS_NEW) {
                    close_conn(&g.conns[i]);
                    g.conns[i].state = CS_DEAD;
                    g.errors++;
                }
            }
        }
        note("connected %d of %d in %.2f s", g.connected, g.connections, (double)(now - g.t_start) / 1e9);
        if (g.connected == 0) {
            finish(now);
            return;
        }
        if (g.sc == SC_FANOUT) {
            g.phase = PH_REGISTER;
            g.phase_end = now + REGISTER_TIMEOUT_NS;
        } else if (g.sc == SC_IDLE) {
            g.phase = PH_SETTLE;
            g.phase_end = now + IDLE_SETTLE_NS;
        } else {
            enter_warmup(now);
        }
        return;
    case PH_REGISTER:
        if (g.registered >= g.open || now >= g.phase_end) {
            if (g.registered < g.open) {
                note("only %d of %d clients registered within %.0f s; going on", g.registered, g.open,
                     REGISTER_TIMEOUT_NS / 1e9);
            } else {
                note("registered %d clients", g.registered);
            }
            g.phase = PH_SETTLE;
            g.phase_end = now + FANOUT_SETTLE_NS;
        }
        return;
    case PH_SETTLE:
        if (now < g.phase_end) {
            return;
        }
        if (g.sc == SC_IDLE) {
            pass_start();
            if (g.thread_index == 0) {
                fprintf(stderr, "HOLDING %d\n", __atomic_load_n(&open_at_start, __ATOMIC_RELAXED));
                fflush(stderr);
            }
            enter_measure(now_ns());
        } else {
            enter_warmup(now);
        }
        return;
    case PH_WARMUP:
        if (now >= g.phase_end) {
            enter_measure(now);
        }
        return;
    case PH_MEASURE:
        if (now >= g.phase_end || (g.sc != SC_CHURN && g.open == 0)) {
            if (g.open == 0 && g.sc != SC_CHURN) {
                note("every connection was lost; stopping early");
            }
            if (g.next_seq && g.open > 0) {
                end_measure(now); /* sending stops; lines still on their way are awaited */
                g.phase = PH_DRAIN;
                g.t_drain0 = now;
                g.phase_end = now + (uint64_t)(g.drain_s * 1e9);
            } else {
                finish(now);
            }
        }
        return;
    case PH_DRAIN: {
        static __thread uint64_t next_check; /* the count walks every pair: once a millisecond is enough */
        if (now >= g.phase_end) {
            finish(now);
        } else if (now >= next_check) {
            next_check = now + 1000000ull;
            /* lines are final once every thread's senders have stopped */
            if (__atomic_load_n(&sending_threads, __ATOMIC_ACQUIRE) == 0 && fanout_owed() == 0) {
                finish(now);
            }
        }
        return;
    }
    case PH_DONE:
        return;
    }
}

static int wait_timeout_ms(uint64_t now) {
    if (g.restart_len > 0) {
        return 0;
    }
    uint64_t until = 100000000ull; /* at most 100 ms, so phases and signals are noticed */
    if (g.phase == PH_WARMUP || g.phase == PH_MEASURE || g.phase == PH_SETTLE || g.phase == PH_DRAIN) {
        uint64_t left = g.phase_end > now ? g.phase_end - now : 0;
        if (left < until) {
            until = left;
        }
    }
    return (int)((until + 999999ull) / 1000000ull);
}

static void run(void) {
    struct epoll_event *evs = malloc(MAX_EVENTS * sizeof *evs); /* this thread's; lives for the run */
    if (!evs) {
        note("out of memory");
        exit(1);
    }
    uint64_t now = now_ns(); /* g.t_start is the process's start, set by main for every thread */
    g.connect_deadline = now + 30000000000ull + (uint64_t)g.connections * 1000000ull;
    if (g.sc == SC_CHURN) {
        enter_warmup(now);
    } else {
        g.phase = PH_CONNECT;
        pump_connects();
        advance(now);
    }
    while (g.phase != PH_DONE) {
        int n = epoll_wait(g.ep, evs, MAX_EVENTS, wait_timeout_ms(now));
        if (n < 0) {
            if (errno != EINTR) {
                note("epoll_wait: %s", strerror(errno));
                break;
            }
            n = 0;
        }
        for (int i = 0; i < n; i++) {
            uint32_t idx = (uint32_t)evs[i].data.u64;
            uint32_t ev = evs[i].events;
            if (idx == TIMER_ID) {
                fanout_tick();
                continue;
            }
            struct conn *c = &g.conns[idx];
            if ((uint32_t)(evs[i].data.u64 >> 32) != c->gen || c->fd < 0) {
                continue; /* an event for a socket since closed */
            }
            if (g.sc == SC_CHURN) {
                churn_event(c, ev);
                continue;
            }
            if (c->state == CS_CONNECTING) {
                int err = 0;
                socklen_t len = sizeof err;
                if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
                    err = errno;
                }
                if (err == 0 && !(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                    continue;
                }
                g.inflight--;
                if (err != 0 || (ev & (EPOLLERR | EPOLLHUP))) {
                    connect_failed(c, err ? err : ECONNRESET);
                } else {
                    on_open(c);
                }
                pump_connects();
                continue;
            }
            if (c->state != CS_OPEN) {
                continue;
            }
            switch (g.sc) {
            case SC_PINGPONG:
            case SC_PIPELINE:
            case SC_STREAM:
                echo_event(c, ev);
                break;
            case SC_FANOUT:
                fanout_event(c, ev);
                break;
            case SC_IDLE:
                idle_event(c, ev);
                break;
            case SC_CHURN:
                break;
            }
        }
        if (g.restart_len > 0) {
            /* failed churn workers start again here, once per loop turn, not recursively */
            int k = g.restart_len;
            g.restart_len = 0;
            uint64_t t = now_ns();
            for (int i = 0; i < k; i++) {
                struct conn *c = &g.conns[g.restart[i]];
                if (g.sending) {
                    churn_start(c, t);
                } else {
                    c->state = CS_NEW;
                }
            }
        }
        now = now_ns();
        advance(now);
    }
    free(evs);
}

/* ---- setup and report ---- */

static void usage(void) {
    fprintf(stderr,
            "usage: loadgen --host HOST --port PORT[,PORT...] | --unix PATH --scenario pingpong|pipeline|stream|churn|fanout|idle\n"
            "               [--connections N] [--size BYTES] [--depth D] [--warmup SECONDS]\n"
            "               [--duration SECONDS] [--senders K] [--rate MSGS_PER_S] [--verify]\n"
            "               [--nick-prefix STR] [--ready PREFIX] [--drain SECONDS]\n"
            "               [--threads N] [--cpus LIST] [--server-pid PID]\n"
            "connection i goes to the (i mod n)-th of n ports\n"
            "defaults: connections 1 (pingpong, pipeline, stream), 16 (churn), 1000 (fanout),\n"
            "          10000 (idle; capped by the open-file limit); size 64 (stream: 65536);\n"
            "          depth 16 (pipeline; pingpong is depth 1); warmup 2; duration 10;\n"
            "          senders 4; rate 2000; nick-prefix u; drain 5 (fanout --verify);\n"
            "          threads 1 (at most one per connection); cpus: not pinned\n");
    exit(2);
}

static double parse_num(const char *name, const char *v, double min, double max) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= min && d <= max)) {
        fprintf(stderr, "loadgen: --%s: expected a number in [%g, %g], got \"%s\"\n", name, min, max, v);
        usage();
    }
    return d;
}

static void parse_args(int argc, char **argv) {
    static const struct option opts[] = {
        { "host", required_argument, 0, 'h' },     { "port", required_argument, 0, 'p' },
        { "scenario", required_argument, 0, 's' }, { "connections", required_argument, 0, 'c' },
        { "size", required_argument, 0, 'z' },     { "depth", required_argument, 0, 'd' },
        { "warmup", required_argument, 0, 'w' },   { "duration", required_argument, 0, 't' },
        { "senders", required_argument, 0, 'k' },  { "rate", required_argument, 0, 'r' },
        { "verify", no_argument, 0, 'v' },         { "help", no_argument, 0, '?' },
        { "nick-prefix", required_argument, 0, 'n' }, { "ready", required_argument, 0, 'y' },
        { "drain", required_argument, 0, 'D' },
        { "threads", required_argument, 0, 'T' }, { "cpus", required_argument, 0, 'C' },
        { "server-pid", required_argument, 0, 'P' },
        { "unix", required_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    int scenario = -1, connections = -1, depth = -1;
    double size = -1;
    g.host = "127.0.0.1";
    g.nick_prefix = "u";
    g.drain_s = 5;
    g.threads = 1;
    g.warmup_s = 2;
    g.duration_s = 10;
    g.senders = 4;
    g.rate = 2000;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'h': g.host = optarg; break;
        case 'U':
            if (strlen(optarg) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
                fprintf(stderr, "loadgen: --unix: the path is longer than sun_path\n");
                usage();
            }
            g.unix_path = optarg;
            break;
        case 'p': {
            g.port_list = optarg;
            g.nports = 0;
            char *list = strdup(optarg), *save = NULL;
            for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (g.nports == MAX_PORTS) {
                    fprintf(stderr, "loadgen: --port: at most %d ports\n", MAX_PORTS);
                    usage();
                }
                g.ports[g.nports++] = (int)parse_num("port", t, 1, 65535);
            }
            free(list);
            break;
        }
        case 'n': g.nick_prefix = optarg; break;
        case 'y': g.ready = optarg; g.ready_len = strlen(optarg); break;
        case 'D': g.drain_s = parse_num("drain", optarg, 0, 1e6); break;
        case 'T': g.threads = (int)parse_num("threads", optarg, 1, MAX_THREADS); break;
        case 'P': g.server_pid = (long)parse_num("server-pid", optarg, 1, 1e9); break;
        case 'C': { /* "0", "0,2,3" or "0,2-7" */
            g.ncpus = 0;
            char *list = strdup(optarg), *save = NULL;
            for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                char *dash = strchr(t, '-');
                if (dash) {
                    *dash = 0;
                }
                int lo = (int)parse_num("cpus", t, 0, MAX_CPUS - 1);
                int hi = dash ? (int)parse_num("cpus", dash + 1, lo, MAX_CPUS - 1) : lo;
                for (int cpu = lo; cpu <= hi; cpu++) {
                    if (g.ncpus == MAX_CPUS) {
                        usage();
                    }
                    g.cpus[g.ncpus++] = cpu;
                }
            }
            free(list);
            break;
        }
        case 's':
            for (int i = 0; i < (int)(sizeof SCENARIO_NAMES / sizeof *SCENARIO_NAMES); i++) {
                if (strcmp(optarg, SCENARIO_NAMES[i]) == 0) {
                    scenario = i;
                }
            }
            if (scenario < 0) {
                fprintf(stderr, "loadgen: unknown scenario \"%s\"\n", optarg);
                usage();
            }
            break;
        case 'c': connections = (int)parse_num("connections", optarg, 1, 1e7); break;
        case 'z': size = parse_num("size", optarg, 1, 1 << 30); break;
        case 'd': depth = (int)parse_num("depth", optarg, 1, 1 << 20); break;
        case 'w': g.warmup_s = parse_num("warmup", optarg, 0, 1e6); break;
        case 't': g.duration_s = parse_num("duration", optarg, 0.001, 1e6); break;
        case 'k': g.senders = (int)parse_num("senders", optarg, 1, 1e7); break;
        case 'r': g.rate = parse_num("rate", optarg, 0.001, 1e9); break;
        case 'v': g.verify = 1; break;
        default: usage();
        }
    }
    if (g.unix_path) {
        g.nports = 1; /* --port, if given too, is ignored */
    }
    if (optind < argc || g.nports == 0 || scenario < 0) {
        if (g.nports == 0) {
            fprintf(stderr, "loadgen: --port (or --unix) is required\n");
        }
        if (scenario < 0) {
            fprintf(stderr, "loadgen: --scenario is required\n");
        }
        usage();
    }
    g.sc = (enum scenario)scenario;
    static const int default_connections[] = { 1, 1, 1, 16, 1000, 10000 };
    g.connections = connections > 0 ? connections : default_connections[g.sc];
    g.size = size > 0 ? (size_t)size : g.sc == SC_STREAM ? 65536 : 64;
    g.depth = g.sc == SC_PIPELINE ? (depth > 0 ? depth : 16) : 1;
    if (g.sc == SC_FANOUT && g.senders > g.connections) {
        g.senders = g.connections;
    }
}

static void resolve(void) {
    if (g.unix_path) {
        struct sockaddr_un *un = (struct sockaddr_un *)&g.addrs[0];
        memset(un, 0, sizeof *un);
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, g.unix_path);
        g.addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(g.unix_path) + 1);
        return; /* TCP_NODELAY then fails on each socket, harmlessly: a Unix socket has no Nagle */
    }
    for (int i = 0; i < g.nports; i++) {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
        char port[16];
        snprintf(port, sizeof port, "%d", g.ports[i]);
        int r = getaddrinfo(g.host, port, &hints, &res);
        if (r != 0) {
            fprintf(stderr, "loadgen: cannot resolve %s: %s\n", g.host, gai_strerror(r));
            exit(2);
        }
        memcpy(&g.addrs[i], res->ai_addr, res->ai_addrlen);
        g.addrlen = res->ai_addrlen;
        freeaddrinfo(res);
    }
    g.spread_sources = g.addrs[0].ss_family == AF_INET
                       && (ntohl(((struct sockaddr_in *)&g.addrs[0])->sin_addr.s_addr) >> 24) == 127;
}

static void raise_fd_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        long room = (long)rl.rlim_cur - FD_RESERVE;
        if (room < 1) {
            room = 1;
        }
        if (g.connections > room) {
            note("%d connections asked, the open-file limit (%ld) allows %ld", g.connections, (long)rl.rlim_cur, room);
            g.connections = (int)room;
        }
    }
}

static double tv_s(struct timeval tv) {
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Main's g after merge_workers: counts summed over threads, the window from the earliest start to
 * the latest end. */
static void report(void) {
    double secs = g.t_measure1 > g.t_measure0 ? (double)(g.t_measure1 - g.t_measure0) / 1e9 : 0;
    double user = 0, sys = 0;
    if (secs > 0) {
        user = tv_s(g.ru1.ru_utime) - tv_s(g.ru0.ru_utime);
        sys = tv_s(g.ru1.ru_stime) - tv_s(g.ru0.ru_stime);
    }
    uint64_t messages = g.sc == SC_STREAM ? g.bytes / g.size : g.messages;
    double mps = secs > 0 ? (double)messages / secs : 0;
    double mbps = secs > 0 ? (double)g.bytes / secs / 1e6 : 0;
    int verify_fanout = g.sc == SC_FANOUT && g.verify;
    if (g.sc == SC_FANOUT) {
        double expected = (double)g.fanout_sent_measured * (double)(g.open > 0 ? g.open - 1 : 0);
        note("fanout: sent %" PRIu64 " lines in the window (%.0f/s), %" PRIu64 " dropped; deliveries %" PRIu64
             " of ~%.0f expected (%.1f%%)",
             g.fanout_sent_measured, secs > 0 ? (double)g.fanout_sent_measured / secs : 0, g.fanout_dropped, g.messages,
             expected, expected > 0 ? 100.0 * (double)g.messages / expected : 0);
    }
    uint64_t lost = 0, expected = 0, lines_sent = 0;
    if (verify_fanout) {
        for (int i = 0; i < g.senders; i++) {
            lines_sent += sender_seq[i];
        }
        /* what never came after the drain, plus what a later line from the same sender overtook */
        lost = g.owed_end + g.fv_skipped;
        expected = g.expected_end;
        g.verify_errors += lost + g.fv_behind + g.fv_unexpected;
        note("verify: %" PRIu64 " deliveries expected (every line to every other open client): %" PRIu64
             " lost, %" PRIu64 " duplicate or late, %" PRIu64 " unexpected; drained in %.3f s",
             expected, lost, g.fv_behind, g.fv_unexpected, g.drain_s_end);
    } else if (g.verify) {
        note("verify: %" PRIu64 " mismatches", g.verify_errors);
    }
    if (g.stale > 0) {
        note("fanout: %" PRIu64 " lines from an earlier run (stamped before this one started) ignored", g.stale);
    }
    printf("{\"scenario\":\"%s\",\"connections\":%d,\"size\":%zu,\"messages\":%" PRIu64 ",\"bytes\":%" PRIu64
           ",\"seconds\":%.3f,\"msgs_per_s\":%.1f,\"mbytes_per_s\":%.3f,\"p50_us\":%.2f,\"p99_us\":%.2f,"
           "\"p999_us\":%.2f,\"max_us\":%.2f,\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,\"cpu_percent\":%.1f,\"errors\":%" PRIu64
           ",\"connections_open\":%d,\"threads\":%d",
           SCENARIO_NAMES[g.sc], g.total_connections, g.size, messages, g.bytes, secs, mps, mbps, hist_quantile_us(&lat, 0.50),
           hist_quantile_us(&lat, 0.99), hist_quantile_us(&lat, 0.999), (double)lat.max / 1000.0, user, sys,
           secs > 0 ? 100.0 * (user + sys) / secs : 0, g.errors + g.verify_errors, g.open, g.threads);
    if (g.server_pid > 0) {
        double server = secs > 0 ? g.server_cpu1 - g.server_cpu0 : 0;
        if (server == server) { /* not NaN: /proc was readable at both edges */
            printf(",\"server_cpu_s\":%.3f,\"server_cpu_percent\":%.1f", server, secs > 0 ? 100.0 * server / secs : 0);
        }
    }
    if (g.sc == SC_FANOUT && g.nports > 1) {
        printf(",\"remote_deliveries\":%" PRIu64 ",\"remote_p50_us\":%.2f,\"remote_p99_us\":%.2f,\"remote_max_us\":%.2f",
               lat_remote.count, hist_quantile_us(&lat_remote, 0.50), hist_quantile_us(&lat_remote, 0.99),
               (double)lat_remote.max / 1000.0);
    }
    if (verify_fanout) {
        printf(",\"lines_sent\":%" PRIu64 ",\"expected_deliveries\":%" PRIu64 ",\"lost\":%" PRIu64
               ",\"duplicate_or_late\":%" PRIu64 ",\"unexpected\":%" PRIu64 ",\"drain_s\":%.3f",
               lines_sent, expected, lost, g.fv_behind, g.fv_unexpected, g.drain_s_end);
    }
    if (g.sc == SC_FANOUT) {
        printf(",\"stale\":%" PRIu64, g.stale);
    }
    printf("}\n");
    fflush(stdout);
}

/* ---- threads ---- */

struct worker {
    pthread_t tid;
    int index;
    const struct gstate *options; /* main's g, read-only while workers run */
    struct gstate end;            /* the worker's g once it is done */
    struct hist lat, lat_remote;
};

static pthread_barrier_t end_barrier; /* every thread's senders have stopped and its drain ended */

/* This thread's connections, buffers and epoll set; they live for the process. */
static void thread_setup(void) {
    g.rbuf = malloc(RBUF_SIZE);
    g.conns = calloc((size_t)g.connections, sizeof *g.conns);
    g.retry = malloc((size_t)g.connections * sizeof *g.retry);
    g.restart = malloc((size_t)g.connections * sizeof *g.restart);
    if (!g.rbuf || !g.conns || !g.retry || !g.restart) {
        note("out of memory");
        exit(1);
    }
    for (int i = 0; i < g.connections; i++) {
        g.conns[i].fd = -1;
        if (g.sc == SC_PINGPONG || g.sc == SC_PIPELINE) {
            g.conns[i].ring = malloc((size_t)g.depth * sizeof(uint64_t));
            if (!g.conns[i].ring) {
                note("out of memory");
                exit(1);
            }
        }
    }
    g.ep = epoll_create1(EPOLL_CLOEXEC);
    if (g.ep < 0) {
        note("epoll_create1: %s", strerror(errno));
        exit(1);
    }
    if (g.sc == SC_FANOUT && g.verify) {
        g.next_seq = calloc((size_t)g.connections * (size_t)g.senders, sizeof *g.next_seq);
        if (!g.next_seq) {
            note("out of memory");
            exit(1);
        }
    }
    if (g.sc == SC_FANOUT) {
        g.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        struct epoll_event e = { .events = EPOLLIN, .data.u64 = TIMER_ID };
        if (g.timer_fd < 0 || epoll_ctl(g.ep, EPOLL_CTL_ADD, g.timer_fd, &e) < 0) {
            note("timerfd: %s", strerror(errno));
            exit(1);
        }
    }
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    g = *w->options;
    g.thread_index = w->index;
    /* contiguous blocks, so the fanout senders (the first connections) sit on the first thread(s) */
    g.base = (int)((long)g.total_connections * w->index / g.threads);
    g.connections = (int)((long)g.total_connections * (w->index + 1) / g.threads) - g.base;
    if (g.ncpus > 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(g.cpus[w->index % g.ncpus], &set);
        int r = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        if (r != 0) {
            note("thread %d: cannot pin to CPU %d: %s", w->index, g.cpus[w->index % g.ncpus], strerror(r));
        }
    }
    thread_setup();
    run();
    if (g.phase != PH_DONE) {
        finish(now_ns());
    }
    pthread_barrier_wait(&end_barrier); /* from here every sender's count is final */
    if (g.next_seq) {
        g.owed_end = fanout_owed();
        g.expected_end = fanout_expected();
    }
    g.drain_s_end = g.t_drain1 > g.t_drain0 ? (double)(g.t_drain1 - g.t_drain0) / 1e9 : 0;
    g.open_end = g.open;
    if (g.sc == SC_CHURN) {
        g.open_end = 0;
        for (int i = 0; i < g.connections; i++) {
            g.open_end += g.conns[i].fd >= 0;
        }
    }
    w->end = g;
    w->lat = lat;
    w->lat_remote = lat_remote;
    return NULL;
}

static void hist_add(struct hist *to, const struct hist *from) {
    for (unsigned i = 0; i < H_BUCKETS; i++) {
        to->b[i] += from->b[i];
    }
    to->count += from->count;
    if (from->max > to->max) {
        to->max = from->max;
    }
}

/* Sums the workers' counts into main's g; the window runs from the earliest thread's start to the
 * latest one's end, with the CPU readings taken there (each reading covers the whole process). */
static void merge_workers(const struct worker *w, int n) {
    int first = -1, last = -1;
    for (int t = 0; t < n; t++) {
        const struct gstate *e = &w[t].end;
        g.messages += e->messages;
        g.bytes += e->bytes;
        g.errors += e->errors;
        g.verify_errors += e->verify_errors;
        g.fv_skipped += e->fv_skipped;
        g.fv_behind += e->fv_behind;
        g.fv_unexpected += e->fv_unexpected;
        g.stale += e->stale;
        g.fanout_sent_measured += e->fanout_sent_measured;
        g.fanout_dropped += e->fanout_dropped;
        g.cycles_ok_total += e->cycles_ok_total;
        g.connected += e->connected;
        g.open += e->open_end;
        g.owed_end += e->owed_end;
        g.expected_end += e->expected_end;
        if (e->drain_s_end > g.drain_s_end) {
            g.drain_s_end = e->drain_s_end;
        }
        hist_add(&lat, &w[t].lat);
        hist_add(&lat_remote, &w[t].lat_remote);
        if (e->t_measure1 > e->t_measure0) {
            if (first < 0 || e->t_measure0 < w[first].end.t_measure0) {
                first = t;
            }
            if (last < 0 || e->t_measure1 > w[last].end.t_measure1) {
                last = t;
            }
        }
    }
    if (first >= 0) {
        g.t_measure0 = w[first].end.t_measure0;
        g.ru0 = w[first].end.ru0;
        g.server_cpu0 = w[first].end.server_cpu0;
        g.t_measure1 = w[last].end.t_measure1;
        g.ru1 = w[last].end.ru1;
        g.server_cpu1 = w[last].end.server_cpu1;
    }
}

int main(int argc, char **argv) {
    parse_args(argc, argv);
    resolve();
    raise_fd_limit();
    g.total_connections = g.connections;
    if (g.threads > g.connections) {
        g.threads = g.connections; /* each thread needs a connection of its own */
    }

    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    g.pat = malloc(PAT_WINDOW + PAT_PERIOD); /* shared, read-only once filled */
    if (g.sc == SC_FANOUT) {
        sender_seq = calloc((size_t)g.senders, sizeof *sender_seq);
    }
    struct worker *w = calloc((size_t)g.threads, sizeof *w);
    if (!g.pat || !w || (g.sc == SC_FANOUT && !sender_seq)) {
        note("out of memory");
        return 1;
    }
    for (uint32_t i = 0; i < PAT_WINDOW + PAT_PERIOD; i++) {
        g.pat[i] = (char)(i % PAT_PERIOD); /* byte at stream offset o is o % 251 */
    }
    pthread_barrier_init(&start_barrier, NULL, (unsigned)g.threads);
    pthread_barrier_init(&end_barrier, NULL, (unsigned)g.threads);
    sending_threads = g.threads;
    g.t_start = now_ns();
    for (int t = 0; t < g.threads; t++) {
        w[t].index = t;
        w[t].options = &g;
        int r = pthread_create(&w[t].tid, NULL, worker_main, &w[t]);
        if (r != 0) {
            note("pthread_create: %s", strerror(r));
            return 1;
        }
    }
    for (int t = 0; t < g.threads; t++) {
        pthread_join(w[t].tid, NULL);
    }
    merge_workers(w, g.threads);
    report();
    int nothing = g.sc == SC_CHURN ? g.cycles_ok_total == 0 : g.connected == 0;
    if (nothing) {
        note("nothing could connect to %s:%s", g.host, g.port_list);
        return 1;
    }
    return 0;
}
