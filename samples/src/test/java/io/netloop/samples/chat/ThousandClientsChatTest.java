package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * 1,000 plain-mode clients in #lobby at once, all registered; then a few of them send a short
 * burst, and every client must receive every line of it exactly once, in each sender's order, and
 * none of its own. The clients are netloop connections on two loops (not 1,000 threads), on the
 * {@code nio} backend, the JDK's own Selector, so that the only netloop backend that varies is the
 * server's. Waits are bounded and generous; nothing is timed.
 */
class ThousandClientsChatTest {
    private static final int CLIENTS = 1000;
    private static final int SENDERS = 3;
    private static final int MESSAGES = 10;
    private static final int CONNECTING_AT_ONCE = 100;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @EachBackend
    void everyClientReceivesEveryLineOfABurst(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend)) {
            EventLoopGroup clients = EventLoopGroup.builder().backend("nio").threads(2).daemon(true).build();
            chat.own(() -> clients.close());

            List<Client> all = new ArrayList<>(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                all.add(new Client(i));
            }
            // Connect and register in batches, so the listen backlog is never what is being tested.
            for (int from = 0; from < CLIENTS; from += CONNECTING_AT_ONCE) {
                List<Client> batch = all.subList(from, Math.min(CLIENTS, from + CONNECTING_AT_ONCE));
                for (Client c : batch) {
                    clients.connect(chat.address(), c).whenComplete((conn, e) -> {
                        if (e != null) {
                            c.registered.completeExceptionally(e);
                        }
                    });
                }
                await(batch, c -> c.registered, backend + ": registering clients " + from + ".." + (from + batch.size() - 1));
            }
            assertEquals(CLIENTS, chat.server.clientCount(), backend + ": all clients connected");

            for (int s = 0; s < SENDERS; s++) {
                Client sender = all.get(s);
                for (int m = 0; m < MESSAGES; m++) {
                    sender.send(burstLine(s, m));
                }
                sender.send("done " + s);
            }
            await(all, c -> c.done, backend + ": receiving the burst");

            List<String> wrong = new ArrayList<>();
            for (Client c : all) {
                List<String> expected = new ArrayList<>();
                for (int s = 0; s < SENDERS; s++) {
                    if (s != c.index) {
                        for (int m = 0; m < MESSAGES; m++) {
                            expected.add("<" + nick(s) + "> " + burstLine(s, m));
                        }
                    }
                }
                // Senders interleave freely; each sender's own lines keep their order.
                List<String> got = c.burst();
                List<String> regrouped = new ArrayList<>();
                for (int s = 0; s < SENDERS; s++) {
                    String prefix = "<" + nick(s) + "> ";
                    got.stream().filter(l -> l.startsWith(prefix)).forEach(regrouped::add);
                }
                if (!regrouped.equals(expected) || got.size() != expected.size()) {
                    wrong.add(c.nick + " got " + got.size() + " of " + expected.size() + " lines: " + Lines.quote(got));
                }
            }
            if (!wrong.isEmpty()) {
                fail(backend + ": " + wrong.size() + " of " + CLIENTS + " clients did not get exactly the burst"
                        + " (each of " + SENDERS + " senders' " + MESSAGES + " lines once, in order, none of their own):\n"
                        + String.join("\n", wrong.subList(0, Math.min(5, wrong.size()))));
            }
            assertEquals(CLIENTS, chat.server.clientCount(), backend + ": nobody was disconnected");
        }
    }

    private static String nick(int i) {
        return String.format("u%04d", i);
    }

    private static String burstLine(int sender, int message) {
        return "burst from " + nick(sender) + " #" + message;
    }

    /** Waits for {@code which} of every client; on failure shows a few of the clients still waiting or failed. */
    private static void await(List<Client> clients, Function<Client, CompletableFuture<Void>> which, String what) throws Exception {
        List<CompletableFuture<Void>> futures = clients.stream().map(which).toList();
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            List<Client> stuck = clients.stream().filter(c -> !which.apply(c).isDone() || which.apply(c).isCompletedExceptionally()).toList();
            fail(what + ": " + stuck.size() + " of " + clients.size() + " clients still waiting after " + LIMIT.toSeconds()
                    + " s or failed (first failure: " + (e instanceof ExecutionException ? e.getCause() : "none") + "); for example:\n"
                    + String.join("\n", stuck.stream().limit(5).map(Client::state).toList()));
        }
    }

    /** One plain-mode client; everything but the constructor and {@link #send} runs on its loop thread. */
    private static final class Client implements ConnectionHandler {
        final int index;
        final String nick;
        final CompletableFuture<Void> registered = new CompletableFuture<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final List<String> burst = new ArrayList<>();
        private final Set<Integer> doneFrom = ConcurrentHashMap.newKeySet();
        private final LineSplitter lines = new LineSplitter();
        private volatile Connection connection;
        private volatile String lastOther = "";
        private volatile int otherLines;
        private volatile String closedBy;

        Client(int index) {
            this.index = index;
            this.nick = nick(index);
        }

        void send(String line) {
            connection.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }

        synchronized List<String> burst() {
            return List.copyOf(burst);
        }

        String state() {
            return nick + ": registered " + registered + ", burst lines " + burst().size() + ", done markers from " + doneFrom
                    + ", other lines " + otherLines + " (last " + Lines.quote(lastOther) + ")"
                    + (closedBy == null ? "" : ", closed: " + closedBy);
        }

        @Override
        public void onOpen(Connection c) {
            connection = c;
            c.write((nick + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            lines.feed(data, this::line);
        }

        private void line(String line) {
            if (line.startsWith("*** Hello " + nick + ". ")) {
                registered.complete(null);
            } else if (line.startsWith("<u") && line.contains("> burst from ")) {
                synchronized (this) {
                    burst.add(line);
                }
            } else if (line.startsWith("<u") && line.contains("> done ")) {
                int sender = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
                doneFrom.add(sender);
                int expected = index < SENDERS ? SENDERS - 1 : SENDERS;
                if (doneFrom.size() == expected) {
                    done.complete(null);
                }
            } else {
                if (!registered.isDone() && !line.equals(NcUser.PROMPT)) {
                    registered.completeExceptionally(new AssertionError(nick + ": unexpected reply to the nickname: " + Lines.quote(line)));
                }
                lastOther = line;
                otherLines++;
            }
        }

        @Override
        public void onClose(Connection c, Throwable cause) {
            closedBy = cause == null ? "orderly close" : cause.toString();
            AssertionError e = new AssertionError(nick + " disconnected (" + closedBy + "); last line " + Lines.quote(lastOther));
            registered.completeExceptionally(e);
            done.completeExceptionally(e);
        }
    }
}
