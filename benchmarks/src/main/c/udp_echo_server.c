/*
 * udp_echo_server: the practical limit for a user-space UDP echo server on this machine, the
 * baseline the Java servers' UDP echo is measured against. One thread, one socket, level-triggered
 * epoll: up to 64 datagrams taken with one recvmmsg and sent back to their senders with one
 * sendmmsg.
 *
 *   udp_echo_server --port P [--host 127.0.0.1]
 *
 * Prints "READY <port>" on stdout once bound. Stops on SIGTERM or SIGINT, and on a "QUIT" line or
 * end of input on stdin when stdin is a pipe (as under the benchmark runner).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 64
#define MAX_DATAGRAM 65535

static unsigned char bufs[BATCH][MAX_DATAGRAM];

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* Echoes what the socket holds now, a batch at a time. */
static void echo(int fd) {
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_storage from[BATCH];
    for (;;) {
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = MAX_DATAGRAM;
            memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) {
            return; /* EAGAIN: drained; an error: the next wake-up tries again */
        }
        for (int i = 0; i < n; i++) {
            iov[i].iov_len = msgs[i].msg_len; /* the reply is the datagram, to its sender (msg_name) */
        }
        for (int sent = 0; sent < n;) {
            int k = sendmmsg(fd, msgs + sent, (unsigned)(n - sent), 0);
            if (k <= 0) {
                break; /* a full send buffer: UDP drops, and so does this server */
            }
            sent += k;
        }
        if (n < BATCH) {
            return;
        }
    }
}

int main(int argc, char **argv) {
    static const struct option opts[] = {{"port", 1, 0, 'p'}, {"host", 1, 0, 'h'}, {0, 0, 0, 0}};
    const char *host = "127.0.0.1";
    int port = -1, o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
            case 'p': port = atoi(optarg); break;
            case 'h': host = optarg; break;
            default:
                fprintf(stderr, "usage: udp_echo_server --port PORT [--host 127.0.0.1]\n");
                return 2;
        }
    }
    if (port < 0 || port > 65535) {
        fprintf(stderr, "usage: udp_echo_server --port PORT [--host 127.0.0.1]\n");
        return 2;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        fprintf(stderr, "udp_echo_server: --host must be a numeric IPv4 address, was '%s'\n", host);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        die("udp_echo_server: bind");
    }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    struct stat st;
    if (fstat(0, &st) == 0 && S_ISFIFO(st.st_mode)) {
        struct epoll_event in = {.events = EPOLLIN, .data.fd = 0};
        epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in);
    }
    signal(SIGPIPE, SIG_IGN);
    printf("READY %d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        struct epoll_event events[2];
        int n = epoll_wait(ep, events, 2, -1);
        if (n < 0 && errno != EINTR) {
            die("udp_echo_server: epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.fd == fd) {
                echo(fd);
            } else {
                char line[256];
                ssize_t r = read(0, line, sizeof line - 1);
                if (r <= 0) {
                    return 0;
                }
                line[r] = 0;
                if (strstr(line, "QUIT")) {
                    return 0;
                }
            }
        }
    }
}
