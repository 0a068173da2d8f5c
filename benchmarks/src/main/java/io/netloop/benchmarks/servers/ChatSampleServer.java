package io.netloop.benchmarks.servers;

import io.netloop.samples.chat.ChatConfig;
import io.netloop.samples.chat.ChatServer;
import io.netloop.samples.chat.redis.RedisUri;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The chat sample as a fan-out server under test ({@code --impl chat-sample}). Its flood limit and
 * send queue are opened up so the benchmark measures delivery rather than the sample's protection;
 * plain-mode clients register with their first line and their lines reach everyone in the lobby.
 * Given a Redis URI it is one node of the chat cluster on that Redis ({@code --redis}), whose
 * lobby spans every node.
 */
final class ChatSampleServer implements PeerServer {
    private final ChatServer server;

    private ChatSampleServer(ChatServer server) {
        this.server = server;
    }

    /** {@code redis} is {@code null} for a server on its own. */
    static ChatSampleServer start(int port, int threads, String redis) throws Exception {
        ChatConfig config = ChatConfig.defaults().withPort(port).withThreads(threads).withMaxClients(20_000)
                .withFloodBurst(1_000_000).withFloodRate(1e9).withMaxSendQueueBytes(16L * 1024 * 1024);
        if (redis != null) {
            config = config.withRedis(RedisUri.parse(redis));
        }
        return new ChatSampleServer(ChatServer.start(config));
    }

    @Override
    public int port() {
        return server.address().getPort();
    }

    @Override
    public List<Thread> ioThreads() {
        return BenchServer.threadsNamed("netloop-");
    }

    @Override
    public int connections() {
        return server.clientCount();
    }

    @Override
    public void close(long timeoutMillis) {
        try {
            server.shutdown().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // gave up waiting; the process is ending anyway
        }
    }
}
