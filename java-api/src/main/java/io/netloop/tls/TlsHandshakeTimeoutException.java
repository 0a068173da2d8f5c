package io.netloop.tls;

import javax.net.ssl.SSLHandshakeException;

/**
 * The TLS handshake did not finish within {@link TlsContext.Builder#handshakeTimeout}: the peer
 * sent nothing, or too little, or too slowly. Delivered as the cause of {@code onClose} (server)
 * or of the failed connect future (client).
 */
public class TlsHandshakeTimeoutException extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message how long the handshake was allowed, and how much the peer had sent by then
     */
    public TlsHandshakeTimeoutException(String message) {
        super(message);
    }
}
