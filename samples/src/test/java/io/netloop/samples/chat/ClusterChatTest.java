package io.netloop.samples.chat;

import org.junit.jupiter.api.Test;

/** Chat nodes in one JVM joined through a private Redis: what users on different nodes see of each other. */
class ClusterChatTest {

    @Test
    void usersOnTwoNodesShareTheLobby() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            NcUser alice = cluster.join(0, "alice", 0);
            NcUser bob = cluster.join(1, "bob", 1);
            alice.awaitLine("*** bob joined");
            alice.send("hello from node 0");
            bob.awaitLine("<alice> hello from node 0");
            bob.send("hi back");
            alice.awaitLine("<bob> hi back");
            bob.send("/who");
            bob.awaitLine("*** In #lobby: alice, bob (2)");
            bob.send("/msg alice psst");
            alice.awaitLine("*bob* psst");
            bob.send("/quit");
            alice.awaitLine("*** bob left (Quit)");
        }
    }
}
