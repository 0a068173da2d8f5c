package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A chat node in its own JVM, killed with SIGKILL: it says goodbye to nobody, so the other nodes
 * must find out by its silence (its lease in Redis runs out), tell their users that its users quit
 * within 10 seconds, and let their nicknames be taken.
 */
class ClusterNodeKillTest {
    /** What the issue promises: the QUITs of a dead node's users within 10 s of its death. */
    private static final Duration QUITS_WITHIN = Duration.ofSeconds(10);

    @Test
    void aKilledNodesUsersQuitElsewhereWithinTenSecondsAndTheirNicknamesAreFree() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(1)) {
            PeerProcess node = cluster.own(startNodeProcess(cluster));
            Lines.Match ready = node.out.await("the node's address", l -> l.startsWith("netloop chat on "));
            int port = Integer.parseInt(ready.line().replaceAll(".*:(\\d+) \\(backend.*", "$1"));

            NcUser alice = cluster.join(0, "alice");
            NcUser doomed1 = cluster.own(NcUser.connect("killed-node/doomed1", port));
            ClusterFixture.register(doomed1, "doomed1");
            NcUser doomed2 = cluster.own(NcUser.connect("killed-node/doomed2", port));
            ClusterFixture.register(doomed2, "doomed2");
            alice.awaitLine("*** doomed1 joined");
            alice.awaitLine("*** doomed2 joined");
            doomed1.send("still here");
            alice.awaitLine("<doomed1> still here");

            node.process.destroyForcibly(); // SIGKILL
            assertTrue(node.waitForExit(10), "the node process ended");
            long killed = System.nanoTime();
            alice.lines.await("doomed1's QUIT", l -> l.equals("*** doomed1 left (Node lost)"), QUITS_WITHIN);
            alice.lines.await("doomed2's QUIT", l -> l.equals("*** doomed2 left (Node lost)"),
                    QUITS_WITHIN.minusNanos(System.nanoTime() - killed));

            // Their names are free: a user of the surviving node takes one.
            NcUser heir = cluster.join(0, "doomed1");
            alice.awaitLine("*** doomed1 joined");
            heir.send("/who");
            heir.awaitLine("*** In #lobby: alice, doomed1 (2)");
        }
    }

    /** {@code ChatMain server} in a JVM of its own, on this test's class path, joined to the cluster's Redis. */
    private static PeerProcess startNodeProcess(ClusterFixture cluster) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> path = new ArrayList<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                path.add(value);
            }
        }
        List<String> command = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                String.join(File.pathSeparator, path), "io.netloop.samples.ChatMain", "server",
                "--host", "127.0.0.1", "--port", "0", "--threads", "1", "--redis", cluster.redis.uri().toString());
        return PeerProcess.start("killed-node", command, null);
    }
}
