package io.netloop.internal.readiness;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.ConnectionResetException;
import io.netloop.SocketOptions;
import io.netloop.internal.loop.ConnectionBase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection on a readiness backend: reads when the poller says the socket is readable and
 * writes until the socket's buffer is full, then waits for writability.
 */
final class ReadinessConnection extends ConnectionBase implements ReadyHandler, ReadinessDriver.Resumable,
        ReadinessDriver.Flushable {
    private static final Logger log = LoggerFactory.getLogger(ReadinessConnection.class);

    /** Reads per readiness event, so one busy peer cannot hold the loop. */
    private static final int MAX_READS_PER_EVENT = 16;
    /** Gathering writes per flush before the loop serves others (and waits for writability). */
    private static final int MAX_WRITES_PER_FLUSH = 16;

    private static final int INPUT_EVENTS = ReadinessPoller.READ | ReadinessPoller.READ_HANGUP
            | ReadinessPoller.HANGUP | ReadinessPoller.ERROR;

    private final ReadinessDriver driver;
    private final StreamSocket socket;

    // Loop thread only.
    private int interest = -1;
    private boolean registered;
    private boolean readPaused;
    private boolean inputShutdown;
    private boolean outputShutdown;
    private boolean closeRequested;
    private boolean wantWrite;
    private boolean inDirtyList;
    private boolean hangupWhilePaused;
    /** An event reported the peer's end of output or an error: reads go on to the end. */
    private boolean hangupSeen;
    /** Queued for {@link #resume()}: to read on (no new edge will come), to write on (a flush stopped at its cap). */
    private boolean readAgain;
    private boolean writeAgain;

    ReadinessConnection(ReadinessDriver driver, StreamSocket socket, ConnectionHandler handler,
                        SocketOptions options, CompletableFuture<Connection> connectResult) {
        super(driver.loop, driver.chunks, handler, options, connectResult);
        this.driver = driver;
        this.socket = socket;
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
        startConnectTimer();
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
            closedUnopened();
            log.debug("dropping an accepted connection that could not be registered", e);
            return;
        }
        SocketAddress local = socket.localAddress();
        opened(local, socket.remoteAddress(), local instanceof InetSocketAddress ? null : socket.peerCredentials());
    }

    @Override
    protected void failConnect(IOException e) {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        deregister();
        socket.close();
        discardOutput();
        driver.removed(this);
        closedUnopened();
        takeConnectResult().completeExceptionally(e);
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
        updateInterest();
        SocketAddress local = socket.localAddress();
        opened(local, socket.remoteAddress(), local instanceof InetSocketAddress ? null : socket.peerCredentials());
        if (state == OPEN) {
            markDirty(); // anything written in onOpen
        }
    }

    @Override
    public void resume() {
        boolean read = readAgain;
        boolean write = writeAgain;
        readAgain = false;
        writeAgain = false;
        if (state != OPEN) {
            return;
        }
        if (write && wantWrite) {
            flush();
            if (state != OPEN) {
                return;
            }
        }
        if (read && !readPaused && !inputShutdown && !closeRequested) {
            readSome(ReadinessPoller.READ);
        }
        flushDirty();
    }

    /** Asks for a {@link #resume()} next round, once however often it is asked for. */
    private void again(boolean read) {
        boolean queued = readAgain || writeAgain;
        if (read) {
            readAgain = true;
        } else {
            writeAgain = true;
        }
        if (!queued) {
            driver.again(this);
        }
    }

    private void readSome(int ops) {
        // After end of input is signalled no new edge comes, so read on to the end even when a read
        // comes back short. Otherwise a short read means the socket was empty at that moment, and
        // any later arrival raises a new event, in either trigger mode.
        // Remembered: when the reads it allows run out and the rest is read next round, the
        // end is no less there, and no new event will say so.
        hangupSeen |= (ops & (ReadinessPoller.READ_HANGUP | ReadinessPoller.HANGUP | ReadinessPoller.ERROR)) != 0;
        boolean readToEnd = hangupSeen;
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
                received(n);
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
            again(true); // no edge will come for what is already queued
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
    protected void markDirty() {
        if (!inDirtyList && state == OPEN) {
            inDirtyList = true;
            driver.markDirty(this);
        }
    }

    /** Sends what was written since the last flush, unless it was sent already or must wait for writability. */
    @Override
    public void flushDirty() {
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
        boolean shutdownNow;
        boolean blocked = false;
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
                    sent(n);
                    touch();
                }
                if (n < attempted) {
                    blocked = true; // the socket's buffer is full: wait until it is writable
                    break;
                }
            }
            empty = queue.isEmpty();
            wantWrite = !empty && failure == null;
            checkLowWaterMark();
            shutdownNow = empty && shutdownOutputRequested() && !outputShutdown;
        }
        if (failure != null) {
            // Outside the queue's lock: onClose is user code, and other threads may be writing.
            abortNow(failure);
            return;
        }
        updateInterest();
        if (!empty && !blocked) {
            // Stopped at the cap with room left in the socket: a poller that signals writability
            // only after a write would block (WSAEventSelect's FD_WRITE) would never wake us.
            again(false);
        }
        if (empty) {
            if (shutdownNow) {
                doShutdownOutput();
            }
            if (closeRequested && state == OPEN) {
                closeNow(null, false);
                return;
            }
        }
        syncWritability();
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

    // ---- closing ----

    @Override
    protected void closeGracefully() {
        if (state == CLOSED) {
            return;
        }
        if (state == CONNECTING) {
            failConnect(new ClosedChannelException());
            return;
        }
        closeRequested = true;
        stopWrites();
        closing();
        updateInterest();
        markDirty(); // flush() closes once the queue is empty
    }

    @Override
    protected void closeNow(Throwable cause, boolean abortive) {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        closing();
        deregister();
        if (abortive) {
            socket.abort();
        } else {
            socket.close();
        }
        discardOutput();
        driver.removed(this);
        notifyClosed(cause);
    }

    // ---- reading control ----

    @Override
    protected void pauseNow() {
        if (state == OPEN && !readPaused) {
            readPaused = true;
            updateInterest();
        }
    }

    @Override
    protected void resumeNow() {
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
        again(true);
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
}
