package io.netloop.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.NativeIOException;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.EventFd;
import io.netloop.bindings.linux.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public raw {@link Epoll}, over real eventfd descriptors made with the bindings. */
class EpollTest {

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Epoll.isAvailable(), () -> "epoll is not available: " + Epoll.unavailabilityCause().orElse(""));
    }

    @Test
    void levelTriggeredReportsWhileReadyAndEdgeTriggeredOncePerChange() throws IOException {
        try (Arena arena = Arena.ofConfined(); Epoll lt = Epoll.create(); Epoll et = Epoll.create();
             Epoll.Events ready = Epoll.Events.allocate(8)) {
            MemorySegment errno = Errno.allocateState(arena);
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            int fd = EventFd.eventfd(errno, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
            assertTrue(fd >= 0, "eventfd");
            try {
                lt.add(fd, Epoll.IN, 42L);
                et.add(fd, Epoll.IN | Epoll.ET, 43L);
                assertEquals(0, lt.wait(ready, 0), "nothing ready yet");

                Sockets.write(errno, fd, one, 8);
                assertEquals(1, lt.wait(ready, 1000));
                assertEquals(42L, ready.data(0));
                assertTrue((ready.events(0) & Epoll.IN) != 0);
                assertEquals(1, lt.wait(ready, 0), "level-triggered: still ready, reported again");

                assertEquals(1, et.wait(ready, 1000));
                assertEquals(43L, ready.data(0));
                assertEquals(0, et.wait(ready, 0), "edge-triggered: no new change, no new report");
                Sockets.write(errno, fd, one, 8);
                assertEquals(1, et.wait(ready, 1000), "edge-triggered: a new write is a new edge");

                et.modify(fd, Epoll.OUT | Epoll.ET, 44L);
                assertEquals(1, et.wait(ready, 1000));
                assertEquals(44L, ready.data(0));
                et.delete(fd);
                assertEquals(0, et.wait(ready, 0), "deleted");
            } finally {
                Sockets.close(errno, fd);
            }
        }
    }

    @Test
    void errorsCarryTheNativeCode() throws IOException {
        try (Epoll ep = Epoll.create()) {
            IOException e = assertThrows(IOException.class, () -> ep.delete(123_456));
            NativeIOException n = assertInstanceOf(NativeIOException.class, e);
            assertEquals("EBADF", n.symbolicName());
            assertEquals(Errno.EBADF, n.code());
            assertTrue(n.getMessage().startsWith("epoll_ctl failed: EBADF (9) "), n.getMessage());
        }
    }

    @Test
    void closedInstanceRefusesUse() throws IOException {
        Epoll ep = Epoll.create();
        ep.close();
        ep.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> ep.add(0, Epoll.IN, 0));
    }
}
