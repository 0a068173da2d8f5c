package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Kernel32.OVERLAPPED;
import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_ENTRY;
import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_ENTRY_DWNUMBEROFBYTESTRANSFERRED_OFFSET;
import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_ENTRY_LPOVERLAPPED_OFFSET;
import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_INTERNAL_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKET_ERROR;
import static io.netloop.bindings.windows.Ws2_32.WSABUF;
import static io.netloop.bindings.windows.Ws2_32.WSABUF_BUF_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.WSABUF_LEN_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.SocketOptions;
import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.MsWsock;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.buffer.Chunk;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.internal.completion.CompletionPort;
import io.netloop.internal.completion.Operation;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The completion core's port on one I/O completion port. Each operation's memory starts with its
 * {@code OVERLAPPED}, followed by the operation's tag and the handle it was issued on, so a
 * dequeued packet leads back to both; the rest holds the operation's WSABUFs or addresses.
 * Sockets are associated with the port of the loop that owns them, and every operation completes
 * through the port (completion is not skipped on immediate success), so the core sees one path.
 */
final class IocpPort implements CompletionPort {
    private static final int MAX_GATHER = 64;
    private static final int MAX_ENTRIES = 256;
    private static final long TAG_AT = OVERLAPPED.byteSize();
    private static final long HANDLE_AT = TAG_AT + 8;
    private static final long DATA_AT = HANDLE_AT + 8;
    /** AcceptEx wants room for each address plus 16 bytes. */
    private static final int ACCEPT_ADDRESS_LENGTH = (int) Ws2_32.SOCKADDR_IN6.byteSize() + 16;
    /** Completion key of wakeup packets, which carry no OVERLAPPED. */
    private static final long WAKE_KEY = 1;
    /** {@code <ntstatus.h>}: what a cancelled (CancelIoEx) or aborted (closesocket) operation ends with. */
    private static final int STATUS_CANCELLED = 0xC0000120;

    /** Every address of the process, for reading a dequeued packet's OVERLAPPED without a new segment. */
    private static final MemorySegment ALL = Kernel32.addressSpace();

    /** Loop-thread memory: call scratch, the dequeue array. Lives as long as the port. */
    private final Arena arena = Arena.ofConfined();
    private final WinSocketCalls sockets;
    private final MemorySegment port;
    private final MemorySegment entries;
    private final MemorySegment removed;
    private final MemorySegment bytes;
    private final MemorySegment flags;
    private final ExtensionFunctions extensions;
    /** Family of each listening socket, for the sockets AcceptEx needs made in advance. */
    private final Map<Long, Integer> listenerFamilies = new HashMap<>();
    /** The wakeup's memory, written by any thread; closed once no wakeup is under way. */
    private final Arena wakeArena = Arena.ofShared();
    private final MemorySegment wakeState;
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private volatile boolean closed;

    IocpPort(ExtensionFunctions extensions) throws IOException {
        this.extensions = extensions;
        this.sockets = new WinSocketCalls(arena);
        this.entries = arena.allocate(OVERLAPPED_ENTRY.byteSize() * MAX_ENTRIES, 8);
        this.removed = arena.allocate(JAVA_INT);
        this.bytes = arena.allocate(JAVA_INT);
        this.flags = arena.allocate(JAVA_INT);
        this.wakeState = WinErrors.allocateCallState(wakeArena);
        MemorySegment p = Kernel32.CreateIoCompletionPort(sockets.state, MemorySegment.ofAddress(Kernel32.INVALID_HANDLE_VALUE),
                MemorySegment.NULL, 0, 1);
        if (p.address() == 0) {
            IOException e = WinSocketCalls.exception("CreateIoCompletionPort", WinErrors.lastError(sockets.state));
            arena.close();
            wakeArena.close();
            throw e;
        }
        this.port = p;
    }

    /** Views of an operation's memory past its header, made once per operation so that posting allocates nothing. */
    private static final class Views {
        final MemorySegment data;
        /** A receive's flags DWORD, after its WSABUF. */
        final MemorySegment receiveFlags;

        Views(Operation op) {
            this.data = op.memory.asSlice(DATA_AT);
            this.receiveFlags = op.kind() == Operation.RECEIVE ? data.asSlice(WSABUF.byteSize(), 4) : null;
        }
    }

    private static Views views(Operation op) {
        if (op.portState == null) {
            op.portState = new Views(op);
        }
        return (Views) op.portState;
    }

    private static MemorySegment data(Operation op) {
        return views(op).data;
    }

