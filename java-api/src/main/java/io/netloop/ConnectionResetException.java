package io.netloop;

import java.net.SocketException;

/**
 * The peer reset the connection, or the connection broke while data was being sent
 * ({@code ECONNRESET}, {@code EPIPE}, {@code WSAECONNRESET}, or the JDK's "Connection reset").
 *
 * <p>Delivered as the cause of {@link ConnectionHandler#onClose}. Where the backend knows the
 * native code, {@link #getCause()} is the {@link NativeIOException} that carries it.
 *
 * <pre>{@code
 * public void onClose(Connection c, Throwable cause) {
 *     if (cause instanceof ConnectionResetException) metrics.resets++;
 * }
 * }</pre>
 */
public class ConnectionResetException extends SocketException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Backends reporting a native code get it from
     * {@link io.netloop.spi.IoErrors#exception}.
     *
     * @param message what failed and how, such as {@code "read failed: ECONNRESET (104) Connection reset by peer"}
     * @param cause   the {@link NativeIOException} or JDK exception that reported the reset, or {@code null}
     */
    public ConnectionResetException(String message, Throwable cause) {
        super(message, cause);
    }
}
