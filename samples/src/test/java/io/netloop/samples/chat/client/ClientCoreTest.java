package io.netloop.samples.chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.samples.chat.client.ChatView.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's state machine driven with fake server lines: no socket, no terminal. */
class ClientCoreTest {
    private static final String ALICE = ":alice!alice@127.0.0.1 ";

    private final List<String> sent = new ArrayList<>();
    private final List<String> shown = new ArrayList<>();
    private final List<String> prompts = new ArrayList<>();
    private ClientCore core;

    @BeforeEach
    void newCore() {
        core = new ClientCore("alice", new ChatView() {
            @Override
            public void show(Kind kind, String text) {
                shown.add(kind + " " + text);
            }

            @Override
            public void promptChanged(String prompt) {
                prompts.add(prompt);
            }
        });
    }

    private void connect() {
        core.connected(line -> sent.add(line.format()));
    }

    /** Connects and registers the way the netloop chat server answers, echo-message acknowledged. */
    private void register() {
        connect();
        core.received(":netloop CAP * LS :echo-message");
        core.received(":netloop CAP alice ACK :echo-message");
        core.received(":netloop 001 " + core.nick() + " :Welcome to the netloop chat, " + core.nick());
        core.received(":netloop 422 " + core.nick() + " :MOTD File is missing");
        core.received(":" + core.nick() + "!alice@127.0.0.1 JOIN #lobby");
        sent.clear();
        shown.clear();
    }

    @Test
    void registersAskingForEchoMessage() {
        connect();
        assertEquals(List.of("CAP LS 302", "NICK alice", "USER alice 0 * :alice"), sent);
        core.received(":netloop CAP * LS :echo-message");
        assertEquals("CAP REQ :echo-message", sent.get(3));
        core.received(":netloop CAP alice ACK :echo-message");
        assertEquals("CAP END", sent.get(4));
        assertTrue(core.echoMessage());
        assertFalse(core.registered());
        core.received(":netloop 001 alice :Welcome to the netloop chat, alice!alice@127.0.0.1");
        assertTrue(core.registered());
        assertEquals("[#lobby] alice> ", core.prompt());
        assertEquals(List.of("[offline] alice> ", "[connecting] alice> ", "[#lobby] alice> "), prompts);
    }

    @Test
    void waitsForTheLastLineOfAMultiLineCapLs() {
        connect();
        core.received(":server CAP * LS * :multi-prefix sasl");
        assertEquals(3, sent.size(), "nothing requested before the list is complete");
        core.received(":server CAP * LS :echo-message=yes away-notify");
        assertEquals("CAP REQ :echo-message", sent.get(3));
    }

    @Test
    void endsCapAtOnceWhenEchoMessageIsNotOfferedAndShowsOwnMessagesDirectly() {
        connect();
        core.received(":server CAP * LS :multi-prefix");
        assertEquals("CAP END", sent.get(3));
        core.received(":server 001 alice :Welcome");
        sent.clear();
        shown.clear();
        core.input("hello");
        assertEquals(List.of("PRIVMSG #lobby :hello"), sent);
        assertEquals(List.of("OWN <alice> hello"), shown);
        assertEquals(List.of(), core.pending());
    }

    @Test
    void endsCapWhenTheServerRefusesEchoMessage() {
        connect();
        core.received(":server CAP * LS :echo-message");
        core.received(":server CAP * NAK :echo-message");
        assertEquals("CAP END", sent.get(4));
        assertFalse(core.echoMessage());
    }

    @Test
    void showsASentMessagePendingUntilTheServerEchoesIt() {
        register();
        core.input("hello world");
        assertEquals(List.of("PRIVMSG #lobby :hello world"), sent);
        assertEquals(List.of("PENDING \u2026 <alice> hello world"), shown);
        assertEquals(1, core.pending().size());

        core.received(ALICE + "PRIVMSG #lobby :hello world");
        assertEquals("OWN <alice> hello world \u2713", shown.get(1));
        assertEquals(List.of(), core.pending());
    }

