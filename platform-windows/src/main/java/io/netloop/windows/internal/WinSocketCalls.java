package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netloop.SocketOptions;
import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.buffer.Chunk;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.spi.IoErrors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

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

    WinSocketCalls(Arena arena) {
        this.state = WinErrors.allocateCallState(arena);
        this.sockaddr = arena.allocate(SOCKADDR_STORAGE);
        this.length = arena.allocate(JAVA_INT);
        this.intValue = arena.allocate(JAVA_INT);
        this.longValue = arena.allocate(JAVA_LONG);
        this.linger = arena.allocate(LINGER);
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

    /** Closes a socket; never throws. */
    void close(long s) {
        closesocket(state, s);
    }
}
