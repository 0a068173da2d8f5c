package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.samples.chat.IrcClient.Event;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Operators ({@code --oper-password}): IRC's {@code OPER} and {@code STATS w} over a raw socket
 * and through a real IRC client (python3-irc), plain mode's {@code /oper} and {@code /stats}
 * through real {@code nc}, and everyone else refused; checked against samples/CHAT.md.
 */
class OperStatsChatTest {
    private static final String PASSWORD = "s3cret pass";

    private static ChatFixture withOperators(String backend) throws IOException {
        return ChatFixture.start(backend, c -> c.withOperPassword(PASSWORD));
    }

    /** An IRC-mode user on a raw socket, registered as {@code nick}, and what it receives. */
    private record IrcUser(RawClient client, Lines lines) {
        void send(String line) throws IOException {
            client.send(line);
        }

        void awaitLine(String exact) {
            lines.awaitLine(exact);
        }
    }

    private static IrcUser ircUser(ChatFixture chat, String nick) throws IOException {
        RawClient c = chat.own(RawClient.connect(chat.backend + "/" + nick, chat.address(), 0));
        IrcUser u = new IrcUser(c, c.startReading());
        u.send("NICK " + nick);
        u.send("USER " + nick + " 0 * :" + nick);
        u.lines.await("the end of #lobby's names", l -> l.startsWith(":netloop 366 " + nick + " #lobby "));
        return u;
    }

    @EachBackend
    void anOperatorSeesEveryLoopsLoad(String backend) throws Exception {
        try (ChatFixture chat = withOperators(backend)) {
            IrcUser op = ircUser(chat, "op");
            op.send("STATS w");
            op.awaitLine(":netloop 481 op :Permission Denied- You're not an IRC operator");
            op.send("OPER op");
            op.awaitLine(":netloop 461 op OPER :Not enough parameters");
            op.send("OPER op :wrong");
            op.awaitLine(":netloop 464 op :Password incorrect");
            op.send("OPER op :" + PASSWORD);
            op.awaitLine(":netloop 381 op :You are now an IRC operator");
            op.awaitLine(":op!op@127.0.0.1 MODE op :+o");
            op.send("MODE op");
            op.awaitLine(":netloop 221 op +o");

            op.send("STATS w");
            Lines.Match end = op.lines.await("219 after the load report", l -> l.equals(":netloop 219 op w :End of /STATS report"));
            String prefix = ":netloop 249 op :";
            List<String> report = new ArrayList<>();
            for (String l : end.skipped()) {
                assertTrue(l.startsWith(prefix), () -> "only 249 lines before 219: " + Lines.quote(end.skipped()));
                report.add(l.substring(prefix.length()));
            }
            AdminHttpTest.assertLoadLines(chat, report, "");

            op.send("STATS u");
            op.awaitLine(":netloop 219 op u :End of /STATS report");

            IrcUser guest = ircUser(chat, "guest");
            guest.send("STATS w");
            guest.awaitLine(":netloop 481 guest :Permission Denied- You're not an IRC operator");
            guest.send("MODE guest");
            guest.awaitLine(":netloop 221 guest +");
        }
    }

    @EachBackend
    void plainUsersUseOperAndStats(String backend) throws Exception {
        try (ChatFixture chat = withOperators(backend)) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            alice.send("/stats");
            alice.awaitLine("*** Permission denied: /stats is for operators (/oper PASSWORD)");
            alice.send("/oper");
            alice.awaitLine("*** Usage: /oper PASSWORD");
            alice.send("/oper wrong");
            alice.awaitLine("*** Wrong operator password");
            alice.send("/oper " + PASSWORD);
            alice.awaitLine("*** You are now an operator; /stats shows the server's load");

            alice.send("/stats");
            Lines.Match end = alice.awaitLine("*** End of /stats");
            List<String> report = end.skipped().stream().map(l -> {
                assertTrue(l.startsWith("*** "), () -> "report lines start with ***: " + Lines.quote(end.skipped()));
                return l.substring(4);
            }).toList();
            AdminHttpTest.assertLoadLines(chat, report, "");

            alice.send("/help");
            alice.awaitLine("***   /stats           the server's load, for operators");
            bob.send("/stats");
            bob.awaitLine("*** Permission denied: /stats is for operators (/oper PASSWORD)");
            alice.assertAllLinesEndInCrlf();
        }
    }

    @EachBackend
    void withoutAPasswordNobodyIsAnOperator(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            RawClient early = chat.own(RawClient.connect(backend + "/early", chat.address(), 0));
            Lines earlyLines = early.startReading();
            early.send("NICK early");
            early.send("OPER early :anything");
            earlyLines.awaitLine(":netloop 451 early :You have not registered");

            IrcUser op = ircUser(chat, "op");
            op.send("OPER op :" + PASSWORD);
            op.awaitLine(":netloop 491 op :No O-lines for your host");
            op.send("STATS w");
            op.awaitLine(":netloop 481 op :Permission Denied- You're not an IRC operator");

            NcUser alice = chat.join("alice", 1);
            alice.send("/oper " + PASSWORD);
            alice.awaitLine("*** There are no operators on this server");
            alice.send("/stats");
            alice.awaitLine("*** Permission denied: /stats is for operators (/oper PASSWORD)");
            alice.send("/help");
            Lines.Match help = alice.awaitLine("***   /quit [REASON]   leave");
            alice.send("/who");
            Lines.Match who = alice.await("the /who reply", l -> l.startsWith("*** In #lobby: "));
            assertEquals(List.of(), who.skipped(), "/help does not mention /oper or /stats without operators");
        }
    }

    @EachBackend
    void anIrcClientBecomesAnOperatorAndReadsTheLoad(String backend) throws Exception {
        try (ChatFixture chat = withOperators(backend)) {
            IrcClient op = chat.own(IrcClient.connect(backend + "/ircop", chat.port(), "ircop", false));
            op.awaitRegistered("ircop");
            op.send("raw STATS w");
            op.awaitEvent("481 (no privileges)", e -> e.type().equals("noprivileges"));
            op.send("raw OPER ircop :wrong");
            op.awaitEvent("464 (password mismatch)", e -> e.type().equals("passwdmismatch"));
            op.send("raw OPER ircop :" + PASSWORD);
            op.awaitEvent("381 (you're oper)", e -> e.type().equals("youreoper"));

            op.send("raw STATS w");
            Lines.Match end = op.awaitEventMatch("219 (end of stats)", e -> e.type().equals("endofstats"));
            List<String> report = end.skipped().stream().map(Event::parse)
                    .filter(e -> e != null && e.type().equals("249")).map(e -> e.arg(0)).toList();
            AdminHttpTest.assertLoadLines(chat, report, "");
        }
    }
}
