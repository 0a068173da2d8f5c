package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_ENTRY;
import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_ENTRY_DWNUMBEROFBYTESTRANSFERRED_OFFSET;
import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_ENTRY_LPOVERLAPPED_OFFSET;
import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_INTERNAL_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.internal.completion.Operation;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The completion core's port on one I/O completion port. Operations are issued as every
 * overlapped port issues them (see {@link OverlappedPort}); a dequeued packet names the
 * operation's OVERLAPPED, which leads back to its tag and handle. Sockets are associated with the
 * port of the loop that owns them, and every operation completes through the port (completion is
 * not skipped on immediate success), so the core sees one path.
 */
final class IocpPort extends OverlappedPort {
    private static final int MAX_ENTRIES = 256;
    /** Completion key of wakeup packets, which carry no OVERLAPPED. */
    private static final long WAKE_KEY = 1;

    private final MemorySegment port;
    private final MemorySegment entries;
    private final MemorySegment removed;
    /** The wakeup's memory, written by any thread; closed once no wakeup is under way. */
    private final Arena wakeArena = Arena.ofShared();
    private final MemorySegment wakeState;
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private volatile boolean closed;

    IocpPort(ExtensionFunctions extensions) throws IOException {
        super(extensions);
        this.entries = arena.allocate(OVERLAPPED_ENTRY.byteSize() * MAX_ENTRIES, 8);
        this.removed = arena.allocate(JAVA_INT);
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

    @Override
    void associate(long socket) throws IOException {
        MemorySegment h = Kernel32.CreateIoCompletionPort(sockets.state, MemorySegment.ofAddress(socket), port, 0, 0);
        if (h.address() == 0) {
            throw WinSocketCalls.exception("CreateIoCompletionPort", WinErrors.lastError(sockets.state));
        }
        // Completions still come through the port on immediate success; only the handle's event is skipped.
        Kernel32.SetFileCompletionNotificationModes(sockets.state, MemorySegment.ofAddress(socket),
                (byte) Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE);
    }

    @Override
    public void close(Operation op, long socket) {
        prepare(op, socket);
        forget(socket);
        sockets.close(socket);
        // closesocket is synchronous; the packet only tells the core, in order with the others.
        if (Kernel32.PostQueuedCompletionStatus(sockets.state, port, 0, 0, op.memory) == 0) {
            throw new IllegalStateException("PostQueuedCompletionStatus failed: "
                    + WinErrors.name(WinErrors.lastError(sockets.state)));
        }
    }

    // ---- the loop ----

    @Override
    public void poll(long timeoutNanos, Completions sink, WaitRecorder waits) throws IOException {
        int timeoutMs = timeoutNanos < 0 ? Kernel32.INFINITE
                : (int) Math.min(Integer.MAX_VALUE - 1, (timeoutNanos + 999_999) / 1_000_000);
        if (hasDoneAtOnce()) {
            timeoutMs = 0;
            reapDoneAtOnce(sink);
        }
        waits.beforeWait(timeoutMs == 0 ? 0 : timeoutNanos);
        int ok = Kernel32.GetQueuedCompletionStatusEx(sockets.state, port, entries, MAX_ENTRIES, removed, timeoutMs, 0);
        waits.afterWait(ok == 0 ? 0 : removed.get(JAVA_INT, 0));
        if (ok == 0) {
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
            long tag = tagOf(overlapped);
            // Internal is a ULONG_PTR holding an NTSTATUS: only its low 32 bits are the status.
            int status = ALL.get(JAVA_INT, overlapped + OVERLAPPED_INTERNAL_OFFSET);
            long result;
            if (status >= 0) { // NT_SUCCESS: success and informational codes
                result = Integer.toUnsignedLong(entries.get(JAVA_INT, at + OVERLAPPED_ENTRY_DWNUMBEROFBYTESTRANSFERRED_OFFSET));
            } else if (status == STATUS_CANCELLED) {
                // Without asking Winsock, whose handle may be closed already (a listener's AcceptEx).
                result = -WinErrors.ERROR_OPERATION_ABORTED;
            } else {
                // Winsock translates its NTSTATUS into the WSAE* code; should it call it a success, its bytes.
                result = overlappedResult(overlapped);
            }
            sink.complete(tag, datagramResult(overlapped, result), 0);
        }
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
    public void close() {
        closed = true;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        Kernel32.CloseHandle(sockets.state, port);
        arena.close();
        wakeArena.close();
    }
}
