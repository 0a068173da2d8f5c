package io.netloop.internal.completion;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.SocketOptions;
import io.netloop.UdpHandler;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import io.netloop.internal.buffer.ChunkPool;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.loop.EventLoopImpl;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The completion core: one loop's connections, acceptors, UDP sockets and pooled operations on top of any
 * {@link CompletionPort}. Every completion backend (io_uring, IOCP) is this class plus a port.
 *
 * <p>Buffers are lent, not shared: each posted receive holds its own buffer (unless the port picks
 * receive buffers itself when data arrives, {@link CompletionPort#sharedReceiveSize()}) and each posted send
 * names the chunks of its connection's write queue, until the completion comes back. A closing
 * connection cancels what it has posted and is only gone, and its buffers only reused, once every
 * completion has been reaped.
 */
public final class CompletionDriver implements IoDriver, CompletionPort.Completions {
    private static final Logger log = LoggerFactory.getLogger(CompletionDriver.class);

    /** Native memory pooled for write queues; see the readiness core for why this size. */
    private static final long MAX_POOLED_WRITE_BYTES = 64L * 1024 * 1024;
    /** Receive buffers kept for reuse, per size class; past this, returned buffers are freed. */
    private static final long MAX_POOLED_RECEIVE_BYTES = 32L * 1024 * 1024;
    /**
     * The smallest receive buffer. Unless the port picks receive buffers, every connection holds one
     * for as long as a receive is posted, which is all the time, so an idle connection costs this
     * much; one whose reads fill it moves up a size class (see {@link CompletionConnection}).
     */
    static final int SMALLEST_RECEIVE = 512;
    /**
     * Receive buffers up to this size are carved from slabs of {@link #SLAB_BYTES} rather than
     * allocated one by one: an idle connection then costs its buffer's bytes, without an arena and
     * allocator overhead each. Slab memory lives as long as the loop and is reused, never freed.
     */
    private static final int SLAB_MAX_BUFFER = 4096;
    private static final int SLAB_BYTES = 64 * 1024;
    /** How long closing the loop waits for the kernel to hand back what it still holds. */
    private static final long DRAIN_NANOS = 2_000_000_000L;

    final DriverContext context;
    private final WaitRecorder waits;
    final EventLoopImpl loop;
    final CompletionPort port;
    final ChunkPool chunks = new ChunkPool(MAX_POOLED_WRITE_BYTES);
    /** Receive buffer sizes, smallest first, up to the group's read buffer size. */
    final int[] receiveSizes;
    /**
     * The port's {@linkplain CompletionPort#sharedReceiveSize() shared receive size}: connections
     * whose size class is no larger post receives without a buffer of their own; 0 when the port
     * picks none.
     */
    final int sharedReceiveSize;
    /** Every operation's memory; confined to the loop thread and lives as long as the driver. */
    private final Arena arena = Arena.ofConfined();
    private Operation[] operations = new Operation[64];
    private int operationCount;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Operation>[] free = new ArrayDeque[Operation.KINDS];
    @SuppressWarnings("unchecked")
    private final ArrayDeque<ReadBuffer>[] freeBuffers;
    private int lentBuffers;
    private long lentBufferBytes;
    private int posted;
    private final Set<CompletionConnection> connections = new HashSet<>();
    private final Set<CompletionAcceptor> acceptors = new HashSet<>();
    private final Set<CompletionUdpSocket> udpSockets = new HashSet<>();
    private final ArrayDeque<CompletionConnection> dirty = new ArrayDeque<>();
    private boolean closing;
    private boolean leaked;

    public CompletionDriver(DriverContext context, CompletionPort port) {
        this.context = context;
        this.waits = context.waits();
        this.loop = (EventLoopImpl) context.loop();
        this.port = port;
        this.receiveSizes = receiveSizes(context.readBufferSize());
        this.sharedReceiveSize = port.sharedReceiveSize();
        this.freeBuffers = new ArrayDeque[receiveSizes.length];
        for (int i = 0; i < receiveSizes.length; i++) {
            freeBuffers[i] = new ArrayDeque<>();
        }
        for (int k = 0; k < Operation.KINDS; k++) {
            free[k] = new ArrayDeque<>();
        }
    }

    // ---- the loop ----

    @Override
    public void poll(long timeoutNanos) throws IOException {
        if (!dirty.isEmpty()) {
            flushDirty();
        }
        port.poll(timeoutNanos, this, waits);
        flushDirty();
    }

    @Override
    public void complete(long tag, long result, int flags) {
        int index = Operation.indexOf(tag);
        Operation op = index >= 0 && index < operationCount ? operations[index] : null;
        if (op == null || op.tag() != tag || op.owner == null) {
            // Every posted operation is held until its last completion, so this is a port bug.
            log.error("a completion for {} matches no posted operation (result {}); ignored", Long.toHexString(tag), result);
            return;
        }
        boolean more = (flags & MORE) != 0;
        Operation.Owner owner = op.owner;
        if (!more) {
            posted--;
        }
        op.completionFlags = flags;
        try {
            owner.completed(op, result, more);
        } finally {
            if (!more) {
                give(op);
            }
        }
    }

    @Override
    public void wakeup() {
        port.wakeup();
    }

    @Override
    public void afterTasks() {
        flushDirty();
    }

    @Override
    public int maxUnixPathBytes() {
        return port.maxUnixPathBytes();
    }

    @Override
    public boolean supportsAbstractUnixAddresses() {
        return port.supportsAbstractUnixAddresses();
    }

    @Override
    public boolean supportsReusePort() {
        return port.supportsReusePort();
    }

    // ---- operations and buffers ----

    /** Takes a pooled operation for {@code owner}; the port must start it or it must be given back. */
    Operation take(int kind, Operation.Owner owner) {
        Operation op = free[kind].poll();
        if (op == null) {
            if (operationCount == operations.length) {
                operations = Arrays.copyOf(operations, operationCount * 2);
            }
            long size = port.memorySize(kind);
            op = new Operation(kind, operationCount, size == 0 ? MemorySegment.NULL : arena.allocate(size, 16));
            operations[operationCount++] = op;
        }
        op.generation++;
        op.owner = owner;
        op.cancelRequested = false;
        op.socket = 0;
        return op;
    }

    /** The port has started {@code op}: it belongs to the kernel until its last completion. */
    void posted(Operation op) {
        posted++;
    }

    /** Back to the pool: never started, or its last completion is reaped. */
    void give(Operation op) {
        if (op.buffer != null) {
            giveBuffer(op.buffer);
            op.buffer = null;
        }
        op.owner = null;
        free[op.kind].add(op);
    }

    void cancel(Operation op) {
        if (op != null && !op.cancelRequested) {
            op.cancelRequested = true;
            port.cancel(op);
        }
    }

    /** 512 B, 4 KiB, 32 KiB, then the read buffer size: each class eight times the last, as far as the read buffer size allows. */
    private static int[] receiveSizes(int readBufferSize) {
        int[] sizes = new int[8];
        int n = 0;
        for (int size = SMALLEST_RECEIVE; size < readBufferSize; size *= 8) {
            sizes[n++] = size;
        }
        sizes[n++] = readBufferSize;
        return Arrays.copyOf(sizes, n);
    }

    ReadBuffer takeBuffer(int sizeClass) {
        int size = receiveSizes[sizeClass];
        lentBuffers++;
        lentBufferBytes += size;
        ReadBuffer b = freeBuffers[sizeClass].poll();
        if (b != null) {
            return b;
        }
        if (size > SLAB_MAX_BUFFER) {
            return new ReadBuffer(size);
        }
        MemorySegment slab = arena.allocate(SLAB_BYTES, 64);
        for (long at = size; at + size <= SLAB_BYTES; at += size) {
            freeBuffers[sizeClass].add(new ReadBuffer(slab.asSlice(at, size)));
        }
        return new ReadBuffer(slab.asSlice(0, size));
    }

    void giveBuffer(ReadBuffer b) {
        lentBuffers--;
        lentBufferBytes -= b.capacity();
        int sizeClass = Arrays.binarySearch(receiveSizes, b.capacity());
        if (!b.ownsMemory() || !closing && (long) freeBuffers[sizeClass].size() * b.capacity() < MAX_POOLED_RECEIVE_BYTES) {
            freeBuffers[sizeClass].push(b); // most recently used first: still warm in the cache
        } else {
            b.close();
        }
    }

    /** Receive buffers lent out now (for tests of buffer ownership). */
    public int lentReceiveBuffers() {
        return lentBuffers;
    }

    /** Whether the port picks receive buffers when data arrives, so that no posted receive holds one (for tests). */
    public boolean portSelectsReceiveBuffers() {
        return sharedReceiveSize > 0;
    }

    /** Operations the kernel holds now. */
    public int postedOperations() {
        return posted;
    }

    // ---- connections ----

    @Override
    public ListenHandle listen(SocketAddress local, SocketOptions options, boolean perLoop,
                               Supplier<? extends ConnectionHandler> handlers) throws IOException {
        assert loop.inEventLoop();
        long socket = port.listen(local, options, perLoop);
        CompletionAcceptor acceptor = new CompletionAcceptor(this, socket, options, perLoop, handlers);
        acceptors.add(acceptor);
        acceptor.start();
        return acceptor;
    }

    @Override
    public void connect(SocketAddress remote, SocketOptions options, ConnectionHandler handler,
                        CompletableFuture<Connection> result) {
        assert loop.inEventLoop();
        if (closing) {
            result.completeExceptionally(new ClosedChannelException());
            return;
        }
        long socket;
        try {
            socket = port.open(remote, options);
        } catch (IOException e) {
            result.completeExceptionally(e);
            return;
        }
        CompletionConnection c = new CompletionConnection(this, socket, handler, options, result);
        connections.add(c);
        c.startConnecting(remote);
    }

    /** Loop thread: takes over a socket accepted by this or another loop's acceptor. */
    void adopt(long socket, Supplier<? extends ConnectionHandler> handlers, SocketOptions options) {
        if (closing) {
            port.closeNow(socket);
            return;
        }
        try {
            port.adopt(socket);
        } catch (IOException e) {
            port.closeNow(socket);
            log.debug("dropping an accepted connection this loop could not take over", e);
            return;
        }
        ConnectionHandler handler;
        try {
            handler = handlers.get();
        } catch (RuntimeException | Error e) {
            port.closeNow(socket);
            throw e;
        }
        CompletionConnection c = new CompletionConnection(this, socket, handler, options, null);
        connections.add(c);
        c.startAccepted();
    }

    void markDirty(CompletionConnection c) {
        dirty.add(c);
    }

    private void flushDirty() {
        CompletionConnection c;
        while ((c = dirty.poll()) != null) {
            c.flushDirty();
        }
    }

    /** The connection's socket is closed and none of its operations is posted any more. */
    void removed(CompletionConnection c) {
        connections.remove(c);
        // A freed descriptor is the moment a listener paused by EMFILE may accept again.
        for (CompletionAcceptor a : acceptors) {
            a.descriptorFreed();
        }
    }

    void removed(CompletionAcceptor a) {
        acceptors.remove(a);
    }

    @Override
    public void openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options, UdpHandler handler,
                        CompletableFuture<UdpSocket> result) {
        assert loop.inEventLoop();
        if (closing) {
            result.completeExceptionally(new ClosedChannelException());
            return;
        }
        long socket;
        try {
            socket = port.openUdp(local, remote, options);
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        CompletionUdpSocket s = new CompletionUdpSocket(this, socket, handler, options, remote, result);
        udpSockets.add(s);
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            // Only setting up its receive buffers throws, before onOpen: nothing is posted yet.
            s.failStart();
            udpSockets.remove(s);
            result.completeExceptionally(e);
        }
    }

    /** The UDP socket is closed and none of its operations is posted any more. */
    void removed(CompletionUdpSocket s) {
        udpSockets.remove(s);
        for (CompletionAcceptor a : acceptors) {
            a.descriptorFreed();
        }
    }

    @Override
    public void closeConnections(boolean abort) {
        closing = true;
        for (CompletionAcceptor a : new ArrayList<>(acceptors)) {
            a.close();
        }
        for (CompletionConnection c : new ArrayList<>(connections)) {
            if (abort) {
                c.abortNow(null);
            } else {
                c.closeForShutdown();
            }
        }
        for (CompletionUdpSocket s : new ArrayList<>(udpSockets)) {
            s.closeNow(null, abort);
        }
        flushDirty();
        if (abort) {
            drain();
        }
    }

    /** Reaps until the kernel has handed back every operation, or the drain time is up. */
    private void drain() {
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (posted > 0 && System.nanoTime() - deadline < 0) {
            try {
                port.poll(10_000_000L, this, waits);
            } catch (IOException | RuntimeException e) {
                log.warn("{}: reaping completions while closing failed", loop, e);
                return;
            }
            flushDirty();
        }
    }

    /** Connections, listeners and UDP sockets not yet fully closed: closing ones count until their last completion is reaped. */
    @Override
    public int connectionCount() {
        return connections.size() + acceptors.size() + udpSockets.size();
    }

    @Override
    public long outstandingNativeBytes() {
        long bytes = chunks.lentBytes() + lentBufferBytes;
        for (int i = 0; i < operationCount; i++) {
            if (operations[i].owner != null) {
                bytes += operations[i].memory.byteSize();
            }
        }
        for (CompletionUdpSocket s : udpSockets) {
            bytes += s.nativeBytes();
        }
        return bytes;
    }

    @Override
    public void close() {
        if (posted > 0) {
            drain();
        }
        if (posted > 0) {
            // The kernel may still write into these buffers: keep them (and the port's rings) mapped
            // for the life of the process rather than risk it writing into reused memory.
            leaked = true;
            log.warn("{}: {} operations were still held by the kernel when the loop closed; their memory is kept", loop, posted);
            return;
        }
        port.close();
        for (ArrayDeque<ReadBuffer> pool : freeBuffers) {
            for (ReadBuffer b : pool) {
                b.close();
            }
            pool.clear();
        }
        chunks.close();
        arena.close();
    }

    @Override
    public String toString() {
        return "CompletionDriver[" + loop + ", " + posted + " posted" + (leaked ? ", leaked" : "") + "]";
    }
}
