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

#include "layout_probe.h"

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
    CONSTANT(SO_BROADCAST);
    CONSTANT(IPPROTO_IP);
    CONSTANT(IPPROTO_UDP);
    CONSTANT(MSG_TRUNC);
    CONSTANT(IP_MULTICAST_IF);
    CONSTANT(IP_MULTICAST_TTL);
    CONSTANT(IP_MULTICAST_LOOP);
    CONSTANT(IP_ADD_MEMBERSHIP);
    CONSTANT(IP_DROP_MEMBERSHIP);
    CONSTANT(IPV6_MULTICAST_IF);
    CONSTANT(IPV6_MULTICAST_HOPS);
    CONSTANT(IPV6_MULTICAST_LOOP);
    CONSTANT(IPV6_ADD_MEMBERSHIP);
    CONSTANT(IPV6_DROP_MEMBERSHIP);
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

    LAYOUT(MSGHDR, struct msghdr);
    OFFSET(MSGHDR_MSG_NAME_OFFSET, struct msghdr, msg_name);
    OFFSET(MSGHDR_MSG_NAMELEN_OFFSET, struct msghdr, msg_namelen);
    OFFSET(MSGHDR_MSG_IOV_OFFSET, struct msghdr, msg_iov);
    OFFSET(MSGHDR_MSG_IOVLEN_OFFSET, struct msghdr, msg_iovlen);
    OFFSET(MSGHDR_MSG_CONTROL_OFFSET, struct msghdr, msg_control);
    OFFSET(MSGHDR_MSG_CONTROLLEN_OFFSET, struct msghdr, msg_controllen);
    OFFSET(MSGHDR_MSG_FLAGS_OFFSET, struct msghdr, msg_flags);

    LAYOUT(MMSGHDR, struct mmsghdr);
    OFFSET(MMSGHDR_MSG_HDR_OFFSET, struct mmsghdr, msg_hdr);
    OFFSET(MMSGHDR_MSG_LEN_OFFSET, struct mmsghdr, msg_len);

    LAYOUT(IP_MREQN, struct ip_mreqn);
    OFFSET(IP_MREQN_IMR_MULTIADDR_OFFSET, struct ip_mreqn, imr_multiaddr);
    OFFSET(IP_MREQN_IMR_ADDRESS_OFFSET, struct ip_mreqn, imr_address);
    OFFSET(IP_MREQN_IMR_IFINDEX_OFFSET, struct ip_mreqn, imr_ifindex);

    LAYOUT(IPV6_MREQ, struct ipv6_mreq);
    OFFSET(IPV6_MREQ_IPV6MR_MULTIADDR_OFFSET, struct ipv6_mreq, ipv6mr_multiaddr);
    OFFSET(IPV6_MREQ_IPV6MR_INTERFACE_OFFSET, struct ipv6_mreq, ipv6mr_interface);

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

    /* Poll */
    CONSTANT(POLLIN);
    CONSTANT(POLLPRI);
    CONSTANT(POLLOUT);
    CONSTANT(POLLERR);
    CONSTANT(POLLHUP);
    CONSTANT(POLLNVAL);
    CONSTANT(POLLRDHUP);
    LAYOUT(POLLFD, struct pollfd);
    OFFSET(POLLFD_FD_OFFSET, struct pollfd, fd);
    OFFSET(POLLFD_EVENTS_OFFSET, struct pollfd, events);
    OFFSET(POLLFD_REVENTS_OFFSET, struct pollfd, revents);

    /* Select */
    CONSTANT(FD_SETSIZE);
    LAYOUT(FD_SET_LAYOUT, fd_set);
    OFFSET(FD_SET_LAYOUT_FDS_BITS_OFFSET, fd_set, fds_bits);   /* so named under _GNU_SOURCE; __fds_bits otherwise */
    LAYOUT(TIMEVAL, struct timeval);
    OFFSET(TIMEVAL_TV_SEC_OFFSET, struct timeval, tv_sec);
    OFFSET(TIMEVAL_TV_USEC_OFFSET, struct timeval, tv_usec);

    /* EventFd */
    CONSTANT(EFD_SEMAPHORE);
    CONSTANT(EFD_NONBLOCK);
    CONSTANT(EFD_CLOEXEC);

    /* IoUring: constants */
    CONSTANT(SYS_io_uring_setup);
    CONSTANT(SYS_io_uring_enter);
    CONSTANT(SYS_io_uring_register);
    CONSTANT(IORING_SETUP_IOPOLL);
    CONSTANT(IORING_SETUP_SQPOLL);
    CONSTANT(IORING_SETUP_CQSIZE);
    CONSTANT(IORING_SETUP_CLAMP);
    CONSTANT(IORING_SETUP_SUBMIT_ALL);
    CONSTANT(IORING_SETUP_COOP_TASKRUN);
    CONSTANT(IORING_SETUP_TASKRUN_FLAG);
    CONSTANT(IORING_SETUP_SINGLE_ISSUER);
    CONSTANT(IORING_SETUP_DEFER_TASKRUN);
    CONSTANT(IORING_FEAT_SINGLE_MMAP);
    CONSTANT(IORING_FEAT_NODROP);
    CONSTANT(IORING_FEAT_SUBMIT_STABLE);
    CONSTANT(IORING_FEAT_FAST_POLL);
    CONSTANT(IORING_FEAT_EXT_ARG);
    CONSTANT(IORING_FEAT_NATIVE_WORKERS);
    CONSTANT(IORING_FEAT_CQE_SKIP);
    CONSTANT(IORING_FEAT_LINKED_FILE);
    CONSTANT(IORING_ENTER_GETEVENTS);
    CONSTANT(IORING_ENTER_SQ_WAKEUP);
    CONSTANT(IORING_ENTER_SQ_WAIT);
    CONSTANT(IORING_ENTER_EXT_ARG);
    CONSTANT(IORING_SQ_NEED_WAKEUP);
    CONSTANT(IORING_SQ_CQ_OVERFLOW);
    CONSTANT(IORING_SQ_TASKRUN);
    LONG_CONSTANT(IORING_OFF_SQ_RING);
    LONG_CONSTANT(IORING_OFF_CQ_RING);
    LONG_CONSTANT(IORING_OFF_SQES);
    CONSTANT(IORING_OP_NOP);
    CONSTANT(IORING_OP_READV);
    CONSTANT(IORING_OP_WRITEV);
    CONSTANT(IORING_OP_POLL_ADD);
    CONSTANT(IORING_OP_SENDMSG);
    CONSTANT(IORING_OP_RECVMSG);
    CONSTANT(IORING_OP_TIMEOUT);
    CONSTANT(IORING_OP_TIMEOUT_REMOVE);
    CONSTANT(IORING_OP_ACCEPT);
    CONSTANT(IORING_OP_ASYNC_CANCEL);
    CONSTANT(IORING_OP_LINK_TIMEOUT);
    CONSTANT(IORING_OP_CONNECT);
    CONSTANT(IORING_OP_CLOSE);
    CONSTANT(IORING_OP_READ);
    CONSTANT(IORING_OP_WRITE);
    CONSTANT(IORING_OP_SEND);
    CONSTANT(IORING_OP_RECV);
    CONSTANT(IORING_OP_PROVIDE_BUFFERS);
    CONSTANT(IORING_OP_SHUTDOWN);
    CONSTANT(IORING_OP_MSG_RING);
    CONSTANT(IORING_OP_SEND_ZC);
    CONSTANT(IORING_OP_LAST);
    CONSTANT(IOSQE_FIXED_FILE);
    CONSTANT(IOSQE_IO_DRAIN);
    CONSTANT(IOSQE_IO_LINK);
    CONSTANT(IOSQE_IO_HARDLINK);
    CONSTANT(IOSQE_ASYNC);
    CONSTANT(IOSQE_BUFFER_SELECT);
    CONSTANT(IOSQE_CQE_SKIP_SUCCESS);
    CONSTANT(IORING_CQE_F_BUFFER);
    CONSTANT(IORING_CQE_F_MORE);
    CONSTANT(IORING_CQE_F_SOCK_NONEMPTY);
    CONSTANT(IORING_CQE_F_NOTIF);
    CONSTANT(IORING_ACCEPT_MULTISHOT);
    CONSTANT(IORING_ASYNC_CANCEL_ALL);
    CONSTANT(IORING_ASYNC_CANCEL_FD);
    CONSTANT(IORING_ASYNC_CANCEL_ANY);
    CONSTANT(IORING_RECVSEND_POLL_FIRST);
    CONSTANT(IORING_RECV_MULTISHOT);
    CONSTANT(IORING_TIMEOUT_ABS);
    CONSTANT(IORING_REGISTER_PROBE);
    CONSTANT(IORING_REGISTER_RING_FDS);
    CONSTANT(IORING_REGISTER_PBUF_RING);
    CONSTANT(IORING_UNREGISTER_PBUF_RING);
    CONSTANT(IORING_CQE_BUFFER_SHIFT);
    CONSTANT(IO_URING_OP_SUPPORTED);
    CONSTANT(IORING_MSG_DATA);

    /* IoUring: layouts. Unions are bound as their first member; the flags union as op_flags. */
    LAYOUT(IO_SQRING_OFFSETS, struct io_sqring_offsets);
    OFFSET(IO_SQRING_OFFSETS_HEAD_OFFSET, struct io_sqring_offsets, head);
    OFFSET(IO_SQRING_OFFSETS_TAIL_OFFSET, struct io_sqring_offsets, tail);
    OFFSET(IO_SQRING_OFFSETS_RING_MASK_OFFSET, struct io_sqring_offsets, ring_mask);
    OFFSET(IO_SQRING_OFFSETS_RING_ENTRIES_OFFSET, struct io_sqring_offsets, ring_entries);
    OFFSET(IO_SQRING_OFFSETS_FLAGS_OFFSET, struct io_sqring_offsets, flags);
    OFFSET(IO_SQRING_OFFSETS_DROPPED_OFFSET, struct io_sqring_offsets, dropped);
    OFFSET(IO_SQRING_OFFSETS_ARRAY_OFFSET, struct io_sqring_offsets, array);
    OFFSET(IO_SQRING_OFFSETS_RESV1_OFFSET, struct io_sqring_offsets, resv1);
    OFFSET(IO_SQRING_OFFSETS_RESV2_OFFSET, struct io_sqring_offsets, resv2);

    LAYOUT(IO_CQRING_OFFSETS, struct io_cqring_offsets);
    OFFSET(IO_CQRING_OFFSETS_HEAD_OFFSET, struct io_cqring_offsets, head);
    OFFSET(IO_CQRING_OFFSETS_TAIL_OFFSET, struct io_cqring_offsets, tail);
    OFFSET(IO_CQRING_OFFSETS_RING_MASK_OFFSET, struct io_cqring_offsets, ring_mask);
    OFFSET(IO_CQRING_OFFSETS_RING_ENTRIES_OFFSET, struct io_cqring_offsets, ring_entries);
    OFFSET(IO_CQRING_OFFSETS_OVERFLOW_OFFSET, struct io_cqring_offsets, overflow);
    OFFSET(IO_CQRING_OFFSETS_CQES_OFFSET, struct io_cqring_offsets, cqes);
    OFFSET(IO_CQRING_OFFSETS_FLAGS_OFFSET, struct io_cqring_offsets, flags);
    OFFSET(IO_CQRING_OFFSETS_RESV1_OFFSET, struct io_cqring_offsets, resv1);
    OFFSET(IO_CQRING_OFFSETS_RESV2_OFFSET, struct io_cqring_offsets, resv2);

    LAYOUT(IO_URING_PARAMS, struct io_uring_params);
    OFFSET(IO_URING_PARAMS_SQ_ENTRIES_OFFSET, struct io_uring_params, sq_entries);
    OFFSET(IO_URING_PARAMS_CQ_ENTRIES_OFFSET, struct io_uring_params, cq_entries);
    OFFSET(IO_URING_PARAMS_FLAGS_OFFSET, struct io_uring_params, flags);
    OFFSET(IO_URING_PARAMS_SQ_THREAD_CPU_OFFSET, struct io_uring_params, sq_thread_cpu);
    OFFSET(IO_URING_PARAMS_SQ_THREAD_IDLE_OFFSET, struct io_uring_params, sq_thread_idle);
    OFFSET(IO_URING_PARAMS_FEATURES_OFFSET, struct io_uring_params, features);
    OFFSET(IO_URING_PARAMS_WQ_FD_OFFSET, struct io_uring_params, wq_fd);
    OFFSET(IO_URING_PARAMS_RESV_OFFSET, struct io_uring_params, resv);
    OFFSET(IO_URING_PARAMS_SQ_OFF_OFFSET, struct io_uring_params, sq_off);
    OFFSET(IO_URING_PARAMS_CQ_OFF_OFFSET, struct io_uring_params, cq_off);

    LAYOUT(IO_URING_SQE, struct io_uring_sqe);
    OFFSET(IO_URING_SQE_OPCODE_OFFSET, struct io_uring_sqe, opcode);
    OFFSET(IO_URING_SQE_FLAGS_OFFSET, struct io_uring_sqe, flags);
    OFFSET(IO_URING_SQE_IOPRIO_OFFSET, struct io_uring_sqe, ioprio);
    OFFSET(IO_URING_SQE_FD_OFFSET, struct io_uring_sqe, fd);
    OFFSET(IO_URING_SQE_OFF_OFFSET, struct io_uring_sqe, off);
    OFFSET(IO_URING_SQE_ADDR_OFFSET, struct io_uring_sqe, addr);
    OFFSET(IO_URING_SQE_LEN_OFFSET, struct io_uring_sqe, len);
    OFFSET(IO_URING_SQE_OP_FLAGS_OFFSET, struct io_uring_sqe, rw_flags);
    OFFSET(IO_URING_SQE_USER_DATA_OFFSET, struct io_uring_sqe, user_data);
    OFFSET(IO_URING_SQE_BUF_INDEX_OFFSET, struct io_uring_sqe, buf_index);
    OFFSET(IO_URING_SQE_PERSONALITY_OFFSET, struct io_uring_sqe, personality);
    OFFSET(IO_URING_SQE_SPLICE_FD_IN_OFFSET, struct io_uring_sqe, splice_fd_in);
    OFFSET(IO_URING_SQE_ADDR3_OFFSET, struct io_uring_sqe, addr3);
    OFFSET(IO_URING_SQE___PAD2_OFFSET, struct io_uring_sqe, __pad2);

    LAYOUT(IO_URING_CQE, struct io_uring_cqe);
    OFFSET(IO_URING_CQE_USER_DATA_OFFSET, struct io_uring_cqe, user_data);
    OFFSET(IO_URING_CQE_RES_OFFSET, struct io_uring_cqe, res);
    OFFSET(IO_URING_CQE_FLAGS_OFFSET, struct io_uring_cqe, flags);
    OFFSET(IO_URING_CQE_BIG_CQE_OFFSET, struct io_uring_cqe, big_cqe);

    LAYOUT(IO_URING_PROBE_OP, struct io_uring_probe_op);
    OFFSET(IO_URING_PROBE_OP_OP_OFFSET, struct io_uring_probe_op, op);
    OFFSET(IO_URING_PROBE_OP_RESV_OFFSET, struct io_uring_probe_op, resv);
    OFFSET(IO_URING_PROBE_OP_FLAGS_OFFSET, struct io_uring_probe_op, flags);
    OFFSET(IO_URING_PROBE_OP_RESV2_OFFSET, struct io_uring_probe_op, resv2);

    LAYOUT(IO_URING_PROBE, struct io_uring_probe);
    OFFSET(IO_URING_PROBE_LAST_OP_OFFSET, struct io_uring_probe, last_op);
    OFFSET(IO_URING_PROBE_OPS_LEN_OFFSET, struct io_uring_probe, ops_len);
    OFFSET(IO_URING_PROBE_RESV_OFFSET, struct io_uring_probe, resv);
    OFFSET(IO_URING_PROBE_RESV2_OFFSET, struct io_uring_probe, resv2);
    OFFSET(IO_URING_PROBE_OPS_OFFSET, struct io_uring_probe, ops);

    LAYOUT(IO_URING_BUF, struct io_uring_buf);
    OFFSET(IO_URING_BUF_ADDR_OFFSET, struct io_uring_buf, addr);
    OFFSET(IO_URING_BUF_LEN_OFFSET, struct io_uring_buf, len);
    OFFSET(IO_URING_BUF_BID_OFFSET, struct io_uring_buf, bid);
    OFFSET(IO_URING_BUF_RESV_OFFSET, struct io_uring_buf, resv);
    OFFSET(IO_URING_BUF_RING_TAIL_OFFSET, struct io_uring_buf_ring, tail);

    LAYOUT(IO_URING_BUF_REG, struct io_uring_buf_reg);
    OFFSET(IO_URING_BUF_REG_RING_ADDR_OFFSET, struct io_uring_buf_reg, ring_addr);
    OFFSET(IO_URING_BUF_REG_RING_ENTRIES_OFFSET, struct io_uring_buf_reg, ring_entries);
    OFFSET(IO_URING_BUF_REG_BGID_OFFSET, struct io_uring_buf_reg, bgid);
    OFFSET(IO_URING_BUF_REG_PAD_OFFSET, struct io_uring_buf_reg, pad);
    OFFSET(IO_URING_BUF_REG_RESV_OFFSET, struct io_uring_buf_reg, resv);

    LAYOUT(IO_URING_RECVMSG_OUT, struct io_uring_recvmsg_out);
    OFFSET(IO_URING_RECVMSG_OUT_NAMELEN_OFFSET, struct io_uring_recvmsg_out, namelen);
    OFFSET(IO_URING_RECVMSG_OUT_CONTROLLEN_OFFSET, struct io_uring_recvmsg_out, controllen);
    OFFSET(IO_URING_RECVMSG_OUT_PAYLOADLEN_OFFSET, struct io_uring_recvmsg_out, payloadlen);
    OFFSET(IO_URING_RECVMSG_OUT_FLAGS_OFFSET, struct io_uring_recvmsg_out, flags);

    LAYOUT(KERNEL_TIMESPEC, struct __kernel_timespec);
    OFFSET(KERNEL_TIMESPEC_TV_SEC_OFFSET, struct __kernel_timespec, tv_sec);
    OFFSET(KERNEL_TIMESPEC_TV_NSEC_OFFSET, struct __kernel_timespec, tv_nsec);

    LAYOUT(IO_URING_GETEVENTS_ARG, struct io_uring_getevents_arg);
    OFFSET(IO_URING_GETEVENTS_ARG_SIGMASK_OFFSET, struct io_uring_getevents_arg, sigmask);
    OFFSET(IO_URING_GETEVENTS_ARG_SIGMASK_SZ_OFFSET, struct io_uring_getevents_arg, sigmask_sz);
    OFFSET(IO_URING_GETEVENTS_ARG_PAD_OFFSET, struct io_uring_getevents_arg, pad);
    OFFSET(IO_URING_GETEVENTS_ARG_TS_OFFSET, struct io_uring_getevents_arg, ts);

    /* Mman */
    CONSTANT(PROT_READ);
    CONSTANT(PROT_WRITE);
    CONSTANT(MAP_SHARED);
    CONSTANT(MAP_POPULATE);
    /* ((void *) -1): Java holds the address it compares mmap's result with. */
    printf("MAP_FAILED %lld\n", (long long) (intptr_t) MAP_FAILED);

    return ferror(stdout) ? 1 : 0;
}
