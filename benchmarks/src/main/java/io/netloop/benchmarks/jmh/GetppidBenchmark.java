package io.netloop.benchmarks.jmh;

import io.netloop.bindings.linux.Errno;
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

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The cheapest real system call, {@code getppid}, through each way of calling C. The kernel work is
 * a few nanoseconds, so the differences between variants are the cost of the call path itself.
 *
 * <p>{@code getppid} rather than {@code getpid}: glibc 2.3.4 to 2.24 cached the pid in user space,
 * which would measure no kernel entry at all; nothing ever cached {@code getppid}, which is a plain
 * {@code syscall} instruction in every glibc and musl. The JDK has no comparable path:
 * {@code ProcessHandle.current().parent()} calls {@code getpid} and {@code getppid} and then opens
 * and reads {@code /proc/<ppid>/stat} to build the handle, so it is left out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class GetppidBenchmark {

    /** {@code pid_t getppid(void);} */
    private static final FunctionDescriptor GETPPID = FunctionDescriptor.of(JAVA_INT);

    private static final MethodHandle PLAIN = Downcalls.plain("getppid", GETPPID);
    private static final MethodHandle CAPTURE_ERRNO = Downcalls.captureErrno("getppid", GETPPID);
    private static final MethodHandle CRITICAL = Downcalls.critical("getppid", GETPPID);
    private static final MethodHandle CRITICAL_CAPTURE_ERRNO = Downcalls.criticalCaptureErrno("getppid", GETPPID);

    /** Confined, as the event loop's scratch arena is; opened and closed by the benchmark thread. */
    private Arena arena;
    /** The one capture segment every capturing call reuses, as a loop thread reuses its own. */
    private MemorySegment errnoState;

    @Setup
    public void setUp() throws Throwable {
        arena = Arena.ofConfined();
        errnoState = Errno.allocateState(arena);
        // A wrong binding must fail the run, not produce a fast number.
        int expected = (int) ProcessHandle.current().parent().orElseThrow().pid();
        check("ffmPlain", expected, ffmPlain());
        check("ffmCaptureErrno", expected, ffmCaptureErrno());
        check("ffmCritical", expected, ffmCritical());
        check("ffmCriticalCaptureErrno", expected, ffmCriticalCaptureErrno());
        check("jnaDirect", expected, jnaDirect());
        check("jnaInterface", expected, jnaInterface());
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public int ffmPlain() throws Throwable {
        return (int) PLAIN.invokeExact();
    }

    @Benchmark
    public int ffmCaptureErrno() throws Throwable {
        return (int) CAPTURE_ERRNO.invokeExact(errnoState);
    }

    @Benchmark
    public int ffmCritical() throws Throwable {
        return (int) CRITICAL.invokeExact();
    }

    @Benchmark
    public int ffmCriticalCaptureErrno() throws Throwable {
        return (int) CRITICAL_CAPTURE_ERRNO.invokeExact(errnoState);
    }

    @Benchmark
    public int jnaDirect() {
        return JnaLibC.Direct.getppid();
    }

    @Benchmark
    public int jnaInterface() {
        return JnaLibC.Interface.INSTANCE.getppid();
    }

    private static void check(String variant, int expected, int actual) {
        if (actual != expected) {
            throw new IllegalStateException(variant + ": getppid returned " + actual + ", expected " + expected);
        }
    }
}
