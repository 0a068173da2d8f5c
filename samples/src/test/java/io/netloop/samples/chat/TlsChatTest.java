package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.conformance.TlsFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat over TLS, on its own port beside the plaintext one: real TLS clients ({@code openssl
 * s_client}, the JDK's {@code SSLSocket}) in the same lobby as plaintext users, a plaintext client
 * on the TLS port, key files changed while the server runs, shutdown with TLS users connected, and
 * the chat's use of its connection (pausing a flooder, dropping a client that stopped reading)
 * working the same on a TLS connection.
 *
 * <p>The keys are the conformance suite's test keys ({@link TlsFixtures}), copied for each test
 * into a directory of its own that the test may rewrite. Plaintext users are JDK sockets, so only
 * the s_client tests need a program installed.
 */
class TlsChatTest {
    /** Short, so that a changed key file is seen within a fraction of a second, not the default 5 s. */
    private static final Duration KEY_CHECK = Duration.ofMillis(50);

    @TempDir
    Path keys;

    @EachBackend
    void opensslUserOverTlsAndPlainUserShareTheLobby(String backend) throws Exception {
        try (ChatFixture chat = startPem(backend)) {
            User alice = plain(chat, "alice", 0);
            OpensslUser bob = chat.own(OpensslUser.connect(backend + "/bob", chat.tlsPort(), TlsFixtures.file("ca.pem")));
            bob.register("bob", 1);
            alice.awaitLine("*** bob joined");

            bob.send("hello from bob over TLS");
            alice.awaitLine("<bob> hello from bob over TLS");
            alice.send("hello from alice in the clear");
            bob.awaitLine("<alice> hello from alice in the clear");
            bob.send("/msg alice a private word");
            alice.awaitLine("*bob* a private word");
            bob.awaitLine("-> *alice* a private word");
            bob.send("/who");
            String who = bob.await("the /who reply", l -> l.startsWith("*** In #lobby: ")).line();
            assertEquals(Set.of("alice", "bob"), NcChatTest.who(who), () -> "/who replied " + Lines.quote(who));
            assertEquals(2, chat.server.clientCount(), "one client on each port");
            assertEquals(0, bob.lines.linesWithoutCr(), () -> "server lines end in CRLF over TLS too: " + Lines.quote(bob.lines.all()));

            bob.send("/quit over and out");
            OpensslUser.Ended end = bob.awaitDisconnect();
            assertTrue(end.lines().contains("*** Bye"), () -> "bob gets \"*** Bye\" before the close: " + Lines.quote(end.lines()));
            assertEquals(0, end.exitStatus(), () -> "s_client exits 0 when the server ended the TLS session with close_notify; stderr: "
                    + Lines.quote(bob.stderr()));
            alice.awaitLine("*** bob left (Quit: over and out)");
            Eventually.equal(1, chat.server::clientCount, "clientCount once bob has quit");
        }
    }

    @EachBackend
    void jdkTlsUsersInPlainAndIrcModeChatWithAPlainUser(String backend) throws Exception {
        try (ChatFixture chat = startPkcs12(backend)) {
            User alice = plain(chat, "alice", 0);

            RawClient carolSocket = chat.own(RawClient.connectTls(backend + "/carol", chat.server.tlsAddress(), trustingTheTestCa()));
            SSLSession session = carolSocket.tlsSession();
            assertEquals("TLSv1.3", session.getProtocol(), "the JDK client and server agree on TLS 1.3");
            assertEquals(serial("server.pem"), presentedSerial(session), "the keystore's certificate is presented");
            User carol = new User(carolSocket, carolSocket.startReading());
            carol.register("carol", 1);
            alice.awaitLine("*** carol joined");

            // IRC mode over TLS: the first line decides the mode, whatever the port.
            RawClient daveSocket = chat.own(RawClient.connectTls(backend + "/dave", chat.server.tlsAddress(), trustingTheTestCa()));
            Lines dave = daveSocket.startReading();
            daveSocket.sendBytes("NICK dave\r\nUSER dave 0 * :Dave over TLS\r\n".getBytes(StandardCharsets.UTF_8));
            dave.await("001 for dave", l -> l.startsWith(":netloop 001 dave "));
            dave.awaitLine(":dave!dave@127.0.0.1 JOIN #lobby");
            dave.awaitLine(":netloop 366 dave #lobby :End of /NAMES list");
            alice.awaitLine("*** dave joined");
            carol.awaitLine("*** dave joined");

            alice.send("hi from the clear");
            carol.awaitLine("<alice> hi from the clear");
            dave.awaitLine(":alice!alice@127.0.0.1 PRIVMSG #lobby :hi from the clear");
            carol.send("carol over TLS");
            alice.awaitLine("<carol> carol over TLS");
            dave.awaitLine(":carol!carol@127.0.0.1 PRIVMSG #lobby :carol over TLS");
            daveSocket.sendBytes("PRIVMSG #lobby :dave over TLS in IRC mode\r\n".getBytes(StandardCharsets.UTF_8));
            alice.awaitLine("<dave> dave over TLS in IRC mode");
            carol.awaitLine("<dave> dave over TLS in IRC mode");
            assertEquals(3, chat.server.clientCount());
        }
    }

    @EachBackend
    void plaintextClientOnTheTlsPortIsDroppedWithoutDisturbingTheOthers(String backend) throws Exception {
        try (ChatFixture chat = startPem(backend)) {
            User alice = plain(chat, "alice", 0);
            User carol = tls(chat, "carol", 1);
            alice.awaitLine("*** carol joined");

            RawClient intruder = chat.own(RawClient.connect(backend + "/intruder", chat.server.tlsAddress(), 0));
            intruder.send("mallory");
            byte[] got = readUntilClosed(intruder);
            // The server answers a first record that is not TLS with at most an alert record (0x15), never chat text.
            assertTrue(got.length == 0 || got[0] == 0x15,
                    () -> "the intruder gets nothing or a TLS alert, got " + new String(got, StandardCharsets.ISO_8859_1));
            assertFalse(new String(got, StandardCharsets.ISO_8859_1).contains("***"), "no chat text in the clear on the TLS port");

            alice.send("still here");
            carol.awaitLine("<alice> still here");
            carol.send("me too");
            Lines.Match m = alice.awaitLine("<carol> me too");
            assertTrue(m.skipped().isEmpty(), () -> "alice hears nothing of the intruder: " + Lines.quote(m.skipped()));
            assertEquals(2, chat.server.clientCount(), "the intruder was never a client");
        }
    }

    @EachBackend
    void changedKeyFilesReachNewConnectionsAndBrokenOnesAreRefused(String backend) throws Exception {
        try (ChatFixture chat = startPem(backend)) {
            BigInteger first = serial("server.pem");
            BigInteger renewed = serial("server-renewed.pem");
            assertNotEquals(first, renewed);
            User alice = tls(chat, "alice", 0);
            assertEquals(first, presentedSerial(alice.client().tlsSession()));

            // A broken certificate file: refused, and the keys in force stay.
            replace(keys.resolve("cert.pem"), "not a certificate\n".getBytes(StandardCharsets.US_ASCII));
            Eventually.equal(1, chat.server::keyReloadsRefused, "refused reloads after the certificate file was broken");
            assertEquals(0, chat.server.keyReloads());
            assertEquals(first, presentedSerial(handshake(chat, "after-broken")), "a broken file leaves the current keys in force");

            // The renewal: another key (RSA in place of EC) and its certificate, each file replaced
            // whole. A check between the two writes sees a mismatch and refuses it; the next one loads both.
            replace(keys.resolve("key.pem"), Files.readAllBytes(TlsFixtures.file("server-renewed.key")));
            replace(keys.resolve("cert.pem"), Files.readAllBytes(TlsFixtures.file("server-renewed.pem")));
            Eventually.equal(1, chat.server::keyReloads, "reloads after the renewal was written");
            assertEquals(renewed, presentedSerial(handshake(chat, "after-renewal")), "a new connection gets the renewed certificate");

            // Users on either key chat on: the reload touched no open connection.
            User bob = tls(chat, "bob", 1);
            assertEquals(renewed, presentedSerial(bob.client().tlsSession()));
            alice.awaitLine("*** bob joined");
            alice.send("from the old key");
            bob.awaitLine("<alice> from the old key");
            bob.send("from the new key");
            alice.awaitLine("<bob> from the new key");
            assertEquals(first, presentedSerial(alice.client().tlsSession()), "alice's session keeps the certificate it began with");
        }
    }

    @EachBackend
    void shutdownTellsTlsUsersAndEndsTheirSessionsWithCloseNotify(String backend) throws Exception {
        try (ChatFixture chat = startPem(backend)) {
            User alice = plain(chat, "alice", 0);
            User carol = tls(chat, "carol", 1);
            OpensslUser bob = chat.own(OpensslUser.connect(backend + "/bob", chat.tlsPort(), TlsFixtures.file("ca.pem")));
            bob.register("bob", 2);
            alice.awaitLine("*** bob joined");
            carol.awaitLine("*** bob joined");

            chat.server.shutdown().get(Lines.LIMIT.toSeconds(), TimeUnit.SECONDS);
            OpensslUser.Ended end = bob.awaitDisconnect();
            assertTrue(end.lines().contains("*** Server shutting down"), () -> "bob is told: " + Lines.quote(end.lines()));
            assertEquals(0, end.exitStatus(), () -> "s_client exits 0: the server sent close_notify; stderr: " + Lines.quote(bob.stderr()));
            List<String> carolLast = carol.lines().awaitEnd();
            assertTrue(carolLast.contains("*** Server shutting down"), () -> "carol is told: " + Lines.quote(carolLast));
            List<String> aliceLast = alice.lines().awaitEnd();
            assertTrue(aliceLast.contains("*** Server shutting down"), () -> "alice is told: " + Lines.quote(aliceLast));
        }
    }

    @EachBackend
    void floodLimitPausesATlsUserAndReleasesItsLinesInOrder(String backend) throws Exception {
        // A burst of 6 (the nickname and 5 lines), then 50 lines a second: the held lines pass within a second or so.
        try (ChatFixture chat = startPem(backend, c -> c.withFloodBurst(6).withFloodRate(50))) {
            User alice = plain(chat, "alice", 0);
            User carol = tls(chat, "carol", 1);
            alice.awaitLine("*** carol joined");
            // One TLS record per line, so that records wait in the TLS layer while the chat has paused reading.
            for (int i = 1; i <= 40; i++) {
                carol.send("line " + i);
            }
            for (int i = 1; i <= 40; i++) {
                int n = i;
                Lines.Match m = alice.awaitLine("<carol> line " + i);
                assertTrue(m.skipped().isEmpty(), () -> "line " + n + " follows the one before it: " + Lines.quote(m.skipped()));
            }
            carol.send("/who");
            carol.lines().awaitLine("*** In #lobby: alice, carol (2)");
        }
    }

    @EachBackend
    void stalledTlsReaderIsDroppedWhileTheOthersKeepReceiving(String backend) throws Exception {
        int maxSendQueue = 64 * 1024;
        try (ChatFixture chat = startPem(backend, c -> c.withMaxSendQueueBytes(maxSendQueue)
                .withFloodBurst(1_000_000).withFloodRate(1_000_000))) {
            User alice = plain(chat, "alice", 0);
            User bob = tls(chat, "bob", 1);
            alice.awaitLine("*** bob joined");
            RawClient stalled = chat.own(RawClient.connectTls(backend + "/stalled", chat.server.tlsAddress(), trustingTheTestCa(), 4096));
            stalled.registerThenStopReading("stalled");
            alice.awaitLine("*** stalled joined");
            bob.awaitLine("*** stalled joined");

            // Rounds of 20 lines of about 900 bytes, each waited for by bob (who reads), until the
            // server finds the stalled client's queue past 64 KiB. A bound, not a speed: loopback's
            // buffers absorb a few MiB at most.
            String payload = "p".repeat(900);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int round = 0;
            List<String> bobOther = new ArrayList<>();
            while (chat.server.clientCount() == 3) {
                if (System.nanoTime() - deadline > 0) {
                    fail(backend + ": the stalled TLS client is still connected after " + round + " rounds");
                }
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    lines.append(round).append('.').append(i).append(' ').append(payload).append('\n');
                }
                alice.client().sendBytes(lines.toString().getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 20; i++) {
                    bobOther.addAll(bob.awaitLine("<alice> " + round + "." + i + " " + payload).skipped());
                }
                round++;
            }
            String leave = "*** stalled left (send queue exceeded)";
            if (!bobOther.contains(leave)) {
                bobOther.addAll(bob.await("the stalled client's leave", leave::equals).skipped());
                bobOther.add(leave);
            }
            assertEquals(List.of(leave), bobOther, "besides alice's lines, in order, bob gets only the stalled client's leave");
            alice.send("after the drop");
            bob.awaitLine("<alice> after the drop");
            Eventually.equal(2, chat.server::clientCount, "clientCount after the stalled TLS client was dropped");
        }
    }

    // ---- helpers

    /** A plain-mode user and what it received. */
    record User(RawClient client, Lines lines) {
        void register(String nick, int others) throws IOException {
            client.send(nick);
            Lines.Match m = NcUser.awaitHello(lines, nick, others);
            assertTrue(m.skipped().stream().allMatch(NcUser.PROMPT::equals),
                    () -> client.label + ": only the prompt may come before the welcome, got " + Lines.quote(m.skipped()));
        }

        void send(String text) throws IOException {
            client.send(text);
        }

        Lines.Match awaitLine(String exact) {
            return lines.awaitLine(exact);
        }

        Lines.Match await(String what, java.util.function.Predicate<String> matches) {
            return lines.await(what, matches);
        }
    }

    /** The server with TLS keys from PEM files ({@code cert.pem}, {@code key.pem}: the test server's) on a free port. */
    private ChatFixture startPem(String backend) throws IOException {
        return startPem(backend, UnaryOperator.identity());
    }

    private ChatFixture startPem(String backend, UnaryOperator<ChatConfig> tweak) throws IOException {
        Path cert = keys.resolve("cert.pem");
        Path key = keys.resolve("key.pem");
        Files.copy(TlsFixtures.file("server.pem"), cert);
        Files.copy(TlsFixtures.file("server.key"), key);
        return started(ChatFixture.start(backend,
                c -> tweak.apply(c.withTlsPort(0).withPemKeys(cert, key).withKeyCheckInterval(KEY_CHECK))));
    }

    /** The server with TLS keys from the test server's PKCS#12 file, password changeit. */
    private ChatFixture startPkcs12(String backend) throws IOException {
        Path p12 = keys.resolve("server.p12");
        Files.copy(TlsFixtures.file("server.p12"), p12);
        return started(ChatFixture.start(backend, c -> c.withTlsPort(0).withKeystore(p12, "changeit").withKeyCheckInterval(KEY_CHECK)));
    }

    private static ChatFixture started(ChatFixture chat) {
        try {
            assertTrue(chat.server.tlsAddress() != null && chat.tlsPort() > 0 && chat.tlsPort() != chat.port(),
                    () -> "a TLS port of its own: " + chat.server.tlsAddress());
        } catch (AssertionError e) {
            chat.close();
            throw e;
        }
        return chat;
    }

    /** A plain-mode user on the plaintext port, registered as {@code nick}. */
    private static User plain(ChatFixture chat, String nick, int others) throws IOException {
        RawClient c = chat.own(RawClient.connect(chat.backend + "/" + nick, chat.address(), 0));
        User u = new User(c, c.startReading());
        u.register(nick, others);
        return u;
    }

    /** A plain-mode user over TLS (a JDK SSLSocket trusting the test CA), registered as {@code nick}. */
    private static User tls(ChatFixture chat, String nick, int others) throws IOException {
        RawClient c = chat.own(RawClient.connectTls(chat.backend + "/" + nick, chat.server.tlsAddress(), trustingTheTestCa()));
        User u = new User(c, c.startReading());
        u.register(nick, others);
        return u;
    }

    /** A TLS handshake with the server and nothing more; the session, for the certificate it presented. */
    private static SSLSession handshake(ChatFixture chat, String label) throws IOException {
        try (RawClient c = RawClient.connectTls(chat.backend + "/" + label, chat.server.tlsAddress(), trustingTheTestCa())) {
            return c.tlsSession();
        }
    }

    private static SSLContext trustingTheTestCa() {
        return TlsFixtures.jdkContext(null);
    }

    private static BigInteger presentedSerial(SSLSession session) throws SSLPeerUnverifiedException {
        return ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber();
    }

    /** The serial number of a test PEM file's leaf (its first certificate). */
    private static BigInteger serial(String fixture) throws Exception {
        try (InputStream in = Files.newInputStream(TlsFixtures.file(fixture))) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }

    /** Replaces {@code file} whole, as a careful renewal does: written beside it, then renamed over it. */
    private static void replace(Path file, byte[] content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, content);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Everything the server sends until it closes the connection (an end or a reset); fails if it stays open. */
    private static byte[] readUntilClosed(RawClient c) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = c.socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail(c.label + ": the server should close a connection that does not speak TLS; still open after "
                    + Lines.LIMIT.toSeconds() + " s, having sent " + got.size() + " bytes");
        } catch (SocketException reset) {
            // closed with a reset: dropped all the same
        }
        return got.toByteArray();
    }
}
