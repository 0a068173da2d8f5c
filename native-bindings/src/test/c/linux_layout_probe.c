/*
 * Prints, one "NAME VALUE" per line, every constant, layout size and alignment and field
 * offset that io.netloop.bindings.linux hard-codes, as the C compiler sees them through
 * netloop_linux.h. LinuxLayoutProbeTest compiles and runs this and compares each line with
 * the Java side; a name printed here and not checked there (or the reverse) fails the test.
 *
 * Names follow the Java fields: constants by their C name, FOO_SIZE and FOO_ALIGN for the
 * layout FOO, and FOO_FIELD_OFFSET for a field's offset.
 */
#include "netloop_linux.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Java holds every constant in an int. Each must fit in 32 bits, and prints as the int with
 * the same bits: EPOLLET is 1u << 31 in C and Integer.MIN_VALUE in Java.
 */
#define CONSTANT(name) do { \
        _Static_assert((long long) (name) >= INT_MIN && (long long) (name) <= (long long) UINT_MAX, \
                       #name " does not fit in 32 bits"); \
        printf("%s %d\n", #name, (int) (name)); \
    } while (0)

#define LAYOUT(name, type) do { \
        printf("%s_SIZE %zu\n", #name, sizeof(type)); \
        printf("%s_ALIGN %zu\n", #name, _Alignof(type)); \
    } while (0)

#define OFFSET(name, type, field) printf("%s %zu\n", #name, offsetof(type, field))

int main(void) {
    /* Errno */
    CONSTANT(EPERM);
    CONSTANT(ENOENT);
    CONSTANT(EINTR);
    CONSTANT(EBADF);
    CONSTANT(EAGAIN);
    CONSTANT(EWOULDBLOCK);
    CONSTANT(ENOMEM);
    CONSTANT(EACCES);
    CONSTANT(EFAULT);
    CONSTANT(EBUSY);
    CONSTANT(EEXIST);
    CONSTANT(EINVAL);
    CONSTANT(ENFILE);
    CONSTANT(EMFILE);
    CONSTANT(ENOSPC);
    CONSTANT(EPIPE);
    CONSTANT(ENOSYS);
    CONSTANT(ETIME);
    CONSTANT(EPROTO);
    CONSTANT(ENOTSOCK);
    CONSTANT(EMSGSIZE);
    CONSTANT(EPROTOTYPE);
    CONSTANT(ENOPROTOOPT);
    CONSTANT(EPROTONOSUPPORT);
    CONSTANT(EOPNOTSUPP);
    CONSTANT(EAFNOSUPPORT);
    CONSTANT(EADDRINUSE);
    CONSTANT(EADDRNOTAVAIL);
    CONSTANT(ENETDOWN);
    CONSTANT(ENETUNREACH);
    CONSTANT(ECONNABORTED);
    CONSTANT(ECONNRESET);
    CONSTANT(ENOBUFS);
    CONSTANT(EISCONN);
    CONSTANT(ENOTCONN);
    CONSTANT(ETIMEDOUT);
    CONSTANT(ECONNREFUSED);
    CONSTANT(EHOSTUNREACH);
    CONSTANT(EALREADY);
    CONSTANT(EINPROGRESS);
    CONSTANT(ECANCELED);

    /* Sockets: constants */
    CONSTANT(AF_UNIX);
    CONSTANT(AF_INET);
    CONSTANT(AF_INET6);
    CONSTANT(SOCK_STREAM);
    CONSTANT(SOCK_DGRAM);
    CONSTANT(SOCK_NONBLOCK);
    CONSTANT(SOCK_CLOEXEC);
    CONSTANT(SOL_SOCKET);
    CONSTANT(SO_REUSEADDR);
    CONSTANT(SO_TYPE);
    CONSTANT(SO_ERROR);
    CONSTANT(SO_SNDBUF);
    CONSTANT(SO_RCVBUF);
    CONSTANT(SO_KEEPALIVE);
    CONSTANT(SO_LINGER);
    CONSTANT(SO_REUSEPORT);
    CONSTANT(IPPROTO_TCP);
    CONSTANT(IPPROTO_IPV6);
    CONSTANT(TCP_NODELAY);
    CONSTANT(IPV6_V6ONLY);
    CONSTANT(SHUT_RD);
    CONSTANT(SHUT_WR);
    CONSTANT(SHUT_RDWR);
    CONSTANT(MSG_PEEK);
    CONSTANT(MSG_DONTWAIT);
    CONSTANT(MSG_NOSIGNAL);
    CONSTANT(SOMAXCONN);
    CONSTANT(IOV_MAX);

    /* Sockets: layouts */
    LAYOUT(IN_PORT_T, in_port_t);
    LAYOUT(IN_ADDR_T, in_addr_t);

    LAYOUT(SOCKADDR_IN, struct sockaddr_in);
    OFFSET(SOCKADDR_IN_SIN_FAMILY_OFFSET, struct sockaddr_in, sin_family);
    OFFSET(SOCKADDR_IN_SIN_PORT_OFFSET, struct sockaddr_in, sin_port);
    OFFSET(SOCKADDR_IN_SIN_ADDR_OFFSET, struct sockaddr_in, sin_addr);
    OFFSET(SOCKADDR_IN_SIN_ZERO_OFFSET, struct sockaddr_in, sin_zero);

    LAYOUT(SOCKADDR_IN6, struct sockaddr_in6);
    OFFSET(SOCKADDR_IN6_SIN6_FAMILY_OFFSET, struct sockaddr_in6, sin6_family);
    OFFSET(SOCKADDR_IN6_SIN6_PORT_OFFSET, struct sockaddr_in6, sin6_port);
    OFFSET(SOCKADDR_IN6_SIN6_FLOWINFO_OFFSET, struct sockaddr_in6, sin6_flowinfo);
    OFFSET(SOCKADDR_IN6_SIN6_ADDR_OFFSET, struct sockaddr_in6, sin6_addr);
    OFFSET(SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET, struct sockaddr_in6, sin6_scope_id);

    LAYOUT(SOCKADDR_STORAGE, struct sockaddr_storage);
    OFFSET(SOCKADDR_STORAGE_SS_FAMILY_OFFSET, struct sockaddr_storage, ss_family);

    LAYOUT(IOVEC, struct iovec);
    OFFSET(IOVEC_IOV_BASE_OFFSET, struct iovec, iov_base);
    OFFSET(IOVEC_IOV_LEN_OFFSET, struct iovec, iov_len);

    LAYOUT(LINGER, struct linger);
    OFFSET(LINGER_L_ONOFF_OFFSET, struct linger, l_onoff);
    OFFSET(LINGER_L_LINGER_OFFSET, struct linger, l_linger);

    /* Epoll */
    CONSTANT(EPOLLIN);
    CONSTANT(EPOLLPRI);
    CONSTANT(EPOLLOUT);
    CONSTANT(EPOLLERR);
    CONSTANT(EPOLLHUP);
    CONSTANT(EPOLLRDHUP);
    CONSTANT(EPOLLEXCLUSIVE);
    CONSTANT(EPOLLONESHOT);
    CONSTANT(EPOLLET);
    CONSTANT(EPOLL_CTL_ADD);
    CONSTANT(EPOLL_CTL_DEL);
    CONSTANT(EPOLL_CTL_MOD);
    CONSTANT(EPOLL_CLOEXEC);

    LAYOUT(EPOLL_EVENT, struct epoll_event);
    OFFSET(EPOLL_EVENT_EVENTS_OFFSET, struct epoll_event, events);
    OFFSET(EPOLL_EVENT_DATA_OFFSET, struct epoll_event, data);

    /* EventFd */
    CONSTANT(EFD_SEMAPHORE);
    CONSTANT(EFD_NONBLOCK);
    CONSTANT(EFD_CLOEXEC);

    return ferror(stdout) ? 1 : 0;
}
