package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A plain-mode chat user over TLS through a real {@code openssl s_client -quiet} (Debian's
 * openssl): what the test writes goes to its stdin, what the server sends comes out of its stdout
 * as {@link #lines}. It verifies the server's certificate against {@code ca.pem} and the address
 * 127.0.0.1, and gives up on the handshake otherwise. {@code -quiet} makes it ignore the end of its
 * stdin, so it exits when the server closes: with status 0 after the server's {@code close_notify},
 * 1 when the TCP stream ended without one.
 */
final class OpensslUser implements AutoCloseable {
    private static volatile Boolean installed;

    final String label;
    final Lines lines;
    private final PeerProcess process;

    private OpensslUser(String label, PeerProcess process) {
        this.label = label;
        this.process = process;
        this.lines = process.out;
    }

    /** Skips the calling test when the openssl command is not installed. */
    static void assumeInstalled() {
        Boolean ok = installed;
        if (ok == null) {
            installed = ok = PeerProcess.runs(List.of("openssl", "version"), "OpenSSL");
        }
        assumeTrue(ok, "openssl not installed");
    }

    static OpensslUser connect(String label, int port, Path caFile) throws IOException {
        assumeInstalled();
        // -nocommands: a line starting with Q, R or K is chat, not s_client's quit, renegotiate or key update.
        return new OpensslUser(label, PeerProcess.start(label, List.of("openssl", "s_client", "-quiet", "-nocommands",
                "-connect", "127.0.0.1:" + port, "-CAfile", caFile.toString(), "-verify_return_error",
                "-verify_ip", "127.0.0.1"), null));
    }

    /** Sends {@code nick} as the first line and expects the welcome, with nothing but the prompt before it. */
    void register(String nick, int others) throws IOException {
        send(nick);
        Lines.Match m = NcUser.awaitHello(lines, nick, others);
        assertTrue(m.skipped().stream().allMatch(NcUser.PROMPT::equals),
                () -> label + ": only the prompt may come before the welcome, got " + Lines.quote(m.skipped()));
    }

    /** Sends one line ending in LF. */
    void send(String text) throws IOException {
        process.writeLine(text);
    }

    Lines.Match await(String what, java.util.function.Predicate<String> matches) {
        return lines.await(what, matches);
    }

    Lines.Match awaitLine(String exact) {
        return lines.awaitLine(exact);
    }

    /**
     * Expects the server to close the connection, and returns the lines before the end and
     * s_client's exit status (0: the server sent close_notify).
     */
    Ended awaitDisconnect() throws InterruptedException {
        List<String> rest = lines.awaitEnd();
        assertTrue(process.waitForExit(Lines.LIMIT.toSeconds()), () -> label + ": s_client should exit once the server closed");
        return new Ended(rest, process.process.exitValue());
    }

    record Ended(List<String> lines, int exitStatus) {
    }

    /** What s_client said on stderr (verification, errors), for failure messages. */
    List<String> stderr() {
        return process.err.all();
    }

    @Override
    public void close() {
        process.close();
    }
}
