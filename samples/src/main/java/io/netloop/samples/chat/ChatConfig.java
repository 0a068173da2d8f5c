package io.netloop.samples.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * The chat server's settings; {@link #defaults()} states each default, {@link #parse} reads flags.
 *
 * <pre>{@code
 * ChatServer server = ChatServer.start(ChatConfig.defaults().withPort(0).withBackend("epoll-et"));
 * }</pre>
 *
 * @param host               address to bind; default 127.0.0.1 ({@code --host 0.0.0.0} serves the network)
 * @param port               default 6667, IRC's port; 0 picks a free one
 * @param backend            netloop backend id; default {@code null}: the best available here
 * @param threads            event loops; default one per core
 * @param maxClients         connections served at once; default 10,000
 * @param pingInterval       an IRC client silent this long is PINGed, and dropped after as long again; default 90 s
 * @param maxSendQueueBytes  output queued for one client before it is dropped as too slow; default 1 MiB
 * @param floodBurst         lines a client may send at once; default 20
 * @param floodRate          lines per second a client may send after the burst; default 10
 */
public record ChatConfig(String host, int port, String backend, int threads, int maxClients, Duration pingInterval,
                         long maxSendQueueBytes, int floodBurst, double floodRate) {

    public ChatConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pingInterval, "pingInterval");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        if (maxClients < 1) throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
        if (pingInterval.isNegative() || pingInterval.isZero()) throw new IllegalArgumentException("pingInterval must be positive");
        if (maxSendQueueBytes < 1024) throw new IllegalArgumentException("maxSendQueueBytes must be at least 1024");
        if (floodBurst < 1) throw new IllegalArgumentException("floodBurst must be at least 1");
        if (!(floodRate > 0)) throw new IllegalArgumentException("floodRate must be positive");
    }

    public static ChatConfig defaults() {
        return new ChatConfig("127.0.0.1", 6667, null, Runtime.getRuntime().availableProcessors(), 10_000,
                Duration.ofSeconds(90), 1024 * 1024, 20, 10.0);
    }

    public ChatConfig withHost(String h) { return new ChatConfig(h, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate); }
    public ChatConfig withPort(int p) { return new ChatConfig(host, p, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate); }
    public ChatConfig withBackend(String id) { return new ChatConfig(host, port, id, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate); }
    public ChatConfig withThreads(int n) { return new ChatConfig(host, port, backend, n, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate); }
    public ChatConfig withMaxClients(int n) { return new ChatConfig(host, port, backend, threads, n, pingInterval, maxSendQueueBytes, floodBurst, floodRate); }
    public ChatConfig withPingInterval(Duration d) { return new ChatConfig(host, port, backend, threads, maxClients, d, maxSendQueueBytes, floodBurst, floodRate); }
    public ChatConfig withMaxSendQueueBytes(long b) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, b, floodBurst, floodRate); }
    public ChatConfig withFloodBurst(int n) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, n, floodRate); }
    public ChatConfig withFloodRate(double perSecond) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, perSecond); }

    /** The flags {@code --host --port --backend --threads --max-clients --ping-interval (seconds) --max-sendq --flood-burst --flood-rate}. */
    public static ChatConfig parse(String[] args) {
        ChatConfig c = defaults();
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
                c = switch (flag) {
                    case "--host" -> c.withHost(v);
                    case "--port" -> c.withPort(Integer.parseInt(v));
                    case "--backend" -> c.withBackend(v);
                    case "--threads" -> c.withThreads(Integer.parseInt(v));
                    case "--max-clients" -> c.withMaxClients(Integer.parseInt(v));
                    case "--ping-interval" -> c.withPingInterval(Duration.ofSeconds(Long.parseLong(v)));
                    case "--max-sendq" -> c.withMaxSendQueueBytes(Long.parseLong(v));
                    case "--flood-burst" -> c.withFloodBurst(Integer.parseInt(v));
                    case "--flood-rate" -> c.withFloodRate(Double.parseDouble(v));
                    default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + usage());
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got \"" + v + "\"");
            }
        }
        return c;
    }

    public static String usage() {
        return """
                usage: server [--host 127.0.0.1] [--port 6667] [--backend ID] [--threads N] [--max-clients 10000]
                              [--ping-interval SECONDS (90)] [--max-sendq BYTES (1048576)]
                              [--flood-burst LINES (20)] [--flood-rate LINES_PER_SECOND (10)]""";
    }
}
