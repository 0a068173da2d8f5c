package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What {@link UdpConformance} needs from the machine: a multicast interface, and external tools to run. */
final class UdpConformanceSupport {
    private UdpConformanceSupport() {
    }

    /**
     * The interface to test multicast on: {@code lo} where it has the MULTICAST flag, else the first
     * up interface that supports multicast and has an IPv4 address; {@code null} when there is none.
     */
    static NetworkInterface multicastInterface() {
        try {
            NetworkInterface lo = NetworkInterface.getByName("lo");
            if (usable(lo)) {
                return lo;
            }
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (usable(ni)) {
                    return ni;
                }
            }
        } catch (SocketException e) {
            return null;
        }
        return null;
    }

    /** As {@link #multicastInterface()}, for IPv6: an up multicast interface with an IPv6 address; {@code null} when none. */
    static NetworkInterface multicastInterface6() {
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (ni.isUp() && ni.supportsMulticast()
                        && Collections.list(ni.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet6Address)) {
                    return ni;
                }
            }
        } catch (SocketException e) {
            return null;
        }
        return null;
    }

    private static boolean usable(NetworkInterface ni) throws SocketException {
        return ni != null && ni.isUp() && ni.supportsMulticast()
                && Collections.list(ni.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet4Address);
    }

    /** The executable {@code name} on the PATH, or {@code null}. */
    static Path tool(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs {@code command} with {@code input} on its stdin and returns its stdout; fails on a hang or an exit code. */
    static String run(List<String> command, String input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.US_ASCII));
            }
            if (!p.waitFor(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                fail(command + " did not end within " + Await.LIMIT.toSeconds() + " s");
            }
            String out;
            try (InputStream o = p.getInputStream()) {
                out = new String(o.readAllBytes(), StandardCharsets.US_ASCII);
            }
            if (p.exitValue() != 0) {
                fail(command + " exited with " + p.exitValue() + ", printed: " + out);
            }
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
