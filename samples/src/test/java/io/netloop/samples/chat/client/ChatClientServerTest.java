package io.netloop.samples.chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Backends;
import io.netloop.samples.chat.ChatConfig;
import io.netloop.samples.chat.ChatServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ChatClient} (without a terminal) against a real {@link ChatServer} on 127.0.0.1, both on
 * the backend in the test's name.
 */
class ChatClientServerTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** What a client showed, in order; tests wait for a line to appear. */
    static final class Screen implements ChatView {
        private final List<String> lines = new ArrayList<>();
        private int seen; // lines already matched by next(); each wait starts after the last match

        @Override
        public synchronized void show(Kind kind, String text) {
            lines.add(text);
            notifyAll();
        }

        /** Waits for a line after the last one matched, equal to {@code expected}. */
        synchronized void await(String expected) throws InterruptedException {
            await(expected::equals, "\"" + expected + "\"");
        }

        synchronized void await(Predicate<String> match, String what) throws InterruptedException {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (true) {
                for (int i = seen; i < lines.size(); i++) {
                    if (match.test(lines.get(i))) {
                        seen = i + 1;
                        return;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("no line " + what + " within " + LIMIT.toSeconds() + " s; the client showed:\n  "
                            + String.join("\n  ", lines));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    private static ChatServer server(String backend, int port) throws Exception {
        assumeTrue(Backends.isAvailable(backend),
                () -> "backend " + backend + " unavailable: " + Backends.unavailabilityCause(backend).orElse("?"));
        return ChatServer.start(ChatConfig.defaults().withHost("127.0.0.1").withPort(port).withBackend(backend).withThreads(2));
    }

    private static ClientOptions options(String backend, ChatServer server, String nick) {
        return ClientOptions.defaults().withPort(server.address().getPort()).withBackend(backend).withNick(nick)
                .withRetryDelays(Duration.ofMillis(100), Duration.ofMillis(400));
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"epoll-lt", "epoll-et", "io_uring", "nio"})
    void messageIsConfirmedByTheServersEcho(String backend) throws Exception {
        try (ChatServer server = server(backend, 0)) {
            Screen alice = new Screen();
            Screen bob = new Screen();
            try (ChatClient a = ChatClient.start(options(backend, server, "alice"), alice);
                 ChatClient b = ChatClient.start(options(backend, server, "bob"), bob)) {
                alice.await("*** Now talking in #lobby");
                bob.await("*** Now talking in #lobby");
                a.input("hello from alice");
                alice.await("\u2026 <alice> hello from alice");
                alice.await("<alice> hello from alice \u2713");
                bob.await("<alice> hello from alice");
                b.input("/me waves");
                bob.await("* bob waves \u2713");
                alice.await("* bob waves");
                a.input("/quit done");
                a.finished().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                bob.await("*** alice quit (Quit: done)"::equals, "alice's quit");
            }
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"epoll-lt", "epoll-et", "io_uring", "nio"})
    void reconnectsWhenTheServerDropsTheConnection(String backend) throws Exception {
        Screen alice = new Screen();
        ChatServer first = server(backend, 0);
        int port = first.address().getPort();
        try (ChatClient a = ChatClient.start(options(backend, first, "alice"), alice)) {
            alice.await("*** Now talking in #lobby");
            a.input("before");
            alice.await("<alice> before \u2713");

            first.close(); // tells every client, flushes, closes every connection
            alice.await("*** Disconnected: Closing Link: alice (server shutting down)");
            alice.await(line -> line.startsWith("*** Reconnecting in 100 ms"), "the first retry after 100 ms");
            alice.await(line -> line.startsWith("*** Cannot connect to 127.0.0.1:" + port + ": ")
                    && line.endsWith("; retrying in 200 ms"), "a refused reconnect, then a doubled delay");
            alice.await(line -> line.endsWith("; retrying in 400 ms"), "doubled again, up to the maximum");

            try (ChatServer second = server(backend, port)) {
                alice.await("*** Now talking in #lobby");
                a.input("after");
                alice.await("<alice> after \u2713");
                assertEquals(1, second.clientCount());
            }
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"epoll-et", "nio"})
    void aTakenNickGetsAnUnderscore(String backend) throws Exception {
        try (ChatServer server = server(backend, 0)) {
            Screen first = new Screen();
            Screen second = new Screen();
            try (ChatClient a = ChatClient.start(options(backend, server, "alice"), first)) {
                first.await("*** Now talking in #lobby");
                try (ChatClient b = ChatClient.start(options(backend, server, "alice"), second)) {
                    second.await("*** Nickname alice is taken; trying alice_");
                    second.await("*** Now talking in #lobby");
                    b.input("/msg alice hi twin");
                    second.await("-> *alice* hi twin \u2713");
                    first.await("*alice_* hi twin");
                }
            }
        }
    }
}
