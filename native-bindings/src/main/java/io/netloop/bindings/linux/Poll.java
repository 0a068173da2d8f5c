package io.netloop.bindings.linux;

import static io.netloop.bindings.linux.Linking.downcall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code poll(2)}: {@code <poll.h>}.
 *
 * <pre>{@code
 * MemorySegment fds = arena.allocate(Poll.POLLFD, 64);    // owned by the loop, lives as long as it
 * Poll.set(fds, 0, fd, Poll.POLLIN);
 * int n = Poll.poll(errnoState, fds, 1, 1000);            // then Poll.revents(fds, 0)
 * }</pre>
 *
 * <p>The static initialiser links the function, so it fails outside Linux.
 */
public final class Poll {

    public static final int POLLIN = 0x1;
    public static final int POLLPRI = 0x2;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;
    public static final int POLLNVAL = 0x20;
    public static final int POLLRDHUP = 0x2000;

    /**
     * {@snippet lang=c :
     * struct pollfd {
     *     int   fd;
     *     short events;
     *     short revents;
     * };
     * }
     */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents")
    ).withName("pollfd");

    public static final long POLLFD_FD_OFFSET = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("fd"));
    public static final long POLLFD_EVENTS_OFFSET = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    public static final long POLLFD_REVENTS_OFFSET = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("revents"));

    private static final long SIZE = POLLFD.byteSize();

    private Poll() {
    }

    /** Fills element {@code index} of an array of {@link #POLLFD}, clearing its {@code revents}. */
    public static void set(MemorySegment array, int index, int fd, int events) {
        long at = index * SIZE;
        array.set(JAVA_INT, at + POLLFD_FD_OFFSET, fd);
        array.set(JAVA_SHORT, at + POLLFD_EVENTS_OFFSET, (short) events);
        array.set(JAVA_SHORT, at + POLLFD_REVENTS_OFFSET, (short) 0);
    }

    /** The {@code fd} of element {@code index}. */
    public static int fd(MemorySegment array, int index) {
        return array.get(JAVA_INT, index * SIZE + POLLFD_FD_OFFSET);
    }

    /** Sets only the {@code events} of element {@code index}. */
    public static void events(MemorySegment array, int index, int events) {
        array.set(JAVA_SHORT, index * SIZE + POLLFD_EVENTS_OFFSET, (short) events);
    }

    /** The {@code revents} of element {@code index}, as an unsigned 16-bit value. */
    public static int revents(MemorySegment array, int index) {
        return Short.toUnsignedInt(array.get(JAVA_SHORT, index * SIZE + POLLFD_REVENTS_OFFSET));
    }

    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    /**
     * {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout);}
     * <p>Blocks the calling thread for up to {@code timeout} milliseconds, {@code -1} meaning forever.
     */
    public static int poll(MemorySegment errnoState, MemorySegment fds, long nfds, int timeout) {
        try {
            return (int) POLL.invokeExact(errnoState, fds, nfds, timeout);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }
}
