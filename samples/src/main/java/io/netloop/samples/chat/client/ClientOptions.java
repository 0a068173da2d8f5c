package io.netloop.samples.chat.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The chat client's settings; {@link #defaults()} states each default, {@link #parse} reads flags.
 *
 * <pre>{@code
 * ClientOptions o = ClientOptions.parse(new String[] {"--nick", "alice", "--port", "6667"});
 * }</pre>
 *
 * @param host          server to connect to; default 127.0.0.1
 * @param port          default 6667
 * @param nick          nickname; default {@code null}: the console asks for one
 * @param backend       netloop backend id; default {@code null}: the best available here
 * @param retryDelay    wait before the first reconnect; doubled after each failed attempt; default 1 s
 * @param maxRetryDelay the longest wait between reconnects; default 30 s
 */
public record ClientOptions(String host, int port, String nick, String backend, Duration retryDelay,
                            Duration maxRetryDelay) {

    public ClientOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535, was " + port);
        if (retryDelay.isNegative() || retryDelay.isZero()) throw new IllegalArgumentException("retryDelay must be positive");
        if (maxRetryDelay.compareTo(retryDelay) < 0) throw new IllegalArgumentException("maxRetryDelay must be at least retryDelay");
        if (nick != null && !ClientCore.isValidNick(nick)) throw new IllegalArgumentException(ClientCore.nickRule(nick));
    }

    public static ClientOptions defaults() {
        return new ClientOptions("127.0.0.1", 6667, null, null, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public ClientOptions withHost(String h) { return new ClientOptions(h, port, nick, backend, retryDelay, maxRetryDelay); }
    public ClientOptions withPort(int p) { return new ClientOptions(host, p, nick, backend, retryDelay, maxRetryDelay); }
    public ClientOptions withNick(String n) { return new ClientOptions(host, port, n, backend, retryDelay, maxRetryDelay); }
    public ClientOptions withBackend(String id) { return new ClientOptions(host, port, nick, id, retryDelay, maxRetryDelay); }
    public ClientOptions withRetryDelays(Duration first, Duration max) { return new ClientOptions(host, port, nick, backend, first, max); }

    /**
     * The wait before reconnect attempt {@code failures + 1}: {@code retryDelay * 2^failures},
     * at most {@code maxRetryDelay} (1 s, 2 s, 4 s, ... 30 s by default).
     */
    public Duration retryDelay(int failures) {
        Duration d = retryDelay;
        for (int i = 0; i < failures && d.compareTo(maxRetryDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
    }

    /** The flags {@code --host --port --nick --backend}. */
    public static ClientOptions parse(String[] args) {
        ClientOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(usage());
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag + "\n" + usage());
            }
            String v = args[++i];
            try {
                o = switch (flag) {
                    case "--host" -> o.withHost(v);
                    case "--port" -> o.withPort(Integer.parseInt(v));
                    case "--nick" -> o.withNick(v);
                    case "--backend" -> o.withBackend(v);
                    default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + usage());
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got \"" + v + "\"");
            }
        }
        return o;
    }

    public static String usage() {
        return "usage: client [--nick NICK] [--host 127.0.0.1] [--port 6667] [--backend ID]";
    }
}
