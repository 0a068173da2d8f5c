package io.netloop;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A listening socket (or, with {@link SocketOptions#reusePort()}, one socket per loop) made by
 * {@link EventLoopGroup#listen}.
 *
 * <pre>{@code
 * try (Listener l = group.listen(new SocketAddress("127.0.0.1", 0), Echo::new)) {
 *     int port = ((InetSocketAddress) l.localAddress()).getPort();
 * }
 * }</pre>
 */
public interface Listener extends AutoCloseable {

    /**
     * The bound address, with the actual port when port 0 was asked for.
     *
     * @return the address every socket of this listener is bound to: an
     *         {@link java.net.InetSocketAddress}, or for a Unix-domain listener the
     *         {@link java.net.UnixDomainSocketAddress} path or {@link AbstractUnixAddress} it was given
     */
    SocketAddress localAddress();

    /**
     * Stops accepting and closes the listening socket(s). Connections already accepted stay open.
     * Thread-safe and idempotent; does not wait: see {@link #closeFuture()}. A listener on a
     * Unix-domain path removes its socket file (the one it bound, not a file put there since)
     * before {@link #closeFuture()} completes, also when the group's shutdown closes it.
     */
    @Override
    void close();

    /**
     * Completed once every listening socket is closed, by {@link #close()} or by the group's shutdown.
     *
     * @return a future completed with {@code null}, never exceptionally
     */
    CompletableFuture<Void> closeFuture();
}
