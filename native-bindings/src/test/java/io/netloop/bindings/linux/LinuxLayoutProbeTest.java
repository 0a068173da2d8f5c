package io.netloop.bindings.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.bindings.LayoutProbe;
import java.io.IOException;
import java.lang.foreign.Linker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the hand-written bindings against the C compiler: {@code src/test/c/linux_layout_probe.c}
 * prints every constant, layout size, alignment and field offset through
 * {@code src/main/native/linux/netloop_linux.h}, and this test compares them, name by name, with
 * every public {@code int}, {@code long} and layout field of the binding classes, read by
 * reflection. A value that differs, or a name on one side only, fails the test, so the two sides
 * cannot drift apart.
 */
class LinuxLayoutProbeTest {

    private static final List<Class<?>> BINDINGS = List.of(Errno.class, Sockets.class, Epoll.class, EventFd.class, Poll.class, Select.class, IoUring.class, Mman.class);

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    @BeforeAll
    static void onLinux() {
        // The probe includes Linux headers, and the binding classes link Linux symbols on first use.
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux headers and symbols only");
    }

    @Test
    void everyJavaValueEqualsItsCValue() throws Exception {
        Path gcc = LayoutProbe.onPath("gcc");
        assumeTrue(gcc != null, "gcc not on PATH");
        // Errno.CAPTURE, a Linker.Option, has no C value.
        Map<String, Long> java = LayoutProbe.javaValues(BINDINGS, Set.of(Linker.Option.class));
        LayoutProbe.assertSameValues(runProbe(gcc), java, 100, System.getProperty("os.arch"));
    }

    @Test
    void everyNamedStructFieldHasItsOffsetConstant() throws Exception {
        assertTrue(LayoutProbe.assertOffsetConstants(BINDINGS) > 0, "struct layouts found");
    }

    private static Map<String, Long> runProbe(Path gcc) throws IOException, InterruptedException {
        Path source = BASEDIR.resolve("src/test/c/linux_layout_probe.c");
        Path include = BASEDIR.resolve("src/main/native/linux");
        Path out = BASEDIR.resolve("target/layout-probe");
        Files.createDirectories(out);
        Path probe = out.resolve("linux_layout_probe");

        LayoutProbe.run(new ProcessBuilder(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I", include.toString(), "-o", probe.toString(), source.toString()), out.resolve("compile-linux"), 60);
        return LayoutProbe.parse(LayoutProbe.run(new ProcessBuilder(probe.toString()), out.resolve("run-linux"), 60));
    }
}
