package io.netloop;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A listening socket (or, with {@link SocketOptions#reusePort()}, one socket per loop) made by
 * {@link EventLoopGroup#listen}.
 *
 * <pre>{@code
 * try (Listener l = group.listen(new InetSocketAddress("127.0.0.1", 0), Echo::new)) {
 *     int port = l.localAddress().getPort();
 * }
 * }</pre>
 */
public interface Listener extends AutoCloseable {

    /** The bound address, with the actual port when port 0 was asked for. */
    InetSocketAddress localAddress();

    /** Stops accepting and closes the listening socket(s). Connections already accepted stay open. */
    @Override
    void close();

    /** Completed once every listening socket is closed. */
    CompletableFuture<Void> closeFuture();
}
