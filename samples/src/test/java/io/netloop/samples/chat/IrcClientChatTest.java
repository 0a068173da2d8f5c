package io.netloop.samples.chat;

import static io.netloop.samples.chat.NcChatTest.assertNothingFrom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.samples.chat.IrcClient.Event;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * IRC-mode users through a real IRC client (Debian's python3-irc, see irc_driver.py) in one room
 * with plain-mode users through real {@code nc}, checked against samples/CHAT.md.
 */
class IrcClientChatTest {

    @EachBackend
    void registrationCompletesAndJoinsTheLobbyWithThePlainUsers(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            IrcClient bob = chat.own(IrcClient.connect(backend + "/ircbob", chat.port(), "ircbob", false));

            List<String> numerics = List.of("welcome", "yourhost", "created", "myinfo", "featurelist", "nomotd");
            for (String type : numerics) {
                bob.awaitEvent(type + " during registration", e -> e.type().equals(type));
            }
            Event join = bob.awaitEvent("the server's JOIN of #lobby after 422",
                    e -> e.type().equals("join") && e.source().equals("ircbob"));
            assertEquals("#lobby", join.target());
            Event names = bob.awaitEvent("353 (names) for #lobby", e -> e.type().equals("namreply"));
            Set<String> inLobby = new TreeSet<>();
            for (String n : names.args().get(names.args().size() - 1).split(" ")) {
                inLobby.add(n.replaceFirst("^[@+]", ""));
            }
            assertEquals(Set.of("alice", "ircbob"), inLobby, () -> "353 names the plain and the IRC user: " + names);
            bob.awaitEvent("366 (end of names)", e -> e.type().equals("endofnames"));

            alice.awaitLine("*** ircbob joined");
            alice.send("/who");
            String who = alice.await("the /who reply", l -> l.startsWith("*** In #lobby: ")).line();
            assertEquals(Set.of("alice", "ircbob"), NcChatTest.who(who), () -> "/who: " + who);

            NcUser carol = chat.join("carol", 2);
            Event carolJoin = bob.awaitEvent("carol's JOIN", e -> e.type().equals("join") && e.source().equals("carol"));
            assertEquals("#lobby", carolJoin.target());
            carol.assertAllLinesEndInCrlf();
        }
    }

    @EachBackend
    void channelMessagesFlowBothWaysBetweenPlainAndIrcUsers(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            IrcClient bob = chat.own(IrcClient.connect(backend + "/ircbob", chat.port(), "ircbob", false));
            bob.awaitRegistered("ircbob");
            alice.awaitLine("*** ircbob joined");

            alice.send("hi from nc \u00e9t\u00e9");
            Event heard = bob.awaitEvent("alice's line in #lobby", e -> e.type().equals("pubmsg") && e.source().equals("alice"));
            assertEquals("#lobby", heard.target());
            assertEquals(List.of("hi from nc \u00e9t\u00e9"), heard.args());

            bob.send("privmsg #lobby hi from irc");
            alice.awaitLine("<ircbob> hi from irc");

            bob.send("action #lobby waves");
            alice.awaitLine("* ircbob waves");

            // Formatting codes are fine in IRC mode and stripped for plain users: bold, colour with digits, reset.
            bob.send("privmsg #lobby \u0002bold\u0002 and \u000304,01red\u0003 and \u001funder\u000f done");
            alice.awaitLine("<ircbob> bold and red and under done");

            alice.send("/me waves back");
            Event action = bob.awaitEvent("alice's /me as a CTCP ACTION", e -> e.type().equals("action") && e.source().equals("alice"));
            assertEquals(List.of("waves back"), action.args());

            // Without echo-message the IRC sender does not get its own lines back.
            alice.send("marker");
            Lines.Match m = bob.awaitEventMatch("alice's marker", e -> e.type().equals("pubmsg") && e.args().equals(List.of("marker")));
            List<Event> own = m.skipped().stream().map(Event::parse)
                    .filter(e -> e != null && "ircbob".equals(e.source()) && Set.of("pubmsg", "action").contains(e.type())).toList();
            assertEquals(List.of(), own, "no echo without echo-message");
        }
    }

    @EachBackend
    void privateMessagesFlowBothWaysBetweenPlainAndIrcUsers(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser carol = chat.join("carol", 1);
            IrcClient bob = chat.own(IrcClient.connect(backend + "/ircbob", chat.port(), "ircbob", false));
            bob.awaitRegistered("ircbob");
            carol.awaitLine("*** ircbob joined");

            bob.send("privmsg alice psst, from irc");
            alice.awaitLine("*ircbob* psst, from irc");

            alice.send("/msg ircbob psst, from nc");
            Event pm = bob.awaitEvent("alice's private message", e -> e.type().equals("privmsg") && e.source().equals("alice"));
            assertEquals("ircbob", pm.target());
            assertEquals(List.of("psst, from nc"), pm.args());
            alice.awaitLine("-> *ircbob* psst, from nc");

            bob.send("privmsg nobody-here hello?");
            Event nosuch = bob.awaitEvent("401 for an unknown nick", e -> e.type().equals("nosuchnick"));
            assertEquals("nobody-here", nosuch.arg(0), () -> "401 names the nick: " + nosuch);

            // carol heard none of it.
            alice.send("alice marker");
            bob.send("privmsg #lobby bob marker");
            Lines.Match markers = carol.lines.awaitAll(List.of("<alice> alice marker", "<ircbob> bob marker"));
            assertNothingFrom("alice", markers);
            assertNothingFrom("ircbob", markers);
        }
    }

    @EachBackend
    void nicknameInUseGets433AndAnotherNickRegisters(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            IrcClient irc = chat.own(IrcClient.connect(backend + "/irc-as-Alice", chat.port(), "Alice", false));
            Event inUse = irc.awaitEvent("433 for a nick a plain user has (compared case-insensitively)",
                    e -> e.type().equals("nicknameinuse"));
            assertEquals("Alice", inUse.arg(0), () -> "433 names the nick: " + inUse);
            irc.send("nick ircalice");
            irc.awaitRegistered("ircalice");
            assertEquals(List.of(), alice.awaitLine("*** ircalice joined").skipped(), "the refused attempt is not announced");

            // After registration too: NICK to a taken nick is refused, the old nick stays.
            irc.send("nick alice");
            Event again = irc.awaitEvent("433 for NICK alice after registration", e -> e.type().equals("nicknameinuse"));
            assertEquals("alice", again.arg(0));
            irc.send("privmsg #lobby still ircalice");
            assertEquals(List.of(), alice.awaitLine("<ircalice> still ircalice").skipped());

            // A plain user cannot take the IRC user's nick either.
            NcUser late = chat.nc("late");
            late.send("IRCALICE");
            late.awaitLine("*** Nickname \"IRCALICE\" is taken. Choose a nickname:");

            // And an IRC nick change is announced to plain users.
            irc.send("nick ircalicia");
            irc.awaitEvent("the NICK confirmation", e -> e.type().equals("nick") && e.source().equals("ircalice")
                    && "ircalicia".equals(e.target()));
            alice.awaitLine("*** ircalice is now known as ircalicia");
        }
    }

    @EachBackend
    void echoMessageReturnsTheSendersOwnMessagesWhenRequested(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            IrcClient bob = chat.own(IrcClient.connect(backend + "/ircbob", chat.port(), "ircbob", true));
            Event ls = bob.awaitEvent("CAP LS", e -> e.type().equals("cap") && "LS".equalsIgnoreCase(e.arg(0)));
            assertTrue(ls.args().stream().skip(1).flatMap(a -> Arrays.stream(a.split(" "))).anyMatch("echo-message"::equals),
                    () -> "CAP LS offers echo-message: " + ls);
            Event ack = bob.awaitEvent("CAP ACK", e -> e.type().equals("cap") && !"LS".equalsIgnoreCase(e.arg(0)));
            assertEquals("ACK", ack.arg(0).toUpperCase(), () -> "echo-message is acknowledged: " + ack);
            assertTrue(ack.args().stream().skip(1).anyMatch(a -> a.trim().equals("echo-message")), () -> "ACK names echo-message: " + ack);
            bob.awaitRegistered("ircbob");
            alice.awaitLine("*** ircbob joined");

            bob.send("privmsg #lobby echoed to me");
            Event echo = bob.awaitEvent("the echo of its own channel message",
                    e -> e.type().equals("pubmsg") && e.source().equals("ircbob"));
            assertEquals("#lobby", echo.target());
            assertEquals(List.of("echoed to me"), echo.args());
            alice.awaitLine("<ircbob> echoed to me");

            bob.send("privmsg alice private, echoed");
            Event pmEcho = bob.awaitEvent("the echo of its own private message",
                    e -> e.type().equals("privmsg") && e.source().equals("ircbob"));
            assertEquals("alice", pmEcho.target());
            assertEquals(List.of("private, echoed"), pmEcho.args());
            alice.awaitLine("*ircbob* private, echoed");

            // Each accepted message comes back once, not twice.
            alice.send("marker");
            Lines.Match m = bob.awaitEventMatch("alice's marker", e -> e.type().equals("pubmsg") && e.source().equals("alice"));
            long echoes = m.skipped().stream().map(Event::parse)
                    .filter(e -> e != null && "ircbob".equals(e.source()) && Set.of("pubmsg", "privmsg").contains(e.type())).count();
            assertEquals(0, echoes, () -> "one echo per message; later lines: " + Lines.quote(m.skipped()));
        }
    }

    @EachBackend
    void pingGetsPong(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            IrcClient bob = chat.own(IrcClient.connect(backend + "/ircbob", chat.port(), "ircbob", false));
            bob.awaitRegistered("ircbob");
            bob.send("ping token-1234");
            bob.awaitRaw(":netloop PONG netloop :token-1234");
            bob.send("raw PING :with spaces");
            bob.awaitRaw(":netloop PONG netloop :with spaces");
        }
    }

    @EachBackend
    void quitIsAnnouncedBothWays(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser carol = chat.join("carol", 1);
            IrcClient bob = chat.own(IrcClient.connect(backend + "/ircbob", chat.port(), "ircbob", false));
            bob.awaitRegistered("ircbob");
            alice.awaitLine("*** ircbob joined");

            carol.send("/quit off to lunch");
            carol.awaitDisconnect();
            Event quit = bob.awaitEvent("carol's QUIT", e -> e.type().equals("quit") && e.source().equals("carol"));
            assertTrue(quit.args().stream().anyMatch(a -> a.contains("off to lunch")), () -> "QUIT carries the reason: " + quit);

            bob.send("quit see you");
            bob.awaitClosed();
            String left = alice.await("ircbob's leave", l -> l.startsWith("*** ircbob left (")).line();
            assertTrue(left.contains("see you"), () -> "the leave carries the reason: " + Lines.quote(left));
            Eventually.equal(1, chat.server::clientCount, "clientCount once carol and ircbob are gone");
        }
    }

    @EachBackend
    void serverFullRefusesAnIrcClientWithAnIrcError(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withMaxClients(1))) {
            chat.join("alice", 0);
            IrcClient bob = chat.own(IrcClient.connect(backend + "/ircbob", chat.port(), "ircbob", false));
            bob.awaitRaw("ERROR :Closing Link: server full");
            bob.awaitClosed();
            assertEquals(1, chat.server.clientCount());
        }
    }

    @EachBackend
    void silentIrcClientIsPingedAndDroppedWhileAnAnsweringOneStays(String backend) throws Exception {
        Duration interval = Duration.ofSeconds(1);
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withPingInterval(interval))) {
            NcUser alice = chat.join("alice", 0);
            // python3-irc answers PING by itself.
            IrcClient bob = chat.own(IrcClient.connect(backend + "/ircbob", chat.port(), "ircbob", false));
            bob.awaitRegistered("ircbob");

            // A raw socket that registers in IRC mode and then never answers.
            try (Socket silent = new Socket("127.0.0.1", chat.port())) {
                silent.setSoTimeout((int) Lines.LIMIT.toMillis());
                OutputStream out = silent.getOutputStream();
                out.write("NICK mute\r\nUSER mute 0 * :mute\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Lines muteLines = Lines.pump(backend + "/mute", silent.getInputStream());
                muteLines.await("001 for mute", l -> l.startsWith(":netloop 001 mute "));
                muteLines.awaitLine("PING :netloop");
                List<String> rest = muteLines.awaitEnd();
                assertTrue(rest.stream().anyMatch(l -> l.startsWith("ERROR :Closing Link: mute") && l.contains("Ping timeout")),
                        () -> "the silent client gets ERROR ... (Ping timeout) before the close: " + Lines.quote(rest));
                String left = alice.await("mute's leave", l -> l.startsWith("*** mute left (")).line();
                assertTrue(left.contains("Ping timeout"), () -> "the leave says why: " + Lines.quote(left));
            }

            // bob was pinged as well (twice: it answered the first) and is still here.
            bob.awaitEvent("a first PING", e -> e.type().equals("ping"));
            bob.awaitEvent("a second PING", e -> e.type().equals("ping"));
            bob.send("privmsg #lobby still here");
            alice.awaitLine("<ircbob> still here");
        }
    }
}
