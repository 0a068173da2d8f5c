package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.conformance.TlsFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's flags, the TLS ones above all: what they set, the combinations refused with a
 * message naming the flags, and key files that cannot be used refused at start-up, before any
 * loop runs, with a message naming the file.
 */
class ChatConfigTest {

    @Test
    void tlsIsOffWithoutKeysAndItsPortDefaultsTo6697() {
        ChatConfig c = ChatConfig.parse(new String[] {"--port", "7000"});
        assertFalse(c.tls());
        assertEquals(7000, c.port());
        assertEquals(6697, c.tlsPort());
        assertEquals(Duration.ofSeconds(5), c.keyCheckInterval());
    }

    @Test
    void pemFlagsTurnTlsOn() {
        ChatConfig c = ChatConfig.parse(new String[] {"--cert", "fullchain.pem", "--key", "privkey.pem"});
        assertTrue(c.tls());
        assertEquals(6697, c.tlsPort(), "the default TLS port once a certificate is given");
        assertEquals(Path.of("fullchain.pem"), c.certificate());
        assertEquals(Path.of("privkey.pem"), c.privateKey());
        assertNull(c.keystore());
    }

    @Test
    void keystoreFlagsTurnTlsOnAndThePasswordIsNotShown() {
        ChatConfig c = ChatConfig.parse(new String[] {"--keystore", "server.p12", "--keystore-password", "s3cret",
            "--tls-port", "7443", "--key-check-interval", "30"});
        assertTrue(c.tls());
        assertEquals(7443, c.tlsPort());
        assertEquals(Path.of("server.p12"), c.keystore());
        assertEquals("s3cret", c.keystorePassword());
        assertEquals(Duration.ofSeconds(30), c.keyCheckInterval());
        assertFalse(c.toString().contains("s3cret"), () -> "toString hides the password: " + c);
    }

    @Test
    void refusesTlsFlagsThatMakeNoSenseTogether() {
        assertRefused("--key needs --cert", "--key", "k.pem");
        assertRefused("--cert needs --key", "--cert", "c.pem");
        assertRefused("--tls-port needs keys", "--tls-port", "6697");
        assertRefused("--keystore-password needs --keystore", "--keystore-password", "pw");
        assertRefused("--keystore needs --keystore-password", "--keystore", "s.p12");
        assertRefused("not both", "--cert", "c.pem", "--key", "k.pem", "--keystore", "s.p12", "--keystore-password", "pw");
        assertRefused("--tls-port needs a number", "--tls-port", "ircs", "--cert", "c.pem", "--key", "k.pem");
        assertRefused("tlsPort must be 0..65535", "--tls-port", "70000", "--cert", "c.pem", "--key", "k.pem");
    }

    @Test
    void theRecordRefusesHalfAPairToo() {
        assertThrows(IllegalArgumentException.class, () -> ChatConfig.defaults().withPemKeys(Path.of("c.pem"), null));
        assertThrows(IllegalArgumentException.class, () -> ChatConfig.defaults().withKeystore(Path.of("s.p12"), null));
        assertThrows(IllegalArgumentException.class,
                () -> ChatConfig.defaults().withPemKeys(Path.of("c.pem"), Path.of("k.pem")).withKeystore(Path.of("s.p12"), "pw"));
    }

