package io.netloop.internal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@link LoopStats} read by other threads while its loop thread writes: the OS wait time, kept under
 * a sequence number, never goes backwards and never exceeds the run time, whether a reader lands
 * before, during or after a wait; the pending-write gauge balances bytes queued on other threads
 * against bytes the loop drained.
 */
class LoopStatsTest {

    @Test
    void waitTimeReadFromOtherThreadsNeverGoesBackAndStaysWithinRunTime() throws Exception {
        LoopStats stats = new LoopStats("test-loop", "test");
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loop = new Thread(() -> {
            stats.started();
            started.countDown();
            for (int i = 0; i < 2_000; i++) {
                stats.beforeWait(-1);
                if (i % 3 == 0) {
                    LockSupport.parkNanos(50_000); // some waits long enough for readers to land inside
                }
                stats.afterWait(i % 5);
                stats.iteration();
            }
        }, "test-loop");
        loop.start();
        started.await();
        Thread[] readers = new Thread[2];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                long lastWait = 0;
                while (loop.isAlive()) {
                    long wait = stats.waitNanos();
                    long run = stats.runNanos();
                    if (wait < lastWait || wait > run) {
                        failure.compareAndSet(null, new AssertionError("wait " + wait + " after " + lastWait + ", run " + run));
                        return;
                    }
                    lastWait = wait;
                }
            });
            readers[r].start();
        }
        loop.join();
        for (Thread r : readers) {
            r.join();
        }
        assertNull(failure.get());
        assertEquals(2_000, stats.iterations());
        assertEquals(2_000 / 5 * (0 + 1 + 2 + 3 + 4), stats.ioEvents());
        assertTrue(stats.waitNanos() > 667 * 50_000L, "the parked waits are counted: " + stats.waitNanos());
    }

    @Test
    void pendingWriteBytesBalancesOtherThreadsWritesAgainstTheLoopsDrain() throws Exception {
        LoopStats stats = new LoopStats("test-loop", "test");
        stats.started(); // this thread is the loop
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 10_000; i++) {
                stats.bytesQueued(7);
            }
        });
        writer.start();
        writer.join();
        stats.bytesQueued(30); // on the loop thread
        assertEquals(70_030, stats.pendingWriteBytes());
        stats.bytesSent(70_000);
        assertEquals(30, stats.pendingWriteBytes());
        stats.bytesDiscarded(30);
        assertEquals(0, stats.pendingWriteBytes());
        assertEquals(70_000, stats.bytesWritten(), "discarded bytes were never written");
    }
}
