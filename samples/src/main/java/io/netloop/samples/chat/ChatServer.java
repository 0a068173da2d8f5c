package io.netloop.samples.chat;

import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group chat server on netloop: plain-mode users ({@code nc}, {@code telnet}) and IRC clients in
 * one room, on every backend. See {@code samples/CHAT.md} for what it speaks.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.start(ChatConfig.defaults().withPort(0))) {
 *     System.out.println("nc 127.0.0.1 " + server.address().getPort());
 * }
 * }</pre>
 */
public final class ChatServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
    private static final Duration FLUSH_ON_SHUTDOWN = Duration.ofSeconds(5);

    private final Hub hub;
    private final EventLoopGroup group;
    private final Listener listener;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private ChatServer(ChatConfig config, EventLoopGroup group, Listener listener, Hub hub) {
        this.hub = hub;
        this.group = group;
        this.listener = listener;
    }

    /** Binds and starts serving. */
    public static ChatServer start(ChatConfig config) throws IOException {
        EventLoopGroup group = EventLoopGroup.builder().backend(config.backend()).threads(config.threads()).build();
        try {
            Hub hub = new Hub(config);
            SocketOptions options = SocketOptions.builder()
                    .keepAlive(true) // plain clients cannot answer PING: the kernel finds dead peers for them
                    .reusePort(true)
                    .writeBufferWaterMarks(32 * 1024, 128 * 1024)
                    .build();
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(config.host()), config.port());
            Listener listener = group.listen(address, options, () -> new Client(hub));
            log.info("chat server on {} with backend {} and {} loop(s)", listener.localAddress(), group.backendId(),
                    group.loops().size());
            return new ChatServer(config, group, listener, hub);
        } catch (IOException | RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public InetSocketAddress address() {
        return listener.localAddress();
    }

    public String backendId() {
        return group.backendId();
    }

    /** Connections being served, registered or not. */
    public int clientCount() {
        return hub.clientCount();
    }

    /**
     * Stops accepting, tells every client the server is shutting down, sends what is queued (for
     * at most 5 seconds) and ends the event loops. Idempotent.
     */
    public CompletableFuture<Void> shutdown() {
        if (stopping.compareAndSet(false, true)) {
            hub.beginShutdown();
            listener.close();
            for (Client c : hub.connected()) {
                c.serverShutdown();
            }
            group.shutdownGracefully(FLUSH_ON_SHUTDOWN).whenComplete((ok, e) -> stopped.complete(null));
        }
        return stopped;
    }

    @Override
    public void close() {
        shutdown().join();
    }

    /** {@code server [--host H] [--port P] [--backend ID] ...}: serves until Ctrl-C. */
    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(ChatConfig.usage());
            return;
        }
        ChatConfig config;
        try {
            config = ChatConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ChatServer server = start(config);
        System.out.println("netloop chat on " + server.address() + " (backend " + server.backendId() + "). Join with:");
        System.out.println("  nc " + server.address().getHostString() + " " + server.address().getPort()
                + "      or an IRC client (irssi: /connect " + server.address().getHostString() + " "
                + server.address().getPort() + ")");
        System.out.println("Ctrl-C stops the server.");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown().join(), "chat-shutdown"));
        server.stopped.join();
    }
}
