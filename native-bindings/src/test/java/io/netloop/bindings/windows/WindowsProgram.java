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
 * A C program of {@code src/test/c} built for Windows x64 with MinGW-w64
 * ({@code x86_64-w64-mingw32-gcc}) against {@code src/main/native/windows/netloop_windows.h}, and
 * run under Wine (directly on Windows). {@link #find()} skips the calling test, saying why, where
 * the cross compiler or Wine is missing; {@code ci/install-deps.sh} installs both on Debian.
 */
final class WindowsProgram {
    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final boolean ON_WINDOWS = System.getProperty("os.name").startsWith("Windows");
    private static final String CROSS_COMPILER = "x86_64-w64-mingw32-gcc";

    // The first Wine run creates the prefix (wineboot), which takes far longer than the program.
    private static final long COMPILE_TIMEOUT_SECONDS = 120;
    private static final long RUN_TIMEOUT_SECONDS = 300;

    private final Path gcc;
    /** {@code null}: run natively. */
    private final Path wine;

    private WindowsProgram(Path gcc, Path wine) {
        this.gcc = gcc;
        this.wine = wine;
    }

    /** The tools, or the calling test is skipped with the reason. */
    static WindowsProgram find() {
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
        return new WindowsProgram(gcc, wine);
    }

    /**
     * Compiles {@code src/test/c/<name>.c} (with {@code libraries}, e.g. {@code -lws2_32}) into
     * {@code target/<name>/}, runs it, and returns its stdout; fails if either step fails or times out.
     */
    String compileAndRun(String name, String... libraries) throws IOException, InterruptedException {
        Path source = BASEDIR.resolve("src/test/c/" + name + ".c");
        Path include = BASEDIR.resolve("src/main/native/windows");
        Path out = BASEDIR.resolve("target/" + name);
        Files.createDirectories(out);
        Path program = out.resolve(name + ".exe");

        List<String> compile = new ArrayList<>(List.of(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I", include.toString(), "-o", program.toString(), source.toString()));
        compile.addAll(List.of(libraries));
        LayoutProbe.run(new ProcessBuilder(compile), out.resolve("compile"), COMPILE_TIMEOUT_SECONDS);

        ProcessBuilder execute;
        if (wine == null) {
            execute = new ProcessBuilder(program.toString());
        } else {
            execute = new ProcessBuilder(wine.toString(), program.toString());
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
        return LayoutProbe.run(execute, out.resolve("run"), RUN_TIMEOUT_SECONDS).replace("\r", "");
    }
}
