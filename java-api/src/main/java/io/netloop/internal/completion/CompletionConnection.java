package io.netloop.internal.completion;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.SocketOptions;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.loop.ConnectionBase;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A connection on a completion backend. At most one receive and one send are posted at a time; a
 * send names the head chunks of the write queue, which are consumed only when it completes.
 *
 * <p>Closing: the connection turns {@link #CLOSED} at once (no more callbacks but {@code onClose}),
 * cancels what it has posted, and once every completion is back closes the socket as an operation;
 * that completion runs {@code onClose}. Until then the write queue, the receive buffer and the
 * operations stay lent to the kernel.
 */
final class CompletionConnection extends ConnectionBase implements Operation.Owner {
    /** Short reads in a row after which the next receive takes a buffer one size class down. */
    private static final int SHRINK_AFTER = 8;
    /** Reads made at once after a receive that filled its buffer; as many as a readiness backend makes per event, less the receive. */
    private static final int MAX_READS_NOW = 15;

    private final CompletionDriver driver;
    private final CompletionPort port;
    private final long socket;

    // Loop thread only.
    private Operation receiving;
    /** Whether {@link #receiving} is multishot: it stays posted, completing once per buffer of data. */
    private boolean receivingMultishot;
    private Operation sending;
    private Operation connecting;
    /** Operations of this connection the kernel holds. */
    private int posted;
    private boolean readPaused;
    private boolean inputShutdown;
    private boolean outputShutdown;
    private boolean closeRequested;
    private boolean inDirtyList;
    /**
     * Data that completed while reading was paused, in order, delivered on resume ({@code null} when
     * none): more than one buffer only from a multishot receive, which completes until its
     * cancellation is through. {@code heldEnd}: end of input did.
     */
    private ArrayDeque<Held> held;
    private boolean heldEnd;
    /**
     * The receive buffer's size class: up at once when a read fills it, down after
     * {@link #SHRINK_AFTER} reads that fit the class below. Where the port picks receive buffers,
     * classes up to its shared size post receives without a buffer, so only a connection whose
     * reads fill a shared buffer (a stream) holds one of its own, and gives it back once its reads
     * are short again.
     */
    private int receiveClass;
    private int shortReads;
    private boolean socketClosing;
    private boolean reportClose;
    private Throwable closeCause;

    CompletionConnection(CompletionDriver driver, long socket, ConnectionHandler handler, SocketOptions options,
                         CompletableFuture<Connection> connectResult) {
        super(driver.loop, driver.chunks, handler, options, connectResult);
        this.driver = driver;
        this.port = driver.port;
        this.socket = socket;
    }

    // ---- opening ----

    void startAccepted() {
        SocketAddress local = port.localAddress(socket);
        opened(local, port.remoteAddress(socket), local instanceof InetSocketAddress ? null : port.peerCredentials(socket));
        if (state == OPEN) {
            postReceive();
        }
    }

    void startConnecting(SocketAddress remote) {
        Operation op = driver.take(Operation.CONNECT, this);
        try {
            port.connect(op, socket, remote);
        } catch (IOException e) {
            driver.give(op);
            failConnect(e);
            return;
        }
        connecting = op;
        started(op);
        startConnectTimer();
    }

    private void connectCompleted(long result) {
        if (state != CONNECTING) {
            return; // timed out or closed meanwhile; the failure was reported then
        }
        if (result < 0) {
            failConnect(port.exception("connect", (int) -result));
            return;
        }
        try {
            port.connected(socket);
        } catch (IOException e) {
            failConnect(e);
            return;
        }
        state = OPEN;
        SocketAddress local = port.localAddress(socket);
        opened(local, port.remoteAddress(socket), local instanceof InetSocketAddress ? null : port.peerCredentials(socket));
        if (state == OPEN) {
            postReceive();
            markDirty(); // anything written in onOpen
        }
    }

    @Override
    protected void failConnect(IOException e) {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        CompletableFuture<Connection> r = takeConnectResult();
        stopWrites();
        closedUnopened();
        tearDown();
        r.completeExceptionally(e);
    }

    // ---- completions ----

    @Override
    public void completed(Operation op, long result, boolean more) {
        if (!more) {
            posted--;
        }
        switch (op.kind) {
            case Operation.CONNECT -> {
                connecting = null;
                connectCompleted(result);
            }
            case Operation.RECEIVE -> {
                if (!more) {
                    receiving = null;
                    receivingMultishot = false;
                }
                receiveCompleted(op, result);
            }
            case Operation.SEND -> {
                sending = null;
                sendCompleted(result);
            }
            case Operation.CLOSE -> {
                closeCompleted();
                return;
            }
            default -> throw new IllegalStateException("a connection got the completion of " + op);
        }
        if (state == CLOSED) {
            continueClosing();
        }
    }

    // ---- reading ----

    private void postReceive() {
        if (receiving != null || state != OPEN || readPaused || inputShutdown || closeRequested || held != null) {
            return;
        }
        boolean multishot;
        Operation op = driver.take(Operation.RECEIVE, this);
        if (driver.receiveSizes[receiveClass] > driver.sharedReceiveSize) {
            op.buffer = driver.takeBuffer(receiveClass);
        }
        try {
            multishot = port.receive(op, socket, op.buffer);
        } catch (IOException e) {
            driver.give(op);
            abortNow(e);
            return;
        }
        receiving = op;
        receivingMultishot = multishot;
        started(op);
    }

    private void receiveCompleted(Operation op, long result) {
        if ((op.completionFlags & CompletionPort.Completions.PORT_BUFFER) == 0) {
            receiveCompleted(op.buffer, op, result);
            return;
        }
        ReadBuffer picked = port.receivedBuffer(op.completionFlags);
        try {
            receiveCompleted(picked, null, result);
        } finally {
            port.releaseBuffer(picked);
        }
    }

    /**
     * @param buffer where the data is
     * @param op the operation that lent {@code buffer}, which may keep it while reading is paused;
     *           {@code null} when the port picked the buffer and takes it back on return
     */
    private void receiveCompleted(ReadBuffer buffer, Operation op, long result) {
        if (state != OPEN || closeRequested) {
            return; // closing: what arrived is dropped, as a readiness backend would leave it unread
        }
        if (result < 0) {
            if (port.isOutOfBuffers((int) -result)) {
                postReceive(); // every shared buffer was in use; they are being given back meanwhile
                return;
            }
            if (port.isCancelled((int) -result)) {
                postReceive(); // a multishot receive stopped for a pause or for a buffer of the connection's own
                return;
            }
            abortNow(port.exception("read", (int) -result));
            return;
        }
        if (result == 0) {
            if (readPaused) {
                heldEnd = true;
            } else {
                inputEnded();
            }
            return;
        }
        touch();
        adaptReceiveSize((int) result, buffer.capacity());
        boolean multishot = receivingMultishot && receiving != null;
        if (multishot && driver.receiveSizes[receiveClass] > driver.sharedReceiveSize) {
            driver.cancel(receiving); // its reads fill shared buffers: the next receive takes one of its own
        }
        if (readPaused) {
            ReadBuffer keep;
            if (op != null) {
                keep = buffer; // kept past the operation's return to the pool
                op.buffer = null;
            } else {
                keep = driver.takeBuffer(classFor((int) result)); // the port's buffer goes back now
                MemorySegment.copy(buffer.segment(), 0, keep.segment(), 0, result);
            }
            if (held == null) {
                held = new ArrayDeque<>(2);
            }
            held.add(new Held(keep, (int) result));
            return;
        }
        deliver(buffer, (int) result);
        if (result == buffer.capacity() && !multishot) {
            // Not while a multishot receive is posted: what it has completed but not yet handed
            // over came first, and a read now would overtake it.
            readOn(buffer);
        }
        postReceive();
    }

    /** The smallest receive size class that holds {@code length} bytes. */
    private int classFor(int length) {
        int[] sizes = driver.receiveSizes;
        int c = 0;
        while (c < sizes.length - 1 && sizes[c] < length) {
            c++;
        }
        return c;
    }

    /**
     * A receive filled its buffer, so more is likely waiting: reads it now, without waiting, as a
     * readiness backend would, up to {@link #MAX_READS_NOW} buffers. A stream then costs one
     * completion round trip per that many buffers instead of per buffer.
     */
    private void readOn(ReadBuffer buffer) {
        int capacity = buffer.capacity();
        for (int i = 0; i < MAX_READS_NOW && state == OPEN && !readPaused && !closeRequested; i++) {
            int n;
            try {
                n = port.receiveNow(socket, buffer);
            } catch (IOException e) {
                abortNow(e);
                return;
            }
            if (n == 0) {
                return;
            }
            if (n < 0) {
                inputEnded();
                return;
            }
            touch();
            deliver(buffer, n);
            if (n < capacity) {
                return;
            }
        }
    }

    /** After a receive of {@code read} bytes into a buffer of {@code capacity}, own or the port's. */
    private void adaptReceiveSize(int read, int capacity) {
        int[] sizes = driver.receiveSizes;
        if (read == capacity) {
            receiveClass = Math.max(receiveClass, Math.min(classFor(capacity) + 1, sizes.length - 1));
            shortReads = 0;
        } else if (receiveClass > 0 && read <= sizes[receiveClass - 1]) {
            if (++shortReads >= SHRINK_AFTER) {
                receiveClass--;
                shortReads = 0;
            }
        } else {
            shortReads = 0;
        }
    }

    private void deliver(ReadBuffer buffer, int length) {
        received(length);
        try {
            handler.onData(this, buffer.userView(length));
        } catch (Throwable t) {
            abortNow(t);
        }
    }

    private void inputEnded() {
        inputShutdown = true;
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

    @Override
    protected void pauseNow() {
        if (state == OPEN) {
            readPaused = true; // a receive already posted completes into held data
            if (receivingMultishot && receiving != null) {
                driver.cancel(receiving); // or it would go on completing
            }
        }
    }

    @Override
    protected void resumeNow() {
        if (state != OPEN || !readPaused) {
            return;
        }
        readPaused = false;
        while (held != null) {
            Held h = held.poll();
            if (held.isEmpty()) {
                held = null;
            }
            deliver(h.buffer, h.length);
            driver.giveBuffer(h.buffer);
            if (state != OPEN || readPaused) {
                return;
            }
        }
        if (heldEnd) {
            heldEnd = false;
            inputEnded();
            return;
        }
        postReceive();
    }

    // ---- writing ----

    @Override
    protected void markDirty() {
        if (!inDirtyList && state == OPEN) {
            inDirtyList = true;
            driver.markDirty(this);
        }
    }

    void flushDirty() {
        inDirtyList = false;
        flush();
    }

    private void flush() {
        if (state != OPEN || sending != null) {
            return;
        }
        boolean empty;
        boolean shutdownNow;
        IOException failure = null;
        synchronized (queue) {
            empty = queue.isEmpty();
            shutdownNow = empty && shutdownOutputRequested() && !outputShutdown;
            if (!empty) {
                Operation op = driver.take(Operation.SEND, this);
                try {
                    port.send(op, socket, queue, Math.min(queue.chunkCount(), port.maxGather()));
                    sending = op;
                    started(op);
                } catch (IOException e) {
                    driver.give(op);
                    failure = e;
                }
            }
        }
        if (failure != null) {
            abortNow(failure);
            return;
        }
        if (empty) {
            if (shutdownNow) {
                shutdownOutputNow();
            }
            if (closeRequested && state == OPEN) {
                closeNow(null, false);
            }
        }
    }

    private void sendCompleted(long result) {
        if (state != OPEN) {
            return; // closing: the queue is discarded once nothing refers to its chunks
        }
        if (result < 0) {
            abortNow(port.exception("write", (int) -result));
            return;
        }
        synchronized (queue) {
            queue.consume(result);
            checkLowWaterMark();
            sent(result);
        }
        touch();
        flush();
        syncWritability();
    }

    private void shutdownOutputNow() {
        outputShutdown = true;
        try {
            port.shutdownOutput(socket);
        } catch (IOException e) {
            abortNow(e);
            return;
        }
        if (inputShutdown) {
            closeNow(null, false);
        }
    }

    // ---- closing ----

    @Override
    protected void closeGracefully() {
        if (state == CLOSED || closeRequested) {
            return;
        }
        if (state == CONNECTING) {
            failConnect(new ClosedChannelException());
            return;
        }
        closeRequested = true;
        stopWrites();
        closing();
        flush(); // closes now if nothing is queued or being sent; else when the last send completes
    }

    @Override
    protected void closeNow(Throwable cause, boolean abortive) {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        closing();
        stopWrites();
        reportClose = true;
        closeCause = cause;
        if (abortive) {
            port.resetOnClose(socket);
        }
        tearDown();
    }

    /** Cancels what is posted; {@link #continueClosing()} finishes once it is all back. */
    private void tearDown() {
        driver.cancel(receiving);
        driver.cancel(sending);
        driver.cancel(connecting);
        if (held != null) {
            for (Held h : held) {
                driver.giveBuffer(h.buffer);
            }
            held = null;
        }
        continueClosing();
    }

    private void continueClosing() {
        if (posted > 0 || socketClosing) {
            return;
        }
        socketClosing = true;
        discardOutput(); // no send names the chunks any more
        Operation op = driver.take(Operation.CLOSE, this);
        port.close(op, socket);
        started(op);
    }

    private void closeCompleted() {
        driver.removed(this);
        if (reportClose) {
            notifyClosed(closeCause);
        }
    }

    /** Data received while reading was paused, in a buffer of the core's. */
    private record Held(ReadBuffer buffer, int length) {
    }

    private void started(Operation op) {
        posted++;
        driver.posted(op);
    }

}
