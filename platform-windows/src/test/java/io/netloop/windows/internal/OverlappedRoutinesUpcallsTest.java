package io.netloop.windows.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.Ws2_32;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

/**
 * The overlapped-routines upcalls, on every OS: making an upcall stub needs no Windows, so this
 * proves here that the static targets fit the C shapes the bindings declare (a mismatch fails
 * only at run time, on the Windows leg otherwise), and that they return quietly on a thread with
 * no port, as they must for a routine or APC that runs after its port closed. Called through a
 * downcall of the same descriptor (this OS's calling convention on both sides).
 */
class OverlappedRoutinesUpcallsTest {

    @Test
    void the_completion_routine_fits_its_descriptor_and_ignores_a_thread_without_a_port() throws Throwable {
        MemorySegment routine = OverlappedRoutinesPort.Upcalls.ROUTINE;
        assertNotEquals(0, routine.address());
        MethodHandle call = Linker.nativeLinker().downcallHandle(routine, Ws2_32.LPWSAOVERLAPPED_COMPLETION_ROUTINE);
        assertDoesNotThrow(() -> {
            call.invokeExact(995, 0, MemorySegment.ofAddress(0x1000), 0);
        });
    }

    @Test
    void the_wakeup_apc_fits_its_descriptor_and_ignores_a_thread_without_a_port() throws Throwable {
        MemorySegment apc = OverlappedRoutinesPort.Upcalls.APC;
        assertNotEquals(0, apc.address());
        MethodHandle call = Linker.nativeLinker().downcallHandle(apc, Kernel32.PAPCFUNC);
        assertDoesNotThrow(() -> {
            call.invokeExact(42L);
        });
    }
}
