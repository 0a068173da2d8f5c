package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.Connection;
import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import io.netloop.Timer;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The generic loop on this backend: timers, tasks, wakeup, idle detection and shutdown. */
public interface LoopConformance extends ConformanceContext {

    @Test
    default void timers_run_in_deadline_order_and_equal_delays_in_scheduling_order() {
        EventLoop loop = newGroup(1).next();
        List<String> ran = new CopyOnWriteArrayList<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        int equal = 50;
        CountDownLatch all = new CountDownLatch(4 + equal);
        loop.execute(() -> {
            for (String[] t : new String[][] {{"1200"}, {"400"}, {"800"}, {"0"}}) {
                loop.schedule(record(loop, t[0], ran, violations, all), Duration.ofMillis(Long.parseLong(t[0])));
            }
            for (int i = 0; i < equal; i++) {
                loop.schedule(record(loop, "equal-" + i, ran, violations, all), Duration.ofMillis(600));
            }
        });
        await(all, "every timer");

        List<String> expected = new ArrayList<>(List.of("0", "400"));
        for (int i = 0; i < equal; i++) {
            expected.add("equal-" + i);
        }
        expected.addAll(List.of("800", "1200"));
        assertEquals(expected, ran);
        assertEquals(List.of(), violations);
    }

    @Test
    default void cancelled_timers_never_run() {
        EventLoop loop = newGroup(1).next();
        AtomicInteger cancelledRan = new AtomicInteger();

        // Cancelled from another thread, before and after the loop has taken the timer in.
        Timer early = loop.schedule(cancelledRan::incrementAndGet, Duration.ofMillis(200));
        assertTrue(early.cancel(), "first cancel succeeds");
        assertFalse(early.cancel(), "second cancel");
        Timer late = loop.schedule(cancelledRan::incrementAndGet, Duration.ofMillis(250));
        Await.loopDrained(loop);
        assertTrue(late.cancel());
        // Cancelled on the loop thread.
        CompletableFuture<Timer> onLoop = new CompletableFuture<>();
        loop.execute(() -> {
            Timer t = loop.schedule(cancelledRan::incrementAndGet, Duration.ofMillis(150));
            t.cancel();
            onLoop.complete(t);
        });
        Timer loopCancelled = Await.get(onLoop, "scheduling on the loop");

        // Timers run in deadline order on one loop: once this one has run, the cancelled ones are past due.
        CompletableFuture<Void> sentinel = new CompletableFuture<>();
        Timer last = loop.schedule(() -> sentinel.complete(null), Duration.ofMillis(400));
        Await.get(sentinel, "the timer after the cancelled ones");

        assertEquals(0, cancelledRan.get(), "cancelled timers that ran");
        for (Timer t : List.of(early, late, loopCancelled)) {
            assertTrue(t.isCancelled());
            assertFalse(t.hasRun());
        }
        assertTrue(last.hasRun());
        assertFalse(last.isCancelled());
        assertFalse(last.cancel(), "cancel after the timer ran");
    }

