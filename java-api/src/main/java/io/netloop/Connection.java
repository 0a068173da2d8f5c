package io.netloop;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One TCP connection, owned by one {@link EventLoop}.
 *
 * <p>Every method may be called from any thread. Writes are ordered as called, copied before the
 * call returns (so the caller may reuse its buffer at once), gathered into vector writes and sent
 * by the loop. Writes made on the loop thread while a callback runs are sent when the callback's
 * batch of events is done; writes from other threads are handed to the loop.
 *
 * <p>Backpressure: when more than the high watermark is queued, {@link #isWritable()} turns
 * {@code false} and {@link ConnectionHandler#onWritabilityChanged} is called; it turns {@code true}
 * again once the queue drains to the low watermark. Writes are still accepted while unwritable:
 * stopping is the caller's decision.
 *
 * <pre>{@code
 * if (!conn.write(ByteBuffer.wrap(bytes))) {
 *     // the connection no longer accepts output: closed, closing or shut down for output
 * }
 * }</pre>
 */
public interface Connection {

    /** The loop that owns this connection and runs all its callbacks. */
    EventLoop loop();

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /**
     * Queues the remaining bytes of {@code data} for sending and advances its position to its limit.
     *
     * @return {@code false}, with nothing queued and {@code data} untouched, when the connection no
     *         longer accepts output (closed, closing, or {@link #shutdownOutput()} was called)
     */
    boolean write(ByteBuffer data);

    /** Queues {@code bytes[offset, offset + length)}; see {@link #write(ByteBuffer)}. */
    boolean write(byte[] bytes, int offset, int length);

    /** Queues all of {@code bytes}; see {@link #write(ByteBuffer)}. */
    default boolean write(byte[] bytes) {
        return write(bytes, 0, bytes.length);
    }

    /** Whether the queued output is below the high watermark (see the class comment). */
    boolean isWritable();

    /** Bytes queued and not yet handed to the kernel. */
    long pendingWriteBytes();

    /**
     * Half-closes the connection: once queued output is sent, the peer reads end of input. Input
     * still flows. Later writes return {@code false}.
     */
    void shutdownOutput();

    /**
     * Closes gracefully: stops reading, sends what is queued, then closes. Completes the returned
     * future (the same as {@link #closeFuture()}) when the connection is closed.
     */
    CompletableFuture<Void> close();

    /** Closes at once, discarding queued output; the peer sees a reset rather than end of input. */
    void abort();

    /** Completed once the connection is closed, whatever closed it. Never completed exceptionally. */
    CompletableFuture<Void> closeFuture();

    /** {@code false} once closing has begun. */
    boolean isOpen();

    /** Stops delivering {@link ConnectionHandler#onData}; the kernel's buffer then applies backpressure to the peer. */
    void pauseReading();

    /** Resumes delivering data after {@link #pauseReading()}. */
    void resumeReading();

    /** An object of the caller's choice carried with the connection; {@code null} by default. */
    Object attachment();

    /** Sets the {@linkplain #attachment() attachment}. */
    void attach(Object attachment);
}
