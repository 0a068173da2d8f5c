package io.netloop.bindings.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static io.netloop.bindings.linux.Linking.downcall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Linux memory mappings: {@code <sys/mman.h>}, as much as mapping the io_uring rings needs.
 * LP64 only: {@code size_t} and {@code off_t} are {@code long}.
 *
 * <p>{@link #mmap} returns the raw address as a zero-length segment; the caller checks it against
 * {@link #MAP_FAILED} and sizes it with {@link #mapped} (here, in the module granted native access,
 * so that callers need no native access of their own):
 *
 * <pre>{@code
 * MemorySegment raw = Mman.mmap(errnoState, MemorySegment.NULL, size, Mman.PROT_READ | Mman.PROT_WRITE,
 *         Mman.MAP_SHARED | Mman.MAP_POPULATE, ringFd, IoUring.IORING_OFF_SQ_RING);
 * if (raw.address() == Mman.MAP_FAILED) {
 *     int errno = Errno.errno(errnoState);
 *     ...
 * }
 * MemorySegment ring = Mman.mapped(raw, size);   // owned by the caller until munmap(errnoState, raw, size)
 * }</pre>
 *
 * <p>The static initialiser links every function, so it fails outside Linux.
 */
public final class Mman {

    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;

    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x8000;

    /** {@code ((void *) -1)}: what {@link #mmap} returns on failure, as a {@link MemorySegment#address()}. */
    public static final long MAP_FAILED = -1L;

    private Mman() {
    }

    /** The {@code length} bytes {@link #mmap} mapped at {@code raw}'s address, as one segment. */
    @SuppressWarnings("restricted")
    public static MemorySegment mapped(MemorySegment raw, long length) {
        return raw.reinterpret(length);
    }

    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));

    /**
     * {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);}
     * <p>Returns a zero-length segment at the mapped address ({@link #MAP_FAILED} on failure);
     * {@link #mapped} sizes it to {@code length}. {@code addr} may be
     * {@link MemorySegment#NULL}.
     */
    public static MemorySegment mmap(MemorySegment errnoState, MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) MMAP.invokeExact(errnoState, addr, length, prot, flags, fd, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    /**
     * {@code int munmap(void *addr, size_t length);}
     * <p>Any segment reinterpreted from the mapping must not be touched afterwards: it still
     * reports itself alive, and an access faults.
     */
    public static int munmap(MemorySegment errnoState, MemorySegment addr, long length) {
        try {
            return (int) MUNMAP.invokeExact(errnoState, addr, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }
}
