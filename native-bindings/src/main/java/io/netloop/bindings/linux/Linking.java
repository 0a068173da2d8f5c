package io.netloop.bindings.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** How the binding classes link C functions and name struct offsets; nothing else. */
final class Linking {
    private Linking() {
    }

    /** A C library function found in the default lookup, with {@code errno} captured (see {@link Errno#CAPTURE}). */
    static MethodHandle downcall(String name, FunctionDescriptor function, Linker.Option... more) {
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = Errno.CAPTURE;
        System.arraycopy(more, 0, options, 1, more.length);
        return link(name, function, options);
    }

    /**
     * A C library function found in the default lookup, without {@code errno}: only for a call
     * that also has a capturing handle, which its caller uses to learn why it failed.
     */
    static MethodHandle downcallWithoutErrno(String name, FunctionDescriptor function) {
        return link(name, function);
    }

    @SuppressWarnings("restricted") // callers enable native access; see module-info
    private static MethodHandle link(String name, FunctionDescriptor function, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("symbol not found: " + name));
        return linker.downcallHandle(symbol, function, options);
    }

    /** The byte offset of a top-level member of {@code layout}. */
    static long offset(MemoryLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
