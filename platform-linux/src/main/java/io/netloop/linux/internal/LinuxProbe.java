package io.netloop.linux.internal;

import io.netloop.bindings.linux.Epoll;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Poll;
import io.netloop.bindings.linux.Select;
import io.netloop.bindings.linux.Sockets;
import io.netloop.spi.Availability;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * The availability probe of the Linux backends: the one place that tests the operating system.
 * Touches no native class until the OS and CPU are known to fit, so loading never fails.
 */
final class LinuxProbe {
    private LinuxProbe() {
    }

    static Availability epoll() {
        return Holder.EPOLL;
    }

    static Availability poll() {
        return Holder.POLL;
    }

    static Availability select() {
        return Holder.SELECT;
    }

    static Availability ioUring() {
        return IoUringHolder.PROBE.availability;
    }

    /** Only after {@link #ioUring()} said available. */
    static IoUringFeatures ioUringFeatures() {
        return IoUringHolder.PROBE.features;
    }

    private static final class Holder {
        static final Availability EPOLL = probeEpoll();
        static final Availability POLL = probeCall("poll", () -> Poll.poll(Holder.errno(), MemorySegment.NULL, 0, 0), "poll");
        static final Availability SELECT = probeCall("select",
                () -> Select.select(Holder.errno(), 0, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, timevalZero()), "select");

        /** Errno state for a probe's one call; the automatic arena frees it once unreachable. */
        static MemorySegment errno() {
            return Errno.allocateState(Arena.ofAuto());
        }

        /** A zero timeval: select returns at once. */
        static MemorySegment timevalZero() {
            return Arena.ofAuto().allocate(Select.TIMEVAL);
        }
    }

    private static final class IoUringHolder {
        static final IoUringProbe PROBE = IoUringProbe.run();
    }

    /** Why a Linux backend cannot run on this OS or CPU at all, or {@code null} when it may. */
    static Availability platformUnavailable(String what) {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Availability.unavailable(what + " needs Linux; this is " + os);
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return Availability.unavailable("the Linux bindings are proven for x86_64 and aarch64 only; this CPU is " + arch);
        }
        return null;
    }

    static Availability nativeAccessDenied(IllegalCallerException e) {
        return Availability.unavailable("native access is denied; run with --enable-native-access=io.netloop.bindings "
                + "(module path) or --enable-native-access=ALL-UNNAMED (class path)", e);
    }

    /** Available when {@code call}, a harmless call of the backend's function, links and returns 0. */
    private static Availability probeCall(String what, java.util.function.IntSupplier call, String function) {
        Availability platform = platformUnavailable(what);
        if (platform != null) {
            return platform;
        }
        try {
            int rc = call.getAsInt();
            return rc == 0 ? Availability.available() : Availability.unavailable(function + " returned " + rc + " on an empty set");
        } catch (IllegalCallerException e) {
            return nativeAccessDenied(e);
        } catch (Throwable t) {
            return Availability.unavailable("the Linux bindings failed to link: " + t, t);
        }
    }

    private static Availability probeEpoll() {
        Availability platform = platformUnavailable("epoll");
        if (platform != null) {
            return platform;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Errno.allocateState(arena);
            int epfd = Epoll.epoll_create1(errno, Epoll.EPOLL_CLOEXEC);
            if (epfd < 0) {
                int e = Errno.errno(errno);
                return Availability.unavailable("epoll_create1 failed: " + Errno.name(e) + " " + Errno.message(e));
            }
            Sockets.close(errno, epfd);
            return Availability.available();
        } catch (IllegalCallerException e) {
            return nativeAccessDenied(e);
        } catch (Throwable t) {
            return Availability.unavailable("the Linux bindings failed to link: " + t, t);
        }
    }
}
