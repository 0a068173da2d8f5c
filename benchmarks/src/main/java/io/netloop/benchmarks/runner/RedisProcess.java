package io.netloop.benchmarks.runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private {@code redis-server} for one benchmark configuration: a free loopback port, nothing
 * persisted, its files in a temporary directory.
 *
 * <p>It runs under a shell that kills it when its stdin ends, so it stops with the runner even
 * when the runner is killed (redis-server itself has no such option): the chat nodes stop on
 * stdin EOF too ({@link ServerProcess}).
 *
 * <pre>{@code
 * try (RedisProcess redis = RedisProcess.start(List.of("taskset", "-c", "1"), log)) {
 *     String uri = redis.uri(); // redis://127.0.0.1:PORT
 * }
 * }</pre>
 */
final class RedisProcess implements AutoCloseable {
    /** Kills redis-server when stdin ends; prints its pid first, for CPU accounting. */
    private static final String WRAPPER = "redis-server \"$@\" & echo \"PID $!\"; cat > /dev/null; kill $!; wait";

    private final Process shell;
    private final Path dir;
    final int port;
    /** redis-server's own pid (not the wrapper's). */
    final long pid;

    private RedisProcess(Process shell, Path dir, int port, long pid) {
        this.shell = shell;
        this.dir = dir;
        this.port = port;
        this.pid = pid;
    }

    /** Starts it behind {@code prefix} (such as {@code taskset -c 1}); its output goes to {@code log}. */
    static RedisProcess start(List<String> prefix, Path log) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a port taken between choosing and binding
            int port = freePort();
            Path dir = Files.createTempDirectory("netloop-bench-redis-");
            List<String> cmd = new ArrayList<>(prefix);
            cmd.addAll(List.of("sh", "-c", WRAPPER, "sh", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no", "--logfile", ""));
            Process shell = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
            String first = out.readLine();
            long pid = first != null && first.startsWith("PID ") ? Long.parseLong(first.substring(4).trim()) : -1;
            // The rest of redis-server's stdout (its log) goes to the log file.
            Thread drain = new Thread(() -> copy(out, log), "redis-log");
            drain.setDaemon(true);
            drain.start();
            RedisProcess r = new RedisProcess(shell, dir, port, pid);
            try {
                if (pid < 0) {
                    throw new IOException("redis-server did not start: " + first);
                }
                r.awaitReady();
                return r;
            } catch (IOException e) {
                r.close();
                last = e;
            }
        }
        throw last;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** CPU seconds redis-server has used so far. */
    double cpuSeconds() throws IOException {
        return ServerProcess.cpuSeconds(pid);
    }

    /** Up to 10 s for an answer to PING. */
    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!shell.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited (see the log)");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                if (in.read() == '+') {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server on port " + port + " did not answer PING within 10 s");
    }

    /** Ends stdin (the wrapper kills redis-server), then kills whatever is left. */
    @Override
    public void close() {
        try {
            shell.getOutputStream().close();
            if (!shell.waitFor(10, TimeUnit.SECONDS)) {
                shell.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            shell.destroyForcibly();
        }
        if (pid > 0) { // normally gone by now; checked by name, as its pid may have been reused
            ProcessHandle.of(pid).filter(h -> h.info().command().orElse("").endsWith("redis-server"))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private static void copy(BufferedReader from, Path log) {
        try (var to = Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            String l;
            while ((l = from.readLine()) != null) {
                to.write(l);
                to.newLine();
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
