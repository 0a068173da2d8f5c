package io.netloop.internal.completion;

import io.netloop.UdpHandler;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.loop.UdpSocketBase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A UDP socket on a completion backend. It keeps {@link UdpOptions#receiveBatch()} receives posted,
 * each with a buffer of {@code maxDatagramSize} bytes of its own, or, where the port picks receive
 * buffers for the socket ({@link CompletionPort#datagramBuffers}), one multishot receive that
 * completes once per datagram; and up to {@link #MAX_SENDS} sends in flight, one datagram each,
 * naming the datagram where it lies in the socket's {@link io.netloop.internal.buffer.DatagramQueue}.
 *
 * <p>A datagram is removed from the queue only once its send and every earlier one have completed
 * (whatever order the sends complete in), so the queue never moves bytes the kernel may still read.
 *
 * <p>Pausing: receives already posted complete into held datagrams, delivered on resume; a
 * multishot receive is cancelled (what it completes until then is held too, in the port's buffers),
 * and nothing is posted again until resumed. Closing follows {@link CompletionConnection}: cancel
 * what is posted (after the queued datagrams are sent, unless aborting), and once every completion
 * is back close the socket as an operation; that completion frees the socket's memory and runs
 * {@code onClose}.
 */
final class CompletionUdpSocket extends UdpSocketBase implements Operation.Owner {
    /** Sends in flight at most: enough to keep the kernel busy, few enough that one socket does not fill the submission queue. */
    static final int MAX_SENDS = 32;

    private final CompletionDriver driver;
    private final CompletionPort port;
    private final long socket;
    private final boolean connected;
    private final int batch;
    private final int maxDatagramSize;
    /** Reused for every datagram received. */
    private final ReceivedDatagram received = new ReceivedDatagram();

    // Loop thread only.
    /** The port's buffers for this socket's receives, or {@code null} when each receive holds one of {@link #ownBuffers}. */
    private CompletionPort.DatagramBuffers portBuffers;
    /**
     * Receive buffers of this socket not lent to a receive or held; {@link #ownBufferCount} made in
     * all, each freed when the socket's last completion is reaped.
     */
    private final ArrayDeque<ReadBuffer> ownBuffers = new ArrayDeque<>();
    private int ownBufferCount;
    /** Receives posted; with a multishot receive, at most that one. */
    private final List<Operation> receiving = new ArrayList<>();
    private boolean multishot;
    /**
     * The sends in flight or completed but not yet removed, for the queue's datagrams 0 to
     * {@link #sendsLent}-1, in queue order from {@link #sendHead} in these circular arrays.
     */
    private final Operation[] sends = new Operation[MAX_SENDS];
    private final boolean[] sendDone = new boolean[MAX_SENDS];
    private final int[] sendError = new int[MAX_SENDS];
    private final int[] sendLength = new int[MAX_SENDS];
    private int sendHead;
    private int sendsLent;
    /** Bytes of the lent datagrams: written on the loop thread, read by {@link #bytesInKernel()} on any. */
    private volatile long lentBytes;
    private boolean completingSends;
    /** Datagrams that arrived while paused, delivered on resume ({@code null} when none). */
    private ArrayDeque<Held> held;
    /** Operations of this socket the kernel holds. */
    private int posted;
    private boolean abortClose;
    private boolean socketClosing;
    private Throwable closeCause;
    private boolean closed;

    CompletionUdpSocket(CompletionDriver driver, long socket, UdpHandler handler, UdpOptions options, InetSocketAddress remote,
                        CompletableFuture<UdpSocket> openResult) {
        super(driver.loop, handler, options, remote, openResult);
        this.driver = driver;
        this.port = driver.port;
        this.socket = socket;
        this.connected = remote != null;
        this.batch = options.receiveBatch();
        this.maxDatagramSize = options.maxDatagramSize();
    }

    /** Sets up receiving and runs {@code onOpen}; on failure closes the socket and throws (no callback ran). */
    void start() throws IOException {
        portBuffers = port.datagramBuffers(socket, maxDatagramSize, batch);
        opened((InetSocketAddress) port.localAddress(socket));
        postReceives();
    }

    // ---- completions ----

    @Override
    public void completed(Operation op, long result, boolean more) {
        if (!more) {
            posted--;
        }
        switch (op.kind) {
            case Operation.RECEIVE_FROM -> {
                try {
                    receiveCompleted(op, result, more);
                } finally {
                    op.buffer = null; // this socket's, not the driver's pools': it went back to ownBuffers or is held
                }
            }
            case Operation.SEND_TO -> sendCompleted(op, result);
            case Operation.CLOSE -> {
                closeCompleted();
                return;
            }
            default -> throw new IllegalStateException("a UDP socket got the completion of " + op);
        }
        if (closedOnLoop) {
            continueClosing();
        }
    }

    // ---- receiving ----

    private void postReceives() {
        while (!closedOnLoop && !paused && held == null
                && (receiving.isEmpty() || !multishot && receiving.size() < batch)) {
            Operation op = driver.take(Operation.RECEIVE_FROM, this);
            if (portBuffers == null) {
                op.buffer = takeOwnBuffer();
            }
            boolean ms;
            try {
                ms = port.receiveFrom(op, socket, op.buffer, portBuffers);
            } catch (IOException | RuntimeException e) {
                giveOwnBuffer(op);
                driver.give(op);
                closeNow(e, true);
                return;
            }
            multishot = ms;
            receiving.add(op);
            started(op);
        }
    }

    private void receiveCompleted(Operation op, long result, boolean more) {
        if (!more) {
            receiving.remove(op);
        }
        ReadBuffer own = op.buffer;
        received.portBuffer = -1;
        received.truncated = false;
        if (closedOnLoop) {
            if (result >= 0) {
                port.receivedDatagram(op, result, op.completionFlags, portBuffers, received);
                releasePortBuffer(received.portBuffer);
            }
            giveOwnBuffer(own);
            return; // closing: what arrived is dropped
        }
        if (result < 0) {
            giveOwnBuffer(own);
            int error = (int) -result;
            if (port.isCancelled(error) || port.isOutOfBuffers(error)) {
                // Cancelled for a pause, or every port buffer was in use (they are given back as
                // datagrams are delivered): post again unless paused.
                postReceives();
            } else if (port.isPortUnreachable(error)) {
                reportError(portUnreachable());
                postReceives();
            } else {
                closeNow(port.exception("receive", error), true);
            }
            return;
        }
        port.receivedDatagram(op, result, op.completionFlags, portBuffers, received);
        if (paused) {
            if (held == null) {
                held = new ArrayDeque<>(4);
            }
            held.add(new Held(received.data, received.data.position(), received.data.limit(), received.sender,
                    received.truncated, own, received.portBuffer));
            return;
        }
        boolean delivered = deliver(received.data, received.sender, received.truncated);
        releasePortBuffer(received.portBuffer);
        giveOwnBuffer(own);
        if (delivered && !more) {
            postReceives();
        }
    }

    private PortUnreachableException portUnreachable() {
        return new PortUnreachableException("the port of " + remoteAddress() + " is unreachable (an ICMP message)");
    }

    private ReadBuffer takeOwnBuffer() {
        ReadBuffer b = ownBuffers.poll();
        if (b == null) {
            b = new ReadBuffer(maxDatagramSize);
            ownBufferCount++;
        }
        return b;
    }

    private void giveOwnBuffer(Operation op) {
        giveOwnBuffer(op.buffer);
        op.buffer = null;
    }

    private void giveOwnBuffer(ReadBuffer b) {
        if (b != null) {
            ownBuffers.push(b);
        }
    }

    private void releasePortBuffer(int portBuffer) {
        if (portBuffer >= 0) {
            portBuffers.release(portBuffer);
        }
    }

    @Override
    protected void readingChanged() {
        if (paused) {
            if (multishot) {
                for (Operation op : receiving) {
                    driver.cancel(op); // or it would go on completing; what it completes meanwhile is held
                }
            }
            return;
        }
        while (held != null) {
            Held h = held.poll();
            if (held.isEmpty()) {
                held = null;
            }
            h.data.limit(h.limit).position(h.position);
            boolean delivered = deliver(h.data, h.sender, h.truncated);
            releasePortBuffer(h.portBuffer);
            giveOwnBuffer(h.own);
            if (!delivered || paused || closedOnLoop) {
                return;
            }
        }
        postReceives();
    }

    // ---- sending ----

    @Override
    protected void sendRequested() {
        if (!completingSends) {
            flush();
        }
    }

    private void flush() {
        int queued = queue.size();
        while (sendsLent < MAX_SENDS && sendsLent < queued && !(closedOnLoop && abortClose)) {
            Operation op = driver.take(Operation.SEND_TO, this);
            try {
                port.sendTo(op, socket, queue, sendsLent, connected);
            } catch (IOException | RuntimeException e) {
                driver.give(op);
                closeNow(e, true);
                return;
            }
            int slot = (sendHead + sendsLent) % MAX_SENDS;
            sends[slot] = op;
            sendDone[slot] = false;
            sendLength[slot] = queue.length(sendsLent);
            lentBytes += sendLength[slot];
            sendsLent++;
            started(op);
        }
    }

    private void sendCompleted(Operation op, long result) {
        int slot = sendHead;
        for (int k = 0; k < sendsLent && sends[slot] != op; k++) {
            slot = (slot + 1) % MAX_SENDS;
        }
        sends[slot] = null;
        sendDone[slot] = true;
        sendError[slot] = result < 0 ? (int) -result : 0;
        if (closedOnLoop && abortClose) {
            return; // the queue is dropped whole once nothing refers to it
        }
        List<IOException> errors = null;
        while (sendsLent > 0 && sendDone[sendHead]) {
            int error = sendError[sendHead];
            if (error != 0 && !port.isCancelled(error)) {
                if (errors == null) {
                    errors = new ArrayList<>(2);
                }
                errors.add(port.isPortUnreachable(error) ? portUnreachable()
                        : port.exception("send to " + queue.target(0), error));
            }
            long bytes = queue.remove(1); // sent, or refused by the kernel: dropped either way
            if (error == 0) {
                sent(1, bytes);
            }
            lentBytes -= sendLength[sendHead];
            sendDone[sendHead] = false;
            sendHead = (sendHead + 1) % MAX_SENDS;
            sendsLent--;
        }
        if (errors != null && !closedOnLoop) {
            completingSends = true; // sends the handler queues now are posted below, in order
            try {
                for (IOException e : errors) {
                    reportError(e);
                }
            } finally {
                completingSends = false;
            }
        }
        flush();
    }

    @Override
    protected long bytesInKernel() {
        return lentBytes;
    }

    // ---- multicast ----

    @Override
    protected void membership(boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException {
        port.membership(socket, join, group, networkInterface);
    }

    // ---- closing ----

    @Override
    protected void closeOnLoop(Throwable cause, boolean abort) {
        if (closeCause == null) {
            closeCause = cause;
        }
        abortClose |= abort;
        for (Operation op : receiving) {
            driver.cancel(op);
        }
        if (held != null) {
            for (Held h : held) {
                releasePortBuffer(h.portBuffer);
                giveOwnBuffer(h.own);
            }
            held = null;
        }
        if (abortClose) {
            for (Operation op : sends) {
                driver.cancel(op);
            }
        } else {
            flush();
        }
        continueClosing();
    }

    /** Once nothing is posted (and, closing gracefully, nothing is left to send): closes the socket as an operation. */
    private void continueClosing() {
        if (posted > 0 || socketClosing || !abortClose && queue.size() > 0) {
            return;
        }
        socketClosing = true;
        Operation op = driver.take(Operation.CLOSE, this);
        port.close(op, socket);
        started(op);
    }

    private void closeCompleted() {
        freeMemory();
        driver.removed(this);
        notifyClosed(closeCause);
    }

    /** The socket is closed and none of its operations is posted: nothing of its memory is the kernel's. */
    private void freeMemory() {
        closed = true;
        if (portBuffers != null) {
            portBuffers.close();
        }
        for (ReadBuffer b : ownBuffers) {
            b.close();
        }
        ownBuffers.clear();
        ownBufferCount = 0;
        queue.close();
    }

    /** The socket failed to start: closes it at once, nothing being posted. */
    void failStart() {
        if (portBuffers != null) {
            portBuffers.close();
        }
        port.closeNow(socket);
        closed = true;
        queue.close();
    }

    /** Native memory this socket holds: its send queue's ring and its receive buffers. */
    long nativeBytes() {
        if (closed) {
            return 0;
        }
        return queue.nativeBytes() + (long) ownBufferCount * maxDatagramSize
                + (portBuffers != null ? portBuffers.nativeBytes() : 0);
    }

    private void started(Operation op) {
        posted++;
        driver.posted(op);
    }

    /** A datagram received while paused: its view as the port set it, and the buffer to give back after delivery. */
    private record Held(ByteBuffer data, int position, int limit, InetSocketAddress sender, boolean truncated,
                        ReadBuffer own, int portBuffer) {
    }
}