    @Test
    void matchesEchoesInOrderPerTarget() {
        register();
        core.input("same");
        core.input("/msg Bob psst");
        core.input("same");
        core.input("/me waves");
        assertEquals(List.of("PRIVMSG #lobby :same", "PRIVMSG Bob :psst", "PRIVMSG #lobby :same",
                "PRIVMSG #lobby :\u0001ACTION waves\u0001"), sent);
        List<ClientCore.Pending> before = core.pending();
        assertEquals(4, before.size());

        // The server may spell the target its own way: IRC names are case-insensitive.
        core.received(ALICE + "PRIVMSG bob :psst");
        core.received(ALICE + "PRIVMSG #lobby :\u0001ACTION waves\u0001");
        core.received(ALICE + "PRIVMSG #lobby :same");
        assertEquals(List.of("OWN -> *bob* psst \u2713", "OWN * alice waves \u2713", "OWN <alice> same \u2713"),
                shown.subList(4, 7));
        assertEquals(List.of(before.get(2)), core.pending(), "the first of the two identical messages was confirmed");
    }

    @Test
    void listsUnconfirmedMessagesWhenTheConnectionDrops() {
        register();
        core.input("one");
        core.input("two");
        core.input("/msg bob three");
        core.received(ALICE + "PRIVMSG #lobby :one");
        shown.clear();

        List<ClientCore.Pending> lost = core.disconnected("connection reset");
        assertEquals(List.of("two", "three"), lost.stream().map(ClientCore.Pending::text).toList());
        assertEquals(List.of(
                "ERROR *** Disconnected: connection reset",
                "ERROR *** Not confirmed, may not have been delivered: <alice> two",
                "ERROR *** Not confirmed, may not have been delivered: -> *bob* three"), shown);
        assertEquals(List.of(), core.pending());
        assertFalse(core.registered());
        assertEquals("[offline] alice> ", core.prompt());
    }

    @Test
    void reportsTheServersClosingReasonRatherThanTheSocketsOne() {
        register();
        core.received("ERROR :Closing Link: alice (server shutting down)");
        core.disconnected("the server closed the connection");
        assertEquals(List.of("ERROR *** Closing Link: alice (server shutting down)",
                "ERROR *** Disconnected: Closing Link: alice (server shutting down)"), shown);
    }

    @Test
    void saysWhyAndWhenItRetries() {
        core.connectFailed("127.0.0.1:6667", "connect failed: ECONNREFUSED (111) Connection refused", Duration.ofSeconds(2));
        core.retrying(Duration.ofMillis(100));
        assertEquals(List.of(
                "ERROR *** Cannot connect to 127.0.0.1:6667: ECONNREFUSED (111) Connection refused; retrying in 2 s",
                "INFO *** Reconnecting in 100 ms (/quit to stop)"), shown);
    }

    @Test
    void triesTheNickWithAnUnderscoreWhenItIsTaken() {
        connect();
        core.received(":netloop 433 * alice :Nickname is already in use");
        assertEquals("NICK alice_", sent.get(3));
        assertEquals("ERROR *** Nickname alice is taken; trying alice_", shown.get(0));
        core.received(":netloop 433 * alice_ :Nickname is already in use");
        assertEquals("NICK alice__", sent.get(4));
        core.received(":netloop 001 alice__ :Welcome");
        assertEquals("alice__", core.nick());
        assertEquals("[#lobby] alice__> ", core.prompt());
    }

    @Test
    void reconnectsWithTheSameNickAndRetriesWithAnUnderscore() {
        register();
        core.disconnected("connection reset");
        sent.clear();
        connect();
        assertEquals("NICK alice", sent.get(1), "rejoins with the same nick");
        core.received(":netloop CAP * LS :echo-message");
        core.received(":netloop 433 * alice :Nickname is already in use"); // our old connection still holds it
        assertEquals("NICK alice_", sent.get(sent.size() - 1));
    }

    @Test
    void nickTakenAfterRegistrationIsOnlyAnError() {
        register();
        core.input("/nick bob");
        assertEquals(List.of("NICK bob"), sent);
        core.received(":netloop 433 alice bob :Nickname is already in use");
        assertEquals(List.of("NICK bob"), sent, "no automatic retry once registered");
        assertEquals("ERROR *** Nickname bob is already in use", shown.get(0));
        core.received(ALICE + "NICK :carol");
        assertEquals("carol", core.nick());
        assertEquals("INFO *** You are now known as carol", shown.get(1));
    }

    @Test
    void answersPingWithPong() {
        register();
        core.received("PING :netloop");
        core.received(":netloop PING :token 2");
        assertEquals(List.of("PONG :netloop", "PONG :token 2"), sent);
        assertEquals(List.of(), shown);
    }

