/*
 * echo_server: the practical limit for a user-space server on this machine, the baseline the
 * Java servers are measured against. One thread, level-triggered epoll, nonblocking sockets.
 *
 *   echo_server --port P [--host 127.0.0.1] [--broadcast]
 *
 * Echo mode: whatever a client sends comes back to it. Bytes the socket cannot take are queued
 * on the connection and the connection stops being read until they are written (EPOLLOUT), so
 * each connection holds at most one 64 KiB read's worth of memory.
 *
 * Broadcast mode: every complete line a client sends is written to every other connected
 * client. Lines are appended to each receiver's queue and the queues are written once per loop
 * turn, so a burst of lines leaves in one write. A receiver with more than 4 MiB queued is dropped.
 *
 * Prints "READY <port>" on stdout once listening. Stops cleanly on SIGTERM or SIGINT and, when
 * stdin is a pipe (as under the benchmark runner), on a "QUIT" line or end of input there, as
 * the Java peer servers do. stdin that is not a pipe (a terminal, /dev/null) is not read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BUF (64u * 1024u)
#define MAX_EVENTS 1024
#define ACCEPT_BATCH 64              /* accepts per listener wake-up; level-triggered epoll brings us back */
#define ECHO_READS 4                 /* reads per wake-up while the reads fill the buffer */
#define BROADCAST_MAX_QUEUE (4u << 20)
#define BROADCAST_MAX_LINE (1u << 20)  /* as the Java peers */

/* epoll data for the non-connection descriptors; connections use their fd (>= 0) */
#define ID_LISTEN (-1)
#define ID_SIGNAL (-2)
#define ID_STDIN (-3)

struct buf {
    char *data; /* owned by the connection; freed when it closes */
    uint32_t head, len, cap;
};

struct conn {
    int open;
    int closing;  /* broadcast: closed at the end of this loop turn */
    int dirty;    /* broadcast: output appended this loop turn */
    int pos;      /* broadcast: index in `active` */
    uint32_t ev;  /* current epoll interest */
    struct buf out;
    struct buf in; /* broadcast: a partial line */
};

static int broadcast;
static int ep, listen_fd, spare_fd = -1;
static char rbuf[READ_BUF];
static struct conn *conns; /* indexed by fd; sized by the open-file limit */
static int max_fds;
static int *active, nactive;   /* broadcast: open connections */
static int *dirty, ndirty;     /* broadcast: connections to write at the end of the turn */
static int *closing, nclosing; /* broadcast: connections to close at the end of the turn */
static int stopping;
static unsigned long drops;

static void die(const char *what) {
    fprintf(stderr, "echo_server: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int buf_append(struct buf *b, const char *p, uint32_t n) {
    if (n == 0) {
        return 0;
    }
    if (b->head + b->len + n > b->cap) {
        if (b->head > 0) {
            memmove(b->data, b->data + b->head, b->len);
            b->head = 0;
        }
        if (b->len + n > b->cap) {
            uint32_t cap = b->cap ? b->cap : 4096;
            while (b->len + n > cap) {
                cap *= 2;
            }
            char *d = realloc(b->data, cap);
            if (!d) {
                return -1;
            }
            b->data = d;
            b->cap = cap;
        }
    }
    memcpy(b->data + b->head + b->len, p, n);
    b->len += n;
    return 0;
}

static void buf_consume(struct buf *b, uint32_t n) {
    b->head += n;
    b->len -= n;
    if (b->len == 0) {
        b->head = 0;
    }
}

static void set_events(int fd, uint32_t ev) {
    struct conn *c = &conns[fd];
    if (c->ev == ev) {
        return;
    }
    struct epoll_event e = { .events = ev, .data.fd = fd };
    if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e) == 0) {
        c->ev = ev;
    }
}

static void close_now(int fd) {
    struct conn *c = &conns[fd];
    if (broadcast) {
        int last = active[--nactive];
        active[c->pos] = last;
        conns[last].pos = c->pos;
    }
    free(c->out.data);
    free(c->in.data);
    memset(c, 0, sizeof *c);
    close(fd);
}

/* Broadcast mode closes at the end of the turn, so that loops over `active` stay valid. */
static void close_conn(int fd) {
    struct conn *c = &conns[fd];
    if (!broadcast) {
        close_now(fd);
    } else if (!c->closing) {
        c->closing = 1;
        closing[nclosing++] = fd;
    }
}

/* Writes queued output; 0 when all is written, 1 when some remains, -1 on error. */
static int flush_out(int fd) {
    struct buf *b = &conns[fd].out;
    while (b->len > 0) {
        ssize_t w = write(fd, b->data + b->head, b->len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN ? 1 : -1;
        }
        buf_consume(b, (uint32_t)w);
    }
    return 0;
}

