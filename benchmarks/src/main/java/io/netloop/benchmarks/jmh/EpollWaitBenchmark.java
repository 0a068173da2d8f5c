package io.netloop.benchmarks.jmh;

import com.sun.jna.Pointer;
import io.netloop.bindings.linux.Epoll;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code epoll_wait(epfd, events, 64, 0)} on an epoll instance with nothing registered: the poll an
 * event loop makes when it has tasks queued and must not sleep. It returns 0 at once, so this is a
 * real kernel entry (fd lookup, ready-list check) with no waiting.
 *
 * <p>{@link #jdkSelectNow()} is the JDK's way to the same call: {@code EPollSelectorImpl} takes the
 * selector's monitor and the selected-key set's, drains its update and cancelled-key queues (both
 * empty), calls {@code epoll_wait} through JNI (its own epoll set holds its wakeup eventfd; the
 * ready list is still empty; C reads {@code errno} only on failure, for EINTR) and walks the 0
 * results. It is still one system call: {@code strace} shows {@code epoll_wait(4, [], 1024, 0)}
 * and nothing else per {@code selectNow}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class EpollWaitBenchmark {

    private static final int MAX_EVENTS = 64;

    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);} */
    private static final FunctionDescriptor EPOLL_WAIT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);

    private static final MethodHandle PLAIN = Downcalls.plain("epoll_wait", EPOLL_WAIT);
    private static final MethodHandle CAPTURE_ERRNO = Downcalls.captureErrno("epoll_wait", EPOLL_WAIT);
    // Critical is valid only because the timeout is 0: epoll_wait then never sleeps (with nothing
    // ready it returns without even taking the epoll mutex), and a critical call that blocked
    // would hold up every safepoint (GC included) until it returned.
    private static final MethodHandle CRITICAL = Downcalls.critical("epoll_wait", EPOLL_WAIT);
    private static final MethodHandle CRITICAL_CAPTURE_ERRNO = Downcalls.criticalCaptureErrno("epoll_wait", EPOLL_WAIT);

    /** Confined, as {@code EpollPoller}'s scratch arena is; opened and closed by the benchmark thread. */
    private Arena arena;
    private MemorySegment errnoState;
    private MemorySegment events;
    /** The same memory as {@link #events}, as JNA takes it. */
    private Pointer eventsPointer;
    private int epfd = -1;
    private Selector selector;

    @Setup
    public void setUp() throws Throwable {
        arena = Arena.ofConfined();
        errnoState = Errno.allocateState(arena);
        events = arena.allocate(Epoll.EPOLL_EVENT, MAX_EVENTS);
        eventsPointer = new Pointer(events.address());
        epfd = Epoll.epoll_create1(errnoState, Epoll.EPOLL_CLOEXEC);
        if (epfd < 0) {
            throw new IOException("epoll_create1 failed: " + Errno.name(Errno.errno(errnoState)));
        }
        // Link Sockets now, for tearDown's close: its static initialiser spins a downcall stub per
        // function, megabytes that the GC profiler would otherwise book to the last iteration.
        Class.forName(Sockets.class.getName(), true, Sockets.class.getClassLoader());
        selector = Selector.open();
        if (!selector.getClass().getName().equals("sun.nio.ch.EPollSelectorImpl")) {
            throw new IllegalStateException("jdkSelectNow would not measure epoll_wait: the selector is " + selector.getClass().getName());
        }
        // A wrong binding must fail the run, not produce a fast number.
        check("ffmPlain", ffmPlain());
        check("ffmCaptureErrno", ffmCaptureErrno());
        check("ffmCritical", ffmCritical());
        check("ffmCriticalCaptureErrno", ffmCriticalCaptureErrno());
        check("netloopBinding", netloopBinding());
        check("jnaDirect", jnaDirect());
        check("jnaInterface", jnaInterface());
        check("jdkSelectNow", jdkSelectNow());
    }

    @TearDown
    public void tearDown() throws IOException {
        selector.close();
        if (epfd >= 0) {
            Sockets.close(errnoState, epfd);
        }
        arena.close();
    }

    @Benchmark
    public int ffmPlain() throws Throwable {
        return (int) PLAIN.invokeExact(epfd, events, MAX_EVENTS, 0);
    }

    @Benchmark
    public int ffmCaptureErrno() throws Throwable {
        return (int) CAPTURE_ERRNO.invokeExact(errnoState, epfd, events, MAX_EVENTS, 0);
    }

    @Benchmark
    public int ffmCritical() throws Throwable {
        return (int) CRITICAL.invokeExact(epfd, events, MAX_EVENTS, 0);
    }

    @Benchmark
    public int ffmCriticalCaptureErrno() throws Throwable {
        return (int) CRITICAL_CAPTURE_ERRNO.invokeExact(errnoState, epfd, events, MAX_EVENTS, 0);
    }

    /** What {@code EpollPoller.poll(0)} calls. */
    @Benchmark
    public int netloopBinding() {
        return Epoll.epoll_wait(errnoState, epfd, events, MAX_EVENTS, 0);
    }

    @Benchmark
    public int jnaDirect() {
        return JnaLibC.Direct.epoll_wait(epfd, eventsPointer, MAX_EVENTS, 0);
    }

    @Benchmark
    public int jnaInterface() {
        return JnaLibC.Interface.INSTANCE.epoll_wait(epfd, eventsPointer, MAX_EVENTS, 0);
    }

    @Benchmark
    public int jdkSelectNow() throws IOException {
        return selector.selectNow();
    }

    private static void check(String variant, int n) {
        if (n != 0) {
            throw new IllegalStateException(variant + ": epoll_wait on an empty set returned " + n + ", expected 0");
        }
    }
}
