package io.netloop.bindings.windows;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * How the Windows binding classes link functions and name struct offsets; nothing else.
 *
 * <p>On Windows the linker's default lookup covers only the C runtime, so each function is found
 * in its own DLL. The DLL lookups and the capture options live in nested holders, created on
 * first use: {@code captureCallState("WSAGetLastError")} throws outside Windows, and this class is
 * loaded everywhere because the layout classes compute their offsets with {@link #offset}.
 */
final class Linking {
    private Linking() {
    }

    /** A {@code ws2_32.dll} function, with {@code WSAGetLastError()} captured. */
    static MethodHandle ws2_32(String name, FunctionDescriptor function) {
        return downcall(Ws2_32Dll.LOOKUP, "ws2_32", name, function, Ws2_32Dll.CAPTURE);
    }

    /** A {@code kernel32.dll} function, with {@code GetLastError()} captured. */
    static MethodHandle kernel32(String name, FunctionDescriptor function) {
        return downcall(Kernel32Dll.LOOKUP, "kernel32", name, function, Kernel32Dll.CAPTURE);
    }

    /** A {@code user32.dll} function, with {@code GetLastError()} captured. */
    static MethodHandle user32(String name, FunctionDescriptor function) {
        return downcall(User32Dll.LOOKUP, "user32", name, function, Kernel32Dll.CAPTURE);
    }

    /**
     * A handle for a Winsock function reached through a pointer (the {@code mswsock} extensions),
     * with {@code WSAGetLastError()} captured. Its parameters are
     * {@code (MemorySegment function, MemorySegment callState, arguments...)}: the target address
     * first, then the capture segment (verified by {@code AddressLessDowncallTest}).
     */
    @SuppressWarnings("restricted") // callers enable native access; see module-info
    static MethodHandle ws2_32Pointer(FunctionDescriptor function) {
        return Linker.nativeLinker().downcallHandle(function, Ws2_32Dll.CAPTURE);
    }

    /** A handle for a function reached through a pointer that reports no error: {@code (MemorySegment function, arguments...)}. */
    @SuppressWarnings("restricted") // callers enable native access; see module-info
    static MethodHandle pointer(FunctionDescriptor function) {
        return Linker.nativeLinker().downcallHandle(function);
    }

    /**
     * A C function pointer that calls {@code target} (a completion routine, an APC), valid as long
     * as {@code arena}. Upcalls must not throw: an exception that reaches native code ends the JVM.
     */
    @SuppressWarnings("restricted") // callers enable native access; see module-info
    static MemorySegment upcall(MethodHandle target, FunctionDescriptor function, Arena arena) {
        return Linker.nativeLinker().upcallStub(target, function, arena);
    }

    /** The byte offset of a top-level member of {@code layout}. */
    static long offset(MemoryLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    @SuppressWarnings("restricted") // callers enable native access; see module-info
    private static MethodHandle downcall(SymbolLookup lookup, String library, String name, FunctionDescriptor function,
                                         Linker.Option capture) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("symbol not found in " + library + ": " + name));
        return Linker.nativeLinker().downcallHandle(symbol, function, capture);
    }

    /** {@code ws2_32.dll}, loaded for the life of the JVM, and its error capture. */
    private static final class Ws2_32Dll {
        @SuppressWarnings("restricted") // callers enable native access; see module-info
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup("ws2_32", Arena.global());
        static final Linker.Option CAPTURE = Linker.Option.captureCallState("WSAGetLastError");
    }

    /** {@code kernel32.dll}, loaded for the life of the JVM, and its error capture. */
    private static final class Kernel32Dll {
        @SuppressWarnings("restricted") // callers enable native access; see module-info
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup("kernel32", Arena.global());
        static final Linker.Option CAPTURE = Linker.Option.captureCallState("GetLastError");
    }

    /** {@code user32.dll}, loaded for the life of the JVM; its errors are {@code GetLastError()}'s, as kernel32's. */
    private static final class User32Dll {
        @SuppressWarnings("restricted") // callers enable native access; see module-info
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup("user32", Arena.global());
    }
}
