package io.netloop.bindings.windows;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    private static final List<Class<?>> BINDINGS = List.of(WinErrors.class, Ws2_32.class, Kernel32.class, MsWsock.class);

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    private static final boolean ON_WINDOWS = System.getProperty("os.name").startsWith("Windows");

    private static final String CROSS_COMPILER = "x86_64-w64-mingw32-gcc";

    // The first Wine run creates the prefix (wineboot), which takes far longer than the probe.
    private static final long COMPILE_TIMEOUT_SECONDS = 120;
    private static final long RUN_TIMEOUT_SECONDS = 300;

    @Test
    void everyJavaValueEqualsItsCValue() throws Exception {
        Path gcc = onPath(CROSS_COMPILER);
        assumeTrue(gcc != null, CROSS_COMPILER + " not on PATH (Debian: gcc-mingw-w64-x86-64)");
        Path wine = null;
        if (!ON_WINDOWS) {
            // Wine runs x64 Windows programs on x86_64 hosts only (not on aarch64 Linux, for one).
            String arch = System.getProperty("os.arch");
            assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "Wine cannot run the x64 probe on a " + arch + " host");
            wine = onPath("wine");
            if (wine == null) {
                wine = onPath("wine64");
            }
            assumeTrue(wine != null, "wine not on PATH (Debian: wine, wine64)");
        }

        Map<String, Long> c = runProbe(gcc, wine);
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
        assertTrue(differences.isEmpty(), () -> differences.size() + " difference(s) between the Java bindings and C (Windows x64):\n  "
                + String.join("\n  ", differences));
        // Guards against a probe that printed nothing and a reflection that found nothing.
        assertTrue(c.size() > 100, "the probe printed only " + c.size() + " values");
    }

    @Test
    void everyNamedStructFieldHasItsOffsetConstant() throws Exception {
        List<String> problems = new ArrayList<>();
        int structs = 0;
        for (Class<?> type : BINDINGS) {
            for (Field field : type.getFields()) {
                if (!(field.get(null) instanceof StructLayout struct)) {
                    continue;
                }
                structs++;
                for (MemoryLayout member : struct.memberLayouts()) {
                    if (member.name().isEmpty()) {
                        continue; // padding
                    }
                    String constant = field.getName() + "_" + member.name().get().toUpperCase(Locale.ROOT) + "_OFFSET";
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
        assertEquals(10, structs, "struct layouts found");
    }

    /** Name to value for every public static field of the binding classes; each has a C counterpart. */
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
                } else {
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

    /** Compiles and runs the probe ({@code wine} null: natively) and parses its lines. */
    private static Map<String, Long> runProbe(Path gcc, Path wine) throws IOException, InterruptedException {
        Path source = BASEDIR.resolve("src/test/c/windows_layout_probe.c");
        Path include = BASEDIR.resolve("src/main/native/windows");
        Path out = BASEDIR.resolve("target/layout-probe");
        Files.createDirectories(out);
        Path probe = out.resolve("windows_layout_probe.exe");

        // The probe calls no Winsock function, so it needs no -lws2_32.
        ProcessBuilder compile = new ProcessBuilder(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I", include.toString(), "-o", probe.toString(), source.toString());
        run(compile, out.resolve("compile"), COMPILE_TIMEOUT_SECONDS);

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
        // Windows' C runtime writes text-mode "\r\n".
        String output = run(execute, out.resolve("run"), RUN_TIMEOUT_SECONDS).replace("\r", "");

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

    /**
     * Runs {@code command} with stdout and stderr in files next to {@code base}, and returns its
     * stdout. Files, not pipes: processes Wine starts in the background (wineserver, services) may
     * inherit the output handles and keep a pipe open long after the probe has exited.
     */
    private static String run(ProcessBuilder command, Path base, long timeoutSeconds) throws IOException, InterruptedException {
        Path stdout = Path.of(base + ".out");
        Path stderr = Path.of(base + ".err");
        Process process = command.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        String line = String.join(" ", command.command());
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(line + " did not finish in " + timeoutSeconds + " s; its stderr is in " + stderr);
        }
        String output = Files.readString(stdout, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), () -> line + " failed:\n" + output + readQuietly(stderr));
        return output;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    private static Path onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        List<String> names = ON_WINDOWS ? List.of(executable + ".exe", executable) : List.of(executable);
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            for (String name : names) {
                Path candidate = Path.of(directory, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
