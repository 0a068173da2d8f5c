package io.netloop.internal.readiness;

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
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readiness core: one loop's connections, acceptors, UDP sockets, receive buffers and write chunks on top of
 * any {@link ReadinessPoller}. Every readiness backend (epoll LT and ET, NIO, WSAEventSelect) is
 * this class plus a poller.
 */
public final class ReadinessDriver implements IoDriver {
    private static final Logger log = LoggerFactory.getLogger(ReadinessDriver.class);

    /**
     * Native memory a loop keeps pooled for write queues before it lets the GC free the excess.
     * Every connection with output queued holds at least one 16 KiB chunk, so fan-out to a
     * thousand connections needs 16 MiB; past the cap each chunk would cost an automatic arena, a
     * Cleaner and garbage (seen with JFR in the fan-out benchmark). Slabs are only made as needed.
     */
    private static final long MAX_POOLED_WRITE_BYTES = 64L * 1024 * 1024;

    final DriverContext context;
    private final WaitRecorder waits;
    final EventLoopImpl loop;
    final ReadinessPoller poller;
    final boolean edgeTriggered;
    /** The loop's receive buffer, shared by its connections in turn; closed with the driver. */
    final ReadBuffer readBuffer;
    /** Chunks for every write queue of this loop; closed with the driver. */
    final ChunkPool chunks = new ChunkPool(MAX_POOLED_WRITE_BYTES);
    private final Set<ReadinessConnection> connections = new HashSet<>();
    private final Set<Acceptor> acceptors = new HashSet<>();
    private final Set<ReadinessUdpSocket> udpSockets = new HashSet<>();
    /** The receive memory of this loop's UDP sockets, which receive one at a time; closed with the driver. */
    private final DatagramBatch datagramBatch = new DatagramBatch();
    /** Connections and UDP sockets with output queued since their last flush. */
    private final ArrayDeque<Flushable> dirty = new ArrayDeque<>();
    /** Edge-triggered work cut short by a fairness budget, resumed without waiting for an edge. */
    private final ArrayDeque<Resumable> again = new ArrayDeque<>();
    private boolean closing;

    public ReadinessDriver(DriverContext context, ReadinessPoller poller) {
        this.context = context;
        this.waits = context.waits();
        this.loop = (EventLoopImpl) context.loop();
        this.poller = poller;
        this.edgeTriggered = poller.edgeTriggered();
        this.readBuffer = new ReadBuffer(context.readBufferSize());
    }

    @Override
    public void poll(long timeoutNanos) throws IOException {
        if (!again.isEmpty() || !dirty.isEmpty()) {
            timeoutNanos = 0;
        }
        poller.poll(timeoutNanos, waits);
        for (int n = again.size(); n > 0; n--) {
            again.poll().resume();
        }
        flushDirty();
    }

    @Override
    public void wakeup() {
        poller.wakeup();
    }

    @Override
    public void afterTasks() {
        flushDirty();
    }

    @Override
    public int maxUnixPathBytes() {
        return poller.maxUnixPathBytes();
    }

    @Override
    public boolean supportsAbstractUnixAddresses() {
        return poller.supportsAbstractUnixAddresses();
    }

    @Override
    public boolean supportsReusePort() {
        return poller.supportsReusePort();
    }

