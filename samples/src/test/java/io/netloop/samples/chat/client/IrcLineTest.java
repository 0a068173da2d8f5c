package io.netloop.samples.chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IrcLineTest {

    @Test
    void parsesSourceCommandMiddleAndTrailing() {
        IrcLine m = IrcLine.parse(":bob!bob@127.0.0.1 PRIVMSG #lobby :hi there :)\r\n");
        assertEquals("bob!bob@127.0.0.1", m.source());
        assertEquals("bob", m.sourceNick());
        assertTrue(m.fromUser());
        assertEquals("PRIVMSG", m.command());
        assertEquals(List.of("#lobby", "hi there :)"), m.params());
        assertTrue(m.trailing());
        assertEquals("hi there :)", m.last());
    }

    @Test
    void parsesWithoutSourceOrTrailingAndUpperCasesTheCommand() {
        IrcLine m = IrcLine.parse("ping netloop");
        assertNull(m.source());
        assertNull(m.sourceNick());
        assertEquals("PING", m.command());
        assertEquals(List.of("netloop"), m.params());
        assertFalse(m.trailing());
    }

    @Test
    void skipsTagsAndCollapsesRunsOfSpaces() {
        IrcLine m = IrcLine.parse("@time=2024-01-01T00:00:00Z :netloop   353  alice = #lobby :alice bob");
        assertEquals("netloop", m.source());
        assertFalse(m.fromUser(), "a server name is not a user");
        assertEquals(List.of("alice", "=", "#lobby", "alice bob"), m.params());
        assertTrue(m.isNumeric());
    }

    @Test
    void keepsAnEmptyTrailingParameter() {
        IrcLine m = IrcLine.parse(":netloop CAP alice LIST :");
        assertEquals(List.of("alice", "LIST", ""), m.params());
        assertEquals(":netloop CAP alice LIST :", m.format());
    }

    @Test
    void formatRoundTripsWhatItParsed() {
        for (String line : List.of(
                ":alice!alice@::1 PRIVMSG #lobby :\u0001ACTION waves\u0001",
                ":netloop 001 alice :Welcome to the netloop chat, alice!alice@127.0.0.1",
                "NICK alice",
                "PONG :netloop",
                ":netloop CAP * LS * :echo-message multi-prefix")) {
            assertEquals(line, IrcLine.parse(line).format(), line);
        }
    }

    @Test
    void buildsLinesWithAColonOnlyWhereAskedOrNeeded() {
        assertEquals("CAP LS 302", IrcLine.of("CAP", "LS", "302").format());
        assertEquals("CAP REQ :echo-message", IrcLine.of("CAP", "REQ").withTrailing("echo-message").format());
        assertEquals("PRIVMSG bob :two words", IrcLine.of("PRIVMSG", "bob", "two words").format());
        assertEquals("PRIVMSG bob ::-)", IrcLine.of("PRIVMSG", "bob", ":-)").format());
        assertEquals("USER alice 0 * :alice", IrcLine.of("USER", "alice", "0", "*").withTrailing("alice").format());
    }

    @Test
    void refusesWhatCannotBeSentOnOneLine() {
        assertThrows(IllegalArgumentException.class, () -> IrcLine.of("PRIVMSG", "#lobby", "hi\r\nQUIT"));
        assertThrows(IllegalArgumentException.class, () -> IrcLine.of("PRIVMSG", "two words", "text"));
        assertThrows(IllegalArgumentException.class, () -> IrcLine.of("PRIVMSG", "", "text"));
        assertThrows(IllegalArgumentException.class, () -> IrcLine.of("BAD COMMAND"));
        assertThrows(IllegalArgumentException.class, () -> IrcLine.parse(""));
        assertThrows(IllegalArgumentException.class, () -> IrcLine.parse(":source-only\r\n"));
    }

    @Test
    void sourceNickOfEachSourceShape() {
        assertEquals("bob", IrcLine.parse(":bob!~b@host X").sourceNick());
        assertEquals("bob", IrcLine.parse(":bob@host X").sourceNick());
        assertEquals("irc.example.org", IrcLine.parse(":irc.example.org X").sourceNick());
    }

    @Test
    void paramAndLastAreEmptyWhenMissing() {
        IrcLine m = IrcLine.parse("QUIT");
        assertEquals("", m.param(0));
        assertEquals("", m.last());
        assertFalse(m.isNumeric());
    }
}