    @Test
    void missingKeyFileStopsTheStartNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.pem");
        IOException e = assertThrows(IOException.class, () -> ChatServer.start(
                tlsConfig().withPemKeys(missing, TlsFixtures.file("server.key"))));
        assertTrue(e.getMessage().contains(missing + ": no such file"), e::getMessage);
    }

    @Test
    void fileThatIsNotACertificateStopsTheStart(@TempDir Path dir) throws IOException {
        Path notPem = Files.writeString(dir.resolve("cert.pem"), "hello\n");
        IOException e = assertThrows(IOException.class, () -> ChatServer.start(
                tlsConfig().withPemKeys(notPem, TlsFixtures.file("server.key"))));
        assertTrue(e.getMessage().contains(notPem + ": no '-----BEGIN CERTIFICATE-----' block"), e::getMessage);
    }

    @Test
    void keyOfAnotherCertificateStopsTheStart() {
        // Both EC keys: the same algorithm, but KeyMaterial signs and verifies, so the pair is refused.
        IOException e = assertThrows(IOException.class, () -> ChatServer.start(
                tlsConfig().withPemKeys(TlsFixtures.file("server.pem"), TlsFixtures.file("other.key"))));
        assertTrue(e.getMessage().contains("the private key does not belong to the leaf certificate CN=server"), e::getMessage);
    }

    @Test
    void wrongKeystorePasswordStopsTheStart() {
        IOException e = assertThrows(IOException.class, () -> ChatServer.start(
                tlsConfig().withKeystore(TlsFixtures.file("server.p12"), "wrong")));
        assertTrue(e.getMessage().contains("wrong password"), e::getMessage);
    }

    @Test
    void redisFlagsMakeTheServerANodeOfACluster() {
        ChatConfig alone = ChatConfig.parse(new String[] {"--port", "7000"});
        assertNull(alone.redis());
        assertEquals(100_000, alone.clusterQueue());
        ChatConfig node = ChatConfig.parse(new String[] {"--redis", "rediss://chat:s3cret@redis.example:6380/2",
                "--redis-ca", "ca.pem", "--cluster-queue", "500"});
        assertEquals(new io.netloop.samples.chat.redis.RedisUri(true, "redis.example", 6380, "chat", "s3cret", 2), node.redis());
        assertEquals(Path.of("ca.pem"), node.redisCa());
        assertEquals(500, node.clusterQueue());
        assertFalse(node.toString().contains("s3cret"), node::toString);
        assertRefused("expected redis://", "--redis", "http://redis.example");
        assertRefused("--redis-ca is for a TLS connection to Redis", "--redis", "redis://127.0.0.1", "--redis-ca", "ca.pem");
        assertRefused("clusterQueue must be at least 1", "--redis", "redis://127.0.0.1", "--cluster-queue", "0");
    }

    @Test
    void aRedisThatCannotBeReachedStopsTheStartNamingIt() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int closed = port;
        IOException e = assertThrows(IOException.class, () -> ChatServer.start(ChatConfig.defaults().withHost("127.0.0.1")
                .withPort(0).withThreads(1).withRedis(io.netloop.samples.chat.redis.RedisUri.parse("redis://127.0.0.1:" + closed))));
        assertTrue(e.getMessage().startsWith("cannot join the chat cluster on redis://127.0.0.1:" + closed + ": cannot connect"),
                e::getMessage);
    }

    @Test
    void adminPortAndOperatorsAreOffByDefault() {
        ChatConfig c = ChatConfig.parse(new String[] {"--port", "7000"});
        assertFalse(c.admin());
        assertEquals(ChatConfig.NO_ADMIN_PORT, c.adminPort());
        assertEquals("127.0.0.1", c.adminHost(), "loopback unless the operator says otherwise");
        assertNull(c.operPassword());
    }

    @Test
    void adminAndOperatorFlagsSetWhatTheySay() {
        ChatConfig c = ChatConfig.parse(new String[] {"--admin-port", "9100", "--admin-host", "0.0.0.0", "--oper-password", "hunter2"});
        assertTrue(c.admin());
        assertEquals(9100, c.adminPort());
        assertEquals("0.0.0.0", c.adminHost());
        assertEquals("hunter2", c.operPassword());
        assertFalse(c.toString().contains("hunter2"), () -> "toString hides the operator password: " + c);
        assertEquals(0, ChatConfig.parse(new String[] {"--admin-port", "0"}).adminPort(), "0 picks a free port");
    }

    @Test
    void refusesAdminAndOperatorFlagsThatMakeNoSense() {
        assertRefused("--admin-port must be 0..65535 (0 picks a free port), was 65536", "--admin-port", "65536");
        assertRefused("--admin-port must be 0..65535 (0 picks a free port), was -1", "--admin-port", "-1");
        assertRefused("--admin-port needs a number, got \"metrics\"", "--admin-port", "metrics");
        assertRefused("--admin-host needs --admin-port", "--admin-host", "127.0.0.1");
        assertRefused("--admin-host needs an address", "--admin-port", "0", "--admin-host", " ");
        assertRefused("--oper-password must not be empty", "--oper-password", "");
        assertRefused("missing value after --oper-password", "--oper-password");
        assertThrows(IllegalArgumentException.class, () -> ChatConfig.defaults().withAdminPort(70000));
        assertThrows(IllegalArgumentException.class, () -> ChatConfig.defaults().withOperPassword(""));
        assertTrue(ChatConfig.usage().contains("--admin-port PORT [--admin-host 127.0.0.1]"), ChatConfig::usage);
        assertTrue(ChatConfig.usage().contains("--oper-password PW"), ChatConfig::usage);
    }

    @Test
    void anAdminPortInUseStopsTheStartNamingIt() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class, () -> ChatServer.start(ChatConfig.defaults().withHost("127.0.0.1")
                    .withPort(0).withThreads(1).withAdminPort(taken.getLocalPort())));
            assertTrue(e instanceof java.net.BindException, () -> "a BindException: " + e);
            assertTrue(e.getMessage().startsWith("admin port 127.0.0.1:" + taken.getLocalPort() + ": "), e::getMessage);
        }
    }

    private static ChatConfig tlsConfig() {
        return ChatConfig.defaults().withHost("127.0.0.1").withPort(0).withTlsPort(0).withThreads(1);
    }

    private static void assertRefused(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatConfig.parse(args));
        assertTrue(e.getMessage().contains(expected), () -> String.join(" ", args) + ": expected \"" + expected + "\" in: " + e.getMessage());
    }
}
