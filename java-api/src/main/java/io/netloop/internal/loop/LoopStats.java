package io.netloop.internal.loop;

import io.netloop.LoopMetrics;
import io.netloop.internal.jfr.BackendWaitEvent;
import io.netloop.internal.jfr.Jfr;
import io.netloop.spi.WaitRecorder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * One loop's counters and gauges, and its recorder of OS waits. The loop thread is the only writer
 * of each counter (a plain add, published with a release store: no atomic instruction, nothing
 * another thread can slow down); readers on any thread see each value whole. Two things have other
 * writers: bytes queued by writers on other threads (a {@link LongAdder}) and wakeups.
 *
 * <p>Time in the OS wait is kept under a sequence number, so a reader adds the wait in progress
 * once and only once: a loop asleep for a minute reads as idle for that minute, not as busy.
 */
public final class LoopStats implements LoopMetrics, WaitRecorder {
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle WAKEUPS;

    static {
        try {
            WAKEUPS = MethodHandles.lookup().findVarHandle(LoopStats.class, "wakeups", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int ACCEPTED = 0, CONNECTED = 1, CLOSED = 2, BYTES_READ = 3, BYTES_WRITTEN = 4,
            DATAGRAMS_RECEIVED = 5, DATAGRAMS_SENT = 6, TASKS = 7, ITERATIONS = 8, IO_EVENTS = 9,
            QUEUED_ON_LOOP = 10, DRAINED = 11, WAIT_SEQ = 12, WAIT_START = 13, WAIT_TOTAL = 14, COUNT = 15;

    private final String loopName;
    private final String backendId;
    private final long[] counts = new long[COUNT];
    /** Bytes appended to write queues by threads other than the loop's. */
    private final LongAdder queuedElsewhere = new LongAdder();
    private volatile Thread thread;
    private volatile long startNanos;
    private volatile long stopNanos;
    @SuppressWarnings("unused") // through WAKEUPS
    private volatile long wakeups;

    // Loop thread only: the current iteration's waits, for its event, and the wait event being recorded.
    private boolean waiting;
    private long lastWaitNanos;
    private int lastEvents;
    private BackendWaitEvent waitEvent;

    public LoopStats(String loopName, String backendId) {
        this.loopName = loopName;
        this.backendId = backendId;
    }

    /** Loop thread, once: the loop runs from now. */
    void started() {
        thread = Thread.currentThread();
        startNanos = System.nanoTime();
    }

    /** Loop thread, once: the loop has ended; {@link #runNanos()} stops here. */
    void stopped() {
        stopNanos = System.nanoTime();
    }

    public String loopName() {
        return loopName;
    }

    public String backendId() {
        return backendId;
    }

    // ---- writers, loop thread unless said ----

    private void add(int index, long n) {
        COUNTS.setRelease(counts, index, counts[index] + n);
    }

    private long read(int index) {
        return (long) COUNTS.getAcquire(counts, index);
    }

    void connectionOpened(boolean accepted) {
        add(accepted ? ACCEPTED : CONNECTED, 1);
    }

    void connectionClosed() {
        add(CLOSED, 1);
    }

    void bytesRead(long n) {
        add(BYTES_READ, n);
    }

    /** The kernel took {@code n} bytes of a write queue. */
    void bytesSent(long n) {
        add(BYTES_WRITTEN, n);
        add(DRAINED, n);
    }

    /** {@code n} queued bytes were dropped (abort, failure). */
    void bytesDiscarded(long n) {
        add(DRAINED, n);
    }

    /** Any thread: {@code n} bytes were appended to a write queue of this loop. */
    void bytesQueued(long n) {
        if (Thread.currentThread() == thread) {
            add(QUEUED_ON_LOOP, n);
        } else {
            queuedElsewhere.add(n);
        }
    }

    void datagramReceived(int bytes) {
        add(DATAGRAMS_RECEIVED, 1);
        add(BYTES_READ, bytes);
    }

    void datagramsSent(int count, long bytes) {
        add(DATAGRAMS_SENT, count);
        add(BYTES_WRITTEN, bytes);
    }

    void tasksRun(int n) {
        add(TASKS, n);
    }

    void iteration() {
        add(ITERATIONS, 1);
    }

    /** Any thread: another thread woke the loop. */
    void wakeup() {
        WAKEUPS.getAndAdd(this, 1L);
    }

    // ---- WaitRecorder ----

    @Override
    public void beforeWait(long timeoutNanos) {
        if (Jfr.active() && BackendWaitEvent.enabled()) {
            BackendWaitEvent e = new BackendWaitEvent();
            e.timeout = timeoutNanos;
            e.begin();
            waitEvent = e;
        }
        long seq = counts[WAIT_SEQ];
        COUNTS.setOpaque(counts, WAIT_SEQ, seq + 1); // odd: being written
        VarHandle.storeStoreFence();
        COUNTS.setOpaque(counts, WAIT_START, System.nanoTime());
        COUNTS.setRelease(counts, WAIT_SEQ, seq + 2);
        waiting = true;
    }

    @Override
    public void waitEnded() {
        if (!waiting) {
            return;
        }
        waiting = false;
        long seq = counts[WAIT_SEQ];
        // Odd, with a full fence, before the clock is read: a reader that still finds the even
        // number read its own clock before this end, so the wait it added in progress is no longer
        // than the one added to the total here, and the value it returned never goes backwards.
        COUNTS.setVolatile(counts, WAIT_SEQ, seq + 1);
        long waited = System.nanoTime() - counts[WAIT_START];
        lastWaitNanos += waited;
        COUNTS.setOpaque(counts, WAIT_TOTAL, counts[WAIT_TOTAL] + waited);
        COUNTS.setOpaque(counts, WAIT_START, 0L);
        COUNTS.setRelease(counts, WAIT_SEQ, seq + 2);
        if (waitEvent != null) {
            waitEvent.end();
        }
    }

    @Override
    public void afterWait(int events) {
        waitEnded();
        if (events > 0) {
            add(IO_EVENTS, events);
            lastEvents += events;
        }
        BackendWaitEvent e = waitEvent;
        if (e != null) {
            waitEvent = null;
            e.events = events;
            e.loop = loopName;
            e.backend = backendId;
            e.commit();
        }
    }

    /** Loop thread: the wait time and events of the iteration's waits so far, then cleared. */
    long takeIterationWait() {
        long w = lastWaitNanos;
        lastWaitNanos = 0;
        return w;
    }

    int takeIterationEvents() {
        int n = lastEvents;
        lastEvents = 0;
        return n;
    }

    // ---- LoopMetrics, any thread ----

    @Override
    public long connectionsAccepted() {
        return read(ACCEPTED);
    }

    @Override
    public long connectionsConnected() {
        return read(CONNECTED);
    }

    @Override
    public long connectionsClosed() {
        return read(CLOSED);
    }

    @Override
    public long openConnections() {
        long closed = read(CLOSED); // first: a connection counted closed was counted opened before
        return Math.max(0, read(ACCEPTED) + read(CONNECTED) - closed);
    }

    @Override
    public long bytesRead() {
        return read(BYTES_READ);
    }

    @Override
    public long bytesWritten() {
        return read(BYTES_WRITTEN);
    }

    @Override
    public long pendingWriteBytes() {
        long drained = read(DRAINED); // first: bytes drained were queued before
        return Math.max(0, read(QUEUED_ON_LOOP) + queuedElsewhere.sum() - drained);
    }

    @Override
    public long datagramsReceived() {
        return read(DATAGRAMS_RECEIVED);
    }

    @Override
    public long datagramsSent() {
        return read(DATAGRAMS_SENT);
    }

    @Override
    public long tasksRun() {
        return read(TASKS);
    }

    @Override
    public long wakeups() {
        return (long) WAKEUPS.getVolatile(this);
    }

    @Override
    public long iterations() {
        return read(ITERATIONS);
    }

    @Override
    public long ioEvents() {
        return read(IO_EVENTS);
    }

    @Override
    public long waitNanos() {
        while (true) {
            long seq = read(WAIT_SEQ);
            if ((seq & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long total = (long) COUNTS.getOpaque(counts, WAIT_TOTAL);
            long start = (long) COUNTS.getOpaque(counts, WAIT_START);
            // The clock is read before the sequence number is checked again, never after: a reader
            // held up between the check and the clock would add time the loop spent awake, more
            // than the wait's end adds to the total, and the next reading would be smaller.
            long now = 0;
            if (start != 0) {
                long end = stopNanos;
                now = end != 0 ? end : System.nanoTime();
            }
            VarHandle.loadLoadFence();
            if ((long) COUNTS.getOpaque(counts, WAIT_SEQ) == seq) {
                return start == 0 ? total : total + Math.max(0, now - start);
            }
        }
    }

    @Override
    public long runNanos() {
        long start = startNanos;
        if (start == 0) {
            return 0;
        }
        long end = stopNanos;
        return (end != 0 ? end : System.nanoTime()) - start;
    }

    @Override
    public String toString() {
        return "LoopStats[" + loopName + "]";
    }
}
