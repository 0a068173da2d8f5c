package io.netloop.internal.readiness;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.ConnectionResetException;
import io.netloop.EventLoop;
import io.netloop.SocketOptions;
import io.netloop.Timer;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.internal.loop.LoopTask;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection on a readiness backend. State is the loop thread's, except the write queue and the
 * flags beside it, which writers on other threads reach under {@link #queue}'s lock.
 */
final class ReadinessConnection implements Connection, ReadyHandler, ReadinessDriver.Resumable {
    private static final Logger log = LoggerFactory.getLogger(ReadinessConnection.class);

    /** Reads per readiness event, so one busy peer cannot hold the loop. */
    private static final int MAX_READS_PER_EVENT = 16;
    /** Gathering writes per flush before the loop serves others (and waits for writability). */
    private static final int MAX_WRITES_PER_FLUSH = 16;

    private static final int CONNECTING = 0, OPEN = 1, CLOSED = 2;
    private static final int INPUT_EVENTS = ReadinessPoller.READ | ReadinessPoller.READ_HANGUP
            | ReadinessPoller.HANGUP | ReadinessPoller.ERROR;

    private final ReadinessDriver driver;
    private final StreamSocket socket;
    private final ConnectionHandler handler;
    private final SocketOptions options;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private CompletableFuture<Connection> connectResult;

    // Loop thread only.
    private int state;
    private int interest = -1;
    private boolean registered;
    private boolean readPaused;
    private boolean inputShutdown;
    private boolean outputShutdown;
    private boolean closeRequested;
    private boolean wantWrite;
    private boolean inDirtyList;
    private boolean notifiedWritable = true;
    private boolean hangupWhilePaused;
    private Timer connectTimer;
    private Timer idleTimer;
    private long lastActivityNanos;

    // Guarded by queue's lock.
    private final WriteQueue queue;
    private boolean acceptingWrites = true;
    private boolean shutdownOutputRequested;

    private volatile boolean writable = true;
    private volatile boolean open = true;
    private volatile Object attachment;
    private volatile InetSocketAddress localAddress;
    private volatile InetSocketAddress remoteAddress;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final LoopTask flushFromOtherThread = new LoopTask() {
        @Override
        public void run() {
            flushScheduled.set(false);
            markDirty();
            syncWritability();
        }
    };

    ReadinessConnection(ReadinessDriver driver, StreamSocket socket, ConnectionHandler handler,
                        SocketOptions options, CompletableFuture<Connection> connectResult) {
        this.driver = driver;
        this.socket = socket;
        this.handler = handler;
        this.options = options;
        this.connectResult = connectResult;
        this.queue = new WriteQueue(driver.chunks);
        this.state = connectResult != null ? CONNECTING : OPEN;
    }

    // ---- lifecycle, loop thread ----

    void startConnecting() {
        try {
            driver.poller.register(socket, this, ReadinessPoller.WRITE);
            registered = true;
            interest = ReadinessPoller.WRITE;
        } catch (IOException e) {
            failConnect(e);
            return;
        }
        long timeout = options.connectTimeout().toNanos();
        if (timeout > 0) {
            connectTimer = driver.loop.schedule(() -> {
                if (state == CONNECTING) {
                    failConnect(new SocketTimeoutException("connect timed out after " + options.connectTimeout().toMillis()
                            + " ms to " + remoteOrUnknown()));
                }
            }, options.connectTimeout());
        }
    }

    void startAccepted() {
        try {
            driver.poller.register(socket, this, ReadinessPoller.READ);
            registered = true;
            interest = ReadinessPoller.READ;
        } catch (IOException e) {
            socket.close();
            driver.removed(this);
            state = CLOSED;
            open = false;
            closeFuture.complete(null);
            log.debug("dropping an accepted connection that could not be registered", e);
            return;
        }
        opened();
    }

    private void opened() {
        localAddress = socket.localAddress();
        remoteAddress = socket.remoteAddress();
        long idle = options.idleTimeout().toNanos();
        if (idle > 0) {
            lastActivityNanos = System.nanoTime();
            idleTimer = driver.loop.schedule(this::checkIdle, options.idleTimeout());
        }
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            CompletableFuture<Connection> r = connectResult;
            connectResult = null;
            abortNow(t);
            if (r != null) {
                r.completeExceptionally(t);
            }
            return;
        }
        CompletableFuture<Connection> r = connectResult;
        connectResult = null;
        if (r != null) {
            r.complete(this);
        }
    }

    private void failConnect(IOException e) {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        open = false;
        cancelTimers();
        deregister();
        socket.close();
        synchronized (queue) {
            acceptingWrites = false;
            queue.clear();
        }
        driver.removed(this);
        closeFuture.complete(null);
        CompletableFuture<Connection> r = connectResult;
        connectResult = null;
        r.completeExceptionally(e);
    }

    @Override
    public void onReady(int ops) {
        if (state == CONNECTING) {
            finishConnect();
            return;
        }
        if (state != OPEN) {
            return;
        }
        if ((ops & ReadinessPoller.WRITE) != 0 && wantWrite) {
            flush();
            if (state != OPEN) {
                return;
            }
        }
        if ((ops & INPUT_EVENTS) != 0) {
            if (readPaused || inputShutdown || closeRequested) {
                onHangupWhileNotReading(ops);
            } else {
                readSome(ops);
            }
        }
        // A reply goes out as soon as this connection's callbacks are done, not at the end of the
        // whole batch: the peer can then work on it while this loop serves the others. Writes
        // within one callback are still gathered into one vector write.
        flushDirty();
    }

    private void finishConnect() {
        boolean done;
        try {
            done = socket.finishConnect();
        } catch (IOException e) {
            failConnect(e);
            return;
        }
        if (!done) {
            return;
        }
        state = OPEN;
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
        updateInterest();
        opened();
        if (state == OPEN) {
            markDirty(); // anything written in onOpen
        }
    }

    @Override
    public void resume() {
        if (state == OPEN && !readPaused && !inputShutdown && !closeRequested) {
            readSome(ReadinessPoller.READ);
            flushDirty();
        }
    }

    private void readSome(int ops) {
        // After end of input is signalled no new edge comes, so read on to the end even when a read
        // comes back short. Otherwise a short read means the socket was empty at that moment, and
        // any later arrival raises a new event, in either trigger mode.
        boolean readToEnd = (ops & (ReadinessPoller.READ_HANGUP | ReadinessPoller.HANGUP | ReadinessPoller.ERROR)) != 0;
        int capacity = driver.readBuffer.capacity();
        for (int reads = 0; reads < MAX_READS_PER_EVENT; reads++) {
            int n;
            try {
                n = socket.read(driver.readBuffer);
            } catch (IOException e) {
                abortNow(e);
                return;
            }
            if (n > 0) {
                touch();
                try {
                    handler.onData(this, driver.readBuffer.userView(n));
                } catch (Throwable t) {
                    abortNow(t);
                    return;
                }
                if (state != OPEN || readPaused || closeRequested) {
                    return;
                }
                if (n < capacity && !readToEnd) {
                    return;
                }
            } else if (n == 0) {
                if ((ops & ReadinessPoller.ERROR) != 0) {
                    IOException e = socket.pendingError();
                    if (e != null) {
                        abortNow(e);
                    }
                }
                return;
            } else {
                inputEnded();
                return;
            }
        }
        if (driver.edgeTriggered) {
            driver.again(this); // no edge will come for what is already queued
        }
    }

    private void inputEnded() {
        inputShutdown = true;
        updateInterest();
        try {
            handler.onInputClosed(this);
        } catch (Throwable t) {
            abortNow(t);
            return;
        }
        if (state == OPEN && outputShutdown) {
            closeNow(null, false);
        }
    }

    private void onHangupWhileNotReading(int ops) {
        if ((ops & (ReadinessPoller.HANGUP | ReadinessPoller.ERROR)) == 0) {
            return;
        }
        IOException error = socket.pendingError();
        if (error != null || (ops & ReadinessPoller.ERROR) != 0) {
            abortNow(error != null ? error : new ConnectionResetException("connection failed: " + remoteOrUnknown(), null));
        } else if (readPaused && !inputShutdown) {
            // Hangup is reported whatever the interest; keep unread input for resumeReading().
            hangupWhilePaused = true;
            deregister();
        } else {
            closeNow(null, false);
        }
    }

    // ---- writing ----

    @Override
    public boolean write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        boolean crossedHigh;
        synchronized (queue) {
            if (!acceptingWrites) {
                return false;
            }
            queue.append(data);
            crossedHigh = crossedHighWaterMark();
        }
        afterWrite(crossedHigh);
        return true;
    }

    @Override
    public boolean write(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        boolean crossedHigh;
        synchronized (queue) {
            if (!acceptingWrites) {
                return false;
            }
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
            return true;
        }
        return false;
    }

    private void afterWrite(boolean crossedHigh) {
        if (driver.loop.inEventLoop()) {
            markDirty();
            if (crossedHigh) {
                syncWritability();
            }
        } else if (flushScheduled.compareAndSet(false, true)) {
            try {
                driver.loop.execute(flushFromOtherThread);
            } catch (RejectedExecutionException terminated) {
                // The loop is gone; its shutdown discarded this connection's queue.
            }
        }
    }

    private void markDirty() {
        if (!inDirtyList && state == OPEN) {
            inDirtyList = true;
            driver.markDirty(this);
        }
    }

    /** Sends what was written since the last flush, unless it was sent already or must wait for writability. */
    void flushDirty() {
        if (!inDirtyList) {
            return;
        }
        inDirtyList = false;
        if (!wantWrite) {
            flush();
        }
    }

    private void flush() {
        if (state != OPEN) {
            return;
        }
        boolean empty;
        boolean becameWritable = false;
        IOException failure = null;
        synchronized (queue) {
            wantWrite = false;
            for (int i = 0; i < MAX_WRITES_PER_FLUSH && !queue.isEmpty(); i++) {
                long attempted = attemptedBytes();
                long n;
                try {
                    n = socket.write(queue);
                } catch (IOException e) {
                    failure = e;
                    break;
                }
                if (n > 0) {
                    queue.consume(n);
                    touch();
                }
                if (n < attempted) {
                    break; // the socket's buffer is full: wait until it is writable
                }
            }
            empty = queue.isEmpty();
            wantWrite = !empty && failure == null;
            if (!writable && queue.bytes() <= options.writeBufferLowWaterMark()) {
                writable = true;
                becameWritable = true;
            }
        }
        if (failure != null) {
            // Outside the queue's lock: onClose is user code, and other threads may be writing.
            abortNow(failure);
            return;
        }
        updateInterest();
        if (empty) {
            boolean shutdownNow;
            synchronized (queue) {
                shutdownNow = shutdownOutputRequested && !outputShutdown;
            }
            if (shutdownNow) {
                doShutdownOutput();
            }
            if (closeRequested && state == OPEN) {
                closeNow(null, false);
                return;
            }
        }
        if (becameWritable || !notifiedWritable) {
            syncWritability();
        }
    }

    private long attemptedBytes() {
        int chunks = queue.chunkCount();
        if (chunks <= StreamSocket.MAX_GATHER) {
            return queue.bytes();
        }
        long sum = 0;
        for (int i = 0; i < StreamSocket.MAX_GATHER; i++) {
            sum += queue.chunk(i).readable();
        }
        return sum;
    }

    private void doShutdownOutput() {
        outputShutdown = true;
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            abortNow(e);
            return;
        }
        if (inputShutdown) {
            closeNow(null, false);
        }
    }

    private void syncWritability() {
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

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public long pendingWriteBytes() {
        synchronized (queue) {
            return queue.bytes();
        }
    }

    @Override
    public void shutdownOutput() {
        synchronized (queue) {
            if (!acceptingWrites) {
                return;
            }
            acceptingWrites = false;
            shutdownOutputRequested = true;
        }
        onLoop(() -> {
            if (state == OPEN) {
                markDirty(); // flush() shuts output down once the queue is empty
            }
        });
    }

    // ---- closing ----

    @Override
    public CompletableFuture<Void> close() {
        synchronized (queue) {
            acceptingWrites = false;
        }
        open = false; // closing has begun for the caller, even before the loop runs the close
        onLoop(this::closeGracefully);
        return closeFuture;
    }

    void closeGracefully() {
        if (state == CLOSED) {
            return;
        }
        if (state == CONNECTING) {
            failConnect(new ClosedChannelException());
            return;
        }
        closeRequested = true;
        open = false;
        synchronized (queue) {
            acceptingWrites = false;
        }
        updateInterest();
        markDirty(); // flush() closes once the queue is empty
    }

    @Override
    public void abort() {
        synchronized (queue) {
            acceptingWrites = false;
        }
        open = false;
        onLoop(() -> abortNow(null));
    }

    void abortNow(Throwable cause) {
        if (state == CONNECTING) {
            failConnect(cause instanceof IOException io ? io : new ClosedChannelException());
            return;
        }
        closeNow(cause, true);
    }

    private void closeNow(Throwable cause, boolean abortive) {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        open = false;
        cancelTimers();
        deregister();
        if (abortive) {
            socket.abort();
        } else {
            socket.close();
        }
        synchronized (queue) {
            acceptingWrites = false;
            queue.clear();
        }
        driver.removed(this);
        try {
            handler.onClose(this, cause);
        } catch (Throwable t) {
            log.warn("onClose of {} threw", this, t);
        } finally {
            closeFuture.complete(null);
        }
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
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    // ---- reading control ----

    @Override
    public void pauseReading() {
        if (driver.loop.inEventLoop()) {
            pauseNow(); // no lambda: handlers pause and resume on the hot path under backpressure
        } else {
            onLoop(this::pauseNow);
        }
    }

    private void pauseNow() {
        if (state == OPEN && !readPaused) {
            readPaused = true;
            updateInterest();
        }
    }

    @Override
    public void resumeReading() {
        if (driver.loop.inEventLoop()) {
            resumeNow();
        } else {
            onLoop(this::resumeNow);
        }
    }

    private void resumeNow() {
        if (state != OPEN || !readPaused) {
            return;
        }
        readPaused = false;
        if (hangupWhilePaused && !registered) {
            hangupWhilePaused = false;
            try {
                driver.poller.register(socket, this, computeInterest());
                registered = true;
                interest = computeInterest();
            } catch (IOException e) {
                abortNow(e);
                return;
            }
        } else {
            updateInterest();
        }
        // Input that arrived while paused raised its edge already.
        driver.again(this);
    }

    // ---- helpers ----

    private int computeInterest() {
        int i = 0;
        if (!readPaused && !inputShutdown && !closeRequested) {
            i |= ReadinessPoller.READ;
        }
        if (wantWrite) {
            i |= ReadinessPoller.WRITE;
        }
        return i;
    }

    private void updateInterest() {
        if (!registered || state == CLOSED) {
            return;
        }
        int wanted = computeInterest();
        if (wanted != interest) {
            try {
                driver.poller.setInterest(socket, wanted);
                interest = wanted;
            } catch (IOException e) {
                abortNow(e);
            }
        }
    }

    private void deregister() {
        if (registered) {
            registered = false;
            driver.poller.deregister(socket);
        }
    }

    private void touch() {
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
            idleTimer = driver.loop.schedule(this::checkIdle, java.time.Duration.ofNanos(timeout - idleFor));
        }
    }

    private void onLoop(Runnable action) {
        if (driver.loop.inEventLoop()) {
            action.run();
        } else {
            try {
                driver.loop.execute(action);
            } catch (RejectedExecutionException terminated) {
                // The loop has ended and closed every connection already.
            }
        }
    }

    private String remoteOrUnknown() {
        InetSocketAddress r = remoteAddress;
        return r != null ? r.toString() : "peer";
    }

    @Override
    public EventLoop loop() {
        return driver.loop;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "Connection[" + localAddress + " -> " + remoteAddress + "]";
    }
}
