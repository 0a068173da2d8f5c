package io.netloop.samples.chat.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.EventLoopGroup;
import io.netloop.conformance.TlsFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a real private {@code redis-server} (and, for hostile replies, a fake one made
 * of a JDK {@link ServerSocket}), on one netloop loop: every client of a test shares it, so a
 * connection that fails and a connection that keeps working share a thread.
 */
class RedisClientTest {
    private static final long WAIT = 20;

    private static EventLoopGroup group;
    private static RedisServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), RedisServerProcess.MISSING);
        group = EventLoopGroup.builder().threads(1).build();
        server = RedisServerProcess.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(Duration.ofSeconds(5)).orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    @BeforeEach
    void emptyDatabases() throws Exception {
        try (RedisClient admin = connect(server.uri())) {
            assertEquals("OK", get(admin.send("FLUSHALL")).asString());
        }
    }

    @Test
    void tenThousandPipelinedCommandsGetTheirRepliesInOrder() throws Exception {
        try (RedisClient redis = connect(server.uri())) {
            List<CompletableFuture<RespValue>> replies = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                replies.add(redis.send("SET", "k:" + i, "v:" + i));
                replies.add(redis.send("GET", "k:" + i));
                replies.add(redis.send("INCR", "counter"));
                replies.add(redis.send("GET", "counter"));
            }
            assertEquals(10_000, replies.size());
            for (int i = 0; i < 2500; i++) {
                assertEquals("OK", get(replies.get(4 * i)).asString());
                assertEquals("v:" + i, get(replies.get(4 * i + 1)).asString());
                assertEquals(i + 1, get(replies.get(4 * i + 2)).asLong());
                assertEquals(Integer.toString(i + 1), get(replies.get(4 * i + 3)).asString());
            }
            assertEquals(0, redis.pendingCommands());
        }
    }

    @Test
    void commandsFromManyThreadsKeepEachThreadsOrder() throws Exception {
        try (RedisClient redis = connect(server.uri())) {
            List<Thread> threads = new ArrayList<>();
            List<List<CompletableFuture<RespValue>>> perThread = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<CompletableFuture<RespValue>> mine = new ArrayList<>();
                perThread.add(mine);
                String key = "t" + t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 1000; i++) {
                        mine.add(redis.send("INCR", key));
                    }
                }));
            }
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(WAIT)), "sender thread finished");
            }
            for (List<CompletableFuture<RespValue>> mine : perThread) {
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i + 1, get(mine.get(i)).asLong(), "the thread's " + i + "th INCR");
                }
            }
        }
    }

    @Test
    void aFiveMebibyteValueRoundTrips() throws Exception {
        byte[] value = new byte[5 * 1024 * 1024];
        new Random(5).nextBytes(value);
        try (RedisClient redis = connect(server.uri())) {
            CompletableFuture<RespValue> set = redis.send("SET", "big", value);
            CompletableFuture<RespValue> len = redis.send("STRLEN", "big");
            CompletableFuture<RespValue> back = redis.send("GET", "big");
            assertEquals("OK", get(set).asString());
            assertEquals(value.length, get(len).asLong());
            assertArrayEquals(value, get(back).asBytes());
        }
    }

    @Test
    void anErrorReplyFailsOnlyItsCommand() throws Exception {
        try (RedisClient redis = connect(server.uri())) {
            CompletableFuture<RespValue> set = redis.send("SET", "name", "text");
            CompletableFuture<RespValue> incr = redis.send("INCR", "name");
            CompletableFuture<RespValue> unknown = redis.send("NOSUCHCOMMAND", "x");
            CompletableFuture<RespValue> after = redis.send("GET", "name");
            assertEquals("OK", get(set).asString());
            RedisErrorReply e = errorReply(incr);
            assertEquals("ERR", e.code());
            assertEquals("INCR", e.command());
            assertTrue(e.reply().contains("not an integer"), e.reply());
            assertTrue(errorReply(unknown).reply().contains("unknown command"));
            assertEquals("text", get(after).asString());
            assertTrue(redis.isOpen());
            assertEquals("PONG", get(redis.send("PING")).asString());
            // Errors inside an array (EXEC's replies) stay values.
            redis.send("MULTI");
            redis.send("INCR", "name");
            redis.send("GET", "name");
            List<RespValue> exec = get(redis.send("EXEC")).asList();
            assertInstanceOf(RespValue.ErrorString.class, exec.get(0));
            assertEquals("text", exec.get(1).asString());
        }
    }

    @Test
    void selectsTheDatabaseOfTheUri() throws Exception {
        try (RedisClient db3 = connect(server.uri(null, 3)); RedisClient db0 = connect(server.uri())) {
            assertEquals("OK", get(db3.send("SET", "where", "three")).asString());
            assertNull(get(db0.send("GET", "where")).asString());
            try (RedisClient again = connect(server.uri(null, 3))) {
                assertEquals("three", get(again.send("GET", "where")).asString());
            }
        }
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> RedisClient.connect(group, server.uri(null, 99)).get(WAIT, TimeUnit.SECONDS));
        RedisErrorReply refused = assertInstanceOf(RedisErrorReply.class, e.getCause());
        assertEquals("SELECT", refused.command());
        assertTrue(refused.reply().contains("out of range"), refused.reply());
    }

    @Test
    void logsInWithAPasswordAndWithAnAclUser() throws Exception {
        try (RedisServerProcess secured = RedisServerProcess.start("--requirepass", "s3cret")) {
            try (RedisClient admin = connect(secured.uri(":s3cret", 0))) {
                assertEquals("PONG", get(admin.send("PING")).asString());
                assertEquals("default", get(admin.send("ACL", "WHOAMI")).asString());
                assertEquals("OK", get(admin.send("ACL", "SETUSER", "chat", "on", ">chat-pw", "~*", "&*", "+@all")).asString());
            }
            try (RedisClient chat = connect(secured.uri("chat:chat-pw", 2))) {
                assertEquals("chat", get(chat.send("ACL", "WHOAMI")).asString());
                assertEquals("OK", get(chat.send("SET", "k", "v")).asString());
            }
            // Wrong passwords: the connect fails with Redis's refusal, and the connection is closed.
            for (String userInfo : new String[] {":wrong", "chat:wrong", "nobody:chat-pw"}) {
                CompletableFuture<RedisClient> f = RedisClient.connect(group, secured.uri(userInfo, 0));
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT, TimeUnit.SECONDS), userInfo);
                RedisErrorReply refused = assertInstanceOf(RedisErrorReply.class, e.getCause(), userInfo);
                assertEquals("WRONGPASS", refused.code(), refused.reply());
                assertEquals("AUTH", refused.command());
            }
            // No password: connected, but every command is refused with NOAUTH.
            try (RedisClient anonymous = connect(secured.uri())) {
                assertEquals("NOAUTH", errorReply(anonymous.send("GET", "k")).code());
            }
        }
    }

    @Test
    void aKilledServerFailsWaitingCommandsAndTheLoopGoesOn() throws Exception {
        try (RedisServerProcess doomed = RedisServerProcess.start(); RedisClient admin = connect(doomed.uri())) {
            RedisClient redis = connect(doomed.uri());
            // BLPOP blocks the connection on the server; the PINGs behind it wait for their replies.
            CompletableFuture<RespValue> blocked = redis.send("BLPOP", "never", 0);
            List<CompletableFuture<RespValue>> waiting = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                waiting.add(redis.send("PING"));
            }
            awaitTrue(() -> info(admin, "blocked_clients").equals("1"), "the server holds the BLPOP");
            doomed.kill();

            RedisConnectionException lost = assertInstanceOf(RedisConnectionException.class, failure(blocked));
            assertTrue(lost.getMessage().contains(doomed.uri().toString()), lost.getMessage());
            for (CompletableFuture<RespValue> f : waiting) {
                assertSame(lost, failure(f), "every waiting command fails with the same cause");
            }
            assertSame(lost, failure(redis.closeFuture()));
            assertFalse(redis.isOpen());
            assertSame(lost, failure(redis.send("PING")), "a later command fails at once");
            redis.close(); // idempotent after a failure
            redis.close();

            // The same loop serves another connection.
            try (RedisClient other = connect(server.uri())) {
                assertEquals("PONG", get(other.send("PING")).asString());
                assertSame(redis.loop(), other.loop());
            }
        }
    }

    @Test
    void closeFailsWaitingCommandsAndIsIdempotent() throws Exception {
        RedisClient redis = connect(server.uri());
        CompletableFuture<RespValue> blocked = redis.send("BLPOP", "never", 0);
        redis.close();
        redis.close();
        RedisConnectionException e = assertInstanceOf(RedisConnectionException.class, failure(blocked));
        assertTrue(e.getMessage().contains("closed by RedisClient.close()"), e.getMessage());
        assertNull(redis.closeFuture().get(WAIT, TimeUnit.SECONDS));
        assertInstanceOf(RedisConnectionException.class, failure(redis.send("PING")));
    }

    @Test
    void commandsBeyondTheBoundFailFast() throws Exception {
        RedisClient.Options options = RedisClient.Options.defaults().withMaxPending(10);
        try (RedisClient redis = RedisClient.connect(group, server.uri(), options).get(WAIT, TimeUnit.SECONDS)) {
            CompletableFuture<RespValue> blocked = redis.send("BLPOP", "q", 0);
            List<CompletableFuture<RespValue>> queued = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                queued.add(redis.send("PING"));
            }
            CompletableFuture<RespValue> refused = redis.send("PING");
            RejectedExecutionException e = assertInstanceOf(RejectedExecutionException.class, failure(refused));
            assertTrue(e.getMessage().contains("maxPending 10"), e.getMessage());
            assertTrue(redis.isOpen(), "a refused command does not close the connection");
            try (RedisClient other = connect(server.uri())) {
                get(other.send("RPUSH", "q", "item"));
            }
            assertEquals(List.of("q", "item"), get(blocked).asList().stream().map(RespValue::asString).toList());
            for (CompletableFuture<RespValue> f : queued) {
                assertEquals("PONG", get(f).asString());
            }
            assertEquals("PONG", get(redis.send("PING")).asString(), "room again once replies came");
        }
    }

    @Test
    void aHostileReplyClosesOnlyThatConnection() throws Exception {
        try (FakeServer fake = FakeServer.replying("+OK\r\n$-5\r\n")) {
            RedisClient victim = connect(fake.uri());
            CompletableFuture<RespValue> first = victim.send("PING");
            CompletableFuture<RespValue> second = victim.send("GET", "k");
            CompletableFuture<RespValue> third = victim.send("GET", "k2");
            assertEquals("OK", get(first).asString());
            RespProtocolException e = assertInstanceOf(RespProtocolException.class, failure(second));
            assertTrue(e.getMessage().contains("bulk string length '-5' is negative"), e.getMessage());
            assertSame(e, failure(third));
            assertSame(e, failure(victim.closeFuture()));
            assertTrue(fake.peerClosed(), "the client closed the connection");
            try (RedisClient other = connect(server.uri())) {
                assertEquals("PONG", get(other.send("PING")).asString());
            }
        }
    }

    @Test
    void aReplyWithNoCommandClosesTheConnection() throws Exception {
        try (FakeServer fake = FakeServer.greeting("+HELLO\r\n")) {
            RedisClient victim = connect(fake.uri());
            RespProtocolException e = assertInstanceOf(RespProtocolException.class, failure(victim.closeFuture()));
            assertTrue(e.getMessage().contains("a reply came with no command waiting for it"), e.getMessage());
            assertTrue(fake.peerClosed());
        }
    }

    @Test
    void aBulkStringOverTheClientsLimitClosesTheConnection() throws Exception {
        RedisClient.Options small = RedisClient.Options.defaults()
                .withReaderLimits(RespReader.Limits.DEFAULT.withMaxBulkBytes(64 * 1024));
        try (FakeServer fake = FakeServer.replying("$100000000\r\nxxxxxxxx")) {
            RedisClient victim = RedisClient.connect(group, fake.uri(), small).get(WAIT, TimeUnit.SECONDS);
            RespProtocolException e = assertInstanceOf(RespProtocolException.class, failure(victim.send("GET", "k")));
            assertTrue(e.getMessage().contains("exceeds the limit of 65536 bytes"), e.getMessage());
            assertTrue(fake.peerClosed());
        }
    }

    @Test
    void aRefusedConnectionFailsTheConnect() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisUri nowhere = RedisUri.parse("redis://127.0.0.1:" + port);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> RedisClient.connect(group, nowhere).get(WAIT, TimeUnit.SECONDS));
        RedisConnectionException c = assertInstanceOf(RedisConnectionException.class, e.getCause());
        assertTrue(c.getMessage().startsWith("cannot connect to redis://127.0.0.1:" + port), c.getMessage());
        assertInstanceOf(java.net.ConnectException.class, c.getCause());
    }

    @Test
    void rediss() throws Exception {
        try (RedisServerProcess tls = RedisServerProcess.startWithTls(TlsFixtures.file("server.pem"), TlsFixtures.file("server.key"),
                TlsFixtures.file("ca.pem"), "--requirepass", "s3cret")) {
            RedisUri uri = RedisUri.parse("rediss://:s3cret@127.0.0.1:" + tls.tlsPort() + "/1");
            RedisClient.Options options = RedisClient.Options.defaults().withTls(TlsFixtures.build(TlsFixtures.client()));
            try (RedisClient redis = RedisClient.connect(group, uri, options).get(WAIT, TimeUnit.SECONDS)) {
                List<CompletableFuture<RespValue>> replies = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    replies.add(redis.send("INCR", "n"));
                }
                byte[] value = new byte[1024 * 1024];
                new Random(3).nextBytes(value);
                redis.send("SET", "big", value);
                CompletableFuture<RespValue> back = redis.send("GET", "big");
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i + 1, get(replies.get(i)).asLong());
                }
                assertArrayEquals(value, get(back).asBytes());
                assertTrue(get(redis.send("CLIENT", "INFO")).asString().contains("db=1"));
            }
            // A client that does not trust the test CA: the handshake fails the connect.
            RedisClient.Options untrusting = RedisClient.Options.defaults().withTls(TlsFixtures.build(io.netloop.tls.TlsContext.client()));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> RedisClient.connect(group, uri, untrusting).get(WAIT, TimeUnit.SECONDS));
            RedisConnectionException c = assertInstanceOf(RedisConnectionException.class, e.getCause());
            assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, c.getCause(), c.getMessage());
        }
    }

    @Test
    void redissWithoutATlsContextIsRefused() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> RedisClient.connect(group, RedisUri.parse("rediss://127.0.0.1:" + server.port())).get(WAIT, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("give a TLS context with Options.withTls"), e.getCause().getMessage());
    }

    // ---- helpers ----

    private static RedisClient connect(RedisUri uri) throws Exception {
        return RedisClient.connect(group, uri).get(WAIT, TimeUnit.SECONDS);
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    /** The exception {@code f} failed with, waiting at most {@link #WAIT} seconds. */
    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static RedisErrorReply errorReply(CompletableFuture<RespValue> f) throws Exception {
        return assertInstanceOf(RedisErrorReply.class, failure(f));
    }

    private static String info(RedisClient admin, String field) {
        try {
            for (String line : get(admin.send("INFO", "clients")).asString().split("\r\n")) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1);
                }
            }
            return "";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + WAIT + " s: " + what);
            Thread.sleep(10);
        }
    }

    /**
     * One connection's worth of a misbehaving Redis: accepts once, writes its script (at once, or
     * after the first command byte arrives), then reads until the client closes.
     */
    private static final class FakeServer implements AutoCloseable {
        private final ServerSocket listener;
        private final CompletableFuture<Boolean> peerClosed = new CompletableFuture<>();
        private final Thread thread;

        private FakeServer(String script, boolean waitForCommand) throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            listener.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
            thread = Thread.ofPlatform().name("fake-redis").start(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
                    InputStream in = s.getInputStream();
                    if (waitForCommand && in.read() < 0) {
                        peerClosed.complete(true);
                        return;
                    }
                    s.getOutputStream().write(script.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    byte[] sink = new byte[4096];
                    while (in.read(sink) >= 0) {
                        // the client's commands; the script does not depend on them
                    }
                    peerClosed.complete(true);
                } catch (java.net.SocketTimeoutException e) {
                    peerClosed.complete(false);
                } catch (IOException e) {
                    // A reset (the client aborts) is a close too.
                    peerClosed.complete(true);
                }
            });
        }

        static FakeServer replying(String script) throws IOException {
            return new FakeServer(script, true);
        }

        static FakeServer greeting(String script) throws IOException {
            return new FakeServer(script, false);
        }

        RedisUri uri() {
            return RedisUri.parse("redis://127.0.0.1:" + listener.getLocalPort());
        }

        boolean peerClosed() throws Exception {
            return peerClosed.get(2 * WAIT, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            listener.close();
            thread.join(Duration.ofSeconds(2 * WAIT));
        }
    }
}