    @Test
    void rendersOtherPeoplesMessagesAndEvents() {
        register();
        core.received(":bob!bob@127.0.0.1 PRIVMSG #lobby :hi \u000304red\u000f and \u0002bold\u0002");
        core.received(":bob!bob@127.0.0.1 PRIVMSG #lobby :\u0001ACTION waves\u0001");
        core.received(":bob!bob@127.0.0.1 PRIVMSG alice :secret");
        core.received(":bob!bob@127.0.0.1 NOTICE alice :psst");
        core.received(":bob!bob@127.0.0.1 PRIVMSG #dev :elsewhere");
        core.received(":bob!bob@127.0.0.1 PRIVMSG #lobby :\u001b[2Jno escapes");
        core.received(":bob!bob@127.0.0.1 PRIVMSG alice :\u0001VERSION\u0001");
        core.received(":carol!carol@127.0.0.1 JOIN #lobby");
        core.received(":carol!carol@127.0.0.1 PART #lobby :bye");
        core.received(":dave!dave@127.0.0.1 QUIT :Ping timeout");
        core.received(":bob!bob@127.0.0.1 NICK robert");
        core.received(":netloop NOTICE alice :*** server notice");
        assertEquals(List.of(
                "MESSAGE <bob> hi red and bold",
                "MESSAGE * bob waves",
                "PRIVATE *bob* secret",
                "PRIVATE -bob- psst",
                "MESSAGE [#dev] <bob> elsewhere",
                "MESSAGE <bob> [2Jno escapes",
                "INFO *** carol joined #lobby",
                "INFO *** carol left #lobby (bye)",
                "INFO *** dave quit (Ping timeout)",
                "INFO *** bob is now known as robert",
                "INFO *** *** server notice"), shown);
    }

    @Test
    void rendersNumericsAndDropsThePendingMessageTheServerRefused() {
        register();
        core.input("/msg carol hi");
        shown.clear();
        core.received(":netloop 401 alice carol :No such nick/channel");
        core.received(":netloop 421 alice FOO :Unknown command");
        core.received(":netloop 353 alice = #lobby :alice bob");
        core.received(":netloop 353 alice = #lobby :carol");
        core.received(":netloop 366 alice #lobby :End of /NAMES list");
        core.received(":netloop 332 alice #lobby :Welcome all");
        core.received(":netloop 311 alice bob bob 127.0.0.1 * :bob");
        assertEquals(List.of(
                "ERROR *** No such nick/channel: carol",
                "ERROR *** Not delivered: -> *carol* hi",
                "ERROR *** Unknown command: FOO",
                "INFO *** In #lobby: alice, bob, carol (3)",
                "INFO *** Topic of #lobby: Welcome all",
                "INFO *** bob: bob bob 127.0.0.1 *"), shown);
        assertEquals(List.of(), core.pending());
    }

    @Test
    void holdsWhatIsTypedBeforeRegistrationAndSendsItAfter() {
        connect();
        core.input("early bird");
        core.input("/help");
        assertEquals(3, sent.size(), "only registration so far");
        assertEquals("INFO *** Not connected yet; will send once connected: early bird", shown.get(0));
        core.received(":netloop CAP * LS :echo-message");
        core.received(":netloop CAP alice ACK :echo-message");
        core.received(":netloop 001 alice :Welcome");
        assertEquals("PRIVMSG #lobby :early bird", sent.get(sent.size() - 1));
    }

    @Test
    void aQuitTypedAfterHeldLinesWaitsForThem() {
        core.connecting("127.0.0.1:6667", "nio");
        core.input("from a script");
        core.input("/quit done");
        assertFalse(core.quitting(), "held behind the message");
        connect();
        core.received(":netloop 001 alice :Welcome");
        assertEquals(List.of("PRIVMSG #lobby :from a script", "QUIT :done"), sent.subList(sent.size() - 2, sent.size()));
        assertTrue(core.quitting());
    }

    @Test
    void aQuitHeldWhileConnectingQuitsWhenTheConnectionFails() {
        core.connecting("127.0.0.1:6667", "nio");
        core.input("from a script");
        core.input("/quit");
        assertFalse(core.quitting(), "waits for the connection");
        core.connectFailed("127.0.0.1:6667", "connect failed: ECONNREFUSED (111) Connection refused", Duration.ofSeconds(1));
        assertTrue(core.quitting());
        assertEquals(List.of(
                "INFO *** Connecting to 127.0.0.1:6667 as alice (backend nio); /help lists commands",
                "INFO *** Not connected yet; will send once connected: from a script",
                "ERROR *** Cannot connect to 127.0.0.1:6667: ECONNREFUSED (111) Connection refused",
                "ERROR *** Not sent: from a script",
                "INFO *** Bye"), shown);
        assertEquals(List.of(), sent);
    }

