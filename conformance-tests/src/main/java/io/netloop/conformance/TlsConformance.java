package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Backends;
import io.netloop.Connection;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import io.netloop.tls.KeyMaterial;
import io.netloop.tls.Tls;
import io.netloop.tls.TlsConnection;
import io.netloop.tls.TlsContext;
import io.netloop.tls.TlsHandshakeTimeoutException;
import io.netloop.tls.TlsTruncationException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS ({@link io.netloop.tls}) over this backend: echo of every size, many connections, mixed
 * backends, half-close, SNI, ALPN, client authentication, resumption, key reload, and every way a
 * connection can fail, each ending that one connection with its cause while the others go on.
 * The peers are netloop itself and the JDK's {@link SSLSocket}; {@link TlsInteropConformance}
 * adds OpenSSL.
 */
public interface TlsConformance extends ConformanceContext {

    @ParameterizedTest(name = "{displayName}, {0} bytes")
    @ValueSource(ints = {1, 1024, 64 * 1024, 1024 * 1024, 64 * 1024 * 1024})
    default void tls_echo_between_netloop_client_and_server(int size) throws IOException {
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), echoes));

        tlsRoundTrip(client, listener.localAddress(), TlsFixtures.build(TlsFixtures.client()), Payloads.random(size, 77L + size));

        EchoHandler serverSide = echoes.awaitFirst();
        assertNull(serverSide.awaitClose(), "the server side ends in order after the client's close_notify");
        assertEquals(size, serverSide.received());
        serverSide.assertContractHeld();
    }

    @ParameterizedTest(name = "{displayName}, {0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    default void tls_echo_over_each_protocol_version(String version) throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(),
                Tls.server(TlsFixtures.build(TlsFixtures.server().protocols(version)), echoes));

        TlsConnection c = tlsRoundTrip(client, listener.localAddress(),
                TlsFixtures.build(TlsFixtures.client().protocols("TLSv1.3", "TLSv1.2")), Payloads.random(256 * 1024, 3));
        assertEquals(version, c.session().getProtocol());
        assertEquals(version, ((TlsConnection) echoes.awaitFirst().awaitOpen()).session().getProtocol());
    }

    @Test
    default void many_concurrent_tls_connections() {
        int n = 300;
        assumeDescriptors(2 * n + 50);
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = listen(server, Tls.server(TlsFixtures.build(TlsFixtures.server()), echoes));
        TlsContext clientTls = TlsFixtures.build(TlsFixtures.client());

        List<byte[]> messages = new ArrayList<>();
        List<RecordingHandler> clients = new ArrayList<>();
        List<CompletableFuture<TlsConnection>> connects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] message = Payloads.random(100 + i * 7, i);
            RecordingHandler h = new RecordingHandler().sendingOnOpen(message);
            messages.add(message);
            clients.add(h);
            connects.add(Tls.connect(client, (InetSocketAddress) listener.localAddress(), clientTls, h));
        }
        for (int i = 0; i < n; i++) {
            Await.get(connects.get(i), "TLS connect #" + i);
        }
        for (int i = 0; i < n; i++) {
            Payloads.assertSameBytes(messages.get(i), clients.get(i).awaitBytes(messages.get(i).length), "echo on TLS connection #" + i);
        }
        for (CompletableFuture<TlsConnection> f : connects) {
            f.join().close();
        }
        for (int i = 0; i < n; i++) {
            assertNull(clients.get(i).awaitClose(), "close of TLS connection #" + i);
            clients.get(i).assertContractHeld();
        }
        assertEquals(n, echoes.all().size());
        for (EchoHandler h : echoes.all()) {
            assertNull(h.awaitClose());
            h.assertContractHeld();
        }
    }

    @ParameterizedTest(name = "{displayName}, server on {0}")
    @MethodSource("io.netloop.conformance.EchoConformance#peerBackends")
    default void tls_client_against_server_on_each_backend(String peer) throws IOException {
        assumeTrue(Backends.isAvailable(peer), () -> peer + " unavailable: " + Backends.unavailabilityCause(peer).orElse("?"));
        EventLoopGroup peerServer = newGroup(peer, 1);
        EventLoopGroup client = newGroup(1);
        Listener listener = peerServer.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), EchoHandler::new));
        tlsRoundTrip(client, listener.localAddress(), TlsFixtures.build(TlsFixtures.client()), Payloads.random(1024 * 1024, 21));
    }

    @ParameterizedTest(name = "{displayName}, client on {0}")
    @MethodSource("io.netloop.conformance.EchoConformance#peerBackends")
    default void tls_server_against_client_on_each_backend(String peer) throws IOException {
        assumeTrue(Backends.isAvailable(peer), () -> peer + " unavailable: " + Backends.unavailabilityCause(peer).orElse("?"));
        EventLoopGroup server = newGroup(1);
        EventLoopGroup peerClient = newGroup(peer, 1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), echoes));
        tlsRoundTrip(peerClient, listener.localAddress(), TlsFixtures.build(TlsFixtures.client()), Payloads.random(1024 * 1024, 22));
        assertNull(echoes.awaitFirst().awaitClose());
        echoes.awaitFirst().assertContractHeld();
    }

    @Test
    default void tls_writes_from_many_threads_arrive_whole_and_in_order() throws Exception {
        int writers = 6;
        int recordsPerWriter = 1000;
        int recordSize = 48;
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> sinks = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), sinks));
        TlsConnection c = Await.get(Tls.connect(client, (InetSocketAddress) listener.localAddress(), TlsFixtures.build(TlsFixtures.client()),
                new RecordingHandler()), "TLS connect");

        WriterRecords.writeConcurrently(c, writers, recordsPerWriter, recordSize);
        c.close();
        RecordingHandler sink = sinks.awaitFirst();
        sink.awaitInputClosed();
        byte[] stream = sink.bytes();
        assertEquals(writers * recordsPerWriter * recordSize, stream.length, "plaintext bytes received");
        WriterRecords.assertInterleavedInOrder(stream, writers, recordsPerWriter, recordSize);
        sink.assertContractHeld();
    }

    @Test
    default void tls13_half_close_keeps_the_other_direction_open() throws IOException {
        // close_notify is a half-close in TLS 1.3 (RFC 8446 6.1): the server reads the client's end,
        // then still answers. (TLS 1.2 has no half-close: a peer answers close_notify with its own.)
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        byte[] request = Payloads.random(100_000, 5);
        byte[] reply = Payloads.random(300_000, 6);
        ServerHandlers<RecordingHandler> servers = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onInputClosed(Connection c) {
                super.onInputClosed(c);
                c.write(reply);
                c.close();
            }
        }.keepingHalfOpen());
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server().protocols("TLSv1.3")), servers));
        RecordingHandler h = new RecordingHandler().keepingHalfOpen();
        TlsConnection c = Await.get(Tls.connect(client, (InetSocketAddress) listener.localAddress(), TlsFixtures.build(TlsFixtures.client()), h), "TLS connect");

        assertTrue(c.write(request));
        c.shutdownOutput();
        assertTrue(!c.write(new byte[] {1}), "no writes after shutdownOutput");
        Payloads.assertSameBytes(reply, h.awaitBytes(reply.length), "the reply after the client's close_notify");
        h.awaitInputClosed();
        RecordingHandler serverSide = servers.awaitFirst();
        Payloads.assertSameBytes(request, serverSide.bytes(), "the request before close_notify");
        assertNull(serverSide.awaitClose());
        c.close();
        assertNull(h.awaitClose(), "both sides sent close_notify: an orderly end");
        h.assertContractHeld();
        serverSide.assertContractHeld();
    }

    @Test
    default void server_close_sends_close_notify_and_the_client_ends_in_order() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        byte[] goodbye = "goodbye".getBytes(StandardCharsets.US_ASCII);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()),
                () -> new RecordingHandler() {
                    @Override
                    public void onOpen(Connection c) {
                        super.onOpen(c);
                        c.write(goodbye);
                        c.close();
                    }
                }));
        RecordingHandler h = new RecordingHandler();
        Await.get(Tls.connect(client, (InetSocketAddress) listener.localAddress(), TlsFixtures.build(TlsFixtures.client()), h), "TLS connect");
        Payloads.assertSameBytes(goodbye, h.awaitBytes(goodbye.length), "data before close_notify");
        h.awaitInputClosed();
        assertNull(h.awaitClose(), "close_notify is an orderly end, not a truncation");
        h.assertContractHeld();
    }

    @Test
    default void alpn_picks_a_protocol_both_sides_know() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(),
                Tls.server(TlsFixtures.build(TlsFixtures.server().applicationProtocols("h2", "http/1.1")), echoes));
        TlsConnection c = tlsRoundTrip(client, listener.localAddress(),
                TlsFixtures.build(TlsFixtures.client().applicationProtocols("http/1.1", "spdy/1")), Payloads.random(10, 1));
        assertEquals("http/1.1", c.applicationProtocol());
        assertEquals("http/1.1", ((TlsConnection) echoes.awaitFirst().awaitOpen()).applicationProtocol());
    }

    @Test
    default void sni_picks_the_servers_key_by_name() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(),
                Tls.server(TlsFixtures.build(TlsFixtures.server().serverName("other.test", TlsFixtures.keys("other"))), echoes));
        TlsContext clientTls = TlsFixtures.build(TlsFixtures.client());

        TlsConnection other = Await.get(Tls.connect(client, (InetSocketAddress) listener.localAddress(), SocketOptions.defaults(), clientTls,
                "other.test", new RecordingHandler()), "TLS connect asking for other.test");
        assertEquals("other.test", other.serverName());
        assertEquals("CN=other", leaf(other.session()).getSubjectX500Principal().getName());
        assertEquals("other.test", ((TlsConnection) echoes.awaitFirst().awaitOpen()).serverName());
        Await.get(other.close(), "close");

        // No SNI (an IP address): the default key.
        TlsConnection plain = Await.get(Tls.connect(client, (InetSocketAddress) listener.localAddress(), clientTls, new RecordingHandler()), "TLS connect by IP");
        assertNull(plain.serverName());
        assertEquals("CN=server", leaf(plain.session()).getSubjectX500Principal().getName());
        Await.get(plain.close(), "close");
    }

    @Test
    default void unknown_sni_name_is_refused_and_only_that_connection_ends() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(),
                Tls.server(TlsFixtures.build(TlsFixtures.server().serverName("other.test", TlsFixtures.keys("other"))), handlers));
        TlsContext clientTls = TlsFixtures.build(TlsFixtures.client().verifyHostname(false));
        Healthy healthy = Healthy.open(client, listener.localAddress(), clientTls);

        RecordingHandler h = new RecordingHandler();
        Throwable clientSide = Await.failure(Tls.connect(client, (InetSocketAddress) listener.localAddress(), SocketOptions.defaults(), clientTls,
                "unknown.test", h), "TLS connect asking for unknown.test");
        assertInstanceOf(SSLException.class, clientSide);
        assertTrue(clientSide.getMessage().contains("unrecognized_name"), "client's cause names the alert: " + clientSide);
        assertEquals(0, h.callbackCount(), "a failed TLS connect runs no callback");
        Throwable serverSide = handlers.await(2).awaitClose();
        assertInstanceOf(SSLHandshakeException.class, serverSide);
        assertTrue(serverSide.getMessage().toLowerCase().contains("server name"), "server's cause: " + serverSide);
        healthy.assertStillEchoes();
    }

    @Test
    default void untrusted_server_certificate_fails_the_handshake_on_both_sides() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsContext.server(TlsFixtures.keys("rogue"))), handlers));

        Throwable clientSide = Await.failure(Tls.connect(client, (InetSocketAddress) listener.localAddress(), TlsFixtures.build(TlsFixtures.client()),
                new RecordingHandler()), "TLS connect to an untrusted server");
        assertInstanceOf(SSLHandshakeException.class, clientSide);
        assertTrue(String.valueOf(clientSide.getMessage()).contains("PKIX"), "the client says the chain is untrusted: " + clientSide);
        Throwable serverSide = handlers.awaitFirst().awaitClose();
        assertInstanceOf(SSLException.class, serverSide, "the server hears the client's alert");
    }

    @Test
    default void server_certificate_for_another_name_fails_hostname_verification() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsContext.server(TlsFixtures.keys("other"))),
                EchoHandler::new));
        Throwable clientSide = Await.failure(Tls.connect(client, (InetSocketAddress) listener.localAddress(), SocketOptions.defaults(),
                TlsFixtures.build(TlsFixtures.client()), "localhost", new RecordingHandler()), "TLS connect to localhost presenting other.test");
        assertInstanceOf(SSLHandshakeException.class, clientSide);
        assertTrue(String.valueOf(clientSide.getMessage()).contains("localhost"), "the cause names the host: " + clientSide);
    }

    @Test
    default void client_authentication_accepts_a_trusted_client_and_refuses_one_without_a_certificate() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.serverWithClientAuth()), handlers));

        TlsConnection ok = tlsRoundTrip(client, listener.localAddress(),
                TlsFixtures.build(TlsFixtures.client().keyMaterial(TlsFixtures.keys("client"))), Payloads.random(1000, 2));
        TlsConnection serverSide = (TlsConnection) handlers.awaitFirst().awaitOpen();
        assertEquals("CN=client", serverSide.session().getPeerPrincipal().getName());
        assertNotEquals(null, ok);

        // Under TLS 1.3 the client has finished its handshake when the server checks its (missing)
        // certificate: the refusal then arrives as an alert that ends the open connection.
        RecordingHandler refusedHandler = new RecordingHandler();
        CompletableFuture<TlsConnection> refused = Tls.connect(client, (InetSocketAddress) listener.localAddress(), TlsFixtures.build(TlsFixtures.client()),
                refusedHandler);
        Throwable clientCause;
        try {
            refused.get(Await.LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            clientCause = refusedHandler.awaitClose();
        } catch (java.util.concurrent.ExecutionException e) {
            clientCause = e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the refused client neither failed nor connected", e);
        }
        assertInstanceOf(SSLException.class, clientCause, "the client hears the server's alert");
        Throwable serverCause = handlers.await(2).awaitClose();
        assertInstanceOf(SSLHandshakeException.class, serverCause);
        assertTrue(serverCause.getMessage().toLowerCase().contains("certificate"), "server's cause: " + serverCause);
    }

    @Test
    default void plaintext_client_on_a_tls_port_is_dropped_with_a_clear_cause() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), handlers));
        Healthy healthy = Healthy.open(client, listener.localAddress(), TlsFixtures.build(TlsFixtures.client()));

        BlockingPeer plain = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        plain.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        BlockingPeer.ReadResult answer = plain.readToEnd();
        assertTrue(answer.data().length < 64, "at most an alert comes back, got " + answer.data().length + " bytes");
        Throwable cause = handlers.await(2).awaitClose();
        assertInstanceOf(SSLHandshakeException.class, cause);
        assertTrue(cause.getMessage().contains("does not speak TLS") && cause.getMessage().contains("GET / HTTP"),
                "the cause says what came instead: " + cause.getMessage());
        healthy.assertStillEchoes();
    }

    @Test
    default void stream_ended_without_close_notify_is_reported_as_truncated_after_the_data() throws Exception {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), handlers));
        byte[] data = Payloads.random(50_000, 9);

        Socket raw = closeAfterTest(new Socket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort()));
        SSLSocket tls = (SSLSocket) TlsFixtures.jdkContext(null).getSocketFactory().createSocket(raw, "localhost",
                ((InetSocketAddress) listener.localAddress()).getPort(), false);
        tls.startHandshake();
        tls.getOutputStream().write(data);
        tls.getOutputStream().flush();
        RecordingHandler h = handlers.awaitFirst();
        h.awaitReceived(data.length);
        raw.close(); // TCP FIN without close_notify

        Throwable cause = h.awaitClose();
        assertInstanceOf(TlsTruncationException.class, cause);
        Payloads.assertSameBytes(data, h.bytes(), "everything before the truncation is delivered");
        h.assertContractHeld();
    }

    @Test
    default void silent_and_dribbling_peers_are_dropped_at_the_handshake_timeout() throws Exception {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(),
                Tls.server(TlsFixtures.build(TlsFixtures.server().handshakeTimeout(Duration.ofMillis(400))), handlers));
        Healthy healthy = Healthy.open(client, listener.localAddress(), TlsFixtures.build(TlsFixtures.client()));

        BlockingPeer silent = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        Throwable silentCause = handlers.await(2).awaitClose();
        assertInstanceOf(TlsHandshakeTimeoutException.class, silentCause);
        assertTrue(silentCause.getMessage().contains("sent nothing"), silentCause.getMessage());
        assertTrue(silent.readToEnd().data().length < 64, "the silent peer is disconnected");

        // A ClientHello's first bytes, one every 50 ms: progress, but never a whole handshake.
        BlockingPeer dribbler = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        CompletableFuture<Void> dribbling = CompletableFuture.runAsync(() -> {
            byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
            try {
                for (int i = 0; ; i++) {
                    dribbler.write(new byte[] {hello[i % hello.length]});
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException stopped) {
                // disconnected by the server: expected
            }
        });
        Throwable dribbleCause = handlers.await(3).awaitClose();
        assertInstanceOf(TlsHandshakeTimeoutException.class, dribbleCause);
        Await.get(dribbling, "the dribbler noticing the disconnect");
        healthy.assertStillEchoes();
    }

    @Test
    default void tls12_renegotiation_is_refused() throws Exception {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server().protocols("TLSv1.2")), handlers));
        SSLSocket tls = closeAfterTest((SSLSocket) TlsFixtures.jdkContext(null).getSocketFactory()
                .createSocket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort()));
        tls.startHandshake();
        tls.getOutputStream().write(1);
        assertEquals(1, tls.getInputStream().read(), "echo before the renegotiation");
        try {
            tls.startHandshake(); // a client-initiated renegotiation (TLS 1.2)
            tls.getOutputStream().write(2);
            tls.getInputStream().read();
        } catch (IOException expected) {
            // the server ends the connection
        }
        Throwable cause = handlers.awaitFirst().awaitClose();
        assertInstanceOf(SSLHandshakeException.class, cause);
        assertTrue(cause.getMessage().contains("renegotiation refused"), cause.getMessage());
    }

    @Test
    default void sessions_are_resumed() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), EchoHandler::new));
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            TlsContext clientTls = TlsFixtures.build(TlsFixtures.client().protocols(version));
            TlsConnection first = tlsRoundTrip(client, listener.localAddress(), clientTls, Payloads.random(100, 1));
            TlsConnection second = tlsRoundTrip(client, listener.localAddress(), clientTls, Payloads.random(100, 2));
            // A resumed session carries the creation time of the full handshake it came from.
            assertEquals(first.session().getCreationTime(), second.session().getCreationTime(), version + ": the second session resumed the first");
        }
    }

    @Test
    default void reloaded_keys_serve_new_connections_and_open_ones_keep_going() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        TlsContext serverTls = TlsFixtures.build(TlsFixtures.server());
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(serverTls, EchoHandler::new));
        TlsContext clientTls = TlsFixtures.build(TlsFixtures.client().sessionCacheSize(1).sessionTimeout(Duration.ofSeconds(1)));
        Healthy before = Healthy.open(client, listener.localAddress(), clientTls);
        X509Certificate old = leaf(before.connection.session());

        KeyMaterial renewed = KeyMaterial.fromPem(TlsFixtures.file("server-renewed.pem"), TlsFixtures.file("server-renewed.key"));
        serverTls.reload(renewed, Map.of());
        TlsConnection after = Await.get(Tls.connect(client, (InetSocketAddress) listener.localAddress(),
                TlsFixtures.build(TlsFixtures.client()), new RecordingHandler()), "TLS connect after the reload");
        assertEquals(renewed.certificateChain().get(0), leaf(after.session()), "a new connection gets the new certificate");
        assertNotEquals(old, leaf(after.session()));
        before.assertStillEchoes();
        Await.get(after.close(), "close");
    }

    @Test
    default void failed_handshakes_leave_no_descriptor_behind() throws IOException {
        OptionalInt start = Loopback.openDescriptorCount();
        assumeTrue(start.isPresent(), "this OS does not list a process's descriptors");
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), handlers));
        TlsContext untrusting = TlsFixtures.build(TlsContext.client().trustPem(TlsFixtures.file("rogue-ca.pem")));
        int rounds = 40;
        for (int i = 0; i < rounds; i++) {
            try (BlockingPeer plain = BlockingPeer.connect(listener.localAddress())) {
                plain.write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.readToEnd();
            }
            Await.failure(Tls.connect(client, (InetSocketAddress) listener.localAddress(), untrusting, new RecordingHandler()), "untrusting connect #" + i);
        }
        handlers.await(2 * rounds);
        for (RecordingHandler h : handlers.all()) {
            assertInstanceOf(SSLException.class, h.awaitClose());
        }
        Await.until(() -> Loopback.openDescriptorCount().getAsInt() <= start.getAsInt() + 8,
                () -> "descriptors back near " + start.getAsInt() + ", now " + Loopback.openDescriptorCount().getAsInt());
    }

    /**
     * Bytes allocated on the loop threads per 64-byte round trip over TLS, after warm-up, against
     * what two bare {@link javax.net.ssl.SSLEngine}s allocate for the same four records on one
     * thread. The JDK's engine allocates per record (its AES-GCM cipher is set up again for each
     * record's nonce: about 1.6 KB a record on JDK 25); the layer must add nothing of its own,
     * within a margin far below one 16 KiB buffer, so a buffer made per message or per record fails.
     */
    @Test
    default void tls_echo_allocates_nothing_beyond_the_engines_own_per_message() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not measure per-thread allocation");
        double engineOnly = TlsEngineBaseline.bytesPerRoundTrip(mx);

        EventLoopGroup group = newGroup(2);
        Listener server = group.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()),
                () -> (c, data) -> c.write(data)));
        LimitsConformance.PingPong client = new LimitsConformance.PingPong();
        Connection connection = Await.get(Tls.connect(group, (InetSocketAddress) server.localAddress(), TlsFixtures.build(TlsFixtures.client()), client),
                "TLS connect");
        long[] loopThreads = new long[group.loops().size()];
        for (int i = 0; i < loopThreads.length; i++) {
            CompletableFuture<Long> id = new CompletableFuture<>();
            group.loops().get(i).execute(() -> id.complete(Thread.currentThread().threadId()));
            loopThreads[i] = Await.get(id, "the loop's thread id");
        }
        client.run(connection, 30_000); // warm-up: class loading, JIT
        long before = 0;
        for (long t : loopThreads) {
            before += mx.getThreadAllocatedBytes(t);
        }
        int messages = 50_000;
        client.run(connection, messages);
        long after = 0;
        for (long t : loopThreads) {
            after += mx.getThreadAllocatedBytes(t);
        }
        double perMessage = (after - before) / (double) messages;
        assertTrue(perMessage < engineOnly + 512, "loop threads allocated " + perMessage + " bytes per TLS round trip on "
                + backendId() + ", where the bare engines allocate " + engineOnly);
    }

    /**
     * Output goes out in full records: a large write is cut into 16 KiB records (the TLS maximum),
     * and many small writes made in one callback are coalesced rather than sent one record each.
     */
    @Test
    default void large_writes_make_full_records_and_small_writes_are_coalesced() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> sinks = new ServerHandlers<>(() -> new RecordingHandler(false));
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server().protocols("TLSv1.3")), sinks));
        TlsRecordRelay relay = closeAfterTest(new TlsRecordRelay(listener.localAddress()));
        TlsConnection c = Await.get(Tls.connect(client, (InetSocketAddress) relay.address(), SocketOptions.defaults(),
                TlsFixtures.build(TlsFixtures.client()), "localhost", new RecordingHandler()), "TLS connect through the relay");
        RecordingHandler sink = sinks.awaitFirst();
        int before = relay.clientRecords().size();

        int large = 1024 * 1024;
        CompletableFuture<Void> written = new CompletableFuture<>();
        c.loop().execute(() -> {
            c.write(new byte[large]); // on the loop: encrypted straight from this buffer
            for (int i = 0; i < 200; i++) {
                c.write(new byte[100]); // coalesced into two records, not 200
            }
            written.complete(null);
        });
        Await.get(written, "the writes");
        c.write(new byte[large]); // from another thread: queued, then encrypted in full records
        sink.awaitReceived(2L * large + 200 * 100);

        List<int[]> records = relay.clientRecords().subList(before, relay.clientRecords().size());
        long data = records.stream().filter(r -> r[0] == TlsRecordRelay.APPLICATION_DATA).count();
        long full = records.stream().filter(r -> r[0] == TlsRecordRelay.APPLICATION_DATA && r[1] >= 16 * 1024).count();
        // 2 MiB in full records (16,367 plaintext bytes each with the JDK's TLS 1.3 padding) is 128
        // records and two short tails; the 20,000 small bytes add one or two, and where the flushes
        // fell between the writes, a tail or two more.
        assertTrue(full >= 127, "full 16 KiB records: " + full + " of " + data);
        assertTrue(data <= 128 + 8, "application data records: " + data + " (200 small writes must not make 200 records); the short ones: "
                + records.stream().filter(r -> r[1] < 16 * 1024).map(r -> r[0] + ":" + r[1]).toList());
        Await.get(c.close(), "close");
    }

    @Test
    default void group_shutdown_ends_tls_sessions_with_close_notify() throws IOException {
        // The loop asks each open connection's handler to end it (onShutdown); TLS sends
        // close_notify, so the peer sees an orderly end rather than a truncation.
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), EchoHandler::new));
        RecordingHandler h = new RecordingHandler();
        TlsConnection c = Await.get(Tls.connect(client, (InetSocketAddress) listener.localAddress(), TlsFixtures.build(TlsFixtures.client()), h), "TLS connect");
        byte[] message = Payloads.random(20_000, 4);
        assertTrue(c.write(message));
        Payloads.assertSameBytes(message, h.awaitBytes(message.length), "echo before the shutdown");

        Await.get(server.shutdownGracefully(Duration.ofSeconds(10)), "the server group's graceful shutdown");
        h.awaitInputClosed();
        assertNull(h.awaitClose(), "the server's close_notify is an orderly end, not a truncation");
        h.assertContractHeld();
    }

    // ---- helpers ----

    /** Connects over TLS, echoes {@code payload} through the server, closes, checks the client's callbacks. */
    static TlsConnection tlsRoundTrip(EventLoopGroup client, SocketAddress server, TlsContext tls, byte[] payload) {
        RecordingHandler h = new RecordingHandler();
        TlsConnection c = Await.get(Tls.connect(client, (InetSocketAddress) server, tls, h), "TLS connect to " + server);
        assertTrue(h.isOpened(), "onOpen ran before the TLS connect future completed");
        assertTrue(c.write(payload), "write on an open TLS connection");
        Payloads.assertSameBytes(payload, h.awaitBytes(payload.length), "TLS echo of " + payload.length + " bytes");
        Await.get(c.close(), "close");
        assertNull(h.awaitClose(), "orderly close has no cause");
        h.assertContractHeld();
        return c;
    }

    static X509Certificate leaf(SSLSession session) {
        try {
            return (X509Certificate) session.getPeerCertificates()[0];
        } catch (IOException e) {
            throw new AssertionError("no peer certificate", e);
        }
    }

    private static Listener listen(EventLoopGroup group, java.util.function.Supplier<io.netloop.ConnectionHandler> handlers) {
        try {
            return group.listen(Loopback.anyPort(), handlers);
        } catch (IOException e) {
            throw new AssertionError("listen failed", e);
        }
    }

    /** A TLS connection opened before a failure, to show that the failure ended only its own connection. */
    final class Healthy {
        final TlsConnection connection;
        private final RecordingHandler handler;
        private int sent;

        private Healthy(TlsConnection connection, RecordingHandler handler) {
            this.connection = connection;
            this.handler = handler;
        }

        static Healthy open(EventLoopGroup client, SocketAddress server, TlsContext tls) {
            RecordingHandler h = new RecordingHandler();
            Healthy healthy = new Healthy(Await.get(Tls.connect(client, (InetSocketAddress) server, tls, h), "a healthy TLS connection"), h);
            healthy.assertStillEchoes();
            return healthy;
        }

        void assertStillEchoes() {
            byte[] message = Payloads.random(5000, sent);
            assertTrue(connection.write(message), "the healthy connection still takes writes");
            sent += message.length;
            handler.awaitReceived(sent);
            assertTrue(connection.isOpen(), "the healthy connection is still open");
        }
    }
}
