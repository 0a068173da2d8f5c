package io.netloop.samples.chat;

import io.netloop.samples.chat.redis.RedisUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The chat server's settings; {@link #defaults()} states each default, {@link #parse} reads flags.
 *
 * <pre>{@code
 * ChatServer server = ChatServer.start(ChatConfig.defaults().withPort(0).withBackend("epoll-et"));
 * // Plaintext on 6667 and TLS (ircs) on 6697, the keys reloaded when the files change:
 * ChatServer tls = ChatServer.start(ChatConfig.defaults().withPemKeys(Path.of("cert.pem"), Path.of("key.pem")));
 * // Metrics on http://127.0.0.1:9190/metrics, and operators who may ask for the loops' load:
 * ChatServer watched = ChatServer.start(ChatConfig.defaults().withAdminPort(9190).withOperPassword("s3cret"));
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
 * @param tlsPort            the TLS (ircs) port, served beside {@code port} when keys are given; default 6697; 0 picks a free one
 * @param certificate        PEM certificate chain, leaf first; default {@code null}: no TLS unless {@code keystore}
 * @param privateKey         the certificate's unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}); given with {@code certificate}
 * @param keystore           a PKCS#12 file instead of {@code certificate} and {@code privateKey}; default {@code null}
 * @param keystorePassword   the password of {@code keystore} and of its key; given with {@code keystore}
 * @param keyCheckInterval   how often the key files are checked for changes, which are then loaded for new
 *                           connections; default 5 s
 * @param redis              the Redis (or Valkey) whose chat cluster this server joins as one node; default
 *                           {@code null}: the server runs alone. {@code rediss://} needs no more settings: the
 *                           JDK's trusted CAs verify the server, unless {@code redisCa} is given
 * @param redisCa            PEM CA certificates that a {@code rediss://} server is verified with, instead of the
 *                           JDK's; default {@code null}
 * @param clusterQueue       events for other nodes held while Redis cannot be reached (and until every node has
 *                           read them); past it, a user's message reaches this node only and the user is told;
 *                           default 100,000
 * @param unixSocket         a Unix-domain socket path the server also listens on, beside {@code port}, with the
 *                           same handlers ({@code nc -U PATH}); default {@code null}: none. The socket file is
 *                           removed when the server stops; a file already there stops the start
 * @param adminHost          the address the admin port binds; default 127.0.0.1: only this machine can read the
 *                           metrics, whatever {@code host} is
 * @param adminPort          the admin port ({@link AdminHttp}: {@code GET /metrics} in Prometheus' text format,
 *                           {@code GET /loops}); default {@link #NO_ADMIN_PORT}: none; 0 picks a free one
 * @param operPassword       the password of IRC's {@code OPER} (plain mode: {@code /oper}), which lets a user
 *                           see the loops' load ({@code STATS w}, {@code /stats}); default {@code null}: nobody
 *                           can become an operator
 */
public record ChatConfig(String host, int port, String backend, int threads, int maxClients, Duration pingInterval,
                         long maxSendQueueBytes, int floodBurst, double floodRate,
                         int tlsPort, Path certificate, Path privateKey, Path keystore, String keystorePassword,
                         Duration keyCheckInterval, RedisUri redis, Path redisCa, int clusterQueue, Path unixSocket,
                         String adminHost, int adminPort, String operPassword) {

    /** {@link #adminPort()} when there is no admin port. */
    public static final int NO_ADMIN_PORT = -1;

    public ChatConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(adminHost, "adminHost");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(keyCheckInterval, "keyCheckInterval");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        if (maxClients < 1) throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
        if (pingInterval.isNegative() || pingInterval.isZero()) throw new IllegalArgumentException("pingInterval must be positive");
        if (maxSendQueueBytes < 1024) throw new IllegalArgumentException("maxSendQueueBytes must be at least 1024");
        if (floodBurst < 1) throw new IllegalArgumentException("floodBurst must be at least 1");
        if (!(floodRate > 0)) throw new IllegalArgumentException("floodRate must be positive");
        if (tlsPort < 0 || tlsPort > 65535) throw new IllegalArgumentException("tlsPort must be 0..65535, was " + tlsPort);
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("certificate and privateKey are given together (--cert and --key)");
        }
        if ((keystore == null) != (keystorePassword == null)) {
            throw new IllegalArgumentException("keystore and keystorePassword are given together (--keystore and --keystore-password)");
        }
        if (certificate != null && keystore != null) {
            throw new IllegalArgumentException("TLS keys from PEM files (--cert, --key) or from a keystore (--keystore), not both");
        }
        if (keyCheckInterval.isNegative() || keyCheckInterval.isZero()) throw new IllegalArgumentException("keyCheckInterval must be positive");
        if (clusterQueue < 1) throw new IllegalArgumentException("clusterQueue must be at least 1, was " + clusterQueue);
        if (adminPort != NO_ADMIN_PORT && (adminPort < 0 || adminPort > 65535)) {
            throw new IllegalArgumentException("adminPort must be 0..65535 (0 picks a free port), was " + adminPort);
        }
        if (operPassword != null && operPassword.isEmpty()) throw new IllegalArgumentException("operPassword must not be empty");
    }

    public static ChatConfig defaults() {
        return new ChatConfig("127.0.0.1", 6667, null, Runtime.getRuntime().availableProcessors(), 10_000,
                Duration.ofSeconds(90), 1024 * 1024, 20, 10.0,
                6697, null, null, null, null, Duration.ofSeconds(5), null, null, 100_000, null,
                "127.0.0.1", NO_ADMIN_PORT, null);
    }

    /** Whether TLS is served: keys were given, as PEM files or a keystore. */
    public boolean tls() {
        return certificate != null || keystore != null;
    }

    public ChatConfig withHost(String h) { return new ChatConfig(h, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withPort(int p) { return new ChatConfig(host, p, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withBackend(String id) { return new ChatConfig(host, port, id, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withThreads(int n) { return new ChatConfig(host, port, backend, n, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withMaxClients(int n) { return new ChatConfig(host, port, backend, threads, n, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withPingInterval(Duration d) { return new ChatConfig(host, port, backend, threads, maxClients, d, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withMaxSendQueueBytes(long b) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, b, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withFloodBurst(int n) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, n, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withFloodRate(double perSecond) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, perSecond, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withTlsPort(int p) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, p, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    /** TLS from PEM files: a certificate chain (leaf first) and its unencrypted PKCS#8 key; {@code null, null} for none. */
    public ChatConfig withPemKeys(Path chain, Path key) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, chain, key, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    /** TLS from a PKCS#12 file whose store and key share {@code password}; {@code null, null} for none. */
    public ChatConfig withKeystore(Path file, String password) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, file, password, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withKeyCheckInterval(Duration d) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, d, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }

    /** Joins the cluster of chat nodes that share {@code uri}; {@code null} runs alone. */
    public ChatConfig withRedis(RedisUri uri) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, uri, redisCa, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    /** CA certificates (PEM) that a {@code rediss://} server's certificate is checked against instead of the JDK's; {@code null} for the JDK's. */
    public ChatConfig withRedisCa(Path pem) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, pem, clusterQueue, unixSocket, adminHost, adminPort, operPassword); }
    public ChatConfig withUnixSocket(Path path) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, path, adminHost, adminPort, operPassword); }
    /** Serves {@code /metrics} and {@code /loops} on {@code port} (0: a free one); {@link #NO_ADMIN_PORT} for none. */
    public ChatConfig withAdminPort(int port) { return new ChatConfig(host, this.port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, port, operPassword); }
    /** The address the admin port binds; 127.0.0.1 by default, so that only this machine reads the metrics. */
    public ChatConfig withAdminHost(String h) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, h, adminPort, operPassword); }
    /** The password of {@code OPER} and {@code /oper}; {@code null}: nobody can become an operator. */
    public ChatConfig withOperPassword(String password) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, clusterQueue, unixSocket, adminHost, adminPort, password); }
    public ChatConfig withClusterQueue(int events) { return new ChatConfig(host, port, backend, threads, maxClients, pingInterval, maxSendQueueBytes, floodBurst, floodRate, tlsPort, certificate, privateKey, keystore, keystorePassword, keyCheckInterval, redis, redisCa, events, unixSocket, adminHost, adminPort, operPassword); }

    /**
     * The flags {@code --host --port --backend --threads --max-clients --ping-interval (seconds) --max-sendq
     * --flood-burst --flood-rate --tls-port --cert --key --keystore --keystore-password --key-check-interval (seconds) --redis --redis-ca --cluster-queue --unix
     * --admin-port --admin-host --oper-password}.
     * TLS flags that make no sense together (a key without its certificate, a TLS port without keys) are refused here;
     * whether the files can be read is found at {@link ChatServer#start}.
     */
    public static ChatConfig parse(String[] args) {
        ChatConfig c = defaults();
        boolean tlsPortGiven = false;
        String cert = null;
        String key = null;
        String keystore = null;
        String password = null;
        String redisCa = null;
        String adminHost = null;
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
                switch (flag) {
                    case "--host" -> c = c.withHost(v);
                    case "--port" -> c = c.withPort(Integer.parseInt(v));
                    case "--backend" -> c = c.withBackend(v);
                    case "--threads" -> c = c.withThreads(Integer.parseInt(v));
                    case "--max-clients" -> c = c.withMaxClients(Integer.parseInt(v));
                    case "--ping-interval" -> c = c.withPingInterval(Duration.ofSeconds(Long.parseLong(v)));
                    case "--max-sendq" -> c = c.withMaxSendQueueBytes(Long.parseLong(v));
                    case "--flood-burst" -> c = c.withFloodBurst(Integer.parseInt(v));
                    case "--flood-rate" -> c = c.withFloodRate(Double.parseDouble(v));
                    case "--tls-port" -> {
                        c = c.withTlsPort(Integer.parseInt(v));
                        tlsPortGiven = true;
                    }
                    case "--cert" -> cert = v;
                    case "--key" -> key = v;
                    case "--keystore" -> keystore = v;
                    case "--keystore-password" -> password = v;
                    case "--key-check-interval" -> c = c.withKeyCheckInterval(Duration.ofSeconds(Long.parseLong(v)));
                    case "--redis" -> c = c.withRedis(RedisUri.parse(v));
                    case "--redis-ca" -> redisCa = v;
                    case "--cluster-queue" -> c = c.withClusterQueue(Integer.parseInt(v));
                    case "--unix" -> c = c.withUnixSocket(Path.of(v));
                    case "--admin-port" -> {
                        int p = Integer.parseInt(v);
                        if (p < 0 || p > 65535) {
                            throw new IllegalArgumentException("--admin-port must be 0..65535 (0 picks a free port), was " + v);
                        }
                        c = c.withAdminPort(p);
                    }
                    case "--admin-host" -> {
                        if (v.isBlank()) {
                            throw new IllegalArgumentException("--admin-host needs an address, such as 127.0.0.1");
                        }
                        adminHost = v;
                    }
                    case "--oper-password" -> {
                        if (v.isEmpty()) {
                            throw new IllegalArgumentException("--oper-password must not be empty");
                        }
                        c = c.withOperPassword(v);
                    }
                    default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + usage());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got \"" + v + "\"");
            }
        }
        if (key != null && cert == null) {
            throw new IllegalArgumentException("--key needs --cert: the certificate chain (PEM) the key belongs to");
        }
        if (cert != null && key == null) {
            throw new IllegalArgumentException("--cert needs --key: the certificate's private key (PKCS#8 PEM)");
        }
        if (password != null && keystore == null) {
            throw new IllegalArgumentException("--keystore-password needs --keystore");
        }
        if (keystore != null && password == null) {
            throw new IllegalArgumentException("--keystore needs --keystore-password");
        }
        if (cert != null && keystore != null) {
            throw new IllegalArgumentException("TLS keys come from --cert and --key, or from --keystore, not both");
        }
        if (tlsPortGiven && cert == null && keystore == null) {
            throw new IllegalArgumentException("--tls-port needs keys: --cert CHAIN.pem --key KEY.pem, or --keystore FILE.p12 --keystore-password PW");
        }
        if (redisCa != null) {
            if (c.redis() == null || !c.redis().tls()) {
                throw new IllegalArgumentException("--redis-ca is for a TLS connection to Redis: give --redis rediss://...");
            }
            c = c.withRedisCa(Path.of(redisCa));
        }
        if (adminHost != null) {
            if (!c.admin()) {
                throw new IllegalArgumentException("--admin-host needs --admin-port: the port that serves /metrics and /loops");
            }
            c = c.withAdminHost(adminHost);
        }
        if (cert != null) {
            c = c.withPemKeys(Path.of(cert), Path.of(key));
        } else if (keystore != null) {
            c = c.withKeystore(Path.of(keystore), password);
        }
        return c;
    }

    public static String usage() {
        return """
                usage: server [--host 127.0.0.1] [--port 6667] [--backend ID] [--threads N] [--max-clients 10000]
                              [--ping-interval SECONDS (90)] [--max-sendq BYTES (1048576)]
                              [--flood-burst LINES (20)] [--flood-rate LINES_PER_SECOND (10)]
                              [--tls-port 6697] [--cert CHAIN.pem --key KEY.pem | --keystore FILE.p12 --keystore-password PW]
                              [--key-check-interval SECONDS (5)]
                              [--redis redis://[[user]:password@]host[:port][/db] | rediss://... [--redis-ca CA.pem]]
                              [--cluster-queue EVENTS (100000)] [--unix PATH]
                              [--admin-port PORT [--admin-host 127.0.0.1]] [--oper-password PW]
                TLS (ircs) is served on --tls-port beside plaintext when --cert and --key (PEM: the chain, leaf first,
                and its PKCS#8 key) or --keystore (PKCS#12) are given; changed key files are loaded for new connections.
                With --redis the server is one node of a chat served by every node on that Redis: rooms, nicknames and
                messages are shared; up to --cluster-queue events wait for Redis while it cannot be reached.
                With --unix the server also listens on that Unix-domain socket path (nc -U PATH), same rooms and
                handlers as the TCP port; the socket file is removed when the server stops, and a file already
                there (a stale socket) stops the start: delete it first.
                With --admin-port the server answers HTTP on that port (0 picks a free one), on 127.0.0.1 unless
                --admin-host says otherwise: GET /metrics in Prometheus' text format, GET /loops the loops' load.
                With --oper-password a user who sends OPER NAME PW (plain mode: /oper PW) becomes an operator and
                may ask for the loops' load: STATS w (plain mode: /stats).""";
    }

    /** Whether the admin port is served: {@link #adminPort()} is not {@link #NO_ADMIN_PORT}. */
    public boolean admin() {
        return adminPort != NO_ADMIN_PORT;
    }

    /** The keystore and operator passwords are not shown. */
    @Override
    public String toString() {
        return "ChatConfig[host=" + host + ", port=" + port + ", backend=" + backend + ", threads=" + threads
                + ", maxClients=" + maxClients + ", pingInterval=" + pingInterval + ", maxSendQueueBytes=" + maxSendQueueBytes
                + ", floodBurst=" + floodBurst + ", floodRate=" + floodRate + ", tlsPort=" + tlsPort
                + ", certificate=" + certificate + ", privateKey=" + privateKey + ", keystore=" + keystore
                + ", keystorePassword=" + (keystorePassword == null ? null : "(hidden)") + ", keyCheckInterval=" + keyCheckInterval
                + ", redis=" + redis + ", redisCa=" + redisCa + ", clusterQueue=" + clusterQueue + ", unixSocket=" + unixSocket
                + ", adminHost=" + adminHost + ", adminPort=" + adminPort
                + ", operPassword=" + (operPassword == null ? null : "(hidden)") + "]";
    }
}
