package io.netloop;

import java.nio.ByteBuffer;

/**
 * Callbacks of one {@link Connection}. All run on the connection's loop thread, one at a time, in
 * this order: {@code onOpen}, then any mix of {@code onData}, {@code onInputClosed},
 * {@code onWritabilityChanged} and {@code onIdle}, then {@code onClose} exactly once.
 *
 * <p>If a callback throws, the connection is aborted and {@code onClose} receives the exception.
 * Callbacks must not block: they run on the loop that serves many connections.
 *
 * <pre>{@code
 * class Echo implements ConnectionHandler {
 *     public void onData(Connection c, ByteBuffer data) { c.write(data); }
 * }
 * }</pre>
 */
public interface ConnectionHandler {

    /** The connection is established (accepted, or connected). */
    default void onOpen(Connection connection) {
    }

    /**
     * Bytes arrived. {@code data} is owned by the loop and valid only during this call: copy what
     * must outlive it ({@link Connection#write} copies).
     */
    void onData(Connection connection, ByteBuffer data);

    /**
     * The peer has closed its side for output (end of input, after all data). By default the
     * connection is closed gracefully; override to keep writing on a half-closed connection.
     */
    default void onInputClosed(Connection connection) {
        connection.close();
    }

    /** {@link Connection#isWritable()} changed. */
    default void onWritabilityChanged(Connection connection, boolean writable) {
    }

    /** Nothing was read or written for the {@linkplain SocketOptions#idleTimeout() idle timeout}. By default the connection is closed. */
    default void onIdle(Connection connection) {
        connection.close();
    }

    /**
     * The connection is closed. {@code cause} is {@code null} for an orderly close, and otherwise
     * says why: a {@link ConnectionResetException}, a {@link NativeIOException}, or the exception a
     * callback threw.
     */
    default void onClose(Connection connection, Throwable cause) {
    }
}
