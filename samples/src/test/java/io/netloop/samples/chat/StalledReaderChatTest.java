package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A client that stops reading while the others keep chatting: the others keep getting every line
 * (each round within the usual bounded wait), and once more than the configured send queue is
 * waiting for the stalled client, the server disconnects it. No speed is asserted.
 */
class StalledReaderChatTest {
    private static final int MAX_SEND_QUEUE = 64 * 1024;
    /**
     * Lines each talker sends per round, then waits until the other has them all: about 18 KiB, well
     * under the send queue limit, so that a talker that reads is never the one found too slow.
     */
    private static final int LINES_PER_ROUND = 20;
    /**
     * A bound, not a speed: loopback's kernel buffers absorb a few MiB at most, and the server may
     * take a few seconds to drop a client that does not take its last lines.
     */
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(90);

    @EachBackend
    void stalledClientIsDisconnectedWhileTheOthersKeepReceivingEverything(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withMaxSendQueueBytes(MAX_SEND_QUEUE)
                // The talkers send far faster than 10 lines a second on purpose.
                .withFloodBurst(1_000_000).withFloodRate(1_000_000))) {
            RawClient aliceSocket = chat.own(RawClient.connect(backend + "/alice", chat.address(), 0));
            Lines alice = aliceSocket.startReading();
            aliceSocket.send("alice");
            NcUser.awaitHello(alice, "alice", 0);
            RawClient bobSocket = chat.own(RawClient.connect(backend + "/bob", chat.address(), 0));
            Lines bob = bobSocket.startReading();
            bobSocket.send("bob");
            NcUser.awaitHello(bob, "bob", 1);
            alice.awaitLine("*** bob joined");

            RawClient stalled = chat.own(RawClient.connect(backend + "/stalled", chat.address(), 4096));
            stalled.registerThenStopReading("stalled");
            alice.awaitLine("*** stalled joined");
            bob.awaitLine("*** stalled joined");
            assertEquals(3, chat.server.clientCount());

            String payload = "p".repeat(900);
            List<String> aliceOther = new ArrayList<>();
            List<String> bobOther = new ArrayList<>();
            long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
            int round = 0;
            while (chat.server.clientCount() == 3) {
                if (System.nanoTime() - deadline > 0) {
                    fail(backend + ": the stalled client is still connected after " + round + " rounds of "
                            + 2 * LINES_PER_ROUND + " lines (" + GIVE_UP_AFTER.toSeconds() + " s; max send queue "
                            + MAX_SEND_QUEUE + " bytes)");
                }
                aliceSocket.sendBytes(round("a", round, payload));
                bobSocket.sendBytes(round("b", round, payload));
                // Every line of the round reaches the other talker, in order; anything else that
                // arrives meanwhile is kept, to be checked below.
                for (int i = 0; i < LINES_PER_ROUND; i++) {
                    bobOther.addAll(bob.awaitLine("<alice> " + line("a", round, i, payload)).skipped());
                    aliceOther.addAll(alice.awaitLine("<bob> " + line("b", round, i, payload)).skipped());
                }
                round++;
            }
            Eventually.equal(2, chat.server::clientCount, "clientCount after the stalled client was dropped");
            // CHAT.md leaves the reason in the leave line open; it should at least name the send queue.
            Predicate<String> leave = l -> l.startsWith("*** stalled left (") && l.endsWith(")")
                    && l.toLowerCase(Locale.ROOT).contains("send");
            for (var talker : List.of(Map.entry(alice, aliceOther), Map.entry(bob, bobOther))) {
                List<String> other = talker.getValue();
                if (other.stream().noneMatch(leave)) {
                    Lines.Match m = talker.getKey().await("the stalled client's leave, naming the send queue", leave);
                    other.addAll(m.skipped());
                    other.add(m.line());
                }
                assertTrue(other.size() == 1 && leave.test(other.get(0)), () -> talker.getKey().peer()
                        + ": besides the other talker's lines, only the stalled client's leave; got " + Lines.quote(other));
            }
            // The stalled client's socket ends: read what is left (lines it never read) to the end.
            Drained drained = drain(stalled);
            assertTrue(drained.ended(), () -> backend + ": the stalled client's connection should be closed by the server;"
                    + " reading timed out after " + drained.bytes() + " bytes");
            if (drained.reset() == null) {
                // An orderly close sends what was queued last: the reason.
                assertTrue(drained.lastLine().equals("*** Disconnected: send queue exceeded"),
                        () -> backend + ": last line before an orderly close should be \"*** Disconnected: send queue exceeded\", was "
                                + Lines.quote(drained.lastLine()));
            }

            // The others go on as before.
            aliceSocket.send("after the drop");
            bob.awaitLine("<alice> after the drop");
            System.out.printf("[%s] stalled client dropped after %d round(s); its stream ended %s%n",
                    backend, round, drained.reset() == null ? "cleanly" : "with " + drained.reset());
        }
    }

    private static String line(String who, int round, int i, String payload) {
        return who + " " + round + "." + i + " " + payload;
    }

    private static byte[] round(String who, int round, String payload) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < LINES_PER_ROUND; i++) {
            b.append(line(who, round, i, payload)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private record Drained(boolean ended, SocketException reset, long bytes, String lastLine) {
    }

    /** Reads the socket to its end (or a reset), keeping only the last complete line. */
    private static Drained drain(RawClient client) throws IOException {
        InputStream in = client.socket.getInputStream();
        byte[] buf = new byte[64 * 1024];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String last = "";
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        last = line.toString(StandardCharsets.UTF_8).strip();
                        line.reset();
                    } else {
                        line.write(buf[i]);
                    }
                }
            }
            return new Drained(true, null, total, last);
        } catch (SocketTimeoutException e) {
            return new Drained(false, null, total, last);
        } catch (SocketException e) {
            return new Drained(true, e, total, last);
        }
    }
}
