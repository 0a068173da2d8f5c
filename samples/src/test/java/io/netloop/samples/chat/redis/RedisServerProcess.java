package io.netloop.samples.chat.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
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
 * A private {@code redis-server} for one test: a free loopback port, no persistence, its files in
 * a temporary directory. Started and waited for with bounded waits; {@link #close()} kills it.
 */
public final class RedisServerProcess implements AutoCloseable {
    public static final String MISSING = "redis-server not installed: ci/install-deps.sh installs it";

    private Process process;
    private final int port;
    private final int tlsPort;
    private final Path dir;
    /** The whole command line, for {@link #restart()}. */
    private final List<String> command;

    private RedisServerProcess(Process process, int port, int tlsPort, Path dir, List<String> command) {
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
        this.dir = dir;
        this.command = command;
    }

    /** Whether {@code redis-server} is on the PATH. */
    public static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "redis-server"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts a server with {@code extraArgs} (such as {@code --requirepass secret}) added to the
     * private ones. A port taken between choosing and binding is retried with another.
     */
    public static RedisServerProcess start(String... extraArgs) throws IOException, InterruptedException {
        return start(false, extraArgs);
    }

    /**
     * Starts a server that also serves TLS on {@link #tlsPort()} with the given PEM files (clients
     * are not asked for certificates); the plain port stays, for the readiness check.
     */
    public static RedisServerProcess startWithTls(Path cert, Path key, Path ca, String... extraArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no"));
        args.addAll(List.of(extraArgs));
        return start(true, args.toArray(String[]::new));
    }

    private static RedisServerProcess start(boolean tls, String... extraArgs) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            int tlsPort = tls ? freePort() : -1;
            Path dir = Files.createTempDirectory("netloop-redis-");
            List<String> cmd = new ArrayList<>(List.of("redis-server",
                    "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no",
                    "--dir", dir.toString(), "--daemonize", "no", "--logfile", ""));
            if (tls) {
                cmd.addAll(List.of("--tls-port", Integer.toString(tlsPort)));
            }
            cmd.addAll(List.of(extraArgs));
            Path log = dir.resolve("redis.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            RedisServerProcess server = new RedisServerProcess(p, port, tlsPort, dir, cmd);
            try {
                server.awaitReady(log);
                return server;
            } catch (IOException e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    /**
     * SIGKILL, then the same server again on the same port: empty, since nothing is persisted (as
     * a Redis without persistence comes back after a crash).
     */
    public void restart() throws IOException, InterruptedException {
        kill();
        Path log = dir.resolve("redis.log");
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                awaitReady(log);
                return;
            } catch (IOException e) { // the port may linger a moment after the kill
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }

    /** {@code redis://127.0.0.1:port} with {@code userInfo} ({@code ":password"}, {@code "user:password"}) and {@code db}. */
    public RedisUri uri(String userInfo, int db) {
        return RedisUri.parse("redis://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port + "/" + db);
    }

    public RedisUri uri() {
        return uri(null, 0);
    }

    /** The TLS port, when started with {@link #startWithTls}. */
    public int tlsPort() {
        if (tlsPort < 0) {
            throw new IllegalStateException("started without TLS");
        }
        return tlsPort;
    }

    /** SIGKILL, and waits (bounded) until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server on port " + port + " still runs 10 s after SIGKILL");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    /** Up to 10 s: any reply to PING (+PONG, or -NOAUTH with a password) means it serves. */
    private void awaitReady(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                int first = in.read();
                if (first == '+' || first == '-') {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server on port " + port + " did not answer PING within 10 s: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
