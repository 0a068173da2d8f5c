package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.buffer.Chunk;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.spi.IoErrors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.util.Enumeration;

/**
 * The synchronous Winsock calls both Windows backends make (create, options, bind and listen,
 * names, shutdown, reset, close), with one loop's scratch memory. Loop thread only. Sockets are
 * overlapped (usable with IOCP) and not inherited by child processes.
 */
final class WinSocketCalls {
    /** Scratch memory for one call at a time; owned by the backend's loop arena. */
    final MemorySegment state;
    final MemorySegment sockaddr;
    private final MemorySegment length;
    private final MemorySegment intValue;
    private final MemorySegment longValue;
    private final MemorySegment linger;
    /** An {@code IP_MREQ} or {@code IPV6_MREQ}, the larger. */
    private final MemorySegment mreq;

    WinSocketCalls(Arena arena) {
        this.state = WinErrors.allocateCallState(arena);
        this.sockaddr = arena.allocate(SOCKADDR_STORAGE);
        this.length = arena.allocate(JAVA_INT);
        this.intValue = arena.allocate(JAVA_INT);
        this.longValue = arena.allocate(JAVA_LONG);
        this.linger = arena.allocate(LINGER);
        this.mreq = arena.allocate(IPV6_MREQ);
    }

    static IOException exception(String operation, int code) {
        return IoErrors.exception(operation, code, WinErrors.name(code), WinErrors.message(code));
    }

    IOException lastError(String operation) {
        return exception(operation, WinErrors.wsaLastError(state));
    }

    /** An overlapped stream socket of {@code family}: TCP, or {@code AF_UNIX} (protocol 0: Winsock has no TCP over it). */
    long newSocket(int family) throws IOException {
        long s = WSASocketW(state, family, SOCK_STREAM, family == AF_UNIX ? 0 : IPPROTO_TCP, MemorySegment.NULL, 0,
                WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == INVALID_SOCKET) {
            throw lastError("socket");
        }
        return s;
    }

