package io.netloop.samples.chat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external program used as a chat peer ({@code nc}, the python3-irc driver, {@code ii}): its
 * stdin to write to, its stdout and stderr as {@link Lines}. {@link #close()} always ends it,
 * forcibly if it does not go by itself.
 */
final class PeerProcess implements AutoCloseable {
    final String label;
    final Process process;
    final Lines out;
    final Lines err;
    private final OutputStream in;

    private PeerProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        this.in = process.getOutputStream();
        this.out = Lines.pump(label, process.getInputStream());
        this.err = Lines.pump(label + " (stderr)", process.getErrorStream());
        out.alsoShowOnFailure(() -> err.all().stream().map(l -> "stderr: " + l).toList());
    }

    static PeerProcess start(String label, List<String> command, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        return new PeerProcess(label, pb.start());
    }

    /** Writes raw bytes to the program's stdin, flushed. */
    void write(byte[] bytes) throws IOException {
        in.write(bytes);
        in.flush();
    }

    void writeLine(String text) throws IOException {
        write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Closes the program's stdin (end of input for it). */
    void closeStdin() throws IOException {
        in.close();
    }

    /** Waits up to {@code seconds} for the program to exit by itself; whether it did. */
    boolean waitForExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // the program may already be gone
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@code command} runs and prints something containing {@code marker} (on stdout or stderr). */
    static boolean runs(List<String> command, String marker) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return new String(output, StandardCharsets.UTF_8).contains(marker);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