    @Override
    public long memorySize(int kind) {
        long extra = switch (kind) {
            case Operation.RECEIVE -> WSABUF.byteSize() + 8; // one WSABUF and the flags DWORD
            case Operation.SEND -> WSABUF.byteSize() * MAX_GATHER;
            case Operation.ACCEPT -> 2L * ACCEPT_ADDRESS_LENGTH;
            case Operation.CONNECT -> Ws2_32.SOCKADDR_STORAGE.byteSize();
            default -> 0;
        };
        return DATA_AT + extra;
    }

    @Override
    public int maxGather() {
        return MAX_GATHER;
    }

    /** Not done: every read is an overlapped WSARecv. */
    @Override
    public int receiveNow(long socket, ReadBuffer buffer) {
        return 0;
    }

    /** Winsock has no SO_REUSEPORT, and the listener is SO_EXCLUSIVEADDRUSE: a second bind of its port fails. */
    @Override
    public boolean supportsReusePort() {
        return false;
    }

    /** Zeroes the OVERLAPPED (required before each use) and records the tag and the issuing handle. */
    private static void prepare(Operation op, long handle) {
        for (long i = 0; i < TAG_AT; i += 8) {
            op.memory.set(JAVA_LONG, i, 0L);
        }
        op.memory.set(JAVA_LONG, TAG_AT, op.tag());
        op.memory.set(JAVA_LONG, HANDLE_AT, handle);
    }

    /** A call that returned failure: pending is fine (the packet will come), anything else did not start. */
    private void checkStarted(boolean failed, String operation) throws IOException {
        if (failed) {
            int e = WinErrors.wsaLastError(sockets.state);
            if (e != WinErrors.WSA_IO_PENDING) {
                throw WinSocketCalls.exception(operation, e);
            }
        }
    }

    private void associate(long socket) throws IOException {
        MemorySegment h = Kernel32.CreateIoCompletionPort(sockets.state, MemorySegment.ofAddress(socket), port, 0, 0);
        if (h.address() == 0) {
            throw WinSocketCalls.exception("CreateIoCompletionPort", WinErrors.lastError(sockets.state));
        }
        // Completions still come through the port on immediate success; only the handle's event is skipped.
        Kernel32.SetFileCompletionNotificationModes(sockets.state, MemorySegment.ofAddress(socket),
                (byte) Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE);
    }

    // ---- sockets ----

