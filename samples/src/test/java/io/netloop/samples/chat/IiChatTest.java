package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An IRC-mode user through {@code ii} (a real, minimal IRC client that registers with plain
 * NICK/USER and no CAP) in one room with plain-mode users through {@code nc}.
 */
class IiChatTest {

    @EachBackend
    void iiRegistersJoinsTheLobbyAndChatsWithPlainUsers(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            NcUser alice = chat.join("alice", 0);
            IiClient ii = chat.own(IiClient.start(backend + "/ii", chat.port(), "iiuser"));

            ii.await("#lobby", "iiuser's join", l -> l.startsWith("-!- iiuser(") && l.endsWith(" has joined #lobby"));
            alice.awaitLine("*** iiuser joined");

            alice.send("hello ii");
            ii.awaitLine("#lobby", "<alice> hello ii");

            ii.write("#lobby", "hello nc, from ii");
            alice.awaitLine("<iiuser> hello nc, from ii");

            alice.send("/msg iiuser psst, just for ii");
            ii.awaitLine("alice", "<alice> psst, just for ii");
            alice.awaitLine("-> *iiuser* psst, just for ii");

            // Anything ii does not know goes to the server as it is.
            ii.write("", "/PRIVMSG alice :psst, just for alice");
            alice.awaitLine("*iiuser* psst, just for alice");

            ii.write("", "/QUIT :ii signing off");
            String left = alice.await("iiuser's leave", l -> l.startsWith("*** iiuser left (")).line();
            assertTrue(left.contains("ii signing off"), () -> "the leave carries the reason: " + Lines.quote(left));
            assertTrue(ii.waitForExit(Lines.LIMIT.toSeconds()), "ii exits once the server closed the connection");
        }
    }
}
