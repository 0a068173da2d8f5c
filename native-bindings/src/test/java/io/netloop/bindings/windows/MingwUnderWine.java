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
 * What the Windows C tests share: the MinGW-w64 cross compiler, and Wine to run what it built
 * (directly on Windows). Each test skips, with the reason, where either is missing;
 * {@code ci/install-deps.sh} installs both on Debian.
 */
final class MingwUnderWine {
    static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    private static final boolean ON_WINDOWS = System.getProperty("os.name").startsWith("Windows");
    private static final String CROSS_COMPILER = "x86_64-w64-mingw32-gcc";

    // The first Wine run creates the prefix (wineboot), which takes far longer than the programs.
    private static final long COMPILE_TIMEOUT_SECONDS = 120;
    private static final long RUN_TIMEOUT_SECONDS = 300;

    private final Path gcc;
    /** {@code null}: run natively (on Windows). */
    private final Path wine;

    private MingwUnderWine(Path gcc, Path wine) {
        this.gcc = gcc;
        this.wine = wine;
    }

    /** The tools, or the test is skipped with the reason. */
    static MingwUnderWine requireTools() {
        Path gcc = LayoutProbe.onPath(CROSS_COMPILER);
        assumeTrue(gcc != null, CROSS_COMPILER + " not on PATH (Debian: gcc-mingw-w64-x86-64)");
        Path wine = null;
        if (!ON_WINDOWS) {
            // Wine runs x64 Windows programs on x86_64 hosts only (not on aarch64 Linux, for one).
            String arch = System.getProperty("os.arch");
            assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "Wine cannot run x64 programs on a " + arch + " host");
            wine = LayoutProbe.onPath("wine");
            if (wine == null) {
                wine = LayoutProbe.onPath("wine64");
            }
            assumeTrue(wine != null, "wine not on PATH (Debian: wine, wine64)");
        }
        return new MingwUnderWine(gcc, wine);
    }

    /**
     * Compiles {@code src/test/c/<name>.c} against {@code src/main/native/windows} into
     * {@code target/layout-probe/<name>.exe}, with {@code libraries} ({@code "ws2_32"}) linked.
     */
    Path compile(String name, String... libraries) throws IOException, InterruptedException {
        Path source = BASEDIR.resolve("src/test/c/" + name + ".c");
        Path include = BASEDIR.resolve("src/main/native/windows");
        Path out = BASEDIR.resolve("target/layout-probe");
        Files.createDirectories(out);
        Path exe = out.resolve(name + ".exe");
        List<String> command = new ArrayList<>(List.of(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I", include.toString(), "-o", exe.toString(), source.toString()));
        for (String library : libraries) {
            command.add("-l" + library);
        }
        LayoutProbe.run(new ProcessBuilder(command), out.resolve(name + "-compile"), COMPILE_TIMEOUT_SECONDS);
        return exe;
    }

    /** Runs {@code exe} (under Wine where not on Windows) and returns its stdout; fails on a non-zero exit. */
    String run(Path exe) throws IOException, InterruptedException {
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
        String name = exe.getFileName().toString().replace(".exe", "");
        // Windows' C runtime writes text-mode "\r\n".
        return LayoutProbe.run(execute, exe.resolveSibling(name + "-run"), RUN_TIMEOUT_SECONDS).replace("\r", "");
    }
}
