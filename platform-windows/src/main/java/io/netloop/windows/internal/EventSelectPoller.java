package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;

import io.netloop.SocketOptions;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.internal.readiness.StreamSocket;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link ReadinessPoller} on {@code WSAEventSelect}. Each registered socket has its own event
 * object; {@code WSAWaitForMultipleEvents} takes at most 64 handles, so sockets are sharded over
 * {@link EventSelectWaiter} threads of at most 63 sockets plus a wake event each, added as
 * registrations grow. A waiter that sees events reads them with {@code WSAEnumNetworkEvents},
 * queues the socket's registration here and unparks the loop thread, which dispatches on its own.
 *
 * <p>Winsock reports a network event once and re-enables it only by the matching call: FD_READ
 * after a {@code recv}, FD_WRITE only after a send failed with WSAEWOULDBLOCK, FD_ACCEPT after an
 * {@code accept}; FD_CLOSE comes once. Hence reads and writes here go on until they would block,
 * and a registration remembers FD_CLOSE so that reads after it read to the end.
 */
final class EventSelectPoller extends WinReadinessPoller<EventSelectPoller.SocketState> {
    static final int SOCKETS_PER_WAITER = WSA_MAXIMUM_WAIT_EVENTS - 1;
    private static final int MAX_DISPATCH = 1024;

    private final Thread loopThread = Thread.currentThread();
    /** Registrations with events, queued by waiters for the loop. */
    private final ConcurrentLinkedQueue<Registration> ready = new ConcurrentLinkedQueue<>();
    private final List<EventSelectWaiter> waiters = new ArrayList<>();
    private int waiterCount;

    EventSelectPoller() {
        super(true, SocketState::new);
    }

    /**
     * A socket's record. Once a waiter has known the socket, the socket is closed by that waiter
     * after it stopped waiting on it, so that a waiter never reads the events of a socket handle
     * that was closed and reused meanwhile.
     */
    static final class SocketState {
        /** Loop thread: the current registration, or {@code null}. */
        Registration registration;
        /** Loop thread: the waiter of the last registration, which closes the socket. */
        EventSelectWaiter lastWaiter;
    }

    /** One registration of one socket: its event object, its waiter, and the events seen but not yet dispatched. */
    static final class Registration {
        final WinSocket<SocketState> socket;
        final ReadyHandler handler;
        final MemorySegment event;
        EventSelectWaiter waiter;
        /** FD_* bits from the waiter, taken by the loop. */
        final AtomicInteger pending = new AtomicInteger();
        final AtomicBoolean queued = new AtomicBoolean();
        /** Error codes the waiter read with FD_CONNECT and FD_CLOSE. */
        volatile int connectError;
        volatile int closeError;
        volatile boolean cancelled;
        /** Loop thread: FD_CLOSE was seen; it will not come again. */
        boolean closeSeen;

        Registration(WinSocket<SocketState> socket, ReadyHandler handler, MemorySegment event) {
            this.socket = socket;
            this.handler = handler;
            this.event = event;
        }
    }

    @Override
    public void register(PollableSocket pollable, ReadyHandler handler, int interest) throws IOException {
        WinSocket<SocketState> socket = socket(pollable);
        MemorySegment event = WSACreateEvent(sockets.state);
        if (event.address() == 0) {
            throw sockets.lastError("WSACreateEvent");
        }
        Registration r = new Registration(socket, handler, event);
        if (WSAEventSelect(sockets.state, socket.handle, event, NetworkEvents.mask(socket, interest)) == SOCKET_ERROR) {
            IOException e = sockets.lastError("WSAEventSelect");
            WSACloseEvent(sockets.state, event);
            throw e;
        }
        EventSelectWaiter w = waiterWithRoom();
        r.waiter = w;
        w.assigned++;
        socket.state.registration = r;
        socket.state.lastWaiter = w;
        w.add(r);
    }

    private EventSelectWaiter waiterWithRoom() throws IOException {
        for (EventSelectWaiter w : waiters) {
            if (w.assigned < SOCKETS_PER_WAITER) {
                return w;
            }
        }
        EventSelectWaiter w = new EventSelectWaiter(this, ++waiterCount);
        waiters.add(w);
        return w;
    }