    @Override
    public long listen(InetSocketAddress local, SocketOptions options, boolean reusePort) throws IOException {
        long s = sockets.listen(local, options);
        try {
            associate(s);
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        listenerFamilies.put(s, WinSockAddrs.CODEC.family(local));
        return s;
    }

    @Override
    public long open(InetSocketAddress remote, SocketOptions options) throws IOException {
        int family = WinSockAddrs.CODEC.family(remote);
        long s = sockets.configureOrClose(sockets.newSocket(family), options);
        try {
            sockets.bindAny(s, family);
            associate(s);
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        return s;
    }

    @Override
    public long accepted(Operation accept, long result, long listener, SocketOptions options) throws IOException {
        long s = accept.socket;
        accept.socket = 0;
        try {
            sockets.setSocketOption(s, Ws2_32.SO_UPDATE_ACCEPT_CONTEXT, listener);
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        return sockets.configureOrClose(s, options);
    }

    @Override
    public void acceptFailed(Operation accept) {
        if (accept.socket != 0) {
            sockets.close(accept.socket);
            accept.socket = 0;
        }
    }

    @Override
    public void adopt(long socket) throws IOException {
        associate(socket);
    }

    @Override
    public void connected(long socket) throws IOException {
        sockets.setSocketOption(socket, Ws2_32.SO_UPDATE_CONNECT_CONTEXT, 0);
    }

    @Override
    public InetSocketAddress localAddress(long socket) {
        return sockets.socketName(socket, false);
    }

    @Override
    public InetSocketAddress remoteAddress(long socket) {
        return sockets.socketName(socket, true);
    }

    @Override
    public void shutdownOutput(long socket) throws IOException {
        sockets.shutdownOutput(socket);
    }

    @Override
    public void resetOnClose(long socket) {
        sockets.resetOnClose(socket);
    }

    @Override
    public boolean stopListening(long listener) {
        // Closing the socket frees the port at once and ends every posted AcceptEx with
        // ERROR_OPERATION_ABORTED; their OVERLAPPEDs stay the core's until those packets are dequeued.
        listenerFamilies.remove(listener);
        sockets.close(listener);
        return true;
    }

    @Override
    public void closeNow(long socket) {
        sockets.close(socket);
    }

    // ---- operations ----

    @Override
    public boolean accept(Operation op, long listener) throws IOException {
        Integer family = listenerFamilies.get(listener);
        if (family == null) {
            throw WinSocketCalls.exception("accept", WinErrors.WSAENOTSOCK);
        }
        long s = sockets.newSocket(family);
        prepare(op, listener);
        MemorySegment buffer = data(op);
        boolean ok = MsWsock.AcceptEx(sockets.state, extensions.acceptEx, listener, s, buffer, 0,
                ACCEPT_ADDRESS_LENGTH, ACCEPT_ADDRESS_LENGTH, bytes, op.memory) != 0;
        try {
            checkStarted(!ok, "accept");
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        op.socket = s;
        return false;
    }

    @Override
    public void connect(Operation op, long socket, InetSocketAddress remote) throws IOException {
        prepare(op, socket);
        MemorySegment address = data(op);
        int len = WinSockAddrs.CODEC.encode(remote, address);
        boolean ok = MsWsock.ConnectEx(sockets.state, extensions.connectEx, socket, address, len,
                MemorySegment.NULL, 0, MemorySegment.NULL, op.memory) != 0;
        checkStarted(!ok, "connect");
    }

    @Override
    public void receive(Operation op, long socket, ReadBuffer buffer) throws IOException {
        prepare(op, socket);
        Views v = views(op);
        v.data.set(JAVA_INT, WSABUF_LEN_OFFSET, buffer.capacity());
        v.data.set(JAVA_LONG, WSABUF_BUF_OFFSET, buffer.segment().address());
        v.receiveFlags.set(JAVA_INT, 0, 0);
        int rc = Ws2_32.WSARecv(sockets.state, socket, v.data, 1, MemorySegment.NULL, v.receiveFlags, op.memory, MemorySegment.NULL);
        checkStarted(rc == SOCKET_ERROR, "read");
    }

    @Override
    public void send(Operation op, long socket, WriteQueue queue, int chunks) throws IOException {
        prepare(op, socket);
        MemorySegment d = data(op);
        for (int i = 0; i < chunks; i++) {
            Chunk c = queue.chunk(i);
            long at = i * WSABUF.byteSize();
            d.set(JAVA_INT, at + WSABUF_LEN_OFFSET, c.readable());
            d.set(JAVA_LONG, at + WSABUF_BUF_OFFSET, c.segment().address() + c.readIndex());
        }
        int rc = Ws2_32.WSASend(sockets.state, socket, d, chunks, MemorySegment.NULL, 0, op.memory, MemorySegment.NULL);
        checkStarted(rc == SOCKET_ERROR, "write");
    }

    @Override
    public void close(Operation op, long socket) {
        prepare(op, socket);
        sockets.close(socket);
        // closesocket is synchronous; the packet only tells the core, in order with the others.
        if (Kernel32.PostQueuedCompletionStatus(sockets.state, port, 0, 0, op.memory) == 0) {
            throw new IllegalStateException("PostQueuedCompletionStatus failed: "
                    + WinErrors.name(WinErrors.lastError(sockets.state)));
        }
    }

    @Override
    public void cancel(Operation op) {
        long handle = op.memory.get(JAVA_LONG, HANDLE_AT);
        // ERROR_NOT_FOUND: it has completed already and its packet is on the way.
        Kernel32.CancelIoEx(sockets.state, MemorySegment.ofAddress(handle), op.memory);
    }

    // ---- the loop ----

    @Override
    public void poll(long timeoutNanos, Completions sink) throws IOException {
        int timeoutMs = timeoutNanos < 0 ? Kernel32.INFINITE
                : (int) Math.min(Integer.MAX_VALUE - 1, (timeoutNanos + 999_999) / 1_000_000);
        if (Kernel32.GetQueuedCompletionStatusEx(sockets.state, port, entries, MAX_ENTRIES, removed, timeoutMs, 0) == 0) {
            int e = WinErrors.lastError(sockets.state);
            if (e == WinErrors.WAIT_TIMEOUT) {
                return;
            }
            throw WinSocketCalls.exception("GetQueuedCompletionStatusEx", e);
        }
        int n = removed.get(JAVA_INT, 0);
        for (int i = 0; i < n; i++) {
            long at = i * OVERLAPPED_ENTRY.byteSize();
            long overlapped = entries.get(JAVA_LONG, at + OVERLAPPED_ENTRY_LPOVERLAPPED_OFFSET);
            if (overlapped == 0) {
                continue; // a wakeup
            }
            long tag = ALL.get(JAVA_LONG, overlapped + TAG_AT);
            // Internal is a ULONG_PTR holding an NTSTATUS: only its low 32 bits are the status.
            int status = ALL.get(JAVA_INT, overlapped + OVERLAPPED_INTERNAL_OFFSET);
            long result;
            if (status >= 0) { // NT_SUCCESS: success and informational codes
                result = Integer.toUnsignedLong(entries.get(JAVA_INT, at + OVERLAPPED_ENTRY_DWNUMBEROFBYTESTRANSFERRED_OFFSET));
            } else if (status == STATUS_CANCELLED) {
                // Without asking Winsock, whose handle may be closed already (a listener's AcceptEx).
                result = -WinErrors.ERROR_OPERATION_ABORTED;
            } else {
                result = resultOf(overlapped);
            }
            sink.complete(tag, result, 0);
        }
    }

    /**
     * A failed operation's result: Winsock translates its NTSTATUS into the negated WSAE* code
     * (WSAENOTSOCK when its socket is closed already); should Winsock call it a success, its bytes.
     */
    private long resultOf(long overlapped) {
        long handle = ALL.get(JAVA_LONG, overlapped + HANDLE_AT);
        if (Ws2_32.WSAGetOverlappedResult(sockets.state, handle, MemorySegment.ofAddress(overlapped), bytes, 0, flags) != 0) {
            return Integer.toUnsignedLong(bytes.get(JAVA_INT, 0));
        }
        return -WinErrors.wsaLastError(sockets.state);
    }

    @Override
    public void wakeup() {
        wakersInFlight.incrementAndGet();
        try {
            if (!closed) {
                Kernel32.PostQueuedCompletionStatus(wakeState, port, 0, WAKE_KEY, MemorySegment.NULL);
            }
        } finally {
            wakersInFlight.decrementAndGet();
        }
    }

    @Override
    public boolean isCancelled(int error) {
        return error == WinErrors.ERROR_OPERATION_ABORTED;
    }

    @Override
    public IOException exception(String operation, int error) {
        return WinSocketCalls.exception(operation, error);
    }

    @Override
    public void close() {
        closed = true;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        Kernel32.CloseHandle(sockets.state, port);
        arena.close();
        wakeArena.close();
    }

    /** {@code AcceptEx} and {@code ConnectEx}, fetched once for the process through {@code WSAIoctl}. */
    static final class ExtensionFunctions {
        final MemorySegment acceptEx;
        final MemorySegment connectEx;

        private ExtensionFunctions(MemorySegment acceptEx, MemorySegment connectEx) {
            this.acceptEx = acceptEx;
            this.connectEx = connectEx;
        }

        static ExtensionFunctions load() throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                WinSocketCalls calls = new WinSocketCalls(arena);
                long s = calls.newSocket(Ws2_32.AF_INET);
                try {
                    return new ExtensionFunctions(
                            pointer(calls, s, arena, Ws2_32.WSAID_ACCEPTEX_LO, Ws2_32.WSAID_ACCEPTEX_HI, "AcceptEx"),
                            pointer(calls, s, arena, Ws2_32.WSAID_CONNECTEX_LO, Ws2_32.WSAID_CONNECTEX_HI, "ConnectEx"));
                } finally {
                    calls.close(s);
                }
            }
        }

        private static MemorySegment pointer(WinSocketCalls calls, long s, Arena arena, long lo, long hi, String name)
                throws IOException {
            MemorySegment guid = arena.allocate(Ws2_32.GUID);
            Ws2_32.writeGuid(guid, lo, hi);
            MemorySegment out = arena.allocate(JAVA_LONG);
            MemorySegment returned = arena.allocate(JAVA_INT);
            int rc = Ws2_32.WSAIoctl(calls.state, s, Ws2_32.SIO_GET_EXTENSION_FUNCTION_POINTER, guid, (int) guid.byteSize(),
                    out, 8, returned, MemorySegment.NULL, MemorySegment.NULL);
            if (rc == SOCKET_ERROR) {
                throw WinSocketCalls.exception("WSAIoctl(" + name + ")", WinErrors.wsaLastError(calls.state));
            }
            return MemorySegment.ofAddress(out.get(JAVA_LONG, 0));
        }
    }
}
