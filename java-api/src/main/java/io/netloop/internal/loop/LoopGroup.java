package io.netloop.internal.loop;

import io.netloop.AbstractUnixAddress;
import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.LoopMetrics;
import io.netloop.SocketOptions;
import io.netloop.UdpHandler;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import io.netloop.internal.net.SockAddrCodec;
import io.netloop.spi.Backend;
import io.netloop.spi.IoDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventLoopGroup} every build returns: its loops, listeners spread over them, connects
 * and shutdown. Made by {@link ApiBridge}, which the API reaches without importing this package.
 */
public final class LoopGroup extends EventLoopGroup {
    private static final Logger log = LoggerFactory.getLogger(EventLoopGroup.class);
    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    private final Backend backend;
    private final EventLoopImpl[] loops;
    private final List<EventLoop> loopView;
    private final GroupMetrics metrics;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicInteger nextAccept = new AtomicInteger();
    private final CompletableFuture<Void> terminated;
    /** Unix-domain listeners whose socket file is still to be removed; each leaves once it has. */
    private final Set<GroupListener> listenersWithFiles = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    /** See {@link EventLoopGroup.Builder} for the parameters. */
    public LoopGroup(String backendId, int threads, int readBufferSize, boolean daemon) {
        this.backend = BackendRegistry.choose(backendId);
        int groupId = GROUP_IDS.incrementAndGet();
        this.loops = new EventLoopImpl[threads];
        AtomicInteger threadIndex = new AtomicInteger();
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoopImpl(this, backend, readBufferSize, this::nextAcceptLoop, r -> {
                Thread t = new Thread(r, "netloop-" + groupId + "-" + backend.id() + "-" + threadIndex.getAndIncrement());
                t.setDaemon(daemon);
                return t;
            });
        }
        this.loopView = List.of(loops);
        this.metrics = new GroupMetrics(loops);
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (EventLoopImpl loop : loops) {
            starts.add(loop.start());
        }
        CompletableFuture<?>[] terminations = new CompletableFuture<?>[loops.length];
        for (int i = 0; i < loops.length; i++) {
            terminations[i] = loops[i].terminationFuture();
        }
        // Ended once the loops have, and every Unix-domain listener has removed its socket file: a
        // caller that awaits the shutdown may look at the directory at once.
        this.terminated = CompletableFuture.allOf(terminations).thenCompose(ended -> CompletableFuture.allOf(
                listenersWithFiles.stream().map(GroupListener::closeFuture).toArray(CompletableFuture[]::new)));
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

    @Override
    public String backendId() {
        return backend.id();
    }

    @Override
    public List<EventLoop> loops() {
        return loopView;
    }

    @Override
    public LoopMetrics metrics() {
        return metrics;
    }

    @Override
    public EventLoop next() {
        return loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    }

    private EventLoopImpl nextAcceptLoop() {
        return loops[Math.floorMod(nextAccept.getAndIncrement(), loops.length)];
    }

    @Override
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

