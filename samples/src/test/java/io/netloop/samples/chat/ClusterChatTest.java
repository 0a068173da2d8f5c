package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.EventLoopGroup;
import io.netloop.conformance.TlsFixtures;
import io.netloop.samples.chat.redis.RedisClient;
import io.netloop.samples.chat.redis.RedisServerProcess;
import io.netloop.samples.chat.redis.RedisUri;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Chat nodes in one JVM joined through a private Redis: what users on different nodes see of each
 * other, and that room messages reach every member once, in each sender's order, even across a
 * Redis restart. (A node killed with SIGKILL is in {@link ClusterNodeKillTest}.)
 */
class ClusterChatTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void usersOnTwoNodesShareTheLobby() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            NcUser alice = cluster.join(0, "alice");
            NcUser bob = cluster.join(1, "bob");
            alice.awaitLine("*** bob joined");
            alice.send("hello from node 0");
            bob.awaitLine("<alice> hello from node 0");
            bob.send("hi back");
            alice.awaitLine("<bob> hi back");
            bob.send("/who");
            bob.awaitLine("*** In #lobby: alice, bob (2)");
            bob.send("/msg alice psst");
            alice.awaitLine("*bob* psst");
            bob.send("/nick robert");
            alice.awaitLine("*** bob is now known as robert");
            bob.send("/quit");
            alice.awaitLine("*** robert left (Quit)");
            alice.send("/who");
            alice.awaitLine("*** In #lobby: alice (1)");
        }
    }

    @Test
    void nodesJoinARedisOverTlsWithAPasswordAndRefuseOneTheyCannotVerify() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(RedisServerProcess.installed(), RedisServerProcess.MISSING);
        try (RedisServerProcess redis = RedisServerProcess.startWithTls(TlsFixtures.file("server.pem"),
                TlsFixtures.file("server.key"), TlsFixtures.file("ca.pem"),
                "--requirepass", "s3cret")) {
            RedisUri uri = RedisUri.parse("rediss://:s3cret@127.0.0.1:" + redis.tlsPort());
            ChatConfig config = ChatConfig.defaults().withHost("127.0.0.1").withPort(0).withThreads(1).withRedis(uri)
                    .withRedisCa(TlsFixtures.file("ca.pem"));
            try (ChatServer a = ChatServer.start(config); ChatServer b = ChatServer.start(config)) {
                NcUser alice = NcUser.connect("tls-node-a/alice", a.address().getPort());
                NcUser bob = NcUser.connect("tls-node-b/bob", b.address().getPort());
                try (alice; bob) {
                    ClusterFixture.register(alice, "alice");
                    ClusterFixture.register(bob, "bob");
                    bob.send("over TLS to Redis");
                    alice.awaitLine("<bob> over TLS to Redis");
                }
            }
            // Without the test CA the JDK's CAs do not know the server's certificate: the start fails and says why.
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> ChatServer.start(config.withRedisCa(null)).close());
            assertTrue(e.getMessage().startsWith("cannot join the chat cluster on rediss://:***@127.0.0.1:"), e::getMessage);
            assertTrue(e.getMessage().contains("PKIX") || e.getMessage().contains("certification path"), e::getMessage);
        }
    }

    @Test
    void ircListingsChannelsTopicsAndPrivateMessagesSpanNodes() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(3)) {
            EventLoopGroup clients = clientGroup(cluster);
            SocketUser carol = SocketUser.connect(clients, cluster.nodes.get(0).address(), "carol", true);
            SocketUser dave = SocketUser.connect(clients, cluster.nodes.get(2).address(), "dave", true);
            await(List.of(carol, dave), u -> u.registered, "registering");
            NcUser erin = cluster.join(1, "erin");

            dave.send("JOIN #ops");
            dave.line(l -> l.equals(":netloop 366 dave #ops :End of /NAMES list")).get(20, TimeUnit.SECONDS);
            carol.send("JOIN #ops");
            dave.line(l -> l.equals(":carol!carol@127.0.0.1 JOIN #ops")).get(20, TimeUnit.SECONDS);
            dave.send("NAMES #ops");
            dave.line(l -> l.startsWith(":netloop 353 dave = #ops :") && l.contains("carol") && l.contains("dave")).get(20, TimeUnit.SECONDS);

            carol.send("TOPIC #ops :cluster work");
            dave.line(l -> l.equals(":carol!carol@127.0.0.1 TOPIC #ops :cluster work")).get(20, TimeUnit.SECONDS);
            dave.send("PRIVMSG #ops :on it");
            carol.line(l -> l.equals(":dave!dave@127.0.0.1 PRIVMSG #ops :on it")).get(20, TimeUnit.SECONDS);
            // erin (plain, in #lobby only) must not see #ops traffic; she sees lobby joins only.
            dave.send("PRIVMSG carol :private hello");
            carol.line(l -> l.equals(":dave!dave@127.0.0.1 PRIVMSG carol :private hello")).get(20, TimeUnit.SECONDS);
            dave.send("PRIVMSG erin :to a plain user on another node");
            erin.awaitLine("*dave* to a plain user on another node");
            erin.send("/msg carol from plain");
            carol.line(l -> l.equals(":erin!erin@127.0.0.1 PRIVMSG carol :from plain")).get(20, TimeUnit.SECONDS);

            carol.send("WHOIS dave");
            carol.line(l -> l.equals(":netloop 311 carol dave dave 127.0.0.1 * :dave on IRC")).get(20, TimeUnit.SECONDS);
            carol.line(l -> l.startsWith(":netloop 319 carol dave :") && l.contains("#ops") && l.contains("#lobby")).get(20, TimeUnit.SECONDS);
            carol.send("WHO #ops");
            carol.line(l -> l.startsWith(":netloop 352 carol #ops dave 127.0.0.1 netloop dave H")).get(20, TimeUnit.SECONDS);
            carol.send("ISON dave erin nobody");
            carol.line(l -> l.equals(":netloop 303 carol :dave erin")).get(20, TimeUnit.SECONDS);
            carol.send("LIST");
            carol.line(l -> l.equals(":netloop 322 carol #ops 2 :cluster work")).get(20, TimeUnit.SECONDS);
            carol.send("PRIVMSG nobody :x");
            carol.line(l -> l.equals(":netloop 401 carol nobody :No such nick/channel")).get(20, TimeUnit.SECONDS);

            // A user arriving later on a third node learns the topic and the members from the others' state.
            cluster.addNode(c -> c);
            SocketUser frank = SocketUser.connect(clients, cluster.nodes.get(3).address(), "frank", true);
            await(List.of(frank), u -> u.registered, "registering on a node that joined late");
            frank.send("JOIN #ops");
            frank.line(l -> l.equals(":netloop 332 frank #ops :cluster work")).get(20, TimeUnit.SECONDS);
            frank.line(l -> l.startsWith(":netloop 353 frank = #ops :") && l.contains("carol") && l.contains("dave")).get(20, TimeUnit.SECONDS);

            dave.send("PART #ops :done");
            carol.line(l -> l.equals(":dave!dave@127.0.0.1 PART #ops :done")).get(20, TimeUnit.SECONDS);
            frank.line(l -> l.equals(":dave!dave@127.0.0.1 PART #ops :done")).get(20, TimeUnit.SECONDS);
            assertTrue(erin.lines.all().stream().noneMatch(l -> l.contains("#ops") || l.contains("on it")),
                    () -> "erin is not in #ops and saw none of it: " + erin.lines.all());
        }
    }

    @Test
    void streamEntriesNoNodeWroteAreSkippedAndTheNodesCarryOn() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            NcUser alice = cluster.join(0, "alice");
            NcUser bob = cluster.join(1, "bob");
            alice.awaitLine("*** bob joined");
            EventLoopGroup group = clientGroup(cluster);
            try (RedisClient vandal = RedisClient.connect(group, cluster.redis.uri()).get(20, TimeUnit.SECONDS)) {
                String stream = "netloop:chat:events";
                vandal.send("XADD", stream, "*", "hello", "world").get(20, TimeUnit.SECONDS);
                vandal.send("XADD", stream, "*", "n", "someone", "s", "1", "t", "explode").get(20, TimeUnit.SECONDS);
                vandal.send("XADD", stream, "*", "n", "someone", "s", "x", "t", "hello").get(20, TimeUnit.SECONDS);
                vandal.send("XADD", stream, "*", "n", "someone", "s", "2", "t", "join", "u", "eve", "us", "eve", "h", "x", "r", "x",
                        "c", "not a channel").get(20, TimeUnit.SECONDS);
                vandal.send("XADD", stream, "*", "n", "someone", "s", "3", "t", "state", "u", "eve").get(20, TimeUnit.SECONDS);
            }
            bob.send("after the junk");
            alice.awaitLine("<bob> after the junk");
            alice.send("/who");
            alice.awaitLine("*** In #lobby: alice, bob (2)");
        }
    }

    @Test
    void twoUsersRacingForANicknameOnTwoNodesExactlyOneWins() throws Exception {
        int races = 30;
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            EventLoopGroup clients = clientGroup(cluster);
            List<SocketUser[]> pairs = new ArrayList<>();
            for (int i = 0; i < races; i++) {
                String nick = "race" + i;
                // Both connect at once and send the same nickname as their first line; IRC and plain alternate.
                pairs.add(new SocketUser[] {
                        SocketUser.connect(clients, cluster.nodes.get(0).address(), nick, i % 2 == 0),
                        SocketUser.connect(clients, cluster.nodes.get(1).address(), nick, i % 3 == 0)});
            }
            List<String> wrong = new ArrayList<>();
            for (SocketUser[] pair : pairs) {
                int winners = 0;
                for (SocketUser u : pair) {
                    try {
                        u.registered.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                        winners++;
                    } catch (ExecutionException refused) {
                        // the loser is told the name is taken (433 or "is taken"): checked by SocketUser
                    }
                }
                if (winners != 1) {
                    wrong.add(pair[0].nick + ": " + winners + " winners: " + pair[0] + " / " + pair[1]);
                }
            }
            assertTrue(wrong.isEmpty(), () -> "each race has exactly one winner:\n" + String.join("\n", wrong));
        }
    }

    @Test
    void threeHundredUsersOnThreeNodesGetEveryRoomMessageOnceInEachSendersOrder() throws Exception {
        int users = 300;
        int senders = 6;
        int messages = 20;
        try (ClusterFixture cluster = ClusterFixture.start(3)) {
            EventLoopGroup clients = clientGroup(cluster);
            List<SocketUser> all = new ArrayList<>();
            for (int from = 0; from < users; from += 50) {
                List<SocketUser> batch = new ArrayList<>();
                for (int i = from; i < from + 50; i++) {
                    // Spread over the nodes; every fourth user speaks IRC.
                    batch.add(SocketUser.connect(clients, cluster.nodes.get(i % 3).address(), String.format("u%03d", i), i % 4 == 1));
                }
                await(batch, u -> u.registered, "registering users " + from + "..");
                all.addAll(batch);
            }
            awaitLobbyOnEveryNode(cluster, clients, users);

            // Senders on every node, plain and IRC, send at once; the last line of each is its end mark.
            for (int s = 0; s < senders; s++) {
                SocketUser sender = all.get(s);
                for (int m = 0; m < messages; m++) {
                    sender.say("m" + m + " from " + sender.nick);
                }
                sender.say("end of " + sender.nick);
            }
            List<CompletableFuture<Void>> ends = new ArrayList<>();
            for (SocketUser u : all) {
                List<CompletableFuture<String>> marks = new ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    if (all.get(s) != u) {
                        String mark = "end of " + all.get(s).nick;
                        marks.add(u.line(l -> l.endsWith(mark)));
                    }
                }
                ends.add(CompletableFuture.allOf(marks.toArray(CompletableFuture[]::new)));
            }
            awaitAll(ends, all, "every user receiving every sender's end mark");

            List<String> wrong = new ArrayList<>();
            for (SocketUser u : all) {
                List<String> got = u.said();
                List<String> expected = new ArrayList<>();
                List<String> regrouped = new ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    SocketUser sender = all.get(s);
                    if (sender == u) {
                        continue;
                    }
                    for (int m = 0; m < messages; m++) {
                        expected.add(sender.nick + ": m" + m + " from " + sender.nick);
                    }
                    expected.add(sender.nick + ": end of " + sender.nick);
                    got.stream().filter(l -> l.startsWith(sender.nick + ": ")).forEach(regrouped::add);
                }
                if (got.size() != expected.size() || !regrouped.equals(expected)) {
                    wrong.add(u + " got " + got.size() + " of " + expected.size() + ": " + Lines.quote(got));
                }
            }
            if (!wrong.isEmpty()) {
                fail(wrong.size() + " of " + users + " users did not get each sender's messages exactly once in order:\n"
                        + String.join("\n", wrong.subList(0, Math.min(5, wrong.size()))));
            }
            for (ChatServer node : cluster.nodes) {
                assertEquals(users / 3 + 1, node.clientCount(), "nobody was disconnected (the users and the /who watcher)");
            }
        }
    }

    @Test
    void restartingRedisMidConversationLosesAndDuplicatesNothing() throws Exception {
        int messages = 200;
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            EventLoopGroup clients = clientGroup(cluster);
            SocketUser talker = SocketUser.connect(clients, cluster.nodes.get(0).address(), "talker", false);
            SocketUser listener = SocketUser.connect(clients, cluster.nodes.get(1).address(), "listener", true);
            SocketUser neighbour = SocketUser.connect(clients, cluster.nodes.get(0).address(), "neighbour", false);
            await(List.of(talker, listener, neighbour), u -> u.registered, "registering");
            awaitLobbyOnEveryNode(cluster, clients, 3);

            CompletableFuture<String> last = listener.line(l -> l.endsWith(":line " + (messages - 1)));
            for (int i = 0; i < messages; i++) {
                talker.say("line " + i);
                if (i == messages / 2) {
                    cluster.redis.restart(); // SIGKILL; the new one starts empty
                }
                Thread.sleep(5);
            }
            try {
                last.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("the listener on the other node did not get the last line within " + LIMIT.toSeconds() + " s after Redis"
                        + " came back; it has " + listener.said().size() + " messages: " + listener);
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                expected.add("talker: line " + i);
            }
            assertEquals(expected, listener.said(), "each line once, in order, across the restart");
            assertEquals(expected, neighbour.said(), "the neighbour on the talker's node got each line once too");
            // Nothing announced a false QUIT or JOIN while the nodes found each other again.
            List<String> lines = listener.lines();
            List<String> membership = lines.subList(lines.indexOf(":talker!talker@127.0.0.1 PRIVMSG #lobby :line 0"), lines.size())
                    .stream().filter(l -> !l.contains(" PRIVMSG ")).toList();
            assertEquals(List.of(), membership, "no QUIT or JOIN across the restart");
            // And the nicknames are held in the new Redis: the talker's name cannot be taken on the other node.
            SocketUser thief = SocketUser.connect(clients, cluster.nodes.get(1).address(), "talker", false);
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> thief.registered.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(refused.getCause().getMessage().contains("is taken"), refused::toString);
        }
    }

    @Test
    void whileRedisIsDownUsersChatLocallyAndThoseBeyondTheQueueAreTold() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(2, c -> c.withClusterQueue(20))) {
            EventLoopGroup clients = clientGroup(cluster);
            SocketUser talker = SocketUser.connect(clients, cluster.nodes.get(0).address(), "talker", false);
            SocketUser neighbour = SocketUser.connect(clients, cluster.nodes.get(0).address(), "neighbour", true);
            SocketUser far = SocketUser.connect(clients, cluster.nodes.get(1).address(), "far", false);
            await(List.of(talker, neighbour, far), u -> u.registered, "registering");
            awaitLobbyOnEveryNode(cluster, clients, 3);

            cluster.redis.kill();
            for (int i = 0; i < 30; i++) {
                talker.say("offline " + i);
            }
            neighbour.line(l -> l.endsWith(":offline 29")).get(20, TimeUnit.SECONDS);
            talker.line(l -> l.startsWith("*** The chat cluster is unreachable and its queue is full")).get(20, TimeUnit.SECONDS);
            // A new user cannot claim a name meanwhile, and is told why.
            SocketUser late = SocketUser.connect(clients, cluster.nodes.get(1).address(), "late", true);
            late.line(l -> l.startsWith(":netloop 437 * late :")).get(20, TimeUnit.SECONDS);

            cluster.redis.restart();
            CompletableFuture<String> back = far.line(l -> l.equals("<talker> after"));
            // The talker's node resends its queue when Redis is back; then it is connected and passes the next line on.
            for (int tries = 0; !back.isDone() && tries < 100; tries++) {
                Thread.sleep(200);
                if (tries % 10 == 0) {
                    talker.say("after");
                }
            }
            back.get(20, TimeUnit.SECONDS);
            List<String> got = far.said().stream().filter(l -> l.startsWith("talker: offline ")).toList();
            assertTrue(!got.isEmpty() && got.size() <= 20, () -> "the far user got the queued lines (at most the bound): " + got);
            for (int i = 0; i < got.size(); i++) {
                assertEquals("talker: offline " + i, got.get(i), "the queued lines in order, none twice");
            }
            assertEquals(30, neighbour.said().stream().filter(l -> l.startsWith("talker: offline ")).count(),
                    "the neighbour on the talker's node got all 30");
        }
    }

    @Test
    void aStalledReaderIsDroppedByItsNodeWhileTheOthersGetEveryLine() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(2, c -> c.withMaxSendQueueBytes(64 * 1024)
                .withFloodBurst(1_000_000).withFloodRate(1_000_000))) {
            EventLoopGroup clients = clientGroup(cluster);
            SocketUser talker = SocketUser.connect(clients, cluster.nodes.get(0).address(), "talker", false);
            // Plain: an IRC user would get each 900-byte line split in two.
            SocketUser listener = SocketUser.connect(clients, cluster.nodes.get(1).address(), "listener", false);
            await(List.of(talker, listener), u -> u.registered, "registering");
            RawClient stalled = cluster.own(RawClient.connect("stalled", cluster.nodes.get(1).address(), 4096));
            stalled.registerThenStopReading("stalled");
            awaitLobbyOnEveryNode(cluster, clients, 3);

            String payload = "p".repeat(900);
            CompletableFuture<String> dropped = talker.line(l -> l.startsWith("*** stalled left (") && l.contains("send queue"));
            int sent = 0;
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (!dropped.isDone()) {
                if (System.nanoTime() > deadline) {
                    fail("the stalled user on the far node is still connected after " + sent + " lines of 900 bytes");
                }
                for (int i = 0; i < 20; i++, sent++) {
                    talker.say(sent + " " + payload);
                }
                int last = sent - 1;
                try {
                    listener.line(l -> l.equals("<talker> " + last + " " + payload)).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("the listener did not get line " + last + ": " + listener + "; the talker: " + talker);
                }
            }
            List<String> got = listener.said();
            assertEquals(sent, got.size(), "the listener on the stalled user's node got every line once");
            for (int i = 0; i < sent; i++) {
                assertEquals("talker: " + i + " " + payload, got.get(i));
            }
            assertEquals(2, cluster.nodes.get(1).clientCount(), "the far node dropped the stalled user only (and kept its watcher)");
        }
    }

    /** Waits until a watcher on each node lists {@code count} users in #lobby (plus the watchers themselves). */
    static void awaitLobbyOnEveryNode(ClusterFixture cluster, EventLoopGroup clients, int count) throws Exception {
        int n = cluster.nodes.size();
        List<SocketUser> watchers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            watchers.add(SocketUser.connect(clients, cluster.nodes.get(i).address(), "watcher" + i, false));
        }
        await(watchers, u -> u.registered, "registering watchers");
        String wanted = "(" + (count + n) + ")";
        long deadline = System.nanoTime() + LIMIT.toNanos();
        for (SocketUser w : watchers) {
            while (true) {
                CompletableFuture<String> reply = w.line(l -> l.startsWith("*** In #lobby: ") && l.endsWith(wanted));
                w.send("/who");
                try {
                    reply.get(200, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException notYet) {
                    if (System.nanoTime() > deadline) {
                        fail(w.nick + " never listed " + wanted + " users in #lobby: " + w);
                    }
                }
            }
        }
    }

    static EventLoopGroup clientGroup(ClusterFixture cluster) {
        EventLoopGroup clients = EventLoopGroup.builder().backend("nio").threads(2).daemon(true).build();
        cluster.own(clients::close);
        return clients;
    }

    static void await(List<SocketUser> users, java.util.function.Function<SocketUser, CompletableFuture<Void>> which, String what)
            throws InterruptedException {
        awaitAll(users.stream().map(which).toList(), users, what);
    }

    private static void awaitAll(List<CompletableFuture<Void>> futures, List<SocketUser> users, String what) throws InterruptedException {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < users.size() && stuck.size() < 5; i++) {
                if (!futures.get(i).isDone() || futures.get(i).isCompletedExceptionally()) {
                    stuck.add(users.get(i).toString());
                }
            }
            fail(what + ": not done within " + LIMIT.toSeconds() + " s (" + e + "); for example:\n" + String.join("\n", stuck));
        }
    }
}
