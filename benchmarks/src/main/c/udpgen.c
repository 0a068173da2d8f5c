/*
 * udpgen: the UDP echo load generator. One thread, level-triggered epoll over N connected UDP
 * sockets; each socket keeps --depth datagrams in flight to the server and sends the next one as
 * each reply arrives, so the rate is what the server sustains (closed loop, like loadgen's
 * pingpong). Replies are taken with recvmmsg and the next datagrams sent with sendmmsg, so the
 * generator stays cheaper per datagram than the servers it drives from its one pinned core.
 *
 *   udpgen --host 127.0.0.1 --port P [--connections N] [--size BYTES] [--depth D]
 *          [--warmup SECONDS] [--duration SECONDS] [--server-pid PID] [--scenario udp-echo]
 *          [--threads 1] [--cpus LIST]
 *
 * --connections is the number of client sockets (the name loadgen uses, so the runner drives both
 * alike); --threads and --cpus are accepted for the same reason and must be 1 / are ignored (the
 * runner pins the process with taskset).
 *
 * Every datagram carries its send time (8 bytes) and its socket's sequence number (8 bytes), then
 * filler up to --size: a reply's latency is now - send time. UDP may drop datagrams: a socket that
 * heard nothing for 200 ms counts what it had in flight as lost and sends --depth new ones, and a
 * reply whose sequence number is not the oldest one outstanding is counted as reordered or late.
 *
 * Prints one JSON object on one line on stdout at the end (the keys loadgen prints, plus
 * "lost"); MEASURING and MEASURED on stderr at the edges of the measured window.
 * Exit status: 0 on a completed run, 1 when no socket could be set up, 2 for bad arguments.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE 65507
#define BATCH 64
#define LOSS_TIMEOUT_NS 200000000ull
#define HIST_US 1000000          /* 1 µs buckets up to 1 s; slower replies go to the last one */

struct sock {
    int fd;
    uint64_t next_seq;           /* sequence number of the next datagram sent */
    uint64_t expect_seq;         /* oldest sequence number not yet answered */
    int in_flight;
    int to_send;                 /* replies owed a follow-up datagram, sent after the batch */
    uint64_t last_heard;
};

static struct {
    const char *host;
    int port, nsocks, depth, warmup_s, duration_s;
    size_t size;
    long server_pid;
    struct sock *socks;
    uint32_t *hist;
    uint64_t hist_count, messages, bytes, lost, reordered, errors;
    int recording;
    uint64_t t0, t1;
    struct rusage ru0, ru1;
    double server_cpu0, server_cpu1;
} g = { .host = "127.0.0.1", .nsocks = 16, .depth = 1, .warmup_s = 1, .duration_s = 5, .size = 64 };

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

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
    char *p = strrchr(buf, ')');
    unsigned long long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
        return 0.0 / 0.0;
    }
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double quantile_us(double q) {
    if (g.hist_count == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t)(q * (double)(g.hist_count - 1)), seen = 0;
    for (int i = 0; i < HIST_US; i++) {
        seen += g.hist[i];
        if (seen > rank) {
            return i + 0.5;
        }
    }
    return HIST_US;
}

static unsigned char payload[BATCH][MAX_SIZE];

