package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_INTERNAL_OFFSET;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.completion.Operation;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The completion core's port on overlapped I/O completed by completion routines. WSARecv and
 * WSASend are issued as IOCP issues them (see {@link OverlappedPort}) but name a completion
 * routine, an upcall that Windows runs on the loop thread while it waits alertably in
 * {@code SleepEx(timeout, TRUE)}; it only records the completion, which the loop hands to the core
 * once the wait returns. Windows queues the routine even for an operation that completed at once,
 * so every operation has one path.
 *
 * <p>AcceptEx and ConnectEx take no completion routine. They carry an event in {@code hEvent}
 * instead, watched by {@link OverlappedWaiters} threads as in {@code overlapped-events}, and a
 * waiter that sees one signalled wakes the loop as any other thread does: with
 * {@code QueueUserAPC}, whose APC ends the alertable wait (one queued before the wait ends the
 * next one, so no wakeup is lost). The loop then reads their results with
 * {@code WSAGetOverlappedResult}. The loop does not wait on those events itself: the waiters
 * already shard them past the 64 handles one wait takes, and one alertable {@code SleepEx} then
 * serves routines and wakeups alike.
 *
 * <p>The upcalls are static and never throw into native code; they find their port through a
 * thread-local, since routines and APCs run only on the thread that issued or was named: the loop
 * thread, which creates the port.
 */
final class OverlappedRoutinesPort extends OverlappedPort implements OverlappedWaiters.Signalled {
    private static final Logger log = LoggerFactory.getLogger(OverlappedRoutinesPort.class);
    /** The port of the loop thread that routines and APCs run on. */
    private static final ThreadLocal<OverlappedRoutinesPort> CURRENT = new ThreadLocal<>();
    /** Most completions reaped per poll, so that timers and tasks get their turn. */
    private static final int MAX_REAPED = 1024;

    private final Thread loopThread = Thread.currentThread();
    /** A real handle of the loop thread, for QueueUserAPC; closed once no wakeup is under way. */
    private final MemorySegment threadHandle;
    private final OverlappedWaiters waiters;
    private final ConcurrentLinkedQueue<Views> signalled = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Operation> closed = new ArrayDeque<>();
    private final List<MemorySegment> events = new ArrayList<>();

    // Completions recorded by the routine, loop thread only: (OVERLAPPED address, error, bytes).
    private long[] routineOverlapped = new long[64];
    private int[] routineError = new int[64];
    private int[] routineBytes = new int[64];
    private int routineCount;

    /** The wakeup's memory, written by any thread; closed once no wakeup is under way. */
    private final Arena wakeArena = Arena.ofShared();
    private final MemorySegment wakeState;
    /** An APC is queued and has not run yet: further wakeups need none. */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private volatile boolean portClosed;

    OverlappedRoutinesPort(ExtensionFunctions extensions) throws IOException {
        super(extensions);
        this.wakeState = WinErrors.allocateCallState(wakeArena);
        MemorySegment process = Kernel32.GetCurrentProcess(sockets.state);
        MemorySegment handle = arena.allocate(ADDRESS);
        // GetCurrentThread gives a pseudo-handle that means "the caller" to whoever uses it.
        if (Kernel32.DuplicateHandle(sockets.state, process, Kernel32.GetCurrentThread(sockets.state), process, handle, 0, 0,
                Kernel32.DUPLICATE_SAME_ACCESS) == 0) {
            IOException e = WinSocketCalls.exception("DuplicateHandle", WinErrors.lastError(sockets.state));
            arena.close();
            wakeArena.close();
            throw e;
        }
        this.threadHandle = handle.get(ADDRESS, 0);
        this.waiters = new OverlappedWaiters("overlapped-routines", this, sockets);
        CURRENT.set(this);
    }

    @Override
    void armed(Operation op) throws IOException {
        if (op.kind() == Operation.ACCEPT || op.kind() == Operation.CONNECT) {
            boolean fresh = views(op).event == null;
            armWithEvent(op);
            if (fresh) {
                events.add(views(op).event);
            }
        }
    }

    @Override
    MemorySegment routine(Operation op) {
        return Upcalls.ROUTINE;
    }

    @Override
    void started(Operation op) {
        if (op.kind() == Operation.ACCEPT || op.kind() == Operation.CONNECT) {
            waiters.watch(views(op));
        }
    }

