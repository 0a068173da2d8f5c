package io.netloop.samples.chat.redis;

import java.net.ProtocolException;

/**
 * The bytes received are not valid RESP2, or break a limit of the {@link RespReader} (a bulk
 * string or line too long, arrays nested too deep). The connection they came on cannot be trusted
 * any further: {@link RedisClient} closes it and fails every command still waiting.
 *
 * <pre>{@code
 * client.send("GET", "k").exceptionally(e -> {
 *     if (e.getCause() instanceof RespProtocolException p) log.warn("broken reply: {}", p.getMessage());
 *     return null;
 * });
 * }</pre>
 */
public final class RespProtocolException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param message what was wrong, with the offending bytes shown escaped
     * @param offset  the position in the stream (bytes since the reader was made) where the problem
     *                was found: the bad byte, or the end of a line whose content is bad
     */
    public RespProtocolException(String message, long offset) {
        super(message + " (at byte " + offset + " of the stream)");
        this.offset = offset;
    }

    /**
     * Where in the stream the problem was found.
     *
     * @return bytes fed to the reader before the offending one
     */
    public long offset() {
        return offset;
    }
}
