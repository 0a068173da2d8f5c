package io.netloop.benchmarks.jmh;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Links one C function in the variants the benchmarks compare. Each benchmark keeps the handles in
 * {@code static final} fields, so that C2 treats them as constants as our bindings' handles are.
 */
final class Downcalls {

    /** What every variant but the plain one adds: the option our bindings link with ({@code Errno.CAPTURE}). */
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /*
     * Critical: the call stays in the Java thread state (no transition to native and back, no
     * safepoint poll on return), so a safepoint waits for it to return. Valid only for calls that
     * return promptly and never call back into Java; false = no heap segments as arguments.
     */
    static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private Downcalls() {
    }

    /** A plain downcall handle: no options. */
    static MethodHandle plain(String name, FunctionDescriptor function) {
        return link(name, function);
    }

    /** As our bindings link: a leading capture-state segment receives {@code errno}. */
    static MethodHandle captureErrno(String name, FunctionDescriptor function) {
        return link(name, function, CAPTURE_ERRNO);
    }

    static MethodHandle critical(String name, FunctionDescriptor function) {
        return link(name, function, CRITICAL);
    }

    /** Critical and capturing {@code errno}: what a binding could use for calls that never block. */
    static MethodHandle criticalCaptureErrno(String name, FunctionDescriptor function) {
        return link(name, function, CRITICAL, CAPTURE_ERRNO);
    }

    @SuppressWarnings("restricted") // the forks run with --enable-native-access=ALL-UNNAMED
    private static MethodHandle link(String name, FunctionDescriptor function, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("symbol not found: " + name));
        return linker.downcallHandle(symbol, function, options);
    }
}
