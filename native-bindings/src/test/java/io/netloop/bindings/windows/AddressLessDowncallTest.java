package io.netloop.bindings.windows;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MsWsock} calls its functions through address-less downcall handles that also capture the
 * error state. Such a handle takes two leading {@link MemorySegment}s that the type system cannot
 * tell apart, and {@code MsWsock} passes them as {@code (target address, capture state, args...)}.
 * This proves that order on the OS the test runs on, with a function that fails and sets the
 * captured value: {@code close(-1)} ({@code EBADF} in {@code errno}) on Linux and macOS,
 * {@code CloseHandle(NULL)} ({@code ERROR_INVALID_HANDLE} in {@code GetLastError()}) on Windows.
 * The order is the JDK's, not the OS's, so the POSIX run vouches for Windows too.
 */
class AddressLessDowncallTest {

    private static final boolean ON_WINDOWS = System.getProperty("os.name").startsWith("Windows");

    /** {@code EBADF} on Linux and macOS alike. */
    private static final int EBADF = 9;

    @Test
    @SuppressWarnings("restricted") // tests run with --enable-native-access=ALL-UNNAMED
    void targetAddressComesFirstThenTheCaptureState() throws Throwable {
        Linker linker = Linker.nativeLinker();
        try (Arena arena = Arena.ofConfined()) {
            String captured;
            MemorySegment target;
            FunctionDescriptor descriptor;
            Object badArgument;
            int failed;
            int expectedError;
            if (ON_WINDOWS) {
                captured = "GetLastError";
                target = SymbolLookup.libraryLookup("kernel32", arena).find("CloseHandle").orElseThrow();
                descriptor = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);  // BOOL CloseHandle(HANDLE)
                badArgument = MemorySegment.NULL;
                failed = 0;
                expectedError = WinErrors.ERROR_INVALID_HANDLE;
            } else {
                captured = "errno";
                target = linker.defaultLookup().find("close").orElseThrow();
                descriptor = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);  // int close(int)
                badArgument = -1;
                failed = -1;
                expectedError = EBADF;
            }
            MethodHandle handle = linker.downcallHandle(descriptor, Linker.Option.captureCallState(captured));

            Class<?> argumentType = ((ValueLayout) descriptor.argumentLayouts().getFirst()).carrier();
            assertEquals(MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, argumentType), handle.type(),
                    "an address-less handle with a capture: (target, capture state, arguments...)");

            StructLayout stateLayout = Linker.Option.captureStateLayout();
            long errorOffset = stateLayout.byteOffset(MemoryLayout.PathElement.groupElement(captured));
            MemorySegment state = arena.allocate(stateLayout);
            state.set(ValueLayout.JAVA_INT, errorOffset, 0);

            // The handle checks its first parameter as the target address: NULL is refused there
            // ("Symbol is NULL"), before anything is called.
            IllegalArgumentException nullTarget = assertThrows(IllegalArgumentException.class,
                    () -> invoke(handle, MemorySegment.NULL, state, badArgument));
            assertTrue(nullTarget.getMessage().contains("NULL"), nullTarget::getMessage);
            // And the second as the capture state: a segment smaller than the capture-state layout
            // is refused there, by a bounds check (JDK 25: IndexOutOfBoundsException).
            assertThrows(IndexOutOfBoundsException.class, () -> invoke(handle, target, arena.allocate(1), badArgument));

            // In that order, the call reaches the function and the error lands in the capture state.
            int result = invoke(handle, target, state, badArgument);
            assertEquals(failed, result, "the function ran and failed");
            assertEquals(expectedError, state.get(ValueLayout.JAVA_INT, errorOffset), captured + " captured");
        }
    }

    private static int invoke(MethodHandle handle, MemorySegment target, MemorySegment state, Object argument) throws Throwable {
        return argument instanceof Integer fd
                ? (int) handle.invokeExact(target, state, (int) fd)
                : (int) handle.invokeExact(target, state, (MemorySegment) argument);
    }
}
