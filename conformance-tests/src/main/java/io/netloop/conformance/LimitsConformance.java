package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Steady-state cost and resource exhaustion: the loop allocates nothing per message once warm,
 * and a listener that runs out of descriptors neither spins nor stops for good.
 */
public interface LimitsConformance extends ConformanceContext {

    /**
     * Bytes allocated on the loop threads per echoed 64-byte message, after warm-up. The hot path
     * uses pooled native buffers and reusable task nodes, so the figure is 0; the bound only
     * leaves room for a rare allocation outside the path (a JIT deoptimisation, say).
     */
    @Test
    default void echoAllocatesNothingPerMessageOnLoopThreads() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not measure per-thread allocation");
        EventLoopGroup group = newGroup(2);
        Listener server = group.listen(Loopback.anyPort(), () -> (c, data) -> c.write(data));
        PingPong client = new PingPong();
        Connection connection = Await.get(group.connect(server.localAddress(), client), "connect");
        long[] loopThreads = loopThreadIds(group);

        client.run(connection, 50_000); // warm-up: class loading, JIT
        long before = allocated(mx, loopThreads);
        int messages = 100_000;
        client.run(connection, messages);
        long after = allocated(mx, loopThreads);

        double perMessage = (after - before) / (double) messages;
        assertTrue(perMessage < 2.0, "loop threads allocated " + perMessage + " bytes per echoed message on "
                + backendId() + " (" + (after - before) + " bytes for " + messages + ")");
    }

    /**
     * With no descriptor left, accepting fails with EMFILE (or the JDK's "Too many open files").
     * The listener must pause rather than spin on a socket that stays ready, and must accept the
     * waiting connections once descriptors are free again.
     */
    @Test
    default void acceptPausesWhenDescriptorsRunOutAndResumes() throws Exception {
        assumeTrue(Loopback.openDescriptorCount().isPresent(), "needs /proc/self/fd to see the descriptor table");
        assumeTrue(Path.of("/dev/null").toFile().exists(), "needs /dev/null to fill the descriptor table");
        var mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadCpuTimeSupported(), "this JVM does not measure thread CPU time");
        EventLoopGroup group = newGroup(1);
        Listener server = group.listen(Loopback.anyPort(), () -> (c, data) -> c.write(data));
        long loopThread = loopThreadIds(group)[0];

        List<SocketChannel> clients = new ArrayList<>();
        List<FileChannel> fillers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(SocketChannel.open()); // their descriptors exist before the table fills
            }
            fillDescriptorTable(fillers);
            for (SocketChannel c : clients) {
                c.connect(server.localAddress()); // completes in the kernel's backlog; no new descriptor here
            }
            Await.quietPeriod(); // the listener is ready and accept fails now
            long cpuBefore = mx.getThreadCpuTime(loopThread);
            Await.sleep(java.time.Duration.ofMillis(600));
            long cpuNanos = mx.getThreadCpuTime(loopThread) - cpuBefore;
            // A loop spinning on the ready listener burns the whole 600 ms; a paused one almost nothing.
            assertTrue(cpuNanos < 300_000_000L, "the loop used " + cpuNanos / 1_000_000 + " ms of CPU in 600 ms "
                    + "while descriptors were exhausted on " + backendId() + ": it spins instead of pausing");
        } finally {
            for (FileChannel f : fillers) {
                f.close();
            }
        }
        for (SocketChannel c : clients) {
            byte[] ping = ("ping " + c.hashCode()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            c.write(ByteBuffer.wrap(ping));
            ByteBuffer echo = ByteBuffer.allocate(ping.length);
            while (echo.hasRemaining()) { // blocking; the suite's @Timeout bounds a hang
                if (c.read(echo) < 0) {
                    break;
                }
            }
            assertArrayEquals(ping, echo.array(), "the connection accepted after descriptors freed up echoes on " + backendId());
            c.close();
        }
    }

    private static void fillDescriptorTable(List<FileChannel> fillers) {
        Path devNull = Path.of("/dev/null");
        for (int i = 0; i < 1_000_000; i++) {
            try {
                fillers.add(FileChannel.open(devNull));
            } catch (IOException full) {
                return;
            }
        }
        throw new AssertionError("the descriptor table did not fill after a million opens");
    }

    private static long[] loopThreadIds(EventLoopGroup group) {
        long[] ids = new long[group.loops().size()];
        for (int i = 0; i < ids.length; i++) {
            CompletableFuture<Long> id = new CompletableFuture<>();
            group.loops().get(i).execute(() -> id.complete(Thread.currentThread().threadId()));
            ids[i] = Await.get(id, "the loop's thread id");
        }
        return ids;
    }

    private static long allocated(com.sun.management.ThreadMXBean mx, long[] threads) {
        long sum = 0;
        for (long t : threads) {
            sum += mx.getThreadAllocatedBytes(t);
        }
        return sum;
    }

    /** Sends 64 bytes, waits for all 64 back, repeats; allocates nothing per message itself. */
    final class PingPong implements ConnectionHandler {
        private final byte[] message = new byte[64];
        private volatile CompletableFuture<Void> done;
        private int remaining;
        private int pendingBytes;

        void run(Connection c, int messages) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            c.loop().execute(() -> {
                done = f;
                remaining = messages;
                pendingBytes = message.length;
                c.write(message);
            });
            Await.get(f, messages + " echoed messages");
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            pendingBytes -= data.remaining();
            if (pendingBytes > 0) {
                return;
            }
            if (--remaining == 0) {
                done.complete(null);
            } else {
                pendingBytes = message.length;
                c.write(message);
            }
        }
    }
}
