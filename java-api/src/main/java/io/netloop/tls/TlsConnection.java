package io.netloop.tls;

import io.netloop.Connection;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * A {@link Connection} that speaks TLS over another connection (its {@linkplain #transport()
 * transport}). Reads and writes carry plaintext; the API and its contract are those of
 * {@link Connection}, with these TLS meanings:
 *
 * <ul>
 *   <li>{@code onOpen} runs once the handshake has finished: {@link #session()},
 *       {@link #applicationProtocol()} and the peer's certificates are known by then. A server
 *       handler whose handshake fails gets {@code onClose(connection, cause)} without
 *       {@code onOpen}; a client learns of it from the failed connect future, as for a plain
 *       connect.</li>
 *   <li>{@link #shutdownOutput()} sends {@code close_notify}, then half-closes TCP. Under TLS 1.3
 *       input keeps flowing; under TLS 1.2 a peer answers with its own {@code close_notify} and
 *       the connection ends, as that version requires.</li>
 *   <li>{@link #close()} sends what is queued, then {@code close_notify}, then closes.
 *       {@code onInputClosed} means the peer sent {@code close_notify}; a TCP end without it
 *       closes the connection with a {@link TlsTruncationException}.</li>
 *   <li>Writes made in one batch of callbacks, or from other threads between two batches, are
 *       coalesced into full 16 KiB records; a large write made on the loop thread is encrypted
 *       straight from the caller's buffer.</li>
 * </ul>
 *
 * <pre>{@code
 * public void onOpen(Connection c) {
 *     TlsConnection tls = (TlsConnection) c;
 *     log.info("{} speaks {} with {}", tls.remoteAddress(), tls.session().getProtocol(), tls.applicationProtocol());
 * }
 * }</pre>
 */
public interface TlsConnection extends Connection {

    /**
     * The TLS session; its handshake has finished once {@code onOpen} runs.
     *
     * @return the engine's session: protocol version, cipher suite, and the peer's certificates
     *         ({@code getPeerCertificates()}) when it presented any
     */
    SSLSession session();

    /**
     * The ALPN protocol both sides agreed on.
     *
     * @return one of {@link TlsContext.Builder#applicationProtocols}, such as {@code "h2"}, or
     *         {@code ""} when none was negotiated
     */
    String applicationProtocol();

    /**
     * The SNI host name: on a server, the one the client asked for; on a client, the one it sent.
     * {@code null} when there was none (for example a client connecting to an IP address).
     *
     * @return the host name, on a server known from {@code onOpen} on; or {@code null}
     */
    String serverName();

    /**
     * The connection the TLS records travel on. Writing to it directly would corrupt the TLS stream.
     *
     * @return the TCP connection carrying the ciphertext; its loop is this connection's loop
     */
    Connection transport();

    /**
     * Completed with this connection after {@code onOpen}, or exceptionally when the handshake fails.
     *
     * @return a future completed with this connection, or exceptionally with the handshake's failure
     *         (or what {@code onOpen} threw); on a client, the one {@link Tls#connect} returned
     */
    CompletableFuture<TlsConnection> handshakeFuture();
}
