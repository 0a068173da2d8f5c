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

    /**
     * The connection is established (accepted, or connected); the first callback. Its addresses are
     * known by then.
     *
     * @param connection the new connection
     */
    default void onOpen(Connection connection) {
    }

    /**
     * Bytes arrived. {@code data} is owned by the loop and valid only during this call: copy what
     * must outlive it ({@link Connection#write} copies).
     *
     * @param connection the connection the bytes arrived on
     * @param data       a read-only buffer holding the bytes from its position to its limit, never
     *                   empty; TCP is a stream, so one message may arrive split over several calls,
     *                   or several in one
     */
    void onData(Connection connection, ByteBuffer data);

    /**
     * The peer has closed its side for output (end of input, after all data). By default the
     * connection is closed gracefully; override to keep writing on a half-closed connection.
     *
     * @param connection the connection whose input ended; no {@code onData} follows
     */
    default void onInputClosed(Connection connection) {
        connection.close();
    }

    /**
     * {@link Connection#isWritable()} changed: the write queue grew past the high watermark, or
     * drained to the low one. Calls alternate: {@code false}, then {@code true}, and so on.
     *
     * @param connection the connection whose writability changed
     * @param writable   the new value of {@link Connection#isWritable()}
     */
    default void onWritabilityChanged(Connection connection, boolean writable) {
    }

    /**
     * Nothing was read or written for the {@linkplain SocketOptions#idleTimeout() idle timeout}.
     * By default the connection is closed. Left open, it is told again after another idle timeout
     * without traffic.
     *
     * @param connection the idle connection
     */
    default void onIdle(Connection connection) {
        connection.close();
    }

    /**
     * The group is shutting down gracefully ({@link EventLoopGroup#shutdownGracefully}) while this
     * connection is open. By default the connection is closed, after its queued output; a handler
     * may first write a last message, and a layer such as TLS ends its session properly (TLS sends
     * {@code close_notify}). A connection still open at the shutdown deadline is aborted.
     *
     * @param connection the connection
     */
    default void onShutdown(Connection connection) {
        connection.close();
    }

    /**
     * The connection is closed. {@code cause} is {@code null} for an orderly close, and otherwise
     * says why: a {@link ConnectionResetException}, a {@link NativeIOException}, or the exception a
     * callback threw.
     *
     * @param connection the closed connection; writes to it return {@code false}
     * @param cause      why it closed, or {@code null} for an orderly close
     */
    default void onClose(Connection connection, Throwable cause) {
    }
}
