package io.netloop.internal.readiness;

import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What a readiness backend (epoll, NIO's Selector, WSAEventSelect) supplies to the readiness core:
 * a poller and its sockets. Loop thread only, except {@link #wakeup()}.
 *
 * <p>Ready-operation bits are this interface's own; each backend maps its native flags to them.
 * {@link #READ_HANGUP} is only a hint that end of input is queued behind any data: the core still
 * reads until the socket reports end of input.
 */
public interface ReadinessPoller {
    int READ = 1;
    int WRITE = 2;
    int READ_HANGUP = 4;
    int HANGUP = 8;
    int ERROR = 16;

    /** Whether readiness is reported once per change (epoll-et) rather than while it lasts. */
    boolean edgeTriggered();

    /** Whether {@link #listen} can open several sockets on one port ({@code SO_REUSEPORT}). */
    boolean supportsReusePort();

    /** Starts watching {@code socket} for {@code interest} ({@link #READ} and/or {@link #WRITE}). */
    void register(PollableSocket socket, ReadyHandler handler, int interest) throws IOException;

    /** Changes the interest of a registered socket. */
    void setInterest(PollableSocket socket, int interest) throws IOException;

    /** Stops watching {@code socket}; no further events reach its handler. */
    void deregister(PollableSocket socket);

    /**
     * Waits at most {@code timeoutNanos} (0: no wait; negative: until woken) and calls each ready
     * handler; reports the OS wait to {@code waits} ({@code beforeWait}, then {@code afterWait}
     * with the events it returned, before dispatching them).
     */
    void poll(long timeoutNanos, WaitRecorder waits) throws IOException;

    /** Any thread. */
    void wakeup();

    void close();

    /** See {@link io.netloop.spi.IoDriver#maxUnixPathBytes()}; 0 where this poller opens no Unix-domain sockets. */
    default int maxUnixPathBytes() {
        return 0;
    }

    /** See {@link io.netloop.spi.IoDriver#supportsAbstractUnixAddresses()}. */
    default boolean supportsAbstractUnixAddresses() {
        return false;
    }

    /** Opens, binds and listens, non-blocking; a Unix-domain address gets an {@code AF_UNIX} socket without TCP options. */
    ListenSocket listen(SocketAddress local, SocketOptions options, boolean reusePort) throws IOException;

    /** Opens a non-blocking socket and starts connecting; {@link StreamSocket#finishConnect()} completes it. */
    StreamSocket connect(SocketAddress remote, SocketOptions options) throws IOException;

    /**
     * Loop thread of this poller: takes over a connection that another loop's {@link ListenSocket}
     * accepted, and returns the socket this loop will use for it (same descriptor or channel).
     *
     * <p>A listener that is not per-loop accepts on one loop and hands connections round robin to
     * the others. Sockets may use their poller's per-loop scratch memory (errno state, iovec or
     * gather arrays), so the accepting loop's socket must not be used on the receiving loop: a
     * poller whose sockets hold such state overrides this to rebuild the socket around itself.
     * The default returns {@code accepted} unchanged, which is right only for sockets that hold
     * nothing of their poller.
     */
    default StreamSocket adopt(StreamSocket accepted) throws IOException {
        return accepted;
    }

    /**
     * Opens a non-blocking UDP socket of {@code local}'s family (an IPv6 one dual-stack unless
     * {@link UdpOptions#ipv6Only()}), applies {@code options} (reuse, buffer sizes, broadcast,
     * multicast TTL, loopback and interface), binds it to {@code local} and, when {@code remote} is
     * given, connects it. The core registers it with this poller for reading.
     *
     * <p>A backend that has no batch calls implements {@link DatagramSocketOps} one datagram per
     * call; the default says this poller has no UDP at all.
     *
     * @throws java.net.BindException when the address is in use or not available
     */
    default DatagramSocketOps openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options)
            throws IOException {
        throw new java.net.SocketException("UDP is not supported by the " + getClass().getSimpleName() + " poller");
    }
}
