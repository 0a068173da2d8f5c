package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * An IRC-mode user through {@code ii}, the file-based IRC client: it writes what it receives to
 * {@code DIR/127.0.0.1[/CHANNEL-OR-NICK]/out} ("EPOCH TEXT" lines) and sends what is written to the
 * FIFOs {@code .../in}. Each {@code out} file is tailed into its own {@link Lines}, with the epoch
 * stripped.
 */
final class IiClient implements AutoCloseable {
    private static volatile Boolean installed;

    final String label;
    private final Path dir;
    private final Path serverDir;
    private final PeerProcess process;
    private final Map<String, Lines> tails = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private IiClient(String label, Path dir, PeerProcess process) {
        this.label = label;
        this.dir = dir;
        this.serverDir = dir.resolve("127.0.0.1");
        this.process = process;
    }

    static void assumeInstalled() {
        Boolean ok = installed;
        if (ok == null) {
            // ii has no --help; with no arguments it prints its usage, naming itself.
            installed = ok = PeerProcess.runs(List.of("ii"), "usage: ii");
        }
        assumeTrue(ok, "ii not installed; ci/install-deps.sh installs it");
    }

    static IiClient start(String label, int port, String nick) throws IOException {
        assumeInstalled();
        Path dir = Files.createTempDirectory("netloop-chat-ii-");
        PeerProcess p = PeerProcess.start(label, List.of("ii", "-s", "127.0.0.1", "-p", Integer.toString(port),
                "-n", nick, "-i", dir.toString(), "-f", "ii " + nick), null);
        return new IiClient(label, dir, p);
    }

    /** The lines of the server window ({@code ""}), a channel ({@code "#lobby"}) or a query ({@code "alice"}). */
    Lines window(String name) {
        return tails.computeIfAbsent(name.toLowerCase(), n -> tail(n.isEmpty() ? serverDir : serverDir.resolve(n)));
    }

    /** Consumes the window's lines up to one that reads {@code exact} once the epoch is stripped. */
    Lines.Match awaitLine(String window, String exact) {
        return window(window).await(Lines.quote(exact) + " in ii's " + (window.isEmpty() ? "server" : window) + " window",
                exact::equals);
    }

    Lines.Match await(String window, String what, java.util.function.Predicate<String> matches) {
        return window(window).await(what + " in ii's " + (window.isEmpty() ? "server" : window) + " window", matches);
    }

    /** Writes one line to a window's {@code in} FIFO: text for a channel or query, or a command in the server window. */
    void write(String window, String line) throws IOException {
        Path fifo = (window.isEmpty() ? serverDir : serverDir.resolve(window.toLowerCase())).resolve("in");
        // Opening a FIFO for writing blocks until ii has it open for reading; bound the wait.
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            done.get(Lines.LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            done.cancel(true);
            fail(label + ": ii did not open " + fifo + " for reading within " + Lines.LIMIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IOException(label + ": writing to " + fifo + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    boolean waitForExit(long seconds) throws InterruptedException {
        return process.waitForExit(seconds);
    }

    private Lines tail(Path windowDir) {
        Path file = windowDir.resolve("out");
        Lines lines = new Lines(label + ":" + serverDir.relativize(file));
        lines.alsoShowOnFailure(() -> process.err.all().stream().map(l -> "ii stderr: " + l).toList());
        Thread t = new Thread(() -> follow(file, lines), "ii-tail-" + file.getFileName());
        t.setDaemon(true);
        t.start();
        return lines;
    }

    /** Polls {@code file} (ii appends to it, and may create it later) until the client closes. */
    private void follow(Path file, Lines lines) {
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        ByteArrayOutputStream stripped = new ByteArrayOutputStream();
        long position = 0;
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try {
            while (!closed) {
                if (Files.exists(file)) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                        int n;
                        while ((n = ch.read(buf.clear(), position)) > 0) {
                            position += n;
                            for (int i = 0; i < n; i++) {
                                byte b = buf.get(i);
                                partial.write(b);
                                if (b == '\n') {
                                    byte[] line = stripEpoch(partial.toByteArray());
                                    stripped.reset();
                                    lines.feed(stripped, line, line.length);
                                    partial.reset();
                                }
                            }
                        }
                    }
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            lines.end(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lines.end(null);
    }

    /** "1718000000 <alice> hi\n" to "<alice> hi\n". */
    private static byte[] stripEpoch(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] >= '0' && line[i] <= '9') {
            i++;
        }
        if (i > 0 && i < line.length && line[i] == ' ') {
            return java.util.Arrays.copyOfRange(line, i + 1, line.length);
        }
        return line;
    }

    @Override
    public void close() {
        process.close();
        closed = true;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test for
        }
    }
}
