package io.netloop.bindings.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

import static io.netloop.bindings.linux.Linking.downcall;
import static io.netloop.bindings.linux.Linking.offset;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Linux sockets and plain fd I/O: {@code <sys/socket.h>} (with {@code recvmmsg}/{@code sendmmsg}
 * for UDP), {@code <netinet/in.h>} (with the multicast options),
 * {@code <netinet/tcp.h>}, {@code <sys/uio.h>}, {@code <unistd.h>}. LP64 only (x86_64, aarch64):
 * {@code size_t}/{@code ssize_t} are {@code long}, {@code socklen_t} is {@code int}.
 *
 * <p>Every function takes the caller's {@code errnoState} (see {@link Errno#allocateState}) first
 * and returns what C returns; on {@code -1}, {@link Errno#errno(MemorySegment)} reads the cause.
 * Nothing here retries or throws for an errno. Pointer arguments must be native segments.
 *
 * <pre>{@code
 * MemorySegment addr = arena.allocate(Sockets.SOCKADDR_IN);
 * addr.set(ValueLayout.JAVA_SHORT, Sockets.SOCKADDR_IN_SIN_FAMILY_OFFSET, (short) Sockets.AF_INET);
 * addr.set(Sockets.IN_PORT_T, Sockets.SOCKADDR_IN_SIN_PORT_OFFSET, (short) 8080);      // host value; the layout is big-endian
 * addr.set(Sockets.IN_ADDR_T, Sockets.SOCKADDR_IN_SIN_ADDR_OFFSET, 0x7f000001);        // 127.0.0.1
 * int rc = Sockets.bind(errnoState, fd, addr, (int) Sockets.SOCKADDR_IN.byteSize());
 * }</pre>
 *
 * <p>The static initialiser links every function, so it fails outside Linux.
 */
public final class Sockets {

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;      // 04000 octal, = O_NONBLOCK
    public static final int SOCK_CLOEXEC = 0x80000;     // 02000000 octal, = O_CLOEXEC

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_BROADCAST = 6;

    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int TCP_NODELAY = 1;
    public static final int IPV6_V6ONLY = 26;

    /** {@code IPPROTO_IP} level; on Linux also accepted by an {@code AF_INET6} socket, for IPv4 (mapped) traffic. */
    public static final int IP_MULTICAST_IF = 32;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IP_MULTICAST_LOOP = 34;
    public static final int IP_ADD_MEMBERSHIP = 35;
    public static final int IP_DROP_MEMBERSHIP = 36;
    /** {@code IPPROTO_IPV6} level. */
    public static final int IPV6_MULTICAST_IF = 17;
    public static final int IPV6_MULTICAST_HOPS = 18;
    public static final int IPV6_MULTICAST_LOOP = 19;
    public static final int IPV6_ADD_MEMBERSHIP = 20;
    public static final int IPV6_DROP_MEMBERSHIP = 21;

    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    public static final int MSG_PEEK = 0x2;
    /** In {@code msg_flags} after a receive: the datagram was longer than the buffers and was cut. */
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;

    /**
     * The {@code <sys/socket.h>} value of the glibc this was checked against (4096 since glibc
     * 2.35, 128 before). The kernel caps any backlog at {@code /proc/sys/net/core/somaxconn}.
     */
    public static final int SOMAXCONN = 4096;
    /** Most {@code iovec}s one {@code readv}/{@code writev} accepts ({@code UIO_MAXIOV}). */
    public static final int IOV_MAX = 1024;

    /**
     * {@code in_port_t} as a {@code sockaddr} holds it: in network byte order. Reading a port
     * through this layout gives the host value (as a signed short; use {@link Short#toUnsignedInt}).
     */
    public static final ValueLayout.OfShort IN_PORT_T = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    /**
     * {@code in_addr_t} as a {@code sockaddr} holds it: in network byte order, so 127.0.0.1 reads
     * as {@code 0x7f000001} through this layout.
     */
    public static final ValueLayout.OfInt IN_ADDR_T = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * {@snippet lang=c :
     * struct sockaddr_in {
     *     sa_family_t    sin_family;
     *     in_port_t      sin_port;     // network byte order
     *     struct in_addr sin_addr;     // { in_addr_t s_addr; }, network byte order
     *     unsigned char  sin_zero[8];
     * };
     * }
     */
    public static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"),
            IN_PORT_T.withName("sin_port"),
            IN_ADDR_T.withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero")
    ).withName("sockaddr_in");

    /**
     * {@snippet lang=c :
     * struct sockaddr_in6 {
     *     sa_family_t     sin6_family;
     *     in_port_t       sin6_port;      // network byte order
     *     uint32_t        sin6_flowinfo;  // network byte order
     *     struct in6_addr sin6_addr;      // 16 bytes, network byte order
     *     uint32_t        sin6_scope_id;  // host byte order
     * };
     * }
     */
    public static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin6_family"),
            IN_PORT_T.withName("sin6_port"),
            JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id")
    ).withName("sockaddr_in6");

    /**
     * Big enough and aligned enough for any address family; only {@code ss_family} is public in C.
     * {@snippet lang=c :
     * struct sockaddr_storage {
     *     sa_family_t ss_family;
     *     // padding and alignment: 128 bytes in all, aligned to 8
     * };
     * }
     */
    public static final StructLayout SOCKADDR_STORAGE = MemoryLayout.structLayout(
            JAVA_SHORT.withName("ss_family"),
            MemoryLayout.paddingLayout(126)
    ).withByteAlignment(8).withName("sockaddr_storage");

    /**
     * {@snippet lang=c :
     * struct iovec {
     *     void  *iov_base;
     *     size_t iov_len;
     * };
     * }
     */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len")
    ).withName("iovec");

    /**
     * {@snippet lang=c :
     * struct linger {
     *     int l_onoff;
     *     int l_linger;
     * };
     * }
     */
    public static final StructLayout LINGER = MemoryLayout.structLayout(
            JAVA_INT.withName("l_onoff"),
            JAVA_INT.withName("l_linger")
    ).withName("linger");

    /**
     * {@snippet lang=c :
     * struct msghdr {
     *     void         *msg_name;        // sockaddr to send to / of the sender
     *     socklen_t     msg_namelen;
     *     struct iovec *msg_iov;
     *     size_t        msg_iovlen;
     *     void         *msg_control;
     *     size_t        msg_controllen;
     *     int           msg_flags;       // MSG_TRUNC after a receive
     * };
     * }
     */
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4)
    ).withName("msghdr");

    /**
     * {@snippet lang=c :
     * struct mmsghdr {
     *     struct msghdr msg_hdr;
     *     unsigned int  msg_len;         // bytes received or sent
     * };
     * }
     */
    public static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"),
            JAVA_INT.withName("msg_len"),
            MemoryLayout.paddingLayout(4)
    ).withName("mmsghdr");

    /**
     * {@snippet lang=c :
     * struct ip_mreqn {
     *     struct in_addr imr_multiaddr;  // the group, network byte order
     *     struct in_addr imr_address;    // a local address, or INADDR_ANY
     *     int            imr_ifindex;    // the interface's index, or 0
     * };
     * }
     */
    public static final StructLayout IP_MREQN = MemoryLayout.structLayout(
            IN_ADDR_T.withName("imr_multiaddr"),
            IN_ADDR_T.withName("imr_address"),
            JAVA_INT.withName("imr_ifindex")
    ).withName("ip_mreqn");

    /**
     * {@snippet lang=c :
     * struct ipv6_mreq {
     *     struct in6_addr ipv6mr_multiaddr;  // the group
     *     unsigned int    ipv6mr_interface;  // the interface's index, or 0
     * };
     * }
     */
    public static final StructLayout IPV6_MREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
            JAVA_INT.withName("ipv6mr_interface")
    ).withName("ipv6_mreq");

    public static final long SOCKADDR_IN_SIN_FAMILY_OFFSET = offset(SOCKADDR_IN, "sin_family");
    public static final long SOCKADDR_IN_SIN_PORT_OFFSET = offset(SOCKADDR_IN, "sin_port");
    public static final long SOCKADDR_IN_SIN_ADDR_OFFSET = offset(SOCKADDR_IN, "sin_addr");
    public static final long SOCKADDR_IN_SIN_ZERO_OFFSET = offset(SOCKADDR_IN, "sin_zero");

    public static final long SOCKADDR_IN6_SIN6_FAMILY_OFFSET = offset(SOCKADDR_IN6, "sin6_family");
    public static final long SOCKADDR_IN6_SIN6_PORT_OFFSET = offset(SOCKADDR_IN6, "sin6_port");
    public static final long SOCKADDR_IN6_SIN6_FLOWINFO_OFFSET = offset(SOCKADDR_IN6, "sin6_flowinfo");
    public static final long SOCKADDR_IN6_SIN6_ADDR_OFFSET = offset(SOCKADDR_IN6, "sin6_addr");
    public static final long SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET = offset(SOCKADDR_IN6, "sin6_scope_id");

    public static final long SOCKADDR_STORAGE_SS_FAMILY_OFFSET = offset(SOCKADDR_STORAGE, "ss_family");

    public static final long IOVEC_IOV_BASE_OFFSET = offset(IOVEC, "iov_base");
    public static final long IOVEC_IOV_LEN_OFFSET = offset(IOVEC, "iov_len");

    public static final long MSGHDR_MSG_NAME_OFFSET = offset(MSGHDR, "msg_name");
    public static final long MSGHDR_MSG_NAMELEN_OFFSET = offset(MSGHDR, "msg_namelen");
    public static final long MSGHDR_MSG_IOV_OFFSET = offset(MSGHDR, "msg_iov");
    public static final long MSGHDR_MSG_IOVLEN_OFFSET = offset(MSGHDR, "msg_iovlen");
    public static final long MSGHDR_MSG_CONTROL_OFFSET = offset(MSGHDR, "msg_control");
    public static final long MSGHDR_MSG_CONTROLLEN_OFFSET = offset(MSGHDR, "msg_controllen");
    public static final long MSGHDR_MSG_FLAGS_OFFSET = offset(MSGHDR, "msg_flags");

    public static final long MMSGHDR_MSG_HDR_OFFSET = offset(MMSGHDR, "msg_hdr");
    public static final long MMSGHDR_MSG_LEN_OFFSET = offset(MMSGHDR, "msg_len");

    public static final long IP_MREQN_IMR_MULTIADDR_OFFSET = offset(IP_MREQN, "imr_multiaddr");
    public static final long IP_MREQN_IMR_ADDRESS_OFFSET = offset(IP_MREQN, "imr_address");
    public static final long IP_MREQN_IMR_IFINDEX_OFFSET = offset(IP_MREQN, "imr_ifindex");

    public static final long IPV6_MREQ_IPV6MR_MULTIADDR_OFFSET = offset(IPV6_MREQ, "ipv6mr_multiaddr");
    public static final long IPV6_MREQ_IPV6MR_INTERFACE_OFFSET = offset(IPV6_MREQ, "ipv6mr_interface");

    public static final long LINGER_L_ONOFF_OFFSET = offset(LINGER, "l_onoff");
    public static final long LINGER_L_LINGER_OFFSET = offset(LINGER, "l_linger");

    private Sockets() {
    }

    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    /** {@code int socket(int domain, int type, int protocol);} */
    public static int socket(MemorySegment errnoState, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(errnoState, domain, type, protocol);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle BIND = downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    /** {@code int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);} */
    public static int bind(MemorySegment errnoState, int sockfd, MemorySegment addr, int addrlen) {
        try {
            return (int) BIND.invokeExact(errnoState, sockfd, addr, addrlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle LISTEN = downcall("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    /** {@code int listen(int sockfd, int backlog);} */
    public static int listen(MemorySegment errnoState, int sockfd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(errnoState, sockfd, backlog);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle ACCEPT4 = downcall("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    /**
     * {@code int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);}
     * <p>{@code addr} and {@code addrlen} may both be {@link MemorySegment#NULL}.
     */
    public static int accept4(MemorySegment errnoState, int sockfd, MemorySegment addr, MemorySegment addrlen, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(errnoState, sockfd, addr, addrlen, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle CONNECT = downcall("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    /** {@code int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);} */
    public static int connect(MemorySegment errnoState, int sockfd, MemorySegment addr, int addrlen) {
        try {
            return (int) CONNECT.invokeExact(errnoState, sockfd, addr, addrlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    /** {@code ssize_t read(int fd, void *buf, size_t count);} */
    public static long read(MemorySegment errnoState, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(errnoState, fd, buf, count);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    /** {@code ssize_t write(int fd, const void *buf, size_t count);} */
    public static long write(MemorySegment errnoState, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(errnoState, fd, buf, count);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle READV = downcall("readv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    /** {@code ssize_t readv(int fd, const struct iovec *iov, int iovcnt);} */
    public static long readv(MemorySegment errnoState, int fd, MemorySegment iov, int iovcnt) {
        try {
            return (long) READV.invokeExact(errnoState, fd, iov, iovcnt);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle WRITEV = downcall("writev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    /** {@code ssize_t writev(int fd, const struct iovec *iov, int iovcnt);} */
    public static long writev(MemorySegment errnoState, int fd, MemorySegment iov, int iovcnt) {
        try {
            return (long) WRITEV.invokeExact(errnoState, fd, iov, iovcnt);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle RECV = downcall("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    /** {@code ssize_t recv(int sockfd, void *buf, size_t len, int flags);} */
    public static long recv(MemorySegment errnoState, int sockfd, MemorySegment buf, long len, int flags) {
        try {
            return (long) RECV.invokeExact(errnoState, sockfd, buf, len, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle SEND = downcall("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    /** {@code ssize_t send(int sockfd, const void *buf, size_t len, int flags);} */
    public static long send(MemorySegment errnoState, int sockfd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SEND.invokeExact(errnoState, sockfd, buf, len, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle SHUTDOWN = downcall("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    /** {@code int shutdown(int sockfd, int how);} */
    public static int shutdown(MemorySegment errnoState, int sockfd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(errnoState, sockfd, how);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /**
     * {@code int close(int fd);}
     * <p>On Linux the fd is released even when this returns {@code -1} (EINTR included): never retry.
     */
    public static int close(MemorySegment errnoState, int fd) {
        try {
            return (int) CLOSE.invokeExact(errnoState, fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    /** {@code int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);} */
    public static int setsockopt(MemorySegment errnoState, int sockfd, int level, int optname, MemorySegment optval, int optlen) {
        try {
            return (int) SETSOCKOPT.invokeExact(errnoState, sockfd, level, optname, optval, optlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle GETSOCKOPT = downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    /** {@code int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);} */
    public static int getsockopt(MemorySegment errnoState, int sockfd, int level, int optname, MemorySegment optval, MemorySegment optlen) {
        try {
            return (int) GETSOCKOPT.invokeExact(errnoState, sockfd, level, optname, optval, optlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle GETSOCKNAME = downcall("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    /** {@code int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);} */
    public static int getsockname(MemorySegment errnoState, int sockfd, MemorySegment addr, MemorySegment addrlen) {
        try {
            return (int) GETSOCKNAME.invokeExact(errnoState, sockfd, addr, addrlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle GETPEERNAME = downcall("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    /** {@code int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);} */
    public static int getpeername(MemorySegment errnoState, int sockfd, MemorySegment addr, MemorySegment addrlen) {
        try {
            return (int) GETPEERNAME.invokeExact(errnoState, sockfd, addr, addrlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle RECVMMSG = downcall("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    /**
     * {@code int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout);}
     * <p>Returns the datagrams received (each one's length in {@code msg_len}, its flags in
     * {@code msg_hdr.msg_flags}); {@code -1} only when the first failed. {@code timeout} may be
     * {@link MemorySegment#NULL}.
     */
    public static int recvmmsg(MemorySegment errnoState, int sockfd, MemorySegment msgvec, int vlen, int flags, MemorySegment timeout) {
        try {
            return (int) RECVMMSG.invokeExact(errnoState, sockfd, msgvec, vlen, flags, timeout);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle SENDMMSG = downcall("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    /**
     * {@code int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);}
     * <p>Returns the datagrams sent; {@code -1} only when the first failed (a later failure
     * shortens the count and is reported by the next call).
     */
    public static int sendmmsg(MemorySegment errnoState, int sockfd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(errnoState, sockfd, msgvec, vlen, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle RECVMMSG_WITHOUT_ERRNO = Linking.downcallWithoutErrno("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    /**
     * {@code recvmmsg} without capturing {@code errno}: on {@code -1} the cause is lost, and the
     * caller calls the capturing form to learn it. For the same reason as
     * {@link Epoll#epoll_wait(int, MemorySegment, int, int)}: the capturing form's per-call slice
     * of the capture segment escapes where C2 does not inline the JDK's check (40 bytes per call,
     * seen with JFR under a UDP echo, varying from run to run).
     */
    public static int recvmmsg(int sockfd, MemorySegment msgvec, int vlen, int flags, MemorySegment timeout) {
        try {
            return (int) RECVMMSG_WITHOUT_ERRNO.invokeExact(sockfd, msgvec, vlen, flags, timeout);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle SENDMMSG_WITHOUT_ERRNO = Linking.downcallWithoutErrno("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    /** {@code sendmmsg} without capturing {@code errno}; see {@link #recvmmsg(int, MemorySegment, int, int, MemorySegment)}. */
    public static int sendmmsg(int sockfd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return (int) SENDMMSG_WITHOUT_ERRNO.invokeExact(sockfd, msgvec, vlen, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }
}
