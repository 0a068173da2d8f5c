package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.WSABUF;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.internal.net.SockAddrCodec;
import io.netloop.internal.readiness.DatagramSocketOps;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * What the Winsock readiness pollers ({@code eventselect}, {@code winsock-select},
 * {@code asyncselect}) share: the loop's scratch memory, and the points where {@link WinSocket},
 * {@link WinStreamSocket} and {@link WinListenSocket} differ between the models, which each poller
 * supplies. Loop thread only, except where a poller says otherwise.
 *
 * @param <S> the model's own record of one socket, made with the socket
 */
abstract class WinReadinessPoller<S> implements ReadinessPoller {
    /** As many as the readiness core gathers per write. */
    static final int MAX_GATHER = StreamSocket.MAX_GATHER;

    /**
     * Loop-thread scratch: call state, addresses, the WSABUF array of writes, and whatever the
     * poller adds. Lives as long as the poller: its {@code close()} closes it.
     */
    final Arena arena = Arena.ofConfined();
    final WinSocketCalls sockets;
    /** {@link #MAX_GATHER} WSABUFs, for writes. */
    final MemorySegment wsabufs;
    /** Where a send leaves how much it sent (and a datagram receive how much it received). */
    final MemorySegment sent;
    /** A datagram receive's flags DWORD. */
    final MemorySegment receiveFlags;
    /** A datagram receive's sender length, {@code INT}: the room in {@code sockets.sockaddr} in, the sender's length out. */
    final MemorySegment fromLength;
    /**
     * Whether a write goes on sending until the socket would block. The event models need it:
     * only a send that fails with WSAEWOULDBLOCK re-enables FD_WRITE, so a short send must be
     * followed by another. Under select, level-triggered, one send per WRITE is enough.
     */
    final boolean sendsUntilWouldBlock;

    /** Makes a new socket's record, once per socket. */
    private final Supplier<S> newState;

    WinReadinessPoller(boolean sendsUntilWouldBlock, Supplier<S> newState) {
        this.sockets = new WinSocketCalls(arena);
        this.wsabufs = arena.allocate(WSABUF.byteSize() * MAX_GATHER, 8);
        this.sent = arena.allocate(JAVA_INT);
        this.receiveFlags = arena.allocate(JAVA_INT);
        this.fromLength = arena.allocate(JAVA_INT);
        this.sendsUntilWouldBlock = sendsUntilWouldBlock;
        this.newState = newState;
    }

    /**
     * Winsock posts FD_READ and FD_ACCEPT again after each {@code recv} or {@code accept} while more
     * is there, and select is level-triggered.
     */
    @Override
    public boolean edgeTriggered() {
        return false;
    }

    @Override
    public boolean supportsReusePort() {
        return false;
    }

    @Override
    public ListenSocket listen(SocketAddress local, SocketOptions options, boolean reusePort) throws IOException {
        long s = sockets.listenNonBlocking(local, options);
        return new WinListenSocket<>(this, s, sockets.socketName(s, false), SockAddrCodec.isUnix(local));
    }

    /**
     * Windows 10 1803 and later: {@code AF_UNIX} stream sockets are Winsock sockets like any other
     * to {@code select}, {@code WSAEventSelect} and {@code WSAAsyncSelect}; paths only.
     */
    @Override
    public int maxUnixPathBytes() {
        return WinSockAddrs.CODEC.maxUnixPathBytes();
    }

    /**
     * A non-blocking UDP socket ({@link WinSocketCalls#openUdp}: options, bind, connect,
     * {@code SIO_UDP_CONNRESET}), one datagram per call; the same for the three models, which
     * select it when the core registers it.
     */
    @Override
    public DatagramSocketOps openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options) throws IOException {
        long s = sockets.openUdp(local, remote, options);
        try {
            sockets.nonBlocking(s);
            return new WinDatagramSocket<>(this, s, WinSockAddrs.CODEC.family(local), remote, options.maxDatagramSize());
        } catch (IOException | RuntimeException e) {
            sockets.close(s);
            throw e;
        }
    }

    /**
     * A new non-blocking socket whose connect to {@code remote} is under way (or done); closed again
     * if a step fails. For the models that select a socket only when the core registers it.
     */
    final WinStreamSocket<S> startConnect(SocketAddress remote, SocketOptions options) throws IOException {
        long s = sockets.configureOrClose(sockets.newSocket(WinSockAddrs.CODEC.family(remote)), options, SockAddrCodec.isUnix(remote));
        try {
            sockets.nonBlocking(s);
            sockets.startConnect(s, remote);
            return new WinStreamSocket<>(this, s);
        } catch (IOException | RuntimeException e) {
            sockets.close(s);
            throw e;
        }
    }

    /** The handle stays; the socket is rebuilt around this loop's poller (its scratch memory, asyncselect's window). */
    @Override
    public StreamSocket adopt(StreamSocket accepted) {
        return new WinStreamSocket<>(this, ((WinStreamSocket<?>) accepted).handle);
    }

    /** {@code pollable} as this model's socket. */
    @SuppressWarnings("unchecked") // every socket handed to a poller was made by a poller of its model
    final WinSocket<S> socket(PollableSocket pollable) {
        return (WinSocket<S>) pollable;
    }

    /** A new socket's record, made once per socket. */
    final S newState() {
        return newState.get();
    }

    /** {@link WinStreamSocket#finishConnect()}: each model learns the outcome of a connect its own way. */
    abstract boolean finishConnect(WinStreamSocket<S> socket) throws IOException;

    /**
     * Makes a handle just accepted from a listener of this model ready to be a socket of it (what
     * it inherited from the listener), and not inheritable by child processes; closes it and
     * throws if that fails.
     */
    abstract void prepareAccepted(long child) throws IOException;

    /** {@link WinSocket#close()}, once: stops watching the socket and closes its handle when the model allows. */
    abstract void closeSocket(WinSocket<S> socket);
}
