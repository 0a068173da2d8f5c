package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;

import io.netloop.SocketOptions;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.internal.readiness.StreamSocket;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.util.Arrays;

/**
 * A {@link ReadinessPoller} on Winsock's {@code select}, level-triggered, on the loop thread itself
 * (no waiter threads, unlike {@link EventSelectPoller}).
 *
 * <p>A Winsock {@code fd_set} is a count and an array of {@code SOCKET}s, not a bitmap, and select
 * reads as many entries as the count says: the sets here are allocated for every socket watched
 * (plus the wakeup socket) and grow by doubling, so there is no limit of 64 ({@code FD_SETSIZE}),
 * only the cost of handing every socket to the kernel on each wait. The sets are refilled from the
 * interest before each wait, because select overwrites them with the ready sockets.
 *
 * <p>Winsock reports a failed non-blocking connect in the except set, not the write set: a socket
 * that is connecting is put in both, and either answer makes the core call
 * {@link StreamSocket#finishConnect()}, which reads {@code SO_ERROR}. Connected sockets are not
 * put in the except set, where out-of-band data would be reported over and over.
 * {@link WinSelectWaker} wakes the wait with a datagram to a loopback UDP socket in the read set.
 */
final class WinSelectPoller extends WinReadinessPoller<WinSelectPoller.SocketState> {
    private static final int INITIAL_CAPACITY = 64;

    private final MemorySegment timeval;
    private final WinSelectWaker waker;

    /** The three fd_sets, all of {@link #capacity} entries; owned by {@link #setsArena}, replaced when they grow. */
    private Arena setsArena;
    private MemorySegment readSet;
    private MemorySegment writeSet;
    private MemorySegment exceptSet;
    private int capacity;

    /** Registered sockets, dense: a removed one's slot takes the last. */
    private WinSocket<SocketState>[] watched = newArray(INITIAL_CAPACITY);
    private int count;
    private final SocketHandleTable<WinSocket<SocketState>> byHandle = new SocketHandleTable<>();
    private int nextGeneration;
    private int round;
    /** Sockets found ready in this round, and the generation each had then. */
    private WinSocket<SocketState>[] ready = newArray(INITIAL_CAPACITY);
    private int[] readyGeneration = new int[INITIAL_CAPACITY];

