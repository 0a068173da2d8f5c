package io.netloop.linux.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.bindings.linux.EventFd;
import io.netloop.bindings.linux.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A {@link LinuxPoller} whose wait watches an eventfd for wakeups among the sockets (poll and
 * select; epoll registers its own with a reserved token). The subclass watches {@link #waker}'s
 * descriptor for reading and calls {@link #drainWakeup()} when it is ready.
 */
abstract class WakeablePoller extends LinuxPoller {
    final EventFdWaker waker;
    /** The 8 bytes a wakeup is drained into; loop thread only. */
    private final MemorySegment eventfdValue;

    WakeablePoller() throws IOException {
        this.eventfdValue = arena.allocate(JAVA_LONG);
        try {
            this.waker = new EventFdWaker(EventFd.EFD_NONBLOCK);
        } catch (IOException e) {
            closeMemory();
            throw e;
        }
    }

    /** Resets the eventfd's counter, so the next wait blocks again. */
    final void drainWakeup() {
        Sockets.read(errno, waker.fd, eventfdValue, 8);
    }

    @Override
    public final void wakeup() {
        waker.wakeup();
    }

    @Override
    public final void close() {
        waker.close();
        closeMemory();
    }
}
