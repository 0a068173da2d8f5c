package io.netloop.benchmarks.runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in its own process: started pinned to its core, ready when it prints
 * {@code READY <port>}, asked for {@code STATS} on stdin (Java servers), stopped with {@code QUIT}
 * or stdin EOF, killed if it does not go.
 */
final class ServerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final int port;
    final boolean hasStats;

    private ServerProcess(String name, Process process, boolean hasStats) throws IOException {
        this.name = name;
        this.process = process;
        this.hasStats = hasStats;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        this.port = awaitReady();
    }

    static ServerProcess start(String name, List<String> command, boolean hasStats, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ServerProcess(name, pb.start(), hasStats);
    }

    private int awaitReady() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String l = poll(Duration.ofMillis(200));
            if (l != null && l.startsWith("READY ")) {
                return Integer.parseInt(l.substring(6).trim());
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it was ready (see server.log)");
            }
        }
        process.destroyForcibly();
        throw new IOException(name + " was not ready within 30 s");
    }

    private String poll(Duration d) {
        try {
            return lines.poll(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The server's {@code STATS} line as key/value pairs; empty for servers without stats (C). */
    Map<String, Double> stats(boolean gc) throws IOException {
        Map<String, Double> out = new HashMap<>();
        if (!hasStats) {
            return out;
        }
        stdin.write(gc ? "STATS gc\n" : "STATS\n");
        stdin.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String l = poll(Duration.ofMillis(200));
            if (l != null && l.startsWith("STATS ")) {
                for (String kv : l.substring(6).trim().split("\\s+")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        out.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
                    }
                }
                return out;
            }
        }
        throw new IOException(name + " did not answer STATS");
    }

    /** The server's process id (taskset execs the server, so it is the server's own). */
    long pid() {
        return process.pid();
    }

    /** Resident memory of the process, from /proc. */
    long rssBytes() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** CPU seconds used by the process so far (user + system), from /proc. */
    double cpuSeconds() throws IOException {
        return cpuSeconds(process.pid());
    }

    /** CPU seconds used by process {@code pid} so far (user + system), from /proc. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14 and 15 of /proc/PID/stat (utime, stime) are 11 and 12 after the command name
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    }

    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    @Override
    public void close() {
        try {
            stdin.write("QUIT\n");
            stdin.flush();
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
