package io.netloop.bindings.linux;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves the hand-written bindings against the C compiler: {@code src/test/c/linux_layout_probe.c}
 * prints every constant, layout size, alignment and field offset through
 * {@code src/main/native/linux/netloop_linux.h}, and this test compares them, name by name, with
 * every public {@code int}, {@code long} and layout field of the binding classes, read by
 * reflection. A value that differs, or a name on one side only, fails the test, so the two sides
 * cannot drift apart.
 */
class LinuxLayoutProbeTest {

    private static final List<Class<?>> BINDINGS = List.of(Errno.class, Sockets.class, Epoll.class, EventFd.class, IoUring.class, Mman.class);

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    @BeforeAll
    static void onLinux() {
        // The probe includes Linux headers, and the binding classes link Linux symbols on first use.
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux headers and symbols only");
    }

    @Test
    void everyJavaValueEqualsItsCValue() throws Exception {
        Path gcc = onPath("gcc");
        assumeTrue(gcc != null, "gcc not on PATH");

        Map<String, Long> c = runProbe(gcc);
        Map<String, Long> java = javaValues();

        List<String> differences = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(c.keySet());
        names.addAll(java.keySet());
        for (String name : names) {
            Long inC = c.get(name);
            Long inJava = java.get(name);
            if (inC == null) {
                differences.add(name + ": Java has " + inJava + ", the probe does not print it");
            } else if (inJava == null) {
                differences.add(name + ": the probe prints " + inC + ", Java has no such field");
            } else if (!inC.equals(inJava)) {
                differences.add(name + ": Java " + inJava + ", C " + inC);
            }
        }
        assertTrue(differences.isEmpty(), () -> differences.size() + " difference(s) between the Java bindings and C ("
                + System.getProperty("os.arch") + "):\n  " + String.join("\n  ", differences));
        // Guards against a probe that printed nothing and a reflection that found nothing.
        assertTrue(c.size() > 100, "the probe printed only " + c.size() + " values");
    }

    @Test
    void everyNamedStructFieldHasItsOffsetConstant() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Class<?> type : BINDINGS) {
            for (Field field : type.getFields()) {
                if (!(field.get(null) instanceof StructLayout struct)) {
                    continue;
                }
                for (MemoryLayout member : struct.memberLayouts()) {
                    if (member.name().isEmpty()) {
                        continue; // padding
                    }
                    String constant = field.getName() + "_" + member.name().get().toUpperCase() + "_OFFSET";
                    long expected = struct.byteOffset(MemoryLayout.PathElement.groupElement(member.name().get()));
                    try {
                        long actual = type.getField(constant).getLong(null);
                        if (actual != expected) {
                            problems.add(type.getSimpleName() + "." + constant + " is " + actual + ", the layout says " + expected);
                        }
                    } catch (NoSuchFieldException e) {
                        problems.add(type.getSimpleName() + "." + constant + " is missing");
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /** Name to value for every public static field of the binding classes that has a C counterpart. */
    private static Map<String, Long> javaValues() throws IllegalAccessException {
        Map<String, Long> values = new TreeMap<>();
        for (Class<?> type : BINDINGS) {
            for (Field field : type.getFields()) {
                int modifiers = field.getModifiers();
                assertTrue(Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers),
                        type.getSimpleName() + "." + field.getName() + " must be static final");
                String name = field.getName();
                Class<?> kind = field.getType();
                if (kind == int.class) {
                    put(values, type, name, field.getInt(null));
                } else if (kind == long.class) {
                    put(values, type, name, field.getLong(null));
                } else if (MemoryLayout.class.isAssignableFrom(kind)) {
                    MemoryLayout layout = (MemoryLayout) field.get(null);
                    put(values, type, name + "_SIZE", layout.byteSize());
                    put(values, type, name + "_ALIGN", layout.byteAlignment());
                } else if (kind != Linker.Option.class) { // Errno.CAPTURE has no C value
                    fail(type.getSimpleName() + "." + name + " has type " + kind.getName() + ", which this test does not check");
                }
            }
        }
        return values;
    }

    private static void put(Map<String, Long> values, Class<?> type, String name, long value) {
        Long previous = values.put(name, value);
        if (previous != null) {
            fail(name + " is declared twice (again in " + type.getSimpleName() + ")");
        }
    }

    private static Map<String, Long> runProbe(Path gcc) throws IOException, InterruptedException {
        Path source = BASEDIR.resolve("src/test/c/linux_layout_probe.c");
        Path include = BASEDIR.resolve("src/main/native/linux");
        Path out = BASEDIR.resolve("target/layout-probe");
        Files.createDirectories(out);
        Path probe = out.resolve("linux_layout_probe");

        run(List.of(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I", include.toString(), "-o", probe.toString(), source.toString()));
        String output = run(List.of(probe.toString()));

        Map<String, Long> values = new TreeMap<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            assertEquals(2, parts.length, "probe line is not 'NAME VALUE': " + line);
            Long previous = values.put(parts[0], Long.parseLong(parts[1]));
            if (previous != null) {
                fail("the probe prints " + parts[0] + " twice");
            }
        }
        return values;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish");
        }
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
        return output;
    }

    private static Path onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
