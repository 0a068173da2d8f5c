package io.netloop.spi;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.SocketOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One event loop's I/O: the part of the loop a backend supplies (see the package contract).
 * Every method runs on the loop thread except {@link #wakeup()}.
 */
public interface IoDriver {

    /** Waits for I/O at most {@code timeoutNanos} (0: do not wait; negative: until woken) and dispatches it. */
    void poll(long timeoutNanos) throws IOException;

    /** Any thread: makes the current or next blocking {@link #poll} return promptly. */
    void wakeup();

    /** Sends what tasks run since the last poll have written. */
    void afterTasks();

    /** Whether {@link #listen} with {@code reusePort} gives each loop its own socket on the same port. */
    boolean supportsReusePort();

    /**
     * Opens a listening socket served by this loop. Accepted connections are handed to the loop
     * {@link DriverContext#nextForAccept()} names, or kept on this loop when {@code perLoop}.
     */
    ListenHandle listen(InetSocketAddress local, SocketOptions options, boolean perLoop,
                        Supplier<? extends ConnectionHandler> handlers) throws IOException;

    /**
     * Starts connecting. Completes {@code result} with the open connection after
     * {@link ConnectionHandler#onOpen}, or exceptionally, in which case no callback of
     * {@code handler} runs.
     */
    void connect(InetSocketAddress remote, SocketOptions options, ConnectionHandler handler,
                 CompletableFuture<Connection> result);

    /** Closes every connection of this loop: gracefully (after queued output) or by abort. */
    void closeConnections(boolean abort);

    /** Connections of this loop not yet closed, including ones still connecting. */
    int connectionCount();

    /** Native bytes lent out (write queues, receive buffers, buffers the kernel still holds). */
    long outstandingNativeBytes();

    /** Releases the driver's native resources. Connections are closed before this is called. */
    void close();

    /** A listening socket owned by one driver. */
    interface ListenHandle {
        InetSocketAddress localAddress();

        /** Loop thread: stops accepting and closes the socket. */
        void close();
    }
}