    @Test
    default void timers_scheduled_from_other_threads_run_on_loop() {
        EventLoop loop = newGroup(1).next();
        int threads = 8;
        int perThread = 100;
        CountDownLatch all = new CountDownLatch(threads * perThread);
        List<String> violations = new CopyOnWriteArrayList<>();
        List<Timer> timers = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    timers.add(loop.schedule(() -> {
                        if (!loop.inEventLoop()) {
                            violations.add("timer ran on " + Thread.currentThread().getName());
                        }
                        all.countDown();
                    }, Duration.ofMillis(i % 20)));
                }
            }, "scheduler-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        await(all, "every timer");
        assertEquals(List.of(), violations);
        for (Timer t : timers) {
            assertTrue(t.hasRun(), "hasRun() of a timer that ran");
        }
    }

    @Test
    default void execute_from_another_thread_wakes_idle_loop() {
        EventLoop loop = newGroup(1).next();
        // An idle loop blocks with no timeout; a lost wakeup leaves a task queued forever.
        for (int i = 0; i < 200; i++) {
            if (i % 20 == 0) {
                Await.sleep(Duration.ofMillis(50)); // long enough for the loop to block
            } else {
                Await.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(2_000_000)));
            }
            CompletableFuture<Boolean> ran = new CompletableFuture<>();
            loop.execute(() -> ran.complete(loop.inEventLoop()));
            assertTrue(Await.get(ran, "task " + i + " on an idle loop"), "the task ran on the loop thread");
        }

        // Tasks from several threads: each thread's tasks run in its submission order.
        int threads = 4;
        int perThread = 5000;
        int[] next = new int[threads]; // loop thread only
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch all = new CountDownLatch(threads * perThread);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread submitter = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    int seq = i;
                    loop.execute(() -> {
                        if (next[thread] != seq) {
                            errors.add("thread " + thread + ": task " + seq + " ran where " + next[thread] + " was expected");
                        }
                        next[thread] = seq + 1;
                        all.countDown();
                    });
                }
            }, "submitter-" + t);
            submitter.setDaemon(true);
            submitter.start();
        }
        await(all, "every task");
        assertEquals(List.of(), List.copyOf(errors));
    }

    @Test
    default void idle_timeout_calls_onIdle() throws IOException {
        EventLoopGroup server = newGroup(1);
        SocketOptions options = SocketOptions.builder().idleTimeout(Duration.ofMillis(200)).build();
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), options, handlers);

        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        RecordingHandler h = handlers.awaitFirst();
        // RecordingHandler closes on idle, as the default onIdle does.
        h.awaitClose();
        assertEquals(1, h.idleCount(), "onIdle calls");
        assertEquals(-1, peer.read(), "the peer reads end of input after the idle close");
        assertEquals(List.of(RecordingHandler.Event.OPEN, RecordingHandler.Event.IDLE, RecordingHandler.Event.CLOSE), h.events());
        h.assertContractHeld();
    }

    @Test
    default void graceful_shutdown_flushes_pending_writes() throws IOException {
        // 32 MiB, so that some is still queued when shutdown begins even where the OS takes a large
        // non-blocking send whole into its own buffers (Winsock may take several MiB).
        byte[] payload = Payloads.random(32 * 1024 * 1024, 43);
        EventLoopGroup server = newGroup(2);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(() -> new RecordingHandler().sendingOnOpen(payload));
        Listener listener = server.listen(Loopback.anyPort(), handlers);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress(), 16 * 1024));
        RecordingHandler h = handlers.awaitFirst();
        Connection c = h.awaitOpen();
        Await.loopDrained(c.loop());
        assertTrue(c.pendingWriteBytes() > 0, "output is still queued when shutdown begins (the peer has not read)");

        CompletableFuture<Void> down = server.shutdownGracefully(Await.LIMIT);
        BlockingPeer.ReadResult result = peer.readToEnd();
        assertTrue(result.cleanEnd(), "clean end of input, not " + result.error());
        Payloads.assertSameBytes(payload, result.data(), "output queued before the group shut down");
        Await.get(down, "graceful shutdown");
        assertTrue(h.isClosed());
        assertEquals(0, server.leakedNativeBytes());
        h.assertContractHeld();
    }

    @Test
    default void shutdownGracefully_completes_and_rejects_new_work() throws IOException {
        EventLoopGroup group = newGroup(2);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = group.listen(Loopback.anyPort(), handlers);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        RecordingHandler h = handlers.awaitFirst();
        h.awaitOpen();

        CompletableFuture<Void> down = group.shutdownGracefully(Duration.ofSeconds(10));
        assertTrue(group.isShuttingDown());
        Await.get(down, "graceful shutdown of a group with an idle connection");
        assertTrue(group.terminationFuture().isDone());
        assertEquals(-1, peer.read(), "the idle connection was closed in order");
        assertTrue(h.isClosed());
        Await.get(listener.closeFuture(), "the listener's close future after shutdown");
        assertThrows(ConnectException.class,
                () -> new Socket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort()).close(),
                "connect to the listener of a shut-down group");

        EventLoop loop = group.loops().get(0);
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> loop.schedule(() -> { }, Duration.ZERO));
        Throwable connect = Await.failure(group.connect(listener.localAddress(), new RecordingHandler()), "connect after shutdown");
        assertInstanceOf(RejectedExecutionException.class, connect);
        assertThrows(RejectedExecutionException.class, () -> group.listen(Loopback.anyPort(), EchoHandler::new));
        listener.close(); // harmless after shutdown
        Await.get(group.shutdownGracefully(Duration.ZERO), "a second shutdown");
        assertEquals(0, group.leakedNativeBytes());
        h.assertContractHeld();
    }

    private static Runnable record(EventLoop loop, String name, List<String> ran, List<String> violations, CountDownLatch all) {
        return () -> {
            if (!loop.inEventLoop()) {
                violations.add(name + " ran on " + Thread.currentThread().getName());
            }
            ran.add(name);
            all.countDown();
        };
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(Await.LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                fail("timed out waiting for " + what + ": " + latch.getCount() + " left");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
