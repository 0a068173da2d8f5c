package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Connection;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import io.netloop.tls.Tls;
import io.netloop.tls.TlsConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS interoperability with peers nobody here wrote, over TLS 1.2 and 1.3 each: OpenSSL's
 * {@code s_client} and {@code s_server} as real processes, and the JDK's blocking
 * {@link SSLSocket} and {@link SSLServerSocket}, in both directions. Each test checks the bytes
 * that come back, the protocol both sides negotiated, and how the connection ended.
 *
 * <p>The OpenSSL tests skip, with the reason, where OpenSSL 3 is not on PATH
 * ({@code ci/install-deps.sh} installs Debian's) and on Windows (see {@link OpensslPeer}).
 * OpenSSL always verifies netloop's chain against {@code ca.pem} and the name {@code localhost},
 * and gives up on the handshake when it cannot ({@code -verify_return_error}).
 */
public interface TlsInteropConformance extends ConformanceContext {

    @ParameterizedTest(name = "{displayName}, {0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    default void interop_openssl_client_echoes_through_netloop_server(String version) throws IOException {
        assumeOpenssl();
        EventLoopGroup server = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), echoes));
        byte[] payload = Payloads.random(100 * 1024, 41);

        // -brief: the summary goes to stderr, so stdout carries only the echo. -no_ign_eof: the end of
        // its stdin makes s_client send close_notify and exit ("DONE"), so stdin stays open until the
        // echo is back. -nocommands: random bytes starting with Q, R or k are data, not commands.
        OpensslPeer client = closeAfterTest(OpensslPeer.start(sClient(listener.localAddress(), version, "-brief", "-no_ign_eof")));
        CompletableFuture<Void> sent = client.writeInBackground(payload);
        Payloads.assertSameBytes(payload, client.awaitStdout(payload.length), "s_client's echo of " + payload.length + " bytes");
        Await.get(sent, "s_client's stdin taking the payload");
        client.closeStdin();
        assertEquals(0, client.awaitExit(), () -> "s_client's status: " + client);

        String summary = client.stderrText();
        assertTrue(summary.contains("Protocol version: " + version), () -> "s_client negotiated " + version + ": " + client);
        assertTrue(summary.contains("Verification: OK") && summary.contains("Verified peername: localhost"),
                () -> "s_client verified the chain against ca.pem and the name localhost: " + client);
        EchoHandler serverSide = echoes.awaitFirst();
        assertEquals(version, ((TlsConnection) serverSide.awaitOpen()).session().getProtocol());
        assertNull(serverSide.awaitClose(), "s_client's close_notify ends the server side in order");
        assertEquals(payload.length, serverSide.received());
        serverSide.assertContractHeld();
    }

    @ParameterizedTest(name = "{displayName}, {0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    default void interop_openssl_client_refuses_netloop_server_it_cannot_verify(String version) throws IOException {
        // The counterpart of the checks above: with another CA to trust, s_client really refuses.
        assumeOpenssl();
        EventLoopGroup server = newGroup(1);
        ServerHandlers<EchoHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), handlers));
        List<String> args = sClient(listener.localAddress(), version, "-brief");
        args.set(args.indexOf("-CAfile") + 1, TlsFixtures.file("rogue-ca.pem").toString());

        OpensslPeer client = closeAfterTest(OpensslPeer.start(args));
        assertNotEquals(0, client.awaitExit(), () -> "s_client must fail the handshake: " + client);
        assertTrue(client.stderrText().contains("certificate verify failed"), () -> "s_client's reason: " + client);
        // s_client's alert reaches the server handler as the cause of a handshake that never opened.
        // Under TLS 1.3 OpenSSL sends it in plaintext (its writing has not switched to the handshake
        // keys yet); the JDK's engine then names the alert only in the cause of an
        // SSLProtocolException ("Unexpected exception"), as the JDK's own SSLServerSocket does.
        Throwable cause = handlers.awaitFirst().awaitClose();
        assertInstanceOf(SSLException.class, cause);
        assertTrue(causeChainMentions(cause, "unknown_ca"),
                () -> "the server hears OpenSSL's alert: " + cause + ", caused by " + cause.getCause());
        assertFalse(handlers.awaitFirst().isOpened(), "no onOpen for a failed handshake");
    }

    @ParameterizedTest(name = "{displayName}, {0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    default void interop_openssl_client_resumes_its_session_with_netloop_server(String version) throws IOException {
        assumeOpenssl();
        EventLoopGroup server = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), echoes));
        Path session = Files.createTempFile("netloop-openssl-session", ".pem");
        closeAfterTest(() -> Files.deleteIfExists(session));

        String first = sClientEcho(listener.localAddress(), version, "first connection", "-sess_out", session.toString());
        assertTrue(first.contains("New, " + version), () -> "a full handshake first: " + first);
        assertTrue(Files.size(session) > 0, "s_client saved the session it got");
        String second = sClientEcho(listener.localAddress(), version, "second connection", "-sess_in", session.toString());
        assertTrue(second.contains("Reused, " + version), () -> "s_client resumed the saved session: " + second);

        for (int i = 1; i <= 2; i++) {
            assertEquals(version, ((TlsConnection) echoes.await(i).awaitOpen()).session().getProtocol());
            assertNull(echoes.await(i).awaitClose(), "connection " + i + " ends in order");
        }
    }

    @ParameterizedTest(name = "{displayName}, {0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    default void interop_openssl_client_sees_close_notify_from_netloop_server_and_truncation_without_it(String version)
            throws IOException {
        assumeOpenssl();
        EventLoopGroup server = newGroup(1);
        byte[] goodbye = "goodbye from netloop\n".getBytes(StandardCharsets.US_ASCII);
        ServerHandlers<RecordingHandler> orderly = new ServerHandlers<>(() -> sayingGoodbye(goodbye, false));
        ServerHandlers<RecordingHandler> truncating = new ServerHandlers<>(() -> sayingGoodbye(goodbye, true));
        Listener closing = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), orderly));
        Listener dropping = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), truncating));

        // stdin stays open: s_client leaves because of what the server did, not because its input ended.
        OpensslPeer clean = closeAfterTest(OpensslPeer.start(sClient(closing.localAddress(), version, "-brief")));
        Payloads.assertSameBytes(goodbye, clean.awaitStdout(goodbye.length), "the data before close_notify");
        assertEquals(0, clean.awaitExit(), () -> "s_client exits cleanly after close_notify: " + clean);
        assertFalse(clean.stderrText().contains("unexpected eof") || clean.stderrText().contains(":error:"),
                () -> "s_client saw close_notify, not a truncation: " + clean);
        assertNull(orderly.awaitFirst().awaitClose(), "the server side closed in order");
        orderly.awaitFirst().assertContractHeld();

        // The control: the same goodbye, then TCP's end without close_notify.
        OpensslPeer cut = closeAfterTest(OpensslPeer.start(sClient(dropping.localAddress(), version, "-brief")));
        Payloads.assertSameBytes(goodbye, cut.awaitStdout(goodbye.length), "the data before the truncation");
        assertEquals(1, cut.awaitExit(), () -> "s_client fails on a truncated stream: " + cut);
        assertTrue(cut.stderrText().contains("unexpected eof while reading"), () -> "s_client reports the truncation: " + cut);
        truncating.awaitFirst().awaitClose();
        truncating.awaitFirst().assertContractHeld();
    }

    @ParameterizedTest(name = "{displayName}, {0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    default void interop_netloop_client_against_openssl_server(String version) throws IOException {
        assumeOpenssl();
        EventLoopGroup client = newGroup(1);
        // -rev: s_server answers each line reversed (a deterministic transform to check), ends the
        // connection with close_notify on the line "CLOSE", and with -naccept 1 then exits.
        OpensslPeer server = closeAfterTest(OpensslPeer.start(List.of("s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev",
                versionFlag(version), "-cert", TlsFixtures.file("server.pem").toString(),
                "-key", TlsFixtures.file("server.key").toString())));
        InetSocketAddress address = new InetSocketAddress(Loopback.IPV4, server.awaitAcceptPort());
        byte[] lines = textLines(1000, 42);

        // The client offers both versions; s_server allows only one.
        RecordingHandler h = new RecordingHandler();
        TlsConnection c = Await.get(Tls.connect(client, address, SocketOptions.defaults(), TlsFixtures.build(TlsFixtures.client()),
                "localhost", h), "TLS connect to s_server");
        assertEquals(version, c.session().getProtocol());
        assertTrue(c.write(lines));
        byte[] expected = reversedLines(lines);
        Payloads.assertSameBytes(expected, h.awaitBytes(expected.length), "s_server's reversed lines");

        assertTrue(c.write("CLOSE\n".getBytes(StandardCharsets.US_ASCII)));
        h.awaitInputClosed();
        assertNull(h.awaitClose(), "s_server's close_notify is an orderly end");
        h.assertContractHeld();
        assertEquals(0, server.awaitExit(), () -> "s_server's status: " + server);
        assertTrue(server.output().contains("Protocol version: " + version), () -> "s_server negotiated " + version + ": " + server);
    }

    @ParameterizedTest(name = "{displayName}, {0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    default void interop_jdk_sslsocket_client_echoes_through_netloop_server(String version) throws Exception {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), echoes));
        byte[] payload = Payloads.random(1024 * 1024, 43);

        Socket raw = closeAfterTest(new Socket());
        raw.setSoTimeout((int) Await.LIMIT.toMillis());
        raw.connect(listener.localAddress(), (int) Await.LIMIT.toMillis());
        SSLSocket tls = closeAfterTest((SSLSocket) TlsFixtures.jdkContext(null).getSocketFactory()
                .createSocket(raw, "localhost", ((InetSocketAddress) listener.localAddress()).getPort(), true));
        SSLParameters p = tls.getSSLParameters();
        p.setProtocols(new String[] {version});
        p.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(p);
        tls.startHandshake();
        assertEquals(version, tls.getSession().getProtocol());

        OutputStream out = tls.getOutputStream();
        CompletableFuture<Void> sent = inBackground("jdk-tls-client-writer", () -> {
            out.write(payload);
            out.flush();
            return null;
        });
        Payloads.assertSameBytes(payload, tls.getInputStream().readNBytes(payload.length), "echo to the JDK client");
        Await.get(sent, "the JDK client's write");
        tls.close();

        EchoHandler serverSide = echoes.awaitFirst();
        assertEquals(version, ((TlsConnection) serverSide.awaitOpen()).session().getProtocol());
        assertNull(serverSide.awaitClose(), "the JDK's close_notify ends the server side in order");
        assertEquals(payload.length, serverSide.received());
        serverSide.assertContractHeld();
    }

    @ParameterizedTest(name = "{displayName}, {0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    default void interop_netloop_client_echoes_through_jdk_sslserversocket(String version) throws Exception {
        EventLoopGroup client = newGroup(1);
        SSLServerSocket listening = closeAfterTest((SSLServerSocket) TlsFixtures.jdkContext("server").getServerSocketFactory()
                .createServerSocket(0, 1, Loopback.IPV4));
        listening.setEnabledProtocols(new String[] {version});
        listening.setSoTimeout((int) Await.LIMIT.toMillis());
        CompletableFuture<JdkEchoed> served = inBackground("jdk-tls-echo-server", () -> {
            try (SSLSocket s = (SSLSocket) listening.accept()) {
                s.setSoTimeout((int) Await.LIMIT.toMillis());
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    total += n;
                }
                return new JdkEchoed(s.getSession().getProtocol(), total);
            }
        });
        byte[] payload = Payloads.random(1024 * 1024, 44);

        // The client offers both versions; the JDK server allows only one.
        RecordingHandler h = new RecordingHandler();
        TlsConnection c = Await.get(Tls.connect(client, new InetSocketAddress(Loopback.IPV4, listening.getLocalPort()),
                SocketOptions.defaults(), TlsFixtures.build(TlsFixtures.client()), "localhost", h), "TLS connect to the JDK server");
        assertEquals(version, c.session().getProtocol());
        assertTrue(c.write(payload));
        Payloads.assertSameBytes(payload, h.awaitBytes(payload.length), "echo from the JDK server");
        Await.get(c.close(), "close");
        assertNull(h.awaitClose(), "orderly close has no cause");
        h.assertContractHeld();

        JdkEchoed echoed = Await.get(served, "the JDK server reading to close_notify");
        assertEquals(version, echoed.protocol());
        assertEquals(payload.length, echoed.bytes());
    }

    // ---- helpers ----

    /** What the JDK echo server saw: the protocol and how many bytes it echoed before close_notify. */
    record JdkEchoed(String protocol, long bytes) {
    }

    private static void assumeOpenssl() {
        Optional<String> cause = OpensslPeer.unavailabilityCause();
        assumeTrue(cause.isEmpty(), () -> cause.orElse(""));
    }

    private static String versionFlag(String version) {
        return switch (version) {
            case "TLSv1.2" -> "-tls1_2";
            case "TLSv1.3" -> "-tls1_3";
            default -> throw new IllegalArgumentException("no openssl flag for " + version);
        };
    }

    /**
     * s_client arguments: {@code version} only, SNI {@code localhost}, the chain checked against
     * {@code ca.pem} and the name {@code localhost} (the handshake fails otherwise), no command
     * letters, then {@code more}.
     */
    private static List<String> sClient(SocketAddress address, String version, String... more) {
        InetSocketAddress server = (InetSocketAddress) address;
        List<String> args = new ArrayList<>(List.of("s_client", "-connect", server.getAddress().getHostAddress() + ":" + server.getPort(),
                versionFlag(version), "-servername", "localhost", "-verify_hostname", "localhost",
                "-CAfile", TlsFixtures.file("ca.pem").toString(), "-verify_return_error", "-nocommands"));
        args.addAll(List.of(more));
        return args;
    }

    /**
     * Runs s_client with its full report on stdout, sends {@code line}, waits for its echo (under
     * TLS 1.3 the session ticket comes before it, so s_client has seen the ticket by then), ends
     * its input and returns what it printed.
     */
    private String sClientEcho(SocketAddress server, String version, String line, String... more) throws IOException {
        OpensslPeer client = closeAfterTest(OpensslPeer.start(sClient(server, version, more)));
        client.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        client.awaitOutput(line + "\n");
        client.closeStdin();
        assertEquals(0, client.awaitExit(), () -> "s_client's status: " + client);
        return client.output();
    }

    /** Writes {@code goodbye} on open, then closes: with close_notify, or only TCP ({@code truncate}). */
    private static RecordingHandler sayingGoodbye(byte[] goodbye, boolean truncate) {
        return new RecordingHandler() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                c.write(goodbye);
                if (truncate) {
                    // A small write is encrypted when this batch of callbacks ends, by a task queued
                    // on the loop; the transport closes in the task after it, so the record is out first.
                    Connection transport = ((TlsConnection) c).transport();
                    c.loop().execute(transport::close);
                } else {
                    c.close();
                }
            }
        };
    }

    private static boolean causeChainMentions(Throwable t, String text) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (String.valueOf(e.getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code count} lines of 1 to 200 lowercase letters and digits, each ending in LF: never
     * {@code CLOSE}, which would end s_server -rev's connection, and well under its 16 KiB line buffer.
     */
    private static byte[] textLines(int count, long seed) {
        byte[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII);
        SplittableRandom r = new SplittableRandom(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int length = 1 + r.nextInt(200);
            for (int j = 0; j < length; j++) {
                out.write(alphabet[r.nextInt(alphabet.length)]);
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Each LF-ended line of {@code lines} reversed, as s_server -rev answers it. */
    private static byte[] reversedLines(byte[] lines) {
        byte[] out = new byte[lines.length];
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i] == '\n') {
                for (int j = start; j < i; j++) {
                    out[j] = lines[i - 1 - (j - start)];
                }
                out[i] = '\n';
                start = i + 1;
            }
        }
        return out;
    }

    /** Runs {@code task} on a new daemon thread; a blocking JDK peer must not hold up the test thread. */
    private static <T> CompletableFuture<T> inBackground(String name, Callable<T> task) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(task.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return done;
    }
}
