/**
 * TLS for netloop connections on every backend: {@link io.netloop.tls.Tls} (server handlers and
 * client connects), {@link io.netloop.tls.TlsContext} (keys, trust, versions, ALPN, SNI, client
 * authentication, handshake timeout, key reload), {@link io.netloop.tls.KeyMaterial} (PEM and
 * PKCS#12) and {@link io.netloop.tls.TlsConnection}.
 *
 * <h2>Portability</h2>
 * The layer is pure JDK ({@code javax.net.ssl.SSLEngine}) over the {@link io.netloop.Connection}
 * API, so it behaves the same on every backend and OS. What the JDK's provider supports (versions,
 * suites, session tickets) is what netloop supports; renegotiation is refused on every backend.
 */
package io.netloop.tls;