/* Sends n datagrams on s, stamped with the time and consecutive sequence numbers. */
static void send_some(struct sock *s, int n, uint64_t now) {
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    while (n > 0) {
        int k = n < BATCH ? n : BATCH;
        for (int i = 0; i < k; i++) {
            uint64_t seq = s->next_seq + (uint64_t)i;
            memcpy(payload[i], &now, 8);
            memcpy(payload[i] + 8, &seq, 8);
            iov[i].iov_base = payload[i];
            iov[i].iov_len = g.size;
            memset(&msgs[i], 0, sizeof msgs[i]);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int sent = sendmmsg(s->fd, msgs, (unsigned)k, 0);
        if (sent <= 0) {
            /* a full send buffer or a refused port: the loss timer sends again */
            g.errors += g.recording;
            return;
        }
        s->next_seq += (uint64_t)sent;
        s->in_flight += sent;
        n -= sent;
    }
}

static unsigned char rbuf[BATCH][MAX_SIZE + 1];

static void on_readable(struct sock *s, uint64_t now) {
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = rbuf[i];
        iov[i].iov_len = sizeof rbuf[i];
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) {
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            g.errors += g.recording;
        }
        return;
    }
    s->last_heard = now;
    for (int i = 0; i < n; i++) {
        if (msgs[i].msg_len < 16 || msgs[i].msg_len != g.size) {
            g.errors += g.recording;
            continue;
        }
        uint64_t sent, seq;
        memcpy(&sent, rbuf[i], 8);
        memcpy(&seq, rbuf[i] + 8, 8);
        if (seq != s->expect_seq) {
            g.reordered += g.recording;
        }
        if (seq >= s->expect_seq) {
            s->expect_seq = seq + 1;
        }
        if (s->in_flight > 0) {
            s->in_flight--;
        }
        s->to_send++;
        if (g.recording) {
            uint64_t us = (now - sent) / 1000;
            g.hist[us < HIST_US ? us : HIST_US - 1]++;
            g.hist_count++;
            g.messages++;
            g.bytes += g.size;
        }
    }
    int owed = s->to_send;
    s->to_send = 0;
    if (s->in_flight + owed > g.depth) {
        owed = g.depth - s->in_flight; /* late replies after a loss reset must not raise the depth */
    }
    if (owed > 0) {
        send_some(s, owed, now);
    }
}

static void usage(void) {
    fprintf(stderr, "usage: udpgen --host ADDR --port P [--connections N] [--size BYTES (16..%d)] [--depth D]"
                    " [--warmup S] [--duration S] [--server-pid PID]\n", MAX_SIZE);
    exit(2);
}

static long num(const char *name, const char *v, long min, long max) {
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == 0 || *end != 0 || n < min || n > max) {
        fprintf(stderr, "udpgen: %s must be a number in [%ld, %ld], was '%s'\n", name, min, max, v);
        exit(2);
    }
    return n;
}

