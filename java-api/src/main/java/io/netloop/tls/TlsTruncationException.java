package io.netloop.tls;

import javax.net.ssl.SSLException;

/**
 * The peer ended the TCP stream without TLS's {@code close_notify}: the data received may have
 * been cut short by an attacker or a crash, so the stream is not taken as complete. Delivered as
 * the cause of {@code onClose}, after every byte that did arrive intact.
 */
public class TlsTruncationException extends SSLException {
    private static final long serialVersionUID = 1L;

    public TlsTruncationException(String message, Throwable cause) {
        super(message, cause);
    }
}
