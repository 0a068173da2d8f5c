package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.Connection;
import io.netloop.ConnectionResetException;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import io.netloop.conformance.RecordingHandler.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Half-close, graceful and abortive close, resets, and the callback order around them. */
public interface CloseConformance extends ConformanceContext {

    @Test
    default void client_shutdown_output_lets_server_reply_after_input_closed() {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> replies = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onInputClosed(Connection c) {
                super.onInputClosed(c);
                if (!c.write(("received " + received() + " bytes").getBytes(StandardCharsets.US_ASCII))) {
                    violation("write after end of input returned false");
                }
                c.close();
            }
        }.keepingHalfOpen());
        Listener listener = listenQuietly(server, replies);

        RecordingHandler h = new RecordingHandler();
        Connection c = Await.get(client.connect(listener.localAddress(), h), "connect");
        byte[] request = "a request, then end of output".getBytes(StandardCharsets.US_ASCII);
        assertTrue(c.write(request));
        c.shutdownOutput();
        assertFalse(c.write(new byte[] {1}), "write after shutdownOutput");

        byte[] expected = ("received " + request.length + " bytes").getBytes(StandardCharsets.US_ASCII);
        Payloads.assertSameBytes(expected, h.awaitBytes(expected.length), "reply sent after the server's input closed");
        h.awaitInputClosed();
        assertNull(h.awaitClose());

        RecordingHandler s = replies.awaitFirst();
        assertNull(s.awaitClose());
        Payloads.assertSameBytes(request, s.bytes(), "request");
        assertEquals(List.of(Event.OPEN, Event.DATA, Event.INPUT_CLOSED, Event.CLOSE), s.events());
        assertEquals(List.of(Event.OPEN, Event.DATA, Event.INPUT_CLOSED, Event.CLOSE), h.events());
        s.assertContractHeld();
        h.assertContractHeld();
    }

    @Test
    default void server_shutdown_output_lets_client_keep_sending() {
        byte[] greeting = "greeting, then end of output".getBytes(StandardCharsets.US_ASCII);
        byte[] later = "still talking after your end of output".getBytes(StandardCharsets.US_ASCII);
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        AtomicBoolean writeAfterShutdownAccepted = new AtomicBoolean();
        ServerHandlers<RecordingHandler> servers = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                c.write(greeting);
                c.shutdownOutput();
                writeAfterShutdownAccepted.set(c.write(new byte[] {1}));
            }

            @Override
            public void onData(Connection c, ByteBuffer data) {
                super.onData(c, data);
                if (received() == later.length) {
                    c.close();
                }
            }
        });
        Listener listener = listenQuietly(server, servers);

        RecordingHandler h = new RecordingHandler() {
            @Override
            public void onInputClosed(Connection c) {
                super.onInputClosed(c);
                if (!c.write(later)) {
                    violation("write after end of input returned false");
                }
            }
        }.keepingHalfOpen();
        Connection c = Await.get(client.connect(listener.localAddress(), h), "connect");
        h.awaitInputClosed();
        Payloads.assertSameBytes(greeting, h.bytes(), "everything before end of input");

        RecordingHandler s = servers.awaitFirst();
        assertNull(s.awaitClose());
        Payloads.assertSameBytes(later, s.bytes(), "what the client sent after the server's end of output");
        assertFalse(writeAfterShutdownAccepted.get(), "write after shutdownOutput");
        assertTrue(c.isOpen(), "the client decides when to close a half-closed connection");

        Await.get(c.close(), "client close");
        assertNull(h.awaitClose());
        assertEquals(List.of(Event.OPEN, Event.DATA, Event.INPUT_CLOSED, Event.CLOSE), h.events());
        s.assertContractHeld();
        h.assertContractHeld();
    }

    @Test
    default void peer_reset_during_write_closes_with_ConnectionResetException() throws IOException {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<StreamingHandler> streams = new ServerHandlers<>(() -> new StreamingHandler(Long.MAX_VALUE, 16 * 1024, false));
        Listener listener = server.listen(Loopback.anyPort(), streams);

        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        peer.readExactly(256 * 1024); // the server is streaming
        peer.reset();

        StreamingHandler streamer = streams.awaitFirst();
        Throwable cause = streamer.awaitClose();
        assertInstanceOf(ConnectionResetException.class, cause, "onClose cause after the peer reset");
        Connection c = streamer.awaitOpen();
        assertFalse(c.isOpen());
        assertFalse(c.write(new byte[] {1}), "write after the connection closed");
        assertEquals(1, streamer.closeCount());
        streamer.assertContractHeld();
    }

    @Test
    default void close_from_another_thread_runs_onClose_once_on_loop_thread() throws Exception {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), handlers);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        RecordingHandler h = handlers.awaitFirst();
        Connection c = h.awaitOpen();

        // Several threads race to close; the callback must still run once, on the loop.
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<CompletableFuture<Void>>> closes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<CompletableFuture<Void>> f = new CompletableFuture<>();
            closes.add(f);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    f.complete(c.close());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "closer-" + i);
            t.setDaemon(true);
            t.start();
        }
        start.countDown();
        for (CompletableFuture<CompletableFuture<Void>> f : closes) {
            Await.get(Await.get(f, "close() call"), "the future close() returned");
        }
        assertNull(h.awaitClose());
        assertEquals(-1, peer.read(), "the peer reads end of input");
        Await.loopDrained(c.loop());
        assertEquals(1, h.closeCount(), "onClose calls");
        assertFalse(c.isOpen());
        assertTrue(c.closeFuture().isDone());
        h.assertContractHeld();
    }

    @Test
    default void graceful_close_sends_queued_4MiB_before_end_of_input() throws IOException {
        byte[] payload = Payloads.random(4 * 1024 * 1024, 41);
        EventLoopGroup server = newGroup(1);
        // Queued and closed from inside the loop, in one callback...
        ServerHandlers<RecordingHandler> fromLoop = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                c.write(payload);
                c.close();
            }
        });
        Listener listener = server.listen(Loopback.anyPort(), fromLoop);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        BlockingPeer.ReadResult result = peer.readToEnd();
        assertTrue(result.cleanEnd(), "clean end of input, not " + result.error());
        Payloads.assertSameBytes(payload, result.data(), "data queued before close()");
        assertNull(fromLoop.awaitFirst().awaitClose());
        fromLoop.awaitFirst().assertContractHeld();

        // ...and from another thread, while the peer is not reading yet.
        ServerHandlers<RecordingHandler> plain = new ServerHandlers<>(RecordingHandler::new);
        Listener second = server.listen(Loopback.anyPort(), plain);
        BlockingPeer peer2 = closeAfterTest(BlockingPeer.connect(second.localAddress()));
        Connection c = plain.awaitFirst().awaitOpen();
        assertTrue(c.write(payload));
        CompletableFuture<Void> closed = c.close();
        BlockingPeer.ReadResult result2 = peer2.readToEnd();
        assertTrue(result2.cleanEnd(), "clean end of input, not " + result2.error());
        Payloads.assertSameBytes(payload, result2.data(), "data queued from another thread before close()");
        Await.get(closed, "close");
        assertNull(plain.awaitFirst().closeCause());
    }

    @Test
    default void abort_discards_queued_output_and_resets_peer() throws IOException {
        int size = 16 * 1024 * 1024;
        byte[] payload = Payloads.random(size, 42);
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> aborters = new ServerHandlers<>(() -> new RecordingHandler() {
            // Aborts on the peer's first byte rather than in onOpen: a reset racing the peer's own
            // connect() would fail the connect, which is not what this test is about.
            @Override
            public void onData(Connection c, ByteBuffer data) {
                super.onData(c, data);
                c.write(payload);
                c.abort();
            }
        });
        Listener listener = server.listen(Loopback.anyPort(), aborters);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        peer.write(new byte[] {1});
        BlockingPeer.ReadResult result = peer.readToEnd();
        assertTrue(!result.cleanEnd() || result.data().length < size,
                "after abort() the peer must not get all " + size + " bytes and a clean end of input; got "
                        + result.data().length + " bytes, error " + result.error());
        RecordingHandler h = aborters.awaitFirst();
        h.awaitClose();
        Await.loopDrained(h.awaitOpen().loop());
        assertEquals(1, h.closeCount());
        assertEquals(0, h.awaitOpen().pendingWriteBytes(), "queued output is discarded");
        h.assertContractHeld();
    }

    @Test
    default void write_after_close_or_shutdown_returns_false() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        Listener listener = server.listen(Loopback.anyPort(), EchoHandler::new);
        byte[] bytes = {1, 2, 3};

        RecordingHandler closing = new RecordingHandler();
        Connection c1 = Await.get(client.connect(listener.localAddress(), closing), "connect");
        CompletableFuture<Void> closed = c1.close();
        assertFalse(c1.isOpen(), "isOpen() once close() was called");
        ByteBuffer untouched = ByteBuffer.wrap(bytes);
        assertFalse(c1.write(untouched), "write(ByteBuffer) after close()");
        assertEquals(0, untouched.position(), "a refused write leaves the buffer untouched");
        assertFalse(c1.write(bytes), "write(byte[]) after close()");
        Await.get(closed, "close");
        assertFalse(c1.write(bytes), "write after the connection closed");

        RecordingHandler aborting = new RecordingHandler();
        Connection c2 = Await.get(client.connect(listener.localAddress(), aborting), "connect");
        c2.abort();
        assertFalse(c2.isOpen(), "isOpen() once abort() was called");
        assertFalse(c2.write(bytes), "write after abort()");
        aborting.awaitClose();

        RecordingHandler halfClosed = new RecordingHandler().keepingHalfOpen();
        Connection c3 = Await.get(client.connect(listener.localAddress(), halfClosed), "connect");
        c3.shutdownOutput();
        assertFalse(c3.write(bytes), "write after shutdownOutput()");
        halfClosed.awaitInputClosed(); // the echo server saw our end of output and closed
        assertEquals(0, halfClosed.received(), "nothing was sent");
        Await.get(c3.close(), "close");

        closing.assertContractHeld();
        aborting.assertContractHeld();
        halfClosed.assertContractHeld();
    }

    @Test
    default void callbacks_run_on_loop_thread_in_contract_order() {
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<RecordingHandler> servers = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onData(Connection c, ByteBuffer data) {
                super.onData(c, data);
                c.write(data);
            }
        });
        Listener listener = listenQuietly(server, servers);

        RecordingHandler h = new RecordingHandler();
        Connection c = Await.get(client.connect(listener.localAddress(), h), "connect");
        assertTrue(h.isOpened(), "onOpen ran before the connect future completed");
        for (int i = 0; i < 3; i++) {
            c.write(Payloads.random(1000, i));
        }
        h.awaitReceived(3000);
        Await.get(c.close(), "close");
        assertNull(h.awaitClose());
        RecordingHandler s = servers.awaitFirst();
        assertNull(s.awaitClose(), "the peer's orderly close has no cause");

        Await.loopsDrained(client);
        Await.loopsDrained(server);
        int clientCallbacks = h.callbackCount();
        Await.quietPeriod();
        assertEquals(clientCallbacks, h.callbackCount(), "callbacks after onClose");
        assertEquals(List.of(Event.OPEN, Event.DATA, Event.CLOSE), h.events());
        assertEquals(List.of(Event.OPEN, Event.DATA, Event.INPUT_CLOSED, Event.CLOSE), s.events());
        assertEquals(1, h.closeCount());
        assertEquals(1, s.closeCount());
        h.assertContractHeld();
        s.assertContractHeld();
    }

    @Test
    default void handler_exception_aborts_connection_with_that_cause_and_server_keeps_serving() throws IOException {
        RuntimeException boom = new IllegalStateException("boom from onData");
        EventLoopGroup server = newGroup(1);
        AtomicInteger made = new AtomicInteger();
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(() -> made.getAndIncrement() == 0
                ? new RecordingHandler() {
                    @Override
                    public void onData(Connection c, ByteBuffer data) {
                        super.onData(c, data);
                        throw boom;
                    }
                }
                : new EchoHandler());
        Listener listener = server.listen(Loopback.anyPort(), handlers);

        BlockingPeer first = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        first.write(new byte[] {42});
        RecordingHandler thrower = handlers.awaitFirst();
        assertSame(boom, thrower.awaitClose(), "onClose gets the exception the handler threw");
        assertEquals(1, thrower.closeCount());
        BlockingPeer.ReadResult result = first.readToEnd();
        assertEquals(0, result.data().length, "nothing was sent before the abort");

        // The loop and the listener go on serving.
        try (BlockingPeer second = BlockingPeer.connect(listener.localAddress())) {
            byte[] message = Payloads.random(5000, 5);
            second.write(message);
            Payloads.assertSameBytes(message, second.readExactly(message.length), "echo after another connection's handler threw");
        }
        thrower.assertContractHeld();
    }

    private static Listener listenQuietly(EventLoopGroup group, ServerHandlers<?> handlers) {
        try {
            return group.listen(Loopback.anyPort(), SocketOptions.defaults(), handlers);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