    @Override
    public CompletableFuture<Listener> listenAsync(SocketAddress local, SocketOptions options,
                                                   Supplier<? extends ConnectionHandler> handlers) {
        SocketAddress address = checked(local);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlers, "handlers");
        if (shuttingDown) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("the event loop group is shutting down"));
        }
        EventLoopImpl first = (EventLoopImpl) next();
        if (SockAddrCodec.isUnix(address)) {
            // One socket per path or name: SO_REUSEPORT is a TCP/UDP option, not applied to AF_UNIX.
            return onLoop(first, () -> single(first, listenUnix(first, address, options, handlers)));
        }
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

    private Listener single(EventLoopImpl loop, IoDriver.ListenHandle handle) {
        GroupListener l = new GroupListener(handle.localAddress(), List.of(new Bound(loop, handle)), socketFile(handle.localAddress()),
                listenersWithFiles);
        l.watchLoops();
        return l;
    }

    /**
     * Listens on a Unix-domain address. A file already at the path fails bind with EADDRINUSE;
     * it is never removed here (it may be another server's live socket, or not a socket at all),
     * only named in the error.
     */
    private static IoDriver.ListenHandle listenUnix(EventLoopImpl loop, SocketAddress address, SocketOptions options,
                                                    Supplier<? extends ConnectionHandler> handlers) throws IOException {
        try {
            return loop.driver().listen(address, options, false, handlers);
        } catch (BindException e) {
            if (address instanceof UnixDomainSocketAddress u && Files.exists(u.getPath(), LinkOption.NOFOLLOW_LINKS)) {
                BindException named = new BindException("cannot listen on " + u.getPath() + ": a file already exists there ("
                        + e.getMessage() + "); if it is the socket of a server that has ended, delete it first: "
                        + "netloop never removes a file it did not create");
                named.initCause(e);
                throw named;
            }
            throw e;
        }
    }

    /** The file a Unix-domain listener bound, as its path and its file key then; {@code null} for other addresses. */
    private static SocketFile socketFile(SocketAddress address) {
        if (!(address instanceof UnixDomainSocketAddress u) || u.getPath().toString().isEmpty()) {
            return null;
        }
        return new SocketFile(u.getPath(), SocketFile.key(u.getPath()));
    }

    /**
     * A socket file this group's listener made by binding. Removed when the listener closes, and
     * only if the file at the path is still that one (its file key: device and inode on Linux),
     * so a file someone put there since survives. Where the file system gives no key (Windows),
     * the file at the path is removed.
     */
    private record SocketFile(Path path, Object key) {
        static Object key(Path path) {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            } catch (IOException gone) {
                return null;
            }
        }

        void remove() {
            try {
                if (key == null || key.equals(key(path))) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                log.warn("could not remove the socket file {} of a closed listener", path, e);
            }
        }
    }

    /** With SO_REUSEPORT: the first loop's socket fixed the port (port 0 picks one); the others bind the same. */
    private CompletableFuture<Listener> bindOtherLoops(Bound firstBound, SocketOptions options,
                                                      Supplier<? extends ConnectionHandler> handlers) {
        SocketAddress bound = firstBound.handle().localAddress();
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
            GroupListener listener = new GroupListener(bound, opened, null, listenersWithFiles);
            listener.watchLoops();
            if (failure != null) {
                listener.close();
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            return listener;
        });
    }

    @Override
    public CompletableFuture<Connection> connect(SocketAddress remote, SocketOptions options, ConnectionHandler handler) {
        SocketAddress address = checked(remote);
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

    @Override
    public CompletableFuture<UdpSocket> bindUdp(SocketAddress local, UdpOptions options, UdpHandler handler) {
        return openUdp(inet(local), null, options, handler);
    }

    @Override
    public CompletableFuture<UdpSocket> connectUdp(SocketAddress remote, UdpOptions options, UdpHandler handler) {
        InetSocketAddress peer = inet(remote);
        InetSocketAddress wildcard;
        try {
            wildcard = new InetSocketAddress(InetAddress.getByAddress(
                    new byte[peer.getAddress() instanceof Inet6Address ? 16 : 4]), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return openUdp(wildcard, peer, options, handler);
    }

    private CompletableFuture<UdpSocket> openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options,
                                                 UdpHandler handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        CompletableFuture<UdpSocket> result = new CompletableFuture<>();
        if (shuttingDown) {
            result.completeExceptionally(new RejectedExecutionException("the event loop group is shutting down"));
            return result;
        }
        EventLoopImpl loop = (EventLoopImpl) next();
        try {
            loop.execute(() -> loop.driver().openUdp(local, remote, options, handler, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
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

    @Override
    public CompletableFuture<Void> terminationFuture() {
        return terminated;
    }

    @Override
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    @Override
    public long leakedNativeBytes() {
        long sum = 0;
        for (EventLoopImpl loop : loops) {
            sum += loop.leakedNativeBytes();
        }
        return sum;
    }

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

    /** A UDP address: a resolved {@link InetSocketAddress}, checked as {@link #checked} checks it. */
    private InetSocketAddress inet(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("UDP sockets take an InetSocketAddress, got " + address.getClass().getName()
                    + " (Unix-domain datagram sockets are not supported)");
        }
        return (InetSocketAddress) checked(address);
    }

    /**
     * The one check of an address every backend gets: a resolved {@link InetSocketAddress}, or a
     * Unix-domain path or abstract name that fits this backend's {@code sun_path}, before any
     * system call.
     */
    private SocketAddress checked(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address instanceof InetSocketAddress inet) {
            if (inet.isUnresolved()) {
                throw new IllegalArgumentException("address is unresolved: " + inet.getHostString()
                        + "; resolve it first (new InetSocketAddress(InetAddress.getByName(host), port))");
            }
            return inet;
        }
        IoDriver driver = loops[0].driver();
        int limit = driver.maxUnixPathBytes();
        int bytes;
        if (address instanceof UnixDomainSocketAddress path) {
            if (path.getPath().toString().isEmpty()) {
                throw new IllegalArgumentException("an empty Unix-domain socket path: give the socket file's path");
            }
            bytes = SockAddrCodec.pathBytes(path).length;
        } else if (address instanceof AbstractUnixAddress name) {
            if (!driver.supportsAbstractUnixAddresses()) {
                throw new IllegalArgumentException("abstract Unix-domain names (" + name + ") are not supported by backend "
                        + backend.id() + ": only the Linux native backends have them (nio and Windows do not); "
                        + "use a UnixDomainSocketAddress path");
            }
            bytes = name.nameBytes().length;
        } else {
            throw new IllegalArgumentException("unsupported address type " + address.getClass().getName()
                    + ": use an InetSocketAddress, a java.net.UnixDomainSocketAddress or an io.netloop.AbstractUnixAddress");
        }
        // limit 0: the backend opens no Unix-domain sockets, and its listen or connect says so.
        if (limit > 0 && bytes > limit) {
            throw new IllegalArgumentException(SockAddrCodec.tooLong(address, bytes, limit + 1));
        }
        return address;
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
        private final SocketAddress address;
        private final List<Bound> sockets;
        private final SocketFile file;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final AtomicInteger closing = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();

        private final Set<GroupListener> withFiles;

        /** @param withFiles the group's listeners whose socket file is still to be removed: this one joins while it has one */
        GroupListener(SocketAddress address, List<Bound> sockets, SocketFile file, Set<GroupListener> withFiles) {
            this.address = address;
            this.sockets = sockets;
            this.file = file;
            this.withFiles = withFiles;
            if (file != null) {
                withFiles.add(this);
            }
        }

        /** A loop that ends closes its listening sockets itself (group shutdown), without close(). */
        void watchLoops() {
            CompletableFuture.allOf(sockets.stream().map(b -> b.loop().terminationFuture()).toArray(CompletableFuture[]::new))
                    .thenRun(this::closed);
        }

        /** Every socket is closed: removes the socket file it bound, once, then completes the close future. */
        private void closed() {
            if (finished.getAndIncrement() == 0) {
                if (file != null) {
                    file.remove();
                    withFiles.remove(this);
                }
                closed.complete(null);
            }
        }

        @Override
        public SocketAddress localAddress() {
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
            CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenRun(this::closed);
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
}
