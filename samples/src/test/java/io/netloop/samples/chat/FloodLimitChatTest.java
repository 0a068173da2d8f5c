package io.netloop.samples.chat;

import static io.netloop.samples.chat.NcChatTest.assertNothingFrom;

import java.nio.charset.StandardCharsets;

/**
 * The flood limit: a client gets its burst, then its lines wait for the token bucket, while the
 * others keep talking. The rate here is one line per 1,000 s, so the held lines cannot pass during
 * the test: their absence is checked against a later line from someone else, with no timing.
 */
class FloodLimitChatTest {

    @EachBackend
    void aFlooderIsHeldToItsBurstWhileOthersKeepTalking(String backend) throws Exception {
        // A burst of 6: the nickname line and then 5 messages.
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withFloodBurst(6).withFloodRate(0.001))) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            NcUser carol = chat.join("carol", 2);
            alice.awaitLine("*** carol joined");
            bob.awaitLine("*** carol joined");

            StringBuilder flood = new StringBuilder();
            for (int i = 1; i <= 10; i++) {
                flood.append("flood ").append(i).append('\n');
            }
            alice.sendBytes(flood.toString().getBytes(StandardCharsets.US_ASCII));
            for (int i = 1; i <= 5; i++) {
                carol.awaitLine("<alice> flood " + i);
            }
            // Lines 6 to 10 were sent before bob's marker and are held by the bucket.
            bob.send("marker");
            assertNothingFrom("alice", carol.awaitLine("<bob> marker"));
            assertNothingFrom("alice", alice.awaitLine("<bob> marker"));
        }
    }
}