static void accept_batch(void) {
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if ((errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
                /* out of descriptors: accept and close one so the listener does not stay readable forever */
                close(spare_fd);
                int victim = accept(listen_fd, NULL, NULL);
                if (victim >= 0) {
                    close(victim);
                }
                spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                continue;
            }
            return; /* EAGAIN, or an error the next wake-up may not repeat */
        }
        if (fd >= max_fds) {
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = &conns[fd];
        memset(c, 0, sizeof *c);
        c->open = 1;
        c->ev = EPOLLIN;
        struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0) {
            c->open = 0;
            close(fd);
            continue;
        }
        if (broadcast) {
            c->pos = nactive;
            active[nactive++] = fd;
        }
    }
}

/* ---- echo ---- */

static void echo_event(int fd, uint32_t ev) {
    struct conn *c = &conns[fd];
    if ((ev & (EPOLLERR | EPOLLHUP)) && c->out.len > 0) {
        close_conn(fd); /* the peer is gone: what is queued can never be delivered */
        return;
    }
    if (ev & EPOLLOUT) {
        int r = flush_out(fd);
        if (r < 0) {
            close_conn(fd);
            return;
        }
        if (r == 0) {
            set_events(fd, EPOLLIN); /* drained: read again */
        }
        return;
    }
    if (c->out.len > 0) {
        return; /* still draining; reading resumes after */
    }
    if (!(ev & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
        return;
    }
    for (int i = 0; i < ECHO_READS; i++) {
        ssize_t n = read(fd, rbuf, READ_BUF);
        if (n == 0) {
            close_conn(fd);
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return;
            }
            close_conn(fd);
            return;
        }
        ssize_t w = write(fd, rbuf, (size_t)n);
        if (w < 0) {
            if (errno != EAGAIN) {
                close_conn(fd);
                return;
            }
            w = 0;
        }
        if (w < n) {
            /* the socket is full: keep the rest and stop reading until it is written */
            if (buf_append(&c->out, rbuf + w, (uint32_t)(n - w)) < 0) {
                close_conn(fd);
                return;
            }
            set_events(fd, EPOLLOUT);
            return;
        }
        if ((size_t)n < READ_BUF) {
            return;
        }
    }
}

/* ---- broadcast ---- */

static void queue_to_others(int from, const char *a, uint32_t alen, const char *b, uint32_t blen) {
    for (int i = 0; i < nactive; i++) {
        int fd = active[i];
        struct conn *c = &conns[fd];
        if (fd == from || c->closing) {
            continue;
        }
        if (buf_append(&c->out, a, alen) < 0 || buf_append(&c->out, b, blen) < 0 || c->out.len > BROADCAST_MAX_QUEUE) {
            if (drops++ < 10) {
                fprintf(stderr, "echo_server: dropping a slow reader (fd %d, %u bytes queued)\n", fd, c->out.len);
            }
            close_conn(fd); /* too slow a reader: drop it */
            continue;
        }
        if (!c->dirty) {
            c->dirty = 1;
            dirty[ndirty++] = fd;
        }
    }
}

static void broadcast_event(int fd, uint32_t ev) {
    struct conn *c = &conns[fd];
    if (ev & EPOLLOUT) {
        int r = flush_out(fd);
        if (r < 0) {
            close_conn(fd);
            return;
        }
        if (r == 0) {
            set_events(fd, EPOLLIN);
        }
    }
    if (!(ev & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
        return;
    }
    ssize_t n = read(fd, rbuf, READ_BUF);
    if (n == 0) {
        close_conn(fd);
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            close_conn(fd);
        }
        return;
    }
    char *last = memrchr(rbuf, '\n', (size_t)n);
    if (!last) {
        if (c->in.len + (uint32_t)n > BROADCAST_MAX_LINE || buf_append(&c->in, rbuf, (uint32_t)n) < 0) {
            close_conn(fd); /* a line longer than any client of ours sends */
        }
        return;
    }
    /* the complete lines: what was carried over, then this read up to its last newline */
    uint32_t whole = (uint32_t)(last - rbuf) + 1;
    queue_to_others(fd, c->in.data + c->in.head, c->in.len, rbuf, whole);
    c->in.len = 0;
    c->in.head = 0;
    if (whole < (uint32_t)n && buf_append(&c->in, rbuf + whole, (uint32_t)n - whole) < 0) {
        close_conn(fd);
    }
}

/* End of a loop turn: one write per connection that got output, then the deferred closes. */
static void end_of_turn(void) {
    for (int i = 0; i < ndirty; i++) {
        int fd = dirty[i];
        struct conn *c = &conns[fd];
        c->dirty = 0;
        if (c->closing || (c->ev & EPOLLOUT)) {
            continue; /* closing, or waiting for EPOLLOUT, which flushes */
        }
        int r = flush_out(fd);
        if (r < 0) {
            close_conn(fd);
        } else if (r > 0) {
            set_events(fd, EPOLLIN | EPOLLOUT);
        }
    }
    ndirty = 0;
    for (int i = 0; i < nclosing; i++) {
        close_now(closing[i]);
    }
    nclosing = 0;
}

