package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A plain-mode chat user through a real {@code nc} (Debian's netcat-openbsd): what the test writes
 * goes to nc's stdin, what the server sends comes out of nc's stdout as {@link #lines}.
 */
final class NcUser implements AutoCloseable {
    static final String PROMPT = "*** Welcome to netloop chat. Choose a nickname:";

    private static volatile Boolean installed;

    final String label;
    final Lines lines;
    private final PeerProcess process;

    private NcUser(String label, PeerProcess process) {
        this.label = label;
        this.process = process;
        this.lines = process.out;
    }

    /** Skips the calling test when netcat-openbsd is not installed. */
    static void assumeInstalled() {
        Boolean ok = installed;
        if (ok == null) {
            // netcat-openbsd's usage text names it; other netcats differ in flags and in how they end.
            installed = ok = PeerProcess.runs(List.of("nc", "-h"), "OpenBSD netcat");
        }
        assumeTrue(ok, "nc (netcat-openbsd) not installed; ci/install-deps.sh installs it");
    }

    static NcUser connect(String label, int port) throws IOException {
        assumeInstalled();
        return new NcUser(label, PeerProcess.start(label, List.of("nc", "127.0.0.1", Integer.toString(port)), null));
    }

    /** A user through {@code nc -U PATH}: the chat server's Unix-domain socket. */
    static NcUser connectUnix(String label, java.nio.file.Path socket) throws IOException {
        assumeInstalled();
        return new NcUser(label, PeerProcess.start(label, List.of("nc", "-U", socket.toString()), null));
    }

    /** The welcome as CHAT.md words it: "with N others", "with 1 other". */
    static String hello(String nick, int others) {
        return "*** Hello " + nick + ". You are in #lobby with " + others + (others == 1 ? " other" : " others")
                + ". /help lists commands.";
    }

    /** Consumes lines up to the welcome of {@code nick} with {@code others} others. */
    static Lines.Match awaitHello(Lines lines, String nick, int others) {
        return lines.awaitLine(hello(nick, others));
    }

    /** Sends {@code nick} as the first line and expects the welcome, with nothing but the prompt before it. */
    void register(String nick, int others) throws IOException {
        send(nick);
        Lines.Match m = awaitHello(lines, nick, others);
        assertTrue(m.skipped().stream().allMatch(PROMPT::equals),
                () -> label + ": only the prompt may come before the welcome, got " + Lines.quote(m.skipped()));
    }

    /** Sends one line ending in LF. */
    void send(String text) throws IOException {
        process.writeLine(text);
    }

    /** Sends one line ending in CRLF. */
    void sendCrlf(String text) throws IOException {
        process.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends raw bytes, as they are. */
    void sendBytes(byte[] bytes) throws IOException {
        process.write(bytes);
    }

    Lines.Match await(String what, java.util.function.Predicate<String> matches) {
        return lines.await(what, matches);
    }

    Lines.Match awaitLine(String exact) {
        return lines.awaitLine(exact);
    }

    /** Each of {@code exact}, in any order; see {@link Lines#awaitAll}. */
    Lines.Match awaitAll(List<String> exact) {
        return lines.awaitAll(exact);
    }

    /**
     * Expects the server to close the connection, and returns the lines before the end. netcat-openbsd
     * exits at the network's end of input only once its stdin has ended too (and never half-closes
     * without {@code -N}), so closing its stdin first makes its exit mean "the server closed".
     */
    List<String> awaitDisconnect() throws IOException, InterruptedException {
        process.closeStdin();
        List<String> rest = lines.awaitEnd();
        assertTrue(process.waitForExit(Lines.LIMIT.toSeconds()), () -> label + ": nc should exit once the server closed");
        return rest;
    }

    /** Every server line so far ended in CRLF. */
    void assertAllLinesEndInCrlf() {
        assertEquals(0, lines.linesWithoutCr(),
                () -> label + ": server lines must end in CRLF; received " + Lines.quote(lines.all()));
    }

    @Override
    public void close() {
        process.close();
    }
}
