package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netloop.SocketOptions;
import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.User32;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.net.SockAddrCodec;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.internal.readiness.StreamSocket;
import io.netloop.spi.Availability;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ReadinessPoller} on {@code WSAAsyncSelect}: Winsock posts each socket event as a window
 * message to a message-only window ({@code HWND_MESSAGE} parent) that the loop thread creates and
 * owns. {@link #poll} is a message pump: {@code MsgWaitForMultipleObjectsEx} waits for input (with
 * the timeout {@code GetMessageW} lacks), then {@code PeekMessageW(PM_REMOVE)} and
 * {@code DispatchMessageW} hand each message to the window procedure, an FFM upcall onto
 * {@link #windowProcedure}. The procedure only records the event on the socket's registration;
 * handlers run after the pump, in Java, so no user code runs under a native frame and nothing can
 * throw into it. {@link #wakeup()} posts a private message ({@code WM_APP}) from any thread.
 *
 * <p>Winsock posts an event once and re-enables it only by the matching call: FD_READ after a
 * {@code recv}, FD_WRITE only after a send failed with WSAEWOULDBLOCK, FD_ACCEPT after an
 * {@code accept}; FD_CLOSE comes once. As with {@link EventSelectPoller}, reads and writes go on
 * until they would block, and a registration remembers FD_CLOSE so that reads after it read to
 * the end.
 *
 * <p>A message names its socket only by handle ({@code wParam}), and messages posted before a
 * socket was closed stay queued after it: its handle may by then belong to a new socket. So each
 * registration gets its own message number (one of the 16,383 from {@code WM_APP + 1} to
 * {@code 0xBFFF}, in turn), and a message whose number is not its socket's current registration's
 * is dropped. A reused handle would be confused only if exactly 16,383 registrations were made
 * between a stale message's posting and its dispatch.
 *
 * <p>One poller per thread: the window and its messages belong to the thread that made them.
 */
final class AsyncSelectPoller extends WinReadinessPoller<AsyncSelectPoller.SocketState> {
    static final int WAKE_MESSAGE = User32.WM_APP;
    static final int FIRST_SOCKET_MESSAGE = User32.WM_APP + 1;
    /** {@code WM_APP} through {@code 0xBFFF} are the application's. */
    static final int LAST_SOCKET_MESSAGE = 0xBFFF;
    private static final int SOCKET_MESSAGES = LAST_SOCKET_MESSAGE - FIRST_SOCKET_MESSAGE + 1;
    /** Messages taken per poll, so that a flood cannot hold the loop's tasks and timers back. */
    private static final int MAX_MESSAGES = 1024;
    private static final int MAX_DISPATCH = 1024;

    /** The loop thread's poller, for the window procedure, which native code calls with no context. */
    private static final ThreadLocal<AsyncSelectPoller> CURRENT = new ThreadLocal<>();

    private final MemorySegment msg;
    /** Call state of {@link #wakeup()}, which any thread may call; nobody reads it. Freed with the poller by the GC. */
    private final MemorySegment wakeState = WinErrors.allocateCallState(Arena.ofAuto());
    private final Thread loopThread = Thread.currentThread();
    /** The message-only window; destroyed by {@link #close()} on the loop thread. */
    final MemorySegment window;
    private final long windowAddress;
    private final SocketHandleTable<Registration> table = new SocketHandleTable<>();
    /** Registrations with events recorded by the window procedure, not yet dispatched. */
    private final ArrayDeque<Registration> ready = new ArrayDeque<>();
    private int messageCounter;
    /** What the window procedure caught, rethrown by the poll it happened in. */
    private Throwable procedureFailure;
    private volatile boolean closed;

    AsyncSelectPoller() throws IOException {
        super(true, SocketState::new);
        this.msg = arena.allocate(User32.MSG);
        WindowClass.require();
        CURRENT.set(this);
        // Messages sent while the window is made (WM_NCCREATE, WM_CREATE) go to DefWindowProcW:
        // windowAddress is not set yet.
        MemorySegment hwnd = User32.CreateWindowExW(sockets.state, 0, WindowClass.name, MemorySegment.NULL, 0, 0, 0, 0, 0,
                MemorySegment.ofAddress(User32.HWND_MESSAGE), MemorySegment.NULL, WindowClass.instance, MemorySegment.NULL);
        if (hwnd.address() == 0) {
            IOException e = WinSocketCalls.exception("CreateWindowExW", WinErrors.lastError(sockets.state));
            CURRENT.remove();
            arena.close();
            throw e;
        }
        this.window = hwnd;
        this.windowAddress = hwnd.address();
    }

    /**
     * A socket's record: its current registration. A socket is closed on the loop thread, after its
     * selection is cancelled and its registration forgotten: messages still queued for it are then
     * dropped, even once the handle is reused.
     */
    static final class SocketState {
        /** Loop thread: the current registration, or {@code null}. */
        Registration registration;
    }

    /** One registration of one socket: its message number and the events posted but not yet dispatched. Loop thread only. */
    static final class Registration {
        final WinSocket<SocketState> socket;
        /** {@code null} between a connect's early selection and the core's registration. */
        ReadyHandler handler;
        final int message;
        /** FD_* bits from messages, taken by the dispatch. */
        int pending;
        boolean queued;
        /** Error codes that came with FD_CONNECT and FD_CLOSE. */
        int connectError;
        int closeError;
        boolean cancelled;
        /** FD_CLOSE was seen; it will not come again. */
        boolean closeSeen;

        Registration(WinSocket<SocketState> socket, ReadyHandler handler, int message) {
            this.socket = socket;
            this.handler = handler;
            this.message = message;
        }
    }

    private int nextMessage() {
        messageCounter = (messageCounter + 1) % SOCKET_MESSAGES;
        return FIRST_SOCKET_MESSAGE + messageCounter;
    }

    /** A new registration, in the table; selected by the caller. */
    private Registration newRegistration(WinSocket<SocketState> socket, ReadyHandler handler) {
        Registration r = new Registration(socket, handler, nextMessage());
        table.put(socket.handle, r);
        socket.state.registration = r;
        return r;
    }

    @Override
    public void register(PollableSocket pollable, ReadyHandler handler, int interest) throws IOException {
        assert Thread.currentThread() == loopThread;
        WinSocket<SocketState> socket = socket(pollable);
        Registration r = socket.state.registration;
        if (r != null && r.handler == null) {
            r.handler = handler; // selected before its connect: keep its message number and what it recorded
        } else {
            r = newRegistration(socket, handler);
        }
        if (WSAAsyncSelect(sockets.state, socket.handle, window, r.message, NetworkEvents.mask(socket, interest)) == SOCKET_ERROR) {
            IOException e = sockets.lastError("WSAAsyncSelect");
            forget(socket, r);
            throw e;
        }
        if (r.pending != 0 && !r.queued) {
            r.queued = true;
            ready.add(r);
        }
    }

    @Override
    public void setInterest(PollableSocket pollable, int interest) throws IOException {
        WinSocket<SocketState> socket = socket(pollable);
        Registration r = socket.state.registration;
        if (r == null) {
            return;
        }
        // Selecting again posts a condition still true (data waiting, a pending accept, room to
        // send), so nothing that happened while it was not selected is lost.
        if (WSAAsyncSelect(sockets.state, socket.handle, window, r.message, NetworkEvents.mask(socket, interest)) == SOCKET_ERROR) {
            throw sockets.lastError("WSAAsyncSelect");
        }
        if ((interest & READ) != 0 && r.closeSeen && !r.queued) {
            r.queued = true;
            ready.add(r); // FD_CLOSE will not be posted again: read on to the end
        }
    }

    @Override
    public void deregister(PollableSocket pollable) {
        WinSocket<SocketState> socket = socket(pollable);
        Registration r = socket.state.registration;
        if (r == null) {
            return;
        }
        forget(socket, r);
        // Messages already queued stay; the table no longer knows this registration, so they are dropped.
        WSAAsyncSelect(sockets.state, socket.handle, window, 0, 0);
    }

    private void forget(WinSocket<SocketState> socket, Registration r) {
        r.cancelled = true;
        socket.state.registration = null;
        table.remove(socket.handle, r);
    }

    /** Window procedure, loop thread: one event of one socket. */
    private void socketMessage(int message, long socketHandle, long lParam) {
        Registration r = table.get(socketHandle);
        if (r == null || r.message != message) {
            return; // a closed socket's, or an earlier registration's of a handle now reused
        }
        int event = WSAGETSELECTEVENT(lParam);
        int error = WSAGETSELECTERROR(lParam);
        if (event == FD_CONNECT && error != 0) {
            r.connectError = error;
        } else if (event == FD_CLOSE && error != 0) {
            r.closeError = error;
        }
        r.pending |= event;
        if (!r.queued) {
            r.queued = true;
            ready.add(r);
        }
    }

    /**
     * The window procedure: {@code LRESULT CALLBACK WndProc(HWND, UINT, WPARAM, LPARAM)}, called by
     * {@code DispatchMessageW} (and by {@code CreateWindowExW}, {@code DestroyWindow}) on the loop
     * thread. It must never throw into native code: whatever it catches goes to the loop through
     * the poll it happened in.
     */
    @SuppressWarnings("unused") // called from native code through WindowClass's upcall stub
    private static long windowProcedure(MemorySegment hwnd, int message, long wParam, long lParam) {
        AsyncSelectPoller p = null;
        try {
            p = CURRENT.get();
            if (p != null && hwnd.address() == p.windowAddress) {
                if (message == WAKE_MESSAGE) {
                    return 0; // its work was to end the wait
                }
                if (message >= FIRST_SOCKET_MESSAGE && message <= LAST_SOCKET_MESSAGE) {
                    p.socketMessage(message, wParam, lParam);
                    return 0;
                }
            }
            return User32.DefWindowProcW(p != null ? p.sockets.state : WindowClass.callState, hwnd, message, wParam, lParam);
        } catch (Throwable t) {
            if (p != null && p.procedureFailure == null) {
                p.procedureFailure = t;
            }
            return 0;
        }
    }

    @Override
    public void poll(long timeoutNanos, WaitRecorder waits) throws IOException {
        assert Thread.currentThread() == loopThread;
        boolean wait = ready.isEmpty() && timeoutNanos != 0;
        waits.beforeWait(wait ? timeoutNanos : 0);
        if (wait) {
            int millis = timeoutNanos < 0 ? Kernel32.INFINITE
                    : (int) Math.min(TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999), Integer.MAX_VALUE - 1);
            // MWMO_INPUTAVAILABLE: also return for messages already queued that a peek left there
            // (when the budget below stopped early), not only for new ones.
            int rc = User32.MsgWaitForMultipleObjectsEx(sockets.state, 0, MemorySegment.NULL, millis,
                    User32.QS_ALLINPUT, User32.MWMO_INPUTAVAILABLE);
            if (rc == User32.WAIT_FAILED) {
                throw WinSocketCalls.exception("MsgWaitForMultipleObjectsEx", WinErrors.lastError(sockets.state));
            }
        }
        // Every message of the thread, not only this window's: one left in the queue would make
        // every later wait return at once.
        for (int n = 0; n < MAX_MESSAGES && User32.PeekMessageW(sockets.state, msg, MemorySegment.NULL, 0, 0, User32.PM_REMOVE) != 0; n++) {
            User32.DispatchMessageW(sockets.state, msg);
        }
        waits.waitEnded();
        int events = 0;
        Registration r;
        for (int budget = MAX_DISPATCH; budget > 0 && (r = ready.poll()) != null; budget--) {
            r.queued = false;
            if (r.cancelled || r.handler == null) {
                continue; // a connect's early selection keeps its bits until it is registered
            }
            int ops = readyOps(r, r.pending);
            r.pending = 0;
            if (ops != 0) {
                r.handler.onReady(ops);
                events++;
            }
        }
        waits.afterWait(events);
        Throwable failure = procedureFailure;
        if (failure != null) {
            procedureFailure = null;
            throw new IOException("the asyncselect window procedure failed", failure);
        }
    }

    private static int readyOps(Registration r, int bits) {
        if ((bits & FD_CLOSE) != 0) {
            r.closeSeen = true;
        }
        return NetworkEvents.readyOps(r.socket, bits, r.connectError, r.closeError, r.closeSeen);
    }

    /**
     * Any thread. The loop asks for a wakeup only when it is about to sleep or asleep (once per
     * sleep), so the queue's limit of 10,000 posted messages is not approached by wakeups.
     */
    @Override
    public void wakeup() {
        if (!closed) {
            User32.PostMessageW(wakeState, window, WAKE_MESSAGE, 0, 0);
        }
    }

    @Override
    public void close() {
        assert Thread.currentThread() == loopThread;
        if (closed) {
            return;
        }
        closed = true;
        // Only the creating thread may destroy the window; messages still queued for it are not dispatched.
        User32.DestroyWindow(sockets.state, window);
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        arena.close();
    }

    // ---- sockets ----

    /**
     * The socket is selected (FD_CONNECT, FD_WRITE, FD_CLOSE) before {@code connect} is called:
     * under Wine, a socket selected after its connect finished gets FD_WRITE but no FD_CONNECT, and
     * one whose connect failed first gets nothing (see {@code windows_asyncselect_sequence.c}).
     * What is posted before the core registers the socket waits on its registration.
     */
    @Override
    public StreamSocket connect(SocketAddress remote, SocketOptions options) throws IOException {
        long s = sockets.configureOrClose(sockets.newSocket(WinSockAddrs.CODEC.family(remote)), options, SockAddrCodec.isUnix(remote));
        WinStreamSocket<SocketState> socket = new WinStreamSocket<>(this, s);
        try {
            Registration r = newRegistration(socket, null);
            if (WSAAsyncSelect(sockets.state, s, window, r.message, FD_CONNECT | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
                throw sockets.lastError("WSAAsyncSelect");
            }
            sockets.startConnect(s, remote);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    // ---- the model's points of its sockets ----

    /**
     * FD_CONNECT (with its error) or FD_WRITE, whichever comes first, may end a connect; the peer
     * name says it succeeded, {@code SO_ERROR} that it failed.
     */
    @Override
    boolean finishConnect(WinStreamSocket<SocketState> socket) throws IOException {
        if (socket.connectError != 0) {
            throw WinSocketCalls.exception("connect", socket.connectError);
        }
        if (socket.remoteAddress() != null) {
            return true;
        }
        int error = sockets.getIntOption(socket.handle, Ws2_32.SOL_SOCKET, Ws2_32.SO_ERROR);
        if (error != 0) {
            throw WinSocketCalls.exception("connect", error);
        }
        return false;
    }

    @Override
    void prepareAccepted(long child) {
        // An accepted socket inherits the listener's selection (its message number, FD_ACCEPT):
        // cancel it; the core registers the socket with its own. It stays non-blocking.
        WSAAsyncSelect(sockets.state, child, window, 0, 0);
        sockets.noInherit(child);
    }

    /** Cancels the selection and forgets the registration first, so messages still queued for the socket are dropped. */
    @Override
    void closeSocket(WinSocket<SocketState> socket) {
        if (socket.state.registration != null) {
            deregister(socket);
        }
        sockets.close(socket.handle);
    }

    /**
     * The process's one window class, registered on first use and never unregistered (like
     * {@code WSAStartup}, it lasts as long as the process): its name, its procedure's upcall stub
     * and the strings live in the global arena. The name carries this class's identity hash, so
     * two copies of netloop in one process (two class loaders) register two classes.
     */
    static final class WindowClass {
        static final Availability AVAILABILITY;
        /** The class name (UTF-16, NUL-terminated), or NULL when registration failed. */
        static final MemorySegment name;
        /** The executable's module, the class's and its windows' {@code HINSTANCE}. */
        static final MemorySegment instance;
        /** For DefWindowProcW when no poller is current on the calling thread; any thread writes it, nobody reads it. */
        static final MemorySegment callState;

        static {
            Availability a;
            MemorySegment n = MemorySegment.NULL;
            MemorySegment module = MemorySegment.NULL;
            Arena global = Arena.global();
            MemorySegment state = WinErrors.allocateCallState(global);
            try {
                module = Kernel32.GetModuleHandleW(state, MemorySegment.NULL);
                MethodHandle target = MethodHandles.lookup().findStatic(AsyncSelectPoller.class, "windowProcedure",
                        MethodType.methodType(long.class, MemorySegment.class, int.class, long.class, long.class));
                MemorySegment procedure = User32.windowProcedure(target, global);
                n = global.allocateFrom("netloop-asyncselect-" + Integer.toHexString(System.identityHashCode(WindowClass.class)),
                        StandardCharsets.UTF_16LE);
                MemorySegment cls = global.allocate(User32.WNDCLASSEXW);
                cls.set(JAVA_INT, User32.WNDCLASSEXW_CBSIZE_OFFSET, (int) User32.WNDCLASSEXW.byteSize());
                cls.set(ADDRESS, User32.WNDCLASSEXW_LPFNWNDPROC_OFFSET, procedure);
                cls.set(ADDRESS, User32.WNDCLASSEXW_HINSTANCE_OFFSET, module);
                cls.set(ADDRESS, User32.WNDCLASSEXW_LPSZCLASSNAME_OFFSET, n);
                if (User32.RegisterClassExW(state, cls) == 0) {
                    int e = WinErrors.lastError(state);
                    a = Availability.unavailable("RegisterClassExW failed: " + WinErrors.name(e) + " " + WinErrors.message(e));
                } else {
                    a = Availability.available();
                }
            } catch (Throwable t) {
                a = Availability.unavailable("the asyncselect window class could not be registered: " + t, t);
            }
            AVAILABILITY = a;
            name = n;
            instance = module;
            callState = state;
        }

        private WindowClass() {
        }

        static void require() throws IOException {
            if (!AVAILABILITY.isAvailable()) {
                throw new IOException(AVAILABILITY.reason());
            }
        }
    }
}