int main(int argc, char **argv) {
    static const struct option opts[] = {
        {"host", 1, 0, 'h'}, {"port", 1, 0, 'p'}, {"connections", 1, 0, 'c'}, {"size", 1, 0, 's'},
        {"depth", 1, 0, 'd'}, {"warmup", 1, 0, 'w'}, {"duration", 1, 0, 't'}, {"server-pid", 1, 0, 'P'},
        {"scenario", 1, 0, 'S'}, {"threads", 1, 0, 'T'}, {"cpus", 1, 0, 'C'}, {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
            case 'h': g.host = optarg; break;
            case 'p': g.port = (int)num("--port", optarg, 1, 65535); break;
            case 'c': g.nsocks = (int)num("--connections", optarg, 1, 10000); break;
            case 's': g.size = (size_t)num("--size", optarg, 16, MAX_SIZE); break;
            case 'd': g.depth = (int)num("--depth", optarg, 1, 1024); break;
            case 'w': g.warmup_s = (int)num("--warmup", optarg, 0, 3600); break;
            case 't': g.duration_s = (int)num("--duration", optarg, 1, 3600); break;
            case 'P': g.server_pid = num("--server-pid", optarg, 1, 1L << 30); break;
            case 'S':
                if (strcmp(optarg, "udp-echo") != 0) {
                    fprintf(stderr, "udpgen: the only scenario is udp-echo, not '%s'\n", optarg);
                    exit(2);
                }
                break;
            case 'T': num("--threads", optarg, 1, 1); break;
            case 'C': break;
            default: usage();
        }
    }
    if (g.port == 0) {
        usage();
    }
    struct sockaddr_storage server;
    socklen_t server_len;
    memset(&server, 0, sizeof server);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&server;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&server;
    if (inet_pton(AF_INET, g.host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)g.port);
        server_len = sizeof *v4;
    } else if (inet_pton(AF_INET6, g.host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)g.port);
        server_len = sizeof *v6;
    } else {
        fprintf(stderr, "udpgen: --host must be a numeric address, was '%s'\n", g.host);
        exit(2);
    }
    g.hist = calloc(HIST_US, sizeof *g.hist);
    g.socks = calloc((size_t)g.nsocks, sizeof *g.socks);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (!g.hist || !g.socks || ep < 0) {
        perror("udpgen: setup");
        return 1;
    }
    for (int i = 0; i < g.nsocks; i++) {
        struct sock *s = &g.socks[i];
        s->fd = socket(server.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&server, server_len) < 0) {
            perror("udpgen: socket/connect");
            return 1;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
        epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
    }
    uint64_t start = now_ns();
    for (int i = 0; i < g.nsocks; i++) {
        g.socks[i].last_heard = start;
        send_some(&g.socks[i], g.depth, start);
    }
    uint64_t measure_at = start + (uint64_t)g.warmup_s * 1000000000ull;
    uint64_t end_at = measure_at + (uint64_t)g.duration_s * 1000000000ull;
    uint64_t next_check = start + LOSS_TIMEOUT_NS / 2;
    if (g.warmup_s == 0) {
        measure_at = start;
    }
    struct epoll_event events[256];
    for (;;) {
        uint64_t now = now_ns();
        if (!g.recording && now >= measure_at && g.t0 == 0) {
            g.recording = 1;
            g.t0 = now;
            getrusage(RUSAGE_SELF, &g.ru0);
            g.server_cpu0 = g.server_pid > 0 ? proc_cpu_s(g.server_pid) : 0;
            fprintf(stderr, "MEASURING\n");
            fflush(stderr);
        }
        if (now >= end_at) {
            g.t1 = now;
            getrusage(RUSAGE_SELF, &g.ru1);
            g.server_cpu1 = g.server_pid > 0 ? proc_cpu_s(g.server_pid) : 0;
            g.recording = 0;
            fprintf(stderr, "MEASURED\n");
            fflush(stderr);
            break;
        }
        if (now >= next_check) {
            next_check = now + LOSS_TIMEOUT_NS / 2;
            for (int i = 0; i < g.nsocks; i++) {
                struct sock *s = &g.socks[i];
                if (now - s->last_heard >= LOSS_TIMEOUT_NS) {
                    g.lost += g.recording ? (uint64_t)s->in_flight : 0;
                    s->in_flight = 0;
                    s->expect_seq = s->next_seq;
                    s->last_heard = now;
                    send_some(s, g.depth, now);
                }
            }
        }
        int n = epoll_wait(ep, events, 256, 50);
        now = now_ns();
        for (int i = 0; i < n; i++) {
            on_readable(events[i].data.ptr, now);
        }
    }
    double secs = (double)(g.t1 - g.t0) / 1e9;
    double user = (double)(g.ru1.ru_utime.tv_sec - g.ru0.ru_utime.tv_sec) + (g.ru1.ru_utime.tv_usec - g.ru0.ru_utime.tv_usec) / 1e6;
    double sys = (double)(g.ru1.ru_stime.tv_sec - g.ru0.ru_stime.tv_sec) + (g.ru1.ru_stime.tv_usec - g.ru0.ru_stime.tv_usec) / 1e6;
    if (g.lost > 0 || g.reordered > 0) {
        fprintf(stderr, "udpgen: %" PRIu64 " datagrams lost (no reply within 200 ms), %" PRIu64 " replies out of order\n",
                g.lost, g.reordered);
    }
    printf("{\"scenario\":\"udp-echo\",\"connections\":%d,\"size\":%zu,\"depth\":%d,\"messages\":%" PRIu64
           ",\"bytes\":%" PRIu64 ",\"seconds\":%.3f,\"msgs_per_s\":%.1f,\"mbytes_per_s\":%.3f,\"p50_us\":%.2f,"
           "\"p99_us\":%.2f,\"p999_us\":%.2f,\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,\"cpu_percent\":%.1f,"
           "\"errors\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"reordered\":%" PRIu64 ",\"threads\":1",
           g.nsocks, g.size, g.depth, g.messages, g.bytes, secs, g.messages / secs, g.bytes / secs / 1e6,
           quantile_us(0.50), quantile_us(0.99), quantile_us(0.999), user, sys, 100.0 * (user + sys) / secs,
           g.errors, g.lost, g.reordered);
    double server_cpu = g.server_cpu1 - g.server_cpu0;
    if (g.server_pid > 0 && server_cpu == server_cpu) {
        printf(",\"server_cpu_s\":%.3f,\"server_cpu_percent\":%.1f", server_cpu, 100.0 * server_cpu / secs);
    }
    printf("}\n");
    return g.messages > 0 ? 0 : 1;
}
