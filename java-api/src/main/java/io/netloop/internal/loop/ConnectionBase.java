package io.netloop.internal.loop;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoop;
import io.netloop.PeerCredentials;
import io.netloop.SocketOptions;
import io.netloop.Timer;
import io.netloop.internal.buffer.ChunkPool;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.internal.jfr.ConnectionClosedEvent;
import io.netloop.internal.jfr.ConnectionOpenedEvent;
import io.netloop.internal.jfr.Jfr;
import io.netloop.internal.jfr.WriteBackpressureEvent;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection does the same way whatever the core under it (readiness or completion):
 * the any-thread write queue and its watermarks, the open and close futures, idle and connect
 * timers, and running actions on the loop. A core supplies how output is flushed and how the
 * socket closes.
 *
 * <p>State is the loop thread's, except the write queue and the flags beside it, which writers on
 * other threads reach under {@link #queue}'s lock.
 */
public abstract class ConnectionBase implements Connection {
    private static final Logger log = LoggerFactory.getLogger(ConnectionBase.class);
    private static final VarHandle CLOSE_FUTURE;
    private static final VarHandle FLUSH_SCHEDULED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CLOSE_FUTURE = l.findVarHandle(ConnectionBase.class, "closeFuture", CompletableFuture.class);
            FLUSH_SCHEDULED = l.findVarHandle(ConnectionBase.class, "flushScheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    protected static final int CONNECTING = 0, OPEN = 1, CLOSED = 2;

    protected final EventLoopImpl loop;
    protected final ConnectionHandler handler;
    protected final SocketOptions options;
    /** Made when first asked for, or at the close: an idle connection nobody awaits holds none. */
    private volatile CompletableFuture<Void> closeFuture;
    private CompletableFuture<Connection> connectResult;

    // Loop thread only.
    /** {@link #CONNECTING}, {@link #OPEN} or {@link #CLOSED}; a core may track finer steps beside it. */
    protected int state;
    private boolean notifiedWritable = true;
    private Timer connectTimer;
    private Timer idleTimer;
    private long lastActivityNanos;
    /** For the loop's metrics and the close event: whether a listener accepted it, since when it is open, what it carried. */
    private final boolean accepted;
    private long openedNanos;
    private long bytesRead;
    private long bytesWritten;
    private long bytesDiscarded;

    /** The output; guarded by its own lock, with {@link #acceptingWrites} and {@link #shutdownOutputRequested}. */
    protected final WriteQueue queue;
    private boolean acceptingWrites = true;
    private boolean shutdownOutputRequested;
    /** When the queue rose above the high watermark, for the backpressure event; under the lock. */
    private long unwritableSinceNanos;

    private volatile boolean writable = true;
    private volatile boolean open = true;
    private volatile Object attachment;
    private volatile SocketAddress localAddress;
    private volatile SocketAddress remoteAddress;
    /** Read once when a Unix-domain connection opens; {@code null} for TCP and where unknown. */
    private volatile PeerCredentials peerCredentials;
    /** Whether {@link #flushFromOtherThread} is queued; through {@link #FLUSH_SCHEDULED}, a field rather than an object per connection. */
    @SuppressWarnings("unused")
    private volatile boolean flushScheduled;
    private final LoopTask flushFromOtherThread = new LoopTask() {
        @Override
        public void run() {
            flushScheduled = false;
            markDirty();
            syncWritability();
        }
    };

    /** @param connectResult completed once connected, or {@code null} for an accepted connection */
    protected ConnectionBase(EventLoopImpl loop, ChunkPool chunks, ConnectionHandler handler, SocketOptions options,
                             CompletableFuture<Connection> connectResult) {
        this.loop = loop;
        this.handler = handler;
        this.options = options;
        this.connectResult = connectResult;
        this.queue = new WriteQueue(chunks);
        this.accepted = connectResult == null;
        this.state = connectResult != null ? CONNECTING : OPEN;
    }

    // ---- what a core supplies, loop thread ----

    /** Output was queued: send it when the current callbacks are done (ignored once the connection cannot send). */
    protected abstract void markDirty();

    /** Stops reading, sends what is queued, then closes. */
    protected abstract void closeGracefully();

    /** The connect attempt failed (or was abandoned): closes without {@code onClose} and fails the connect future. */
    protected abstract void failConnect(IOException e);

    /** Closes an open connection, resetting it when {@code abortive}; {@code onClose} gets {@code cause}. */
    protected abstract void closeNow(Throwable cause, boolean abortive);

    protected abstract void pauseNow();

    protected abstract void resumeNow();

    /**
     * The group is shutting down gracefully: an open connection's handler decides how it ends
     * ({@link ConnectionHandler#onShutdown}, by default a graceful close); one still connecting
     * closes. Loop thread.
     */
    public final void closeForShutdown() {
        if (state != OPEN) {
            closeGracefully();
            return;
        }
        try {
            handler.onShutdown(this);
        } catch (Throwable t) {
            abortNow(t);
        }
    }

    /** Closes at once; a connection still connecting fails its connect with {@code cause} or a closed-channel error. */
    public final void abortNow(Throwable cause) {
        if (state == CONNECTING) {
            failConnect(cause instanceof IOException io ? io : new ClosedChannelException());
        } else {
            closeNow(cause, true);
        }
    }

    // ---- opening ----

    /** Fails the connect attempt with a timeout unless it has finished by the connect timeout. */
    protected final void startConnectTimer() {
        Duration timeout = options.connectTimeout();
        if (timeout.toNanos() > 0) {
            connectTimer = loop.schedule(() -> {
                if (state == CONNECTING) {
                    abortNow(new SocketTimeoutException("connect timed out after " + timeout.toMillis() + " ms to "
                            + remoteOrUnknown()));
                }
            }, timeout);
        }
    }

    /**
     * The socket is connected (or accepted): starts the idle timer, runs {@code onOpen}, completes
     * the connect future. {@code credentials}: the peer's, for a Unix-domain socket where known.
     */
    protected final void opened(SocketAddress local, SocketAddress remote, PeerCredentials credentials) {
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
        localAddress = loop.sharedLocalAddress(local);
        remoteAddress = remote;
        peerCredentials = credentials;
        openedNanos = System.nanoTime();
        loop.stats().connectionOpened(accepted);
        if (Jfr.active()) {
            ConnectionOpenedEvent.record(loop.toString(), loop.stats().backendId(), accepted, localAddress, remote);
        }
        long idle = options.idleTimeout().toNanos();
        if (idle > 0) {
            lastActivityNanos = System.nanoTime();
            idleTimer = loop.schedule(this::checkIdle, options.idleTimeout());
        }
        CompletableFuture<Connection> r = connectResult;
        connectResult = null;
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            abortNow(t);
            if (r != null) {
                r.completeExceptionally(t);
            }
            return;
        }
        if (r != null) {
            r.complete(this);
        }
    }

    /** The pending connect future, handed over once: a core fails it when connecting fails. */
    protected final CompletableFuture<Connection> takeConnectResult() {
        CompletableFuture<Connection> r = connectResult;
        connectResult = null;
        return r;
    }

    // ---- writing ----

    @Override
    public final boolean write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        boolean crossedHigh;
        synchronized (queue) {
            if (!acceptingWrites) {
                return false;
            }
            loop.stats().bytesQueued(data.remaining());
            queue.append(data);
            crossedHigh = crossedHighWaterMark();
        }
        afterWrite(crossedHigh);
        return true;
    }

    @Override
    public final boolean write(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        boolean crossedHigh;
        synchronized (queue) {
            if (!acceptingWrites) {
                return false;
            }
            loop.stats().bytesQueued(length);
            queue.append(bytes, offset, length);
            crossedHigh = crossedHighWaterMark();
        }
        afterWrite(crossedHigh);
        return true;
    }

    /** Under the queue's lock, after an append: turns unwritable once past the high watermark. */
    private boolean crossedHighWaterMark() {
        if (writable && queue.bytes() > options.writeBufferHighWaterMark()) {
            writable = false;
            unwritableSinceNanos = System.nanoTime();
            if (Jfr.active()) {
                WriteBackpressureEvent.record(loop.toString(), remoteAddress, false, queue.bytes(),
                        options.writeBufferHighWaterMark(), 0);
            }
            return true;
        }
        return false;
    }

    /** Under the queue's lock, after output was sent: turns writable again at the low watermark. */
    protected final void checkLowWaterMark() {
        if (!writable && queue.bytes() <= options.writeBufferLowWaterMark()) {
            writable = true;
            if (Jfr.active()) {
                WriteBackpressureEvent.record(loop.toString(), remoteAddress, true, queue.bytes(),
                        options.writeBufferLowWaterMark(), System.nanoTime() - unwritableSinceNanos);
            }
        }
    }

    private void afterWrite(boolean crossedHigh) {
        if (loop.inEventLoop()) {
            markDirty();
            if (crossedHigh) {
                syncWritability();
            }
        } else if (FLUSH_SCHEDULED.compareAndSet(this, false, true)) {
            try {
                loop.execute(flushFromOtherThread);
            } catch (RejectedExecutionException terminated) {
                // The loop is gone; its shutdown discarded this connection's queue.
            }
        }
    }

    /** Tells the handler when writability changed since it was last told. */
    protected final void syncWritability() {
        boolean now = writable;
        if (state == OPEN && now != notifiedWritable) {
            notifiedWritable = now;
            try {
                handler.onWritabilityChanged(this, now);
            } catch (Throwable t) {
                abortNow(t);
            }
        }
    }

    /** Under the queue's lock: whether {@link #shutdownOutput()} asked for a half-close. */
    protected final boolean shutdownOutputRequested() {
        return shutdownOutputRequested;
    }

    /** No more writes are accepted. */
    protected final void stopWrites() {
        synchronized (queue) {
            acceptingWrites = false;
        }
    }

    /** No more writes are accepted and what was queued is dropped. Only once the kernel no longer reads the chunks. */
    protected final void discardOutput() {
        long dropped;
        synchronized (queue) {
            acceptingWrites = false;
            dropped = queue.bytes();
            queue.clear();
        }
        if (dropped > 0) {
            bytesDiscarded += dropped;
            loop.stats().bytesDiscarded(dropped);
        }
    }

    @Override
    public final boolean isWritable() {
        return writable;
    }

    @Override
    public final long pendingWriteBytes() {
        synchronized (queue) {
            return queue.bytes();
        }
    }

    @Override
    public final void shutdownOutput() {
        synchronized (queue) {
            if (!acceptingWrites) {
                return;
            }
            acceptingWrites = false;
            shutdownOutputRequested = true;
        }
        onLoop(() -> {
            if (state == OPEN) {
                markDirty(); // the flush shuts output down once the queue is empty
            }
        });
    }

    // ---- closing ----

    @Override
    public final CompletableFuture<Void> close() {
        stopWrites();
        open = false; // closing has begun for the caller, even before the loop runs the close
        onLoop(this::closeGracefully);
        return closeFuture();
    }

    @Override
    public final void abort() {
        stopWrites();
        open = false;
        onLoop(() -> abortNow(null));
    }

    /** Closing has begun: {@link #isOpen()} turns {@code false}. */
    protected final void closing() {
        open = false;
    }

    /** Stops the timers, runs {@code onClose} and completes the close future; the last step of every close. */
    protected final void notifyClosed(Throwable cause) {
        open = false;
        cancelTimers();
        loop.stats().connectionClosed();
        if (Jfr.active()) {
            ConnectionClosedEvent.record(loop.toString(), loop.stats().backendId(), accepted, localAddress, remoteAddress,
                    System.nanoTime() - openedNanos, bytesRead, bytesWritten, bytesDiscarded, cause);
        }
        try {
            handler.onClose(this, cause);
        } catch (Throwable t) {
            log.warn("onClose of {} threw", this, t);
        } finally {
            closeFuture().complete(null);
        }
    }

    /** Completes the close future without {@code onClose}: for connections that never opened. */
    protected final void closedUnopened() {
        open = false;
        cancelTimers();
        closeFuture().complete(null);
    }

    private void cancelTimers() {
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    @Override
    public final CompletableFuture<Void> closeFuture() {
        CompletableFuture<Void> f = closeFuture;
        if (f == null) {
            f = new CompletableFuture<>();
            if (!CLOSE_FUTURE.compareAndSet(this, null, f)) {
                f = closeFuture;
            }
        }
        return f;
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    // ---- reading control ----

    @Override
    public final void pauseReading() {
        if (loop.inEventLoop()) {
            pauseNow(); // no lambda: handlers pause and resume on the hot path under backpressure
        } else {
            onLoop(this::pauseNow);
        }
    }

    @Override
    public final void resumeReading() {
        if (loop.inEventLoop()) {
            resumeNow();
        } else {
            onLoop(this::resumeNow);
        }
    }

    // ---- counting, loop thread ----

    /** {@code n} bytes were read and are handed to {@code onData}. */
    protected final void received(int n) {
        bytesRead += n;
        loop.stats().bytesRead(n);
    }

    /** The kernel took {@code n} queued bytes (the core consumes them from the queue). */
    protected final void sent(long n) {
        bytesWritten += n;
        loop.stats().bytesSent(n);
    }

    // ---- helpers ----

    /** Something was read or written: the idle timer starts over. */
    protected final void touch() {
        if (idleTimer != null) {
            lastActivityNanos = System.nanoTime();
        }
    }

    private void checkIdle() {
        if (state != OPEN) {
            return;
        }
        long timeout = options.idleTimeout().toNanos();
        long idleFor = System.nanoTime() - lastActivityNanos;
        if (idleFor >= timeout) {
            lastActivityNanos = System.nanoTime();
            try {
                handler.onIdle(this);
            } catch (Throwable t) {
                abortNow(t);
                return;
            }
            idleFor = 0;
        }
        if (state == OPEN) {
            idleTimer = loop.schedule(this::checkIdle, Duration.ofNanos(timeout - idleFor));
        }
    }

    /** Runs {@code action} on the loop: now when called there, else queued (dropped once the loop has ended). */
    protected final void onLoop(Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
        } else {
            try {
                loop.execute(action);
            } catch (RejectedExecutionException terminated) {
                // The loop has ended and closed every connection already.
            }
        }
    }

    protected final String remoteOrUnknown() {
        SocketAddress r = remoteAddress;
        return r != null ? r.toString() : "peer";
    }

    @Override
    public final EventLoop loop() {
        return loop;
    }

    @Override
    public final SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public final SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public final Optional<PeerCredentials> peerCredentials() {
        return Optional.ofNullable(peerCredentials);
    }

    @Override
    public final Object attachment() {
        return attachment;
    }

    @Override
    public final void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "Connection[" + localAddress + " -> " + remoteAddress + "]";
    }
}
