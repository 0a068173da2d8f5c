package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.Connection;
import io.netloop.ConnectionResetException;
import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.LoopMetrics;
import io.netloop.NetloopJfr;
import io.netloop.SocketOptions;
import io.netloop.Timer;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import io.netloop.tls.Tls;
import io.netloop.tls.TlsConnection;
import io.netloop.tls.TlsContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import javax.net.ssl.SSLHandshakeException;
import jdk.jfr.Configuration;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/**
 * Observability: the JFR events ({@link NetloopJfr}) recorded during a test with the fields the
 * traffic it made implies, read back from the recording's file; and the counters of
 * {@link LoopMetrics}, per loop and per group, equal to the connections, bytes, datagrams and tasks
 * a test sends, and readable from any thread while the loops run.
 *
 * <p>Recordings are JVM-wide, so each test keeps the events of its own groups' loops only. Every
 * recording is closed by the end of its test: the loops then build no event objects again, which
 * {@link LimitsConformance}'s allocation tests, run in the same JVM, would see.
 */
public interface ObservabilityConformance extends ConformanceContext {

    // ---- JFR: connections ----

    @Test
    default void jfr_connection_opened_for_an_accepted_and_a_connected_connection() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.CONNECTION_OPENED);

        Connection connected = EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(1000, 1));
        Connection accepted = echoes.awaitFirst().awaitOpen();
        Await.loopsDrained(server);
        List<RecordedEvent> events = jfr.stop();

        RecordedEvent a = only(JfrCapture.onLoops(events, NetloopJfr.CONNECTION_OPENED, server), "ConnectionOpened on the server");
        assertTrue(a.getBoolean("accepted"), "accepted on the server side");
        assertConnectionFields(a, accepted);
        RecordedEvent c = only(JfrCapture.onLoops(events, NetloopJfr.CONNECTION_OPENED, client), "ConnectionOpened on the client");
        assertFalse(c.getBoolean("accepted"), "accepted on the connecting side");
        assertConnectionFields(c, connected);
        assertEquals(c.getString("localAddress"), a.getString("remoteAddress"), "the two ends name each other");
    }

    @Test
    default void jfr_connection_closed_counts_the_bytes_each_way_and_has_no_cause_after_an_orderly_close() throws IOException {
        int size = 300_001;
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.CONNECTION_CLOSED);

        Connection connected = EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(size, 2));
        EchoHandler serverSide = echoes.awaitFirst();
        assertNull(serverSide.awaitClose());
        Await.loopsDrained(server);
        Await.loopsDrained(client);
        List<RecordedEvent> events = jfr.stop();

        RecordedEvent s = only(JfrCapture.onLoops(events, NetloopJfr.CONNECTION_CLOSED, server), "ConnectionClosed on the server");
        assertTrue(s.getBoolean("accepted"));
        assertConnectionFields(s, serverSide.awaitOpen());
        RecordedEvent c = only(JfrCapture.onLoops(events, NetloopJfr.CONNECTION_CLOSED, client), "ConnectionClosed on the client");
        assertFalse(c.getBoolean("accepted"));
        assertConnectionFields(c, connected);
        for (RecordedEvent e : List.of(s, c)) {
            String side = e.getBoolean("accepted") ? "server: " : "client: ";
            assertEquals(size, e.getLong("bytesRead"), side + "bytesRead of an echo of " + size + " bytes");
            assertEquals(size, e.getLong("bytesWritten"), side + "bytesWritten of an echo of " + size + " bytes");
            assertEquals(0, e.getLong("bytesDiscarded"), side + "bytesDiscarded after an orderly close");
            assertEquals("", e.getString("cause"), side + "cause of an orderly close");
            assertTrue(e.getLong("lifetime") > 0, side + "lifetime " + e.getLong("lifetime"));
        }
    }

    @Test
    default void jfr_connection_closed_by_a_peer_reset_has_the_reset_as_its_cause() throws IOException {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.CONNECTION_CLOSED);

        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        byte[] message = Payloads.random(5000, 3);
        peer.write(message);
        Payloads.assertSameBytes(message, peer.readExactly(message.length), "echo before the reset");
        peer.reset();
        EchoHandler serverSide = echoes.awaitFirst();
        Throwable cause = serverSide.awaitClose();
        assertInstanceOf(ConnectionResetException.class, cause, "onClose's cause after the peer reset");
        Await.loopsDrained(server);
        List<RecordedEvent> events = jfr.stop();

        RecordedEvent e = only(JfrCapture.onLoops(events, NetloopJfr.CONNECTION_CLOSED, server), "ConnectionClosed on the server");
        assertConnectionFields(e, serverSide.awaitOpen());
        assertEquals(JfrCapture.causeText(cause), e.getString("cause"), "the event's cause is the one onClose got");
        assertTrue(e.getString("cause").contains(ConnectionResetException.class.getName()), "cause: " + e.getString("cause"));
        assertEquals(message.length, e.getLong("bytesRead"));
        assertEquals(message.length, e.getLong("bytesWritten"));
        assertEquals(0, e.getLong("bytesDiscarded"), "nothing was queued when the reset came");
    }

    @Test
    default void jfr_connection_aborted_with_queued_output_counts_the_bytes_discarded() throws IOException {
        int size = 4 * 1024 * 1024;
        byte[] payload = Payloads.random(size, 4);
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> aborters = new ServerHandlers<>(() -> new RecordingHandler() {
            // On the peer's first byte, as in CloseConformance: an abort racing the peer's connect() would fail it.
            @Override
            public void onData(Connection c, ByteBuffer data) {
                super.onData(c, data);
                c.write(payload);
                c.abort();
            }
        });
        // A small send buffer and a peer that does not read: nearly all of the 4 MiB is still queued at the abort.
        Listener listener = server.listen(Loopback.anyPort(), SocketOptions.builder().sendBufferSize(16 * 1024).build(), aborters);
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.CONNECTION_CLOSED);

        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress(), 8 * 1024));
        peer.write(new byte[] {1});
        RecordingHandler serverSide = aborters.awaitFirst();
        Throwable cause = serverSide.awaitClose();
        Await.loopsDrained(server);
        List<RecordedEvent> events = jfr.stop();
        BlockingPeer.ReadResult atPeer = peer.readToEnd();

        RecordedEvent e = only(JfrCapture.onLoops(events, NetloopJfr.CONNECTION_CLOSED, server), "ConnectionClosed on the server");
        assertConnectionFields(e, serverSide.awaitOpen());
        assertEquals(JfrCapture.causeText(cause), e.getString("cause"), "the event's cause is the one onClose got");
        assertEquals(1, e.getLong("bytesRead"));
        long written = e.getLong("bytesWritten");
        long discarded = e.getLong("bytesDiscarded");
        assertTrue(discarded > 0, "bytesDiscarded of an abort with 4 MiB queued: " + discarded + " (written " + written + ")");
        assertEquals(size, written + discarded, "every byte queued was either taken by the kernel or discarded: written "
                + written + ", discarded " + discarded);
        assertTrue(atPeer.data().length <= written, "the peer got " + atPeer.data().length + " bytes, the kernel took " + written);
        assertEquals(0, server.metrics().pendingWriteBytes(), "the discarded bytes left the group's pendingWriteBytes");
        serverSide.assertContractHeld();
    }

    @Test
    default void jfr_connection_closed_on_the_side_that_gets_a_reset_names_it() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> aborters = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onData(Connection c, ByteBuffer data) {
                super.onData(c, data);
                c.abort();
            }
        });
        Listener listener = server.listen(Loopback.anyPort(), aborters);
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.CONNECTION_CLOSED);

        RecordingHandler h = new RecordingHandler();
        Connection c = Await.get(client.connect(listener.localAddress(), h), "connect");
        assertTrue(c.write(new byte[] {1, 2, 3}));
        Throwable cause = h.awaitClose();
        assertInstanceOf(ConnectionResetException.class, cause, "the client's cause after the server aborted");
        aborters.awaitFirst().awaitClose();
        Await.loopsDrained(server);
        Await.loopsDrained(client);
        List<RecordedEvent> events = jfr.stop();

        RecordedEvent e = only(JfrCapture.onLoops(events, NetloopJfr.CONNECTION_CLOSED, client), "ConnectionClosed on the client");
        assertConnectionFields(e, c);
        assertFalse(e.getString("cause").isEmpty(), "a reset is not an orderly close");
        assertEquals(JfrCapture.causeText(cause), e.getString("cause"), "the event's cause is the one onClose got");
        assertEquals(3, e.getLong("bytesWritten"));
        assertEquals(0, e.getLong("bytesRead"));
        RecordedEvent s = only(JfrCapture.onLoops(events, NetloopJfr.CONNECTION_CLOSED, server), "ConnectionClosed on the server");
        assertEquals(3, s.getLong("bytesRead"));
        h.assertContractHeld();
    }

    // ---- JFR: backpressure ----

    @Test
    default void jfr_write_backpressure_when_a_stalled_reader_crosses_the_watermarks() throws IOException {
        int low = 32 * 1024;
        int high = 64 * 1024;
        int chunk = 8 * 1024;
        long total = 4L * 1024 * 1024;
        EventLoopGroup server = newGroup(1);
        SocketOptions options = SocketOptions.builder().writeBufferWaterMarks(low, high).sendBufferSize(16 * 1024).build();
        ServerHandlers<StreamingHandler> streams = new ServerHandlers<>(() -> new StreamingHandler(total, chunk, true));
        Listener listener = server.listen(Loopback.anyPort(), options, streams);
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.WRITE_BACKPRESSURE);

        // As in FlowControlConformance: a small receive window, and no reading until the writer stalls.
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress(), 8 * 1024));
        StreamingHandler streamer = streams.awaitFirst();
        Connection c = streamer.awaitOpen();
        Await.until(() -> streamer.writabilityChanges().contains(false), "onWritabilityChanged(false)");
        assertEquals(total, peer.readPatternToEnd(), "bytes the peer read");
        assertNull(streamer.awaitClose());
        Await.loopsDrained(server);
        List<RecordedEvent> events = jfr.stop();

        List<RecordedEvent> crossings = JfrCapture.onLoops(events, NetloopJfr.WRITE_BACKPRESSURE, server);
        assertTrue(crossings.size() >= 2, "at least one crossing each way: " + crossings);
        for (int i = 0; i < crossings.size(); i++) {
            RecordedEvent e = crossings.get(i);
            boolean writable = e.getBoolean("writable");
            String what = "crossing #" + i + " (" + e + ")";
            assertEquals(i % 2 == 1, writable, "crossings alternate, starting with writable=false: " + what);
            assertEquals(c.remoteAddress().toString(), e.getString("remoteAddress"), what);
            if (!writable) {
                assertEquals(high, e.getLong("watermark"), "the high watermark: " + what);
                assertTrue(e.getLong("pendingBytes") > high, "pendingBytes above the high watermark: " + what);
                assertEquals(0, e.getLong("unwritableTime"), what);
            } else {
                assertEquals(low, e.getLong("watermark"), "the low watermark: " + what);
                assertTrue(e.getLong("pendingBytes") <= low, "pendingBytes down to the low watermark: " + what);
                assertTrue(e.getLong("unwritableTime") > 0, "unwritableTime: " + what);
            }
        }
        assertTrue(crossings.get(crossings.size() - 1).getBoolean("writable"), "writable again at the end");
        streamer.assertContractHeld();
    }

    // ---- JFR: the loop ----

    @Test
    default void jfr_loop_iterations_and_backend_waits_of_an_idle_and_a_busy_loop() throws IOException {
        Duration timerDelay = Duration.ofMillis(200);
        EventLoopGroup idle = newGroup(1);
        EventLoop loop = idle.loops().get(0);
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        Listener listener = server.listen(Loopback.anyPort(), EchoHandler::new);
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.LOOP_ITERATION, NetloopJfr.BACKEND_WAIT);

        // The wait in progress when the recording started is not recorded; the loop's turns from
        // the next one on are. Each round lets the loop block with nothing to do (no timer: a
        // negative timeout), then wakes it with a task, which the turn of that wait runs.
        for (int i = 0; i < 3; i++) {
            Await.quietPeriod();
            Await.loopDrained(loop);
        }
        // A timer bounds the wait: a positive timeout, no longer than the timer's delay.
        CompletableFuture<Void> fired = new CompletableFuture<>();
        Timer timer = loop.schedule(() -> fired.complete(null), timerDelay);
        Await.get(fired, "the timer");
        assertFalse(timer.cancel());
        // Traffic on other loops: waits that return events.
        EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(256 * 1024, 5));
        turnsEnded(idle);
        turnsEnded(server);
        List<RecordedEvent> events = jfr.stop();

        List<RecordedEvent> waits = JfrCapture.onLoops(events, NetloopJfr.BACKEND_WAIT, idle);
        assertFalse(waits.isEmpty(), "BackendWait events of the idle loop");
        for (RecordedEvent w : waits) {
            assertEquals(backendId(), w.getString("backend"), w.toString());
            assertTrue(w.getInt("events") >= 0, w.toString());
            assertFalse(w.getDuration().isNegative(), w.toString());
            assertTrue(w.getLong("timeout") <= timerDelay.toNanos(), "no wait longer than the only timer's delay: " + w);
        }
        assertTrue(waits.stream().anyMatch(w -> w.getLong("timeout") < 0),
                "a wait with no timer waits until woken (negative timeout): " + timeouts(waits));
        assertTrue(waits.stream().anyMatch(w -> w.getLong("timeout") > 0),
                "a wait bounded by the timer has a positive timeout: " + timeouts(waits));
        List<RecordedEvent> busyWaits = JfrCapture.onLoops(events, NetloopJfr.BACKEND_WAIT, server);
        assertTrue(busyWaits.stream().anyMatch(w -> w.getInt("events") > 0),
                "a wait of the echo server's loop returned events: " + busyWaits.stream().map(w -> w.getInt("events")).toList());

        List<RecordedEvent> iterations = JfrCapture.onLoops(events, NetloopJfr.LOOP_ITERATION, idle);
        assertFalse(iterations.isEmpty(), "LoopIteration events of the idle loop");
        for (RecordedEvent it : iterations) {
            long duration = it.getDuration().toNanos();
            long waitTime = it.getLong("waitTime");
            long ioTime = it.getLong("ioTime");
            long taskTime = it.getLong("taskTime");
            assertEquals(backendId(), it.getString("backend"), it.toString());
            assertTrue(waitTime >= 0 && ioTime >= 0 && taskTime >= 0 && it.getInt("tasks") >= 0 && it.getInt("ioEvents") >= 0,
                    "no negative part: " + it);
            assertTrue(waitTime <= duration, "waitTime within the turn: " + it);
            assertTrue(waitTime + ioTime + taskTime <= duration, "wait, I/O and task time together within the turn: " + it);
            assertEquals(0, it.getLong("pendingWriteBytes"), "a loop without connections has nothing queued: " + it);
        }
        assertTrue(iterations.stream().anyMatch(it -> it.getInt("tasks") > 0),
                "an iteration ran the tasks executed: " + iterations.stream().map(it -> it.getInt("tasks")).toList());
        assertTrue(iterations.stream().anyMatch(it -> it.getLong("waitTime") > 0), "an idle loop's turn waited");
        List<RecordedEvent> busyIterations = JfrCapture.onLoops(events, NetloopJfr.LOOP_ITERATION, server);
        assertTrue(busyIterations.stream().anyMatch(it -> it.getInt("ioEvents") > 0), "an iteration of the echo server had I/O events");
    }

    // ---- JFR: TLS ----

    @Test
    default void jfr_tls_handshake_on_both_sides_with_protocol_and_cipher_suite() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsFixtures.server()), echoes));
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.TLS_HANDSHAKE);

        TlsConnection connected = TlsConformance.tlsRoundTrip(client, listener.localAddress(),
                TlsFixtures.build(TlsFixtures.client().protocols("TLSv1.3")), Payloads.random(1000, 6));
        TlsConnection accepted = (TlsConnection) echoes.awaitFirst().awaitOpen();
        assertNull(echoes.awaitFirst().awaitClose());
        Await.loopsDrained(server);
        Await.loopsDrained(client);
        List<RecordedEvent> events = jfr.stop();

        RecordedEvent c = only(JfrCapture.onThreadsOf(events, NetloopJfr.TLS_HANDSHAKE, client), "TlsHandshake on the client");
        RecordedEvent s = only(JfrCapture.onThreadsOf(events, NetloopJfr.TLS_HANDSHAKE, server), "TlsHandshake on the server");
        assertTrue(c.getBoolean("client"));
        assertFalse(s.getBoolean("client"));
        for (var side : List.of(Map.entry(c, connected), Map.entry(s, accepted))) {
            RecordedEvent e = side.getKey();
            TlsConnection tls = side.getValue();
            assertEquals("TLSv1.3", e.getString("protocol"), e.toString());
            assertEquals(tls.session().getProtocol(), e.getString("protocol"), e.toString());
            assertEquals(tls.session().getCipherSuite(), e.getString("cipherSuite"), e.toString());
            assertFalse(e.getString("cipherSuite").isEmpty(), e.toString());
            assertEquals("", e.getString("failure"), e.toString());
            assertEquals(tls.remoteAddress().toString(), e.getString("remoteAddress"), e.toString());
            assertFalse(e.getDuration().isNegative(), e.toString());
        }
    }

    @Test
    default void jfr_tls_handshake_failure_names_the_untrusted_certificate() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), Tls.server(TlsFixtures.build(TlsContext.server(TlsFixtures.keys("rogue"))), handlers));
        JfrCapture jfr = JfrCapture.start(this, NetloopJfr.TLS_HANDSHAKE);

        Throwable clientSide = Await.failure(Tls.connect(client, (InetSocketAddress) listener.localAddress(),
                TlsFixtures.build(TlsFixtures.client()), new RecordingHandler()), "TLS connect to an untrusted server");
        assertInstanceOf(SSLHandshakeException.class, clientSide);
        Throwable serverSide = handlers.awaitFirst().awaitClose();
        assertNotNull(serverSide, "the server's handshake failed too");
        Await.loopsDrained(server);
        Await.loopsDrained(client);
        List<RecordedEvent> events = jfr.stop();

        RecordedEvent c = only(JfrCapture.onThreadsOf(events, NetloopJfr.TLS_HANDSHAKE, client), "TlsHandshake on the client");
        assertTrue(c.getBoolean("client"));
        assertEquals(JfrCapture.causeText(clientSide), c.getString("failure"), "the client's failure is what its connect failed with");
        assertTrue(c.getString("failure").contains("PKIX"), "the failure says the chain is untrusted: " + c.getString("failure"));
        assertEquals("", c.getString("protocol"), "no protocol for a failed handshake");
        assertEquals("", c.getString("cipherSuite"), "no cipher suite for a failed handshake");
        assertEquals(listener.localAddress().toString(), c.getString("remoteAddress"));
        RecordedEvent s = only(JfrCapture.onThreadsOf(events, NetloopJfr.TLS_HANDSHAKE, server), "TlsHandshake on the server");
        assertFalse(s.getBoolean("client"));
        assertEquals(JfrCapture.causeText(serverSide), s.getString("failure"), "the server's failure is its onClose cause");
    }

    // ---- JFR: the settings files ----

    @Test
    default void jfr_netloop_jfc_records_connections_and_profile_jfc_adds_backend_waits() throws IOException {
        Configuration standard = NetloopJfr.configuration();
        Configuration profile = NetloopJfr.profileConfiguration();
        Map<String, String> settings = standard.getSettings();
        for (String event : List.of(NetloopJfr.CONNECTION_OPENED, NetloopJfr.CONNECTION_CLOSED, NetloopJfr.WRITE_BACKPRESSURE,
                NetloopJfr.TLS_HANDSHAKE, NetloopJfr.LOOP_ITERATION)) {
            assertEquals("true", settings.get(event + "#enabled"), event + " in netloop.jfc: " + settings);
            assertEquals("true", profile.getSettings().get(event + "#enabled"), event + " in netloop-profile.jfc");
        }
        assertEquals("false", settings.get(NetloopJfr.BACKEND_WAIT + "#enabled"), "netloop.jfc leaves per-wait events off");
        assertEquals("true", profile.getSettings().get(NetloopJfr.BACKEND_WAIT + "#enabled"), "netloop-profile.jfc turns them on");

        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);

        JfrCapture jfr = JfrCapture.start(this, standard);
        EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(10_000, 7));
        assertNull(echoes.await(1).awaitClose());
        Await.quietPeriod(); // long idle turns, which the 10 ms threshold keeps
        turnsEnded(server);
        turnsEnded(client);
        List<RecordedEvent> events = jfr.stop();
        for (EventLoopGroup g : List.of(server, client)) {
            String side = g == server ? "server" : "client";
            assertEquals(1, JfrCapture.onLoops(events, NetloopJfr.CONNECTION_OPENED, g).size(), "ConnectionOpened on the " + side);
            assertEquals(1, JfrCapture.onLoops(events, NetloopJfr.CONNECTION_CLOSED, g).size(), "ConnectionClosed on the " + side);
            assertEquals(List.of(), JfrCapture.onLoops(events, NetloopJfr.BACKEND_WAIT, g), "BackendWait under netloop.jfc");
            for (RecordedEvent it : JfrCapture.onLoops(events, NetloopJfr.LOOP_ITERATION, g)) {
                assertTrue(it.getDuration().compareTo(Duration.ofMillis(10)) >= 0, "netloop.jfc keeps iterations of 10 ms or more: " + it);
            }
        }
        assertFalse(JfrCapture.onLoops(events, NetloopJfr.LOOP_ITERATION, server).isEmpty(), "the server's idle turns, over 10 ms each");

        // A recording that does not name netloop's events, as -XX:StartFlightRecording with the
        // JDK's settings alone, records none of them: they are off by default.
        JfrCapture unnamed = JfrCapture.start(this, NetloopJfr.CONNECTION_OPENED);
        EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(10_000, 9));
        assertNull(echoes.await(2).awaitClose());
        Await.loopsDrained(server);
        Await.loopsDrained(client);
        List<RecordedEvent> unnamedEvents = unnamed.stop();
        assertEquals(2, JfrCapture.onLoops(unnamedEvents, NetloopJfr.CONNECTION_OPENED, server).size()
                + JfrCapture.onLoops(unnamedEvents, NetloopJfr.CONNECTION_OPENED, client).size(), "ConnectionOpened, both sides");
        for (String off : List.of(NetloopJfr.BACKEND_WAIT, NetloopJfr.LOOP_ITERATION, NetloopJfr.CONNECTION_CLOSED)) {
            assertEquals(List.of(), JfrCapture.onLoops(unnamedEvents, off, server), off + " in a recording that does not enable it");
        }

        JfrCapture profiled = JfrCapture.start(this, profile);
        EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(10_000, 8));
        assertNull(echoes.await(3).awaitClose());
        turnsEnded(server);
        List<RecordedEvent> profileEvents = profiled.stop();
        assertFalse(JfrCapture.onLoops(profileEvents, NetloopJfr.BACKEND_WAIT, server).isEmpty(), "BackendWait under netloop-profile.jfc");
        assertFalse(JfrCapture.onLoops(profileEvents, NetloopJfr.LOOP_ITERATION, server).isEmpty(), "LoopIteration under netloop-profile.jfc");
        assertEquals(1, JfrCapture.onLoops(profileEvents, NetloopJfr.CONNECTION_CLOSED, server).size(), "ConnectionClosed under netloop-profile.jfc");
    }

    // ---- metrics ----

    @Test
    default void metrics_count_the_connections_and_bytes_of_echoed_connections_exactly() throws IOException {
        int connections = 5;
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        for (EventLoopGroup g : List.of(server, client)) {
            for (var counter : List.of(Map.entry("connectionsAccepted", (ToLongFunction<LoopMetrics>) LoopMetrics::connectionsAccepted),
                    Map.entry("connectionsConnected", (ToLongFunction<LoopMetrics>) LoopMetrics::connectionsConnected),
                    Map.entry("bytesRead", (ToLongFunction<LoopMetrics>) LoopMetrics::bytesRead),
                    Map.entry("bytesWritten", (ToLongFunction<LoopMetrics>) LoopMetrics::bytesWritten))) {
                assertEquals(0, counter.getValue().applyAsLong(g.metrics()), counter.getKey() + " of a new group");
            }
        }

        long total = 0;
        for (int i = 0; i < connections; i++) {
            byte[] payload = Payloads.random(10_000 * (i + 1) + i, 10 + i);
            total += payload.length;
            EchoSupport.roundTrip(client, listener.localAddress(), payload);
        }
        for (EchoHandler h : echoes.all()) {
            assertNull(h.awaitClose());
        }
        Await.loopsDrained(server);
        Await.loopsDrained(client);

        LoopMetrics s = server.metrics();
        assertEquals(connections, s.connectionsAccepted(), "server connectionsAccepted");
        assertEquals(0, s.connectionsConnected(), "server connectionsConnected");
        assertEquals(connections, s.connectionsClosed(), "server connectionsClosed");
        assertEquals(0, s.openConnections(), "server openConnections after every close");
        assertEquals(total, s.bytesRead(), "server bytesRead");
        assertEquals(total, s.bytesWritten(), "server bytesWritten");
        assertEquals(0, s.pendingWriteBytes(), "server pendingWriteBytes");
        LoopMetrics c = client.metrics();
        assertEquals(connections, c.connectionsConnected(), "client connectionsConnected");
        assertEquals(0, c.connectionsAccepted(), "client connectionsAccepted");
        assertEquals(connections, c.connectionsClosed(), "client connectionsClosed");
        assertEquals(0, c.openConnections(), "client openConnections after every close");
        assertEquals(total, c.bytesRead(), "client bytesRead");
        assertEquals(total, c.bytesWritten(), "client bytesWritten");
        assertEquals(0, c.pendingWriteBytes(), "client pendingWriteBytes");
        for (EventLoopGroup g : List.of(server, client)) {
            assertEquals(0, g.metrics().datagramsReceived() + g.metrics().datagramsSent(), "no datagrams on a TCP-only group");
            assertEquals(2, g.loops().size());
            for (var counter : restingValues().entrySet()) {
                long sum = 0;
                for (EventLoop loop : g.loops()) {
                    sum += counter.getValue().applyAsLong(loop.metrics());
                }
                assertEquals(counter.getValue().applyAsLong(g.metrics()), sum, counter.getKey() + ": the group's is the sum of its loops'");
            }
        }
        // Connections go round the server's two loops: each got some.
        for (EventLoop loop : server.loops()) {
            assertTrue(loop.metrics().connectionsAccepted() > 0, loop + " accepted none of " + connections);
        }
    }

    @Test
    default void metrics_pending_write_bytes_rise_with_a_stalled_reader_and_return_to_zero() throws IOException {
        int low = 32 * 1024;
        int high = 64 * 1024;
        long total = 4L * 1024 * 1024;
        EventLoopGroup server = newGroup(1);
        SocketOptions options = SocketOptions.builder().writeBufferWaterMarks(low, high).sendBufferSize(16 * 1024).build();
        ServerHandlers<StreamingHandler> streams = new ServerHandlers<>(() -> new StreamingHandler(total, 8 * 1024, true));
        Listener listener = server.listen(Loopback.anyPort(), options, streams);
        LoopMetrics group = server.metrics();
        LoopMetrics loop = server.loops().get(0).metrics();
        assertEquals(0, group.pendingWriteBytes());

        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress(), 8 * 1024));
        StreamingHandler streamer = streams.awaitFirst();
        Connection c = streamer.awaitOpen();
        Await.until(() -> streamer.writabilityChanges().contains(false), "onWritabilityChanged(false)");
        // Stalled: the writer stopped above the low watermark and nothing moves, so the gauges agree
        // with the connection's own count. A gauge that drifts never matches it.
        Await.until(() -> {
            long pending = c.pendingWriteBytes();
            return pending > low && group.pendingWriteBytes() == pending && loop.pendingWriteBytes() == pending;
        }, () -> "the group's pendingWriteBytes " + group.pendingWriteBytes() + " to equal the stalled connection's "
                + c.pendingWriteBytes() + " (loop's " + loop.pendingWriteBytes() + ")");

        assertEquals(total, peer.readPatternToEnd(), "bytes the peer read");
        assertNull(streamer.awaitClose());
        Await.until(() -> group.pendingWriteBytes() == 0, () -> "pendingWriteBytes back to 0, is " + group.pendingWriteBytes());
        assertEquals(total, group.bytesWritten(), "bytesWritten: the whole stream");
        assertEquals(0, loop.pendingWriteBytes());
        streamer.assertContractHeld();
    }

    @Test
    default void metrics_count_udp_datagrams_and_bytes_exactly() {
        int datagrams = 25;
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        UdpRecorder echo = new UdpRecorder().echoing();
        UdpSocket s = Await.get(server.bindUdp(Loopback.anyPort(), UdpOptions.defaults(), echo), "bindUdp (server)");
        UdpRecorder replies = new UdpRecorder();
        UdpSocket c = Await.get(client.bindUdp(Loopback.anyPort(), UdpOptions.defaults(), replies), "bindUdp (client)");

        long bytes = 0;
        for (int i = 0; i < datagrams; i++) {
            // One in flight at a time: a loss would be the kernel's right, and this test counts.
            byte[] d = Payloads.random(1 + i * 401, 20 + i);
            bytes += d.length;
            assertTrue(c.send(ByteBuffer.wrap(d), s.localAddress()), "send #" + i);
            assertArrayEquals(d, replies.next("echo #" + i).data(), "echo #" + i);
        }
        // A datagram counts as sent once the loop has removed it from the queue, which can be
        // after the peer has it.
        Await.until(() -> server.metrics().datagramsSent() == datagrams && client.metrics().datagramsSent() == datagrams,
                () -> "datagramsSent " + datagrams + " on both sides: server " + server.metrics().datagramsSent() + ", client "
                        + client.metrics().datagramsSent());
        Await.until(() -> s.pendingSendBytes() == 0 && c.pendingSendBytes() == 0, "the send queues to empty");
        for (EventLoopGroup g : List.of(server, client)) {
            String side = g == server ? "server " : "client ";
            LoopMetrics m = g.metrics();
            assertEquals(datagrams, m.datagramsReceived(), side + "datagramsReceived");
            assertEquals(datagrams, m.datagramsSent(), side + "datagramsSent");
            assertEquals(bytes, m.bytesRead(), side + "bytesRead: the datagrams' bytes");
            assertEquals(bytes, m.bytesWritten(), side + "bytesWritten: the datagrams' bytes");
            assertEquals(0, m.connectionsAccepted() + m.connectionsConnected() + m.openConnections(), side + "no stream connections");
            assertEquals(m.datagramsReceived(), g.loops().get(0).metrics().datagramsReceived(), side + "the one loop's count");
        }
        echo.assertContractHeld();
        replies.assertContractHeld();
    }

    @Test
    default void metrics_count_tasks_timers_and_wakeups() {
        EventLoopGroup group = newGroup(1);
        EventLoop loop = group.loops().get(0);
        LoopMetrics m = loop.metrics();
        Await.loopDrained(loop);

        long before = m.tasksRun();
        int tasks = 100;
        CountDownLatch ran = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            loop.execute(ran::countDown);
        }
        awaitLatch(ran, "the tasks");
        // A turn adds the tasks it ran once it has run them all: the count may lag the last task a little.
        Await.until(() -> m.tasksRun() - before >= tasks, () -> "tasksRun to grow by " + tasks + ", grew by " + (m.tasksRun() - before));

        long beforeTimers = m.tasksRun();
        int timers = 3;
        CountDownLatch fired = new CountDownLatch(timers);
        for (int i = 0; i < timers; i++) {
            loop.schedule(fired::countDown, Duration.ofMillis(1 + i));
        }
        awaitLatch(fired, "the timers");
        Await.until(() -> m.tasksRun() - beforeTimers >= timers, () -> "tasksRun to count the " + timers + " timers fired");

        // Tasks queued by the loop itself wake nothing; one task from this thread wakes the loop at most once.
        Await.loopDrained(loop);
        long wakeupsBefore = m.wakeups();
        CountDownLatch inner = new CountDownLatch(50);
        loop.execute(() -> {
            for (int i = 0; i < 50; i++) {
                loop.execute(inner::countDown);
            }
        });
        awaitLatch(inner, "tasks executed by the loop");
        assertTrue(m.wakeups() - wakeupsBefore <= 1, "wakeups for tasks the loop executed itself: " + (m.wakeups() - wakeupsBefore));

        // A task from another thread wakes an idle loop. Idle: the loop must have gone back to its
        // wait, which each attempt gives it time to do.
        long idleBefore = m.wakeups();
        Await.until(() -> {
            Await.sleep(Duration.ofMillis(20));
            Await.loopDrained(loop);
            return m.wakeups() > idleBefore;
        }, () -> "wakeups to grow when this thread executes a task on the idle loop, still " + m.wakeups());
        assertEquals(m.wakeups(), group.metrics().wakeups(), "the group's wakeups: its one loop's");
    }

    @Test
    default void metrics_count_iterations_and_io_events_with_traffic_and_wait_time_while_idle() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        LoopMetrics m = server.metrics();
        Await.loopsDrained(server);
        long iterations = m.iterations();
        long ioEvents = m.ioEvents();

        EchoSupport.roundTrip(client, listener.localAddress(), Payloads.random(512 * 1024, 30));
        assertNull(echoes.awaitFirst().awaitClose());
        // Accepting, reading, writing and closing took turns with I/O events.
        Await.until(() -> m.iterations() > iterations + 1 && m.ioEvents() > ioEvents,
                () -> "iterations and ioEvents to grow with traffic: iterations " + iterations + " -> " + m.iterations()
                        + ", ioEvents " + ioEvents + " -> " + m.ioEvents());

        // Idle: the wait time grows (a wait in progress counts) and stays within the loop's run time.
        Await.loopsDrained(server);
        long waitBefore = m.waitNanos();
        long runBefore = m.runNanos();
        assertTrue(waitBefore <= runBefore, "waitNanos " + waitBefore + " within runNanos " + runBefore);
        Await.quietPeriod();
        long waitAfter = m.waitNanos();
        long runAfter = m.runNanos();
        assertTrue(waitAfter > waitBefore, "waitNanos grew while the loop was idle: " + waitBefore + " -> " + waitAfter);
        assertTrue(runAfter > runBefore, "runNanos grew: " + runBefore + " -> " + runAfter);
        assertTrue(waitAfter <= runAfter, "waitNanos " + waitAfter + " within runNanos " + runAfter);
        for (EventLoopGroup g : List.of(server, client)) {
            for (EventLoop loop : g.loops()) {
                long wait = loop.metrics().waitNanos(); // first: the run time read after it is the later one
                long run = loop.metrics().runNanos();
                assertTrue(wait > 0 && wait <= run, loop + ": waitNanos " + wait + ", runNanos " + run);
            }
        }
    }

    @Test
    default void metrics_read_from_another_thread_during_traffic_never_go_backwards() throws Exception {
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        Listener listener = server.listen(Loopback.anyPort(), EchoHandler::new);
        List<LoopMetrics> watched = new ArrayList<>();
        for (EventLoopGroup g : List.of(server, client)) {
            watched.add(g.metrics());
            for (EventLoop loop : g.loops()) {
                watched.add(loop.metrics());
            }
        }
        Map<String, ToLongFunction<LoopMetrics>> counters = counters();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        List<String> backwards = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> readerDone = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                long[][] last = new long[watched.size()][counters.size()];
                while (!stop.get() && backwards.size() < 10) {
                    for (int w = 0; w < watched.size(); w++) {
                        int k = 0;
                        for (var counter : counters.entrySet()) {
                            long v = counter.getValue().applyAsLong(watched.get(w));
                            if (v < last[w][k]) {
                                backwards.add(counter.getKey() + " of metrics #" + w + " went from " + last[w][k] + " to " + v);
                            }
                            last[w][k++] = v;
                        }
                    }
                    reads.incrementAndGet();
                }
                readerDone.complete(null);
            } catch (Throwable t) {
                readerDone.completeExceptionally(t);
            }
        }, "metrics-reader");
        reader.setDaemon(true);
        reader.start();

        List<CompletableFuture<Connection>> running = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] payload = Payloads.random(256 * 1024, 40 + i);
            RecordingHandler h = new RecordingHandler(false);
            Connection c = Await.get(client.connect(listener.localAddress(), h), "connect #" + i);
            for (int k = 0; k < 4; k++) {
                assertTrue(c.write(payload));
                h.awaitReceived((long) (k + 1) * payload.length);
            }
            running.add(c.close().thenApply(v -> c));
        }
        for (CompletableFuture<Connection> f : running) {
            Await.get(f, "close");
        }
        // Then many short waits, each ended by a task from this thread: the reader adds up a wait
        // in progress, and must never count more of it than the loop adds once it has ended.
        for (int i = 0; i < 5_000; i++) {
            Await.loopDrained(server.loops().get(i % 2));
        }
        long readsDuringTraffic = reads.get();
        stop.set(true);
        Await.get(readerDone, "the metrics reader");
        assertTrue(backwards.isEmpty(), "counters read on another thread went backwards: " + backwards);
        assertTrue(readsDuringTraffic > 1, "the reader read while the traffic ran: " + readsDuringTraffic + " rounds");
        assertEquals(8, client.metrics().connectionsConnected());
    }

    // ---- helpers ----

    /** Every counter of {@link LoopMetrics} (not the gauges), by name: none of them ever decreases. */
    private static Map<String, ToLongFunction<LoopMetrics>> counters() {
        var m = new LinkedHashMap<String, ToLongFunction<LoopMetrics>>(restingValues());
        m.remove("openConnections");
        m.remove("pendingWriteBytes");
        m.put("tasksRun", LoopMetrics::tasksRun);
        m.put("wakeups", LoopMetrics::wakeups);
        m.put("iterations", LoopMetrics::iterations);
        m.put("ioEvents", LoopMetrics::ioEvents);
        m.put("waitNanos", LoopMetrics::waitNanos);
        m.put("runNanos", LoopMetrics::runNanos);
        return m;
    }

    /** The values, counters and gauges, that stand still once the traffic has ended and the loops idle. */
    private static Map<String, ToLongFunction<LoopMetrics>> restingValues() {
        var m = new LinkedHashMap<String, ToLongFunction<LoopMetrics>>();
        m.put("connectionsAccepted", LoopMetrics::connectionsAccepted);
        m.put("connectionsConnected", LoopMetrics::connectionsConnected);
        m.put("connectionsClosed", LoopMetrics::connectionsClosed);
        m.put("openConnections", LoopMetrics::openConnections);
        m.put("bytesRead", LoopMetrics::bytesRead);
        m.put("bytesWritten", LoopMetrics::bytesWritten);
        m.put("pendingWriteBytes", LoopMetrics::pendingWriteBytes);
        m.put("datagramsReceived", LoopMetrics::datagramsReceived);
        m.put("datagramsSent", LoopMetrics::datagramsSent);
        return m;
    }

    /**
     * Waits until each loop of {@code group} has ended the turn it is in, and committed that turn's
     * LoopIteration event, which a turn does last. A timer set by a task fires a turn later at the
     * earliest, as a turn runs its expired timers before its tasks; a second task could still run in
     * the first one's turn.
     */
    private static void turnsEnded(EventLoopGroup group) {
        for (EventLoop loop : group.loops()) {
            CompletableFuture<Void> nextTurn = new CompletableFuture<>();
            loop.execute(() -> loop.schedule(() -> nextTurn.complete(null), Duration.ofMillis(1)));
            Await.get(nextTurn, "a timer set from a task on " + loop);
        }
    }

    /** The one event of {@code events}; fails naming {@code what} if there are none or several. */
    private static RecordedEvent only(List<RecordedEvent> events, String what) {
        if (events.size() != 1) {
            fail("expected one " + what + " event, got " + events.size() + ": " + events);
        }
        return events.get(0);
    }

    /** A connection event's loop, backend and addresses are those of {@code c}. */
    private void assertConnectionFields(RecordedEvent e, Connection c) {
        assertEquals(c.loop().toString(), e.getString("loop"), "loop of " + e);
        assertEquals(backendId(), e.getString("backend"), "backend of " + e);
        assertEquals(c.localAddress().toString(), e.getString("localAddress"), "localAddress of " + e);
        assertEquals(c.remoteAddress().toString(), e.getString("remoteAddress"), "remoteAddress of " + e);
    }

    private static List<Long> timeouts(List<RecordedEvent> waits) {
        return waits.stream().map(w -> w.getLong("timeout")).toList();
    }

    private static void awaitLatch(CountDownLatch latch, String what) {
        try {
            if (!latch.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("timed out after " + Await.LIMIT.toSeconds() + " s waiting for " + what + ", " + latch.getCount() + " left");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted waiting for " + what);
        }
    }
}
