package io.netloop.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.stream.Stream;

/** Loopback addresses and facts about this machine that some tests depend on. */
public final class Loopback {
    public static final InetAddress IPV4 = address("127.0.0.1");
    public static final InetAddress IPV6 = address("::1");

    private static final Path FD_DIR = Path.of("/proc/self/fd");

    private Loopback() {
    }

    /** 127.0.0.1 with an ephemeral port. */
    public static InetSocketAddress anyPort() {
        return new InetSocketAddress(IPV4, 0);
    }

    /** A port on 127.0.0.1 that was free a moment ago (bound and released), for connection-refused tests. */
    public static InetSocketAddress unusedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, IPV4)) {
            return new InetSocketAddress(IPV4, s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether ::1 can be bound; containers often run without IPv6. */
    public static boolean ipv6Available() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(IPV6, 0));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Open descriptors of this process, where the OS lists them in {@code /proc/self/fd} (Linux). */
    public static OptionalInt openDescriptorCount() {
        if (!Files.isDirectory(FD_DIR)) {
            return OptionalInt.empty();
        }
        try (Stream<Path> entries = Files.list(FD_DIR)) {
            return OptionalInt.of((int) entries.count());
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The executable {@code name} on PATH, or {@code null} when it is not installed. */
    public static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
