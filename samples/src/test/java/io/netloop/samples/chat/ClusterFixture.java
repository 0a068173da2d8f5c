package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.samples.chat.redis.RedisServerProcess;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A private {@code redis-server} and chat servers in this JVM joined to it as nodes of one cluster,
 * each on its own loops and port. Closing it closes the peers, then the nodes, then Redis.
 */
final class ClusterFixture implements AutoCloseable {
    final RedisServerProcess redis;
    final List<ChatServer> nodes = new ArrayList<>();
    private final Deque<AutoCloseable> peers = new ArrayDeque<>();

    private ClusterFixture(RedisServerProcess redis) {
        this.redis = redis;
    }

    /** Skips the test, with the reason, when {@code redis-server} is not installed. */
    static ClusterFixture start(int nodes) throws IOException, InterruptedException {
        return start(nodes, UnaryOperator.identity());
    }

    static ClusterFixture start(int nodes, UnaryOperator<ChatConfig> tweak) throws IOException, InterruptedException {
        assumeTrue(RedisServerProcess.installed(), RedisServerProcess.MISSING);
        ClusterFixture f = new ClusterFixture(RedisServerProcess.start());
        try {
            for (int i = 0; i < nodes; i++) {
                f.addNode(tweak);
            }
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /** One more node on the same Redis. */
    ChatServer addNode(UnaryOperator<ChatConfig> tweak) throws IOException {
        ChatServer s = ChatServer.start(tweak.apply(ChatConfig.defaults().withHost("127.0.0.1").withPort(0).withThreads(2)
                .withRedis(redis.uri())));
        nodes.add(s);
        return s;
    }

    int port(int node) {
        return nodes.get(node).address().getPort();
    }

    <T extends AutoCloseable> T own(T peer) {
        peers.push(peer);
        return peer;
    }

    /**
     * An {@code nc} user on {@code node}, registered as {@code nick}. How many others its welcome
     * counts depends on how far that node has read the others' joins, so it is not checked here.
     */
    NcUser join(int node, String nick) throws IOException {
        NcUser u = own(NcUser.connect("node" + node + "/" + nick, port(node)));
        register(u, nick);
        return u;
    }

    static void register(NcUser u, String nick) throws IOException {
        u.send(nick);
        u.await("the welcome", l -> l.startsWith("*** Hello " + nick + ". You are in #lobby with "));
    }

    @Override
    public void close() {
        while (!peers.isEmpty()) {
            try {
                peers.pop().close();
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
        for (ChatServer s : nodes) {
            s.close();
        }
        redis.close();
    }
}
