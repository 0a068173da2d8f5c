package io.netloop.samples.chat;

import static io.netloop.samples.chat.ClusterChatTest.await;
import static io.netloop.samples.chat.ClusterChatTest.awaitLobbyOnEveryNode;
import static io.netloop.samples.chat.ClusterChatTest.clientGroup;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.EventLoopGroup;
import io.netloop.samples.chat.redis.RedisClient;
import io.netloop.samples.chat.redis.RedisUri;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node whose way to Redis breaks (a relay between them, {@link CuttableProxy}): cut for longer
 * than its lease, or fed bytes Redis never sent. Users keep chatting, and once the way is back no
 * message is lost or doubled.
 */
class ClusterOutageTest {

    @Test
    void aNetworkCutLongerThanTheLeaseLosesAndDuplicatesNothing() throws Exception {
        int lines = 30;
        try (ClusterFixture cluster = ClusterFixture.start(1)) {
            CuttableProxy proxy = cluster.own(CuttableProxy.to(cluster.redis.port()));
            cluster.addNode(c -> c.withRedis(RedisUri.parse("redis://127.0.0.1:" + proxy.port())));
            EventLoopGroup clients = clientGroup(cluster);
            SocketUser near = SocketUser.connect(clients, cluster.nodes.get(0).address(), "near", true);
            SocketUser far = SocketUser.connect(clients, cluster.nodes.get(1).address(), "far", false);
            SocketUser farNeighbour = SocketUser.connect(clients, cluster.nodes.get(1).address(), "farneighbour", false);
            await(List.of(near, far, farNeighbour), u -> u.registered, "registering");
            awaitLobbyOnEveryNode(cluster, clients, 3);

            proxy.cut();
            long cutAt = System.nanoTime();
            for (int i = 0; i < lines; i++) {
                near.say("near " + i);
                far.say("far " + i);
                Thread.sleep(100);
            }
            // Past the lease (5 s): the near node declares the far one dead meanwhile.
            near.line(l -> l.equals(":far!far@127.0.0.1 QUIT :Node lost")).get(20, TimeUnit.SECONDS);
            farNeighbour.line(l -> l.equals("<far> far " + (lines - 1))).get(20, TimeUnit.SECONDS); // local chat goes on
            // 30 s: the longest cut the issue names (CHAT.md promises up to 2 minutes).
            Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(30) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt)));
            proxy.heal();

            near.line(l -> l.endsWith(":far " + (lines - 1))).get(30, TimeUnit.SECONDS);
            far.line(l -> l.equals("<near> near " + (lines - 1))).get(30, TimeUnit.SECONDS);
            assertEquals(expected("far", lines), near.said(), "the near user got the far user's lines once each, in order");
            assertEquals(expected("near", lines), far.said().stream().filter(l -> l.startsWith("near: ")).toList(),
                    "the far user got the near user's lines once each, in order");
            // The far node's users are back in the near node's picture (as after an IRC netsplit).
            near.line(l -> l.equals(":far!far@127.0.0.1 JOIN #lobby")
                    && near.lines().lastIndexOf(l) > near.lines().indexOf(":far!far@127.0.0.1 QUIT :Node lost")).get(20, TimeUnit.SECONDS);
            CompletableFuture<String> names = near.line(l -> l.startsWith(":netloop 353 near = #lobby :") && l.contains(" far")
                    && l.contains("farneighbour"));
            near.send("NAMES #lobby");
            names.get(20, TimeUnit.SECONDS);
            // And the far node holds its users' nicknames again.
            SocketUser thief = SocketUser.connect(clients, cluster.nodes.get(0).address(), "far", false);
            java.util.concurrent.ExecutionException refused = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> thief.registered.get(20, TimeUnit.SECONDS));
            assertTrue(refused.getCause().getMessage().contains("is taken"), refused::toString);
        }
    }

    @Test
    void aHostileReplyClosesOnlyThatConnectionAndTheNodeCarriesOn() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(1)) {
            CuttableProxy proxy = cluster.own(CuttableProxy.to(cluster.redis.port()));
            cluster.addNode(c -> c.withRedis(RedisUri.parse("redis://127.0.0.1:" + proxy.port())));
            EventLoopGroup clients = clientGroup(cluster);
            SocketUser near = SocketUser.connect(clients, cluster.nodes.get(0).address(), "near", false);
            SocketUser far = SocketUser.connect(clients, cluster.nodes.get(1).address(), "far", true);
            await(List.of(near, far), u -> u.registered, "registering");
            awaitLobbyOnEveryNode(cluster, clients, 2);

            for (int i = 0; i < 20; i++) {
                far.say("far " + i);
                if (i == 10) {
                    proxy.inject("?not RESP at all\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            near.line(l -> l.equals("<far> far 19")).get(30, TimeUnit.SECONDS);
            List<String> got = near.said();
            assertEquals(expected("far", 20), got, "each line once, in order, though the node's connections were dropped");
            far.send("PING :still");
            far.line(l -> l.equals(":netloop PONG netloop :still")).get(20, TimeUnit.SECONDS);
            assertTrue(far.lines().stream().noneMatch(l -> l.startsWith("ERROR")), () -> "the far user was not dropped: " + far.lines());
        }
    }

    @Test
    void whileRedisRefusesWritesNothingIsLostAndTheNodesCarryOnAfterwards() throws Exception {
        int lines = 100;
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            EventLoopGroup clients = clientGroup(cluster);
            SocketUser talker = SocketUser.connect(clients, cluster.nodes.get(0).address(), "talker", false);
            SocketUser listener = SocketUser.connect(clients, cluster.nodes.get(1).address(), "listener", true);
            await(List.of(talker, listener), u -> u.registered, "registering");
            awaitLobbyOnEveryNode(cluster, clients, 2);
            try (RedisClient admin = RedisClient.connect(clients, cluster.redis.uri()).get(20, TimeUnit.SECONDS)) {
                for (int i = 0; i < lines; i++) {
                    talker.say("talker " + i);
                    if (i == 30) {
                        // Out of memory: Redis refuses every write (events, heartbeats) with -OOM, and keeps the connections.
                        admin.send("CONFIG", "SET", "maxmemory", "1").get(20, TimeUnit.SECONDS);
                    } else if (i == 60) {
                        admin.send("CONFIG", "SET", "maxmemory", "0").get(20, TimeUnit.SECONDS);
                    }
                    Thread.sleep(30);
                }
            }
            listener.line(l -> l.endsWith(":talker " + (lines - 1))).get(30, TimeUnit.SECONDS);
            assertEquals(expected("talker", lines), listener.said(), "each line once, in order, though Redis refused writes for a while");
            listener.say("and back");
            talker.line(l -> l.equals("<listener> and back")).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRedisThatForgotTheScriptsIsGivenThemAgain() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            EventLoopGroup clients = clientGroup(cluster);
            SocketUser a = SocketUser.connect(clients, cluster.nodes.get(0).address(), "a", false);
            SocketUser b = SocketUser.connect(clients, cluster.nodes.get(1).address(), "b", true);
            await(List.of(a, b), u -> u.registered, "registering");
            awaitLobbyOnEveryNode(cluster, clients, 2);
            try (RedisClient admin = RedisClient.connect(clients, cluster.redis.uri()).get(20, TimeUnit.SECONDS)) {
                admin.send("SCRIPT", "FLUSH").get(20, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 10; i++) {
                a.say("a " + i);
                Thread.sleep(100);
            }
            b.line(l -> l.endsWith(":a 9")).get(30, TimeUnit.SECONDS);
            assertEquals(expected("a", 10), b.said(), "each line once, in order, though the first ones met NOSCRIPT");
        }
    }

    @Test
    void aServerThatDoesNotSpeakRespStopsTheStartWithAClearError() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!fake.isClosed()) {
                    try (Socket s = fake.accept()) {
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        s.getInputStream().read(new byte[1024]);
                    } catch (IOException ignored) {
                        // next one
                    }
                }
            }, "fake-redis");
            t.setDaemon(true);
            t.start();
            ChatConfig config = ChatConfig.defaults().withHost("127.0.0.1").withPort(0).withThreads(1)
                    .withRedis(RedisUri.parse("redis://127.0.0.1:" + fake.getLocalPort()));
            IOException e = assertThrows(IOException.class, () -> ChatServer.start(config).close());
            assertTrue(e.getMessage().startsWith("cannot join the chat cluster on redis://127.0.0.1:" + fake.getLocalPort() + ": "),
                    e::getMessage);
        }
    }

    private static List<String> expected(String nick, int lines) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            l.add(nick + ": " + nick + " " + i);
        }
        return l;
    }
}
