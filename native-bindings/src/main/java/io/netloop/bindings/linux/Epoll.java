package io.netloop.bindings.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static io.netloop.bindings.linux.Linking.downcall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Linux epoll: {@code <sys/epoll.h>}.
 *
 * <p>{@code struct epoll_event} is packed on x86_64 (12 bytes, {@code data} at offset 4, unaligned)
 * and naturally aligned elsewhere, aarch64 included (16 bytes, {@code data} at 8);
 * {@link #EPOLL_EVENT} picks the shape from {@code os.arch}. The accessors read and write arrays
 * of events in place, without allocating:
 *
 * <pre>{@code
 * MemorySegment events = arena.allocate(Epoll.EPOLL_EVENT, 64);   // owned by the loop, lives as long as it
 * int n = Epoll.epoll_wait(errnoState, epfd, events, 64, -1);
 * for (int i = 0; i < n; i++) {
 *     handle(Epoll.data(events, i), Epoll.events(events, i));
 * }
 * }</pre>
 *
 * <p>The static initialiser links every function, so it fails outside Linux.
 */
public final class Epoll {

    public static final int EPOLLIN = 0x001;
    public static final int EPOLLPRI = 0x002;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLEXCLUSIVE = 1 << 28;
    public static final int EPOLLONESHOT = 1 << 30;
    /** {@code 1u << 31} in C: the sign bit of a Java int, so it reads as {@link Integer#MIN_VALUE}. */
    public static final int EPOLLET = 1 << 31;

    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;

    public static final int EPOLL_CLOEXEC = 0x80000;    // 02000000 octal, = O_CLOEXEC

    // The only architecture whose glibc and kernel pack struct epoll_event (__EPOLL_PACKED).
    private static final boolean PACKED = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));

    /**
     * {@snippet lang=c :
     * typedef union epoll_data { void *ptr; int fd; uint32_t u32; uint64_t u64; } epoll_data_t;
     *
     * struct epoll_event {
     *     uint32_t     events;
     *     epoll_data_t data;      // bound as its uint64_t member
     * } __EPOLL_PACKED;           // packed on x86_64 only
     * }
     */
    public static final StructLayout EPOLL_EVENT = PACKED
            ? MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT_UNALIGNED.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data")
            ).withName("epoll_event")
            : MemoryLayout.structLayout(
                    JAVA_INT.withName("events"),
                    MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data")
            ).withName("epoll_event");

    public static final long EPOLL_EVENT_EVENTS_OFFSET =
            EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    public static final long EPOLL_EVENT_DATA_OFFSET =
            EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    // Unaligned accessors serve both shapes: on x86_64 every data field sits at 4 + 12 * index.
    private static final ValueLayout.OfInt EVENTS = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong DATA = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final long EVENT_SIZE = EPOLL_EVENT.byteSize();

    private Epoll() {
    }

    /** The {@code events} of element {@code index} of an array of {@link #EPOLL_EVENT}. */
    public static int events(MemorySegment array, int index) {
        return array.get(EVENTS, index * EVENT_SIZE + EPOLL_EVENT_EVENTS_OFFSET);
    }

    /** The {@code data} (its {@code u64} member) of element {@code index} of an array of {@link #EPOLL_EVENT}. */
    public static long data(MemorySegment array, int index) {
        return array.get(DATA, index * EVENT_SIZE + EPOLL_EVENT_DATA_OFFSET);
    }

    /** Fills the single {@link #EPOLL_EVENT} at the start of {@code event}, as passed to {@link #epoll_ctl}. */
    public static void set(MemorySegment event, int events, long data) {
        event.set(EVENTS, EPOLL_EVENT_EVENTS_OFFSET, events);
        event.set(DATA, EPOLL_EVENT_DATA_OFFSET, data);
    }

    /** Fills element {@code index} of an array of {@link #EPOLL_EVENT}. */
    public static void set(MemorySegment array, int index, int events, long data) {
        array.set(EVENTS, index * EVENT_SIZE + EPOLL_EVENT_EVENTS_OFFSET, events);
        array.set(DATA, index * EVENT_SIZE + EPOLL_EVENT_DATA_OFFSET, data);
    }

    private static final MethodHandle EPOLL_CREATE1 = downcall("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** {@code int epoll_create1(int flags);} */
    public static int epoll_create1(MemorySegment errnoState, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(errnoState, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle EPOLL_CTL = downcall("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    /**
     * {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);}
     * <p>{@code event} may be {@link MemorySegment#NULL} for {@link #EPOLL_CTL_DEL}.
     */
    public static int epoll_ctl(MemorySegment errnoState, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(errnoState, epfd, op, fd, event);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle EPOLL_WAIT = downcall("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    /**
     * {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);}
     * <p>Blocks the calling thread (a virtual thread pins its carrier) for up to {@code timeout}
     * milliseconds, {@code -1} meaning forever.
     */
    public static int epoll_wait(MemorySegment errnoState, int epfd, MemorySegment events, int maxevents, int timeout) {
        try {
            return (int) EPOLL_WAIT.invokeExact(errnoState, epfd, events, maxevents, timeout);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle EPOLL_WAIT_WITHOUT_ERRNO = Linking.downcallWithoutErrno("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    /**
     * {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);}
     * without capturing {@code errno}: on {@code -1} the cause is lost, and the caller calls the
     * capturing form above (with timeout 0) to learn it. Blocks as the capturing form does.
     *
     * <p>Why a loop polls with this one: the JDK slices the capture segment on every call
     * ({@code SharedUtils.checkCaptureSegment}) and passes the slice to
     * {@code SharedUtils.checkNative}, which C2 does not inline where the call is rare next to its
     * caller's other work ("too big" in {@code -XX:+PrintInlining}); the slice then escapes, and
     * each call allocates 40 bytes. JFR on the benchmark server (epoll-et, ping-pong over 1,000
     * connections, one {@code epoll_wait} per 4 to 50 messages) found it under {@code epoll_wait}
     * and nowhere else: up to 9.7 B per message, varying from run to run with the JIT. Without
     * capture there is nothing to slice.
     */
    public static int epoll_wait(int epfd, MemorySegment events, int maxevents, int timeout) {
        try {
            return (int) EPOLL_WAIT_WITHOUT_ERRNO.invokeExact(epfd, events, maxevents, timeout);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }
}
