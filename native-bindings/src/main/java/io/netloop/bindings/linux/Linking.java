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
    @SuppressWarnings("restricted") // callers enable native access; see module-info
    static MethodHandle downcall(String name, FunctionDescriptor function, Linker.Option... more) {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("symbol not found: " + name));
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = Errno.CAPTURE;
        System.arraycopy(more, 0, options, 1, more.length);
        return linker.downcallHandle(symbol, function, options);
    }

    /** The byte offset of a top-level member of {@code layout}. */
    static long offset(MemoryLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