    /**
     * A bound, listening socket, closed again if any step fails. {@code SO_EXCLUSIVEADDRUSE}: on
     * Windows {@code SO_REUSEADDR} would let another socket bind the same port, and is not needed to
     * rebind a port with connections in TIME_WAIT. An {@code AF_UNIX} socket gets neither: a path is
     * exclusive by its file. The address is encoded first, so a path too long fails before any call.
     */
    long listen(SocketAddress local, SocketOptions options) throws IOException {
        int len = WinSockAddrs.CODEC.encode(local, sockaddr);
        long s = newSocket(WinSockAddrs.CODEC.family(local));
        try {
            if (local instanceof InetSocketAddress inet) {
                setIntOption(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
                if (inet.getAddress() instanceof Inet6Address) {
                    // Windows makes IPv6 sockets IPv6-only by default, Linux does not: a listener on
                    // [::] takes IPv4 clients too on both.
                    setIntOption(s, IPPROTO_IPV6, IPV6_V6ONLY, 0);
                }
            }
            if (options.receiveBufferSize() > 0) {
                setIntOption(s, SOL_SOCKET, SO_RCVBUF, options.receiveBufferSize());
            }
            if (bind(state, s, sockaddr, len) == SOCKET_ERROR) {
                throw lastError("bind");
            }
            if (Ws2_32.listen(state, s, Math.min(options.backlog(), SOMAXCONN)) == SOCKET_ERROR) {
                throw lastError("listen");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            close(s);
            throw e;
        }
    }

    /** A bound, listening, non-blocking socket, closed again if any step fails: the readiness backends' listener. */
    long listenNonBlocking(SocketAddress local, SocketOptions options) throws IOException {
        long s = listen(local, options);
        try {
            nonBlocking(s);
        } catch (IOException e) {
            close(s);
            throw e;
        }
        return s;
    }

    /**
     * Starts a non-blocking {@code connect} of {@code s} to {@code remote}: returns once it is under
     * way (WSAEWOULDBLOCK) or done, throws if it failed at once. The caller closes {@code s} then.
     */
    void startConnect(long s, SocketAddress remote) throws IOException {
        int len = WinSockAddrs.CODEC.encode(remote, sockaddr);
        if (connect(state, s, sockaddr, len) == SOCKET_ERROR) {
            int e = WinErrors.wsaLastError(state);
            if (e != WinErrors.WSAEWOULDBLOCK) {
                throw exception("connect", e);
            }
        }
    }

    /** Binds to the wildcard address of {@code family} and port 0: {@code ConnectEx} needs a bound socket. */
    void bindAny(long s, int family) throws IOException {
        int len = WinSockAddrs.CODEC.encodeWildcard(family, sockaddr);
        if (bind(state, s, sockaddr, len) == SOCKET_ERROR) {
            throw lastError("bind");
        }
    }

    /**
     * Applies {@code options} to a new connection's socket, closing it if that fails; to an
     * {@code AF_UNIX} socket ({@code unix}) only the buffer sizes.
     */
    long configureOrClose(long s, SocketOptions options, boolean unix) throws IOException {
        try {
            if (!unix) {
                setIntOption(s, IPPROTO_TCP, TCP_NODELAY, options.tcpNoDelay() ? 1 : 0);
                if (options.keepAlive()) {
                    setIntOption(s, SOL_SOCKET, SO_KEEPALIVE, 1);
                }
            }
            if (options.sendBufferSize() > 0) {
                setIntOption(s, SOL_SOCKET, SO_SNDBUF, options.sendBufferSize());
            }
            if (options.receiveBufferSize() > 0) {
                setIntOption(s, SOL_SOCKET, SO_RCVBUF, options.receiveBufferSize());
            }
            return s;
        } catch (IOException | RuntimeException e) {
            close(s);
            throw e;
        }
    }

    void setIntOption(long s, int level, int name, int value) throws IOException {
        intValue.set(JAVA_INT, 0, value);
        if (setsockopt(state, s, level, name, intValue, 4) == SOCKET_ERROR) {
            throw lastError("setsockopt");
        }
    }

    /** {@code SO_UPDATE_ACCEPT_CONTEXT} and the like take a {@code SOCKET} as their value. */
    void setSocketOption(long s, int name, long value) throws IOException {
        longValue.set(JAVA_LONG, 0, value);
        if (setsockopt(state, s, SOL_SOCKET, name, value == 0 ? MemorySegment.NULL : longValue, value == 0 ? 0 : 8) == SOCKET_ERROR) {
            throw lastError("setsockopt");
        }
    }

    int getIntOption(long s, int level, int name) throws IOException {
        length.set(JAVA_INT, 0, 4);
        if (getsockopt(state, s, level, name, intValue, length) == SOCKET_ERROR) {
            throw lastError("getsockopt");
        }
        return intValue.get(JAVA_INT, 0);
    }

    /** The socket's own ({@code peer == false}) or its peer's address; {@code null} when it has none. */
    SocketAddress socketName(long s, boolean peer) {
        length.set(JAVA_INT, 0, (int) sockaddr.byteSize());
        int rc = peer ? getpeername(state, s, sockaddr, length) : getsockname(state, s, sockaddr, length);
        return rc == SOCKET_ERROR ? null : WinSockAddrs.CODEC.decode(sockaddr, length.get(JAVA_INT, 0));
    }

    void nonBlocking(long s) throws IOException {
        intValue.set(JAVA_INT, 0, 1);
        if (ioctlsocket(state, s, FIONBIO, intValue) == SOCKET_ERROR) {
            throw lastError("ioctlsocket");
        }
    }

    void shutdownOutput(long s) throws IOException {
        if (shutdown(state, s, SD_SEND) == SOCKET_ERROR) {
            throw lastError("shutdown");
        }
    }

    /** The next close resets the connection ({@code SO_LINGER} on, 0 seconds). Best effort. */
    void resetOnClose(long s) {
        linger.set(JAVA_SHORT, LINGER_L_ONOFF_OFFSET, (short) 1);
        linger.set(JAVA_SHORT, LINGER_L_LINGER_OFFSET, (short) 0);
        setsockopt(state, s, SOL_SOCKET, SO_LINGER, linger, (int) LINGER.byteSize());
    }

    /**
     * Fills {@code wsabufs}, an array of {@code max} {@code WSABUF}s, from the head of
     * {@code queue}, skipping {@code skip} bytes; returns how many it filled. The readiness
     * backends gather a connection's writes through it.
     */
    static int fillBuffers(MemorySegment wsabufs, int max, WriteQueue queue, long skip) {
        int count = 0;
        int chunks = Math.min(queue.chunkCount(), max);
        for (int i = 0; i < chunks; i++) {
            Chunk c = queue.chunk(i);
            int readable = c.readable();
            if (skip >= readable) {
                skip -= readable;
                continue;
            }
            long at = count * WSABUF.byteSize();
            wsabufs.set(JAVA_INT, at + WSABUF_LEN_OFFSET, (int) (readable - skip));
            wsabufs.set(JAVA_LONG, at + WSABUF_BUF_OFFSET, c.segment().address() + c.readIndex() + skip);
            skip = 0;
            count++;
        }
        return count;
    }

    /** {@code accept()} makes an inheritable handle whatever the listener's flags: child processes must not get it. */
    void noInherit(long s) {
        Kernel32.SetHandleInformation(state, MemorySegment.ofAddress(s), Kernel32.HANDLE_FLAG_INHERIT, 0);
    }

    // ---- UDP ----

    /**
     * The longest datagram a socket of {@code family} sends: 65,535 less the IPv4 header (20) and
     * the UDP header (8) over IPv4, less the UDP header over IPv6 (whose payload length leaves the
     * IPv6 header out). Longer ones fail with {@code WSAEMSGSIZE}. The overlapped backends refuse
     * them before calling: Windows fails such a {@code WSASendTo} at once with no completion, Wine
     * at once and with a completion (its status is an NT warning), which would reach an operation
     * already reused.
     */
    static int maxDatagram(int family) {
        return family == AF_INET6 ? 65_535 - 8 : 65_535 - 28;
    }

    /**
     * A UDP socket of {@code local}'s family with {@code options} applied, bound to {@code local}
     * and connected to {@code remote} unless {@code null}; closed again if a step fails. Without
     * {@code reuseAddress} the port is {@code SO_EXCLUSIVEADDRUSE}, as listeners are: Windows has
     * no {@code SO_REUSEPORT}, so {@code reusePort} alone changes nothing and a second bind of the
     * port fails (a {@link java.net.BindException}). An unconnected socket has
     * {@code SIO_UDP_CONNRESET} off, or one peer's ICMP port unreachable would fail the socket's next
     * receive whoever it is from; a connected one keeps it, to report the peer's port unreachable.
     */
    long openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options) throws IOException {
        int family = WinSockAddrs.CODEC.family(local);
        long s = WSASocketW(state, family, SOCK_DGRAM, IPPROTO_UDP, MemorySegment.NULL, 0,
                WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == INVALID_SOCKET) {
            throw lastError("socket");
        }
        try {
            setIntOption(s, SOL_SOCKET, options.reuseAddress() ? SO_REUSEADDR : SO_EXCLUSIVEADDRUSE, 1);
            if (options.sendBufferSize() > 0) {
                setIntOption(s, SOL_SOCKET, SO_SNDBUF, options.sendBufferSize());
            }
            if (options.receiveBufferSize() > 0) {
                setIntOption(s, SOL_SOCKET, SO_RCVBUF, options.receiveBufferSize());
            }
            if (options.broadcast()) {
                setIntOption(s, SOL_SOCKET, SO_BROADCAST, 1);
            }
            if (family == AF_INET6) {
                // Windows makes IPv6 sockets IPv6-only by default; the option says either way.
                setIntOption(s, IPPROTO_IPV6, IPV6_V6ONLY, options.ipv6Only() ? 1 : 0);
                setIntOption(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, options.multicastTtl());
                setIntOption(s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, options.multicastLoopback() ? 1 : 0);
                if (options.multicastInterface() != null) {
                    setIntOption(s, IPPROTO_IPV6, IPV6_MULTICAST_IF, options.multicastInterface().getIndex());
                }
            }
            if (family == AF_INET) {
                ipv4MulticastOptions(s, options);
            } else if (!options.ipv6Only()) {
                // A dual-stack socket sends to IPv4 groups too. Windows takes IPPROTO_IP options on
                // it (proven under Wine for IP_ADD_MEMBERSHIP); should one be refused, the socket
                // still works with the system's IPv4 multicast defaults.
                try {
                    ipv4MulticastOptions(s, options);
                } catch (IOException ignored) {
                    // best effort, as said
                }
            }
            int len = WinSockAddrs.CODEC.encode(local, sockaddr);
            if (bind(state, s, sockaddr, len) == SOCKET_ERROR) {
                throw lastError("bind");
            }
            if (remote != null) {
                len = WinSockAddrs.encodeFor(family, remote, sockaddr);
                if (connect(state, s, sockaddr, len) == SOCKET_ERROR) {
                    throw lastError("connect");
                }
            } else {
                intValue.set(JAVA_INT, 0, 0); // BOOL FALSE
                if (WSAIoctl(state, s, SIO_UDP_CONNRESET, intValue, 4, MemorySegment.NULL, 0, length,
                        MemorySegment.NULL, MemorySegment.NULL) == SOCKET_ERROR) {
                    throw lastError("WSAIoctl(SIO_UDP_CONNRESET)");
                }
            }
            return s;
        } catch (IOException | RuntimeException e) {
            close(s);
            throw e;
        }
    }

    private void ipv4MulticastOptions(long s, UdpOptions options) throws IOException {
        setIntOption(s, IPPROTO_IP, IP_MULTICAST_TTL, options.multicastTtl());
        setIntOption(s, IPPROTO_IP, IP_MULTICAST_LOOP, options.multicastLoopback() ? 1 : 0);
        if (options.multicastInterface() != null) {
            // An IN_ADDR: the interface's address, or 0.0.0.index (Vista on).
            intValue.set(IN_ADDR_T, 0, interfaceAddress(options.multicastInterface()));
            if (setsockopt(state, s, IPPROTO_IP, IP_MULTICAST_IF, intValue, 4) == SOCKET_ERROR) {
                throw lastError("setsockopt(IP_MULTICAST_IF)");
            }
        }
    }

    /**
     * Joins or leaves {@code group} on {@code networkInterface}: {@code IP_ADD_MEMBERSHIP} and
     * {@code IP_DROP_MEMBERSHIP} for an IPv4 group (on an IPv4 or a dual-stack socket),
     * {@code IPV6_ADD_MEMBERSHIP}/{@code IPV6_DROP_MEMBERSHIP} for an IPv6 one.
     */
    void membership(long s, boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException {
        int rc;
        if (group instanceof Inet4Address) {
            mreq.set(IN_ADDR_T, IP_MREQ_IMR_MULTIADDR_OFFSET, ipv4(group));
            mreq.set(IN_ADDR_T, IP_MREQ_IMR_INTERFACE_OFFSET, interfaceAddress(networkInterface));
            rc = setsockopt(state, s, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, mreq, (int) IP_MREQ.byteSize());
        } else {
            MemorySegment.copy(group.getAddress(), 0, mreq, JAVA_BYTE, IPV6_MREQ_IPV6MR_MULTIADDR_OFFSET, 16);
            mreq.set(JAVA_INT, IPV6_MREQ_IPV6MR_INTERFACE_OFFSET, networkInterface.getIndex());
            rc = setsockopt(state, s, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, mreq, (int) IPV6_MREQ.byteSize());
        }
        if (rc == SOCKET_ERROR) {
            throw lastError((join ? "join " : "leave ") + group.getHostAddress() + " on " + networkInterface.getName());
        }
    }

    private static int ipv4(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The interface's first IPv4 address, or, where it has none, its index in the 0.0.0.x form Winsock takes instead. */
    private static int interfaceAddress(NetworkInterface ni) {
        for (Enumeration<InetAddress> e = ni.getInetAddresses(); e.hasMoreElements(); ) {
            InetAddress a = e.nextElement();
            if (a instanceof Inet4Address) {
                return ipv4(a);
            }
        }
        return ni.getIndex();
    }

    /** Closes a socket; never throws. */
    void close(long s) {
        closesocket(state, s);
    }
}
