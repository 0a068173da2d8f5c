package io.netloop.internal.readiness;

import io.netloop.UdpHandler;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import io.netloop.internal.loop.UdpSocketBase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.util.concurrent.CompletableFuture;

/**
 * A UDP socket on a readiness backend. Registered for reading while not paused; on readiness it
 * receives in batches ({@code recvmmsg} where the backend has it) up to a budget per event, and
 * an edge-triggered poller, which will not report what is already queued again, resumes it next
 * round. Datagrams queued by {@code send} go out from the queue's head in batches
 * ({@code sendmmsg}) once the current callbacks are done; writability is watched only while the
 * kernel's send buffer is full.
 *
 * <p>A datagram the kernel refuses to send is dropped and reported ({@code onError}), and the rest
 * go on; so is a receive that reports the connected peer's port unreachable. Any other receive
 * failure closes the socket.
 */
final class ReadinessUdpSocket extends UdpSocketBase implements ReadyHandler, ReadinessDriver.Resumable,
        ReadinessDriver.Flushable {
    /** Receive calls per readiness event (each up to {@code receiveBatch} datagrams), so one busy socket cannot hold the loop. */
    private static final int MAX_RECEIVES_PER_EVENT = 8;
    /** Datagrams handed to one send call. */
    static final int SEND_BATCH = 64;
    /** Send calls per flush before the loop serves others. */
    private static final int MAX_SENDS_PER_FLUSH = 16;

    private final ReadinessDriver driver;
    private final DatagramSocketOps socket;

    // Loop thread only.
    private boolean registered;
    private int interest = -1;
    /** The kernel's send buffer was full: writability is watched. */
    private boolean wantWrite;
    private boolean inDirtyList;
    private boolean readAgain;
    private boolean writeAgain;
    /** A graceful close waits for the queue to drain. */
    private boolean closeRequested;
    private Throwable closeCause;
    private boolean closed;

    ReadinessUdpSocket(ReadinessDriver driver, DatagramSocketOps socket, UdpHandler handler, UdpOptions options,
                       InetSocketAddress remote, CompletableFuture<UdpSocket> result) {
        super(driver.loop, handler, options, remote, result);
        this.driver = driver;
        this.socket = socket;
    }

    /** Registers for reading and runs {@code onOpen}; on failure closes the socket and fails the open. */
    boolean start(CompletableFuture<UdpSocket> result) {
        try {
            driver.poller.register(socket, this, ReadinessPoller.READ);
            registered = true;
            interest = ReadinessPoller.READ;
        } catch (IOException e) {
            socket.close();
            closedOnLoop = true;
            closed = true;
            queue.close();
            result.completeExceptionally(e);
            return false;
        }
        opened(socket.localAddress());
        if (!closed) {
            flushDirty(); // anything sent in onOpen
        }
        return true;
    }

    // ---- events ----

    @Override
    public void onReady(int ops) {
        if (closed) {
            return;
        }
        if ((ops & ReadinessPoller.WRITE) != 0 && wantWrite) {
            flush();
            if (closed) {
                return;
            }
        }
        if ((ops & (ReadinessPoller.READ | ReadinessPoller.ERROR | ReadinessPoller.HANGUP | ReadinessPoller.READ_HANGUP)) != 0) {
            if (!paused && !closeRequested) {
                receiveSome();
            } else if ((ops & ReadinessPoller.ERROR) != 0) {
                // Reported whatever the interest: take the error so a level-triggered poller does not spin on it.
                IOException e = socket.pendingError();
                if (e != null) {
                    reportError(e);
                }
            }
        }
        flushDirty();
    }

    @Override
    public void resume() {
        boolean read = readAgain;
        boolean write = writeAgain;
        readAgain = false;
        writeAgain = false;
        if (closed) {
            return;
        }
        if (write && !wantWrite) {
            flush();
            if (closed) {
                return;
            }
        }
        if (read && !paused && !closeRequested) {
            receiveSome();
        }
        flushDirty();
    }

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

    private void receiveSome() {
        DatagramBatch batch = driver.datagramBatch(options.receiveBatch(), options.maxDatagramSize());
        for (int calls = 0; calls < MAX_RECEIVES_PER_EVENT; calls++) {
            int n;
            try {
                n = socket.receive(batch);
            } catch (PortUnreachableException e) {
                reportError(e);
                if (closedOnLoop || paused) {
                    return;
                }
                continue;
            } catch (IOException e) {
                closeNow(e, true);
                return;
            }
            if (n == 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                if (!deliver(batch.view(i), batch.sender(i), batch.truncated(i)) || closedOnLoop) {
                    return;
                }
            }
            if (paused) {
                return;
            }
            if (n < batch.slots() && !driver.edgeTriggered) {
                // The kernel had no more (or an error is next, which the poller reports again):
                // a level-triggered poller says so while anything is left. An edge-triggered one
                // reads on until the kernel says it would block, since an error that cut this
                // batch short raises no new edge for the datagrams behind it.
                return;
            }
        }
        if (driver.edgeTriggered) {
            again(true); // no edge will come for what is already queued
        }
    }

    // ---- sending ----

    @Override
    protected void sendRequested() {
        if (!inDirtyList && !closed) {
            inDirtyList = true;
            driver.markDirty(this);
        }
    }

    @Override
    public void flushDirty() {
        if (!inDirtyList) {
            return;
        }
        inDirtyList = false;
        if (!wantWrite && !closed) {
            flush();
        }
    }

    private void flush() {
        wantWrite = false;
        boolean blocked = false;
        for (int calls = 0; calls < MAX_SENDS_PER_FLUSH; calls++) {
            int queued = queue.size();
            if (queued == 0) {
                break;
            }
            int max = Math.min(queued, SEND_BATCH);
            int n;
            try {
                n = socket.send(queue, 0, max);
            } catch (IOException refused) {
                queue.remove(1);
                reportError(refused);
                if (closed) {
                    return;
                }
                continue;
            }
            if (n > 0) {
                sent(n, queue.remove(n));
            } else {
                blocked = true; // the send buffer is full: wait until it is writable
                break;
            }
        }
        boolean empty = queue.size() == 0;
        wantWrite = blocked && !empty;
        updateInterest();
        if (!empty && !blocked) {
            again(false); // stopped at the cap with room left: a poller may never report writability
        }
        if (empty && closeRequested) {
            finish(closeCause);
        }
    }

    // ---- the rest of what the base asks ----

    @Override
    protected void readingChanged() {
        updateInterest();
        if (!paused) {
            again(true); // what arrived while paused raised its edge already
        }
    }

    @Override
    protected void membership(boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException {
        socket.membership(join, group, networkInterface);
    }

    @Override
    protected void closeOnLoop(Throwable cause, boolean abort) {
        if (closed) {
            return;
        }
        if (abort || queue.size() == 0) {
            finish(cause);
            return;
        }
        closeRequested = true;
        closeCause = cause;
        updateInterest();
        sendRequested(); // flush() finishes once the queue is empty
    }

    private void finish(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        closedOnLoop = true;
        if (registered) {
            registered = false;
            driver.poller.deregister(socket);
        }
        socket.close();
        queue.close(); // the kernel copied every datagram it took: it reads none of the ring
        driver.removed(this);
        notifyClosed(cause);
    }

    private void updateInterest() {
        if (!registered || closed) {
            return;
        }
        int wanted = (paused || closeRequested ? 0 : ReadinessPoller.READ) | (wantWrite ? ReadinessPoller.WRITE : 0);
        if (wanted != interest) {
            try {
                driver.poller.setInterest(socket, wanted);
                interest = wanted;
            } catch (IOException e) {
                closeNow(e, true);
            }
        }
    }

    /** Native bytes of the send queue, until closed. */
    long nativeBytes() {
        return queue.nativeBytes();
    }
}
