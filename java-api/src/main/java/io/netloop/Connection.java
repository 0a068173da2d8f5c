package io.netloop;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One stream connection (TCP, or a Unix-domain socket), owned by one {@link EventLoop}.
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

    /**
     * The loop that owns this connection and runs all its callbacks.
     *
     * @return the same loop for the connection's whole life
     */
    EventLoop loop();

    /**
     * The address of this end of the connection.
     *
     * @return known from {@link ConnectionHandler#onOpen} on and kept after the connection closes:
     *         an {@link java.net.InetSocketAddress} (address and port) for TCP; for a Unix-domain
     *         connection a {@link java.net.UnixDomainSocketAddress} (the listener's path on the
     *         accepting side, an empty path for an unbound client) or an {@link AbstractUnixAddress}
     */
    SocketAddress localAddress();

    /**
     * The address of the peer.
     *
     * @return known from {@link ConnectionHandler#onOpen} on and kept after the connection closes:
     *         an {@link java.net.InetSocketAddress} for TCP; for a Unix-domain connection the path or
     *         abstract name the client connected to, and on the accepting side usually an empty
     *         {@link java.net.UnixDomainSocketAddress} (clients rarely bind a name)
     */
    SocketAddress remoteAddress();

    /**
     * The peer's process and user, where the operating system tells them.
     *
     * <p><b>Portability:</b> present for Unix-domain connections on the Linux native backends
     * ({@code SO_PEERCRED}, read once when the connection opens). Empty for TCP, on {@code nio}
     * (the JDK gives only names, through {@code jdk.net.ExtendedSocketOptions.SO_PEERCRED}, not
     * numeric ids) and on Windows (which gives only a process id).
     *
     * @return the credentials the kernel recorded for the peer, or empty where they are not known
     */
    default Optional<PeerCredentials> peerCredentials() {
        return Optional.empty();
    }

    /**
     * Queues the remaining bytes of {@code data} for sending and advances its position to its limit.
     *
     * @param data the bytes from its position to its limit; heap or direct, copied before this returns
     * @return {@code false}, with nothing queued and {@code data} untouched, when the connection no
     *         longer accepts output (closed, closing, or {@link #shutdownOutput()} was called)
     */
    boolean write(ByteBuffer data);

    /**
     * Queues {@code bytes[offset, offset + length)}; see {@link #write(ByteBuffer)}.
     *
     * @param bytes  the array to send from, copied before this returns
     * @param offset index of the first byte to send
     * @param length number of bytes to send
     * @return {@code false}, with nothing queued, when the connection no longer accepts output
     * @throws IndexOutOfBoundsException when the range does not lie within {@code bytes}
     */
    boolean write(byte[] bytes, int offset, int length);

    /**
     * Queues all of {@code bytes}; see {@link #write(ByteBuffer)}.
     *
     * @param bytes the bytes to send, copied before this returns
     * @return {@code false}, with nothing queued, when the connection no longer accepts output
     */
    default boolean write(byte[] bytes) {
        return write(bytes, 0, bytes.length);
    }

    /**
     * Whether the queued output is below the high watermark (see the class comment).
     *
     * @return {@code false} from when the queue grew past
     *         {@linkplain SocketOptions#writeBufferHighWaterMark() the high watermark} until it drained
     *         to {@linkplain SocketOptions#writeBufferLowWaterMark() the low one}
     */
    boolean isWritable();

    /**
     * Bytes queued and not yet handed to the kernel.
     *
     * @return the queue's size in bytes at the moment of the call; 0 when everything was sent
     */
    long pendingWriteBytes();

    /**
     * Half-closes the connection: once queued output is sent, the peer reads end of input. Input
     * still flows. Later writes return {@code false}.
     */
    void shutdownOutput();

    /**
     * Closes gracefully: stops reading, sends what is queued, then closes. Later writes return
     * {@code false}. Calling it again, or after {@link #abort()}, changes nothing.
     *
     * @return {@link #closeFuture()}, completed once the connection is closed
     */
    CompletableFuture<Void> close();

    /** Closes at once, discarding queued output; the peer sees a reset rather than end of input. */
    void abort();

    /**
     * Completed once the connection is closed, whatever closed it, right after
     * {@link ConnectionHandler#onClose}.
     *
     * @return a future completed with {@code null}, never exceptionally; the cause of an abnormal
     *         close goes to {@code onClose}
     */
    CompletableFuture<Void> closeFuture();

    /**
     * Whether the connection is open and not closing.
     *
     * @return {@code false} once closing has begun: {@link #close()} or {@link #abort()} was called
     *         (on any thread), or the loop began closing it
     */
    boolean isOpen();

    /**
     * Stops delivering {@link ConnectionHandler#onData}; the kernel's buffer then applies
     * backpressure to the peer. Called on the loop thread it takes effect at once (no further
     * {@code onData} after the current one); from another thread, once the loop runs it.
     * Pausing a paused connection changes nothing.
     */
    void pauseReading();

    /** Resumes delivering data, and end of input, after {@link #pauseReading()}. */
    void resumeReading();

    /**
     * An object of the caller's choice carried with the connection.
     *
     * @return the last value {@linkplain #attach(Object) attached} on any thread; {@code null} by default
     */
    Object attachment();

    /**
     * Sets the {@linkplain #attachment() attachment}; visible to every thread once this returns.
     *
     * @param attachment any object, or {@code null} to clear it
     */
    void attach(Object attachment);
}
