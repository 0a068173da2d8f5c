package io.netloop.linux.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.buffer.ReadBuffer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * The synchronous socket calls every Linux backend makes (create, options, bind and listen, names,
 * shutdown, reset, close; UDP sockets' opening and multicast membership), with one loop's scratch
 * memory. Loop thread only.
 */
final class SocketCalls {
    /** Scratch memory for one call at a time; owned by the caller's arena, lives as long as the backend's loop. */
    final MemorySegment errno;
    private final MemorySegment sockaddr;
    private final MemorySegment socklen;
    private final MemorySegment intValue;
    private final MemorySegment linger;

    SocketCalls(Arena arena) {
        this.errno = Errno.allocateState(arena);
        this.sockaddr = arena.allocate(Sockets.SOCKADDR_STORAGE);
        this.socklen = arena.allocate(JAVA_INT);
        this.intValue = arena.allocate(JAVA_INT);
        this.linger = arena.allocate(Sockets.LINGER);
    }

    /** A TCP socket of {@code address}'s family, with extra {@code type} flags ({@code SOCK_NONBLOCK}). */
    int newSocket(InetSocketAddress address, int typeFlags) throws IOException {
        int fd = Sockets.socket(errno, SockAddrs.CODEC.family(address), Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC | typeFlags, 0);
        if (fd < 0) {
            throw LinuxErrors.exception("socket", Errno.errno(errno));
        }
        return fd;
    }

    /** A bound, listening socket; closed again if any step fails. */
    int listen(InetSocketAddress local, SocketOptions options, boolean reusePort, int typeFlags) throws IOException {
        int fd = newSocket(local, typeFlags);
        try {
            setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, options.reuseAddress() ? 1 : 0);
            if (reusePort) {
                setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, 1);
            }
            if (options.receiveBufferSize() > 0) {
                setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, options.receiveBufferSize());
            }
            if (local.getAddress() instanceof Inet6Address) {
                // Dual-stack whatever net.ipv6.bindv6only says, as on Windows: [::] takes IPv4 clients too.
                setIntOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, 0);
            }
            int len = SockAddrs.CODEC.encode(local, sockaddr);
            if (Sockets.bind(errno, fd, sockaddr, len) < 0) {
                throw LinuxErrors.exception("bind", Errno.errno(errno));
            }
            if (Sockets.listen(errno, fd, options.backlog()) < 0) {
                throw LinuxErrors.exception("listen", Errno.errno(errno));
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            close(fd);
            throw e;
        }
    }

    /**
     * A UDP socket of {@code localAddress}'s family with extra {@code type} flags
     * ({@code SOCK_NONBLOCK} for readiness backends; none for io_uring, which waits itself), every
     * option of {@code options} applied, bound, and with {@code remote} connected; the descriptor
     * is closed again if any step fails.
     */
    int openUdp(InetSocketAddress localAddress, InetSocketAddress remote, UdpOptions options, int typeFlags) throws IOException {
        SocketCalls calls = this;
        boolean v6 = localAddress.getAddress() instanceof Inet6Address;
        int fd = Sockets.socket(errno, v6 ? Sockets.AF_INET6 : Sockets.AF_INET,
                Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC | typeFlags, 0);
        if (fd < 0) {
            throw LinuxErrors.exception("socket", Errno.errno(errno));
        }
        try {
            if (options.reuseAddress()) {
                calls.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
            }
            if (options.reusePort()) {
                calls.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, 1);
            }
            if (options.broadcast()) {
                calls.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_BROADCAST, 1);
            }
            if (options.sendBufferSize() > 0) {
                calls.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, options.sendBufferSize());
            }
            if (options.receiveBufferSize() > 0) {
                calls.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, options.receiveBufferSize());
            }
            NetworkInterface ni = options.multicastInterface();
            if (v6) {
                // Explicit, whatever net.ipv6.bindv6only says.
                calls.setIntOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, options.ipv6Only() ? 1 : 0);
                calls.setIntOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_MULTICAST_HOPS, options.multicastTtl());
                calls.setIntOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_MULTICAST_LOOP, options.multicastLoopback() ? 1 : 0);
                if (ni != null) {
                    calls.setIntOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_MULTICAST_IF, ni.getIndex());
                }
            }
            if (!v6 || !options.ipv6Only()) {
                // IPv4 multicast; Linux takes these IPPROTO_IP options on a dual-stack socket too.
                calls.setIntOption(fd, Sockets.IPPROTO_IP, Sockets.IP_MULTICAST_TTL, options.multicastTtl());
                calls.setIntOption(fd, Sockets.IPPROTO_IP, Sockets.IP_MULTICAST_LOOP, options.multicastLoopback() ? 1 : 0);
                if (ni != null) {
                    MemorySegment mreq = sockaddr;
                    mreq.set(Sockets.IN_ADDR_T, Sockets.IP_MREQN_IMR_MULTIADDR_OFFSET, 0);
                    mreq.set(Sockets.IN_ADDR_T, Sockets.IP_MREQN_IMR_ADDRESS_OFFSET, 0);
                    mreq.set(JAVA_INT, Sockets.IP_MREQN_IMR_IFINDEX_OFFSET, ni.getIndex());
                    if (Sockets.setsockopt(errno, fd, Sockets.IPPROTO_IP, Sockets.IP_MULTICAST_IF, mreq,
                            (int) Sockets.IP_MREQN.byteSize()) < 0) {
                        throw LinuxErrors.exception("setsockopt(IP_MULTICAST_IF)", Errno.errno(errno));
                    }
                }
            }
            int len = SockAddrs.CODEC.encode(localAddress, sockaddr);
            if (Sockets.bind(errno, fd, sockaddr, len) < 0) {
                throw LinuxErrors.exception("bind", Errno.errno(errno));
            }
            if (remote != null) {
                len = SockAddrs.CODEC.encode(remote, sockaddr);
                if (Sockets.connect(errno, fd, sockaddr, len) < 0) {
                    throw LinuxErrors.exception("connect", Errno.errno(errno));
                }
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            calls.close(fd);
            throw e;
        }
    }

    /**
     * Joins or leaves a multicast group: {@code IP_ADD_MEMBERSHIP} with {@code ip_mreqn} for an IPv4
     * group (on an IPv4 socket, or a dual-stack one: Linux passes {@code IPPROTO_IP} through), else
     * {@code IPV6_ADD_MEMBERSHIP}; and their drop counterparts.
     */
    void membership(int fd, boolean ipv6, boolean join, InetAddress group, NetworkInterface ni) throws IOException {
        MemorySegment req = sockaddr;
        int rc;
        if (group instanceof Inet4Address) {
            byte[] b = group.getAddress();
            req.set(Sockets.IN_ADDR_T, Sockets.IP_MREQN_IMR_MULTIADDR_OFFSET,
                    (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
            req.set(Sockets.IN_ADDR_T, Sockets.IP_MREQN_IMR_ADDRESS_OFFSET, 0);
            req.set(JAVA_INT, Sockets.IP_MREQN_IMR_IFINDEX_OFFSET, ni.getIndex());
            rc = Sockets.setsockopt(errno, fd, Sockets.IPPROTO_IP,
                    join ? Sockets.IP_ADD_MEMBERSHIP : Sockets.IP_DROP_MEMBERSHIP, req, (int) Sockets.IP_MREQN.byteSize());
        } else {
            if (!ipv6) {
                throw new SocketException("an IPv4 socket (" + socketName(fd, false) + ") cannot join the IPv6 group "
                        + group.getHostAddress());
            }
            MemorySegment.copy(group.getAddress(), 0, req, JAVA_BYTE, Sockets.IPV6_MREQ_IPV6MR_MULTIADDR_OFFSET, 16);
            req.set(JAVA_INT, Sockets.IPV6_MREQ_IPV6MR_INTERFACE_OFFSET, ni.getIndex());
            rc = Sockets.setsockopt(errno, fd, Sockets.IPPROTO_IPV6,
                    join ? Sockets.IPV6_ADD_MEMBERSHIP : Sockets.IPV6_DROP_MEMBERSHIP, req, (int) Sockets.IPV6_MREQ.byteSize());
        }
        if (rc < 0) {
            throw LinuxErrors.exception((join ? "join " : "leave ") + group.getHostAddress() + " on " + ni.getName(),
                    Errno.errno(errno));
        }
    }

    /** Reads what {@code fd} holds now, blocking socket or not: bytes read, 0 if nothing, -1 at end of input. */
    int receiveNow(int fd, ReadBuffer buffer) throws IOException {
        while (true) {
            long n = Sockets.recv(errno, fd, buffer.segment(), buffer.capacity(), Sockets.MSG_DONTWAIT);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            int e = Errno.errno(errno);
            if (e == Errno.EAGAIN) {
                return 0;
            }
            if (e != Errno.EINTR) {
                throw LinuxErrors.exception("read", e);
            }
        }
    }

    void applyConnectionOptions(int fd, SocketOptions options) throws IOException {
        setIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, options.tcpNoDelay() ? 1 : 0);
        if (options.keepAlive()) {
            setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, 1);
        }
        if (options.sendBufferSize() > 0) {
            setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, options.sendBufferSize());
        }
        if (options.receiveBufferSize() > 0) {
            setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, options.receiveBufferSize());
        }
    }

    /** Applies {@code options} to a new connection's socket, closing it if that fails. */
    int configureOrClose(int fd, SocketOptions options) throws IOException {
        try {
            applyConnectionOptions(fd, options);
            return fd;
        } catch (IOException | RuntimeException e) {
            close(fd);
            throw e;
        }
    }

    void setIntOption(int fd, int level, int name, int value) throws IOException {
        intValue.set(JAVA_INT, 0, value);
        if (Sockets.setsockopt(errno, fd, level, name, intValue, 4) < 0) {
            throw LinuxErrors.exception("setsockopt", Errno.errno(errno));
        }
    }

    int getIntOption(int fd, int level, int name) throws IOException {
        socklen.set(JAVA_INT, 0, 4);
        if (Sockets.getsockopt(errno, fd, level, name, intValue, socklen) < 0) {
            throw LinuxErrors.exception("getsockopt", Errno.errno(errno));
        }
        return intValue.get(JAVA_INT, 0);
    }

    /** The socket's own ({@code peer == false}) or its peer's address; {@code null} when it has none (not connected). */
    InetSocketAddress socketName(int fd, boolean peer) {
        socklen.set(JAVA_INT, 0, (int) sockaddr.byteSize());
        int rc = peer ? Sockets.getpeername(errno, fd, sockaddr, socklen) : Sockets.getsockname(errno, fd, sockaddr, socklen);
        return rc < 0 ? null : SockAddrs.CODEC.decode(sockaddr);
    }

    void shutdownOutput(int fd) throws IOException {
        if (Sockets.shutdown(errno, fd, Sockets.SHUT_WR) < 0) {
            throw LinuxErrors.exception("shutdown", Errno.errno(errno));
        }
    }

    /** The next close sends a reset ({@code SO_LINGER} on with 0 seconds). Best effort: never throws. */
    void resetOnClose(int fd) {
        linger.set(JAVA_INT, Sockets.LINGER_L_ONOFF_OFFSET, 1);
        linger.set(JAVA_INT, Sockets.LINGER_L_LINGER_OFFSET, 0);
        Sockets.setsockopt(errno, fd, Sockets.SOL_SOCKET, Sockets.SO_LINGER, linger, (int) Sockets.LINGER.byteSize());
    }

    /** Closes a descriptor; on Linux it is released even if close reports an error, so it is never retried. */
    void close(int fd) {
        Sockets.close(errno, fd);
    }
}
