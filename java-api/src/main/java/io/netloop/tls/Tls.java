package io.netloop.tls;

import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.SocketOptions;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * TLS on any netloop connection, whatever the backend: a layer between the application's handler
 * and the TCP connection, built on the JDK's {@link javax.net.ssl.SSLEngine}.
 *
 * <pre>{@code
 * TlsContext serverTls = TlsContext.server(KeyMaterial.fromPem(chain, key)).build();
 * Listener l = group.listen(new InetSocketAddress(6697), Tls.server(serverTls, Echo::new));
 *
 * TlsContext clientTls = TlsContext.client().trustPem(caFile).build();
 * TlsConnection c = Tls.connect(group, new InetSocketAddress("localhost", 6697), clientTls, handler).join();
 * c.write("hello".getBytes(StandardCharsets.UTF_8));
 * }</pre>
 *
 * <p>See {@link TlsConnection} for what the {@link io.netloop.Connection} contract means over TLS.
 */
public final class Tls {
    private Tls() {
    }

    /**
     * Handlers for {@link EventLoopGroup#listen}: each accepted connection shakes hands as a TLS
     * server, then gets a handler from {@code handlers}, which sees a {@link TlsConnection}.
     *
     * @param context  a server context ({@link TlsContext#server})
     * @param handlers called once per accepted connection, as it is accepted; the handler's
     *                 {@code onOpen} runs once the handshake has finished, and a failed handshake
     *                 goes to its {@code onClose} alone
     * @return the supplier to pass to {@code listen}, giving each accepted connection its TLS layer
     * @throws IllegalArgumentException when {@code context} is a client context
     */
    public static Supplier<ConnectionHandler> server(TlsContext context, Supplier<? extends ConnectionHandler> handlers) {
        Objects.requireNonNull(handlers, "handlers");
        if (!context.isServer()) {
            throw new IllegalArgumentException("Tls.server needs a server context (TlsContext.server(...))");
        }
        return () -> new TlsEndpoint(context, false, null, -1, null, handlers.get()).transportHandler;
    }

    /**
     * Connects, then shakes hands as a TLS client, sending {@code remote}'s host name by SNI (when
     * it is a name, not an address) and checking the server's certificate against it. Completes
     * after {@code handler.onOpen}, or exceptionally (connect or handshake failure), in which case
     * no callback of {@code handler} runs.
     *
     * @param group   the group whose next loop the connection is made on
     * @param remote  a resolved address; its host name, when it was made with one, is sent and
     *                verified, else its IP address is verified and nothing is sent
     * @param context a client context ({@link TlsContext#client()})
     * @param handler the callbacks of the TLS connection, over plaintext
     * @return completed with the connection once the handshake has finished and {@code onOpen} ran;
     *         exceptionally with the connect error, an {@link javax.net.ssl.SSLHandshakeException}
     *         (such as a certificate that is not trusted or does not name the host) or a
     *         {@link TlsHandshakeTimeoutException}
     * @throws IllegalArgumentException when {@code context} is a server context
     */
    public static CompletableFuture<TlsConnection> connect(EventLoopGroup group, InetSocketAddress remote, TlsContext context,
                                                           ConnectionHandler handler) {
        return connect(group, remote, SocketOptions.defaults(), context, remote.getHostString(), handler);
    }

    /**
     * As {@link #connect(EventLoopGroup, InetSocketAddress, TlsContext, ConnectionHandler)}, with
     * socket options and the name to ask for and verify ({@code serverName}) given separately from
     * the address connected to.
     *
     * @param group      the group whose next loop the connection is made on
     * @param remote     a resolved address to connect to
     * @param options    socket options of the TCP connection
     * @param context    a client context ({@link TlsContext#client()})
     * @param serverName the host name to send by SNI and to find in the server's certificate (when
     *                   the context {@linkplain TlsContext.Builder#verifyHostname verifies it}); an
     *                   IP literal is verified but not sent
     * @param handler    the callbacks of the TLS connection, over plaintext
     * @return completed with the connection once the handshake has finished and {@code onOpen} ran;
     *         exceptionally with the connect or handshake error
     * @throws IllegalArgumentException when {@code context} is a server context
     */
    public static CompletableFuture<TlsConnection> connect(EventLoopGroup group, InetSocketAddress remote, SocketOptions options,
                                                           TlsContext context, String serverName, ConnectionHandler handler) {
        Objects.requireNonNull(serverName, "serverName");
        if (context.isServer()) {
            throw new IllegalArgumentException("Tls.connect needs a client context (TlsContext.client())");
        }
        TlsEndpoint tls = new TlsEndpoint(context, true, serverName, remote.getPort(), serverName, handler);
        group.connect(remote, options, tls.transportHandler).whenComplete((transport, error) -> {
            if (error != null) {
                tls.connectFailed(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            }
        });
        return tls.handshakeFuture();
    }
}
