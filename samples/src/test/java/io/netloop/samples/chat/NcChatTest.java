package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plain-mode users through real {@code nc} processes, checked against samples/CHAT.md line for
 * line. "Nothing reaches the others" is checked without sleeping: the offender then sends a good
 * line, and since one connection's lines are relayed in order, whatever the others received from
 * it before that line is what they would ever have received.
 */
class NcChatTest {

    @EachBackend
    void promptsForANicknameThenWelcomes(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.nc("alice");
            Lines.Match prompt = alice.awaitLine(NcUser.PROMPT);
            assertEquals(List.of(), prompt.skipped(), "nothing before the prompt");
            alice.send("alice");
            assertEquals(List.of(), NcUser.awaitHello(alice.lines, "alice", 0).skipped(), "nothing between prompt and welcome");

            NcUser bob = chat.join("bob", 1);
            assertEquals(List.of(), alice.awaitLine("*** bob joined").skipped(), "alice hears of bob's join, nothing else");
            bob.send("hi");
            alice.awaitLine("<bob> hi");
            assertEquals(2, chat.server.clientCount(), "two clients connected");
            alice.assertAllLinesEndInCrlf();
            bob.assertAllLinesEndInCrlf();
        }
    }

    @EachBackend
    void invalidNicknamesAreRefusedWithTheRules(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser user = chat.nc("newcomer");
            String thirtyOne = "n".repeat(31);
            for (String bad : List.of("9lives", "-dash", "has space", thirtyOne, "caf\u00e9")) {
                user.send(bad);
                user.await("the invalid-nickname reply for " + Lines.quote(bad), invalid(bad)::equals);
            }
            String thirty = "a[b]`^{}|_-" + "z".repeat(19);
            assertEquals(30, thirty.length());
            user.send(thirty);
            NcUser.awaitHello(user.lines, thirty, 1);
            Lines.Match joined = alice.awaitLine("*** " + thirty + " joined");
            assertEquals(List.of(), joined.skipped(), "refused attempts are not announced");
        }
    }

    private static String invalid(String nick) {
        return "*** Invalid nickname \"" + nick + "\": 1 to 30 of letters, digits and _-[]\\`^{}|,"
                + " not starting with a digit or -. Choose a nickname:";
    }

    @EachBackend
    void takenNicknameIsRefusedCaseInsensitivelyAndAnotherCanBeChosen(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser second = chat.nc("second");
            second.send("alice");
            second.await("the taken-nickname reply", "*** Nickname \"alice\" is taken. Choose a nickname:"::equals);
            second.send("ALICE");
            second.await("the taken-nickname reply (nicknames compare case-insensitively)",
                    "*** Nickname \"ALICE\" is taken. Choose a nickname:"::equals);
            second.send("alice2");
            NcUser.awaitHello(second.lines, "alice2", 1);
            assertEquals(List.of(), alice.awaitLine("*** alice2 joined").skipped(), "refused attempts are not announced");
        }
    }

    @EachBackend
    void broadcastReachesEveryoneElseButNotTheSender(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            NcUser carol = chat.join("carol", 2);
            alice.awaitLine("*** carol joined");
            bob.awaitLine("*** carol joined");

            alice.send("hello from alice");
            bob.awaitLine("<alice> hello from alice");
            carol.awaitLine("<alice> hello from alice");

            carol.sendCrlf("carol ends lines in CRLF");
            alice.awaitLine("<carol> carol ends lines in CRLF");
            bob.awaitLine("<carol> carol ends lines in CRLF");

            String unicode = "gr\u00fc\u00dfe \u65e5\u672c \ud83d\udc4b";
            bob.send(unicode);
            alice.awaitLine("<bob> " + unicode);
            carol.awaitLine("<bob> " + unicode);

            // Nobody hears their own line: each waits for a later line of someone else, then looks back.
            bob.send("marker");
            assertNothingFrom("alice", alice.awaitLine("<bob> marker"));
            assertNothingFrom("carol", carol.awaitLine("<bob> marker"));
            alice.send("marker");
            assertNothingFrom("bob", bob.awaitLine("<alice> marker"));

            for (NcUser u : List.of(alice, bob, carol)) {
                u.assertAllLinesEndInCrlf();
                assertEquals(0, u.lines.invalidUtf8Lines(), u.label + " received only UTF-8");
            }
        }
    }

    @EachBackend
    void whoAndListNameEveryoneInTheLobby(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            chat.join("bob", 1);
            NcUser carol = chat.join("carol", 2);
            alice.awaitLine("*** carol joined");
            for (String command : List.of("/who", "/list")) {
                carol.send(command);
                String line = carol.await("the " + command + " reply", l -> l.startsWith("*** In #lobby: ")).line();
                assertEquals(Set.of("alice", "bob", "carol"), who(line), () -> command + " replied " + Lines.quote(line));
                assertTrue(line.endsWith(" (3)"), () -> command + " counts 3: " + Lines.quote(line));
            }
        }
    }

    /** The nicks of a {@code *** In #lobby: A, B, C (3)} line. */
    static Set<String> who(String line) {
        String list = line.substring("*** In #lobby: ".length(), line.lastIndexOf(" ("));
        return new TreeSet<>(Arrays.asList(list.split(", ")));
    }

    @EachBackend
    void meSendsAnActionToTheOthers(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            alice.awaitLine("*** bob joined");
            alice.send("/me waves at everyone");
            bob.awaitLine("* alice waves at everyone");
            bob.send("marker");
            assertNothingFrom("alice", alice.awaitLine("<bob> marker"));
        }
    }

    @EachBackend
    void privateMessagesGoBothWaysAndOnlyToTheAddressee(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            NcUser carol = chat.join("carol", 2);
            alice.awaitLine("*** carol joined");
            bob.awaitLine("*** carol joined");

            alice.send("/msg bob hi bob, alice here");
            bob.awaitLine("*alice* hi bob, alice here");
            alice.awaitLine("-> *bob* hi bob, alice here");

            bob.send("/msg alice hello back");
            alice.awaitLine("*bob* hello back");
            bob.awaitLine("-> *alice* hello back");

            // carol heard none of it: the next line she gets from each of them is their public marker.
            alice.send("alice marker");
            bob.send("bob marker");
            Lines.Match markers = carol.awaitAll(List.of("<alice> alice marker", "<bob> bob marker"));
            assertNothingFrom("alice", markers);
            assertNothingFrom("bob", markers);

            alice.send("/msg zed anyone there?");
            alice.awaitLine("*** No such nick: zed");
            alice.send("/msg bob");
            alice.awaitLine("*** Usage: /msg NICK TEXT");
            alice.send("after the errors");
            Lines.Match m = bob.awaitLine("<alice> after the errors");
            assertEquals(List.of("<alice> alice marker"), m.skipped(), "alice's errors went to alice only");
        }
    }

    @EachBackend
    void nickChangeIsAnnouncedAndTheNewNickIsReachable(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            alice.awaitLine("*** bob joined");
            alice.send("/nick alicia");
            bob.awaitLine("*** alice is now known as alicia");
            bob.send("/msg alicia psst");
            alice.awaitLine("*bob* psst");
            alice.send("said as alicia");
            bob.awaitLine("<alicia> said as alicia");
            bob.send("/msg alice old name");
            bob.awaitLine("*** No such nick: alice");
            bob.send("/who");
            String line = bob.await("the /who reply", l -> l.startsWith("*** In #lobby: ")).line();
            assertEquals(Set.of("alicia", "bob"), who(line), () -> "/who replied " + Lines.quote(line));
        }
    }

    @EachBackend
    void unknownCommandsAreRefusedAndHelpListsCommands(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            alice.awaitLine("*** bob joined");
            alice.send("/frobnicate now");
            alice.awaitLine("*** Unknown command /frobnicate; /help lists commands");
            alice.send("/help");
            // Replies to one client's commands keep their order: the reply to the next command ends the help.
            alice.send("/msg zz-nobody end of help");
            List<String> help = alice.awaitLine("*** No such nick: zz-nobody").skipped();
            assertTrue(help.size() >= 2 && help.stream().allMatch(l -> l.startsWith("*** ")),
                    () -> "/help: several lines starting \"*** \"; got " + Lines.quote(help));
            for (String command : List.of("/msg", "/nick", "/who", "/me", "/quit")) {
                assertTrue(help.stream().anyMatch(l -> l.contains(command)), () -> "/help mentions " + command + ": " + Lines.quote(help));
            }
            alice.send("marker");
            assertNothingFrom("alice", bob.awaitLine("<alice> marker"));
        }
    }

    @EachBackend
    void overLongLineIsDroppedAndTheConnectionStaysUsable(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            alice.awaitLine("*** bob joined");
            String tooLong = "*** Line too long (max 1000 bytes); it was dropped";

            alice.send("x".repeat(1001));
            assertEquals(List.of(), alice.awaitLine(tooLong).skipped());
            // Far longer than any read buffer: dropped as one line, not relayed in pieces.
            alice.send("y".repeat(10_000));
            assertEquals(List.of(), alice.awaitLine(tooLong).skipped());
            String longest = "z".repeat(1000);
            alice.send(longest);
            alice.send("still here");
            Lines.Match atLongest = bob.awaitLine("<alice> " + longest);
            assertNothingFrom("alice", atLongest);
            bob.awaitLine("<alice> still here");

            bob.send("marker");
            Lines.Match m = alice.awaitLine("<bob> marker");
            assertEquals(List.of(), m.skipped(), "alice got exactly one error per over-long line");
        }
    }

    @EachBackend
    void invalidUtf8IsDroppedAndNothingGarbledReachesTheOthers(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            alice.awaitLine("*** bob joined");
            List<byte[]> bad = List.of(
                    bytes("bad ", 0xC3, 0x28),                 // 2-byte lead, then no continuation
                    bytes("overlong ", 0xC0, 0xAF),            // overlong "/"
                    bytes("lone ", 0x80, " continuation"),
                    bytes("surrogate ", 0xED, 0xA0, 0x80),     // UTF-16 surrogate encoded
                    bytes("cut at the end ", 0xE2, 0x82));     // truncated 3-byte sequence
            for (byte[] line : bad) {
                alice.sendBytes(concat(line, new byte[] {'\n'}));
                Lines.Match m = alice.awaitLine("*** Invalid UTF-8; the line was dropped");
                assertEquals(List.of(), m.skipped());
            }
            alice.send("clean again");
            assertNothingFrom("alice", bob.awaitLine("<alice> clean again"));
            assertEquals(0, bob.lines.invalidUtf8Lines(), () -> "bob received only UTF-8: " + Lines.quote(bob.lines.all()));
            assertEquals(0, alice.lines.invalidUtf8Lines(), () -> "alice received only UTF-8: " + Lines.quote(alice.lines.all()));
        }
    }

    @EachBackend
    void controlCharactersAreRefusedButTabIsAllowed(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            alice.awaitLine("*** bob joined");
            String refused = "*** Control characters are not allowed; the line was dropped";
            for (String line : List.of("\u001b[31mred\u001b[0m via ESC", "bell \u0007", "nul \u0000 inside",
                    "irc bold \u0002 is not plain", "/me \u001b[2J clears screens")) {
                alice.send(line);
                assertEquals(List.of(), alice.awaitLine(refused).skipped(), () -> "refusing " + Lines.quote(line));
            }
            alice.send("a\tb");
            assertNothingFrom("alice", bob.awaitLine("<alice> a\tb"));
            assertTrue(bob.lines.all().stream().noneMatch(l -> l.chars().anyMatch(c -> c < 0x20 && c != '\t')),
                    () -> "no control characters reach bob: " + Lines.quote(bob.lines.all()));
        }
    }

    @EachBackend
    void quitSaysByeClosesAndAnnouncesTheLeave(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            NcUser carol = chat.join("carol", 2);
            NcUser dave = chat.join("dave", 3);
            bob.awaitLine("*** dave joined");

            alice.send("/quit gone fishing");
            List<String> last = alice.awaitDisconnect();
            assertTrue(last.contains("*** Bye"), () -> "alice gets \"*** Bye\" before the close: " + Lines.quote(last));
            String aliceLeft = bob.await("alice's leave", l -> l.startsWith("*** alice left (")).line();
            assertEquals("*** alice left (Quit: gone fishing)", aliceLeft, "others see the /quit reason as CHAT.md words it");

            carol.send("/quit");
            List<String> carolLast = carol.awaitDisconnect();
            assertTrue(carolLast.contains("*** Bye"), () -> "carol gets \"*** Bye\": " + Lines.quote(carolLast));
            bob.await("carol's leave", l -> l.startsWith("*** carol left (") && l.endsWith(")"));

            dave.close(); // nc killed: the server just sees the connection end
            bob.await("dave's leave", l -> l.startsWith("*** dave left (") && l.endsWith(")"));

            bob.send("/who");
            bob.awaitLine("*** In #lobby: bob (1)");
            Eventually.equal(1, chat.server::clientCount, "clientCount once alice, carol and dave are gone");
        }
    }

    @EachBackend
    void serverFullRefusesTheNextClientAndAdmitsOnceThereIsRoom(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withMaxClients(2))) {
            NcUser alice = chat.join("alice", 0);
            chat.join("bob", 1);
            alice.awaitLine("*** bob joined");
            NcUser carol = chat.nc("carol");
            List<String> got = carol.awaitDisconnect();
            assertEquals(List.of("*** Server full"), got, "a plain client (nc) is told the server is full, then closed");
            Eventually.equal(2, chat.server::clientCount, "the refused client is not counted");
            assertEquals(List.of(), alice.lines.all().stream().filter(l -> l.contains("carol")).toList(), "nobody hears of carol");

            alice.send("/quit");
            alice.awaitDisconnect();
            Eventually.equal(1, chat.server::clientCount, "clientCount after alice left");
            chat.join("dave", 1);
        }
    }

    // ---- helpers

    /** Fails if any line {@code sender} said (publicly, as an action or privately) is among the skipped lines. */
    static void assertNothingFrom(String sender, Lines.Match m) {
        List<String> from = m.skipped().stream()
                .filter(l -> l.startsWith("<" + sender + "> ") || l.startsWith("* " + sender + " ")
                        || l.startsWith("*" + sender + "* "))
                .toList();
        assertEquals(List.of(), from, () -> "nothing from " + sender + " expected before " + Lines.quote(m.line()));
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
