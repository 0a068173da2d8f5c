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

/* accept4, IOV_MAX, MSG_NOSIGNAL, MAP_POPULATE, syscall and friends are GNU/XSI extensions. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>          /* Errno: E* constants */
#include <limits.h>         /* Sockets: IOV_MAX */
#include <stddef.h>
#include <string.h>         /* Errno: strerror_r */
#include <unistd.h>         /* Sockets: read, write, close; IoUring: syscall */
#include <netinet/in.h>     /* Sockets: sockaddr_in, sockaddr_in6, IPPROTO_*, IPV6_V6ONLY, ip_mreqn, ipv6_mreq, IP(V6)_MULTICAST_* */
#include <netinet/tcp.h>    /* Sockets: TCP_NODELAY */
#include <linux/io_uring.h> /* IoUring: structs and constants (the kernel's UAPI header) */
#include <sys/epoll.h>      /* Epoll */
#include <sys/eventfd.h>    /* EventFd */
#include <poll.h>           /* Poll */
#include <sys/select.h>     /* Select */
#include <sys/mman.h>       /* Mman */
#include <sys/socket.h>     /* Sockets */
#include <sys/syscall.h>    /* IoUring: SYS_io_uring_* (= __NR_io_uring_*) */
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
 *   int     recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags,
 *                    struct timespec *timeout);
 *   int     sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);
 *
 * Epoll:
 *   int epoll_create1(int flags);
 *   int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
 *   int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
 *
 * EventFd:
 *   int eventfd(unsigned int initval, int flags);
 *
 * Poll:
 *   int poll(struct pollfd *fds, nfds_t nfds, int timeout);
 *
 * Select (FD_ZERO, FD_SET, FD_CLR and FD_ISSET are macros, mirrored in Java):
 *   int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);
 *
 * IoUring (glibc has no wrappers: each is syscall(SYS_io_uring_*, ...), every variadic
 * argument passed as a long or a pointer):
 *   long syscall(long number, ...);
 *   int  io_uring_setup(u32 entries, struct io_uring_params *p);
 *   int  io_uring_enter(unsigned int fd, unsigned int to_submit, unsigned int min_complete,
 *                       unsigned int flags, const void *arg, size_t argsz);
 *   int  io_uring_register(unsigned int fd, unsigned int opcode, void *arg, unsigned int nr_args);
 *
 * Mman:
 *   void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
 *   int   munmap(void *addr, size_t length);
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
 *   struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen;
 *                   void *msg_control; size_t msg_controllen; int msg_flags; };   (56 bytes)
 *   struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; };           (64 bytes)
 *   struct ip_mreqn { struct in_addr imr_multiaddr; struct in_addr imr_address; int imr_ifindex; };
 *   struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; unsigned int ipv6mr_interface; };
 *   typedef union epoll_data { void *ptr; int fd; uint32_t u32; uint64_t u64; } epoll_data_t;
 *   struct epoll_event { uint32_t events; epoll_data_t data; } __EPOLL_PACKED;  (packed on x86_64)
 *   struct io_sqring_offsets { __u32 head, tail, ring_mask, ring_entries, flags, dropped, array,
 *                              resv1; __u64 resv2; };                       (40 bytes)
 *   struct io_cqring_offsets { __u32 head, tail, ring_mask, ring_entries, overflow, cqes, flags,
 *                              resv1; __u64 resv2; };                       (40 bytes)
 *   struct io_uring_params { __u32 sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle,
 *                            features, wq_fd, resv[3]; struct io_sqring_offsets sq_off;
 *                            struct io_cqring_offsets cq_off; };           (120 bytes)
 *   struct io_uring_sqe { __u8 opcode; __u8 flags; __u16 ioprio; __s32 fd; union { off ... };
 *                         union { addr ... }; __u32 len; union { rw_flags ... }; __u64 user_data;
 *                         union { buf_index ... }; __u16 personality; union { splice_fd_in ... };
 *                         union { struct { __u64 addr3; __u64 __pad2[1]; }; __u8 cmd[0]; }; };
 *                                                                          (64 bytes)
 *   struct io_uring_cqe { __u64 user_data; __s32 res; __u32 flags; __u64 big_cqe[]; };  (16 bytes)
 *   struct io_uring_probe_op { __u8 op; __u8 resv; __u16 flags; __u32 resv2; };
 *   struct io_uring_probe { __u8 last_op; __u8 ops_len; __u16 resv; __u32 resv2[3];
 *                           struct io_uring_probe_op ops[]; };
 *   struct __kernel_timespec { __kernel_time64_t tv_sec; long long tv_nsec; };
 *   struct io_uring_getevents_arg { __u64 sigmask; __u32 sigmask_sz; __u32 pad; __u64 ts; };
 *   struct io_uring_buf { __u64 addr; __u32 len; __u16 bid; __u16 resv; };
 *   struct io_uring_buf_ring: io_uring_buf bufs[], the ring tail overlaid on bufs[0].resv;
 *                             bound as its offset IO_URING_BUF_RING_TAIL_OFFSET only
 *   struct io_uring_buf_reg { __u64 ring_addr; __u32 ring_entries; __u16 bgid; __u16 pad;
 *                             __u64 resv[3]; };
 *   struct io_uring_recvmsg_out { __u32 namelen; __u32 controllen; __u32 payloadlen; __u32 flags; };
 *
 * Typedefs: in_port_t, in_addr_t, sa_family_t, socklen_t, epoll_data_t, off_t.
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
 *            SO_BROADCAST IPPROTO_IP IPPROTO_UDP MSG_TRUNC
 *            IP_MULTICAST_IF IP_MULTICAST_TTL IP_MULTICAST_LOOP IP_ADD_MEMBERSHIP IP_DROP_MEMBERSHIP
 *            IPV6_MULTICAST_IF IPV6_MULTICAST_HOPS IPV6_MULTICAST_LOOP IPV6_ADD_MEMBERSHIP
 *            IPV6_DROP_MEMBERSHIP
 *   Epoll:   EPOLLIN EPOLLPRI EPOLLOUT EPOLLERR EPOLLHUP EPOLLRDHUP EPOLLET EPOLLONESHOT
 *            EPOLLEXCLUSIVE EPOLL_CTL_ADD EPOLL_CTL_DEL EPOLL_CTL_MOD EPOLL_CLOEXEC
 *   EventFd: EFD_CLOEXEC EFD_NONBLOCK EFD_SEMAPHORE
 *   Poll:    POLLIN POLLPRI POLLOUT POLLERR POLLHUP POLLNVAL POLLRDHUP
 *   Select:  FD_SETSIZE
 *   IoUring: SYS_io_uring_setup SYS_io_uring_enter SYS_io_uring_register
 *            IORING_SETUP_IOPOLL IORING_SETUP_SQPOLL IORING_SETUP_CQSIZE IORING_SETUP_CLAMP
 *            IORING_SETUP_SUBMIT_ALL IORING_SETUP_COOP_TASKRUN IORING_SETUP_TASKRUN_FLAG
 *            IORING_SETUP_SINGLE_ISSUER IORING_SETUP_DEFER_TASKRUN
 *            IORING_FEAT_SINGLE_MMAP IORING_FEAT_NODROP IORING_FEAT_SUBMIT_STABLE
 *            IORING_FEAT_FAST_POLL IORING_FEAT_EXT_ARG IORING_FEAT_NATIVE_WORKERS
 *            IORING_FEAT_CQE_SKIP IORING_FEAT_LINKED_FILE
 *            IORING_ENTER_GETEVENTS IORING_ENTER_SQ_WAKEUP IORING_ENTER_SQ_WAIT IORING_ENTER_EXT_ARG
 *            IORING_SQ_NEED_WAKEUP IORING_SQ_CQ_OVERFLOW IORING_SQ_TASKRUN
 *            IORING_OFF_SQ_RING IORING_OFF_CQ_RING IORING_OFF_SQES
 *            IORING_OP_NOP IORING_OP_READV IORING_OP_WRITEV IORING_OP_POLL_ADD IORING_OP_SENDMSG
 *            IORING_OP_RECVMSG IORING_OP_TIMEOUT IORING_OP_TIMEOUT_REMOVE IORING_OP_ACCEPT
 *            IORING_OP_ASYNC_CANCEL IORING_OP_LINK_TIMEOUT IORING_OP_CONNECT IORING_OP_CLOSE
 *            IORING_OP_READ IORING_OP_WRITE IORING_OP_SEND IORING_OP_RECV IORING_OP_SHUTDOWN
 *            IORING_OP_MSG_RING IORING_OP_PROVIDE_BUFFERS IORING_OP_SEND_ZC IORING_OP_LAST
 *            IOSQE_FIXED_FILE IOSQE_IO_DRAIN IOSQE_IO_LINK IOSQE_IO_HARDLINK IOSQE_ASYNC
 *            IOSQE_BUFFER_SELECT IOSQE_CQE_SKIP_SUCCESS
 *            IORING_CQE_F_BUFFER IORING_CQE_F_MORE IORING_CQE_F_SOCK_NONEMPTY IORING_CQE_F_NOTIF
 *            IORING_ACCEPT_MULTISHOT IORING_ASYNC_CANCEL_ALL IORING_ASYNC_CANCEL_FD
 *            IORING_ASYNC_CANCEL_ANY IORING_RECVSEND_POLL_FIRST IORING_RECV_MULTISHOT
 *            IORING_TIMEOUT_ABS IORING_REGISTER_PROBE IORING_REGISTER_RING_FDS
 *            IORING_REGISTER_PBUF_RING IORING_UNREGISTER_PBUF_RING IORING_CQE_BUFFER_SHIFT
 *            IO_URING_OP_SUPPORTED IORING_MSG_DATA
 *   Mman:    PROT_READ PROT_WRITE MAP_SHARED MAP_POPULATE MAP_FAILED
 */

#endif /* NETLOOP_LINUX_H */
