package io.netloop.samples.chat.redis;

import java.io.IOException;

/**
 * The connection to Redis is gone (closed by the server, reset, closed by
 * {@link RedisClient#close()}), so a command sent on it has no reply to wait for; the cause, when
 * there is one, says why. A command that was already written may or may not have been executed.
 *
 * <pre>{@code
 * client.send("INCR", "n").whenComplete((v, e) -> {
 *     if (e != null && e.getCause() instanceof RedisConnectionException) reconnectLater();
 * });
 * }</pre>
 */
public final class RedisConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, naming the server (its URI without the password)
     * @param cause   why, or {@code null}
     */
    public RedisConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
