package io.netloop.internal.loop;

import io.netloop.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** A scheduled task; also its own node in the loop's {@link TimerHeap}. */
final class TimerImpl implements Timer {
    static final int SCHEDULED = 0, RUNNING = 1, CANCELLED = 2;

    final Runnable task;
    final long deadlineNanos;
    final long sequence;
    /** Position in the heap, -1 when not in it; loop thread only. */
    int heapIndex = -1;
    private final AtomicInteger state = new AtomicInteger(SCHEDULED);
    private final EventLoopImpl loop;

    TimerImpl(EventLoopImpl loop, Runnable task, long deadlineNanos, long sequence) {
        this.loop = loop;
        this.task = task;
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
    }

    /** Loop thread: claims the timer for running. */
    boolean start() {
        return state.compareAndSet(SCHEDULED, RUNNING);
    }

    @Override
    public boolean cancel() {
        if (!state.compareAndSet(SCHEDULED, CANCELLED)) {
            return false;
        }
        loop.removeTimer(this);
        return true;
    }

    @Override
    public boolean isCancelled() {
        return state.get() == CANCELLED;
    }

    @Override
    public boolean hasRun() {
        return state.get() == RUNNING;
    }

    int compareTo(TimerImpl o) {
        int c = Long.compare(deadlineNanos - o.deadlineNanos, 0);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
