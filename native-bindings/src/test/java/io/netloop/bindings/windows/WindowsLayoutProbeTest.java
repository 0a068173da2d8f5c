package io.netloop.bindings.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.bindings.LayoutProbe;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Proves the hand-written Windows bindings against the C compiler, from any OS:
 * {@code src/test/c/windows_layout_probe.c} is compiled with MinGW-w64
 * ({@code x86_64-w64-mingw32-gcc}) against {@code src/main/native/windows/netloop_windows.h},
 * run under Wine (directly on Windows), and prints every constant, layout size, alignment, field
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

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    private static final boolean ON_WINDOWS = System.getProperty("os.name").startsWith("Windows");

    private static final String CROSS_COMPILER = "x86_64-w64-mingw32-gcc";

    // The first Wine run creates the prefix (wineboot), which takes far longer than the probe.
    private static final long COMPILE_TIMEOUT_SECONDS = 120;
    private static final long RUN_TIMEOUT_SECONDS = 300;

    @Test
    void everyJavaValueEqualsItsCValue() throws Exception {
        Path gcc = LayoutProbe.onPath(CROSS_COMPILER);
        assumeTrue(gcc != null, CROSS_COMPILER + " not on PATH (Debian: gcc-mingw-w64-x86-64)");
        Path wine = null;
        if (!ON_WINDOWS) {
            // Wine runs x64 Windows programs on x86_64 hosts only (not on aarch64 Linux, for one).
            String arch = System.getProperty("os.arch");
            assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "Wine cannot run the x64 probe on a " + arch + " host");
            wine = LayoutProbe.onPath("wine");
            if (wine == null) {
                wine = LayoutProbe.onPath("wine64");
            }
            assumeTrue(wine != null, "wine not on PATH (Debian: wine, wine64)");
        }
        LayoutProbe.assertSameValues(runProbe(gcc, wine), LayoutProbe.javaValues(BINDINGS, Set.of(FunctionDescriptor.class)), 100, "Windows x64");
    }

    @Test
    void everyNamedStructFieldHasItsOffsetConstant() throws Exception {
        assertEquals(13, LayoutProbe.assertOffsetConstants(BINDINGS), "struct layouts found");
    }

    /** Compiles and runs the probe ({@code wine} null: natively) and parses its lines. */
    private static Map<String, Long> runProbe(Path gcc, Path wine) throws IOException, InterruptedException {
        Path source = BASEDIR.resolve("src/test/c/windows_layout_probe.c");
        Path include = BASEDIR.resolve("src/main/native/windows");
        Path out = BASEDIR.resolve("target/layout-probe");
        Files.createDirectories(out);
        Path probe = out.resolve("windows_layout_probe.exe");

        // The probe calls no Winsock function, so it needs no -lws2_32.
        LayoutProbe.run(new ProcessBuilder(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I", include.toString(), "-o", probe.toString(), source.toString()), out.resolve("compile"), COMPILE_TIMEOUT_SECONDS);

        ProcessBuilder execute;
        if (wine == null) {
            execute = new ProcessBuilder(probe.toString());
        } else {
            execute = new ProcessBuilder(wine.toString(), probe.toString());
            Map<String, String> env = execute.environment();
            // A private prefix, created on the first run without asking anything: no Mono or
            // Gecko installer (the dialogs that would wait for a click), no display, no debug noise.
            env.put("WINEPREFIX", BASEDIR.resolve("target/wine-prefix").toAbsolutePath().toString());
            env.put("WINEDEBUG", "-all");
            env.put("WINEDLLOVERRIDES", "mscoree,mshtml=");
            env.remove("DISPLAY");
            env.remove("WAYLAND_DISPLAY");
        }
        // Windows' C runtime writes text-mode "\r\n"; parse() drops the "\r".
        return LayoutProbe.parse(LayoutProbe.run(execute, out.resolve("run"), RUN_TIMEOUT_SECONDS));
    }
}
