package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.Connection;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Backpressure both ways: watermarks against a peer that does not read, and pausing our own reading. */
public interface FlowControlConformance extends ConformanceContext {

    @Test
    default void non_reading_peer_makes_connection_unwritable_and_reading_restores_it() throws IOException {
        int low = 32 * 1024;
        int high = 64 * 1024;
        int chunk = 8 * 1024;
        long total = 8L * 1024 * 1024;
        EventLoopGroup server = newGroup(1);
        SocketOptions options = SocketOptions.builder()
                .writeBufferWaterMarks(low, high)
                .sendBufferSize(16 * 1024)
                .build();
        ServerHandlers<StreamingHandler> streams = new ServerHandlers<>(() -> new StreamingHandler(total, chunk, true));
        Listener listener = server.listen(Loopback.anyPort(), options, streams);

        // Connects with a small receive buffer and does not read yet.
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress(), 8 * 1024));
        StreamingHandler streamer = streams.awaitFirst();
        Connection c = streamer.awaitOpen();

        Await.until(() -> streamer.writabilityChanges().contains(false), "onWritabilityChanged(false)");
        // Once the kernel's buffers are full nothing moves: the writer has stopped at the watermark.
        awaitStalled(streamer);
        assertFalse(c.isWritable(), "unwritable while the peer does not read");
        assertEquals(List.of(false), lastOf(streamer.writabilityChanges()), "last writability change");
        assertTrue(streamer.written() < total, "the writer stopped short while the peer did not read, wrote " + streamer.written());
        long pending = c.pendingWriteBytes();
        assertTrue(pending > low && pending <= high + chunk,
                "queued output stays near the high watermark: " + pending + " bytes, watermarks " + low + "/" + high);
        int changesWhileStalled = streamer.writabilityChanges().size();

        // The peer reads everything: writability comes back and the whole stream arrives intact.
        assertEquals(total, peer.readPatternToEnd(), "bytes the peer read before end of input");
        assertNull(streamer.awaitClose());

        List<Boolean> changes = streamer.writabilityChanges();
        assertTrue(changes.size() > changesWhileStalled && changes.get(changesWhileStalled),
                "onWritabilityChanged(true) once the peer read: " + changes);
        assertTrue(streamer.maxPending() <= high + chunk,
                "queued output never went past one write over the high watermark: max " + streamer.maxPending());
        streamer.assertContractHeld();
    }

    @Test
    default void pause_reading_delivers_nothing_until_resumed() throws IOException {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> sinks = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), sinks);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        RecordingHandler sink = sinks.awaitFirst();
        Connection c = sink.awaitOpen();

        c.pauseReading();
        Await.loopDrained(c.loop());
        byte[] first = Payloads.random(4096, 1);
        peer.write(first);
        Await.quietPeriod();
        assertEquals(0, sink.received(), "onData while reading is paused");

        c.resumeReading();
        Payloads.assertSameBytes(first, sink.awaitBytes(first.length), "data held while paused");

        // Pausing again from the loop thread itself, inside a callback, works the same.
        c.loop().execute(c::pauseReading);
        Await.loopDrained(c.loop());
        peer.write(Payloads.random(100, 2));
        Await.quietPeriod();
        assertEquals(first.length, sink.received(), "onData while reading is paused");
        c.loop().execute(c::resumeReading);
        sink.awaitReceived(first.length + 100);
        sink.assertContractHeld();
    }

    @Test
    default void pause_reading_holds_end_of_input_until_resumed() throws IOException {
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> sinks = new ServerHandlers<>(RecordingHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), sinks);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        RecordingHandler sink = sinks.awaitFirst();
        Connection c = sink.awaitOpen();

        c.pauseReading();
        Await.loopDrained(c.loop());
        byte[] data = Payloads.random(10_000, 3);
        peer.write(data);
        peer.shutdownOutput();
        Await.quietPeriod();
        assertEquals(List.of(RecordingHandler.Event.OPEN), sink.events(), "callbacks while reading is paused");

        c.resumeReading();
        sink.awaitInputClosed();
        Payloads.assertSameBytes(data, sink.bytes(), "data before end of input");
        assertNull(sink.awaitClose());
        assertEquals(-1, peer.read(), "the server closed after end of input");
        assertEquals(List.of(RecordingHandler.Event.OPEN, RecordingHandler.Event.DATA,
                RecordingHandler.Event.INPUT_CLOSED, RecordingHandler.Event.CLOSE), sink.events());
        sink.assertContractHeld();
    }

    @Test
    default void reads_are_never_larger_than_the_read_buffer_size() throws IOException {
        // An odd size, smaller than any of a completion backend's receive size classes: its
        // buffers are cut from slabs at offsets that are no multiple of a power of two.
        int readBufferSize = 100;
        EventLoopGroup server = closeAfterTest(EventLoopGroup.builder().backend(backendId()).threads(1)
                .daemon(true).readBufferSize(readBufferSize).build());
        AtomicInteger largest = new AtomicInteger();
        ServerHandlers<RecordingHandler> sinks = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onData(Connection c, ByteBuffer buffer) {
                largest.accumulateAndGet(buffer.remaining(), Math::max);
                super.onData(c, buffer);
            }
        });
        Listener listener = server.listen(Loopback.anyPort(), sinks);
        byte[] payload = Payloads.random(256 * 1024, 44);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress()));
        peer.write(payload);
        peer.close();

        RecordingHandler sink = sinks.awaitFirst();
        sink.awaitInputClosed();
        Payloads.assertSameBytes(payload, sink.bytes(), "256 KiB read " + readBufferSize + " bytes at most at a time");
        assertTrue(largest.get() <= readBufferSize, "largest onData: " + largest.get() + " bytes");
        sink.assertContractHeld();
    }

    @Test
    default void one_write_larger_than_a_flush_gathers_is_delivered_whole() throws IOException {
        // 80 MiB written at once: more than one flush sends on the readiness backends (16 gathering
        // writes of 256 chunks of 16 KiB). Where the socket takes it all without ever blocking, as
        // Winsock may, a flush stops at that cap with room left, and a poller that reports
        // writability only after a send would block (WSAEventSelect's FD_WRITE) never wakes it.
        byte[] payload = Payloads.random(80 * 1024 * 1024, 43);
        EventLoopGroup server = newGroup(1);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                c.write(payload);
                c.close();
            }
        });
        Listener listener = server.listen(Loopback.anyPort(), handlers);
        BlockingPeer peer = closeAfterTest(BlockingPeer.connect(listener.localAddress(), 8 * 1024 * 1024));
        BlockingPeer.ReadResult result = peer.readToEnd();
        assertTrue(result.cleanEnd(), "clean end of input, not " + result.error());
        Payloads.assertSameBytes(payload, result.data(), "80 MiB written at once");
        assertNull(handlers.awaitFirst().awaitClose());
        handlers.awaitFirst().assertContractHeld();
    }

    /** Waits until the writer has made no progress for a while: it stopped because it is unwritable. */
    private static void awaitStalled(StreamingHandler streamer) {
        long[] last = {-1};
        int[] still = {0};
        Await.until(() -> {
            long now = streamer.written();
            still[0] = now == last[0] ? still[0] + 1 : 0;
            last[0] = now;
            if (still[0] < 20) {
                Await.sleep(java.time.Duration.ofMillis(10));
                return false;
            }
            return true;
        }, () -> "the writer to stop at the watermark; written " + streamer.written());
    }

    private static <T> List<T> lastOf(List<T> list) {
        return list.isEmpty() ? List.of() : List.of(list.get(list.size() - 1));
    }
}
