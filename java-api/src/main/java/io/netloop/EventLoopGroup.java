package io.netloop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A group of event loops (threads) on one backend: the entry point of netloop.
 *
 * <pre>{@code
 * try (EventLoopGroup group = EventLoopGroup.builder().threads(2).build()) {
 *     Listener server = group.listen(new InetSocketAddress("127.0.0.1", 7007), Echo::new);
 *     Connection c = group.connect(server.localAddress(), new Printer()).join();
 *     c.write("hello".getBytes(StandardCharsets.US_ASCII));
 *     group.shutdownGracefully(Duration.ofSeconds(5)).join();
 * }
 * }</pre>
 *
 * <p>The backend is the builder's, else the one named by the system property
 * {@code netloop.backend}, else the best available for this operating system, else {@code nio}.
 * See {@link Backends} for the ids.
 *
 * <h2 id="portability">Portability</h2>
 * Guaranteed on every backend: the callbacks and their order ({@link ConnectionHandler}), write
 * ordering and watermarks, half-close, graceful and abortive close, timers, tasks, IPv4 and IPv6,
 * and the exception types. Not guaranteed: how many bytes each {@code onData} carries (TCP is a
 * stream), whether {@link SocketOptions#reusePort()} opens one socket per loop (Linux native
 * backends do; others share one accepting socket), and the native code inside a
 * {@link NativeIOException} (it is the operating system's own).
 *
 * <h2 id="unix">Unix-domain sockets</h2>
 * {@link #listen} and {@link #connect} take a {@link java.net.UnixDomainSocketAddress} (a path)
 * or an {@link AbstractUnixAddress} (Linux's abstract namespace) as they take an
 * {@link java.net.InetSocketAddress}, with the same handlers, so one server may listen on both.
 * The path must fit {@code sun_path} (107 bytes and its NUL on Linux and Windows; one byte less on
 * {@code nio}, whose JDK channels keep one spare), checked before
 * any system call. A listener removes the socket file it bound when it closes; a file already at
 * the path (a stale socket of a process that died, too) fails the listen with a
 * {@link java.net.BindException} and is left alone. The TCP options ({@link SocketOptions#tcpNoDelay()},
 * {@link SocketOptions#keepAlive()}, {@link SocketOptions#reusePort()}) are not applied to
 * Unix-domain sockets. {@link Connection#peerCredentials()} says who the peer is where the
 * operating system tells. Supported by every Linux backend (abstract names and peer credentials
 * on the native ones, not on {@code nio}) and, on Windows 10 1803 and later, by the readiness
 * backends ({@code eventselect}, {@code winsock-select}, {@code asyncselect}, {@code nio}); the
 * completion backends on Windows refuse them with an {@link IOException} that says so.
 */
public abstract class EventLoopGroup implements AutoCloseable {

    /** For netloop's own implementation; a group is obtained from {@link #builder()} or {@link #create()}. */
    protected EventLoopGroup() {
    }

    /**
     * A group with the defaults of {@link Builder}.
     *
     * @return a started group; close it, or shut it down, to end its threads
     * @throws IllegalArgumentException when the system property {@code netloop.backend} names an
     *         unknown backend
     * @throws IllegalStateException    when the chosen backend cannot run here
     * @throws UncheckedIOException     when the backend fails to start
     */
    public static EventLoopGroup create() {
        return builder().build();
    }

    /**
     * A builder with every default stated on its setters.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The id of the backend this group runs on.
     *
     * @return the id, such as {@code "epoll-et"}; one of {@link Backends#ids()}
     */
    public abstract String backendId();

    /**
     * The group's loops, in a fixed order.
     *
     * @return an immutable list of {@linkplain Builder#threads(int) threads} loops
     */
    public abstract List<EventLoop> loops();

    /**
     * The next loop, round robin; thread-safe. {@link #connect} places connections the same way.
     *
     * @return one of {@link #loops()}
     */
    public abstract EventLoop next();

    /**
     * The group's counters and gauges: each the sum over its loops ({@link EventLoop#metrics()} has
     * each loop's own). Read from any thread without locks.
     *
     * <pre>{@code
     * LoopMetrics m = group.metrics();
     * System.out.println(m.openConnections() + " connections, " + m.pendingWriteBytes() + " bytes queued");
     * }</pre>
     *
     * @return a live view of the group's metrics
     */
    public abstract LoopMetrics metrics();

    /**
     * {@link #listen(SocketAddress, SocketOptions, Supplier)} with the
     * {@linkplain SocketOptions#defaults() default options}.
     *
     * @param local    an {@link java.net.InetSocketAddress}, resolved (port 0 picks a free port); or a
     *                 {@link java.net.UnixDomainSocketAddress} or {@link AbstractUnixAddress}
     * @param handlers called once per accepted connection, on the loop that serves it
     * @return the listening socket(s)
     * @throws IOException a {@link java.net.BindException} when the address is in use or cannot be
     *         assigned (for a Unix-domain path: a file exists there, a stale socket file too, which
     *         is never removed for you), or another I/O error from the operating system
     */
    public Listener listen(SocketAddress local, Supplier<? extends ConnectionHandler> handlers) throws IOException {
        return listen(local, SocketOptions.defaults(), handlers);
    }

    /**
     * Listens on {@code local}; each accepted connection gets a new handler from {@code handlers}.
     * Blocks until the socket is bound: call {@link #listenAsync} from a loop thread.
     *
     * @param local    an {@link java.net.InetSocketAddress}, resolved (port 0 picks a free port); or a
     *                 {@link java.net.UnixDomainSocketAddress} or {@link AbstractUnixAddress}
     * @param options  socket options of the listening socket and the accepted connections
     * @param handlers called once per accepted connection, on the loop that serves it
     * @return the listening socket(s)
     * @throws IOException a {@link java.net.BindException} when the address is in use or cannot be
     *         assigned (for a Unix-domain path: a file exists there, a stale socket file too, which
     *         is never removed for you), or another I/O error from the operating system
     * @throws IllegalArgumentException when {@code local} is not one of those address types, is
     *         unresolved, or is a Unix-domain path or name longer than this backend's {@code sun_path}
     *         takes, or an abstract name where this backend has none
     * @throws IllegalStateException when called on one of this group's loop threads
     * @throws java.util.concurrent.RejectedExecutionException when the group is shutting down
     */
    public abstract Listener listen(SocketAddress local, SocketOptions options, Supplier<? extends ConnectionHandler> handlers)
            throws IOException;

    /**
     * Like {@link #listen(SocketAddress, SocketOptions, Supplier)}, completing a future instead of blocking.
     *
     * @param local    an {@link java.net.InetSocketAddress}, resolved (port 0 picks a free port); or a
     *                 {@link java.net.UnixDomainSocketAddress} or {@link AbstractUnixAddress}
     * @param options  socket options of the listening socket and the accepted connections
     * @param handlers called once per accepted connection, on the loop that serves it
     * @return completed with the listener, or exceptionally with the bind error (or a
     *         {@link java.util.concurrent.RejectedExecutionException} when the group is shutting down)
     * @throws IllegalArgumentException when {@code local} is not one of those address types, is
     *         unresolved, or is a Unix-domain path or name longer than this backend's {@code sun_path}
     *         takes, or an abstract name where this backend has none
     */
    public abstract CompletableFuture<Listener> listenAsync(SocketAddress local, SocketOptions options,
                                                            Supplier<? extends ConnectionHandler> handlers);

    /**
     * {@link #connect(SocketAddress, SocketOptions, ConnectionHandler)} with the
     * {@linkplain SocketOptions#defaults() default options}.
     *
     * @param remote  an {@link java.net.InetSocketAddress}, resolved; or a
     *                {@link java.net.UnixDomainSocketAddress} or {@link AbstractUnixAddress}
     * @param handler the connection's callbacks
     * @return completed with the open connection after {@code onOpen}, or exceptionally
     */
    public CompletableFuture<Connection> connect(SocketAddress remote, ConnectionHandler handler) {
        return connect(remote, SocketOptions.defaults(), handler);
    }

    /**
     * Connects to {@code remote} on the next loop. The future completes after
     * {@link ConnectionHandler#onOpen}, on the loop thread, or fails with a
     * {@link java.net.ConnectException} (refused), a {@link java.net.SocketTimeoutException}
     * (connect timeout) or another {@link IOException}; on failure no callback of {@code handler} runs.
     * A Unix-domain path with no socket file, or with one nobody listens on, fails with a
     * {@link java.net.ConnectException} on every backend.
     *
     * @param remote  an {@link java.net.InetSocketAddress}, resolved; or a
     *                {@link java.net.UnixDomainSocketAddress} or {@link AbstractUnixAddress}
     * @param options socket options of the connection
     * @param handler the connection's callbacks
     * @return completed with the open connection (or exceptionally with a
     *         {@link java.util.concurrent.RejectedExecutionException} when the group is shutting down)
     * @throws IllegalArgumentException when {@code remote} is not one of those address types, is
     *         unresolved, or is a Unix-domain path or name longer than this backend's {@code sun_path}
     *         takes, or an abstract name where this backend has none
     */
    public abstract CompletableFuture<Connection> connect(SocketAddress remote, SocketOptions options, ConnectionHandler handler);

    /**
     * Opens a UDP socket bound to {@code local} on the next loop. The future completes after
     * {@link UdpHandler#onOpen}, on the loop thread, or fails with a {@link java.net.BindException}
     * (address in use or not available) or another {@link IOException}; on failure no callback of
     * {@code handler} runs. With {@link UdpOptions#reusePort()}, call it once per loop to give each
     * loop its own socket on one port (Linux spreads datagrams over them by sender).
     *
     * <pre>{@code
     * UdpSocket s = group.bindUdp(new InetSocketAddress("::", 5353), UdpOptions.defaults(), handler).join();
     * }</pre>
     *
     * @param local   an {@link java.net.InetSocketAddress}, resolved; port 0 picks a free port; an IPv6
     *                address is dual-stack unless {@link UdpOptions#ipv6Only()}
     * @param options the socket's options
     * @param handler the socket's callbacks
     * @return completed with the open socket (or exceptionally with a
     *         {@link java.util.concurrent.RejectedExecutionException} when the group is shutting down)
     * @throws IllegalArgumentException when {@code local} is not an {@code InetSocketAddress} or is unresolved
     */
    public abstract CompletableFuture<UdpSocket> bindUdp(SocketAddress local, UdpOptions options, UdpHandler handler);

    /**
     * Opens a UDP socket connected to {@code remote} on the next loop, bound to the wildcard address
     * of {@code remote}'s family and a free port: it sends to and receives from {@code remote} only,
     * and learns of the peer's port being unreachable ({@link UdpHandler#onError} with a
     * {@link java.net.PortUnreachableException}).
     *
     * @param remote  an {@link java.net.InetSocketAddress}, resolved
     * @param options the socket's options
     * @param handler the socket's callbacks
     * @return completed with the open socket after {@link UdpHandler#onOpen}, or exceptionally
     * @throws IllegalArgumentException when {@code remote} is not an {@code InetSocketAddress} or is unresolved
     */
    public abstract CompletableFuture<UdpSocket> connectUdp(SocketAddress remote, UdpOptions options, UdpHandler handler);

    /**
     * Shuts down gracefully: listeners stop, every connection closes after sending what is queued,
     * then the loops end. Connections still open at the deadline are aborted. Idempotent; a later
     * call may only bring the deadline forward. Does not block: join the returned future to wait.
     *
     * @param timeout how long connections may take to flush and close; zero aborts them at once
     * @return {@link #terminationFuture()}
     */
    public abstract CompletableFuture<Void> shutdownGracefully(Duration timeout);

    /**
     * Completes when every loop has ended.
     *
     * @return a future completed with {@code null} once every loop thread has closed its connections
     *         and driver; never completed exceptionally
     */
    public abstract CompletableFuture<Void> terminationFuture();

    /**
     * Whether {@link #shutdownGracefully} or {@link #close()} has been called.
     *
     * @return {@code true} from the first of those calls on; new listens and connects then fail
     */
    public abstract boolean isShuttingDown();

    /**
     * Native bytes the loops still had lent out when they ended: 0 after a clean shutdown. A
     * non-zero value is a netloop bug and is also logged.
     *
     * @return the sum over the loops that have ended; meaningful once {@link #terminationFuture()}
     *         has completed
     */
    public abstract long leakedNativeBytes();

    /**
     * Forced close: aborts every connection and ends the loops, waiting for them unless called
     * from one of them. Use {@link #shutdownGracefully} to flush queued output first.
     */
    @Override
    public abstract void close();

    /**
     * Builds an {@link EventLoopGroup}; every setter states its default. Not thread-safe; each
     * {@link #build()} starts a new group.
     *
     * <pre>{@code
     * EventLoopGroup group = EventLoopGroup.builder().backend("nio").threads(1).daemon(true).build();
     * }</pre>
     */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private String backendId;
        private int readBufferSize = 64 * 1024;
        private boolean daemon;

        private Builder() {
        }

        /**
         * Number of loops (threads); default: the number of available processors.
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code threads} is less than 1
         */
        public Builder threads(int threads) {
            if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            this.threads = threads;
            return this;
        }

        /**
         * Backend id, such as {@code "epoll-et"} or {@code "nio"}; default {@code null}: the system
         * property {@code netloop.backend}, else the best available backend.
         *
         * @param id one of {@link Backends#ids()}, or {@code null} to choose automatically; checked
         *           by {@link #build()}
         * @return this builder
         */
        public Builder backend(String id) {
            this.backendId = id;
            return this;
        }

        /**
         * Bytes read per read call, the most one {@code onData} carries; default 64 KiB.
         *
         * @param bytes at least 64
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is less than 64
         */
        public Builder readBufferSize(int bytes) {
            if (bytes < 64) throw new IllegalArgumentException("readBufferSize must be at least 64, was " + bytes);
            this.readBufferSize = bytes;
            return this;
        }

        /**
         * Whether loop threads are daemon threads; default {@code false}, so a running server keeps
         * the JVM alive.
         *
         * @param daemon {@code true} to let the JVM exit while the loops run
         * @return this builder
         */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Chooses the backend, starts the loop threads and waits until each has created its driver.
         *
         * @return a started group
         * @throws IllegalArgumentException for an unknown backend id
         * @throws IllegalStateException    when the backend cannot run here (the message says why)
         * @throws UncheckedIOException     when the backend fails to start
         */
        public EventLoopGroup build() {
            return Implementation.newGroup(backendId, threads, readBufferSize, daemon);
        }
    }
}
