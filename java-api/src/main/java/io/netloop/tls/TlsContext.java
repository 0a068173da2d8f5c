package io.netloop.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Everything a TLS endpoint is configured with: keys, trust, protocol versions, ALPN, SNI,
 * client authentication and the handshake timeout. One context serves any number of connections
 * on any loops and backends, and is safe to share. A server's keys can be
 * {@linkplain #reload(KeyMaterial, Map) replaced} while it runs: connections made after the call
 * use the new ones.
 *
 * <pre>{@code
 * TlsContext server = TlsContext.server(KeyMaterial.fromPem(Path.of("fullchain.pem"), Path.of("privkey.pem")))
 *         .applicationProtocols("h2", "http/1.1")
 *         .build();
 * TlsContext client = TlsContext.client().trustPem(Path.of("ca.pem")).build();
 * }</pre>
 */
public final class TlsContext {
    private static final AtomicInteger TASK_THREADS = new AtomicInteger();
    /**
     * Runs the engines' delegated tasks (signatures, certificate checks) for contexts not given an
     * executor: off the loops, so a loop never blocks on them. Threads end after a minute idle.
     */
    private static final Executor DEFAULT_TASKS = defaultTaskExecutor();

    private final boolean server;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> applicationProtocols;
    private final ClientAuth clientAuth;
    private final boolean rejectUnknownServerNames;
    private final boolean verifyHostname;
    private final Duration handshakeTimeout;
    private final Executor delegatedTasks;
    private final KeyStore trust;
    private final int sessionCacheSize;
    private final Duration sessionTimeout;
    /** Replaced whole by {@link #reload}; engines are made from whichever is current. */
    private volatile Keys keys;

    /** The SSLContext and the key manager that picks keys by SNI name, built together from one set of keys. */
    private record Keys(SSLContext context, SniKeyManager sni, boolean hasNames) {
    }

    private TlsContext(Builder b) throws IOException {
        this.server = b.server;
        this.protocols = List.copyOf(b.protocols);
        this.cipherSuites = b.cipherSuites == null ? null : List.copyOf(b.cipherSuites);
        this.applicationProtocols = List.copyOf(b.applicationProtocols);
        this.clientAuth = b.clientAuth;
        this.rejectUnknownServerNames = b.rejectUnknownServerNames;
        this.verifyHostname = b.verifyHostname;
        this.handshakeTimeout = b.handshakeTimeout;
        this.delegatedTasks = b.delegatedTasks != null ? b.delegatedTasks : DEFAULT_TASKS;
        this.trust = b.trust;
        this.sessionCacheSize = b.sessionCacheSize;
        this.sessionTimeout = b.sessionTimeout;
        if (server && clientAuth != ClientAuth.NONE && trust == null) {
            throw new IllegalArgumentException("client authentication (" + clientAuth
                    + ") needs the certificates to trust: call trustPem, trustCertificates or trustStore");
        }
        this.keys = buildKeys(b.keyMaterial, b.serverNames);
        // Fail at build time, not at the first connection, on a protocol or suite this JDK lacks.
        newEngine(null, -1, null);
    }

    /**
     * A server that presents {@code keyMaterial} (and, by SNI name, those added with {@link Builder#serverName}).
     *
     * @param keyMaterial the default key and chain, presented unless a client asks by SNI for a
     *                    name given keys of its own
     * @return a server builder with the defaults listed on {@link Builder}
     */
    public static Builder server(KeyMaterial keyMaterial) {
        Builder b = new Builder(true);
        b.keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial");
        return b;
    }

    /**
     * A client that trusts the JDK's default certificate authorities unless told otherwise.
     *
     * @return a client builder with the defaults listed on {@link Builder}
     */
    public static Builder client() {
        return new Builder(false);
    }

    /**
     * Whether this context shakes hands as a server.
     *
     * @return {@code true} when made by {@link #server}, {@code false} when made by {@link #client()}
     */
    public boolean isServer() {
        return server;
    }

    /**
     * How long a handshake may take; see {@link Builder#handshakeTimeout}.
     *
     * @return the timeout; {@link Duration#ZERO} for no limit
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Replaces a server's keys: connections whose handshake starts after this call present the new
     * ones; open connections keep theirs. Sessions made with the old keys are no longer resumed.
     * Thread-safe: a certificate renewal may call it from any thread while connections are made.
     *
     * @param keyMaterial  the new default key and chain
     * @param byServerName keys by SNI name (see {@link Builder#serverName}); the names may differ from before
     * @throws IOException when the new keys cannot be used; the old ones then stay in force
     * @throws IllegalStateException when this is a client context
     * @throws IllegalArgumentException when a name is not a host name SNI can carry
     */
    public void reload(KeyMaterial keyMaterial, Map<String, KeyMaterial> byServerName) throws IOException {
        if (!server) {
            throw new IllegalStateException("reload is for server contexts; a client's keys are fixed at build()");
        }
        Keys next = buildKeys(Objects.requireNonNull(keyMaterial, "keyMaterial"), normalized(byServerName));
        keys = next;
    }

    /**
     * {@link #reload(KeyMaterial, Map)} for a server without SNI names; names configured before are dropped.
     *
     * @param keyMaterial the new key and chain, presented to every client
     * @throws IOException when the new keys cannot be used; the old ones then stay in force
     * @throws IllegalStateException when this is a client context
     */
    public void reload(KeyMaterial keyMaterial) throws IOException {
        reload(keyMaterial, Map.of());
    }

    private static Map<String, KeyMaterial> normalized(Map<String, KeyMaterial> byName) {
        Map<String, KeyMaterial> m = new LinkedHashMap<>();
        byName.forEach((name, km) -> m.put(checkedName(name), Objects.requireNonNull(km, "key material for " + name)));
        return m;
    }

    private static String checkedName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        String host = n.startsWith("*.") ? n.substring(2) : n;
        try {
            new SNIHostName(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a host name for SNI: '" + name + "' (" + e.getMessage() + ")");
        }
        return n;
    }

    private Keys buildKeys(KeyMaterial main, Map<String, KeyMaterial> byName) throws IOException {
        try {
            char[] password = new char[0];
            List<KeyMaterial> all = new ArrayList<>();
            if (main != null) {
                all.add(main);
            }
            Map<String, Integer> index = new HashMap<>();
            for (Map.Entry<String, KeyMaterial> e : byName.entrySet()) {
                index.put(e.getKey(), all.size());
                all.add(e.getValue());
            }
            KeyManager[] keyManagers = null;
            SniKeyManager sni = null;
            if (!all.isEmpty()) {
                X509ExtendedKeyManager[] managers = new X509ExtendedKeyManager[all.size()];
                for (int i = 0; i < managers.length; i++) {
                    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(all.get(i).toKeyStore("key", password), password);
                    managers[i] = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
                }
                sni = new SniKeyManager(managers, index);
                keyManagers = new KeyManager[] {sni};
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust); // null: the JDK's default authorities
            TrustManager[] trustManagers = tmf.getTrustManagers();
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            SSLSessionContext sessions = server ? context.getServerSessionContext() : context.getClientSessionContext();
            sessions.setSessionCacheSize(sessionCacheSize);
            sessions.setSessionTimeout((int) Math.min(Integer.MAX_VALUE, sessionTimeout.toSeconds()));
            return new Keys(context, sni, !byName.isEmpty());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * A new engine. A client engine is keyed by {@code peerHost}/{@code peerPort} for session
     * resumption and sends {@code serverName} by SNI when it is a host name.
     */
    SSLEngine newEngine(String peerHost, int peerPort, String serverName) {
        Keys k = keys;
        SSLEngine engine = peerHost == null ? k.context().createSSLEngine() : k.context().createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(!server);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols.toArray(new String[0]));
        if (cipherSuites != null) {
            p.setCipherSuites(cipherSuites.toArray(new String[0]));
        }
        p.setApplicationProtocols(applicationProtocols.toArray(new String[0]));
        if (server) {
            p.setNeedClientAuth(clientAuth == ClientAuth.REQUIRED);
            if (clientAuth == ClientAuth.OPTIONAL) {
                p.setWantClientAuth(true);
            }
            if (k.hasNames() && rejectUnknownServerNames) {
                SniKeyManager sni = k.sni();
                p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        return name instanceof SNIHostName h ? sni.indexFor(h.getAsciiName()) >= 0
                                : sni.indexFor(new SNIHostName(name.getEncoded()).getAsciiName()) >= 0;
                    }
                }));
            }
        } else {
            if (serverName != null && isHostName(serverName)) {
                p.setServerNames(List.of(new SNIHostName(serverName)));
            } else {
                p.setServerNames(List.of());
            }
            if (verifyHostname) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /** Whether SNI may carry {@code name}: a DNS name, not an IP literal (RFC 6066). */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.indexOf(':') >= 0) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return true;
            }
        }
        return false;
    }

    Executor delegatedTasks() {
        return delegatedTasks;
    }

    private static Executor defaultTaskExecutor() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "netloop-tls-task-" + TASK_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public String toString() {
        return "TlsContext[" + (server ? "server" : "client") + ", " + protocols + ", ALPN " + applicationProtocols + "]";
    }

    /**
     * Builds a {@link TlsContext}. Defaults: TLS 1.3 and 1.2; the JDK's cipher suites; no ALPN;
     * no client authentication; a 10 s handshake timeout; the JDK's default trusted authorities;
     * a client verifies the server's name (HTTPS rules); a server with SNI names rejects other
     * names; session resumption with a cache of 20,480 sessions for 24 h; delegated tasks on a
     * shared pool of daemon threads.
     *
     * <p>Not thread-safe. {@code serverName} on a client builder, and {@code keyMaterial} or
     * {@code verifyHostname} on a server builder, throw {@link IllegalStateException};
     * {@code clientAuth} and {@code rejectUnknownServerNames} are ignored by a client.
     *
     * <pre>{@code
     * TlsContext mtls = TlsContext.server(serverKeys)
     *         .clientAuth(ClientAuth.REQUIRED)
     *         .trustPem(Path.of("clients-ca.pem"))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final boolean server;
        private KeyMaterial keyMaterial;
        private final Map<String, KeyMaterial> serverNames = new LinkedHashMap<>();
        private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
        private List<String> cipherSuites;
        private List<String> applicationProtocols = List.of();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private boolean rejectUnknownServerNames = true;
        private boolean verifyHostname = true;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Executor delegatedTasks;
        private KeyStore trust;
        private int sessionCacheSize = 20_480;
        private Duration sessionTimeout = Duration.ofHours(24);

        private Builder(boolean server) {
            this.server = server;
        }

        /**
         * Protocol versions, such as {@code "TLSv1.3"}, {@code "TLSv1.2"}; default both.
         *
         * @param protocols the JDK's standard names of the versions to enable
         * @return this builder
         * @throws IllegalArgumentException when none is given; a name this JDK does not know fails
         *         {@link #build()}
         */
        public Builder protocols(String... protocols) {
            if (protocols.length == 0) {
                throw new IllegalArgumentException("at least one protocol version");
            }
            this.protocols = List.of(protocols);
            return this;
        }

        /**
         * Cipher suites by their standard names; the JDK's defaults when not called.
         *
         * @param suites the suites to enable, such as {@code "TLS_AES_128_GCM_SHA256"}; a name this
         *               JDK does not know fails {@link #build()}
         * @return this builder
         */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = List.of(suites);
            return this;
        }

        /**
         * ALPN protocols in order of preference, such as {@code "h2"}, {@code "http/1.1"}. A server
         * picks the first of its own that the client offers, and refuses a client that offers
         * ALPN but none of these ({@code no_application_protocol}).
         *
         * @param protocols protocol ids, most preferred first; none (the default) for no ALPN
         * @return this builder
         */
        public Builder applicationProtocols(String... protocols) {
            this.applicationProtocols = List.of(protocols);
            return this;
        }

        /**
         * Server: whether to ask for client certificates (needs {@code trust...}); default
         * {@link ClientAuth#NONE}. Ignored by a client.
         *
         * @param clientAuth whether a client certificate is not asked for, optional or required
         * @return this builder
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /**
         * Server: presents {@code keyMaterial} to clients that ask for {@code hostName} by SNI.
         * {@code "*.example.com"} matches one label under {@code example.com}. Once any name is
         * configured, a client asking for another is refused ({@code unrecognized_name}) unless
         * {@link #rejectUnknownServerNames(boolean)} is {@code false}; a client that sends no name
         * gets the default key.
         *
         * @param hostName    a DNS name, or {@code *.} and a domain; compared without regard to case
         * @param keyMaterial the key and chain for that name
         * @return this builder
         * @throws IllegalArgumentException when {@code hostName} is not a name SNI can carry
         * @throws IllegalStateException    on a client builder
         */
        public Builder serverName(String hostName, KeyMaterial keyMaterial) {
            requireServer("serverName");
            serverNames.put(checkedName(hostName), Objects.requireNonNull(keyMaterial, "keyMaterial"));
            return this;
        }

        /**
         * Server: {@code false} to give clients asking for an unconfigured name the default key;
         * default {@code true}. Only matters once a {@link #serverName} is configured; ignored by a client.
         *
         * @param reject {@code true} to refuse such clients with {@code unrecognized_name}
         * @return this builder
         */
        public Builder rejectUnknownServerNames(boolean reject) {
            this.rejectUnknownServerNames = reject;
            return this;
        }

        /**
         * Client: the key presented when a server asks for a client certificate; default none.
         *
         * @param keyMaterial the client's key and certificate chain
         * @return this builder
         * @throws IllegalStateException on a server builder, whose key is given to {@link TlsContext#server}
         */
        public Builder keyMaterial(KeyMaterial keyMaterial) {
            requireClient("keyMaterial");
            this.keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial");
            return this;
        }

        /**
         * Trusts the certificates of a PEM file (instead of the JDK's default authorities). Replaces
         * what an earlier {@code trust...} call set.
         *
         * @param caCertificates a PEM file of one or more {@code CERTIFICATE} blocks
         * @return this builder
         * @throws IOException naming the file when it cannot be read or holds no certificate
         */
        public Builder trustPem(Path caCertificates) throws IOException {
            return trustCertificates(Pem.certificates(caCertificates));
        }

        /**
         * Trusts these certificates (instead of the JDK's default authorities). Replaces what an
         * earlier {@code trust...} call set.
         *
         * @param certificates the authorities (or self-signed peer certificates) to trust; copied
         * @return this builder
         */
        public Builder trustCertificates(Collection<X509Certificate> certificates) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                int i = 0;
                for (X509Certificate c : certificates) {
                    ks.setCertificateEntry("trusted-" + i++, c);
                }
                this.trust = ks;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build an in-memory trust store", e);
            }
            return this;
        }

        /**
         * Trusts the certificate entries of a loaded keystore (instead of the JDK's default
         * authorities). Replaces what an earlier {@code trust...} call set.
         *
         * @param store a loaded keystore, not copied: read by {@link #build()}, and again by each
         *              {@link TlsContext#reload}
         * @return this builder
         */
        public Builder trustStore(KeyStore store) {
            this.trust = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Client: whether the server's certificate must name the host connected to (default {@code true}).
         *
         * @param verify {@code false} to accept any trusted certificate, whatever names it holds
         * @return this builder
         * @throws IllegalStateException on a server builder
         */
        public Builder verifyHostname(boolean verify) {
            requireClient("verifyHostname");
            this.verifyHostname = verify;
            return this;
        }

        /**
         * How long a handshake may take before the connection is dropped; {@link Duration#ZERO} for
         * no limit; default 10 seconds. It then fails with a {@link TlsHandshakeTimeoutException}.
         *
         * @param timeout from the TCP connection's open to the handshake's end
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is negative
         */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("handshakeTimeout must not be negative: " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Where the engines' delegated tasks run (key exchange, signatures, certificate checks).
         * Never a loop: the loop would block for the task's length. Default: a pool of daemon
         * threads shared by every context, as many as processors (at least 2).
         *
         * @param executor runs the tasks; may be shared by any number of contexts
         * @return this builder
         */
        public Builder delegatedTaskExecutor(Executor executor) {
            this.delegatedTasks = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sessions kept for resumption (0: no limit); default 20,480.
         *
         * @param sessions the most sessions the context's cache holds
         * @return this builder
         * @throws IllegalArgumentException when {@code sessions} is negative
         */
        public Builder sessionCacheSize(int sessions) {
            if (sessions < 0) {
                throw new IllegalArgumentException("sessionCacheSize must not be negative: " + sessions);
            }
            this.sessionCacheSize = sessions;
            return this;
        }

        /**
         * How long a session may be resumed; default 24 hours.
         *
         * @param timeout the session's lifetime in whole seconds; zero for no limit, negative fails
         *                {@link #build()}
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Makes the context, building the JDK's {@link javax.net.ssl.SSLContext} and a test engine,
         * so that a configuration this JDK cannot serve fails here rather than at the first connection.
         *
         * @return an immutable context (but for {@link TlsContext#reload}), safe to share
         * @throws IOException when the keys or trust cannot be used
         * @throws IllegalArgumentException when a protocol or cipher suite is unknown to this JDK,
         *         client authentication was asked for without certificates to trust, or the session
         *         timeout is negative
         */
        public TlsContext build() throws IOException {
            return new TlsContext(this);
        }

        private void requireServer(String what) {
            if (!server) {
                throw new IllegalStateException(what + " is for server contexts");
            }
        }

        private void requireClient(String what) {
            if (server) {
                throw new IllegalStateException(what + " is for client contexts");
            }
        }
    }
}
