package io.netloop.samples.chat;

import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import io.netloop.tls.Tls;
import io.netloop.tls.TlsContext;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group chat server on netloop: plain-mode users ({@code nc}, {@code telnet}) and IRC clients in
 * one room, on every backend. See {@code samples/CHAT.md} for what it speaks.
 *
 * <p>Given TLS keys, it also listens on a TLS port (ircs, 6697) with the same handlers behind
 * {@link Tls#server}: the chat sees a {@link io.netloop.tls.TlsConnection} as it sees any
 * connection, so users of both ports share the rooms. The key files are watched ({@link KeyFiles})
 * and reloaded without a restart.
 *
 * <p>Given a Unix-domain socket path ({@link ChatConfig#unixSocket()}), it listens there too, with the
 * same handlers: {@code nc -U PATH} users chat with TCP users in the same rooms.
 *
 * <p>Given an admin port ({@link ChatConfig#adminPort()}), it serves its metrics there over HTTP on the same
 * loops ({@link AdminHttp}): {@code GET /metrics} for Prometheus, {@code GET /loops} for people.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.start(ChatConfig.defaults().withPort(0))) {
 *     System.out.println("nc 127.0.0.1 " + server.address().getPort());
 * }
 * }</pre>
 */
public final class ChatServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
    private static final Duration FLUSH_ON_SHUTDOWN = Duration.ofSeconds(5);
    private static final Duration CLUSTER_FLUSH_ON_SHUTDOWN = Duration.ofSeconds(2);

    private final Hub hub;
    /** {@code null} when the server runs alone. */
    private final Cluster cluster;
    private final EventLoopGroup group;
    private final Listener listener;
    /** {@code null} without TLS keys, as is {@link #keyFiles}. */
    private final Listener tlsListener;
    /** {@code null} without {@link ChatConfig#unixSocket()}. */
    private final Listener unixListener;
    /** {@code null} without {@link ChatConfig#adminPort()}. */
    private final Listener adminListener;
    private final KeyFiles keyFiles;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private ChatServer(EventLoopGroup group, Listener listener, Listener tlsListener, Listener unixListener,
                       Listener adminListener, KeyFiles keyFiles, Hub hub, Cluster cluster) {
        this.hub = hub;
        this.cluster = cluster;
        this.group = group;
        this.listener = listener;
        this.tlsListener = tlsListener;
        this.unixListener = unixListener;
        this.adminListener = adminListener;
        this.keyFiles = keyFiles;
    }

    /**
     * Binds and starts serving; with TLS keys, on the TLS port too.
     *
     * @throws IOException when a port (the admin port too) cannot be bound, or the key files cannot be read or used
     *         (the message names the file and what is wrong with it)
     */
    public static ChatServer start(ChatConfig config) throws IOException {
        // The keys first: a missing or broken file stops the start before any loop runs.
        KeyFiles keyFiles = KeyFiles.of(config);
        TlsContext tls = null;
        if (keyFiles != null) {
            try {
                tls = TlsContext.server(keyFiles.load()).build();
            } catch (IOException e) {
                throw new IOException("TLS keys cannot be used: " + e.getMessage(), e);
            }
        }
        Hub hub = new Hub(config);
        // The cluster before the listeners: nobody may register a nickname before Redis can be asked.
        Cluster cluster = config.redis() == null ? null : Cluster.join(hub, config);
        hub.joined(cluster);
        EventLoopGroup group;
        try {
            group = EventLoopGroup.builder().backend(config.backend()).threads(config.threads()).build();
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
        try {
            SocketOptions options = SocketOptions.builder()
                    .keepAlive(true) // plain clients cannot answer PING: the kernel finds dead peers for them
                    .reusePort(true)
                    .writeBufferWaterMarks(32 * 1024, 128 * 1024)
                    .build();
            InetAddress host = InetAddress.getByName(config.host());
            Supplier<ConnectionHandler> clients = () -> new Client(hub);
            Listener listener = group.listen(new InetSocketAddress(host, config.port()), options, clients);
            Listener tlsListener = null;
            if (tls != null) {
                tlsListener = group.listen(new InetSocketAddress(host, config.tlsPort()), options, Tls.server(tls, clients));
                keyFiles.watch(group.loops().get(0), tls, config.keyCheckInterval());
                log.info("chat server on {} and TLS on {} with backend {} and {} loop(s); keys from {}", listener.localAddress(),
                        tlsListener.localAddress(), group.backendId(), group.loops().size(), keyFiles.describe());
            } else {
                log.info("chat server on {} with backend {} and {} loop(s)", listener.localAddress(), group.backendId(),
                        group.loops().size());
            }
            Listener unixListener = null;
            if (config.unixSocket() != null) {
                // The same handlers as the TCP port; reusePort and keepAlive are TCP's and not applied here.
                unixListener = group.listen(UnixDomainSocketAddress.of(config.unixSocket()), options, clients);
                log.info("chat server also on the Unix-domain socket {}", unixListener.localAddress());
            }
            Listener adminListener = null;
            if (config.admin()) {
                adminListener = listenAdmin(group, hub, config);
                log.info("admin port (GET /metrics, GET /loops) on {}", adminListener.localAddress());
            }
            if (cluster != null) {
                log.info("node {} of the chat cluster on {}", cluster.nodeId, config.redis());
            }
            return new ChatServer(group, listener, tlsListener, unixListener, adminListener, keyFiles, hub, cluster);
        } catch (IOException | RuntimeException e) {
            if (keyFiles != null) {
                keyFiles.stop();
            }
            group.close();
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
    }

    /**
     * The admin port: its own options, without the chat port's reusePort, so that a second server
     * given the same admin port fails to start instead of sharing it.
     */
    private static Listener listenAdmin(EventLoopGroup group, Hub hub, ChatConfig config) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(config.adminHost()), config.adminPort());
        try {
            return group.listen(address, SocketOptions.defaults(), AdminHttp.handlers(group, hub));
        } catch (BindException e) {
            BindException named = new BindException("admin port " + config.adminHost() + ":" + config.adminPort() + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The TLS port's bound address, or {@code null} when the server was given no TLS keys. */
    public InetSocketAddress tlsAddress() {
        return tlsListener == null ? null : (InetSocketAddress) tlsListener.localAddress();
    }

    /** The Unix-domain socket's path, or {@code null} when the server was given none. */
    public UnixDomainSocketAddress unixAddress() {
        return unixListener == null ? null : (UnixDomainSocketAddress) unixListener.localAddress();
    }

    /** The admin port's bound address, or {@code null} when the server was given no admin port. */
    public InetSocketAddress adminAddress() {
        return adminListener == null ? null : (InetSocketAddress) adminListener.localAddress();
    }

    /** The names of the server's event loops, as the metrics and the load report show them (tests). */
    java.util.List<String> loopNames() {
        return group.loops().stream().map(Object::toString).toList();
    }

    /** Key reloads so far (tests wait on it). */
    int keyReloads() {
        return keyFiles == null ? 0 : keyFiles.reloads();
    }

    /** Changed key files refused so far, the old keys staying in force (tests wait on it). */
    int keyReloadsRefused() {
        return keyFiles == null ? 0 : keyFiles.refusals();
    }

    public String backendId() {
        return group.backendId();
    }

    /** The cluster node's id, or {@code null} when the server runs alone. */
    public String nodeId() {
        return cluster == null ? null : cluster.nodeId;
    }

    /** Connections being served, registered or not. */
    public int clientCount() {
        return hub.clientCount();
    }

    /**
     * Stops accepting, tells every client the server is shutting down, sends what is queued (for
     * at most 5 seconds) and ends the event loops. Idempotent.
     */
    public CompletableFuture<Void> shutdown() {
        if (stopping.compareAndSet(false, true)) {
            hub.beginShutdown();
            listener.close();
            if (tlsListener != null) {
                keyFiles.stop();
                tlsListener.close();
            }
            if (unixListener != null) {
                unixListener.close(); // removes the socket file on its loop, before the loops end
            }
            if (adminListener != null) {
                adminListener.close();
            }
            for (Client c : hub.connected()) {
                c.serverShutdown();
            }
            group.shutdownGracefully(FLUSH_ON_SHUTDOWN).whenComplete((ok, e) -> {
                if (cluster != null) {
                    cluster.leave(CLUSTER_FLUSH_ON_SHUTDOWN); // after the users' QUITs, which it sends to the other nodes
                }
                stopped.complete(null);
            });
        }
        return stopped;
    }

    @Override
    public void close() {
        shutdown().join();
    }

    /** {@code server [--host H] [--port P] [--backend ID] ...}: serves until Ctrl-C. */
    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(ChatConfig.usage());
            return;
        }
        ChatConfig config;
        try {
            config = ChatConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ChatServer server;
        try {
            server = start(config);
        } catch (IOException e) {
            System.err.println("chat server not started: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("netloop chat on " + server.address() + " (backend " + server.backendId() + "). Join with:");
        System.out.println("  nc " + server.address().getHostString() + " " + server.address().getPort()
                + "      or an IRC client (irssi: /connect " + server.address().getHostString() + " "
                + server.address().getPort() + ")");
        if (server.unixAddress() != null) {
            System.out.println("  nc -U " + server.unixAddress().getPath());
        }
        InetSocketAddress tls = server.tlsAddress();
        if (tls != null) {
            System.out.println("TLS on " + tls + ":");
            System.out.println("  openssl s_client -quiet -connect " + tls.getHostString() + ":" + tls.getPort()
                    + "      or irssi: /connect -tls " + tls.getHostString() + " " + tls.getPort()
                    + " (with -notls_verify for a self-signed certificate)");
        }
        InetSocketAddress admin = server.adminAddress();
        if (admin != null) {
            String base = "http://" + (admin.getAddress() instanceof java.net.Inet6Address ? "[" + admin.getHostString() + "]"
                    : admin.getHostString()) + ":" + admin.getPort();
            System.out.println("Metrics: curl " + base + "/metrics      the loops' load: curl " + base + "/loops");
        }
        if (server.nodeId() != null) {
            System.out.println("Node " + server.nodeId() + " of the chat cluster on " + config.redis() + ".");
        }
        System.out.println("Ctrl-C stops the server.");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown().join(), "chat-shutdown"));
        server.stopped.join();
    }
}
