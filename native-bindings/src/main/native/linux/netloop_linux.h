/*
 * netloop_linux.h: everything io.netloop.bindings.linux binds, and nothing else.
 *
 * jextract.sh (beside this file) feeds it to jextract with one --include-* option per name
 * listed here; src/test/c/linux_layout_probe.c includes it and prints every value, so the
 * hand-written Java classes are checked against exactly what this header declares.
 * LP64 Linux only (x86_64, aarch64).
 */
#ifndef NETLOOP_LINUX_H
#define NETLOOP_LINUX_H

/* accept4, IOV_MAX, MSG_NOSIGNAL and friends are GNU/XSI extensions. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>          /* Errno: E* constants */
#include <limits.h>         /* Sockets: IOV_MAX */
#include <stddef.h>
#include <string.h>         /* Errno: strerror_r */
#include <unistd.h>         /* Sockets: read, write, close */
#include <netinet/in.h>     /* Sockets: sockaddr_in, sockaddr_in6, IPPROTO_*, IPV6_V6ONLY */
#include <netinet/tcp.h>    /* Sockets: TCP_NODELAY */
#include <sys/epoll.h>      /* Epoll */
#include <sys/eventfd.h>    /* EventFd */
#include <sys/socket.h>     /* Sockets */
#include <sys/uio.h>        /* Sockets: iovec, readv, writev */

/*
 * Errno.message binds the POSIX strerror_r by its ABI name: with _GNU_SOURCE, <string.h>
 * declares only the GNU strerror_r (which returns char *), so the POSIX one is declared here.
 * glibc exports it under this name; musl aliases it.
 */
extern int __xpg_strerror_r(int errnum, char *buf, size_t buflen);

/*
 * Functions, as declared by the system headers above (quoted, not redeclared, so that
 * glibc's attributes and fortify wrappers stay the system's own):
 *
 * Sockets:
 *   int     socket(int domain, int type, int protocol);
 *   int     bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
 *   int     listen(int sockfd, int backlog);
 *   int     accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
 *   int     connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
 *   ssize_t read(int fd, void *buf, size_t count);
 *   ssize_t write(int fd, const void *buf, size_t count);
 *   ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
 *   ssize_t writev(int fd, const struct iovec *iov, int iovcnt);
 *   ssize_t recv(int sockfd, void *buf, size_t len, int flags);
 *   ssize_t send(int sockfd, const void *buf, size_t len, int flags);
 *   int     shutdown(int sockfd, int how);
 *   int     close(int fd);
 *   int     setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
 *   int     getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
 *   int     getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
 *   int     getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
 *
 * Epoll:
 *   int epoll_create1(int flags);
 *   int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
 *   int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
 *
 * EventFd:
 *   int eventfd(unsigned int initval, int flags);
 *
 * Errno:
 *   int __xpg_strerror_r(int errnum, char *buf, size_t buflen);   (declared above)
 *
 * Structs and unions:
 *   struct sockaddr_in { sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr;
 *                        unsigned char sin_zero[8]; };
 *   struct in_addr { in_addr_t s_addr; };
 *   struct sockaddr_in6 { sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo;
 *                         struct in6_addr sin6_addr; uint32_t sin6_scope_id; };
 *   struct in6_addr { union { uint8_t __u6_addr8[16]; ... } __in6_u; };
 *   struct sockaddr_storage { sa_family_t ss_family; ... };              (128 bytes, align 8)
 *   struct iovec { void *iov_base; size_t iov_len; };
 *   struct linger { int l_onoff; int l_linger; };
 *   typedef union epoll_data { void *ptr; int fd; uint32_t u32; uint64_t u64; } epoll_data_t;
 *   struct epoll_event { uint32_t events; epoll_data_t data; } __EPOLL_PACKED;  (packed on x86_64)
 *
 * Typedefs: in_port_t, in_addr_t, sa_family_t, socklen_t, epoll_data_t.
 *
 * Constants:
 *   Errno:   EPERM ENOENT EINTR EBADF EAGAIN EWOULDBLOCK ENOMEM EACCES EFAULT EBUSY EEXIST EINVAL
 *            ENFILE EMFILE ENOSPC EPIPE ENOSYS ENOTSOCK EMSGSIZE EPROTOTYPE ENOPROTOOPT
 *            EPROTONOSUPPORT EOPNOTSUPP EAFNOSUPPORT EADDRINUSE EADDRNOTAVAIL ENETDOWN ENETUNREACH
 *            ECONNABORTED ECONNRESET ENOBUFS EISCONN ENOTCONN ETIMEDOUT ECONNREFUSED EHOSTUNREACH
 *            EALREADY EINPROGRESS ECANCELED ETIME EPROTO
 *   Sockets: AF_INET AF_INET6 AF_UNIX SOCK_STREAM SOCK_DGRAM SOCK_NONBLOCK SOCK_CLOEXEC SOL_SOCKET
 *            SO_REUSEADDR SO_REUSEPORT SO_KEEPALIVE SO_SNDBUF SO_RCVBUF SO_LINGER SO_ERROR SO_TYPE
 *            IPPROTO_TCP IPPROTO_IPV6 TCP_NODELAY IPV6_V6ONLY SHUT_RD SHUT_WR SHUT_RDWR
 *            MSG_NOSIGNAL MSG_DONTWAIT MSG_PEEK SOMAXCONN IOV_MAX
 *   Epoll:   EPOLLIN EPOLLPRI EPOLLOUT EPOLLERR EPOLLHUP EPOLLRDHUP EPOLLET EPOLLONESHOT
 *            EPOLLEXCLUSIVE EPOLL_CTL_ADD EPOLL_CTL_DEL EPOLL_CTL_MOD EPOLL_CLOEXEC
 *   EventFd: EFD_CLOEXEC EFD_NONBLOCK EFD_SEMAPHORE
 */

#endif /* NETLOOP_LINUX_H */
