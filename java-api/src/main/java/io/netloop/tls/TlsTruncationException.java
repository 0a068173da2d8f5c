package io.netloop.tls;

import javax.net.ssl.SSLException;

/**
 * The peer ended the TCP stream without TLS's {@code close_notify}: the data received may have
 * been cut short by an attacker or a crash, so the stream is not taken as complete. Delivered as
 * the cause of {@code onClose}, after every byte that did arrive intact.
 */
public class TlsTruncationException extends SSLException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, such as that the peer ended TCP without {@code close_notify}
     * @param cause   the {@link javax.net.ssl.SSLEngine}'s own exception about the missing
     *                {@code close_notify}, or {@code null}
     */
    public TlsTruncationException(String message, Throwable cause) {
        super(message, cause);
    }
}
