package io.netloop.internal.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Multi-producer, single-consumer queue of intrusive {@link LoopTask} nodes (Vyukov's algorithm).
 * Producers never block; the consumer is the loop thread.
 */
final class TaskQueue {
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(TaskQueue.class, "tail", LoopTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoopTask stub = new LoopTask() {
        @Override
        public void run() {
        }
    };
    /** Consumer side, loop thread only. */
    private LoopTask head = stub;
    @SuppressWarnings("unused") // through TAIL
    private volatile LoopTask tail = stub;

    /** Any thread. */
    void offer(LoopTask task) {
        task.next = null;
        LoopTask prev = (LoopTask) TAIL.getAndSet(this, task);
        prev.next = task;
    }

    /** Loop thread. Returns {@code null} when empty, or when a producer is half-way through an offer. */
    LoopTask poll() {
        LoopTask h = head;
        LoopTask next = h.next;
        if (h == stub) {
            if (next == null) {
                return null;
            }
            head = next;
            h = next;
            next = next.next;
        }
        if (next != null) {
            head = next;
            return h;
        }
        if (h != tail) {
            return null;
        }
        offer(stub);
        next = h.next;
        if (next != null) {
            head = next;
            return h;
        }
        return null;
    }

    /** Loop thread. {@code false} also while an offer is in progress, so the loop does not block. */
    boolean isEmpty() {
        return head == tail && head.next == null;
    }
}
