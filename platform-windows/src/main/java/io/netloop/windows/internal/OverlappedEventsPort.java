package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_INTERNAL_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.completion.Operation;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The completion core's port on overlapped I/O signalled by event objects: every operation is
 * issued as IOCP issues it (see {@link OverlappedPort}), with its own event in
 * {@code OVERLAPPED.hEvent}. {@link OverlappedWaiters} threads wait on those events, at most 63 to
 * a thread, and hand each signalled operation to the loop, which unparks, reads the result with
 * {@code WSAGetOverlappedResult} and completes it. The events are made once per pooled operation
 * and reused, reset before each call. Closing a socket is synchronous; its completion is handed to
 * the core at the next poll, after every other operation of that socket has completed (the core
 * closes only then).
 */
final class OverlappedEventsPort extends OverlappedPort implements OverlappedWaiters.Signalled {
    /** Most completions reaped per poll, so that timers and tasks get their turn. */
    private static final int MAX_REAPED = 1024;

    private final Thread loopThread = Thread.currentThread();
    private final OverlappedWaiters waiters;
    /** Operations whose event was signalled, queued by the waiters for the loop. */
    private final ConcurrentLinkedQueue<Views> signalled = new ConcurrentLinkedQueue<>();
    /** Loop thread: close operations done synchronously, reported at the next poll. */
    private final ArrayDeque<Operation> closed = new ArrayDeque<>();
    /** Loop thread: every event made, closed with the port. */
    private final List<MemorySegment> events = new ArrayList<>();

    OverlappedEventsPort(ExtensionFunctions extensions) {
        super(extensions);
        this.waiters = new OverlappedWaiters("overlapped-events", this, sockets);
    }

    @Override
    void armed(Operation op) throws IOException {
        boolean fresh = views(op).event == null;
        armWithEvent(op);
        if (fresh) {
            events.add(views(op).event);
        }
    }

    @Override
    void started(Operation op) {
        waiters.watch(views(op));
    }

    /** Waiter thread. */
    @Override
    public void signalled(Views operation) {
        signalled.add(operation);
        LockSupport.unpark(loopThread);
    }

    @Override
    public void close(Operation op, long socket) {
        prepare(op, socket);
        forget(socket);
        sockets.close(socket);
        closed.add(op);
    }

    @Override
    public void poll(long timeoutNanos, Completions sink, WaitRecorder waits) {
        boolean park = closed.isEmpty() && signalled.isEmpty() && !hasDoneAtOnce() && timeoutNanos != 0;
        // The loop's wait is this park: the waiter threads block in WSAWaitForMultipleEvents for it.
        waits.beforeWait(park ? timeoutNanos : 0);
        if (park) {
            // Waiters and wakeup() unpark this thread; a permit given before the park is not lost.
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        }
        waits.waitEnded();
        reapDoneAtOnce(sink);
        int events = 0;
        Operation c;
        while ((c = closed.poll()) != null) {
            sink.complete(c.tag(), 0, 0);
            events++;
        }
        Views v;
        for (int budget = MAX_REAPED; budget > 0 && (v = signalled.poll()) != null; budget--) {
            waiters.released(v);
            sink.complete(v.op.tag(), result(v.op), 0);
            events++;
        }
        waits.afterWait(events);
        if (!signalled.isEmpty()) {
            LockSupport.unpark(loopThread); // the next poll must not wait
        }
    }

    /** Its bytes or negated error; a cancelled one without asking Winsock, whose handle may be closed (a listener's AcceptEx). */
    private long result(Operation op) {
        long overlapped = op.memory.address();
        // Internal is a ULONG_PTR holding an NTSTATUS: only its low 32 bits are the status.
        if (op.memory.get(JAVA_INT, OVERLAPPED_INTERNAL_OFFSET) == STATUS_CANCELLED) {
            return -WinErrors.ERROR_OPERATION_ABORTED;
        }
        return datagramResult(overlapped, overlappedResult(overlapped));
    }

    @Override
    public void wakeup() {
        LockSupport.unpark(loopThread);
    }

    @Override
    public void close() {
        waiters.stop();
        for (MemorySegment e : events) {
            Ws2_32.WSACloseEvent(sockets.state, e);
        }
        arena.close();
    }
}