    WinSelectPoller() throws IOException {
        super(false, SocketState::new);
        this.timeval = arena.allocate(TIMEVAL);
        try {
            this.waker = new WinSelectWaker(sockets, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        allocateSets(INITIAL_CAPACITY);
    }

    /**
     * A socket's registration state, kept on it: select runs on the loop thread, so a socket is
     * closed only between waits and needs none of the hand-over that eventselect makes with its
     * waiter thread. Loop thread only.
     */
    static final class SocketState {
        /** The handler, or {@code null} when not registered. */
        ReadyHandler handler;
        /** READ and/or WRITE. */
        int interest;
        /** Index in the poller's array of watched sockets, or -1. */
        int slot = -1;
        /** Changes with every registration, so a ready entry of an earlier one is recognised as stale. */
        int generation;
        /** The poll round that last found this socket ready, and the operations it found. */
        int readyRound;
        int readyOps;
        /** Whether a non-blocking connect is under way: the poller then watches the except set too. */
        boolean connecting;
        /** The poller found the socket in the except set while it was connecting. */
        boolean connectFailed;
    }

    @SuppressWarnings("unchecked") // holds only this poller's sockets
    private static WinSocket<SocketState>[] newArray(int length) {
        return (WinSocket<SocketState>[]) new WinSocket<?>[length];
    }

    @Override
    public void register(PollableSocket pollable, ReadyHandler handler, int interest) {
        WinSocket<SocketState> s = socket(pollable);
        if (s.state.slot >= 0) {
            deregister(s);
        }
        if (count == watched.length) {
            watched = Arrays.copyOf(watched, count * 2);
        }
        int generation = ++nextGeneration;
        if (generation == 0) {
            generation = ++nextGeneration;
        }
        s.state.generation = generation;
        s.state.handler = handler;
        s.state.interest = interest;
        s.state.slot = count;
        watched[count++] = s;
        byHandle.put(s.handle, s);
    }

    @Override
    public void setInterest(PollableSocket pollable, int interest) {
        WinSocket<SocketState> s = socket(pollable);
        if (s.state.slot >= 0) {
            s.state.interest = interest;
        }
    }

    @Override
    public void deregister(PollableSocket pollable) {
        WinSocket<SocketState> s = socket(pollable);
        int slot = s.state.slot;
        if (slot < 0) {
            return;
        }
        WinSocket<SocketState> last = watched[--count];
        watched[slot] = last;
        last.state.slot = slot;
        watched[count] = null;
        s.state.slot = -1;
        s.state.handler = null;
        s.state.generation = 0;
        byHandle.remove(s.handle);
    }

    @Override
    public void poll(long timeoutNanos, WaitRecorder waits) throws IOException {
        if (count + 1 > capacity) {
            allocateSets(Math.max(capacity * 2, count + 1));
        }
        int reads = 0;
        int writes = 0;
        int excepts = 0;
        setFdSetSocket(readSet, reads++, waker.receiver);
        for (int i = 0; i < count; i++) {
            WinSocket<SocketState> s = watched[i];
            if ((s.state.interest & READ) != 0) {
                setFdSetSocket(readSet, reads++, s.handle);
            }
            if ((s.state.interest & WRITE) != 0) {
                setFdSetSocket(writeSet, writes++, s.handle);
                if (s.state.connecting) {
                    setFdSetSocket(exceptSet, excepts++, s.handle);
                }
            }
        }
        setFdSetCount(readSet, reads);
        setFdSetCount(writeSet, writes);
        setFdSetCount(exceptSet, excepts);
        MemorySegment timeout = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            // Rounded up to the microsecond, so a timer never finds the loop awake a little early.
            long micros = (timeoutNanos + 999) / 1000;
            setTimeval(timeval, (int) Math.min(micros / 1_000_000, Integer.MAX_VALUE), (int) (micros % 1_000_000));
            timeout = timeval;
        }
        // nfds is ignored by Winsock; a NULL set is one select does not look at.
        waits.beforeWait(timeoutNanos);
        int n = Ws2_32.select(sockets.state, 0, readSet, writes == 0 ? MemorySegment.NULL : writeSet,
                excepts == 0 ? MemorySegment.NULL : exceptSet, timeout);
        waits.afterWait(Math.max(n, 0));
        if (n == SOCKET_ERROR) {
            int e = WinErrors.wsaLastError(sockets.state);
            if (e == WinErrors.WSAEINTR) {
                return;
            }
            throw WinSocketCalls.exception("select", e);
        }
        if (n == 0) {
            return;
        }
        int r = ++round;
        if (r == 0) {
            r = ++round; // 0 is every socket's "never ready"
        }
        int found = 0;
        found = collect(readSet, READ, r, found);
        if (writes != 0) {
            found = collect(writeSet, WRITE, r, found);
        }
        if (excepts != 0) {
            // Only connecting sockets are in it: the connect failed. WRITE so that the core finishes
            // the connect; ERROR so that it reads SO_ERROR.
            found = collect(exceptSet, WRITE | ERROR, r, found);
        }
        for (int i = 0; i < found; i++) {
            WinSocket<SocketState> s = ready[i];
            ready[i] = null;
            ReadyHandler h = s.state.handler;
            if (h != null && s.state.generation == readyGeneration[i]) { // else deregistered by an earlier handler of this batch
                h.onReady(s.state.readyOps);
            }
        }
    }

    /** Adds the sockets select left in {@code set} to this round's ready list with {@code ops}; returns the list's new length. */
    private int collect(MemorySegment set, int ops, int r, int found) {
        int n = fdSetCount(set);
        for (int i = 0; i < n; i++) {
            long handle = fdSetSocket(set, i);
            if (handle == waker.receiver) {
                waker.drain();
                continue;
            }
            WinSocket<SocketState> s = byHandle.get(handle);
            if (s == null) {
                continue;
            }
            if (s.state.readyRound != r) {
                s.state.readyRound = r;
                s.state.readyOps = 0;
                if (found == ready.length) {
                    ready = Arrays.copyOf(ready, found * 2);
                    readyGeneration = Arrays.copyOf(readyGeneration, found * 2);
                }
                ready[found] = s;
                readyGeneration[found] = s.state.generation;
                found++;
            }
            s.state.readyOps |= ops;
            if ((ops & ERROR) != 0 && s instanceof WinStreamSocket) {
                s.state.connectFailed = true;
            }
        }
        return found;
    }

    /** Replaces the three sets with sets of {@code entries} entries; the old ones are freed. */
    private void allocateSets(int entries) {
        Arena next = Arena.ofConfined();
        long bytes = fdSetByteSize(entries);
        long align = FD_SET_LAYOUT.byteAlignment();
        readSet = next.allocate(bytes, align);
        writeSet = next.allocate(bytes, align);
        exceptSet = next.allocate(bytes, align);
        if (setsArena != null) {
            setsArena.close();
        }
        setsArena = next;
        capacity = entries;
    }

    @Override
    public void wakeup() {
        waker.wakeup();
    }

    @Override
    public void close() {
        waker.close();
        setsArena.close();
        arena.close();
    }

    // ---- sockets ----

    @Override
    public StreamSocket connect(SocketAddress remote, SocketOptions options) throws IOException {
        WinStreamSocket<SocketState> socket = startConnect(remote, options);
        socket.state.connecting = true;
        return socket;
    }

    // ---- the model's points of its sockets ----

    /**
     * Winsock reports a failed non-blocking connect in the except set, with the cause in
     * {@code SO_ERROR}; a successful one in the write set. {@code SO_ERROR} is also 0 while the
     * handshake is under way: only a peer name says it is done.
     */
    @Override
    boolean finishConnect(WinStreamSocket<SocketState> socket) throws IOException {
        int error = sockets.getIntOption(socket.handle, Ws2_32.SOL_SOCKET, Ws2_32.SO_ERROR);
        if (error != 0) {
            socket.state.connecting = false;
            throw WinSocketCalls.exception("connect", error);
        }
        if (socket.remoteAddress() == null) {
            if (socket.state.connectFailed) {
                socket.state.connecting = false;
                throw new ConnectException("connect failed: select reported it in the except set with no SO_ERROR");
            }
            return false;
        }
        socket.state.connecting = false;
        return true;
    }

    @Override
    void prepareAccepted(long child) throws IOException {
        sockets.noInherit(child);
        try {
            // Said again rather than relied on as inherited from the listener (the C sequence test does the same).
            sockets.nonBlocking(child);
        } catch (IOException e) {
            sockets.close(child);
            throw e;
        }
    }

    /** Between waits, on the loop thread: no wait can hold the handle. */
    @Override
    void closeSocket(WinSocket<SocketState> socket) {
        deregister(socket);
        sockets.close(socket.handle);
    }
}
