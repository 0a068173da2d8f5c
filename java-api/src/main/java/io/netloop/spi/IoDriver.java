package io.netloop.spi;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.SocketOptions;
import io.netloop.UdpHandler;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One event loop's I/O: the part of the loop a backend supplies (see the package contract).
 * Every method runs on the loop thread except {@link #wakeup()}.
 *
 * <pre>{@code
 * // What the generic loop does with it, in essence:
 * while (running) {
 *     driver.poll(timeout);   // 0 with tasks queued, else until the next timer; -1 with no timer
 *     runExpiredTimers();
 *     runTasks();
 *     driver.afterTasks();
 * }
 * }</pre>
 */
public interface IoDriver {

    /**
     * Waits for I/O and dispatches every event that is ready or completed to its connection's
     * callbacks. Returns early, without waiting, when the driver still has work it can do at once.
     *
     * @param timeoutNanos the longest wait: 0 not to wait, negative to wait until I/O or a
     *                     {@link #wakeup()}
     * @throws IOException when waiting itself fails (not a connection's error, which goes to that
     *         connection); the loop logs it and polls again
     */
    void poll(long timeoutNanos) throws IOException;

    /** Any thread: makes the current or next blocking {@link #poll} return promptly. */
    void wakeup();

    /** Sends what tasks run since the last poll have written. */
    void afterTasks();

    /**
     * Whether {@link #listen} with {@code perLoop} gives each loop its own socket on the same port
     * ({@code SO_REUSEPORT} with the kernel spreading connections).
     *
     * @return a constant; when {@code false}, the group binds one socket that hands connections round
     *         robin even if {@link SocketOptions#reusePort()} is set
     */
    boolean supportsReusePort();

    /**
     * Opens a listening socket served by this loop. Accepted connections are handed to the loop
     * {@link DriverContext#nextForAccept()} names, or kept on this loop when {@code perLoop}.
     *
     * @param local    the resolved address to bind (port 0 picks a free port), or a Unix-domain
     *                 address ({@link java.net.UnixDomainSocketAddress}, {@link io.netloop.AbstractUnixAddress})
     *                 the group checked against {@link #maxUnixPathBytes()} and
     *                 {@link #supportsAbstractUnixAddresses()}; TCP options are not applied to a Unix-domain socket
     * @param options  options of the listening socket and of every connection accepted from it
     * @param perLoop  {@code true} when every loop of the group binds its own socket to the same
     *                 address ({@code SO_REUSEPORT}); only asked for when {@link #supportsReusePort()},
     *                 never for a Unix-domain address
     * @param handlers called on the loop that takes each accepted connection, once per connection
     * @return the handle the group closes the socket with (the group, not the driver, removes a
     *         Unix-domain socket file once the handle is closed)
     * @throws IOException when the socket cannot be opened, bound or made to listen: a
     *         {@link java.net.BindException} for an address in use or not available here (a file at
     *         a Unix-domain path); an {@link IOException} that says so where this driver cannot open
     *         Unix-domain sockets
     */
    ListenHandle listen(SocketAddress local, SocketOptions options, boolean perLoop,
                        Supplier<? extends ConnectionHandler> handlers) throws IOException;

    /**
     * Starts connecting. Completes {@code result} with the open connection after
     * {@link ConnectionHandler#onOpen}, or exceptionally, in which case no callback of
     * {@code handler} runs. Must not throw: a failure to start completes {@code result} too.
     *
     * @param remote  the resolved address to connect to, or a Unix-domain address (checked as for {@link #listen})
     * @param options options of the new connection, including its
     *                {@linkplain SocketOptions#connectTimeout() connect timeout}
     * @param handler the new connection's callbacks
     * @param result  completed on this loop's thread; exceptionally with a
     *                {@link java.net.ConnectException}, a {@link java.net.SocketTimeoutException} or
     *                another {@link IOException}; a {@link java.net.ConnectException} also for a
     *                Unix-domain path with no socket file
     */
    void connect(SocketAddress remote, SocketOptions options, ConnectionHandler handler,
                 CompletableFuture<Connection> result);

    /**
     * Opens a UDP socket bound to {@code local} and, when {@code remote} is given, connected to it.
     * Completes {@code result} with the socket after {@link UdpHandler#onOpen}, or exceptionally, in
     * which case no callback of {@code handler} runs. Must not throw. The socket counts in
     * {@link #connectionCount()} until it is closed, and {@link #closeConnections} closes it
     * (gracefully: after its queued datagrams are sent).
     *
     * @param local   the resolved address to bind; port 0 picks a free port
     * @param remote  the resolved peer to connect to, or {@code null}
     * @param options the socket's options
     * @param handler the socket's callbacks
     * @param result  completed on this loop's thread; exceptionally with a
     *                {@link java.net.BindException} or another {@link IOException}
     */
    void openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options, UdpHandler handler,
                 CompletableFuture<UdpSocket> result);

    /**
     * Closes this loop's listening sockets and every connection of this loop: gracefully (after
     * queued output) or by abort. Connections accepted or connected after this are refused. Called
     * at shutdown, first gracefully, then with {@code abort} at the deadline and before {@link #close()}.
     *
     * @param abort {@code false} to close each connection after its queued output is sent;
     *              {@code true} to abort at once, discarding queued output
     */
    void closeConnections(boolean abort);

    /**
     * Connections of this loop not yet closed, including ones still connecting, and UDP sockets not yet closed.
     *
     * @return the count; the loop ends its graceful shutdown when it reaches 0
     */
    int connectionCount();

    /**
     * Native bytes lent out (write queues, receive buffers, buffers the kernel still holds).
     *
     * @return the bytes not yet given back; asked just before {@link #close()}, where anything but 0
     *         is reported as a leak
     */
    long outstandingNativeBytes();

    /** Releases the driver's native resources. Connections are closed before this is called. */
    void close();

    /**
     * Any thread (a constant): the most bytes a Unix-domain path or abstract name may have on this
     * driver's sockets ({@code sun_path} less its NUL: 107 on Linux and Windows); the group refuses
     * longer ones before any system call.
     *
     * @return the limit, or 0 when this driver cannot open Unix-domain sockets at all (its
     *         {@link #listen} and {@link #connect} then fail with an {@link IOException} saying so)
     */
    default int maxUnixPathBytes() {
        return 0;
    }

    /**
     * Any thread (a constant): whether {@link io.netloop.AbstractUnixAddress}es work here (Linux's
     * abstract namespace); the group refuses them where not.
     *
     * @return {@code false} by default
     */
    default boolean supportsAbstractUnixAddresses() {
        return false;
    }

    /** A listening socket owned by one driver. */
    interface ListenHandle {
        /**
         * The address the socket is bound to.
         *
         * @return the bound address, with the port the kernel picked when port 0 was asked for; a
         *         Unix-domain listener's path or abstract name
         */
        SocketAddress localAddress();

        /** Loop thread: stops accepting and closes the socket. Idempotent. */
        void close();
    }
}
