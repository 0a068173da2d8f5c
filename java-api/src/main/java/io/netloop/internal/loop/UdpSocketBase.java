package io.netloop.internal.loop;

import io.netloop.EventLoop;
import io.netloop.UdpHandler;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import io.netloop.internal.buffer.DatagramQueue;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every UDP socket does the same way whatever the core under it (readiness or completion):
 * the any-thread send queue, the checks of what is sent, the open and close futures, pausing,
 * multicast membership requests, and running callbacks so that one that throws closes the socket.
 * A core supplies how queued datagrams are sent, how datagrams are received and how the socket
 * closes.
 *
 * <p>State is the loop thread's, except {@link #queue} (its own lock) and the volatile flags.
 */
public abstract class UdpSocketBase implements UdpSocket {
    private static final Logger log = LoggerFactory.getLogger(UdpSocketBase.class);
    private static final VarHandle FLUSH_SCHEDULED;

    static {
        try {
            FLUSH_SCHEDULED = MethodHandles.lookup().findVarHandle(UdpSocketBase.class, "flushScheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    protected final EventLoopImpl loop;
    protected final UdpHandler handler;
    protected final UdpOptions options;
    /** Queued datagrams; the core sends from its head and removes what was sent. */
    protected final DatagramQueue queue;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private CompletableFuture<UdpSocket> openResult;

    private volatile InetSocketAddress localAddress;
    private volatile InetSocketAddress remoteAddress;
    private volatile boolean open = true;
    @SuppressWarnings("unused")
    private volatile boolean flushScheduled;
    private final LoopTask flushFromOtherThread = new LoopTask() {
        @Override
        public void run() {
            flushScheduled = false;
            if (!closedOnLoop) {
                sendRequested();
            }
        }
    };

    // Loop thread only.
    /** Set once the close has begun on the loop; the core's callbacks check it. */
    protected boolean closedOnLoop;
    /** Whether delivery is paused ({@link #pauseReading()}). */
    protected boolean paused;

    /**
     * @param remote     the connected peer, or {@code null}
     * @param openResult completed with this socket after {@code onOpen}
     */
    protected UdpSocketBase(EventLoopImpl loop, UdpHandler handler, UdpOptions options, InetSocketAddress remote,
                            CompletableFuture<UdpSocket> openResult) {
        this.loop = loop;
        this.handler = handler;
        this.options = options;
        this.remoteAddress = remote;
        this.openResult = openResult;
        this.queue = new DatagramQueue(options.sendQueueLimit());
    }

    // ---- what a core supplies, loop thread ----

    /** Datagrams were queued: send them when the current callbacks are done. */
    protected abstract void sendRequested();

    /** Delivery was paused or resumed ({@link #paused} says which). */
    protected abstract void readingChanged();

    /** Joins or leaves a multicast group, synchronously ({@code setsockopt}). */
    protected abstract void membership(boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException;

    /**
     * Closes the socket: after sending what is queued unless {@code abort}; ends with
     * {@link #notifyClosed}, now or once the kernel holds nothing of the socket.
     */
    protected abstract void closeOnLoop(Throwable cause, boolean abort);

    // ---- what the core calls, loop thread ----

    /** The socket is bound (and connected): runs {@code onOpen}, completes the open future. */
    protected final void opened(InetSocketAddress local) {
        localAddress = local;
        CompletableFuture<UdpSocket> r = openResult;
        openResult = null;
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            closeNow(t, true);
            r.completeExceptionally(t);
            return;
        }
        r.complete(this);
    }

    /**
     * Hands one datagram to the handler.
     *
     * @return {@code false} when the handler threw (the socket is then closing): stop delivering
     */
    protected final boolean deliver(ByteBuffer data, InetSocketAddress sender, boolean truncated) {
        loop.stats().datagramReceived(data.remaining());
        try {
            handler.onDatagram(this, data, sender, truncated);
            return true;
        } catch (Throwable t) {
            closeNow(t, true);
            return false;
        }
    }

    /** The kernel sent {@code count} datagrams of {@code bytes} in all. */
    protected final void sent(int count, long bytes) {
        loop.stats().datagramsSent(count, bytes);
    }

    /** Reports an error that leaves the socket open (a refused send, an ICMP error on a connected socket). */
    protected final void reportError(IOException error) {
        try {
            handler.onError(this, error);
        } catch (Throwable t) {
            closeNow(t, true);
        }
    }

    /** The last step of every close: {@code onClose}, then the close future. */
    protected final void notifyClosed(Throwable cause) {
        open = false;
        try {
            handler.onClose(this, cause);
        } catch (Throwable t) {
            log.warn("onClose of {} threw", this, t);
        } finally {
            closeFuture.complete(null);
        }
    }

    /** Closes from the loop: at once ({@code abort}) or after what is queued. Idempotent. */
    public final void closeNow(Throwable cause, boolean abort) {
        open = false;
        queue.stopOffers();
        if (!closedOnLoop) {
            closedOnLoop = true;
            closeOnLoop(cause, abort);
        } else if (abort) {
            closeOnLoop(cause, true);
        }
    }

    // ---- the public API ----

    @Override
    public final boolean send(ByteBuffer data, InetSocketAddress target) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(target, "target");
        if (data.remaining() > UdpOptions.MAX_DATAGRAM) {
            throw new IllegalArgumentException("a UDP datagram holds at most " + UdpOptions.MAX_DATAGRAM
                    + " bytes, this one " + data.remaining());
        }
        if (target.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + target
                    + "; resolve it first (new InetSocketAddress(InetAddress.getByName(host), port))");
        }
        InetSocketAddress local = localAddress;
        if (local != null && local.getAddress() instanceof Inet4Address && target.getAddress() instanceof Inet6Address) {
            throw new IllegalArgumentException("an IPv4 socket (" + local + ") cannot send to the IPv6 address " + target);
        }
        InetSocketAddress peer = remoteAddress;
        if (peer != null && !peer.equals(target)) {
            throw new IllegalArgumentException("this socket is connected to " + peer + ", not " + target);
        }
        if (!queue.offer(data, target)) {
            return false;
        }
        if (loop.inEventLoop()) {
            if (!closedOnLoop) {
                sendRequested();
            }
        } else if (FLUSH_SCHEDULED.compareAndSet(this, false, true)) {
            try {
                loop.execute(flushFromOtherThread);
            } catch (RejectedExecutionException terminated) {
                // The loop is gone; its shutdown closed this socket and dropped its queue.
            }
        }
        return true;
    }

    @Override
    public final boolean send(ByteBuffer data) {
        InetSocketAddress peer = remoteAddress;
        if (peer == null) {
            throw new IllegalStateException("this UDP socket is not connected: send(data, target) names the target");
        }
        return send(data, peer);
    }

    @Override
    public final long pendingSendBytes() {
        return Math.max(0, queue.bytes() - bytesInKernel());
    }

    /**
     * Any thread: bytes of queued datagrams the kernel already holds, which stay in the queue until
     * their sends complete (a completion backend's sends in flight) but are no longer pending; 0
     * where sending removes them at once (readiness).
     */
    protected long bytesInKernel() {
        return 0;
    }

    @Override
    public final CompletableFuture<Void> joinGroup(InetAddress group, NetworkInterface networkInterface) {
        return changeMembership(true, group, networkInterface);
    }

    @Override
    public final CompletableFuture<Void> leaveGroup(InetAddress group, NetworkInterface networkInterface) {
        return changeMembership(false, group, networkInterface);
    }

    private CompletableFuture<Void> changeMembership(boolean join, InetAddress group, NetworkInterface networkInterface) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(networkInterface, "networkInterface");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group + " is not a multicast address");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable action = () -> {
            if (closedOnLoop) {
                done.completeExceptionally(new java.nio.channels.ClosedChannelException());
                return;
            }
            try {
                membership(join, group, networkInterface);
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        };
        try {
            if (loop.inEventLoop()) {
                action.run();
            } else {
                loop.execute(action);
            }
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public final void pauseReading() {
        onLoop(() -> {
            if (!paused && !closedOnLoop) {
                paused = true;
                readingChanged();
            }
        });
    }

    @Override
    public final void resumeReading() {
        onLoop(() -> {
            if (paused && !closedOnLoop) {
                paused = false;
                readingChanged();
            }
        });
    }

    @Override
    public final CompletableFuture<Void> close() {
        open = false;
        queue.stopOffers();
        onLoop(() -> closeNow(null, false));
        return closeFuture;
    }

    @Override
    public final CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    @Override
    public final EventLoop loop() {
        return loop;
    }

    @Override
    public final InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public final InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    private void onLoop(Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
        } else {
            try {
                loop.execute(action);
            } catch (RejectedExecutionException terminated) {
                // The loop has ended and closed every socket already.
            }
        }
    }

    @Override
    public String toString() {
        InetSocketAddress peer = remoteAddress;
        return "UdpSocket[" + localAddress + (peer != null ? " -> " + peer : "") + "]";
    }
}
