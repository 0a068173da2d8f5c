package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Backends;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;

/**
 * One chat server on 127.0.0.1, port 0, on the backend under test, and the peers a test started
 * against it. Closing the fixture closes every peer (destroying processes) and then the server,
 * whatever the test did.
 *
 * <pre>{@code
 * try (ChatFixture chat = ChatFixture.start(backend)) {
 *     NcUser alice = chat.join("alice", 0);
 *     ...
 * }
 * }</pre>
 */
final class ChatFixture implements AutoCloseable {
    final String backend;
    final ChatServer server;
    private final Deque<AutoCloseable> peers = new ArrayDeque<>();

    private ChatFixture(String backend, ChatServer server) {
        this.backend = backend;
        this.server = server;
    }

    /** The server with its defaults apart from address, backend and two loop threads. */
    static ChatFixture start(String backend) throws IOException {
        return start(backend, UnaryOperator.identity());
    }

    /** Skips the test, with the reason, when {@code backend} cannot run here. */
    static ChatFixture start(String backend, UnaryOperator<ChatConfig> tweak) throws IOException {
        assumeTrue(Backends.isAvailable(backend),
                () -> "backend " + backend + " unavailable: " + Backends.unavailabilityCause(backend).orElse("?"));
        ChatConfig config = tweak.apply(ChatConfig.defaults()
                .withHost("127.0.0.1").withPort(0).withBackend(backend).withThreads(2));
        ChatServer server = ChatServer.start(config);
        try {
            assertEquals(backend, server.backendId(), "the server runs on the backend asked for");
            assertTrue(server.address().getPort() > 0, () -> "bound to a real port: " + server.address());
        } catch (AssertionError e) {
            server.close();
            throw e;
        }
        return new ChatFixture(backend, server);
    }

    InetSocketAddress address() {
        return server.address();
    }

    int port() {
        return server.address().getPort();
    }

    /** The TLS port, for a server started with TLS keys. */
    int tlsPort() {
        return server.tlsAddress().getPort();
    }

    /** Registers a peer to be closed with the fixture (last registered, first closed). */
    <T extends AutoCloseable> T own(T peer) {
        peers.push(peer);
        return peer;
    }

    /** An {@code nc} connected to the server that has sent nothing yet. */
    NcUser nc(String label) throws IOException {
        return own(NcUser.connect(backend + "/" + label, port()));
    }

    /** An {@code nc} user registered as {@code nick}, told it is in #lobby with {@code others} others. */
    NcUser join(String nick, int others) throws IOException {
        NcUser user = nc(nick);
        user.register(nick, others);
        return user;
    }

    @Override
    public void close() {
        Throwable failure = null;
        while (!peers.isEmpty()) {
            try {
                peers.pop().close();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            }
        }
        server.close();
        if (failure instanceof RuntimeException r) {
            throw r;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException("closing a peer failed", failure);
        }
    }
}
