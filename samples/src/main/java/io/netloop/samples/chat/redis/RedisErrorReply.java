package io.netloop.samples.chat.redis;

/**
 * Redis answered a command with an error ({@code -ERR ...}, {@code -WRONGTYPE ...}). Only that
 * command failed: the connection stays open and later commands go on.
 *
 * <pre>{@code
 * client.send("INCR", "name").exceptionally(e -> {
 *     if (e.getCause() instanceof RedisErrorReply r && r.code().equals("ERR")) ...
 * });
 * }</pre>
 */
public final class RedisErrorReply extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reply;
    private final String command;

    /**
     * @param reply   the error line as Redis sent it, without the leading {@code -}
     * @param command the name of the command it answered
     */
    public RedisErrorReply(String reply, String command) {
        super(reply + " (reply to " + command + ")");
        this.reply = reply;
        this.command = command;
    }

    /**
     * The error line as Redis sent it.
     *
     * @return such as {@code WRONGTYPE Operation against a key holding the wrong kind of value}
     */
    public String reply() {
        return reply;
    }

    /**
     * The error's code: its first word, by Redis's convention.
     *
     * @return such as {@code ERR}, {@code WRONGTYPE}, {@code NOAUTH} or {@code WRONGPASS}
     */
    public String code() {
        int space = reply.indexOf(' ');
        return space < 0 ? reply : reply.substring(0, space);
    }

    /**
     * The command the error answered.
     *
     * @return its name as sent, such as {@code INCR}
     */
    public String command() {
        return command;
    }
}
