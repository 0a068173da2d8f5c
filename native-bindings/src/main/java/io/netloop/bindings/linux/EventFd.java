package io.netloop.bindings.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static io.netloop.bindings.linux.Linking.downcall;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Linux eventfd: {@code <sys/eventfd.h>}. The counter is read and written as 8 bytes with
 * {@link Sockets#read} and {@link Sockets#write}:
 *
 * <pre>{@code
 * int efd = EventFd.eventfd(errnoState, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
 * one.set(ValueLayout.JAVA_LONG, 0, 1L);                 // one: 8 native bytes owned by the caller
 * long n = Sockets.write(errnoState, efd, one, 8);      // wakes an epoll_wait watching efd for EPOLLIN
 * }</pre>
 *
 * <p>The static initialiser links the function, so it fails outside Linux.
 */
public final class EventFd {

    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_NONBLOCK = 0x800;       // 04000 octal, = O_NONBLOCK
    public static final int EFD_CLOEXEC = 0x80000;      // 02000000 octal, = O_CLOEXEC

    private EventFd() {
    }

    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    /** {@code int eventfd(unsigned int initval, int flags);} */
    public static int eventfd(MemorySegment errnoState, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(errnoState, initval, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }
}