    @Test
    void joinSwitchesTheChannelAndIsRejoinedAfterAReconnect() {
        register();
        core.input("/join #dev");
        assertEquals(List.of("JOIN #dev"), sent);
        assertEquals("#lobby", core.currentChannel(), "switches when the server confirms");
        core.received(ALICE + "JOIN #dev");
        assertEquals("#dev", core.currentChannel());
        core.input("in dev");
        assertEquals("PRIVMSG #dev :in dev", sent.get(1));
        core.input("/join #lobby");
        assertEquals("#lobby", core.currentChannel(), "already joined: switches at once");
        assertEquals(2, sent.size());
        core.input("/join #dev");
        assertEquals("#dev", core.currentChannel());

        core.disconnected("connection reset");
        sent.clear();
        connect();
        core.received(":netloop CAP * LS :echo-message");
        core.received(":netloop CAP alice ACK :echo-message");
        core.received(":netloop 001 alice :Welcome");
        assertEquals("JOIN #dev", sent.get(sent.size() - 1), "rejoins what it was in besides #lobby");
        core.received(ALICE + "JOIN #lobby");
        assertEquals("#dev", core.currentChannel(), "the server's auto-join of #lobby does not switch away");
        core.received(ALICE + "JOIN #dev");
        assertEquals("#dev", core.currentChannel());
    }

    @Test
    void commandsAndTheirUsageErrors() {
        register();
        core.input("/who");
        core.input("/list");
        core.input("/msg bob");
        core.input("/me");
        core.input("/nick 1bad");
        core.input("/frobnicate");
        core.input("//slash at the start");
        core.input("   ");
        assertEquals(List.of("NAMES #lobby", "NAMES #lobby", "PRIVMSG #lobby :/slash at the start"), sent);
        assertEquals(List.of(
                "ERROR *** Usage: /msg NICK TEXT",
                "ERROR *** Usage: /me ACTION",
                "ERROR *** Invalid nickname \"1bad\": 1 to 30 of letters, digits and _-[]\\`^{}|, not starting with a digit or -",
                "ERROR *** Unknown command /frobnicate; /help lists commands",
                "PENDING \u2026 <alice> /slash at the start"), shown);
    }

    @Test
    void quitSendsQuitWithTheReason() {
        register();
        assertTrue(ClientCore.isQuit("/QUIT see you"));
        assertFalse(ClientCore.isQuit("/quitter"));
        core.input("/quit see you");
        assertEquals(List.of("QUIT :see you"), sent);
        assertTrue(core.quitting());
        core.disconnected("the server closed the connection");
        assertFalse(shown.stream().anyMatch(s -> s.contains("Disconnected")), () -> "a quit is no surprise: " + shown);
    }

    @Test
    void splitsLongMessagesSoThatTheRelayedLineFits() {
        register();
        String word = "\u00e9t\u00e9 "; // 2-byte characters, to cut on character boundaries
        core.input(word.repeat(300).strip());
        assertTrue(sent.size() > 1, "split");
        StringBuilder joined = new StringBuilder();
        for (String line : sent) {
            String relayed = ":" + "n".repeat(30) + "!" + "u".repeat(31) + "@" + "h".repeat(45) + " " + line + "\r\n";
            assertTrue(relayed.getBytes(StandardCharsets.UTF_8).length <= 512, () -> "too long: " + line);
            joined.append(IrcLine.parse(line).last()).append(' ');
        }
        assertEquals(word.repeat(300).strip(), joined.toString().strip(), "split at spaces, nothing lost");
        assertEquals(sent.size(), core.pending().size());
    }

    @Test
    void kickedFromTheCurrentChannelFallsBackToAnotherOne() {
        register();
        core.input("/join #dev");
        core.received(ALICE + "JOIN #dev");
        core.received(":op!op@127.0.0.1 KICK #dev alice :behave");
        assertEquals("#lobby", core.currentChannel());
        core.input("/part");
        assertEquals("PART #lobby", sent.get(sent.size() - 1));
        core.received(ALICE + "PART #lobby");
        assertNull(core.currentChannel());
        core.input("anyone?");
        assertEquals("ERROR *** You are in no channel: /join #channel, or /msg NICK TEXT", shown.get(shown.size() - 1));
    }
}