    @Override
    public ListenHandle listen(SocketAddress local, SocketOptions options, boolean perLoop,
                               Supplier<? extends ConnectionHandler> handlers) throws IOException {
        assert loop.inEventLoop();
        ListenSocket socket = poller.listen(local, options, perLoop);
        Acceptor acceptor = new Acceptor(this, socket, options, perLoop, handlers);
        try {
            poller.register(socket, acceptor, ReadinessPoller.READ);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        acceptors.add(acceptor);
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
        StreamSocket socket;
        try {
            socket = poller.connect(remote, options);
        } catch (IOException e) {
            result.completeExceptionally(e);
            return;
        }
        ReadinessConnection c = new ReadinessConnection(this, socket, handler, options, result);
        connections.add(c);
        c.startConnecting();
    }

    /**
     * Loop thread: takes over a socket accepted by this or, when {@code acceptedElsewhere}, another
     * loop's acceptor; the latter is first rebuilt on this loop's poller (see {@link ReadinessPoller#adopt}).
     */
    void adopt(StreamSocket accepted, boolean acceptedElsewhere, Supplier<? extends ConnectionHandler> handlers,
               SocketOptions options) {
        // Rebuilt on this loop's poller first, even to close it: the accepting loop's socket may use
        // that loop's confined scratch memory (WSAEventSelect's call state), unusable on this thread.
        StreamSocket socket;
        try {
            socket = acceptedElsewhere ? poller.adopt(accepted) : accepted;
        } catch (IOException e) {
            accepted.close();
            log.debug("dropping an accepted connection this loop could not take over", e);
            return;
        }
        if (closing) {
            socket.close();
            return;
        }
        ConnectionHandler handler;
        try {
            handler = handlers.get();
        } catch (RuntimeException | Error e) {
            socket.close();
            throw e;
        }
        ReadinessConnection c = new ReadinessConnection(this, socket, handler, options, null);
        connections.add(c);
        c.startAccepted();
    }

    void markDirty(Flushable c) {
        dirty.add(c);
    }

    void again(Resumable r) {
        again.add(r);
    }

    void removed(ReadinessConnection c) {
        connections.remove(c);
        // A freed descriptor is the moment a listener paused by EMFILE may accept again.
        for (Acceptor a : acceptors) {
            a.descriptorFreed();
        }
    }

    void removed(Acceptor a) {
        acceptors.remove(a);
    }

    void removed(ReadinessUdpSocket s) {
        udpSockets.remove(s);
        for (Acceptor a : acceptors) {
            a.descriptorFreed();
        }
    }

    /** The loop's receive batch, shaped for a socket's options (grown when it needs more than any before). */
    DatagramBatch datagramBatch(int slots, int maxDatagramSize) {
        datagramBatch.shape(slots, maxDatagramSize);
        return datagramBatch;
    }

    private void flushDirty() {
        Flushable c;
        while ((c = dirty.poll()) != null) {
            c.flushDirty();
        }
    }

    @Override
    public void openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options, UdpHandler handler,
                        CompletableFuture<UdpSocket> result) {
        assert loop.inEventLoop();
        if (closing) {
            result.completeExceptionally(new ClosedChannelException());
            return;
        }
        DatagramSocketOps socket;
        try {
            socket = poller.openUdp(local, remote, options);
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        ReadinessUdpSocket s = new ReadinessUdpSocket(this, socket, handler, options, remote, result);
        udpSockets.add(s);
        if (!s.start(result)) {
            udpSockets.remove(s);
        }
    }

    @Override
    public void closeConnections(boolean abort) {
        closing = true;
        for (Acceptor a : new ArrayList<>(acceptors)) {
            a.close();
        }
        for (ReadinessConnection c : new ArrayList<>(connections)) {
            if (abort) {
                c.abortNow(null);
            } else {
                c.closeForShutdown();
            }
        }
        for (ReadinessUdpSocket s : new ArrayList<>(udpSockets)) {
            s.closeNow(null, abort);
        }
        flushDirty();
    }

    @Override
    public int connectionCount() {
        return connections.size() + udpSockets.size();
    }

    @Override
    public long outstandingNativeBytes() {
        long bytes = chunks.lentBytes();
        for (ReadinessUdpSocket s : udpSockets) {
            bytes += s.nativeBytes();
        }
        return bytes;
    }

    @Override
    public void close() {
        for (ReadinessUdpSocket s : new ArrayList<>(udpSockets)) {
            s.closeNow(null, true);
        }
        datagramBatch.close();
        poller.close();
        readBuffer.close();
        chunks.close();
    }

    /** A socket with output queued since its last flush: it sends once the current callbacks are done. */
    interface Flushable {
        void flushDirty();
    }

    /** Work that the core resumes on the next loop iteration. */
    interface Resumable {
        void resume();
    }
}