/* ---- control ---- */

static void stdin_event(void) {
    static char line[256];
    static size_t len;
    ssize_t n = read(STDIN_FILENO, line + len, sizeof line - 1 - len);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        stopping = 1; /* end of input: the runner went away, as the Java peers take it */
        return;
    }
    len += (size_t)n;
    line[len] = 0;
    char *nl;
    while ((nl = strchr(line, '\n')) != NULL) {
        *nl = 0;
        if (strcmp(line, "QUIT") == 0 || strcmp(line, "QUIT\r") == 0) {
            stopping = 1;
        }
        len -= (size_t)(nl + 1 - line);
        memmove(line, nl + 1, len + 1);
    }
    if (len == sizeof line - 1) {
        len = 0; /* an overlong line: not a command */
    }
}

static void usage(void) {
    fprintf(stderr, "usage: echo_server --port PORT [--host 127.0.0.1] [--broadcast]\n");
    exit(2);
}

int main(int argc, char **argv) {
    static const struct option opts[] = {
        { "port", required_argument, 0, 'p' },
        { "host", required_argument, 0, 'h' },
        { "broadcast", no_argument, 0, 'b' },
        { "help", no_argument, 0, '?' },
        { 0, 0, 0, 0 },
    };
    const char *host = "127.0.0.1", *port = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'p': port = optarg; break;
        case 'h': host = optarg; break;
        case 'b': broadcast = 1; break;
        default: usage();
        }
    }
    if (!port || optind < argc) {
        usage();
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (*port == 0 || *end || p < 0 || p > 65535) {
        fprintf(stderr, "echo_server: --port: expected 0..65535, got \"%s\"\n", port);
        usage();
    }

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    max_fds = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (1u << 24)
                      ? (int)rl.rlim_cur
                      : 1 << 20;
    conns = calloc((size_t)max_fds, sizeof *conns);
    active = malloc((size_t)max_fds * sizeof *active);
    dirty = malloc((size_t)max_fds * sizeof *dirty);
    closing = malloc((size_t)max_fds * sizeof *closing);
    if (!conns || !active || !dirty || !closing) {
        die("malloc");
    }

    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
        die("sigprocmask");
    }
    int sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sig_fd < 0) {
        die("signalfd");
    }

    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *res;
    int r = getaddrinfo(host, port, &hints, &res);
    if (r != 0) {
        fprintf(stderr, "echo_server: cannot resolve %s: %s\n", host, gai_strerror(r));
        return 2;
    }
    listen_fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd < 0) {
        die("socket");
    }
    int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listen_fd, res->ai_addr, res->ai_addrlen) < 0) {
        die("bind");
    }
    freeaddrinfo(res);
    if (listen(listen_fd, 65535) < 0) { /* the kernel caps it at net.core.somaxconn */
        die("listen");
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (getsockname(listen_fd, (struct sockaddr *)&bound, &blen) < 0) {
        die("getsockname");
    }
    int bound_port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                                                 : ntohs(((struct sockaddr_in *)&bound)->sin_port);
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        die("epoll_create1");
    }
    struct epoll_event e = { .events = EPOLLIN, .data.fd = ID_LISTEN };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &e) < 0) {
        die("epoll_ctl listen");
    }
    e.data.fd = ID_SIGNAL;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, sig_fd, &e) < 0) {
        die("epoll_ctl signalfd");
    }
    struct stat st;
    if (fstat(STDIN_FILENO, &st) == 0 && S_ISFIFO(st.st_mode)) {
        e.data.fd = ID_STDIN;
        epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &e);
    }

    printf("READY %d\n", bound_port);
    fflush(stdout);
    fprintf(stderr, "echo_server: %s mode on %s:%d\n", broadcast ? "broadcast" : "echo", host, bound_port);

    static struct epoll_event evs[MAX_EVENTS];
    while (!stopping) {
        int n = epoll_wait(ep, evs, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            uint32_t ev = evs[i].events;
            if (fd >= 0) {
                if (!conns[fd].open || conns[fd].closing) {
                    continue;
                }
                if (broadcast) {
                    broadcast_event(fd, ev);
                } else {
                    echo_event(fd, ev);
                }
            } else if (fd == ID_LISTEN) {
                accept_batch();
            } else if (fd == ID_SIGNAL) {
                stopping = 1;
            } else if (fd == ID_STDIN) {
                if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                    stdin_event();
                }
            }
        }
        if (broadcast) {
            end_of_turn();
        }
    }

    int open_count = 0;
    for (int fd = 0; fd < max_fds; fd++) {
        if (conns[fd].open) {
            open_count++;
            close_now(fd);
        }
    }
    close(listen_fd);
    fprintf(stderr, "echo_server: stopped (%d connections closed)\n", open_count);
    return 0;
}
