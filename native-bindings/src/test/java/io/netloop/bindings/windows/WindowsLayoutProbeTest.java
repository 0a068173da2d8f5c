package io.netloop.bindings.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netloop.bindings.LayoutProbe;
import java.lang.foreign.FunctionDescriptor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Proves the hand-written Windows bindings against the C compiler, from any OS:
 * {@code src/test/c/windows_layout_probe.c} is compiled with MinGW-w64
 * ({@code x86_64-w64-mingw32-gcc}) against {@code src/main/native/windows/netloop_windows.h},
 * run under Wine (directly on Windows) by {@link MingwWine}, and prints every constant, layout size, alignment, field
 * offset and extension-function GUID; this test compares them, name by name, with every public
 * {@code int}, {@code long} and layout field of the binding classes, read by reflection. A value
 * that differs, or a name on one side only, fails the test.
 *
 * <p>Reading those fields initialises the binding classes but links nothing: their functions are
 * linked in nested holder classes on first call. So this runs on Linux, where the functions could
 * not be linked. Skipped (with the reason) where the cross compiler or Wine is missing;
 * {@code ci/install-deps.sh} installs both on Debian.
 */
class WindowsLayoutProbeTest {

    private static final List<Class<?>> BINDINGS = List.of(WinErrors.class, Ws2_32.class, Kernel32.class, MsWsock.class, User32.class);

    /**
     * The callbacks' descriptors have no value to print: the probe proves their shapes by
     * assigning functions of those signatures to the SDK's pointer types under -Werror (and
     * AsyncSelectSequenceTest checks User32.WNDPROC against the C types' sizes).
     */
    private static final Set<Class<?>> UNCHECKED = Set.of(FunctionDescriptor.class);

    @Test
    void everyJavaValueEqualsItsCValue() throws Exception {
        // The probe calls no Winsock function, so it needs no -lws2_32.
        String output = MingwWine.compileAndRun("windows_layout_probe");
        LayoutProbe.assertSameValues(LayoutProbe.parse(output), LayoutProbe.javaValues(BINDINGS, UNCHECKED), 100, "Windows x64");
    }

    @Test
    void everyNamedStructFieldHasItsOffsetConstant() throws Exception {
        assertEquals(18, LayoutProbe.assertOffsetConstants(BINDINGS), "struct layouts found");
    }
}
