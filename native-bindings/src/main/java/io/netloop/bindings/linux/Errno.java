package io.netloop.bindings.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linux {@code errno}: the values of {@code <errno.h>} (shared by x86_64 and aarch64), the
 * call-state capture every failing binding uses, and the C library's names and messages.
 *
 * <p>Each binding that can fail takes a caller-owned {@code errnoState} segment as its first
 * parameter; the linker copies {@code errno} into it right after the C call returns, before the
 * JVM can run anything that would overwrite it. Allocate one per thread and reuse it:
 *
 * <pre>{@code
 * MemorySegment errnoState = Errno.allocateState(arena);   // owned by arena, one per thread
 * int fd = Sockets.socket(errnoState, Sockets.AF_INET, Sockets.SOCK_STREAM, 0);
 * if (fd < 0) {
 *     int errno = Errno.errno(errnoState);
 *     throw new IOException("socket failed: " + Errno.name(errno) + " (" + errno + ") " + Errno.message(errno));
 * }
 * }</pre>
 *
 * <p>Unlike the other binding classes, this class initialises on every OS (the capture option
 * and its layout are portable); only {@link #message(int)} links a glibc/musl symbol, lazily.
 */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EWOULDBLOCK = EAGAIN;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ETIME = 62;
    public static final int EPROTO = 71;
    public static final int ENOTSOCK = 88;
    public static final int EMSGSIZE = 90;
    public static final int EPROTOTYPE = 91;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ECANCELED = 125;

    /** The linker option that makes a downcall handle capture {@code errno}; shared by the binding classes. */
    public static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final StructLayout CAPTURE_STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // glibc's longest message is under 60 bytes; 256 leaves room for any other libc.
    private static final long MESSAGE_CAPACITY = 256;

    private Errno() {
    }

    /**
     * Allocates a capture-state segment in {@code arena}, which owns it; it lives as long as the
     * arena. One per thread: a downcall writes it, and {@link #errno(MemorySegment)} reads it back.
     */
    public static MemorySegment allocateState(Arena arena) {
        return arena.allocate(CAPTURE_STATE_LAYOUT);
    }

    /**
     * The {@code errno} captured by the latest call given {@code state}. Every call writes it,
     * so it means something only right after that call reported failure.
     */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * The symbolic name of {@code errno}, such as {@code "EAGAIN"}; {@code "errno 1234"} for a
     * code this class does not name. {@link #EWOULDBLOCK} is {@link #EAGAIN} on Linux, so it
     * reads {@code "EAGAIN"}.
     */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case EPIPE -> "EPIPE";
            case ENOSYS -> "ENOSYS";
            case ETIME -> "ETIME";
            case EPROTO -> "EPROTO";
            case ENOTSOCK -> "ENOTSOCK";
            case EMSGSIZE -> "EMSGSIZE";
            case EPROTOTYPE -> "EPROTOTYPE";
            case ENOPROTOOPT -> "ENOPROTOOPT";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETDOWN -> "ENETDOWN";
            case ENETUNREACH -> "ENETUNREACH";
            case ECONNABORTED -> "ECONNABORTED";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case EISCONN -> "EISCONN";
            case ENOTCONN -> "ENOTCONN";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EHOSTUNREACH -> "EHOSTUNREACH";
            case EALREADY -> "EALREADY";
            case EINPROGRESS -> "EINPROGRESS";
            case ECANCELED -> "ECANCELED";
            default -> "errno " + errno;
        };
    }

    /**
     * The C library's message for {@code errno}, such as {@code "Connection refused"}, from the
     * POSIX {@code strerror_r}. Thread-safe: each call formats into its own confined buffer, which
     * is freed before returning (this runs on error paths only, so the allocation is acceptable).
     * The symbol is linked on first use, so on an OS without it only this method fails.
     */
    public static String message(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(MESSAGE_CAPACITY);
            int rc = StrError.__xpg_strerror_r(errno, buf, MESSAGE_CAPACITY);
            String message = buf.getString(0);
            // rc is EINVAL for an unknown code (glibc still writes "Unknown error N") or ERANGE
            // if truncated; only an empty buffer leaves us without text.
            return message.isEmpty() && rc != 0 ? "Unknown error " + errno : message;
        }
    }

    /** Links {@code strerror_r} on first use of {@link #message(int)}, keeping {@link Errno} portable. */
    private static final class StrError {

        /*
         * int __xpg_strerror_r(int errnum, char *buf, size_t buflen);
         *
         * The POSIX (XSI) strerror_r: glibc exports the GNU variant, which returns a char *, as
         * "strerror_r", and the POSIX one under this name; musl aliases it too.
         */
        @SuppressWarnings("restricted") // callers enable native access; see module-info
        private static final MethodHandle XPG_STRERROR_R = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("__xpg_strerror_r")
                        .orElseThrow(() -> new UnsatisfiedLinkError("symbol not found: __xpg_strerror_r")),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

        static int __xpg_strerror_r(int errnum, MemorySegment buf, long buflen) {
            try {
                return (int) XPG_STRERROR_R.invokeExact(errnum, buf, buflen);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError("a downcall threw a checked exception", t);
            }
        }
    }
}
