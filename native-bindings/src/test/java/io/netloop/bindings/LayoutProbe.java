package io.netloop.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What the layout-probe tests of both operating systems share: running a compiled C probe that
 * prints "NAME VALUE" lines, reading the binding classes' public constants and layouts by
 * reflection, and comparing the two both ways, so that neither side can drift from the other.
 */
public final class LayoutProbe {
    private static final boolean ON_WINDOWS = System.getProperty("os.name").startsWith("Windows");

    private LayoutProbe() {
    }

    /**
     * Name to value for every public static field of {@code bindings}: {@code int}s and
     * {@code long}s as they are, layouts as {@code NAME_SIZE} and {@code NAME_ALIGN}. Fields of a
     * type in {@code unchecked} (with no C value) are passed over; any other type fails.
     */
    public static Map<String, Long> javaValues(List<Class<?>> bindings, Set<Class<?>> unchecked) throws IllegalAccessException {
        Map<String, Long> values = new TreeMap<>();
        for (Class<?> type : bindings) {
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
                } else if (!unchecked.contains(kind)) {
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

    /** Fails on any name whose values differ or that only one side has; {@code minimum} guards against two empty sides. */
    public static void assertSameValues(Map<String, Long> c, Map<String, Long> java, int minimum, String platform) {
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
                + platform + "):\n  " + String.join("\n  ", differences));
        assertTrue(c.size() > minimum, "the probe printed only " + c.size() + " values");
    }

    /**
     * Checks that every named member of every public struct layout has its
     * {@code LAYOUT_MEMBER_OFFSET} constant, equal to the layout's offset. Returns how many struct
     * layouts it found.
     */
    public static int assertOffsetConstants(List<Class<?>> bindings) throws IllegalAccessException {
        List<String> problems = new ArrayList<>();
        int structs = 0;
        for (Class<?> type : bindings) {
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
        return structs;
    }

    /** The probe's "NAME VALUE" lines; a malformed or repeated line fails. */
    public static Map<String, Long> parse(String output) {
        Map<String, Long> values = new TreeMap<>();
        for (String line : output.replace("\r", "").split("\n")) {
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
     * stdout; fails when it times out or exits non-zero. Files, not pipes: processes Wine starts
     * in the background may inherit the output handles and keep a pipe open after the probe exits.
     */
    public static String run(ProcessBuilder command, Path base, long timeoutSeconds) throws IOException, InterruptedException {
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

    /** An executable on the PATH ({@code .exe} too on Windows), or {@code null}. */
    public static Path onPath(String executable) {
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
                Path candidate;
                try {
                    candidate = Path.of(directory, name);
                } catch (InvalidPathException notAPath) {
                    continue; // PATH may hold entries this OS cannot name (quotes on Windows)
                }
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
