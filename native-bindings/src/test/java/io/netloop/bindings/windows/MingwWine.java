package io.netloop.bindings.windows;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.bindings.LayoutProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles a C program of {@code src/test/c} for Windows x64 with MinGW-w64 against
 * {@code netloop_windows.h} and runs it under Wine (directly on Windows), for the tests that prove
 * the Windows bindings and call sequences from any OS. Each step skips the calling test, with
 * the reason, where its tool is missing; {@code ci/install-deps.sh} installs both on Debian.
 */
final class MingwWine {
    static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    private static final boolean ON_WINDOWS = System.getProperty("os.name").startsWith("Windows");
    private static final String CROSS_COMPILER = "x86_64-w64-mingw32-gcc";

    // The first Wine run creates the prefix (wineboot), which takes far longer than the program.
    private static final long COMPILE_TIMEOUT_SECONDS = 120;
    private static final long RUN_TIMEOUT_SECONDS = 300;

    private MingwWine() {
    }

    /**
     * Compiles {@code src/test/c/NAME.c} into {@code target/layout-probe/NAME.exe}, linked with
     * {@code libraries} ({@code "ws2_32"}), and returns its standard output; fails when it exits
     * non-zero. Skips where the cross compiler or Wine is missing.
     */
    static String compileAndRun(String name, String... libraries) throws IOException, InterruptedException {
        Path gcc = LayoutProbe.onPath(CROSS_COMPILER);
        assumeTrue(gcc != null, CROSS_COMPILER + " not on PATH (Debian: gcc-mingw-w64-x86-64)");
        Path wine = null;
        if (!ON_WINDOWS) {
            // Wine runs x64 Windows programs on x86_64 hosts only (not on aarch64 Linux, for one).
            String arch = System.getProperty("os.arch");
            assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "Wine cannot run an x64 program on a " + arch + " host");
            wine = LayoutProbe.onPath("wine");
            if (wine == null) {
                wine = LayoutProbe.onPath("wine64");
            }
            assumeTrue(wine != null, "wine not on PATH (Debian: wine, wine64)");
        }
        Path source = BASEDIR.resolve("src/test/c/" + name + ".c");
        Path include = BASEDIR.resolve("src/main/native/windows");
        Path out = BASEDIR.resolve("target/layout-probe");
        Files.createDirectories(out);
        Path exe = out.resolve(name + ".exe");

        List<String> compile = new ArrayList<>(List.of(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I", include.toString(), "-o", exe.toString(), source.toString()));
        for (String library : libraries) {
            compile.add("-l" + library);
        }
        LayoutProbe.run(new ProcessBuilder(compile), out.resolve(name + "-compile"), COMPILE_TIMEOUT_SECONDS);

        ProcessBuilder execute;
        if (wine == null) {
            execute = new ProcessBuilder(exe.toString());
        } else {
            execute = new ProcessBuilder(wine.toString(), exe.toString());
            Map<String, String> env = execute.environment();
            // A private prefix, created on the first run without asking anything: no Mono or
            // Gecko installer (the dialogs that would wait for a click), no display, no debug noise.
            env.put("WINEPREFIX", BASEDIR.resolve("target/wine-prefix").toAbsolutePath().toString());
            env.put("WINEDEBUG", "-all");
            env.put("WINEDLLOVERRIDES", "mscoree,mshtml=");
            env.remove("DISPLAY");
            env.remove("WAYLAND_DISPLAY");
        }
        // Windows' C runtime writes text-mode "\r\n".
        return LayoutProbe.run(execute, out.resolve(name + "-run"), RUN_TIMEOUT_SECONDS).replace("\r", "");
    }
}
