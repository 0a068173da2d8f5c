package io.netloop.linux.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.EventFd;
import io.netloop.bindings.linux.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An eventfd that any thread writes to wake one loop; the loop watches or reads {@link #fd}. Its
 * memory and descriptor are released only once no wakeup is under way, so a late waker never
 * writes into a descriptor number that was reused meanwhile.
 */
final class EventFdWaker {
    final int fd;
    /** Written by any thread; lives until {@link #close()}. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one;
    private final MemorySegment errno;
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private volatile boolean closed;

    EventFdWaker(int flags) throws IOException {
        this.one = arena.allocate(JAVA_LONG);
        this.one.set(JAVA_LONG, 0, 1L);
        this.errno = Errno.allocateState(arena);
        int ev = EventFd.eventfd(errno, 0, EventFd.EFD_CLOEXEC | flags);
        if (ev < 0) {
            IOException e = LinuxErrors.exception("eventfd", Errno.errno(errno));
            arena.close();
            throw e;
        }
        this.fd = ev;
    }

    /** Any thread: adds one to the counter, which makes the descriptor readable. */
    void wakeup() {
        wakersInFlight.incrementAndGet();
        try {
            if (!closed) {
                Sockets.write(errno, fd, one, 8);
            }
        } finally {
            wakersInFlight.decrementAndGet();
        }
    }

    /** Loop thread: stops wakeups, waits for a waker still writing, then closes the descriptor. */
    void close() {
        closed = true;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        Sockets.close(errno, fd);
        arena.close();
    }
}
