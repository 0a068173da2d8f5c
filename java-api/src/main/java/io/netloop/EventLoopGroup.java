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
 * <h2>Portability</h2>
 * Guaranteed on every backend: the callbacks and their order ({@link ConnectionHandler}), write
 * ordering and watermarks, half-close, graceful and abortive close, timers, tasks, IPv4 and IPv6,
 * and the exception types. Not guaranteed: how many bytes each {@code onData} carries (TCP is a
 * stream), whether {@link SocketOptions#reusePort()} opens one socket per loop (Linux native
 * backends do; others share one accepting socket), and the native code inside a
 * {@link NativeIOException} (it is the operating system's own).
 */
public abstract class EventLoopGroup implements AutoCloseable {

    /** For netloop's own implementation; a group is obtained from {@link #builder()} or {@link #create()}. */
    protected EventLoopGroup() {
    }

    /** A group with the defaults of {@link Builder}. */
    public static EventLoopGroup create() {
        return builder().build();
    }

    /** A builder with every default stated on its setters. */
    public static Builder builder() {
        return new Builder();
    }

    /** The id of the backend this group runs on, such as {@code "epoll-et"}. */
    public abstract String backendId();

    /** The group's loops, in a fixed order. */
    public abstract List<EventLoop> loops();

    /** The next loop, round robin. */
    public abstract EventLoop next();

    /** {@link #listen(SocketAddress, SocketOptions, Supplier)} with the default options. */
    public Listener listen(SocketAddress local, Supplier<? extends ConnectionHandler> handlers) throws IOException {
        return listen(local, SocketOptions.defaults(), handlers);
    }

    /**
     * Listens on {@code local}; each accepted connection gets a new handler from {@code handlers}.
     * Blocks until the socket is bound: call {@link #listenAsync} from a loop thread.
     *
     * @param local    an {@link java.net.InetSocketAddress}, resolved; port 0 picks a free port
     * @param options  socket options of the listening socket and the accepted connections
     * @param handlers called once per accepted connection, on the loop that serves it
     * @return the listening socket(s)
     * @throws IOException a {@link java.net.BindException} when the address is in use or cannot be
     *         assigned, or another I/O error from the operating system
     */
    public abstract Listener listen(SocketAddress local, SocketOptions options, Supplier<? extends ConnectionHandler> handlers)
            throws IOException;

    /**
     * Like {@link #listen(SocketAddress, SocketOptions, Supplier)}, completing a future instead of blocking.
     *
     * @param local    an {@link java.net.InetSocketAddress}, resolved
     * @param options  socket options
     * @param handlers called once per accepted connection
     * @return completed with the listener, or exceptionally with the bind error
     */
    public abstract CompletableFuture<Listener> listenAsync(SocketAddress local, SocketOptions options,
                                                            Supplier<? extends ConnectionHandler> handlers);

    /** {@link #connect(SocketAddress, SocketOptions, ConnectionHandler)} with the default options. */
    public CompletableFuture<Connection> connect(SocketAddress remote, ConnectionHandler handler) {
        return connect(remote, SocketOptions.defaults(), handler);
    }

    /**
     * Connects to {@code remote} on the next loop. The future completes after
     * {@link ConnectionHandler#onOpen}, on the loop thread, or fails with a
     * {@link java.net.ConnectException} (refused), a {@link java.net.SocketTimeoutException}
     * (connect timeout) or another {@link IOException}; on failure no callback of {@code handler} runs.
     *
     * @param remote  an {@link java.net.InetSocketAddress}, resolved
     * @param options socket options of the connection
     * @param handler the connection's callbacks
     * @return completed with the open connection
     */
    public abstract CompletableFuture<Connection> connect(SocketAddress remote, SocketOptions options, ConnectionHandler handler);

    /**
     * Shuts down gracefully: listeners stop, every connection closes after sending what is queued,
     * then the loops end. Connections still open at the deadline are aborted. Idempotent.
     *
     * @param timeout how long connections may take to flush and close
     * @return {@link #terminationFuture()}
     */
    public abstract CompletableFuture<Void> shutdownGracefully(Duration timeout);

    /** Completes when every loop has ended. */
    public abstract CompletableFuture<Void> terminationFuture();

    /** Whether {@link #shutdownGracefully} or {@link #close()} has been called. */
    public abstract boolean isShuttingDown();

    /**
     * Native bytes the loops still had lent out when they ended: 0 after a clean shutdown. A
     * non-zero value is a netloop bug and is also logged.
     */
    public abstract long leakedNativeBytes();

    /**
     * Forced close: aborts every connection and ends the loops, waiting for them unless called
     * from one of them. Use {@link #shutdownGracefully} to flush queued output first.
     */
    @Override
    public abstract void close();

    /** Builds an {@link EventLoopGroup}; every setter states its default. */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private String backendId;
        private int readBufferSize = 64 * 1024;
        private boolean daemon;

        private Builder() {
        }

        /** Number of loops (threads); default: the number of available processors. */
        public Builder threads(int threads) {
            if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            this.threads = threads;
            return this;
        }

        /**
         * Backend id, such as {@code "epoll-et"} or {@code "nio"}; default {@code null}: the system
         * property {@code netloop.backend}, else the best available backend.
         */
        public Builder backend(String id) {
            this.backendId = id;
            return this;
        }

        /** Bytes read per read call, the most one {@code onData} carries; default 64 KiB. */
        public Builder readBufferSize(int bytes) {
            if (bytes < 64) throw new IllegalArgumentException("readBufferSize must be at least 64, was " + bytes);
            this.readBufferSize = bytes;
            return this;
        }

        /** Whether loop threads are daemon threads; default {@code false}, so a running server keeps the JVM alive. */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * @throws IllegalArgumentException for an unknown backend id
         * @throws IllegalStateException    when the backend cannot run here (the message says why)
         * @throws UncheckedIOException     when the backend fails to start
         */
        public EventLoopGroup build() {
            return Implementation.newGroup(backendId, threads, readBufferSize, daemon);
        }
    }
}
