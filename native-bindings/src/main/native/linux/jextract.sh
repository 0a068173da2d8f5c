#!/bin/sh
# Regenerates jextract's bindings for netloop_linux.h into a scratch directory, to compare
# with the hand-written classes in src/main/java/io/netloop/bindings/linux (see ../../../../README.md).
#
# Needs jextract 22 (https://jdk.java.net/jextract/) on PATH, on the architecture you are
# checking: jextract bakes the host's layouts in (struct epoll_event is packed on x86_64 only).
#
#   src/main/native/linux/jextract.sh [output-dir]      (default: target/jextract)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../../../../target/jextract"}

# Debian/Ubuntu keep bits/*.h under a multiarch directory that libclang may not search.
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
includes=""
if [ -n "$multiarch" ] && [ -d "/usr/include/$multiarch" ]; then
  includes="--include-dir /usr/include/$multiarch"
fi

# shellcheck disable=SC2086 # $includes is zero or two words on purpose
jextract \
  --target-package io.netloop.bindings.linux \
  --header-class-name netloop_linux_h \
  --output "$out" \
  -D _GNU_SOURCE \
  $includes \
  \
  --include-function __xpg_strerror_r \
  \
  --include-function socket \
  --include-function bind \
  --include-function listen \
  --include-function accept4 \
  --include-function connect \
  --include-function read \
  --include-function write \
  --include-function readv \
  --include-function writev \
  --include-function recv \
  --include-function send \
  --include-function shutdown \
  --include-function close \
  --include-function setsockopt \
  --include-function getsockopt \
  --include-function getsockname \
  --include-function getpeername \
  --include-function recvmmsg \
  --include-function sendmmsg \
  \
  --include-function epoll_create1 \
  --include-function epoll_ctl \
  --include-function epoll_wait \
  \
  --include-function eventfd \
  \
  --include-function poll \
  --include-function select \
  \
  --include-function syscall \
  --include-function mmap \
  --include-function munmap \
  \
  --include-struct sockaddr \
  --include-struct sockaddr_in \
  --include-struct in_addr \
  --include-struct sockaddr_in6 \
  --include-struct in6_addr \
  --include-struct sockaddr_storage \
  --include-struct iovec \
  --include-struct linger \
  --include-struct msghdr \
  --include-struct mmsghdr \
  --include-struct ip_mreqn \
  --include-struct ipv6_mreq \
  --include-struct timespec \
  --include-struct pollfd \
  --include-typedef nfds_t \
  --include-typedef fd_set \
  --include-struct timeval \
  --include-struct epoll_event \
  --include-union epoll_data \
  --include-typedef epoll_data_t \
  --include-struct io_sqring_offsets \
  --include-struct io_cqring_offsets \
  --include-struct io_uring_params \
  --include-struct io_uring_sqe \
  --include-struct io_uring_cqe \
  --include-struct io_uring_probe_op \
  --include-struct io_uring_probe \
  --include-struct __kernel_timespec \
  --include-struct io_uring_getevents_arg \
  --include-struct io_uring_buf --include-struct io_uring_buf_ring --include-struct io_uring_buf_reg \
  --include-struct io_uring_recvmsg_out \
  --include-typedef off_t \
  --include-typedef in_port_t \
  --include-typedef in_addr_t \
  --include-typedef sa_family_t \
  --include-typedef socklen_t \
  --include-typedef ssize_t \
  --include-typedef size_t \
  --include-typedef uint8_t \
  --include-typedef uint16_t \
  --include-typedef uint32_t \
  --include-typedef uint64_t \
  \
  --include-constant EPERM --include-constant ENOENT --include-constant EINTR \
  --include-constant EBADF --include-constant EAGAIN --include-constant EWOULDBLOCK \
  --include-constant ENOMEM --include-constant EACCES --include-constant EFAULT \
  --include-constant EBUSY --include-constant EEXIST --include-constant EINVAL \
  --include-constant ENFILE --include-constant EMFILE --include-constant ENOSPC \
  --include-constant EPIPE --include-constant ENOSYS --include-constant ENOTSOCK \
  --include-constant EMSGSIZE --include-constant EPROTOTYPE --include-constant ENOPROTOOPT \
  --include-constant EPROTONOSUPPORT --include-constant EOPNOTSUPP --include-constant EAFNOSUPPORT \
  --include-constant EADDRINUSE --include-constant EADDRNOTAVAIL --include-constant ENETDOWN \
  --include-constant ENETUNREACH --include-constant ECONNABORTED --include-constant ECONNRESET \
  --include-constant ENOBUFS --include-constant EISCONN --include-constant ENOTCONN \
  --include-constant ETIMEDOUT --include-constant ECONNREFUSED --include-constant EHOSTUNREACH \
  --include-constant EALREADY --include-constant EINPROGRESS --include-constant ECANCELED \
  --include-constant ETIME --include-constant EPROTO \
  \
  --include-constant AF_INET --include-constant AF_INET6 --include-constant AF_UNIX \
  --include-constant SOCK_STREAM --include-constant SOCK_DGRAM \
  --include-constant SOCK_NONBLOCK --include-constant SOCK_CLOEXEC \
  --include-constant SOL_SOCKET --include-constant SO_REUSEADDR --include-constant SO_REUSEPORT \
  --include-constant SO_KEEPALIVE --include-constant SO_SNDBUF --include-constant SO_RCVBUF \
  --include-constant SO_LINGER --include-constant SO_ERROR --include-constant SO_TYPE \
  --include-constant IPPROTO_TCP --include-constant IPPROTO_IPV6 \
  --include-constant TCP_NODELAY --include-constant IPV6_V6ONLY \
  --include-constant SHUT_RD --include-constant SHUT_WR --include-constant SHUT_RDWR \
  --include-constant MSG_NOSIGNAL --include-constant MSG_DONTWAIT --include-constant MSG_PEEK \
  --include-constant SOMAXCONN --include-constant IOV_MAX \
  --include-constant SO_BROADCAST --include-constant IPPROTO_IP --include-constant IPPROTO_UDP \
  --include-constant MSG_TRUNC \
  --include-constant IP_MULTICAST_IF --include-constant IP_MULTICAST_TTL --include-constant IP_MULTICAST_LOOP \
  --include-constant IP_ADD_MEMBERSHIP --include-constant IP_DROP_MEMBERSHIP \
  --include-constant IPV6_MULTICAST_IF --include-constant IPV6_MULTICAST_HOPS --include-constant IPV6_MULTICAST_LOOP \
  --include-constant IPV6_ADD_MEMBERSHIP --include-constant IPV6_DROP_MEMBERSHIP \
  \
  --include-constant EPOLLIN --include-constant EPOLLPRI --include-constant EPOLLOUT \
  --include-constant EPOLLERR --include-constant EPOLLHUP --include-constant EPOLLRDHUP \
  --include-constant EPOLLET --include-constant EPOLLONESHOT --include-constant EPOLLEXCLUSIVE \
  --include-constant EPOLL_CTL_ADD --include-constant EPOLL_CTL_DEL --include-constant EPOLL_CTL_MOD \
  --include-constant EPOLL_CLOEXEC \
  \
  --include-constant EFD_CLOEXEC --include-constant EFD_NONBLOCK --include-constant EFD_SEMAPHORE \
  \
  --include-constant POLLIN --include-constant POLLPRI --include-constant POLLOUT \
  --include-constant POLLERR --include-constant POLLHUP --include-constant POLLNVAL --include-constant POLLRDHUP \
  --include-constant FD_SETSIZE \
  \
  --include-constant SYS_io_uring_setup --include-constant SYS_io_uring_enter \
  --include-constant SYS_io_uring_register \
  --include-constant IORING_SETUP_IOPOLL --include-constant IORING_SETUP_SQPOLL \
  --include-constant IORING_SETUP_CQSIZE --include-constant IORING_SETUP_CLAMP \
  --include-constant IORING_SETUP_SUBMIT_ALL --include-constant IORING_SETUP_COOP_TASKRUN \
  --include-constant IORING_SETUP_TASKRUN_FLAG --include-constant IORING_SETUP_SINGLE_ISSUER \
  --include-constant IORING_SETUP_DEFER_TASKRUN \
  --include-constant IORING_FEAT_SINGLE_MMAP --include-constant IORING_FEAT_NODROP \
  --include-constant IORING_FEAT_SUBMIT_STABLE --include-constant IORING_FEAT_FAST_POLL \
  --include-constant IORING_FEAT_EXT_ARG --include-constant IORING_FEAT_NATIVE_WORKERS \
  --include-constant IORING_FEAT_CQE_SKIP --include-constant IORING_FEAT_LINKED_FILE \
  --include-constant IORING_ENTER_GETEVENTS --include-constant IORING_ENTER_SQ_WAKEUP \
  --include-constant IORING_ENTER_SQ_WAIT --include-constant IORING_ENTER_EXT_ARG \
  --include-constant IORING_SQ_NEED_WAKEUP --include-constant IORING_SQ_CQ_OVERFLOW \
  --include-constant IORING_SQ_TASKRUN \
  --include-constant IORING_OFF_SQ_RING --include-constant IORING_OFF_CQ_RING \
  --include-constant IORING_OFF_SQES \
  --include-constant IORING_OP_NOP --include-constant IORING_OP_READV --include-constant IORING_OP_WRITEV \
  --include-constant IORING_OP_POLL_ADD --include-constant IORING_OP_SENDMSG --include-constant IORING_OP_RECVMSG \
  --include-constant IORING_OP_TIMEOUT --include-constant IORING_OP_TIMEOUT_REMOVE --include-constant IORING_OP_ACCEPT \
  --include-constant IORING_OP_ASYNC_CANCEL --include-constant IORING_OP_LINK_TIMEOUT --include-constant IORING_OP_CONNECT \
  --include-constant IORING_OP_CLOSE --include-constant IORING_OP_READ --include-constant IORING_OP_WRITE \
  --include-constant IORING_OP_SEND --include-constant IORING_OP_RECV --include-constant IORING_OP_SHUTDOWN \
  --include-constant IORING_OP_MSG_RING --include-constant IORING_OP_PROVIDE_BUFFERS \
  --include-constant IORING_OP_SEND_ZC --include-constant IORING_OP_LAST \
  --include-constant IOSQE_FIXED_FILE --include-constant IOSQE_IO_DRAIN --include-constant IOSQE_IO_LINK \
  --include-constant IOSQE_IO_HARDLINK --include-constant IOSQE_ASYNC --include-constant IOSQE_BUFFER_SELECT \
  --include-constant IOSQE_CQE_SKIP_SUCCESS \
  --include-constant IORING_CQE_F_BUFFER --include-constant IORING_CQE_F_MORE \
  --include-constant IORING_CQE_F_SOCK_NONEMPTY --include-constant IORING_CQE_F_NOTIF \
  --include-constant IORING_ACCEPT_MULTISHOT \
  --include-constant IORING_ASYNC_CANCEL_ALL --include-constant IORING_ASYNC_CANCEL_FD \
  --include-constant IORING_ASYNC_CANCEL_ANY \
  --include-constant IORING_RECVSEND_POLL_FIRST --include-constant IORING_RECV_MULTISHOT \
  --include-constant IORING_TIMEOUT_ABS \
  --include-constant IORING_REGISTER_PROBE --include-constant IORING_REGISTER_RING_FDS \
  --include-constant IORING_REGISTER_PBUF_RING --include-constant IORING_UNREGISTER_PBUF_RING \
  --include-constant IORING_CQE_BUFFER_SHIFT \
  --include-constant IO_URING_OP_SUPPORTED --include-constant IORING_MSG_DATA \
  \
  --include-constant PROT_READ --include-constant PROT_WRITE \
  --include-constant MAP_SHARED --include-constant MAP_POPULATE --include-constant MAP_FAILED \
  \
  "$here/netloop_linux.h"

echo "jextract wrote io.netloop.bindings.linux to $out"