    /** Waiter thread. */
    @Override
    public void signalled(Views operation) {
        signalled.add(operation);
        wakeup();
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
        assert Thread.currentThread() == loopThread;
        int timeoutMs = timeoutNanos < 0 ? Kernel32.INFINITE
                : (int) Math.min(Integer.MAX_VALUE - 1, (timeoutNanos + 999_999) / 1_000_000);
        if (!closed.isEmpty() || !signalled.isEmpty() || routineCount > 0 || hasDoneAtOnce()) {
            timeoutMs = 0;
        }
        // Runs the routines and APCs queued to this thread (with 0: only those), waiting at most the timeout.
        waits.beforeWait(timeoutMs == 0 ? 0 : timeoutNanos);
        Kernel32.SleepEx(sockets.state, timeoutMs, 1);
        waits.waitEnded();
        reapDoneAtOnce(sink);
        int events = 0;
        Operation c;
        while ((c = closed.poll()) != null) {
            sink.complete(c.tag(), 0, 0);
            events++;
        }
        int n = routineCount;
        events += n;
        routineCount = 0;
        for (int i = 0; i < n; i++) {
            long overlapped = routineOverlapped[i];
            sink.complete(tagOf(overlapped), datagramResult(overlapped, routineResult(overlapped, routineError[i], routineBytes[i])), 0);
        }
        Views v;
        for (int budget = MAX_REAPED; budget > 0 && (v = signalled.poll()) != null; budget--) {
            waiters.released(v);
            sink.complete(v.op.tag(), eventResult(v.op), 0);
            events++;
        }
        waits.afterWait(events);
    }

    /** A routine's {@code dwError} is a Win32 code; for anything but a cancel, Winsock gives the WSAE* one. */
    private long routineResult(long overlapped, int error, int transferred) {
        if (error == 0) {
            return Integer.toUnsignedLong(transferred);
        }
        if (error == WinErrors.ERROR_OPERATION_ABORTED) {
            return -WinErrors.ERROR_OPERATION_ABORTED;
        }
        long r = overlappedResult(overlapped);
        return r < 0 ? r : -error;
    }

    private long eventResult(Operation op) {
        if (op.memory.get(JAVA_INT, OVERLAPPED_INTERNAL_OFFSET) == STATUS_CANCELLED) {
            return -WinErrors.ERROR_OPERATION_ABORTED; // without asking Winsock: a listener may be closed
        }
        return overlappedResult(op.memory.address());
    }

    /** In the routine, on the loop thread. */
    private void record(int error, int transferred, long overlapped) {
        if (routineCount == routineOverlapped.length) {
            routineOverlapped = Arrays.copyOf(routineOverlapped, routineCount * 2);
            routineError = Arrays.copyOf(routineError, routineCount * 2);
            routineBytes = Arrays.copyOf(routineBytes, routineCount * 2);
        }
        routineOverlapped[routineCount] = overlapped;
        routineError[routineCount] = error;
        routineBytes[routineCount] = transferred;
        routineCount++;
    }

    @Override
    public void wakeup() {
        if (!wakePending.compareAndSet(false, true)) {
            return; // an APC is queued already and will end the wait
        }
        wakersInFlight.incrementAndGet();
        try {
            if (!portClosed && Kernel32.QueueUserAPC(wakeState, Upcalls.APC, threadHandle, 0) == 0) {
                wakePending.set(false);
                log.warn("QueueUserAPC failed: {}", WinErrors.name(WinErrors.lastError(wakeState)));
            }
        } finally {
            wakersInFlight.decrementAndGet();
        }
    }

    @Override
    public void close() {
        portClosed = true;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        waiters.stop();
        for (MemorySegment e : events) {
            Ws2_32.WSACloseEvent(sockets.state, e);
        }
        Kernel32.CloseHandle(sockets.state, threadHandle);
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        arena.close();
        wakeArena.close();
    }

    // ---- the upcalls: static, never throwing into native code ----

    /** {@code LPWSAOVERLAPPED_COMPLETION_ROUTINE}: records the completion for the poll that is waiting. */
    private static void completed(int error, int transferred, MemorySegment overlapped, int flags) {
        try {
            OverlappedRoutinesPort port = CURRENT.get();
            if (port != null) {
                port.record(error, transferred, overlapped.address());
            }
        } catch (Throwable t) {
            try {
                log.error("a completion routine failed; its operation is lost", t);
            } catch (Throwable ignored) {
                // nothing may reach native code
            }
        }
    }

    /** {@code PAPCFUNC}: the wakeup. Running it is what ends the alertable wait. */
    private static void woken(long parameter) {
        try {
            OverlappedRoutinesPort port = CURRENT.get();
            if (port != null) {
                port.wakePending.set(false);
            }
        } catch (Throwable ignored) {
            // nothing may reach native code
        }
    }

    /** The upcall stubs, made once for the process and never freed: a routine or APC may still be queued when a port closes. */
    static final class Upcalls {
        static final MemorySegment ROUTINE;
        static final MemorySegment APC;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                ROUTINE = Ws2_32.completionRoutine(lookup.findStatic(OverlappedRoutinesPort.class, "completed",
                        MethodType.methodType(void.class, int.class, int.class, MemorySegment.class, int.class)), Arena.global());
                APC = Kernel32.apcRoutine(lookup.findStatic(OverlappedRoutinesPort.class, "woken",
                        MethodType.methodType(void.class, long.class)), Arena.global());
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
