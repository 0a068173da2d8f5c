package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.WSACloseEvent;
import static io.netloop.bindings.windows.Ws2_32.WSACreateEvent;
import static io.netloop.bindings.windows.Ws2_32.WSAResetEvent;
import static io.netloop.bindings.windows.Ws2_32.WSASetEvent;
import static io.netloop.bindings.windows.Ws2_32.WSAWaitForMultipleEvents;
import static io.netloop.bindings.windows.Ws2_32.WSA_INFINITE;
import static io.netloop.bindings.windows.Ws2_32.WSA_MAXIMUM_WAIT_EVENTS;
import static io.netloop.bindings.windows.Ws2_32.WSA_WAIT_EVENT_0;
import static io.netloop.bindings.windows.Ws2_32.WSA_WAIT_FAILED;
import static io.netloop.bindings.windows.Ws2_32.WSA_WAIT_TIMEOUT;
import static java.lang.foreign.ValueLayout.ADDRESS;

import io.netloop.bindings.windows.WinErrors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the events of posted overlapped operations for one loop, on waiter threads of at most 63
 * operations each plus the waiter's own wake event ({@code WSAWaitForMultipleEvents} takes at most
 * 64 handles), added as posted operations grow, as {@link EventSelectWaiter} shards sockets. An
 * operation's event is watched from the moment its call started it until it is signalled: the
 * waiter then drops it and hands it to the port ({@link Signalled}), which reaps it on the loop
 * thread. So an event is never in a wait once the loop has it back, and the loop may reset and
 * reuse it freely; events belong to the port, which closes them after {@link #stop()}.
 */
final class OverlappedWaiters {
    private static final Logger log = LoggerFactory.getLogger(OverlappedWaiters.class);
    static final int OPERATIONS_PER_WAITER = WSA_MAXIMUM_WAIT_EVENTS - 1;

    /** Where a waiter hands a signalled operation: called on the waiter's thread. */
    interface Signalled {
        void signalled(OverlappedPort.Views operation);
    }

    private final String name;
    private final Signalled port;
    private final WinSocketCalls sockets;
    private final List<Waiter> waiters = new ArrayList<>();

    /** Loop thread: {@code sockets} is the port's scratch, used here on the loop thread only. */
    OverlappedWaiters(String name, Signalled port, WinSocketCalls sockets) {
        this.name = name;
        this.port = port;
        this.sockets = sockets;
    }

    /** Loop thread: watches the event of an operation its call has just started. */
    void watch(OverlappedPort.Views operation) {
        Waiter w = waiterWithRoom();
        w.assigned++;
        operation.waiter = w;
        w.commands.add(operation);
        WSASetEvent(sockets.state, w.wake);
    }

    /** Loop thread: the port has taken back a signalled operation; its waiter has room again. */
    void released(OverlappedPort.Views operation) {
        operation.waiter.assigned--;
        operation.waiter = null;
    }

    private Waiter waiterWithRoom() {
        for (Waiter w : waiters) {
            if (w.assigned < OPERATIONS_PER_WAITER) {
                return w;
            }
        }
        Waiter w;
        try {
            w = new Waiter(waiters.size() + 1);
        } catch (IOException e) {
            // An operation that has started cannot be withdrawn; without a waiter it would never be reaped.
            throw new IllegalStateException(name + ": no event waiter could be started", e);
        }
        waiters.add(w);
        return w;
    }

    /** Loop thread: stops every waiter and waits (a bounded time) for each to end. */
    void stop() {
        for (Waiter w : waiters) {
            w.stopping = true;
            WSASetEvent(sockets.state, w.wake);
        }
        for (Waiter w : waiters) {
            try {
                w.thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One waiter thread. It alone owns its handle array; the loop adds operations through commands and the wake event. */
    final class Waiter implements Runnable {
        private final Thread thread;
        /** Signals new commands or stopping. Closed by the waiter when it ends. */
        private final MemorySegment wake;
        private final ConcurrentLinkedQueue<OverlappedPort.Views> commands = new ConcurrentLinkedQueue<>();
        /** Loop thread: operations placed on this waiter and not yet taken back. */
        int assigned;
        private volatile boolean stopping;

        // Waiter thread only.
        private final OverlappedPort.Views[] watched = new OverlappedPort.Views[OPERATIONS_PER_WAITER];
        private int count;

        Waiter(int index) throws IOException {
            MemorySegment event = WSACreateEvent(sockets.state);
            if (event.address() == 0) {
                throw sockets.lastError("WSACreateEvent");
            }
            this.wake = event;
            this.thread = new Thread(this, "netloop-" + name + "-waiter-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = WinErrors.allocateCallState(arena);
                MemorySegment handles = arena.allocate(ADDRESS.byteSize() * WSA_MAXIMUM_WAIT_EVENTS, 8);
                while (!stopping) {
                    OverlappedPort.Views v;
                    while ((v = commands.poll()) != null) {
                        watched[count++] = v;
                    }
                    // The wait reports the lowest signalled index: the wake event goes last, so that
                    // a burst of commands does not hold back completions.
                    for (int i = 0; i < count; i++) {
                        handles.setAtIndex(ADDRESS, i, watched[i].event);
                    }
                    handles.setAtIndex(ADDRESS, count, wake);
                    int rc = WSAWaitForMultipleEvents(state, count + 1, handles, 0, WSA_INFINITE, 0);
                    // Then every other signalled operation, without waiting: each taken one leaves the
                    // array, so the next call reports the next, and none is starved by a lower index.
                    while (rc != WSA_WAIT_FAILED && rc != WSA_WAIT_TIMEOUT) {
                        int i = rc - WSA_WAIT_EVENT_0;
                        if (i >= count) {
                            WSAResetEvent(state, wake); // commands are applied at the top of the round
                            break;
                        }
                        OverlappedPort.Views done = watched[i];
                        watched[i] = watched[--count];
                        watched[count] = null;
                        handles.setAtIndex(ADDRESS, i, count > i ? watched[i].event : wake);
                        handles.setAtIndex(ADDRESS, count, wake);
                        port.signalled(done);
                        rc = WSAWaitForMultipleEvents(state, count + 1, handles, 0, 0, 0);
                    }
                    if (rc == WSA_WAIT_FAILED) {
                        log.warn("{}: WSAWaitForMultipleEvents failed: {}", thread.getName(), WinErrors.name(WinErrors.wsaLastError(state)));
                        sleepBriefly();
                    }
                }
                WSACloseEvent(state, wake);
            } catch (Throwable t) {
                log.error("{} ended unexpectedly; the operations it watched will not complete", thread.getName(), t);
            }
        }

        private static void sleepBriefly() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
