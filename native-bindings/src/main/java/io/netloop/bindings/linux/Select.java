package io.netloop.bindings.linux;

import static io.netloop.bindings.linux.Linking.downcall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code select(2)}: {@code <sys/select.h>}. An {@code fd_set} is a fixed bitmap of
 * {@link #FD_SETSIZE} bits: a descriptor at or above it cannot be watched, and setting its bit
 * would write past the set. {@link #FD_SET}, {@link #FD_CLR} and {@link #FD_ISSET} mirror the C
 * macros and refuse such a descriptor.
 *
 * <pre>{@code
 * MemorySegment readable = arena.allocate(Select.FD_SET_LAYOUT);   // owned by the loop
 * Select.FD_SET(fd, readable);
 * int n = Select.select(errnoState, fd + 1, readable, MemorySegment.NULL, MemorySegment.NULL, timeval);
 * }</pre>
 *
 * <p>The static initialiser links the function, so it fails outside Linux.
 */
public final class Select {

    public static final int FD_SETSIZE = 1024;

    /**
     * {@snippet lang=c :
     * typedef struct {
     *     long fds_bits[FD_SETSIZE / (8 * sizeof(long))];   // __fds_bits without _GNU_SOURCE/_XOPEN_SOURCE
     * } fd_set;
     * }
     */
    public static final StructLayout FD_SET_LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(FD_SETSIZE / 64, JAVA_LONG).withName("fds_bits")
    ).withName("fd_set");

    public static final long FD_SET_LAYOUT_FDS_BITS_OFFSET =
            FD_SET_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("fds_bits"));

    /**
     * {@snippet lang=c :
     * struct timeval {
     *     time_t      tv_sec;
     *     suseconds_t tv_usec;
     * };
     * }
     */
    public static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_usec")
    ).withName("timeval");

    public static final long TIMEVAL_TV_SEC_OFFSET = TIMEVAL.byteOffset(MemoryLayout.PathElement.groupElement("tv_sec"));
    public static final long TIMEVAL_TV_USEC_OFFSET = TIMEVAL.byteOffset(MemoryLayout.PathElement.groupElement("tv_usec"));

    private Select() {
    }

    /** {@code FD_ZERO(set)}. */
    public static void FD_ZERO(MemorySegment set) {
        set.asSlice(0, FD_SET_LAYOUT.byteSize()).fill((byte) 0);
    }

    /** {@code FD_SET(fd, set)}; refuses a descriptor outside {@code [0, FD_SETSIZE)}. */
    public static void FD_SET(int fd, MemorySegment set) {
        long at = word(fd);
        set.set(JAVA_LONG, at, set.get(JAVA_LONG, at) | bit(fd));
    }

    /** {@code FD_CLR(fd, set)}; refuses a descriptor outside {@code [0, FD_SETSIZE)}. */
    public static void FD_CLR(int fd, MemorySegment set) {
        long at = word(fd);
        set.set(JAVA_LONG, at, set.get(JAVA_LONG, at) & ~bit(fd));
    }

    /** {@code FD_ISSET(fd, set)}; refuses a descriptor outside {@code [0, FD_SETSIZE)}. */
    public static boolean FD_ISSET(int fd, MemorySegment set) {
        return (set.get(JAVA_LONG, word(fd)) & bit(fd)) != 0;
    }

    private static long word(int fd) {
        if (fd < 0 || fd >= FD_SETSIZE) {
            throw new IndexOutOfBoundsException("descriptor " + fd + " is outside an fd_set (FD_SETSIZE " + FD_SETSIZE + ")");
        }
        return FD_SET_LAYOUT_FDS_BITS_OFFSET + (long) (fd >>> 6) * Long.BYTES;
    }

    private static long bit(int fd) {
        return 1L << (fd & 63);
    }

    /** Sets a {@link #TIMEVAL}. */
    public static void setTimeval(MemorySegment timeval, long seconds, long microseconds) {
        timeval.set(JAVA_LONG, TIMEVAL_TV_SEC_OFFSET, seconds);
        timeval.set(JAVA_LONG, TIMEVAL_TV_USEC_OFFSET, microseconds);
    }

    private static final MethodHandle SELECT = downcall("select",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    /**
     * {@code int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);}
     * <p>Any set and {@code timeout} may be {@link MemorySegment#NULL} (a null timeout waits
     * forever). The sets are overwritten with the ready descriptors; Linux also updates {@code timeout}.
     */
    public static int select(MemorySegment errnoState, int nfds, MemorySegment readfds, MemorySegment writefds,
                             MemorySegment exceptfds, MemorySegment timeout) {
        try {
            return (int) SELECT.invokeExact(errnoState, nfds, readfds, writefds, exceptfds, timeout);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }
}