    @Override
    public void setInterest(PollableSocket pollable, int interest) throws IOException {
        WinSocket<SocketState> socket = socket(pollable);
        Registration r = socket.state.registration;
        if (r == null) {
            return;
        }
        // Selecting again re-records a condition still true (data waiting, a pending accept,
        // room to send), so nothing that happened while it was not selected is lost.
        if (WSAEventSelect(sockets.state, socket.handle, r.event, NetworkEvents.mask(socket, interest)) == SOCKET_ERROR) {
            throw sockets.lastError("WSAEventSelect");
        }
        if ((interest & READ) != 0 && r.closeSeen && r.queued.compareAndSet(false, true)) {
            ready.add(r); // FD_CLOSE will not be reported again: read on to the end
        }
    }

    @Override
    public void deregister(PollableSocket pollable) {
        WinSocket<SocketState> socket = socket(pollable);
        Registration r = socket.state.registration;
        if (r == null) {
            return;
        }
        socket.state.registration = null;
        r.cancelled = true;
        WSAEventSelect(sockets.state, socket.handle, MemorySegment.NULL, 0);
        r.waiter.assigned--;
        r.waiter.remove(r); // the waiter closes the event once it no longer waits on it
    }

    /** Waiter thread: events arrived for {@code r}. */
    void signalled(Registration r, int events, int connectError, int closeError) {
        if (connectError != 0) {
            r.connectError = connectError;
        }
        if (closeError != 0) {
            r.closeError = closeError;
        }
        r.pending.getAndAccumulate(events, (a, b) -> a | b); // a non-capturing lambda: nothing allocated per event
        if (r.queued.compareAndSet(false, true)) {
            ready.add(r);
            LockSupport.unpark(loopThread);
        }
    }

    @Override
    public void poll(long timeoutNanos, WaitRecorder waits) {
        boolean park = ready.isEmpty() && timeoutNanos != 0;
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
        // Bounded, so that sockets a waiter queues meanwhile wait for the next round.
        int events = 0;
        Registration r;
        for (int budget = MAX_DISPATCH; budget > 0 && (r = ready.poll()) != null; budget--) {
            r.queued.set(false); // before taking the bits: events recorded after this queue it again
            int ops = readyOps(r, r.pending.getAndSet(0));
            if (!r.cancelled && ops != 0) {
                r.handler.onReady(ops);
                events++;
            }
        }
        waits.afterWait(events);
        if (!ready.isEmpty()) {
            LockSupport.unpark(loopThread); // the next poll must not wait
        }
    }

    private static int readyOps(Registration r, int bits) {
        if ((bits & FD_CLOSE) != 0) {
            r.closeSeen = true;
        }
        return NetworkEvents.readyOps(r.socket, bits, r.connectError, r.closeError, r.closeSeen);
    }

    @Override
    public void wakeup() {
        LockSupport.unpark(loopThread);
    }

    @Override
    public void close() {
        for (EventSelectWaiter w : waiters) {
            w.stop();
        }
        for (EventSelectWaiter w : waiters) {
            w.join(TimeUnit.SECONDS.toMillis(5));
        }
        arena.close();
    }

    // ---- sockets ----

    @Override
    public StreamSocket connect(SocketAddress remote, SocketOptions options) throws IOException {
        return startConnect(remote, options);
    }

    // ---- the model's points of its sockets ----

    @Override
    boolean finishConnect(WinStreamSocket<SocketState> socket) throws IOException {
        if (socket.connectError != 0) {
            throw WinSocketCalls.exception("connect", socket.connectError);
        }
        return socket.remoteAddress() != null;
    }

    @Override
    void prepareAccepted(long child) {
        // An accepted socket inherits the listener's event selection: drop it; the core registers its own.
        WSAEventSelect(sockets.state, child, MemorySegment.NULL, 0);
        sockets.noInherit(child);
    }

    /** Once a waiter has known the socket, that waiter closes it, after it stopped waiting on it. */
    @Override
    void closeSocket(WinSocket<SocketState> socket) {
        if (socket.state.registration != null) {
            deregister(socket);
        }
        if (socket.state.lastWaiter != null) {
            socket.state.lastWaiter.closeSocket(socket.handle);
        } else {
            sockets.close(socket.handle);
        }
    }
}
