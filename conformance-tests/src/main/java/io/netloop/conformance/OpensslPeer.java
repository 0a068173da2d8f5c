package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code openssl s_client} or {@code s_server} process (OpenSSL 3, found on PATH): a TLS
 * peer that shares no code with netloop or the JDK. The test writes to its stdin; its stdout and
 * stderr are pumped into memory and read with bounded waits. {@link #close()} always ends it,
 * forcibly, and waits for it to go.
 */
final class OpensslPeer implements AutoCloseable {
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT\\s+\\S*:(\\d+)");
    private static final int SHOWN_CHARS = 4000;

    private final List<String> command;
    private final Process process;
    private final OutputStream stdin;
    private final Output stdout;
    private final Output stderr;

    private OpensslPeer(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdout = Output.pump(process.getInputStream(), "openssl-stdout");
        this.stderr = Output.pump(process.getErrorStream(), "openssl-stderr");
    }

    /** Why the openssl peers cannot run here, or empty when they can; probed once. */
    static Optional<String> unavailabilityCause() {
        return Probe.CAUSE;
    }

    /** Starts {@code openssl} with {@code arguments} (such as {@code s_client -connect ...}). */
    static OpensslPeer start(List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(arguments);
        return new OpensslPeer(List.copyOf(command), new ProcessBuilder(command).start());
    }

    /** Writes to the program's stdin, flushed. */
    void write(byte[] data) throws IOException {
        stdin.write(data);
        stdin.flush();
    }

    /** Writes on a new daemon thread, so the caller can read the program's output meanwhile. */
    CompletableFuture<Void> writeInBackground(byte[] data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                write(data);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "openssl-stdin-writer");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Ends the program's input. */
    void closeStdin() throws IOException {
        stdin.close();
    }

    /**
     * Waits until stdout holds at least {@code n} bytes and returns all of it; fails early, with
     * what the program said, when its stdout ends short of that.
     */
    byte[] awaitStdout(int n) {
        return stdout.await(n, () -> n + " bytes on stdout from " + this);
    }

    /** Waits until stdout or stderr holds {@code text}; returns stdout and stderr as text. */
    String awaitOutput(String text) {
        Await.until(() -> output().contains(text) || stdout.ended && stderr.ended, () -> "'" + text + "' from " + this);
        String all = output();
        if (!all.contains(text)) {
            fail("the output ended without '" + text + "': " + this);
        }
        return all;
    }

    /** The port of s_server's {@code ACCEPT host:port} line (it listens on port 0, so no other program can take it first). */
    int awaitAcceptPort() {
        Await.until(() -> ACCEPT.matcher(output()).find() || stdout.ended && stderr.ended, () -> "s_server's ACCEPT line: " + this);
        Matcher m = ACCEPT.matcher(output());
        if (!m.find()) {
            fail("s_server ended without an ACCEPT line: " + this);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Waits for the program to exit by itself and returns its status. */
    int awaitExit() {
        try {
            if (!process.waitFor(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("timed out after " + Await.LIMIT.toSeconds() + " s waiting for openssl to exit: " + this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted waiting for " + this);
        }
        // Its output ends with it; wait for the pumps so that the caller sees all of it.
        Await.until(() -> stdout.ended && stderr.ended, () -> "the end of openssl's output: " + this);
        return process.exitValue();
    }

    /** stdout and stderr as text (stdout first). */
    String output() {
        return stdout.text() + stderr.text();
    }

    String stderrText() {
        return stderr.text();
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the program may already be gone
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("openssl (pid " + process.pid() + ") still running after SIGKILL: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command, its status and what it printed, for failure messages. */
    @Override
    public String toString() {
        String status = process.isAlive() ? "running" : "exited with " + process.exitValue();
        return String.join(" ", command) + " (" + status + ")\n--- stdout (" + stdout.size() + " bytes):\n"
                + shown(stdout.text()) + "\n--- stderr:\n" + shown(stderr.text());
    }

    private static String shown(String s) {
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "... (" + (s.length() - SHOWN_CHARS) + " more chars)";
    }

    /** One output stream of the process, read to its end by a daemon thread. */
    private static final class Output {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile boolean ended;

        static Output pump(InputStream in, String threadName) {
            Output o = new Output();
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (o) {
                            o.bytes.write(buf, 0, n);
                            o.notifyAll();
                        }
                    }
                } catch (IOException closed) {
                    // the process was killed: its output ends here
                } finally {
                    synchronized (o) {
                        o.ended = true;
                        o.notifyAll();
                    }
                }
            }, threadName);
            t.setDaemon(true);
            t.start();
            return o;
        }

        synchronized int size() {
            return bytes.size();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** All bytes, once there are at least {@code n}. */
        synchronized byte[] await(int n, Supplier<String> what) {
            long deadline = System.nanoTime() + Await.LIMIT.toNanos();
            while (bytes.size() < n) {
                if (ended) {
                    return fail("the output ended before " + what.get());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return fail("timed out after " + Await.LIMIT.toSeconds() + " s waiting for " + what.get());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return fail("interrupted");
                }
            }
            return bytes.toByteArray();
        }
    }

    /** Runs {@code openssl version} once. */
    private static final class Probe {
        static final Optional<String> CAUSE = probe();

        private static Optional<String> probe() {
            // OpenSSL's Windows builds take a redirected stdin as always readable (has_stdin_waiting
            // in apps/lib/apps.c), so s_client blocks reading it and never reads the echo while the
            // test keeps its input open. The JDK peers in TlsInteropConformance still run there.
            if (System.getProperty("os.name", "").startsWith("Windows")) {
                return Optional.of("openssl s_client cannot read a socket while its piped stdin is open on Windows");
            }
            String version;
            try {
                Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readNBytes(4096);
                if (!p.waitFor(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return Optional.of("openssl version did not answer within " + Await.LIMIT.toSeconds() + " s");
                }
                version = new String(out, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                return Optional.of("openssl not installed: ci/install-deps.sh installs it");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted probing openssl");
            }
            // The tests read OpenSSL 3's messages ("unexpected eof while reading") and use -nocommands;
            // LibreSSL (macOS's /usr/bin/openssl) and OpenSSL 1.x differ.
            if (!version.matches("(?s)OpenSSL [3-9]\\..*")) {
                return Optional.of("the openssl on PATH is not OpenSSL 3 or later: '" + version + "'; ci/install-deps.sh installs Debian's");
            }
            return Optional.empty();
        }
    }
}
