package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Backends;
import io.netloop.Connection;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Data arrives whole and in order: echo in every size, many connections, many writers, bursts, and mixed backends. */
public interface EchoConformance extends ConformanceContext {

    @ParameterizedTest(name = "{displayName}, {0} bytes")
    @ValueSource(ints = {1, 1024, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024})
    default void echo_between_netloop_client_and_server(int size) throws IOException {
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);

        EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(size, size));

        EchoHandler serverSide = echoes.awaitFirst();
        assertNull(serverSide.awaitClose(), "server side closes in order after the client's end of input");
        assertEquals(size, serverSide.received());
        serverSide.assertContractHeld();
    }

    @ParameterizedTest(name = "{displayName}, {0} bytes")
    @ValueSource(ints = {1, 1024, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024})
    default void echo_to_blocking_jdk_client(int size) throws IOException {
        EventLoopGroup server = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        byte[] payload = Payloads.random(size, 31L * size);

        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        CompletableFuture<Void> sent = peer.writeInBackground(payload);
        byte[] echoed = peer.readExactly(size);
        Await.get(sent, "the JDK client's write");
        Payloads.assertSameBytes(payload, echoed, "echo to a JDK client");

        peer.shutdownOutput();
        assertEquals(-1, peer.read(), "the echo server closes after end of input, sending nothing more");
        EchoHandler serverSide = echoes.awaitFirst();
        assertNull(serverSide.awaitClose());
        serverSide.assertContractHeld();
    }

    @Test
    default void echo_over_ipv6_loopback() throws IOException {
        assumeTrue(Loopback.ipv6Available(), "IPv6 loopback not available");
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        Listener listener = server.listen(new InetSocketAddress(Loopback.IPV6, 0), EchoHandler::new);
        assertInstanceOf(Inet6Address.class, ((InetSocketAddress) listener.localAddress()).getAddress());

        Connection c = EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(64 * 1024, 6));

        assertInstanceOf(Inet6Address.class, ((InetSocketAddress) c.localAddress()).getAddress(), "client local address");
        assertEquals(listener.localAddress(), c.remoteAddress());
    }

    @Test
    default void ipv6_wildcard_listener_accepts_ipv4_clients_too() throws IOException {
        assumeTrue(Loopback.ipv6Available(), "IPv6 loopback not available");
        // Dual-stack on every OS: Windows defaults IPv6 sockets to IPv6-only, Linux to what
        // net.ipv6.bindv6only says. The clients still talk over loopback only.
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        Listener listener = server.listen(new InetSocketAddress(InetAddress.getByName("::"), 0), EchoHandler::new);
        int port = ((InetSocketAddress) listener.localAddress()).getPort();

        EchoSupport.roundTrip(client, new InetSocketAddress(Loopback.IPV4, port), Payloads.random(16 * 1024, 7));
        EchoSupport.roundTrip(client, new InetSocketAddress(Loopback.IPV6, port), Payloads.random(16 * 1024, 8));
    }

    @Test
    default void thousand_concurrent_echo_connections() {
        int n = 1000;
        assumeDescriptors(2 * n + 50);
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = listenQuietly(server, Loopback.anyPort(), echoes);

        List<byte[]> messages = new ArrayList<>();
        List<RecordingHandler> clients = new ArrayList<>();
        List<CompletableFuture<Connection>> connects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] message = ("connection " + i + " of " + n + ": " + Long.toHexString(i * 0x9E3779B97F4A7C15L))
                    .getBytes(StandardCharsets.US_ASCII);
            RecordingHandler h = new RecordingHandler().sendingOnOpen(message);
            messages.add(message);
            clients.add(h);
            connects.add(client.connect(listener.localAddress(), h));
        }
        for (int i = 0; i < n; i++) {
            Await.get(connects.get(i), "connect #" + i);
        }
        for (int i = 0; i < n; i++) {
            byte[] echoed = clients.get(i).awaitBytes(messages.get(i).length);
            Payloads.assertSameBytes(messages.get(i), echoed, "echo on connection #" + i);
        }
        for (CompletableFuture<Connection> f : connects) {
            f.join().close();
        }
        for (int i = 0; i < n; i++) {
            assertNull(clients.get(i).awaitClose(), "close of connection #" + i);
            clients.get(i).assertContractHeld();
        }
        assertEquals(n, echoes.all().size(), "connections accepted");
        for (EchoHandler h : echoes.all()) {
            h.awaitClose();
            h.assertContractHeld();
        }
    }

    @Test
    default void concurrent_large_echoes_on_every_loop() {
        // Connections accepted by one loop and served by another, all moving data at once: each
        // loop must use only its own buffers, whichever loop accepted the connection.
        int connections = 16;
        int size = 2 * 1024 * 1024;
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = listenQuietly(server, Loopback.anyPort(), echoes);

        List<byte[]> payloads = new ArrayList<>();
        List<RecordingHandler> clients = new ArrayList<>();
        List<Connection> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            RecordingHandler h = new RecordingHandler();
            clients.add(h);
            open.add(Await.get(client.connect(listener.localAddress(), h), "connect #" + i));
            payloads.add(Payloads.random(size, 1000 + i));
        }
        for (int i = 0; i < connections; i++) {
            assertTrue(open.get(i).write(payloads.get(i)));
        }
        for (int i = 0; i < connections; i++) {
            Payloads.assertSameBytes(payloads.get(i), clients.get(i).awaitBytes(size), "echo on connection #" + i);
        }
        for (int i = 0; i < connections; i++) {
            Await.get(open.get(i).close(), "close #" + i);
            clients.get(i).assertContractHeld();
        }
        for (EchoHandler h : echoes.all()) {
            assertNull(h.awaitClose());
            h.assertContractHeld();
        }
    }

    @Test
    default void listen_on_port_zero_reports_the_bound_port() throws IOException {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        assertTrue(port > 0, "port 0 was replaced by the real one, got " + port);
        assertEquals(Loopback.IPV4, ((InetSocketAddress) listener.localAddress()).getAddress());

        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(new InetSocketAddress(Loopback.IPV4, port)));
        peer.write("ping".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ping", new String(peer.readExactly(4), StandardCharsets.US_ASCII));
        assertEquals(port, ((InetSocketAddress) echoes.awaitFirst().awaitOpen().localAddress()).getPort(), "accepted connection's local port");
    }

    @Test
    default void reuse_port_listener_accepts_and_echoes() throws IOException {
        EventLoopGroup server = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), SocketOptions.builder().reusePort(true).build(), echoes);
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        assertTrue(address.getPort() > 0);

        for (int i = 0; i < 40; i++) {
            try (BlockingPeer peer = BlockingPeer.connect(address)) {
                byte[] message = Payloads.random(100 + i, i);
                peer.write(message);
                Payloads.assertSameBytes(message, peer.readExactly(message.length), "echo #" + i);
            }
        }
        assertEquals(40, echoes.all().size());

        listener.close();
        Await.get(listener.closeFuture(), "the listener's close");
        // Every per-loop socket is closed, not only the first.
        for (int i = 0; i < 8; i++) {
            assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close(),
                    "connect after the listener closed");
        }
    }

    @Test
    default void writes_from_many_threads_arrive_whole_and_in_order_per_writer() throws Exception {
        int writers = 8;
        int recordsPerWriter = 2000;
        int recordSize = 64;
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> sinks = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), sinks);
        Connection c = Await.get(client.connect(listener.localAddress(), new RecordingHandler()), "connect");

        WriterRecords.writeConcurrently(c, writers, recordsPerWriter, recordSize);
        c.close();

        RecordingHandler sink = sinks.awaitFirst();
        int total = writers * recordsPerWriter * recordSize;
        sink.awaitInputClosed();
        byte[] stream = sink.bytes();
        assertEquals(total, stream.length, "bytes received");
        WriterRecords.assertInterleavedInOrder(stream, writers, recordsPerWriter, recordSize);
        sink.assertContractHeld();
    }

    @Test
    default void burst_of_8MiB_then_quiet_sender_is_fully_delivered() throws IOException {
        // The sender writes everything at once and then neither writes nor closes: an edge-triggered
        // backend that stops reading before the socket is empty never gets another event for the rest.
        int size = 8 * 1024 * 1024;
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> sinks = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), sinks);
        byte[] payload = Payloads.random(size, 8);

        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        CompletableFuture<Void> sent = peer.writeInBackground(payload);
        RecordingHandler sink = sinks.awaitFirst();
        sink.awaitReceived(size);
        Await.get(sent, "the burst");
        Payloads.assertSameBytes(payload, sink.bytes(), "8 MiB burst");
        assertFalse(sink.isInputClosed(), "the quiet sender has not ended its output");

        peer.close();
        assertNull(sink.awaitClose());
        sink.assertContractHeld();
    }

    @Test
    default void large_burst_does_not_starve_small_connection_on_same_loop() throws Exception {
        long atLeast = 64L * 1024 * 1024;
        int roundTrips = 200;
        EventLoopGroup server = newGroup(1); // one loop: both connections share it
        ServerHandlers<RecordingHandler> sinks = new ServerHandlers<>(() -> new RecordingHandler(false));
        Listener sinkListener = server.listen(Loopback.anyPort(), sinks);
        Listener echoListener = server.listen(Loopback.anyPort(), EchoHandler::new);

        // The big sender streams until the ping-pong is done and at least 64 MiB went out, so the
        // ping-pong always runs while the big transfer is in progress. If the loop starved the small
        // connection, its round trips would never complete.
        AtomicBoolean pingPongDone = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        BlockingPeer big = closeAfterTest(BlockingPeer.connect(sinkListener.localAddress()));
        CompletableFuture<Void> bigDone = new CompletableFuture<>();
        Thread sender = new Thread(() -> {
            try {
                byte[] block = Payloads.random(64 * 1024, 64);
                while (!pingPongDone.get() || sent.get() < atLeast) {
                    big.write(block);
                    sent.addAndGet(block.length);
                }
                bigDone.complete(null);
            } catch (Throwable e) {
                bigDone.completeExceptionally(e);
            }
        }, "big-sender");
        sender.setDaemon(true);
        sender.start();

        RecordingHandler sink = sinks.awaitFirst();
        sink.awaitReceived(1024 * 1024);

        // Starvation shows as a round trip that never completes: the read times out and fails.
        BlockingPeer small = closeAfterTest(BlockingPeer.connect(echoListener.localAddress()));
        for (int i = 0; i < roundTrips; i++) {
            small.write(new byte[] {(byte) i});
            assertEquals((byte) i, small.readExactly(1)[0], "round trip " + i);
        }
        boolean bigStillRunning = !bigDone.isDone();
        pingPongDone.set(true);

        Await.get(bigDone, "the big sender");
        assertTrue(bigStillRunning, "the big transfer was still in progress when the ping-pong finished");
        sink.awaitReceived(sent.get());
        assertEquals(sent.get(), sink.received(), "bytes of the big transfer delivered");
        sink.assertContractHeld();
    }

    /**
     * Backends pair up across the wire: this backend's client against a server on every backend
     * of this platform (itself included), and back. A pair whose peer is unavailable is skipped.
     */
    @ParameterizedTest(name = "{displayName}, server on {0}")
    @MethodSource("io.netloop.conformance.EchoConformance#peerBackends")
    default void client_against_server_on_each_backend(String peer) throws IOException {
        assumeTrue(Backends.isAvailable(peer), () -> peer + " unavailable: " + Backends.unavailabilityCause(peer).orElse("?"));
        EventLoopGroup peerServer = newGroup(peer, 1);
        EventLoopGroup client = newGroup(1);
        Listener listener = peerServer.listen(Loopback.anyPort(), EchoHandler::new);
        EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(1024 * 1024, 14));
    }

    @ParameterizedTest(name = "{displayName}, client on {0}")
    @MethodSource("io.netloop.conformance.EchoConformance#peerBackends")
    default void server_against_client_on_each_backend(String peer) throws IOException {
        assumeTrue(Backends.isAvailable(peer), () -> peer + " unavailable: " + Backends.unavailabilityCause(peer).orElse("?"));
        EventLoopGroup server = newGroup(1);
        EventLoopGroup peerClient = newGroup(peer, 1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        EchoSupport.roundTrip(peerClient, listener.localAddress(), Payloads.random(1024 * 1024, 15));
        assertNull(echoes.awaitFirst().awaitClose());
        echoes.awaitFirst().assertContractHeld();
    }

    /** Every registered backend id, available here or not. */
    static List<String> peerBackends() {
        return Backends.ids();
    }

    private static Listener listenQuietly(EventLoopGroup group, SocketAddress address, ServerHandlers<?> handlers) {
        try {
            return group.listen(address, handlers);
        } catch (IOException e) {
            return fail("listen failed", e);
        }
    }
}
