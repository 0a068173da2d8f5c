package io.netloop;

import io.netloop.internal.loop.BackendRegistry;
import io.netloop.internal.loop.EventLoopImpl;
import io.netloop.spi.Backend;
import io.netloop.spi.IoDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
public final class EventLoopGroup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoopGroup.class);
    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    private final Backend backend;
    private final EventLoopImpl[] loops;
    private final List<EventLoop> loopView;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicInteger nextAccept = new AtomicInteger();
    private final CompletableFuture<Void> terminated;
    private volatile boolean shuttingDown;

    private EventLoopGroup(Builder b) {
        this.backend = BackendRegistry.choose(b.backendId);
        int groupId = GROUP_IDS.incrementAndGet();
        this.loops = new EventLoopImpl[b.threads];
        AtomicInteger threadIndex = new AtomicInteger();
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoopImpl(this, backend, b.readBufferSize, this::nextAcceptLoop, r -> {
                Thread t = new Thread(r, "netloop-" + groupId + "-" + backend.id() + "-" + threadIndex.getAndIncrement());
                t.setDaemon(b.daemon);
                return t;
            });
        }
        this.loopView = List.of(loops);
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (EventLoopImpl loop : loops) {
            starts.add(loop.start());
        }
        CompletableFuture<?>[] terminations = new CompletableFuture<?>[loops.length];
        for (int i = 0; i < loops.length; i++) {
            terminations[i] = loops[i].terminationFuture();
        }
        this.terminated = CompletableFuture.allOf(terminations);
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            close();
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("netloop backend " + backend.id() + " failed to start: " + io.getMessage(), io);
            }
            throw new IllegalStateException("netloop backend " + backend.id() + " failed to start", cause);
        }
        log.info("netloop group {} started: backend {}, {} loop(s)", groupId, backend.id(), loops.length);
    }

    /** A group with the defaults of {@link Builder}. */
    public static EventLoopGroup create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The id of the backend this group runs on, such as {@code "epoll-et"}. */
    public String backendId() {
        return backend.id();
    }

    public List<EventLoop> loops() {
        return loopView;
    }

    /** The next loop, round robin. */
    public EventLoop next() {
        return loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    }

    private EventLoopImpl nextAcceptLoop() {
        return loops[Math.floorMod(nextAccept.getAndIncrement(), loops.length)];
    }

    /** {@link #listen(SocketAddress, SocketOptions, Supplier)} with the default options. */
    public Listener listen(SocketAddress local, Supplier<? extends ConnectionHandler> handlers) throws IOException {
        return listen(local, SocketOptions.defaults(), handlers);
    }

    /**
     * Listens on {@code local}; each accepted connection gets a new handler from {@code handlers}.
     * Blocks until the socket is bound: call {@link #listenAsync} from a loop thread.
     *
     * @throws java.net.BindException when the address is in use or cannot be assigned
     */
    public Listener listen(SocketAddress local, SocketOptions options, Supplier<? extends ConnectionHandler> handlers)
            throws IOException {
        if (currentLoop() != null) {
            throw new IllegalStateException("listen() blocks and must not run on an event loop; use listenAsync()");
        }
        try {
            return listenAsync(local, options, handlers).get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while binding " + local);
        }
    }

    /** Like {@link #listen(SocketAddress, SocketOptions, Supplier)}, completing a future instead of blocking. */
    public CompletableFuture<Listener> listenAsync(SocketAddress local, SocketOptions options,
                                                   Supplier<? extends ConnectionHandler> handlers) {
        InetSocketAddress address = resolved(local);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlers, "handlers");
        if (shuttingDown) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("the event loop group is shutting down"));
        }
        EventLoopImpl first = (EventLoopImpl) next();
        if (!options.reusePort() || loops.length == 1) {
            return onLoop(first, () -> single(first, first.driver().listen(address, options, false, handlers)));
        }
        return onLoop(first, () -> {
            if (!first.driver().supportsReusePort()) {
                log.debug("backend {} has no per-loop listeners; one socket accepts for all loops", backend.id());
                return single(first, first.driver().listen(address, options, false, handlers));
            }
            return new Bound(first, first.driver().listen(address, options, true, handlers));
        }).thenCompose(firstBound -> firstBound instanceof Listener l
                ? CompletableFuture.completedFuture(l)
                : bindOtherLoops((Bound) firstBound, options, handlers));
    }

    private static Listener single(EventLoopImpl loop, IoDriver.ListenHandle handle) {
        return new GroupListener(handle.localAddress(), List.of(new Bound(loop, handle)));
    }

    /** With SO_REUSEPORT: the first loop's socket fixed the port (port 0 picks one); the others bind the same. */
    private CompletableFuture<Listener> bindOtherLoops(Bound firstBound, SocketOptions options,
                                                      Supplier<? extends ConnectionHandler> handlers) {
        InetSocketAddress bound = firstBound.handle().localAddress();
        List<CompletableFuture<Bound>> others = new ArrayList<>();
        for (EventLoopImpl loop : loops) {
            if (loop != firstBound.loop()) {
                others.add(onLoop(loop, () -> new Bound(loop, loop.driver().listen(bound, options, true, handlers))));
            }
        }
        return CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).handle((ok, failure) -> {
            List<Bound> opened = new ArrayList<>();
            opened.add(firstBound);
            for (CompletableFuture<Bound> f : others) {
                if (!f.isCompletedExceptionally()) {
                    opened.add(f.join());
                }
            }
            GroupListener listener = new GroupListener(bound, opened);
            if (failure != null) {
                listener.close();
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            return listener;
        });
    }

    /** {@link #connect(SocketAddress, SocketOptions, ConnectionHandler)} with the default options. */
    public CompletableFuture<Connection> connect(SocketAddress remote, ConnectionHandler handler) {
        return connect(remote, SocketOptions.defaults(), handler);
    }

    /**
     * Connects to {@code remote} on the next loop. The future completes after
     * {@link ConnectionHandler#onOpen}, on the loop thread, or fails with a
     * {@link java.net.ConnectException} (refused), a {@link java.net.SocketTimeoutException}
     * (connect timeout) or another {@link IOException}; on failure no callback of {@code handler} runs.
     */
    public CompletableFuture<Connection> connect(SocketAddress remote, SocketOptions options, ConnectionHandler handler) {
        InetSocketAddress address = resolved(remote);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        CompletableFuture<Connection> result = new CompletableFuture<>();
        if (shuttingDown) {
            result.completeExceptionally(new RejectedExecutionException("the event loop group is shutting down"));
            return result;
        }
        EventLoopImpl loop = (EventLoopImpl) next();
        try {
            loop.execute(() -> loop.driver().connect(address, options, handler, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Shuts down gracefully: listeners stop, every connection closes after sending what is queued,
     * then the loops end. Connections still open at the deadline are aborted. Idempotent.
     */
    public CompletableFuture<Void> shutdownGracefully(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        shuttingDown = true;
        for (EventLoopImpl loop : loops) {
            try {
                loop.shutdown(deadline);
            } catch (RejectedExecutionException alreadyTerminated) {
                // nothing left to shut down on that loop
            }
        }
        return terminated;
    }

    /** Completes when every loop has ended. */
    public CompletableFuture<Void> terminationFuture() {
        return terminated;
    }

    /** Whether {@link #shutdownGracefully} or {@link #close()} has been called. */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Native bytes the loops still had lent out when they ended: 0 after a clean shutdown. A
     * non-zero value is a netloop bug and is also logged.
     */
    public long leakedNativeBytes() {
        long sum = 0;
        for (EventLoopImpl loop : loops) {
            sum += loop.leakedNativeBytes();
        }
        return sum;
    }

    /**
     * Forced close: aborts every connection and ends the loops, waiting for them unless called
     * from one of them. Use {@link #shutdownGracefully} to flush queued output first.
     */
    @Override
    public void close() {
        shutdownGracefully(Duration.ZERO);
        if (currentLoop() == null) {
            terminated.join();
        }
    }

    private EventLoopImpl currentLoop() {
        for (EventLoopImpl loop : loops) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return null;
    }

    private static <T> CompletableFuture<T> onLoop(EventLoopImpl loop, IoCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    f.complete(call.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    private static InetSocketAddress resolved(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (!(address instanceof InetSocketAddress inet)) {
            throw new IllegalArgumentException("only InetSocketAddress is supported, got " + address.getClass().getName());
        }
        if (inet.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + inet.getHostString()
                    + "; resolve it first (new InetSocketAddress(InetAddress.getByName(host), port))");
        }
        return inet;
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof CompletionException c && c.getCause() != null) {
            cause = c.getCause();
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IOException(cause);
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    private record Bound(EventLoopImpl loop, IoDriver.ListenHandle handle) {
    }

    private static final class GroupListener implements Listener {
        private final InetSocketAddress address;
        private final List<Bound> sockets;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final AtomicInteger closing = new AtomicInteger();

        GroupListener(InetSocketAddress address, List<Bound> sockets) {
            this.address = address;
            this.sockets = sockets;
            // A loop that ends closes its listening sockets itself (group shutdown), without close().
            CompletableFuture.allOf(sockets.stream().map(b -> b.loop().terminationFuture()).toArray(CompletableFuture[]::new))
                    .thenRun(() -> closed.complete(null));
        }

        @Override
        public InetSocketAddress localAddress() {
            return address;
        }

        @Override
        public void close() {
            if (closing.getAndIncrement() != 0) {
                return;
            }
            List<CompletableFuture<Void>> each = new ArrayList<>();
            for (Bound b : sockets) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                each.add(f);
                try {
                    b.loop().execute(() -> {
                        b.handle().close();
                        f.complete(null);
                    });
                } catch (RejectedExecutionException terminated) {
                    f.complete(null); // the loop closed its sockets when it ended
                }
            }
            CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenRun(() -> closed.complete(null));
        }

        @Override
        public CompletableFuture<Void> closeFuture() {
            return closed;
        }

        @Override
        public String toString() {
            return "Listener[" + address + ", sockets=" + sockets.size() + "]";
        }
    }

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
            return new EventLoopGroup(this);
        }
    }
}
