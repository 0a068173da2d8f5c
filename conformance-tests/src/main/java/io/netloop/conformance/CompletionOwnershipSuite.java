package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Backends;
import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.internal.completion.CompletionDriver;
import io.netloop.internal.loop.EventLoopImpl;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who owns a buffer while the kernel holds it, on a completion backend (io_uring, IOCP): the
 * completion core must not take back (let alone reuse) a receive buffer, or free write chunks,
 * until the kernel has handed the operation back, and a group must close with nothing left in the
 * kernel. Real kernels and loopback sockets; reads the core's counters through its internal API.
 * Subclass in one line with {@link BackendUnderTest}.
 */
public abstract class CompletionOwnershipSuite {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private String backend() {
        return ConformanceSuite.backendIdOf(getClass());
    }

    @BeforeEach
    void requireBackend() {
        String id = backend();
        assumeTrue(Backends.isAvailable(id), () -> "backend " + id + " is not available here: "
                + Backends.unavailabilityCause(id).orElse(""));
    }

    @Test
    void a_receive_buffer_stays_lent_until_its_cancelled_receive_is_reaped() throws Exception {
        EventLoopGroup group = EventLoopGroup.builder().backend(backend()).threads(1).build();
        CompletableFuture<Connection> accepted = new CompletableFuture<>();
        Listener listener = group.listen(ANY, () -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                accepted.complete(c);
            }

            @Override
            public void onData(Connection c, ByteBuffer data) {
            }
        });
        EventLoopImpl loop = (EventLoopImpl) group.loops().get(0);
        CompletionDriver driver = (CompletionDriver) loop.driver();
        // The listener's accepts alone: one multishot accept, or SocketOptions.postedAccepts() of them.
        int accepts = onLoop(loop, driver::postedOperations);
        assertTrue(accepts >= 1, "a listener keeps at least one accept posted, had " + accepts);
        try (Socket peer = new Socket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort())) {
            Connection c = accepted.get(10, TimeUnit.SECONDS);
            assertSame(loop, c.loop());

            int[] atClose = onLoop(loop, () -> {
                int lentBefore = driver.lentReceiveBuffers();
                int postedBefore = driver.postedOperations();
                c.abort(); // on the loop thread: the close starts now, the cancellation is only submitted
                return new int[] {lentBefore, postedBefore, driver.lentReceiveBuffers(), c.closeFuture().isDone() ? 1 : 0};
            });
            // A port that picks receive buffers when data arrives lends none to an idle connection's receive.
            int lent = onLoop(loop, driver::portSelectsReceiveBuffers) ? 0 : 1;
            assertEquals(lent, atClose[0], lent == 1 ? "one receive buffer lent while the connection is open"
                    : "no receive buffer held by an idle connection");
            assertEquals(accepts + 1, atClose[1], "the accept(s) and one receive posted");
            assertEquals(lent, atClose[2], "right after close the buffer is still the kernel's: not back in the pool");
            assertEquals(0, atClose[3], "the close is not complete before the cancelled receive is reaped");

            c.closeFuture().get(10, TimeUnit.SECONDS);
            int[] afterClose = onLoop(loop, () -> new int[] {driver.lentReceiveBuffers(), driver.postedOperations()});
            assertEquals(0, afterClose[0], "the receive buffer is back in the pool once reaped");
            assertEquals(accepts, afterClose[1], "only the listener's accept(s) are still posted");

            InputStream in = peer.getInputStream();
            assertThrows(SocketException.class, in::read, "abort resets the peer");
        }
        listener.close();
        group.shutdownGracefully(java.time.Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertEquals(0, driver.postedOperations(), "nothing posted when the loop ended");
        assertEquals(0, group.leakedNativeBytes(), "no native bytes lent out when the group closed");
    }

    @Test
    void a_group_closed_by_force_mid_transfer_gets_every_operation_back() throws Exception {
        EventLoopGroup server = EventLoopGroup.builder().backend(backend()).threads(2).build();
        List<CompletionDriver> drivers = new ArrayList<>();
        for (var loop : server.loops()) {
            drivers.add((CompletionDriver) ((EventLoopImpl) loop).driver());
        }
        ConcurrentLinkedQueue<Connection> open = new ConcurrentLinkedQueue<>();
        byte[] block = new byte[256 * 1024];
        // Each accepted connection writes far more than a peer that never reads can take, so sends
        // stay posted in the kernel, and receives wait on sockets that stay silent.
        Listener listener = server.listen(ANY, () -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                open.add(c);
                for (int i = 0; i < 32; i++) {
                    c.write(block);
                }
            }

            @Override
            public void onData(Connection c, ByteBuffer data) {
            }
        });
        List<Socket> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                peers.add(new Socket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (open.size() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(40, open.size(), "every peer accepted");
            long queued = 0;
            for (Connection c : open) {
                queued += c.pendingWriteBytes();
            }
            assertTrue(queued > 0, "output still queued behind posted sends when the group closes");
            int posted = 0;
            while (posted < 80 && System.nanoTime() < deadline) {
                posted = 0;
                for (var loop : server.loops()) {
                    CompletionDriver d = (CompletionDriver) ((EventLoopImpl) loop).driver();
                    posted += onLoop((EventLoopImpl) loop, d::postedOperations);
                }
            }
            assertTrue(posted >= 80, "a receive and a send posted per connection, was " + posted);

            server.close(); // forced: aborts every connection and waits for the kernel
            assertTrue(server.terminationFuture().isDone(), "close returns once the loops have ended");
        } finally {
            for (Socket s : peers) {
                s.close();
            }
        }
        for (CompletionDriver d : drivers) {
            assertEquals(0, d.postedOperations(), "operations still held by the kernel after close: " + d);
        }
        assertEquals(0, server.leakedNativeBytes(), "native bytes still lent out after close");
        for (Connection c : open) {
            assertFalse(c.isOpen());
            assertTrue(c.closeFuture().isDone());
        }
    }

    @Test
    void a_stream_takes_its_own_receive_buffer_and_gives_it_back_when_its_reads_are_short() throws Exception {
        EventLoopGroup group = EventLoopGroup.builder().backend(backend()).threads(1).build();
        EventLoopImpl loop = (EventLoopImpl) group.loops().get(0);
        CompletionDriver driver = (CompletionDriver) loop.driver();
        try {
            assumeTrue(onLoop(loop, driver::portSelectsReceiveBuffers), "this port lends every receive a buffer of its own");
            AtomicLong received = new AtomicLong();
            Listener listener = group.listen(ANY, () -> new ConnectionHandler() {
                @Override
                public void onData(Connection c, ByteBuffer data) {
                    received.addAndGet(data.remaining());
                }
            });
            try (Socket peer = new Socket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort())) {
                long expected = 0;
                for (int i = 0; i < 8; i++) { // reads that fill every buffer they get
                    peer.getOutputStream().write(new byte[1 << 20]);
                    expected += 1 << 20;
                }
                awaitReceived(received, expected);
                assertEquals(1, onLoop(loop, driver::lentReceiveBuffers),
                        "a connection whose reads filled the shared buffers posts its receive with a buffer of its own");
                for (int i = 0; i < 40; i++) { // short reads, one at a time: down a size class per 8
                    peer.getOutputStream().write(new byte[100]);
                    expected += 100;
                    awaitReceived(received, expected);
                }
                assertEquals(0, onLoop(loop, driver::lentReceiveBuffers),
                        "once its reads are short the connection's receive takes a shared buffer again");
            }
            listener.close();
        } finally {
            group.shutdownGracefully(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        }
        assertEquals(0, group.leakedNativeBytes(), "no native bytes lent out when the group closed");
    }

    /** Whether a fresh one-loop group on this backend has a port that picks receive buffers (for subclasses that prove a switch took). */
    protected final boolean loopSharesReceiveBuffers() throws Exception {
        EventLoopGroup group = EventLoopGroup.builder().backend(backend()).threads(1).build();
        try {
            EventLoopImpl loop = (EventLoopImpl) group.loops().get(0);
            return onLoop(loop, ((CompletionDriver) loop.driver())::portSelectsReceiveBuffers);
        } finally {
            group.shutdownGracefully(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitReceived(AtomicLong received, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(expected, received.get(), "bytes received");
    }

    private static <T> T onLoop(EventLoopImpl loop, Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(action.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }
}
